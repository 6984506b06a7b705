#!/bin/sh
# `milepost inbox` is tested against a real IMAP server: Debian's Dovecot, which the tests start
# themselves on 127.0.0.1 with their own configuration (tests/helpers.py, Dovecot). Install it
# when it is missing and we are allowed to (root, or password-less sudo); otherwise say exactly
# what to run. Tests are never skipped.
set -eu
if [ -x /usr/sbin/dovecot ] && dpkg-query -W -f '${Status}' dovecot-imapd 2>/dev/null | grep -q "install ok installed"; then
    exit 0
fi
# shellcheck source=scripts/apt_packages.sh
. "$(dirname "$0")/apt_packages.sh"
# The package's own service is not needed (the tests start theirs); it may start or not.
install_debian_packages "the inbox tests" dovecot-imapd
test -x /usr/sbin/dovecot
