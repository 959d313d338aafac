#!/usr/bin/env bash
# Makes a Chromium available for the browser tests and prints its path.
# Debian's chromium is installed with apt when missing and we are root (CI, fresh
# machines); otherwise a Chromium already on the PATH is used; failing both, the
# browser tests fall back to Playwright's own download (a developer laptop).
set -euo pipefail
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  echo /usr/bin/chromium
  exit 0
fi
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null; then command -v "$candidate"; exit 0; fi
done
echo ""  # none: tests/browser uses Playwright's managed browser
