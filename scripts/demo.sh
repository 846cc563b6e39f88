#!/usr/bin/env bash
# The README's first command: install dependencies, build (Release), and run a real
# pairwise match on bundled data (NIST 1036 frequencies; an example family built from
# NIST genotypes, see data/examples/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKINSHIP_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
./build/tools/kinship lr \
  --freqs data/allele_freqs/NIST1036_All.csv \
  --sample-sizes data/allele_freqs/sample_sizes.csv \
  --profiles data/examples/profiles.csv \
  --pairs data/examples/pairs.csv \
  --theta 0.01 \
  --out example_lr.csv --per-locus example_lr_per_locus.csv
