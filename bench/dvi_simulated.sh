#!/usr/bin/env bash
# kinship dvi on simulated joint-identification problems (issue 11; the table in
# docs/performance.md): families of 1, 2, 2, 3 missing persons in turn (simulate --dvi), half
# as many unrelated victims, 29 loci; without mutation and with stepwise mutation.
#   bash bench/dvi_simulated.sh KINSHIP_BINARY [OUT_DIR] [FAMILIES...]   (default 12 24 50)
set -euo pipefail
bin=$1; out=${2:-dvi_simulated}; shift 2 || shift $#
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(12 24 50)
root="$(cd "$(dirname "$0")/.." && pwd)"
freqs="$root/data/allele_freqs/NIST1036_All.csv"
mkdir -p "$out"
printf 'families\tvictims\tlog10_valid\tmutation\tseconds\tidentified\n'
for f in "${sizes[@]}"; do
  for mut in none stepwise; do
    d="$out/f$f"
    "$bin" simulate --freqs "$freqs" --families "$f" --victims-unrelated $((f / 2)) --dvi --seed 4 --out-dir "$d" 2>/dev/null
    model=(); [ "$mut" = stepwise ] && model=(--mutation-model stepwise --mutation-rate 0.002 --mutation-range 0.1 --mutation-rate2 1e-6)
    start=$(date +%s.%N)
    "$bin" dvi --freqs "$freqs" --victims "$d/victims.csv" --pedigrees "$d/pedigrees.csv" --profiles "$d/references.csv" \
      --victim-sex "$d/victim_sex.csv" "${model[@]}" --threads 2 --out-dir "$d/$mut" -q 2>/dev/null
    end=$(date +%s.%N)
    victims=$(($(wc -l < "$d/victims.csv") > 0 ? $(cut -d, -f1 "$d/victims.csv" | sort -u | wc -l) - 1 : 0))
    valid=$(sed -n 's/^##parameter.log10_valid_assignments=//p' "$d/$mut/summary.tsv")
    ident=$(grep -c '	identified$' "$d/$mut/summary.tsv" || true)
    printf '%s\t%s\t%.2f\t%s\t%.2f\t%s\n' "$f" "$victims" "$valid" "$mut" "$(echo "$end - $start" | bc)" "$ident"
  done
done
