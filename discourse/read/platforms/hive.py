"""Hive and Steem discussions: ``bridge.get_discussion`` (an object keyed by
``author/permlink``, the root post included), ``condenser_api.get_content_replies`` and
``get_discussion``-style lists, bare or in a JSON-RPC envelope (``result``).  A post or
comment has ``author``, ``permlink``, ``parent_author``, ``parent_permlink`` (empty for a
root post, whose ``parent_permlink`` is its category), ``body`` (Markdown), ``title``,
``created`` (UTC without a zone), ``depth``, ``children``, ``net_votes`` or
``stats.total_votes``, ``url``.

Keys are ``author/permlink``; the tree is ``parent_author/parent_permlink``.  The root post
(``depth`` 0, no parent author) is the article; without it, the post every top comment
answers is the article, known by its key only.  Bodies are Markdown, kept as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.source import Document

NAME = "hive-json"
DESCRIBES = "a Hive/Steem discussion (parent_author, parent_permlink)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``parent_permlink`` and ``permlink``."""
    if has_keys(head, "parent_permlink", "permlink"):
        return "JSON with Hive/Steem post fields (permlink, parent_permlink)"
    return None


def _prepare(data: Any, doc: Document) -> Any:
    if isinstance(data, dict) and "result" in data and ("jsonrpc" in data or "id" in data):
        data = data["result"]
    if isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()):
        posts = list(data.values())
    elif isinstance(data, list):
        posts = [p for p in data if isinstance(p, dict)]
    else:
        return data
    root = next((p for p in posts if not p.get("parent_author")), None)
    rest = [p for p in posts if p is not root]
    out: dict[str, Any] = {"comments": rest}
    if root is not None:
        out["post"] = root
        author, permlink = root.get("author"), root.get("permlink")
        if isinstance(author, str) and isinstance(permlink, str):
            out["id"] = f"{author}/{permlink}"
    return out


def _finish(thread: Thread, context: Context) -> None:
    root = context.root.get("post") if isinstance(context.root, dict) else None
    if isinstance(root, dict):
        author = root.get("author")
        thread.author = author if isinstance(author, str) else thread.author
        category = root.get("category")
        if isinstance(category, str) and category:
            thread.site = category
        body = root.get("body")
        if isinstance(body, str):
            thread.article = body.strip()


TABLE = Table(NAME, fields={"text": ("body",), "children": None, "thread_key": None},
              options=Options(name=NAME, naive_utc=True, plain_text=True, finish=_finish),
              prepare=_prepare, records="$.comments[]")


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one Hive/Steem discussion (see the module docs)."""
    return read_with(doc, TABLE)
