"""企业法律体检: the questionnaire on the form engine, the scoring and its citations, the report, the follow-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.models import FormDraft, FormSubmission, Ticket
from bot.forms.definition import load_form
from bot.health_check.scoring import assess, check_rules, load_rules
from bot.knowledge.laws import statute_table
from bot.terminal import TerminalChat
from tests.domain_helpers import Resident

ROOT = Path(__file__).resolve().parent.parent
FORM = load_form(ROOT / "forms" / "health_check.yml")
RULES = load_rules(ROOT / "knowledge" / "health_check.yml")
STATUTES = statute_table(ROOT / "knowledge" / "laws")
QUESTIONS = [step for step in FORM.steps if step.type == "choice" and step.choices and step.choices[0].key == "yes"]
AREAS = {"labour", "contracts", "governance", "ip", "privacy", "safety"}
# A phrase of each cited article that says what the finding relies on: the citation is read, not just resolved.
ARTICLE_SAYS = {
    ("labor_contract_law", 10): "书面劳动合同", ("labor_contract_law", 82): "二倍的工资",
    ("social_insurance_law", 58): "三十日内", ("labor_law", 41): "三十六小时", ("labor_law", 50): "按月支付",
    ("migrant_worker_wage_payment_regulation", 26): "农民工工资专用账户",
    ("migrant_worker_wage_payment_regulation", 55): "专用账户", ("civil_code", 496): "格式条款",
    ("civil_code", 504): "超越权限", ("civil_code", 490): "盖章", ("company_law", 49): "按期足额缴纳",
    ("anti_unfair_competition_law", 9): "商业秘密", ("trademark_law", 3): "商标专用权",
    ("personal_information_protection_law", 13): "取得个人的同意", ("work_safety_law", 21): "安全生产责任制",
    ("work_safety_law", 28): "安全生产教育和培训", ("work_safety_law", 51): "工伤保险",
}


def answers(default: str = "yes", **given: str) -> dict:
    return {"industry": "construction", **{step.id: default for step in QUESTIONS}, **given}


def test_the_scoring_file_names_real_questions_answers_and_articles():
    possible = {step.id: {c.key for c in step.choices} for step in FORM.steps}
    assert check_rules(RULES, possible, STATUTES) == []
    assert {area.id for area in RULES.areas} == AREAS
    assert AREAS == {risk.area for risk in RULES.risks}


@pytest.mark.parametrize("law, article", sorted(ARTICLE_SAYS))
def test_a_cited_article_says_what_the_risk_relies_on(law, article):
    assert ARTICLE_SAYS[law, article] in STATUTES.article(law, article).text


def test_every_cited_article_is_in_the_statute_table_and_read_for_some_risks():
    cited = {(c.law, c.article) for risk in RULES.risks for c in risk.citations}
    assert all(STATUTES.article(*key) is not None for key in cited)
    assert set(ARTICLE_SAYS) <= cited


def test_a_check_with_broken_rules_is_refused():
    possible = {step.id: {c.key for c in step.choices} for step in FORM.steps}
    broken = type(RULES)(RULES.areas, RULES.risks + (type(RULES.risks[0])(
        id="x", area="nowhere", level="purple", when={"no_such_question": ["yes"]}, finding={"zh": "x", "en": "x"},
        next_step={"zh": "x", "en": "x"}, citations=(type(RULES.risks[0].citations[0])("labor_law", 999),)),))
    problems = " ".join(check_rules(broken, possible, STATUTES))
    for phrase in ("unknown area", "purple", "no_such_question", "labor_law article 999"):
        assert phrase in problems


def test_all_yes_is_green_everywhere():
    result = assess(RULES, answers())
    assert result["risks"] == [] and set(result["levels"].values()) == {"green"}


def test_levels_follow_the_worst_risk_of_each_area():
    result = assess(RULES, answers(contracts="no", probation="unsure", seals="partly"))
    assert result["levels"]["labour"] == "red" and result["levels"]["contracts"] == "amber"
    assert result["levels"]["safety"] == "green"
    assert {"no_written_contracts", "probation_terms", "seal_control"} == set(result["risks"])


def test_the_wage_account_is_asked_and_scored_only_for_construction_firms():
    assert "construction_wage_account" in assess(RULES, answers(wage_account="no"))["risks"]
    assert "construction_wage_account" not in assess(RULES, answers(industry="tech", wage_account="no"))["risks"]
    step = FORM.step("wage_account")
    assert step.when == {"industry": "construction"}


def fill(resident: Resident, company="北京某某建筑劳务有限公司", industry="建筑施工", unsure=()) -> None:
    """Answer the whole questionnaire: ✅ 是 everywhere but the contracts (❌) and the wage account (🔸)."""
    resident.press("企业服务")
    resident.press("企业法律体检")
    assert "企业名称" in resident.text
    resident.say(company)
    if "街道" in resident.text:
        resident.press("台湖")
    resident.say("13800138000")
    resident.press("10–49 人")
    resident.press(industry)
    while "请核对" not in resident.text:
        step = resident.text
        if "书面劳动合同" in step:
            resident.press("❌ 否")
        elif "专用账户" in step:
            resident.press("部分做到")
        elif any(word in step for word in unsure):
            resident.press("不清楚")
        else:
            resident.press("✅ 是")


def test_an_enterprise_gets_a_report_with_citations_and_books_a_follow_up(assistant):
    resident = Resident(assistant, user_id="7001")
    resident.command("start")
    resident.press("同意")
    fill(resident)
    review = resident.text
    assert "书面劳动合同：❌ 否" in review and "农民工工资专用账户：🔸 部分做到" in review
    resident.press("提交")
    report = resident.text
    assert "QY-2026-" in report and "北京某某建筑劳务有限公司" in report
    assert "■ 劳动用工：🔴 高风险" in report and "■ 安全生产：🟢 未见明显风险" in report
    assert "《劳动合同法》第十条、第八十二条" in report and "《保障农民工工资支付条例》第二十六条" in report
    assert "二倍工资" in report and "补签书面劳动合同" in report
    resident.press("预约回访")
    assert "已为 北京某某建筑劳务有限公司" in resident.text and "工单" in resident.text
    with assistant.sessions() as session:
        ticket = session.scalar(select(Ticket))
        submission = session.scalar(select(FormSubmission))
        assert ticket.reason == "health_check" and ticket.station_id == "taihu"
        assert any("health_check QY-2026-" in line for line in ticket.summary["context"])
        assert ticket.summary["phone"] == "13800138000"
        assert submission.follow_up_at is not None and submission.result["levels"]["labour"] == "red"
        assert session.scalar(select(func.count()).select_from(FormDraft)) == 0


def test_a_second_follow_up_and_a_second_submit_do_nothing_twice(assistant):
    resident = Resident(assistant, user_id="7002")
    resident.command("start")
    resident.press("同意")
    fill(resident, industry="科技互联网")
    assert "专用账户" not in resident.text, "only construction firms are asked about the wage account"
    submit = next(b.data for row in resident.screen.buttons for b in row if "提交" in b.label)
    resident.press_data(submit)
    follow_up = next(b.data for row in resident.screen.buttons for b in row if "预约回访" in b.label)
    resident.press_data(submit)
    assert "QY-2026-" in resident.text, "a second submit shows the first report"
    resident.press_data(follow_up)
    resident.command("cancel")  # leaves the ticket
    resident.press_data(follow_up)
    assert "已经预约过回访" in (resident.last.notice or "")
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(FormSubmission)) == 1
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
    resident.command("menu")
    resident.press("我的记录")
    assert "🏢 企业法律体检" in resident.text and "（已预约回访）" in resident.text
    resident.press("查看报告")
    assert "■ 劳动用工" in resident.text


def test_bad_answers_are_asked_again_with_a_reason_and_edits_return_to_the_review(assistant):
    resident = Resident(assistant, user_id="7003")
    resident.command("start")
    resident.press("同意")
    resident.press("企业服务")
    resident.press("企业法律体检")
    resident.say("X")
    assert "2 到 100 个字" in resident.text
    resident.say("通州某某科技有限公司")
    resident.say("台湖")
    resident.say("12345")
    assert "号码好像不对" in resident.text
    resident.say("010-81234567")
    resident.say("二十个人")
    assert "请点下面的按钮" in resident.text
    resident.press("10–49 人")
    resident.press("科技互联网")
    while "请核对" not in resident.text:
        resident.press("✅ 是")
    resident.press("✏️ 商标注册")
    resident.press("❌ 否")
    assert "请核对" in resident.text and "商标注册：❌ 否" in resident.text
    resident.press("提交")
    assert "■ 知识产权与商业秘密：🟠 需关注" in resident.text and "《商标法》第三条、第四条" in resident.text


def test_the_questionnaire_survives_a_restart_and_cancel_deletes_it(assistant, settings, clock, domain_services):
    from bot.services import build_assistant

    resident = Resident(assistant, user_id="7004")
    resident.command("start")
    resident.press("同意")
    resident.press("企业服务")
    resident.press("企业法律体检")
    resident.say("通州某某商贸有限公司")
    restarted = build_assistant(settings, clock=clock, migrate=False, **domain_services)
    try:
        again = Resident(restarted, user_id="7004")
        again.say("台湖")
        assert "联系电话" in again.text
        again.command("cancel")
        with restarted.sessions() as session:
            assert session.scalar(select(func.count()).select_from(FormDraft)) == 0
    finally:
        restarted.close()


def test_the_health_check_in_english(assistant):
    resident = Resident(assistant, user_id="7005", language="en")
    resident.command("start")
    resident.press("I agree")
    resident.press("For enterprises")
    resident.press("Legal health check")
    assert "enterprise's name" in resident.text
    resident.say("Tongzhou Example Trading Co.")
    resident.press("Taihu")
    assert "contact phone" in resident.text


def test_the_health_check_in_the_terminal(assistant):
    chat = TerminalChat(assistant, user_id="term-hc")

    def pick(label: str) -> str:
        number = next(n for n, b in enumerate(chat.choices, 1) if label in b.label)
        return chat.send(str(number))

    chat.send("/start")
    pick("同意")
    pick("企业服务")
    screen = pick("企业法律体检")
    assert "企业名称" in screen
    chat.send("通州某某制造有限公司")
    chat.send("@39.825,116.600")  # a shared location picks the nearest station: 台湖镇
    chat.send("13800138000")
    pick("50–299 人")
    screen = pick("生产制造")
    while "请核对" not in screen:
        screen = pick("❌ 否" if "安全生产教育" in screen else "✅ 是")
    screen = pick("提交")
    assert "■ 安全生产：🔴 高风险" in screen and "《安全生产法》第二十八条、第九十七条" in screen
    screen = pick("预约回访")
    assert "已为 通州某某制造有限公司" in screen


def test_the_questionnaire_asks_for_consent_first_and_takes_nothing_before(assistant):
    resident = Resident(assistant, user_id="7006")
    resident.press_data("go:health_check")
    assert "请先" not in resident.text and "同意后才能开始" in resident.text
    resident.say("通州某某科技有限公司")
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(FormDraft)) == 0, "without consent nothing is kept"
    resident.press_data("go:health_check")
    resident.press("同意并开始体检")
    assert "企业名称" in resident.text


def test_a_typed_station_that_does_not_exist_is_asked_again(assistant):
    resident = Resident(assistant, user_id="7007")
    resident.command("start")
    resident.press("同意")
    resident.press_data("go:health_check")
    resident.say("通州某某科技有限公司")
    resident.say("火星镇")
    assert "没有找到“火星镇”" in resident.text and "街道" in resident.text


def test_staff_list_the_reports_with_phones_masked(assistant, settings, capsys):
    import argparse

    from bot.health_check.service import add_parser, run

    resident = Resident(assistant, user_id="7008")
    resident.command("start")
    resident.press("同意")
    fill(resident)
    resident.press("提交")
    resident.press("预约回访")
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    assert run(parser.parse_args(["health-check", "list", "--follow-up"]), settings) == 0
    out = capsys.readouterr().out
    assert "QY-2026-" in out and "北京某某建筑劳务有限公司" in out and "red=1" in out
    assert "138****8000" in out and "13800138000" not in out
