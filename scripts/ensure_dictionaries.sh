#!/bin/sh
# `milepost check` spells every text a client reads with real dictionaries: the Enchant C
# library (which pyenchant binds) and Debian's Hunspell dictionaries, one per language a site
# can speak. Install what is missing when we are allowed to (root, or password-less sudo);
# otherwise say exactly what to run.
set -eu
PACKAGES="libenchant-2-2 hunspell-en-us hunspell-en-gb hunspell-pl hunspell-ru hunspell-uk hunspell-de-de"
missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
if [ -z "$missing" ]; then
    exit 0
fi
# shellcheck source=scripts/apt_packages.sh
. "$(dirname "$0")/apt_packages.sh"
# shellcheck disable=SC2086 # one word per package
install_debian_packages "the spelling check (the Enchant library and Hunspell's dictionaries)" $missing
