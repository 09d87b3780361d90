"""Talkyard (formerly Debiki) discussions and embedded comments, saved pages.

Each post is a ``div.dw-p`` with ``id="post-N"``, inside its thread element ``div.dw-t``;
a reply's thread sits inside its parent's thread (``ol.dw-res > li > div.dw-t``), so
the tree is DOM containment of ``.dw-t``.  ``post-0`` is the page title and ``post-1``
the original post (the article; on an embedded-comments page an empty placeholder):
replies to it are top-level comments.  Per post: author ``.esP_By`` / ``.dw-p-by``
(the username ``.esP_By_U`` when shown, else the full name), time ``time[datetime]`` or
the header's ``title``, body ``.dw-p-bd``; ``platform_id`` is the post number.  Deleted
posts (``.s_P-Dd``, ``.dw-p-dl``) stay as placeholders.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, cls, iso_time, xp
from discourse.read.htmltext import text_of

NAME = "talkyard"
SELECTORS = {
    "post": f"//div[{cls('dw-p')}][starts-with(@id, 'post-')]",
    "thread": f"ancestor::div[{cls('dw-t')}][1]",
    "by": f".//*[{cls('esP_By', 'dw-p-by', 's_P_By')}]",
    "username": f".//*[{cls('esP_By_U', 's_P_By_U')}]",
    "fullname": f".//*[{cls('esP_By_F', 's_P_By_F')}]",
    "datetime": f".//*[{cls('dw-p-hd', 'esP_H', 's_P_H')}]//time[@datetime]",
    "time": f".//*[{cls('dw-p-at', 'esP_H_At')}]",
    "body": f".//div[{cls('dw-p-bd')}]",
    "title": f"//div[@id='post-0']//h1|//h1[{cls('dw-p-ttl')}]",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}
_DELETED = frozenset(["s_P-Dd", "dw-p-dl", "esP-Dd"])


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Talkyard posts in ``root``, nested by their ``.dw-t`` threads, or None."""
    elements = _X["post"](root)
    if not elements:
        return None
    by_thread: dict[HtmlElement, str] = {}
    posts: list[Post] = []
    article = author0 = published = None
    for el in elements:
        number = re.sub(r"\D", "", el.get("id") or "")
        threads = _X["thread"](el)
        thread = threads[0] if threads else None
        if thread is not None:
            by_thread.setdefault(thread, number)
        if number == "0":
            continue
        author = _author(el)
        stamp = _time(el)
        body = next(iter(_X["body"](el)), None)
        deleted = bool(_DELETED & set((el.get("class") or "").split()))
        text = "" if deleted or body is None else text_of(body)
        if number == "1":
            article, author0, published = text, author, stamp
            continue
        parent = None
        if thread is not None:
            for anc in thread.iterancestors("div"):
                if anc in by_thread:
                    parent = by_thread[anc]
                    break
        posts.append(Post(key=number, parent=None if parent in (None, "1", "0") else parent,
                          text=text, author=author, timestamp=stamp,
                          status="deleted" if deleted else None, platform_id=number,
                          permalink=f"#post-{number}"))
    if not posts:
        return None
    found = Found(NAME, posts, sections=[el for el in elements
                                         if el.get("id") not in ("post-0", "post-1")],
                  article=article or "",
                  evidence=[f"{len(elements)} div.dw-p#post-N in div.dw-t threads",
                            "nesting by DOM containment of .dw-t; post-1 is the original "
                            "post"])
    found.author = author0
    found.published = published
    title = _X["title"](root)
    if title:
        found.title = " ".join(title[0].text_content().split())
    return found


def _author(el: HtmlElement) -> str | None:
    by = next(iter(_X["by"](el)), None)
    if by is None:
        return None
    for key in ("username", "fullname"):
        part = next(iter(_X[key](by)), None)
        if part is not None:
            name = " ".join(part.text_content().split()).lstrip("@")
            if name:
                return name
    return " ".join(by.text_content().split()) or None


def _time(el: HtmlElement) -> str | None:
    t = next(iter(_X["datetime"](el)), None)
    if t is None:
        t = next(iter(_X["time"](el)), None)
    if t is None:
        return None
    return iso_time(t.get("datetime") or t.get("title") or " ".join(t.text_content().split()))
