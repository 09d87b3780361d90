"""Discourse forum topics, both as the server renders them for crawlers and saved pages
without JavaScript (``div.crawler-post`` / schema.org ``DiscussionForumPosting``
microdata: ``itemprop=author/name``, ``time[datetime]``, ``itemprop=position``, body
``div.post[itemprop=text]``) and as the app renders them (``article[id^=post_]
[data-post-id]``, ``div.cooked``, ``a.reply-to-tab``, ``span[data-time]``).  Posts are
flat; the first post (#1) is the article.  A quote (``aside.quote[data-post]``) or the
reply-to tab names the post a reply answers: it becomes the target."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, clean_name, cls, first, iso_time, number, xp
from discourse.read.htmltext import text_of

NAME = "discourse"
SELECTORS = {
    "crawler": f"//div[{cls('crawler-post')}]|//div[@itemtype='http://schema.org/DiscussionForumPosting' "
               f"and .//*[@itemprop='text' or @itemprop='articleBody']]",
    "app": "//article[starts-with(@id, 'post_')][@data-post-id]",
    "author": ".//*[@itemprop='author']//*[@itemprop='name']|.//*[@itemprop='author']"
              f"|.//*[{cls('names')}]//a|.//*[{cls('creator')}]//a",
    "time": ".//time[@datetime]|.//*[@data-time]",
    "position": ".//*[@itemprop='position']",
    "body": f".//*[@itemprop='text' or @itemprop='articleBody']|.//div[{cls('cooked')}]"
            f"|.//div[{cls('post')}]",
    "likes": ".//meta[@itemprop='userInteractionCount']/@content"
             f"|.//*[{cls('post-likes')}]|.//button[{cls('like-count')}]",
    "reply_to": f".//*[{cls('reply-to-tab')}]",
    "quote": f".//aside[{cls('quote')}]",
    "title": "//*[@id='topic-title']//h1|//h1",
    "outlet": "//*[@id='main-outlet']",
    "count": f"//*[{cls('posts-count', 'replies')}]",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Discourse posts in ``root``, or None."""
    items, kind = _X["app"](root), "article[id^=post_] (app view)"
    if not items:
        items, kind = _X["crawler"](root), "div.crawler-post (crawler view)"
    if not items:
        return None
    posts: list[Post] = []
    targets: dict[str, str] = {}
    by_number: dict[str, str] = {}
    latest: dict[str, str] = {}
    article = published = None
    for i, el in enumerate(items):
        number_ = _post_number(el, i)
        key = f"p{number_}"
        author_el = first(el, _X["author"])
        author = clean_name(author_el.text_content()) if author_el is not None else None
        time_el = first(el, _X["time"])
        stamp = None
        if time_el is not None:
            stamp = iso_time(time_el.get("datetime") or time_el.get("data-time"))
        body = first(el, _X["body"])
        quote_els = _X["quote"](body) if body is not None else []
        quotes, target = [], None
        for aside in quote_els:
            block = aside.find(".//blockquote")
            if block is not None and text_of(block):
                quotes.append(text_of(block))
            ref = aside.get("data-post")
            if target is None and ref and f"p{ref}" in by_number.values():
                target = f"p{ref}"
            name = (aside.get("data-username") or "").casefold()
            if target is None and name in latest:
                target = latest[name]
        tab = first(el, _X["reply_to"])
        if target is None and tab is not None:
            name = " ".join(tab.text_content().split()).casefold()
            target = latest.get(name)
        text = text_of(body, set(quote_els).__contains__) if body is not None else ""
        likes = _X["likes"](el)
        score = number(str(likes[0]) if isinstance(likes[0], str) else likes[0].text_content()) \
            if likes else None
        by_number[number_] = key
        if author:
            latest[author.casefold()] = key
        if number_ == "1":
            article, published = text, stamp
            continue
        if target and target != "p1":
            targets[key] = target
        posts.append(Post(key=key, parent=None, text=text, author=author, timestamp=stamp,
                          score=score, quotes=quotes, platform_id=el.get("data-post-id") or number_,
                          permalink=_permalink(el)))
    if not posts:
        return None
    targets = {k: v for k, v in targets.items() if any(p.key == v for p in posts)}
    found = Found(NAME, posts, targets=targets, article=article,
                  sections=list(items),
                  evidence=[f"{len(items)} {kind}", f"{len(targets)} replies name their target "
                                                     f"(quote or reply-to)"])
    found.published = published
    title = _X["title"](root)
    if title:
        found.title = " ".join(title[0].text_content().split())
    return found


def _post_number(el: HtmlElement, i: int) -> str:
    pos = first(el, _X["position"])
    if pos is not None:
        m = re.search(r"\d+", pos.text_content())
        if m:
            return m.group()
    m = re.search(r"post_(\d+)", el.get("id") or "")
    return m.group(1) if m else str(i + 1)


def _permalink(el: HtmlElement) -> str | None:
    for a in el.iter("a"):
        if a.get("data-share-url") or "post-date" in (a.get("class") or ""):
            return a.get("href")
    link = el.find(".//link[@itemprop='url']")
    return link.get("href") if link is not None else None
