"""Lobsters-style story pages (lobste.rs and other sites running its code): comments
``div.comment[data-shortid]`` inside ``li.comments_subtree``, replies in a nested
``ol.comments``; byline with author link, ``time``/``span[title]`` date, score in
``div.score``, body in ``div.comment_text``.  The story (``li.story``) gives title and
text."""

from __future__ import annotations

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, clean_name, cls, first, iso_time, number, xp
from discourse.read.htmltext import text_of

NAME = "lobsters"
SELECTORS = {
    "item": f"//ol[{cls('comments')}]//div[{cls('comment')}][@data-shortid or "
            f"starts-with(@id, 'c_')][.//*[{cls('comment_text')}]]",
    "subtree": f"ancestor::li[{cls('comments_subtree')}][1]",
    "author": f".//div[{cls('byline')}]//a[not(img)][contains(@href, '/~') or "
              f"contains(@href, '/u/')]",
    "time": f".//div[{cls('byline')}]//time|.//div[{cls('byline')}]//span[@title]",
    "score": f".//div[{cls('voters')}]//*[{cls('score')}]",
    "upvoter": f".//*[{cls('upvoter')}]",
    "body": f".//div[{cls('comment_text')}]",
    "link": f".//div[{cls('byline')}]//a[contains(@href, '#c_') or contains(@href, '/c/')]",
    "story": f"//li[{cls('story')}]",
    "story_title": f".//a[{cls('u-url')}]|.//span[{cls('link')}]/a",
    "story_text": f"//div[{cls('story_text')}]",
    "list": f"//ol[{cls('comments')}][not(ancestor::ol[{cls('comments')}])]",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Lobsters comments in ``root``, or None."""
    items = _X["item"](root)
    if not items:
        return None
    by_subtree: dict[HtmlElement, str] = {}
    posts = []
    for i, div in enumerate(items):
        pid = div.get("data-shortid") or (div.get("id") or "").removeprefix("c_") or None
        key = pid or f"lb{i}"
        subtree = _X["subtree"](div)
        parent = None
        if subtree:
            by_subtree[subtree[0]] = key
            node = subtree[0].getparent()
            while node is not None:
                if node in by_subtree:
                    parent = by_subtree[node]
                    break
                node = node.getparent()
        author_el = first(div, _X["author"])
        time_el = first(div, _X["time"])
        stamp = None
        if time_el is not None:
            stamp = iso_time(time_el.get("datetime") or time_el.get("title"))
        score = None
        for score_el in (first(div, _X["score"]), first(div, _X["upvoter"])):
            if score is None and score_el is not None:
                score = number(score_el.get("title") or score_el.text_content())
        body = first(div, _X["body"])
        link = first(div, _X["link"])
        text = text_of(body) if body is not None else ""
        status = "deleted" if "deleted" in (div.get("class") or "").split() else None
        posts.append(Post(key=key, parent=parent, text=text, status=status,
                          author=clean_name(author_el.text_content()) if author_el is not None
                          else None, timestamp=stamp,
                          score=score,
                          platform_id=pid, permalink=link.get("href") if link is not None else None))
    found = Found(NAME, posts, sections=_X["list"](root),
                  evidence=[f"{len(items)} div.comment[data-shortid] in ol.comments",
                            f"{sum(1 for p in posts if p.parent)} nested in li.comments_subtree"])
    stories = _X["story"](root)
    if stories:
        title = first(stories[0], _X["story_title"])
        if title is not None:
            found.title = " ".join(title.text_content().split())
        found.thread_id = (stories[0].get("id") or "").removeprefix("story_") or None
        text = _X["story_text"](root)
        found.article = text_of(text[0]) if text else ""
    return found
