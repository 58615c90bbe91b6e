"""A fake Telegram Bot API server on loopback for end-to-end tests.

Stdlib only.  The bot under test talks HTTP to it exactly as it would to
api.telegram.org (configure ``base_url=f"{server.url}/bot"`` and
``base_file_url=f"{server.url}/file/bot"``); the test plays users through
:class:`~.users.FakeUser` objects and inspects what the bot did through
``server.calls`` / ``server.wait_for`` / ``server.sent_to``.
"""

from __future__ import annotations

import copy
import http.client
import itertools
import json
import logging
import mimetypes
import queue
import re
import secrets
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from . import formatting
from .wire import UploadedFile, decode_params

__all__ = ["FakeTelegram", "Call", "Delivery", "ApiError"]

_LOGGER = logging.getLogger(__name__)

UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# Telegram leaves these out unless they are asked for explicitly via allowed_updates.
DEFAULT_ALLOWED_UPDATES = frozenset(UPDATE_TYPES) - {"chat_member", "message_reaction", "message_reaction_count"}

# Methods whose result is a Message (or list of them) the bot sent or edited.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendVideoNote",
        "sendLocation",
        "sendContact",
        "sendMediaGroup",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
MAX_TEXT = 4096
MAX_CAPTION = 1024


class ApiError(Exception):
    """Raised inside method handlers; becomes an ``{"ok": false, ...}`` answer."""

    def __init__(self, error_code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


@dataclass
class Call:
    """One Bot API request the bot made (recorded after it was answered)."""

    index: int
    method: str
    params: dict
    result: Any
    time: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    error_code: int | None = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None

    @property
    def message(self) -> dict | None:
        """The Message the call returned (send*/edit*/forward), if any."""
        if isinstance(self.result, dict) and "message_id" in self.result and "chat" in self.result:
            return self.result
        return None

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    def summary(self) -> str:
        shown = {}
        for key, value in self.params.items():
            text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
            shown[key] = text if len(text) <= 80 else text[:77] + "..."
        args = ", ".join(f"{k}={v}" for k, v in shown.items())
        if self.files:
            args += ", files=" + ", ".join(f"{k}:{f[0]}({len(f[1])}B)" for k, f in self.files.items())
        outcome = "ok" if self.ok else f"ERROR {self.error_code} {self.description}"
        return f"#{self.index} {self.method}({args}) -> {outcome}"

    def __repr__(self) -> str:
        return f"<Call {self.summary()}>"


@dataclass
class Delivery:
    """One webhook POST the server made."""

    update_id: int
    url: str
    status: int | None  # HTTP status, None if the request failed
    error: str | None
    time: float
    update: dict


@dataclass
class _Pending:
    update: dict
    seq: int
    forced: bool
    delivered: int = 0


@dataclass
class _Stored:
    message: dict
    by_bot: bool
    service: bool = False


@dataclass
class _Failure:
    method: str  # lower-case name or "*"
    error_code: int
    description: str
    parameters: dict | None
    remaining: int
    when: Callable[[dict], bool] | None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 1024  # the default of 5 drops SYNs when PTB opens many connections at once

    def __init__(self, address, handler, fake: "FakeTelegram"):
        self.fake = fake
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeTelegram/1.0"
    sys_version = ""
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes; without this Nagle + delayed ACK add ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.open_connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        _LOGGER.debug("fake telegram: " + format, *args)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        fake = self.server.fake
        try:
            body = self._read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            status, data, ctype = fake._serve_file(token, file_path)
            self._send(status, data, ctype)
            return
        if not path.startswith("/bot"):
            self._send(404, _json({"ok": False, "error_code": 404, "description": "Not Found"}))
            return
        token, _, method = path[len("/bot") :].partition("/")
        try:
            params, files = decode_params(self.headers.get("Content-Type", ""), body, parts.query)
        except (ValueError, UnicodeDecodeError) as exc:
            self._send(400, _json({"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}))
            return
        status, payload = fake._dispatch(token, method, params, files)
        self._send(status, _json(payload))


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _image_size(data: bytes) -> tuple[int, int]:
    """Width/height of PNG, GIF or JPEG bytes; (800, 600) if unknown."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                    height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                    return width, height
                seg_len = struct.unpack(">H", data[i + 2 : i + 4])[0]
                i += 2 + seg_len
    except struct.error:
        pass
    return 800, 600


_FILE_KINDS = {
    # kind: (file_id prefix, folder, default extension, default mime)
    "photo": ("AgACAgIAAxk", "photos", ".jpg", "image/jpeg"),
    "document": ("BQACAgIAAxk", "documents", "", "application/octet-stream"),
    "voice": ("AwACAgIAAxk", "voice", ".oga", "audio/ogg"),
    "audio": ("CQACAgIAAxk", "music", ".mp3", "audio/mpeg"),
    "video": ("BAACAgIAAxk", "videos", ".mp4", "video/mp4"),
    "animation": ("CgACAgIAAxk", "animations", ".mp4", "video/mp4"),
    "sticker": ("CAACAgIAAxk", "stickers", ".webp", "image/webp"),
    "video_note": ("DQACAgIAAxk", "video_notes", ".mp4", "video/mp4"),
    "thumbnail": ("AAMCAgADGQ", "thumbnails", ".jpg", "image/jpeg"),
}
_MEDIA_METHODS = {
    "senddocument": "document",
    "sendphoto": "photo",
    "sendvoice": "voice",
    "sendaudio": "audio",
    "sendvideo": "video",
    "sendanimation": "animation",
    "sendsticker": "sticker",
    "sendvideonote": "video_note",
}


class FakeTelegram:
    """A loopback Bot API server.  See the package docstring for the test-side API."""

    def __init__(
        self,
        token: str = "123:TEST",
        bot_user: dict | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        strict_chats: bool = True,
        webhook_workers: int = 1,
        first_update_id: int = 100_000_001,
    ):
        self.token = token
        user = {"id": int(token.split(":")[0]) if token.split(":")[0].isdigit() else 123, "first_name": "Bot"}
        user.update(bot_user or {})
        user.setdefault("is_bot", True)
        user.setdefault("username", "fake_bot")
        user.setdefault("can_join_groups", True)
        user.setdefault("can_read_all_group_messages", False)
        user.setdefault("supports_inline_queries", False)
        # Keep "is_bot" right after the name like Telegram; order does not matter to PTB.
        self.bot_user: dict = user
        self.host = host
        self._port = port
        self.strict_chats = strict_chats
        self.webhook_workers = max(1, webhook_workers)

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self.calls: list[Call] = []
        self.deliveries: list[Delivery] = []
        self.dropped_updates: list[dict] = []
        self._pending: list[_Pending] = []
        self._seq = itertools.count()
        self._next_update_id = first_update_id
        self._poll_generation = 0
        self._webhook: dict | None = None
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._chats: dict[int, dict] = {}
        self._chat_extra: dict[int, dict] = {}
        self._users: dict[int, dict] = {int(self.bot_user["id"]): self._user_shape(self.bot_user)}
        self._members: dict[tuple[int, int], str] = {}
        self._messages: dict[int, dict[int, _Stored]] = {}
        self._next_message_id: dict[int, int] = {}
        self._files: dict[str, dict] = {}
        self._file_paths: dict[str, str] = {}
        self._file_counter = itertools.count(1)
        self._callbacks: dict[str, dict] = {}
        self._callback_counter = itertools.count(1)
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._reply_keyboards: dict[int, dict | None] = {}
        self._topics: dict[int, dict[int, dict]] = {}
        self._blocked: set[int] = set()
        self._failures: list[_Failure] = []
        self._media_groups = itertools.count(13_000_000_000_000_001)
        self._httpd: _HTTPServer | None = None
        self._serve_thread: threading.Thread | None = None
        self._delivery_queue: queue.Queue = queue.Queue()
        self._delivery_threads: list[threading.Thread] = []
        self._stopping = False
        self._methods: dict[str, Callable[[dict, dict], Any]] = {
            name[len("_m_") :].lower(): getattr(self, name) for name in dir(self) if name.startswith("_m_")
        }
        self._method_names: dict[str, str] = {
            name[len("_m_") :].lower(): name[len("_m_") :] for name in dir(self) if name.startswith("_m_")
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def start(self) -> "FakeTelegram":
        if self._httpd is not None:
            return self
        self._stopping = False
        self._httpd = _HTTPServer((self.host, self._port), _Handler, self)
        self._serve_thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-telegram-http", daemon=True
        )
        self._serve_thread.start()
        for n in range(self.webhook_workers):
            t = threading.Thread(target=self._delivery_worker, name=f"fake-telegram-webhook-{n}", daemon=True)
            t.start()
            self._delivery_threads.append(t)
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        for _ in self._delivery_threads:
            self._delivery_queue.put(None)
        httpd.shutdown()
        with httpd.connections_lock:
            conns = list(httpd.open_connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        httpd.server_close()
        if self._serve_thread is not None:
            self._serve_thread.join(timeout=5)
        for t in self._delivery_threads:
            t.join(timeout=5)
        self._delivery_threads.clear()
        self._delivery_queue = queue.Queue()
        self._httpd = None

    def __enter__(self) -> "FakeTelegram":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # ------------------------------------------------------------------ dispatch

    def _dispatch(self, token: str, method: str, params: dict, files: dict) -> tuple[int, dict]:
        if token != self.token or not method:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        key = method.lower()
        name = self._method_names.get(key, method)
        with self._cond:
            error: ApiError | None = None
            result: Any = None
            try:
                self._maybe_fail(key, params)
                handler = self._methods.get(key)
                result = handler(params, files) if handler else True
            except ApiError as exc:
                error = exc
            call = Call(
                index=len(self.calls),
                method=name,
                params=params,
                result=copy.deepcopy(result),
                time=time.time(),
                files=dict(files),
                error_code=error.error_code if error else None,
                description=error.description if error else None,
            )
            self.calls.append(call)
            self._cond.notify_all()
        if error is not None:
            payload: dict = {"ok": False, "error_code": error.error_code, "description": error.description}
            if error.parameters:
                payload["parameters"] = error.parameters
            return error.error_code, payload
        return 200, {"ok": True, "result": result}

    def _maybe_fail(self, key: str, params: dict) -> None:
        for failure in self._failures:
            if failure.remaining <= 0 or failure.method not in (key, "*"):
                continue
            if failure.when is not None and not failure.when(params):
                continue
            failure.remaining -= 1
            self._failures = [f for f in self._failures if f.remaining > 0]
            raise ApiError(failure.error_code, failure.description, failure.parameters)

    # ------------------------------------------------------------------ test-side API: calls

    def mark(self) -> int:
        """Current position in ``calls``; pass it as ``after=`` to only see later calls."""
        with self._lock:
            return len(self.calls)

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = 1,
        times: int = 1,
        when: Callable[[dict], bool] | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" for any) fail.

        429 answers carry ``parameters.retry_after``; the default description follows
        Telegram ("Too Many Requests: retry after N").  ``when(params)`` narrows which calls fail.
        """
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                400: "Bad Request: injected failure",
                403: "Forbidden: bot was blocked by the user",
                409: CONFLICT_POLL,
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}")
        parameters = {"retry_after": retry_after} if error_code == 429 and retry_after else None
        with self._lock:
            self._failures.append(
                _Failure("*" if method == "*" else method.lower(), error_code, description, parameters, times, when)
            )

    def calls_to(self, method: str | None = None, after: int | None = None) -> list[Call]:
        with self._lock:
            calls = self.calls[after or 0 :]
        return [c for c in calls if method is None or c.method.lower() == method.lower()]

    def wait_for(
        self,
        method: str | tuple | list | set | None,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        after: int | None = None,
    ) -> Call:
        """Block until a call of ``method`` (name, collection of names or None for any) matching
        ``predicate(call)`` is recorded at position >= ``after`` (default 0); return it.

        Raises AssertionError listing the recent calls on timeout."""
        if method is None:
            names = None
        elif isinstance(method, str):
            names = {method.lower()}
        else:
            names = {m.lower() for m in method}
        start = after or 0
        deadline = time.monotonic() + timeout
        with self._cond:
            pos = start
            while True:
                while pos < len(self.calls):
                    call = self.calls[pos]
                    pos += 1
                    if names is not None and call.method.lower() not in names:
                        continue
                    if predicate is None or _safe(predicate, call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            listing = self.describe_calls(after=start)
        want = method if isinstance(method, str) else sorted(names or ["<any>"])
        raise AssertionError(
            f"timed out after {timeout}s waiting for {want}"
            f"{' matching predicate' if predicate else ''} after call #{start}.\nRecent calls:\n{listing}"
        )

    def describe_calls(self, after: int | None = None, limit: int = 40) -> str:
        """Readable list of recorded calls (empty getUpdates polls are left out)."""
        with self._lock:
            calls = [
                c
                for c in self.calls[after or 0 :]
                if not (c.method == "getUpdates" and c.ok and not c.result)
            ]
        if not calls:
            return "  (no calls)"
        lines = [f"  {c.summary()}" for c in calls[-limit:]]
        if len(calls) > limit:
            lines.insert(0, f"  ... {len(calls) - limit} earlier calls")
        return "\n".join(lines)

    def wait_for_message(
        self,
        chat_id: Any,
        after: int | None = None,
        timeout: float = 5.0,
        predicate: Callable[[dict], bool] | None = None,
    ) -> dict:
        """Wait for a successful send/edit/forward into ``chat_id``; return the resulting message."""
        cid = self._chat_id_of(chat_id)

        def match(call: Call) -> bool:
            if not call.ok:
                return False
            results = call.result if isinstance(call.result, list) else [call.result]
            for msg in results:
                if isinstance(msg, dict) and msg.get("chat", {}).get("id") == cid:
                    if predicate is None or predicate(msg):
                        return True
            return False

        call = self.wait_for(MESSAGE_METHODS, match, timeout=timeout, after=after)
        results = call.result if isinstance(call.result, list) else [call.result]
        return next(m for m in results if m.get("chat", {}).get("id") == cid and (predicate is None or predicate(m)))

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 5.0) -> None:
        """Wait until the bot made no call (other than empty polls) for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                busy = [c for c in self.calls if not (c.method == "getUpdates" and c.ok and not c.result)]
                last = busy[-1].time if busy else 0.0
                idle_for = time.time() - last
                if idle_for >= quiet:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"bot still busy after {timeout}s:\n{self.describe_calls(limit=10)}")
                self._cond.wait(min(remaining, quiet - idle_for))

    # ------------------------------------------------------------------ test-side API: chats and users

    def private_user(
        self,
        user_id: int,
        first_name: str = "张三",
        language_code: str | None = "zh-hans",
        *,
        last_name: str | None = None,
        username: str | None = None,
        is_premium: bool | None = None,
    ):
        """Register a user and the private chat with them (chat id == user id)."""
        from .users import FakeUser

        user: dict = {"id": int(user_id), "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        if is_premium:
            user["is_premium"] = True
        chat: dict = {"id": int(user_id), "type": "private", "first_name": first_name}
        if last_name:
            chat["last_name"] = last_name
        if username:
            chat["username"] = username
        with self._lock:
            self._users[int(user_id)] = user
            self._chats[int(user_id)] = chat
            self._members[(int(user_id), int(user_id))] = "member"
        return FakeUser(self, user, chat)

    def group(
        self,
        chat_id: int = -1001234567890,
        title: str = "测试群",
        is_forum: bool = False,
        type: str = "supergroup",  # noqa: A002 - mirrors the Bot API field
        username: str | None = None,
    ):
        """Register a group/supergroup (or channel) chat."""
        from .users import FakeChat

        chat: dict = {"id": int(chat_id), "type": type, "title": title}
        if username:
            chat["username"] = username
        if is_forum:
            chat["is_forum"] = True
        with self._lock:
            self._chats[int(chat_id)] = chat
            self._members.setdefault((int(chat_id), int(self.bot_user["id"])), "administrator")
            if is_forum:
                self._topics.setdefault(int(chat_id), {})
                # message_thread_id 1 is the General topic; created topics come after it
                self._next_message_id.setdefault(int(chat_id), 2)
        return FakeChat(self, chat)

    def set_member_status(self, chat_id: Any, user_id: int, status: str) -> None:
        """status: creator | administrator | member | restricted | left | kicked."""
        with self._lock:
            self._members[(self._chat_id_of(chat_id), int(user_id))] = status

    def block(self, user_id: int) -> None:
        """The user blocked the bot: sends to them answer 403 like Telegram."""
        with self._lock:
            self._blocked.add(int(user_id))

    def unblock(self, user_id: int) -> None:
        with self._lock:
            self._blocked.discard(int(user_id))

    def chat(self, chat_id: Any) -> dict:
        with self._lock:
            return copy.deepcopy(self._chats[self._chat_id_of(chat_id)])

    def create_topic(self, chat_id: Any, name: str, icon_color: int = 7322096) -> int:
        """Create a forum topic as if an admin did it; returns its message_thread_id."""
        with self._lock:
            return self._create_topic(self._chat_id_of(chat_id), name, icon_color, None, by_bot=False)["message_thread_id"]

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """Bot commands stored by setMyCommands for exactly this scope + language."""
        with self._lock:
            return copy.deepcopy(self._commands.get((self._scope_key(scope), language_code or ""), []))

    def webhook(self) -> dict | None:
        """The current webhook settings (url, secret_token, ...), or None."""
        with self._lock:
            return copy.deepcopy(self._webhook)

    def register_file(
        self,
        data: bytes,
        kind: str = "document",
        filename: str | None = None,
        mime_type: str | None = None,
        **extra: Any,
    ) -> Any:
        """Register bytes as a Telegram file; returns the Telegram object (Document, Voice, ...,
        or for photos the list of PhotoSize).  getFile / downloads serve these bytes.
        ``extra``: duration, width, height, emoji, length where the kind has them."""
        with self._lock:
            return copy.deepcopy(self._new_file(kind, data, filename, mime_type, **extra))

    def file_bytes(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id]["data"]

    # ------------------------------------------------------------------ test-side API: messages

    def sent_to(self, chat_id: Any) -> list[dict]:
        """Messages the bot sent into a chat, in order, edits applied, deletions removed."""
        cid = self._chat_id_of(chat_id)
        with self._lock:
            return [
                copy.deepcopy(s.message)
                for s in self._messages.get(cid, {}).values()
                if s.by_bot and not s.service
            ]

    def history(self, chat_id: Any) -> list[dict]:
        """All stored messages of a chat (users' and bot's), in order."""
        cid = self._chat_id_of(chat_id)
        with self._lock:
            return [copy.deepcopy(s.message) for s in self._messages.get(cid, {}).values()]

    def last_message(self, chat_id: Any) -> dict | None:
        sent = self.sent_to(chat_id)
        return sent[-1] if sent else None

    def last_text(self, chat_id: Any) -> str | None:
        msg = self.last_message(chat_id)
        if msg is None:
            return None
        return msg.get("text", msg.get("caption"))

    def message(self, chat_id: Any, message_id: int) -> dict | None:
        with self._lock:
            stored = self._messages.get(self._chat_id_of(chat_id), {}).get(int(message_id))
            return copy.deepcopy(stored.message) if stored else None

    def current_message(self, target: Any, chat: Any = None) -> dict:
        """Resolve a Call / message dict / Update dict / message_id to the stored message now."""
        with self._lock:
            cid, mid, fallback = self._resolve_target(target, chat)
            stored = self._messages.get(cid, {}).get(mid)
            if stored is None:
                if fallback is not None:
                    return copy.deepcopy(fallback)
                raise AssertionError(f"message {mid} in chat {cid} does not exist (deleted or never sent)")
            return copy.deepcopy(stored.message)

    def keyboard_labels(self, message: Any, chat: Any = None) -> list[list[str]]:
        """Rows of button texts of a message's CURRENT inline keyboard ([] if none)."""
        msg = self.current_message(message, chat)
        rows = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
        return [[button.get("text", "") for button in row] for row in rows]

    def reply_keyboard(self, chat_id: Any) -> list[list[str]] | None:
        """Rows of the reply keyboard the user currently sees in a chat, None if none."""
        with self._lock:
            markup = self._reply_keyboards.get(self._chat_id_of(chat_id))
        if not markup:
            return None
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in markup["keyboard"]]

    def reply_keyboard_markup(self, chat_id: Any) -> dict | None:
        with self._lock:
            return copy.deepcopy(self._reply_keyboards.get(self._chat_id_of(chat_id)))

    # ------------------------------------------------------------------ test-side API: updates

    def push_update(self, update: dict, update_id: int | None = None) -> dict:
        """Queue (or, with a webhook set, POST) an update; returns it with its update_id.

        With ``update_id`` given the update is delivered with that id even if it was delivered
        and confirmed before (duplicate delivery); the server never de-duplicates."""
        update = copy.deepcopy(update)
        with self._cond:
            forced = update_id is not None
            if forced:
                update["update_id"] = int(update_id)
                self._next_update_id = max(self._next_update_id, int(update_id) + 1)
            else:
                update["update_id"] = self._next_update_id
                self._next_update_id += 1
            kinds = [k for k in update if k != "update_id"]
            if kinds and kinds[0] not in self._allowed_updates:
                self.dropped_updates.append(update)
                self._cond.notify_all()
                return update
            if self._webhook:
                self._delivery_queue.put((update, self._webhook["url"], self._webhook.get("secret_token")))
            else:
                self._pending.append(_Pending(update, next(self._seq), forced))
            self._cond.notify_all()
        return update

    def pending_updates(self) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(p.update) for p in self._pending]

    def wait_delivery(self, update_id: int | None = None, timeout: float = 5.0, after: int = 0) -> Delivery:
        """Wait for a webhook delivery (of ``update_id`` if given) recorded at index >= after."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for d in self.deliveries[after:]:
                    if update_id is None or d.update_id == update_id:
                        return d
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no webhook delivery of update {update_id} within {timeout}s; deliveries: "
                        f"{[(d.update_id, d.status, d.error) for d in self.deliveries]}"
                    )
                self._cond.wait(remaining)

    _DEFAULT_SECRET = object()

    def post_to_webhook(self, update: dict, secret_token: Any = _DEFAULT_SECRET, url: str | None = None) -> int:
        """POST an update to the webhook synchronously, optionally with a forged secret
        (None = no header).  Returns the HTTP status; not recorded in ``deliveries``."""
        with self._lock:
            hook = copy.deepcopy(self._webhook) or {}
        target = url or hook.get("url")
        if not target:
            raise AssertionError("no webhook is set")
        secret = hook.get("secret_token") if secret_token is self._DEFAULT_SECRET else secret_token
        update = dict(update)
        if "update_id" not in update:
            with self._lock:
                update["update_id"] = self._next_update_id
                self._next_update_id += 1
        status, _ = _post_json(target, update, secret, None)
        return status

    # ------------------------------------------------------------------ webhook delivery

    def _delivery_worker(self) -> None:
        conns: dict[str, http.client.HTTPConnection] = {}
        q = self._delivery_queue
        while True:
            item = q.get()
            if item is None:
                break
            update, url, secret = item
            status: int | None = None
            error: str | None = None
            try:
                status, _ = _post_json(url, update, secret, conns)
            except Exception as exc:  # noqa: BLE001 - recorded for the test
                error = f"{type(exc).__name__}: {exc}"
            with self._cond:
                self.deliveries.append(Delivery(update["update_id"], url, status, error, time.time(), update))
                if self._webhook is not None and (error or (status or 0) >= 300):
                    self._webhook["last_error_date"] = int(time.time())
                    self._webhook["last_error_message"] = error or f"Wrong response from the webhook: {status}"
                self._cond.notify_all()
        for conn in conns.values():
            conn.close()

    # ------------------------------------------------------------------ file downloads

    def _serve_file(self, token: str, file_path: str) -> tuple[int, bytes, str]:
        if token != self.token:
            return 404, _json({"ok": False, "error_code": 404, "description": "Not Found"}), "application/json"
        with self._lock:
            file_id = self._file_paths.get(file_path)
            record = self._files.get(file_id) if file_id else None
            if record is None:
                return 404, _json({"ok": False, "error_code": 404, "description": "Not Found"}), "application/json"
            return 200, record["data"], record.get("mime_type") or "application/octet-stream"

    # ------------------------------------------------------------------ internals: state helpers

    @staticmethod
    def _user_shape(user: dict) -> dict:
        keys = ("id", "is_bot", "first_name", "last_name", "username", "language_code", "is_premium")
        return {k: user[k] for k in keys if k in user}

    def _chat_id_of(self, chat: Any) -> int:
        if isinstance(chat, int):
            return chat
        if hasattr(chat, "chat") and isinstance(chat.chat, dict):
            return int(chat.chat["id"])
        if isinstance(chat, dict):
            return int(chat["id"])
        if isinstance(chat, str):
            if re.fullmatch(r"-?\d+", chat):
                return int(chat)
            with self._lock:
                for cid, c in self._chats.items():
                    if c.get("username") and "@" + c["username"].lower() == chat.lower():
                        return cid
        raise bad_request("chat not found")

    def _require_chat(self, params: dict, key: str = "chat_id") -> dict:
        if key not in params:
            raise bad_request(f"{key} is empty" if key == "chat_id" else f"{key} is empty")
        try:
            cid = self._chat_id_of(params[key])
        except (ApiError, ValueError, TypeError):
            raise bad_request("chat not found") from None
        chat = self._chats.get(cid)
        if chat is None:
            if self.strict_chats or cid <= 0:
                raise bad_request("chat not found")
            chat = {"id": cid, "type": "private", "first_name": f"User{cid}"}
            self._chats[cid] = chat
            self._users.setdefault(cid, {"id": cid, "is_bot": False, "first_name": f"User{cid}"})
        return chat

    def _check_can_send(self, chat: dict) -> None:
        cid = chat["id"]
        if chat["type"] == "private" and cid in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        status = self._members.get((cid, int(self.bot_user["id"])))
        if chat["type"] != "private" and status in ("left", "kicked"):
            kind = "supergroup chat" if chat["type"] == "supergroup" else f"{chat['type']} chat"
            if status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")

    def _new_message_id(self, cid: int) -> int:
        mid = self._next_message_id.get(cid, 1)
        self._next_message_id[cid] = mid + 1
        return mid

    def _store(self, message: dict, by_bot: bool, service: bool = False) -> dict:
        cid = message["chat"]["id"]
        if message.get("message_id") is None:
            message["message_id"] = self._new_message_id(cid)
        self._messages.setdefault(cid, {})[message["message_id"]] = _Stored(message, by_bot, service)
        return message

    def _base_message(self, chat: dict, sender: dict, params: dict | None = None) -> dict:
        """A new message skeleton; its message_id is assigned by _store (so that a request
        failing validation does not use up an id)."""
        cid = chat["id"]
        msg: dict = {
            "message_id": None,
            "from": self._user_shape(sender),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
        }
        if params:
            thread_id = params.get("message_thread_id")
            if thread_id:
                thread_id = int(thread_id)
                if chat.get("is_forum"):
                    if thread_id != 1 and thread_id not in self._topics.get(cid, {}):
                        raise bad_request("message thread not found")
                    msg["message_thread_id"] = thread_id
                    msg["is_topic_message"] = True
                else:
                    msg["message_thread_id"] = thread_id
            reply = self._reply_target(chat, params)
            if reply is not None:
                msg["reply_to_message"] = reply
        return msg

    def _reply_target(self, chat: dict, params: dict) -> dict | None:
        rp = params.get("reply_parameters")
        if isinstance(rp, str):
            rp = json.loads(rp)
        mid = None
        allow = bool(params.get("allow_sending_without_reply"))
        rcid = chat["id"]
        if isinstance(rp, dict) and rp.get("message_id") is not None:
            mid = int(rp["message_id"])
            allow = allow or bool(rp.get("allow_sending_without_reply"))
            if rp.get("chat_id") is not None:
                rcid = self._chat_id_of(rp["chat_id"])
        elif params.get("reply_to_message_id") is not None:
            mid = int(params["reply_to_message_id"])
        if mid is None:
            return None
        stored = self._messages.get(rcid, {}).get(mid)
        if stored is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        replied = copy.deepcopy(stored.message)
        replied.pop("reply_to_message", None)
        return replied

    def _check_inline_keyboard(self, markup: dict) -> dict:
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list):
            raise bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array")
        actions = (
            "url",
            "callback_data",
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
            "pay",
        )
        for row in rows:
            for button in row:
                if not button.get("text"):
                    raise bad_request("can't find field \"text\"")
                present = [a for a in actions if a in button]
                if not present:
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not (1 <= len(str(data).encode("utf-8")) <= 64):
                    raise bad_request("BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not re.match(r"^(https?|tg)://", str(url)):
                    raise bad_request("inline keyboard button URL '%s' is invalid: Wrong HTTP URL" % url)
        return markup

    def _apply_markup(self, chat: dict, params: dict, msg: dict) -> None:
        markup = params.get("reply_markup")
        if markup is None:
            return
        if isinstance(markup, str):
            markup = json.loads(markup)
        if "inline_keyboard" in markup:
            msg["reply_markup"] = copy.deepcopy(self._check_inline_keyboard(markup))
        elif "keyboard" in markup:
            for row in markup["keyboard"]:
                for button in row:
                    text = button if isinstance(button, str) else button.get("text")
                    if not text:
                        raise bad_request("can't find field \"text\"")
            self._reply_keyboards[chat["id"]] = copy.deepcopy(markup)
        elif markup.get("remove_keyboard"):
            self._reply_keyboards[chat["id"]] = None

    def _formatted(self, text: Any, params: dict, text_key: str, limit: int, empty_error: str) -> tuple[str, list]:
        if not isinstance(text, str):
            text = "" if text is None else json.dumps(text) if not isinstance(text, (int, float)) else str(text)
        entities = params.get("entities" if text_key == "text" else "caption_entities")
        try:
            plain, ents = formatting.parse(text, params.get("parse_mode"), entities)
        except formatting.ParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        if not plain and empty_error:
            raise bad_request(empty_error)
        if formatting.utf16_len(plain) > limit:
            raise bad_request("message is too long" if text_key == "text" else "message caption is too long")
        return plain, ents

    def _resolve_target(self, target: Any, chat: Any = None) -> tuple[int, int, dict | None]:
        """(chat_id, message_id, fallback dict) for a Call / Update / message dict / id
        (PTB objects such as telegram.Message or telegram.Update are accepted too)."""
        if not isinstance(target, (Call, dict, int)) and hasattr(target, "to_dict"):
            target = target.to_dict()
        if isinstance(target, Call):
            msg = target.message
            if msg is None:
                if isinstance(target.result, list) and target.result:
                    msg = target.result[0]
                elif target.params.get("message_id") is not None and target.params.get("chat_id") is not None:
                    return self._chat_id_of(target.params["chat_id"]), int(target.params["message_id"]), None
                else:
                    raise AssertionError(f"call has no message to point at: {target.summary()}")
            return int(msg["chat"]["id"]), int(msg["message_id"]), None
        if isinstance(target, dict):
            if "update_id" in target:
                for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
                    if key in target:
                        target = target[key]
                        break
                else:
                    if "callback_query" in target:
                        target = target["callback_query"]["message"]
            return int(target["chat"]["id"]), int(target["message_id"]), target
        if isinstance(target, int):
            if chat is None:
                raise AssertionError("a bare message_id needs chat=")
            return self._chat_id_of(chat), target, None
        raise TypeError(f"cannot resolve a message from {type(target).__name__}")

    def _find_editable(self, params: dict) -> _Stored | None:
        """The stored bot message addressed by chat_id+message_id; None for inline messages."""
        if params.get("inline_message_id"):
            return None
        if params.get("chat_id") is None:
            raise bad_request("chat_id is empty")
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        chat = self._require_chat(params)
        stored = self._messages.get(chat["id"], {}).get(int(params["message_id"]))
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.by_bot:
            raise bad_request("message can't be edited")
        return stored

    def _inline_markup_of(self, params: dict) -> dict | None:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not markup:
            return None
        if "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        self._check_inline_keyboard(markup)
        return copy.deepcopy(markup) if markup["inline_keyboard"] else None

    # ---- files

    def _new_file(self, kind: str, data: bytes, filename: str | None, mime_type: str | None, **extra: Any) -> Any:
        prefix, folder, ext, default_mime = _FILE_KINDS.get(kind, _FILE_KINDS["document"])
        n = next(self._file_counter)
        if not mime_type or mime_type == "application/octet-stream":
            mime_type = (mimetypes.guess_type(filename or "")[0] if filename else None) or mime_type or default_mime
        if filename and "." in filename and mimetypes.guess_type(filename)[0]:
            ext = "." + filename.rsplit(".", 1)[1]
        unique = f"AgAD{n:04d}{secrets.token_hex(3)}"

        def register(file_id: str, unique_id: str, path: str, payload: bytes) -> None:
            self._files[file_id] = {
                "data": payload,
                "file_unique_id": unique_id,
                "file_path": path,
                "kind": kind,
                "mime_type": mime_type,
                "object": None,
            }
            self._file_paths[path] = file_id

        if kind == "photo":
            width, height = _image_size(data)
            scale = max(width, height) / 90 if max(width, height) > 90 else 1
            small_id = f"{prefix}{n:06d}s{secrets.token_hex(8)}"
            big_id = f"{prefix}{n:06d}b{secrets.token_hex(8)}"
            register(small_id, unique + "s", f"{folder}/file_{n}_s{ext}", data)
            register(big_id, unique + "b", f"{folder}/file_{n}{ext}", data)
            sizes = [
                {
                    "file_id": small_id,
                    "file_unique_id": unique + "s",
                    "file_size": len(data),
                    "width": max(1, int(width / scale)),
                    "height": max(1, int(height / scale)),
                },
                {"file_id": big_id, "file_unique_id": unique + "b", "file_size": len(data), "width": width, "height": height},
            ]
            self._files[small_id]["object"] = sizes
            self._files[big_id]["object"] = sizes
            return sizes

        file_id = f"{prefix}{n:06d}{secrets.token_hex(8)}"
        register(file_id, unique, f"{folder}/file_{n}{ext}", data)
        obj: dict = {"file_id": file_id, "file_unique_id": unique}
        if kind == "document":
            obj["file_name"] = filename or f"file_{n}{ext}"
            obj["mime_type"] = mime_type
        elif kind == "voice":
            obj["duration"] = int(extra.get("duration") or 1)
            obj["mime_type"] = mime_type
        elif kind == "audio":
            obj["duration"] = int(extra.get("duration") or 1)
            obj["file_name"] = filename or f"file_{n}{ext}"
            obj["mime_type"] = mime_type
        elif kind in ("video", "animation"):
            width, height = extra.get("width") or 640, extra.get("height") or 360
            obj.update(width=int(width), height=int(height), duration=int(extra.get("duration") or 1))
            obj["file_name"] = filename or f"file_{n}{ext}"
            obj["mime_type"] = mime_type
        elif kind == "sticker":
            obj.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
            if extra.get("emoji"):
                obj["emoji"] = extra["emoji"]
        elif kind == "video_note":
            obj.update(length=int(extra.get("length") or 240), duration=int(extra.get("duration") or 1))
        obj["file_size"] = len(data)
        self._files[file_id]["object"] = obj
        return obj

    def _media_from_param(self, kind: str, params: dict, files: dict, key: str | None = None) -> Any:
        key = key or kind
        value = params.get(key)
        upload = files.get(key)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
        if upload is not None:
            return self._new_file(
                kind,
                upload.data,
                upload.filename,
                upload.content_type,
                duration=params.get("duration"),
                width=params.get("width"),
                height=params.get("height"),
                emoji=params.get("emoji"),
                length=params.get("length"),
            )
        if not value:
            raise bad_request(f"there is no {key} in the request")
        value = str(value)
        if value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self._new_file(kind, b"", name, None)
        record = self._files.get(value)
        if record is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return copy.deepcopy(record["object"])

    # ---- commands / topics

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if isinstance(scope, str):
            scope = json.loads(scope)
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True)

    def _create_topic(self, cid: int, name: str, icon_color: int, emoji_id: str | None, by_bot: bool) -> dict:
        chat = self._chats[cid]
        if not chat.get("is_forum"):
            raise bad_request("the chat is not a forum")
        if not name or len(name) > 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "topic name is too long")
        sender = self.bot_user if by_bot else {"id": 777000, "is_bot": False, "first_name": "Telegram"}
        msg = {
            "message_id": self._new_message_id(cid),
            "from": self._user_shape(sender),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
            "forum_topic_created": {"name": name, "icon_color": int(icon_color)},
        }
        if emoji_id:
            msg["forum_topic_created"]["icon_custom_emoji_id"] = emoji_id
        msg["message_thread_id"] = msg["message_id"]
        msg["is_topic_message"] = True
        self._store(msg, by_bot=by_bot, service=True)
        topic = {"message_thread_id": msg["message_id"], "name": name, "icon_color": int(icon_color)}
        if emoji_id:
            topic["icon_custom_emoji_id"] = emoji_id
        self._topics.setdefault(cid, {})[topic["message_thread_id"]] = topic
        return topic

    # ------------------------------------------------------------------ user-side helpers (used by FakeUser)

    def _user_message(self, user: dict, chat_id: int, content: dict, thread_id: int | None, reply_to: Any) -> dict:
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                raise AssertionError(f"chat {chat_id} is not registered (use server.group() / private_user())")
            if chat["type"] != "private":
                self._members.setdefault((chat_id, user["id"]), "member")
            msg = {
                "message_id": self._new_message_id(chat_id),
                "from": self._user_shape(user),
                "chat": copy.deepcopy(chat),
                "date": int(time.time()),
            }
            if thread_id is not None:
                msg["message_thread_id"] = int(thread_id)
                if chat.get("is_forum"):
                    msg["is_topic_message"] = True
            if reply_to is not None:
                rcid, rmid, fallback = self._resolve_target(reply_to, chat_id)
                stored = self._messages.get(rcid, {}).get(rmid)
                replied = copy.deepcopy(stored.message if stored else fallback)
                if replied:
                    replied.pop("reply_to_message", None)
                    msg["reply_to_message"] = replied
            msg.update(copy.deepcopy(content))
            self._store(msg, by_bot=False)
            return copy.deepcopy(msg)

    def _user_edit(self, user: dict, original: Any, new_text: str) -> dict:
        with self._lock:
            cid, mid, _ = self._resolve_target(original)
            stored = self._messages.get(cid, {}).get(mid)
            if stored is None or stored.by_bot:
                raise AssertionError("can only edit a message the user sent")
            msg = stored.message
            if "text" in msg:
                msg["text"] = new_text
                ents = formatting.detect_entities(new_text)
                if ents:
                    msg["entities"] = ents
                else:
                    msg.pop("entities", None)
            else:
                msg["caption"] = new_text
            msg["edit_date"] = int(time.time())
            return copy.deepcopy(msg)

    def _new_callback(self, user: dict, message: dict, data: str) -> dict:
        with self._lock:
            qid = f"{int(user['id']) * 1000 + next(self._callback_counter)}{secrets.randbelow(10**6):06d}"
            self._callbacks[qid] = {"answered": False, "user_id": user["id"], "answer": None}
            return {
                "id": qid,
                "from": self._user_shape(user),
                "message": copy.deepcopy(message),
                "chat_instance": str(abs(hash((message["chat"]["id"], self.token))) % 10**18),
                "data": data,
            }

    def callback_answer(self, callback_query_id: str) -> dict | None:
        """The params the bot answered a callback query with, None if not answered (yet)."""
        with self._lock:
            info = self._callbacks.get(callback_query_id)
            return copy.deepcopy(info["answer"]) if info else None

    # ================================================================== Bot API methods
    # Each _m_<name>(params, files) returns the result or raises ApiError.

    def _m_getMe(self, params: dict, files: dict) -> dict:
        return copy.deepcopy(self.bot_user)

    def _m_logOut(self, params: dict, files: dict) -> bool:
        return True

    def _m_close(self, params: dict, files: dict) -> bool:
        return True

    def _m_getUpdates(self, params: dict, files: dict) -> list:
        if self._webhook:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        limit = min(max(limit, 1), 100)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, str):
            allowed = json.loads(allowed)
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_ALLOWED_UPDATES
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()  # ends older long polls with 409
        if offset < 0:
            self._pending = self._pending[offset:] if -offset < len(self._pending) else self._pending
        elif offset:
            self._pending = [
                p for p in self._pending if not (p.update["update_id"] < offset and (p.delivered or not p.forced))
            ]
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLL)
            if self._webhook:
                raise ApiError(409, CONFLICT_WEBHOOK)
            if self._pending:
                batch = sorted(self._pending, key=lambda p: (p.update["update_id"], p.seq))[:limit]
                for p in batch:
                    p.delivered += 1
                return [copy.deepcopy(p.update) for p in batch]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stopping:
                return []
            self._cond.wait(remaining)

    def _m_setWebhook(self, params: dict, files: dict) -> bool:
        url = params.get("url") or ""
        if not url:
            return self._m_deleteWebhook(params, files)
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_ALLOWED_UPDATES
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": int(params.get("max_connections") or 40),
            "allowed_updates": sorted(self._allowed_updates),
            "has_custom_certificate": "certificate" in files,
        }
        if params.get("ip_address"):
            self._webhook["ip_address"] = params["ip_address"]
        # Updates queued while polling now go to the webhook.
        for p in sorted(self._pending, key=lambda p: (p.update["update_id"], p.seq)):
            self._delivery_queue.put((p.update, url, secret))
        self._pending.clear()
        self._cond.notify_all()
        return True

    def _m_deleteWebhook(self, params: dict, files: dict) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._cond.notify_all()
        return True

    def _m_getWebhookInfo(self, params: dict, files: dict) -> dict:
        if not self._webhook:
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._pending)}
        info = {
            "url": self._webhook["url"],
            "has_custom_certificate": self._webhook["has_custom_certificate"],
            "pending_update_count": self._delivery_queue.qsize(),
            "max_connections": self._webhook["max_connections"],
            "allowed_updates": self._webhook["allowed_updates"],
        }
        for key in ("ip_address", "last_error_date", "last_error_message"):
            if key in self._webhook:
                info[key] = self._webhook[key]
        return info

    # ---- commands

    _COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")

    def _m_setMyCommands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list):
            raise bad_request("parameter \"commands\" is required")
        if len(commands) > 100:
            raise bad_request("too many commands")
        for cmd in commands:
            if not self._COMMAND_RE.fullmatch(str(cmd.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not (1 <= len(str(cmd.get("description", ""))) <= 256):
                raise bad_request("command description must be 1-256 characters")
        key = (self._scope_key(params.get("scope")), params.get("language_code") or "")
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _m_getMyCommands(self, params: dict, files: dict) -> list:
        key = (self._scope_key(params.get("scope")), params.get("language_code") or "")
        return copy.deepcopy(self._commands.get(key, []))

    def _m_deleteMyCommands(self, params: dict, files: dict) -> bool:
        key = (self._scope_key(params.get("scope")), params.get("language_code") or "")
        self._commands.pop(key, None)
        return True

    # ---- sending

    def _m_sendMessage(self, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        text, entities = self._formatted(params.get("text"), params, "text", MAX_TEXT, "message text is empty")
        msg = self._base_message(chat, self.bot_user, params)
        msg["text"] = text
        if entities:
            msg["entities"] = entities
        lpo = params.get("link_preview_options")
        if isinstance(lpo, dict) and lpo:
            msg["link_preview_options"] = lpo
        self._apply_markup(chat, params, msg)
        return copy.deepcopy(self._store(msg, by_bot=True))

    def _send_media(self, kind: str, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        caption, caption_entities = ("", [])
        if params.get("caption") is not None:
            caption, caption_entities = self._formatted(params.get("caption"), params, "caption", MAX_CAPTION, "")
        media = self._media_from_param(kind, params, files)
        msg = self._base_message(chat, self.bot_user, params)
        msg[kind] = media
        if caption:
            msg["caption"] = caption
            if caption_entities:
                msg["caption_entities"] = caption_entities
        if params.get("has_spoiler"):
            msg["has_media_spoiler"] = True
        self._apply_markup(chat, params, msg)
        return copy.deepcopy(self._store(msg, by_bot=True))

    def _m_sendDocument(self, params: dict, files: dict) -> dict:
        return self._send_media("document", params, files)

    def _m_sendPhoto(self, params: dict, files: dict) -> dict:
        return self._send_media("photo", params, files)

    def _m_sendVoice(self, params: dict, files: dict) -> dict:
        return self._send_media("voice", params, files)

    def _m_sendAudio(self, params: dict, files: dict) -> dict:
        return self._send_media("audio", params, files)

    def _m_sendVideo(self, params: dict, files: dict) -> dict:
        return self._send_media("video", params, files)

    def _m_sendAnimation(self, params: dict, files: dict) -> dict:
        return self._send_media("animation", params, files)

    def _m_sendSticker(self, params: dict, files: dict) -> dict:
        return self._send_media("sticker", params, files)

    def _m_sendVideoNote(self, params: dict, files: dict) -> dict:
        return self._send_media("video_note", params, files)

    def _m_sendMediaGroup(self, params: dict, files: dict) -> list:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        media = params.get("media")
        if isinstance(media, str):
            media = json.loads(media)
        if not isinstance(media, list) or not (2 <= len(media) <= 10):
            raise bad_request("wrong number of media specified" if isinstance(media, list) else "media is empty")
        group_id = str(next(self._media_groups))
        built = []
        for item in media:
            kind = item.get("type")
            if kind not in ("photo", "video", "document", "audio"):
                raise bad_request(f"unsupported media type \"{kind}\"")
            sub = dict(item)
            sub[kind] = item.get("media")
            obj = self._media_from_param(kind, sub, files)
            caption, ents = ("", [])
            if item.get("caption"):
                caption, ents = self._formatted(item["caption"], item, "caption", MAX_CAPTION, "")
            built.append((kind, obj, caption, ents))
        results = []
        for kind, obj, caption, ents in built:
            msg = self._base_message(chat, self.bot_user, params)
            msg["media_group_id"] = group_id
            msg[kind] = obj
            if caption:
                msg["caption"] = caption
                if ents:
                    msg["caption_entities"] = ents
            results.append(copy.deepcopy(self._store(msg, by_bot=True)))
        return results

    def _m_sendLocation(self, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        try:
            lat = float(params.get("latitude"))
            lon = float(params.get("longitude"))
        except (TypeError, ValueError):
            raise bad_request("wrong latitude or longitude specified") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise bad_request("wrong location specified")
        msg = self._base_message(chat, self.bot_user, params)
        msg["location"] = {"latitude": lat, "longitude": lon}
        if params.get("live_period"):
            msg["location"]["live_period"] = int(params["live_period"])
        self._apply_markup(chat, params, msg)
        return copy.deepcopy(self._store(msg, by_bot=True))

    def _m_sendContact(self, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        if not params.get("phone_number") or not params.get("first_name"):
            raise bad_request("phone number and first name must be non-empty")
        msg = self._base_message(chat, self.bot_user, params)
        msg["contact"] = {"phone_number": params["phone_number"], "first_name": params["first_name"]}
        if params.get("last_name"):
            msg["contact"]["last_name"] = params["last_name"]
        self._apply_markup(chat, params, msg)
        return copy.deepcopy(self._store(msg, by_bot=True))

    def _m_sendChatAction(self, params: dict, files: dict) -> bool:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        return True

    _CONTENT_KEYS = (
        "text",
        "entities",
        "caption",
        "caption_entities",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
        "video_note",
        "location",
        "contact",
        "venue",
        "poll",
        "dice",
        "has_media_spoiler",
    )

    def _source_message(self, params: dict, not_found: str) -> _Stored:
        if params.get("from_chat_id") is None:
            raise bad_request("chat_id is empty")
        try:
            from_cid = self._chat_id_of(params["from_chat_id"])
        except ApiError:
            raise bad_request("chat not found") from None
        if from_cid not in self._chats:
            raise bad_request("chat not found")
        stored = self._messages.get(from_cid, {}).get(int(params.get("message_id") or 0))
        if stored is None or stored.service:
            raise bad_request(not_found)
        return stored

    def _m_copyMessage(self, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        source = self._source_message(params, "message to copy not found").message
        msg = self._base_message(chat, self.bot_user, params)
        for key in self._CONTENT_KEYS:
            if key in source:
                msg[key] = copy.deepcopy(source[key])
        if "caption" in params and any(k in source for k in ("photo", "document", "voice", "audio", "video", "animation")):
            caption, ents = self._formatted(params.get("caption") or "", params, "caption", MAX_CAPTION, "")
            msg.pop("caption_entities", None)
            if caption:
                msg["caption"] = caption
                if ents:
                    msg["caption_entities"] = ents
            else:
                msg.pop("caption", None)
        self._apply_markup(chat, params, msg)
        self._store(msg, by_bot=True)
        return {"message_id": msg["message_id"]}

    def _m_forwardMessage(self, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        stored = self._source_message(params, "message to forward not found")
        source = stored.message
        msg = self._base_message(chat, self.bot_user, {"message_thread_id": params.get("message_thread_id")})
        origin_chat = source["chat"]
        if origin_chat["type"] == "channel":
            msg["forward_origin"] = {
                "type": "channel",
                "date": source["date"],
                "chat": copy.deepcopy(origin_chat),
                "message_id": source["message_id"],
            }
        else:
            msg["forward_origin"] = {"type": "user", "date": source["date"], "sender_user": copy.deepcopy(source["from"])}
        for key in self._CONTENT_KEYS:
            if key in source:
                msg[key] = copy.deepcopy(source[key])
        return copy.deepcopy(self._store(msg, by_bot=True))

    # ---- editing

    def _m_editMessageText(self, params: dict, files: dict) -> Any:
        stored = self._find_editable(params)
        text, entities = self._formatted(params.get("text"), params, "text", MAX_TEXT, "text must be non-empty")
        markup = self._inline_markup_of(params)
        if stored is None:
            return True
        msg = stored.message
        if "text" not in msg:
            raise bad_request("there is no text in the message to edit")
        if msg["text"] == text and msg.get("entities", []) == entities and msg.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED[len("Bad Request: ") :])
        msg["text"] = text
        if entities:
            msg["entities"] = entities
        else:
            msg.pop("entities", None)
        self._set_markup(msg, markup)
        msg["edit_date"] = int(time.time())
        return copy.deepcopy(msg)

    def _m_editMessageCaption(self, params: dict, files: dict) -> Any:
        stored = self._find_editable(params)
        caption, entities = ("", [])
        if params.get("caption"):
            caption, entities = self._formatted(params["caption"], params, "caption", MAX_CAPTION, "")
        markup = self._inline_markup_of(params)
        if stored is None:
            return True
        msg = stored.message
        if "text" in msg:
            raise bad_request("there is no caption in the message to edit")
        if (
            msg.get("caption", "") == caption
            and msg.get("caption_entities", []) == entities
            and msg.get("reply_markup") == markup
        ):
            raise bad_request(NOT_MODIFIED[len("Bad Request: ") :])
        if caption:
            msg["caption"] = caption
        else:
            msg.pop("caption", None)
        if entities:
            msg["caption_entities"] = entities
        else:
            msg.pop("caption_entities", None)
        self._set_markup(msg, markup)
        msg["edit_date"] = int(time.time())
        return copy.deepcopy(msg)

    def _m_editMessageReplyMarkup(self, params: dict, files: dict) -> Any:
        stored = self._find_editable(params)
        markup = self._inline_markup_of(params)
        if stored is None:
            return True
        msg = stored.message
        if msg.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED[len("Bad Request: ") :])
        self._set_markup(msg, markup)
        msg["edit_date"] = int(time.time())
        return copy.deepcopy(msg)

    @staticmethod
    def _set_markup(msg: dict, markup: dict | None) -> None:
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)

    def _m_deleteMessage(self, params: dict, files: dict) -> bool:
        chat = self._require_chat(params)
        mid = int(params.get("message_id") or 0)
        msgs = self._messages.get(chat["id"], {})
        if mid not in msgs:
            raise bad_request("message to delete not found")
        del msgs[mid]
        return True

    def _m_deleteMessages(self, params: dict, files: dict) -> bool:
        chat = self._require_chat(params)
        ids = params.get("message_ids") or []
        msgs = self._messages.get(chat["id"], {})
        for mid in ids:
            msgs.pop(int(mid), None)
        return True

    def _m_answerCallbackQuery(self, params: dict, files: dict) -> bool:
        qid = str(params.get("callback_query_id") or "")
        info = self._callbacks.get(qid)
        if info is None or info["answered"]:
            raise bad_request(QUERY_INVALID[len("Bad Request: ") :])
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        info["answered"] = True
        info["answer"] = {k: v for k, v in params.items() if k != "callback_query_id"}
        return True

    # ---- files

    def _m_getFile(self, params: dict, files: dict) -> dict:
        file_id = str(params.get("file_id") or "")
        record = self._files.get(file_id)
        if record is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": record["file_unique_id"],
            "file_size": len(record["data"]),
            "file_path": record["file_path"],
        }

    # ---- chats

    def _m_getChat(self, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        info = copy.deepcopy(chat)
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        )
        info.update(copy.deepcopy(self._chat_extra.get(chat["id"], {})))
        return info

    def _m_getChatMember(self, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        uid = int(params.get("user_id") or 0)
        user = self._users.get(uid)
        if user is None:
            raise bad_request("user not found")
        status = self._members.get((chat["id"], uid))
        if status is None:
            status = "member" if chat["type"] == "private" and uid in (chat["id"], self.bot_user["id"]) else "left"
        return _chat_member(status, self._user_shape(user))

    def _m_getChatMemberCount(self, params: dict, files: dict) -> int:
        chat = self._require_chat(params)
        return sum(
            1 for (cid, _), st in self._members.items() if cid == chat["id"] and st not in ("left", "kicked")
        ) or 1

    def _m_createForumTopic(self, params: dict, files: dict) -> dict:
        chat = self._require_chat(params)
        self._check_can_send(chat)
        return self._create_topic(
            chat["id"],
            str(params.get("name") or ""),
            int(params.get("icon_color") or 7322096),
            params.get("icon_custom_emoji_id"),
            by_bot=True,
        )


def _safe(predicate: Callable[[Any], bool], arg: Any) -> bool:
    """Predicates like ``lambda c: c["chat_id"] == 1`` count a missing key as no match."""
    try:
        return bool(predicate(arg))
    except (KeyError, IndexError, TypeError, AttributeError):
        return False


def _chat_member(status: str, user: dict) -> dict:
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        member = {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False}
        for right in (
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_change_info",
            "can_invite_users",
            "can_pin_messages",
            "can_manage_topics",
        ):
            member[right] = True
        for right in ("can_promote_members", "can_post_stories", "can_edit_stories", "can_delete_stories"):
            member[right] = False
        return member
    if status == "restricted":
        member = {"status": "restricted", "user": user, "is_member": True, "until_date": 0}
        for right in (
            "can_change_info",
            "can_invite_users",
            "can_pin_messages",
            "can_send_messages",
            "can_send_polls",
            "can_send_other_messages",
            "can_add_web_page_previews",
            "can_manage_topics",
            "can_send_audios",
            "can_send_documents",
            "can_send_photos",
            "can_send_videos",
            "can_send_video_notes",
            "can_send_voice_notes",
            "can_edit_tag",
        ):
            member[right] = False
        return member
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    if status == "left":
        return {"status": "left", "user": user}
    return {"status": "member", "user": user}


def _post_json(
    url: str, update: dict, secret: str | None, conns: dict[str, http.client.HTTPConnection] | None
) -> tuple[int, bytes]:
    """POST JSON like Telegram's webhook client; reuses keep-alive connections from ``conns``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"unsupported webhook url {url!r}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    body = json.dumps(update, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    netloc = f"{parts.scheme}://{parts.netloc}"
    for attempt in (0, 1):
        conn = conns.get(netloc) if conns is not None else None
        reused = conn is not None
        if conn is None:
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = cls(parts.hostname, parts.port, timeout=10)
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            if conns is not None:
                conns.pop(netloc, None)
            if reused and attempt == 0:
                continue  # stale keep-alive connection: retry once on a fresh one
            raise
        except Exception:
            conn.close()
            if conns is not None:
                conns.pop(netloc, None)
            raise
        if conns is not None and not resp.will_close:
            conns[netloc] = conn
        else:
            conn.close()
            if conns is not None:
                conns.pop(netloc, None)
        return resp.status, data
    raise RuntimeError("unreachable")
