"""A resident who talks to the assistant directly, on plain data."""

from __future__ import annotations

from itertools import count

from bot.core.assistant import Assistant
from bot.core.messages import Inbound, InboundKind, Outbound, Reply

_update_ids = count(1)


class Resident:
    def __init__(self, assistant: Assistant, user_id: str = "1001", language: str = "zh-hans", channel: str = "test"):
        self.assistant = assistant
        self.user_id = user_id
        self.language = language
        self.channel = channel
        self.last: Reply | None = None
        self.screen: Outbound | None = None

    def _send(self, kind: InboundKind, update_key: str | None = None, **fields) -> Reply:
        inbound = Inbound(
            channel=self.channel,
            user_id=self.user_id,
            chat_id=self.user_id,
            kind=kind,
            update_key=update_key or str(next(_update_ids)),
            language_hint=self.language,
            **fields,
        )
        self.last = self.assistant.handle(inbound)
        for message in self.last.messages:
            if message.buttons:
                self.screen = message
        return self.last

    def command(self, name: str) -> Reply:
        return self._send(InboundKind.COMMAND, command=name)

    def say(self, text: str) -> Reply:
        return self._send(InboundKind.TEXT, text=text)

    def press_data(self, data: str) -> Reply:
        return self._send(InboundKind.BUTTON, button_data=data)

    def press(self, label: str) -> Reply:
        """Press the button whose label contains `label` on the latest screen with buttons."""
        assert self.screen is not None, "no screen with buttons yet"
        for button in (b for row in self.screen.buttons for b in row):
            if label in button.label:
                return self.press_data(button.data)
        raise AssertionError(f"no button {label!r} in {self.labels()}")

    def send_location(self, lat: float, lon: float) -> Reply:
        return self._send(InboundKind.LOCATION, location=(lat, lon))

    def send_media(self, media_type: str = "sticker") -> Reply:
        return self._send(InboundKind.MEDIA, media_type=media_type)

    def labels(self) -> list[str]:
        return [b.label for row in (self.screen.buttons if self.screen else []) for b in row]

    @property
    def text(self) -> str:
        assert self.last is not None
        return "\n".join(message.text for message in self.last.messages)
