#!/usr/bin/env bash
# CLI tests for `kinship`: exit codes, outputs, atomic writes and error messages.
# Usage: cli_test.sh KINSHIP_BINARY REPO_ROOT
set -uo pipefail
bin="$1"; root="$2"
data="$root/data"; val="$root/tests/data/validation"
source "$(dirname "$0")/lib.sh"

# Usage and exit codes.
expect_rc 0 "--help" "$bin" --help;            expect_grep "$tmp/stdout" "Exit codes" "--help text"
expect_rc 2 "bare kinship" "$bin";             expect_grep "$tmp/stderr" "Usage" "bare usage on stderr"
expect_rc 0 "--version" "$bin" --version;      expect_grep "$tmp/stdout" "kinship 0\." "version"
expect_rc 0 "lr --help" "$bin" lr --help;      expect_grep "$tmp/stdout" "--mutation-model" "lr help"
expect_rc 0 "help lr" "$bin" help lr;          expect_grep "$tmp/stdout" "--pairs" "help lr"
expect_rc 2 "unknown command" "$bin" frobnicate
expect_rc 2 "unknown option" "$bin" lr --frobnicate
expect_rc 2 "missing required" "$bin" lr --freqs "$data/allele_freqs/NIST1036_All.csv"

# A validation case through the CLI: C0007 (rel_PO, no mutation) and C0261 (rel_PO,
# stepwise), matched to the independent value to 1e-9.
printf 'id1,id2,relationship\nP002_A,P002_B,parent-child\n' > "$tmp/pairs.csv"
grep -E '^(sample_id|P002_|P043_)' "$val/profiles.csv" > "$tmp/prof.csv"
expect_rc 0 "lr C0007" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs.csv" --out "$tmp/out.csv" -q
want=$(grep '^C0007,' "$val/cases.csv" | cut -d, -f13)
got=$(sed -n 2p "$tmp/out.csv" | cut -d, -f4)
awk -v a="$got" -v b="$want" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<1e-9)}' && ok || bad "C0007 via CLI: $got vs $want"
expect_grep "$tmp/out.csv" "^id1,id2,relationship,log10_lr,loci_compared,loci_inconsistent,alternative,sex1,sex2$" "output header"
printf 'id1,id2,relationship\nP043_A,P043_B,parent-child\n' > "$tmp/pairs2.csv"
expect_rc 0 "lr C0261" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs2.csv" \
  --mutation-model stepwise --mutation-rate 0.005 --mutation-rate2 0.000001 --mutation-range 0.1 --sex1 male --out "$tmp/out2.csv" --per-locus "$tmp/loci2.csv"
want=$(grep '^C0261,' "$val/cases.csv" | cut -d, -f13)
got=$(sed -n 2p "$tmp/out2.csv" | cut -d, -f4)
awk -v a="$got" -v b="$want" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<1e-9)}' && ok || bad "C0261 via CLI: $got vs $want"
# The per-locus file sums to the total.
sum=$(awk -F, 'NR>1{s+=$5} END{printf "%.12f", s}' "$tmp/loci2.csv")
awk -v a="$got" -v b="$sum" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<1e-9)}' && ok || bad "per-locus sum $sum vs total $got"
# Mutation transforms (tests/data/validation-stabilized): S0003 (rel_PO, equal, MH) to 1e-9;
# S0002 (equal, PM) is refused at D3S1358 (the first of its loci_refused): exit 1 naming it.
val2="$root/tests/data/validation-stabilized"
expect_rc 0 "lr S0003 (MH)" "$bin" lr --freqs "$val2/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs2.csv" \
  --mutation-model equal --mutation-rate 0.005 --mutation-transform MH --out "$tmp/out_mh.csv" -q
want=$(grep '^S0003,' "$val2/cases.csv" | cut -d, -f13)
got=$(sed -n 2p "$tmp/out_mh.csv" | cut -d, -f4)
awk -v a="$got" -v b="$want" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<1e-9)}' && ok || bad "S0003 via CLI: $got vs $want"
expect_rc 1 "lr S0002 (PM refused)" "$bin" lr --freqs "$val2/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs2.csv" \
  --mutation-model equal --mutation-rate 0.005 --mutation-transform PM
expect_grep "$tmp/stderr" "locus D3S1358: the PM transformation of the equal model does not exist" "PM refusal names locus and method"
expect_rc 1 "transform without model" "$bin" lr --freqs "$val2/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs2.csv" --mutation-transform MH
expect_rc 1 "unknown transform" "$bin" lr --freqs "$val2/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs2.csv" \
  --mutation-model equal --mutation-rate 0.005 --mutation-transform DP
