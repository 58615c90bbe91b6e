"""Test-side actors: users that send messages / press buttons, and group chats."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from . import formatting

if TYPE_CHECKING:  # pragma: no cover
    from .server import FakeTelegram

__all__ = ["FakeUser", "FakeChat"]


class FakeChat:
    """A group / supergroup / channel registered with ``server.group(...)``."""

    def __init__(self, server: "FakeTelegram", chat: dict):
        self.server = server
        self.chat = chat

    @property
    def id(self) -> int:
        return self.chat["id"]

    def sent(self) -> list[dict]:
        return self.server.sent_to(self.id)

    def last_text(self) -> str | None:
        return self.server.last_text(self.id)

    def create_topic(self, name: str, icon_color: int = 7322096) -> int:
        return self.server.create_topic(self.id, name, icon_color)

    def __repr__(self) -> str:
        return f"<FakeChat {self.id} {self.chat.get('title')!r}>"


class FakeUser:
    """A user playing a conversation; every send_* returns the pushed Update dict.

    ``chat`` parameters accept a FakeChat, a chat dict or a chat id; they default to the
    user's private chat with the bot."""

    def __init__(self, server: "FakeTelegram", user: dict, chat: dict):
        self.server = server
        self.user = user
        self.chat = chat  # the private chat

    @property
    def id(self) -> int:
        return self.user["id"]

    def __repr__(self) -> str:
        return f"<FakeUser {self.id} {self.user.get('first_name')!r}>"

    # ----------------------------------------------------------------- plumbing

    def _chat_id(self, chat: Any) -> int:
        if chat is None:
            return self.chat["id"]
        return self.server._chat_id_of(chat)

    def _send(
        self,
        content: dict,
        chat: Any = None,
        thread_id: int | None = None,
        reply_to: Any = None,
        update_id: int | None = None,
    ) -> dict:
        msg = self.server._user_message(self.user, self._chat_id(chat), content, thread_id, reply_to)
        return self.server.push_update({"message": msg}, update_id=update_id)

    # ----------------------------------------------------------------- messages

    def send_text(
        self,
        text: str,
        chat: Any = None,
        *,
        thread_id: int | None = None,
        reply_to: Any = None,
        entities: list[dict] | None = None,
    ) -> dict:
        """Send a text.  Entities Telegram would detect (bot commands, mentions, URLs,
        hashtags, e-mails) are added unless ``entities`` is given."""
        content: dict = {"text": text}
        ents = formatting.detect_entities(text) if entities is None else entities
        if ents:
            content["entities"] = ents
        return self._send(content, chat, thread_id, reply_to)

    def send_command(self, command: str, args: str | None = None, chat: Any = None, **kwargs: Any) -> dict:
        """Send "/command [args]"; "/start@bot_username" is fine too (the entity covers it)."""
        if not command.startswith("/"):
            command = "/" + command
        text = command if not args else f"{command} {args}"
        cmd = text.split(None, 1)[0]
        entities = [{"type": "bot_command", "offset": 0, "length": formatting.utf16_len(cmd)}]
        rest = formatting.detect_entities(text)
        entities += [e for e in rest if e["offset"] >= entities[0]["length"]]
        return self.send_text(text, chat, entities=entities, **kwargs)

    def send_photo(
        self,
        file_bytes: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        caption: str | None = None,
        chat: Any = None,
        *,
        filename: str = "photo.jpg",
        **kwargs: Any,
    ) -> dict:
        sizes = self.server.register_file(file_bytes, "photo", filename, "image/jpeg")
        content: dict = {"photo": sizes}
        self._caption(content, caption)
        return self._send(content, chat, **kwargs)

    def send_document(
        self,
        filename: str = "材料.pdf",
        data: bytes = b"%PDF-1.4 fake",
        mime_type: str | None = None,
        caption: str | None = None,
        chat: Any = None,
        **kwargs: Any,
    ) -> dict:
        document = self.server.register_file(data, "document", filename, mime_type)
        content: dict = {"document": document}
        self._caption(content, caption)
        return self._send(content, chat, **kwargs)

    def send_voice(self, data: bytes = b"OggS\x00fake-voice", duration: int = 3, chat: Any = None, **kwargs: Any) -> dict:
        voice = self.server.register_file(data, "voice", None, "audio/ogg", duration=duration)
        return self._send({"voice": voice}, chat, **kwargs)

    def send_sticker(self, emoji: str = "👍", chat: Any = None, **kwargs: Any) -> dict:
        sticker = self.server.register_file(
            b"RIFF\x00\x00\x00\x00WEBPfake", "sticker", "sticker.webp", "image/webp", emoji=emoji
        )
        return self._send({"sticker": sticker}, chat, **kwargs)

    def send_location(self, latitude: float, longitude: float, chat: Any = None, **kwargs: Any) -> dict:
        return self._send({"location": {"latitude": float(latitude), "longitude": float(longitude)}}, chat, **kwargs)

    def send_contact(
        self,
        phone_number: str,
        first_name: str | None = None,
        chat: Any = None,
        *,
        user_id: int | None = None,
        own: bool = True,
        **kwargs: Any,
    ) -> dict:
        """Share a contact; by default the user's own (as a request_contact button does)."""
        contact: dict = {"phone_number": phone_number, "first_name": first_name or self.user["first_name"]}
        if own or user_id is not None:
            contact["user_id"] = int(user_id if user_id is not None else self.id)
        return self._send({"contact": contact}, chat, **kwargs)

    def edit_text(self, original: Any, new_text: str) -> dict:
        """Edit a message the user sent before; pushes an ``edited_message`` update."""
        msg = self.server._user_edit(self.user, original, new_text)
        return self.server.push_update({"edited_message": msg})

    def resend(self, update: dict) -> dict:
        """Deliver the very same update again (same update_id) - a duplicate delivery."""
        body = {k: v for k, v in update.items() if k != "update_id"}
        return self.server.push_update(body, update_id=update["update_id"])

    @staticmethod
    def _caption(content: dict, caption: str | None) -> None:
        if caption:
            content["caption"] = caption
            ents = formatting.detect_entities(caption)
            if ents:
                content["caption_entities"] = ents

    # ----------------------------------------------------------------- buttons

    def press(self, message: Any, data: str, chat: Any = None) -> dict:
        """Press an inline button with ``data`` (not checked against the keyboard, so tests can
        forge data).  ``message``: a Call of send*/edit*, a message or Update dict, or a
        message_id (in ``chat``, default the private chat)."""
        current = self.server.current_message(message, chat if chat is not None else self.chat["id"])
        query = self.server._new_callback(self.user, current, data)
        return self.server.push_update({"callback_query": query})

    def press_button(self, message: Any, label: str, chat: Any = None) -> dict:
        """Find the button labelled ``label`` in the message's CURRENT inline keyboard and press
        it.  An exact label match wins; otherwise a unique substring match is accepted."""
        current = self.server.current_message(message, chat if chat is not None else self.chat["id"])
        rows = (current.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [b for row in rows for b in row]
        matches = [b for b in buttons if b.get("text") == label]
        if not matches:
            matches = [b for b in buttons if label in b.get("text", "")]
            if len(matches) > 1:
                matches = []
        if not matches:
            labels = [[b.get("text") for b in row] for row in rows]
            raise AssertionError(
                f"no button {label!r} in message {current['message_id']} of chat {current['chat']['id']}; "
                f"keyboard: {labels if labels else '(none)'}; text: {current.get('text', current.get('caption'))!r}"
            )
        button = matches[0]
        if "callback_data" not in button:
            raise AssertionError(f"button {label!r} has no callback_data: {button}")
        query = self.server._new_callback(self.user, current, button["callback_data"])
        return self.server.push_update({"callback_query": query})

    def press_reply_button(self, label: str, chat: Any = None, **kwargs: Any) -> dict:
        """Tap a button of the reply keyboard currently shown in the chat.  Plain buttons send
        their text; request_contact shares the user's contact; request_location sends (0, 0)."""
        cid = self._chat_id(chat)
        markup = self.server.reply_keyboard_markup(cid)
        if not markup:
            raise AssertionError(f"no reply keyboard is shown in chat {cid}")
        for row in markup["keyboard"]:
            for button in row:
                button = {"text": button} if isinstance(button, str) else button
                if button.get("text") != label:
                    continue
                if button.get("request_contact"):
                    update = self.send_contact(self.user.get("phone_number", "+8613800138000"), chat=chat, **kwargs)
                elif button.get("request_location"):
                    update = self.send_location(0.0, 0.0, chat=chat, **kwargs)
                else:
                    update = self.send_text(label, chat, **kwargs)
                if markup.get("one_time_keyboard"):
                    with self.server._lock:
                        self.server._reply_keyboards[cid] = None
                return update
        labels = self.server.reply_keyboard(cid)
        raise AssertionError(f"no reply button {label!r} in chat {cid}; keyboard: {labels}")

    # ----------------------------------------------------------------- conversation helpers

    def sent(self) -> list[dict]:
        """Messages the bot sent into this user's private chat."""
        return self.server.sent_to(self.chat["id"])

    def last_message(self) -> dict | None:
        return self.server.last_message(self.chat["id"])

    def last_text(self) -> str | None:
        return self.server.last_text(self.chat["id"])

    def wait_reply(self, after: int | None = None, timeout: float = 5.0, chat: Any = None, predicate=None) -> dict:
        """Wait for the bot to send/edit a message in the chat after call position ``after``."""
        return self.server.wait_for_message(self._chat_id(chat), after=after, timeout=timeout, predicate=predicate)

    def ask(self, text: str, timeout: float = 5.0, chat: Any = None) -> dict:
        """Send a text (or command) and return the bot's first message in reply."""
        mark = self.server.mark()
        self.send_text(text, chat)
        return self.wait_reply(after=mark, timeout=timeout, chat=chat)

    def click(self, message: Any, label: str, timeout: float = 5.0, chat: Any = None) -> dict:
        """press_button and return the bot's first resulting sent/edited message."""
        mark = self.server.mark()
        self.press_button(message, label, chat)
        return self.wait_reply(after=mark, timeout=timeout, chat=chat)

    def block(self) -> None:
        self.server.block(self.id)

    def unblock(self) -> None:
        self.server.unblock(self.id)

    def as_dict(self) -> dict:
        return copy.deepcopy(self.user)
