"""yt-dlp ``info.json`` files (``yt-dlp --write-info-json --write-comments``, or the
JSON lines of ``yt-dlp -j --write-comments``): one thread per video.

The video is the article: ``title``, ``description``, ``uploader``/``channel``,
``timestamp`` (else ``upload_date``), ``webpage_url``.  ``comments`` is a flat list in
display order, each with ``id``, ``parent`` (``"root"`` for a top-level comment, else the
id of the comment it replies to), ``text``, ``author``, ``author_id``, ``timestamp``
(Unix seconds, approximate: derived from "2 years ago"), ``like_count``,
``author_is_uploader``, ``is_pinned``.  A comment by the uploader names the channel as
comments do (``@handle``): that name is ``Thread.author``.  ``comment_count`` above the
comments present sets ``Thread.missing`` (``--extractor-args youtube:max_comments=…``
cuts the list).  An ``info.json`` written without ``--write-comments`` has no comments:
it reads as the video with a warning; the ``comments`` list saved alone reads as a thread
without a video.

yt-dlp writes the same fields for every site it extracts comments from; the thread's site
is the channel (``youtube.com/@handle``) on YouTube, else the page's host.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.detect import has_keys
from discourse.read.source import Document
from discourse.read.structured import domain, epoch_iso, json_records, load_json, unknown_json
from discourse.read.youtube import count, finish, site_for

__all__ = ["read", "sniff"]

NAME = "ytdlp-info-json"
DESCRIBES = "a yt-dlp info.json (with --write-comments)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """yt-dlp's video fields: ``formats`` of ``format_id``/``vcodec``, or ``extractor_key``
    / ``webpage_url`` with ``uploader``."""
    if has_keys(head, "format_id", "vcodec") or has_keys(head, "extractor_key") or (
            has_keys(head, "webpage_url") and has_keys(head, "uploader")) or has_keys(
            head, "author_is_uploader", "parent"):
        return "JSON with yt-dlp video fields (formats, extractor_key, webpage_url)"
    return None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _videos(doc: Document) -> list[dict[str, Any]]:
    data = doc.read_bytes()
    try:
        value = load_json(doc, data)
    except InputError:
        lines = [(n, line) for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]
        if len(lines) < 2:
            raise
        value = [v for _, v in json_records(doc, lines)]  # bad lines: warned
    if isinstance(value, dict) and value.get("_type") == "playlist" and isinstance(
            value.get("entries"), list):
        value = value["entries"]
    if isinstance(value, list) and value and all(
            isinstance(c, dict) and "parent" in c and "text" in c for c in value):
        value = {"comments": value}  # the comment list alone (info["comments"] saved)
    videos = [v for v in (value if isinstance(value, list) else [value])
              if isinstance(v, dict) and ("comments" in v or "title" in v)]
    if not videos:
        raise unknown_json(doc, "no yt-dlp video object (title, comments)")
    return videos


def read(doc: Document) -> Iterator[Thread]:
    """One thread per video (see the module docs)."""
    for video in _videos(doc):
        thread = _thread(video)
        if doc.explaining:
            doc.explain.append(f"ytdlp: video {thread.thread_id}: {len(thread.comments)} "
                               f"comment(s) of {video.get('comment_count', '?')}")
        yield thread


def _published(video: dict[str, Any]) -> str | None:
    stamp = epoch_iso(video.get("timestamp")) if isinstance(video.get("timestamp"), int | float) \
        and not isinstance(video.get("timestamp"), bool) else None
    if stamp:
        return stamp
    day = _str(video.get("upload_date"))
    try:
        return datetime.strptime(day, "%Y%m%d").date().isoformat() if day else None
    except ValueError:
        return None


def _thread(video: dict[str, Any]) -> Thread:
    vid = _str(video.get("id")) or (str(video["id"]) if isinstance(video.get("id"), int) else None)
    url = _str(video.get("webpage_url")) or _str(video.get("original_url"))
    comments = video.get("comments")
    items = [c for c in comments if isinstance(c, dict)] if isinstance(comments, list) else []
    uploader = next((_str(c.get("author")) for c in items
                     if c.get("author_is_uploader") is True and _str(c.get("author"))), None)
    handle = _str(video.get("uploader_id"))
    youtube = (_str(video.get("extractor_key")) or "").lower().startswith("youtube") or (
        url is not None and "youtube.com" in url)
    site = site_for(handle if handle and handle.startswith("@") else None,
                    _str(video.get("channel_id"))) if youtube else domain(url)
    thread = Thread(source=None, layout=None, title=(_str(video.get("title")) or "").strip(),
                    article=_str(video.get("description")) or "", site=site, url=url,
                    published=_published(video), format=NAME, thread_id=vid,
                    author=uploader or (handle if handle and handle.startswith("@") else None)
                    or _str(video.get("uploader")) or _str(video.get("channel")))
    posts: list[Post] = []
    skipped = 0
    for c in items:
        cid = _str(c.get("id"))
        if cid is None:
            skipped += 1
            continue
        parent = _str(c.get("parent"))
        text = c.get("text")
        stamp = c.get("timestamp")
        posts.append(Post(
            key=cid, parent=None if parent in (None, "root") else parent,
            text=text if isinstance(text, str) else "", author=_str(c.get("author")),
            timestamp=epoch_iso(stamp) if isinstance(stamp, int | float)
            and not isinstance(stamp, bool) else None,
            score=count(c.get("like_count")), platform_id=cid,
            permalink=f"{url}&lc={cid}" if url and youtube and "?" in url else None))
    thread.comments = assemble(posts, thread.warnings)
    if comments is None:
        thread.warnings.append("no comments in this info.json (yt-dlp writes them with "
                               "--write-comments)")
    elif not posts:
        thread.warnings.append("no comments: the info.json's comment list is empty")
    if skipped:
        thread.warnings.append(f"{skipped} comment(s) without an id skipped")
    total = video.get("comment_count")
    if isinstance(total, int) and not isinstance(total, bool) and total > len(posts) + skipped \
            and comments is not None:
        thread.missing = total - len(posts) - skipped
        thread.warnings.append(f"{thread.missing} comment(s) not in the file (comment_count "
                               f"{total})")
    finish(thread)
    return thread
