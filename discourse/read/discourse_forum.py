"""Discourse forum topics as the forum's JSON API gives them: ``/t/<id>.json`` (also
``/t/<slug>/<id>.json`` and ``/t/<id>/posts.json``).

The topic object holds ``post_stream.posts``, each post with ``id``, ``username``,
``created_at``, ``cooked`` (the post rendered as HTML), ``post_number`` and
``reply_to_post_number``.  The first post (``post_number`` 1) is the article; every later
post answers the post whose ``post_number`` is its ``reply_to_post_number``, else (none,
or 1) the article.  Siblings are in ``post_number`` order.  The API sends the first posts
of a long topic only: ``posts_count`` larger than the posts present sets
``Thread.missing`` (with a warning), and a reply to a post that is not in the file
becomes top-level with a warning (from :func:`~discourse.read.assemble.assemble`).

Fields: ``title`` (else ``fancy_title``) is the title, the topic ``id`` is ``thread_id``,
the first post's ``created_at`` (else the topic's) ``published``.  Per post: ``username``
→ author, ``id`` → ``platform_id``, ``created_at`` → timestamp (UTC), likes
(``actions_summary`` entry 2, else ``like_count``) → score.  ``cooked`` becomes text
through :func:`~discourse.read.htmltext.html_to_text`, so quotations stay as ``> `` lines;
a quote's header ("alice:") and image captions are left out.  The topic JSON names no host:
when the file carries the topic's address (a ``url`` field, as archiving tools add), it
gives ``Thread.url`` (``https://<host>/t/<slug>/<id>``), ``site`` (the host) and each
post's permalink (``…/<post_number>``).

Deleted posts (``deleted_at`` set, or ``user_deleted``) stay as placeholders (``status =
"deleted"``, no text); hidden (flagged) posts keep their text with ``status =
"hidden"``.  Small-action posts (``post_type`` 3: "closed this topic", "pinned it") are
events of the topic, not comments: left out and counted in a warning.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from discourse.model import Thread
from discourse.read.assemble import Post, assemble, note_statuses
from discourse.read.detect import has_keys
from discourse.read.htmltext import html_to_text
from discourse.read.source import Document
from discourse.read.structured import iso_utc, load_json, unknown_json
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read"]

NAME = "discourse-forum-json"
DESCRIBES = "a Discourse forum topic (/t/<id>.json)"
SYNTAX = "json"
#: ``post_type`` of a small action (a topic event shown between posts).
SMALL_ACTION = 3


def sniff(head: bytes) -> str | None:
    """A topic's ``post_stream`` of posts with ``post_number`` or ``cooked``."""
    if has_keys(head, "post_stream") and (has_keys(head, "post_number")
                                          or has_keys(head, "cooked")):
        return "JSON with a Discourse topic's post_stream (posts with post_number, cooked)"
    return None


def _furniture(el: Any) -> bool:
    """Parts of ``cooked`` that are not what the poster wrote: a quote's header (avatar
    and "alice:") and an image's file name and size."""
    names = (el.get("class") or "").split()
    if not names:
        return False
    parent = el.getparent()
    above = (parent.get("class") or "").split() if parent is not None else []
    return ("title" in names and "quote" in above) or ("meta" in names and "lightbox" in above)


def _text(cooked: object) -> str:
    return html_to_text(cooked, skip=_furniture)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _likes(post: dict[str, Any]) -> int | None:
    actions = post.get("actions_summary")
    for action in actions if isinstance(actions, list) else ():
        if isinstance(action, dict) and action.get("id") == 2:
            return _int(action.get("count"))
    return _int(post.get("like_count"))


def _topic_address(topic: dict[str, Any], topic_id: str | None) -> tuple[str | None, str | None]:
    """``(site, topic URL)`` from the topic's ``url`` field, when it is absolute."""
    url = topic.get("url")
    if not isinstance(url, str):
        return None, None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None, None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None, None
    host = parts.hostname
    base = f"{parts.scheme}://{parts.netloc}"
    slug = topic.get("slug")
    if topic_id is None:
        return host, url.strip()
    path = f"/t/{slug}/{topic_id}" if isinstance(slug, str) and slug else f"/t/{topic_id}"
    return host, base + path


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one Discourse topic JSON document (see the module docs).  Raises
    :class:`InputError` for malformed JSON (line, column) or another shape."""
    topic = load_json(doc)
    stream = topic.get("post_stream") if isinstance(topic, dict) else None
    posts = stream.get("posts") if isinstance(stream, dict) else None
    if not isinstance(posts, list):
        raise unknown_json(doc, "no post_stream.posts list")
    present = [p for p in posts if isinstance(p, dict)]
    events = [p for p in present if p.get("post_type") == SMALL_ACTION]
    posts = [p for p in present if p.get("post_type") != SMALL_ACTION]
    raw_id = topic.get("id")
    if raw_id is None and posts:
        raw_id = posts[0].get("topic_id")
    topic_id = _id(raw_id)
    site, url = _topic_address(topic, topic_id)
    title = topic.get("title")
    if not isinstance(title, str):
        fancy = topic.get("fancy_title")
        title = html.unescape(fancy) if isinstance(fancy, str) else ""
    first = next((p for p in posts if p.get("post_number") == 1), None)
    thread = Thread(source=None, layout=None, title=title.strip(),
                    article=_text(first.get("cooked")) if first is not None else "",
                    site=site, url=url, format=NAME, thread_id=topic_id,
                    published=iso_utc(_string(first.get("created_at") if first else None))
                    or iso_utc(_string(topic.get("created_at"))))
    if first is None:
        thread.warnings.append("the topic's first post is not in the file; article unknown")
    out: list[Post] = []
    for i, p in enumerate(posts):
        if p is first:
            continue
        number = _int(p.get("post_number"))
        key = str(number) if number is not None else f"#{i}"
        target = _int(p.get("reply_to_post_number"))
        status = "deleted" if p.get("deleted_at") or p.get("user_deleted") is True else (
            "hidden" if p.get("hidden") is True else None)
        author = p.get("username")
        out.append(Post(
            key=key, parent=str(target) if target is not None and target != 1 else None,
            text="" if status == "deleted" else _text(p.get("cooked")),
            author=author if isinstance(author, str) and author else None,
            timestamp=iso_utc(_string(p.get("created_at"))), score=_likes(p),
            permalink=f"{url}/{number}" if url and number is not None else None,
            status=status, platform_id=_id(p.get("id")), order=number))
    thread.comments = assemble(out, thread.warnings, sort_siblings=True)
    note_statuses(thread, {
        "deleted": "{n} deleted post(s) kept as placeholders (status 'deleted')",
        "hidden": "{n} hidden (flagged) post(s) kept with their text (status 'hidden')"})
    count = _int(topic.get("posts_count"))
    if count is not None and count > len(present):
        thread.missing = count - len(present)
        thread.warnings.append(f"{thread.missing} posts not in the file (the topic counts "
                               f"{count}; the API sends the first ones)")
    if events:
        thread.warnings.append(f"{len(events)} topic event(s) (closed, pinned, …) left out")
    attach_quotes_and_targets(thread)
    if doc.explaining:
        doc.explain.append(f"discourse-forum: {len(posts)} posts, {len(thread.comments)} "
                           f"replies, {len(events)} topic event(s)")
    yield thread


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _id(value: object) -> str | None:
    """A topic or post id (a number, or a string) as text; None when absent or odd."""
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        return None
    return str(value)
