#!/usr/bin/env bash
# CLI tests of `kinship dvi` (issue 11): dvir's planecrash through the command (the library's
# numbers are checked against dvir in tests/pipeline/dvi_validation_test.cc; here the files:
# provenance, columns, the same bytes for 1 and 2 threads), the simulated DVI mode end to end,
# and bad inputs refused with file:line and no report.
# Usage: dvi_test.sh KINSHIP_BINARY REPO_ROOT
set -uo pipefail
bin="$1"; root="$2"
dvi="$root/tests/data/validation-dvi"; nist="$root/data/allele_freqs/NIST1036_All.csv"
source "$(dirname "$0")/lib.sh"

p="$dvi/planecrash"
sex="$p/victim_sex.csv"
run() {  # run OUT_DIR [extra options]; the sexes from $sex
  local out=$1; shift
  "$bin" dvi --freqs "$p/freqs.csv" --victims "$p/victims.csv" --pedigrees "$p/pedigrees.csv" \
    --profiles "$p/references.csv" --victim-sex "$sex" --normalize-freqs no \
    --mutation-model proportional --mutation-rate 0.001 --out-dir "$out" -q "$@"
}
expect_rc 0 "dvi planecrash" run "$tmp/pc" --threads 2
for f in pairwise assignments marginals summary; do
  [ -s "$tmp/pc/$f.tsv" ] && ok || bad "dvi: $f.tsv missing"
  expect_grep "$tmp/pc/$f.tsv" "^##kinship_version=" "dvi $f provenance"
  expect_grep "$tmp/pc/$f.tsv" "^##input.victims=$p/victims.csv sha256=$(sha256sum "$p/victims.csv" | cut -d' ' -f1)" "dvi $f victims checksum"
done
expect_grep "$tmp/pc/assignments.tsv" "^rank	assignment	log10_lr	posterior$" "assignments header"
expect_grep "$tmp/pc/marginals.tsv" "^victim	missing_id	posterior$" "marginals header"
expect_grep "$tmp/pc/pairwise.tsv" "^victim	family	missing_id	log10_lr$" "pairwise header"
expect_grep "$tmp/pc/summary.tsv" "^##threshold.identified_lr=10000$" "summary thresholds"
# dvir's best assignment (its assignments.csv, rank 1) is kinship's, with dvir's LR to 1e-9.
want=$(awk -F, 'NR == 2 { print $4 "\t" $6 }' "$p/assignments.csv")
got=$(grep -v '^##' "$tmp/pc/assignments.tsv" | awk -F'\t' 'NR == 2 { print $2 "\t" $3 }')
awk -v a="$want" -v b="$got" 'BEGIN { split(a, x, "\t"); split(b, y, "\t"); d = x[2] - y[2]; if (d < 0) d = -d;
  exit !(x[1] == y[1] && d < 1e-9) }' && ok || bad "planecrash best assignment: dvir '$want', kinship '$got'"
# Summary: V2 = M3 (family F3) identified (its best assignment 10^4.13 times the best without it).
expect_grep "$tmp/pc/summary.tsv" "^V2	F3	M3	.*	identified$" "planecrash V2 = M3"
# The same bytes for 1 thread (but the time line).
expect_rc 0 "dvi planecrash 1 thread" run "$tmp/pc1" --threads 1
for f in pairwise assignments marginals summary; do
  cmp -s <(grep -v '^##time_seconds\|^##command' "$tmp/pc/$f.tsv") <(grep -v '^##time_seconds\|^##command' "$tmp/pc1/$f.tsv") \
    && ok || bad "dvi $f: 1 and 2 threads differ"
done

# Degraded victims: the parameter in the provenance; a rate outside [0, 1) a usage error.
expect_rc 0 "dvi --victim-dropout" run "$tmp/pcd" --victim-dropout 0.1
expect_grep "$tmp/pcd/summary.tsv" "^##parameter.victim_dropout=0.10000000000000001$" "victim dropout in provenance"
expect_rc 2 "dvi --victim-dropout 1" run "$tmp/pcd2" --victim-dropout 1

# Simulated joint identification end to end: every identified victim is its true missing person.
expect_rc 0 "simulate --dvi" "$bin" simulate --freqs "$nist" --families 20 --victims-unrelated 5 --dvi --seed 8 --out-dir "$tmp/sim"
[ -s "$tmp/sim/victim_sex.csv" ] && ok || bad "simulate --dvi: no victim_sex.csv"
expect_rc 0 "dvi on simulated" "$bin" dvi --freqs "$nist" --victims "$tmp/sim/victims.csv" --pedigrees "$tmp/sim/pedigrees.csv" \
  --profiles "$tmp/sim/references.csv" --victim-sex "$tmp/sim/victim_sex.csv" --out-dir "$tmp/simout" -q
wrong=$(awk -F, 'NR > 1 { t[$1] = ($3 == "" ? "*" : $3) } END { while ((getline line < ARGV[2]) > 0) {
  if (line ~ /^##/ || line ~ /^victim\t/) continue; split(line, f, "\t"); if (f[6] == "identified" && t[f[1]] != f[3]) n++ }
  print n + 0 }' "$tmp/sim/truth.csv" "$tmp/simout/summary.tsv")
ident=$(grep -c '	identified$' "$tmp/simout/summary.tsv")
[ "$wrong" = 0 ] && [ "$ident" -ge 20 ] && ok || bad "simulated dvi: $ident identified, $wrong wrongly"

# Bad inputs: file:line, exit 1, no report left.
printf 'sample_id,sex\nV1,3\n' > "$tmp/badsex.csv"
sex="$tmp/badsex.csv"
expect_rc 1 "dvi bad sex" run "$tmp/bad1"
expect_grep "$tmp/stderr" "badsex.csv:2: sex '3'" "bad sex names file:line"
[ ! -e "$tmp/bad1" ] && ok || bad "dvi bad sex: output folder written"
printf 'sample_id,sex\nV1,1\nNOBODY,2\n' > "$tmp/foreign.csv"
sex="$tmp/foreign.csv"
expect_rc 1 "dvi foreign sample" run "$tmp/bad2"
sex="$p/victim_sex.csv"
expect_grep "$tmp/stderr" "NOBODY" "foreign sample named"
expect_rc 1 "dvi local-assignment limit" run "$tmp/bad3" --max-local-assignments 3
expect_grep "$tmp/stderr" "max-local-assignments" "limit named"
expect_rc 2 "dvi --top 0" run "$tmp/bad4" --top 0
expect_rc 2 "dvi without --out-dir" "$bin" dvi --freqs "$p/freqs.csv" --victims "$p/victims.csv" \
  --pedigrees "$p/pedigrees.csv" --profiles "$p/references.csv"
# An existing report is replaced only by a whole new one: a failed run leaves it as it was.
cp "$tmp/pc/summary.tsv" "$tmp/before.tsv"
sex="$tmp/badsex.csv"
expect_rc 1 "dvi failed run over a report" run "$tmp/pc"
cmp -s "$tmp/before.tsv" "$tmp/pc/summary.tsv" && ok || bad "failed dvi run changed an earlier report"

echo "dvi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
