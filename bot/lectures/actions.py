"""What the lecture buttons do. Each handler returns None for data it cannot resolve, and the button then expires."""

from __future__ import annotations

from bot.core import screens
from bot.core.callbacks import go
from bot.core.messages import Button, Outbound, Reply
from bot.core.turn import Turn
from bot.db.models import Lecture, LectureBooking
from bot.lectures import catalogue, verbs, wording
from bot.lectures.calendar import lecture_calendar
from bot.lectures.desk import LectureDesk, Outcome, Result
from bot.lectures.repository import BOOKED, WAITING

NOTES = {
    Outcome.BOOKED: "lec_booked_note",
    Outcome.WAITLISTED: "lec_waitlisted_note",
    Outcome.FULL: "lec_full_note",
    Outcome.CLOSED: "lec_closed_note",
    Outcome.ALREADY: "lec_already_note",
}


def show(turn: Turn, arg: str) -> Outbound | None:
    if not catalogue.resolves(turn, arg):
        return None
    return screens.show_node(turn, catalogue.NODE, arg)


def _lecture_and_seats(turn: Turn, arg: str) -> tuple[Lecture, int] | None:
    lecture_id, _, seats = arg.partition(".")
    if not (lecture_id.isdigit() and seats.isdigit()):
        return None
    lecture = turn.repos.lectures.catalogue.get(int(lecture_id))
    return (lecture, int(seats)) if lecture is not None else None


def book(turn: Turn, arg: str) -> Outbound | Reply | None:
    return _take_seats(turn, arg, LectureDesk.book)


def wait(turn: Turn, arg: str) -> Outbound | Reply | None:
    return _take_seats(turn, arg, LectureDesk.join_waitlist)


def _take_seats(turn: Turn, arg: str, take) -> Outbound | Reply | None:
    """Book or join the waitlist for `lecture.seats`; without consent, back to the lecture to give it."""
    found = _lecture_and_seats(turn, arg)
    if found is None:
        return None
    lecture, seats = found
    if not turn.consented:
        return screens.show_node(turn, catalogue.NODE, f"l.{lecture.id}")
    desk = LectureDesk(turn.repos, catalogue.context(turn), turn.now)
    return _answer(turn, lecture, take(desk, lecture, turn.user, seats))


def _answer(turn: Turn, lecture: Lecture, result: Result) -> Outbound | Reply | None:
    """The lecture again, with a note on what happened; a booking also brings its calendar file."""
    if result.outcome is Outcome.BAD_SEATS:
        return None
    screen = screens.show_node(turn, catalogue.NODE, f"l.{lecture.id}")
    booking = result.booking
    values = dict(seats=booking.seats if booking else 0)
    if result.outcome is Outcome.WAITLISTED and booking is not None:
        values["position"] = turn.repos.lectures.bookings.position(booking)
    screen.text = f"{turn.t(NOTES[result.outcome], **values).strip()}\n\n{screen.text}"
    if result.outcome is not Outcome.BOOKED or booking is None:
        return screen
    screen.replace = True
    return Reply([screen, calendar_message(turn, lecture, booking)])


def calendar_message(turn: Turn, lecture: Lecture, booking: LectureBooking) -> Outbound:
    attachment = lecture_calendar(catalogue.context(turn), lecture, booking, turn.lang, turn.now)
    return Outbound(turn.t("lec_booked_calendar").strip(), attachment=attachment)


def _own_booking(turn: Turn, arg: str) -> tuple[LectureBooking, str] | None:
    """The resident's own booking or waitlist place named by <id>.<l|r>; never someone else's."""
    booking_id, _, origin = arg.partition(".")
    if not booking_id.isdigit() or origin not in (verbs.FROM_LECTURE, verbs.FROM_RECORDS):
        return None
    booking = turn.repos.lectures.bookings.get(int(booking_id))
    if booking is None or booking.user_id != turn.user.id or booking.status not in (BOOKED, WAITING):
        return None
    return booking, origin


def ask_cancel(turn: Turn, arg: str) -> Outbound | None:
    """First tap: ask to confirm, naming the lecture and the seats."""
    found = _own_booking(turn, arg)
    if found is None:
        return None
    booking, origin = found
    lecture, ctx = booking.lecture, catalogue.context(turn)
    key = "lec_cancel_confirm" if booking.status == BOOKED else "lec_leave_confirm"
    text = turn.t(key, title=wording.title(lecture, turn.lang), when=wording.when(ctx, lecture, turn.lang),
                  seats=booking.seats)
    keep = verbs.show_lecture(lecture.id) if origin == verbs.FROM_LECTURE else go("records")
    rows = [
        [Button(turn.t("lec_cancel_yes"), verbs.cancel(booking.id, origin)), Button(turn.t("lec_cancel_no"), keep)],
        [Button(turn.t("home"), go(turn.assistant.content.menu.root))],
    ]
    return Outbound(text.strip(), rows)


def cancel(turn: Turn, arg: str) -> Outbound | None:
    """Second tap: cancel, and come back to the lecture or to 我的记录."""
    found = _own_booking(turn, arg)
    if found is None:
        return None
    booking, origin = found
    note = "lec_cancelled_note" if booking.status == BOOKED else "lec_left_waitlist_note"
    LectureDesk(turn.repos, catalogue.context(turn), turn.now).cancel(booking)
    if origin == verbs.FROM_RECORDS:
        screen = screens.show_node(turn, "records")
    else:
        screen = screens.show_node(turn, catalogue.NODE, f"l.{booking.lecture_id}")
    screen.text = f"{turn.t(note).strip()}\n\n{screen.text}"
    return screen


def calendar(turn: Turn, arg: str) -> Reply | None:
    """The calendar file again, as a new message."""
    booking = turn.repos.lectures.bookings.get(int(arg)) if arg.isdigit() else None
    if booking is None or booking.user_id != turn.user.id or booking.status != BOOKED:
        return None
    return Reply([calendar_message(turn, booking.lecture, booking)])


def consent(turn: Turn, arg: str) -> Outbound | None:
    """Agree to the privacy notice from a lecture, and carry on where the resident was."""
    if arg.isdigit() and turn.repos.lectures.catalogue.get(int(arg)) is not None:
        node, screen_arg = catalogue.NODE, f"l.{arg}"
    else:
        return None
    turn.user.consent, turn.user.consent_at = "granted", turn.now
    screen = screens.show_node(turn, node, screen_arg)
    screen.text = f"{turn.t('consent_granted').strip()}\n\n{screen.text}"
    return screen


VERBS = {
    verbs.SHOW: show,
    verbs.BOOK: book,
    verbs.WAIT: wait,
    verbs.ASK_CANCEL: ask_cancel,
    verbs.CANCEL: cancel,
    verbs.CALENDAR: calendar,
    verbs.CONSENT: consent,
}
