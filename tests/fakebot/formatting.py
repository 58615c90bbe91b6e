"""Text formatting the way the Bot API applies it to outgoing messages.

``parse(text, parse_mode)`` turns the text a bot sent (with HTML, MarkdownV2 or legacy
Markdown markup) into the plain text Telegram stores plus a list of MessageEntity dicts,
with offsets and lengths in UTF-16 code units like Telegram.  Malformed markup raises
``ParseError`` whose message mirrors Telegram's ``Bad Request: can't parse entities: ...``
wording, so bugs that real Telegram would reject surface in tests too.

``detect_entities(text)`` finds the entities Telegram adds on its own to messages users
send (bot commands, @mentions, URLs, hashtags, e-mails).
"""

from __future__ import annotations

import html
import re

__all__ = ["ParseError", "parse", "detect_entities", "utf16_len"]


class ParseError(ValueError):
    """Markup Telegram would refuse; str(exc) is the text after 'can't parse entities: '."""


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class _Out:
    """Accumulates plain text and tracks its length in UTF-16 units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0  # utf-16 units

    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.pos += utf16_len(s)

    def text(self) -> str:
        return "".join(self.parts)


def _finish(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Trim surrounding whitespace like Telegram does, clip entities, sort them."""
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip()
    total = utf16_len(result)
    out = []
    for ent in entities:
        start = max(ent["offset"] - shift, 0)
        end = min(ent["offset"] + ent["length"] - shift, total)
        if end > start:
            e = dict(ent)
            e["offset"] = start
            e["length"] = end - start
            out.append(e)
    out.sort(key=lambda e: (e["offset"], -e["length"]))
    return result, out


# --------------------------------------------------------------------------- HTML

