#!/usr/bin/env bash
# Runs the examples of the documentation and compares their output with what the documents
# show (issue 12, "docs that stay true"): a change that alters an output fails until the
# document is updated. The convention (docs/user-guide.md, "Examples in this guide"):
#
#   * A fenced block tagged `console` is run. Its lines starting with `$ ` are commands (a line
#     ending in `\` continues on the next); the lines after a command, up to the next `$ ` or
#     the end of the block, are its expected output: stdout and stderr as a terminal shows
#     them (the command runs with 2>&1; kinship flushes stdout before it writes to stderr, so
#     the order is the terminal's).
#   * `kinship` is the built binary. Commands run with bash, from a scratch folder that holds
#     copies of the repository's data/, tests/data/ and docs/examples/ (so paths read as from
#     the repository root and outputs land in the scratch folder); the commands of one document
#     run in order in one folder, so a later example may read an earlier one's outputs. Shell
#     variables do not carry from one command to the next.
#   * A command must exit 0, unless its output ends with a line `[exit N]`: then it must exit N.
#   * Comparison ignores the amount of white space (a tab in a TSV matches the spaces that
#     align a table in the guide; trailing blanks are ignored), and `<...>` in an expected line
#     matches any text within that line (for times, thread counts, CPU kernels: nothing else).
#   * A block tagged `sh`, `bash` or `shell` is not run; it must be preceded by a line
#     `<!-- not run: REASON -->`, so that an unchecked example is a visible decision.
#   * Every command that `kinship --help` lists must appear in some example.
#
# On a mismatch it prints a unified diff headed by the document's file and line, and fails.
# Usage: guide_examples_test.sh KINSHIP_BINARY REPO_ROOT [DOCUMENT.md ...]
#   (documents relative to REPO_ROOT; default docs/user-guide.md README.md)
set -uo pipefail
bin="$1"; root="$2"; shift 2
docs=("$@")
[ ${#docs[@]} -gt 0 ] || docs=(docs/user-guide.md README.md)
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/kinship"
export PATH="$tmp/bin:$PATH" LC_ALL=C TZ=UTC
unset KINSHIP_KERNEL
pass=0; fail=0
bad() { fail=$((fail+1)); echo "FAIL: $*"; }

# Splits a document into one folder per command: where (FILE:LINE), cmd, expected.
# Prints "lint FILE:LINE what" for a shell block without a not-run note.
split_doc() {  # split_doc DOC OUTDIR
  awk -v doc="$1" -v out="$2" '
    function flush_cmd() { if (n > 0) { close(dir "/cmd"); close(dir "/expected") } }
    BEGIN { n = 0; in_block = 0; console = 0; cont = 0; prev = "" }
    /^[ ]*```/ {
      if (!in_block) {
        in_block = 1; tag = $0; sub(/^[ ]*```[ ]*/, "", tag); sub(/[ \t].*$/, "", tag)
        console = (tag == "console"); have_cmd = 0
        if ((tag == "sh" || tag == "bash" || tag == "shell") && prev !~ /^<!-- not run: .*-->[ \t]*$/)
          print "lint " doc ":" NR " a " tag " block is not run: tag it console, or precede it with <!-- not run: REASON -->"
        next
      }
      in_block = 0; cont = 0; if (console) flush_cmd(); console = 0; next
    }
    {
      if (!in_block) { if ($0 !~ /^[ \t]*$/) prev = $0; next }
      if (!console) next
      if (cont) {  # a continuation of the command above
        print $0 >> (dir "/cmd"); cont = ($0 ~ /\\$/); next
      }
      if (substr($0, 1, 2) == "$ ") {
        flush_cmd(); n++
        dir = sprintf("%s/%04d", out, n)
        system("mkdir -p \"" dir "\"")
        print doc ":" NR > (dir "/where"); close(dir "/where")
        print substr($0, 3) > (dir "/cmd")
        printf "" > (dir "/expected")
        cont = ($0 ~ /\\$/); have_cmd = 1
        next
      }
      if (!have_cmd) { print "lint " doc ":" NR " a console block must start with a command (`$ `)"; next }
      print $0 >> (dir "/expected")
    }
    END { if (in_block) print "lint " doc ":" NR " a fenced block is not closed" }
  ' "$root/$1"
}

