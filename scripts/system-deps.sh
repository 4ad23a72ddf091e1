#!/usr/bin/env bash
# Debian libraries WeasyPrint needs to render the meeting packet (pango, harfbuzz) and a font.
# Idempotent and quiet: does nothing when pango and harfbuzz's subsetter (which WeasyPrint will
# require; it warns without it) are there; otherwise installs the packages with apt-get
# (through sudo unless run as root).
set -euo pipefail

libs="$(ldconfig -p 2>/dev/null || true)"
if grep -q 'libpango-1.0' <<<"$libs" && grep -q 'libharfbuzz-subset' <<<"$libs"; then
  exit 0
fi

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core)
echo "system-deps: installing ${packages[*]}"
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
# apt's chatter is shown only if something fails
if ! out="$($SUDO apt-get update -qq 2>&1 \
  && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${packages[@]}" 2>&1)"; then
  echo "$out" >&2
  exit 1
fi
