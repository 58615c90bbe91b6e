"""The last seat is decided by the database: many residents booking at once give exactly `capacity` bookings.

Meant for PostgreSQL (LEGALBOT_TEST_POSTGRES), where the bookings really overlap; on SQLite, whose writers take
turns, it still checks that nobody is overbooked or lost.
"""

import threading

from sqlalchemy import func, select

from bot.db.models import LectureBooking
from tests.lecture_helpers import add_lecture, consenting, lecture_row

RESIDENTS = 12
CAPACITY = 5


def test_residents_racing_for_the_last_seats_get_exactly_the_capacity(assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=CAPACITY)
    residents = [consenting(assistant, f"70{n:02d}") for n in range(RESIDENTS)]
    start = threading.Barrier(RESIDENTS)
    outcomes: dict[str, str] = {}
    failures: list[BaseException] = []

    def race(resident) -> None:
        try:
            start.wait()
            resident.press_data(f"lecb:{lecture_id}.1")
            if "预约成功" in resident.text:
                outcomes[resident.user_id] = "booked"
                return
            assert "剩余座位不够了" in resident.text, resident.text
            resident.press_data(f"lecw:{lecture_id}.1")
            outcomes[resident.user_id] = "booked" if "预约成功" in resident.text else "waiting"
        except BaseException as error:  # noqa: BLE001 - reported below, from the test's thread
            failures.append(error)

    threads = [threading.Thread(target=race, args=(resident,)) for resident in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert sorted(outcomes.values()).count("booked") == CAPACITY
    assert sorted(outcomes.values()).count("waiting") == RESIDENTS - CAPACITY
    assert lecture_row(assistant, lecture_id).seats_taken == CAPACITY
    with assistant.sessions() as session:
        booked = session.scalar(select(func.sum(LectureBooking.seats)).where(
            LectureBooking.lecture_id == lecture_id, LectureBooking.status == "booked"))
        waiting = session.scalar(select(func.count()).where(
            LectureBooking.lecture_id == lecture_id, LectureBooking.status == "waiting"))
    assert (booked, waiting) == (CAPACITY, RESIDENTS - CAPACITY)
