#!/bin/sh
# Browser tests drive Debian's Chromium. Install it when it is missing and we are allowed to
# (root, or password-less sudo); otherwise say exactly what to run. Tests are never skipped.
set -eu
# MILEPOST_CHROMIUM names another Chromium-based browser to use instead (e.g. Google Chrome on
# GitHub's Ubuntu runners, where Debian's chromium package does not exist).
if [ -n "${MILEPOST_CHROMIUM:-}" ]; then
    if [ -x "$MILEPOST_CHROMIUM" ]; then
        exit 0
    fi
    echo "MILEPOST_CHROMIUM=$MILEPOST_CHROMIUM is not an executable browser; fix or unset it." >&2
    exit 1
fi
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "Chromium is needed for the browser tests: run 'sudo apt-get install chromium' and try again." >&2
    exit 1
fi
echo "Installing Debian's chromium for the browser tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null
