#!/usr/bin/env bash
# CLI tests for how kinship commits its outputs (issue 13, items 2, 3 and `--out ""` of 7):
# all outputs of a run together or none, never replacing what is not a regular file,
# unpredictable exclusive temporaries, temporaries removed on SIGINT/SIGTERM/SIGHUP/SIGPIPE.
# Each section is named (outputs.NAME) so that docs/reliability.md can point to it.
# Tests that cannot run here (not root, no mknod, no mkfifo) print SKIP and are not counted
# as passes.
# Usage: outputs_test.sh KINSHIP_BINARY REPO_ROOT
set -uo pipefail
bin="$1"; root="$2"
val="$root/tests/data/validation"; nist="$root/data/allele_freqs/NIST1036_All.csv"
source "$(dirname "$0")/lib.sh"
skipped=0
skip() { skipped=$((skipped+1)); echo "SKIP: $*"; }
# Temporaries: ".NAME.XXXXXX" (mkostemp) today, "NAME.tmp.PID" before.
no_temps() {  # no_temps DESC DIR...
  local desc=$1; shift
  local left; left=$(ls -A "$@" 2>/dev/null | grep -E '^\..+\.[A-Za-z0-9]{6}$|\.tmp\.[0-9]+$')
  if [ -z "$left" ]; then ok; else bad "$desc: temporary left behind: $left"; fi
}
same_content() {  # same_content FILE WANT DESC
  if [ "$(cat "$1" 2>/dev/null)" = "$2" ]; then ok; else bad "$3: $(basename "$1") changed"; fi
}
is_root=0; [ "$(id -u)" = 0 ] && is_root=1
can_mknod=0
if [ "$is_root" = 1 ] && mknod "$tmp/probe_node" c 1 3 2>/dev/null; then can_mknod=1; rm -f "$tmp/probe_node"; fi
can_fifo=0; mkfifo "$tmp/probe_fifo" 2>/dev/null && { can_fifo=1; rm -f "$tmp/probe_fifo"; }

# Inputs: one validation pair; a pairs file repeating it 3000 times for outputs larger than a
# pipe's buffer (64 KiB), so that a writer blocks or meets a closed pipe mid-report.
grep -E '^(sample_id|P002_)' "$val/profiles.csv" > "$tmp/prof.csv"
grep -E '^(sample_id|P002_A)' "$val/profiles.csv" > "$tmp/ref.csv"
grep -E '^(sample_id|P002_B)' "$val/profiles.csv" > "$tmp/vic.csv"
printf 'id1,id2,relationship\nP002_A,P002_B,parent-child\n' > "$tmp/pairs.csv"
{ echo id1,id2,relationship; for i in $(seq 3000); do echo P002_A,P002_B,parent-child; done; } > "$tmp/many.csv"
lr=("$bin" lr --freqs "$val/freqs.csv" --profiles "$tmp/prof.csv" -q)
header="id1,id2,relationship,log10_lr"

# outputs.usage_empty: an empty output path is a usage error (exit 2), not standard output.
# Before: `--out ""` wrote the report to stdout and exited 0.
expect_rc 2 "lr --out ''" "${lr[@]}" --pairs "$tmp/pairs.csv" --out ""
expect_grep "$tmp/stderr" "--out" "empty --out named"
expect_rc 2 "lr --per-locus ''" "${lr[@]}" --pairs "$tmp/pairs.csv" --per-locus ""
expect_rc 2 "lr --write-freqs ''" "${lr[@]}" --pairs "$tmp/pairs.csv" --write-freqs ""
expect_rc 2 "match --json ''" "$bin" match --freqs "$val/freqs.csv" --victims "$tmp/vic.csv" --references "$tmp/ref.csv" --relationship parent-child --json ""
expect_rc 2 "match --out ''" "$bin" match --freqs "$val/freqs.csv" --victims "$tmp/vic.csv" --references "$tmp/ref.csv" --relationship parent-child --out ""
expect_rc 2 "simulate --out-dir ''" "$bin" simulate --freqs "$nist" --families 2 --out-dir ""

expect_rc 0 "match inputs are valid" "$bin" match --freqs "$val/freqs.csv" --victims "$tmp/vic.csv" --references "$tmp/ref.csv" --relationship parent-child -q

