"""End-to-end checks that PTB 22.8 works against the fake Telegram server in tests/fakebot."""

from __future__ import annotations

import asyncio
import hashlib
import time

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

try:  # run from the repo root (python -m pytest) or with tests/ on sys.path
    from tests.fakebot import FakeTelegram, build_echo_application, formatting, run_application_in_thread
except ImportError:  # pragma: no cover
    from fakebot import FakeTelegram, build_echo_application, formatting, run_application_in_thread

TOKEN = "123:TEST"
BOT_USER = dict(id=123, first_name="法律超市", username="legal_market_bot")


@pytest.fixture
def server():
    with FakeTelegram(token=TOKEN, bot_user=BOT_USER) as srv:
        yield srv


def builder(server: FakeTelegram) -> ApplicationBuilder:
    return ApplicationBuilder().token(TOKEN).base_url(f"{server.url}/bot").base_file_url(f"{server.url}/file/bot")


def direct_bot(server: FakeTelegram, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=f"{server.url}/bot", base_file_url=f"{server.url}/file/bot")


# --------------------------------------------------------------------------- polling basics


def test_echo_bot_polling(server):
    app = build_echo_application(server.url, TOKEN)
    handle = run_application_in_thread(app)
    try:
        assert server.calls[0].method == "getMe"
        assert any(c.method == "deleteWebhook" for c in server.calls)
        u = server.private_user(1001, first_name="张三")
        mark = server.mark()
        started = time.monotonic()
        u.send_text("你好，我想咨询工资问题")
        call = server.wait_for("sendMessage", lambda c: c["chat_id"] == u.id, after=mark)
        latency = time.monotonic() - started
        assert call["text"] == "你好，我想咨询工资问题"
        assert call.message["from"]["username"] == "legal_market_bot"
        assert u.last_text() == "你好，我想咨询工资问题"
        # the long poll (timeout=1) answered as soon as the update was queued
        assert latency < 0.8, latency
        ids = [m["message_id"] for m in server.history(u.id)]
        assert ids == sorted(ids) and len(set(ids)) == 2
    finally:
        handle.stop()
    # PTB's final getUpdates(offset=last+1) confirmed the update: nothing is pending any more
    assert server.pending_updates() == []
    # (the abandoned long poll it replaced is answered 409 "terminated by other getUpdates")
    polls = [c for c in server.calls if c.method == "getUpdates" and c.ok]
    assert polls[-1]["timeout"] == 0 and polls[-1]["offset"] > 100_000_000


def test_callback_query_round_trip_and_group_command(server):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("劳动纠纷", callback_data="topic:labor")],
                [InlineKeyboardButton("婚姻家庭", callback_data="topic:family")],
            ]
        )
        await update.effective_message.reply_text("请选择问题类型：", reply_markup=keyboard)

    async def on_topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("已选择")
        back = InlineKeyboardMarkup([[InlineKeyboardButton("返回", callback_data="back")]])
        await query.edit_message_text(f"你选择了：{query.data}", reply_markup=back)

    app = builder(server).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_topic, pattern=r"^topic:"))
    handle = run_application_in_thread(app)
    try:
        u = server.private_user(2002, first_name="李四")
        mark = server.mark()
        u.send_command("/start")
        menu = server.wait_for("sendMessage", after=mark)
        assert server.keyboard_labels(menu) == [["劳动纠纷"], ["婚姻家庭"]]

        mark = server.mark()
        update = u.press_button(menu, "劳动纠纷")
        qid = update["callback_query"]["id"]
        answer = server.wait_for("answerCallbackQuery", lambda c: c["callback_query_id"] == qid, after=mark)
        assert answer.ok and answer["text"] == "已选择"
        edit = server.wait_for("editMessageText", after=mark)
        assert edit.ok and edit["message_id"] == menu.message["message_id"]
        current = server.current_message(menu)
        assert current["text"] == "你选择了：topic:labor"
        assert server.keyboard_labels(menu) == [["返回"]]
        assert server.callback_answer(qid) == {"text": "已选择"}
        with pytest.raises(AssertionError, match="返回"):
            u.press_button(menu, "劳动纠纷")  # gone after the edit; the error lists the current labels
        assert len(server.sent_to(u.id)) == 1  # edited in place

        # in a group, "/start@legal_market_bot" is for us, "/start@other_bot" is not
        g = server.group(chat_id=-1001000000001, title="工友群")
        mark = server.mark()
        u.send_command("/start@other_bot", chat=g)
        u.send_command("/start@legal_market_bot", chat=g)
        reply = server.wait_for("sendMessage", lambda c: c["chat_id"] == g.id, after=mark)
        server.wait_quiet(0.2)
        group_sends = [c for c in server.calls_to("sendMessage", after=mark) if c["chat_id"] == g.id]
        assert len(group_sends) == 1
        # reply_text quotes in groups: PTB sends reply_parameters, the fake fills reply_to_message
        assert reply["reply_parameters"]["message_id"] == reply.message["reply_to_message"]["message_id"]
        assert reply.message["reply_to_message"]["text"] == "/start@legal_market_bot"
    finally:
        handle.stop()


