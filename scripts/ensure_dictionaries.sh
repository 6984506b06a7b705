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
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The spelling check needs the Enchant library and Hunspell dictionaries for en, pl, ru, uk and de:" >&2
    echo "install them with your system's package manager (Debian:$missing)." >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "The spelling check needs dictionaries: run 'sudo apt-get install$missing' and try again." >&2
    exit 1
fi
echo "Installing the spelling dictionaries:$missing..."
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
