#!/usr/bin/env bash
# CLI tests for --report DIR (case reports) of kinship lr and kinship match: the files, the
# numbers on the pages equal kinship lr's CSV, the same bytes twice (SOURCE_DATE_EPOCH), all
# outputs or none on error, and the JSON detail of match.
# Usage: report_test.sh KINSHIP_BINARY REPO_ROOT
set -uo pipefail
bin="$1"; root="$2"
nist="$root/data/allele_freqs/NIST1036_All.csv"; ex="$root/data/examples"
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1796284800  # 2026-12-03 08:00 UTC

# lr --report: one page per pair, index.html, report.json; the CSV as without --report.
expect_rc 0 "lr --report" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" --pairs "$ex/pairs.csv" \
  --theta 0.01 --out "$tmp/lr.csv" --report "$tmp/rep" -q
n=$(ls "$tmp/rep"/case-*.html 2>/dev/null | wc -l)
[ "$n" = 6 ] && ok || bad "lr --report: $n pages, expected 6 (one per pair)"
for f in index.html report.json; do [ -s "$tmp/rep/$f" ] && ok || bad "lr --report: no $f"; done
expect_rc 0 "lr without --report" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" --pairs "$ex/pairs.csv" \
  --theta 0.01 --out "$tmp/lr_plain.csv" -q
cmp -s "$tmp/lr.csv" "$tmp/lr_plain.csv" && ok || bad "--report changed the CSV"
# The numbers: each row's log10_lr (17 digits) is on its page, as the page's total.
i=0
while IFS=, read -r id1 id2 rel log10 rest; do
  i=$((i+1))
  page="$tmp/rep/case-$i-${id1}_${id2}_${rel}.html"
  expect_grep "$page" "id=\"log10-lr\">$log10</td>" "page $i: log10 LR of lr.csv"
  expect_grep "$page" "<svg class=\"pedigree\"" "page $i: pedigree drawing"
  expect_grep "$page" "times more likely\|exclude" "page $i: plain-language line"
  expect_grep "$page" "2026-12-03 08:00 UTC" "page $i: the date"
done < <(tail -n +2 "$tmp/lr.csv")
expect_grep "$tmp/rep/report.json" '"detail": {"h1": ' "report.json carries the detail"
# Same bytes again (the same command: it is on the pages).
mv "$tmp/rep" "$tmp/rep1"
expect_rc 0 "lr --report again" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" --pairs "$ex/pairs.csv" \
  --theta 0.01 --out "$tmp/lr.csv" --report "$tmp/rep" -q
diff -r "$tmp/rep" "$tmp/rep1" >/dev/null && ok || bad "lr --report: different bytes on a second run"

# All or none: an error after the pages are prepared (the --out folder does not exist) leaves
# no report folder; a --report path that is a file is refused before anything is written.
expect_rc 1 "lr --report, --out unwritable" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" \
  --pairs "$ex/pairs.csv" --out "$tmp/nodir/lr.csv" --report "$tmp/rep_fail" -q
[ ! -e "$tmp/rep_fail" ] && ok || bad "lr --report: folder left after a failed run: $(ls -A "$tmp/rep_fail")"
# A failure when committing (a full device for --out) after the pages were written under
# temporary names: no page, and the folder the run created is gone again.
if [ -w /dev/full ]; then
  expect_rc 1 "lr --report, --out /dev/full" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" \
    --pairs "$ex/pairs.csv" --out /dev/full --report "$tmp/rep_full" -q
  [ ! -e "$tmp/rep_full" ] && ok || bad "lr --report: folder left after a failed commit: $(ls -A "$tmp/rep_full")"
  mkdir "$tmp/rep_kept"; echo keep > "$tmp/rep_kept/other.txt"
  expect_rc 1 "lr --report into a folder, --out /dev/full" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" \
    --pairs "$ex/pairs.csv" --out /dev/full --report "$tmp/rep_kept" -q
  [ "$(ls -A "$tmp/rep_kept")" = other.txt ] && ok || bad "lr --report: existing folder changed: $(ls -A "$tmp/rep_kept")"
