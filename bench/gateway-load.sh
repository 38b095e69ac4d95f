#!/usr/bin/env bash
# Gateway benchmark (issue 15): the real jars on loopback. The collector (embedded broker and gateway as the
# Sparkplug primary host bench-host; H2 file store, or PostgreSQL with --postgres) in its own JVM, and the
# simulators' sparkplug-fleet in another: NODES edge nodes x DEVICES devices x POINTS Double points publishing RATE
# samples/s as DDATA of whole devices (QoS 1), each node with its own edge credential. After a warm-up it reads the
# collector process's CPU time (utime + stime), RSS and peak RSS from /proc and from its /metrics the samples
# received (DDATA messages x POINTS) and stored (floorlink.gateway.samples.stored, committed rollups), the flushes
# (floorlink.gateway.flush.duration: mean and max over the measurement), the messages dropped, and at the end the
# processing queue's depth and the batches waiting for the writer, and prints one row.
# The collector process holds the broker too: its cores are broker plus gateway.
#
#   ./mvnw -q -pl collector-api -am package -DskipTests && bench/gateway-load.sh [--rate 500000] [--nodes 10]
#       [--devices 50] [--points 100] [--seconds 60] [--warmup 30] [--postgres JDBC_URL] [--jvm "-Xmx1g ..."] (default: the collector unit's options and environment)
#       [--flush 5s] [--flush-max 15s] [--jfr FILE] [--threads] [--store-url JDBC_URL]
#   (--store-url: any facts store URL, e.g. H2 with other settings; --jfr: a flight recording of the collector over warm-up and measurement; --threads: its CPU by thread, on stderr)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RATE=500000
NODES=10
DEVICES=50
POINTS=100
MEASURE=60
WARMUP=30
POSTGRES=""
STORE_URL=""
JVM=""
FLUSH=5s
FLUSH_MAX=""
JFR=""
THREADS_REPORT=false
usage() {
  echo "usage: $0 [--rate 500000] [--nodes 10] [--devices 50] [--points 100] [--seconds 60] [--warmup 30]" \
    "[--postgres JDBC_URL] [--store-url JDBC_URL] [--jvm \"OPTIONS\"] [--flush 5s] [--flush-max 15s] [--jfr FILE] [--threads]" >&2
  exit 64
}
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift 2 ;;
    --nodes) NODES="$2"; shift 2 ;;
    --devices) DEVICES="$2"; shift 2 ;;
    --points) POINTS="$2"; shift 2 ;;
    --seconds) MEASURE="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --postgres) POSTGRES="$2"; shift 2 ;;
    --store-url) STORE_URL="$2"; shift 2 ;;
    --jvm) JVM="$2"; shift 2 ;;
    --flush) FLUSH="$2"; shift 2 ;;
    --flush-max) FLUSH_MAX="$2"; shift 2 ;;
    --jfr) JFR="$2"; shift 2 ;;
    --threads) THREADS_REPORT=true; shift ;;
    *) usage ;;
  esac
done

NEEDS_EDGE_JAR=false
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

BROKER_PORT=$(free_port)
password=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
printf '%s' "$password" > "$WORK/edge.password"
hash=$(printf '%s' "$password" | java -cp "$COLLECTOR_JAR" io.floorlink.gateway.broker.PasswordHash)
{
  echo "http: { host: 127.0.0.1, port: 0 }"
  echo "data_dir: $WORK/collector"
  echo "gateway:"
  echo "  host_id: bench-host"
  echo "  flush_interval: $FLUSH"
  [ -n "$FLUSH_MAX" ] && echo "  flush_interval_max: $FLUSH_MAX"
  echo "  broker: { mode: embedded, host: 127.0.0.1, port: $BROKER_PORT }"
  [ -n "$POSTGRES" ] && echo "  store: { url: \"$POSTGRES\" }"
  [ -n "$STORE_URL" ] && echo "  store: { url: \"$STORE_URL\", username: sa }"
  echo "  auth:"
  echo "    edges:"
  for i in $(seq 1 "$NODES"); do
    node=$(printf 'edge-%02d' "$i")
    echo "      - { username: bench-$node, password: \"$hash\", groups: [LOAD], node: $node }"
  done
} > "$WORK/collector.yaml"
COLLECTOR_OPTS="${JVM:-$COLLECTOR_UNIT_OPTS}"
[ -n "$JFR" ] && COLLECTOR_OPTS="$COLLECTOR_OPTS -XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true"
# shellcheck disable=SC2086
env $COLLECTOR_ENV java $COLLECTOR_OPTS -jar "$COLLECTOR_JAR" serve --config "$WORK/collector.yaml" > "$WORK/collector.log" 2>&1 &
COLLECTOR=$!
PIDS+=($COLLECTOR)
wait_for "$WORK/collector.log" "FloorLink collector:" 120
URL="$(grep -o 'FloorLink collector: http://[0-9.]*:[0-9]*' "$WORK/collector.log" | head -1 | sed 's/FloorLink collector: //')/metrics"
wait_http "$URL" 30

