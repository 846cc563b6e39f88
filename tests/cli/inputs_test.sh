#!/usr/bin/env bash
# CLI tests for issue 13 items 1, 4, 5, 6, 7: numeric options, inputs read once (FIFO,
# process substitution), directories, ids that would break the reports, out of memory.
# Each check failed on the code before the change (the comment says how).
# Usage: inputs_test.sh KINSHIP_BINARY REPO_ROOT
set -uo pipefail
bin="$1"; root="$2"
nist="$root/data/allele_freqs/NIST1036_All.csv"
source "$(dirname "$0")/lib.sh"

expect_absent() {  # expect_absent FILE DESC
  if [ -e "$1" ]; then bad "$2: $(basename "$1") was written"; else ok; fi
}

"$bin" simulate --freqs "$nist" --families 6 --seed 3 --victims-unrelated 2 --out-dir "$tmp/sim" >/dev/null 2>&1 || bad "simulate"
grep -E '^(sample_id|father|child1),' "$root/data/examples/profiles.csv" > "$tmp/prof.csv"
printf 'id1,id2,relationship\nfather,child1,parent-child\n' > "$tmp/pairs.csv"
lr=("$bin" lr --freqs "$nist" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs.csv" -q)
match=("$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv" --pedigrees "$tmp/sim/pedigrees.csv" --profiles "$tmp/sim/references.csv" -q)
step=(--mutation-model stepwise --mutation-rate 0.005)

# --- Item 1: numeric options. Before: --mutation-range 1e17 printed log10_lr = -nan (exit 0) and
# match reported 0 rows (exit 0); a range above 1 was taken as given.
for range in 1e17 2 inf nan 0 -1; do
  expect_rc 1 "lr --mutation-range $range" "${lr[@]}" "${step[@]}" --mutation-range "$range" --out "$tmp/nan_lr.csv"
  expect_grep "$tmp/stderr" "mutation-range" "lr --mutation-range $range: message names the option"
  expect_absent "$tmp/nan_lr.csv" "lr --mutation-range $range"
done
expect_rc 1 "match --mutation-range 1e17" "${match[@]}" "${step[@]}" --mutation-range 1e17 --out "$tmp/nan_match.tsv"
expect_grep "$tmp/stderr" "outside (0, 1\]" "match --mutation-range 1e17: the range allowed"
expect_absent "$tmp/nan_match.tsv" "match --mutation-range 1e17"
expect_rc 0 "lr --mutation-range 1 (equal weights) is allowed" "${lr[@]}" "${step[@]}" --mutation-range 1 --out "$tmp/r1.csv"
grep -qi nan "$tmp/r1.csv" && bad "range 1: NaN in the output" || ok
for opt in "--theta nan" "--theta inf" "--theta 1" "--mutation-rate nan" "--mutation-rate inf" "--mutation-rate2 nan" \
           "--mutation-rate-female nan" "--min-freq nan" "--min-freq 0" "--min-freq 1"; do
  # shellcheck disable=SC2086
  expect_rc 1 "lr $opt" "${lr[@]}" --mutation-model stepwise $opt --out "$tmp/bad_opt.csv"
  expect_absent "$tmp/bad_opt.csv" "lr $opt"
done
for opt in "--prior nan" "--prior 1" "--min-log10-lr nan" "--min-log10-lr inf" "--top 0"; do
  # shellcheck disable=SC2086
  expect_rc 2 "match $opt" "${match[@]}" $opt --out "$tmp/bad_opt.tsv"
  expect_absent "$tmp/bad_opt.tsv" "match $opt"
done
# Before: families + victims-unrelated overflowed an int (undefined behaviour, then a run of days).
expect_rc 2 "simulate int overflow" timeout 20 "$bin" simulate --freqs "$nist" --families 2000000000 --victims-unrelated 2000000000 --out-dir "$tmp/huge"
expect_rc 2 "simulate --dropout nan" "$bin" simulate --freqs "$nist" --families 2 --dropout nan --out-dir "$tmp/x"

# --- Item 4: each input read once. Before: match read every input again to hash it: a FIFO
# hung (there is nothing left to read and no writer), and <(...) recorded the SHA-256 of nothing.
mkfifo "$tmp/victims.fifo"
cat "$tmp/sim/victims.csv" > "$tmp/victims.fifo" &
writer=$!
expect_rc 0 "match with a FIFO input" timeout 60 "${match[@]/$tmp\/sim\/victims.csv/$tmp/victims.fifo}" --out "$tmp/fifo.tsv"
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null  # a writer left blocked (match failed) must not hang the script
want=$(sha256sum < "$tmp/sim/victims.csv" | cut -d' ' -f1)
expect_grep "$tmp/fifo.tsv" "^##input.victims=$tmp/victims.fifo sha256=$want$" "FIFO: checksum of the content"
expect_rc 0 "match with process substitution" timeout 60 "$bin" match --freqs <(cat "$nist") --victims <(cat "$tmp/sim/victims.csv") \
  --pedigrees "$tmp/sim/pedigrees.csv" --profiles <(cat "$tmp/sim/references.csv") -q --out "$tmp/subst.tsv"
for role in freqs victims profiles; do
  case $role in freqs) f=$nist;; victims) f=$tmp/sim/victims.csv;; profiles) f=$tmp/sim/references.csv;; esac
  expect_grep "$tmp/subst.tsv" "^##input.$role=/dev/fd/[0-9]* sha256=$(sha256sum < "$f" | cut -d' ' -f1)$" "<(...) $role: checksum of the content"
