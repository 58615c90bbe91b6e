"""A fake Telegram Bot API server for end-to-end tests of the real PTB Application.

Quick start::

    from tests.fakebot import FakeTelegram, run_application_in_thread

    with FakeTelegram(token="123:TEST", bot_user=dict(id=123, first_name="法律超市",
                                                       username="legal_market_bot")) as server:
        app = (ApplicationBuilder().token(server.token)
               .base_url(f"{server.url}/bot").base_file_url(f"{server.url}/file/bot").build())
        ...add handlers...
        handle = run_application_in_thread(app)            # or mode="webhook", secret_token=...
        try:
            u = server.private_user(1001, first_name="张三")
            mark = server.mark()
            u.send_command("/start")
            call = server.wait_for("sendMessage", lambda c: c["chat_id"] == u.id, after=mark)
            u.press_button(call, "劳动纠纷")
            ...
        finally:
            handle.stop()

Server (loopback, stdlib only, answers in Telegram's JSON shapes):
    FakeTelegram(token, bot_user, strict_chats=True, webhook_workers=1)
    .start() / .stop() / context manager; .url, .base_url, .base_file_url
    .calls: list[Call]; Call(index, method, params, result, time, files, error_code, description)
        call["text"] -> params; call.ok; call.message (the returned Message dict);
        call.files["document"] -> UploadedFile, unpacks as (filename, bytes), .content_type
    .mark() -> int; .wait_for(method|names|None, predicate(call)=None, timeout=5, after=None) -> Call
    .wait_for_message(chat, after=None, timeout=5, predicate(msg)=None) -> message dict
    .wait_quiet(quiet=0.3); .describe_calls(after=None)
    .fail_next(method|"*", error_code=429, description=None, retry_after=1, times=1, when=None)
    .private_user(user_id, first_name, language_code, ...) -> FakeUser
    .group(chat_id, title, is_forum=False, type="supergroup") -> FakeChat
    .set_member_status(chat, user_id, status); .block(user_id) / .unblock(user_id)
    .push_update(update, update_id=None) -> update with update_id
    .sent_to(chat) / .history(chat) / .last_message(chat) / .last_text(chat) / .message(chat, id)
    .current_message(target) / .keyboard_labels(target) / .reply_keyboard(chat)
    .commands(scope=None, language_code="") / .webhook() / .register_file(bytes, kind, ...)
    .callback_answer(callback_query_id)
    .deliveries: list[Delivery]; .wait_delivery(update_id=None); .post_to_webhook(update, secret_token=...)

Users (FakeUser): send_text, send_command, send_photo, send_document, send_voice,
    send_sticker, send_location, send_contact, edit_text, resend, press, press_button,
    press_reply_button, ask, click, wait_reply, sent, last_text, block/unblock.

Running PTB: run_application_in_thread(app, mode="polling"|"webhook", webhook_port=None,
    secret_token=None, webhook_url=None, ...) -> AppHandle with .stop(), .errors, .run_coroutine().
    Handler exceptions are collected in handle.errors and make handle.stop() raise
    (pass stop(raise_errors=False) or clear handle.errors in tests that provoke them).

Behaviour worth knowing (mirrors Telegram):
    * unknown chat_id -> 400 "chat not found" (FakeTelegram(strict_chats=False) invents a
      private chat for unknown positive ids instead);
    * text is parsed with parse_mode (HTML / MarkdownV2 / Markdown): stored messages hold the
      plain text + entities, malformed markup -> 400 "can't parse entities: ...";
    * editMessageText/Caption without reply_markup removes the inline keyboard; identical
      content -> 400 "message is not modified: ...";
    * answering a callback query twice -> 400 "query is too old ... or query ID is invalid";
    * a new getUpdates ends an older pending long poll with 409 "terminated by other getUpdates
      request" (after PTB's updater.stop() this shows up once for the abandoned poll);
    * updates whose type is not in allowed_updates are dropped (server.dropped_updates);
      chat_member / message_reaction* are off unless requested, as on Telegram.
"""

from .echo import build_echo_application
from .formatting import ParseError, detect_entities
from .runner import AppHandle, free_port, run_application_in_thread
from .server import ApiError, Call, Delivery, FakeTelegram
from .users import FakeChat, FakeUser
from .wire import UploadedFile

__all__ = [
    "ApiError",
    "AppHandle",
    "Call",
    "Delivery",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "ParseError",
    "UploadedFile",
    "build_echo_application",
    "detect_entities",
    "free_port",
    "run_application_in_thread",
]
