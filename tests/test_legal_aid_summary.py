"""The one-page wage-claim summary shows the calculation, chain, evidence and time limit with its article."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.core.content import Texts
from bot.knowledge.laws import StatuteTable
from bot.legal_aid.parsing import Period
from bot.legal_aid.summary import (
    CHAIN_LIABILITY,
    LIMITATION,
    PARTY_ROLES,
    Party,
    WageClaimSummary,
    arbitration_deadline,
    calculation_lines,
    render_summary,
    summary_attachment,
)
from bot.legal_aid.wages import calculate_wages

ROOT = Path(__file__).resolve().parent.parent
TEXTS = Texts(yaml.safe_load((ROOT / "menus" / "texts.yml").read_text(encoding="utf-8")))
STATUTES = StatuteTable(ROOT / "knowledge" / "laws")
PERIOD = Period(date(2026, 3, 10), date(2026, 8, 31))


def zh(key, **values):
    return TEXTS.get(key, "zh", **values)


def en(key, **values):
    return TEXTS.get(key, "en", **values)


def summary(period=PERIOD, prepared_on=date(2026, 11, 27), chain=None, **calculation) -> WageClaimSummary:
    calculation = calculation or {"daily_wage": Decimal(350), "days_per_month": 26, "paid": Decimal(12000)}
    return WageClaimSummary(
        worker_name="张建国",
        phone="13812345678",
        work_site="通州区某小区3号楼工地",
        chain=chain if chain is not None else (
            Party("foreman", "王某"),
            Party("subcontractor", "北京某劳务有限公司"),
            Party("general_contractor", ""),
        ),
        period=period,
        calculation=calculate_wages(period=period if period and period.end else PERIOD, **calculation),
        evidence_held=frozenset({"attendance", "chat_records"}),
        prepared_on=prepared_on,
    )


def test_limitation_and_chain_articles_say_what_the_summary_claims():
    limitation = STATUTES.article(LIMITATION.law, LIMITATION.article).text
    assert "劳动争议申请仲裁的时效期间为一年" in limitation
    assert "劳动关系存续期间因拖欠劳动报酬发生争议的，劳动者申请仲裁不受本条第一款规定的仲裁时效期间的限制" in limitation
    assert "劳动关系终止的，应当自劳动关系终止之日起一年内提出" in limitation
    subcontractor, individual = (STATUTES.article(c.law, c.article).text for c in CHAIN_LIABILITY)
    assert "分包单位拖欠农民工工资的，由施工总承包单位先行清偿" in subcontractor
    assert "发包或者分包给个人或者不具备合法经营资格的单位，导致拖欠农民工工资的，由建设单位或者施工总承包单位清偿" in individual


def test_summary_shows_the_worker_the_calculation_and_what_is_owed():
    text = render_summary(summary(), zh, STATUTES)
    assert "姓名：张建国" in text and "工地：通州区某小区3号楼工地" in text
    assert "干活时间：2026年3月10日至2026年8月31日" in text
    assert "按每月 26 天折算 18 天 × 350 元/天 = 6,300 元" in text
    assert "5 个月 × 每月 26 天 × 350 元/天 = 45,500 元" in text
    assert "应得工资合计：51,800 元" in text and "已经拿到：12,000 元" in text and "还欠您：39,800 元" in text


def test_summary_lists_the_chain_in_order_and_marks_unknown_names():
    lines = render_summary(summary(), zh, STATUTES).splitlines()
    chain = [line for line in lines if line[:2] in ("1.", "2.", "3.")]
    assert chain == ["1. 包工头（班组长）：王某", "2. 分包单位（劳务公司等）：北京某劳务有限公司", "3. 施工总承包单位：（未填写）"]
    assert "依据：《保障农民工工资支付条例》第三十条、第三十六条" in lines


def test_evidence_checklist_ticks_what_the_worker_has():
    lines = render_summary(summary(), zh, STATUTES).splitlines()
    assert "☑ 考勤记录（记工本、打卡记录）" in lines
    assert "☐ 转账记录、银行流水（有的话请带上）" in lines
    assert sum(line.startswith(("☑", "☐")) for line in lines) == 6


def test_time_limit_counts_one_year_from_the_last_working_day_with_its_article():
    text = render_summary(summary(), zh, STATUTES)
    assert "最晚请在 2027年8月31日 前申请" in text
    assert "依据：《劳动争议调解仲裁法》第二十七条" in text


def test_time_limit_warns_that_it_may_have_run_out():
    text = render_summary(summary(prepared_on=date(2027, 9, 1)), zh, STATUTES)
    assert "可能已在 2027年8月31日 届满" in text and "最晚请在" not in text


def test_time_limit_while_still_working_is_open_ended_until_the_job_ends():
    open_period = Period(date(2026, 3, 1), None, False, False)
    text = render_summary(summary(period=open_period), zh, STATUTES)
    assert "干活时间：2026年3月起" in text
    assert "不受一年时效的限制" in text and "自终止之日起一年内申请" in text


@pytest.mark.parametrize("t", [zh, en])
def test_summary_fits_one_page_in_either_language(t):
    chain = tuple(Party(role, "某某") for role in PARTY_ROLES)
    text = render_summary(summary(chain=chain), t, STATUTES)
    assert len(text.splitlines()) <= 50
    assert "{" not in text and "}" not in text


def test_english_summary_is_english():
    text = render_summary(summary(), en, STATUTES)
    assert "Still owed to you: 39,800 yuan" in text and "Period worked: 2026-03-10 to 2026-08-31" in text


def test_overpaid_calculation_says_nothing_is_owed():
    lines = calculation_lines(calculate_wages(daily_wage=Decimal(300), days_worked=10, paid=Decimal(3500)), zh)
    assert lines[-1].startswith("按这样算，已拿到的比应得的多 500 元")
    assert not any(line.startswith("还欠您") for line in lines)


def test_attachment_is_a_text_file_notepad_can_open():
    attachment = summary_attachment(summary(), zh, STATUTES)
    assert attachment.filename == "wage-claim-summary-2026-11-27.txt" and attachment.mime_type == "text/plain"
    assert attachment.content.startswith("\ufeff".encode()) and b"\r\n" in attachment.content
    assert "还欠您：39,800 元" in attachment.content.decode("utf-8-sig")


def test_summary_refuses_to_cite_an_article_the_statute_table_lacks(tmp_path):
    with pytest.raises(LookupError):
        render_summary(summary(), zh, StatuteTable(tmp_path))


@pytest.mark.parametrize(
    "last_day, deadline",
    [
        (date(2026, 8, 31), date(2027, 8, 31)),
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2026, 12, 31), date(2027, 12, 31)),
    ],
)
def test_arbitration_deadline_is_the_same_date_a_year_later(last_day, deadline):
    assert arbitration_deadline(last_day) == deadline
