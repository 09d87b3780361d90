"""discourse's own output read back: ``parse``/``classify --format json`` (an array of
threads) or ``jsonl`` (a thread per line).  Fields added in later versions default when
absent, so JSON written by older versions stays readable.

This is the one reader of discourse's JSON: :func:`discourse.write.read_output` uses it
for JSON and JSON Lines files too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.source import Document

if TYPE_CHECKING:
    import orjson

NAME = "discourse-json"
DESCRIBES = "discourse's own JSON output"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """Thread objects (``comments``, ``article`` and ``layout`` or ``noise``), or a
    document that is an empty JSON array (what ``parse --format json`` writes for no
    threads)."""
    if has_keys(head, "comments", "article") and (has_keys(head, "layout")
                                                  or has_keys(head, "noise")):
        return "discourse's own thread JSON (article, comments)"
    if re.fullmatch(rb"\[\s*\]\s*", head):
        return "an empty JSON array"
    return None


def _thread(record: object, doc: Document, where: str) -> Thread:
    if not isinstance(record, dict) or "comments" not in record or "article" not in record:
        raise InputError(doc.source, f"{where}: not a discourse thread object (needs "
                                     f"'article' and 'comments')")
    try:
        return Thread.from_dict(record)
    except (TypeError, ValueError, AttributeError) as exc:
        raise InputError(doc.source, f"{where}: malformed thread ({exc})") from None


def read(doc: Document) -> Iterator[Thread]:
    """Threads of a discourse JSON array or JSON Lines file."""
    import orjson

    data = doc.read_bytes()
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        try:
            records = orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            raise InputError(doc.source, json_error(exc, stripped)) from None
        for i, record in enumerate(records, start=1):
            yield _thread(record, doc, f"thread {i}")
        return
    for number, line in enumerate(stripped.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(doc.source, f"line {number}: invalid JSON ({exc.msg})") from None
        yield _thread(record, doc, f"line {number}")


def json_error(exc: orjson.JSONDecodeError, data: bytes | str) -> str:
    """'line L, column C: invalid JSON (reason)' for a decode error of ``data``."""
    return f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})"
