"""Disqus XML exports (Admin → Export): every thread and post of a forum in one file.

The export (schema ``http://disqus.com/api/schemas/1.0/disqus.xsd``) is a ``<disqus>``
root holding ``<category>``, ``<thread dsq:id="…">`` (``<link>``, ``<title>``,
``<message>``, ``<createdAt>``, ``<forum>``) and ``<post dsq:id="…">`` elements, each post
naming its thread (``<thread dsq:id="…"/>``) and, for a reply, its parent
(``<parent dsq:id="…"/>``), with ``<message>`` (HTML, usually CDATA), ``<createdAt>``,
``<isDeleted>``, ``<isSpam>`` and ``<author><name>`` (``<username>`` when there is no
name; e-mail and IP addresses are never read).

One :class:`Thread` per thread that has posts, in file order (``thread_id`` = its dsq:id,
``url`` = ``<link>``, ``site`` = the link's domain, else the forum name; ``article`` =
the thread's ``<message>``; a post's permalink is ``<link>#comment-<dsq:id>``).  Posts
keep file order among siblings.  Nothing is dropped:

* deleted posts stay with ``status = "deleted"`` (and whatever text the export kept),
  spam posts with ``status = "spam"``; each kind is counted in a warning;
* posts whose thread is not in the export (orphans) go to a thread of their own per
  missing thread id, with a warning;
* posts whose parent is not in their thread become top-level (warning, from
  :func:`~discourse.read.assemble.assemble`).

Parsed by :func:`~discourse.read.structured.parse_xml` (lxml, no entity expansion, no
network, no DTD loading; a document declaring entities is refused).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from discourse.model import Thread
from discourse.read.assemble import Post, assemble, note_statuses
from discourse.read.htmltext import html_to_text
from discourse.read.source import Document
from discourse.read.structured import domain, iso_utc, local, parse_xml, unknown_xml
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read"]

NAME = "disqus-xml"
DESCRIBES = "a Disqus XML export"
SYNTAX = "xml"
_DISQUS = re.compile(rb"<disqus[\s>]", re.I)


def sniff(head: bytes) -> str | None:
    """A ``<disqus>`` root in the first 4 KB."""
    if _DISQUS.search(head[:4096]):
        return "XML with a <disqus> root (Disqus export)"
    return None


def _dsq_id(el) -> str | None:
    for name, value in el.attrib.items():
        if local(name) == "id":
            return value
    return None


def _child(el, name: str):
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def _text(el, name: str) -> str:
    c = _child(el, name)
    if c is None:
        return ""
    return "".join(c.itertext()).strip()


def _flag(el, name: str) -> bool:
    return _text(el, name).lower() == "true"


def read(doc: Document) -> Iterator[Thread]:
    """Threads of a Disqus XML export (see the module docs).  Raises :class:`InputError`
    for malformed XML (line, column), declared entities, or another root element."""
    root = parse_xml(doc)
    if local(root.tag) != "disqus":
        raise unknown_xml(doc, local(root.tag) or str(root.tag))
    threads: dict[str, object] = {}
    posts: dict[str, list[Post]] = {}
    for el in root:
        tag = local(el.tag)
        if tag == "thread":
            tid = _dsq_id(el)
            if tid is not None and tid not in threads:
                threads[tid] = el
        elif tag == "post":
            ref = _child(el, "thread")
            tid = _dsq_id(ref) if ref is not None else None
            key = _dsq_id(el) or f"line-{el.sourceline}"
            parent_el = _child(el, "parent")
            parent = _dsq_id(parent_el) if parent_el is not None else None
            author_el = _child(el, "author")
            author = None
            if author_el is not None:
                author = _text(author_el, "name") or _text(author_el, "username") or None
            status = "spam" if _flag(el, "isSpam") else "deleted" if _flag(el, "isDeleted") \
                else None
            message = _child(el, "message")
            text = html_to_text("".join(message.itertext())) if message is not None else ""
            posts.setdefault(tid or "", []).append(Post(
                key=key, parent=parent, text=text, author=author,
                timestamp=iso_utc(_text(el, "createdAt")), status=status,
                platform_id=_dsq_id(el), line=el.sourceline))
    empty = 0
    for tid, el in threads.items():
        if tid not in posts:
            empty += 1
            continue
        link = _text(el, "link")
        site = domain(link) if link else None
        thread = Thread(source=None, layout=None, title=_text(el, "title"),
                        article=html_to_text(_text(el, "message")), site=site or
                        (_text(el, "forum") or None), url=link or None,
                        published=iso_utc(_text(el, "createdAt")), format="disqus-xml",
                        thread_id=tid)
        found = posts.pop(tid)
        if link:
            for post in found:
                post.permalink = f"{link}#comment-{post.platform_id}" if post.platform_id \
                    else None
        yield _finish(thread, found)
    for tid, orphans in posts.items():
        thread = Thread(source=None, layout=None, title="", article="", format="disqus-xml",
                        thread_id=tid or None)
        thread.warnings.append(f"{len(orphans)} orphan post(s): thread "
                               f"{tid or '(none given)'} is not in the export; kept in a "
                               f"thread without title")
        yield _finish(thread, orphans)
    if doc.explaining:
        doc.explain.append(f"disqus: {len(threads)} threads, {empty} without posts (skipped)")


def _finish(thread: Thread, posts: list[Post]) -> Thread:
    thread.comments = assemble(posts, thread.warnings)
    note_statuses(thread, {"deleted": "{n} deleted post(s) kept (status 'deleted')",
                           "spam": "{n} spam post(s) kept (status 'spam')"})
    attach_quotes_and_targets(thread)
    return thread
