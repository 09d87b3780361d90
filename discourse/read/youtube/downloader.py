"""youtube-comment-downloader output: JSON lines (the default) or, with ``--pretty``, a
JSON object ``{"comments": [...]}``; one thread per file.

Each comment: ``cid`` (a reply's is ``<top-level cid>.<reply id>``: its parent),
``text``, ``author`` (the ``@handle``), ``channel`` (the author's channel id),
``votes`` (``"1.2K"``), ``replies``, ``heart``, ``reply``, ``time`` ("2 years ago") and
``time_parsed`` (Unix seconds the tool computed from it: approximate).  The output does
not name the video: the thread has no title or article (a warning says so).  A reply
opening with ``@name`` gets that person's latest earlier reply under the same comment as
``target_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.detect import has_keys
from discourse.read.source import Document
from discourse.read.structured import epoch_iso, json_line, load_json, unknown_json
from discourse.read.youtube import count, finish, parent_of

__all__ = ["read", "sniff"]

NAME = "youtube-comment-downloader"
DESCRIBES = "youtube-comment-downloader JSON lines (cid, text, votes)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``cid`` with ``votes`` or ``time_parsed`` or ``heart``."""
    if has_keys(head, "cid") and (has_keys(head, "votes") or has_keys(head, "time_parsed")
                                  or has_keys(head, "heart")):
        return "JSON lines with youtube-comment-downloader fields (cid, votes, heart)"
    return None


def _records(doc: Document) -> tuple[list[tuple[int, Any]], list[int]]:
    data = doc.read_bytes()
    try:
        value = load_json(doc, data)
    except InputError:
        value = None
        lines = [(n, line) for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]
        if len(lines) < 2:
            raise
    else:
        items = value.get("comments") if isinstance(value, dict) else value
        if isinstance(items, list):
            return list(enumerate(items, 1)), []
        if isinstance(value, dict) and "cid" in value:
            return [(1, value)], []
        raise unknown_json(doc, "no youtube-comment-downloader comments (cid)")
    out: list[tuple[int, Any]] = []
    bad: list[int] = []
    for n, line in lines:
        try:
            out.append((n, json_line(doc, n, line)))
        except InputError:
            bad.append(n)
    if not out:
        raise InputError(doc.source, f"line {bad[0]}: invalid JSON (no line of "
                                     f"youtube-comment-downloader comments parses)")
    return out, bad


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def read(doc: Document) -> Iterator[Thread]:
    """The one thread of the file (see the module docs)."""
    records, bad = _records(doc)
    thread = Thread(source=None, layout=None, title="", article="", format=NAME)
    posts: list[Post] = []
    odd = 0
    for n, rec in records:
        cid = _str(rec.get("cid")) if isinstance(rec, dict) else None
        if cid is None:
            odd += 1
            continue
        stamp = rec.get("time_parsed")
        posts.append(Post(key=cid, parent=parent_of(cid),
                          text=rec.get("text") if isinstance(rec.get("text"), str) else "",
                          author=_str(rec.get("author")),
                          timestamp=epoch_iso(stamp) if isinstance(stamp, int | float)
                          and not isinstance(stamp, bool) else None,
                          score=count(rec.get("votes")), platform_id=cid, line=n))
    if not posts:
        raise unknown_json(doc, "no youtube-comment-downloader comments (cid)")
    thread.comments = assemble(posts, thread.warnings)
    if bad:
        thread.warnings.append(f"{len(bad)} line(s) of invalid JSON skipped (line "
                               f"{', '.join(map(str, bad[:5]))}{', …' if len(bad) > 5 else ''})")
    if odd:
        thread.warnings.append(f"{odd} record(s) without a cid skipped")
    thread.warnings.append("the downloader's output does not name the video: title and "
                           "article unknown")
    finish(thread)
    if doc.explaining:
        doc.explain.append(f"youtube-comment-downloader: {len(posts)} comment(s)")
    yield thread