expect_grep "$tmp/stderr" "unknown mutation transform 'DP'" "unknown transform message"
# Stdout when no --out: CSV only.
expect_rc 0 "lr to stdout" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs.csv" -q
[ "$(head -1 "$tmp/stdout")" = "id1,id2,relationship,log10_lr,loci_compared,loci_inconsistent,alternative,sex1,sex2" ] && ok || bad "stdout CSV header"

# Exclusion prints -inf, never nan.
printf 'id1,id2,relationship\nP002_A,P043_B,parent-child\n' > "$tmp/pairs3.csv"
expect_rc 0 "exclusion" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs3.csv" -q
expect_grep "$tmp/stdout" ",-inf," "exclusion is -inf"
! grep -qi nan "$tmp/stdout" && ok || bad "nan in output"

# Bad input: non-zero exit, path:line in the message, no output file, an existing file kept.
printf 'sample_id,locus,allele1,allele2\nX,TH01,6\n' > "$tmp/badprof.csv"
echo "keep me" > "$tmp/existing.csv"
expect_rc 1 "bad profile" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/badprof.csv" --pairs "$tmp/pairs.csv" --out "$tmp/existing.csv"
expect_grep "$tmp/stderr" "badprof.csv:2:" "bad profile names file:line"
[ "$(cat "$tmp/existing.csv")" = "keep me" ] && ok || bad "existing output overwritten on error"
expect_rc 1 "missing freqs" "$bin" lr --freqs "$tmp/nope.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs.csv" --out "$tmp/new.csv"
[ ! -e "$tmp/new.csv" ] && ok || bad "output left behind on error"
ls -A "$tmp" | grep -qE '\.tmp\.|^\..+\.[A-Za-z0-9]{6}$' && bad "temporary file left behind" || ok
printf 'id1,id2,relationship\nP002_A,NOBODY,parent-child\n' > "$tmp/pairs4.csv"
expect_rc 1 "unknown sample" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs4.csv"
expect_grep "$tmp/stderr" "pairs4.csv:2: sample 'NOBODY'" "unknown sample message"
printf 'id1,id2,relationship\nP002_A,P002_B,cousins\n' > "$tmp/pairs5.csv"
expect_rc 1 "unknown relationship" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs5.csv"
expect_grep "$tmp/stderr" "pairs5.csv:2:" "unknown relationship names line"
printf 'id1,id2,relationship\nP002_A,P002_B,ibd:0:1:0\n' > "$tmp/pairs6.csv"
expect_rc 1 "mutation with ibd:" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs6.csv" --mutation-model equal --mutation-rate 0.001
expect_grep "$tmp/stderr" "has no pedigree" "mutation with ibd: message"
expect_rc 1 "rates without model" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs.csv" --mutation-rate 0.001
expect_rc 1 "sexes differ, sex1 unknown" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs.csv" --mutation-model equal --mutation-rate 0.002 --mutation-rate-female 0.001
expect_grep "$tmp/stderr" "sex1" "sex1 needed message"

# Imputed alleles are reported.
printf 'sample_id,locus,allele1,allele2\nA,TH01,6,99\nB,TH01,6,7\n' > "$tmp/rare.csv"
printf 'id1,id2,relationship\nA,B,parent-child\n' > "$tmp/pairs7.csv"
expect_rc 0 "imputation" "$bin" lr --freqs "$data/allele_freqs/NIST1036_All.csv" --sample-sizes "$data/allele_freqs/sample_sizes.csv" --profiles "$tmp/rare.csv" --pairs "$tmp/pairs7.csv"
expect_grep "$tmp/stderr" "allele 99 at TH01 not in the frequency table: imputed frequency 0.002413" "imputation note (5/2N, N=1036)"

# Pedigree mode: validation cases C0476 (no mutation) and C0477 (equal) of the mother +
# sister family, through --pedigrees/--cases, to 1e-9.
printf 'family,id,father,mother,sex,sample_id,missing\nFAM,FA,0,0,1,,0\nFAM,MO,0,0,2,F004_MO,0\nFAM,S1,FA,MO,2,F004_S1,0\nFAM,MP,FA,MO,1,,1\n' > "$tmp/peds.csv"
grep -E '^(sample_id|F004_|V014,)' "$val/profiles.csv" > "$tmp/pprof.csv"
printf 'family,missing_id,sample_id\nFAM,MP,V014\n' > "$tmp/cases.csv"
for spec in "C0476:none" "C0477:equal"; do
  id=${spec%%:*}; m=${spec##*:}
  extra=(); [ "$m" = equal ] && extra=(--mutation-model equal --mutation-rate 0.005)
  expect_rc 0 "pedigree $id" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/pprof.csv" --pedigrees "$tmp/peds.csv" --cases "$tmp/cases.csv" "${extra[@]}" --out "$tmp/ped_$id.csv" -q
  want=$(grep "^$id," "$val/cases.csv" | cut -d, -f13)
  got=$(sed -n 2p "$tmp/ped_$id.csv" | cut -d, -f4)
  awk -v a="$got" -v b="$want" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<1e-9)}' && ok || bad "$id via CLI: $got vs $want"
