#!/usr/bin/env bash
# The full and the slim collector jar against the same external broker (Mosquitto on loopback, anonymous): for each
# run, each jar in a new JVM (-Xmx2g, the systemd unit's heap until 2026-12-05) with gateway.broker.mode: external, an H2 file store and the
# example inventory; start time = process start to the "FloorLink collector: http://..." line (gateway connected,
# HTTP listening) in wall and CPU time, RSS from /proc after --idle seconds. Prints one row per jar and run, then the jar sizes.
#
#   ./mvnw -q -pl collector-api -am package -DskipTests && bench/collector-jars.sh [--runs 3] [--idle 20]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=3
IDLE=20
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --idle) IDLE="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--idle SECONDS]" >&2; exit 64 ;;
  esac
done
TARGET="$ROOT/collector-api/${FLOORLINK_BUILD_DIR:-target}"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$PORT" > "$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
PIDS+=($!)
sleep 1

printf '%-30s %4s %10s %14s %9s\n' jar run start_ms start_cpu_ms rss_mb
for run in $(seq 1 "$RUNS"); do
  for jar in floorlink-collector.jar floorlink-collector-slim.jar; do
    dir="$WORK/$jar-$run"
    mkdir -p "$dir"
    cp "$ROOT/collector-api/src/test/resources/inventory.yaml" "$dir/"
    cat > "$dir/collector.yaml" <<YAML
http: { port: 0 }
inventory: inventory.yaml
data_dir: $dir/data
gateway:
  host_id: bench-$run
  broker: { mode: external, url: "tcp://127.0.0.1:$PORT" }
YAML
    start=$(date +%s%N)
    java -Xmx2g -jar "$TARGET/$jar" serve --config "$dir/collector.yaml" > "$dir/out.txt" 2> "$dir/err.txt" &
    pid=$!
    PIDS+=($pid)
    until grep -q "FloorLink collector: http" "$dir/out.txt" 2>/dev/null; do
      kill -0 "$pid" 2>/dev/null || { echo "$jar did not start:" >&2; cat "$dir/err.txt" >&2; exit 1; }
      sleep 0.05
    done
    up=$(( ($(date +%s%N) - start) / 1000000 ))
    # CPU time to that point (utime + stime, clock ticks): less disturbed by other load than the wall time
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat")
    sleep "$IDLE"
    rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    printf '%-30s %4s %10s %14s %9s\n' "$jar" "$run" "$up" "$cpu" "$rss"
  done
done
ls -l "$TARGET"/floorlink-collector.jar "$TARGET"/floorlink-collector-slim.jar | awk '{n = split($NF, p, "/"); printf "%-30s %12d bytes\n", p[n], $5}'
