"""Random inbound updates through the real PTB application against the fake Bot API: callback data, Unicode, oversize
text, every media kind, edits, wrong chat types, mismatched senders. No update raises; an invalid one changes nothing;
no group ever receives a phone, ID or bank card number."""

from __future__ import annotations

import re
import time
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy import select
from telegram import Update

from bot.db.models import (AidApplication, AidDraft, Conversation, LectureBooking, MessageRecord, Notification, Ticket,
                           User)
from bot.services import build_assistant
from bot.telegram_channel.app import build_application
from tests.conftest import BOT_USER
from tests.fakebot import FakeTelegram, run_application_in_thread
from tests.handoff_helpers import staff_cli
from tests.security.test_masking_properties import bank_cards, id_numbers, mobiles

RESIDENTS = (9901, 9902, 9903)
STAFF_GROUP, OTHER_GROUP, CHANNEL = -100500, -100777, -100999
_ids = count(1)
_file_ids = count(1)


@pytest.fixture
def live(settings, clock, domain_services):
    """One bot for all examples (state accumulates, as in production), a staff group and no staff to claim."""
    settings.notifications = settings.notifications.model_copy(update={"poll_seconds": 3600})
    settings.handoff = settings.handoff.model_copy(update={"whistle_check_seconds": 3600})
    settings.lectures = settings.lectures.model_copy(update={"demo_data": False})
    # Telegram's 20-a-minute group limit would make the limiter sleep between examples: what is sent must be seen.
    settings.rate_limit = settings.rate_limit.model_copy(update={"group_per_minute": 0, "overall_per_second": 0})
    server = FakeTelegram(token="123456:FUZZ", bot_user=BOT_USER).start()
    for resident in RESIDENTS:
        server.private_user(resident, first_name="居民")
    server.group(STAFF_GROUP, title="工作群")
    server.group(OTHER_GROUP, title="别的群")
    server.group(CHANNEL, title="频道", type="channel")
    staff_cli(settings, clock, "set-group", str(STAFF_GROUP))
    bot_settings = settings.model_copy(update={"telegram_bot_token": SecretStr(server.token),
                                               "telegram_api_url": server.url})
    assistant = build_assistant(bot_settings, clock=clock, migrate=False, **domain_services)
    handle = run_application_in_thread(build_application(bot_settings, assistant), "polling",
                                       allowed_updates=Update.ALL_TYPES, collect_errors=True)
    yield server, assistant, handle
    handle.stop()
    server.stop()


# --- what residents and strangers might send ---------------------------------------------------------------------

PERSONAL = mobiles() | id_numbers() | id_numbers(ending_in_x=True) | bank_cards()
WORDS = st.sampled_from(["老板欠我工资", "转人工", "法律援助", "我要预约讲座", "房东扣押金不退怎么办", "你好", "/cancel",
                         "🗂 我的记录", "🙋 转人工", "同意", "12348", "家里有人打我"])
SAYS_PERSONAL = st.tuples(WORDS, PERSONAL, WORDS).map(lambda t: f"{t[0]}，我的号码{t[1][0]}，{t[2]}")
TEXTS = st.one_of(
    SAYS_PERSONAL,
    SAYS_PERSONAL,
    st.text(max_size=60),
    st.text(min_size=4097, max_size=5000, alphabet="法律超市 abc１２３"),  # longer than Telegram allows
    WORDS,
)
COMMANDS = st.sampled_from(["/start", "/menu", "/human", "/cancel", "/privacy", "/lang", "/help", "/queue", "/mine",
                            "/reply 1 你好", "/close 1", "/note 1 x", "/transfer 1 qianmen", "/nosuch", "/start@legal_market_bot"])
CALLBACK_DATA = st.one_of(
    st.text(max_size=64),
    st.tuples(st.sampled_from(["go", "st", "lang", "consent", "kb", "tp", "law", "up", "down", "tk", "aidv", "aids",
                               "rate", "aid", "lec", "lecb", "lecw", "lecx", "lecy", "lecics", "lecok", "lrq"]),
              st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", max_size=20))
    .map(lambda t: f"{t[0]}:{t[1]}"),
    st.sampled_from(["go:home", "go:human", "consent:yes", "tk:1", "aidv:1", "aids:1.accepted", "rate:1.5",
                     "aid:submit.1", "lecx:1.r", "go:../../etc"]),
)


def _file(extra: dict | None = None) -> dict:
    number = next(_file_ids)
    return {"file_id": f"fuzz-{number}", "file_unique_id": f"u{number}", "file_size": 1000, **(extra or {})}


MEDIA = st.sampled_from([
    lambda: {"photo": [_file({"width": 90, "height": 90})]},
    lambda: {"document": _file({"file_name": "证据.pdf", "mime_type": "application/pdf"})},
    lambda: {"document": _file({"file_name": "x.exe", "mime_type": "application/octet-stream"})},
    lambda: {"voice": _file({"duration": 2})},
    lambda: {"audio": _file({"duration": 2})},
    lambda: {"video": _file({"width": 1, "height": 1, "duration": 1})},
    lambda: {"video_note": _file({"length": 1, "duration": 1})},
    lambda: {"animation": _file({"width": 1, "height": 1, "duration": 1})},
    lambda: {"sticker": _file({"type": "regular", "width": 1, "height": 1, "is_animated": False, "is_video": False})},
    lambda: {"location": {"latitude": 39.9, "longitude": 116.4}},
    lambda: {"contact": {"phone_number": "13812345678", "first_name": "张三"}},
    lambda: {"dice": {"emoji": "🎲", "value": 3}},
    lambda: {"venue": {"location": {"latitude": 39.9, "longitude": 116.4}, "title": "司法所", "address": "通州"}},
])


def build(sender: int, chat_id: int, kind: str, payload, language: str = "zh-hans") -> dict:
    """A raw update as Telegram would send it: `payload` is text, a command, media content or callback data."""
    chat = {"id": chat_id, "type": "private", "first_name": "居民"} if chat_id > 0 else \
        {"id": chat_id, "type": "channel" if chat_id == CHANNEL else "supergroup", "title": "群"}
    user = {"id": sender, "is_bot": False, "first_name": "居民", "language_code": language}
    content = {"text": payload} if kind in ("text", "edit", "command") else payload if kind == "media" else {}
    if kind == "command":
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(payload.split()[0])}]
    message = {"message_id": next(_ids), "date": int(time.time()), "chat": chat, **content}
    if chat_id != CHANNEL:
        message["from"] = user
    if kind == "callback":
        shown = {"message_id": next(_ids), "date": int(time.time()), "chat": chat, "from": BOT_USER | {"is_bot": True},
                 "text": "菜单"}
        return {"callback_query": {"from": user, "message": shown, "data": payload}}
    if chat_id == CHANNEL:
        return {"edited_channel_post" if kind == "edit" else "channel_post": message}
    if kind == "edit":
        return {"edited_message": {**message, "edit_date": int(time.time())}}
    return {"message": message}