done
expect_grep "$tmp/ped_C0476.csv" "^family,missing_id,sample_id,log10_lr,loci_compared,loci_inconsistent$" "pedigree output header"
# --untyped-founders familias reproduces Familias 2.6.4 (familias.csv), which differs from the
# exact value here: C0477 (the untyped father has one child once MP is pruned) and C0261
# (parent-child, stepwise: the untyped mother passes on p, not p M).
expect_rc 0 "pedigree C0477 familias" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/pprof.csv" --pedigrees "$tmp/peds.csv" --cases "$tmp/cases.csv" --mutation-model equal --mutation-rate 0.005 --untyped-founders familias --out "$tmp/ped_fam.csv" -q
want=$(grep '^C0477,' "$val/familias.csv" | cut -d, -f2); got=$(sed -n 2p "$tmp/ped_fam.csv" | cut -d, -f4)
awk -v a="$got" -v b="$want" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<1e-9)}' && ok || bad "C0477 familias via CLI: $got vs $want"
expect_rc 0 "lr C0261 familias" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs2.csv" \
  --mutation-model stepwise --mutation-rate 0.005 --mutation-rate2 0.000001 --mutation-range 0.1 --sex1 male --untyped-founders familias --out "$tmp/out_fam.csv"
want=$(grep '^C0261,' "$val/familias.csv" | cut -d, -f2); got=$(sed -n 2p "$tmp/out_fam.csv" | cut -d, -f4)
awk -v a="$got" -v b="$want" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<1e-9)}' && ok || bad "C0261 familias via CLI: $got vs $want"
expect_rc 1 "bad --untyped-founders" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs.csv" --untyped-founders sometimes
expect_grep "$tmp/stderr" "expected exact or familias" "--untyped-founders message"
# 60 typed unrelated references with rare alleles (P(references) = (2e-6)^60 ~ 1e-342, below
# the smallest double) are consistent, not "impossible": a father 12/12 and his missing son,
# victim 12/12: LR = p12 / p12^2 = 1/0.998.
printf 'locus,allele,frequency\nL,10,0.001\nL,11,0.001\nL,12,0.998\n' > "$tmp/rare_freqs.csv"
{ echo "family,id,father,mother,sex,sample_id,missing"; echo "R,F,0,0,1,RF,0"; echo "R,M,0,0,2,,0"; echo "R,MP,F,M,1,,1"
  for i in $(seq 1 60); do echo "R,S$i,0,0,2,RS$i,0"; done; } > "$tmp/rare_peds.csv"
{ echo "sample_id,locus,allele1,allele2"; echo "RF,L,12,12"; echo "VR,L,12,12"
  for i in $(seq 1 60); do echo "RS$i,L,10,11"; done; } > "$tmp/rare_prof.csv"
printf 'family,missing_id,sample_id\nR,MP,VR\n' > "$tmp/rare_cases.csv"
expect_rc 0 "60 rare references" "$bin" lr --freqs "$tmp/rare_freqs.csv" --profiles "$tmp/rare_prof.csv" --pedigrees "$tmp/rare_peds.csv" --cases "$tmp/rare_cases.csv" --out "$tmp/rare_out.csv" -q
got=$(sed -n 2p "$tmp/rare_out.csv" | cut -d, -f4)
awk -v a="$got" 'BEGIN{b=-log(0.998)/log(10); d=a-b; if (d<0) d=-d; exit !(d<1e-9)}' && ok || bad "60 rare references: $got"
# A Mendelian error among the references: an error without mutation, a warning with it.
printf 'family,id,father,mother,sex,sample_id,missing\nFAM,FA,0,0,1,,0\nFAM,MO,0,0,2,F004_MO,0\nFAM,S1,FA,MO,2,F004_S1,0\nFAM,MP,FA,MO,1,,1\nFAM,X,FA,MO,2,BADKID,0\n' > "$tmp/peds_bad.csv"
{ cat "$tmp/pprof.csv"; printf 'BADKID,TH01,99,99\n'; } > "$tmp/pprof_bad.csv"
expect_rc 1 "inconsistent references" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/pprof_bad.csv" --pedigrees "$tmp/peds_bad.csv" --cases "$tmp/cases.csv"
expect_grep "$tmp/stderr" "family FAM, locus TH01: the references are inconsistent with the pedigree without mutation: (X, MO)" "inconsistency names family, locus, members"
expect_rc 0 "inconsistent references, mutation" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/pprof_bad.csv" --pedigrees "$tmp/peds_bad.csv" --cases "$tmp/cases.csv" --mutation-model equal --mutation-rate 0.001
expect_grep "$tmp/stderr" "warning: family FAM, locus TH01.*mutation model explains" "inconsistency warning with mutation"
printf 'family,missing_id,sample_id\nFAM,S1,V014\n' > "$tmp/cases_bad.csv"
expect_rc 1 "case names a non-missing member" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/pprof.csv" --pedigrees "$tmp/peds.csv" --cases "$tmp/cases_bad.csv"
expect_grep "$tmp/stderr" "cases_bad.csv:2: 'S1' is not a missing person of family FAM" "bad case message"
printf 'family,id,father,mother,sex,sample_id,missing\nFAM,FA,0,0,2,,0\nFAM,MO,0,0,2,F004_MO,0\nFAM,MP,FA,MO,1,,1\n' > "$tmp/peds_sex.csv"
expect_rc 1 "father of sex 2" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/pprof.csv" --pedigrees "$tmp/peds_sex.csv" --cases "$tmp/cases.csv"
expect_grep "$tmp/stderr" "family FAM, member MP: father FA has sex 2" "father sex message"
expect_rc 2 "pairs and pedigrees together" "$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/pprof.csv" --pedigrees "$tmp/peds.csv" --cases "$tmp/cases.csv" --pairs "$tmp/pairs.csv"

