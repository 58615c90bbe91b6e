"""The one-page wage-claim summary a worker can show at the station, as a plain-text attachment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.core.messages import Attachment
from bot.knowledge.entries import Citation
from bot.knowledge.laws import StatuteTable
from bot.forms.parsing import Period, yuan
from bot.legal_aid.wages import WageCalculation

# Roles in the subcontracting chain, from whoever hired the worker upwards; texts aid_party_<role>.
PARTY_ROLES = ("foreman", "employer", "subcontractor", "general_contractor", "developer")
# What a worker can gather; texts aid_evidence_<item>.
EVIDENCE_ITEMS = ("attendance", "pay_slips", "chat_records", "transfers", "coworker_statements", "site_photos")

LIMITATION = Citation("labor_dispute_mediation_arbitration_law", 27)  # one year, from the end of the job
CHAIN_LIABILITY = (
    Citation("migrant_worker_wage_payment_regulation", 30),  # the general contractor pays a subcontractor's debts
    Citation("migrant_worker_wage_payment_regulation", 36),  # and pays when work was let to a foreman personally
)
SECTION_RULE = "—" * 16

Translate = Callable[..., str]  # turn.t, or Texts.get bound to a language: t(key, **values)


@dataclass(frozen=True)
class Party:
    role: str  # one of PARTY_ROLES
    name: str  # may be empty when the worker does not know it


@dataclass(frozen=True)
class WageClaimSummary:
    worker_name: str
    phone: str  # in full: the file goes only to the worker, who hands it over at the station
    work_site: str
    chain: tuple[Party, ...]  # from whoever hired the worker up to the general contractor
    period: Period | None
    calculation: WageCalculation
    evidence_held: frozenset[str]  # EVIDENCE_ITEMS the worker has
    prepared_on: date


def _plain(number: Decimal | int) -> str:
    return format(Decimal(number).normalize(), "f")


def _date(t: Translate, day: date) -> str:
    return t("aid_date", year=day.year, month=day.month, day=day.day)


def _period_text(t: Translate, period: Period) -> str:
    def show(day: date, exact: bool) -> str:
        return _date(t, day) if exact else t("aid_month", year=day.year, month=day.month)

    start = show(period.start, period.start_exact)
    if period.end is None:
        return t("aid_period_from", start=start)
    return t("aid_period_range", start=start, end=show(period.end, period.end_exact))


def arbitration_deadline(last_day: date) -> date:
    """One year after the job ended: the same date next year, or 28 February for 29 February."""
    try:
        return last_day.replace(year=last_day.year + 1)
    except ValueError:
        return last_day.replace(year=last_day.year + 1, day=28)


def calculation_lines(calculation: WageCalculation, t: Translate) -> list[str]:
    """The calculation step by step, then earned, paid and owed; also shown in the chat."""
    lines = []
    for step in calculation.steps:
        values = {
            "rate": yuan(step.rate),
            "subtotal": yuan(step.subtotal),
            "days": _plain(step.days) if step.days is not None else "",
            "months": step.months or "",
            "days_per_month": step.days_per_month or "",
            "covered_days": step.covered_days or "",
            "month_days": step.month_days or "",
            "start": _date(t, step.start) if step.start else "",
            "end": _date(t, step.end) if step.end else "",
        }
        lines.append(t(f"aid_wage_step_{step.kind}", **values))
    lines.append(t("aid_wage_earned", amount=yuan(calculation.total_earned)))
    lines.append(t("aid_wage_paid", amount=yuan(calculation.paid)))
    if calculation.overpaid:
        lines.append(t("aid_wage_overpaid", amount=yuan(calculation.overpaid)))
    else:
        lines.append(t("aid_wage_owed", amount=yuan(calculation.owed)))
    if calculation.estimated:
        lines.append(t("aid_wage_estimated"))
    return lines


def _headings(citations: tuple[Citation, ...], statutes: StatuteTable) -> str:
    articles = [statutes.article(c.law, c.article) for c in citations]
    missing = [c for c, article in zip(citations, articles) if article is None]
    if missing:
        raise LookupError(f"the statute table lacks {missing}")
    parts, previous_law = [], None
    for article in articles:
        parts.append(article.label if article.law_id == previous_law else article.heading())
        previous_law = article.law_id
    return "、".join(parts)  # 《保障农民工工资支付条例》第三十条、第三十六条


def limitation_lines(summary: WageClaimSummary, t: Translate, statutes: StatuteTable) -> list[str]:
    period = summary.period
    if period is None or period.end is None:
        lines = [t("aid_summary_limit_ongoing")]
    else:
        deadline = arbitration_deadline(period.end)
        key = "aid_summary_limit_passed" if deadline < summary.prepared_on else "aid_summary_limit_ended"
        lines = [t(key, end=_date(t, period.end), deadline=_date(t, deadline))]
    return lines + [t("aid_summary_limit_note"), t("aid_summary_basis", citations=_headings((LIMITATION,), statutes))]


def render_summary(summary: WageClaimSummary, t: Translate, statutes: StatuteTable) -> str:
    """The summary as plain text, one section after another, to fit on one printed page."""
    unknown = t("aid_summary_unknown")
    lines = [t("aid_summary_title"), t("aid_summary_prepared", date=_date(t, summary.prepared_on)), ""]

    lines += [t("aid_summary_section_applicant"), SECTION_RULE]
    lines.append(t("aid_summary_name", name=summary.worker_name or unknown))
    lines.append(t("aid_summary_phone", phone=summary.phone or unknown))
    lines.append(t("aid_summary_site", site=summary.work_site or unknown))
    lines.append(t("aid_summary_period", period=_period_text(t, summary.period) if summary.period else unknown))
    lines.append("")

    lines += [t("aid_summary_section_chain"), SECTION_RULE]
    for position, party in enumerate(summary.chain, start=1):
        role = t(f"aid_party_{party.role}")
        lines.append(t("aid_summary_chain_line", position=position, role=role, name=party.name or unknown))
    if not summary.chain:
        lines.append(unknown)
    lines.append(t("aid_summary_chain_hint"))
    lines.append(t("aid_summary_basis", citations=_headings(CHAIN_LIABILITY, statutes)))
    lines.append("")

    lines += [t("aid_summary_section_calculation"), SECTION_RULE]
    lines += calculation_lines(summary.calculation, t)
    lines.append("")

    lines += [t("aid_summary_section_evidence"), SECTION_RULE]
    for item in EVIDENCE_ITEMS:
        key = "aid_evidence_have" if item in summary.evidence_held else "aid_evidence_missing"
        lines.append(t(key, item=t(f"aid_evidence_{item}")))
    lines.append("")

    lines += [t("aid_summary_section_limit"), SECTION_RULE]
    lines += limitation_lines(summary, t, statutes)
    lines += ["", t("aid_summary_footer")]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def summary_attachment(summary: WageClaimSummary, t: Translate, statutes: StatuteTable) -> Attachment:
    """The summary as a .txt file; the byte-order mark and CRLF let Windows Notepad at the station open it too."""
    text = render_summary(summary, t, statutes).replace("\n", "\r\n")
    filename = f"wage-claim-summary-{summary.prepared_on.isoformat()}.txt"
    return Attachment(filename, text.encode("utf-8-sig"), "text/plain")
