"""Bluesky threads: ``app.bsky.feed.getPostThread`` responses — ``{"thread":
threadViewPost}``, where a thread view post holds ``post`` (a post view: ``uri``,
``author`` with ``handle``, ``record`` with ``text``, ``createdAt`` and ``reply.parent``/
``reply.root``, ``likeCount``), ``parent`` (the thread view of the post it answers, up to
the thread's root) and ``replies`` (thread views, nested); a post that is gone or hidden is
a ``notFoundPost``/``blockedPost`` holding only its ``uri``.

The views are flattened to posts: the root of the thread (the top of the ``parent``
chain: the post answering nothing) is the article, every other post a comment whose
parent is the post its ``record.reply.parent`` names (else the view holding it).  Keys are
post ``uri`` values; gone posts stay as placeholders (``deleted``, or ``removed`` for
blocked ones).  Permalinks are ``https://bsky.app/profile/<handle>/post/<rkey>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.source import Document

NAME = "bluesky-json"
DESCRIBES = "a Bluesky thread (app.bsky.feed.getPostThread)"
SYNTAX = "json"
_VIEW = "app.bsky.feed.defs#threadViewPost"


def sniff(head: bytes) -> str | None:
    """A ``threadViewPost``, or ``thread`` with ``post`` and ``record`` and at:// uris."""
    if _VIEW.encode() in head or has_keys(head, "thread", "post", "record") \
            and b'"at://' in head:
        return "JSON with a Bluesky thread view (threadViewPost, at:// uris)"
    return None


def _post(view: dict[str, Any], parent: str | None) -> dict[str, Any] | None:
    """The flat record of one thread view."""
    kind = str(view.get("$type", ""))
    post = view.get("post")
    uri = view.get("uri")
    if isinstance(post, dict):
        record = dict(post)
        record_parent = _reply_parent(post)
        record["_parent"] = record_parent or parent
        return record
    if isinstance(uri, str):  # notFoundPost / blockedPost: a placeholder
        gone = "removed" if "blocked" in kind.lower() or view.get("blocked") else "deleted"
        return {"uri": uri, "_parent": parent, "_gone": gone, "record": {"text": ""}}
    return None


def _reply_parent(post: dict[str, Any]) -> str | None:
    record = post.get("record")
    reply = record.get("reply") if isinstance(record, dict) else None
    parent = reply.get("parent") if isinstance(reply, dict) else None
    uri = parent.get("uri") if isinstance(parent, dict) else None
    return uri if isinstance(uri, str) else None


def _prepare(data: Any, doc: Document) -> Any:
    thread = data.get("thread") if isinstance(data, dict) else None
    if not isinstance(thread, dict):
        return data
    # the parent chain, top first
    chain: list[dict[str, Any]] = []
    node: Any = thread.get("parent")
    while isinstance(node, dict) and len(chain) < 10_000:
        chain.append(node)
        node = node.get("parent")
    chain.reverse()
    posts: list[dict[str, Any]] = []
    above: str | None = None
    for view in chain:
        record = _post(view, above)
        if record is not None:
            posts.append(record)
            above = record.get("uri") if isinstance(record.get("uri"), str) else above
    # the focal post and its replies, depth first
    stack: list[tuple[dict[str, Any], str | None]] = [(thread, above)]
    while stack:
        view, parent = stack.pop()
        record = _post(view, parent)
        if record is None:
            continue
        posts.append(record)
        replies = view.get("replies")
        if isinstance(replies, list):
            for reply in reversed(replies):
                if isinstance(reply, dict):
                    stack.append((reply, record.get("uri")))
    root = posts[0] if posts and posts[0].get("_parent") is None else None
    out: dict[str, Any] = {"posts": posts[1:] if root is not None else posts}
    if root is not None:
        out["root"] = root
        out["uri"] = root.get("uri")
    return out


def _status(record: dict[str, Any]) -> str | None:
    gone = record.get("_gone")
    return gone if isinstance(gone, str) else None


def _rkey(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _permalink(record: dict[str, Any]) -> str | None:
    author = record.get("author")
    uri = record.get("uri")
    handle = author.get("handle") if isinstance(author, dict) else None
    if isinstance(handle, str) and isinstance(uri, str) and uri.startswith("at://"):
        return f"https://bsky.app/profile/{handle}/post/{_rkey(uri)}"
    return None


def _finish(thread: Thread, context: Context) -> None:
    from discourse.read.generic.values import stamp

    thread.site = "bsky.app"
    root = context.root.get("root") if isinstance(context.root, dict) else None
    if isinstance(root, dict):
        record = root.get("record") if isinstance(root.get("record"), dict) else {}
        text = record.get("text")
        thread.article = text.strip() if isinstance(text, str) else ""
        author = root.get("author") if isinstance(root.get("author"), dict) else {}
        handle = author.get("handle")
        thread.author = handle if isinstance(handle, str) else None
        thread.published = stamp(record.get("createdAt"))
        thread.thread_id = root.get("uri") if isinstance(root.get("uri"), str) else None
        thread.url = _permalink(root)
    elif context.records:
        thread.warnings.append("the thread's root post is not in the file (the parent "
                               "chain stops short); article unknown")


TABLE = Table(NAME, fields={"text": ("record", "text"), "id": ("uri",),
                            "parent": ("_parent",), "link": ("uri",),
                            "author": ("author", "handle"), "time": ("record", "createdAt"),
                            "score": ("likeCount",), "children": None, "thread_key": None},
              options=Options(name=NAME, status=_status, permalink=_permalink,
                              finish=_finish, plain_text=True),
              prepare=_prepare, records="$.posts[]")


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one Bluesky getPostThread response (see the module docs)."""
    return read_with(doc, TABLE)
