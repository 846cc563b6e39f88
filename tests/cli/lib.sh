# Shared by the CLI test scripts: a temporary folder, pass/fail counters and checks.
# Source it after setting `bin` and `root`.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()   { pass=$((pass+1)); }
bad()  { fail=$((fail+1)); echo "FAIL: $*"; }
expect_rc() {  # expect_rc WANT DESC CMD...
  local want=$1 desc=$2; shift 2
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"; local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "$desc: exit $rc, expected $want"; sed 's/^/  stderr: /' "$tmp/stderr" | head -5; fi
}
expect_grep() {  # expect_grep FILE PATTERN DESC
  if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(basename "$1")"; sed 's/^/  /' "$1" | head -5; fi
}
