"""The wage-claim helper (欠薪): work site, the chain up to the general contractor, period, days, wage, paid."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.messages import Button, Outbound, Reply
from bot.core.turn import Turn
from bot.db.models import FormDraft
from bot.forms.definition import REVIEW
from bot.forms.engine import FieldError, FormRunner
from bot.forms.numerals import read_number
from bot.legal_aid import context as aid_context
from bot.forms.parsing import InputError, Period, parse_amount, parse_period
from bot.legal_aid.summary import (
    EVIDENCE_ITEMS,
    Party,
    WageClaimSummary,
    calculation_lines,
    limitation_lines,
    summary_attachment,
    yuan,
)
from bot.legal_aid.wages import WageCalculation, calculate_wages

_MONTHLY = re.compile(r"月|month", re.IGNORECASE)
_RATE_WORDS = re.compile(r"每天|每日|一天|日薪|日工资|天|日|每个月|每月|一个月|月薪|月工资|月|工资|是|/|\b(?:per|a|day|month)\b",
                         re.IGNORECASE)
_DAY_WORDS = re.compile(r"每个月|每月|一个月|月|大概|大约|差不多|天|日|\b(?:days?|a|per|month|about)\b|\s",
                        re.IGNORECASE)
_NOTHING = {"0", "没有", "没", "无", "一分没给", "一分也没给", "没给", "none", "nothing", "no"}
_UNKNOWN = {"不知道", "不清楚", "无", "没有", "unknown", "don't know", "dont know", "no", "none"}
_SEPARATORS = re.compile(r"[\n/、,，;；>→]+")
# A wage-calculation problem sends the worker back to the step at fault.
_ERROR_STEP = {"wage_missing_days": "w_days", "wage_bad_days": "w_days", "wage_days_exceed_period": "w_days",
               "wage_missing_period": "w_period", "wage_missing_end": "w_period", "wage_bad_paid": "w_paid"}


def today(turn: Turn) -> date:
    return turn.now.astimezone(ZoneInfo(turn.assistant.settings.timezone)).date()


def period_of(turn: Turn, wage: dict) -> Period | None:
    return parse_period(wage.get("period", ""), today(turn)) if wage.get("period") else None


def calculation(turn: Turn, wage: dict) -> WageCalculation:
    rate = Decimal(wage["rate"])
    days = Decimal(wage["days"]) if wage.get("days") else None
    per_month = int(wage["days_per_month"]) if wage.get("days_per_month") else None
    return calculate_wages(daily_wage=rate if wage["rate_kind"] == "daily" else None,
                           monthly_wage=rate if wage["rate_kind"] == "monthly" else None,
                           days_worked=days, period=period_of(turn, wage), days_per_month=per_month,
                           paid=Decimal(wage.get("paid") or 0))


def chain(wage: dict) -> tuple[Party, ...]:
    """Whoever hired the worker first, the firms between, the general contractor last."""
    parties = [Party("foreman", wage.get("employer", ""))]
    links = wage.get("chain", [])
    parties += [Party("subcontractor", name) for name in links[:-1]]
    if links:
        parties.append(Party("general_contractor", links[-1]))
    return tuple(parties)


def take(turn: Turn, data: dict, step: str, value: str) -> tuple[str, str] | None:
    """Store one typed answer in data["wage"]; (step to go back to, error code) when the calculation fails."""
    wage = dict(data.get("wage", {}))
    if step == "w_site":
        wage["site"] = _text(value, 100)
    elif step == "w_employer":
        wage["employer"] = _text(value, 100)
    elif step == "w_chain":
        links = [] if value.lower() in _UNKNOWN else [part.strip() for part in _SEPARATORS.split(value) if part.strip()]
        wage["chain"] = [_text(link, 100) for link in links[:4]]
    elif step == "w_period":
        if parse_period(value, today(turn)) is None:
            raise InputError("wage_period_unclear")
        wage["period"] = value
    elif step == "w_days":
        per_month = bool(_MONTHLY.search(value))  # 每月26天: days a month, spread over the period
        number = read_number(_DAY_WORDS.sub("", value))
        if number is None or number <= 0 or number != int(number) or (per_month and number > 31):
            raise InputError("wage_bad_days_per_month" if per_month else "wage_bad_days")
        wage.pop("days", None), wage.pop("days_per_month", None)
        wage["days_per_month" if per_month else "days"] = str(int(number))
    elif step == "w_rate":
        kind = "monthly" if _MONTHLY.search(value) else "daily"
        amount = parse_amount(_RATE_WORDS.sub("", value) or value)
        wage["rate_kind"], wage["rate"] = kind, str(amount.yuan)
    elif step == "w_paid":
        wage["paid"] = "0" if value.lower() in _NOTHING else str(parse_amount(value).yuan)
        data["wage"] = wage
        try:
            wage["owed"] = yuan(calculation(turn, wage).owed)
        except InputError as error:
            data["wage"] = wage
            return _ERROR_STEP.get(error.code, "w_rate"), error.code
    data["wage"] = wage
    return None


def _text(value: str, limit: int) -> str:
    if not 1 <= len(value) <= limit:
        raise InputError("text_length")
    return value


def parse(turn: Turn, data: dict, step: str, value: str) -> None:
    """The form's parser for the helper's questions: the answer goes into data["wage"]; a failed calculation sends
    the worker back to the step at fault."""
    redirect = take(turn, data, step, value)
    if redirect is not None:
        back_to, code = redirect
        raise FieldError(code, back_to=back_to)
    data[step] = value


def result(turn: Turn, draft: FormDraft, runner: FormRunner) -> tuple[str, list[list[Button]]]:
    """The calculation, the evidence checklist and the time limit, with the one-page summary and going on."""
    summary = summary_of(turn, draft.data)
    lines = [turn.t("aid_wage_result_heading").strip(), *calculation_lines(summary.calculation, turn.t), ""]
    lines += [turn.t("aid_wage_checklist_heading").strip()]
    lines += [turn.t("aid_evidence_missing", item=turn.t(f"aid_evidence_{item}")) for item in EVIDENCE_ITEMS]
    lines += ["", turn.t("aid_wage_limit_heading").strip(),
              *limitation_lines(summary, turn.t, aid_context.statutes_of(turn.assistant))]
    rows = [[runner.button(turn.t("aid_summary_button"), "x.summary")],
            [runner.button(turn.t("aid_continue_button"), f"d.{draft.step}")]]
    return "\n".join(lines), rows


def summary_of(turn: Turn, data: dict) -> WageClaimSummary:
    wage = data.get("wage", {})
    return WageClaimSummary(worker_name=data.get("name", ""), phone=data.get("phone", ""), work_site=wage.get("site", ""),
                            chain=chain(wage), period=period_of(turn, wage), calculation=calculation(turn, wage),
                            evidence_held=frozenset(), prepared_on=today(turn))


def no_days(turn: Turn, draft: FormDraft, data: dict) -> str | None:
    """Paid by the month: no days to count, and the step is answered."""
    if draft.step != "w_days":
        return None
    wage = dict(data.get("wage", {}))
    wage.pop("days", None), wage.pop("days_per_month", None)
    data["wage"] = wage
    return "done"


def summary_file(turn: Turn, draft: FormDraft, data: dict) -> Reply | None:
    """The one-page summary (.txt), from the calculation screen or, with the name and phone in it, the review."""
    if draft.step not in ("w_result", REVIEW) or not data.get("wage", {}).get("owed"):
        return None
    attachment = summary_attachment(summary_of(turn, data), turn.t, aid_context.statutes_of(turn.assistant))
    return Reply([Outbound(turn.t("aid_summary_caption").strip(), attachment=attachment)])


def prefill(turn: Turn, data: dict) -> None:
    """Going on from the calculation: the matter, the other side and the amount owed are filled in."""
    wage = data.get("wage", {})
    data.setdefault("matter", "labor")
    parties = [p.name for p in chain(wage) if p.name]
    data.setdefault("party", " → ".join(parties)[:100] if parties else wage.get("employer", ""))
    if Decimal(wage.get("owed", "0").replace(",", "") or 0) > 0:
        data.setdefault("amount", wage["owed"])