fi
echo x > "$tmp/afile"
expect_rc 1 "lr --report onto a file" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" \
  --pairs "$ex/pairs.csv" --out "$tmp/lr3.csv" --report "$tmp/afile" -q
expect_grep "$tmp/stderr" "not a folder" "--report onto a file: message"
[ ! -e "$tmp/lr3.csv" ] && ok || bad "lr --report onto a file: --out written anyway"
expect_rc 2 "lr --report \"\"" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" --pairs "$ex/pairs.csv" --report "" -q
expect_rc 2 "lr --prior out of range" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" \
  --pairs "$ex/pairs.csv" --report "$tmp/rep4" --prior 1 -q

# lr cases mode, with a prior.
cat > "$tmp/peds.csv" <<'P'
family,id,father,mother,sex,sample_id,missing
F1,dad,,,1,father,0
F1,mum,,,2,mother,0
F1,MP,dad,mum,1,,1
P
printf 'family,missing_id,sample_id\nF1,MP,child1\nF1,MP,unrelated\n' > "$tmp/cases.csv"
expect_rc 0 "lr cases --report" "$bin" lr --freqs "$nist" --profiles "$ex/profiles.csv" --pedigrees "$tmp/peds.csv" \
  --cases "$tmp/cases.csv" --mutation-model stepwise --mutation-rate 0.002 --mutation-range 0.1 \
  --out "$tmp/cases_lr.csv" --report "$tmp/crep" --prior 0.1 -q
page="$tmp/crep/case-1-F1_MP_child1.html"
log10=$(sed -n 2p "$tmp/cases_lr.csv" | cut -d, -f4)
expect_grep "$page" "id=\"log10-lr\">$log10</td>" "case page: log10 LR of lr.csv"
expect_grep "$page" "sample child1 is the missing person MP of family F1" "case page: H1"
expect_grep "$page" "id=\"prior\">0.1 (--prior)" "case page: the prior"
expect_grep "$page" "mutation_model" "case page: the model"
expect_grep "$page" "SHA-256" "case page: input checksums"
expect_grep "$tmp/crep/case-2-F1_MP_unrelated.html" "exclude the first hypothesis" \
  "case page 2: an exclusion stated as such"

# match --report: the best pair per victim, recomputed exactly; the JSON carries the detail.
"$bin" simulate --freqs "$nist" --families 6 --victims-unrelated 2 --seed 7 --out-dir "$tmp/sim" >/dev/null 2>&1
expect_rc 0 "match --report" "$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv" \
  --pedigrees "$tmp/sim/pedigrees.csv" --profiles "$tmp/sim/references.csv" --mutation-model stepwise \
  --mutation-rate 0.002 --mutation-range 0.1 --top 2 --out "$tmp/m.tsv" --json "$tmp/m.json" \
  --report "$tmp/mrep" --report-max 3 -q
n=$(ls "$tmp/mrep"/case-*.html 2>/dev/null | wc -l)
[ "$n" -ge 1 ] && [ "$n" -le 3 ] && ok || bad "match --report: $n pages, expected 1..3"
expect_grep "$tmp/mrep/index.html" "victim " "match index"
expect_grep "$tmp/m.json" '"detail": {"h1": ' "match --json carries the detail of the reported pairs"
# Page 1 equals kinship lr on the same case.
first=$(grep -v '^##' "$tmp/m.tsv" | awk -F'\t' 'NR > 1 && $2 == 1 { print $1 "\t" $4 "\t" $5; exit }')
victim=$(cut -f1 <<<"$first"); fam=$(cut -f2 <<<"$first"); mp=$(cut -f3 <<<"$first")
printf 'family,missing_id,sample_id\n%s,%s,%s\n' "$fam" "$mp" "$victim" > "$tmp/one_case.csv"
expect_rc 0 "lr on match's first reported case" "$bin" lr --freqs "$nist" --profiles "$tmp/sim/victims.csv" \
  --profiles "$tmp/sim/references.csv" --pedigrees "$tmp/sim/pedigrees.csv" --cases "$tmp/one_case.csv" \
  --mutation-model stepwise --mutation-rate 0.002 --mutation-range 0.1 --out "$tmp/one.csv" -q
