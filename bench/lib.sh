# Shared by the benchmark scripts of bench/ (sourced, not run): ports, waits, /proc readings, Prometheus sums,
# and the collector every benchmark runs as the Sparkplug primary host.
# Needs ROOT (the checkout); sets WORK (a scratch folder, removed at exit) and PIDS (processes killed at exit).

WORK=$(mktemp -d /tmp/floorlink-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# FLOORLINK_BUILD_DIR: the build folder of the jars (-Dfloorlink.build.dir), target by default.
SIM_JAR=$ROOT/simulators/${FLOORLINK_BUILD_DIR:-target}/floorlink-simulators.jar
EDGE_JAR=$ROOT/edge-agent/${FLOORLINK_BUILD_DIR:-target}/floorlink-edge-agent.jar
COLLECTOR_JAR=$ROOT/collector-api/${FLOORLINK_BUILD_DIR:-target}/floorlink-collector.jar
# NEEDS_EDGE_JAR=false (set before sourcing): the script runs no edge agent.
for j in "$SIM_JAR" "$COLLECTOR_JAR" $([ "${NEEDS_EDGE_JAR:-true}" = true ] && echo "$EDGE_JAR"); do
  [ -f "$j" ] || { echo "missing $j: run ./mvnw -q package -DskipTests first" >&2; exit 66; }
done
# shellcheck source=bench/unit.sh
. "$ROOT/bench/unit.sh"
EDGE_OPTS=$(unit_jvm_options floorlink-edge-agent.service)
EDGE_ENV=$(unit_environment floorlink-edge-agent.service)
COLLECTOR_UNIT_OPTS=$(unit_jvm_options floorlink-collector.service)
COLLECTOR_ENV=$(unit_environment floorlink-collector.service)
HZ=$(getconf CLK_TCK)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
wait_for() { # file pattern seconds
  for _ in $(seq 1 $(($3 * 10))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; tail -20 "$1" >&2; return 1
}
wait_http() { # url seconds
  for _ in $(seq 1 $(($2 * 10))); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2; return 1
}
thread_ticks() { # pid: "ticks name" per thread, names with digits folded
  for t in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)" "$(tr -d ' ' < "$t/comm" 2>/dev/null | tr '0-9' 'N')"
  done | awk '{s[$2] += $1} END {for (n in s) print s[n], n}'
}
thread_report() { # before after [lines]: CPU seconds by thread between two thread_ticks snapshots, largest first
  awk -v hz="$HZ" 'NR == FNR {a[$2] = $1; next} {d = $1 - a[$2]; if (d > 0) printf "    %8.2f %s\n", d / hz, $2}' \
    "$1" "$2" | sort -rn | head -"${3:-10}"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
peak_rss_mb() { awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
metric() { # url regex: the sum of every series whose name and labels match
  curl -s "$1" | awk -v m="$2" '$1 ~ m {s += $NF} END {printf "%.0f", s}'
}

# start_collector GROUP [EDGES]: the collector with its embedded broker and gateway as the Sparkplug primary host
# (bench-host), H2 store, one edge credential bench-edge for GROUP/edge-01, or with EDGES credentials bench-edge-I
# for GROUP/edge-0I (I = 1..EDGES); one password for all, in $WORK/edge.password. Sets BROKER_PORT and COLLECTOR_PID.
start_collector() {
  BROKER_PORT=$(free_port)
  local password hash
  password=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
  printf '%s' "$password" > "$WORK/edge.password"
  hash=$(printf '%s' "$password" | java -cp "$COLLECTOR_JAR" io.floorlink.gateway.broker.PasswordHash)
  {
    cat <<YAML
http: { host: 127.0.0.1, port: 0 }
data_dir: $WORK/collector
gateway:
  host_id: bench-host
  flush_interval: 5s
  broker: { mode: embedded, host: 127.0.0.1, port: $BROKER_PORT }
  auth:
    edges:
YAML
    if [ -z "${2:-}" ]; then
      echo "      - { username: bench-edge, password: \"$hash\", groups: [$1], node: edge-01 }"
    else
      for i in $(seq 1 "$2"); do
        echo "      - { username: bench-edge-$i, password: \"$hash\", groups: [$1], node: edge-0$i }"
      done
    fi
  } > "$WORK/collector.yaml"
  java -Xmx1g -jar "$COLLECTOR_JAR" serve --config "$WORK/collector.yaml" > "$WORK/collector.log" 2>&1 &
  COLLECTOR_PID=$!
  PIDS+=($COLLECTOR_PID)
  wait_for "$WORK/collector.log" "FloorLink collector:" 60
}

# start_mosquitto USER: a Mosquitto on loopback (a free port), USER the only login, with a random password in
# $WORK/mosquitto-USER.password; no anonymous access. Sets MOSQUITTO_PORT.
start_mosquitto() {
  MOSQUITTO_PORT=$(free_port)
  head -c 24 /dev/urandom | base64 | tr -d '\n/+=' > "$WORK/mosquitto-$1.password"
  mosquitto_passwd -b -c "$WORK/mosquitto.passwd" "$1" "$(cat "$WORK/mosquitto-$1.password")"
  # user: started as root, mosquitto would drop to its own user, which cannot read $WORK
  printf 'listener %s 127.0.0.1\nallow_anonymous false\npassword_file %s\npersistence false\nuser %s\n' \
    "$MOSQUITTO_PORT" "$WORK/mosquitto.passwd" "$(id -un)" > "$WORK/mosquitto.conf"
  mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
  PIDS+=($!)
  wait_for "$WORK/mosquitto.log" "mosquitto version .* running" 30
}

# uplink_yaml GROUP EDGE_DIR HTTP_PORT: the edge.yaml head of an edge agent of the bench collector.
uplink_yaml() {
  echo "edge: { group: $1, node: edge-01 }"
  echo "uplink:"
  echo "  url: tcp://127.0.0.1:$BROKER_PORT"
  echo "  primary_host: bench-host"
  echo "  username: bench-edge"
  echo "  password: \"\${file:$WORK/edge.password}\""
  echo "buffer: { path: $2/buffer.db, max_size: 256MB }"
  echo "http: { host: 127.0.0.1, port: $3 }"
  echo "connectors:"
}

# start_edge EDGE_DIR: the edge agent on EDGE_DIR/edge.yaml with the shipped unit's JVM options and environment.
# Sets EDGE.
start_edge() {
  # shellcheck disable=SC2086
  env $EDGE_ENV java $EDGE_OPTS -jar "$EDGE_JAR" run --config "$1/edge.yaml" > "$1/edge.log" 2>&1 &
  EDGE=$!
  PIDS+=($EDGE)
  wait_for "$1/edge.log" "Edge agent .* started" 120
}
