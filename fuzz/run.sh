#!/usr/bin/env bash
# Builds the fuzz harnesses with clang (build-fuzz/) and runs each for SECONDS (default 20),
# one process each, one after the other, from the seeds of fuzz/make_corpus.sh plus what
# earlier runs added (build-fuzz/corpus/<harness>/). Prints one line per harness; exits 1 on
# a finding (crash, sanitizer report, failed invariant, input slower than 10 s), whose input
# is kept in build-fuzz/artifacts/<harness>/. Usage: fuzz/run.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_freqs fuzz_sample_sizes fuzz_mutation_rates fuzz_profiles
                                         fuzz_pedigrees fuzz_pairs_cases fuzz_fam)
dir=build-fuzz
cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER="${CLANGXX:-clang++}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKINSHIP_BUILD_FUZZERS=ON -DKINSHIP_BUILD_TESTS=OFF -DKINSHIP_BUILD_TOOLS=OFF -DKINSHIP_INSTALL=OFF >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
bash fuzz/make_corpus.sh "$dir/seeds"
failed=0
for h in "${harnesses[@]}"; do
  mkdir -p "$dir/corpus/$h" "$dir/artifacts/$h"
  log="$dir/artifacts/$h/last.log"
  rc=0
  "$dir/fuzz/$h" -max_total_time="$secs" -max_len=2048 -timeout=10 -dict=fuzz/kinship.dict \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$h/" "$dir/corpus/$h" "$dir/seeds/$h" >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" || true)"
  cov="$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)"
  if [ "$rc" = 0 ]; then
    echo "fuzz $h: ok, ${execs:-?} executions in ${secs} s, ${cov:-no coverage line}"
  else
    failed=1
    echo "fuzz $h: FINDING (exit $rc); input and log in $dir/artifacts/$h/"
    grep -E 'ERROR|invariant failed|SUMMARY|Test unit written|No such file' "$log" | head -5 | sed 's/^/  /' || true
  fi
done
exit "$failed"
