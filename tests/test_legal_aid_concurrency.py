"""Tracking numbers and submits are decided by the database: applicants submitting at once get distinct numbers
in sequence, and one applicant's double submit from two deliveries at once files one application.

Meant for PostgreSQL (LEGALBOT_TEST_POSTGRES), where the transactions really overlap; SQLite's writers take turns.
"""

from sqlalchemy import select

from bot.db.models import AidApplication
from tests.domain_helpers import Resident
from tests.test_handoff_concurrency import race
from tests.test_legal_aid_application import start, wage_claim_to_review

APPLICANTS = 6


def at_review(assistant, user_id: str) -> tuple[Resident, str]:
    resident = start(assistant, user_id=user_id)
    wage_claim_to_review(resident)
    submit = next(b.data for row in resident.screen.buttons for b in row if "提交" in b.label)
    return resident, submit


def test_applicants_submitting_at_once_get_distinct_numbers_in_sequence(assistant):
    ready = [at_review(assistant, f"70{index}") for index in range(APPLICANTS)]
    race(APPLICANTS, lambda index: ready[index][0].press_data(ready[index][1]))
    with assistant.sessions() as session:
        numbers = sorted(session.scalars(select(AidApplication.tracking_number)))
    assert numbers == [f"FY-2026-{n:06d}" for n in range(1, APPLICANTS + 1)]


def test_two_deliveries_of_one_submit_at_once_file_one_application(assistant):
    resident, submit = at_review(assistant, "7100")
    race(4, lambda index: resident.press_data(submit))
    with assistant.sessions() as session:
        assert len(session.scalars(select(AidApplication)).all()) == 1
