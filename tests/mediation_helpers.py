"""A resident applying for mediation through the fake Bot API, and `legalbot mediation …` for the tests."""

from __future__ import annotations

import argparse
import io
import re

from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import MediationCase
from bot.mediation.commands import add_parsers, run
from bot.terminal import TerminalChat

APPLICANT_PHONE = "13812345678"
OTHER_PHONE = "13900001111"
FACTS = "去年五月借给邻居王五两万元，约定半年还，到现在一直拖着不还。"
LINK = re.compile(r"https://t\.me/\w+\?start=(m_[A-Za-z0-9_-]+)")


def mediation_cli(settings, clock, *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command", required=True))
    out = io.StringIO()
    code = run(parser.parse_args(["mediation", *argv]), settings, clock, out)
    return code, out.getvalue()


def apply_for_mediation(server, resident, kind: str = "债务纠纷") -> tuple[dict, str]:
    """Fill the whole application in the chat and submit it; returns the confirmation and the invitation payload."""
    screen = resident.click(resident.ask("/menu"), "在线调解")
    if "同意并开始" in str(server.keyboard_labels(screen)):
        screen = resident.click(screen, "同意并开始")
    screen = resident.click(screen, kind)
    assert "至少 10 个字" in resident.ask("借钱不还")["text"], "too short an account is asked again"
    resident.ask(FACTS)
    resident.ask("希望他年底前还清两万元")
    resident.ask("张三")
    assert "不像手机" in resident.ask("12345")["text"]
    resident.ask(APPLICANT_PHONE)
    screen = resident.ask("王五")
    screen = resident.click(screen, "邻居")
    screen = resident.ask(OTHER_PHONE)
    screen = resident.click(screen, "潞源街道")
    screen = resident.click(screen, "视频调解")
    screen = resident.click(screen, "工作日上午")
    screen = resident.click(screen, "周末")
    review = resident.click(screen, "完成")
    assert "中立的案情摘要" in review["text"], "the review says what the other party will see"
    assert "请核对" in review["text"] and APPLICANT_PHONE in review["text"] and "工作日上午、周末" in review["text"]
    mark = server.mark()
    done = resident.click(review, "同意告知对方并提交")
    invitation = server.wait_for("sendMessage", lambda c: str(c["chat_id"]) == str(resident.id)
                                 and "start=m_" in c["text"], after=mark)
    return done, LINK.search(invitation["text"]).group(1)


def case_row(settings, number: str = "TJ-2026-000001") -> MediationCase:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            case = session.scalar(select(MediationCase).where(MediationCase.number == number))
            session.expunge_all()
            return case
    finally:
        engine.dispose()


def apply_in_terminal(assistant) -> tuple[TerminalChat, str]:
    """A wage case applied for in the terminal chat: the chat, and what submitting it said (the invitation)."""
    chat = TerminalChat(assistant, user_id="applicant-1")
    chat.send("/start")
    chat.send("1")
    chat.send("🤝 在线调解")
    for line in ("3", "包工头欠我三个月工资一万二，一直拖着不给。", "结清一万二工资", "李四", APPLICANT_PHONE, "赵老板",
                 "4", "13900002222", "潞源", "2", "1", "5"):
        chat.send(line)
    return chat, chat.send(next(str(i + 1) for i, b in enumerate(chat.choices) if "同意告知对方并提交" in b.label))
