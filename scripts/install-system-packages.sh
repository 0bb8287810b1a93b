#!/usr/bin/env bash
# Installs the Debian packages the tests drive from outside Node:
#   awscli (v2) — the local endpoints are checked with the real AWS CLI;
#   chromium — the operations console is tested in a real browser (playwright-core
#   drives /usr/bin/chromium; it never downloads a browser of its own).
# Runs before `npm test`. Installs only what is missing, only as root with apt;
# otherwise it says what to install and leaves the choice to the person.
set -euo pipefail

missing=()
[ -x /usr/bin/aws ] || missing+=(awscli)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages for the tests: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The tests need these Debian packages: ${missing[*]} (e.g. sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