# outputs.closed_stdout: the report goes to a closed standard output, the per-locus file and
# the frozen table to files: exit 1, both files keep their old content, no temporary.
# Before: --per-locus and --write-freqs were renamed into place before stdout failed.
d="$tmp/closed"; mkdir "$d"; echo old > "$d/pl.csv"; echo old > "$d/wf.csv"
"${lr[@]}" --pairs "$tmp/pairs.csv" --per-locus "$d/pl.csv" --write-freqs "$d/wf.csv" >&- 2>"$tmp/stderr"
rc=$?; [ "$rc" = 1 ] && ok || bad "closed stdout: exit $rc, expected 1"
same_content "$d/pl.csv" old "closed stdout"; same_content "$d/wf.csv" old "closed stdout"
no_temps "closed stdout" "$d"

# outputs.second_fails_directory: --out names a directory (cannot be replaced): exit 1 and
# the other outputs keep their old content. Before: lr renamed --per-locus, match --json,
# before failing on --out.
d="$tmp/dir"; mkdir -p "$d/report"; echo old > "$d/pl.csv"; echo old > "$d/r.json"
expect_rc 1 "lr --out DIR" "${lr[@]}" --pairs "$tmp/pairs.csv" --per-locus "$d/pl.csv" --out "$d/report"
expect_grep "$tmp/stderr" "report: is a directory" "directory named"
same_content "$d/pl.csv" old "lr --out DIR"
expect_rc 1 "match --out DIR" "$bin" match --freqs "$val/freqs.csv" --victims "$tmp/vic.csv" --references "$tmp/ref.csv" \
  --relationship parent-child --json "$d/r.json" --out "$d/report" -q
same_content "$d/r.json" old "match --out DIR"
[ -d "$d/report" ] && ok || bad "directory replaced"
no_temps "--out DIR" "$d"

# outputs.simulate_all_or_nothing: simulate's fourth file cannot be written (truth.csv is a
# directory): exit 1, the first three keep their old content. Before: three were replaced.
d="$tmp/sim_fail"; mkdir -p "$d/truth.csv"
for f in pedigrees references victims; do echo old > "$d/$f.csv"; done
expect_rc 1 "simulate, truth.csv a directory" "$bin" simulate --freqs "$nist" --families 3 --out-dir "$d"
for f in pedigrees references victims; do same_content "$d/$f.csv" old "simulate all or nothing ($f)"; done
no_temps "simulate" "$d"

# outputs.full_device: --out is a device that refuses every write (a /dev/full node made in
# the test folder, so that a broken build cannot replace the system's): exit 1, the node is
# still a character device, --per-locus keeps its old content. Before: the node was replaced
# by a regular file and the run exited 0.
if [ "$can_mknod" = 1 ]; then
  d="$tmp/full"; mkdir "$d"; mknod "$d/full" c 1 7; echo old > "$d/pl.csv"
  expect_rc 1 "--out full device" "${lr[@]}" --pairs "$tmp/pairs.csv" --per-locus "$d/pl.csv" --out "$d/full"
  expect_grep "$tmp/stderr" "full: write failed (No space left on device)" "full device message"
  [ -c "$d/full" ] && ok || bad "full device replaced"
  same_content "$d/pl.csv" old "full device"
  no_temps "full device" "$d"
  # The same as the second output of match.
  echo old > "$d/r.tsv"
  expect_rc 1 "match --json full device" "$bin" match --freqs "$val/freqs.csv" --victims "$tmp/vic.csv" --references "$tmp/ref.csv" \
    --relationship parent-child --out "$d/r.tsv" --json "$d/full" -q
  same_content "$d/r.tsv" old "match --json full device"
  [ -c "$d/full" ] && ok || bad "full device replaced by match"
else
  skip "outputs.full_device: needs root and mknod (uid $(id -u))"
fi

# outputs.null_device: --out /dev/null works and leaves a device (a node made in the test
# folder when root; the system's /dev/null otherwise, which a non-root run cannot replace).
# Before: as root the node was replaced by a regular file.
if [ "$can_mknod" = 1 ]; then null="$tmp/null"; mknod "$null" c 1 3; else null=/dev/null; fi
expect_rc 0 "--out null device" "${lr[@]}" --pairs "$tmp/pairs.csv" --out "$null"
expect_rc 0 "match --out/--json null device" "$bin" match --freqs "$val/freqs.csv" --victims "$tmp/vic.csv" \
  --references "$tmp/ref.csv" --relationship parent-child --out "$null" --json "$null" -q
[ -c "$null" ] && ok || bad "null device replaced"
no_temps "null device" "$tmp"

