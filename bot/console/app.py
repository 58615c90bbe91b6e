"""The staff console at /staff: sign-in by the bot's link, the ticket inbox, legal aid, mediation and the reports.

`create_console(settings, assistant, …)` returns a Starlette app that the one ASGI service mounts at /staff. Every page
asks `Access` (bot/console/access.py); domain work runs in worker threads, one database transaction per request.
"""

from __future__ import annotations

import base64
import hmac
import logging
import secrets
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.console import aid as aid_pages
from bot.console import inbox
from bot.console import knowledge as knowledge_pages
from bot.console import lectures as lecture_pages
from bot.console import mediation as mediation_pages
from bot.console import signin
from bot.console.admin import ADMIN_CSP, mount_admin
from bot.console.access import CLAIM, CLOSE, MANAGE_CONTENT, NOTE, REPLY, TRANSFER, VIEW_REPORTS, Access, station_ids
from bot.db.models import StaffMember
from bot.db.repositories import Repositories
from bot.handoff.context import HandoffContext
from bot.handoff.desk import StaffDesk
from bot.knowledge import editing
from bot.knowledge.check import shared_laws_folder
from bot.knowledge.entries import Entry, load_entries
from bot.knowledge.laws import StatuteTable
from bot.lectures.context import LectureContext
from bot.mediation.context import MediationContext
from bot.legal_aid.tracking import Status
from bot.reports.periods import BEIJING, KINDS, Period, PeriodError
from bot.reports.render import FORMATS
from bot.reports.service import report_bytes

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
SESSION_COOKIE, LANG_COOKIE, FLASH_COOKIE, PRE_CSRF_COOKIE = "staff_session", "staff_lang", "staff_flash", "staff_pre"
PATH = "/staff"
LINKS_PER_IP_PER_MINUTE = 10
ADMIN_PATHS = ("/staff/admin", "/admin")  # as mounted, and as the console app sees it alone
VERB_ACTIONS = {"claim": CLAIM, "reply": REPLY, "note": NOTE, "transfer": TRANSFER, "close": CLOSE}
# Only the console's own files: no inline script or style, no framing by others, forms to this origin alone.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# A generated report: its own inline styles and SVG charts, no script at all, shown only inside the console.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'self'"
DOWNLOAD_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "pdf": "application/pdf"}


