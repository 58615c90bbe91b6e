"""The terminal chat: the same assistant, with buttons as numbered choices."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy import select, update

from bot.core.assistant import Assistant
from bot.core.messages import Button, Inbound, InboundKind, Outbound, Reply
from bot.db.models import Notification, User
from bot.notifications.repository import as_outbound

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
        self.files_dir = assistant.settings.config_dir / "var" / "terminal_files" / user_id

    def send(self, line: str) -> str:
        """Handle one typed line and return what the bot shows, then any messages others left for this user."""
        reply = self.render(self.assistant.handle(self.inbound(line.strip())))
        news = self.news()  # shown last, so its buttons are the ones the next number presses
        return f"{reply}\n\n{news}" if news else reply

    def news(self) -> str:
        """Messages the outbox holds for this user (a mediation party hears of the other's answer, reminders),
        taken once; files are saved under var/terminal_files/<user>/."""
        # No job queue here: the services' scheduled work (reminders, whistles) runs as the chat goes on.
        for service in self.assistant.services:
            for job in service.jobs:
                job.fire(self.assistant)
        pending = _take_notifications(self.assistant, CHANNEL, self.user_id)
        return "\n\n".join(self.render(Reply([message]), self.files_dir) for message in pending)

    def inbound(self, line: str) -> Inbound:
        common = dict(channel=CHANNEL, user_id=self.user_id, chat_id=self.user_id, language_hint=self.language)
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            return Inbound(kind=InboundKind.BUTTON, button_data=self.choices[int(line) - 1].data, **common)
        if line.startswith("/") and len(line) > 1:
            command, _, payload = line[1:].partition(" ")
            return Inbound(kind=InboundKind.COMMAND, command=command.lower(), payload=payload.strip(), **common)
        match = _LOCATION.match(line)
        if match:
            point = (float(match.group(1)), float(match.group(2)))
            return Inbound(kind=InboundKind.LOCATION, location=point, **common)
        return Inbound(kind=InboundKind.TEXT, text=line, **common)

    def render(self, reply: Reply, files_dir: Path | None = None) -> str:
        lines: list[str] = []
        if reply.notice:
            lines.append(f"(!) {reply.notice}")
        for outbound in reply.messages:
            lines.append(outbound.text)
            if outbound.attachment is not None:
                attachment = outbound.attachment
                if files_dir is not None:
                    files_dir.mkdir(parents=True, exist_ok=True)
                    (files_dir / attachment.filename).write_bytes(attachment.content)
                    lines.append(f"[file: {files_dir / attachment.filename}]")
                else:
                    lines.append(f"[file: {attachment.filename}]")
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


def _take_notifications(assistant: Assistant, channel: str, external_id: str) -> list[Outbound]:
    """Mark this user's unsent notifications sent, in one transaction, and return them in order."""
    now = assistant.clock()
    with assistant.sessions() as session, session.begin():
        user = session.scalar(select(User).where(User.channel == channel, User.external_id == external_id))
        if user is None:
            return []
        rows = list(session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.sent_at.is_(None), Notification.claimed_at.is_(None),
            Notification.failed_at.is_(None)).order_by(Notification.id)))
        taken = []
        for row in rows:
            taking = (update(Notification).where(Notification.id == row.id, Notification.sent_at.is_(None))
                      .values(sent_at=now, claimed_by=CHANNEL, claimed_at=now))
            result = session.execute(taking)
            if result.rowcount:
                taken.append(as_outbound(row))
        return taken


def run_terminal(assistant: Assistant, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
                 user_id: str = "local") -> None:
    """Read lines until end of input or /quit, printing every reply; `user_id` lets two terminals play two people."""
    chat = TerminalChat(assistant, user_id=user_id)
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