java -Xmx1g -jar "$SIM_JAR" sparkplug-fleet --broker "tcp://127.0.0.1:$BROKER_PORT" --group LOAD \
  --nodes "$NODES" --devices "$DEVICES" --points "$POINTS" --rate "$RATE" --primary-host bench-host \
  --username 'bench-{node}' --password-file "$WORK/edge.password" > "$WORK/fleet.log" 2>&1 &
FLEET=$!
PIDS+=($FLEET)
wait_for "$WORK/fleet.log" "Sparkplug fleet:" 60

read_metrics() { # prefix: sets <prefix>_cpu, _recv, _stored, _fsum, _fcount, _drop, _t
  local body
  body=$(curl -s "$URL")
  eval "$1_cpu=$(cpu_ticks "$COLLECTOR")"
  eval "$1_t=$(date +%s.%N)"
  eval "$1_recv=$(awk '$1 ~ /^floorlink_gateway_messages_received_messages_total\{.*type="ddata"/ || $1 ~ /^floorlink_gateway_messages_received_total\{.*type="ddata"/ {s += $NF} END {printf "%.0f", s}' <<< "$body")"
  eval "$1_stored=$(awk '$1 ~ /^floorlink_gateway_samples_stored_total/ {s += $NF} END {printf "%.0f", s}' <<< "$body")"
  eval "$1_fsum=$(awk '$1 ~ /^floorlink_gateway_flush_duration_seconds_sum/ {s += $NF} END {printf "%.6f", s}' <<< "$body")"
  eval "$1_fcount=$(awk '$1 ~ /^floorlink_gateway_flush_duration_seconds_count/ {s += $NF} END {printf "%.0f", s}' <<< "$body")"
  eval "$1_drop=$(awk '$1 ~ /^floorlink_gateway_queue_dropped/ || $1 ~ /^floorlink_gateway_broker_dropped/ {s += $NF} END {printf "%.0f", s}' <<< "$body")"
}

sleep "$WARMUP"
$THREADS_REPORT && thread_ticks "$COLLECTOR" > "$WORK/threads0"
read_metrics a
fmax=0
for _ in $(seq 1 "$MEASURE"); do
  sleep 1
  # the timer's max decays after two minutes: sampled every second
  m=$(curl -s "$URL" | awk '$1 ~ /^floorlink_gateway_flush_duration_seconds_max/ {print $NF}' | sort -g | tail -1)
  fmax=$(awk -v a="$fmax" -v b="${m:-0}" 'BEGIN {print (b > a ? b : a)}')
done
read_metrics b
QUEUE=$(metric "$URL" '^floorlink_gateway_queue_depth')
PENDING=$(metric "$URL" '^floorlink_gateway_writer_pending_batches')
PENDING_RECORDS=$(metric "$URL" '^floorlink_gateway_writer_pending_records')
QUEUE_BYTES=$(metric "$URL" '^floorlink_gateway_queue_payload_bytes')
if $THREADS_REPORT; then
  thread_ticks "$COLLECTOR" > "$WORK/threads1"
  echo "  collector CPU by thread over the measurement (seconds):" >&2
  thread_report "$WORK/threads0" "$WORK/threads1" 12 >&2
fi
STORE=h2
[ -n "$STORE_URL" ] && STORE=h2-url
[ -n "$POSTGRES" ] && STORE=postgres
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
printf '%-8s %8s %10s %10s %8s %8s %8s %10s %10s %8s %8s %8s  %s\n' store rate received/s stored/s cores rss_mb peak_mb flush_avg_ms flush_max_ms dropped queue pending "load average"
awk -v st="$STORE" -v r="$RATE" -v pts="$POINTS" -v hz="$HZ" -v dt="$(echo "$b_t - $a_t" | bc)" \
  -v c="$((b_cpu - a_cpu))" -v rc="$((b_recv - a_recv))" -v so="$((b_stored - a_stored))" \
  -v fs="$(echo "$b_fsum - $a_fsum" | bc)" -v fc="$((b_fcount - a_fcount))" -v fm="$fmax" -v dr="$((b_drop - a_drop))" \
  -v rss="$(rss_mb "$COLLECTOR")" -v peak="$(peak_rss_mb "$COLLECTOR")" -v la="$LOAD" -v q="$QUEUE" -v pe="$PENDING" 'BEGIN {
    printf "%-8s %8d %10.0f %10.0f %8.3f %8d %8d %10.0f %10.0f %8d %8d %8d  %s\n", st, r, rc * pts / dt, so / dt, c / hz / dt, rss, peak,
      (fc > 0 ? fs * 1000 / fc : 0), fm * 1000, dr, q, pe, la }'
grep -E '^sent' "$WORK/fleet.log" | tail -2 | sed 's/^/  fleet: /' >&2
echo "  records pending for the writer at the end: $PENDING_RECORDS (floorlink.gateway.writer.pending.records)" >&2
echo "  payload bytes in the processing queue at the end: $QUEUE_BYTES (floorlink.gateway.queue.payload)" >&2
kill "$FLEET"; wait "$FLEET" 2>/dev/null || true
kill "$COLLECTOR"; wait "$COLLECTOR" 2>/dev/null || true