log10=$(sed -n 2p "$tmp/one.csv" | cut -d, -f4)
page=$(ls "$tmp/mrep"/case-1-*.html | head -1)
expect_grep "$page" "id=\"log10-lr\">$log10</td>" "match page 1 = kinship lr ($fam $mp $victim)"
expect_rc 2 "match --report with --victim-dropout" "$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv" \
  --pedigrees "$tmp/sim/pedigrees.csv" --profiles "$tmp/sim/references.csv" --victim-dropout 0.1 \
  --report "$tmp/mrep2" -q

# match --report with pairwise references: the page equals kinship lr on the pair.
{ head -1 "$ex/profiles.csv"; grep -E '^(child1|child2|unrelated),' "$ex/profiles.csv"; } > "$tmp/v.csv"
{ head -1 "$ex/profiles.csv"; grep -E '^(father|mother),' "$ex/profiles.csv"; } > "$tmp/r.csv"
expect_rc 0 "match --report, pairs" "$bin" match --freqs "$nist" --victims "$tmp/v.csv" --references "$tmp/r.csv" \
  --relationship parent-child --theta 0.01 --out "$tmp/mp.tsv" --report "$tmp/mprep" -q
row=$(grep -v '^##' "$tmp/mp.tsv" | awk -F'\t' 'NR > 1 && $2 == 1 { print $1 "," $3; exit }')
victim=${row%%,*}; ref=${row#*,}
printf 'id1,id2,relationship\n%s,%s,parent-child\n' "$ref" "$victim" > "$tmp/one_pair.csv"
expect_rc 0 "lr on match's first reported pair" "$bin" lr --freqs "$nist" --profiles "$tmp/v.csv" \
  --profiles "$tmp/r.csv" --pairs "$tmp/one_pair.csv" --theta 0.01 --out "$tmp/onep.csv" -q
log10=$(sed -n 2p "$tmp/onep.csv" | cut -d, -f4)
expect_grep "$tmp/mprep/case-1-${victim}_${ref}_parent-child.html" "id=\"log10-lr\">$log10</td>" \
  "match pair page 1 = kinship lr ($ref $victim)"

# Many pages at once (more than the outputs a command used to hold open): 60 simulated families,
# one page per victim, every page written and committed; more than the cap is a usage error.
expect_rc 0 "simulate 60 families" "$bin" simulate --freqs "$nist" --families 60 --seed 3 --out-dir "$tmp/sim60"
expect_rc 0 "match --report with 60 pages" "$bin" match --freqs "$nist" --victims "$tmp/sim60/victims.csv" \
  --pedigrees "$tmp/sim60/pedigrees.csv" --profiles "$tmp/sim60/references.csv" --out "$tmp/sim60.tsv" --report "$tmp/rep60" -q
n=$(ls "$tmp/rep60" | grep -c '^case-.*\.html$')
v=$(grep -v '^##' "$tmp/sim60.tsv" | awk -F'\t' 'NR > 1 && $2 == 1' | wc -l)
[ "$n" -eq "$v" ] && [ "$n" -gt 40 ] && ok || bad "pages: $n, victims with a reported pair: $v"
expect_rc 2 "--report-max above the cap" "$bin" match --freqs "$nist" --victims "$tmp/sim60/victims.csv" \
  --pedigrees "$tmp/sim60/pedigrees.csv" --profiles "$tmp/sim60/references.csv" --report "$tmp/rep61" --report-max 1001

echo "report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
