"""The knowledge base is big enough, complete in both languages, and cites only real articles."""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.knowledge.commands import all_cited_laws
from bot.knowledge.check import check_entries, cited_laws, shared_laws_folder
from bot.knowledge.entries import Citation
from bot.knowledge.laws import StatuteTable

ROOT = Path(__file__).resolve().parent.parent
TOPICS = set(yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8")))
TODAY = date(2026, 11, 26)


def test_kb_check_passes_on_the_shipped_knowledge_base(capsys):
    assert main(["kb", "check"]) == 0
    out = capsys.readouterr().out
    assert "0 problems" in out and "compared with the shared statute table" in out


def test_at_least_150_entries_covering_every_topic(knowledge):
    assert len(knowledge.entries) >= 150
    assert {entry.topic for entry in knowledge.entries} == TOPICS


def test_district_priorities_have_real_depth(knowledge):
    wages = [e for e in knowledge.entries if e.id.startswith("labor.wage")]
    assert len(wages) >= 15
    cited = {(c.law, c.article) for e in wages for c in e.citations}
    assert any(law == "migrant_worker_wage_payment_regulation" for law, _ in cited)
    assert any(law == "labor_dispute_mediation_arbitration_law" for law, _ in cited)


def test_project_holds_exactly_the_cited_statutes():
    copied = {path.stem for path in (ROOT / "knowledge" / "laws").glob("*.json")}
    assert copied == all_cited_laws(ROOT / "knowledge")


def test_every_cited_article_matches_the_shared_statute_text(knowledge):
    shared = shared_laws_folder(ROOT)
    if not shared.is_dir():
        pytest.skip("the shared statute table is not beside this checkout")
    table = StatuteTable(shared)
    for entry in knowledge.entries:
        for article in knowledge.articles(entry):
            assert table.article(article.law_id, article.number).text == article.text, entry.id
        assert len(knowledge.articles(entry)) == len(entry.citations), entry.id


def test_check_reports_an_unresolved_citation(knowledge):
    broken = replace(knowledge.entries[0], citations=(Citation("labor_contract_law", 999),))
    problems = check_entries([broken], TOPICS, knowledge.laws, TODAY)
    assert any("labor_contract_law article 999 does not resolve" in p for p in problems)


def test_check_reports_a_law_not_in_the_table(knowledge):
    broken = replace(knowledge.entries[0], citations=(Citation("no_such_law", 264),))
    assert any("does not resolve" in p for p in check_entries([broken], TOPICS, knowledge.laws, TODAY))


def test_an_inserted_article_resolves_by_its_string_number():
    shared = shared_laws_folder(ROOT)
    if not (shared / "criminal_law.json").exists():
        pytest.skip("the shared statute table is not beside this checkout")
    table = StatuteTable(shared)
    drunk_driving = table.article("criminal_law", "133-1")
    assert drunk_driving is not None and drunk_driving.label == "第一百三十三条之一"
    assert drunk_driving.heading() == "《刑法》第一百三十三条之一"
    assert table.article("criminal_law", " 133-1 ") is drunk_driving
    assert table.article("criminal_law", "133-9") is None
    assert table.article("criminal_law", 133).label == "第一百三十三条"


def test_check_reports_a_missing_translation(knowledge):
    broken = replace(knowledge.entries[0], answer={"zh": knowledge.entries[0].answer["zh"], "en": ""})
    assert any("missing en answer" in p for p in check_entries([broken], TOPICS, knowledge.laws, TODAY))


def test_check_reports_a_duplicate_id(knowledge):
    entry = knowledge.entries[0]
    assert any("duplicate id" in p for p in check_entries([entry, entry], TOPICS, knowledge.laws, TODAY))


def test_check_reports_an_entry_not_reviewed_for_a_year(knowledge):
    stale = replace(knowledge.entries[0], reviewed=date(2025, 11, 1))
    assert any("over a year ago" in p for p in check_entries([stale], TOPICS, knowledge.laws, TODAY))
    fresh = replace(knowledge.entries[0], reviewed=date(2025, 12, 1))
    assert check_entries([fresh], TOPICS, knowledge.laws, TODAY) == []


def test_check_reports_an_article_number_written_into_the_answer(knowledge):
    entry = knowledge.entries[0]
    broken = replace(entry, answer={**entry.answer, "zh": entry.answer["zh"] + "（见第三十条）"})
    assert any("article number" in p for p in check_entries([broken], TOPICS, knowledge.laws, TODAY))


def test_check_reports_text_that_differs_from_the_shared_table(knowledge, tmp_path):
    entry = knowledge.entries[0]
    citation = entry.citations[0]
    law = json.loads((ROOT / "knowledge" / "laws" / f"{citation.law}.json").read_text(encoding="utf-8"))
    for article in law["articles"]:
        if article["number"] == citation.article:
            article["text"] = "被篡改的条文"
    (tmp_path / f"{citation.law}.json").write_text(json.dumps(law, ensure_ascii=False), encoding="utf-8")
    problems = check_entries([entry], TOPICS, StatuteTable(tmp_path), TODAY, knowledge.laws)
    assert any("differs from the shared table" in p for p in problems)


def test_short_keys_are_unique(knowledge):
    assert len({entry.key for entry in knowledge.entries}) == len(knowledge.entries)
