#!/usr/bin/env bash
# CLI tests of `kinship match` and `kinship dvi` across MPI ranks (issue 14; a build with KINSHIP_WITH_MPI): under
# `mpirun -np 2` (oversubscribed on a 2-core machine) and `-np 3`, the TSV and JSON reports are
# the one process's, byte for byte, the command line and the time aside; a failure on one rank
# (an MPMD job whose rank 1 cannot read its victims) or on all ends the job with that message,
# once, and no report; commands other than match refuse to run as ranks.
# Usage: mpi_test.sh KINSHIP_BINARY REPO_ROOT MPIEXEC
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; root="$2"; mpiexec="$3"
source "$(dirname "$0")/lib.sh"
# Open MPI refuses root unless told; CI runs as root. --oversubscribe: more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() { local n=$1; shift; "$mpiexec" --oversubscribe -np "$n" "$@"; }
freqs="$root/tests/data/validation/freqs.csv"

"$bin" simulate --freqs "$freqs" --families 600 --victims-unrelated 100 --seed 5 --dropout 0.2 \
  --out-dir "$tmp/sim" >/dev/null 2>&1 || bad "simulate"
sim="$tmp/sim"
# The report lines that may differ between two runs: the command line and the time.
strip() { grep -v -e '^##command=' -e '^##time_seconds=' -e '^  "command": ' -e '^  "time_seconds": ' "$1"; }
same() {  # same DESC A B
  if cmp -s <(strip "$2") <(strip "$3"); then ok; else bad "$1: reports differ"; diff <(strip "$2") <(strip "$3") | head -5; fi
}

# A pedigree screen with theta and stepwise mutation (600 families: two exchanges of family
# tables at 2 ranks, one at 3), by victim.
ped=(match --freqs "$freqs" --victims "$sim/victims.csv" --pedigrees "$sim/pedigrees.csv"
     --profiles "$sim/references.csv" --theta 0.01 --mutation-model stepwise --mutation-rate 0.002
     --top 3 --min-log10-lr -inf -q)
expect_rc 0 "pedigree screen, one process" "$bin" "${ped[@]}" --out "$tmp/ped1.tsv" --json "$tmp/ped1.json"
for n in 2 3; do
  expect_rc 0 "pedigree screen, $n ranks" mpi $n "$bin" "${ped[@]}" --out "$tmp/ped$n.tsv" --json "$tmp/ped$n.json"
  same "pedigree screen TSV, $n ranks" "$tmp/ped1.tsv" "$tmp/ped$n.tsv"
  same "pedigree screen JSON, $n ranks" "$tmp/ped1.json" "$tmp/ped$n.json"
  expect_grep "$tmp/stderr" "x $n ranks" "the summary names the ranks ($n)"
done
# Thread counts do not matter either: 3 ranks of 1 thread.
expect_rc 0 "pedigree screen, 3 ranks x 1 thread" mpi 3 "$bin" "${ped[@]}" --threads 1 --out "$tmp/ped3t1.tsv"
same "pedigree screen, 3 ranks x 1 thread" "$tmp/ped1.tsv" "$tmp/ped3t1.tsv"
# Notes are printed once (by rank 0).
expect_rc 0 "notes once" mpi 2 "$bin" "${ped[@]/-q/}" --out "$tmp/notes.tsv"
[ "$(grep -c 'mutation rates in use' "$tmp/stderr")" = 1 ] && ok || bad "notes printed $(grep -c 'mutation rates in use' "$tmp/stderr") times"

# Pairwise, two relationships, ranked by candidate; and case reports written by rank 0 only.
pair=(match --freqs "$freqs" --victims "$sim/victims.csv" --references "$sim/references.csv"
      --relationship parent-child --relationship full-siblings --by candidate --top 2 -q)
expect_rc 0 "pairwise by candidate, one process" "$bin" "${pair[@]}" --out "$tmp/pair1.tsv" --json "$tmp/pair1.json" \
  --report "$tmp/rep1" --report-max 5
expect_rc 0 "pairwise by candidate, 3 ranks" mpi 3 "$bin" "${pair[@]}" --out "$tmp/pair3.tsv" --json "$tmp/pair3.json" \
  --report "$tmp/rep3" --report-max 5
same "pairwise TSV, 3 ranks" "$tmp/pair1.tsv" "$tmp/pair3.tsv"
same "pairwise JSON, 3 ranks" "$tmp/pair1.json" "$tmp/pair3.json"
[ "$(ls "$tmp/rep1")" = "$(ls "$tmp/rep3")" ] && [ "$(ls "$tmp/rep3" | wc -l)" = 6 ] && ok \
  || bad "case reports: $(ls "$tmp/rep3" | wc -l) files, expected the one process's 6"

# A bad input on every rank: the error once, no report.
expect_rc 1 "missing victims, 2 ranks" mpi 2 "$bin" match --freqs "$freqs" --victims "$tmp/absent.csv" \
  --pedigrees "$sim/pedigrees.csv" --profiles "$sim/references.csv" --out "$tmp/bad.tsv"
[ "$(grep -c 'error:' "$tmp/stderr")" = 1 ] && ok || bad "the error printed $(grep -c 'error:' "$tmp/stderr") times"
expect_grep "$tmp/stderr" "absent.csv" "the error names the file"
[ ! -e "$tmp/bad.tsv" ] && ok || bad "a report was written after an error"
# A failure on rank 1 only (MPMD: its victims file is missing, as on a node without the shared
# file system): the job ends with rank 1's message, no report.
ok_args=(match --freqs "$freqs" --victims "$sim/victims.csv" --pedigrees "$sim/pedigrees.csv"
         --profiles "$sim/references.csv" --out "$tmp/mpmd.tsv")
bad_args=(match --freqs "$freqs" --victims "$tmp/absent.csv" --pedigrees "$sim/pedigrees.csv"
          --profiles "$sim/references.csv" --out "$tmp/mpmd.tsv")
"$mpiexec" --oversubscribe -np 1 "$bin" "${ok_args[@]}" : -np 1 "$bin" "${bad_args[@]}" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ "$rc" -ne 0 ] && ok || bad "a failure on rank 1 only: exit 0"
expect_grep "$tmp/stderr" "error: rank 1: .*absent.csv" "rank 1's message"
[ ! -e "$tmp/mpmd.tsv" ] && ok || bad "a report was written after rank 1 failed"

# kinship dvi: the families' local assignments computed in shares; the four reports the same.
p="$root/tests/data/validation-dvi/planecrash"
dvi=(dvi --freqs "$p/freqs.csv" --victims "$p/victims.csv" --pedigrees "$p/pedigrees.csv" --profiles "$p/references.csv"
     --victim-sex "$p/victim_sex.csv" --normalize-freqs no --mutation-model proportional --mutation-rate 0.001 -q)
expect_rc 0 "dvi, one process" "$bin" "${dvi[@]}" --out-dir "$tmp/dvi1"
for n in 2 3; do
  expect_rc 0 "dvi, $n ranks" mpi $n "$bin" "${dvi[@]}" --out-dir "$tmp/dvi$n"
  for f in pairwise assignments marginals summary; do same "dvi $f.tsv, $n ranks" "$tmp/dvi1/$f.tsv" "$tmp/dvi$n/$f.tsv"; done
done

# Other commands run as one process only.
expect_rc 2 "lr under mpirun" mpi 2 "$bin" lr --freqs "$freqs" --pairs /dev/null
expect_grep "$tmp/stderr" "only kinship match and kinship dvi run across ranks" "lr under mpirun: the reason"

echo "mpi_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
