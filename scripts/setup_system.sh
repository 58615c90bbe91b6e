#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing.
#   bash scripts/setup_system.sh runtime   # fonts that render Chinese in reports and documents
#   bash scripts/setup_system.sh test      # the above, plus what the tests drive (PDF text and page rendering)
set -euo pipefail
want=(fonts-noto-cjk)
if [ "${1:-runtime}" = "test" ]; then
    want+=(poppler-utils)
fi
missing=()
for package in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "setup_system: missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    exit 1
fi
echo "setup_system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
