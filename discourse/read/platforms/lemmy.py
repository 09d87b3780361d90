"""Lemmy API responses: ``GET /api/v3/comment/list`` (``{"comments": [comment view, …]}``)
and a post with its comments (``{"post_view": {…}, "comments": […]}``, as tools save a
thread).  A comment view holds ``comment`` (``id``, ``content`` in Markdown,
``published``, ``path`` — the materialised path ``0.<ancestor ids>.<own id>`` —,
``ap_id``, ``deleted``, ``removed``, ``distinguished``), ``creator`` (``name``),
``counts`` (``score``), ``post`` and ``community``; a post view ``post`` (``name``: the
title, ``body``, ``url``, ``ap_id``), ``creator`` and ``community``.

Keys are comment ids; the tree is the path; the article is the post's body (else its
link); the site is the community (``<instance>/c/<name>``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.generic.values import as_id, stamp
from discourse.read.source import Document

NAME = "lemmy-json"
DESCRIBES = "a Lemmy comment list or post view (comment.path)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """Comment views (``comment`` with ``path`` and ``ap_id``, ``creator``) or a
    ``post_view``."""
    if has_keys(head, "post_view") or has_keys(head, "path", "ap_id", "creator_id") \
            and has_keys(head, "creator"):
        return "JSON with Lemmy comment views (comment.path, ap_id, creator)"
    return None


def _status(record: dict[str, Any]) -> str | None:
    comment = record.get("comment")
    if isinstance(comment, dict):
        if comment.get("removed") is True:
            return "removed"
        if comment.get("deleted") is True:
            return "deleted"
    return None


def _site(community: Any) -> str | None:
    if not isinstance(community, dict):
        return None
    name = community.get("name")
    actor = community.get("actor_id")
    host = None
    if isinstance(actor, str):
        try:
            host = urlsplit(actor).hostname
        except ValueError:
            host = None
    if isinstance(name, str) and name:
        return f"{host}/c/{name}" if host else f"c/{name}"
    return host


def _finish(thread: Thread, context: Context) -> None:
    root = context.root if isinstance(context.root, dict) else {}
    view = root.get("post_view") if isinstance(root.get("post_view"), dict) else None
    first = context.records[0].obj if context.records else {}
    post = (view or {}).get("post") or first.get("post")
    community = (view or {}).get("community") or first.get("community")
    if isinstance(post, dict):
        title = post.get("name")
        if isinstance(title, str) and title.strip():
            thread.title = title.strip()
        body = post.get("body")
        link = post.get("url")
        page = post.get("ap_id")
        thread.article = body.strip() if isinstance(body, str) and body.strip() else (
            link if isinstance(link, str) else thread.article)
        if isinstance(page, str) and page.startswith(("http://", "https://")):
            thread.url = page
        thread.thread_id = as_id(post.get("id")) or thread.thread_id
        thread.published = stamp(post.get("published"), naive_utc=True) or thread.published
    creator = (view or {}).get("creator")
    if isinstance(creator, dict) and isinstance(creator.get("name"), str):
        thread.author = creator["name"]
    thread.site = _site(community) or thread.site
    by_id = {c.platform_id: c for c in thread.comments}
    for r in context.records:
        comment = r.obj.get("comment")
        if isinstance(comment, dict) and comment.get("distinguished") is True:
            target = by_id.get(r.platform_id)
            if target is not None and target.role is None:
                target.role = "moderator"


TABLE = Table(NAME, fields={"text": ("comment", "content"), "id": ("comment", "id"),
                            "path": ("comment", "path"), "parent": None, "children": None,
                            "author": ("creator", "name"), "time": ("comment", "published"),
                            "score": ("counts", "score"),
                            "thread_key": ("comment", "post_id")},
              options=Options(name=NAME, naive_utc=True, status=_status, finish=_finish,
                              plain_text=True),
              records="$.comments[]")


def read(doc: Document) -> Iterator[Thread]:
    """The threads of one Lemmy response (see the module docs)."""
    return read_with(doc, TABLE)
