"""Hacker News item pages (``news.ycombinator.com/item?id=…``): comment rows
``tr.athing`` (``comtr`` in today's markup) inside ``table.comment-tree``, each with an
indent cell ``td.ind`` whose ``indent`` attribute (today) or spacer image width (40 px per
level, older pages) gives the depth; parents follow from the depths.  The story row
(``tr.athing.submission``) gives title, score, author and the "N comments" count; its text
(``div.toptext``) is the article."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import (
    Found,
    class_index,
    clean_name,
    cls,
    either,
    first,
    iso_time,
    number,
    pick,
    xp,
)
from discourse.read.htmltext import text_of

NAME = "hackernews"
SITE = "news.ycombinator.com"
SELECTORS = {
    "row": f"//tr[{cls('athing')}][.//td[{cls('ind')}]]",
    # before 2014: no tr.athing; the comment row holds a spacer cell and td.default
    "old_row": f"//td[{cls('default')}][.//span[{cls('comhead')}]]/parent::tr",
    # per row, class_index keys: indent cell, author (else comhead's user?id= link), date,
    # body (today's div.commtext, else 2015's span.comment), left out of the body
    "indent": ("ind",),
    "author": ("hnuser",),
    "age": ("age",),
    "head": ("comhead",),
    "body": ("commtext", "comment"),
    "furniture": ("reply",),
    "vote": ".//a[starts-with(@id, 'up_')]",
    "story": f"//tr[{cls('athing')}][not(.//td[{cls('ind')}])]",
    "story_title": f".//span[{cls('titleline')}]/a|.//td[{cls('title')}]/a",
    "subtext": f"//td[{cls('subtext')}]",
    "toptext": f"//div[{cls('toptext')}]",
    "old_toptext": f"//td[{cls('subtext')}]/ancestor::tr[1]/following-sibling::tr[2]/td[last()]",
    "table": f"//table[{cls('comment-tree')}]",
}
_X = {k: xp(v) for k, v in SELECTORS.items() if isinstance(v, str)}
_FURNITURE = frozenset(SELECTORS["furniture"])
_STATUS = {"[deleted]": "deleted", "[flagged]": "removed", "[dead]": "dead"}


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Hacker News comments in ``root``, or None."""
    rows = _X["row"](root) or _X["old_row"](root)
    if not rows:
        return None
    posts: list[Post] = []
    stack: list[tuple[int, str]] = []  # (depth, key) of the current ancestors
    sources = {"indent": 0, "spacer": 0}
    for i, row in enumerate(rows):
        index = class_index(row)
        depth, how = _depth(index, row)
        sources[how] += 1
        pid = row.get("id") if (row.get("id") or "").isdigit() else None
        link = _head_link(index, "item?id=")
        if pid is None:
            vote = first(row, _X["vote"])
            pid = (vote.get("id", "")[3:] if vote is not None else None) or (
                _item_id(link.get("href")) if link is not None else None)
        key = pid or f"hn{i}"
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((depth, key))
        author_el = either(pick(index, *SELECTORS["author"]), _head_link(index, "user?id="))
        age = pick(index, *SELECTORS["age"])
        stamp = None
        if age is not None and age.get("title"):
            parts = age.get("title").split()
            stamp = iso_time(parts[-1]) if len(parts) > 1 else iso_time(parts[0])
        body = pick(index, *SELECTORS["body"])
        text = text_of(body, _furniture) if body is not None else ""
        status = _STATUS.get(text.strip())
        if status:
            text = ""
        posts.append(Post(key=key, parent=parent, text=text, status=status,
                          author=clean_name(author_el.text_content()) if author_el is not None
                          else None, timestamp=stamp, platform_id=pid,
                          permalink=f"https://{SITE}/item?id={pid}" if pid else (
                              link.get("href") if link is not None else None)))
    found = Found(NAME, posts, site=SITE,
                  evidence=[f"{len(rows)} tr.athing comment rows with td.ind",
                            f"depth from {'indent attribute' if sources['indent'] else ''}"
                            f"{' and ' if sources['indent'] and sources['spacer'] else ''}"
                            f"{'spacer width / 40' if sources['spacer'] else ''}"])
    found.sections = _X["table"](root) or [rows[0].getparent()]
    _story(root, found)
    return found


def _furniture(node: HtmlElement) -> bool:
    names = node.get("class")
    return bool(names) and not _FURNITURE.isdisjoint(names.split())


def _head_link(index: dict[str, HtmlElement], prefix: str) -> HtmlElement | None:
    """The first link of the comment head whose href starts with ``prefix``."""
    head = pick(index, *SELECTORS["head"])
    if head is None:
        return None
    for a in head.iter("a"):
        if (a.get("href") or "").startswith(prefix):
            return a
    return None


def _depth(index: dict[str, HtmlElement], row: HtmlElement) -> tuple[int, str]:
    ind = pick(index, *SELECTORS["indent"])
    if ind is not None and (ind.get("indent") or "").strip().isdigit():
        return int(ind.get("indent")), "indent"
    if ind is None and len(row) and row[0].tag == "td":
        ind = row[0]  # pre-2014 rows: the first cell holds the spacer image
    img = ind.find(".//img") if ind is not None else None
    width = number(img.get("width")) if img is not None else None
    return (width or 0) // 40, "spacer"


def _item_id(href: str | None) -> str | None:
    m = re.search(r"item\?id=(\d+)", href or "")
    return m.group(1) if m else None


def _story(root: HtmlElement, found: Found) -> None:
    stories = _X["story"](root)
    if stories:
        story = stories[0]
        title = first(story, _X["story_title"])
        if title is not None:
            found.title = " ".join(title.text_content().split())
        if (story.get("id") or "").isdigit():
            found.thread_id = story.get("id")
    subtext = _X["subtext"](root)
    if subtext:
        sub = subtext[0]
        if found.thread_id is None:
            for a in sub.iter("a"):
                found.thread_id = found.thread_id or _item_id(a.get("href"))
        for a in sub.iter("a"):
            words = " ".join(a.text_content().split())
            if re.search(r"\bcomments?\b", words):
                found.expected = number(words)
        age = sub.find(".//span[@class='age']")
        if age is not None and age.get("title"):
            found.published = iso_time(age.get("title").split()[-1])
    if found.thread_id:
        found.url = f"https://{SITE}/item?id={found.thread_id}"
    top = _X["toptext"](root) or _X["old_toptext"](root)
    found.article = text_of(top[0]) if top and top[0].find(".//form") is None else ""