# kinship simulate: deterministic files; kinship match on them.
nist="$data/allele_freqs/NIST1036_All.csv"
expect_rc 0 "simulate" "$bin" simulate --freqs "$nist" --families 120 --seed 7 --victims-unrelated 40 --dropout 0.1 --out-dir "$tmp/sim"
expect_rc 0 "simulate again" "$bin" simulate --freqs "$nist" --families 120 --seed 7 --victims-unrelated 40 --dropout 0.1 --out-dir "$tmp/sim2"
for f in pedigrees.csv references.csv victims.csv truth.csv; do
  cmp -s "$tmp/sim/$f" "$tmp/sim2/$f" && ok || bad "simulate not reproducible: $f"
done
[ "$(grep -c . "$tmp/sim/truth.csv")" -eq 161 ] && ok || bad "truth rows"
expect_rc 2 "simulate unknown shape" "$bin" simulate --freqs "$nist" --families 3 --shapes parents,cousins --out-dir "$tmp/x"
match=("$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv" --pedigrees "$tmp/sim/pedigrees.csv" --profiles "$tmp/sim/references.csv" -q)
expect_rc 0 "match" "${match[@]}" --threads 1 --out "$tmp/r1.tsv" --json "$tmp/r1.json"
expect_rc 0 "match 2 threads" "${match[@]}" --threads 2 --out "$tmp/r2.tsv"
expect_rc 0 "match scalar" "${match[@]}" --threads 2 --kernel scalar --out "$tmp/r3.tsv"
for r in r2 r3; do
  # Same bytes but for the command line and the time taken.
  diff <(grep -v -e '^##time_seconds' -e '^##command' "$tmp/r1.tsv") <(grep -v -e '^##time_seconds' -e '^##command' "$tmp/$r.tsv") >/dev/null && ok || bad "report $r differs from 1 thread"
done
expect_grep "$tmp/r1.tsv" "^##input.victims=.*sha256=[0-9a-f]\{64\}$" "input checksum line"
expect_grep "$tmp/r1.tsv" "^##count.pairs_screened=19200$" "pairs screened count"
expect_grep "$tmp/r1.tsv" "^##parameter.mutation_transform=none$" "mutation transform parameter"
expect_grep "$tmp/r1.tsv" "^victim	rank	candidate	family	missing_id	hypothesis	log10_lr	posterior	loci_compared	loci_inconsistent$" "report header"
expect_grep "$tmp/r1.json" '"per_locus_log10_lr": {"CSF1PO": ' "json per-locus values"
# The true missing person is ranked first for at least 90% of the families of each shape.
awk -F'\t' 'NR==FNR { if (FNR > 1) { split($0, t, ","); fam[t[1]] = t[2]; shape[t[1]] = t[4] } next }
  /^#/ || $1 == "victim" { next }
  $2 == 1 { top[$1] = $4 }
  END { for (v in fam) if (fam[v] != "") { n[shape[v]]++; if (top[v] == fam[v]) k[shape[v]]++ }
        bad = 0; for (s in n) { printf "  %s: %d/%d ranked first\n", s, k[s], n[s]; if (k[s] < 0.9 * n[s]) bad = 1 }
        exit bad }' "$tmp/sim/truth.csv" "$tmp/r1.tsv" > "$tmp/rank.txt" && ok || { bad "true missing person not ranked first often enough"; cat "$tmp/rank.txt"; }
