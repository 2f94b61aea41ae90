#!/bin/sh
# The browser tests' needs: Debian's chromium and a CJK font (so screenshots show Chinese).
# Nothing to do when both are there; otherwise apt-get installs them when it may (root or
# passwordless sudo), or the script stops at once with the one command to run.
set -eu

COMMAND="sudo apt-get install -y chromium fonts-noto-cjk"
missing=""
command -v chromium >/dev/null 2>&1 || missing="chromium"
fc-list :lang=zh 2>/dev/null | grep -q . || missing="${missing:+$missing }fonts-noto-cjk"
[ -n "$missing" ] || exit 0

stop() {
    echo "The browser tests need Debian's chromium and a CJK font. Run once, then make test again:" >&2
    echo "    $COMMAND" >&2
    exit 1
}

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    stop
fi
echo "installing $missing for the browser tests (apt-get)"
$as_root apt-get update -qq >/dev/null || stop
# shellcheck disable=SC2086  # one word per package
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null || stop
command -v chromium >/dev/null 2>&1 || stop