class ConsoleSecurity:
    """Security headers on every console response; the report view sets its own narrower policy."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                policy = ADMIN_CSP if scope["path"].startswith(ADMIN_PATHS) else CSP
                extra = [(b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY"),
                         (b"cache-control", b"no-store")]
                headers += [(name, value) for name, value in extra if name not in names]
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class Console:
    @property
    def knowledge(self):
        """The knowledge base in use now: an edit saved here replaces it within seconds (consultation's reload job)."""
        return self.assistant.knowledge

    def __init__(self, settings, assistant, access: Access | None, limiter):
        self.settings = settings
        self.config = settings.console
        self.assistant = assistant
        self.sessions = assistant.sessions
        self.clock: Callable[[], datetime] = assistant.clock
        self.texts = assistant.content.texts
        self.ctx = HandoffContext.of(assistant)
        self.desk = StaffDesk(assistant.sessions, self.ctx, assistant.clock)
        self.lecture_ctx = LectureContext.of(assistant)
        self.mediation_ctx = MediationContext.of(assistant)
        self.access = access or Access(self.ctx.permissions)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals["station_name"] = self.ctx.station_name
        # Asking for links: a few a minute from one address, one a minute for one account (no flood of messages).
        self.links_per_ip = limiter(LINKS_PER_IP_PER_MINUTE)
        self.links_per_account = limiter(1)

    # --- plumbing ---------------------------------------------------------------------------------------------

    def lang(self, request: Request) -> str:
        chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE, "")
        return "en" if chosen == "en" else "zh"

    def t(self, lang: str):
        def text(key: str, **values: Any) -> str:
            value = self.texts.get(key, lang, **values)
            return value.strip() if isinstance(value, str) else value
        return text

    def local(self, moment: datetime | None) -> str:
        return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if moment else ""

    def page(self, request: Request, template: str, member: StaffMember | None, status: int = 200,
             **values: Any) -> Response:
        lang = self.lang(request)
        flash = _read_flash(request)
        context = {"t": self.t(lang), "lang": lang, "member": member, "local": self.local, "flash": flash,
                   "csrf": request.state.csrf if hasattr(request.state, "csrf") else "",
                   "role": self.access.role_name(member, self.texts, lang) if member else "", **values}
        response = self.templates.TemplateResponse(request, template, context, status_code=status)
        if flash:
            response.delete_cookie(FLASH_COOKIE, path=PATH)
        if request.query_params.get("lang") in ("zh", "en"):
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path=PATH, httponly=True, samesite="strict",
                                secure=self.config.secure_cookie)
        return response

    def transaction(self, work: Callable[[Session], Any]) -> Any:
        with self.sessions() as session, session.begin():
            return work(session)

    def _who(self, session: Session, token: str) -> tuple[StaffMember, str] | None:
        row = signin.current(session, token, self.config, self.clock())
        return (row.staff, row.csrf) if row is not None else None

    async def posted_form(self, request: Request) -> Response | tuple[StaffMember, dict[str, str]]:
        """The signed-in member and the form they posted, or the answer instead: sign-in, or a refused CSRF token."""
        member, _ = await self.member(request, lambda session, member: None)
        if member is None:
            return self.to_signin()
        fields = await self.form(request)
        if not self.csrf_ok(request, fields):
            return self.refused(request, member)
        return member, fields

    async def member(self, request: Request, work: Callable[[Session, StaffMember], Any]) -> Any:
        """Run `work` in one transaction for the signed-in member; None when nobody is signed in."""
        token = request.cookies.get(SESSION_COOKIE, "")

        def run(session: Session):
            who = self._who(session, token) if token else None
            if who is None:
                return None, None, None
            member, csrf = who
            return member, csrf, work(session, member)

        member, csrf, result = await run_in_threadpool(self.transaction, run)
        if member is not None:
            request.state.csrf = csrf
        return member, result

    async def form(self, request: Request) -> dict[str, str]:
        """The posted form's fields, small and without files."""
        async with request.form(max_files=0, max_fields=20, max_part_size=16 * 1024) as posted:
            fields = {key: str(value) for key, value in posted.items()}
        return fields

    @staticmethod
    def csrf_ok(request: Request, fields: dict[str, str]) -> bool:
        expected = getattr(request.state, "csrf", "")
        return bool(expected) and hmac.compare_digest(expected, fields.get("csrf", ""))

    def to_signin(self) -> Response:
        return RedirectResponse(f"{PATH}/signin", status_code=303)

    def refused(self, request: Request, member: StaffMember | None) -> Response:
        return self.page(request, "error.html.j2", member, status=403, message_key="console_forbidden")

    def missing(self, request: Request, member: StaffMember | None) -> Response:
        return self.page(request, "error.html.j2", member, status=404, message_key="console_not_found")

    def back(self, url: str, notice: str) -> Response:
        response = RedirectResponse(url, status_code=303)
        if notice:
            response.set_cookie(FLASH_COOKIE, base64.urlsafe_b64encode(notice.encode()).decode(), path=PATH,
                                httponly=True, samesite="strict", secure=self.config.secure_cookie, max_age=60)
        return response

    # --- sign-in ----------------------------------------------------------------------------------------------

    def _pre_csrf_ok(self, request: Request, fields: dict[str, str]) -> bool:
        cookie = request.cookies.get(PRE_CSRF_COOKIE, "")
        return bool(cookie) and hmac.compare_digest(cookie, fields.get("csrf", ""))

    def _with_pre_csrf(self, request: Request, template: str, **values) -> Response:
        """A page shown before sign-in, its forms carrying a token checked against its cookie (double submit)."""
        token = request.cookies.get(PRE_CSRF_COOKIE) or secrets.token_urlsafe(24)
        request.state.csrf = token
        response = self.page(request, template, None, **values)
        response.set_cookie(PRE_CSRF_COOKIE, token, path=PATH, httponly=True, samesite="strict",
                            secure=self.config.secure_cookie)
        return response

    async def signin_page(self, request: Request) -> Response:
        return self._with_pre_csrf(request, "signin.html.j2", sent=False)

    async def signin_request(self, request: Request) -> Response:
        """Send a link to the member with this chat id; the page says the same whoever asked (nothing to probe)."""
        fields = await self.form(request)
        if not self._pre_csrf_ok(request, fields):
            return self.page(request, "error.html.j2", None, status=403, message_key="console_csrf")
        external_id = fields.get("account", "").strip().lstrip("@")[:64]
        ip = request.client.host if request.client else "unknown"
        if not (self.links_per_ip.allow(ip) and self.links_per_account.allow(external_id)):
            return self._with_pre_csrf(request, "signin.html.j2", sent=False, too_fast=True)

        def send(session: Session) -> None:
            member = signin.find_member(session, "telegram", external_id) if external_id.isdigit() else None
            if member is not None:
                signin.send_link(session, self.texts, self.config, member, self.clock())

        await run_in_threadpool(self.transaction, send)
        return self._with_pre_csrf(request, "signin.html.j2", sent=True)

    async def signin_confirm(self, request: Request) -> Response:
        """The link's page only asks to press a button: link previews fetch it, and must not use it up."""
        return self._with_pre_csrf(request, "confirm.html.j2", token=request.path_params["token"])

    async def signin_redeem(self, request: Request) -> Response:
        fields = await self.form(request)
        if not self._pre_csrf_ok(request, fields):
            return self.page(request, "error.html.j2", None, status=403, message_key="console_csrf")
        token = request.path_params["token"]
        signed = await run_in_threadpool(self.transaction,
                                         lambda session: signin.redeem(session, token, self.config, self.clock()))
        if signed is None:
            return self._with_pre_csrf(request, "signin.html.j2", sent=False, expired=True)
        response = RedirectResponse(f"{PATH}/", status_code=303)
        response.set_cookie(SESSION_COOKIE, signed.token, path=PATH, httponly=True, samesite="strict",
                            secure=self.config.secure_cookie, max_age=int(self.config.session_hours * 3600))
        response.delete_cookie(PRE_CSRF_COOKIE, path=PATH)
        return response

    async def signout(self, request: Request) -> Response:
        posted = await self.posted_form(request)
        if isinstance(posted, Response):
            return posted
        member, fields = posted
        token = request.cookies.get(SESSION_COOKIE, "")
        await run_in_threadpool(self.transaction, lambda session: signin.sign_out(session, token, self.clock()))
        response = self.back(f"{PATH}/signin", self.t(self.lang(request))("console_signed_out"))
        response.delete_cookie(SESSION_COOKIE, path=PATH)
        return response

    # --- the inbox --------------------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        lang = self.lang(request)
        member, lists = await self.member(
            request, lambda session, member: inbox.inbox(session, self.ctx, self.access, member, self.clock(), lang))
        if member is None:
            return self.to_signin()
        return self.page(request, "inbox.html.j2", member, **lists)

    async def inbox_json(self, request: Request) -> Response:
        """The inbox for the page's polling: no personal data, only ids, stations, topics and times."""
        lang = self.lang(request)
        member, lists = await self.member(
            request, lambda session, member: inbox.inbox(session, self.ctx, self.access, member, self.clock(), lang))
        if member is None:
            return JSONResponse({"error": "signed out"}, status_code=401)
        return JSONResponse({name: [row.as_json() for row in rows] for name, rows in lists.items()})

    def _ticket_page(self, session: Session, member: StaffMember, ticket_id: int, lang: str) -> dict | None:
        view = inbox.ticket_view(session, self.ctx, self.access, member, ticket_id, self.clock(), lang)
        if view is None:
            return None
        colleagues = [m for m in Repositories(session).handoff.staff.all() if m.active and m.id != member.id]
        return {"view": view, "colleagues": [(m.external_id, m.name) for m in colleagues],
                "stations": [(s.id, s.name(lang)) for s in self.ctx.stations]}

    async def ticket(self, request: Request) -> Response:
        ticket_id, lang = request.path_params["ticket_id"], self.lang(request)
        member, found = await self.member(request, lambda session, member: self._ticket_page(session, member,
                                                                                           ticket_id, lang))
        if member is None:
            return self.to_signin()
        if found is None:
            return self.missing(request, member)
        return self.page(request, "ticket.html.j2", member, **found)

    async def ticket_action(self, request: Request) -> Response:
        ticket_id, verb = request.path_params["ticket_id"], request.path_params["verb"]
        if verb not in VERB_ACTIONS:
            return Response(status_code=404)

        def permitted(session: Session, member: StaffMember) -> bool:
            ticket = Repositories(session).handoff.tickets.get(ticket_id)
            return ticket is not None and self.access.check(session, member, VERB_ACTIONS[verb], ticket.station_id,
                                                            self.clock(), ticket_id, detail=verb)

        member, allowed = await self.member(request, permitted)
        if member is None:
            return self.to_signin()
        fields = await self.form(request)
        if not self.csrf_ok(request, fields):
            return self.refused(request, member)
        if not allowed:
            return self.refused(request, member)
        text = fields.get("text", "")[: self.settings.max_text_length]
        if verb in ("reply", "note", "transfer") and not text.strip():
            return self.back(f"{PATH}/tickets/{ticket_id}", self.t(self.lang(request))("console_empty_text"))
        notice = await run_in_threadpool(inbox.act, self.desk, member, verb, ticket_id, text)
        if verb == "reply" and not notice:
            notice = self.t(self.lang(request))("console_reply_sent", id=ticket_id)
        return self.back(f"{PATH}/tickets/{ticket_id}", notice)

    # --- legal aid --------------------------------------------------------------------------------------------

    async def aid_list(self, request: Request) -> Response:
        lang = self.lang(request)
        status = request.query_params.get("status", "")
        status = status if status in {s.value for s in Status} else ""
        member, rows = await self.member(request, lambda session, member: aid_pages.listing(
            session, self.ctx, self.access, member, status, lang))
        if member is None:
            return self.to_signin()
        return self.page(request, "aid_list.html.j2", member, rows=rows, chosen_status=status,
                         statuses=[s.value for s in Status])

    async def aid_detail(self, request: Request) -> Response:
        application_id = request.path_params["application_id"]
        member, found = await self.member(request, lambda session, member: aid_pages.detail(
            session, self.ctx, self.access, member, application_id, self.clock()))
        if member is None:
            return self.to_signin()
        if found is None:
            return self.missing(request, member)
        return self.page(request, "aid_detail.html.j2", member, detail=found)

    async def aid_evidence(self, request: Request) -> Response:
        application_id, evidence_id = request.path_params["application_id"], request.path_params["evidence_id"]

        def fetch(session: Session, member: StaffMember):
            item = aid_pages.evidence_file(session, self.access, member, application_id, evidence_id, self.clock())
            return (item.file_name, item.mime_type, item.content) if item is not None else None

        member, found = await self.member(request, fetch)
        if member is None:
            return self.to_signin()
        if found is None:
            return self.missing(request, member)
        name, mime, content = found
        # Always a download, never shown inline: a file is what the applicant sent, not a page of ours.
        return Response(content, media_type="application/octet-stream",
                        headers={"content-disposition": _attachment(name), "x-evidence-type": mime})

    async def aid_status(self, request: Request) -> Response:
        application_id = request.path_params["application_id"]
        posted = await self.posted_form(request)
        if isinstance(posted, Response):
            return posted
        member, fields = posted
        target, reason = fields.get("status", ""), fields.get("reason", "").strip()

        def change(session: Session) -> tuple[bool, str] | None:
            fresh = session.get(StaffMember, member.id)
            return aid_pages.set_status(session, self.ctx, self.access, fresh, application_id, target, reason,
                                        self.clock())

        moved, notice = await run_in_threadpool(self.transaction, change)
        if not moved and not notice:
            return self.refused(request, member)
        return self.back(f"{PATH}/aid/{application_id}", notice)

    # --- mediation --------------------------------------------------------------------------------------------

    async def mediation_list(self, request: Request) -> Response:
        """The member's stations' cases (masked) and the month's figures per station (bot/mediation/stats.py)."""
        lang = self.lang(request)
        status = request.query_params.get("status", "")
        status = status if status in mediation_pages.statuses() else ""
        month = request.query_params.get("month", "")
        if mediation_pages.month_bounds(self.mediation_ctx, month) is None:
            month = self.clock().astimezone(BEIJING).strftime("%Y-%m")

        def read(session: Session, member: StaffMember) -> dict:
            return {"rows": mediation_pages.listing(session, self.mediation_ctx, self.access, member, status, lang),
                    "figures": mediation_pages.monthly(session, self.mediation_ctx, self.access, member, month, lang)}

        member, found = await self.member(request, read)
        if member is None:
            return self.to_signin()
        return self.page(request, "mediation_list.html.j2", member, chosen_status=status, month=month,
                         statuses=mediation_pages.statuses(), **found)

    def _mediation_page(self, request: Request, member: StaffMember, case_id: int,
                        reveal: bool) -> Callable[[Session], Any]:
        lang = self.lang(request)

        def read(session: Session):
            fresh = session.get(StaffMember, member.id)
            try:
                return mediation_pages.detail(session, self.mediation_ctx, self.access, fresh, case_id, self.clock(),
                                              lang, reveal=reveal)
            except LookupError:
                return None
            except mediation_pages.Refused:
                return "refused"

        return read

    async def _show_case(self, request: Request, member: StaffMember, case_id: int, *, reveal: bool = False,
                         problems: list[str] | None = None, posted: dict[str, str] | None = None,
                         verb: str = "") -> Response:
        found = await run_in_threadpool(self.transaction, self._mediation_page(request, member, case_id, reveal))
        if found is None:
            return self.missing(request, member)
        if found == "refused":
            return self.refused(request, member) if reveal else self.missing(request, member)
        return self.page(request, "mediation_case.html.j2", member, status=422 if problems else 200, detail=found,
                         problems=problems or [], posted=posted or {}, failed=verb)

    async def mediation_case(self, request: Request) -> Response:
        member, _ = await self.member(request, lambda session, member: None)
        if member is None:
            return self.to_signin()
        return await self._show_case(request, member, request.path_params["case_id"])

    async def mediation_reveal(self, request: Request) -> Response:
        """🔍 as in the desk: the parties' names, phones and story, for a member who may see them; audited."""
        posted = await self.posted_form(request)
        if isinstance(posted, Response):
            return posted
        member, _ = posted
        return await self._show_case(request, member, request.path_params["case_id"], reveal=True)

    async def mediation_act(self, request: Request) -> Response:
        case_id, verb = request.path_params["case_id"], request.path_params["verb"]
        if verb not in mediation_pages.ACTS:
            return Response(status_code=404)
        posted = await self.posted_form(request)
        if isinstance(posted, Response):
            return posted
        member, fields = posted
        t = self.t(self.lang(request))

        def explain(line: int, error) -> str:
            return t("console_md_term_error", line=line, problem=t(f"console_md_term_{error.code}"),
                     detail=error.detail)

        def work(session: Session) -> tuple[str, Any]:
            # Outcomes are returned, not raised: a refusal's audit row and a lost claim's event must be committed.
            fresh = session.get(StaffMember, member.id)
            try:
                return "done", mediation_pages.act(session, self.mediation_ctx, self.access, fresh, case_id, verb,
                                                   fields, self.clock(), explain)
            except LookupError:
                return "missing", None
            except mediation_pages.Refused:
                return "refused", None
            except mediation_pages.Problem as problem:
                return "problem", problem.lines

        outcome, value = await run_in_threadpool(self.transaction, work)
        if outcome == "missing":
            return self.missing(request, member)
        if outcome == "refused":
            return self.refused(request, member)
        if outcome == "problem":
            return await self._show_case(request, member, case_id, problems=value, posted=fields, verb=verb)
        return self.back(f"{PATH}/mediation/{case_id}", value)

    async def mediation_document(self, request: Request) -> Response:
        case_id = request.path_params["case_id"]
        name, _, fmt = request.path_params["file"].partition(".")

        def fetch(session: Session, member: StaffMember):
            try:
                return mediation_pages.document(session, self.mediation_ctx, self.access, member, case_id, name, fmt,
                                                self.clock())
            except mediation_pages.Refused:
                return "refused"

        member, found = await self.member(request, fetch)
        if member is None:
            return self.to_signin()
        if found is None:
            return self.missing(request, member)
        if found == "refused":
            return self.refused(request, member)
        filename, parts = found
        content = await run_in_threadpool(mediation_pages.RENDERERS[fmt], parts)  # no transaction open
        return Response(content, media_type=mediation_pages.FORMATS[fmt],
                        headers={"content-disposition": _attachment(filename)})

    # --- lectures ---------------------------------------------------------------------------------------------

    async def lectures(self, request: Request) -> Response:
        everything = request.query_params.get("all") == "1"
        lang = self.lang(request)

        def read(session: Session, member: StaffMember) -> dict:
            now = self.clock()
            return {"rows": lecture_pages.listing(session, self.access, member, now, everything),
                    "requests": lecture_pages.requests(session, self.access, member, now, everything),
                    "topics": [(key, names.get(lang, key)) for key, names in self.lecture_ctx.topics.items()],
                    "stations": [(s.id, s.name(lang)) for s in self.ctx.stations]}

        member, found = await self.member(request, read)
        if member is None:
            return self.to_signin()
        return self.page(request, "lectures.html.j2", member, everything=everything, **found)

    async def lecture_create(self, request: Request) -> Response:
        posted = await self.posted_form(request)
        if isinstance(posted, Response):
            return posted
        member, fields = posted
        lecture_id, problem = await run_in_threadpool(self.transaction, lambda session: lecture_pages.create(
            session, self.lecture_ctx, self.access, session.get(StaffMember, member.id), fields, self.clock()))
        if lecture_id is None and not problem:
            return self.refused(request, member)
        t = self.t(self.lang(request))
        notice = t("console_lecture_added", id=lecture_id) if lecture_id else t("console_lecture_problem",
                                                                                 problem=problem)
        return self.back(f"{PATH}/lectures", notice)

    async def lecture(self, request: Request) -> Response:
        lecture_id = request.path_params["lecture_id"]
        member, found = await self.member(request, lambda session, member: lecture_pages.attendance(
            session, self.access, member, lecture_id, self.clock()))
        if member is None:
            return self.to_signin()
        if found is None:
            return self.missing(request, member)
        return self.page(request, "lecture.html.j2", member, attendance=found)

    async def lecture_cancel(self, request: Request) -> Response:
        lecture_id = request.path_params["lecture_id"]
        posted = await self.posted_form(request)
        if isinstance(posted, Response):
            return posted
        member, fields = posted
        told = await run_in_threadpool(self.transaction, lambda session: lecture_pages.cancel(
            session, self.lecture_ctx, self.access, session.get(StaffMember, member.id), lecture_id, self.clock()))
        if told is None:
            return self.refused(request, member)
        return self.back(f"{PATH}/lectures", self.t(self.lang(request))("console_lecture_cancelled", id=lecture_id,
                                                                          told=told))

    async def lecture_request(self, request: Request) -> Response:
        reference = request.path_params["reference"]
        posted = await self.posted_form(request)
        if isinstance(posted, Response):
            return posted
        member, fields = posted
        lecture_id = int(fields["lecture_id"]) if fields.get("lecture_id", "").isdigit() else 0
        done = await run_in_threadpool(self.transaction, lambda session: lecture_pages.schedule_request(
            session, self.lecture_ctx, self.access, session.get(StaffMember, member.id), reference, lecture_id,
            self.clock()))
        t = self.t(self.lang(request))
        notice = t("console_request_scheduled", reference=reference, id=lecture_id) if done else t(
            "console_request_not_scheduled", reference=reference)
        return self.back(f"{PATH}/lectures", notice)

    # --- the knowledge base ------------------------------------------------------------------------------------

    async def knowledge_page(self, request: Request) -> Response:
        """Entries with their 👎 counts and the unanswered questions, over a month, quarter or year."""
        lang = self.lang(request)
        query = request.query_params
        default = Period.parse("month", self.clock().astimezone(BEIJING).strftime("%Y-%m"))
        try:
            kind = query.get("kind", "month")
            period = Period.parse(kind, query["period"]) if kind in KINDS and "period" in query else default
        except PeriodError:
            period = default

        def read(session: Session, member: StaffMember):
            towns = self.access.stations_for(member, VIEW_REPORTS)
            if towns == ():
                self.access.check(session, member, VIEW_REPORTS, None, self.clock(), detail="knowledge")
                return None
            return knowledge_pages.overview(session, self.knowledge, period.month_keys, towns, lang)

        member, topics = await self.member(request, read)
        if member is None:
            return self.to_signin()
        if topics is None:
            return self.refused(request, member)
        return self.page(request, "knowledge.html.j2", member, topics=topics, kinds=KINDS,
                         chosen={"kind": period.kind, "period": period.label})

    async def entry_page(self, request: Request) -> Response:
        """One entry's answer and citations, to edit; saved only when `kb check` would pass for it."""
        entry = self.knowledge.by_id.get(request.path_params["entry_id"])
        member, allowed = await self.member(request, lambda session, member: self.access.check(
            session, member, MANAGE_CONTENT, None, self.clock(), detail="kb edit"))
        if member is None:
            return self.to_signin()
        if not allowed:
            return self.refused(request, member)
        if entry is None:
            return self.missing(request, member)
        saved = editing_entry(self.settings.knowledge_dir, entry.id)
        return self.page(request, "entry.html.j2", member, entry=saved or entry, problems=[],
                         citations="\n".join(f"{c.law} {c.article}" for c in (saved or entry).citations))

    async def entry_save(self, request: Request) -> Response:
        entry_id = request.path_params["entry_id"]
        member, allowed = await self.member(request, lambda session, member: self.access.check(
            session, member, MANAGE_CONTENT, None, self.clock(), detail="kb edit"))
        if member is None:
            return self.to_signin()
        fields = await self.form(request)
        if not self.csrf_ok(request, fields) or not allowed:
            return self.refused(request, member)
        citations, bad = editing.parse_citations(fields.get("citations", ""))
        answer = {"zh": fields.get("answer_zh", ""), "en": fields.get("answer_en", "")}
        folder, today = self.settings.knowledge_dir, self.clock().astimezone(BEIJING).date()
        shared = shared_laws_folder(self.settings.config_dir)
        table = StatuteTable(shared) if shared.is_dir() else None
        topics = set(self.knowledge.topics)
        problems = [f"{line}: ?" for line in bad] or await run_in_threadpool(
            editing.save, folder, entry_id, answer, citations, topics, today, table)
        if problems:
            entry = editing_entry(folder, entry_id)
            if entry is None:
                return self.missing(request, member)
            return self.page(request, "entry.html.j2", member, status=422, problems=problems,
                             entry=replace(entry, answer=answer), citations=fields.get("citations", ""))
        await run_in_threadpool(self.transaction, lambda session: Repositories(session).handoff.tickets.log(
            None, member.name, "kb_edited", self.clock(), staff_id=member.id, detail=entry_id))
        return self.back(f"{PATH}/knowledge/entries/{entry_id}", self.t(self.lang(request))("console_kb_saved"))

    # --- stations ---------------------------------------------------------------------------------------------

    async def stations(self, request: Request) -> Response:
        """The stations and their hours, read from stations.yml (changed there, by review, like all content)."""
        lang = self.lang(request)
        def count(session: Session, member: StaffMember) -> dict[str, int]:
            counts: dict[str, int] = {}
            for someone in Repositories(session).handoff.staff.all():
                for station_id in station_ids(someone) if someone.active else ():
                    counts[station_id] = counts.get(station_id, 0) + 1
            return counts

        member, counts = await self.member(request, count)
        if member is None:
            return self.to_signin()
        rows = [{"id": s.id, "code": s.code, "name": s.name(lang), "address": s.config.address.get(lang),
                 "phone": s.config.phone.number if s.config.phone else "", "hours": self.ctx.describe_hours(s.id, lang),
                 "unverified": s.unverified(), "staff": counts.get(s.id, 0)} for s in self.ctx.stations]
        return self.page(request, "stations.html.j2", member, rows=rows)

    # --- reports ----------------------------------------------------------------------------------------------

    def _report_choices(self, member: StaffMember, lang: str) -> list[tuple[str, str]]:
        """The scopes the member may report on: the district (when all stations are theirs) and stations."""
        stations = self.access.stations_for(member, VIEW_REPORTS)
        if stations == ():
            return []
        every = [(s.id, s.name(lang)) for s in self.ctx.stations]
        if stations is None:
            return [("", self.t(lang)("console_report_district"))] + every
        return [(sid, name) for sid, name in every if sid in stations]

    def _report_request(self, request: Request) -> tuple[Period, str | None, str] | None:
        query = request.query_params
        kind = query.get("kind", "month")
        try:
            period = Period.parse(kind, query.get("period", "")) if kind in KINDS else None
        except PeriodError:
            period = None
        fmt = query.get("format", "html")
        if period is None or fmt not in FORMATS:
            return None
        return period, query.get("station") or None, fmt

    async def reports(self, request: Request) -> Response:
        lang = self.lang(request)
        member, _ = await self.member(request, lambda session, member: None)
        if member is None:
            return self.to_signin()
        choices = self._report_choices(member, lang)
        if not choices:
            return self.refused(request, member)
        last_month = Period.month_before(self.clock().astimezone(BEIJING).date())
        chosen = self._report_request(request)
        period, station = (chosen[0], chosen[1]) if chosen else (last_month, choices[0][0] or None)
        if (station or "") not in {sid for sid, _ in choices}:
            return self.refused(request, member)
        values = {"kind": period.kind, "period": period.label, "station": station or "", "lang": lang}
        return self.page(request, "reports.html.j2", member, choices=choices, chosen=values, kinds=KINDS,
                         query=urlencode(values))

    async def report_file(self, request: Request) -> Response:
        lang = self.lang(request)
        chosen = self._report_request(request)
        if chosen is None:
            member, _ = await self.member(request, lambda session, member: None)
            return self.to_signin() if member is None else self.missing(request, member)
        period, station, fmt = chosen

        def build(session: Session, member: StaffMember) -> bytes | None:
            stations = self.access.stations_for(member, VIEW_REPORTS)
            may = stations is None or (station is not None and station in stations)
            if not may or (station is not None and self.ctx.stations.get(station) is None):
                self.access.check(session, member, VIEW_REPORTS, station or "district", self.clock())
                return None
            Repositories(session).handoff.tickets.log(None, member.name, "console_report", self.clock(),
                                                      staff_id=member.id,
                                                      detail=f"{period.kind} {period.label} {station or '-'} {fmt}")
            return report_bytes(session, self.settings, period, station, lang, fmt, self.clock())

        member, data = await self.member(request, build)
        if member is None:
            return self.to_signin()
        if data is None:
            return self.refused(request, member)
        if fmt == "html":
            return Response(data, media_type="text/html; charset=utf-8",
                            headers={"content-security-policy": REPORT_CSP, "x-frame-options": "SAMEORIGIN"})
        name = f"report-{period.label}{'-' + station if station else ''}.{fmt}"
        return Response(data, media_type=DOWNLOAD_TYPES[fmt], headers={"content-disposition": _attachment(name)})


