#!/usr/bin/env bash
# Renders one case report with headless Chromium and checks that it lays out: each pedigree
# SVG has a non-empty bounding box (getBBox) and the page is not empty. Where Chromium is not
# installed (Debian's `chromium` package), prints a message and exits 77, which ctest shows
# as skipped (SKIP_RETURN_CODE).
# Usage: report_render_test.sh KINSHIP_BINARY REPO_ROOT
set -uo pipefail
bin="$1"; root="$2"
chrome=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chrome=$(command -v "$c"); break; fi
done
if [ -z "$chrome" ]; then
  echo "SKIP: no chromium found (apt-get install chromium to run this test)"
  exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ex="$root/data/examples"
SOURCE_DATE_EPOCH=0 "$bin" lr --freqs "$root/data/allele_freqs/NIST1036_All.csv" --profiles "$ex/profiles.csv" \
  --pairs "$ex/pairs.csv" --out "$tmp/lr.csv" --report "$tmp/rep" -q || { echo "FAIL: kinship lr --report"; exit 1; }
page="$tmp/rep/case-3-child1_child2_full-siblings.html"
[ -s "$page" ] || { echo "FAIL: no page $page"; exit 1; }
# The page has no script of its own; a copy gets one that writes each SVG's bounding box
# into the DOM, which --dump-dom prints after layout.
sed 's|</body>|<script>for (const s of document.querySelectorAll("svg.pedigree")) { const b = s.getBBox(); const p = document.createElement("p"); p.className = "bbox"; p.textContent = "BBOX " + b.width.toFixed(1) + " " + b.height.toFixed(1); document.body.appendChild(p); }</script></body>|' \
  "$page" > "$tmp/probe.html"
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
  --dump-dom "file://$tmp/probe.html" > "$tmp/dom.html" 2> "$tmp/chrome.err"
boxes=$(grep -o 'BBOX [0-9.]* [0-9.]*' "$tmp/dom.html")
if [ -z "$boxes" ]; then echo "FAIL: no bounding box in the rendered DOM"; tail -5 "$tmp/chrome.err"; exit 1; fi
echo "$boxes"
fail=0; count=0
while read -r _ w h; do
  count=$((count+1))
  awk -v w="$w" -v h="$h" 'BEGIN { exit !(w > 50 && h > 30) }' || { echo "FAIL: empty SVG box $w x $h"; fail=1; }
done <<<"$boxes"
[ "$count" = 2 ] || { echo "FAIL: $count SVG boxes, expected 2 (H1 and H2)"; fail=1; }
# And a PDF, as a scientist would print it.
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
  --print-to-pdf="$tmp/page.pdf" "file://$page" >/dev/null 2>&1
[ -s "$tmp/page.pdf" ] && head -c4 "$tmp/page.pdf" | grep -q '%PDF' || { echo "FAIL: no PDF printed"; fail=1; }
[ "$fail" = 0 ] && echo "report render: ok"
exit "$fail"
