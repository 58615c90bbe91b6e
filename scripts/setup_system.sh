#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing.
#   bash scripts/setup_system.sh runtime   # fonts that render Chinese (and emoji) in reports and documents
#   bash scripts/setup_system.sh test      # the above, plus what the tests drive: Debian's headless Chromium and
#                                          # its driver (Playwright cannot download browsers here), poppler to
#                                          # read PDFs back and render their pages, LibreOffice's Writer to open
#                                          # the Word documents headless, and Tesseract with its Simplified
#                                          # Chinese model to read a rendered page back
set -euo pipefail
want=(fonts-noto-cjk fonts-noto-color-emoji)
if [ "${1:-runtime}" = "test" ]; then
    want+=(chromium chromium-driver poppler-utils libreoffice-writer-nogui tesseract-ocr tesseract-ocr-chi-sim)
fi
missing=()
for package in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "setup_system: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
