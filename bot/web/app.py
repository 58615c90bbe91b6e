"""The one ASGI service: the resident web chat, the Telegram webhook, /healthz and /metrics, in one process and port."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import event, text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.console.app import create_console
from bot.core.assistant import Assistant
from bot.core.deep_links import split_command
from bot.core import linking
from bot.core.linking import Identity
from bot.core.messages import FileRef, Inbound, InboundKind, Outbound, Reply
from bot.core.turn import Turn
from bot.core.service import Job
from bot.db.models import User
from bot.db.repositories import Repositories
from bot.notifications.outbox import Outbox
from bot.notifications.repository import ADDED
from bot.settings import Settings
from bot.telegram_channel.app import DELIVER_NOTIFICATIONS
from bot.web import telegram as telegram_webhook
from bot.web.delivery import WebDelivery
from bot.web.limits import RateLimiter
from bot.web.metrics import Metrics
from bot.web.render import reply_json
from bot.web.sniff import sniff
from bot.web.visitors import CHANNEL, COOKIE, csrf_ok, csrf_token, secret_key, visitor_id

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,36}$")
HEARTBEAT_SECONDS = 15
# Only our own files: no inline script or style, no framing, forms and fetches to this origin alone.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
WEB_TEXTS = ("web_title", "web_placeholder", "web_send", "web_attach", "web_other_language", "web_reconnecting",
             "web_error", "web_too_fast", "web_download", "web_file_too_large", "web_menu", "web_location")


def _point(value: str) -> dict:
    """"39.91,116.73" from the browser's geolocation; used once to find the nearest station, never stored."""
    latitude, longitude = (float(part) for part in value.split(","))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(value)
    return {"location": (latitude, longitude)}


# What each kind of turn the page may send carries, read from its one string value.
FIELDS = {
    InboundKind.TEXT: lambda value: {"text": value},
    InboundKind.BUTTON: lambda value: {"button_data": value[:64]},
    InboundKind.COMMAND: lambda value: dict(zip(("command", "payload"), split_command(value))),
    InboundKind.LOCATION: _point,
}


