#!/usr/bin/env bash
# CLI tests of CODIS CMF profiles (issue 12): one CMF file of a family as both victims and
# references, chosen by specimen category (--victim-category, --reference-category) in
# `kinship match` and `kinship dvi`; the same numbers as the same profiles in CSV; the errors
# (a category with CSV profiles, a category no specimen has, no choice at all).
# Usage: cmf_test.sh KINSHIP_BINARY REPO_ROOT
set -uo pipefail
bin="$1"; root="$2"
cmf="$root/tests/data/cmf/family_v32.xml"; csv="$root/tests/data/cmf/family.csv"
nist="$root/data/allele_freqs/NIST1036_All.csv"
source "$(dirname "$0")/lib.sh"

up="Unidentified Person"
match() { "$bin" match --freqs "$nist" --relationship parent-child --min-log10-lr -inf -q "$@"; }

# Victims: the three Unidentified Persons; references: the two parents. Same file twice.
expect_rc 0 "match by category" match --victims "$cmf" --victim-category "$up" --references "$cmf" \
  --reference-category "Biological Father" --reference-category "Biological Mother" --out "$tmp/cmf.tsv"
expect_grep "$tmp/cmf.tsv" "^##parameter.victim_categories=$up$" "victim categories in the provenance"
expect_grep "$tmp/cmf.tsv" "^##parameter.reference_categories=Biological Father;Biological Mother$" \
  "reference categories in the provenance"
expect_grep "$tmp/cmf.tsv" "^##input.victims=$cmf sha256=$(sha256sum "$cmf" | cut -d' ' -f1)$" "CMF input checksum"
victims=$(grep -v '^##' "$tmp/cmf.tsv" | awk -F'\t' 'NR > 1 { print $1 }' | sort -u | tr '\n' ' ')
[ "$victims" = "child1 child2 unrelated " ] && ok || bad "victims chosen by category: '$victims'"
cands=$(grep -v '^##' "$tmp/cmf.tsv" | awk -F'\t' 'NR > 1 { print $3 }' | sort -u | tr '\n' ' ')
[ "$cands" = "father mother " ] && ok || bad "references chosen by category: '$cands'"
# The note of counts (without -q).
"$bin" match --freqs "$nist" --relationship parent-child --victims "$cmf" --victim-category "$up" \
  --references "$cmf" --reference-category "Biological Father" --out "$tmp/notes.tsv" 2>"$tmp/notes.err" && ok || bad "match notes run"
expect_grep "$tmp/notes.err" "--victim-category: 3 sample(s) kept ($up: 3); 2 left out (Biological Father: 1, Biological Mother: 1)" "victim counts note"
expect_grep "$tmp/notes.err" "--reference-category: 1 sample(s) kept (Biological Father: 1); 4 left out" "reference counts note"

# The same screen from the CSV split by hand: the same rows, byte for byte.
{ head -2 "$csv"; grep -E '^(child1|child2|unrelated),' "$csv"; } > "$tmp/victims.csv"
{ head -2 "$csv"; grep -E '^(father|mother),' "$csv"; } > "$tmp/refs.csv"
expect_rc 0 "match from CSV" match --victims "$tmp/victims.csv" --references "$tmp/refs.csv" --out "$tmp/csv.tsv"
cmp -s <(grep -v '^##' "$tmp/cmf.tsv") <(grep -v '^##' "$tmp/csv.tsv") && ok || bad "CMF and CSV screens differ"

# Errors: exit 1, a message, no report.
expect_rc 1 "one CMF as victims and references without categories" match --victims "$cmf" --references "$cmf" --out "$tmp/x.tsv"
expect_grep "$tmp/stderr" "is both a victim" "overlap without categories"
expect_rc 1 "category with CSV victims" match --victims "$csv" --victim-category "$up" --references "$cmf" --out "$tmp/x.tsv"
expect_grep "$tmp/stderr" "$csv: --victim-category chooses samples by their CODIS CMF specimen category" "category with CSV"
expect_rc 1 "category that no specimen has" match --victims "$cmf" --victim-category "Spouse" --references "$csv" --out "$tmp/x.tsv"
expect_grep "$tmp/stderr" "--victim-category Spouse: no sample has that category; the files have" "unknown category"
[ -e "$tmp/x.tsv" ] && bad "a failed run wrote a report" || ok

# dvi: the parents as a family's references, its missing child among the Unidentified Persons.
printf 'family,id,father,mother,sex,sample_id,missing\nF1,fa,0,0,1,father,0\nF1,mo,0,0,2,mother,0\nF1,mp,fa,mo,0,,1\n' > "$tmp/peds.csv"
expect_rc 0 "dvi by category" "$bin" dvi --freqs "$nist" --victims "$cmf" --victim-category "$up" --pedigrees "$tmp/peds.csv" \
  --profiles "$cmf" --reference-category "Biological Father" --reference-category "Biological Mother" --out-dir "$tmp/dvi" -q
expect_grep "$tmp/dvi/summary.tsv" "^##parameter.victim_categories=$up$" "dvi victim categories"
n=$(grep -v '^##' "$tmp/dvi/pairwise.tsv" | awk 'NR > 1' | wc -l)
[ "$n" = 3 ] && ok || bad "dvi pairwise rows: $n, expected 3 (one per Unidentified Person)"

# kinship convert --to cmf: CSV -> CMF -> CMF gives the same bytes; the CMF gives the CSV's LRs.
expect_rc 0 "convert --to cmf" "$bin" convert --profiles "$root/data/examples/profiles.csv" --to cmf --out "$tmp/conv.xml" \
  --category "$up" --source-lab LAB1 --submit-datetime 2026-12-03T09:00:00 -q
expect_grep "$tmp/conv.xml" "<SOURCELAB>LAB1</SOURCELAB>" "convert header option"
expect_grep "$tmp/conv.xml" "<SPECIMENCATEGORY>$up</SPECIMENCATEGORY>" "convert default category"
expect_rc 0 "convert CMF to CMF" "$bin" convert --profiles "$tmp/conv.xml" --to cmf --out "$tmp/conv2.xml" \
  --source-lab LAB1 --submit-datetime 2026-12-03T09:00:00 -q
cmp -s "$tmp/conv.xml" "$tmp/conv2.xml" && ok || bad "CMF round trip through convert changed the bytes"
expect_rc 0 "lr on the CSV" "$bin" lr --freqs "$nist" --profiles "$root/data/examples/profiles.csv" --pairs "$root/data/examples/pairs.csv" --out "$tmp/lr_csv.csv" -q
expect_rc 0 "lr on the CMF" "$bin" lr --freqs "$nist" --profiles "$tmp/conv.xml" --pairs "$root/data/examples/pairs.csv" --out "$tmp/lr_cmf.csv" -q
cmp -s "$tmp/lr_csv.csv" "$tmp/lr_cmf.csv" && ok || bad "the converted CMF gives other LRs than the CSV"
expect_rc 2 "convert --profiles without --to" "$bin" convert --profiles "$tmp/conv.xml" --out "$tmp/x.xml"
expect_rc 1 "convert: an id too long for CMF" bash -c "printf 'sample_id,locus,allele1,allele2\nABCDEFGHIJKLMNOPQRSTUVWXYZ,TH01,6,7\n' > '$tmp/long.csv' && '$bin' convert --profiles '$tmp/long.csv' --to cmf --out '$tmp/long.xml'"
[ -e "$tmp/long.xml" ] && bad "a failed convert wrote its output" || ok

echo "cmf: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
