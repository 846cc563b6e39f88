#!/usr/bin/env bash
# The README's second command: install dependencies, build with tests, run them all.
# Set KINSHIP_SANITIZE=ON to build and test under AddressSanitizer + UBSan instead;
# KINSHIP_WITH_MPI=OFF to build without MPI (on by default here; the library's default is off);
# KINSHIP_WERROR=ON to make compiler warnings errors, KINSHIP_BUILD_BENCHMARKS=ON to build
# the benchmarks too (both as .ci/run does; unset, the build folder keeps its setting).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
san="${KINSHIP_SANITIZE:-OFF}"
dir=build-tests
type=Release
# MPI (kinship match and dvi across ranks; tests/cli/mpi_test.sh) in the Release build; not under
# the sanitizers, where Open MPI's own allocations would be reported as leaks.
mpi="${KINSHIP_WITH_MPI:-ON}"
if [ "$san" = ON ]; then dir=build-asan; type=RelWithDebInfo; mpi=OFF; fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=$type -DKINSHIP_BUILD_TESTS=ON -DKINSHIP_SANITIZE="$san" -DKINSHIP_WITH_MPI="$mpi" \
  ${KINSHIP_WERROR:+-DKINSHIP_WERROR="$KINSHIP_WERROR"} \
  ${KINSHIP_BUILD_BENCHMARKS:+-DKINSHIP_BUILD_BENCHMARKS="$KINSHIP_BUILD_BENCHMARKS"} >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
cd "$dir" && ctest --output-on-failure -j"$(nproc)"
