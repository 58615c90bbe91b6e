"""Seat and waitlist rules on plain data: the database holds the seats, the waitlist is served in order."""

from bot.db.repositories import Repositories
from bot.lectures.context import LectureContext
from bot.lectures.desk import LectureDesk
from tests.domain_helpers import Resident
from tests.lecture_helpers import add_lecture, bookings_of, consenting, lecture_row, notifications_for


def test_booking_holds_the_seats_and_brings_a_calendar_file(assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=30)
    resident = consenting(assistant, "2001")
    resident.press_data(f"lec:l.{lecture_id}")
    assert "签劳动合同要注意什么" in resident.text and "剩余 30/30 个座位" in resident.text
    reply = resident.press("预约 2 位")
    confirmation, calendar = reply.messages
    assert confirmation.replace and "预约成功" in confirmation.text and "您已预约 2 个座位" in confirmation.text
    assert calendar.attachment.filename == f"lecture-{lecture_id}.ics"
    assert calendar.attachment.mime_type == "text/calendar"
    assert lecture_row(assistant, lecture_id).seats_taken == 2
    assert bookings_of(assistant, lecture_id) == {"2001": ("booked", 2)}


def test_when_seats_run_out_the_next_resident_is_offered_the_waitlist(assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=2)
    first, second = consenting(assistant, "2011"), consenting(assistant, "2012")
    first.press_data(f"lec:l.{lecture_id}")
    first.press("预约 2 位")
    second.press_data(f"lec:l.{lecture_id}")
    assert "已满" in second.text and "候补 1 位" in second.labels() and "预约 1 位" not in second.labels()
    second.press("候补 1 位")
    assert "已加入候补名单，您是第 1 位" in second.text
    assert bookings_of(assistant, lecture_id) == {"2011": ("booked", 2), "2012": ("waiting", 1)}


def test_asking_for_more_seats_than_are_left_books_nothing(assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=3)
    first, second = consenting(assistant, "2021"), consenting(assistant, "2022")
    first.press_data(f"lecb:{lecture_id}.2")
    second.press_data(f"lecb:{lecture_id}.2")
    assert "剩余座位不够了" in second.text and "预约 1 位" in second.labels()
    assert lecture_row(assistant, lecture_id).seats_taken == 2
    assert "2022" not in bookings_of(assistant, lecture_id)


def test_a_lecture_that_has_begun_cannot_be_booked(assistant, clock):
    lecture_id = add_lecture(assistant, clock, days=0, hours=2)
    resident = consenting(assistant, "2031")
    resident.press_data(f"lec:l.{lecture_id}")
    clock.advance(hours=2, minutes=1)
    resident.press("预约 1 位")
    assert "已不能预约" in resident.text and "已经开始或结束" in resident.text
    assert lecture_row(assistant, lecture_id).seats_taken == 0 and bookings_of(assistant, lecture_id) == {}


def test_a_resident_cannot_book_the_same_lecture_twice(assistant, clock):
    lecture_id = add_lecture(assistant, clock)
    resident = consenting(assistant, "2041")
    resident.press_data(f"lecb:{lecture_id}.1")
    resident.press_data(f"lecb:{lecture_id}.3")
    assert "同一场讲座只能预约一次" in resident.text
    resident.press_data(f"lecw:{lecture_id}.1")
    assert "同一场讲座只能预约一次" in resident.text
    assert lecture_row(assistant, lecture_id).seats_taken == 1
    assert bookings_of(assistant, lecture_id) == {"2041": ("booked", 1)}


def test_seat_counts_outside_the_limit_are_not_acted_on(assistant, clock):
    lecture_id = add_lecture(assistant, clock)
    resident = consenting(assistant, "2045")
    reply = resident.press_data(f"lecb:{lecture_id}.9")
    assert reply.notice and "已失效" in reply.notice
    assert lecture_row(assistant, lecture_id).seats_taken == 0


def test_booking_asks_for_consent_first_and_carries_on_after_it(assistant, clock):
    lecture_id = add_lecture(assistant, clock)
    resident = Resident(assistant, user_id="2051")
    resident.press_data(f"lec:l.{lecture_id}")
    assert "请先同意隐私说明" in resident.text and "预约 1 位" not in resident.labels()
    resident.press_data(f"lecb:{lecture_id}.1")
    assert lecture_row(assistant, lecture_id).seats_taken == 0
    resident.press("同意并继续")
    assert "谢谢，您已同意" in resident.text and "预约 1 位" in resident.labels()


