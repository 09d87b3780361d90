"""YouTube InnerTube ``/youtubei/v1/next`` responses: the JSON the YouTube web client
receives for a watch page and for its comment pages, as NewPipe's test mocks, browser
"save response" and scraping tools keep them.

A video's comments come in several responses, read as one document:

* the **comments page** (``X.comments.json``): the continuation response whose
  ``reloadContinuationItemsCommand`` fills ``comments-section`` with the first top-level
  comments (about 20);
* **reply pages** beside it (``X.comments_replies1.json``, ``X.replies….json``): the
  responses that fill ``comment-replies-item-<comment id>`` with one comment's replies;
* the **watch page** beside it (``X.watch.json``): the ``next`` response of the video
  itself, giving the title (``videoPrimaryInfoRenderer``), the date, the channel and the
  description (``videoSecondaryInfoRenderer``) — the article.

Comments are read in either encoding the web client has used: the current one
(``commentThreadRenderer``/``commentViewModel`` items naming ``commentEntityPayload``
entities sent in ``frameworkUpdates.entityBatchUpdate.mutations``: ``commentId``,
``content.content``, ``author.displayName``, ``toolbar.likeCountNotliked``,
``replyCount``) and the earlier ``commentRenderer`` (``contentText.runs``,
``authorText``, ``voteCount``).  A reply's id is ``<top-level id>.<reply id>``: its
parent.  The comments page read alone is the thread (reply pages and the watch page
beside it are added); a reply page or the watch page read alone yields nothing when the
comments page is beside it (that file reads them), else what it holds, with a warning.

Pages of another video (their continuation tokens name the video id) are not merged.
Comment times are relative ("4 years ago") in these responses: ``timestamp`` stays
empty.  The header's comment count above the comments present sets ``Thread.missing``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.companions import beside, read_with, unpacked_name
from discourse.read.detect import has_keys
from discourse.read.source import Document
from discourse.read.structured import load_json, unknown_json
from discourse.read.youtube import WATCH, count, exact_count, finish, parent_of, site_for

__all__ = ["read", "sniff"]

NAME = "youtube-innertube-json"
DESCRIBES = ("YouTube InnerTube /next responses (a comments page, with its .watch.json and "
             "reply pages beside it)")
SYNTAX = "json"

_MARKS = (b"comments-section", b"comment-replies-item-", b'"commentThreadRenderer"',
          b'"commentViewModel"', b'"commentEntityPayload"', b'"commentRenderer"')
_PAGE = re.compile(r"^(?P<base>.+?)\.(?:comments|replies)[\w.-]*?\.json$", re.I)
_WATCH = re.compile(r"^(?P<base>.+?)\.watch\.json$", re.I)
_VIDEO_IN_TOKEN = re.compile(rb"\x12\x0b([A-Za-z0-9_-]{11})")


def sniff(head: bytes) -> str | None:
    """A ``responseContext`` with comment renderers or the comments section's target, or
    a watch page (``twoColumnWatchNextResults``)."""
    if has_keys(head, "twoColumnWatchNextResults"):
        return "JSON of a YouTube InnerTube watch-page response (twoColumnWatchNextResults)"
    if has_keys(head, "responseContext") and any(mark in head for mark in _MARKS):
        return ("JSON of a YouTube InnerTube comments response (responseContext, "
                "comments-section / comment renderers)")
    return None


# -- one response --------------------------------------------------------------------------

@dataclass
class _Comment:
    cid: str
    text: str
    author: str | None
    channel: str | None
    likes: int | None
    replies: int | None
    creator: bool


@dataclass
class _Page:
    comments: list[_Comment] = field(default_factory=list)
    total: int | None = None
    top_level: bool = False
    more: bool = False
    video: str | None = None


def _runs(value: object) -> str:
    if not isinstance(value, dict):
        return ""
    if isinstance(value.get("simpleText"), str):
        return value["simpleText"]
    runs = value.get("runs")
    if not isinstance(runs, list):
        return ""
    return "".join(r.get("text", "") for r in runs
                   if isinstance(r, dict) and isinstance(r.get("text"), str))


def _walk(data: Any) -> Iterator[tuple[str | None, Any]]:
    """``(key, value)`` for every value in ``data``, depth-first in document order,
    without recursion."""
    stack: list[tuple[str | None, Any]] = [(None, data)]
    while stack:
        key, value = stack.pop()
        yield key, value
        if isinstance(value, dict):
            stack.extend(reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((None, v) for v in reversed(value))


def _video_of_token(token: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(unquote(token) + "=" * (-len(unquote(token)) % 4))
    except (ValueError, TypeError):
        return None
    m = _VIDEO_IN_TOKEN.search(raw[:64])
    return m.group(1).decode("ascii") if m else None


def _entity(payload: dict[str, Any]) -> _Comment | None:
    props = payload.get("properties")
    if not isinstance(props, dict) or not isinstance(props.get("commentId"), str):
        return None
    content = props.get("content")
    text = content.get("content") if isinstance(content, dict) else None
    author = payload.get("author") if isinstance(payload.get("author"), dict) else {}
    toolbar = payload.get("toolbar") if isinstance(payload.get("toolbar"), dict) else {}
    name = author.get("displayName")
    return _Comment(props["commentId"], text if isinstance(text, str) else "",
                    name if isinstance(name, str) and name else None,
                    author.get("channelId") if isinstance(author.get("channelId"), str) else None,
                    count(toolbar.get("likeCountNotliked", toolbar.get("likeCountLiked"))),
                    count(toolbar.get("replyCount")), author.get("isCreator") is True)


def _legacy(renderer: dict[str, Any]) -> _Comment | None:
    cid = renderer.get("commentId")
    if not isinstance(cid, str):
        return None
    endpoint = renderer.get("authorEndpoint")
    browse = endpoint.get("browseEndpoint") if isinstance(endpoint, dict) else None
    channel = browse.get("browseId") if isinstance(browse, dict) else None
    author = _runs(renderer.get("authorText")) or None
    return _Comment(cid, _runs(renderer.get("contentText")), author,
                    channel if isinstance(channel, str) else None,
                    count(_runs(renderer.get("voteCount")) or "0"),
                    count(renderer.get("replyCount")),
                    renderer.get("authorIsChannelOwner") is True)


def _page(data: Any) -> _Page:
    page = _Page()
    entities: dict[str, _Comment] = {}
    by_id: dict[str, _Comment] = {}
    order: list[tuple[str, str | None]] = []  # (comment id, entity key) in document order
    legacy: dict[str, _Comment] = {}
    for key, value in _walk(data):
        if not isinstance(value, dict):
            if key == "token" and isinstance(value, str) and page.video is None:
                page.video = _video_of_token(value)
            continue
        if key == "commentEntityPayload":
            found = _entity(value)
            if found is not None:
                entities[str(value.get("key"))] = found
                by_id.setdefault(found.cid, found)
        elif key == "commentRenderer":
            found = _legacy(value)
            if found is not None and found.cid not in legacy:
                legacy[found.cid] = found
                order.append((found.cid, None))
        elif isinstance(value.get("commentId"), str) and isinstance(value.get("commentKey"), str):
            order.append((value["commentId"], value["commentKey"]))
        elif key == "commentsHeaderRenderer":
            page.total = exact_count(_runs(value.get("countText")).split(" ")[0])
            page.top_level = True
        elif value.get("targetId") == "comments-section" and isinstance(
                value.get("continuationItems"), list):
            page.top_level = True
            items = value["continuationItems"]
            if items and isinstance(items[-1], dict) and "continuationItemRenderer" in items[-1]:
                page.more = True
    seen: set[str] = set()
    for cid, ekey in order:
        comment = legacy.get(cid) if ekey is None else entities.get(ekey) or by_id.get(cid)
        if comment is not None and comment.cid not in seen:
            seen.add(comment.cid)
            page.comments.append(comment)
    for comment in entities.values():  # entities no view model names: mutation order
        if comment.cid not in seen:
            seen.add(comment.cid)
            page.comments.append(comment)
    if any(parent_of(c.cid) is None for c in page.comments):
        page.top_level = True
    return page


# -- the watch page --------------------------------------------------------------------------

@dataclass
class _Video:
    video: str | None = None
    title: str = ""
    description: str = ""
    channel: str | None = None
    handle: str | None = None
    channel_id: str | None = None
    published: str | None = None


def _date(text: str) -> str | None:
    cleaned = re.sub(r"^(?:Premiered|Streamed live on|Published on|Started streaming on)\s+",
                     "", text.strip())
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned)  # en-GB
    for fmt in ("%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _watch(data: Any) -> _Video:
    out = _Video()
    for key, value in _walk(data):
        if not isinstance(value, dict):
            continue
        if key == "watchEndpoint" and out.video is None and isinstance(value.get("videoId"), str):
            out.video = value["videoId"]
        elif key == "videoPrimaryInfoRenderer" and not out.title:
            out.title = _runs(value.get("title"))
            out.published = _date(_runs(value.get("dateText")))
        elif key == "videoSecondaryInfoRenderer" and out.channel is None:
            described = value.get("attributedDescription")
            if isinstance(described, dict) and isinstance(described.get("content"), str):
                out.description = described["content"]
            else:
                out.description = _runs(value.get("description"))
            owner = value.get("owner")
            renderer = owner.get("videoOwnerRenderer") if isinstance(owner, dict) else None
            if isinstance(renderer, dict):
                out.channel = _runs(renderer.get("title")) or None
                for k, v in _walk(renderer):
                    if k == "browseEndpoint" and isinstance(v, dict):
                        base = v.get("canonicalBaseUrl")
                        if isinstance(base, str) and base.startswith("/@"):
                            out.handle = unquote(base[1:])
                        if isinstance(v.get("browseId"), str):
                            out.channel_id = v["browseId"]
                        break
    return out


# -- the files of one video -------------------------------------------------------------------

def _base(path: Path) -> tuple[str | None, bool]:
    """``(base name, is a watch page name)`` of ``X.comments….json``/``X.watch.json``."""
    name = unpacked_name(path.name)
    m = _WATCH.match(name)
    if m:
        return m.group("base"), True
    m = _PAGE.match(name)
    return (m.group("base"), False) if m else (None, False)


def _pages_beside(path: Path, base: str) -> list[Path]:
    try:
        names = sorted(p for p in path.parent.iterdir() if p.is_file())
    except OSError:
        return [path]
    out = []
    for p in names:
        m = _PAGE.match(unpacked_name(p.name))
        if m and m.group("base") == base:
            out.append(p)
    return out or [path]


def _load(path: Path, doc: Document) -> Any:
    return load_json(Document.at(path, doc.max_bytes))


def read(doc: Document) -> Iterator[Thread]:
    """The video's thread (see the module docs).  Raises :class:`InputError` for
    malformed JSON or a response without comments or video."""
    data = load_json(doc)
    if not isinstance(data, dict):
        raise unknown_json(doc, "not an InnerTube response object")
    base, is_watch = _base(doc.path) if not doc.is_folder else (None, False)
    own = _page(data)
    video = _watch(data)
    if is_watch and base is not None:
        pages = [p for p in _pages_beside(doc.path, base) if p != doc.path]
        if pages and not own.comments:
            read_with(doc, "youtube-innertube", "the watch page", pages[0])
            return
    pages = [doc.path] if base is None else _pages_beside(doc.path, base)
    loaded: dict[Path, _Page] = {doc.path: own}
    reader = doc.path
    if len(pages) > 1:
        for p in pages:
            if p not in loaded:
                try:
                    loaded[p] = _page(_load(p, doc))
                except InputError as exc:
                    raise InputError(doc.source, f"page beside it: {exc}") from None
        reader = next((p for p in pages if loaded[p].top_level), pages[0])
        if reader != doc.path:
            read_with(doc, "youtube-innertube", "a reply page", reader)
            return
    watch_path = beside(doc.path, [f"{base}.watch.json"]) if base and not is_watch else None
    if watch_path is not None:
        video = _watch(_load(watch_path, doc))
    if not own.comments and not video.title and not video.video:
        raise InputError(doc.source, "an InnerTube response without comments or video "
                                     "details (not a watch page or comments page)")
    yield _thread(doc, video, own, [(p, loaded[p]) for p in pages if p != doc.path],
                  watch_path)


def _thread(doc: Document, video: _Video, own: _Page, others: list[tuple[Path, _Page]],
            watch_path: Path | None) -> Thread:
    vid = video.video or own.video
    thread = Thread(source=None, layout=None, title=video.title, article=video.description,
                    url=WATCH + vid if vid else None, format=NAME, thread_id=vid,
                    published=video.published)
    comments = list(own.comments)
    for path, page in others:
        if vid and page.video and page.video != vid:
            thread.warnings.append(f"{path.name}: a page of video {page.video}, not "
                                   f"{vid}; left out")
            continue
        comments += page.comments
    creator = next((c for c in comments if c.creator and c.author), None)
    thread.author = creator.author if creator else (video.handle or video.channel)
    channel_id = video.channel_id or (creator.channel if creator else None)
    handle = video.handle or (creator.author if creator and creator.author
                              and creator.author.startswith("@") else None)
    thread.site = site_for(handle, channel_id)
    posts = []
    seen: set[str] = set()
    for c in comments:
        if c.cid in seen:
            continue
        seen.add(c.cid)
        posts.append(Post(key=c.cid, parent=parent_of(c.cid), text=c.text, author=c.author,
                          score=c.likes, platform_id=c.cid,
                          permalink=f"{WATCH}{vid}&lc={c.cid}" if vid else None))
    thread.comments = assemble(posts, thread.warnings)
    if not video.title and not video.description:
        thread.warnings.append("no watch page beside the comments (X.watch.json): title "
                               "and article unknown")
    present = len(posts)
    missing = None
    if own.total is not None and own.total > present:
        missing = own.total - present
    else:
        replies = sum(c.replies or 0 for c in comments if parent_of(c.cid) is None)
        present_replies = sum(1 for p in posts if p.parent is not None)
        if replies > present_replies:
            missing = replies - present_replies
    if missing:
        thread.missing = missing
        thread.warnings.append(f"{missing} comment(s) not in the files (the video counts "
                               f"{own.total if own.total is not None else 'more replies'}; "
                               f"each response holds one page)")
    elif own.more:
        thread.warnings.append("more comments on pages not in the files (the response ends "
                               "with a continuation)")
    if not posts:
        thread.warnings.append("no comments in this response (comments come in "
                               "continuation responses: save the comments page beside it "
                               "as X.comments.json)")
    finish(thread)
    if doc.explaining:
        doc.explain.append(
            f"youtube-innertube: {present} comment(s) from {1 + len(others)} page(s)"
            + (f" ({', '.join(p.name for p, _ in others)})" if others else "")
            + (f"; video details from {watch_path.name}" if watch_path else ""))
    return thread
