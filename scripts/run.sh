#!/usr/bin/env bash
# `make run`: the Rasa server in the background (set up and trained on first use; the bot's embedded
# classifier answers until it is up), and the web service in the foreground: it prints the web chat's
# address, and with TELEGRAM_BOT_TOKEN it also runs the Telegram bot. `legalbot chat` is the terminal chat.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
if [ "${LEGALBOT_RASA:-on}" != "off" ]; then
    setsid bash scripts/rasa_server.sh >var/rasa.log 2>&1 &
    rasa_group=$!
    trap 'kill -TERM -- "-$rasa_group" 2>/dev/null || true' EXIT
fi
.venv/bin/legalbot serve "$@"
