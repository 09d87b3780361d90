"""Mastodon (and other ActivityPub servers with its API) status threads:
``GET /api/v1/statuses/<id>/context`` — ``{"ancestors": [status, …], "descendants":
[status, …]}``, the statuses above and below the one asked for, which is not itself in
the response — optionally saved with that status (``{"status": {…}, "ancestors": …}``)
or as a plain list of statuses.  A status has ``id``, ``in_reply_to_id``, ``content``
(HTML), ``created_at``, ``url``, ``favourites_count`` and ``account`` (``acct``,
``username``).

Keys are status ids; the tree is ``in_reply_to_id``.  The thread's first status (the one
answering nothing) is the article; when it is not in the file (the context of a thread's
first status has no ancestors), the status every top reply answers is the article, known
by its id only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.generic.values import as_id
from discourse.read.source import Document

NAME = "mastodon-json"
DESCRIBES = "a Mastodon status context (ancestors, descendants) or list of statuses"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``ancestors`` and ``descendants``, or statuses (``in_reply_to_id`` with
    ``account`` and ``content``)."""
    if has_keys(head, "ancestors", "descendants") or has_keys(
            head, "in_reply_to_id", "account", "content"):
        return "JSON with Mastodon status fields (ancestors/descendants, in_reply_to_id)"
    return None


def _prepare(data: Any, doc: Document) -> Any:
    """One list of statuses, the thread's first status (if present) beside it."""
    statuses: list[Any] = []
    if isinstance(data, dict):
        for key in ("ancestors", "status", "descendants"):
            value = data.get(key)
            if isinstance(value, list):
                statuses.extend(value)
            elif isinstance(value, dict):
                statuses.append(value)
        context = data.get("context")
        if isinstance(context, dict) and not statuses:
            return _prepare(context, doc)
    elif isinstance(data, list):
        statuses = list(data)
    statuses = [s for s in statuses if isinstance(s, dict)]
    first = next((s for s in statuses if s.get("in_reply_to_id") is None), None)
    rest = [s for s in statuses if s is not first]
    out: dict[str, Any] = {"statuses": rest}
    if first is not None:
        out["post"] = first
        out["id"] = first.get("id")
    return out


def _finish(thread: Thread, context: Context) -> None:
    root = context.root if isinstance(context.root, dict) else {}
    post = root.get("post")
    if isinstance(post, dict):
        account = post.get("account")
        if isinstance(account, dict):
            thread.author = account.get("acct") or account.get("username") or thread.author
        url = post.get("url")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            thread.url = url
            from discourse.read.structured import domain

            thread.site = domain(url)
        thread.thread_id = as_id(post.get("id"))
    elif context.records:
        answered = {as_id(r.obj.get("in_reply_to_id")) for r in context.records}
        known = {r.key for r in context.records}
        outside = [a for a in answered if a is not None and a not in known]
        if len(outside) == 1:
            thread.thread_id = outside[0]
        first = context.records[0].obj.get("url")
        if isinstance(first, str):
            from discourse.read.structured import domain

            thread.site = domain(first)


TABLE = Table(NAME, fields={"text": ("content",), "id": ("id",),
                            "parent": ("in_reply_to_id",), "link": ("id",),
                            "author": ("account", "acct"), "time": ("created_at",),
                            "score": ("favourites_count",), "permalink": ("url",),
                            "children": None, "thread_key": None},
              options=Options(name=NAME, finish=_finish), prepare=_prepare,
              records="$.statuses[]")


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one Mastodon status context (see the module docs)."""
    return read_with(doc, TABLE)
