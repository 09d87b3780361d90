"""Twinoid forums (twinoid.com and the games' forums: Mush, Hordes/Die2Nite, Alphabounce,
…), saved thread pages: flat posts ``div.tid_post#tid_forumPost_N`` in display order.

Per post: ``.tid_header .tid_name a.tid_user`` (the name, ``tid_id`` the user's number),
``.tid_date`` ("El 7 de octubre 2013", "Le 12 mars 2014", "Am 3. Mai 2012"; the day, no
time), body ``.tid_editorContent``.  The first post (``tid_forumPost_0``) is the topic's
opening post, the article; the others are top-level comments keyed by their DOM id
(``platform_id`` ``tid_forumPost_N``).  A quote is ``span.tid_preCite`` (the quoted
user, by name and ``tid_id``) followed by ``<cite>`` (the quoted words): it becomes a
``> `` quotation after a "NAME wrote:" line, and the quoted post — that user's latest
earlier post holding the words (names change, user ids do not) — the reply's target.
Community-representative announcements (``span.tid_announce``) stay in the text.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, cls, xp
from discourse.read.html.flat import Earlier, quoted_post
from discourse.read.htmltext import text_of

NAME = "twinoid"
SELECTORS = {
    "item": f"//div[{cls('tid_post')}][starts-with(@id, 'tid_forumPost')]",
    "user": f".//div[{cls('tid_name')}]//*[{cls('tid_user')}]",
    "date": f".//div[{cls('tid_date')}]",
    "body": f".//div[{cls('tid_editorContent')}]",
    "precite": f".//span[{cls('tid_preCite')}]",
    "title": f"//div[{cls('tid_mainBar')}]//span[{cls('tid_title')}]",
    "crumbs": f"//div[{cls('tid_mainBar')}]//a",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}
_MONTHS = {m: i for i, names in enumerate((
    "enero janvier januar january gennaio janeiro", "febrero février februar february febbraio fevereiro",
    "marzo mars märz march março", "abril avril april aprile", "mayo mai may maggio maio",
    "junio juin juni june giugno junho", "julio juillet juli july luglio julho",
    "agosto août august", "septiembre septembre september settembre setembro",
    "octubre octobre oktober october ottobre outubro",
    "noviembre novembre november novembro", "diciembre décembre dezember december dicembre dezembro"),
    start=1) for m in names.split()}
_DATE = re.compile(r"(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?\s+(?:de\s+)?(\d{4})")


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Twinoid forum posts in ``root``, or None."""
    items = _X["item"](root)
    if not items:
        return None
    earlier = Earlier()
    posts: list[Post] = []
    targets: dict[str, str] = {}
    article = published = author0 = None
    for i, div in enumerate(items):
        key = div.get("id") or f"tid{i}"
        user = next(iter(_X["user"](div)), None)
        name = " ".join(user.text_content().split()) if user is not None else None
        uid = user.get("tid_id") if user is not None else None
        date = next(iter(_X["date"](div)), None)
        stamp = _date(date.text_content()) if date is not None else None
        body = next(iter(_X["body"](div)), None)
        target = None
        if body is not None:
            for pre in _X["precite"](body):
                quoted = pre.getnext()
                who = pre.find(".//*[@tid_id]")
                qname = " ".join(pre.text_content().split())
                words = text_of(quoted) if quoted is not None and quoted.tag == "cite" else ""
                if target is None:
                    target = quoted_post(earlier, authors=(
                        f"#{who.get('tid_id')}" if who is not None else None, qname),
                        words=words)
                pre.clear()
                pre.text = f"{qname} wrote:" if qname else ""
                pre.tag = "p"
                if quoted is not None and quoted.tag == "cite":
                    quoted.tag = "blockquote"
            for cite in body.iter("cite"):  # a quote without its name line
                cite.tag = "blockquote"
        text = text_of(body) if body is not None else ""
        earlier.add(key, text, name, f"#{uid}" if uid else None)
        if i == 0 and key.endswith("_0"):
            article, published, author0 = text, stamp, name
            continue
        if target is not None:
            targets[key] = target
        posts.append(Post(key=key, parent=None, text=text, author=name, timestamp=stamp,
                          platform_id=key, permalink=f"#{key}"))
    if not posts:
        return None
    found = Found(NAME, posts, sections=list(items), article=article,
                  evidence=[f"{len(items)} div.tid_post#tid_forumPost_N (flat)",
                            f"{len(targets)} quote(s) naming an earlier post"])
    keys = {p.key for p in posts}
    found.targets = {k: v for k, v in targets.items() if v in keys}
    found.published = published
    title = _X["title"](root)
    if title:
        found.title = " ".join(title[0].text_content().split())
    crumbs = [" ".join(a.text_content().split()) for a in _X["crumbs"](root)]
    if crumbs:
        found.site = "twinoid.com/forum (" + ", ".join(c for c in crumbs if c) + ")"
    found.author = author0
    if author0:
        found.evidence.append(f"opening post by {author0} is the article")
    return found


def _date(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    month = _MONTHS.get(m.group(2).casefold())
    if month is None:
        return None
    return f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(1)):02d}"