# Every reported log10 LR equals kinship lr --pedigrees for that case (to 1e-12).
awk -F'\t' '!/^#/ && $1 != "victim" && $2 <= 2 { print $4 "," $5 "," $1 }' "$tmp/r1.tsv" | head -40 > "$tmp/cases_body.csv"
{ echo "family,missing_id,sample_id"; cat "$tmp/cases_body.csv"; } > "$tmp/mcases.csv"
expect_rc 0 "lr for reported cases" "$bin" lr --freqs "$nist" --profiles "$tmp/sim/references.csv" --profiles "$tmp/sim/victims.csv" --pedigrees "$tmp/sim/pedigrees.csv" --cases "$tmp/mcases.csv" --out "$tmp/mlr.csv" -q
awk -F'\t' '!/^#/ && $1 != "victim" && $2 <= 2 { print $4 "," $5 "," $1 "\t" $7 }' "$tmp/r1.tsv" | head -40 > "$tmp/want.txt"
awk -F, 'NR > 1 { print $1 "," $2 "," $3 "\t" $4 }' "$tmp/mlr.csv" > "$tmp/got.txt"
paste "$tmp/want.txt" "$tmp/got.txt" | awk -F'\t' '{ if ($1 != $3) { bad = 1 } d = $2 - $4; if (d < 0) d = -d; if (d > 1e-12) bad = 1 } END { exit bad || NR == 0 }' && ok || bad "match and lr disagree"
# Pairwise screening, and the by-candidate view.
expect_rc 0 "match pairwise" "$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv" --references "$tmp/sim/references.csv" --relationship parent-child --relationship full-siblings --by candidate --top 2 --min-log10-lr 2 --out "$tmp/rp.tsv" -q
expect_grep "$tmp/rp.tsv" "^candidate	family	missing_id	hypothesis	rank	victim	" "by-candidate header"
expect_grep "$tmp/rp.tsv" "	full-siblings	1	V" "full-siblings rows"
# Errors: no partial report, exit 1 or 2.
expect_rc 2 "match without candidates" "$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv"
expect_rc 2 "references without relationship" "$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv" --references "$tmp/sim/references.csv"
printf 'sample_id,locus,allele1,allele2\nV1,TH01,6\n' > "$tmp/badvic.csv"
expect_rc 1 "match bad victims" "$bin" match --freqs "$nist" --victims "$tmp/badvic.csv" --references "$tmp/sim/references.csv" --relationship parent-child --out "$tmp/never.tsv"
[ ! -e "$tmp/never.tsv" ] && ok || bad "partial report left behind"
expect_rc 1 "victim is also a reference" "$bin" match --freqs "$nist" --victims "$tmp/sim/references.csv" --references "$tmp/sim/references.csv" --relationship parent-child
expect_grep "$tmp/stderr" "is both a victim (--victims) and a reference" "victim/reference clash message"

# An unseen allele, rescaled by default: the pairwise parent-child LR and the same question
# as a father-only pedigree agree (with frequencies summing to 1 the two models coincide).
printf 'sample_id,locus,allele1,allele2\nDAD,TH01,6,6\nDAD,vWA,16,17\nKID,TH01,6,99\nKID,vWA,17,17\n' > "$tmp/po.csv"
printf 'id1,id2,relationship\nDAD,KID,parent-child\n' > "$tmp/po_pairs.csv"
printf 'family,id,father,mother,sex,sample_id,missing\nF,FA,0,0,1,DAD,0\nF,MO,0,0,2,,0\nF,MP,FA,MO,1,,1\n' > "$tmp/po_ped.csv"
printf 'family,missing_id,sample_id\nF,MP,KID\n' > "$tmp/po_cases.csv"
expect_rc 0 "po pairwise" "$bin" lr --freqs "$nist" --profiles "$tmp/po.csv" --pairs "$tmp/po_pairs.csv" --out "$tmp/po1.csv" -q
expect_rc 0 "po pedigree" "$bin" lr --freqs "$nist" --profiles "$tmp/po.csv" --pedigrees "$tmp/po_ped.csv" --cases "$tmp/po_cases.csv" --out "$tmp/po2.csv" -q
a=$(sed -n 2p "$tmp/po1.csv" | cut -d, -f4); b=$(sed -n 2p "$tmp/po2.csv" | cut -d, -f4)
awk -v a="$a" -v b="$b" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<1e-12)}' && ok || bad "pairwise vs pedigree with an imputed allele: $a vs $b"
expect_rc 1 "min-freq below the floor" "$bin" lr --freqs "$nist" --profiles "$tmp/po.csv" --pairs "$tmp/po_pairs.csv" --min-freq 1e-30
expect_rc 1 "negative female rate" "$bin" lr --freqs "$nist" --profiles "$tmp/po.csv" --pairs "$tmp/po_pairs.csv" --mutation-model equal --mutation-rate 0.001 --mutation-rate-female -0.5
expect_rc 2 "nan threshold" "$bin" match --freqs "$nist" --victims "$tmp/po.csv" --references "$tmp/po.csv" --relationship parent-child --min-log10-lr nan
# A Mendelian error that the mutation model cannot explain (stepwise, rate2 0: 9.3 cannot become 10).
printf 'sample_id,locus,allele1,allele2\nDAD,TH01,9.3,9.3\nKID,TH01,10,10\nV,TH01,6,7\n' > "$tmp/step.csv"
printf 'family,id,father,mother,sex,sample_id,missing\nF,FA,0,0,1,DAD,0\nF,MO,0,0,2,,0\nF,C,FA,MO,1,KID,0\nF,MP,FA,MO,1,,1\n' > "$tmp/step_ped.csv"
printf 'family,missing_id,sample_id\nF,MP,V\n' > "$tmp/step_cases.csv"
expect_rc 1 "impossible even with mutation" "$bin" lr --freqs "$nist" --profiles "$tmp/step.csv" --pedigrees "$tmp/step_ped.csv" --cases "$tmp/step_cases.csv" --mutation-model stepwise --mutation-rate 0.002
expect_grep "$tmp/stderr" "family F, locus TH01: the references are impossible under the pedigree even with the mutation model" "impossible-with-mutation message"

