"""What a service contributes to the assistant. The kernel asks these declarations and knows no service by name."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

from bot.core.content import MenuNode
from bot.core.messages import Button, Inbound, Outbound, Reply
from bot.core.stations import Station
from bot.core.turn import Turn

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from bot.core.assistant import Assistant
    from bot.db.repositories import Repositories
    from bot.forms.engine import FormHooks
    from bot.settings import Settings

Verb = Callable[[Turn, str], "Outbound | Reply | None"]  # a button's verb: None when its data does not resolve
Screen = Callable[[Turn, MenuNode, str], Outbound]
Answer = Callable[[Turn, str], "Reply | None"]  # a typed answer on a screen: None when it is not the screen's
LocationAnswer = Callable[[Turn, Station, float], "Reply | None"]
Records = Callable[[Turn], "tuple[str, list[list[Button]]]"]  # a section of 我的记录 ("" when there is nothing)
StaffContext = Callable[[Turn], "tuple[list[str], str | None]"]  # lines for staff on a ticket, and a phone if known


@dataclass(frozen=True)
class Job:
    """Scheduled work: `fire` runs in a database worker and returns how many notifications it wrote."""

    name: str
    interval: Callable[[Settings], timedelta]
    fire: Callable[[Assistant], int]
    first: timedelta = timedelta(seconds=1)
    # Seconds of CPU (building reports, documents): a thread of its own, not a database worker that residents'
    # turns wait for.
    threaded: bool = False


@dataclass(frozen=True)
class DeskAnswer:
    """What a staff button says back: a notice, and the pressed post rewritten (its buttons gone) when it changed."""

    notice: str
    edit: Outbound | None = None


@dataclass(frozen=True)
class CommandGroup:
    """A `legalbot` command group: `add` adds its parsers, `run` runs one of `commands`."""

    commands: tuple[str, ...]
    add: Callable[[Any], None]
    run: Callable[[argparse.Namespace, Settings], int]


@dataclass
class Service:
    """One service, as one object: everything it adds to the bot, by kind."""

    name: str
    verbs: dict[str, Verb] = field(default_factory=dict)
    screens: dict[str, Screen] = field(default_factory=dict)
    forms: dict[str, FormHooks] = field(default_factory=dict)  # forms/<id>.yml → the hooks its YAML names
    answers: dict[str, Answer] = field(default_factory=dict)  # screen → what a typed text means there
    locations: dict[str, LocationAnswer] = field(default_factory=dict)  # screen ("*": any) → a shared location
    intercept: Callable[[Turn, Inbound], "Reply | None"] | None = None  # sees every inbound first (handoff relay)
    holds: Callable[[Turn], bool] | None = None  # whether typed text goes to this service, not to a question
    prepare: Callable[[Assistant, str], Any] | None = None  # slow work on a question, outside the transaction
    free_text: Answer | None = None  # a text no screen took: urgent words, then a question for the consultation
    records: Records | None = None
    cancel: Callable[[Turn], "str | None"] | None = None  # /cancel: what stays in progress, said to the resident
    on_withdraw: Callable[[Turn], str] | None = None  # consent withdrawn: delete what it allowed, say what went
    purge: Callable[[Repositories, datetime, Settings], None] | None = None
    staff_context: StaffContext | None = None
    # Staff buttons on the desk: (handoff context, repos, member, action, now) → a notice, a DeskAnswer, or None.
    desk_verbs: dict[str, Callable[..., "str | DeskAnswer | None"]] = field(default_factory=dict)
    start_links: dict[str, Verb] = field(default_factory=dict)  # /start <prefix><token> deep links, by prefix
    staff_request: Callable[[Turn, str, str], Outbound] | None = None  # open a request for staff (reason, text)
    repositories: dict[str, Callable[[Session], Any]] = field(default_factory=dict)  # turn.repos.<name>
    jobs: list[Job] = field(default_factory=list)
    cli: CommandGroup | None = None
    check: Callable[[Settings], None] | None = None  # refuse to start on inconsistent content
    start_up: Callable[[Assistant], None] | None = None
    cited_laws: Callable[[Path], set[str]] | None = None  # laws its content cites, for `kb sync-laws`
    suggestions: Callable[[Turn, str], list[list[Button]]] | None = None  # rows under an answer on a topic
