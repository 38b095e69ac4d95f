#!/usr/bin/env bash
# Every performance benchmark of issue 15 against the real jars, one after the other (never in parallel: they
# measure CPU), each script's own table kept in OUT, then the whole table with the issue's targets. Builds the jars
# and the test classes first unless --no-build.
#
#   bench/all.sh [--quick] [--no-build] [--postgres JDBC_URL] [--out DIR] [--steps "modbus report-h2 ..."]
#     --quick      shorter runs (warm-up and measurement), fewer fleet sizes: a smoke run, not figures to publish
#     --steps      only these steps (opcua opcua-300k publisher-300k modbus gateway-h2 gateway-pg report-h2
#                  report-pg), e.g. to run one again into the --out folder of a full run; the summary takes every
#                  step's table found in that folder
#     --postgres   also the gateway on PostgreSQL and the collector's report on PostgreSQL (a database the run may
#                  empty: the report drops its public schema before generating its facts)
# FLOORLINK_BUILD_DIR: the build folder (-Dfloorlink.build.dir) to build into and run from, target by default.
#
# Peers: Node-RED with node-red-contrib-modbus (installed from npm by bench/modbus-fleet.sh) for Modbus.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=false
BUILD=true
PG=""
OUT=""
STEPS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=true; shift ;;
    --no-build) BUILD=false; shift ;;
    --postgres) PG="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --steps) STEPS=" $2 "; shift 2 ;;
    *) echo "usage: $0 [--quick] [--no-build] [--postgres JDBC_URL] [--out DIR] [--steps \"NAME ...\"]" >&2; exit 64 ;;
  esac
