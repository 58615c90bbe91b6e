"""The assessment reports, as the assistant sees them: the command-line group, and the monthly delivery to each
station's supervisors on the month's first working day."""

from __future__ import annotations

from datetime import timedelta

from bot.core.service import CommandGroup, Job, Service
from bot.notifications.outbox import worker_name
from bot.reports import commands
from bot.reports.delivery import deliver_monthly_reports

DELIVER = "send_monthly_reports"
WORKER = worker_name()  # who holds a delivery's claim: this process


def deliver(assistant) -> int:
    return deliver_monthly_reports(assistant.sessions, assistant.settings, assistant.clock(), WORKER,
                                   assistant.stations.days.is_workday)


SERVICE = Service(
    name="reports",
    cli=CommandGroup(("report",), commands.add_parser, commands.run),
    jobs=[Job(DELIVER, lambda settings: timedelta(minutes=15), deliver, first=timedelta(minutes=2), threaded=True)],
)
