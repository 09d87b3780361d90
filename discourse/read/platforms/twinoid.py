"""Twinoid forum archive JSON (as archiving tools save the forums of twinoid.com):
``threads``, each with ``id``, ``title``, tags, ``commentsCount`` and ``comments`` — the
posts in order, each with ``id`` (its position in the thread), ``authorID``, ``content``
(HTML), ``displayedDate`` ("Le 07 novembre 2012") and ``deducedDate`` (ISO date).

One thread per forum thread; the first post (``id`` 0) opens it and is the article, every
later post answers it: a flat forum.  Smileys and forum icons (``img.tid_ico``, parsed ``:code:`` images) read as the code typed
(``:D``, ``:hordes_calim:``).  A quote is the forum's ``span.tid_preCite`` (the
quoted user, by name and ``tid_id``) followed by ``<cite>`` (the quoted words), read as on
the forum's pages (:mod:`discourse.read.html.twinoid`): a "NAME wrote:" line and a
``> `` quotation, and the quoted post — that user's latest earlier post holding the
words — is the reply's ``target_id``.  The archive has no user names: authors are
``user <authorID>``.  Keys are the posts' ``id`` values (positions: unique within a
thread, not across the file).
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

NAME = "twinoid-json"
DESCRIBES = "a Twinoid forum archive (threads of posts with authorID)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """``authorID`` with ``deducedDate`` or ``displayedDate``."""
    if has_keys(head, "authorID") and (has_keys(head, "deducedDate")
                                       or has_keys(head, "displayedDate")):
        return "JSON with Twinoid forum fields (authorID, deducedDate)"
    return None


def _author(record: dict[str, Any]) -> str | None:
    uid = as_id(record.get("authorID"))
    return f"user {uid}" if uid is not None else None


def _body(content: object) -> tuple[str, list[tuple[str | None, str, str]]]:
    """The text of a post's HTML, and its quotes: ``(quoted user id, name, words)``."""
    import lxml.html

    from discourse.read.htmltext import text_of

    if not isinstance(content, str) or not content.strip():
        return "", []
    try:
        root = lxml.html.fragment_fromstring(content, create_parent="div")
    except (ValueError, lxml.etree.ParserError):  # type: ignore[attr-defined]
        return "", []
    quotes: list[tuple[str | None, str, str]] = []
    for pre in root.xpath(".//span[contains(concat(' ', @class, ' '), ' tid_preCite ')]"):
        quoted = pre.getnext()
        who = pre.find(".//*[@tid_id]")
        name = " ".join(pre.text_content().split())
        words = text_of(quoted) if quoted is not None and quoted.tag == "cite" else ""
        quotes.append((who.get("tid_id") if who is not None else None, name, words))
        pre.clear()
        pre.text = f"{name} wrote:" if name else ""
        pre.tag = "p"
    for cite in root.iter("cite"):
        cite.tag = "blockquote"
    for img in list(root.iter("img")):  # smileys: their code (":D") is what was typed
        alt = img.get("alt") or ""
        names = (img.get("class") or "").split()
        if alt and ("tid_ico" in names or "tid_parsed" in names
                    or alt.startswith(":") and alt.endswith(":") and " " not in alt):
            img.tag = "span"
            img.attrib.clear()
            img.text = alt
    return text_of(root), quotes


def _text(record: dict[str, Any]) -> str:
    return _body(record.get("content"))[0]


def _finish(thread: Thread, context: Context) -> None:
    from discourse.read.html.flat import Earlier, quoted_post

    thread.site = "twinoid.com"
    earlier = Earlier()
    by_key = {c.platform_id: c for c in thread.comments if c.platform_id}
    records = ([context.article_record] if context.article_record else []) + [
        r.obj for r in context.records]
    for obj in records:
        key = as_id(obj.get("id"))
        if key is None:
            continue
        text, quotes = _body(obj.get("content"))
        comment = by_key.get(key)
        if comment is not None and quotes and comment.target_id is None:
            uid, name, words = quotes[0]
            target = quoted_post(earlier, authors=(f"#{uid}" if uid else None, name),
                                 words=words)
            if target is not None and target in by_key and by_key[target] is not comment:
                comment.target_id = by_key[target].id
        uid = as_id(obj.get("authorID"))
        earlier.add(key, text, f"#{uid}" if uid else None)


TABLE = Table(NAME, fields={"text": ("content",), "id": ("id",), "time": ("deducedDate",),
                            "parent": None, "children": None, "path": None, "depth": None},
              options=Options(name=NAME, first_is_article=True, author=_author,
                              text=_text, finish=_finish),
              records="$.threads[].comments[]")


def read(doc: Document) -> Iterator[Thread]:
    """The threads of one Twinoid forum archive (see the module docs)."""
    return read_with(doc, TABLE)
