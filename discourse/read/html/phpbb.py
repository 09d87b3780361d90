"""phpBB boards (prosilver style, phpBB 3.x): one ``div.post[id^=p]`` per post in
display order, flat.  Author in ``dl.postprofile``/``p.author``, date in
``p.author time[datetime]`` (or its text), body ``div.content``.  Quotes
(``blockquote`` with ``cite`` "NAME wrote:") go to ``Post.quotes`` and out of the body;
the quoted post (``cite a[data-post-id]``, else the quoted author's latest earlier post)
becomes the reply's target.  The topic's first post is the article."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, clean_name, cls, first, id_number, iso_time, xp
from discourse.read.htmltext import text_of

NAME = "phpbb"
SELECTORS = {
    "item": f"//div[{cls('post')}][starts-with(@id, 'p')][.//div[{cls('postbody')}]]",
    "author": f".//dl[{cls('postprofile')}]//a[{cls('username', 'username-coloured')}]"
              f"|.//p[{cls('author')}]//a[{cls('username', 'username-coloured')}]"
              f"|.//p[{cls('author')}]//strong|.//dl[{cls('postprofile')}]//dt",
    "time": f".//p[{cls('author')}]//time",
    "byline": f".//p[{cls('author')}]",
    "subject": ".//h3",
    "body": f".//div[{cls('content')}]",
    "quote": "./blockquote|./div/blockquote",
    "furniture": f".//*[{cls('signature', 'notice', 'post-buttons')}]",
    "title": f"//h2[{cls('topic-title')}]|//h2",
    "count": f"//div[{cls('pagination')}]",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}
_WROTE = re.compile(r"^(.*?)\s+(?:wrote|a écrit|schrieb|escribió|ha scritto|написал\w*)\s*:", re.I)
_POSTS = re.compile(r"(\d[\d,.]*)\s+(?:posts?|Beiträge|messages|mensajes|сообщени\w*)", re.I)


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """phpBB posts in ``root``, or None."""
    items = _X["item"](root)
    if not items:
        return None
    posts: list[Post] = []
    targets: dict[str, str] = {}
    latest: dict[str, str] = {}
    keys: set[str] = set()
    article = published = None
    quoted = 0
    for i, div in enumerate(items):
        pid = id_number(div.get("id"))
        key = pid or f"pb{i}"
        author_el = first(div, _X["author"])
        author = clean_name(author_el.text_content()) if author_el is not None else None
        time_el = first(div, _X["time"])
        stamp = iso_time(time_el.get("datetime")) if time_el is not None else None
        if stamp is None:
            byline = first(div, _X["byline"])
            if byline is not None:
                stamp = iso_time(" ".join(byline.text_content().split("»")[-1].split()))
        body = first(div, _X["body"])
        quotes: list[str] = []
        quote_els: list[HtmlElement] = []
        target = None
        if body is not None:
            for bq in _X["quote"](body):
                quote_els.append(bq)
                cite = bq.find(".//cite")
                ref = cite.find(".//a[@data-post-id]") if cite is not None else None
                name = None
                if cite is not None:
                    m = _WROTE.match(" ".join(cite.text_content().split()))
                    name = clean_name(m.group(1)) if m else None
                inner = text_of(bq, lambda e: e.tag == "cite")
                if inner:
                    quotes.append(inner)
                if target is None and ref is not None and ref.get("data-post-id") in keys:
                    target = ref.get("data-post-id")
                if target is None and name and name.casefold() in latest:
                    target = latest[name.casefold()]
            skip = (set(quote_els) | set(_X["furniture"](div))).__contains__
            text = text_of(body, skip)
        else:
            text = ""
        subject = first(div, _X["subject"])
        if i == 0 and subject is not None and not re.match(
                r"^\s*re\s*:", subject.text_content(), re.I):
            article, published = text, stamp
            keys.add(key)
            if author:
                latest[author.casefold()] = key
            continue
        if target:
            targets[key] = target
            quoted += 1
        posts.append(Post(key=key, parent=None, text=text, author=author, timestamp=stamp,
                          quotes=quotes, platform_id=pid,
                          permalink=f"#p{pid}" if pid else None))
        keys.add(key)
        if author:
            latest[author.casefold()] = key
    if not posts:
        return None
    # The article post is not a comment: a quote of it answers the article.
    targets = {k: v for k, v in targets.items() if any(p.key == v for p in posts)}
    found = Found(NAME, posts, targets=targets, article=article,
                  sections=list(items),
                  evidence=[f"{len(items)} div.post with div.postbody (flat)",
                            f"{quoted} quote(s) naming an earlier post "
                            f"({len(targets)} of them a comment)"
                            + ("; first post is the topic's opening post" if article is not None
                               else "")])
    found.published = published
    title = _X["title"](root)
    if title:
        found.title = " ".join(title[0].text_content().split())
    for pag in _X["count"](root):
        m = _POSTS.search(pag.text_content())
        if m:
            from discourse.read.html.base import number

            total = number(m.group(1))
            if total is not None:
                found.expected = total - (1 if article is not None else 0)
            break
    return found

