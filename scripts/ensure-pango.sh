#!/usr/bin/env bash
# The PDF download (WeasyPrint) draws text with Pango: install Debian's libpango when it is missing.
set -euo pipefail

ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' && exit 0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }

echo "Pango is missing: installing Debian's libpango for the PDF download."
if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
  && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }; then
  echo "Could not install Pango (needs root or sudo and apt-get): install libpango-1.0-0 and libpangoft2-1.0-0."
  exit 1
fi