def test_cancelling_promotes_the_first_on_the_waitlist_and_tells_them(assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=1)
    booker, first, second = (consenting(assistant, user) for user in ("2061", "2062", "2063"))
    booker.press_data(f"lecb:{lecture_id}.1")
    clock.advance(minutes=1)
    first.press_data(f"lecw:{lecture_id}.1")
    clock.advance(minutes=1)
    second.press_data(f"lecw:{lecture_id}.1")
    assert "您是第 2 位" in second.text

    booker.command("menu")
    booker.press("我的记录")
    booker.press("取消 1.")
    booker.press("确定取消")
    assert "已取消预约" in booker.text
    assert bookings_of(assistant, lecture_id) == {
        "2061": ("cancelled", 1), "2062": ("booked", 1), "2063": ("waiting", 1)}
    assert lecture_row(assistant, lecture_id).seats_taken == 1
    (notice,) = notifications_for(assistant, "2062")
    assert "有空位了" in notice.text and notice.attachment_name == f"lecture-{lecture_id}.ics"
    assert notifications_for(assistant, "2063") == []
    second.press_data(f"lec:l.{lecture_id}")
    assert "您在候补名单第 1 位" in second.text


def test_a_waitlist_request_too_big_for_the_freed_seats_lets_a_smaller_one_in(assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=2)
    booker, big, small = (consenting(assistant, user) for user in ("2071", "2072", "2073"))
    booker.press_data(f"lecb:{lecture_id}.1")
    consenting(assistant, "2074").press_data(f"lecb:{lecture_id}.1")
    big.press_data(f"lecw:{lecture_id}.3")
    clock.advance(minutes=1)
    small.press_data(f"lecw:{lecture_id}.1")
    booker.press_data(f"lec:l.{lecture_id}")
    booker.press("取消预约")
    booker.press("确定取消")
    states = bookings_of(assistant, lecture_id)
    assert states["2072"] == ("waiting", 3) and states["2073"] == ("booked", 1)


def test_leaving_the_waitlist_frees_no_seats_and_promotes_nobody(assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=1)
    consenting(assistant, "2081").press_data(f"lecb:{lecture_id}.1")
    waiting = consenting(assistant, "2082")
    waiting.press_data(f"lecw:{lecture_id}.1")
    waiting.press("退出候补")
    waiting.press("确定取消")
    assert "已退出候补" in waiting.text
    assert lecture_row(assistant, lecture_id).seats_taken == 1
    assert bookings_of(assistant, lecture_id)["2082"] == ("cancelled", 1)


def test_a_cancelled_booking_can_be_booked_again(assistant, clock):
    lecture_id = add_lecture(assistant, clock)
    resident = consenting(assistant, "2091")
    resident.press_data(f"lecb:{lecture_id}.2")
    resident.press("取消预约")
    resident.press("确定取消")
    resident.press("预约 1 位")
    assert bookings_of(assistant, lecture_id) == {"2091": ("booked", 1)}
    assert lecture_row(assistant, lecture_id).seats_taken == 1


def test_someone_elses_booking_cannot_be_cancelled(assistant, clock):
    lecture_id = add_lecture(assistant, clock)
    owner, other = consenting(assistant, "2101"), consenting(assistant, "2102")
    owner.press_data(f"lecb:{lecture_id}.1")
    with assistant.sessions() as session:
        booking = Repositories(session).lectures.bookings.on_lecture(lecture_id)[0]
    reply = other.press_data(f"lecy:{booking.id}.l")
    assert "已失效" in reply.notice
    assert bookings_of(assistant, lecture_id) == {"2101": ("booked", 1)}


def test_cancelling_a_lecture_notifies_everyone_booked_or_waiting(assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=1)
    consenting(assistant, "2111").press_data(f"lecb:{lecture_id}.1")
    consenting(assistant, "2112").press_data(f"lecw:{lecture_id}.1")
    bystander = consenting(assistant, "2113")
    with assistant.sessions() as session, session.begin():
        told = LectureDesk(Repositories(session), LectureContext.of(assistant), clock.now).cancel_lecture(lecture_id)
    assert told == 2
    assert "您预约的这场讲座取消了" in notifications_for(assistant, "2111")[0].text
    assert "您候补的这场讲座取消了" in notifications_for(assistant, "2112")[0].text
    assert notifications_for(assistant, "2113") == []
    assert set(bookings_of(assistant, lecture_id).values()) == {("cancelled", 1)}
    bystander.press_data(f"lec:l.{lecture_id}")
    assert "这场讲座已取消" in bystander.text and "预约 1 位" not in bystander.labels()
