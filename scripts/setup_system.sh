#!/usr/bin/env bash
# System packages the browser tests need: Debian's headless Chromium and its driver (Playwright cannot download
# browsers here), and fonts so Chinese and emoji render in the screenshots. apt-get runs only when one is missing.
set -euo pipefail
packages=(chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup_system: ${packages[*]} already installed"
    exit 0
fi
echo "setup_system: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