@st.composite
def updates(draw) -> list[tuple[dict, bool]]:
    """One random update, with whether it is invalid (it must change nothing)."""
    sender = draw(st.sampled_from(RESIDENTS))
    where = draw(st.sampled_from(["own", "own", "own", "other_private", "staff_group", "other_group", "channel"]))
    chat_id = {"own": sender, "other_private": next(r for r in RESIDENTS if r != sender), "staff_group": STAFF_GROUP,
               "other_group": OTHER_GROUP, "channel": CHANNEL}[where]
    kind = draw(st.sampled_from(["text", "command", "media", "callback", "edit"]))
    payload = {"text": TEXTS, "edit": TEXTS, "command": COMMANDS, "callback": CALLBACK_DATA}.get(kind)
    payload = draw(payload) if payload is not None else draw(MEDIA)()
    invalid = where in ("other_private", "channel") or (where == "other_group" and kind != "command")
    return [(build(sender, chat_id, kind, payload, draw(st.sampled_from(["zh-hans", "en"]))), invalid)]


@st.composite
def stories(draw) -> list[tuple[dict, bool]]:
    """A resident who consents, says something personal, asks for staff and adds more: what a leak would need."""
    sender = draw(st.sampled_from(RESIDENTS))
    steps = [build(sender, sender, "callback", "consent:yes"), build(sender, sender, "text", draw(SAYS_PERSONAL)),
             build(sender, sender, "command", "/human"), build(sender, sender, "text", draw(SAYS_PERSONAL))]
    if draw(st.booleans()):
        steps.append(build(sender, sender, "media", draw(MEDIA)()))
    if draw(st.booleans()):
        steps.append(build(sender, sender, "command", "/cancel"))
    return [(step, False) for step in steps]


# --- observing the bot ---------------------------------------------------------------------------------------------


def settle(server, handle) -> None:
    """Wait until every pushed update was fetched and handled, and what it caused was sent."""
    processor = handle.app.update_processor
    deadline = time.monotonic() + 15
    calm = 0
    while time.monotonic() < deadline and calm < 3:
        idle = (not server.pending_updates() and handle.app.update_queue.empty()
                and processor.current_concurrent_updates == 0)
        calm = calm + 1 if idle else 0
        time.sleep(0.05)
    server.wait_quiet(quiet=0.15, timeout=10)


def snapshot(assistant) -> tuple:
    """Everything an update could change for residents, staff or the outbox."""
    with assistant.sessions() as session:
        return (
            [(u.external_id, u.consent, u.station_id, u.language) for u in session.scalars(select(User).order_by(User.id))],
            [(c.user_id, c.screen, repr(sorted(c.data.items()))) for c in
             session.scalars(select(Conversation).order_by(Conversation.user_id))],
            session.query(MessageRecord).count(),
            [(t.id, t.status, t.priority, repr(t.summary)) for t in session.scalars(select(Ticket).order_by(Ticket.id))],
            session.query(Notification).count(),
            session.query(AidDraft).count(), session.query(AidApplication).count(), session.query(LectureBooking).count(),
        )


def group_traffic(server) -> list:
    return [c for c in server.calls if c.method not in ("getUpdates", "getMe", "setMyCommands", "deleteWebhook",
                                                         "getFile", "answerCallbackQuery")
            and str(c.get("chat_id", "0")).startswith("-")]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


SEEN_PERSONAL: set[str] = set()


@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(parts=st.lists(updates() | stories(), min_size=1, max_size=3))
def test_random_updates_raise_nothing_change_nothing_when_invalid_and_leak_nothing_to_groups(live, parts):
    server, assistant, handle = live
    batch = [item for part in parts for item in part]
    before = snapshot(assistant)
    for update, _ in batch:
        if "callback_query" in update:
            query = update["callback_query"]
            update = {"callback_query": server._new_callback(query["from"], query["message"], query["data"])}
        server.push_update(update)
        text = (update.get("message") or {}).get("text", "")
        SEEN_PERSONAL.update(d for d in re.findall(r"[\d\- +]{11,}[Xx]?", text) if len(_digits(d)) >= 11)
    settle(server, handle)

    assert handle.errors == [], handle.errors
    if all(invalid for _, invalid in batch):
        assert snapshot(assistant) == before
    for call in group_traffic(server):
        assert call.method not in ("copyMessage", "forwardMessage"), call.summary()
        written = _digits(" ".join(str(call.get(key, "")) for key in ("text", "caption")))
        for secret in SEEN_PERSONAL:
            assert _digits(secret) not in written, call.summary()
