#!/usr/bin/env bash
# The README's second command: install dependencies, build with tests, run them all.
# Set KINSHIP_SANITIZE=ON to build and test under AddressSanitizer + UBSan instead;
# KINSHIP_WERROR=ON to make compiler warnings errors, KINSHIP_BUILD_BENCHMARKS=ON to build
# the benchmarks too (both as .ci/run does; unset, the build folder keeps its setting).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
san="${KINSHIP_SANITIZE:-OFF}"
dir=build-tests
type=Release
if [ "$san" = ON ]; then dir=build-asan; type=RelWithDebInfo; fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=$type -DKINSHIP_BUILD_TESTS=ON -DKINSHIP_SANITIZE="$san" \
  ${KINSHIP_WERROR:+-DKINSHIP_WERROR="$KINSHIP_WERROR"} \
  ${KINSHIP_BUILD_BENCHMARKS:+-DKINSHIP_BUILD_BENCHMARKS="$KINSHIP_BUILD_BENCHMARKS"} >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
cd "$dir" && ctest --output-on-failure -j"$(nproc)"
