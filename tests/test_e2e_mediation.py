"""网络调解 + 司法确认 end to end: the real PTB application, the fake Bot API, two residents and a mediator."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.mediation.desk import DELIVER_DOCUMENTS, FIRE_TIMERS
from bot.telegram_channel.app import DELIVER_NOTIFICATIONS
from tests.handoff_helpers import OFFICE_HOURS, staff_cli
from tests.mediation_helpers import APPLICANT_PHONE, OTHER_PHONE, apply_for_mediation, case_row, mediation_cli

GROUP = -100600
NUMBER = "TJ-2026-000001"


@pytest.fixture
def settings(settings):
    """Notifications go out right after each update, or when a test runs the delivery job."""
    settings.lectures = settings.lectures.model_copy(update={"demo_data": False})
    settings.notifications = settings.notifications.model_copy(update={"poll_seconds": 3600})
    return settings


def to_chat(chat_id):
    return lambda call: str(call["chat_id"]) == str(chat_id)


def texts_to(server, chat_id, after=0) -> list[str]:
    """Every text and caption the bot sent into a chat (sends and edits)."""
    calls = [c for c in server.calls_to(None, after=after) if str(c.get("chat_id")) == str(chat_id)]
    return [c.get("text") or c.get("caption") or "" for c in calls]


def documents_to(server, chat_id, after=0) -> dict[str, bytes]:
    calls = [c for c in server.calls_to("sendDocument", after=after) if str(c["chat_id"]) == str(chat_id)]
    return {c.files["document"][0]: c.files["document"][1] for c in calls}


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def deliver(bot, server) -> None:
    bot.run_job(DELIVER_NOTIFICATIONS)
    server.wait_quiet()


@pytest.fixture
def people(telegram_bot, settings, clock):
    clock.now = OFFICE_HOURS
    server = telegram_bot.server
    group = server.group(GROUP, title="潞源街道司法所工作群")
    staff_cli(settings, clock, "add", "601", "--name", "李调解员", "--role", "mediator", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", str(GROUP), "--station", "luyuan")
    applicant = server.private_user(9501, first_name="张三")
    respondent = server.private_user(9502, first_name="王五")
    mediator = server.private_user(601, first_name="李")
    return server, group, applicant, respondent, mediator


def test_two_residents_and_a_mediator_go_from_invitation_to_follow_up(telegram_bot, settings, clock, people):
    server, group, applicant, respondent, mediator = people
    mark = server.mark()
    done, payload = apply_for_mediation(server, applicant)
    assert NUMBER in done["text"] and "潞源街道人民调解委员会" in done["text"]
    post = server.wait_for("sendMessage", to_chat(GROUP), after=mark)
    assert NUMBER in post["text"] and "138****5678" in post["text"] and APPLICANT_PHONE not in post["text"]
    assert "一直拖着" not in post["text"], "the story stays out of the group until someone views or claims it"

    mark = server.mark()
    respondent.send_command("/start", payload)
    invitation = respondent.wait_reply(after=mark)
    assert "张三" in invitation["text"] and "债务纠纷" in invitation["text"] and "第二十三条" in invitation["text"]
    assert "拒绝调解" in invitation["text"] and "第十七条" in invitation["text"]
    accepted = respondent.click(invitation, "同意调解")
    assert NUMBER in accepted["text"]
    server.wait_for("sendMessage", lambda c: to_chat(applicant.id)(c) and "对方已同意" in c["text"], after=mark)

    mark = server.mark()
    mediator.press_button(post.message, "认领调解", chat=group)
    server.wait_for("answerCallbackQuery", after=mark)
    card = server.wait_for("sendMessage", to_chat(601), after=mark)
    edited = server.wait_for("editMessageText", to_chat(GROUP), after=mark)
    assert "调解员：李调解员" in edited["text"] and APPLICANT_PHONE not in edited["text"]
    assert server.keyboard_labels(post.message, chat=group) == [], "nobody else can press claim on a taken case"
    assert APPLICANT_PHONE in card["text"] and OTHER_PHONE in card["text"], "the claimer sees the phones, privately"
    server.wait_for("sendMessage", lambda c: to_chat(respondent.id)(c) and "李调解员" in c["text"], after=mark)

    code, out = mediation_cli(settings, clock, "schedule", NUMBER, "--as", "601", "--at", "2026-11-30 10:00",
                              "--at", "2026-12-01 15:00", "--place", "https://meeting.example.cn/tj1")
    assert code == 0, out
    mark = server.mark()
    deliver(telegram_bot, server)
    offers = {user.id: server.wait_for("sendMessage", lambda c, u=user: to_chat(u.id)(c) and "请选一个" in c["text"],
                                       after=mark) for user in (applicant, respondent)}
    noted = applicant.click(offers[applicant.id].message, "2026-11-30（周一）10:00")
    assert "等对方选好" in noted["text"]
    mark = server.mark()
    respondent.click(offers[respondent.id].message, "2026-11-30（周一）10:00")
    fixed = server.wait_for("sendMessage", lambda c: to_chat(applicant.id)(c) and "调解时间已确定" in c["text"], after=mark)
    assert "meeting.example.cn/tj1" in fixed["text"]

    clock.now = datetime(2026, 11, 29, 2, 5, tzinfo=timezone.utc)  # the day before, 10:05 in Beijing
    mark = server.mark()
    telegram_bot.run_job(FIRE_TIMERS)
    server.wait_quiet()
    assert sum("⏰ 提醒" in t for t in texts_to(server, applicant.id, mark)) == 1
    assert sum("⏰ 提醒" in t for t in texts_to(server, respondent.id, mark)) == 1

    clock.now = datetime(2026, 11, 30, 4, 0, tzinfo=timezone.utc)  # after the session
    code, out = mediation_cli(
        settings, clock, "record", NUMBER, "--as", "601", "--outcome", "agreement",
        "--facts", "2025年5月张三借给王五两万元，约定半年归还，王五至今未还。",
        "--matters", "王五是否应当归还借款及期限；王五承认借款，应当归还。",
        "--term", "party=respondent;does=归还借款;amount=20000;by=2026-12-31;how=银行转账")
    assert code == 0, out
    mark = server.mark()
    telegram_bot.run_job(DELIVER_DOCUMENTS, timeout=60)  # built in a thread of its own, with no lock held
    deliver(telegram_bot, server)
    for user in (applicant, respondent):
        files = documents_to(server, user.id, mark)
        assert set(files) == {f"调解协议书-{NUMBER}.docx", f"调解协议书-{NUMBER}.pdf"}
        assert files[f"调解协议书-{NUMBER}.pdf"].startswith(b"%PDF")
        body = docx_text(files[f"调解协议书-{NUMBER}.docx"])
        assert "王五" in body and "20,000.00" in body and "2026-12-31" in body and APPLICANT_PHONE not in body
        ready = server.wait_for("sendMessage", lambda c, u=user: to_chat(u.id)(c) and "内容无误" in c["text"], after=mark)
        confirmed = user.click(ready.message, "✅ 内容无误")
        assert "已记录" in confirmed["text"]
    row = case_row(settings)
    assert row.applicant_confirmed_at is not None and row.respondent_confirmed_at is not None

    for wrong, why in (("2026-11-29", "不能早于"), ("2026-12-01", "不能晚于今天")):
        code, out = mediation_cli(settings, clock, "effective", NUMBER, "--as", "601", "--on", wrong)
        assert code == 1 and why in out
    code, out = mediation_cli(settings, clock, "effective", NUMBER, "--as", "601", "--on", "2026-11-30")
    assert code == 0, out
    mark = server.mark()
    telegram_bot.run_job(DELIVER_DOCUMENTS, timeout=60)
    deliver(telegram_bot, server)
    for user in (applicant, respondent):
        notice = server.wait_for("sendMessage", lambda c, u=user: to_chat(u.id)(c) and "司法确认" in c["text"], after=mark)
        assert "2026-12-30" in notice["text"] and "北京市通州区人民法院" in notice["text"]
        assert "第三十三条" in notice["text"] and "第二百零五条" in notice["text"] and "第二百零六条" in notice["text"]
        assert set(documents_to(server, user.id, mark)) == {f"司法确认申请书-{NUMBER}.docx", f"司法确认申请书-{NUMBER}.pdf"}

    clock.now = datetime(2026, 12, 20, 1, 1, tzinfo=timezone.utc)  # day 20, 09:01 in Beijing
    mark = server.mark()
    telegram_bot.run_job(FIRE_TIMERS)
    server.wait_quiet()
    telegram_bot.restart()
    telegram_bot.run_job(FIRE_TIMERS)
    server.wait_quiet()
    for user in (applicant, respondent):
        assert sum("还剩 10 天" in t for t in texts_to(server, user.id, mark)) == 1, "fired once, across the restart"

    code, out = mediation_cli(settings, clock, "ruling", NUMBER, "--as", "601", "--result", "confirmed",
                              "--on", "2026-12-22")
    assert code == 0, out
    deliver(telegram_bot, server)
    clock.now = datetime(2026, 12, 27, 1, 1, tzinfo=timezone.utc)  # day 27: a ruling is recorded, so no reminder
    mark = server.mark()
    telegram_bot.run_job(FIRE_TIMERS)
    server.wait_quiet()
    assert not any("还剩" in t for t in texts_to(server, applicant.id, mark))

    clock.now = datetime(2026, 12, 31, 1, 1, tzinfo=timezone.utc)  # the agreed deadline
    mark = server.mark()
    telegram_bot.run_job(FIRE_TIMERS)
    asks = {user.id: server.wait_for("sendMessage", lambda c, u=user: to_chat(u.id)(c) and "履行了吗" in c["text"],
                                     after=mark) for user in (applicant, respondent)}
    steps = applicant.click(asks[applicant.id].message, "没有履行")
    assert "强制执行" in steps["text"] and "第二百零六条" in steps["text"]
    assert "已记录" in respondent.click(asks[respondent.id].message, "已履行")["text"]

    for user in (applicant, respondent):
        records = user.click(user.ask("/menu"), "我的记录")
        assert NUMBER in records["text"]
        timeline = user.click(records, NUMBER)
        assert "对方同意调解" in timeline["text"] and "法院裁定调解协议有效" in timeline["text"]
    respondent_saw = "\n".join(texts_to(server, respondent.id))
    assert APPLICANT_PHONE not in respondent_saw and "138****5678" not in respondent_saw
    applicant_saw = "\n".join(texts_to(server, applicant.id))
    assert applicant_saw.count(OTHER_PHONE) == 1, "only the review of what the applicant typed"


def test_a_refusal_ends_politely_and_tells_the_applicant_the_other_paths(telegram_bot, settings, clock, people):
    server, group, applicant, respondent, mediator = people
    _, payload = apply_for_mediation(server, applicant)
    mark = server.mark()
    respondent.send_command("/start", payload)
    invitation = respondent.wait_reply(after=mark)
    declined = respondent.click(invitation, "不同意")
    assert "尊重您的选择" in declined["text"] and "第十七条" in declined["text"]
    told = server.wait_for("sendMessage", lambda c: to_chat(applicant.id)(c) and "没有同意调解" in c["text"], after=mark)
    assert "劳动仲裁" in told["text"] and "法律援助" in told["text"]
    assert case_row(settings).status == "declined"
    mark = server.mark()
    respondent.send_command("/start", payload)
    again = respondent.wait_reply(after=mark)
    assert NUMBER in again["text"] and "对方不同意调解" in again["text"], "the respondent sees the case, not the choice"
    code, out = mediation_cli(settings, clock, "claim", NUMBER, "--as", "601")
    assert code == 1 and "已结束" in out


def test_forged_expired_and_used_links_open_nothing(telegram_bot, settings, clock, people):
    server, group, applicant, respondent, mediator = people
    stranger = server.private_user(9503, first_name="路人")
    for forged in ("m_AAAAAAAAAAAAAAAAAAAAAAAA", "m_x", "m_" + "Z" * 70):
        mark = server.mark()
        stranger.send_command("/start", forged)
        assert "链接无效" in stranger.wait_reply(after=mark)["text"]
    _, payload = apply_for_mediation(server, applicant)
    mark = server.mark()
    applicant.send_command("/start", payload)
    assert "您自己发出的" in applicant.wait_reply(after=mark)["text"]

    clock.advance(days=8)
    mark = server.mark()
    respondent.send_command("/start", payload)
    assert "已过期" in respondent.wait_reply(after=mark)["text"]
    assert case_row(settings).respondent_id is None

    clock.now = OFFICE_HOURS
    mark = server.mark()
    respondent.send_command("/start", payload)
    respondent.click(respondent.wait_reply(after=mark), "同意调解")
    mark = server.mark()
    stranger.send_command("/start", payload)
    used = stranger.wait_reply(after=mark)
    assert "已经被使用过" in used["text"]
    mark = server.mark()
    stranger.press(used, f"mdp:{case_row(settings).id}.acc")  # a forged press on someone else's invitation
    answer = server.wait_for("answerCallbackQuery", after=mark)
    assert "失效" in (answer.get("text") or "")
    records = stranger.click(stranger.ask("/menu"), "我的记录")
    assert NUMBER not in records["text"]
    assert not any(APPLICANT_PHONE in t or "张三" in t and "同意" in t for t in texts_to(server, stranger.id))


def test_a_member_outside_the_mediator_roles_cannot_claim(telegram_bot, settings, clock, people):
    server, group, applicant, respondent, mediator = people
    staff_cli(settings, clock, "add", "602", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    mark = server.mark()
    apply_for_mediation(server, applicant)
    post = server.wait_for("sendMessage", to_chat(GROUP), after=mark)
    lawyer = server.private_user(602, first_name="王")
    mark = server.mark()
    lawyer.press_button(post.message, "认领调解", chat=group)
    refused = server.wait_for("answerCallbackQuery", after=mark)
    assert "没有权限" in refused["text"]
    assert case_row(settings).mediator_id is None
    code, out = mediation_cli(settings, clock, "claim", NUMBER, "--as", "601")
    assert code == 0 and "李调解员" in out
    code, out = mediation_cli(settings, clock, "claim", NUMBER, "--as", "601")
    assert code == 1 and "已由 李调解员 认领" in out
