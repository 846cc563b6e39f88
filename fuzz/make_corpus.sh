#!/usr/bin/env bash
# Gathers the seed corpus of every fuzz harness into OUT/<harness>/: the small hand-written
# seeds of fuzz/seeds/ (layouts data/ lacks: wide tables, GeneMapper exports, rates, cases)
# and the matching files of data/ and tests/data/, each cut to its first 60 lines so that
# seeds stay under libFuzzer's -max_len. Usage: fuzz/make_corpus.sh OUT
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: make_corpus.sh OUT}"
seed() {  # seed HARNESS FILE...
  local h="$1"; shift
  mkdir -p "$out/$h"
  for f in "$@"; do
    [ -f "$f" ] || continue
    local name
    name="$(echo "${f#"$root"/}" | tr '/' '_')"
    head -n 60 "$f" > "$out/$h/$name"
  done
}
seed fuzz_freqs "$root"/fuzz/seeds/freqs/* "$root"/data/allele_freqs/NIST1036_*.csv \
  "$root"/tests/data/*/freqs*.csv
seed fuzz_sample_sizes "$root"/fuzz/seeds/sample_sizes/* "$root"/data/allele_freqs/sample_sizes.csv
seed fuzz_mutation_rates "$root"/fuzz/seeds/mutation_rates/*
seed fuzz_profiles "$root"/fuzz/seeds/profiles/* "$root"/data/examples/profiles.csv \
  "$root"/tests/data/*/profiles.csv "$root"/tests/data/cmf/*.xml
seed fuzz_pedigrees "$root"/fuzz/seeds/pedigrees/* "$root"/tests/data/*/peds/*.ped
seed fuzz_pairs_cases "$root"/fuzz/seeds/pairs_cases/* "$root"/data/examples/pairs.csv
seed fuzz_fam "$root"/tests/data/fam/*.fam