# Expected lines with `<...>` that match the actual line at the same index are replaced by it;
# the rest is left for diff -b to judge.
resolve_placeholders() {  # resolve_placeholders EXPECTED ACTUAL > RESOLVED
  awk '
    function norm(s) { gsub(/[ \t]+/, " ", s); sub(/ $/, "", s); return s }
    function matches(pat, s,    parts, k, i, pos, rest) {
      pat = norm(pat); s = norm(s)
      k = split(pat, parts, /<\.\.\.>/)
      if (substr(s, 1, length(parts[1])) != parts[1]) return 0
      rest = substr(s, length(parts[1]) + 1)
      for (i = 2; i < k; i++) {
        pos = index(rest, parts[i]); if (pos == 0) return 0
        rest = substr(rest, pos + length(parts[i]))
      }
      return length(rest) >= length(parts[k]) && substr(rest, length(rest) - length(parts[k]) + 1) == parts[k]
    }
    NR == FNR { act[FNR] = $0; next }
    { if (index($0, "<...>") && (FNR in act) && matches($0, act[FNR])) print act[FNR]; else print }
  ' "$2" "$1"
}

run_doc() {  # run_doc DOC
  local doc=$1 d="$tmp/split/$1" work="$tmp/work/$1"
  mkdir -p "$d" "$work/tests"
  [ -f "$root/$doc" ] || { bad "$doc: not found"; return; }
  cp -R "$root/data" "$work/data"
  cp -R "$root/tests/data" "$work/tests/data"
  if [ -d "$root/docs/examples" ]; then mkdir -p "$work/docs"; cp -R "$root/docs/examples" "$work/docs/examples"; fi
  local lint
  lint=$(split_doc "$doc" "$d")
  if [ -n "$lint" ]; then
    while IFS= read -r l; do bad "${l#lint }"; done <<<"$lint"
  fi
  local c where want rc
  for c in "$d"/*/; do
    [ -f "$c/cmd" ] || continue
    c=${c%/}; where=$(cat "$c/where")
    want=0
    if last=$(tail -n 1 "$c/expected") && [[ "$last" =~ ^\[exit\ ([0-9]+)\]$ ]]; then
      want=${BASH_REMATCH[1]}
      sed -i '$d' "$c/expected"
    fi
    (cd "$work" && bash -c "$(cat "$c/cmd")") </dev/null >"$c/actual" 2>&1
    rc=$?
    resolve_placeholders "$c/expected" "$c/actual" >"$c/resolved"
    local ok=1
    if [ "$rc" -ne "$want" ]; then
      bad "$where: exit $rc, expected $want: $(head -n 1 "$c/cmd")"; ok=0
    fi
    if ! diff -b -q "$c/resolved" "$c/actual" >/dev/null; then
      [ $ok -eq 1 ] && bad "$where: output differs from the document: $(head -n 1 "$c/cmd")"
      ok=0
      # Hunk headers renumbered so that the document's side gives the guide's own line numbers.
      local first=$(( ${where##*:} + $(wc -l <"$c/cmd") - 1 ))
      diff -u -b --label "$where (the document)" --label "actual output" "$c/resolved" "$c/actual" |
        awk -v off="$first" '/^@@ -[0-9]+/ { split($2, a, ","); sub(/^-/, "", a[1]);
                                             $2 = "-" (a[1] + off) (a[2] != "" ? "," a[2] : "") } { print }' |
        head -n 80
    fi
    [ $ok -eq 1 ] && pass=$((pass+1))
    cat "$c/cmd" >>"$tmp/all_commands"
  done
}

: >"$tmp/all_commands"
for doc in "${docs[@]}"; do run_doc "$doc"; done

# Every command of `kinship --help` has an example.
cmds=$("$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { on = 0 } on && $1 != "help" { print $1 }')
[ -n "$cmds" ] || bad "no commands read from kinship --help"
for c in $cmds; do
  grep -Eq "(^|[;&|( ])kinship $c( |$)" "$tmp/all_commands" || bad "kinship $c: no runnable example in ${docs[*]}"
done
[ $pass -gt 0 ] || bad "no runnable examples found in ${docs[*]}"

echo "documentation examples: $pass passed, $fail failed"
[ $fail -eq 0 ]
