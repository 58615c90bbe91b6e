"""Messages the lecture feature sends to residents who did not just act: written into the notifications outbox."""

from __future__ import annotations

from datetime import datetime

from bot.core.callbacks import go
from bot.core.messages import Button, Outbound
from bot.db.models import Lecture, LectureBooking, LectureRequest, User
from bot.db.repositories import Repositories
from bot.lectures import verbs, wording
from bot.lectures.calendar import lecture_calendar
from bot.lectures.context import LectureContext
from bot.lectures.repository import BOOKED


def _booking_buttons(ctx: LectureContext, booking: LectureBooking, lang: str) -> list[list[Button]]:
    return [[
        Button(ctx.t("lec_view", lang), verbs.show_lecture(booking.lecture_id)),
        Button(ctx.t("lec_cancel_booking", lang), verbs.ask_cancel(booking.id, verbs.FROM_LECTURE)),
    ]]


def promoted(ctx: LectureContext, repos: Repositories, booking: LectureBooking, lecture: Lecture,
             now: datetime) -> None:
    """Tell a resident on the waitlist that seats were freed and are now theirs, with the calendar file."""
    lang = booking.user.language
    text = "\n\n".join([
        ctx.t("lec_notice_promoted", lang, seats=booking.seats),
        wording.card(ctx, lecture, lang),
        ctx.t("lec_booked_calendar", lang),
    ])
    attachment = lecture_calendar(ctx, lecture, booking, lang, now)
    repos.notifications.add(booking.user_id, Outbound(text, _booking_buttons(ctx, booking, lang),
                                                      attachment=attachment), now)


def lecture_cancelled(ctx: LectureContext, repos: Repositories, booking: LectureBooking, lecture: Lecture,
                      now: datetime) -> None:
    lang = booking.user.language
    key = "lec_notice_cancelled_booked" if booking.status == BOOKED else "lec_notice_cancelled_waiting"
    text = f"{ctx.t(key, lang)}\n\n{wording.card(ctx, lecture, lang)}\n\n{ctx.t('lec_notice_cancelled_next', lang)}"
    buttons = [[Button(ctx.t("lec_other_lectures", lang), verbs.show("p.all.all.1"))]]
    repos.notifications.add(booking.user_id, Outbound(text, buttons), now)


def reminder(ctx: LectureContext, repos: Repositories, booking: LectureBooking, lecture: Lecture,
             now: datetime) -> None:
    lang = booking.user.language
    minutes = max(1, round((lecture.starts_at - now).total_seconds() / 60))
    text = "\n\n".join([
        ctx.t("lec_notice_reminder", lang, remaining=_duration(ctx, minutes, lang), seats=booking.seats),
        wording.card(ctx, lecture, lang),
    ])
    repos.notifications.add(booking.user_id, Outbound(text, _booking_buttons(ctx, booking, lang)), now)


def request_scheduled(ctx: LectureContext, repos: Repositories, request: LectureRequest, lecture: Lecture,
                      user: User, now: datetime) -> None:
    lang = user.language
    text = "\n\n".join([
        ctx.t("lec_notice_request_scheduled", lang, reference=request.reference),
        wording.card(ctx, lecture, lang),
    ])
    buttons = [[Button(ctx.t("lec_view", lang), verbs.show_lecture(lecture.id)),
                Button(ctx.t("lec_records_button", lang), go("records"))]]
    repos.notifications.add(user.id, Outbound(text, buttons), now)


def _duration(ctx: LectureContext, minutes: int, lang: str) -> str:
    """About how long until the lecture: in hours from two hours on, else in minutes."""
    if minutes >= 120:
        return ctx.t("lec_in_hours", lang, hours=round(minutes / 60))
    return ctx.t("lec_in_minutes", lang, minutes=minutes)
