"""What an uploaded file is, judged from its bytes: a browser's content type and the file name are not trusted."""

from __future__ import annotations

import filetype

# filetype reads magic numbers but does not name the old Word .doc: an OLE2 compound file holding a WordDocument stream.
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def sniff(content: bytes) -> str:
    """The MIME type the content really has, or "" when unknown."""
    if content.startswith(_OLE2) and _WORD_STREAM in content:
        return "application/msword"
    return filetype.guess_mime(content) or ""
