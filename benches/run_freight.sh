#!/usr/bin/env bash
# carbonledger `figures` and `compute` vs the DuckDB equivalent (benches/duckdb_freight.py) on
# generated freight projects (see docs/performance.md, Freight). Runs are interleaved: round i
# runs every tool once; DuckDB's figures are checked against carbonledger's every round.
#
#   benches/run_freight.sh                 # 200k and 1M legs, best of 3
#   LEGS="1000000" REPEAT=1 benches/run_freight.sh
#
# Environment: LEGS (space-separated leg counts, default "200000 1000000"), REPEAT (default 3),
# THREADS (DuckDB threads, default 2), DATA (default bench-data). Projects go to
# $DATA/legs-<N>/ (skipped if present); outputs and /usr/bin/time -v logs to
# $DATA/results-freight/; the summary to $DATA/results-freight/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."

LEGS=${LEGS:-"200000 1000000"}
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-2}
DATA=${DATA:-bench-data}
RES="$DATA/results-freight"
mkdir -p "$RES"

echo "== build (working tree)" >&2
cargo build --release >&2
BIN=./target/release/carbonledger
SRC_STATE="working tree at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo " + uncommitted changes")"
if ! python3 -c 'import duckdb' 2>/dev/null; then
  echo "== pip install duckdb" >&2
  pip install duckdb >&2
fi

label() { # 1000000 -> 1m, 200000 -> 200k
  local n=$1
  if (( n % 1000000 == 0 )); then echo "$((n / 1000000))m"
  elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
  else echo "$n"; fi
}

# run NAME I -- CMD...: run I of CMD under /usr/bin/time -v; stdout to $RES/NAME.out.<I>.
run() {
  local name=$1 i=$2; shift 3
  echo "== $name run $i/$REPEAT" >&2
  /usr/bin/time -v -o "$RES/$name.time.$i" "$@" > "$RES/$name.out.$i"
}

{ echo "Source measured: $SRC_STATE"; echo "Load before: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$RES/summary.md"
for n in $LEGS; do
  l=$(label "$n")
  dir="$DATA/legs-$l"
  [[ -f "$dir/shipments.csv" ]] || python3 benches/gen_freight.py "$n" "$dir"
  rm -f "$RES"/*-"$l".out.* "$RES"/*-"$l".time.*
  for ((i = 1; i <= REPEAT; i++)); do
    run "figures-$l" "$i" -- "$BIN" figures "$dir" --format json
    run "compute-$l" "$i" -- "$BIN" compute "$dir"
    # The check reads this round's carbonledger figures: a difference fails the run.
    run "duckdb-$l" "$i" -- python3 benches/duckdb_freight.py "$dir" --threads "$THREADS" --check "$RES/figures-$l.out.$i"
  done
done
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES/summary.md"
python3 - "$RES" $(for n in $LEGS; do label "$n"; done) <<'PY' | tee -a "$RES/summary.md"
import glob, json, re, statistics, sys
res, labels = sys.argv[1], sys.argv[2:]
def times(name):
    out = []
    for p in sorted(glob.glob(f"{res}/{name}.time.*")):
        t = open(p).read()
        g = lambda k: re.search(k + r": (.*)", t).group(1)
        m, s = g(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\)").rsplit(":", 1)
        out.append((float(m) * 60 + float(s), float(g("User time \(seconds\)")), int(g("Maximum resident set size \(kbytes\)")) // 1024))
    return out
print("\n| legs | tool | wall median (s) | user median (s) | max RSS (MiB) | wall ÷ DuckDB (per round, median) |")
print("|---|---|---|---|---|---|")
for l in labels:
    d = times(f"duckdb-{l}")
    for tool in ("figures", "compute", "duckdb"):
        t = times(f"{tool}-{l}")
        ratio = statistics.median(a[0] / b[0] for a, b in zip(t, d))
        print(f"| {l} | {tool if tool == 'duckdb' else 'carbonledger ' + tool} | {statistics.median(x[0] for x in t):.2f} | "
              f"{statistics.median(x[1] for x in t):.2f} | {max(x[2] for x in t)} | {ratio:.2f} |")
    chk = json.load(open(f"{res}/duckdb-{l}.out.1"))
    print(f"\n{l}: DuckDB figures equal to carbonledger's: {len(chk['figures']) - len(chk['within_1e-9'])} exactly, "
          f"{len(chk['within_1e-9'])} within 1e-9 ({', '.join(x['figure'] for x in chk['within_1e-9'])}); other differences: {len(chk['differences'])}\n")
PY
