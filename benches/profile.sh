#!/usr/bin/env bash
# Profiles `carbonledger figures` on the generated projects (see docs/performance.md).
#
#   benches/profile.sh [BIN]       # default BIN: ./target/release/carbonledger (debug=1 in release)
#
# 1. callgrind (instruction counts) on the 1M-row project, self cost aggregated per function
#    (inlined code is attributed to the function it was written in, as callgrind does);
# 2. perf (sampled cycles, with DWARF call graphs) on the 10M-row project, which shows the
#    duplicate-confirmation pass that only runs when the Bloom filter reports candidates.
# Outputs go to bench-data/profile/. Run benches/run.sh first (it generates the projects).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-./target/release/carbonledger}
OUT=bench-data/profile
mkdir -p "$OUT"

valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.1m.out" \
  "$BIN" figures bench-data/rows-1m --format json > /dev/null 2> "$OUT/callgrind.1m.log"
callgrind_annotate --auto=no --threshold=100 "$OUT/callgrind.1m.out" > "$OUT/callgrind.1m.self.txt"
callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$OUT/callgrind.1m.out" > "$OUT/callgrind.1m.inclusive.txt"
echo "== callgrind, 1M rows: self instructions per function (top 25)"
python3 - "$OUT/callgrind.1m.self.txt" <<'EOF'
import collections, re, sys
agg, tot = collections.Counter(), None
for l in open(sys.argv[1]):
    m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", l)
    if not m:
        continue
    n, rest = int(m.group(1).replace(",", "")), re.sub(r" \[.*\]$", "", m.group(2))
    if rest.startswith("PROGRAM TOTALS"):
        tot = n
        continue
    # "path/file.rs:function" -> "function", so inlined pieces add up per function
    head, sep, fn = rest.partition(":")
    agg[fn if sep and re.search(r"(\.(rs|c|S|h)|\?\?\?)$", head) else rest] += n
print(f"total {tot:,} instructions")
for f, n in agg.most_common(25):
    print(f"{100 * n / tot:6.2f}%  {f}")
EOF

perf record -F 99 --call-graph dwarf,16384 -o "$OUT/perf.10m.data" \
  "$BIN" figures bench-data/rows-10m --format json > /dev/null 2> "$OUT/perf.10m.log"
echo "== perf, 10M rows: inclusive share of the main phases"
perf report -i "$OUT/perf.10m.data" --children --sort symbol --stdio -g none 2>/dev/null \
  | grep -E "run_once|Pass::stream::\{\{closure\}\}$|confirm_duplicates \(inlined\)|identity_fingerprint|parse_energy_row|calc::chain::calculate|Accum::add_line" \
  | sed -E 's/ +- +- *$//' | head -20
