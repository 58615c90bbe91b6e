"""The terminal chat: the same assistant, with buttons as numbered choices."""

from __future__ import annotations

import re
import sys
from typing import TextIO

from bot.core.assistant import Assistant
from bot.core.messages import Button, Inbound, InboundKind, Reply

CHANNEL = "terminal"
_LOCATION = re.compile(r"^@\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$")
QUIT = {"/quit", "/exit"}


class TerminalChat:
    """One local user talking to the assistant; remembers the latest buttons for numbered choices."""

    def __init__(self, assistant: Assistant, user_id: str = "local", language: str = "zh"):
        self.assistant = assistant
        self.user_id = user_id
        self.language = language
        self.choices: list[Button] = []

    def send(self, line: str) -> str:
        """Handle one typed line and return what the bot shows."""
        return self.render(self.assistant.handle(self.inbound(line.strip())))

    def inbound(self, line: str) -> Inbound:
        common = dict(channel=CHANNEL, user_id=self.user_id, chat_id=self.user_id, language_hint=self.language)
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            return Inbound(kind=InboundKind.BUTTON, button_data=self.choices[int(line) - 1].data, **common)
        if line.startswith("/") and len(line) > 1:
            return Inbound(kind=InboundKind.COMMAND, command=line[1:].split()[0].lower(), **common)
        match = _LOCATION.match(line)
        if match:
            point = (float(match.group(1)), float(match.group(2)))
            return Inbound(kind=InboundKind.LOCATION, location=point, **common)
        return Inbound(kind=InboundKind.TEXT, text=line, **common)

    def render(self, reply: Reply) -> str:
        lines: list[str] = []
        if reply.notice:
            lines.append(f"(!) {reply.notice}")
        for outbound in reply.messages:
            lines.append(outbound.text)
            if outbound.attachment is not None:
                lines.append(f"[file: {outbound.attachment.filename}]")
            if outbound.buttons:
                self.choices = [button for row in outbound.buttons for button in row]
                number = 1
                for row in outbound.buttons:
                    cells = []
                    for button in row:
                        cells.append(f"[{number}] {button.label}")
                        number += 1
                    lines.append("  " + "   ".join(cells))
        return "\n".join(lines)


def run_terminal(assistant: Assistant, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    """Read lines until end of input or /quit, printing every reply."""
    chat = TerminalChat(assistant)
    prompt = stdin.isatty()

    def show(text: str) -> None:
        stdout.write(text + "\n\n")
        stdout.flush()

    show(assistant.content.texts.get("terminal_intro", chat.language).strip())
    show(chat.send("/start"))
    while True:
        if prompt:
            stdout.write("> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip() in QUIT:
            break
        if line.strip():
            show(chat.send(line))