def test_documents_upload_and_download(server):
    report = "法律援助申请表\n".encode() + bytes(range(256)) + b"\r\n--boundary-like\r\n"

    async def send_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_document(report, filename="申请表.pdf", caption="请查收")

    async def got_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        doc = update.effective_message.document
        file = await doc.get_file()
        data = await file.download_as_bytearray()
        await update.effective_message.reply_text(f"{doc.file_name} {hashlib.sha256(data).hexdigest()}")

    app = builder(server).build()
    app.add_handler(CommandHandler("report", send_report))
    app.add_handler(MessageHandler(filters.Document.ALL, got_document))
    handle = run_application_in_thread(app)
    try:
        u = server.private_user(3003)
        mark = server.mark()
        u.send_command("/report")
        call = server.wait_for("sendDocument", after=mark)
        assert call.ok
        filename, data = call.files["document"]
        assert filename == "申请表.pdf" and data == report
        assert call.files["document"].content_type == "application/pdf"
        assert call["caption"] == "请查收"
        assert call.message["document"]["file_name"] == "申请表.pdf"
        assert call.message["document"]["file_size"] == len(report)

        contract = b"%PDF-1.4 \x00\xff contract bytes"
        mark = server.mark()
        u.send_document("劳动合同.pdf", contract, "application/pdf")
        reply = u.wait_reply(after=mark)
        assert reply["text"] == f"劳动合同.pdf {hashlib.sha256(contract).hexdigest()}"
        assert server.wait_for("getFile", after=mark).ok
    finally:
        handle.stop()


# --------------------------------------------------------------------------- errors


# AIORateLimiter reads RetryAfter.retry_after, which PTB 22.2+ flags as changing type to timedelta
@pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")
def test_429_retry_after_with_rate_limiter(server):
    app = build_echo_application(server, TOKEN, rate_limiter=AIORateLimiter(max_retries=1))
    handle = run_application_in_thread(app)
    try:
        u = server.private_user(4004)
        server.fail_next("sendMessage", error_code=429, retry_after=1)
        mark = server.mark()
        u.send_text("限流测试")
        done = server.wait_for("sendMessage", lambda c: c.ok, after=mark, timeout=5)
        sends = server.calls_to("sendMessage", after=mark)
        assert [c.error_code for c in sends] == [429, None]
        assert sends[0].description == "Too Many Requests: retry after 1"
        assert done.time - sends[0].time >= 1.0
        assert u.last_text() == "限流测试"
    finally:
        handle.stop()


