#!/usr/bin/env bash
# The browser tests drive Debian's chromium at /usr/bin/chromium: install it with apt-get when it is missing.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }

echo "Chromium is missing: installing Debian's chromium with apt-get for the browser tests."
if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
  && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
  echo "Could not install chromium (needs root or sudo and apt-get): install it with 'apt-get install chromium', or skip the browser tests with PYTEST_ARGS='-m \"not browser\"'."
  exit 1
fi
[ -x "$CHROMIUM" ] || { echo "apt-get installed chromium but $CHROMIUM is not there."; exit 1; }
