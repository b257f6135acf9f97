#!/usr/bin/env bash
# The year-ahead test run moves the clock with Debian's faketime (libfaketime): install it when it is missing.
set -euo pipefail

command -v faketime >/dev/null && exit 0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }

echo "faketime is missing: installing Debian's faketime with apt-get for the year-ahead test run."
if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
  && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; }; then
  echo "Could not install faketime (needs root or sudo and apt-get): install it with 'apt-get install faketime'."
  exit 1
fi
