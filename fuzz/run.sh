#!/usr/bin/env bash
# Runs every fuzz target in turn, each for RUNS executions or SECONDS seconds, whichever comes
# first, on its corpus under fuzz/corpus/<target>/, and prints one summary line per target
# (executions, seconds, new corpus entries, crashes). One job at a time, at low priority: the
# machine is shared.
#
#   fuzz/run.sh [RUNS] [SECONDS] [TARGET...]
#     RUNS     executions per target (default 10000000)
#     SECONDS  time limit per target (default 900)
#     TARGET   only these targets (default: all, in the order below)
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Crashing inputs go to
# fuzz/artifacts/<target>/ (not committed: copy the ones worth keeping to fuzz/artifacts-found/).
# Logs: fuzz/target/logs/<target>.log.
set -uo pipefail
cd "$(dirname "$0")"
RUNS=${1:-10000000}
SECONDS_MAX=${2:-900}
shift $(( $# > 2 ? 2 : $# ))
TARGETS=("$@")
if [[ ${#TARGETS[@]} -eq 0 ]]; then
  TARGETS=(serials claims numbers units_periods manifest_edition csv_reader differential)
fi
# FUZZ_NICE: the niceness of the build and runs (default 10; 0 on a machine of one's own).
NICE=${FUZZ_NICE:-10}
# FUZZ_ARGS: more libFuzzer options, e.g. FUZZ_ARGS=-max_len=4096 (a corpus with long entries
# otherwise raises the length limit to its longest, and each execution slows with it).
read -r -a EXTRA <<<"${FUZZ_ARGS:-}"
mkdir -p target/logs
# No sanitizer: the library forbids unsafe code, and without ASan a target runs about twice
# as fast; debug assertions and overflow checks stay on (cargo-fuzz's default).
nice -n "$NICE" cargo +nightly fuzz build -s none >/dev/null 2>target/logs/build.log || {
  cat target/logs/build.log; exit 1; }
status=0
printf '%-18s %12s %8s %8s %s\n' target executions seconds new result
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  start=$(date +%s)
  nice -n "$NICE" cargo +nightly fuzz run -s none "$t" "corpus/$t" -- \
    -runs="$RUNS" -max_total_time="$SECONDS_MAX" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "${EXTRA[@]}" >"target/logs/$t.log" 2>&1
  rc=$?
  end=$(date +%s)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "target/logs/$t.log" | grep -o '[0-9]*$' || echo "?")
  new=$(grep -o 'stat::new_units_added: *[0-9]*' "target/logs/$t.log" | grep -o '[0-9]*$' || echo "?")
  if [[ $rc -eq 0 ]]; then result=ok; else result="FAILED (see target/logs/$t.log)"; status=1; fi
  printf '%-18s %12s %8s %8s %s\n' "$t" "$execs" "$((end - start))" "$new" "$result"
done
exit $status
