# shellcheck shell=sh
# Sourced by the ensure_*.sh scripts: install Debian packages the tests or `milepost check`
# need, when we are allowed to (root, or password-less sudo); otherwise say exactly what to
# run and stop. Nothing is ever skipped for want of a package.
#
#   install_debian_packages "the inbox tests" dovecot-imapd
install_debian_packages() {
    what=$1
    shift
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "For $what, install Debian's $* (or your system's equivalent) and try again." >&2
        exit 1
    fi
    if [ "$(id -u)" = 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo -n"
    else
        echo "For $what, run 'sudo apt-get install $*' (this user may not install packages) and try again." >&2
        exit 1
    fi
    echo "Installing $* for $what..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
