"""Plain tables through starlette-admin (its Chinese UI): staff members and their roles, at /staff/admin.

Signed in by the console's own session (no second password); only a role that may manage content gets in, and each
request is audited. The work screens (inbox, legal aid, lectures, reports) stay hand-written in the console.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette_admin import BooleanField, EnumField, IntegerField, StringField
from starlette_admin.auth import AdminUser
from starlette_admin.auth.base import BaseAuthProvider
from starlette_admin.contrib.sqla import Admin, ModelView
from starlette_admin.i18n import I18nConfig

from bot.console import signin
from bot.console.access import MANAGE_CONTENT
from bot.db.models import StaffMember, StaffStation
from bot.db.repositories import Repositories
from bot.handoff.desk import remove_member

# starlette-admin renders its pages with inline scripts: its own responses allow them, and nothing else does.
ADMIN_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
             "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
             "frame-ancestors 'none'")


class ConsoleAuth(BaseAuthProvider):
    """The console's session, and a role allowed to manage content, or the sign-in page."""

    def __init__(self, console):
        super().__init__(login_path="/login", logout_path="/logout")
        self.console = console

    def _member(self, token: str, what: str) -> str | None:
        console = self.console

        def check(session) -> str | None:
            row = signin.current(session, token, console.config, console.clock())
            if row is None:
                return None
            member, now = row.staff, console.clock()
            if not console.access.check(session, member, MANAGE_CONTENT, None, now, detail="admin"):
                return None
            Repositories(session).handoff.tickets.log(None, member.name, "console_admin", now, staff_id=member.id,
                                                      detail=what[:200])
            return member.name

        return console.transaction(check)

    async def authenticate(self, request: Request) -> AdminUser | None:
        token = request.cookies.get("staff_session", "")
        if not token:
            return None
        name = await run_in_threadpool(self._member, token, f"{request.method} {request.url.path}")
        return AdminUser(username=name) if name else None

    def get_routes(self, templates) -> list[Route]:
        async def to_console(request: Request) -> Response:
            return RedirectResponse("/staff/signin", status_code=303)

        return [Route("/login", to_console, name="login"), Route("/logout", to_console, name="logout")]


class StaffView(ModelView):
    """Staff members: name, chat account, role; created here, never deleted (history keeps them). Deactivating one
    is the desk's own removal: their tickets go back to the queue and nothing more reaches their chat."""

    def __init__(self, console, roles: list[tuple[str, str]]):
        self.console = console
        self.fields = [
            IntegerField("id", label="#", exclude_from_create=True, exclude_from_edit=True),
            StringField("name", label="姓名 Name", required=True, maxlength=100),
            EnumField("channel", label="渠道 Channel", choices=[("telegram", "Telegram")]),
            StringField("external_id", label="Telegram ID", required=True, maxlength=64),
            EnumField("role", label="角色 Role", choices=roles),
            BooleanField("active", label="在岗 Active"),
        ]
        super().__init__(StaffMember, icon="fa fa-users", display_name="工作人员 Staff", key="staff")

    def can_delete(self, request: Request) -> bool:
        return False  # deactivate instead: tickets and the audit log point at the member

    async def before_create(self, request: Request, data: dict[str, Any], obj: Any) -> None:
        obj.created_at = self.console.clock()

    async def before_edit(self, request: Request, data: dict[str, Any], obj: Any) -> None:
        was_active = inspect(obj).attrs.active.history.deleted
        if was_active and was_active[0] and not obj.active:
            session = request.state.session
            remove_member(self.console.ctx, Repositories(session), obj, request.state.admin_user.username,
                          self.console.clock())


class StaffStationView(ModelView):
    """Which stations each member belongs to (none: the whole district)."""

    def __init__(self, stations: list[tuple[str, str]]):
        self.fields = [
            IntegerField("staff_id", label="工作人员 # Staff", required=True),
            EnumField("station_id", label="站点 Station", choices=stations),
        ]
        super().__init__(StaffStation, icon="fa fa-building", display_name="所属站点 Stations of staff",
                         key="staff-stations")


def mount_admin(app, console, settings, secret: str) -> None:
    """Mount the admin at /staff/admin inside the console app."""
    admin = Admin(console.sessions, title="法律超市 · 管理", base_url="/admin", route_name="admin",
                  auth_provider=ConsoleAuth(console),
                  secret_key=secret,  # the web service's key; starlette-admin salts its own uses
                  i18n_config=I18nConfig(default_locale="zh"))
    stations = [(station.id, station.name("zh")) for station in console.ctx.stations]
    table = console.access.permissions.table
    roles = [(role, f"{table.role_name(role, 'zh')} {table.role_name(role, 'en')}") for role in table.roles]
    admin.add_view(StaffView(console, roles))
    admin.add_view(StaffStationView(stations))
    admin.mount_to(app)
