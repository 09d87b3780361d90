"""Daum news comment API pages (``comment.daum.net/apis/v1/posts/<postId>/comments``): a
list of comments with ``id``, ``postId`` (the article's comment board), ``parentId`` (0
for a comment on the article), ``content`` (plain text), ``createdAt``, ``likeCount``,
``dislikeCount``, ``childCount`` (its replies, fetched separately) and ``user``
(``displayName``).

Keys are comment ids.  The article is not in the response: when a file named like the
comments file with ``.article.html`` in place of ``.comments.json`` (or ``.html``) lies
beside it, its title and text are the thread's.  Replies counted in ``childCount`` but
not in the file set ``Thread.missing``.
"""

from __future__ import annotations

from collections.abc import Iterator

from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.generic import Table, read_with
from discourse.read.generic.build import Context, Options
from discourse.read.generic.values import as_int
from discourse.read.source import Document

NAME = "daum-json"
DESCRIBES = "a Daum news comment API page (postId, parentId, childCount)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``postId`` with ``forumId`` and ``childCount``."""
    if has_keys(head, "postId", "forumId", "childCount"):
        return "JSON with Daum comment fields (postId, forumId, childCount)"
    return None


def _finish(thread: Thread, context: Context) -> None:
    from discourse.read.platforms.beside import article_beside

    thread.site = "news.daum.net"
    replies = 0
    for r in context.records:
        count = as_int(r.obj.get("childCount"))
        if count:
            replies += count
    held = sum(1 for c in thread.comments if c.parent_id is not None)
    if replies > held:
        thread.missing = (thread.missing or 0) + replies - held
        thread.warnings.append(f"{replies - held} replies not in the file (the comments "
                               f"count them in childCount; the API sends them separately)")
    if context.doc is not None:
        found = article_beside(context.doc, (".comments.json", ".json"),
                               (".article.html", ".html"))
        if found is not None:
            thread.title = found.title or thread.title
            thread.article = found.text or thread.article
            context.notes.append(f"article from {found.path.name} beside the file")


TABLE = Table(NAME, fields={"text": ("content",), "id": ("id",), "parent": ("parentId",),
                            "author": ("user", "displayName"), "time": ("createdAt",),
                            "score": ("likeCount",), "thread_key": ("postId",)},
              options=Options(name=NAME, finish=_finish, plain_text=True))


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one Daum comment page (see the module docs)."""
    return read_with(doc, TABLE)
