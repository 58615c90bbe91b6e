"""Build a period's report from the database: figures by SQL, words from the content files."""

from __future__ import annotations

from datetime import datetime

import yaml
from sqlalchemy.orm import Session

from bot.core.content import Texts, load_texts
from bot.knowledge.entries import load_entries
from bot.legal_aid.context import book_for
from bot.legal_aid.eligibility import RuleBook
from bot.reports.document import Document, Labels, build_document
from bot.reports.figures import applicant_category_counts, build_figures
from bot.mediation.context import service_data
from bot.reports.periods import Period
from bot.reports.render import render
from bot.settings import Settings


def report_labels(settings: Settings, texts: Texts, book: RuleBook, lang: str) -> Labels:
    """Topic, station, question and legal-aid names in one language, read from the project's data files."""
    topics = yaml.safe_load((settings.knowledge_dir / "topics.yml").read_text(encoding="utf-8"))
    stations = {station.id: station.name.get(lang) or station.id for station in settings.stations}
    stations["district"] = texts.get("report_district_centre", lang)
    entries = load_entries(settings.knowledge_dir / "entries")
    questions = {entry.id: entry.question.get(lang) or entry.id for entry in entries}

    def name(table: dict, key: str) -> str:
        value = table.get(key)
        return value.get(lang, key) if isinstance(value, dict) else (value or key)

    return Labels(
        t=lambda key, **values: texts.get(key, lang, **values),
        topic=lambda key: name(topics, key),
        station=lambda key: stations.get(key or "district", key or ""),
        entry=lambda key: questions.get(key, key),
        claim=lambda key: name(book.claims, key),
        category=lambda key: name(book.applicant_categories, key),
        mediation_kind=lambda key: service_data(settings.forms_dir).option("kind", key, lang),
    )


def build_report(session: Session, settings: Settings, period: Period, station: str | None, lang: str,
                 now: datetime) -> Document:
    """The report of one period, compared with the period before and the same period a year before."""
    texts, book = load_texts(settings.menus_dir), book_for(settings)
    labels = report_labels(settings, texts, book, lang)
    return build_document(
        build_figures(session, period, station),
        build_figures(session, period.previous(), station),
        build_figures(session, period.year_before(), station),
        applicant_category_counts(session, period, station, list(book.applicant_categories)),
        labels,
        settings.district.get(lang),
        now,
    )


def report_bytes(session: Session, settings: Settings, period: Period, station: str | None, lang: str, fmt: str,
                 now: datetime) -> bytes:
    document = build_report(session, settings, period, station, lang, now)
    return render(document, fmt, lang, load_texts(settings.menus_dir).get("report_none", lang))
