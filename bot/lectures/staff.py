"""What staff do from the command line: each command in its own transaction, printing plain lines."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import User
from bot.db.repositories import Repositories
from bot.lectures import notices
from bot.lectures.context import LectureContext
from bot.lectures.desk import LectureDesk
from bot.lectures.importer import ImportProblem, import_lectures, lecture_values, read_specs
from bot.core.phones import mask
from bot.lectures.repository import BOOKED, SCHEDULED

log = logging.getLogger(__name__)


class StaffDesk:
    def __init__(self, sessions: sessionmaker[Session], ctx: LectureContext, now: datetime):
        self.sessions = sessions
        self.ctx = ctx
        self.now = now

    def run(self, args: argparse.Namespace) -> int:
        commands = {
            "add": self.add,
            "list": self.list,
            "cancel": self.cancel,
            "import": self.import_file,
            "attendees": self.attendees,
            "requests": self.requests,
            "schedule-request": self.schedule_request,
        }
        return commands[args.lectures_command](args)

    def _local(self, moment: datetime) -> str:
        return f"{self.ctx.local(moment):%Y-%m-%d %H:%M}"

    def add(self, args: argparse.Namespace) -> int:
        spec = dict(
            title={"zh": args.title, "en": args.title_en} if args.title_en else args.title,
            place={"zh": args.place, "en": args.place_en} if args.place and args.place_en else args.place,
            topic=args.topic, starts=args.starts, minutes=args.minutes, capacity=args.capacity, town=args.town,
            online_url=args.online_url, speaker=args.speaker,
        )
        try:
            values = lecture_values(self.ctx, spec, self.now)
        except ImportProblem as problem:
            print(f"not added: {problem}")
            return 1
        with self.sessions() as session, session.begin():
            lecture_id = Repositories(session).lectures.catalogue.insert_new(values)
        print(f"added lecture {lecture_id}: {values['title']}, {self._local(values['starts_at'])}, "
              f"{values['capacity']} seats")
        return 0

    def list(self, args: argparse.Namespace) -> int:
        with self.sessions() as session:
            repos = Repositories(session).lectures
            lectures = repos.catalogue.listing(None if args.all else self.now)
            print(f"{'id':>4}  {'starts':16}  {'seats':>9}  {'waiting':>7}  {'status':9}  {'town':14}  "
                  f"{'topic':14}  title")
            for lecture in lectures:
                seats = f"{lecture.seats_taken}/{lecture.capacity}"
                waiting = repos.bookings.count_waiting(lecture.id)
                town = "online" if lecture.online_url else (lecture.town or "-")
                print(f"{lecture.id:>4}  {self._local(lecture.starts_at):16}  {seats:>9}  {waiting:>7}  "
                      f"{lecture.status:9}  {town:14}  {lecture.topic:14}  {lecture.title}")
        if not lectures:
            print("no lectures" if args.all else "no lectures ahead (--all shows past ones)")
        return 0

    def cancel(self, args: argparse.Namespace) -> int:
        with self.sessions() as session, session.begin():
            told = LectureDesk(Repositories(session), self.ctx, self.now).cancel_lecture(args.id)
        if told is None:
            print(f"no lecture {args.id}")
            return 1
        print(f"cancelled lecture {args.id}; {told} residents booked or waiting will be told")
        return 0

    def import_file(self, args: argparse.Namespace) -> int:
        try:
            added, skipped = import_lectures(self.sessions, self.ctx, read_specs(args.file), self.now)
        except (ImportProblem, OSError) as problem:
            print(f"nothing imported:\n{problem}")
            return 1
        print(f"imported {added} lectures" + (f"; {skipped} already there (same key)" if skipped else ""))
        return 0

    def attendees(self, args: argparse.Namespace) -> int:
        with self.sessions() as session:
            repos = Repositories(session).lectures
            lecture = repos.catalogue.get(args.id)
            if lecture is None:
                print(f"no lecture {args.id}")
                return 1
            print(f"lecture {lecture.id}: {lecture.title}, {self._local(lecture.starts_at)}, {lecture.status}, "
                  f"{lecture.seats_taken}/{lecture.capacity} seats taken")
            booked = [row for row in repos.bookings.on_lecture(lecture.id) if row.status == BOOKED]
            waiting = repos.bookings.waiting(lecture.id)
            print(f"booked ({sum(row.seats for row in booked)} seats):")
            for row in booked:
                via = ", from the waitlist" if row.promoted else ""
                print(f"  booking {row.id}: {row.user.channel} user {row.user.external_id}, {row.seats} seats, "
                      f"since {self._local(row.confirmed_at or row.requested_at)}{via}")
            print(f"waitlist ({len(waiting)}):")
            for position, row in enumerate(waiting, 1):
                print(f"  {position}. booking {row.id}: {row.user.channel} user {row.user.external_id}, "
                      f"{row.seats} seats, since {self._local(row.requested_at)}")
        return 0

    def requests(self, args: argparse.Namespace) -> int:
        with self.sessions() as session:
            rows = Repositories(session).lectures.requests.listing(everything=args.all)
            for row in rows:
                phone = row.contact_phone if args.reveal_phones else mask(row.contact_phone)
                lecture = f" -> lecture {row.lecture_id}" if row.lecture_id else ""
                print(f"{row.reference}  {row.status}{lecture}  {self._local(row.created_at)}  {row.organisation}  "
                      f"audience {row.audience_size}  topics {','.join(row.topics)}  "
                      f"dates {row.preferred_dates!r}  phone {phone}")
        if args.reveal_phones and rows:
            # Who saw which numbers is kept in the log, as the privacy notice promises; the numbers themselves are not.
            log.info("staff viewed the phone numbers of requests %s", ", ".join(row.reference or "" for row in rows))
        if not rows:
            print("no requests" if args.all else "no requests waiting")
        return 0

    def schedule_request(self, args: argparse.Namespace) -> int:
        with self.sessions() as session, session.begin():
            repos = Repositories(session)
            request = repos.lectures.requests.by_reference(args.reference)
            lecture = repos.lectures.catalogue.get(args.lecture_id)
            if request is None:
                print(f"no request {args.reference}")
                return 1
            if lecture is None or lecture.status != SCHEDULED or lecture.starts_at <= self.now:
                print(f"lecture {args.lecture_id} does not exist, is cancelled or has begun")
                return 1
            request.status, request.lecture_id, request.scheduled_at = "scheduled", lecture.id, self.now
            user = session.get(User, request.user_id)
            notices.request_scheduled(self.ctx, repos, request, lecture, user, self.now)
            reference = request.reference
        print(f"{reference} scheduled as lecture {args.lecture_id}; the requester will be told")
        return 0
