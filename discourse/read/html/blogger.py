"""Blogger (blogspot) comments: the threaded layout (``div.comment-thread`` with
``li.comment[id^=c]``, replies in ``div.comment-replies``; author in ``cite.user``, date
link ``span.datetime a`` whose ``showComment=`` parameter is the time in Unix
milliseconds, body ``.comment-content``) and the classic flat layout
(``dl#comments-block``: ``dt.comment-author``, ``dd.comment-body``,
``dd.comment-footer``)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import (
    Found,
    clean_name,
    cls,
    detach,
    dom_parents,
    first,
    id_number,
    iso_time,
    section_of,
    xp,
)
from discourse.read.htmltext import text_of

NAME = "blogger"
SELECTORS = {
    "thread": f"//div[{cls('comment-thread')}][not(ancestor::div[{cls('comment-thread')}])]",
    "item": f".//li[{cls('comment')}][starts-with(@id, 'c')]",
    "author": f".//cite[{cls('user')}]|.//*[{cls('comment-header')}]//cite",
    "date_link": f".//*[{cls('datetime')}]//a",
    "body": f".//*[{cls('comment-content')}]",
    "furniture": f".//*[{cls('comment-actions', 'comment-replies', 'thread-toggle', 'continue')}]",
    "classic": "//dl[@id='comments-block']",
    "classic_author": f".//dt[{cls('comment-author')}]",
    "count": f"//*[@id='comments']/h4|//*[{cls('comments')}]/h4",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}
_SHOW = re.compile(r"showComment=(\d{10,13})")


def _stamp(link: HtmlElement | None) -> str | None:
    if link is None:
        return None
    m = _SHOW.search(link.get("href") or "")
    return iso_time(m.group(1)) if m else iso_time(" ".join(link.text_content().split()))


def _status(body: HtmlElement | None) -> str | None:
    if body is not None and "deleted" in (body.get("class") or "").split():
        return "removed"
    return None


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Blogger comments in ``root``, or None."""
    threads = _X["thread"](root)
    items = [li for t in threads for li in _X["item"](t)]
    if items:
        members = set(items)
        keys: dict[HtmlElement, str] = {}
        posts = []
        parents = dom_parents(items)
        sections = [section_of(t) for t in threads]
        detach(items)
        for i, (li, parent) in enumerate(zip(items, parents, strict=True)):
            pid = id_number(li.get("id"))
            key = keys[li] = pid or f"bl{i}"
            author = first(li, _X["author"], members)
            body = first(li, _X["body"], members)
            link = first(li, _X["date_link"], members)
            skip = (members | set(_X["furniture"](li))).__contains__
            text = text_of(body, skip) if body is not None else ""
            posts.append(Post(key=key, parent=keys.get(parent) if parent is not None else None,
                              text=text, timestamp=_stamp(link), platform_id=pid,
                              author=clean_name(author.text_content()) if author is not None
                              else None, permalink=link.get("href") if link is not None else None,
                              status=_status(body)))
        return Found(NAME, posts, sections=sections,
                     evidence=[f"div.comment-thread with {len(items)} li.comment",
                               f"{sum(1 for p in posts if p.parent)} in div.comment-replies"])
    blocks = _X["classic"](root)
    if not blocks:
        return None
    posts = []
    for i, dt in enumerate(_X["classic_author"](blocks[0])):
        anchor = dt.get("id") or next((a.get("name") for a in dt.iter("a") if a.get("name")), None)
        pid = id_number(anchor)
        links = [a for a in dt.iter("a") if a.get("href")]
        author = clean_name(links[0].text_content() if links else dt.text_content())
        body = footer = None
        for sib in dt.itersiblings():
            if sib.tag == "dt":
                break
            names = (sib.get("class") or "").split()
            if "comment-body" in names and body is None:
                body = sib
            elif "comment-footer" in names and footer is None:
                footer = sib
        link = footer.find(".//a") if footer is not None else None
        posts.append(Post(key=pid or f"bl{i}", parent=None, author=author, platform_id=pid,
                          text=text_of(body) if body is not None else "", timestamp=_stamp(link),
                          permalink=link.get("href") if link is not None else None))
    if not posts:
        return None
    return Found(NAME, posts, sections=[section_of(blocks[0])],
                 evidence=[f"classic dl#comments-block with {len(posts)} dt.comment-author"])
