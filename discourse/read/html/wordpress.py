"""WordPress comment lists (``wp_list_comments``, both its HTML5 and XHTML markup and
most themes' callbacks): ``ol.comment-list``/``ol.commentlist`` of ``li.comment`` with
replies in ``ol.children``; pingbacks and trackbacks (``li.pingback``/``li.trackback``)
are kept with ``Comment.status`` set.  Markup per WordPress
``wp-includes/class-walker-comment.php``."""

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
    either,
    first,
    id_number,
    iso_time,
    pick,
    section_of,
    xp,
)
from discourse.read.htmltext import text_of

NAME = "wordpress"
SELECTORS = {
    "list": f"//ol[{cls('comment-list', 'commentlist', 'comments-list')}]"
            f"|//ul[{cls('comment-list', 'commentlist', 'comments-list')}]"
            f"|//div[{cls('commentlist', 'comment-list')}]",
    "item": f".//li[{cls('comment', 'pingback', 'trackback')} or starts-with(@id, 'comment-')"
            f" or starts-with(@id, 'li-comment-')]",
    # per comment, class tokens in order of preference (looked up with class_index)
    "author": ("fn", "comment-author", "comment-author-name"),
    "meta": ("comment-metadata", "commentmetadata", "comment-meta", "comment-date"),
    "body": ("comment-content", "comment-text", "comment-entry"),
    "frame": ("comment-body",),
    "moderation": ("comment-awaiting-moderation",),
    "furniture": ("comment-author", "comment-meta", "commentmetadata", "comment-metadata",
                  "reply", "edit-link", "comment-awaiting-moderation", "says", "children",
                  "comment-reply-link", "comment-actions", "avatar"),
}
_X = {k: xp(v) for k, v in SELECTORS.items() if isinstance(v, str)}
AUTHOR, BODY, FRAME, META, MODERATION = (SELECTORS["author"], SELECTORS["body"],
                                         SELECTORS["frame"], SELECTORS["meta"],
                                         SELECTORS["moderation"])
FURNITURE = frozenset(SELECTORS["furniture"])
_PING = re.compile(r"^\s*(?:pingback|trackback)\s*:\s*", re.I)


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """WordPress comments in ``root``, or None."""
    lists = _X["list"](root)
    if not lists:
        return None
    items: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for lst in lists:
        for li in _X["item"](lst):
            if li not in seen:
                seen.add(li)
                items.append(li)
    if not items:
        return None
    evidence = _evidence(lists, items)
    sections = [section_of(x) for x in lists]
    return Found(NAME, read_items(items, root), sections=sections, evidence=evidence)


def _evidence(lists: list[HtmlElement], items: list[HtmlElement]) -> list[str]:
    kinds = {k: sum(1 for li in items if k in (li.get("class") or "").split())
             for k in ("pingback", "trackback")}
    nested = sum(1 for p in dom_parents(items) if p is not None)
    names = ", ".join(sorted({f"{x.tag}.{' .'.join(c for c in (x.get('class') or '').split() if 'comment' in c)}"
                              for x in lists}))
    out = [f"{names} with {len(items)} comment items", f"{nested} nested in .children"]
    out += [f"{n} {k}(s)" for k, n in kinds.items() if n]
    return out


def read_items(items: list[HtmlElement], root: HtmlElement) -> list[Post]:
    """Posts from WordPress comment ``li`` elements (also used by look-alike themes)."""
    members = set(items)
    parents = dom_parents(items)
    detach(items)
    keys: dict[HtmlElement, str] = {}
    posts = []
    for i, (li, parent) in enumerate(zip(items, parents, strict=True)):
        index = class_index(li)
        pid = id_number(li.get("id"))
        if pid is None:
            anchor = first(li, ".//*[starts-with(@id, 'comment-')]", members)
            pid = id_number(anchor.get("id")) if anchor is not None else None
        key = keys[li] = pid or f"wp{i}"
        classes = (li.get("class") or "").split()
        status = "pingback" if "pingback" in classes else "trackback" if "trackback" in classes \
            else None
        skip = class_skipper(members, FURNITURE)
        if status:
            frame = either(pick(index, *FRAME), li)
            text = _PING.sub("", text_of(frame, skip))
            link = frame.find(".//a[@href]")
            author = clean_name(link.text_content()) if link is not None else None
        else:
            author_el = pick(index, *AUTHOR)
            author = clean_name(author_el.text_content()) if author_el is not None else None
            body = either(pick(index, *BODY), pick(index, *FRAME), li)
            if author_el is not None:
                skip = class_skipper(members, FURNITURE, {author_el})
            text = text_of(body, skip)
            if pick(index, *MODERATION) is not None:
                status = "unapproved"
        time_el = index.get("<time>")
        stamp = iso_time(time_el.get("datetime")) if time_el is not None else None
        meta = pick(index, *META)
        if stamp is None and meta is not None:
            stamp = iso_time(" ".join(meta.text_content().split()))
        posts.append(Post(key=key, parent=keys.get(parent) if parent is not None else None,
                          text=text, author=author, timestamp=stamp, status=status,
                          permalink=_permalink(li, meta), platform_id=pid))
    return posts


def _permalink(li: HtmlElement, meta: HtmlElement | None) -> str | None:
    for a in li.iter("a"):
        if "#comment-" in (a.get("href") or ""):
            return a.get("href")
    link = meta.find(".//a[@href]") if meta is not None else None
    return link.get("href") if link is not None else None
