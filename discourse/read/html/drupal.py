"""Drupal comments (core ``comment.html.twig``/``comment.tpl.php`` in Drupal 6-10 and
their themes): ``div.comment``/``article.comment`` elements, each reply thread in the
``div.indented`` that follows its parent; ids from ``a#comment-N`` anchors, ``id`` or
``about="/comment/N"``; dates from RDFa ``content``, ``data-comment-timestamp``, ``time``
or the "Submitted by X on DATE" line."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import (
    Found,
    clean_name,
    cls,
    first,
    id_number,
    iso_time,
    number,
    section_of,
    xp,
)
from discourse.read.htmltext import text_of

NAME = "drupal"
SELECTORS = {
    "item": f"//div[{cls('comment')}]|//article[{cls('comment')}]",
    # a marker only Drupal comment markup has
    "drupal": f"//div[{cls('indented')}]|//*[@typeof='sioc:Post sioct:Comment']"
              f"|//*[@data-comment-user-id]|//*[{cls('field-name-comment-body', 'field--name-comment-body', 'js-comment', 'comment-wrapper')}]"
              f"|//a[starts-with(@href, '/comment/reply/')]",
    "author": f".//*[{cls('username')}]|.//*[{cls('comment__author')}]"
              f"|.//*[{cls('submitted', 'comment-submitted')}]//a|.//*[{cls('author')}]",
    "date": ".//*[@property='dc:date dc:created']/@content|.//*[@data-comment-timestamp]"
            "/@data-comment-timestamp|.//time/@datetime",
    "submitted": f".//*[{cls('submitted', 'comment-submitted', 'comment__time', 'comment-time')}]",
    "body": f".//*[{cls('field-name-comment-body', 'field--name-comment-body')}]"
            f"|.//*[{cls('comment__content', 'content')}]",
    "permalink": f".//a[{cls('permalink')}]/@href|.//h3/a/@href",
    # Vote Up/Down and Rate modules
    "score": f".//*[{cls('up-current-score', 'vote-current-score', 'rate-number-up-down-rating', 'score')}]",
    "furniture": f".//*[{cls('links', 'submitted', 'attribution', 'comment__meta', 'user-signature', 'comment-submitted', 'comment__permalink')}]|.//h3|.//footer",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}
_ON = re.compile(r"\bon\s+(.+?)\.?\s*$", re.I)


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Drupal comments in ``root``, or None."""
    items = [el for el in _X["item"](root) if _X["body"](el) or _X["submitted"](el)]
    if not items or not _X["drupal"](root):
        return None
    members = set(items)
    keys: dict[HtmlElement, str] = {}
    posts = []
    for i, el in enumerate(items):
        pid = _platform_id(el)
        key = keys[el] = pid or f"dr{i}"
        parent = _parent(el, members)
        author = first(el, _X["author"], members)
        dates = _X["date"](el)
        stamp = iso_time(str(dates[0])) if dates else None
        if stamp is None:
            sub = first(el, _X["submitted"], members)
            m = _ON.search(" ".join(sub.text_content().split())) if sub is not None else None
            stamp = iso_time(m.group(1)) if m else (
                iso_time(" ".join(sub.text_content().split())) if sub is not None else None)
        body = first(el, _X["body"], members)
        skip = (members | set(_X["furniture"](el))).__contains__
        text = text_of(body if body is not None else el, skip)
        links = _X["permalink"](el)
        score_el = first(el, _X["score"], members)
        posts.append(Post(key=key, parent=keys.get(parent) if parent is not None else None,
                          text=text, timestamp=stamp, platform_id=pid,
                          author=clean_name(author.text_content()) if author is not None else None,
                          score=number(score_el.text_content()) if score_el is not None else None,
                          permalink=str(links[0]) if links else None))
    indented = sum(1 for p in posts if p.parent)
    wrapper = items[0].getparent()
    while wrapper is not None and "indented" in (wrapper.get("class") or "").split():
        wrapper = wrapper.getparent()
    return Found(NAME, posts, sections=[section_of(wrapper)] if wrapper is not None else [],
                 evidence=[f"{len(items)} div.comment", f"{indented} in div.indented"])


def _platform_id(el: HtmlElement) -> str | None:
    if (el.get("id") or "").startswith("comment-"):
        return id_number(el.get("id"))
    about = el.get("about") or ""
    m = re.search(r"/comment/(\d+)", about)
    if m:
        return m.group(1)
    prev = el.getprevious()
    if prev is not None and prev.tag == "a" and (prev.get("id") or "").startswith("comment-"):
        return id_number(prev.get("id"))
    return None


def _parent(el: HtmlElement, members: set[HtmlElement]) -> HtmlElement | None:
    """The comment whose ``div.indented`` holds ``el``: the last comment before it."""
    node = el.getparent()
    while node is not None:
        if "indented" in (node.get("class") or "").split():
            for sib in node.itersiblings(preceding=True):
                if sib in members:
                    return sib
                if "indented" in (sib.get("class") or "").split():
                    continue
                inner = next((x for x in sib.iter() if x in members), None)
                if inner is not None:
                    return inner
            return None
        if node in members:
            return node
        node = node.getparent()
    return None