done
BD=${FLOORLINK_BUILD_DIR:-target}
export FLOORLINK_BUILD_DIR=$BD
OUT=${OUT:-$ROOT/$BD/bench-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

if $BUILD; then
  ./mvnw -q -o package -DskipTests -Dfloorlink.build.dir="$BD" 2>/dev/null \
    || ./mvnw -q package -DskipTests -Dfloorlink.build.dir="$BD"
  ./mvnw -q -o test-compile -pl collector-api,edge-agent -am -Dfloorlink.build.dir="$BD" 2>/dev/null \
    || ./mvnw -q test-compile -pl collector-api,edge-agent -am -Dfloorlink.build.dir="$BD"
fi

machine() {
  echo "$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), commit $(git rev-parse --short HEAD)"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

step() { # name command...: runs one benchmark, its table in OUT/name.txt, the load average before and after
  local name=$1
  shift
  if [ -n "$STEPS" ] && [[ "$STEPS" != *" $name "* ]]; then
    return 0
  fi
  echo "== $name: $(printf '%s ' "$@" | cut -c1-160)" >&2
  { echo "load average before: $(load)"; "$@"; echo "load average after: $(load)"; } > "$OUT/$name.txt" 2> "$OUT/$name.err" \
    || echo "FAILED (exit $?): see $OUT/$name.err" >> "$OUT/$name.txt"
  cat "$OUT/$name.txt" >&2
}

if $QUICK; then
  W=15 S=20 MACHINES="20 200" GW_S=20 MB_W=45 MB_S=20
else
  # Modbus: at 20 machines the agent's CPU is mostly fixed cost and C1 still compiles after 90 s; the steady state of
  # a box that runs for months is measured after 3 minutes, over 2
  W=30 S=60 MACHINES="20 200 1000" GW_S=60 MB_W=180 MB_S=120
fi

# 100,000/s with the shipped unit (its heap is sized for 10,000 points); 300,000/s (30,000 points) with a heap for them
step opcua bench/opcua-load.sh --rates 100000 --warmup "$W" --seconds "$S"
step opcua-300k bench/opcua-load.sh --rates 300000 --warmup "$W" --seconds "$S" --jvm "-Xmx512m"
# the publisher path at 300,000/s without the OPC UA simulator on the same cores: the unit's options with the heap the
# agent asks for at 30,000 points (its start-up warning: 213 MB with the default queue_samples)
# shellcheck source=bench/unit.sh
. "$ROOT/bench/unit.sh"
PUBLISHER_JVM=$(unit_jvm_options floorlink-edge-agent.service | sed 's/-Xms90m -Xmx90m/-Xms213m -Xmx213m/')
step publisher-300k bench/edge-publisher-load.sh --rates 300000 --warmup "$W" --seconds "$S" --jvm "$PUBLISHER_JVM"
step modbus bench/modbus-fleet.sh --machines "$MACHINES" --warmup "$MB_W" --seconds "$MB_S" --node-red
step gateway-h2 bench/gateway-load.sh --warmup "$W" --seconds "$GW_S"
if [ -n "$PG" ]; then
  step gateway-pg bench/gateway-load.sh --warmup "$W" --seconds "$GW_S" --postgres "$PG"
fi

CP_FILE=$OUT/collector-cp.txt
./mvnw -q -o dependency:build-classpath -pl collector-api -Dmdep.outputFile="$CP_FILE" > /dev/null 2>&1 \
  || ./mvnw -q dependency:build-classpath -pl collector-api -Dmdep.outputFile="$CP_FILE" > /dev/null
CP="collector-api/$BD/test-classes:collector-api/$BD/classes:gateway/$BD/classes:sparkplug/$BD/classes:$(cat "$CP_FILE")"
RUNS=$($QUICK && echo 3 || echo 9)
# the report in the heap and with the GC options the collector's systemd unit gives it
read -r -a REPORT_JVM <<< "$(unit_jvm_options floorlink-collector.service)"
read -r -a REPORT_ENV <<< "$(unit_environment floorlink-collector.service | tr '\n' ' ')"
# and committed up front (-Xms = the unit's -Xmx): the harness collects the heap between runs into an empty cache,
# which would otherwise shrink it and charge its regrowth to the next report
for o in "${REPORT_JVM[@]}"; do
  case $o in -Xmx*) REPORT_JVM+=("-Xms${o#-Xmx}") ;; esac
done
step report-h2 env "${REPORT_ENV[@]}" java "${REPORT_JVM[@]}" -cp "$CP" io.floorlink.collector.indicators.IndicatorLoadHarness "$OUT/report-h2" 1000 "$RUNS"
if [ -n "$PG" ]; then
  step report-pg env "${REPORT_ENV[@]}" java "${REPORT_JVM[@]}" -Dbench.postgres="$PG" -Dbench.postgres_reset=true -cp "$CP" io.floorlink.collector.indicators.IndicatorLoadHarness \
    "$OUT/report-pg" 1000 "$RUNS"
fi

cat_found() { # step...: the tables of the steps that ran into OUT
  local n
  for n in "$@"; do
    if [ -f "$OUT/$n.txt" ]; then cat "$OUT/$n.txt"; fi
  done
}

{
  echo "# FloorLink performance, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(machine)"
  echo
  echo "## Edge, OPC UA (target: 100,000/s at <= 0.5 core and <= 200 MB RSS; 300,000/s on <= 1.5 cores, 0 dropped)"
  cat_found opcua opcua-300k publisher-300k
  echo
  echo "## Edge, Modbus, against Node-RED (target: >= 3x less CPU per point at 20, 200 and 1,000 machines)"
  cat_found modbus
  echo
  echo "## Gateway (target: >= 500,000 points/s on <= 1 core, RSS <= 1 GB, H2 and PostgreSQL)"
  cat_found gateway-h2 gateway-pg
  echo
  echo "## Collector, 30-day report for 1,000 equipment (target: every report under 1 s cold)"
  for f in "$OUT"/report-h2.txt "$OUT"/report-pg.txt; do
    [ -f "$f" ] || continue
    echo "### $(basename "$f" .txt)"
    grep -h "load average\|median\|FAILED\|day profiles" "$f"
  done
} | tee "$OUT/summary.md"
echo "tables: $OUT" >&2
