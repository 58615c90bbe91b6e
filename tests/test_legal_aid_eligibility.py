"""Eligibility rules are data with a real legal basis, and decide who is fast-tracked and who declares hardship."""

from pathlib import Path

import pytest
import yaml

from bot.knowledge.check import shared_laws_folder
from bot.knowledge.laws import StatuteTable
from bot.legal_aid.eligibility import (
    Facts,
    RulesError,
    check_rule_book,
    evaluate,
    load_rule_book,
    parse_rule_book,
)
from bot.legal_aid.summary import CHAIN_LIABILITY, LIMITATION

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "knowledge" / "legal_aid_rules.yml"
STATUTES = StatuteTable(ROOT / "knowledge" / "laws")
TOPICS = set(yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def book():
    return load_rule_book(RULES)


def facts(matter=None, claim=None, *applicant) -> Facts:
    return Facts(matter, claim, frozenset(applicant))


def test_shipped_rules_are_sound(book):
    assert check_rule_book(book, STATUTES, TOPICS) == []


def test_every_cited_article_matches_the_shared_statute_text(book):
    shared = shared_laws_folder(ROOT)
    if not shared.is_dir():
        pytest.skip("the shared statute table is not beside this checkout")
    table = StatuteTable(shared)
    cited = [c for rule in book.rules for c in rule.citations] + [LIMITATION, *CHAIN_LIABILITY]
    for c in cited:
        assert table.article(c.law, c.article).text == STATUTES.article(c.law, c.article).text, c


# Each rule's citations must say what the rule claims: a phrase of the cited article's text.
SUPPORT = {
    "migrant-worker-wages": [
        ("legal_aid_law", 42, "免予核查经济困难状况"),
        ("legal_aid_law", 42, "申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员"),
        ("legal_aid_law", 31, "请求确认劳动关系或者支付劳动报酬"),
        ("beijing_legal_aid_regulation", 11, "农民工因请求支付劳动报酬或者工伤赔偿申请法律援助的，不受本条例规定的经济困难条件的限制"),
    ],
    "migrant-worker-work-injury": [
        ("legal_aid_law", 42, "申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员"),
        ("legal_aid_law", 31, "请求工伤事故"),
        ("beijing_legal_aid_regulation", 11, "工伤赔偿"),
    ],
    "abuse-victim": [("legal_aid_law", 32, "遭受虐待、遗弃或者家庭暴力的受害人主张相关权益")],
    "good-samaritan": [
        ("legal_aid_law", 32, "因见义勇为行为主张相关民事权益"),
        ("beijing_legal_aid_regulation", 12, "不受本条例规定的经济困难条件的限制"),
    ],
    "social-assistance": [("legal_aid_law", 42, "社会救助、司法救助或者优抚对象")],
    "dependent-without-income": [("legal_aid_law", 42, "无固定生活来源的未成年人、老年人、残疾人")],
    "hardship-declaration": [
        ("legal_aid_law", 41, "申请人应当如实说明经济困难状况"),
        ("legal_aid_law", 41, "个人诚信承诺"),
        ("legal_aid_law", 34, "经济困难的标准，由省、自治区、直辖市人民政府"),
        ("beijing_legal_aid_regulation", 10, "低收入家庭认定标准"),
        ("legal_aid_law", 43, "作出是否给予法律援助的决定"),
        ("legal_aid_law", 23, "提供法律咨询服务"),
    ],
}


def test_every_rule_cites_exactly_the_articles_that_support_it(book):
    assert {rule.id for rule in book.rules} == set(SUPPORT)
    for rule in book.rules:
        cited = {(c.law, c.article) for c in rule.citations}
        assert cited == {(law, number) for law, number, _ in SUPPORT[rule.id]}, rule.id
        for law, number, phrase in SUPPORT[rule.id]:
            assert phrase in STATUTES.article(law, number).text, (rule.id, law, number)


@pytest.mark.parametrize(
    "case, rule_id, fast_track",
    [
        (facts("labor", "wages", "migrant_worker"), "migrant-worker-wages", True),
        (facts("construction", "wages", "migrant_worker"), "migrant-worker-wages", True),
        (facts(None, "wages", "migrant_worker", "abuse_victim"), "migrant-worker-wages", True),
        (facts("labor", "work_injury", "migrant_worker"), "migrant-worker-work-injury", True),
        (facts("family", "other", "abuse_victim"), "abuse-victim", True),
        (facts("tort", "other", "good_samaritan"), "good-samaritan", True),
        (facts("family", "other", "social_assistance"), "social-assistance", True),
        (facts("family", "other", "dependent_without_income"), "dependent-without-income", True),
        (facts("labor", "wages"), "hardship-declaration", False),
        (facts("contract", "other", "migrant_worker"), "hardship-declaration", False),
        (facts("traffic", "other"), "hardship-declaration", False),
        (facts(), "hardship-declaration", False),
    ],
)
def test_first_matching_rule_decides(book, case, rule_id, fast_track):
    decision = evaluate(book, case)
    assert (decision.rule_id, decision.fast_track, decision.needs_hardship_declaration) == (
        rule_id,
        fast_track,
        not fast_track,
    )
    assert decision.explanation["zh"] and decision.explanation["en"] and decision.citations


def test_migrant_wage_claim_is_explained_with_its_article(book):
    decision = evaluate(book, facts("labor", "wages", "migrant_worker"))
    headings = [STATUTES.article(c.law, c.article).heading() for c in decision.citations]
    assert "《法律援助法》第四十二条" in headings
    assert "不需要审查家庭经济困难状况" in decision.explanation["zh"]


def minimal(**rule_changes) -> dict:
    """A sound two-rule book, with changes to its first rule."""
    first = {
        "id": "wages",
        "when": {"claims": ["wages"], "matters": ["labor"]},
        "outcome": "fast_track",
        "explanation": {"zh": "不用审查经济状况。", "en": "No means test."},
        "citations": [{"law": "legal_aid_law", "article": 42}],
    }
    first.update(rule_changes)
    last = {
        "id": "rest",
        "outcome": "hardship_declaration",
        "explanation": {"zh": "请说明经济状况。", "en": "Declare your finances."},
        "citations": [{"law": "legal_aid_law", "article": 41}],
    }
    return {"claims": {"wages": {"zh": "工资", "en": "Wages"}}, "applicant_categories": {}, "rules": [first, last]}


def problems(data: dict) -> list[str]:
    return check_rule_book(parse_rule_book(data), STATUTES, TOPICS)


def test_minimal_rule_book_is_sound():
    assert problems(minimal()) == []


def test_matters_condition_narrows_a_rule_to_those_topics():
    book = parse_rule_book(minimal())
    assert evaluate(book, facts("labor", "wages")).rule_id == "wages"
    assert evaluate(book, facts("family", "wages")).rule_id == "rest"


@pytest.mark.parametrize(
    "changes, complaint",
    [
        ({"citations": [{"law": "legal_aid_law", "article": 999}]}, "legal_aid_law article 999 does not resolve"),
        ({"citations": [{"law": "no_such_law", "article": 1}]}, "no_such_law article 1 does not resolve"),
        ({"citations": []}, "no legal basis cited"),
        ({"explanation": {"zh": "不用审查。"}}, "missing en explanation"),
        ({"explanation": {"zh": "依照第四十二条，不用审查。", "en": "x"}}, "article number is written"),
        ({"outcome": "maybe"}, "outcome must be one of"),
        ({"when": {"applicant": ["astronaut"]}}, "applicant value 'astronaut' is not defined"),
        ({"when": {"matters": ["space_law"]}}, "matters value 'space_law' is not defined"),
        ({"when": {"claims": []}}, "condition 'claims' lists nothing"),
        ({"when": {"income": ["low"]}}, "unknown condition 'income'"),
        ({"id": "Wages Rule"}, "id must be lowercase"),
        ({"id": "rest"}, "duplicate id"),
        ({"note": "x"}, "unknown key 'note'"),
        ({"when": {}}, "exactly one rule, the last, must have no `when`"),
    ],
)
def test_unsound_rule_is_reported(changes, complaint):
    assert any(complaint in problem for problem in problems(minimal(**changes))), problems(minimal(**changes))


def test_rule_book_without_a_catch_all_is_reported_and_cannot_decide_every_case():
    data = minimal()
    data["rules"].pop()
    assert any("must have no `when`" in p for p in problems(data))
    with pytest.raises(LookupError):
        evaluate(parse_rule_book(data), facts("family", "other"))


def test_label_missing_a_language_is_reported():
    data = minimal()
    data["claims"]["wages"] = {"zh": "工资"}
    assert any("claims 'wages'" in p for p in problems(data))


def test_unknown_condition_never_matches_so_a_typo_cannot_widen_a_rule():
    book = parse_rule_book(minimal(when={"claim": ["wages"]}))
    assert evaluate(book, facts("labor", "wages")).rule_id == "rest"


def test_file_without_a_rules_list_is_refused():
    with pytest.raises(RulesError):
        parse_rule_book({"claims": {}})
