"""Hacker News items from the HNPWA API (``api.hnpwa.com/v0/item/<id>.json``, and the
files tools save from it): the story with ``title``, ``user``, ``time``, ``url``,
``content`` (Ask HN text, HTML) and ``comments_count``; ``comments`` nested, each with
``id``, ``level``, ``user``, ``time``, ``content`` (HTML), ``deleted``/``dead``.

Keys are HN item ids; the tree is the nesting (``level`` agrees with it); deleted comments
(``[deleted]``) stay as placeholders, dead ones keep their text (status ``dead``);
``comments_count`` above the comments present sets ``Thread.missing``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.source import Document

NAME = "hnpwa-json"
DESCRIBES = "a Hacker News item from the HNPWA API (nested comments with level)"
SYNTAX = "json"
SITE = "news.ycombinator.com"
_ITEM = "https://news.ycombinator.com/item?id="


def sniff(head: bytes) -> str | None:
    """``time_ago`` and ``comments`` with ``level`` or ``comments_count``."""
    if has_keys(head, "time_ago", "comments") and (has_keys(head, "level")
                                                  or has_keys(head, "comments_count")):
        return "JSON with HNPWA item fields (time_ago, comments, level)"
    return None


def _permalink(record: dict[str, Any]) -> str | None:
    ident = record.get("id")
    return f"{_ITEM}{ident}" if isinstance(ident, int | str) and ident != "" else None


def _finish(thread: Thread, context: Context) -> None:
    thread.site = SITE
    if thread.thread_id:
        thread.url = _ITEM + thread.thread_id


TABLE = Table(NAME, fields={"text": ("content",), "id": ("id",), "author": ("user",),
                            "time": ("time",), "children": "comments", "parent": None,
                            "score": ("points",)},
              options=Options(name=NAME, finish=_finish, permalink=_permalink),
              records="$.comments[]")


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one HNPWA item (see the module docs)."""
    return read_with(doc, TABLE)
