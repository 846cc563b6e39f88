#!/usr/bin/env bash
# The README's second command: install dependencies, build with tests, run them all.
# Set KINSHIP_SANITIZE=ON to build and test under AddressSanitizer + UBSan instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
san="${KINSHIP_SANITIZE:-OFF}"
dir=build-tests
type=Release
if [ "$san" = ON ]; then dir=build-asan; type=RelWithDebInfo; fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=$type -DKINSHIP_BUILD_TESTS=ON -DKINSHIP_SANITIZE="$san" >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
cd "$dir" && ctest --output-on-failure -j"$(nproc)"
