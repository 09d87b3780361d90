"""YouTube comments in the forms people save them, one module per form:

=====================  ==================================================================
``innertube``          InnerTube ``/youtubei/v1/next`` responses as the web client receives
                       them (a watch page; comment pages and reply pages, as NewPipe's test
                       mocks and browser tools save them), read as one document: the
                       comments page with its ``.watch.json`` and reply pages beside it
``dataapi``            YouTube Data API v3 ``commentThreads.list`` / ``comments.list``
                       responses (one page, a list of pages, or JSON lines of pages)
``ytdlp``              yt-dlp ``info.json`` written with ``--write-comments``
                       (``comments`` with ``parent`` ids)
``downloader``         youtube-comment-downloader output (JSON lines of ``cid``,
                       ``text``, ``author``, ``votes``, …; or ``--pretty`` JSON)
=====================  ==================================================================

YouTube threads are two levels deep: a top-level comment answers the video (the article:
its title and description), a reply answers its top-level comment.  Replies are flat under
it, so a reply opening with ``@name`` gets that person's latest earlier reply as
``target_id`` (:func:`discourse.read.flatreplies.at_reply_targets`).  Keys
(``Comment.platform_id``) are the comment ids as given (a reply's id is
``<top-level id>.<reply id>``).  ``Thread.author`` is the channel as its comments name it
(the ``@handle``), so the channel's own comments are the article author's.

The helpers below are shared by the four modules.
"""

from __future__ import annotations

import re

from discourse.model import Thread
from discourse.read.flatreplies import at_reply_targets
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["WATCH", "count", "finish", "parent_of", "site_for"]

WATCH = "https://www.youtube.com/watch?v="
_COUNT = re.compile(r"^\s*([\d.,]+)\s*([KkMmBb])?\b")


def count(value: object) -> int | None:
    """A count as YouTube shows it: ``52``, ``"1,234"``, ``"9.8k"``, ``"1.2M"`` (the
    abbreviated ones are approximate); None when there is none (``""``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if not isinstance(value, str):
        return None
    m = _COUNT.match(value)
    if not m:
        return None
    digits, unit = m.group(1), (m.group(2) or "").lower()
    try:
        if unit:
            number = float(digits.replace(",", "."))
            return int(round(number * {"k": 1e3, "m": 1e6, "b": 1e9}[unit]))
        return int(digits.replace(",", "").replace(".", ""))
    except ValueError:
        return None


def exact_count(value: object) -> int | None:
    """A count only when it is exact (not ``"21k"``)."""
    if isinstance(value, str) and re.search(r"[KkMmBb]\b", value):
        return None
    return count(value)


def parent_of(comment_id: str) -> str | None:
    """The top-level comment a reply id names (``A.B`` → ``A``), None for a top-level
    id."""
    head, dot, _ = comment_id.partition(".")
    return head if dot and head else None


def site_for(handle: str | None, channel_id: str | None) -> str | None:
    """``youtube.com/@handle`` or ``youtube.com/channel/<id>``."""
    if handle:
        return f"youtube.com/{handle if handle.startswith('@') else '@' + handle}"
    if channel_id:
        return f"youtube.com/channel/{channel_id}"
    return None


def finish(thread: Thread) -> None:
    """Targets of ``@name`` replies, then the thread-wide quotes and targets."""
    at_reply_targets(thread)
    attach_quotes_and_targets(thread)
