#!/usr/bin/env bash
# Debian's Chromium and a CJK font for the browser tests (Playwright drives Chromium;
# no browser download).
set -euo pipefail
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && fc-list :lang=zh 2>/dev/null | grep -q .; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium or a CJK font is missing: apt-get install chromium fonts-noto-cjk (as root)." >&2
  exit 1
fi
echo "Installing Debian's chromium and fonts-noto-cjk packages for the browser tests ..."
export DEBIAN_FRONTEND=noninteractive
packages="chromium fonts-noto-cjk"
apt-get install -y -q $packages >/dev/null 2>&1 || {
  apt-get update -q >/dev/null && apt-get install -y -q $packages >/dev/null; }