_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_TAGS = set(_HTML_SIMPLE) | {"a", "span", "tg-emoji", "blockquote"}
_ATTR_RE = re.compile(r"""\s*([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def _parse_html(text: str) -> tuple[str, list[dict]]:
    out = _Out()
    entities: list[dict] = []
    stack: list[tuple[str, int, dict, int]] = []  # (tag, start utf16, attrs, byte offset)
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            close = text.find(">", i)
            if close < 0:
                raise ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            inner = text[i + 1 : close]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
                tag, start, attrs, _ = stack.pop()
                if name != tag:
                    raise ParseError(
                        f'Unmatched end tag at byte offset {_byte_offset(text, i)}, expected "</{tag}>", '
                        f'found "</{name}>"'
                    )
                length = out.pos - start
                if length > 0:
                    entities.append(_html_entity(tag, attrs, start, length, stack))
                i = close + 1
                continue
            m = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", inner)
            name = m.group(0).lower() if m else ""
            if name not in _HTML_TAGS:
                raise ParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}')
            attrs: dict[str, str] = {}
            rest = inner[len(name) :].rstrip("/")
            for am in _ATTR_RE.finditer(rest):
                if not am.group(0).strip():
                    continue
                value = am.group(2) or ""
                if value[:1] in "\"'":
                    value = value[1:-1]
                attrs[am.group(1).lower()] = html.unescape(value)
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise ParseError('Tag "span" must have class "tg-spoiler"')
            if name == "a" and "href" not in attrs:
                # Telegram keeps the text but creates no entity; model that as a plain span.
                attrs["href"] = ""
            stack.append((name, out.pos, attrs, _byte_offset(text, i)))
            i = close + 1
            continue
        if ch == "&":
            semi = text.find(";", i, i + 12)
            if semi > 0:
                ref = text[i : semi + 1]
                decoded = html.unescape(ref)
                if decoded != ref:
                    out.add(decoded)
                    i = semi + 1
                    continue
            out.add("&")
            i += 1
            continue
        j = i
        while j < n and text[j] not in "<&":
            j += 1
        out.add(text[i:j])
        i = j
    if stack:
        tag = stack[-1][0]
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    return _finish(out.text(), [e for e in entities if e is not None])


def _html_entity(tag: str, attrs: dict, start: int, length: int, stack: list) -> dict | None:
    ent: dict = {"offset": start, "length": length}
    if tag in _HTML_SIMPLE:
        ent["type"] = _HTML_SIMPLE[tag]
        if tag == "code" and stack and stack[-1][0] == "pre":
            lang = attrs.get("class", "")
            if lang.startswith("language-"):
                # <pre><code class="language-x"> becomes one pre entity with a language
                stack_attrs = stack[-1][2]
                stack_attrs["language"] = lang[len("language-") :]
            return None
        if tag == "pre" and attrs.get("language"):
            ent["language"] = attrs["language"]
    elif tag == "span":
        ent["type"] = "spoiler"
    elif tag == "a":
        href = attrs.get("href", "")
        if not href:
            return None
        m = re.match(r"tg://user\?id=(\d+)$", href)
        if m:
            ent["type"] = "text_mention"
            ent["user"] = {"id": int(m.group(1)), "is_bot": False, "first_name": ""}
        else:
            ent["type"] = "text_link"
            ent["url"] = href
    elif tag == "tg-emoji":
        ent["type"] = "custom_emoji"
        ent["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif tag == "blockquote":
        ent["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
    else:  # pragma: no cover - guarded by _HTML_TAGS
        return None
    return ent


# ------------------------------------------------------------------------ MarkdownV2

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
}
_MDV2_TYPES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


def _parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    out = _Out()
    entities: list[dict] = []
    stack: list[tuple[str, int, int]] = []  # (marker, start utf16, source index)
    quote_start: int | None = None
    quote_expandable = False
    i = 0
    n = len(text)

    def reserved_error(idx: int) -> ParseError:
        return ParseError(
            f"Character '{text[idx]}' is reserved and must be escaped with the preceding '\\'"
        )

    while i < n:
        ch = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start:
            if text.startswith("**>", i) and quote_start is None:
                quote_start, quote_expandable = out.pos, True
                i += 3
                continue
            if ch == ">":
                if quote_start is None:
                    quote_start, quote_expandable = out.pos, False
                i += 1
                continue
            if quote_start is not None:
                # previous line ended the quote
                _close_quote(entities, quote_start, out.pos, quote_expandable)
                quote_start = None
        if ch == "\\":
            if i + 1 < n and 0 < ord(text[i + 1]) < 127:
                out.add(text[i + 1])
                i += 2
                continue
            raise reserved_error(i)
        if ch == "\n" and quote_start is not None:
            nxt = text[i + 1 : i + 2]
            if nxt != ">" and not text.startswith("**>", i + 1):
                # the newline belongs after the quote
                _close_quote(entities, quote_start, out.pos, quote_expandable)
                quote_start = None
            out.add("\n")
            i += 1
            continue
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            while end > 0 and text[end - 1] == "\\" and not _escaped_backslash(text, end - 1):
                end = text.find("```", end + 1)
            if end < 0:
                raise ParseError(f"Can't find end of Pre entity at byte offset {_byte_offset(text, i)}")
            body = text[i + 3 : end]
            language = ""
            nl = body.find("\n")
            if nl >= 0 and re.fullmatch(r"[\w+#.-]*", body[:nl]):
                language, body = body[:nl], body[nl + 1 :]
            body = re.sub(r"\\([`\\])", r"\1", body)
            start = out.pos
            out.add(body)
            if out.pos > start:
                ent = {"type": "pre", "offset": start, "length": out.pos - start}
                if language:
                    ent["language"] = language
                entities.append(ent)
            i = end + 3
            continue
        if ch == "`":
            j = i + 1
            buf = []
            while j < n and text[j] != "`":
                if text[j] == "\\" and j + 1 < n and text[j + 1] in "`\\":
                    buf.append(text[j + 1])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            if j >= n:
                raise ParseError(f"Can't find end of Code entity at byte offset {_byte_offset(text, i)}")
            start = out.pos
            out.add("".join(buf))
            if out.pos > start:
                entities.append({"type": "code", "offset": start, "length": out.pos - start})
            i = j + 1
            continue
        if ch == "!" and text.startswith("![", i):
            stack.append(("![", out.pos, i))
            i += 2
            continue
        if ch == "[":
            stack.append(("[", out.pos, i))
            i += 1
            continue
        if ch == "]":
            if not stack or stack[-1][0] not in ("[", "!["):
                raise reserved_error(i)
            marker, start, _src = stack.pop()
            if not text.startswith("(", i + 1):
                # "[text]" without url: Telegram keeps text, no entity
                i += 1
                continue
            j = i + 2
            url = []
            while j < n and text[j] != ")":
                if text[j] == "\\" and j + 1 < n and text[j + 1] in ")\\":
                    url.append(text[j + 1])
                    j += 2
                    continue
                url.append(text[j])
                j += 1
            if j >= n:
                raise ParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, i + 1)}")
            href = "".join(url)
            length = out.pos - start
            if length > 0:
                if marker == "![":
                    m = re.match(r"tg://emoji\?id=(\d+)", href)
                    entities.append(
                        {
                            "type": "custom_emoji",
                            "offset": start,
                            "length": length,
                            "custom_emoji_id": m.group(1) if m else href,
                        }
                    )
                else:
                    m = re.match(r"tg://user\?id=(\d+)$", href)
                    if m:
                        entities.append(
                            {
                                "type": "text_mention",
                                "offset": start,
                                "length": length,
                                "user": {"id": int(m.group(1)), "is_bot": False, "first_name": ""},
                            }
                        )
                    else:
                        entities.append({"type": "text_link", "offset": start, "length": length, "url": href})
            i = j + 1
            continue
        marker = None
        if text.startswith("__", i):
            marker = "__"
        elif text.startswith("||", i):
            marker = "||"
        elif ch in "*_~":
            marker = ch
        if marker is not None:
            # close the innermost matching marker, or open a new one
            if any(m == marker for m, _, _ in stack):
                if stack[-1][0] != marker:
                    # crossing entities, Telegram requires proper nesting
                    raise ParseError(
                        f"Can't find end of {_MDV2_NAMES.get(stack[-1][0], 'the')} entity at byte offset "
                        f"{_byte_offset(text, stack[-1][2])}"
                    )
                _, start, _src = stack.pop()
                if out.pos > start:
                    entities.append({"type": _MDV2_TYPES[marker], "offset": start, "length": out.pos - start})
            else:
                stack.append((marker, out.pos, i))
            i += len(marker)
            continue
        if ch in _MDV2_RESERVED:
            raise reserved_error(i)
        j = i + 1
        while j < n and text[j] not in _MDV2_RESERVED and text[j] not in "\\\n":
            j += 1
        out.add(text[i:j])
        i = j
    if stack:
        marker, _start, src = stack[-1]
        raise ParseError(
            f"Can't find end of {_MDV2_NAMES.get(marker, 'the')} entity at byte offset {_byte_offset(text, src)}"
        )
    if quote_start is not None:
        _close_quote(entities, quote_start, out.pos, quote_expandable)
    return _finish(out.text(), entities)


def _escaped_backslash(text: str, idx: int) -> bool:
    count = 0
    while idx >= 0 and text[idx] == "\\":
        count += 1
        idx -= 1
    return count % 2 == 0


def _close_quote(entities: list[dict], start: int, end: int, expandable: bool) -> None:
    if end > start:
        entities.append(
            {
                "type": "expandable_blockquote" if expandable else "blockquote",
                "offset": start,
                "length": end - start,
            }
        )


# -------------------------------------------------------------------- legacy Markdown


def _parse_markdown(text: str) -> tuple[str, list[dict]]:
    out = _Out()
    entities: list[dict] = []
    i = 0
    n = len(text)
    kinds = {"*": "bold", "_": "italic"}
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if ch in kinds:
            end = text.find(ch, i + 1)
            if end < 0:
                raise ParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = out.pos
            out.add(text[i + 1 : end])
            if out.pos > start:
                entities.append({"type": kinds[ch], "offset": start, "length": out.pos - start})
            i = end + 1
            continue
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            if end < 0:
                raise ParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + 3 : end]
            language = ""
            nl = body.find("\n")
            if nl >= 0 and re.fullmatch(r"[\w+#.-]*", body[:nl]):
                language, body = body[:nl], body[nl + 1 :]
            start = out.pos
            out.add(body)
            if out.pos > start:
                ent = {"type": "pre", "offset": start, "length": out.pos - start}
                if language:
                    ent["language"] = language
                entities.append(ent)
            i = end + 3
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise ParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = out.pos
            out.add(text[i + 1 : end])
            if out.pos > start:
                entities.append({"type": "code", "offset": start, "length": out.pos - start})
            i = end + 1
            continue
        if ch == "[":
            m = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(text, i)
            if not m:
                raise ParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = out.pos
            out.add(m.group(1))
            if out.pos > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": out.pos - start, "url": m.group(2)}
                )
            i = m.end()
            continue
        j = i + 1
        while j < n and text[j] not in "\\*_`[":
            j += 1
        out.add(text[i:j])
        i = j
    return _finish(out.text(), entities)


def parse(text: str, parse_mode: str | None, entities: list[dict] | None = None) -> tuple[str, list[dict]]:
    """Return (plain_text, entities) for a text as Telegram would store it."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    if mode:
        raise ParseError(f"Unsupported parse_mode: {parse_mode}")  # Telegram: "unsupported parse_mode"
    return _finish(text, list(entities or []))


# ------------------------------------------------------------------ automatic entities

_AUTO_RE = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)"
    r"|(?P<email>\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{5,32})"
    r"|(?P<hashtag>(?<![\w#])#\w+)"
    r"|(?P<url>\b(?:https?://|www\.)[^\s]+)"
)


def detect_entities(text: str) -> list[dict]:
    """Entities Telegram detects by itself in a user's message text."""
    result = []
    for m in _AUTO_RE.finditer(text):
        kind = m.lastgroup
        result.append(
            {
                "type": kind,
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group(0)),
            }
        )
    return result
