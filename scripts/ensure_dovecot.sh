#!/bin/sh
# `milepost inbox` is tested against a real IMAP server: Debian's Dovecot, which the tests start
# themselves on 127.0.0.1 with their own configuration (tests/helpers.py, Dovecot). Install it
# when it is missing and we are allowed to (root, or password-less sudo); otherwise say exactly
# what to run. Tests are never skipped.
set -eu
if [ -x /usr/sbin/dovecot ] && dpkg-query -W -f '${Status}' dovecot-imapd 2>/dev/null | grep -q "install ok installed"; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The inbox tests need Dovecot's IMAP server: install it with your system's package manager (Debian: dovecot-imapd)." >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "The inbox tests need an IMAP server: run 'sudo apt-get install dovecot-imapd' and try again." >&2
    exit 1
fi
echo "Installing Debian's dovecot-imapd for the inbox tests..."
$SUDO apt-get update -qq
# The package's own service is not needed (the tests start theirs); it may start or not.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dovecot-imapd >/dev/null
test -x /usr/sbin/dovecot
