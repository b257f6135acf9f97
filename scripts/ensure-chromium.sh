#!/usr/bin/env bash
# The browser tests drive Debian's chromium at /usr/bin/chromium: install it with apt-get when it is missing.
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian-package.sh" /usr/bin/chromium chromium "the browser tests" \
  "skip the browser tests with PYTEST_ARGS='-m \"not browser\"'"
