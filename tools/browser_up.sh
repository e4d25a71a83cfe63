#!/usr/bin/env bash
# Set up what the site's accessibility tests need (idempotent, quiet; ~1 s when all is there):
#   - Debian's Chromium (apt-get install chromium), the browser the tests drive headless;
#   - axe-core from npm, installed into .a11y/node_modules (a project folder, never global).
# Playwright for Python comes from pyproject's dev extra and is pointed at /usr/bin/chromium:
# `playwright install` (which downloads a browser build) is never run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AXE_VERSION=4.14.1
say() { echo "browser: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian's chromium"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

A="$ROOT/.a11y"
if [ ! -f "$A/node_modules/axe-core/axe.min.js" ] || ! grep -q "\"version\": \"$AXE_VERSION\"" "$A/node_modules/axe-core/package.json"; then
  command -v npm >/dev/null 2>&1 || { say "installing Debian's npm"; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
  mkdir -p "$A"
  [ -f "$A/package.json" ] || printf '{"name":"stoke-opendata-a11y","private":true}\n' >"$A/package.json"
  say "installing axe-core $AXE_VERSION into .a11y/"
  (cd "$A" && npm install --silent --no-audit --no-fund --save-exact "axe-core@$AXE_VERSION" >/dev/null)
fi
say "ready: $(command -v chromium), axe-core $AXE_VERSION"
