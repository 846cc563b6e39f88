#!/usr/bin/env bash
# CLI tests of `kinship lr --fam` and `kinship convert --fam` (issue 12): the paternity case
# (pedsuite's 760.3445 with --untyped-founders exact), the converted inputs through
# `kinship lr --pedigrees --pedigrees-h2 --cases` giving the same LRs as `lr --fam` (1e-12),
# and bad inputs refused with file:line and no output.
# Usage: fam_test.sh KINSHIP_BINARY REPO_ROOT
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; root="$2"
fam="$root/tests/data/fam"
source "$(dirname "$0")/lib.sh"

# lr --fam: CSV columns, the reference, pedsuite's LR in exact mode.
expect_rc 0 "lr --fam exact" "$bin" lr --fam "$fam/paternity.fam" --reference-pedigree H2 \
  --untyped-founders exact --out "$tmp/exact.csv" --per-locus "$tmp/exact_loci.csv"
expect_grep "$tmp/exact.csv" "^pedigree,reference,log10_lr,lr$" "lr --fam header"
expect_grep "$tmp/exact_loci.csv" "^pedigree,reference,locus,log10_lr$" "lr --fam per-locus header"
expect_grep "$tmp/exact_loci.csv" "^H1,H2,Penta E," "lr --fam per-locus canonical locus"
expect_grep "$tmp/stdout" "^written: " "lr --fam summary"
awk -F, '$1 == "H1" { d = $4 - 760.3445; if (d < 0) d = -d; exit !(d < 5e-5) }' "$tmp/exact.csv" \
  && ok || bad "paternity exact: $(grep ^H1 "$tmp/exact.csv"), expected LR 760.3445"
# Default: Familias' convention, the first pedigree the reference; to stdout.
expect_rc 0 "lr --fam default" "$bin" lr --fam "$fam/paternity.fam"
expect_grep "$tmp/stdout" "^H2,H1," "lr --fam default reference"
expect_grep "$tmp/stderr" "untyped founders: familias" "lr --fam default convention noted"

# convert --fam, then kinship lr on the files with the README's command: the same LRs.
for mode in exact familias; do
  expect_rc 0 "convert --fam $mode" "$bin" convert --fam "$fam/paternity.fam" --out-dir "$tmp/conv_$mode" \
    --reference-pedigree H2 --untyped-founders $mode
  for f in freqs.csv profiles.csv pedigrees.csv pedigrees_h2.csv cases.csv mutation_rates.csv README.txt; do
    [ -s "$tmp/conv_$mode/$f" ] && ok || bad "convert: $f missing"
  done
  expect_grep "$tmp/conv_$mode/README.txt" "--mutation-model extended-stepwise" "README model"
  expect_grep "$tmp/conv_$mode/README.txt" "--untyped-founders $mode" "README untyped founders"
  cmd=$(sed -n '/^kinship lr/,$p' "$tmp/conv_$mode/README.txt" | tr -d '\\\n' | sed "s#^kinship #$bin #")
  (cd "$tmp/conv_$mode" && eval "$cmd -q" >/dev/null 2>"$tmp/conv_err") && ok \
    || { bad "kinship lr on converted $mode"; head -3 "$tmp/conv_err"; }
  expect_rc 0 "lr --fam $mode" "$bin" lr --fam "$fam/paternity.fam" --reference-pedigree H2 \
    --untyped-founders $mode --out "$tmp/fam_$mode.csv"
  awk -F, 'NR == FNR { if (FNR > 1) v[$1] = $3; next }
           FNR > 1 { n++; d = v[$1] - $4; if (d < 0) d = -d; if (!($1 in v) || d > 1e-12) bad = 1 }
           END { exit !(n == 2 && !bad) }' "$tmp/fam_$mode.csv" "$tmp/conv_$mode/lr.csv" \
    && ok || bad "converted $mode: lr.csv $(cat "$tmp/conv_$mode/lr.csv" | tr '\n' ' ') vs $(cat "$tmp/fam_$mode.csv" | tr '\n' ' ')"
done

# A DVI case: convert --fam writes kinship dvi's inputs, and its README's command runs.
expect_rc 0 "convert --fam DVI" "$bin" convert --fam "$fam/dvi.fam" --out-dir "$tmp/dvi" -q
cmd=$(sed -n '/^kinship dvi/,$p' "$tmp/dvi/README.txt" | tr -d '\\\n' | sed "s#^kinship #$bin #")
(cd "$tmp/dvi" && eval "$cmd -q" >/dev/null 2>"$tmp/dvi_err") && ok || { bad "kinship dvi on converted"; head -3 "$tmp/dvi_err"; }
expect_grep "$tmp/dvi/dvi/assignments.tsv" "V1=Missing person;V2=\*" "converted DVI: V1 the missing person"

# Errors: file:line and the thing; no output written.
printf '"Output from Familias, version 3.3.1"\n"DO NOT EDIT!"\n3.3.1\n""\n1\n"A"\n#FALSE#\n-1\n#FALSE#\nmale\n' > "$tmp/bad.fam"
expect_rc 1 "lr --fam malformed" "$bin" lr --fam "$tmp/bad.fam" --out "$tmp/bad.csv"
expect_grep "$tmp/stderr" "bad.fam:10: found 'male'; expected the sex of person 'A'" "malformed message"
[ ! -e "$tmp/bad.csv" ] && ok || bad "lr --fam wrote output on error"
expect_rc 1 "convert --fam malformed" "$bin" convert --fam "$tmp/bad.fam" --out-dir "$tmp/badconv"
[ ! -e "$tmp/badconv/freqs.csv" ] && ok || bad "convert wrote output on error"
expect_rc 1 "lr --fam unknown reference" "$bin" lr --fam "$fam/paternity.fam" --reference-pedigree H9
expect_grep "$tmp/stderr" "expected one of: H1, H2" "unknown reference message"
expect_rc 2 "convert without a source" "$bin" convert --out-dir "$tmp/x"
expect_rc 2 "lr --fam unknown option" "$bin" lr --fam "$fam/paternity.fam" --theta 0.1
expect_rc 0 "convert --help" "$bin" convert --help
expect_rc 0 "help convert" "$bin" help convert
expect_rc 0 "lr --fam --help" "$bin" lr --fam x --help
expect_grep "$tmp/stdout" "reference-pedigree" "lr --fam help"

echo "fam CLI tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
