#!/usr/bin/env bash
# Side by side: up to four edge agents (each a jar and its JVM options) polling the same N simulated Modbus machines
# at once (one connector per machine, the modbus-fleet.sh point map), each publishing to the collector as its own edge
# node; prints each agent's cores and CPU by thread over the same measured window. On a shared machine this compares
# builds or JVM options where two runs of modbus-fleet.sh minutes apart would differ by the machine's load.
#
#   bench/modbus-side-by-side.sh N WARMUP_S MEASURE_S "path/to/edge.jar::JVM OPTIONS" ["jar::options" ...]
#   (the simulator and collector jars come from FLOORLINK_BUILD_DIR as in lib.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ $# -ge 4 ] && [ $# -le 7 ] || { echo "usage: $0 N WARMUP_S MEASURE_S \"jar::options\" ... (1 to 4 agents)" >&2; exit 64; }
NEEDS_EDGE_JAR=false
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
N=$1; WARM=$2; MEAS=$3; shift 3
start_collector BENCH 4
SIM_LOG="$WORK/sim.log"
java -Xmx512m -jar "$SIM_JAR" modbus --machines "$N" --port 0 --host 127.0.0.1 > "$SIM_LOG" 2>&1 &
PIDS+=($!)
wait_for "$SIM_LOG" "IMM-$(printf '%02d' "$N") modbus-tcp\|IMM-$N modbus-tcp" 120
POINTS=$(sed -n "/^POINTS='/,/'$/p" bench/modbus-fleet.sh | sed "1s/^POINTS='//; \$s/'\$//")
i=0; EDGES=(); LABELS=()
for spec in "$@"; do
  i=$((i+1)); jar=${spec%%::*}; opts=${spec#*::}
  D="$WORK/edge-$i"; mkdir -p "$D"; HP=$(free_port)
  {
    echo "edge: { group: BENCH, node: edge-0$i }"
    echo "uplink: { url: tcp://127.0.0.1:$BROKER_PORT, primary_host: bench-host, username: bench-edge-$i, password: \"\${file:$WORK/edge.password}\" }"
    echo "buffer: { path: $D/buffer.db, max_size: 256MB }"
    echo "http: { host: 127.0.0.1, port: $HP }"
    echo "connectors:"
    grep -o 'IMM-[0-9]* modbus-tcp://[0-9.]*:[0-9]*' "$SIM_LOG" | while read -r id url; do
      echo "  - type: modbus"; echo "    name: m-$id"; echo "    host: 127.0.0.1"; echo "    port: ${url##*:}"
      echo "    addressing: zero_based"; echo "    devices:"; echo "      - id: $id"; echo "        unit: 1"
      echo "        interval: 1s"; echo "        byte_order: ABCD"; echo "        points:$POINTS"
    done
  } > "$D/edge.yaml"
  # shellcheck disable=SC2086
  env $EDGE_ENV java $opts -jar "$jar" run --config "$D/edge.yaml" > "$D/edge.log" 2>&1 &
  EDGES+=($!); PIDS+=($!); LABELS+=("$i:$(basename $(dirname $jar)) $opts")
  wait_for "$D/edge.log" "Edge agent .* started" 120
done
sleep "$WARM"
for p in "${EDGES[@]}"; do thread_ticks $p > $WORK/t0-$p; echo $(cpu_ticks $p) > $WORK/c0-$p; done
sleep "$MEAS"
for k in "${!EDGES[@]}"; do p=${EDGES[$k]}
  thread_ticks $p > $WORK/t1-$p; c1=$(cpu_ticks $p); c0=$(cat $WORK/c0-$p)
  echo "${LABELS[$k]}"
  awk -v c=$((c1-c0)) -v hz=$HZ -v s=$MEAS 'BEGIN{printf "   cores %.4f  cpu-s %.2f\n", c/hz/s, c/hz}'
  thread_report "$WORK/t0-$p" "$WORK/t1-$p" 8
done
echo "load $(cat /proc/loadavg)"
