"""Plain-data messages exchanged between a channel and the domain."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class InboundKind(str, Enum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    LOCATION = "location"
    MEDIA = "media"
    EDITED = "edited"
    OTHER = "other"


@dataclass(frozen=True)
class FileRef:
    """A file the user sent, as the channel describes it before anything is downloaded."""

    file_id: str
    mime_type: str
    size: int
    name: str


@dataclass(frozen=True)
class Inbound:
    """Something a user did: a message, a command, a button press or a shared location."""

    channel: str
    user_id: str
    chat_id: str
    kind: InboundKind
    text: str = ""
    command: str = ""
    button_data: str = ""
    location: tuple[float, float] | None = None
    media_type: str = ""
    update_key: str | None = None
    language_hint: str | None = None
    private_chat: bool = True
    message_id: int | None = None  # the channel's id of the message, so a handoff can relay (copy) it
    file: FileRef | None = None  # a photo or document; its bytes are fetched only if the domain wants them
    file_content: bytes | None = None
    payload: str = ""  # the words after a command: a /start deep-link payload such as m_<token>


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str


@dataclass
class Outbound:
    """One message to show. `replace` edits the message whose button was pressed instead of sending anew."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    replace: bool = False
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Outcome:
    """What the domain made of a typed question, for `legalbot ask` and the benchmarks."""

    kind: str  # answer, suggest, miss, urgent, handoff, service or small_talk
    entries: tuple[str, ...] = ()  # knowledge-base entry ids shown, in order
    topic: str | None = None  # the NLU topic
    topics: tuple[str, ...] = ()  # the NLU's best topics, best first


@dataclass
class Reply:
    """Everything the domain wants shown in answer to one inbound."""

    messages: list[Outbound] = field(default_factory=list)
    notice: str | None = None
    handled: bool = True
    outcome: Outcome | None = None
