"""Reddit comment pages.

* Old Reddit (``old.reddit.com/r/…/comments/…``): ``div.thing.comment`` elements with
  replies inside ``div.child``; ``data-fullname``/``data-author``/``data-permalink``
  attributes, scores in ``span.score.unvoted``, times in ``time[datetime]``;
  ``div.thing.morechildren`` ("load more comments (5 replies)") counts comments that were
  not loaded.  The link ``div.thing.link`` gives title, subreddit and self-text (the
  article).
* Today's Reddit ("shreddit" web components): nested ``shreddit-comment`` elements with
  ``thingid``/``parentid``/``author``/``score``/``depth``/``permalink`` attributes, body in
  ``div[slot=comment]``, time in ``faceplate-timeago[ts]``; the ``shreddit-post`` gives
  title, subreddit, comment count, date and self-text (``[slot=text-body]``).
"""

from __future__ import annotations

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import (
    Found,
    clean_name,
    cls,
    detach,
    dom_parents,
    either,
    first,
    iso_time,
    number,
    xp,
)
from discourse.read.htmltext import text_of

NAME = "reddit"
SELECTORS = {
    "item": f"//div[{cls('thing')}][{cls('comment')}]",
    "more": f"//div[{cls('thing')}][{cls('morechildren')}]",
    "author": f"./div[{cls('entry')}]//p[{cls('tagline')}]//a[{cls('author')}]",
    "score_unvoted": f"./div[{cls('entry')}]//p[{cls('tagline')}]//span[{cls('score')}]"
                     f"[{cls('unvoted')}]",
    "score": f"./div[{cls('entry')}]//p[{cls('tagline')}]//span[{cls('score')}]",
    "time": f"./div[{cls('entry')}]//p[{cls('tagline')}]//time[@datetime]",
    "body": f"./div[{cls('entry')}]//div[{cls('usertext-body')}]//div[{cls('md')}]",
    "link": f"//div[{cls('thing')}][{cls('link')}]",
    "link_title": f".//a[{cls('title')}]",
    "self_text": f".//div[{cls('expando')}]//div[{cls('md')}]",
    "comments_link": f".//a[{cls('comments')}]",
    "area": f"//div[{cls('commentarea')}]",
    # today's Reddit
    "new_item": "//shreddit-comment",
    "new_time": ".//faceplate-timeago[@ts]|.//time[@datetime]",
    "new_body": ".//*[@slot='comment']|.//*[contains(@id, '-comment-rtjson-content')]"
                f"|.//div[{cls('md')}]",
    "new_post": "//shreddit-post",
    "new_post_body": ".//*[@slot='text-body']|.//*[contains(@id, '-post-rtjson-content')]",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Old-Reddit comments in ``root``, or None."""
    items = _X["item"](root)
    if not items:
        return _shreddit(root)
    keys: dict[HtmlElement, str] = {}
    posts = []
    parents = dom_parents(items)
    area = _X["area"](root) or [items[0].getparent()]
    detach(items)
    for i, (thing, parent) in enumerate(zip(items, parents, strict=True)):
        full = thing.get("data-fullname") or (thing.get("id") or "").removeprefix("thing_")
        pid = full.removeprefix("t1_") or None
        key = keys[thing] = pid or f"rd{i}"
        classes = (thing.get("class") or "").split()
        author = thing.get("data-author")
        if not author:
            a = first(thing, _X["author"])
            author = a.text_content() if a is not None else None
        score_el = either(first(thing, _X["score_unvoted"]), first(thing, _X["score"]))
        score = None
        if score_el is not None:
            score = number(score_el.get("title")) if score_el.get("title") else number(
                score_el.text_content())
        time_el = first(thing, _X["time"])
        body = first(thing, _X["body"])
        text = text_of(body) if body is not None else ""
        status = "deleted" if "deleted" in classes else None
        if author in ("[deleted]", "[removed]"):
            status, author = status or author.strip("[]"), None
        if text in ("[deleted]", "[removed]"):
            status, text = text.strip("[]"), ""
        link = thing.get("data-permalink")
        posts.append(Post(key=key, parent=keys.get(parent) if parent is not None else None,
                          text=text, author=clean_name(author), score=score, status=status,
                          timestamp=iso_time(time_el.get("datetime")) if time_el is not None
                          else None, platform_id=pid,
                          permalink=f"https://www.reddit.com{link}" if link and
                          link.startswith("/") else link))
    more = _X["more"](root)
    not_loaded = sum(number(m.text_content()) or 0 for m in more)
    found = Found(NAME, posts, sections=area,
                  evidence=[f"{len(items)} div.thing.comment", f"{sum(1 for p in posts if p.parent)}"
                            f" nested in div.child", f"{len(more)} 'load more' stubs"])
    links = _X["link"](root)
    if links:
        link = links[0]
        title = first(link, _X["link_title"])
        if title is not None:
            found.title = " ".join(title.text_content().split())
        sub = link.get("data-subreddit")
        found.site = f"reddit.com/r/{sub}" if sub else None
        found.thread_id = (link.get("data-fullname") or "").removeprefix("t3_") or None
        selftext = first(link, _X["self_text"])
        found.article = text_of(selftext) if selftext is not None else ""
        count = link.get("data-comments-count")
        if count is None:
            a = first(link, _X["comments_link"])
            count = a.text_content() if a is not None else None
        found.expected = number(count)
        if link.get("data-permalink"):
            found.url = "https://www.reddit.com" + link.get("data-permalink")
        stamp = link.get("data-timestamp")
        found.published = iso_time(stamp) if stamp else None
    elif not_loaded:
        found.expected = len(posts) + not_loaded
    if not_loaded and (found.expected is None or found.expected < len(posts) + not_loaded):
        found.expected = len(posts) + not_loaded
    return found


def _shreddit(root: HtmlElement) -> Found | None:
    items = _X["new_item"](root)
    if not items:
        return None
    members = set(items)
    parents = dom_parents(items)
    sections = _outer(items)
    detach(items)
    posts = []
    keys: dict[HtmlElement, str] = {}
    for i, (el, parent) in enumerate(zip(items, parents, strict=True)):
        pid = (el.get("thingid") or "").removeprefix("t1_") or None
        key = keys[el] = pid or f"sr{i}"
        parent_key = (el.get("parentid") or "").removeprefix("t1_") or None
        if parent_key is None or not (el.get("parentid") or "").startswith("t1_"):
            parent_key = keys.get(parent) if parent is not None else None
        author = el.get("author")
        body = first(el, _X["new_body"], members)
        text = text_of(body) if body is not None else ""
        status = None
        if author in ("[deleted]", "[removed]"):
            status, author = author.strip("[]"), None
        if text in ("[deleted]", "[removed]"):
            status, text = text.strip("[]"), ""
        time_el = first(el, _X["new_time"], members)
        stamp = iso_time(time_el.get("ts") or time_el.get("datetime")) if time_el is not None \
            else iso_time(el.get("created"))
        link = el.get("permalink")
        posts.append(Post(key=key, parent=parent_key, text=text, author=clean_name(author),
                          score=number(el.get("score")), status=status, timestamp=stamp,
                          platform_id=pid,
                          permalink=f"https://www.reddit.com{link}" if link and
                          link.startswith("/") else link))
    found = Found(NAME, posts, sections=sections,
                  evidence=[f"{len(items)} shreddit-comment elements (today's Reddit)",
                            f"{sum(1 for p in posts if p.parent)} replies"])
    post = _X["new_post"](root)
    if post:
        el = post[0]
        title = el.get("post-title") or " ".join(
            (el.find(".//h1").text_content() if el.find(".//h1") is not None else "").split())
        found.title = title or None
        sub = el.get("subreddit-name") or (el.get("subreddit-prefixed-name") or "").removeprefix(
            "r/")
        found.site = f"reddit.com/r/{sub}" if sub else None
        found.thread_id = (el.get("id") or el.get("thingid") or "").removeprefix("t3_") or None
        found.expected = number(el.get("comment-count"))
        found.published = iso_time(el.get("created-timestamp"))
        if el.get("permalink"):
            found.url = "https://www.reddit.com" + el.get("permalink")
        body = first(el, _X["new_post_body"])
        found.article = text_of(body) if body is not None else ""
    return found


def _outer(items: list[HtmlElement]) -> list[HtmlElement]:
    """The top-level comments' parent elements (the comment tree), in order."""
    members = set(items)
    out: list[HtmlElement] = []
    for el in items:
        if any(a in members for a in el.iterancestors()):
            continue
        holder = el.getparent()
        target = holder if holder is not None and holder.tag not in ("body", "main") else el
        if target not in out:
            out.append(target)
    return out