# One-sided loci under stepwise mutation (docs/model.md): KID typed alone at D8S1179 (an LR
# other than 1: the child's alleles come through mutated transmissions), DAD alone at
# D3S1358 (LR 1: a founder). lr --pairs, lr --pedigrees and match (pairwise and family) give
# the same total to 1e-12; loci_compared counts only the loci typed in both.
printf 'sample_id,locus,allele1,allele2\nDAD,TH01,6,7\nDAD,vWA,16,17\nDAD,D3S1358,15,16\n' > "$tmp/os_dad.csv"
printf 'sample_id,locus,allele1,allele2\nKID,TH01,7,9.3\nKID,vWA,17,18\nKID,D8S1179,13,14\n' > "$tmp/os_kid.csv"
printf 'id1,id2,relationship\nDAD,KID,parent-child\n' > "$tmp/os_pairs.csv"
printf 'family,id,father,mother,sex,sample_id,missing\nF,FA,0,0,1,DAD,0\nF,MO,0,0,2,,0\nF,MP,FA,MO,1,,1\n' > "$tmp/os_ped.csv"
printf 'family,missing_id,sample_id\nF,MP,KID\n' > "$tmp/os_cases.csv"
os_mut=(--mutation-model stepwise --mutation-rate 0.005 --mutation-rate2 0.000001 --mutation-range 0.1)
expect_rc 0 "one-sided lr --pairs" "$bin" lr --freqs "$nist" --profiles "$tmp/os_dad.csv" --profiles "$tmp/os_kid.csv" --pairs "$tmp/os_pairs.csv" "${os_mut[@]}" --out "$tmp/os1.csv" --per-locus "$tmp/os1_loci.csv" -q
expect_rc 0 "one-sided lr --pedigrees" "$bin" lr --freqs "$nist" --profiles "$tmp/os_dad.csv" --profiles "$tmp/os_kid.csv" --pedigrees "$tmp/os_ped.csv" --cases "$tmp/os_cases.csv" "${os_mut[@]}" --out "$tmp/os2.csv" -q
expect_rc 0 "one-sided match pairwise" "$bin" match --freqs "$nist" --victims "$tmp/os_kid.csv" --references "$tmp/os_dad.csv" --relationship parent-child "${os_mut[@]}" --min-log10-lr -100 --out "$tmp/os3.tsv" -q
expect_rc 0 "one-sided match family" "$bin" match --freqs "$nist" --victims "$tmp/os_kid.csv" --profiles "$tmp/os_dad.csv" --pedigrees "$tmp/os_ped.csv" "${os_mut[@]}" --min-log10-lr -100 --out "$tmp/os4.tsv" -q
a=$(sed -n 2p "$tmp/os1.csv" | cut -d, -f4); b=$(sed -n 2p "$tmp/os2.csv" | cut -d, -f4)
c=$(awk -F'\t' '!/^#/ && $1 == "KID" { print $7 }' "$tmp/os3.tsv"); d=$(awk -F'\t' '!/^#/ && $1 == "KID" { print $7 }' "$tmp/os4.tsv")
for x in "$b" "$c" "$d"; do
  awk -v a="$a" -v b="$x" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(a != "" && b != "" && d<1e-12)}' && ok || bad "one-sided: lr --pairs $a vs $x (lr --pedigrees $b, match $c, match family $d)"
