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
# shellcheck source=scripts/apt_packages.sh
. "$(dirname "$0")/apt_packages.sh"
install_debian_packages "the browser tests" chromium
command -v chromium >/dev/null
