#!/usr/bin/env bash
# Makes a Chromium available for the browser tests and prints its path.
# Debian's chromium is installed with apt when missing and we are root (CI, fresh
# machines); otherwise a Chromium already on the PATH is used; failing both, the
# browser tests fall back to Playwright's own download (a developer laptop).
# As root it also installs what the PDF needs to lay pages out as in production
# (README, Exports): the report's font (Liberation Sans, Arial's metric twin;
# without it pages break elsewhere and the print tests fail) and HarfBuzz's subsetter;
# and poppler's pdftoppm, with which the print tests look for near-blank pages.
set -euo pipefail
chromium=""
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then chromium="$candidate"; break; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  missing=()
  [ -n "$chromium" ] || missing+=(chromium)
  fc-list 2>/dev/null | grep -q "Liberation Sans" || missing+=(fonts-liberation)
  ldconfig -p | grep -q "libharfbuzz-subset.so.0" || missing+=(libharfbuzz-subset0)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)  # the print tests' ink check
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing Debian's ${missing[*]} for the browser and PDF tests..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
  [ -n "$chromium" ] || chromium=/usr/bin/chromium
fi
if [ -z "$chromium" ]; then
  for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null; then chromium="$(command -v "$candidate")"; break; fi
  done
fi
echo "$chromium"  # empty: tests/browser uses Playwright's managed browser
