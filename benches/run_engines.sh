#!/usr/bin/env bash
# The engines side by side on one generated project (docs/scale.md, "Measured"): the default
# engine on one energy.csv and on the same rows as a folder of CSV partitions, and on that
# folder `--engine datafusion` and `--engine ballista` with one and with two local executors (a scheduler and
# executors of this binary on loopback ports, stopped when the script ends). Runs are
# interleaved: round i runs every engine once. Every output is checked byte-identical to the
# default engine's; wall time and peak RSS of the CLI process come from /usr/bin/time -v (the
# executors' memory is not included).
#
#   benches/run_engines.sh                    # 1M rows over 600 facilities, 3 rounds
#   ROWS=200000 REPEAT=1 benches/run_engines.sh
#
# Environment: ROWS (default 1000000), FACILITIES (600), PARTS (8), REPEAT (3), DATA
# (bench-data), BIN (default: builds ./target/release/carbonledger with --features engine).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
FACILITIES=${FACILITIES:-600}
PARTS=${PARTS:-8}
REPEAT=${REPEAT:-3}
DATA=${DATA:-bench-data}
if [[ -z "${BIN:-}" ]]; then
  echo "== build (release, --features engine)" >&2
  cargo build --release --locked --features engine >&2
  BIN=./target/release/carbonledger
fi
ONE="$DATA/engines-$ROWS/one"
PARTED="$DATA/engines-$ROWS/parts"
RES="$DATA/engines-$ROWS/results"
mkdir -p "$RES"

# The project as one energy.csv, and the same rows as PARTS CSV partitions
# energy/part=K/part-0.csv (header repeated, rows in order).
if [[ ! -f "$ONE/energy.csv" ]]; then
  python3 benches/gen_energy.py "$ROWS" "$ONE" --facilities "$FACILITIES" >&2
fi
if [[ ! -d "$PARTED/energy" ]]; then
  mkdir -p "$PARTED"
  cp "$ONE/carbonledger.toml" "$ONE/facilities.csv" "$PARTED/"
  python3 - "$ONE/energy.csv" "$PARTED/energy" "$PARTS" <<'EOF'
import os, sys
src, out, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(src, encoding="utf-8").read().splitlines(True)
start = next(i for i, l in enumerate(lines) if not l.startswith("#"))
header, rows = lines[start], lines[start + 1:]
size = (len(rows) + parts - 1) // parts
for p in range(parts):
    d = os.path.join(out, "part=%d" % p)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "part-0.csv"), "w", encoding="utf-8") as f:
        f.write(header + "".join(rows[p * size:(p + 1) * size]))
EOF
fi

PIDS=()
stop() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; exit 1; }
# cluster N: a scheduler and N executors (2 task slots each); prints the scheduler's address.
cluster() {
  local s; s=$(port)
  "$BIN" engine-scheduler --bind "127.0.0.1:$s" > "$RES/scheduler-$1.log" 2>&1 &
  PIDS+=($!); wait_port "$s"
  for i in $(seq 1 "$1"); do
    local f g; f=$(port); g=$(port)
    "$BIN" engine-executor --scheduler "127.0.0.1:$s" --flight-port "$f" --grpc-port "$g" \
      --concurrent-tasks 2 --heartbeat 2 > "$RES/executor-$1-$i.log" 2>&1 &
    PIDS+=($!); wait_port "$f"; wait_port "$g"
  done
  sleep 3 # the executors' first heartbeats
  echo "127.0.0.1:$s"
}
ONE_EXEC=$(cluster 1)
TWO_EXEC=$(cluster 2)

# run NAME I -- CMD...: stdout to $RES/NAME.<I>.json, /usr/bin/time -v to $RES/NAME.<I>.time.
run() {
  local name=$1 i=$2; shift 3
  /usr/bin/time -v "$@" > "$RES/$name.$i.json" 2> "$RES/$name.$i.time"
  cmp -s "$RES/$name.$i.json" "$RES/default.$i.json" || { echo "$name: output differs from the default engine's" >&2; exit 1; }
}
for i in $(seq 1 "$REPEAT"); do
  run default "$i" -- "$BIN" figures "$ONE" --format json --no-cache
  run default-folder "$i" -- "$BIN" figures "$PARTED" --format json --no-cache
  run datafusion "$i" -- "$BIN" figures "$PARTED" --format json --no-cache --engine datafusion
  run ballista-1 "$i" -- "$BIN" figures "$PARTED" --format json --no-cache --engine ballista --scheduler "$ONE_EXEC"
  run ballista-2 "$i" -- "$BIN" figures "$PARTED" --format json --no-cache --engine ballista --scheduler "$TWO_EXEC"
done

secs() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(k=1;k<=n;k++) s=s*60+t[k]; print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
{
  echo "$ROWS rows, $FACILITIES facilities, $PARTS partitions; $REPEAT rounds; $(date -u '+%F %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| engine | wall s (best) | wall s (median) | rows/s (median) | CLI peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|"
  for name in default default-folder datafusion ballista-1 ballista-2; do
    mapfile -t w < <(for i in $(seq 1 "$REPEAT"); do secs "$RES/$name.$i.time"; done | sort -g)
    med=${w[$(( (REPEAT - 1) / 2 ))]}
    echo "| $name | ${w[0]} | $med | $(awk -v r="$ROWS" -v s="$med" 'BEGIN {printf "%.0f", r / s}') | $(rss "$RES/$name.1.time") |"
  done
} | tee "$RES/summary.md"
