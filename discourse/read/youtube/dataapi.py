"""YouTube Data API v3 comment responses: ``commentThreads.list`` (``kind``
``youtube#commentThreadListResponse``: ``items`` of ``youtube#commentThread`` with a
``snippet.topLevelComment`` and, with ``part=replies``, ``replies.comments``) and
``comments.list`` (``youtube#commentListResponse``: ``items`` of ``youtube#comment``,
replies naming their ``parentId``).  A document is one response, a JSON array of responses
or of items (also saved without their ``kind``/``etag``), or JSON lines of responses
(pages saved one after another); its comments group into one thread per ``videoId``.

Per comment: ``id`` → ``platform_id`` (a reply's id is ``<top-level id>.<reply id>``),
``textOriginal`` (else ``textDisplay``, HTML, through the one HTML-to-text conversion) →
text, ``authorDisplayName`` → author, ``publishedAt`` → timestamp, ``likeCount`` → score,
``parentId`` (else the id's prefix) → parent.  Replies are sorted by time, as YouTube shows
them; top-level comments stay in the response's order.  ``totalReplyCount`` above the
replies present sets ``Thread.missing`` (``part=replies`` sends at most five per thread);
a ``nextPageToken`` says more pages exist (a warning).

The responses do not hold the video: a ``search.list``/``videos.list`` item (or response)
beside the file as ``<name>.video.json`` gives the title, the description (the article),
the channel and the date.  A comment whose ``authorChannelId`` is the video's channel is
the channel's own: its display name becomes ``Thread.author``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.companions import beside, read_with, unpacked_name
from discourse.read.detect import has_keys, key_value
from discourse.read.htmltext import html_to_text
from discourse.read.source import Document
from discourse.read.structured import iso_utc, json_records, load_json, unknown_json
from discourse.read.youtube import WATCH, count, finish, parent_of, site_for

__all__ = ["read", "sniff"]

NAME = "youtube-api-json"
DESCRIBES = "a YouTube Data API v3 commentThreads/comments response"
SYNTAX = "json"

_KINDS = "youtube#(?:commentThreadListResponse|commentListResponse|commentThread|comment)"
_VIDEO_KINDS = "youtube#(?:video|searchResult|videoListResponse|searchListResponse)"


def sniff(head: bytes) -> str | None:
    """``"kind": "youtube#commentThreadListResponse"`` (or a comment list, thread or
    comment)."""
    if key_value(head, "kind", _KINDS):
        return "JSON with YouTube Data API kinds (youtube#commentThread…)"
    if has_keys(head, "topLevelComment") or has_keys(head, "textOriginal", "authorDisplayName"):
        return "JSON with YouTube Data API comment fields (topLevelComment, textOriginal)"
    if key_value(head, "kind", _VIDEO_KINDS):
        return "JSON with a YouTube Data API video resource (the video of a comments response)"
    return None


def _records(doc: Document) -> list[Any]:
    """The document's JSON values: one (a response or a list), or one per line."""
    data = doc.read_bytes()
    try:
        return [load_json(doc, data)]
    except InputError:
        lines = [(n, line) for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]
        if len(lines) < 2 or not all(line.lstrip(b"\xef\xbb\xbf").lstrip()[:1] == b"{"
                                     for _, line in lines):
            raise
        return [value for _, value in json_records(
            doc, [(n, line.lstrip(b"\xef\xbb\xbf")) for n, line in lines])]


