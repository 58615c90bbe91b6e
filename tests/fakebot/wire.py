"""HTTP-level helpers: decoding Bot API request bodies the way Telegram does.

PTB (via httpx) sends ``application/x-www-form-urlencoded`` bodies for plain calls and
``multipart/form-data`` when files are uploaded; in both cases every non-string value is
JSON-encoded text.  Other clients send ``application/json``.  Query-string parameters are
accepted too.
"""

from __future__ import annotations

import json
import mimetypes
import re
from urllib.parse import parse_qsl, unquote

__all__ = ["UploadedFile", "decode_params", "parse_multipart", "content_type_params"]

# Parameters that Telegram reads as strings, so "123" must stay "123" and not become 123.
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "url",
        "secret_token",
        "callback_query_id",
        "inline_query_id",
        "name",
        "title",
        "description",
        "short_description",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "emoji",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "address",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "file_id",
        "inline_message_id",
        "ip_address",
        "action",
        "icon_custom_emoji_id",
        "question",
        "explanation",
        "payload",
        "provider_token",
        "currency",
        "start_parameter",
        "document",
        "photo",
        "voice",
        "audio",
        "video",
        "animation",
        "video_note",
        "sticker",
        "thumbnail",
        "performer",
        "custom_title",
        "invite_link",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
    }
)
# Parameters that are integer ids even when a JSON client sends them as strings.
INT_PARAMS = frozenset({"chat_id", "from_chat_id", "user_id", "message_id", "message_thread_id"})


class UploadedFile(tuple):
    """A file part of a multipart upload: unpacks as ``(filename, data)``."""

    content_type: str

    def __new__(cls, filename: str, data: bytes, content_type: str | None = None):
        obj = super().__new__(cls, (filename, data))
        obj.content_type = content_type or mimetypes.guess_type(filename or "")[0] or "application/octet-stream"
        return obj

    @property
    def filename(self) -> str:
        return self[0]

    @property
    def data(self) -> bytes:
        return self[1]

    def __repr__(self) -> str:
        return f"UploadedFile({self[0]!r}, <{len(self[1])} bytes>, {self.content_type!r})"


def _decode_value(name: str, value: str):
    if name in STRING_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except (ValueError, TypeError):
        return value
    return decoded


def _normalise(params: dict) -> dict:
    for key in INT_PARAMS:
        value = params.get(key)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            params[key] = int(value)
    return params


def content_type_params(header: str) -> tuple[str, dict[str, str]]:
    parts = header.split(";")
    main = parts[0].strip().lower()
    options: dict[str, str] = {}
    for part in parts[1:]:
        if "=" in part:
            key, _, value = part.partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            options[key.strip().lower()] = value
    return main, options


_DISPOSITION_PARAM = re.compile(r';\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))')


def _unescape_quoted(value: str) -> str:
    # httpx escapes '"' as %22 and '\\' as '\\\\' and control chars as %XX
    value = re.sub(r"%([0-1][0-9A-Fa-f]|22)", lambda m: chr(int(m.group(1), 16)), value)
    return value.replace("\\\\", "\\")


def parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Return (text fields, file parts) of a multipart/form-data body."""
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # closing delimiter
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        params: dict[str, str] = {}
        for m in _DISPOSITION_PARAM.finditer(disposition):
            key = m.group(1).lower()
            value = m.group(2) if m.group(2) is not None else m.group(3)
            if key.endswith("*"):
                # RFC 5987: utf-8''percent-encoded
                _charset, _, encoded = value.partition("''")
                params[key[:-1]] = unquote(encoded, encoding=_charset or "utf-8")
            elif key not in params:
                params[key] = _unescape_quoted(value)
        name = params.get("name")
        if name is None:
            continue
        if "filename" in params:
            files[name] = UploadedFile(params["filename"], content, headers.get("content-type"))
        else:
            fields[name] = content.decode("utf-8")
    return fields, files


def decode_params(
    content_type: str, body: bytes, query: str = ""
) -> tuple[dict, dict[str, UploadedFile]]:
    """Decode a Bot API request into (params, files)."""
    params: dict = {}
    files: dict[str, UploadedFile] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params[key] = _decode_value(key, value)
    main, options = content_type_params(content_type or "")
    if not body:
        return _normalise(params), files
    if main == "application/json":
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        params.update(data)
    elif main == "multipart/form-data":
        fields, files = parse_multipart(body, options.get("boundary", ""))
        for key, value in fields.items():
            params[key] = _decode_value(key, value)
    else:  # application/x-www-form-urlencoded, or unspecified
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[key] = _decode_value(key, value)
    # attach://<name> references point at other parts; expose them under the param name too.
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            part = value[len("attach://") :]
            if part in files:
                files.setdefault(key, files[part])
    return _normalise(params), files
