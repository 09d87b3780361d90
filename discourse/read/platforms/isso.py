"""Isso comment API responses (``GET /?uri=<page>``, as saved from an Isso server):
``{"id": null, "total_replies": N, "hidden_replies": N, "replies": [comment, …]}``, a
comment with ``id``, ``parent``, ``text`` (HTML rendered from Markdown), ``author`` (null
for anonymous), ``website``, ``created`` (epoch seconds, fractional), ``likes``,
``dislikes``, ``mode`` (1 published, 2 awaiting moderation, 4 deleted but kept because it
has replies) and its own ``replies``, ``total_replies`` and ``hidden_replies``.

Keys are comment ids; the tree is ``parent`` (the nesting where a parent is absent);
replies the server left out (``hidden_replies``, at every level) set ``Thread.missing``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.generic.values import as_int
from discourse.read.source import Document

NAME = "isso-json"
DESCRIBES = "an Isso comment API response (replies, total_replies, mode)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``total_replies`` with ``hidden_replies``, or ``replies`` with ``mode`` and
    ``hash``."""
    if has_keys(head, "total_replies", "hidden_replies") or has_keys(
            head, "replies", "mode", "hash", "created"):
        return "JSON with Isso comment fields (replies, total_replies, mode)"
    return None


def _status(record: dict[str, Any]) -> str | None:
    mode = as_int(record.get("mode"))
    return {2: "unapproved", 4: "deleted"}.get(mode) if mode is not None else None


def _hidden(obj: Any) -> int:
    total = 0
    stack = [obj]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        total += max(0, as_int(node.get("hidden_replies")) or 0)
        replies = node.get("replies")
        if isinstance(replies, list):
            stack.extend(replies)
    return total


def _finish(thread: Thread, context: Context) -> None:
    hidden = _hidden(context.root)
    if hidden:
        thread.missing = hidden
        thread.warnings.append(f"{hidden} comment(s) not in the file (the server left "
                               f"them out: hidden_replies)")


TABLE = Table(NAME, fields={"text": ("text",), "id": ("id",), "parent": ("parent",),
                            "link": ("id",), "author": ("author",), "time": ("created",),
                            "score": ("likes",), "children": "replies",
                            "thread_key": None},
              options=Options(name=NAME, status=_status, finish=_finish),
              records="$.replies[]")


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one Isso API response (see the module docs)."""
    return read_with(doc, TABLE)
