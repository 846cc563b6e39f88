#!/usr/bin/env bash
# Installs every Debian package kinship needs to build, test and benchmark.
# Idempotent; run as root (or through sudo) on Debian 12 or later. Quiet unless
# something fails, in which case apt's log is printed.
set -euo pipefail
pkgs=(g++ cmake make libeigen3-dev libtbb-dev libabsl-dev
      libboost-program-options-dev catch2 libbenchmark-dev
      nlohmann-json3-dev libxml2-dev libopenmpi-dev openmpi-bin)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
log=$(mktemp)
if ! { $SUDO apt-get update -qq && \
       DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "install-deps: apt-get failed for: ${missing[*]}" >&2
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
