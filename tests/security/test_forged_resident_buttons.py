"""Forged or replayed callback data never acts for another resident: every resident verb that takes an id checks
that the row is the presser's own."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AidApplication, LectureBooking, Ticket
from bot.lectures import verbs
from tests.lecture_helpers import add_lecture, consenting
from tests.test_legal_aid_application import start, wage_claim_to_review


def snapshot(assistant):
    with assistant.sessions() as session:
        bookings = [(b.id, b.user_id, b.status, b.seats) for b in session.scalars(select(LectureBooking))]
        tickets = [(t.id, t.status, t.rating, t.rating_comment) for t in session.scalars(select(Ticket))]
        applications = [(a.id, a.user_id, a.status) for a in session.scalars(select(AidApplication))]
        return bookings, tickets, applications


def test_forged_buttons_never_act_on_another_residents_records(assistant, clock):
    lecture = add_lecture(assistant, clock)
    victim = consenting(assistant, "2001")
    victim.press_data(verbs.book(lecture, 2))
    victim.command("human")
    with assistant.sessions() as session, session.begin():
        session.scalar(select(Ticket)).status = "closed"
    applicant = start(assistant, user_id="2002")
    wage_claim_to_review(applicant)
    submit = next(b.data for row in applicant.screen.buttons for b in row if b.data.startswith("aid:submit."))
    applicant.press_data(submit)
    before = snapshot(assistant)
    assert before[0] and before[1] and before[2]

    attacker = consenting(assistant, "2666")
    booking_id = before[0][0][0]
    for data in (verbs.ask_cancel(booking_id, "r"), verbs.cancel(booking_id, "r"), verbs.cancel(booking_id, "l"),
                 f"{verbs.CALENDAR}:{booking_id}", "rate:1.1", "rate:1.5", submit):
        reply = attacker.press_data(data)
        assert "失效" in (reply.notice or ""), data
        assert all(m.attachment is None for m in reply.messages)
    assert snapshot(assistant) == before
    # a replay by the owner is harmless too: one application, the booking unchanged
    applicant.press_data(submit)
    assert snapshot(assistant) == before
