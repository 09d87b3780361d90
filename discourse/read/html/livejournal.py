"""LiveJournal (and its code's descendants: Dreamwidth, InsaneJournal) comment pages,
saved: comments one after the other, the depth shown only by indentation.

Classic pages give each comment a ``div#ljcmtNNN`` with ``style="margin-left: 25px"``
(25 px a level); the 2013+ layout a ``div.b-tree-twig`` (``margin-left:30px``; class
``b-tree-twig-N``) holding ``div.b-leaf``/``div.comment`` with ``data-tid="tNNN"``;
Dreamwidth ``div.comment-thread`` with ``comment-depth-N``.  The indentation values are
ranked into depths and each comment answers the latest earlier comment one level up.
Per comment: ``platform_id`` the comment number, author ``span.ljuser``
(``lj:user``/``data-ljuser``; "(Anonymous)" comments have none), time the comment's date
link (``2009-03-14 10:22 pm (UTC)``), body ``.talk-comment-box`` / ``.b-leaf-article`` /
``.comment-content``.  Deleted and screened comments stay as placeholders.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, cls, iso_time, xp
from discourse.read.htmltext import text_of

NAME = "livejournal"
SELECTORS = {
    "classic": "//div[starts-with(@id, 'ljcmt')]",
    "twig": f"//div[{cls('b-tree-twig')}]",
    "dreamwidth": f"//div[{cls('comment-thread')}][contains(@class, 'comment-depth-')]",
    "time": ".//*[" + cls("comment-datetimelink", "b-leaf-createdtime", "datetime",
                          "comment-date") + "]",
    "body": f".//*[{cls('talk-comment-box', 'b-leaf-article', 'comment-content')}]",
    "leaf": ".//*[@data-tid][1]",
    "deleted": f".//*[{cls('b-leaf-deleted', 'b-leaf-screened', 'comment-deleted')}]",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}
_MARGIN = re.compile(r"margin-left\s*:\s*(\d+(?:\.\d+)?)\s*(px|em)?", re.I)
_DEPTH = re.compile(r"(?:b-tree-twig-|comment-depth-)(\d+)")


def _users(el: HtmlElement) -> list[HtmlElement]:
    return [s for s in el.iter("span")
            if s.get("lj:user") or s.get("data-ljuser")
            or "ljuser" in (s.get("class") or "").split()]


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """LiveJournal comments in ``root``, nested by indentation, or None."""
    for kind in ("classic", "twig", "dreamwidth"):
        items = _X[kind](root)
        if len(items) >= 1:
            found = _read(items, kind)
            if found is not None:
                return found
    return None


def _indent(el: HtmlElement) -> float | None:
    m = _DEPTH.search(el.get("class") or "")
    if m:
        return float(m.group(1)) * 1000  # a depth class outranks any margin
    m = _MARGIN.search(el.get("style") or "")
    if m:
        value = float(m.group(1))
        return value * 16 if (m.group(2) or "").lower() == "em" else value
    return None


def _read(items: list[HtmlElement], kind: str) -> Found | None:
    indents = [_indent(el) for el in items]
    if all(v is None for v in indents):
        return None
    ranks = {v: i for i, v in enumerate(sorted({v for v in indents if v is not None}))}
    posts: list[Post] = []
    stack: list[tuple[int, str]] = []
    for i, el in enumerate(items):
        leaf = el if kind == "classic" else (next(iter(_X["leaf"](el)), None) or el)
        ident = el.get("id") or leaf.get("data-tid") or leaf.get("id") or ""
        number = re.sub(r"\D", "", ident) or f"lj{i}"
        depth = ranks.get(indents[i], 0) if indents[i] is not None else 0
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((depth, number))
        users = _users(el)
        author = None
        if users:
            u = users[0]
            author = u.get("lj:user") or u.get("data-ljuser") or " ".join(
                u.text_content().split()) or None
        time_el = next(iter(_X["time"](el)), None)
        stamp = None
        if time_el is not None:
            raw = " ".join(time_el.text_content().split())
            raw = re.sub(r"\(\s*(UTC|GMT)\s*\)", r"\1", raw)
            stamp = iso_time(raw)
        body = next(iter(_X["body"](el)), None)
        deleted = bool(_X["deleted"](el)) or body is None
        posts.append(Post(key=number, parent=parent,
                          text=text_of(body) if body is not None else "",
                          author=author, timestamp=stamp,
                          status="deleted" if deleted and body is None else None,
                          platform_id=number if not number.startswith("lj") else None,
                          permalink=f"?thread={number}#t{number}"
                          if not number.startswith("lj") else None))
    return Found(NAME, posts, sections=items,
                 evidence=[f"{len(items)} {kind} LiveJournal comment block(s)",
                           f"nesting by indentation ({len(ranks)} distinct margins/depths)"])
