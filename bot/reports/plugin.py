"""The assessment reports, as the assistant sees them: a command-line group (the monthly delivery is the
Telegram channel's job, as it needs the channel's outbox worker)."""

from bot.core.service import CommandGroup, Service
from bot.reports import commands

SERVICE = Service(name="reports", cli=CommandGroup(("report",), commands.add_parser, commands.run))
