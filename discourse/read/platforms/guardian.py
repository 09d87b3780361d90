"""Guardian discussion API responses (``discussion.guardianapis.com/discussion-api/
discussion/<key>``): ``discussion`` with ``key``, ``title``, ``webUrl``, ``commentCount``
and ``comments``, each with ``id``, ``body`` (HTML), ``isoDateTime``, ``numRecommends``,
``webUrl``, ``status`` and ``userProfile.displayName``; threaded discussions nest
``responses`` (each naming ``responseTo.commentId``), legacy ones are flat and readers
address each other with "@name".

Keys are comment ids; the site is ``theguardian.com/<section>`` (the article address's
first path segment).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.source import Document

NAME = "guardian-json"
DESCRIBES = "a Guardian discussion API response (discussion.comments)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``discussion`` with ``userProfile`` or ``numRecommends``."""
    if has_keys(head, "discussion") and (has_keys(head, "userProfile")
                                         or has_keys(head, "numRecommends")):
        return "JSON with Guardian discussion fields (discussion, userProfile)"
    return None


def _finish(thread: Thread, context: Context) -> None:
    for holder in context.chain:
        key = holder.get("key")
        if isinstance(key, str) and key.startswith("/"):
            thread.thread_id = key
            break
    if thread.url:
        try:
            parts = urlsplit(thread.url)
        except ValueError:
            return
        section = parts.path.strip("/").split("/")[0] if parts.path.strip("/") else ""
        thread.site = "theguardian.com" + (f"/{section}" if section else "")


TABLE = Table(NAME, fields={"text": ("body",), "id": ("id",),
                            "author": ("userProfile", "displayName"),
                            "time": ("isoDateTime",), "score": ("numRecommends",),
                            "children": "responses"},
              options=Options(name=NAME, finish=_finish),
              records="$.discussion.comments[]")


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one Guardian discussion response (see the module docs)."""
    return read_with(doc, TABLE)
