#!/usr/bin/env bash
# How well the true missing person ranks on simulated degraded remains, with and without the
# drop-out model (issue 10; the table in docs/performance.md):
#   bash bench/dropout_ranking.sh KINSHIP_BINARY [OUT_DIR] [none]
# 1,000 families of the six shapes and 1,000 unrelated victims; victims with allelic drop-out
# 0.2 (kinship simulate --allele-dropout 0.2); a stepwise mutation model in the screen (none: no
# mutation model, so that an unexplained allele is an exclusion). Per shape:
# the share of the families' victims whose true family ranks first, screened without the model
# and with --victim-dropout 0.2; and, for the true pairs through kinship lr, the loci where an
# allele dropped out whose LR is an exclusion (-inf), or below 10^-3 (a mutation or nothing else).
set -euo pipefail
bin=$1; out=${2:-dropout_ranking}; mutation=${3:-stepwise}
root="$(cd "$(dirname "$0")/.." && pwd)"
freqs="$root/data/allele_freqs/NIST1036_All.csv"
model=(--mutation-model stepwise --mutation-rate 0.002 --mutation-rate2 1e-6 --mutation-range 0.1)
[ "$mutation" = none ] && model=()
mkdir -p "$out"
"$bin" simulate --freqs "$freqs" --families 1000 --victims-unrelated 1000 --seed 10 --allele-dropout 0.2 --out-dir "$out/sim"
for mode in plain model; do
  extra=(); [ "$mode" = model ] && extra=(--victim-dropout 0.2)
  "$bin" match --freqs "$freqs" --victims "$out/sim/victims.csv" --pedigrees "$out/sim/pedigrees.csv" \
    --profiles "$out/sim/references.csv" "${model[@]}" --top 1 --min-log10-lr -inf "${extra[@]}" \
    --out "$out/match_$mode.tsv" -q
done
# The true pairs, locus by locus.
awk -F, 'NR > 1 && $2 != "" { print $2 ",MP," $1 }' "$out/sim/truth.csv" | sed '1i family,missing_id,sample_id' > "$out/cases.csv"
awk -F, 'NR > 1 && $2 != "" { print $1 ",0.2,0" }' "$out/sim/truth.csv" | sed '1i sample_id,dropout,dropin' > "$out/observation.csv"
tail -n +2 "$out/sim/references.csv" | cat "$out/sim/victims.csv" - > "$out/profiles.csv"
"$bin" lr --freqs "$freqs" --profiles "$out/profiles.csv" --pedigrees "$out/sim/pedigrees.csv" --cases "$out/cases.csv" \
  "${model[@]}" --per-locus "$out/lr_plain_loci.csv" --out "$out/lr_plain.csv" -q > /dev/null
"$bin" lr --freqs "$freqs" --profiles "$out/profiles.csv" --pedigrees "$out/sim/pedigrees.csv" --cases "$out/cases.csv" \
  "${model[@]}" --observation "$out/observation.csv" --per-locus "$out/lr_model_loci.csv" --out "$out/lr_model.csv" -q \
  > /dev/null
awk -F'\t' -v OFS='\t' '
  FILENAME ~ /truth.csv$/ { split($0, f, ","); if (FNR > 1 && f[2] != "") { fam[f[1]] = f[2]; shape[f[1]] = f[4]; n[f[4]]++ } next }
  FILENAME ~ /observations.csv$/ { split($0, f, ","); if (FNR > 1) dropped[f[1] "," f[2]] = 1; next }
  FILENAME ~ /match_plain.tsv$/ { if ($0 !~ /^#/ && $1 in fam && $2 == 1 && $3 == fam[$1]) first_plain[shape[$1]]++; next }
  FILENAME ~ /match_model.tsv$/ { if ($0 !~ /^#/ && $1 in fam && $2 == 1 && $3 == fam[$1]) first_model[shape[$1]]++; next }
  FILENAME ~ /lr_plain_loci.csv$/ { split($0, f, ","); k = f[3] "," f[4]; if (k in dropped) { dl[shape[f[3]]]++; if (f[5] == "-inf") ex_plain[shape[f[3]]]++; else if (f[5] + 0 < -3) low_plain[shape[f[3]]]++ } next }
  FILENAME ~ /lr_model_loci.csv$/ { split($0, f, ","); k = f[3] "," f[4]; if (k in dropped) { if (f[5] == "-inf") ex_model[shape[f[3]]]++; else if (f[5] + 0 < -3) low_model[shape[f[3]]]++ } next }
  END {
    for (s in n) print s, n[s], sprintf("%.3f", first_plain[s] / n[s]), sprintf("%.3f", first_model[s] / n[s]), dl[s] + 0, ex_plain[s] + 0, low_plain[s] + 0, ex_model[s] + 0, low_model[s] + 0
  }' "$out/sim/truth.csv" "$out/sim/observations.csv" "$out/match_plain.tsv" "$out/match_model.tsv" \
     "$out/lr_plain_loci.csv" "$out/lr_model_loci.csv" | sort |
  sed '1i shape\tvictims\tfirst_without\tfirst_with\tdropped_loci\texcluded_without\tbelow_1e-3_without\texcluded_with\tbelow_1e-3_with' \
  > "$out/table.tsv"
cat "$out/table.tsv"
