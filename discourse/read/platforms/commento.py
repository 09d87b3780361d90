"""Commento data exports (the owner's "export data" file, gzip-compressed JSON):
``{"version": 1, "comments": [comment, …], "commenters": [commenter, …]}`` — a comment
with ``commentHex``, ``domain``, ``url`` (the page's path), ``commenterHex``,
``markdown``, ``parentHex`` (``"root"`` for a comment on the page), ``score``, ``state``
(``approved``, ``unapproved``, ``flagged``), ``creationDate`` and, in later versions,
``deleted``; a commenter with ``commenterHex``, ``name``, ``email``, ``link``.  Commento++
and Comentario exports keep this shape.

One thread per page (``domain`` + ``url``), in the order pages first appear; keys are
``commentHex``; authors are the commenters' names (``anonymous`` commenters are
"Anonymous").  The thread's address is ``https://<domain><url>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.source import Document

NAME = "commento-json"
DESCRIBES = "a Commento data export (comments with commentHex, commenters)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``commentHex`` with ``parentHex`` or ``commenterHex``."""
    if has_keys(head, "commentHex") and (has_keys(head, "parentHex")
                                         or has_keys(head, "commenterHex")):
        return "JSON with Commento export fields (commentHex, parentHex)"
    return None


def _prepare(data: Any, doc: Document) -> Any:
    if not isinstance(data, dict):
        return data
    names: dict[str, str] = {}
    commenters = data.get("commenters")
    for c in commenters if isinstance(commenters, list) else ():
        if isinstance(c, dict) and isinstance(c.get("commenterHex"), str) \
                and isinstance(c.get("name"), str) and c["name"].strip():
            names[c["commenterHex"]] = c["name"].strip()
    comments = data.get("comments")
    for c in comments if isinstance(comments, list) else ():
        if isinstance(c, dict):
            hexid = c.get("commenterHex")
            c["_author"] = names.get(hexid) if isinstance(hexid, str) else None
            if c["_author"] is None and hexid == "anonymous":
                c["_author"] = "Anonymous"
            domain = c.get("domain") if isinstance(c.get("domain"), str) else ""
            path = c.get("url") if isinstance(c.get("url"), str) else c.get("path")
            c["_page"] = f"{domain}{path if isinstance(path, str) else ''}"
    return data


def _status(record: dict[str, Any]) -> str | None:
    if record.get("deleted") is True:
        return "deleted"
    state = record.get("state")
    if state == "unapproved":
        return "unapproved"
    if state == "flagged":
        return "hidden"
    return None


def _finish(thread: Thread, context: Context) -> None:
    first = context.records[0].obj if context.records else {}
    domain = first.get("domain")
    path = first.get("url") if isinstance(first.get("url"), str) else first.get("path")
    if isinstance(domain, str) and domain:
        thread.site = domain
        if isinstance(path, str):
            thread.url = f"https://{domain}{path}"
            thread.article = thread.article or thread.url
    if isinstance(path, str):
        thread.thread_id = path
        thread.title = thread.title or path


TABLE = Table(NAME, fields={"text": ("markdown",), "id": ("commentHex",),
                            "parent": ("parentHex",), "link": ("commentHex",),
                            "author": ("_author",), "time": ("creationDate",),
                            "score": ("score",), "thread_key": ("_page",),
                            "children": None},
              options=Options(name=NAME, status=_status, finish=_finish, plain_text=True,
                              sort_by_time=True),
              prepare=_prepare, records="$.comments[]")


def read(doc: Document) -> Iterator[Thread]:
    """The threads of one Commento export, one per page (see the module docs)."""
    return read_with(doc, TABLE)
