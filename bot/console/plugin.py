"""The staff console, as the assistant sees it: the bot's /console screen that sends a sign-in link, and the
`legalbot console` group. The console's pages are mounted by the web channel (bot/web/app.py)."""

from bot.console import commands, signin
from bot.core.service import CommandGroup, Service

SERVICE = Service(name="console", screens={"console_link": signin.link_screen},
                  cli=CommandGroup(("console",), commands.add_parser, commands.run))