done
# The same report rows as from regular files.
expect_rc 0 "match regular files" "${match[@]}" --out "$tmp/plain.tsv"
diff <(grep -v '^##' "$tmp/plain.tsv") <(grep -v '^##' "$tmp/subst.tsv") >/dev/null && ok || bad "<(...) rows differ from regular files"
cmp -s <(grep '^##input.pedigrees' "$tmp/plain.tsv") <(grep '^##input.pedigrees' "$tmp/subst.tsv") && ok || bad "pedigrees checksum line"
expect_grep "$tmp/plain.tsv" "^##input.pedigrees=$tmp/sim/pedigrees.csv sha256=$(sha256sum < "$tmp/sim/pedigrees.csv" | cut -d' ' -f1)$" "regular file checksum"

# --- Item 5: a wide table's 2N = 4 row. Before: accepted, N = 2 and an unseen allele 5/(2N) = 1.25.
printf 'Allele,TH01\n6,0.5\n7,0.5\n2N,4\n' > "$tmp/wide.csv"
expect_rc 1 "wide table 2N = 4" "$bin" lr --freqs "$tmp/wide.csv" --profiles "$tmp/prof.csv" --pairs "$tmp/pairs.csv" --out "$tmp/w.csv"
expect_grep "$tmp/stderr" "wide.csv:4: .*gives N = 2" "2N = 4 refused with file:line"
expect_absent "$tmp/w.csv" "wide table 2N = 4"

# --- Item 6: ids that break the reports. Before: accepted; the TSV row got an extra field.
printf 'sample_id,locus,allele1,allele2\n"vic\ttim",TH01,6,7\n' > "$tmp/tab_ids.csv"
expect_rc 1 "victim id with a tab" "$bin" match --freqs "$nist" --victims "$tmp/tab_ids.csv" --references "$tmp/prof.csv" --relationship parent-child --out "$tmp/tab.tsv"
expect_grep "$tmp/stderr" "tab_ids.csv:2: sample_id 'vic\\\\ttim' contains a tab" "tab in an id: file:line and what"
expect_absent "$tmp/tab.tsv" "victim id with a tab"
printf 'id1,id2,relationship\nfather,chi\001ld1,parent-child\n' > "$tmp/ctl_pairs.csv"
expect_rc 1 "pair id with a control character" "${lr[@]/$tmp\/pairs.csv/$tmp/ctl_pairs.csv}" --out "$tmp/ctl.csv"
expect_grep "$tmp/stderr" "ctl_pairs.csv:2: .*control character 0x01" "control character in pairs: file:line"
printf 'id1,id2,relationship\nfather,child\377,parent-child\n' > "$tmp/utf_pairs.csv"
expect_rc 1 "pair id not UTF-8" "${lr[@]/$tmp\/pairs.csv/$tmp/utf_pairs.csv}" --out "$tmp/utf.csv"
expect_grep "$tmp/stderr" "utf_pairs.csv:2: .*not valid UTF-8" "invalid UTF-8 in pairs: file:line"
printf 'sample_id,locus,allele1,allele2\nvic\000tim,TH01,6,7\n' > "$tmp/nul_ids.csv"
expect_rc 1 "victim id with a NUL" "$bin" match --freqs "$nist" --victims "$tmp/nul_ids.csv" --references "$tmp/prof.csv" --relationship parent-child --out "$tmp/nul.tsv"
expect_grep "$tmp/stderr" "nul_ids.csv:2: .*contains a NUL byte" "NUL in an id: file:line"

# --- Item 7: a directory as an input. Before: "empty file; expected a header".
mkdir -p "$tmp/adir"
expect_rc 1 "--freqs a directory" "${lr[@]/$nist/$tmp/adir}"
expect_grep "$tmp/stderr" "adir: is a directory; expected a file" "--freqs directory named"
expect_rc 1 "--pairs a directory" "${lr[@]/$tmp\/pairs.csv/$tmp/adir}"
expect_grep "$tmp/stderr" "adir: is a directory; expected a file" "--pairs directory named"
expect_rc 1 "--victims a directory" "$bin" match --freqs "$nist" --victims "$tmp/adir" --references "$tmp/prof.csv" --relationship parent-child
expect_grep "$tmp/stderr" "adir: is a directory; expected a file" "--victims directory named"

# Out of memory. Before: exit 3 "internal error" / "out of memory" naming nothing. Under a
# virtual-memory limit, reading a large profile file runs out; the message names the file and
# the limit, exit 1 (1e6 victims need about 1 GB; the limit is 400 MB, the run itself
# about 50 MB). Skipped under AddressSanitizer, which cannot run under ulimit -v.
if grep -q __asan_init "$bin" 2>/dev/null; then
  echo "inputs_test: out-of-memory check skipped (AddressSanitizer build)"
else
  awk 'BEGIN { print "sample_id,locus,allele1,allele2"; for (i = 0; i < 1000000; i++) printf "sample_with_a_longish_name_%07d,TH01,6,7\n", i }' > "$tmp/big.csv"
  (ulimit -v 400000; "$bin" match --freqs "$nist" --victims "$tmp/big.csv" --references "$tmp/prof.csv" --relationship parent-child --threads 1 --out "$tmp/oom.tsv" >"$tmp/stdout" 2>"$tmp/stderr"; echo $? > "$tmp/oom_rc")
  rc=$(cat "$tmp/oom_rc")
  [ "$rc" -eq 1 ] && ok || { bad "out of memory: exit $rc, expected 1"; head -3 "$tmp/stderr"; }
  expect_grep "$tmp/stderr" "out of memory while reading the profiles $tmp/big.csv" "out of memory: names the input"
  expect_grep "$tmp/stderr" "MiB (ulimit -v)" "out of memory: names the limit"
  expect_absent "$tmp/oom.tsv" "out of memory"
fi

echo "inputs_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
