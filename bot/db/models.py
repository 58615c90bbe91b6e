"""Database models."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime}


class User(Base):
    """A person who talks to the bot on one channel, with their profile."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_users_channel_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    station_id: Mapped[str | None] = mapped_column(String(24))
    consent: Mapped[str | None] = mapped_column(String(16))
    consent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.now(), onupdate=func.now()
    )

    conversation: Mapped[Conversation | None] = relationship(back_populates="user", uselist=False)


class Conversation(Base):
    """Where a user is in the conversation: the current screen and any per-flow state."""

    __tablename__ = "conversations"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    screen: Mapped[str] = mapped_column(String(64), default="home")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.now(), onupdate=func.now()
    )

    user: Mapped[User] = relationship(back_populates="conversation")


class MessageRecord(Base):
    """One message in or out of a conversation, kept for the retention period."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class ProcessedUpdate(Base):
    """An update already handled, so a redelivery is handled once."""

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class QuestionCount(Base):
    """How often a knowledge-base entry (or, with no entry, a topic) was asked in a town in a month. No personal data."""

    __tablename__ = "question_counts"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    town: Mapped[str] = mapped_column(String(24), primary_key=True)
    topic: Mapped[str] = mapped_column(String(24), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    asked: Mapped[int] = mapped_column(default=0)
    helpful: Mapped[int] = mapped_column(default=0)
    unhelpful: Mapped[int] = mapped_column(default=0)


class Lecture(Base):
    """A micro-lecture (法治微讲堂): at a station, in a community or company, or online."""

    __tablename__ = "lectures"
    # The database refuses an overbooked lecture even if a bug slipped past the conditional update.
    __table_args__ = (CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="ck_lectures_seats"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(24))
    speaker: Mapped[str] = mapped_column(String(100), default="")
    town: Mapped[str | None] = mapped_column(String(24))
    place: Mapped[str] = mapped_column(String(200), default="")
    place_en: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    capacity: Mapped[int] = mapped_column()
    seats_taken: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class LectureBooking(Base):
    """A resident's seats at a lecture (booked), their place on its waitlist (waiting), or a cancelled one."""

    __tablename__ = "lecture_bookings"
    __table_args__ = (
        UniqueConstraint("lecture_id", "user_id", name="uq_lecture_bookings_lecture_user"),
        Index("ix_lecture_bookings_queue", "lecture_id", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lectures.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    seats: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column()
    confirmed_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    promoted: Mapped[bool] = mapped_column(default=False)

    lecture: Mapped[Lecture] = relationship()
    user: Mapped[User] = relationship()


class LectureReminder(Base):
    """A reminder due some minutes before a booked lecture; fired once, by whichever process claims it."""

    __tablename__ = "lecture_reminders"
    __table_args__ = (UniqueConstraint("booking_id", "minutes_before", name="uq_lecture_reminders_booking_minutes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("lecture_bookings.id", ondelete="CASCADE"))
    minutes_before: Mapped[int] = mapped_column()
    due_at: Mapped[datetime] = mapped_column(index=True)
    fired_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(16))

    booking: Mapped[LectureBooking] = relationship()


class LectureRequest(Base):
    """A community's or company's request for a lecture made for them (定制化)."""

    __tablename__ = "lecture_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(100))
    audience_size: Mapped[int] = mapped_column()
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_dates: Mapped[str] = mapped_column(String(200))
    contact_phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="new")
    lecture_id: Mapped[int | None] = mapped_column(ForeignKey("lectures.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column()
    scheduled_at: Mapped[datetime | None] = mapped_column()


class Notification(Base):
    """A message for a user that answers nobody's update: written with the change that causes it, sent once."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "sent_at", "failed_at", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column()
    # A fresh token per claim: only the holder of the current claim may renew it, mark the row sent or release it.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column()
    failed_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(String(200))
    # A relay: copy this channel message (chat, message id) instead of sending the text; thread_id picks a forum topic.
    copy_chat_id: Mapped[str | None] = mapped_column(String(64))
    copy_message_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    # The resident whose words or case this message carries (a relay, a ticket card), so erasing them reaches it.
    about_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class StaffMember(Base):
    """A member of staff: a role (see knowledge/staff_permissions.yml) and the stations they belong to (none: the
    whole district)."""

    __tablename__ = "staff_members"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_staff_members_channel_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column()

    stations: Mapped[list[StaffStation]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                        order_by="StaffStation.station_id")

    @property
    def station_ids(self) -> tuple[str, ...]:
        """The member's stations; empty for district-wide staff."""
        return tuple(row.station_id for row in self.stations)


class StaffStation(Base):
    """One station a member of staff belongs to."""

    __tablename__ = "staff_stations"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(24), primary_key=True, index=True)


class StaffGroup(Base):
    """A staff group chat: a station's own, or the district's (no station). Notifications reach it as a recipient row."""

    __tablename__ = "staff_groups"
    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_staff_groups_channel_chat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    station_id: Mapped[str | None] = mapped_column(String(24), unique=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column()


class Ticket(Base):
    """A resident's request for a person: open until one member of staff claims it, then relayed until closed."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_queue", "status", "priority", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[str | None] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str] = mapped_column(String(16))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("staff_groups.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    opened_at: Mapped[datetime] = mapped_column()
    window_ends_at: Mapped[datetime] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column()
    whistled_at: Mapped[datetime | None] = mapped_column()
    first_reply_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    rating: Mapped[int | None] = mapped_column()
    rating_comment: Mapped[str | None] = mapped_column(Text)

    staff: Mapped[StaffMember | None] = relationship()
    user: Mapped[User] = relationship()
    group: Mapped[StaffGroup | None] = relationship()


class TicketEvent(Base):
    """The audit log: every step of a ticket and every staff action on it, refused ones included."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column()


class WhistleTimer(Base):
    """One step of a ticket's escalation ladder, due at a time; fired once by whichever process claims it."""

    __tablename__ = "whistle_timers"
    __table_args__ = (UniqueConstraint("ticket_id", "step", name="uq_whistle_timers_ticket_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column()
    target: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(index=True)
    fired_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(16))


class AidCounter(Base):
    """The last legal-aid tracking sequence handed out in a year; read and bumped under a row lock."""

    __tablename__ = "aid_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class AidApplication(Base):
    """A submitted legal-aid application with its tracking number (FY-2026-000123)."""

    __tablename__ = "aid_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(16), unique=True)
    draft_id: Mapped[int] = mapped_column(unique=True)  # the draft it came from: a second submit of one draft fails
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[str | None] = mapped_column(String(24), index=True)
    matter: Mapped[str] = mapped_column(String(24))
    claim: Mapped[str] = mapped_column(String(24))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    wage_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decision: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column()

    user: Mapped[User] = relationship()


class AidEvidence(Base):
    """An evidence file of an application (while the application is a draft, its files are form_files)."""

    __tablename__ = "aid_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("aid_applications.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column()


class AidStatusChange(Base):
    """One step of an application's status history, with who made it and why."""

    __tablename__ = "aid_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("aid_applications.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column()


class ReportDelivery(Base):
    """A monthly report sent to one station's supervisors (station "" is the district): claimed once, then sent."""

    __tablename__ = "report_deliveries"
    __table_args__ = (UniqueConstraint("period", "station_id", name="uq_report_deliveries_period_station"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    station_id: Mapped[str] = mapped_column(String(24))
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()
    recipients: Mapped[int] = mapped_column(default=0)


class FormDraft(Base):
    """A guided form in progress (bot/forms): one per user and form, resumable after a restart, purged when abandoned."""

    __tablename__ = "form_drafts"
    # Ids are never reused: an application keeps the id of the draft it came from, unique (aid_applications).
    __table_args__ = (UniqueConstraint("user_id", "form", name="uq_form_drafts_user_form"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    form: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(index=True)


class FormFile(Base):
    """A file given to a form's files field, kept with the draft until the form is submitted or dropped."""

    __tablename__ = "form_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("form_drafts.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column()


class FormSubmission(Base):
    """A submitted form that no service stores in its own tables (the enterprise health check), with its reference."""

    __tablename__ = "form_submissions"
    __table_args__ = (UniqueConstraint("form", "draft_id", name="uq_form_submissions_form_draft"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[str] = mapped_column(String(32), index=True)
    reference: Mapped[str | None] = mapped_column(String(24), unique=True)
    draft_id: Mapped[int] = mapped_column()  # the draft it came from: a second submit of one draft fails
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[str | None] = mapped_column(String(24))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    follow_up_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column()


class LinkCode(Base):
    """A one-time code a resident got on one channel (Telegram) to link their web visits to the same record."""

    __tablename__ = "link_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256: a leaked table reveals no code
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()


class AccountLink(Base):
    """A web visitor linked to a resident's record on another channel: from then on, the web acts as that resident."""

    __tablename__ = "account_links"

    web_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column()


class ConsoleLink(Base):
    """A one-time sign-in link to the staff console, sent by the bot; only the token's hash is kept."""

    __tablename__ = "console_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class ConsoleSession(Base):
    """A signed-in console session: the cookie carries the token, the row its hash, its CSRF token and its end."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()
    seen_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()

    staff: Mapped[StaffMember] = relationship()


class UnansweredQuestion(Base):
    """A question the bot could not answer, kept (masked, without who asked) so staff can fill the knowledge base's
    gaps; only from residents who agreed to keep their messages, and purged with conversations."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    town: Mapped[str] = mapped_column(String(24))
    topic: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(String(300))
    asked_at: Mapped[datetime] = mapped_column(index=True)


# --- mediation (网络调解 + 司法确认): bot/mediation/ -------------------------------------------------------------


class MediationCounter(Base):
    """The last mediation case sequence handed out in a year; read and bumped under a row lock."""

    __tablename__ = "mediation_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class MediationCase(Base):
    """A people's-mediation case (TJ-2026-000001): from the application to judicial confirmation and performance."""

    __tablename__ = "mediation_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    station_id: Mapped[str | None] = mapped_column(String(24), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), index=True)
    invite_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[datetime | None] = mapped_column()
    invite_used_at: Mapped[datetime | None] = mapped_column()
    respondent_by: Mapped[str | None] = mapped_column(String(8))  # "link" or "phone"
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column()
    slots: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"times": [iso…], "applicant": i, "respondent": i}
    session_at: Mapped[datetime | None] = mapped_column()
    session_place: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    agreement: Mapped[dict[str, Any]] = mapped_column(default=dict)  # facts, matters, terms
    applicant_confirmed_at: Mapped[datetime | None] = mapped_column()
    respondent_confirmed_at: Mapped[datetime | None] = mapped_column()
    effective_on: Mapped[date | None] = mapped_column()
    perform_by: Mapped[date | None] = mapped_column()
    filed_on: Mapped[date | None] = mapped_column()
    ruling: Mapped[str | None] = mapped_column(String(16))
    ruling_on: Mapped[date | None] = mapped_column()
    applicant_performed: Mapped[str | None] = mapped_column(String(8))
    respondent_performed: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(index=True)
    accepted_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()

    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    respondent: Mapped[User | None] = relationship(foreign_keys=[respondent_id])
    mediator: Mapped[StaffMember | None] = relationship()


class MediationEvent(Base):
    """One line of a case's timeline and audit: who did what, when; `shown` lines are the parties' timeline."""

    __tablename__ = "mediation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    shown: Mapped[bool] = mapped_column(default=True)
    at: Mapped[datetime] = mapped_column()


class MediationTimer(Base):
    """A case's reminder or follow-up, due at a time; fired once by whichever process claims it."""

    __tablename__ = "mediation_timers"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_mediation_timers_case_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    due_at: Mapped[datetime] = mapped_column(index=True)
    fired_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(16))
