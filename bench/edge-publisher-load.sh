#!/usr/bin/env bash
# Edge publisher benchmark: the edge node of the real edge jar, fed changed values in its own process. For each rate R
# it starts EdgePublisherLoadHarness (edge-agent's test classes on the edge jar's classpath, the shipped systemd
# unit's JVM options and environment, or --jvm) with R/1,000 devices of 100 points each changing every 100 ms,
# publishing to the collector (embedded broker, gateway as primary host, receipts; its own JVM, started once). After
# the warm-up it prints samples published and dropped per second and the process's CPU without the generator thread's
# own, its RSS and peak RSS. It measures the publisher path (report by exception, durable buffer, DDATA, publishing,
# receipts) without a protocol peer on the same cores: on 2 cores the OPC UA simulator alone cannot offer 300,000
# changes a second (bench/opcua-load.sh measures the whole agent with its OPC UA connector). With --uplink mosquitto
# the node publishes to a Mosquitto on loopback instead, without a primary host (records confirmed by the window
# without receipts). --queue-samples sets buffer.queue_samples (the samples that may wait for the publisher thread;
# default 200,000, 0.67 s at 300,000/s); give the heap 100 bytes a sample more (--jvm).
#
#   ./mvnw -q package -DskipTests && ./mvnw -q -pl edge-agent test-compile && \
#     bench/edge-publisher-load.sh [--rates "100000 300000"] [--seconds 60] [--warmup 30] [--jvm "-Xmx128m ..."]
#       [--uplink collector|mosquitto] [--queue-samples N]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RATES="100000 300000"
MEASURE=60
WARMUP=30
JVM=""
UPLINK=collector
QUEUE_SAMPLES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) RATES="$2"; shift 2 ;;
    --seconds) MEASURE="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --jvm) JVM="$2"; shift 2 ;;
    --uplink) UPLINK="$2"; shift 2 ;;
    --queue-samples) QUEUE_SAMPLES="$2"; shift 2 ;;
    *) echo "usage: $0 [--rates \"100000 300000\"] [--seconds 60] [--warmup 30] [--jvm \"OPTIONS\"] [--uplink collector|mosquitto] [--queue-samples N]" >&2; exit 64 ;;
  esac
done

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
[ -n "$JVM" ] && EDGE_OPTS=$JVM
TEST_CLASSES=$ROOT/edge-agent/${FLOORLINK_BUILD_DIR:-target}/test-classes
[ -f "$TEST_CLASSES/io/floorlink/edge/node/EdgePublisherLoadHarness.class" ] || {
  echo "missing $TEST_CLASSES: run ./mvnw -q -pl edge-agent test-compile first" >&2; exit 66; }
echo "edge JVM: $EDGE_OPTS ${EDGE_ENV:+(env $EDGE_ENV)}" >&2
case "$UPLINK" in
  collector) start_collector LOAD ;;
  mosquitto) start_mosquitto bench-edge; COLLECTOR_PID= ;;
  *) echo "--uplink: collector or mosquitto" >&2; exit 64 ;;
esac

printf '%10s %12s %10s %8s %8s %8s %8s %8s\n' rate published/s dropped/s cores gen_cores threads rss_mb peak_mb
for R in $RATES; do
  DIR="$WORK/edge-$R"
  mkdir -p "$DIR"
  {
    if [ "$UPLINK" = collector ]; then
      uplink_yaml LOAD "$DIR" "$(free_port)"
    else
      echo "edge: { group: LOAD, node: edge-01 }"
      # Without receipts a record is deleted two keep-alives after it went out: a short keep-alive and room for the
      # records of that window (3 million at 300,000/s), so that overflow does not drop records awaiting it.
      echo "uplink: { url: tcp://127.0.0.1:$MOSQUITTO_PORT, username: bench-edge, password: \"\${file:$WORK/mosquitto-bench-edge.password}\", keep_alive: 5s }"
      echo "buffer: { path: $DIR/buffer.db, max_size: 1GB }"
      echo "http: { host: 127.0.0.1, port: $(free_port) }"
      echo "connectors:"
    fi
    # required by the configuration, never started by the harness
    echo "  - { type: modbus, name: unused, host: 127.0.0.1, port: 502, addressing: zero_based, devices: [{ id: UNUSED, unit: 1, interval: 1s, points: [{ id: x, address: \"holding:0\", type: uint16, category: state }] }] }"
  } > "$DIR/edge.yaml"
  if [ -n "$QUEUE_SAMPLES" ]; then
    sed -i "s|^buffer: { \(.*\) }\$|buffer: { \1, queue_samples: $QUEUE_SAMPLES }|" "$DIR/edge.yaml"
  fi
  # shellcheck disable=SC2086
  env $EDGE_ENV java $EDGE_OPTS -cp "$EDGE_JAR:$TEST_CLASSES" io.floorlink.edge.node.EdgePublisherLoadHarness \
    "$DIR/edge.yaml" "$R" "$((R / 1000))" "$WARMUP" "$MEASURE" > "$DIR/harness.log" 2>&1 &
  H=$!
  PIDS+=($H)
  wait_for "$DIR/harness.log" "Uplink .* connected" 60
  # By thread over about the harness's measured window (it starts after the node and devices are born).
  sleep "$((WARMUP + 2))"
  thread_ticks "$H" > "$WORK/threads0"; g0=$([ -n "$COLLECTOR_PID" ] && cpu_ticks "$COLLECTOR_PID" || echo 0)
  sleep "$((MEASURE - 4))"
  thread_ticks "$H" > "$WORK/threads1"; g1=$([ -n "$COLLECTOR_PID" ] && cpu_ticks "$COLLECTOR_PID" || echo 0)
  wait "$H" || { echo "harness failed at $R/s:" >&2; grep -v '^\s*at ' "$DIR/harness.log" | tail -20 >&2; exit 1; }
  {
    echo "  CPU by thread at $R/s over $((MEASURE - 4)) s (seconds)${COLLECTOR_PID:+; the collector process $(echo "scale=2; ($g1 - $g0) / $HZ" | bc)}:"
    thread_report "$WORK/threads0" "$WORK/threads1" 8
  } >&2
  # the row; the agent's log lines went to the same file
  grep -E '^ +[0-9]+ +[0-9]+ ' "$DIR/harness.log"
  grep -E 'WARN|ERROR' "$DIR/harness.log" | grep -v 'Uplink lost' | head -5 >&2 || true
done

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); edge JAVA_OPTS: ${EDGE_OPTS:-none}; queue_samples ${QUEUE_SAMPLES:-200000 (default)}; warm-up ${WARMUP}s, measured ${MEASURE}s"
