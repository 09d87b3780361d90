"""WordPress WXR exports (Tools → Export): posts, pages and their comments as RSS 2.0
with the ``wp:`` namespace (``http://wordpress.org/export/1.0/`` … ``1.2/``).

Each ``<item>`` with at least one ``<wp:comment>`` is a thread, in file order:
``<title>``, ``<link>`` (``Thread.url``), ``<wp:post_id>`` (``thread_id``),
``<wp:post_date_gmt>`` (else ``<pubDate>``) as ``published``, ``<content:encoded>`` as the
article (HTML to text); ``site`` is the channel's ``<title>`` (the blog's name), else the
link's domain.  A comment's parent is ``<wp:comment_parent>`` (``0`` = the post);
``<wp:comment_author>``, ``<wp:comment_date_gmt>`` (UTC; else ``<wp:comment_date>``,
local time without zone), ``<wp:comment_content>`` (HTML; WordPress shows its line
breaks, so they are kept), ``<wp:comment_id>`` (``platform_id``, permalink
``<link>#comment-<id>``).  Siblings keep file order.  Pingbacks and trackbacks
(``<wp:comment_type>``) are kept with that ``status``.

**Unapproved comments** (``<wp:comment_approved>`` ``0``, ``spam`` or ``trash``) are left
out by default and counted in a warning.  Include them (``status`` ``"unapproved"``,
``"spam"``, ``"deleted"`` for trash) with :func:`read_wxr`'s ``include_unapproved=True``,
by setting :data:`INCLUDE_UNAPPROVED` to True, or with the environment variable
``DISCOURSE_WXR_UNAPPROVED=1`` (what :func:`read` consults).

Parsed by :func:`~discourse.read.structured.parse_xml` (lxml, no entity expansion, no
network, no DTD loading; a document declaring entities is refused).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from discourse.model import Thread
from discourse.read.assemble import Post, assemble, note_statuses
from discourse.read.htmltext import html_to_text
from discourse.read.source import Document
from discourse.read.structured import domain, local, parse_xml, unknown_xml
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["INCLUDE_UNAPPROVED", "read", "read_wxr"]

NAME = "wordpress-wxr"
DESCRIBES = "a WordPress WXR export"
SYNTAX = "xml"
_WXR = re.compile(rb"<rss[^>]*xmlns:wp=|wordpress\.org/export/", re.I)


def sniff(head: bytes) -> str | None:
    """RSS with the ``wp:`` namespace (or the WordPress export URL) in the first 8 KB."""
    if _WXR.search(head[:8192]):
        return "RSS with the WordPress export namespace (WXR)"
    return None

#: Default for :func:`read`: include unapproved/spam/trashed comments.  Also switched on by
#: the environment variable ``DISCOURSE_WXR_UNAPPROVED=1``.
INCLUDE_UNAPPROVED = False
_APPROVAL = {"1": None, "approve": None, "approved": None, "0": "unapproved",
             "hold": "unapproved", "spam": "spam", "trash": "deleted"}


def _children(el, name: str) -> list:
    return [c for c in el if local(c.tag) == name]


def _text(el, name: str) -> str:
    for c in el:
        if local(c.tag) == name:
            return "".join(c.itertext()).strip()
    return ""


def _raw(el, name: str) -> str:
    for c in el:
        if local(c.tag) == name:
            return "".join(c.itertext())
    return ""


def _gmt(value: str) -> str | None:
    """``2014-01-14 17:31:03`` (GMT) -> ``2014-01-14T17:31:03Z``; None for empty/zero."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    return value.replace(" ", "T") + "Z"


def _local(value: str) -> str | None:
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    return value.replace(" ", "T")


def _rfc822(value: str) -> str | None:
    from email.utils import parsedate_to_datetime

    if not value.strip():
        return None
    try:
        stamp = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if stamp.tzinfo is None:
        return stamp.isoformat()
    from datetime import UTC

    return stamp.astimezone(UTC).isoformat().replace("+00:00", "Z")


def read(doc: Document) -> Iterator[Thread]:
    """Threads of a WXR export, unapproved comments per :data:`INCLUDE_UNAPPROVED` or
    ``DISCOURSE_WXR_UNAPPROVED``."""
    include = INCLUDE_UNAPPROVED or os.environ.get("DISCOURSE_WXR_UNAPPROVED", "").lower() in (
        "1", "true", "yes")
    return read_wxr(doc, include_unapproved=include)


def read_wxr(doc: Document, include_unapproved: bool = False) -> Iterator[Thread]:
    """Threads of a WordPress WXR export (see the module docs).  Raises
    :class:`InputError` for malformed XML (line, column), declared entities, or another
    root element."""
    root = parse_xml(doc)
    if local(root.tag) != "rss":
        raise unknown_xml(doc, local(root.tag) or str(root.tag))
    channel = next((c for c in root if local(c.tag) == "channel"), None)
    if channel is None:
        raise unknown_xml(doc, "rss> without <channel")
    blog = _text(channel, "title")
    without = 0
    for item in _children(channel, "item"):
        comments = _children(item, "comment")
        if not comments:
            without += 1
            continue
        link = _text(item, "link")
        thread = Thread(source=None, layout=None, title=_text(item, "title"),
                        article=html_to_text(_raw(item, "encoded"), keep_newlines=True),
                        site=blog or (domain(link) if link else None), url=link or None,
                        published=_gmt(_text(item, "post_date_gmt")) or
                        _rfc822(_text(item, "pubDate")),
                        format="wordpress-wxr", thread_id=_text(item, "post_id") or None)
        posts: list[Post] = []
        left_out: dict[str, int] = {}
        for c in comments:
            cid = _text(c, "comment_id") or f"line-{c.sourceline}"
            approval = _APPROVAL.get(_text(c, "comment_approved").lower(), "unapproved")
            if approval is not None and not include_unapproved:
                left_out[approval] = left_out.get(approval, 0) + 1
                continue
            kind = _text(c, "comment_type").lower()
            status = approval or (kind if kind in ("pingback", "trackback") else None)
            parent = _text(c, "comment_parent")
            posts.append(Post(
                key=cid, parent=None if parent in ("", "0") else parent,
                text=html_to_text(_raw(c, "comment_content"), keep_newlines=True),
                author=_text(c, "comment_author") or None,
                timestamp=_gmt(_text(c, "comment_date_gmt")) or _local(_text(c, "comment_date")),
                permalink=f"{link}#comment-{cid}" if link else None, status=status,
                platform_id=cid, line=c.sourceline))
        thread.comments = assemble(posts, thread.warnings)
        if left_out:
            parts = ", ".join(f"{n} {k}" for k, n in sorted(left_out.items()))
            thread.warnings.append(f"{parts} comment(s) left out (include them with "
                                   f"DISCOURSE_WXR_UNAPPROVED=1)")
        note_statuses(thread, {"pingback": "{n} pingback(s) kept (status 'pingback')",
                               "trackback": "{n} trackback(s) kept (status 'trackback')"})
        attach_quotes_and_targets(thread)
        yield thread
    if doc.explaining:
        doc.explain.append(f"wordpress: {without} item(s) without comments (skipped)")