def test_bad_requests_surface_as_exceptions(server):
    server.private_user(5005)

    async def scenario() -> None:
        async with direct_bot(server) as bot:
            with pytest.raises(BadRequest, match="(?i)Chat not found"):
                await bot.send_message(999, "nobody")
            msg = await bot.send_message(5005, "<b>粗体</b>", parse_mode="HTML")
            assert msg.text == "粗体" and msg.entities[0].type == "bold"
            with pytest.raises(BadRequest, match="(?i)not modified"):
                await bot.edit_message_text("<b>粗体</b>", 5005, msg.message_id, parse_mode="HTML")
            with pytest.raises(BadRequest, match="(?i)parse entities"):
                await bot.send_message(5005, "<b>未闭合", parse_mode="HTML")
            with pytest.raises(BadRequest, match="(?i)reserved"):
                await bot.send_message(5005, "费用：100.5元", parse_mode="MarkdownV2")
            with pytest.raises(BadRequest, match="(?i)message to edit not found"):
                await bot.edit_message_text("x", 5005, 9999)
            with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
                await bot.send_message(
                    5005, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]])
                )
            with pytest.raises(BadRequest, match="(?i)query is too old"):
                await bot.answer_callback_query("12345")
            server.fail_next("sendMessage", error_code=400, description="Bad Request: injected")
            with pytest.raises(BadRequest, match="(?i)injected"):
                await bot.send_message(5005, "x")
            server.block(5005)
            with pytest.raises(Forbidden, match="(?i)blocked"):
                await bot.send_message(5005, "x")
        async with direct_bot(server, token="123:WRONG") as _bot:
            pass

    with pytest.raises(InvalidToken):  # initialize() calls getMe with the wrong token -> 404
        asyncio.run(scenario())
    assert server.calls_to("getMe")[-1].ok  # the right token worked
    wrong = httpx.post(f"{server.url}/bot123:WRONG/getMe")
    assert wrong.status_code == 404
    assert wrong.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


def test_handler_errors_are_collected(server):
    async def boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # editing a user's message is refused by Telegram: BadRequest inside a handler
        await context.bot.edit_message_text("x", update.effective_chat.id, update.effective_message.message_id)

    app = builder(server).build()
    app.add_handler(MessageHandler(filters.TEXT, boom))
    handle = run_application_in_thread(app)
    u = server.private_user(5006)
    mark = server.mark()
    u.send_text("hi")
    server.wait_for("editMessageText", after=mark)
    deadline = time.monotonic() + 2
    while not handle.errors and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(AssertionError, match="handlers raised 1 error"):
        handle.stop()
    assert isinstance(handle.errors[0], BadRequest)


# --------------------------------------------------------------------------- webhook


def test_webhook_mode(server):
    app = build_echo_application(server.url, TOKEN)
    handle = run_application_in_thread(app, mode="webhook", secret_token="s3cret-token_1")
    try:
        set_call = server.wait_for("setWebhook")
        assert set_call["url"] == handle.webhook_url
        assert set_call["secret_token"] == "s3cret-token_1"
        assert server.webhook()["url"] == handle.webhook_url

        u = server.private_user(6006)
        mark = server.mark()
        update = u.send_text("走 webhook")
        delivery = server.wait_delivery(update["update_id"])
        assert delivery.status == 200, delivery
        call = server.wait_for("sendMessage", after=mark)
        assert call["text"] == "走 webhook"

        probe = {"message": update["message"]}
        assert server.post_to_webhook(probe, secret_token="wrong") == 403
        assert server.post_to_webhook(probe, secret_token=None) == 403

        # while a webhook is set, getUpdates is a 409 Conflict like on Telegram
        with pytest.raises(Conflict, match="webhook is active"):
            handle.run_coroutine(app.bot.get_updates(timeout=0))
        info = handle.run_coroutine(app.bot.get_webhook_info())
        assert info.url == handle.webhook_url
    finally:
        handle.stop()


# --------------------------------------------------------------------------- duplicates


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_duplicate_delivery_is_not_deduplicated(server, mode):
    seen: list[int] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)
        await update.effective_message.reply_text(f"第{len(seen)}次")

    app = builder(server).build()
    app.add_handler(MessageHandler(filters.TEXT, record))
    handle = run_application_in_thread(app, mode=mode, secret_token="dup" if mode == "webhook" else None)
    try:
        u = server.private_user(7007)
        mark = server.mark()
        first = u.send_text("付款")
        u.wait_reply(after=mark)
        mark = server.mark()
        again = u.resend(first)  # same update_id, after the first was confirmed
        assert again["update_id"] == first["update_id"]
        u.wait_reply(after=mark)
        assert seen == [first["update_id"], first["update_id"]]
        assert [m["text"] for m in u.sent()] == ["第1次", "第2次"]
        # a later update still gets a fresh, larger id and is delivered normally
        mark = server.mark()
        third = u.send_text("再来")
        u.wait_reply(after=mark)
        assert third["update_id"] > first["update_id"] and seen[-1] == third["update_id"]
    finally:
        handle.stop()


