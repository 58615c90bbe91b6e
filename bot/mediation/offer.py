"""The 🤝 offer under a consultation answer on a topic people's mediation settles (mediation.yml)."""

from __future__ import annotations

from bot.core.callbacks import go
from bot.core.messages import Button
from bot.core.turn import Turn
from bot.mediation.context import service_data


def offer_rows(turn: Turn, topic: str) -> list[list[Button]]:
    if topic not in service_data(turn.assistant.settings.forms_dir).config["mediable_topics"]:
        return []
    return [[Button(turn.t("md_offer"), go(service_data(turn.assistant.settings.forms_dir).form.node))]]