def _items(value: Any) -> Iterator[dict[str, Any]]:
    """Comment threads and comments of a response, a list of responses or items."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            kind = v.get("kind")
            snippet = v.get("snippet")
            if kind in ("youtube#commentThread", "youtube#comment"):
                yield v
            elif kind is None and isinstance(snippet, dict) and (
                    "topLevelComment" in snippet or "textOriginal" in snippet
                    or "textDisplay" in snippet):  # responses saved without their kinds
                yield v | {"kind": "youtube#commentThread" if "topLevelComment" in snippet
                           else "youtube#comment"}
            elif isinstance(v.get("items"), list):
                stack.append(v["items"])


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _text(snippet: dict[str, Any]) -> str:
    original = snippet.get("textOriginal")
    if isinstance(original, str):
        return original
    return html_to_text(snippet.get("textDisplay") or "")


def _video_info(path: Path, doc: Document) -> dict[str, Any]:
    stem = unpacked_name(path.name)
    stem = stem[:-5] if stem.lower().endswith(".json") else stem
    found = beside(path, [f"{stem}.video.json"])
    if found is None:
        return {}
    try:
        data = load_json(Document.at(found, doc.max_bytes))
    except InputError:
        return {}
    for item in [data, *(data.get("items") or [] if isinstance(data, dict) else [])]:
        if isinstance(item, dict) and isinstance(item.get("snippet"), dict):
            return item
    return {}


def _video_id(item: dict[str, Any]) -> str | None:
    ident = item.get("id")
    if isinstance(ident, dict):
        return _str(ident.get("videoId"))
    return _str(ident)


def read(doc: Document) -> Iterator[Thread]:
    """One thread per video (see the module docs).  Raises :class:`InputError` for
    malformed JSON or a document without comment threads or comments."""
    records = _records(doc)
    items = [i for r in records for i in _items(r)]
    if not items:
        name = unpacked_name(doc.path.name)
        if not doc.is_folder and name.lower().endswith(".video.json"):
            comments = beside(doc.path, [name[:-len(".video.json")] + ".json"])
            if comments is not None:
                read_with(doc, "youtube-api", "the video", comments)
                return
        raise unknown_json(doc, "no youtube#commentThread or youtube#comment items")
    more = any(isinstance(r, dict) and r.get("nextPageToken") for r in records)
    info = _video_info(doc.path, doc) if not doc.is_folder else {}
    groups: dict[str, list[tuple[dict[str, Any], str | None]]] = {}
    reply_counts: dict[str, dict[str, int]] = {}
    for item in items:
        snippet = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
        if item.get("kind") == "youtube#commentThread":
            top = snippet.get("topLevelComment")
            video = _str(snippet.get("videoId")) or ""
            if isinstance(top, dict):
                groups.setdefault(video, []).append((top, None))
                total = snippet.get("totalReplyCount")
                if isinstance(total, int) and isinstance(top.get("id"), str):
                    reply_counts.setdefault(video, {})[top["id"]] = total
            replies = item.get("replies")
            for reply in (replies.get("comments") if isinstance(replies, dict) else None) or []:
                if isinstance(reply, dict):
                    groups.setdefault(video, []).append((reply, "reply"))
        else:
            video = _str(snippet.get("videoId")) or ""
            groups.setdefault(video, []).append((item, None))
    channel = _str(info.get("snippet", {}).get("channelId")) if info else None
    for video, comments in groups.items():
        mine = info if info and (_video_id(info) in (video, None) or not video) else {}
        thread = _thread(video, comments, reply_counts.get(video, {}), mine,
                         channel if mine else None)
        if more:
            thread.warnings.append("the response has a nextPageToken: more comments on "
                                   "pages not in this file")
        if doc.explaining:
            doc.explain.append(f"youtube-api: video {video or '(unknown)'}: "
                               f"{len(thread.comments)} comment(s)"
                               + ("; video details from the .video.json beside it"
                                  if mine else ""))
        yield thread


def _thread(video: str, comments: list[tuple[dict[str, Any], str | None]],
            reply_counts: dict[str, int], info: dict[str, Any],
            channel: str | None) -> Thread:
    snippet = info.get("snippet", {}) if info else {}
    thread = Thread(source=None, layout=None, title=(_str(snippet.get("title")) or "").strip(),
                    article=_str(snippet.get("description")) or "",
                    url=WATCH + video if video else None, format="youtube-api-json",
                    thread_id=video or None,
                    published=iso_utc(_str(snippet.get("publishedAt"))))
    tops: list[Post] = []
    replies: list[tuple[str, Post]] = []
    owner: str | None = None
    seen: set[str] = set()
    for comment, _ in comments:
        cid = _str(comment.get("id"))
        s = comment.get("snippet") if isinstance(comment.get("snippet"), dict) else {}
        if cid is None or cid in seen:
            continue
        seen.add(cid)
        author_channel = s.get("authorChannelId")
        author_channel = author_channel.get("value") if isinstance(author_channel, dict) \
            else author_channel
        channel = channel or _str(s.get("channelId"))
        name = _str(s.get("authorDisplayName"))
        if owner is None and channel and author_channel == channel:
            owner = name
        parent = _str(s.get("parentId")) or parent_of(cid)
        post = Post(key=cid, parent=parent, text=_text(s), author=name,
                    timestamp=iso_utc(_str(s.get("publishedAt"))), score=count(s.get("likeCount")),
                    platform_id=cid, permalink=f"{WATCH}{video}&lc={cid}" if video else None)
        if parent is None:
            tops.append(post)
        else:
            replies.append((post.timestamp or "", post))
    replies.sort(key=lambda r: r[0])
    thread.comments = assemble(tops + [p for _, p in replies], thread.warnings)
    thread.author = owner or _str(snippet.get("channelTitle"))
    thread.site = site_for(None, channel)
    if not info:
        thread.warnings.append("no video details beside the response (<name>.video.json): "
                               "title and article unknown")
    present: dict[str, int] = {}
    for _, p in replies:
        present[p.parent or ""] = present.get(p.parent or "", 0) + 1
    missing = sum(max(0, n - present.get(top, 0)) for top, n in reply_counts.items())
    if missing:
        thread.missing = missing
        thread.warnings.append(f"{missing} repl(ies) not in the response (totalReplyCount; "
                               f"commentThreads sends at most five per thread)")
    finish(thread)
    return thread
