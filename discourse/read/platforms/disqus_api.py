"""Disqus API responses: ``threads/listPosts`` (and ``posts/list``, ``forums/listPosts``)
— ``{"code": 0, "cursor": {…}, "response": [post, …]}``, each post with ``id`` (a string),
``parent`` (a number, or null for a comment on the article), ``message`` (HTML),
``raw_message``, ``createdAt`` (UTC without a zone), ``likes``, ``dislikes``,
``author`` (``name``, ``username``, ``isAnonymous``), ``thread`` (an id, or the thread
object with ``related=thread``), ``forum``, ``isDeleted``, ``isSpam``, ``isApproved``.

Keys are post ids, as in a Disqus XML export; siblings in time order (the API sends the
newest first by default).  Posts of several threads give one thread each; a thread
object (``related=thread``) gives the title, link and site.  Deleted posts stay as
placeholders, spam and unapproved ones are kept with their status.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.generic.values import as_id, stamp
from discourse.read.source import Document

NAME = "disqus-api-json"
DESCRIBES = "a Disqus API response (threads/listPosts)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``response`` with ``raw_message``, or with ``isSpam`` and ``forum``."""
    if has_keys(head, "response") and (has_keys(head, "raw_message")
                                       or has_keys(head, "isSpam", "forum")):
        return "JSON with Disqus API post fields (response, raw_message, isSpam)"
    return None


def _status(record: dict[str, Any]) -> str | None:
    if record.get("isDeleted") is True:
        return "deleted"
    if record.get("isSpam") is True:
        return "spam"
    if record.get("isApproved") is False:
        return "unapproved"
    return None


def _author(record: dict[str, Any]) -> str | None:
    author = record.get("author")
    if not isinstance(author, dict):
        return None
    for key in ("name", "username"):
        value = author.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _prepare(data: Any, doc: Document) -> Any:
    """Each post's thread as an id (``related=thread`` gives the object)."""
    posts = data.get("response") if isinstance(data, dict) else None
    if isinstance(posts, list):
        for post in posts:
            if isinstance(post, dict):
                thread = post.get("thread")
                post["_thread"] = as_id(thread.get("id")) if isinstance(thread, dict) \
                    else as_id(thread)
    return data


def _finish(thread: Thread, context: Context) -> None:
    first = context.records[0].obj if context.records else {}
    # the thread object (related=thread) may come with any of its posts
    info = next((r.obj["thread"] for r in context.records
                 if isinstance(r.obj.get("thread"), dict)), None)
    thread.thread_id = as_id(first.get("_thread")) or thread.thread_id
    forum = first.get("forum")
    if isinstance(info, dict):
        title = info.get("clean_title") or info.get("title")
        link = info.get("link")
        if isinstance(title, str):
            thread.title = title.strip()
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            thread.url = link.strip()
            from discourse.read.structured import domain

            thread.site = domain(thread.url)
        thread.published = stamp(info.get("createdAt"), naive_utc=True) or thread.published
        forum = info.get("forum") or forum
    if thread.site is None and isinstance(forum, str) and forum:
        thread.site = f"{forum}.disqus.com"
    if thread.url:
        thread.article = thread.article or thread.url
        for c in thread.comments:
            if c.platform_id and not c.permalink:
                c.permalink = f"{thread.url}#comment-{c.platform_id}"


TABLE = Table(NAME, fields={"text": ("message",), "id": ("id",), "parent": ("parent",),
                            "link": ("id",), "time": ("createdAt",), "score": ("likes",),
                            "thread_key": ("_thread",), "children": None},
              options=Options(name=NAME, naive_utc=True, sort_by_time=True, author=_author,
                              status=_status, finish=_finish),
              prepare=_prepare, records="$.response[]")


def read(doc: Document) -> Iterator[Thread]:
    """The threads of one Disqus API response (see the module docs)."""
    return read_with(doc, TABLE)