done
[ "$(sed -n 2p "$tmp/os1.csv" | cut -d, -f5)" = 2 ] && ok || bad "one-sided: loci_compared should count TH01 and vWA only"
# The one-sided locus is in the per-locus file, not 0 (the child's side); the founder's is 0.
awk -F, '$4 == "D8S1179" { found = 1; if ($5 + 0 == 0) exit 1 } END { exit !found }' "$tmp/os1_loci.csv" && ok || bad "one-sided D8S1179 per-locus value"
awk -F, '$4 == "D3S1358" { found = 1; if ($5 + 0 != 0) exit 1 } END { exit !found }' "$tmp/os1_loci.csv" && ok || bad "founder-alone D3S1358 per-locus value"
# Without mutation the same pair's one-sided loci are LR 1: the total is that of TH01 + vWA.
expect_rc 0 "one-sided without mutation" "$bin" lr --freqs "$nist" --profiles "$tmp/os_dad.csv" --profiles "$tmp/os_kid.csv" --pairs "$tmp/os_pairs.csv" --per-locus "$tmp/os5_loci.csv" --out "$tmp/os5.csv" -q
[ "$(awk -F, 'NR > 1' "$tmp/os5_loci.csv" | wc -l)" -eq 2 ] && ok || bad "no mutation: per-locus rows only for loci typed in both"

# Degraded profiles (docs/model.md, "Observations"): a half-sibling pair with drop-out per sample
# and locus (--observation) gives the independent brute-force value of
# tests/data/validation-observation (case O0071) to 1e-9; the screen gives the same number with
# the victim's drop-out from the same file; a bad observation file stops the run (file:line, no
# report); --victim-dropout out of range is refused; the parameters are in the report.
obs="$root/tests/data/validation-observation"
grep '^O0071_' "$obs/profiles.csv" | sed '1i sample_id,locus,allele1,allele2' > "$tmp/o71.csv"
grep '^O0071_A' "$obs/profiles.csv" | sed '1i sample_id,locus,allele1,allele2' > "$tmp/o71_a.csv"
grep '^O0071_B' "$obs/profiles.csv" | sed '1i sample_id,locus,allele1,allele2' > "$tmp/o71_b.csv"
printf 'id1,id2,relationship\nO0071_A,O0071_B,half-siblings\n' > "$tmp/o71_pairs.csv"
expect_rc 0 "lr --observation" "$bin" lr --freqs "$obs/freqs_toyA6.csv" --profiles "$tmp/o71.csv" --pairs "$tmp/o71_pairs.csv" \
  --observation "$obs/obs_O0071.csv" --out "$tmp/o71.out" -q
got=$(sed -n 2p "$tmp/o71.out" | cut -d, -f4); want=$(grep '^O0071,' "$obs/cases.csv" | cut -d, -f14)
awk -v a="$got" -v b="$want" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(a != "" && d<1e-9)}' && ok || bad "lr --observation: $got, expected $want"
expect_rc 0 "match --observation" "$bin" match --freqs "$obs/freqs_toyA6.csv" --victims "$tmp/o71_b.csv" --references "$tmp/o71_a.csv" \
  --relationship half-siblings --observation "$obs/obs_O0071.csv" --min-log10-lr -inf --out "$tmp/o71.tsv" -q
m=$(awk -F'\t' '!/^#/ && $1 == "O0071_B" { print $7 }' "$tmp/o71.tsv")
awk -v a="$got" -v b="$m" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(b != "" && d<1e-12)}' && ok || bad "match --observation: $m vs lr $got"
expect_grep "$tmp/o71.tsv" "^##input.observation=" "observation file in the report's inputs"
printf 'sample_id,dropout,dropin\nO0071_A,0.2,0\nO0071_A,0.3,0\n' > "$tmp/o71_twice.csv"
expect_rc 1 "observation row twice" "$bin" match --freqs "$obs/freqs_toyA6.csv" --victims "$tmp/o71_b.csv" --references "$tmp/o71_a.csv" \
  --relationship half-siblings --observation "$tmp/o71_twice.csv" --out "$tmp/o71_bad.tsv" -q
expect_grep "$tmp/stderr" "o71_twice.csv:3" "observation error names file:line"
[ ! -e "$tmp/o71_bad.tsv" ] && ok || bad "a report was written despite the bad observation file"
printf 'sample_id,dropout,dropin\nNOBODY,0.2,0\n' > "$tmp/o71_nobody.csv"
expect_rc 1 "observation of an unknown sample" "$bin" lr --freqs "$obs/freqs_toyA6.csv" --profiles "$tmp/o71.csv" \
  --pairs "$tmp/o71_pairs.csv" --observation "$tmp/o71_nobody.csv" -q
