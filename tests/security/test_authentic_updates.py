"""Authentic updates: no webhook without a secret, the secret checked in constant time, and a private chat's
updates accepted only from the chat's owner."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from telegram import Update

from bot.db.models import Conversation, MessageRecord, TicketEvent, User
from bot.services import build_assistant
from bot.telegram_channel import authenticity
from bot.telegram_channel.app import build_application, run
from bot.telegram_channel.authenticity import MissingWebhookSecret, WebhookSecret, webhook_secret
from tests.conftest import BOT_USER
from tests.fakebot import FakeTelegram, free_port, run_application_in_thread

SECRET = "s3cret-token_for-the-webhook-0123456789"


def test_webhook_mode_refuses_to_start_without_a_secret(settings):
    settings.telegram_webhook_secret = None
    with pytest.raises(MissingWebhookSecret, match="TELEGRAM_WEBHOOK_SECRET is not set"):
        run(settings, assistant=None, webhook=True)  # refused before anything is built


def test_webhook_mode_refuses_a_guessable_secret(settings):
    settings.telegram_webhook_secret = SecretStr("short")
    with pytest.raises(MissingWebhookSecret, match="24-256 characters"):
        webhook_secret(settings)


def test_legalbot_run_webhook_without_a_secret_exits_and_says_why(monkeypatch, capsys):
    from bot import cli
    from bot.settings import get_settings

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    get_settings.cache_clear()
    try:
        assert cli.main(["run", "--webhook"]) == 2
    finally:
        get_settings.cache_clear()
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err


def test_the_webhook_secret_is_compared_in_constant_time(monkeypatch):
    compared = []
    real = authenticity.hmac.compare_digest
    monkeypatch.setattr(authenticity.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    secret = WebhookSecret(SECRET)
    assert "wrong" != secret and not ("wrong" == secret)  # the way PTB's webhook handler compares: header first
    assert SECRET == secret
    assert len(compared) == 3


@pytest.fixture
def webhook_bot(settings, clock, domain_services):
    """The bot in webhook mode with the production secret object, on a fake Bot API server."""
    server = FakeTelegram(token="123456:E2E", bot_user=BOT_USER).start()
    settings = settings.model_copy(update={
        "telegram_bot_token": SecretStr(server.token), "telegram_api_url": server.url,
        "telegram_webhook_secret": SecretStr(SECRET)})
    assistant = build_assistant(settings, clock=clock, migrate=False, **domain_services)
    application = build_application(settings, assistant)
    port = free_port()
    handle = run_application_in_thread(application, "webhook", allowed_updates=Update.ALL_TYPES, collect_errors=False,
                                       webhook_port=port, secret_token=webhook_secret(settings),
                                       webhook_url=f"http://127.0.0.1:{port}/telegram")
    yield server, assistant
    handle.stop()
    server.stop()


def test_a_webhook_call_with_a_wrong_or_missing_secret_is_refused(webhook_bot, monkeypatch):
    server, assistant = webhook_bot
    compared = []
    real = authenticity.hmac.compare_digest
    monkeypatch.setattr(authenticity.hmac, "compare_digest", lambda a, b: compared.append(1) or real(a, b))
    victim = server.private_user(9501, first_name="受害人")
    forged = {"message": {"message_id": 1, "date": 0, "chat": victim.chat, "from": victim.as_dict(), "text": "/start"}}
    mark = server.mark()
    assert server.post_to_webhook(forged, secret_token=None) == 403
    assert server.post_to_webhook(forged, secret_token=SECRET[:-1] + "x") == 403
    assert compared  # the wrong header went through the constant-time comparison
    server.wait_quiet(0.5)
    assert server.calls_to("sendMessage", after=mark) == []
    with assistant.sessions() as session:
        assert session.scalar(select(User).where(User.external_id == "9501")) is None
    assert server.post_to_webhook(forged, secret_token=SECRET) == 200
    server.wait_for("sendMessage", lambda call: str(call["chat_id"]) == "9501", after=mark)


def _state(assistant, external_id: str):
    with assistant.sessions() as session:
        user = session.scalar(select(User).where(User.external_id == external_id))
        conversation = session.scalar(select(Conversation).where(Conversation.user_id == user.id))
        messages = session.scalar(select(MessageRecord.id).order_by(MessageRecord.id.desc()).limit(1))
        return conversation.screen, dict(conversation.data), user.consent, messages


def test_a_private_update_whose_sender_is_not_the_chat_is_dropped_and_audited(telegram_bot):
    server = telegram_bot.server
    victim = server.private_user(9511, first_name="受害人")
    attacker = server.private_user(9512, first_name="攻击者")
    home = victim.click(victim.ask("/start"), "✅ 同意")
    before = _state(telegram_bot.assistant, "9511")

    mark = server.mark()
    attacker.send_text("🗂 我的记录", chat=victim.id)  # from the attacker, addressed as the victim's chat
    attacker.send_command("human", chat=victim.id)
    attacker.press(home, "go:records", chat=victim.id)
    server.wait_quiet(0.6)

    assert [c for c in server.calls_to(after=mark) if c.method.startswith(("send", "edit", "copy"))] == []
    assert _state(telegram_bot.assistant, "9511") == before
    with telegram_bot.assistant.sessions() as session:
        forged = list(session.scalars(select(TicketEvent).where(TicketEvent.kind == authenticity.FORGED)))
        assert session.scalar(select(User).where(User.external_id == "9512")) is None
    assert len(forged) == 3
    assert {event.actor for event in forged} == {"telegram:9512"}
    assert all("chat=9511" in event.detail for event in forged)
