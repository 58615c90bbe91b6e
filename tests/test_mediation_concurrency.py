"""Claiming a case, numbering cases and firing timers are decided by the database (meant for PostgreSQL, where the
transactions overlap; on SQLite, whose writers take turns, the same outcomes hold)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, text

from bot.db.models import MediationCase, MediationEvent, MediationTimer, Notification, User
from bot.db.repositories import Repositories
from bot.mediation import timers
from bot.mediation.context import MediationContext
from bot.terminal import TerminalChat
from tests.handoff_helpers import OFFICE_HOURS, act, desk_of, staff_cli
from tests.test_handoff_concurrency import race

WORKERS = 6


def new_case(assistant, n: int, **values) -> int:
    with assistant.sessions() as session, session.begin():
        repos = Repositories(session)
        user = User(channel="terminal", external_id=f"party-{n}", language="zh")
        session.add(user)
        session.flush()
        case = repos.mediation.add(MediationCase(
            number=repos.mediation.next_number(2026), applicant_id=user.id, station_id="luyuan", kind="debt",
            fields={"name": "张三"}, status=values.pop("status", "accepted"), slots={},
            agreement=values.pop("agreement", {}),
            created_at=OFFICE_HOURS, updated_at=OFFICE_HOURS, **values))
        return case.id


def test_of_mediators_pressing_claim_at_once_exactly_one_wins(assistant, settings, clock):
    clock.now = OFFICE_HOURS
    for n in range(WORKERS):
        staff_cli(settings, clock, "add", f"70{n}", "--name", f"调解员{n}", "--role", "mediator", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500", "--station", "luyuan")
    case_id = new_case(assistant, 1)
    desk = desk_of(assistant)
    replies = race(WORKERS, lambda n: act(desk, f"70{n}", "button", button_data=f"mdc:{case_id}"))
    with assistant.sessions() as session:
        claims = session.scalar(select(func.count()).where(MediationEvent.kind == "claimed"))
        mediator = session.get(MediationCase, case_id).mediator
    assert claims == 1 and mediator is not None
    assert all(mediator.name in r.notice for r in replies), "the winner and everyone else are told who has it"


def test_cases_filed_at_once_get_distinct_numbers(assistant):
    numbers = race(WORKERS, lambda n: new_case(assistant, 100 + n))
    with assistant.sessions() as session:
        found = sorted(session.scalars(select(MediationCase.number)))
    assert len(set(numbers)) == WORKERS
    assert found == [f"TJ-2026-{n:06d}" for n in range(1, WORKERS + 1)]


def test_two_processes_firing_timers_at_once_fire_each_once(assistant, clock):
    clock.now = OFFICE_HOURS
    ctx = MediationContext.of(assistant)
    ids = [new_case(assistant, 200 + n, status="effective", effective_on=date(2026, 11, 6)) for n in range(5)]
    with assistant.sessions() as session, session.begin():
        repos = Repositories(session)
        for case_id in ids:
            repos.mediation.set_timer(case_id, "confirm_day20", ctx.at_reminder_hour(date(2026, 11, 26)))
    fired = race(2, lambda n: timers.fire_due(assistant.sessions, ctx, clock))
    assert sum(fired) == 5
    assert timers.fire_due(assistant.sessions, ctx, clock) == 0


def test_the_terminal_chat_plays_both_parties_with_user(assistant, clock):
    """Two terminal users on one database: the applicant's invitation, opened by the other party, and the news."""
    clock.now = OFFICE_HOURS
    applicant, other = TerminalChat(assistant, user_id="alice"), TerminalChat(assistant, user_id="bob")
    applicant.send("/start")
    applicant.send("1")
    screen = applicant.send("🤝 在线调解")
    for line in ("4", "借给邻居两万元，约定半年还，一直不还。", "还清两万元", "张三", "13812345678", "王五"):
        screen = applicant.send(line)
    for line in ("1", "无", "潞源", "1", "1", "5"):
        screen = applicant.send(line)
    assert "请核对" in screen
    submit = next(str(i + 1) for i, b in enumerate(applicant.choices) if "同意告知对方并提交" in b.label)
    done = applicant.send(submit)
    payload = done.split("/start ")[1].split()[0]
    invitation = other.send(f"/start {payload}")
    assert "张三" in invitation and "13812345678" not in invitation and "第二十三条" in invitation
    assert "谢谢" in other.send("1")
    news = applicant.send("/menu")
    assert "对方已同意调解" in news
    assert "已经被使用过" in TerminalChat(assistant, user_id="carol").send(f"/start {payload}")


def _agreed_case(assistant, n: int) -> int:
    agreement = {"facts": "借款两万元", "matters": "还款期限", "recorded_at": OFFICE_HOURS.isoformat(), "mediator": "李调解员",
                 "terms": [{"party": "respondent", "does": "归还借款", "by": "2026-12-31", "how": "银行转账",
                            "amount": 20000.0}]}
    case_id = new_case(assistant, n, status="agreed", outcome="agreement", agreement=agreement)
    with assistant.sessions() as session, session.begin():
        Repositories(session).mediation.set_timer(case_id, "agreement_docs", OFFICE_HOURS)
    return case_id


def test_documents_are_built_with_no_lock_held_and_a_case_changed_meanwhile_is_not_sent(assistant, clock,
                                                                                         monkeypatch):
    """While the Word and PDF files are being built (seconds), staff can write the case; if they changed the
    agreement, the stale files are not handed over, and the timer is closed as skipped."""
    clock.now = OFFICE_HOURS
    ctx = MediationContext.of(assistant)
    kept, changed = _agreed_case(assistant, 300), _agreed_case(assistant, 301)
    build, hand_over = timers.DOCUMENTS["agreement_docs"]

    def build_while_staff_write(ctx, case):
        with assistant.sessions() as session, session.begin():  # blocks, or fails, if the builder held a lock
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SET LOCAL lock_timeout = '3s'"))
            row = Repositories(session).mediation.get(case.id, lock=True)
            row.updated_at = OFFICE_HOURS + timedelta(minutes=1)
            if case.id == changed:
                row.agreement = {**row.agreement, "matters": "改过了"}
        return build(ctx, case)

    monkeypatch.setitem(timers.DOCUMENTS, "agreement_docs", (build_while_staff_write, hand_over))
    assert timers.deliver_documents(assistant.sessions, ctx, clock) == 1
    with assistant.sessions() as session:
        outcomes = dict(session.execute(select(MediationTimer.case_id, MediationTimer.outcome)).all())
        files = session.scalars(select(Notification.attachment_name).where(Notification.attachment_name.is_not(None)))
        assert outcomes == {kept: "fired", changed: "skipped"}
        assert sorted(files) == ["调解协议书-TJ-2026-000001.docx", "调解协议书-TJ-2026-000001.pdf"]
    assert timers.deliver_documents(assistant.sessions, ctx, clock) == 0, "handed over once"


def test_a_document_claim_left_by_a_dead_process_is_taken_again_after_the_lease(assistant, clock):
    clock.now = OFFICE_HOURS
    ctx = MediationContext.of(assistant)
    _agreed_case(assistant, 400)
    with assistant.sessions() as session, session.begin():  # a process claimed it, then died before handing over
        assert len(Repositories(session).mediation.claim_due(OFFICE_HOURS, 10, kinds=timers.DOCUMENTS)) == 1
    assert timers.deliver_documents(assistant.sessions, ctx, clock) == 0, "within the lease: its claim stands"
    clock.now = OFFICE_HOURS + timers.DOCUMENT_LEASE + timedelta(seconds=1)
    assert timers.deliver_documents(assistant.sessions, ctx, clock) == 1
