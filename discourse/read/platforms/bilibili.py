"""Bilibili reply API pages (``api.bilibili.com/x/v2/reply`` and ``…/reply/main``):
``data.replies`` holds the top-level comments of a video (``oid``, ``type`` 1) or other
item, each with ``rpid``, ``member.uname``, ``ctime`` (epoch seconds), ``like``,
``content.message`` (plain text, emotes as ``[name]``) and up to a few sub-replies in
``replies``; a sub-reply's ``parent`` names the comment it answers (the root comment or
another sub-reply, often with "回复 @name :"), ``root`` its root comment.

Keys are ``rpid``; the tree is ``parent`` (a parent not on the page: the nesting);
``data.page.acount`` (all comments) above the comments present sets ``Thread.missing``.
The site is the uploader's space (``bilibili.com/space/<mid>``) when ``data.upper`` names
it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.generic.values import as_id, as_int
from discourse.read.source import Document

NAME = "bilibili-json"
DESCRIBES = "a Bilibili reply API page (data.replies with rpid)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``rpid`` with ``oid`` and ``member``."""
    if has_keys(head, "rpid", "oid", "member"):
        return "JSON with Bilibili reply fields (rpid, oid, member)"
    return None


def _data(root: Any) -> dict[str, Any]:
    data = root.get("data") if isinstance(root, dict) else None
    return data if isinstance(data, dict) else {}


def _finish(thread: Thread, context: Context) -> None:
    data = _data(context.root)
    first = context.records[0].obj if context.records else {}
    oid = as_id(first.get("oid_str") or first.get("oid"))
    kind = as_int(first.get("type"))
    thread.thread_id = oid or thread.thread_id
    if oid and kind == 1:
        thread.url = f"https://www.bilibili.com/video/av{oid}"
        for c in thread.comments:
            if c.platform_id:
                c.permalink = f"{thread.url}#reply{c.platform_id}"
    upper = data.get("upper")
    mid = as_id(upper.get("mid")) if isinstance(upper, dict) else None
    thread.site = f"bilibili.com/space/{mid}" if mid else "bilibili.com"
    page = data.get("page") if isinstance(data.get("page"), dict) else data.get("cursor")
    total = None
    if isinstance(page, dict):
        total = as_int(page.get("acount")) or as_int(page.get("all_count")) \
            or as_int(page.get("count"))
    if total is not None and total > len(thread.comments):
        thread.missing = total - len(thread.comments)
        thread.warnings.append(f"{thread.missing} comments not in the file (the video "
                               f"counts {total}; a page holds the first ones)")


TABLE = Table(NAME, fields={"text": ("content", "message"), "id": ("rpid",),
                            "parent": ("parent",), "link": ("rpid",),
                            "author": ("member", "uname"), "time": ("ctime",),
                            "score": ("like",), "children": "replies", "thread_key": None},
              options=Options(name=NAME, finish=_finish, plain_text=True),
              records="$.data.replies[]")


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one Bilibili reply page (see the module docs)."""
    return read_with(doc, TABLE)
