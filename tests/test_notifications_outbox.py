"""The notifications outbox: written with the change that causes it, claimed by one process, sent once."""

import threading

from bot.core.messages import Attachment, Button, Outbound
from bot.db.repositories import Repositories
from bot.notifications.outbox import Outbox


def outbox(assistant, clock, channel="telegram", worker=None) -> Outbox:
    return Outbox(assistant.sessions, clock, assistant.settings.notifications, channel, worker)


def queue(assistant, clock, count=1, channel="telegram", external_id="900") -> list[int]:
    with assistant.sessions() as session, session.begin():
        repos = Repositories(session)
        user = repos.users.find_or_create(channel, external_id, external_id, "zh")
        rows = [repos.notifications.add(user.id, Outbound(f"通知 {n}", [[Button("查看", "lec:l.1")]]), clock.now)
                for n in range(count)]
        session.flush()
        return [row.id for row in rows]


def test_a_claimed_notification_comes_back_whole_with_its_chat(assistant, clock):
    with assistant.sessions() as session, session.begin():
        repos = Repositories(session)
        user = repos.users.find_or_create("telegram", "901", "901", "zh")
        calendar = Attachment("lecture-1.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar")
        repos.notifications.add(user.id, Outbound("有空位了", [[Button("查看", "lec:l.1")]], attachment=calendar),
                                clock.now)
    (pending,) = outbox(assistant, clock).claim()
    assert pending.chat_id == "901" and pending.message.text == "有空位了"
    assert pending.message.buttons == [[Button("查看", "lec:l.1")]]
    assert pending.message.attachment == Attachment("lecture-1.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar")


def test_what_one_worker_claimed_no_other_worker_gets(assistant, clock):
    queue(assistant, clock, count=3)
    first, second = outbox(assistant, clock, worker="a"), outbox(assistant, clock, worker="b")
    assert len(first.claim()) == 3
    assert second.claim() == []


def test_a_sent_notification_is_never_claimed_again(assistant, clock):
    queue(assistant, clock)
    sender = outbox(assistant, clock, worker="a")
    (pending,) = sender.claim()
    assert sender.sent(pending)
    clock.advance(hours=1)
    assert outbox(assistant, clock, worker="b").claim() == []


def test_the_claim_of_a_process_that_died_is_taken_over_after_the_lease(assistant, clock):
    (notification_id,) = queue(assistant, clock)
    died, survivor = outbox(assistant, clock, worker="died"), outbox(assistant, clock, worker="survivor")
    (lapsed,) = died.claim()
    clock.advance(seconds=assistant.settings.notifications.claim_lease_seconds - 1)
    assert survivor.claim() == []
    clock.advance(seconds=2)
    (taken,) = survivor.claim()
    assert taken.id == notification_id
    assert not died.still_held(lapsed), "a lapsed claim may not send"
    assert survivor.sent(taken)
    assert not died.sent(lapsed), "a lapsed claim cannot mark the row"


def test_a_failing_notification_is_retried_then_given_up(assistant, clock):
    (notification_id,) = queue(assistant, clock)
    sender = outbox(assistant, clock, worker="a")
    for _ in range(assistant.settings.notifications.max_attempts):
        (pending,) = sender.claim()
        sender.retry_later(pending, "timed out")
    assert sender.claim() == []


def test_only_the_channels_own_users_are_claimed(assistant, clock):
    queue(assistant, clock, channel="terminal", external_id="local")
    assert outbox(assistant, clock, channel="telegram").claim() == []
    assert len(outbox(assistant, clock, channel="terminal").claim()) == 1


def test_a_committed_notification_wakes_the_sender_once(assistant, clock):
    sender = outbox(assistant, clock).watch()
    try:
        assert not sender.take_news()
        with assistant.sessions() as session, session.begin():
            Repositories(session).users.find_or_create("telegram", "902", "902", "zh")
        assert not sender.take_news(), "a transaction without notifications is no news"
        queue(assistant, clock)
        assert sender.take_news() and not sender.take_news()
    finally:
        sender.close()


def test_workers_claiming_at_the_same_time_share_the_work_without_overlap(assistant, clock):
    queue(assistant, clock, count=60)
    claimed: list[list[int]] = []
    start = threading.Barrier(4)

    def work(worker: str) -> None:
        mine, sender = [], outbox(assistant, clock, worker=worker)
        start.wait()
        while batch := sender.claim():
            mine += [pending.id for pending in batch]
            for pending in batch:
                sender.sent(pending)
        claimed.append(mine)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    everything = [notification_id for mine in claimed for notification_id in mine]
    assert len(everything) == 60 and len(set(everything)) == 60


def test_delivered_notifications_are_forgotten_after_a_while(assistant, clock):
    queue(assistant, clock, count=2)
    sender = outbox(assistant, clock, worker="a")
    first, _ = sender.claim()
    sender.sent(first)
    clock.advance(days=assistant.settings.notifications.keep_sent_days + 1)
    assert sender.forget_sent() == 1
