"""A turn: one inbound handled inside one database transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.callbacks import Action, go
from bot.core.content import MenuNode, pick
from bot.core.messages import Button, Outbound
from bot.db.models import Conversation, User
from bot.db.repositories import Repositories

if TYPE_CHECKING:
    from bot.core.assistant import Assistant


@dataclass
class Turn:
    assistant: Assistant
    repos: Repositories
    user: User
    now: datetime
    # What NLU and retrieval made of the typed text, worked out before the transaction began (see Assistant.handle).
    understood: Any = None
    forgotten: bool = False  # the resident asked to be forgotten in this turn: nothing of it is recorded

    @property
    def conversation(self) -> Conversation:
        assert self.user.conversation is not None
        return self.user.conversation

    @property
    def lang(self) -> str:
        return self.user.language

    @property
    def consented(self) -> bool:
        return self.user.consent == "granted"

    def t(self, key: str, **values: Any) -> Any:
        return self.assistant.content.texts.get(key, self.lang, **values)

    def label(self, node: MenuNode) -> str:
        return pick(node.label, self.lang)

    def plain_label(self, node: MenuNode) -> str:
        """The label without its leading icon, for use inside a sentence."""
        label = self.label(node)
        return label[next((i for i, ch in enumerate(label) if ch.isalnum()), 0):]

    def node_button(self, node_id: str) -> Button:
        return Button(self.label(self.assistant.content.menu.nodes[node_id]), go(node_id))

    def action_button(self, label: str, verb: str, arg: str) -> Button:
        return Button(label, Action(verb, arg).encode())

    def nav_row(self, node: MenuNode, back: str | None = None) -> list[Button]:
        """Back and Home, for every screen but home."""
        menu = self.assistant.content.menu
        if node.id == menu.root:
            return []
        return [Button(self.t("back"), go(back or node.parent or menu.root)), Button(self.t("home"), go(menu.root))]

    def grid(self, buttons: list[Button], width: int | None = None) -> list[list[Button]]:
        width = width or self.assistant.content.menu.columns
        return [buttons[i : i + width] for i in range(0, len(buttons), width)]

    def screen(
        self,
        node: MenuNode,
        text: str,
        buttons: list[Button] | None = None,
        back: str | None = None,
        rows: list[list[Button]] | None = None,
    ) -> Outbound:
        """A screen: its text, its buttons in a grid, any full rows, then Back and Home."""
        rows = self.grid(buttons or []) + (rows or [])
        nav = self.nav_row(node, back)
        if nav:
            rows.append(nav)
        return Outbound(text=text.strip(), buttons=rows)