def editing_entry(folder: Path, entry_id: str) -> Entry | None:
    """The entry as its file holds it now (an edit saved since the bot started shows here at once)."""
    return next((e for e in load_entries(folder / "entries") if e.id == entry_id), None)


def _read_flash(request: Request) -> str:
    raw = request.cookies.get(FLASH_COOKIE, "")
    try:
        return base64.urlsafe_b64decode(raw.encode()).decode()[:2000] if raw else ""
    except (ValueError, UnicodeDecodeError):
        return ""


def _attachment(name: str) -> str:

    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in ".-_") else "_" for c in name) or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def create_console(settings, assistant, access: Access | None = None, *, limiter, secret: str) -> Starlette:
    """The console as an app to mount at /staff in the one ASGI service.

    The mounting service lends its rate limiter (`limiter(per_minute)`) and its signing key, so the console
    imports nothing of the channel that mounts it.
    """
    console = Console(settings, assistant, access, limiter)
    routes = [
        Route("/", console.home),
        Route("/api/inbox", console.inbox_json),
        Route("/signin", console.signin_page),
        Route("/signin", console.signin_request, methods=["POST"]),
        Route("/signin/{token:str}", console.signin_confirm),
        Route("/signin/{token:str}", console.signin_redeem, methods=["POST"]),
        Route("/signout", console.signout, methods=["POST"]),
        Route("/tickets/{ticket_id:int}", console.ticket),
        Route("/tickets/{ticket_id:int}/{verb:str}", console.ticket_action, methods=["POST"]),
        Route("/aid", console.aid_list),
        Route("/aid/{application_id:int}", console.aid_detail),
        Route("/aid/{application_id:int}/evidence/{evidence_id:int}", console.aid_evidence),
        Route("/aid/{application_id:int}/status", console.aid_status, methods=["POST"]),
        Route("/mediation", console.mediation_list),
        Route("/mediation/{case_id:int}", console.mediation_case),
        Route("/mediation/{case_id:int}/reveal", console.mediation_reveal, methods=["POST"]),
        Route("/mediation/{case_id:int}/documents/{file:str}", console.mediation_document),
        Route("/mediation/{case_id:int}/{verb:str}", console.mediation_act, methods=["POST"]),
        Route("/lectures", console.lectures),
        Route("/lectures", console.lecture_create, methods=["POST"]),
        Route("/lectures/{lecture_id:int}", console.lecture),
        Route("/lectures/{lecture_id:int}/cancel", console.lecture_cancel, methods=["POST"]),
        Route("/lectures/requests/{reference:str}/schedule", console.lecture_request, methods=["POST"]),
        Route("/knowledge", console.knowledge_page),
        Route("/knowledge/entries/{entry_id:str}", console.entry_page),
        Route("/knowledge/entries/{entry_id:str}", console.entry_save, methods=["POST"]),
        Route("/stations", console.stations),
        Route("/reports", console.reports),
        Route("/reports/file", console.report_file),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(ConsoleSecurity)])
    app.state.console = console
    mount_admin(app, console, settings, secret)
    return app