# outputs.symlink: --out a symlink to a regular file in another folder replaces the target's
# content and keeps the symlink; a chain of two links and a dangling link (its target is
# created) too. Before: the symlink itself was replaced by a regular file.
d="$tmp/links"; mkdir -p "$d/real"; echo old > "$d/real/target.csv"
ln -s real/target.csv "$d/link.csv"; ln -s link.csv "$d/link2.csv"; ln -s real/new.csv "$d/dangling.csv"
expect_rc 0 "--out symlink" "${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/link.csv"
[ -L "$d/link.csv" ] && ok || bad "symlink replaced"
expect_grep "$d/real/target.csv" "^$header" "symlink target rewritten"
echo old > "$d/real/target.csv"
expect_rc 0 "--out symlink chain" "${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/link2.csv"
[ -L "$d/link2.csv" ] && [ -L "$d/link.csv" ] && ok || bad "symlink chain replaced"
expect_grep "$d/real/target.csv" "^$header" "symlink chain target rewritten"
expect_rc 0 "--out dangling symlink" "${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/dangling.csv"
[ -L "$d/dangling.csv" ] && [ -f "$d/real/new.csv" ] && ok || bad "dangling symlink: link replaced or target not created"
no_temps "symlink" "$d" "$d/real"

# outputs.stdout_link: a symlink to /proc/self/fd/1 (what /dev/stdout is) and /dev/fd/1 write
# to standard output directly. Before: the link was replaced (or, for /dev/fd/1, the run
# failed creating a temporary in /proc).
d="$tmp/so"; mkdir "$d"; ln -s /proc/self/fd/1 "$d/stdout"
"${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/stdout" 2>"$tmp/stderr" | cat > "$d/piped"
rc=$?; [ "$rc" = 0 ] && ok || bad "--out link to /proc/self/fd/1 (pipe): exit $rc"
expect_grep "$d/piped" "^$header" "report through /proc/self/fd/1 to a pipe"
[ -L "$d/stdout" ] && ok || bad "stdout symlink replaced"
"${lr[@]}" --pairs "$tmp/pairs.csv" --out /dev/fd/1 2>"$tmp/stderr" > "$d/redirected"
rc=$?; [ "$rc" = 0 ] && ok || bad "--out /dev/fd/1 (file): exit $rc"
# The report, then the summary lr prints on stdout, neither over the other.
expect_grep "$d/redirected" "^$header" "report through /dev/fd/1 to a file"
expect_grep "$d/redirected" "^written: /dev/fd/1" "summary after the report through /dev/fd/1"
echo first > "$d/appended"
"${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/stdout" 2>"$tmp/stderr" >> "$d/appended"
[ "$(head -1 "$d/appended")" = first ] && [ -L "$d/stdout" ] && ok || bad "--out link to /proc/self/fd/1 with >>: earlier content lost or link replaced"
expect_grep "$d/appended" "^$header" "report appended through /proc/self/fd/1"
no_temps "stdout link" "$d"

# outputs.fifo: a FIFO as --out gets the report and stays a FIFO. Before: it was replaced by
# a regular file and the reader got nothing.
if [ "$can_fifo" = 1 ]; then
  d="$tmp/fifo"; mkdir "$d"; mkfifo "$d/report"
  timeout 30 cat "$d/report" > "$d/got" & reader=$!
  expect_rc 0 "--out FIFO" timeout 30 "${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/report"
  wait "$reader"
  expect_grep "$d/got" "^$header" "report through the FIFO"
  [ -p "$d/report" ] && ok || bad "FIFO replaced"
else
  skip "outputs.fifo: mkfifo failed here"
fi

# outputs.mode: a new report gets 0666 minus the umask, as a plain create would (mkstemp
# alone gives 0600).
d="$tmp/mode"; mkdir "$d"
(umask 022; "${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/a.csv" >/dev/null)
(umask 027; "${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/b.csv" >/dev/null)
[ "$(stat -c %a "$d/a.csv")" = 644 ] && [ "$(stat -c %a "$d/b.csv")" = 640 ] && ok \
  || bad "modes $(stat -c %a "$d/a.csv") $(stat -c %a "$d/b.csv"), expected 644 640"

# outputs.planted_temp: a symlink planted at the old predictable temporary name
# (OUT.tmp.PID) is neither followed nor used. Before: the report was written through it
# into the file it pointed to.
d="$tmp/plant"; mkdir "$d"; echo victim > "$d/victim"
sh -c 'ln -s "$0/victim" "$0/out.csv.tmp.$$" && exec "$@"' "$d" "${lr[@]}" --pairs "$tmp/pairs.csv" --out "$d/out.csv" \
  >/dev/null 2>&1