class SecurityHeaders:
    """Add the content security policy and its companions to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # A mounted app (the staff console) may have set its own policy: it is kept, not doubled.
                names = {name.lower() for name, _ in headers}
                message["headers"] = headers + [(name, value) for name, value in SECURITY_HEADERS if name not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class Visit:
    visitor: str
    ip: str
    identity: Identity  # whom the turns are for: the visitor, or the Telegram resident they linked to


class WebChannel:
    """The web chat's routes, over the same assistant as every other channel."""

    def __init__(self, settings: Settings, assistant: Assistant, telegram=None):
        self.settings = settings
        self.assistant = assistant
        self.telegram = telegram
        # SQLite takes one writer at a time, so more threads would only queue on its lock.
        workers = 1 if settings.database_url.startswith("sqlite") else settings.concurrent_updates
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="web-domain")
        self.outbox = Outbox(assistant.sessions, assistant.clock, settings.notifications, CHANNEL)
        # Outbox.watch() takes the session's "notification added" flag for one outbox; Telegram's needs it, so the
        # web only peeks at it, before the commit.
        self._news = threading.Event()
        event.listen(assistant.sessions, "before_commit", self._notice_news)
        self.delivery: WebDelivery | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.per_visitor = RateLimiter(settings.web.per_visitor_per_minute)
        self.per_ip = RateLimiter(settings.web.per_ip_per_minute)
        self.meters = Metrics(assistant, lambda: self.delivery.connected if self.delivery else 0)
        self.meters.instrument(assistant)
        self.index = (STATIC / "index.html").read_text(encoding="utf-8")

    async def blocking(self, function, *args):
        """Run domain and database work off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    # --- the domain, in worker threads ----------------------------------------------------------------------

    def _language(self, identity: Identity, hint: str) -> str:
        with self.assistant.sessions() as session:
            user = Repositories(session).users.find(identity.channel, identity.user_id)
            return user.language if user else hint

    def _visitor_of(self, user_id: int) -> tuple[str, str]:
        with self.assistant.sessions() as session:
            user = session.get(User, user_id)
            return user.external_id, user.language

    def _resume(self, visit: Visit, hint: str) -> tuple[Reply, str]:
        """The screen the visitor is on, from the database; a first visit starts with the privacy notice."""
        identity = visit.identity
        with self.assistant.sessions() as session, session.begin():
            repos = Repositories(session)
            user = repos.users.find(identity.channel, identity.user_id, lock=True)
            if user is not None:
                turn = Turn(self.assistant, repos, user, self.assistant.clock())
                return Reply([self.assistant.current_screen(turn)]), user.language
        reply = self.assistant.handle(self._inbound(visit, hint, InboundKind.COMMAND, command="start"))
        return reply, self._language(identity, hint)

    def _turn(self, inbound: Inbound) -> tuple[Reply, str]:
        reply = self.assistant.handle(inbound)
        identity = Identity(inbound.channel, inbound.user_id, inbound.chat_id)
        return reply, self._language(identity, inbound.language_hint or "zh")

    def _link(self, visit: Visit, code: str, hint: str) -> tuple[Reply, str, Identity | None]:
        owner = linking.redeem(self.assistant.sessions, CHANNEL, visit.visitor, code, self.assistant.clock())
        if owner is None:
            lang = self._language(visit.identity, hint)
            return Reply([Outbound(self.assistant.content.texts.get("link_bad_code", lang).strip())]), lang, None
        reply, lang = self._resume(Visit(visit.visitor, visit.ip, owner), hint)
        done = self.assistant.content.texts.get("link_done", lang).strip()
        return Reply([Outbound(done)] + reply.messages), lang, owner

    def _notice_news(self, session) -> None:
        if session.info.get(ADDED):
            self._news.set()

    async def _answer(self, inbound: Inbound) -> tuple[Reply, str]:
        """One turn; what it wrote for others (a ticket for the staff group, a reply to a visitor) goes out at once."""
        answered = await self.blocking(self._turn, inbound)
        if self._news.is_set():
            self._news.clear()
            self.delivery.wake()
            if self.telegram is not None:
                for job in self.telegram.job_queue.get_jobs_by_name(DELIVER_NOTIFICATIONS):
                    asyncio.create_task(job.run(self.telegram))
        return answered

    @staticmethod
    def _inbound(visit: Visit, hint: str, kind: InboundKind, request_id: str | None = None, **fields) -> Inbound:
        identity = visit.identity
        return Inbound(channel=identity.channel, user_id=identity.user_id, chat_id=identity.chat_id, kind=kind,
                       language_hint=hint, update_key=f"{visit.visitor}:{request_id}" if request_id else None,
                       **fields)

    # --- requests ---------------------------------------------------------------------------------------------

    def _visit(self, request: Request) -> Visit:
        visitor = visitor_id(request)
        linked = request.session.get("as")
        identity = Identity(*linked) if linked else Identity(CHANNEL, visitor, visitor)
        return Visit(visitor, request.client.host if request.client else "unknown", identity)

    async def _find_link(self, request: Request, visit: Visit) -> Visit:
        """A page load looks up a link made in another browser session; the cookie then carries it."""
        if "as" in request.session:
            return visit
        owner = await self.blocking(linking.linked, self.assistant.sessions, CHANNEL, visit.visitor)
        if owner is None:
            return visit
        request.session["as"] = [owner.channel, owner.user_id, owner.chat_id]
        return Visit(visit.visitor, visit.ip, owner)

    def _hint(self, request: Request) -> str:
        return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh"

    def _texts(self, lang: str) -> dict[str, str]:
        texts = self.assistant.content.texts
        return {key: texts.get(key, lang).strip() for key in WEB_TEXTS}

    def _refuse(self, request: Request, visit: Visit) -> Response | None:
        """CSRF first, then the rate limits; None when the request may go ahead."""
        if not csrf_ok(request):
            return JSONResponse({"error": "csrf"}, status_code=403)
        if not (self.per_ip.allow(visit.ip) and self.per_visitor.allow(visit.visitor)):
            lang = self._hint(request)
            return JSONResponse({"error": "rate", "notice": self._texts(lang)["web_too_fast"]}, status_code=429,
                                headers={"retry-after": "5"})
        return None

    async def page(self, request: Request) -> Response:
        visit = await self._find_link(request, self._visit(request))
        lang = await self.blocking(self._language, visit.identity, self._hint(request))
        html = (self.index.replace("__CSRF__", csrf_token(request)).replace("__LANG__", "en" if lang == "en" else "zh-CN")
                .replace("__TITLE__", self._texts(lang)["web_title"]))
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    async def state(self, request: Request) -> Response:
        visit = await self._find_link(request, self._visit(request))
        if not self.per_ip.allow(visit.ip):
            return JSONResponse({"error": "rate"}, status_code=429, headers={"retry-after": "5"})
        reply, lang = await self.blocking(self._resume, visit, self._hint(request))
        return JSONResponse({**reply_json(reply, lang), "texts": self._texts(lang), "csrf": csrf_token(request)})

    async def turn(self, request: Request) -> Response:
        visit = self._visit(request)
        refused = self._refuse(request, visit)
        if refused is not None:
            return refused
        try:
            body = await request.json()
            kind = InboundKind(body.get("kind", ""))
            request_id = str(body.get("id", ""))
        except (ValueError, AttributeError):
            return JSONResponse({"error": "bad request"}, status_code=400)
        if kind not in FIELDS or not REQUEST_ID.match(request_id):
            return JSONResponse({"error": "bad request"}, status_code=400)
        value = str(body.get("value", ""))[: self.settings.max_text_length + 1]
        words = value.split()
        if kind is InboundKind.COMMAND and len(words) == 2 and words[0].lstrip("/").lower() == linking.NODE:
            reply, lang, owner = await self.blocking(self._link, visit, words[1], self._hint(request))
            if owner is not None:
                request.session["as"] = [owner.channel, owner.user_id, owner.chat_id]
            return JSONResponse({**reply_json(reply, lang), "texts": self._texts(lang), "duplicate": False})
        try:
            fields = FIELDS[kind](value)
        except ValueError:
            return JSONResponse({"error": "bad request"}, status_code=400)
        inbound = self._inbound(visit, self._hint(request), kind, request_id, **fields)
        reply, lang = await self._answer(inbound)
        return JSONResponse({**reply_json(reply, lang), "texts": self._texts(lang), "duplicate": not reply.handled})

    async def upload(self, request: Request) -> Response:
        visit = self._visit(request)
        refused = self._refuse(request, visit)
        if refused is not None:
            return refused
        limit = int(self.settings.legal_aid.max_file_mb * 1024 * 1024)
        lang = self._hint(request)
        declared = request.headers.get("content-length", "")
        if not declared.isdigit() or int(declared) > limit + 64 * 1024:  # the form's own overhead is small
            lang = await self.blocking(self._language, visit.identity, lang)
            return JSONResponse({"error": "too large", "notice": self._texts(lang)["web_file_too_large"]},
                                status_code=413)
        async with request.form(max_files=1, max_fields=2, max_part_size=1024) as form:
            upload, request_id = form.get("file"), str(form.get("id", ""))
            if upload is None or isinstance(upload, str) or not REQUEST_ID.match(request_id):
                return JSONResponse({"error": "bad request"}, status_code=400)
            content = await upload.read(limit + 1)
            name = Path(upload.filename or "file").name[-100:]
        # The type is what the bytes are, never what the browser or the file name claims.
        ref = FileRef(file_id=request_id, mime_type=sniff(content), size=len(content), name=name)
        inbound = self._inbound(visit, lang, InboundKind.MEDIA, request_id, media_type="document", file=ref,
                                file_content=content if len(content) <= limit else None)
        reply, lang = await self._answer(inbound)
        return JSONResponse({**reply_json(reply, lang), "texts": self._texts(lang), "duplicate": not reply.handled})

    async def events(self, request: Request) -> Response:
        """Server-sent events: staff replies and other notifications, as they come."""
        visit = self._visit(request)
        if not self.per_ip.allow(visit.ip):
            return JSONResponse({"error": "rate"}, status_code=429, headers={"retry-after": "5"})
        queue = self.delivery.connect(visit.visitor)

        async def stream():
            try:
                yield "retry: 3000\n\n"
                while True:
                    try:
                        shown = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if shown is None:  # this worker is stopping
                        return
                    yield f"event: message\ndata: {json.dumps(shown, ensure_ascii=False)}\n\n"
            finally:
                self.delivery.disconnect(visit.visitor, queue)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    async def health(self, request: Request) -> Response:
        def check() -> bool:
            with self.assistant.sessions() as session:
                return session.execute(text("SELECT 1")).scalar() == 1

        try:
            database = await asyncio.wait_for(self.blocking(check), 5)
        except Exception:  # noqa: BLE001 - any failure means the database is not usable
            log.warning("health check: the database does not answer", exc_info=True)
            database = False
        rasa = await self._rasa_state()
        body = {"status": "ok" if database else "error", "database": "ok" if database else "error",
                "nlu": "rasa" if rasa == "up" else "embedded", "rasa": rasa}
        return JSONResponse(body, status_code=200 if database else 503)

    async def _rasa_state(self) -> str:
        """"off" when no Rasa is configured; else whether its server answers now (the bot falls back when not)."""
        rasa = self.assistant.nlu.rasa
        if rasa is None:
            return "off"
        try:
            async with httpx.AsyncClient(timeout=1) as client:
                (await client.get(rasa.url + "/")).raise_for_status()
        except httpx.HTTPError:
            return "down"
        return "up"

    async def metrics(self, request: Request) -> Response:
        payload = await self.blocking(generate_latest, self.meters.registry)
        return Response(payload, media_type=CONTENT_TYPE_LATEST)

    # --- life ---------------------------------------------------------------------------------------------------

    def close_streams(self) -> None:
        """Before a graceful stop: end the open event streams, which would otherwise hold the server up. Thread-safe."""
        if self.delivery is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(self.delivery.close)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette):
        self.loop = asyncio.get_running_loop()
        self.delivery = WebDelivery(self.outbox, self.blocking, self.assistant.content.texts, self._visitor_of)
        telegram = self.telegram
        tasks = [asyncio.create_task(self.delivery.run(self.settings.web.poll_seconds), name="web-delivery")]
        if telegram is None:
            # Reminder rows are checked before the first visitor is served: none lost while the service was down.
            # With Telegram its post_init does this, and its job queue runs the services' jobs.
            await self.blocking(self.assistant.start_up)
            tasks += [asyncio.create_task(self._run_job(job), name=job.name)
                      for service in self.assistant.services for job in service.jobs]
        else:
            await telegram_webhook.start(telegram, self.settings)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            event.remove(self.assistant.sessions, "before_commit", self._notice_news)
            self.executor.shutdown(wait=True)
            if telegram is not None:
                await telegram_webhook.stop(telegram)  # its post_shutdown closes the assistant
            else:
                self.assistant.close()

    async def _run_job(self, job: Job) -> None:
        """A service's scheduled work (reminders, whistles, mediation timers) when no Telegram job queue runs it."""
        await asyncio.sleep(job.first.total_seconds())
        while True:
            try:
                if job.threaded:
                    await asyncio.to_thread(job.fire, self.assistant)
                else:
                    await self.blocking(job.fire, self.assistant)
            except Exception:  # noqa: BLE001 - try again at the next run
                log.exception("the scheduled job %s failed", job.name)
            await asyncio.sleep(job.interval(self.settings).total_seconds())


def create_app(settings: Settings, assistant: Assistant, telegram=None) -> Starlette:
    """The service: the web chat and its API, health, metrics, and the Telegram webhook when a token is set."""
    web = WebChannel(settings, assistant, telegram)
    routes = [
        Route("/", web.page),
        Route("/api/state", web.state),
        Route("/api/turn", web.turn, methods=["POST"]),
        Route("/api/upload", web.upload, methods=["POST"]),
        Route("/api/events", web.events),
        Route("/healthz", web.health),
        Route("/metrics", web.metrics),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    routes.append(Mount("/staff", app=create_console(settings, assistant, limiter=RateLimiter,
                                                     secret=secret_key(settings))))  # the staff console (bot/console)
    if telegram is not None and settings.webhook.url:  # polling needs no route, and so offers none to forge
        routes.append(Route(f"/{settings.webhook.path.strip('/')}", telegram_webhook.route(telegram, settings),
                            methods=["POST"]))
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=secret_key(settings), session_cookie=COOKIE,
                   max_age=settings.web.cookie_days * 86400, same_site="lax", https_only=settings.web.secure_cookie),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=web.lifespan)
    app.state.telegram = telegram
    app.state.web = web
    return app
