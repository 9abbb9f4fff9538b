#!/usr/bin/env bash
# Debian's Chromium and a CJK font for the browser tests (Playwright drives Chromium;
# no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/debian.sh
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && fc-list :lang=zh 2>/dev/null | grep -q .; then
  exit 0
fi
debian_install "Chromium or a CJK font, for the browser tests" chromium fonts-noto-cjk
