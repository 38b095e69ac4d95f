#!/usr/bin/env bash
# Modbus fleet benchmark: the real jars on loopback. For each fleet size N it starts the Modbus simulator with N
# molding machines (its own JVM), the collector with its embedded broker and gateway as the primary host (its own
# JVM), and the edge agent with one Modbus TCP connector per machine, 14 points each at 1 s (its own JVM, the shipped
# launcher's heap setting); after a warm-up it reads the edge process's CPU time, threads and RSS from /proc and the
# points it read from its /metrics, and prints one row. With --node-red, Node-RED with node-red-contrib-modbus
# (installed from npm into bench/.node-red on first use) polls the same machines at the same time over its own
# connections, and both are measured over the same window: the ratio is not moved by the machine's load changing
# between two runs minutes apart (at 20 machines that moved single runs by +-20 %). With --node-red-mqtt a second
# Node-RED runs beside it whose flow also publishes every read to MQTT (a local Mosquitto with a password, QoS 0), as
# a gateway forwarding its reads does: the row "nr+mqtt" (FloorLink also buffers durably and publishes Sparkplug).
# Both read the same registers in the same requests: Node-RED's flow reads holding 0..37 in one request, FloorLink's
# devices have `max_gap: 8` (its default here; --max-gap 0 reads the three gap-free holding ranges apart, as the rows
# before 2026-12-06 (night) did).
#
#   ./mvnw -q package -DskipTests && bench/modbus-fleet.sh [--machines "20 200 1000"] [--seconds 60] [--warmup 20]
#       [--node-red] [--node-red-mqtt] [--max-gap 8] [--jvm "-Xmx128m ..."] [--threads]
#   (--threads: the edge's CPU by thread over the measurement, on stderr; --jvm: the edge's JVM options instead of
#   the systemd unit's)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

MACHINES="20 200 1000"
MEASURE=60
WARMUP=20
NODE_RED=false
NODE_RED_MQTT=false
THREADS_REPORT=false
JVM=""
MAX_GAP=8
while [ $# -gt 0 ]; do
  case "$1" in
    --machines) MACHINES="$2"; shift 2 ;;
    --seconds) MEASURE="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --node-red) NODE_RED=true; shift ;;
    --node-red-mqtt) NODE_RED=true; NODE_RED_MQTT=true; shift ;;
    --threads) THREADS_REPORT=true; shift ;;
    --jvm) JVM="$2"; shift 2 ;;
    --max-gap) MAX_GAP="$2"; shift 2 ;;
    *) echo "usage: $0 [--machines \"20 200 1000\"] [--seconds 60] [--warmup 20] [--node-red] [--node-red-mqtt] [--max-gap 8] [--jvm \"OPTIONS\"] [--threads]" >&2; exit 64 ;;
  esac
done

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
[ -n "$JVM" ] && EDGE_OPTS=$JVM
echo "edge JVM: $EDGE_OPTS ${EDGE_ENV:+(env $EDGE_ENV)}" >&2
start_collector BENCH

POINTS='
          - { id: machine_mode, address: "holding:0", type: uint16, category: state }
          - { id: production_status, address: "holding:1", type: uint16, category: state }
          - { id: cycle_counter, address: "holding:2", type: uint32, category: counter }
          - { id: good_parts, address: "holding:4", type: uint32, category: quality }
          - { id: bad_parts, address: "holding:6", type: uint32, category: quality }
          - { id: last_cycle_time, address: "holding:8", type: float32, unit: s, category: process }
          - { id: mold_temp_1, address: "holding:10", type: float32, unit: degC, category: process }
          - { id: injection_pressure, address: "holding:18", type: float32, unit: bar, category: process }
          - { id: power, address: "holding:20", type: float32, unit: kW, category: energy }
          - { id: energy, address: "holding:22", type: float64, unit: kWh, category: energy }
          - { id: running, address: "holding:26", type: bool, bit: 0, category: state }
          - { id: machine_name, address: "holding:30", type: string, length: 8, category: state }
          - { id: alarm, address: "coil:1", type: bool, category: alarm }
          - { id: door_closed, address: "discrete:1", type: bool, category: safety }'

printf '%-10s %9s %10s %8s %9s %12s %8s %8s\n' peer machines points/s cores threads "cpu-s/1000pt" rss_mb skipped
ROWS=()

# Measures peers over the same window: each argument is "label pid metrics-url reads-metric skipped-metric".
measure() { # machines peer...
  local n=$1; shift
  sleep "$WARMUP"
  local k label pid url reads skipped
  declare -A C0 R0 S0
  for k in "$@"; do
    read -r label pid url reads skipped <<< "$k"
    $THREADS_REPORT && thread_ticks "$pid" > "$WORK/threads0-$pid"
    C0[$pid]=$(cpu_ticks "$pid"); R0[$pid]=$(metric "$url" "$reads"); S0[$pid]=$(metric "$url" "$skipped")
  done
  local t0 t1
  t0=$(date +%s.%N)
  sleep "$MEASURE"
  t1=$(date +%s.%N)
  for k in "$@"; do
    read -r label pid url reads skipped <<< "$k"
    local c1 r1 s1 row
    c1=$(cpu_ticks "$pid"); r1=$(metric "$url" "$reads"); s1=$(metric "$url" "$skipped")
    if $THREADS_REPORT; then
      thread_ticks "$pid" > "$WORK/threads1-$pid"
      echo "  CPU by thread over the measurement, $label $n machines (seconds):" >&2
      thread_report "$WORK/threads0-$pid" "$WORK/threads1-$pid" >&2
    fi
    row=$(awk -v l="$label" -v n="$n" -v c="$((c1 - C0[$pid]))" -v hz="$HZ" -v r="$((r1 - R0[$pid]))" \
      -v s="$((s1 - S0[$pid]))" -v dt="$(echo "$t1 - $t0" | bc)" -v th="$(threads "$pid")" -v rss="$(rss_mb "$pid")" 'BEGIN {
        cpu = c / hz; rate = r / dt;
        printf "%-10s %9d %10.0f %8.3f %9d %12.4f %8d %8d", l, n, rate, cpu / dt, th, (r > 0 ? cpu / (r / 1000) : 0), rss, s }')
    echo "$row"
    ROWS+=("$row")
  done
}

