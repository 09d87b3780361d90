"""Reply chains of saved tweet pages: old twitter.com permalink pages (2014–2019
markup: ``div.permalink-tweet`` and ``li.ThreadedConversation``) and Nitter
(``div.main-tweet``, ``div.replies > div.reply``).

The conversation's first tweet is the article: the earliest tweet the page shows above the
focal tweet (``permalink-in-reply-tos`` / Nitter's ``before-tweet``), else the focal
tweet itself.  Above the focal tweet every tweet answers the one before it, and the focal
tweet answers the last of them.  Below it, each reply chain (``li.ThreadedConversation``,
Nitter's ``div.reply``) starts with a reply to the focal tweet, and every later tweet of
the chain answers the tweet before it (that is how both show a conversation branch);
a lone reply answers the focal tweet.  Nitter's ``after-tweet`` (the author's own
continuation) chains below the focal tweet likewise.

Keys: ``platform_id`` is the tweet id (``data-tweet-id``; Nitter's ``/status/<id>``
link); author the screen name without "@"; time ``span._timestamp[data-time]`` (Unix
seconds) or Nitter's date title ("Jan 5, 2021 · 12:34 PM UTC"); score the likes.
"More replies" links are counted in ``Thread.missing`` when they give a number.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, cls, iso_time, number, xp
from discourse.read.htmltext import text_of

NAME = "twitter"
SELECTORS = {
    # twitter.com (2014-2019)
    "tw_focal": f"//div[{cls('permalink-tweet')}][@data-tweet-id]",
    "tw_before": f"//div[{cls('permalink-in-reply-tos')}]//div[{cls('tweet')}][@data-tweet-id]",
    "tw_replies": f"//div[{cls('replies-to')}]//ol[{cls('stream-items')}]"
                  f"[not(ancestor::ol[{cls('stream-items')}])]/li",
    "tw_tweet": f".//div[{cls('tweet')}][@data-tweet-id]",
    "tw_text": f".//p[{cls('tweet-text')}]",
    "tw_time": f".//span[{cls('_timestamp')}][@data-time]|.//*[@data-time-ms]",
    "tw_likes": f".//*[{cls('ProfileTweet-action--favorite')}]//*[@data-tweet-stat-count]",
    "tw_more": f".//*[{cls('ThreadedConversation-moreReplies')}]",
    # Nitter
    "n_main": f"//div[{cls('main-tweet')}]",
    "n_before": f"//div[{cls('before-tweet')}]//div[{cls('timeline-item')}][.//a[{cls('tweet-link')}]]",
    "n_after": f"//div[{cls('after-tweet')}]//div[{cls('timeline-item')}][.//a[{cls('tweet-link')}]]",
    "n_reply": f"//div[{cls('replies')}]/div[{cls('reply')}]",
    "n_item": f".//div[{cls('timeline-item')}][.//a[{cls('tweet-link')}]]",
    "n_link": f".//a[{cls('tweet-link')}]/@href",
    "n_user": f".//a[{cls('username')}]",
    "n_date": f".//span[{cls('tweet-date')}]/a",
    "n_text": f".//div[{cls('tweet-content')}]",
    "n_likes": f".//span[{cls('icon-heart')}]/..",
    "n_more": f".//a[{cls('more-replies-text')}]",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}
_STATUS = re.compile(r"/status(?:es)?/(\d+)")


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """The reply tree of a twitter.com permalink page or a Nitter tweet page, or None."""
    focal = _X["tw_focal"](root)
    if focal:
        return _twitter(root, focal[0])
    main = _X["n_main"](root)
    if main:
        return _nitter(root, main[0])
    return None


def _chain(tweets: list[tuple[str, Post]], focal: str | None, posts: list[Post]) -> None:
    """Posts of one chain below the focal tweet: each answers the one before."""
    parent = focal
    for key, post in tweets:
        post.parent = parent
        posts.append(post)
        parent = key


def _build(layout: str, root_post: tuple[str, Post, str | None], before: list[tuple[str, Post]],
           focal: tuple[str, Post], chains: list[list[tuple[str, Post]]], evidence: list[str],
           missing: int | None) -> Found:
    """The article (the conversation's first tweet) and the tree of the rest."""
    article_key, article_post, _ = root_post
    posts: list[Post] = []
    parent: str | None = None
    for key, post in before:
        if key == article_key:
            continue
        post.parent = parent
        posts.append(post)
        parent = key
    focal_key, focal_post = focal
    if focal_key != article_key:
        focal_post.parent = parent
        posts.append(focal_post)
        anchor: str | None = focal_key
    else:
        anchor = None
    for chain in chains:
        _chain(chain, anchor, posts)
    found = Found(layout, posts, article=article_post.text, evidence=evidence)
    found.author = article_post.author
    found.published = article_post.timestamp
    found.thread_id = article_key
    if missing:
        found.expected = len(posts) + missing
    return found


# -- twitter.com ----------------------------------------------------------------------
def _tw_post(tweet: HtmlElement) -> tuple[str, Post]:
    tid = tweet.get("data-tweet-id") or ""
    name = tweet.get("data-screen-name")
    text_el = next(iter(_X["tw_text"](tweet)), None)
    time_el = next(iter(_X["tw_time"](tweet)), None)
    stamp = None
    if time_el is not None:
        stamp = iso_time(time_el.get("data-time") or time_el.get("data-time-ms"))
    likes = next(iter(_X["tw_likes"](tweet)), None)
    path = tweet.get("data-permalink-path")
    return tid, Post(key=tid, parent=None,
                     text=text_of(text_el) if text_el is not None else "",
                     author=name, timestamp=stamp,
                     score=number(likes.get("data-tweet-stat-count")) if likes is not None else None,
                     platform_id=tid or None,
                     permalink=f"https://twitter.com{path}" if path else None)


def _twitter(root: HtmlElement, focal_el: HtmlElement) -> Found | None:
    before = [_tw_post(t) for t in _X["tw_before"](root)]
    focal = _tw_post(focal_el)
    chains: list[list[tuple[str, Post]]] = []
    more = 0
    for li in _X["tw_replies"](root):
        tweets = [t for t in _X["tw_tweet"](li)]
        if tweets:
            chains.append([_tw_post(t) for t in tweets])
        for link in _X["tw_more"](li):
            more += number(link.text_content()) or 0
    if not before and not chains:
        return None
    root_post = before[0] if before else focal
    found = _build("twitter", (root_post[0], root_post[1], None), before, focal, chains,
                   [f"twitter.com permalink page: {len(before)} tweet(s) above the focal "
                    f"tweet, {len(chains)} reply chain(s)",
                    "each chain's tweets answer the one before; a chain starts at the "
                    "focal tweet"], more or None)
    found.url = focal[1].permalink
    found.site = "twitter.com"
    found.sections = [focal_el] + list(_X["tw_replies"](root))
    return found


# -- Nitter ---------------------------------------------------------------------------
def _n_post(item: HtmlElement) -> tuple[str, Post]:
    link = next(iter(_X["n_link"](item)), "")
    m = _STATUS.search(str(link))
    tid = m.group(1) if m else ""
    user = next(iter(_X["n_user"](item)), None)
    handle = " ".join(user.text_content().split()).lstrip("@") if user is not None else None
    date = next(iter(_X["n_date"](item)), None)
    stamp = None
    if date is not None:
        title = (date.get("title") or "").replace("·", " ")
        stamp = iso_time(" ".join(title.split()))
    text_el = next(iter(_X["n_text"](item)), None)
    likes = next(iter(_X["n_likes"](item)), None)
    return tid or f"n{id(item)}", Post(
        key=tid or f"n{id(item)}", parent=None,
        text=text_of(text_el) if text_el is not None else "", author=handle or None,
        timestamp=stamp, score=number(likes.text_content()) if likes is not None else None,
        platform_id=tid or None, permalink=str(link).split("#")[0] or None)


def _nitter(root: HtmlElement, main: HtmlElement) -> Found | None:
    before = [_n_post(i) for i in _X["n_before"](root)]
    items = _X["n_item"](main)
    focal = _n_post(items[0] if items else main)
    after = [_n_post(i) for i in _X["n_after"](root)]
    chains = [after] if after else []
    more = 0
    reply_blocks = _X["n_reply"](root)
    for block in reply_blocks:
        chain = [_n_post(i) for i in _X["n_item"](block)]
        if chain:
            chains.append(chain)
        for link in _X["n_more"](block):
            more += number(link.text_content()) or 0
    if not before and not any(chains):
        return None
    root_post = before[0] if before else focal
    found = _build("nitter", (root_post[0], root_post[1], None), before, focal, chains,
                   [f"Nitter tweet page: {len(before)} tweet(s) above the main tweet, "
                    f"{len(reply_blocks)} reply chain(s)",
                    "each chain's tweets answer the one before; a chain starts at the main "
                    "tweet"], more or None)
    found.sections = [main] + list(reply_blocks)
    return found
