"""Retention as one policy: one table, one line per class of personal data, one purge that enforces every line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from bot.db.models import FormDraft as AidDraft
from bot.db.models import (
    AidApplication,
    AidEvidence,
    Base,
    FormFile,
    LectureBooking,
    LectureRequest,
    MessageRecord,
    Notification,
    ProcessedUpdate,
    Ticket,
    TicketEvent,
)
from bot.lectures.verbs import book
from bot.privacy.commands import print_purge
from bot.privacy.retention import PURGES
from tests.domain_helpers import Resident
from tests.handoff_helpers import act, command, ticket
from tests.test_handoff import resident_at_luyuan, staffed  # noqa: F401 - the fixture
from tests.test_lecture_requests import fill_form
from tests.test_legal_aid_application import start as start_application
from tests.test_legal_aid_application import wage_claim_to_review

# Tables that hold nothing about a person, or whose rows are the profile itself (kept while the resident uses the
# service, and removed by /forget).
NOT_PERSONAL = {"lectures", "question_counts", "aid_counters", "staff_members", "staff_groups", "whistle_timers",
                "lecture_reminders", "users", "conversations", "aid_status_changes", "alembic_version",
                "staff_stations", "report_deliveries", "mediation_counters", "mediation_timers",
                "account_links"}  # two internal ids; go with the consent that allowed linking (test_consent.py)
COVERED = {"messages": "messages", "tickets": "ticket_summaries", "ticket_events": "ticket_notes",
           "notifications": "relays", "lecture_requests": "lecture_request_phones", "form_drafts": "drafts",
           "form_files": "evidence_files", "aid_evidence": "aid_applications", "form_submissions": "form_submissions", "processed_updates": "dedupe_rows", "lecture_bookings": "lecture_bookings",
           "aid_applications": "aid_applications", "link_codes": "link_codes",
           "unanswered_questions": "unanswered_questions", "console_links": "console_sign_ins",
           "console_sessions": "console_sign_ins",
           "mediation_cases": "mediation_cases", "mediation_events": "mediation_cases"}


def test_every_table_with_personal_data_has_a_line_in_the_retention_table(assistant):
    policy = assistant.retention
    assert set(policy.classes) == set(PURGES)
    tables = set(Base.metadata.tables) - NOT_PERSONAL
    assert tables == set(COVERED), "a new table needs a retention line (privacy/retention.yml) and a purge"
    assert set(COVERED.values()) <= set(policy.classes)


def test_the_privacy_notice_quotes_every_period_of_the_retention_table(assistant):
    resident = Resident(assistant)
    resident.command("privacy")
    for name, line in assistant.retention.classes.items():
        if line.archive or name == "dedupe_rows":
            continue
        assert f"{line.days} 天" in resident.text, name
    assert "按档案规定保存" in resident.text


def counts(assistant) -> dict[str, int]:
    with assistant.sessions() as session:
        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(*where))
        return {
            "messages": count(MessageRecord),
            "summaries": count(Ticket, Ticket.rating_comment.is_not(None)),
            "notes": count(TicketEvent, TicketEvent.kind == "note", TicketEvent.detail != ""),
            "relays": count(Notification, Notification.about_user_id.is_not(None)),
            "notifications": count(Notification, Notification.about_user_id.is_(None)),
            "phones": count(LectureRequest, LectureRequest.contact_phone != ""),
            "drafts": count(AidDraft),
            "evidence": count(FormFile),
            "dedupe": count(ProcessedUpdate),
            "applications": count(AidApplication),
        }


def everything_once(assistant, staffed):  # noqa: F811
    """A ticket with a note and a comment, a lecture request, a draft with evidence, a submitted application."""
    resident = resident_at_luyuan(assistant)
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    resident.say("我的电话13800138000")
    act(staffed, "501", "button", button_data="tk:1")
    command(staffed, "501", "/note 1 住在九棵树东路")
    command(staffed, "501", "/close 1")
    resident.press_data("rate:1.4")
    resident.say("很好")
    fill_form(resident)
    resident.press("提交申请")
    drafting = start_application(assistant, channel="telegram", user_id="1002")
    wage_claim_to_review(drafting)
    submitting = start_application(assistant, channel="telegram", user_id="1003")
    wage_claim_to_review(submitting)
    submitting.press_data(next(b.data for row in submitting.screen.buttons for b in row if "提交" in b.label))
    with assistant.sessions.begin() as session:  # the outbox has sent everything
        session.execute(update(Notification).values(sent_at=assistant.clock()))


def test_the_purge_enforces_each_line_of_the_retention_table_and_nothing_sooner(assistant, staffed, clock):  # noqa: F811
    everything_once(assistant, staffed)
    start = counts(assistant)
    assert all(start.values()), start
    policy = assistant.retention
    gone: set[str] = set()
    steps = [("dedupe_rows", {"dedupe"}), ("relays", {"relays"}), ("notifications", {"notifications"}),
             ("drafts", {"drafts", "evidence"}), ("messages", {"messages"}),
             ("lecture_request_phones", {"phones"}), ("ticket_summaries", {"summaries"}),
             ("ticket_notes", {"notes"})]
    origin = clock.now
    for days in sorted({policy.days(name) for name, _ in steps}):
        due = [(name, cleared) for name, cleared in steps if policy.days(name) == days]
        clock.now = origin + timedelta(days=days - 1)
        purged = assistant.purge_expired()
        assert all(purged[name] == 0 for name, _ in due), f"purged a day early: {purged}"
        clock.now = origin + timedelta(days=days + 1)
        purged = assistant.purge_expired()
        assert all(purged[name] > 0 for name, _ in due), purged
        now = counts(assistant)
        gone |= {key for _, cleared in due for key in cleared}
        assert all(now[key] == 0 for key in gone), (days, now)
        assert all(now[key] > 0 for key in set(start) - gone - {"applications"}), (days, now)
    assert purged["aid_applications"] == 1 and counts(assistant)["applications"] == 1
    assert "13800138000" not in str(ticket(assistant).summary) and ticket(assistant).summary["erased"]


def test_submitted_applications_follow_the_archive_rule(assistant, clock):
    resident = start_application(assistant, channel="telegram")
    wage_claim_to_review(resident)
    resident.press_data(next(b.data for row in resident.screen.buttons for b in row if "提交" in b.label))
    clock.advance(days=365 * 30)
    assert assistant.purge_expired()["aid_applications"] == 1
    assert assistant.retention.classes["aid_applications"].archive
    with assistant.sessions() as session:
        application = session.scalar(select(AidApplication))
        assert application.fields["phone"] == "13812345678"
        assert session.scalar(select(func.count()).select_from(AidEvidence)) == 2


def test_lecture_bookings_are_deleted_a_year_after_the_lecture(assistant, clock):
    from tests.lecture_helpers import add_lecture

    lecture_id = add_lecture(assistant, clock)
    resident = Resident(assistant)
    resident.command("start")
    resident.press("同意")
    resident.press_data(book(lecture_id, 1))
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(LectureBooking)) == 1
    clock.advance(days=300)
    assert assistant.purge_expired()["lecture_bookings"] == 0
    clock.advance(days=100)
    assert assistant.purge_expired()["lecture_bookings"] == 1


def test_purge_dry_run_prints_the_counts_per_class_and_changes_nothing(assistant, staffed, clock, capsys):  # noqa: F811
    everything_once(assistant, staffed)
    before = counts(assistant)
    clock.advance(days=400)
    print_purge(assistant, dry_run=True)
    printed = capsys.readouterr().out
    assert counts(assistant) == before
    assert "dry run: nothing changed" in printed
    for name in assistant.retention.classes:
        assert name in printed
    assert "aid_applications" in printed and "kept (archive rule" in printed
    lines = {line.split()[0]: int(line.split()[1]) for line in printed.splitlines()[1:]}
    assert lines["messages"] == before["messages"] and lines["aid_applications"] == 1
    print_purge(assistant)
    assert counts(assistant)["messages"] == 0


def test_the_readme_states_the_retention_table_as_it_is(assistant):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Privacy"):readme.index("## Tests")]
    rows = {cells[1].strip(): (cells[2].strip(), cells[3].strip()) for cells in
            (line.split("|") for line in section.splitlines()
             if line.strip().startswith("| ") and not line.strip().startswith("| class"))}
    assert set(rows) == set(assistant.retention.classes)
    for name, line in assistant.retention.classes.items():
        kept, then = rows[name]
        if line.archive:
            assert kept == "archive rule" and "never deleted" in then, name
        else:
            assert kept.startswith(f"{line.days} days") and f"{line.then}d" in then, name