same_content "$d/victim" victim "planted temporary followed"
[ -f "$d/out.csv" ] && [ ! -L "$d/out.csv" ] && ok || bad "out.csv is not a regular file"
expect_grep "$d/out.csv" "^$header" "report written beside a planted link"

# outputs.signals: a run blocked writing its report to a pipe nobody reads, with its
# per-locus file (lr) or JSON (match) under a temporary name, is sent SIGTERM, SIGINT or
# SIGHUP: it dies by that signal, and leaves no temporary and the old file. Before: the
# temporary stayed (kill -9 cannot be caught: a temporary may remain then).
if [ "$can_fifo" = 1 ]; then
  expect_simulated=0
  "$bin" simulate --freqs "$nist" --families 300 --seed 3 --out-dir "$tmp/sim" 2>/dev/null && expect_simulated=1
  signal_case() {  # signal_case SIG WANT_RC NAME CMD... (the CMD's side file lives in $d)
    local sig=$1 want=$2 name=$3; shift 3
    mkfifo "$d/pipe"
    sleep 60 < "$d/pipe" & local reader=$!
    ( trap - INT; exec "$@" > "$d/pipe" 2>/dev/null ) & local pid=$!
    local i; for i in $(seq 200); do  # until the temporary exists (at most 20 s)
      ls -A "$d" | grep -qE '^\..+\.[A-Za-z0-9]{6}$|\.tmp\.[0-9]+$' && break; sleep 0.1
    done
    sleep 0.3
    kill -s "$sig" "$pid"; { wait "$pid"; } 2>/dev/null; local rc=$?
    kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null
    [ "$rc" = "$want" ] && ok || bad "$name: exit $rc, expected $want (killed by SIG$sig)"
    rm -f "$d/pipe"
    no_temps "$name" "$d"
  }
  for s in TERM:143 INT:130 HUP:129; do
    d="$tmp/sig_lr_${s%%:*}"; mkdir "$d"; echo old > "$d/pl.csv"
    signal_case "${s%%:*}" "${s##*:}" "lr SIG${s%%:*}" "${lr[@]}" --pairs "$tmp/many.csv" --per-locus "$d/pl.csv"
    same_content "$d/pl.csv" old "lr SIG${s%%:*}"
  done
  if [ "$expect_simulated" = 1 ]; then
    d="$tmp/sig_match"; mkdir "$d"
    signal_case TERM 143 "match SIGTERM" "$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv" \
      --pedigrees "$tmp/sim/pedigrees.csv" --profiles "$tmp/sim/references.csv" --min-log10-lr -inf --json "$d/r.json" -q
    [ ! -e "$d/r.json" ] && ok || bad "match SIGTERM: r.json written"
  else
    bad "simulate failed"
  fi
else
  skip "outputs.signals: mkfifo failed here"
fi

# outputs.sigpipe: the reader of the report goes away (head -c1) while the per-locus file
# (lr) or JSON (match) is a temporary: no temporary remains and the old file is kept,
# whether SIGPIPE kills the run (exit 141) or is ignored (write error, exit 1).
# Before: killed by SIGPIPE, the run left OUT.tmp.PID.
d="$tmp/sigpipe"; mkdir "$d"; echo old > "$d/pl.csv"
"${lr[@]}" --pairs "$tmp/many.csv" --per-locus "$d/pl.csv" 2>/dev/null | head -c1 > /dev/null
rc=${PIPESTATUS[0]}; [ "$rc" = 141 ] || [ "$rc" = 1 ] && ok || bad "lr into a closed pipe: exit $rc"
same_content "$d/pl.csv" old "lr SIGPIPE"
no_temps "lr SIGPIPE" "$d"
if [ -f "$tmp/sim/victims.csv" ]; then
  "$bin" match --freqs "$nist" --victims "$tmp/sim/victims.csv" --pedigrees "$tmp/sim/pedigrees.csv" \
    --profiles "$tmp/sim/references.csv" --min-log10-lr -inf --json "$d/r.json" -q 2>/dev/null | head -c1 > /dev/null
  rc=${PIPESTATUS[0]}; [ "$rc" = 141 ] || [ "$rc" = 1 ] && ok || bad "match into a closed pipe: exit $rc"
  [ ! -e "$d/r.json" ] && ok || bad "match SIGPIPE: r.json written"
  no_temps "match SIGPIPE" "$d"
fi

echo "outputs: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
