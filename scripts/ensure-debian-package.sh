#!/usr/bin/env bash
# Usage: ensure-debian-package.sh PATH PACKAGE PURPOSE [HOW-TO-DO-WITHOUT]
# Install Debian's PACKAGE with apt-get when PATH (the program the tests run) is missing.
set -euo pipefail

path=$1 package=$2 purpose=$3 without=${4:-}
[ -x "$path" ] && exit 0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }

echo "$path is missing: installing Debian's $package with apt-get for $purpose."
if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
  && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; }; then
  echo "Could not install $package (needs root or sudo and apt-get): install it with 'apt-get install $package'${without:+, or $without}."
  exit 1
fi
[ -x "$path" ] || { echo "apt-get installed $package but $path is not there."; exit 1; }