expect_grep "$tmp/stderr" "o71_nobody.csv:2: sample 'NOBODY' is in no profile file" "unknown sample names file:line"
expect_rc 1 "victim drop-out 1" "$bin" match --freqs "$obs/freqs_toyA6.csv" --victims "$tmp/o71_b.csv" --references "$tmp/o71_a.csv" \
  --relationship half-siblings --victim-dropout 1 -q
expect_rc 0 "match --victim-dropout" "$bin" match --freqs "$obs/freqs_toyA6.csv" --victims "$tmp/o71_b.csv" --references "$tmp/o71_a.csv" \
  --relationship half-siblings --victim-dropout 0.2 --min-log10-lr -inf --out "$tmp/o71_vd.tsv" -q
expect_grep "$tmp/o71_vd.tsv" "^##parameter.victim_dropout=0.2" "victim drop-out in the report's parameters"

# Trios: the paternity index, and the same question as a pedigree case (equal bytes of log10 LR).
printf 'locus,allele,frequency\nL,10,0.1\nL,11,0.2\nL,12,0.3\nL,13,0.4\n' > "$tmp/tf.csv"
printf 'sample_id,locus,allele1,allele2\nAF,L,12,13\nCH,L,10,12\nMO,L,10,11\n' > "$tmp/tp.csv"
printf 'alleged_parent,child,known_parent,sex\nAF,CH,MO,male\n' > "$tmp/trios.csv"
expect_rc 0 "lr --trios" "$bin" lr --freqs "$tmp/tf.csv" --normalize-freqs no --profiles "$tmp/tp.csv" --trios "$tmp/trios.csv" \
  --mutation-model stepwise --mutation-rate 0.002 --mutation-rate-female 0.001 --theta 0.01 --out "$tmp/trio.csv" -q
expect_grep "$tmp/trio.csv" "^alleged_parent,child,known_parent,log10_lr,loci_compared,loci_inconsistent,sex$" "trios header"
printf 'family,id,father,mother,sex,sample_id,missing\nT,AP,0,0,1,,1\nT,K,0,0,2,MO,0\nT,C,AP,K,0,CH,0\n' > "$tmp/tped.csv"
printf 'family,missing_id,sample_id\nT,AP,AF\n' > "$tmp/tcases.csv"
expect_rc 0 "the trio as a case" "$bin" lr --freqs "$tmp/tf.csv" --normalize-freqs no --profiles "$tmp/tp.csv" --pedigrees "$tmp/tped.csv" \
  --cases "$tmp/tcases.csv" --mutation-model stepwise --mutation-rate 0.002 --mutation-rate-female 0.001 --theta 0.01 -q
[ "$(cut -d, -f4 "$tmp/stdout" | tail -1)" = "$(cut -d, -f4 "$tmp/trio.csv" | tail -1)" ] && ok || bad "trio != pedigree case"
expect_rc 0 "lr --trios --report" "$bin" lr --freqs "$tmp/tf.csv" --normalize-freqs no --profiles "$tmp/tp.csv" --trios "$tmp/trios.csv" \
  --mutation-model stepwise --mutation-rate 0.002 --mutation-rate-female 0.001 --theta 0.01 --out "$tmp/trio2.csv" --report "$tmp/trep" -q
expect_grep "$tmp/trep/case-1-AF_CH_MO.html" "AF is the father of CH, with MO as the other parent" "trio report states the paternity question"
expect_grep "$tmp/trep/case-1-AF_CH_MO.html" "$(cut -d, -f4 "$tmp/trio.csv" | tail -1)" "trio report carries kinship lr's log10 LR"
expect_rc 2 "--trios with --pairs" "$bin" lr --freqs "$tmp/tf.csv" --profiles "$tmp/tp.csv" --trios "$tmp/trios.csv" --pairs "$tmp/trios.csv"
# Outputs are checked before any input is read: a missing output folder fails at once.
expect_rc 1 "--out in a missing folder" "$bin" lr --freqs "$tmp/no-such-freqs.csv" --profiles "$tmp/tp.csv" --trios "$tmp/trios.csv" \
  --out "$tmp/no-such-dir/out.csv"
expect_grep "$tmp/stderr" "the folder .*no-such-dir does not exist" "missing output folder named before reading inputs"

# The demo data.
expect_rc 0 "demo" "$bin" lr --freqs "$data/allele_freqs/NIST1036_All.csv" --sample-sizes "$data/allele_freqs/sample_sizes.csv" --profiles "$data/examples/profiles.csv" --pairs "$data/examples/pairs.csv" --out "$tmp/demo.csv"
[ "$(wc -l < "$tmp/demo.csv")" -eq 7 ] && ok || bad "demo rows"
expect_grep "$tmp/stdout" "written:" "demo summary"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