# start_node_red LABEL DIR [--mqtt PORT USER PASSWORD_FILE]: Node-RED with the flows of node-red-flows.py polling the
# machines of $SIM_LOG (and with --mqtt publishing every read); adds it to PEERS and NRPS.
start_node_red() {
  local label=$1 dir=$2 port pid
  shift 2
  local nr="$ROOT/bench/.node-red"
  if [ ! -x "$nr/node_modules/.bin/node-red" ]; then
    mkdir -p "$nr"
    # 5.23.3: later releases take modbus-serial from a host outside the npm registry
    (cd "$nr" && npm install --silent --no-audit --no-fund node-red@4 node-red-contrib-modbus@5.23.3 >/dev/null)
  fi
  mkdir -p "$dir"
  port=$(free_port)
  grep -o 'IMM-[0-9]* modbus-tcp://[0-9.]*:[0-9]*' "$SIM_LOG" |
    python3 "$ROOT/bench/node-red-flows.py" ${1:+"$@" "$dir/flows_cred.json"} > "$dir/flows.json"
  cat > "$dir/settings.js" <<EOF
module.exports = { uiHost: "127.0.0.1", uiPort: $port, flowFile: "flows.json", credentialSecret: false,
  logging: { console: { level: "warn", metrics: false } }, httpAdminRoot: "/", editorTheme: { tours: false } };
EOF
  (cd "$dir" && exec node "$nr/node_modules/node-red/red.js" --userDir "$dir" --settings "$dir/settings.js" \
    "$dir/flows.json") > "$dir/node-red.log" 2>&1 &
  pid=$!
  PIDS+=($pid)
  NRPS+=($pid)
  wait_http "http://127.0.0.1:$port/bench/points" 120
  PEERS+=("$label $pid http://127.0.0.1:$port/bench/points ^points_read$ ^never_skipped$")
}

if $NODE_RED_MQTT; then
  start_mosquitto bench-nr   # the broker the forwarding Node-RED publishes to
fi

for N in $MACHINES; do
  SIM_LOG="$WORK/sim-$N.log"
  java -Xmx512m -jar "$SIM_JAR" modbus --machines "$N" --port 0 --host 127.0.0.1 > "$SIM_LOG" 2>&1 &
  SIM=$!
  PIDS+=($SIM)
  wait_for "$SIM_LOG" "IMM-$(printf '%02d' "$N") modbus-tcp\|IMM-$N modbus-tcp" 120
  EDGE_DIR="$WORK/edge-$N"
  mkdir -p "$EDGE_DIR"
  EDGE_HTTP=$(free_port)
  {
    uplink_yaml BENCH "$EDGE_DIR" "$EDGE_HTTP"
    grep -o 'IMM-[0-9]* modbus-tcp://[0-9.]*:[0-9]*' "$SIM_LOG" | while read -r id url; do
      port=${url##*:}
      echo "  - type: modbus"
      echo "    name: m-$id"
      echo "    host: 127.0.0.1"
      echo "    port: $port"
      echo "    addressing: zero_based"
      echo "    devices:"
      echo "      - id: $id"
      echo "        unit: 1"
      echo "        interval: 1s"
      echo "        byte_order: ABCD"
      echo "        max_gap: $MAX_GAP"
      echo "        points:$POINTS"
    done
  } > "$EDGE_DIR/edge.yaml"
  start_edge "$EDGE_DIR"
  PEERS=("floorlink $EDGE http://127.0.0.1:$EDGE_HTTP/metrics ^floorlink_edge_modbus_reads_total[{].*outcome=\"ok\" ^floorlink_edge_modbus_cycles_skipped_total")
  NRPS=()
  if $NODE_RED; then
    start_node_red node-red "$WORK/node-red-$N"
    if $NODE_RED_MQTT; then
      start_node_red nr+mqtt "$WORK/node-red-mqtt-$N" --mqtt "$MOSQUITTO_PORT" bench-nr "$WORK/mosquitto-bench-nr.password"
    fi
  fi
  measure "$N" "${PEERS[@]}"
  kill "$EDGE"; wait "$EDGE" 2>/dev/null || true
  for p in "${NRPS[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
  kill "$SIM"; wait "$SIM" 2>/dev/null || true
done

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); edge JAVA_OPTS: ${EDGE_OPTS:-none}; max_gap ${MAX_GAP}; warm-up ${WARMUP}s, measured ${MEASURE}s"
