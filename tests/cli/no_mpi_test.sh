#!/usr/bin/env bash
# A kinship built without MPI (KINSHIP_WITH_MPI=OFF), started by mpirun with more than one rank,
# refuses to run (exit 2, the reason, no report) rather than run the whole screen once per rank
# and write the report N times over; started by mpirun with one rank, it runs as one process.
# Registered where mpirun is found and the build has no MPI (the sanitizer build in CI).
# Usage: no_mpi_test.sh KINSHIP_BINARY REPO_ROOT MPIEXEC
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; root="$2"; mpiexec="$3"
source "$(dirname "$0")/lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
freqs="$root/tests/data/validation/freqs.csv"
"$bin" simulate --freqs "$freqs" --families 20 --seed 5 --out-dir "$tmp/sim" >/dev/null 2>&1 || bad "simulate"
args=(match --freqs "$freqs" --victims "$tmp/sim/victims.csv" --pedigrees "$tmp/sim/pedigrees.csv"
      --profiles "$tmp/sim/references.csv" -q)

expect_rc 2 "2 ranks without MPI" "$mpiexec" --oversubscribe -np 2 "$bin" "${args[@]}" --out "$tmp/two.tsv"
expect_grep "$tmp/stderr" "built without MPI (cmake -DKINSHIP_WITH_MPI=ON)" "2 ranks without MPI: the reason"
if [ -e "$tmp/two.tsv" ]; then bad "2 ranks without MPI: a report was written"; else ok; fi

expect_rc 0 "1 rank without MPI" "$mpiexec" -np 1 "$bin" "${args[@]}" --out "$tmp/one.tsv"
expect_rc 0 "one process" "$bin" "${args[@]}" --out "$tmp/plain.tsv"
strip() { grep -v -e '^##command=' -e '^##time_seconds=' "$1"; }
if cmp -s <(strip "$tmp/one.tsv") <(strip "$tmp/plain.tsv"); then ok; else bad "1 rank: report differs from one process"; fi

echo "no_mpi_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
