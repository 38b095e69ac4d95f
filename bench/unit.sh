# Sourced by bench/lib.sh and bench/all.sh (no side effects): how the shipped systemd units start the jars.
# Needs ROOT (the checkout).
# unit_jvm_options UNIT / unit_environment UNIT: the JVM options of deploy/systemd/UNIT's ExecStart= and its
# Environment= assignments (e.g. MALLOC_ARENA_MAX; not FLOORLINK_LOG_*), as the shipped unit starts the jar.
unit_jvm_options() { sed -n 's/^ExecStart=[^ ]*java \(.*\) -jar .*/\1/p' "$ROOT/deploy/systemd/$1"; }
unit_environment() { sed -n 's/^Environment=\(.*\)/\1/p' "$ROOT/deploy/systemd/$1" | grep -v FLOORLINK_LOG || true; }
