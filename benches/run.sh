#!/usr/bin/env bash
# carbonledger vs polars, DuckDB and the parse-and-group floor on generated energy.csv
# projects (see docs/performance.md). Runs are interleaved: round i runs every tool once.
#
#   benches/run.sh                 # 1M and 10M rows, best of 3
#   ROWS="200000" REPEAT=1 benches/run.sh
#   REV=HEAD benches/run.sh        # measure a clean export of a commit, not the working tree
#
# Environment: ROWS (space-separated row counts, default "1000000 10000000"), FACILITIES
# (space-separated facility counts, default 1000; e.g. "600 100000"), REPEAT (runs per
# measurement, default 3), THREADS (DuckDB threads, default 2), DATA (default bench-data),
# WHATIF (the `diff --set` timed after a compute).
# Generated projects go to $DATA/rows-<N>/ (skipped if present); raw outputs and
# /usr/bin/time -v logs to $DATA/results/; the summary table to $DATA/results/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-"1000000 10000000"}
FACILITIES=${FACILITIES:-1000}
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-2}
DATA=${DATA:-bench-data}
# The what-if measured after a compute: one factor the generated rows use.
WHATIF=${WHATIF:-cn-mee-grid@2023:north=0.6}
RES="$DATA/results"
REV=${REV:-}
mkdir -p "$RES"

# What is measured: the working tree (default), or with REV=<commit> a clean export of that
# commit built in $DATA/build-<sha> (so concurrent edits to src/ cannot change the binary).
if [[ -z "$REV" ]]; then
  echo "== build (working tree)" >&2
  cargo build --release >&2
  BIN=./target/release/carbonledger
  SRC_STATE="working tree at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo " + uncommitted changes (diff sha1 $(git diff HEAD -- src Cargo.toml Cargo.lock | sha1sum | cut -c1-12))")"
else
  sha=$(git rev-parse --short "$REV^{commit}")
  bdir="$DATA/build-$sha"
  if [[ ! -f "$bdir/Cargo.toml" ]]; then
    mkdir -p "$bdir"
    git archive "$sha" | tar -x -C "$bdir"
  fi
  echo "== build $sha in $bdir" >&2
  cargo build --release --manifest-path "$bdir/Cargo.toml" >&2
  BIN="$bdir/target/release/carbonledger"
  SRC_STATE="commit $sha (clean export)"
fi
echo "$SRC_STATE" > "$RES/source.txt"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES/source.txt"
echo "== measuring: $SRC_STATE" >&2

if ! python3 -c 'import duckdb' 2>/dev/null; then
  echo "== pip install duckdb" >&2
  pip install duckdb >&2
fi
if ! python3 -c 'import polars' 2>/dev/null; then
  echo "== pip install polars" >&2
  pip install polars >&2
fi
FLOOR="$DATA/floor"
cc -O2 -pthread -o "$FLOOR" benches/floor/floor.c

label() { # 1000000 -> 1m, 10000000 -> 10m, 200000 -> 200k
  local n=$1
  if (( n % 1000000 == 0 )); then echo "$((n / 1000000))m"
  elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
  else echo "$n"; fi
}

# Shapes: every row count with every facility count (FACILITIES, default 1000); a label is
# the row count, with -f<N> for another facility count (10m-f100000: many keys).
shapes() {
  for n in $ROWS; do
    for f in $FACILITIES; do
      if [[ "$f" == 1000 ]]; then echo "$n:$f:$(label "$n")"; else echo "$n:$f:$(label "$n")-f$f"; fi
    done
  done
}

for s in $(shapes); do
  IFS=: read -r n f l <<< "$s"
  dir="$DATA/rows-$l"
  if [[ ! -f "$dir/energy.csv" ]]; then
    echo "== generate $n rows over $f facilities -> $dir" >&2
    python3 benches/gen_energy.py "$n" "$dir" --facilities "$f"
  fi
done

# run NAME I -- CMD...: run I of CMD under /usr/bin/time -v; its stdout goes to
# $RES/NAME.out.<I> (carbonledger's is the small figures JSON, so writing it costs nothing
# measurable) and its /usr/bin/time -v log to $RES/NAME.time.<I>.
run() {
  local name=$1 i=$2; shift 3
  echo "== $name run $i/$REPEAT" >&2
  /usr/bin/time -v -o "$RES/$name.time.$i" "$@" > "$RES/$name.out.$i"
}

for s in $(shapes); do
  IFS=: read -r n f l <<< "$s"
  dir="$DATA/rows-$l"
  for t in carbonledger carbonledger-diff duckdb-decimal duckdb-double polars-double polars-decimal floor; do
    rm -f "$RES/$t-$l".out.* "$RES/$t-$l".time.*
  done
  # Interleaved: every tool once per round, so a change in the machine's load hits all alike.
  for ((i = 1; i <= REPEAT; i++)); do
    # The computation from the rows (the cache neither read nor written), then the what-if
    # after a compute: one that stores the cache (not timed), then `diff --set` of one grid
    # factor (timed; it reads the cache and lists the first 200 changed lines).
    run "carbonledger-$l" "$i" -- "$BIN" figures "$dir" --format json --no-cache
    "$BIN" figures "$dir" --format json > /dev/null
    run "carbonledger-diff-$l" "$i" -- "$BIN" diff "$dir" --set "$WHATIF"
    for t in decimal double; do
      run "duckdb-$t-$l" "$i" -- python3 benches/duckdb_equiv.py "$dir" --types "$t" --threads "$THREADS"
      run "polars-$t-$l" "$i" -- python3 benches/polars_equiv.py "$dir" --types "$t" --threads "$THREADS"
    done
    run "floor-$l" "$i" -- "$FLOOR" "$dir/energy.csv" "$THREADS"
  done
  python3 benches/floor_check.py "$dir" "$RES/floor-$l.out.1" > "$RES/floor-$l.check.json"
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES/source.txt"
{ echo "Source measured: $SRC_STATE"; echo "Load average (1/5/15 min) before and after: $(sed -n 's/^load //p' "$RES/source.txt" | tr '\n' ' ')"; echo; } | tee "$RES/summary.md"
python3 benches/compare.py "$RES" $(shapes | cut -d: -f3) | tee -a "$RES/summary.md"
