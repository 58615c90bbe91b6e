#!/usr/bin/env bash
# Set up Rasa's own Python 3.10 virtualenv, train the model when its data has changed, and serve
# it over Rasa's HTTP API on 127.0.0.1:5005 (the bot's nlu.rasa_url).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_rasa.sh
.venv/bin/legalbot nlu train --if-changed
exec .venv-rasa/bin/rasa run --enable-api --model nlu/models/legalbot.tar.gz \
    --interface 127.0.0.1 --port "${RASA_PORT:-5005}"
