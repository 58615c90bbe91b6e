"""A report as a document: sections of headline figures, tables and charts, labelled in one language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from bot.reports.figures import Figures
from bot.reports.periods import BEIJING

Cell = str | int | float | None


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]]


@dataclass
class Chart:
    title: str
    labels: list[str]
    values: list[float]
    percent: bool = False


@dataclass
class Section:
    title: str
    figures: list[tuple[str, Cell]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: list[str]
    sections: list[Section]


@dataclass
class Labels:
    """How codes become words: texts, topic names, station names, knowledge-base questions, aid vocabulary."""

    t: Callable[..., str]
    topic: Callable[[str], str]
    station: Callable[[str], str]
    entry: Callable[[str], str]
    claim: Callable[[str], str]
    category: Callable[[str], str]
    mediation_kind: Callable[[str], str] = str


COMPARED = (
    "questions", "unanswered", "tickets", "share_in_window", "claim_minutes_median", "rating_average",
    "escalations", "aid_applications", "aid_wage_claims", "aid_wage_amount", "aid_approval_rate", "lectures_held",
    "lecture_seats_booked",
)
TOTAL_LABELS = {
    "questions": "report_questions", "unanswered": "report_unanswered", "unhelpful": "report_unhelpful",
    "tickets": "report_tickets", "tickets_claimed": "report_tickets_claimed",
    "claimed_in_window": "report_claimed_in_window", "share_in_window": "report_share_in_window",
    "urgent_tickets": "report_urgent", "escalations": "report_escalations",
    "claim_minutes_median": "report_claim_median", "claim_minutes_p90": "report_claim_p90",
    "reply_minutes_median": "report_reply_median", "reply_minutes_p90": "report_reply_p90",
    "rating_average": "report_rating_average", "ratings": "report_ratings",
    "aid_applications": "report_aid_applications", "aid_fast_tracked": "report_aid_fast_tracked",
    "aid_wage_claims": "report_aid_wage_claims", "aid_wage_amount": "report_aid_wage_amount",
    "aid_decided": "report_aid_decided", "aid_approved": "report_aid_approved",
    "aid_approval_rate": "report_aid_approval_rate", "aid_days_to_decision_median": "report_aid_days",
    "lectures_held": "report_lectures_held", "lecture_seats_booked": "report_lecture_seats",
    "lecture_waitlist": "report_lecture_waitlist", "lecture_requests": "report_lecture_requests",
    "lecture_requests_served": "report_lecture_requests_served",
    "mediation_cases": "report_md_cases", "mediation_acceptance_rate": "report_md_acceptance",
    "mediation_agreement_rate": "report_md_agreement", "mediation_confirmation_rate": "report_md_confirmation",
    "mediation_performance_rate": "report_md_performance", "mediation_days_to_session_median": "report_md_days",
}
RATIOS = {"share_in_window", "aid_approval_rate", "mediation_acceptance_rate", "mediation_agreement_rate",
          "mediation_confirmation_rate", "mediation_performance_rate"}


def shown(key: str, value: Any) -> Cell:
    """A total as it is printed: ratios as percentages, missing values as a dash."""
    if value is None:
        return "-"
    if key in RATIOS:
        return f"{100 * value:.1f}%"
    return value


def build_document(
    figures: Figures, previous: Figures, year_before: Figures, categories: list[tuple[str, int]],
    labels: Labels, district: str, now: datetime,
) -> Document:
    """Lay the figures out as the bureau's report."""
    t, period = labels.t, figures.period
    totals = figures.totals
    scope = t("report_scope_station", station=labels.station(figures.station)) if figures.station else t(
        "report_scope_district")
    subtitle = [scope, t("report_generated", at=now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"))]

    def headline(*keys: str) -> list[tuple[str, Cell]]:
        return [(t(TOTAL_LABELS[key]), shown(key, totals.get(key))) for key in keys]

    by_topic = figures.tables["questions_by_topic"]
    demand = Section(
        t("report_section_demand"),
        headline("questions", "unanswered", "unhelpful"),
        [
            Table(t("report_table_by_topic"),
                  [t("report_topic"), t("report_questions"), t("report_unanswered"), t("report_unhelpful")],
                  [[labels.topic(topic), asked, misses, bad] for topic, asked, misses, bad in by_topic]),
            Table(t("report_table_by_town"), [t("report_station"), t("report_questions")],
                  [[labels.station(town), asked] for town, asked in figures.tables["questions_by_town"]]),
            Table(t("report_table_gaps"), [t("report_topic"), t("report_unanswered"), t("report_unhelpful")],
                  [[labels.topic(topic), misses, bad] for topic, misses, bad in figures.tables["knowledge_gaps"]]),
            Table(t("report_table_hot"), [t("report_station"), t("report_entry"), t("report_count")],
                  [[labels.station(town), labels.entry(entry), asked]
                   for town, entry, asked in figures.tables["hot_by_town"]]),
        ],
        [Chart(t("report_chart_topics"), [labels.topic(row[0]) for row in by_topic], [row[1] for row in by_topic])],
    )
    by_station = figures.tables["tickets_by_station"]
    tickets = Section(
        t("report_section_tickets"),
        headline("tickets", "tickets_claimed", "claimed_in_window", "share_in_window", "urgent_tickets",
                 "escalations", "claim_minutes_median", "claim_minutes_p90", "reply_minutes_median",
                 "reply_minutes_p90", "rating_average", "ratings"),
        [
            Table(t("report_table_by_town"),
                  [t("report_station"), t("report_tickets"), t("report_tickets_claimed"),
                   t("report_claimed_in_window"), t("report_share_in_window"), t("report_claim_average"),
                   t("report_rating_average")],
                  [[labels.station(name), count, done, windowed, shown("share_in_window", share), minutes or "-",
                    rating or "-"] for name, count, done, windowed, share, minutes, rating in by_station]),
            Table(t("report_table_by_staff"),
                  [t("report_staff"), t("report_station"), t("report_tickets_claimed"),
                   t("report_claimed_in_window"), t("report_claim_average"), t("report_rating_average")],
                  [[name, labels.station(home), count, windowed, minutes or "-", rating or "-"]
                   for name, home, count, windowed, minutes, rating in figures.tables["tickets_by_staff"]]),
            Table(t("report_table_ratings"), [t("report_stars"), t("report_count")],
                  [["★" * stars, count] for stars, count in figures.tables["ratings"]]),
        ],
        [Chart(t("report_chart_window"), [labels.station(row[0]) for row in by_station],
               [row[4] or 0.0 for row in by_station], percent=True)],
        [t("report_window_note")],
    )
    by_kind = figures.tables["aid_by_kind"]
    matters: dict[str, int] = {}
    for matter, _claim, count, _fast in by_kind:
        matters[matter] = matters.get(matter, 0) + count
    aid = Section(
        t("report_section_aid"),
        [*headline("aid_applications", "aid_fast_tracked", "aid_wage_claims", "aid_wage_amount"),
         (t("report_aid_recovered"), t("report_not_recorded")),
         *headline("aid_decided", "aid_approved", "aid_approval_rate", "aid_days_to_decision_median")],
        [
            Table(t("report_table_aid_kind"),
                  [t("report_matter"), t("report_claim"), t("report_aid_applications"), t("report_aid_fast_tracked")],
                  [[labels.topic(matter), labels.claim(claim), count, fast] for matter, claim, count, fast in by_kind]),
            Table(t("report_table_aid_category"), [t("report_category"), t("report_aid_applications")],
                  [[labels.category(key), count] for key, count in categories]),
            Table(t("report_table_aid_station"),
                  [t("report_station"), t("report_aid_applications"), t("report_aid_wage_claims"),
                   t("report_aid_wage_amount")],
                  [[labels.station(name), count, wages, amount]
                   for name, count, wages, amount in figures.tables["aid_by_station"]]),
        ],
        [Chart(t("report_chart_aid"), [labels.topic(key) for key in matters], list(matters.values()))],
    )
    lectures = Section(
        t("report_section_lectures"),
        headline("lectures_held", "lecture_seats_booked", "lecture_waitlist", "lecture_requests",
                 "lecture_requests_served"),
    )
    mediation = Section(  # 网络调解 (bot/mediation)
        t("report_section_mediation"),
        headline("mediation_cases", "mediation_acceptance_rate", "mediation_agreement_rate",
                 "mediation_confirmation_rate", "mediation_performance_rate", "mediation_days_to_session_median"),
        [
            Table(t("report_table_md_kind"), [t("report_md_kind"), t("report_md_cases")],
                  [[labels.mediation_kind(kind), count] for kind, count in figures.tables["mediation_by_kind"]]),
            Table(t("report_table_md_station"),
                  [t("report_station"), t("report_md_cases"), t("report_md_accepted"), t("report_md_agreed"),
                   t("report_md_confirmed")],
                  [[labels.station(name), *counts] for name, *counts in figures.tables["mediation_by_station"]]),
        ],
    )
    comparison = Section(
        t("report_section_comparison"),
        tables=[Table(
            t("report_section_comparison"),
            [t("report_figure"), t("report_this_period"), t("report_previous", period=previous.period.label),
             t("report_change"), t("report_year_before", period=year_before.period.label)],
            [[t(TOTAL_LABELS[key]), shown(key, totals.get(key)), shown(key, previous.totals.get(key)),
              change(totals.get(key), previous.totals.get(key)), shown(key, year_before.totals.get(key))]
             for key in COMPARED],
        )],
    )
    title = t(f"report_title_{period.kind}", district=district, period=period.label)
    return Document(title, subtitle, [demand, tickets, aid, lectures, mediation, comparison])


def change(now: Any, before: Any) -> str:
    """The relative change from the earlier period, or a dash where it has no meaning."""
    if now is None or before in (None, 0):
        return "-"
    return f"{100 * (now - before) / before:+.1f}%"
