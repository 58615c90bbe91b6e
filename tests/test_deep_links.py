"""Deep-link payloads at the web chat's edge, the links an invitation carries, and the access log's redaction."""

from __future__ import annotations

import logging
import string

from hypothesis import given
from hypothesis import strategies as st
from uvicorn.logging import AccessFormatter

from bot.core.deep_links import PAYLOAD, links, split_command
from bot.core.messages import InboundKind
from bot.web.app import FIELDS
from bot.web.logs import AccessLogFilter, hide_credentials
from tests.handoff_helpers import OFFICE_HOURS
from tests.mediation_helpers import APPLICANT_PHONE, apply_in_terminal

ALLOWED = string.ascii_letters + string.digits + "_-"
payloads = st.text(alphabet=ALLOWED, min_size=1, max_size=64)
tokens = st.text(alphabet=ALLOWED, min_size=12, max_size=64)


@given(payloads)
def test_a_well_formed_payload_is_kept_exactly(payload):
    assert split_command(f"/start {payload}") == ("start", payload)
    assert split_command(f"  /START\t{payload}  ") == ("start", payload), "the command is case-blind, the token not"


@given(st.text(min_size=1, max_size=80).filter(lambda text: PAYLOAD.fullmatch(text.strip()) is None))
def test_a_malformed_payload_is_dropped_and_the_command_stays(text):
    command, payload = split_command(f"/start {text}")
    assert command == "start" and payload == ""


@given(st.text(max_size=200))
def test_any_typed_command_gives_a_lowercase_word_and_a_payload_of_the_allowed_shape(value):
    fields = FIELDS[InboundKind.COMMAND](value)
    assert fields["payload"] == "" or PAYLOAD.fullmatch(fields["payload"])
    assert fields["command"] == fields["command"].lower() and " " not in fields["command"]


def test_a_payload_longer_than_telegram_allows_is_dropped():
    assert split_command("/start m_" + "x" * 62) == ("start", "m_" + "x" * 62)
    assert split_command("/start m_" + "x" * 63) == ("start", "")
    assert split_command("/start m_<script>") == ("start", "")
    assert split_command("/") == ("", "")


def test_the_web_link_comes_first_and_carries_the_payload_in_the_fragment():
    found = links("m_abc", telegram="https://t.me/legal_market_bot", web="https://fl.example.cn/")
    assert list(found) == ["web", "telegram"]
    assert found == {"web": "https://fl.example.cn/#start=m_abc",
                     "telegram": "https://t.me/legal_market_bot?start=m_abc"}
    assert links("m_abc") == {}


@given(tokens)
def test_the_access_log_keeps_no_query_value_and_no_sign_in_token(token):
    for path in (f"/?start=m_{token}", f"/staff/signin/{token}", f"/staff/signin/{token}?next={token}",
                 f"/?{token}", f"/?from=wechat&start=m_{token}"):
        assert token not in hide_credentials(path), path
    assert hide_credentials("/api/turn") == "/api/turn"


def test_an_access_record_is_redacted_and_still_formats_as_uvicorn_writes_it():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("10.0.0.1:5000", "GET", "/?start=m_SECRETtoken123456789", "1.1", 200), None)
    assert AccessLogFilter().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    assert line == '10.0.0.1:5000 - "GET /?start=… HTTP/1.1" 200 OK'


def test_the_invitation_carries_both_links_when_the_web_chat_is_public_and_telegram_runs(assistant, clock):
    clock.now = OFFICE_HOURS
    assistant.bot_link = "https://t.me/legal_market_bot"
    assistant.settings.web = assistant.settings.web.model_copy(update={"public_url": "https://fl.example.cn"})
    _, text = apply_in_terminal(assistant)
    web = text.index("用浏览器打开（微信里也能点开）：https://fl.example.cn/#start=m_")
    telegram = text.index("用 Telegram 打开：https://t.me/legal_market_bot?start=m_")
    assert web < telegram, "the link that needs no Telegram comes first"
    assert text[web:].split("#start=")[1].split()[0] == text[telegram:].split("?start=")[1].split()[0], "one token"


def test_the_terminal_chat_alone_gets_the_command_to_type(assistant, clock):
    clock.now = OFFICE_HOURS
    _, text = apply_in_terminal(assistant)
    assert "/start m_" in text and "http" not in text