# --------------------------------------------------------------------------- misc API surface


def test_commands_topics_media_and_keyboards(server):
    u = server.private_user(8008, first_name="王五")
    forum = server.group(chat_id=-1002000000002, title="法律咨询论坛", is_forum=True)
    photo = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + b"rest"

    async def scenario() -> None:
        async with direct_bot(server) as bot:
            await bot.set_my_commands([("start", "开始"), ("help", "帮助")], language_code="zh")
            await bot.set_my_commands([("start", "Start")])
            assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["start", "help"]
            assert [c.description for c in await bot.get_my_commands()] == ["Start"]
            await bot.delete_my_commands(language_code="zh")
            assert await bot.get_my_commands(language_code="zh") == ()
            with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
                await bot.set_my_commands([("Start", "x")])

            topic = await bot.create_forum_topic(forum.id, "工伤")
            sent = await bot.send_message(forum.id, "欢迎", message_thread_id=topic.message_thread_id)
            assert sent.is_topic_message and sent.message_thread_id == topic.message_thread_id
            with pytest.raises(BadRequest, match="(?i)thread not found"):
                await bot.send_message(forum.id, "x", message_thread_id=99999)

            pic = await bot.send_photo(u.id, photo, caption="示意图")
            assert (pic.photo[-1].width, pic.photo[-1].height) == (640, 480)
            voice = await bot.send_voice(u.id, b"OggS voice", duration=4)
            assert voice.voice.api_kwargs == {} and server.calls[-1].message["voice"]["duration"] == 4
            loc = await bot.send_location(u.id, 31.23, 121.47)
            assert loc.location.latitude == pytest.approx(31.23)
            copied = await bot.copy_message(u.id, u.id, pic.message_id)
            forwarded = await bot.forward_message(u.id, u.id, voice.message_id)
            assert forwarded.forward_origin.sender_user.id == BOT_USER["id"]
            assert copied.message_id == forwarded.message_id - 1

            keyboard = ReplyKeyboardMarkup([["劳动纠纷", "婚姻家庭"], ["返回"]], one_time_keyboard=True)
            await bot.send_message(u.id, "请选择", reply_markup=keyboard)
            chat = await bot.get_chat(u.id)
            assert chat.first_name == "王五"
            member = await bot.get_chat_member(forum.id, BOT_USER["id"])
            assert member.status == "administrator"

    asyncio.run(scenario())
    assert server.reply_keyboard(u.id) == [["劳动纠纷", "婚姻家庭"], ["返回"]]
    update = u.press_reply_button("返回")
    assert update["message"]["text"] == "返回"
    assert server.reply_keyboard(u.id) is None  # one_time_keyboard
    assert [m.get("text", m.get("caption")) for m in server.sent_to(u.id)][:1] == ["示意图"]
    assert server.commands(language_code="") == [{"command": "start", "description": "Start"}]


def test_formatting_rules():
    text, ents = formatting.parse('<b>粗</b><i>斜</i> <a href="https://x.cn">链接</a> &lt;tag&gt;', "HTML")
    assert text == "粗斜 链接 <tag>"
    assert [(e["type"], e["offset"], e["length"]) for e in ents] == [
        ("bold", 0, 1),
        ("italic", 1, 1),
        ("text_link", 3, 2),
    ]
    text, ents = formatting.parse("*粗体* _斜_ `代码` \\. [链接](https://x.cn) 😀*b*", "MarkdownV2")
    assert text == "粗体 斜 代码 . 链接 😀b"
    assert ents[-1] == {"type": "bold", "offset": 15, "length": 1}  # the emoji is 2 UTF-16 units
    with pytest.raises(formatting.ParseError, match="reserved"):
        formatting.parse("1-2", "MarkdownV2")
    with pytest.raises(formatting.ParseError, match="Unsupported start tag"):
        formatting.parse("<div>x</div>", "HTML")
    assert formatting.detect_entities("/start@legal_market_bot 你好") == [
        {"type": "bot_command", "offset": 0, "length": 23}
    ]
