"""Disqus comments saved with the page: the embed's own markup (``ul#post-list`` of
``li.post``, replies in ``ul.children``; what "Save page as" keeps of the Disqus iframe)
and the static markup of the Disqus-for-WordPress plugin (``ul#dsq-comments`` of
``li[id^=dsq-comment-]``, ``ul.children``)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import (
    Found,
    class_index,
    class_skipper,
    clean_name,
    cls,
    detach,
    dom_parents,
    id_number,
    iso_time,
    number,
    pick,
    section_of,
    xp,
)
from discourse.read.htmltext import text_of

NAME = "disqus"
SELECTORS = {
    # Disqus-for-WordPress static comments
    "dsq_list": "//*[@id='dsq-comments']",
    "dsq_item": ".//li[starts-with(@id, 'dsq-comment-') or "
                f"{cls('pingback', 'trackback')}]",
    # per comment, keys of class_index in order of preference
    "dsq_author": ("<cite>",),
    "dsq_body": ("dsq-comment-message",),
    "dsq_time": ("<time>", "dsq-comment-header-time"),
    "dsq_link": ("dsq-comment-header",),
    # the embed (iframe) markup
    "embed_list": "//ul[@id='post-list']|//*[@id='posts']//ul[" + cls('post-list') + "]",
    "embed_item": f".//li[{cls('post')}]",
    "embed_author": ("author", "post-byline", "profile-show"),
    "embed_body": ("post-message", "[message]"),
    "embed_time": ("time-ago", "<time>"),
    "embed_link": ("time-ago",),
    "likes": ("[likes]",),
    "dislikes": ("[dislikes]",),
    "furniture": ("children", "post-menu", "comment__footer", "post-byline", "post-meta",
                  "reply", "avatar", "indicator"),
    "count": f"//*[{cls('comment-count')}]|//*[@id='dsq-content']/h3|//li[@data-role='post-count']",
}
_X = {k: xp(v) for k, v in SELECTORS.items() if isinstance(v, str)}
_S = {k: v for k, v in SELECTORS.items() if isinstance(v, tuple)}
FURNITURE = frozenset(SELECTORS["furniture"])
_PING = re.compile(r"^\s*(?:pingback|trackback)\s*:\s*", re.I)


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Disqus comments in ``root``, or None."""
    for kind in ("dsq", "embed"):
        lists = _X[f"{kind}_list"](root)
        if not lists:
            continue
        items = [li for lst in lists for li in _X[f"{kind}_item"](lst)]
        if not items:
            continue
        sections = [section_of(x) for x in lists]
        posts = _posts(items, kind)
        nested = sum(1 for p in posts if p.parent is not None)
        what = "Disqus-for-WordPress #dsq-comments" if kind == "dsq" else "Disqus embed #post-list"
        return Found(NAME, posts, sections=sections,
                     evidence=[f"{what} with {len(items)} comment items",
                               f"{nested} nested in ul.children"])
    return None


def _posts(items: list[HtmlElement], kind: str) -> list[Post]:
    members = set(items)
    keys: dict[HtmlElement, str] = {}
    posts = []
    parents = dom_parents(items)
    detach(items)
    skip = class_skipper(members, FURNITURE)
    for i, (li, parent) in enumerate(zip(items, parents, strict=True)):
        index = class_index(li)
        pid = id_number(li.get("id"))
        key = keys[li] = pid or f"dq{i}"
        author_el = pick(index, *_S[f"{kind}_author"])
        author = clean_name(author_el.text_content()) if author_el is not None else None
        body = pick(index, *_S[f"{kind}_body"])
        text = text_of(body, skip) if body is not None else ""
        time_el = pick(index, *_S[f"{kind}_time"])
        stamp = None
        if time_el is not None:
            stamp = iso_time(time_el.get("datetime") or time_el.get("title")
                             or time_el.text_content())
        link = pick(index, *_S[f"{kind}_link"])
        if link is not None and link.tag != "a":
            link = link.find(".//a[@href]")
        score = None
        likes, dislikes = pick(index, *_S["likes"]), pick(index, *_S["dislikes"])
        if kind == "embed" and likes is not None:
            score = (number(likes.text_content()) or 0) - (
                number(dislikes.text_content()) or 0 if dislikes is not None else 0)
        classes = (li.get("class") or "").split()
        status = "deleted" if "deleted" in classes or "is-deleted" in classes else None
        if "pingback" in classes or "trackback" in classes:
            status = "pingback" if "pingback" in classes else "trackback"
            text = _PING.sub("", text_of(li, skip)).removesuffix("()").strip()
            ping = li.find(".//a[@href]")
            author = clean_name(ping.text_content()) if ping is not None else None
        posts.append(Post(key=key, parent=keys.get(parent) if parent is not None else None,
                          text=text, author=author, timestamp=stamp, score=score,
                          permalink=link.get("href") if link is not None else None,
                          platform_id=pid, status=status))
    return posts
