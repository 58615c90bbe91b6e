"""The domain's replies as JSON for the page: text, button rows, files as downloads."""

from __future__ import annotations

import base64

from bot.core.messages import Outbound, Reply


def outbound_json(outbound: Outbound) -> dict:
    shown: dict = {
        "text": outbound.text,
        "buttons": [[{"label": button.label, "data": button.data} for button in row] for row in outbound.buttons],
        "replace": outbound.replace,
    }
    attachment = outbound.attachment
    if attachment is not None:
        shown["file"] = {
            "name": attachment.filename,
            "type": attachment.mime_type or "application/octet-stream",
            "data": base64.b64encode(attachment.content).decode("ascii"),
        }
    return shown


def reply_json(reply: Reply, lang: str) -> dict:
    return {"messages": [outbound_json(m) for m in reply.messages], "notice": reply.notice, "lang": lang}
