#!/usr/bin/env bash
# OPC UA edge benchmark: the real jars on loopback. For each rate R (changed values per second) it starts the OPC UA
# simulator with R/10 load variables that all change every 100 ms (its own JVM), the collector with its embedded
# broker and gateway as the primary host (its own JVM, started once), and the edge agent with one OPC UA connector
# subscribing to every load variable at 100 ms (its own JVM, the shipped systemd unit's JVM options and environment,
# or --jvm); after a warm-up it reads the edge process's CPU time, threads, RSS and peak RSS from /proc and the
# samples it published and dropped from its /metrics, and prints one row.
#
#   ./mvnw -q package -DskipTests && bench/opcua-load.sh [--rates "100000 300000"] [--seconds 60] [--warmup 30]
#       [--jvm "-Xmx128m ..."] [--threads]    (--threads: the edge's CPU by thread over the measurement, on stderr)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RATES="100000"
MEASURE=60
WARMUP=30
JVM=""
THREADS_REPORT=false
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) RATES="$2"; shift 2 ;;
    --seconds) MEASURE="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --jvm) JVM="$2"; shift 2 ;;
    --threads) THREADS_REPORT=true; shift ;;
    *) echo "usage: $0 [--rates \"100000\"] [--seconds 60] [--warmup 30] [--jvm \"OPTIONS\"] [--threads]" >&2; exit 64 ;;
  esac
done

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
[ -n "$JVM" ] && EDGE_OPTS=$JVM
echo "edge JVM: $EDGE_OPTS ${EDGE_ENV:+(env $EDGE_ENV)}" >&2
start_collector LOAD

PER_DEVICE=100
printf '%10s %10s %10s %8s %8s %8s %9s %8s\n' rate published/s dropped/s cores threads rss_mb peak_mb "cpu-s/1e5"
for R in $RATES; do
  N=$((R / 10))
  SIM_LOG="$WORK/sim-$R.log"
  java -Xmx1g -jar "$SIM_JAR" opcua --stations 1 --load-points "$N" --tick 100ms --port 0 > "$SIM_LOG" 2>&1 &
  SIM=$!
  PIDS+=($SIM)
  wait_for "$SIM_LOG" "^Load: " 120
  ENDPOINT=$(grep -o 'opc.tcp://[0-9.]*:[0-9]*/[a-z]*' "$SIM_LOG" | head -1)
  EDGE_DIR="$WORK/edge-$R"
  mkdir -p "$EDGE_DIR"
  EDGE_HTTP=$(free_port)
  {
    uplink_yaml LOAD "$EDGE_DIR" "$EDGE_HTTP"
    echo "  - type: opcua"
    echo "    name: load"
    echo "    endpoint: $ENDPOINT"
    echo "    security: { mode: none }"
    echo "    devices:"
    awk -v n="$N" -v per="$PER_DEVICE" 'BEGIN {
      for (i = 1; i <= n; i++) {
        if ((i - 1) % per == 0) { printf "      - id: LOAD-%04d\n        points:\n", (i - 1) / per + 1 }
        printf "          - { id: p%06d, node: \"ns=2;s=Line1.Load.P%06d\", type: double, category: process, interval: 100ms }\n", i, i
      } }'
  } > "$EDGE_DIR/edge.yaml"
  start_edge "$EDGE_DIR"
  URL="http://127.0.0.1:$EDGE_HTTP/metrics"
  sleep "$WARMUP"
  $THREADS_REPORT && thread_ticks "$EDGE" > "$WORK/threads0"
  c0=$(cpu_ticks "$EDGE"); p0=$(metric "$URL" '^floorlink_edge_samples_published_total'); d0=$(metric "$URL" '^floorlink_edge_samples_dropped_total'); t0=$(date +%s.%N)
  sleep "$MEASURE"
  if ! kill -0 "$EDGE" 2>/dev/null; then
    # e.g. -XX:+ExitOnOutOfMemoryError with a heap too small for R/10 points (the agent warned at start)
    printf '%10d  edge agent exited during the run: %s\n' "$R" "$(grep -m1 -i 'heap\|OutOfMemory\|ERROR' "$EDGE_DIR/edge.log" | cut -c1-160)"
    kill "$SIM" 2>/dev/null || true
    wait "$SIM" 2>/dev/null || true
    continue
  fi
  c1=$(cpu_ticks "$EDGE"); p1=$(metric "$URL" '^floorlink_edge_samples_published_total'); d1=$(metric "$URL" '^floorlink_edge_samples_dropped_total'); t1=$(date +%s.%N)
  if [ "$d1" != "$d0" ]; then
    echo "  dropped at $R/s by reason since start (floorlink.edge.samples.dropped):" >&2
    curl -s "$URL" | awk '$1 ~ /^floorlink_edge_samples_dropped_total/ && $NF > 0 {print "    " $0}' >&2
  fi
  if $THREADS_REPORT; then
    thread_ticks "$EDGE" > "$WORK/threads1"
    echo "  CPU by thread over the measurement at $R/s (seconds):" >&2
    thread_report "$WORK/threads0" "$WORK/threads1" >&2
  fi
  awk -v r="$R" -v c="$((c1 - c0))" -v hz="$HZ" -v p="$((p1 - p0))" -v d="$((d1 - d0))" \
    -v dt="$(echo "$t1 - $t0" | bc)" -v th="$(threads "$EDGE")" -v rss="$(rss_mb "$EDGE")" -v peak="$(peak_rss_mb "$EDGE")" 'BEGIN {
      cpu = c / hz; printf "%10d %10.0f %10.0f %8.3f %8d %8d %9d %8.3f\n", r, p / dt, d / dt, cpu / dt, th, rss, peak, (p > 0 ? cpu / (p / 100000) : 0) }'
  # The simulator too: its variables would keep changing beside the next rate's.
  kill "$EDGE" "$SIM"; wait "$EDGE" "$SIM" 2>/dev/null || true
done
