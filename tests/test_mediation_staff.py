"""Staff's side on the command line (the phone reach, the audited full view) and the offer under consultation answers."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import MediationCase, TicketEvent
from bot.db.repositories import Repositories
from bot.mediation.cases import new_token, token_hash
from bot.privacy.export import as_json, collect
from bot.terminal import TerminalChat
from tests.handoff_helpers import OFFICE_HOURS, outbox_for, staff_cli
from tests.mediation_helpers import APPLICANT_PHONE, apply_in_terminal, mediation_cli

NUMBER = "TJ-2026-000001"


def test_staff_record_reaching_the_other_party_by_phone(assistant, settings, clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "701", "--name", "周所长", "--role", "station_staff", "--station", "luyuan")
    staff_cli(settings, clock, "add", "702", "--name", "外站员", "--role", "station_staff", "--station", "taihu")
    apply_in_terminal(assistant)
    code, out = mediation_cli(settings, clock, "reached", NUMBER, "--as", "702", "--answer", "accepted")
    assert code == 1 and "没有权限" in out, "another station's member may not act on the case"
    code, out = mediation_cli(settings, clock, "reached", NUMBER, "--as", "701", "--answer", "accepted")
    assert code == 0, out
    with assistant.sessions() as session:
        case = session.scalar(select(MediationCase))
        assert (case.status, case.respondent_by, case.respondent_id) == ("accepted", "phone", None)
        refused = session.scalars(select(TicketEvent.detail).where(TicketEvent.kind == "refused")).all()
    assert refused == [f"record_mediation station=luyuan {NUMBER}"], "the refusal is in the audit log"
    assert any("对方已同意调解" in n.text for n in outbox_for(assistant, "applicant-1"))


def test_show_masks_unless_a_member_with_the_right_asks_and_the_viewing_is_logged(assistant, settings, clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "701", "--name", "周所长", "--role", "station_staff", "--station", "luyuan")
    apply_in_terminal(assistant)
    code, out = mediation_cli(settings, clock, "show", NUMBER)
    assert code == 0 and "138****5678" in out and APPLICANT_PHONE not in out and "包工头" not in out
    assert "李*" in out
    code, out = mediation_cli(settings, clock, "show", NUMBER, "--as", "701")
    assert code == 0 and APPLICANT_PHONE in out and "包工头欠我" in out and "timer" not in out
    with assistant.sessions() as session:
        viewed = session.scalars(select(TicketEvent.detail).where(TicketEvent.kind == "unmasked")).all()
    assert viewed == [f"mediation={NUMBER}"]
    code, out = mediation_cli(settings, clock, "list", "--station", "潞源")
    assert NUMBER in out and "invited" in out and "李*" in out and APPLICANT_PHONE not in out


def test_consultation_answers_on_mediable_topics_offer_mediation(assistant, clock):
    chat = TerminalChat(assistant, user_id="asker")
    chat.send("/start")
    chat.send("1")
    answer = chat.send("老板拖欠工资三个月不给怎么办")
    if "你想问的是不是" in answer:  # the bot may first ask which question it is: the first one is about wages
        answer = chat.send("1")
    assert "第" in answer and "申请在线调解" in answer
    pressed = chat.send(next(str(i + 1) for i, b in enumerate(chat.choices) if "申请在线调解" in b.label))
    assert "第1/11步" in pressed


def test_mydata_holds_the_applicants_answers_and_only_the_case_for_the_other_party(assistant, clock):
    clock.now = OFFICE_HOURS
    apply_in_terminal(assistant)
    with assistant.sessions() as session:
        payload = next(iter(session.scalars(select(MediationCase.number))))
    other = TerminalChat(assistant, user_id="other-1")
    with assistant.sessions() as session, session.begin():  # a link of our own: the applicant's is in their chat
        token = new_token()
        session.scalar(select(MediationCase)).invite_hash = token_hash(token)
    other.send(f"/start m_{token}")
    assert "谢谢" in other.send("1")
    with assistant.sessions() as session:
        repos = Repositories(session)
        mine = collect(repos, repos.users.find("terminal", "applicant-1"))["mediation_cases"]
        theirs = collect(repos, repos.users.find("terminal", "other-1"))["mediation_cases"]
    assert mine[0]["number"] == payload and mine[0]["answers"]["phone"] == APPLICANT_PHONE
    assert theirs[0]["role"] == "respondent" and theirs[0]["answers"] is None
    assert APPLICANT_PHONE.encode() not in as_json({"mediation_cases": theirs})


def test_a_story_keeps_its_chinese_punctuation_and_full_width_digits_still_read_as_a_phone(assistant, clock):
    """Text answers are stored as typed (the agreement quotes them); typed numbers are still normalised."""
    clock.now = OFFICE_HOURS
    chat = TerminalChat(assistant, user_id="punctuation")
    chat.send("/start")
    chat.send("1")
    chat.send("🤝 在线调解")
    for line in ("4", "借给邻居两万元，约定半年还（有借条）：一直不还。", "还清两万元", "张三", "１３８１２３４５６７８"):
        screen = chat.send(line)
    assert "对方的姓名" in screen, "the full-width phone was read"
    from bot.db.models import FormDraft
    from sqlalchemy import select

    with assistant.sessions() as session:
        data = session.scalar(select(FormDraft.data).where(FormDraft.form == "mediation"))
    assert data["facts"] == "借给邻居两万元，约定半年还（有借条）：一直不还。" and data["phone"] == "13812345678"


def test_a_case_applied_for_in_the_web_chat_reaches_the_stations_telegram_group(assistant, clock, settings):
    """Staff work in Telegram: a web resident's case is posted to the station's Telegram group, masked."""
    from bot.db.models import Notification, User
    from sqlalchemy import select
    from tests.handoff_helpers import staff_cli

    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "set-group", "-100777", "--station", "潞源")
    chat = TerminalChat(assistant, user_id="web-visitor")
    chat.inbound = _as_web(chat.inbound)
    chat.send("/start")
    chat.send("1")
    chat.send("🤝 在线调解")
    for line in ("4", "借给邻居两万元，约定半年还，一直不还。", "还清两万元", "张三", APPLICANT_PHONE, "王五", "1",
                 "13900002222", "潞源", "1", "1", "5"):
        chat.send(line)
    chat.send(next(str(i + 1) for i, b in enumerate(chat.choices) if "同意告知对方并提交" in b.label))
    with assistant.sessions() as session:
        posts = session.scalars(select(Notification.text).join(User, User.id == Notification.user_id)
                                .where(User.channel == "telegram", User.external_id == "-100777")).all()
    assert len(posts) == 1 and "TJ-" in posts[0] and APPLICANT_PHONE not in posts[0]


def _as_web(inbound):
    from dataclasses import replace

    return lambda line: replace(inbound(line), channel="web")
