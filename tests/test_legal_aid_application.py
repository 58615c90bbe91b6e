"""The legal-aid application in the chat, on plain data: the wage helper, review and edit, bad input, one submit."""

import pytest
from sqlalchemy import func, select

from bot.core.messages import FileRef, InboundKind
from bot.db.models import AidApplication, AidDraft, AidEvidence
from tests.domain_helpers import Resident

JPEG = b"\xff\xd8\xff\xe0fake-jpeg"


def send_file(resident: Resident, name="p.jpg", mime="image/jpeg", content=JPEG, size=None):
    ref = FileRef(f"f-{name}", mime, len(content) if size is None else size, name)
    wanted = resident.assistant.wants_file(
        __import__("bot.core.messages", fromlist=["Inbound"]).Inbound(
            channel=resident.channel, user_id=resident.user_id, chat_id=resident.user_id, kind=InboundKind.MEDIA,
            file=ref))
    return wanted, resident._send(InboundKind.MEDIA, media_type="photo", file=ref,
                                  file_content=content if wanted else None)


def start(assistant, channel: str = "test", user_id: str = "1001") -> Resident:
    resident = Resident(assistant, user_id=user_id, channel=channel)
    resident.command("start")
    resident.press("同意")
    resident.press("法律援助")
    return resident


def wage_claim_to_review(resident: Resident) -> None:
    resident.press("讨要工资")
    resident.press("进城务工人员")
    resident.press("完成")
    assert "讨薪小助手" in resident.text
    resident.say("潞源某某小区3号楼")
    resident.say("包工头王五")
    resident.say("某某劳务公司/某某建工集团")
    resident.say("2026年3月到10月")
    resident.say("100")
    resident.say("每天350")
    resident.say("5000")
    assert "30,000" in resident.text and "考勤记录" in resident.text and "第二十七条" in resident.text
    resident.press("继续")
    resident.say("张三")
    resident.say("138 1234 5678")
    if "街道" in resident.text:
        resident.press("潞源")
    resident.say("老板拖欠了半年工资，一直不给。")
    for name in ("a.jpg", "b.jpg"):
        wanted, _ = send_file(resident, name)
        assert wanted and "收到" in resident.text
    resident.press("上传完了")


def test_migrant_worker_wage_claim_is_fast_tracked_and_submitted_once(assistant):
    resident = start(assistant)
    wage_claim_to_review(resident)
    review = resident.text
    assert "请核对" in review and "张三" in review and "30,000" in review and "2 个文件" in review
    assert "符合绿色通道" in review and "《中华人民共和国法律援助法》" not in review and "法律援助法》第四十二条" in review
    submit = next(b.data for row in resident.screen.buttons for b in row if "提交" in b.label)
    resident.press_data(submit)
    assert "FY-2026-000001" in resident.text and "潞源" in resident.text
    resident.press_data(submit)
    assert "已经提交过了" in resident.text
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AidApplication)) == 1
        application = session.scalar(select(AidApplication))
        assert application.fields["phone"] == "13812345678" and application.matter == "labor"
        assert application.decision["fast_track"] is True
        assert session.scalar(select(func.count()).select_from(AidEvidence)
                              .where(AidEvidence.application_id == application.id)) == 2
        assert session.scalar(select(func.count()).select_from(AidDraft)) == 0
    resident.command("menu")
    resident.press("我的记录")
    assert "FY-2026-000001" in resident.text and "已提交" in resident.text


def test_a_field_is_edited_from_the_review_screen(assistant):
    resident = start(assistant)
    wage_claim_to_review(resident)
    resident.press("✏️ 手机号")
    resident.say("13900001111")
    assert "请核对" in resident.text and "13900001111" in resident.text


def test_bad_input_is_asked_again_with_an_example(assistant):
    resident = start(assistant)
    resident.press("其他事项")
    resident.press("完成")
    resident.say("张三")
    resident.say("12345")
    assert "例如" in resident.text and "手机号" in resident.text
    resident.say("13812345678")
    resident.press("潞源")
    resident.press("劳动纠纷")
    resident.say("某某公司")
    resident.say("几千")
    assert "例如" in resident.text
    resident.say("两万三")
    resident.say("公司不给钱")
    resident.say("我没有照片")
    assert "请发照片或文件" in resident.text
    wanted, _ = send_file(resident, "x.exe", "application/x-msdownload", b"MZ")
    assert not wanted and "收不了" in resident.text
    wanted, _ = send_file(resident, "big.pdf", "application/pdf", b"%PDF", size=50 * 1024 * 1024)
    assert not wanted and "太大" in resident.text
    resident.press("跳过")
    assert "经济困难" in resident.text
    resident.say("家里四口人，只有我有收入，每月三千。")
    assert "请核对" in resident.text and "23,000" in resident.text


def test_cancel_abandons_the_draft_and_its_files(assistant):
    resident = start(assistant)
    resident.press("其他事项")
    resident.command("cancel")
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AidDraft)) == 0


def test_abandoned_drafts_are_purged_after_the_retention_period(assistant, clock):
    resident = start(assistant)
    resident.press("其他事项")
    clock.advance(days=assistant.retention.days("drafts") + 1)
    assistant.purge_expired()
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AidDraft)) == 0


def test_an_edit_that_ends_the_fast_track_asks_for_the_hardship_declaration(assistant):
    resident = start(assistant)
    wage_claim_to_review(resident)
    resident.press("✏️ 身份情况")
    resident.press("进城务工人员")  # no longer chosen
    resident.press("完成")
    assert "经济困难" in resident.text and "请核对" not in resident.text
    resident.say("家里四口人，只有我有收入。")
    assert "请核对" in resident.text and "经济困难说明" in resident.text


def test_an_amount_is_not_needed_for_matters_without_money(assistant):
    resident = start(assistant)
    resident.press("其他事项")
    resident.press("完成")
    resident.say("张三")
    resident.say("13812345678")
    resident.press("潞源")
    resident.press("婚姻")
    resident.say("丈夫")
    resident.say("无")
    assert "简单说说" in resident.text


@pytest.mark.parametrize("said, kind, rate", [
    ("每天350", "daily", "350"), ("350元/天", "daily", "350"), ("一天三百五", "daily", "350"),
    ("月薪8000", "monthly", "8000"), ("8000一个月", "monthly", "8000"), ("8000 per month", "monthly", "8000"),
])
def test_the_agreed_wage_is_read_as_workers_say_it(assistant, said, kind, rate):
    from bot.legal_aid import wage_helper

    data: dict = {}
    assert wage_helper.take(None, data, "w_rate", said) is None
    assert (data["wage"]["rate_kind"], data["wage"]["rate"]) == (kind, rate)


def test_a_worker_who_cannot_count_the_days_gives_days_a_month_instead(assistant):
    resident = start(assistant)
    resident.press("讨要工资")
    resident.press("完成")
    for answer in ("潞源工地", "包工头王五", "不知道", "2026年3月到10月"):
        resident.say(answer)
    resident.press("按月拿工资")
    resident.say("每天350")
    resident.say("0")
    assert "每月大概几天" in resident.text or "每月" in resident.text
    resident.say("每月26天")
    resident.say("每天350")
    resident.say("没有")
    assert "72,800" in resident.text and "继续" in "".join(resident.labels())
