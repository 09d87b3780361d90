"""Shared pieces of the flat-forum detectors (Twinoid, vBulletin, XenForo, …): which
earlier post a quote names.

A flat thread shows every post at the top level; a post that quotes another names it —
by the quoted post's id (vBulletin's "Originally Posted by X" link to ``#post123``,
XenForo's ``data-source="post: 123"``), by its author (``data-author``, "X wrote:", a
user id), and by the quoted words.  :func:`quoted_post` picks the earlier post: the post
the markup names by id when it is in the thread, else the latest earlier post by the
named author whose text holds the quoted words, else that author's latest earlier post,
else the latest earlier post holding the words.  The quoted post is the reply's
``target_id`` (its ``parent_id`` stays the article: the page does not nest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Earlier", "quoted_post"]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@dataclass(slots=True)
class Earlier:
    """The posts seen so far: key → (author keys, normalised text), in order."""

    order: list[str] = field(default_factory=list)
    authors: dict[str, set[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, text: str, *authors: str | None) -> None:
        self.order.append(key)
        self.authors[key] = {a.casefold() for a in authors if a}
        self.texts[key] = _norm(text)


def quoted_post(earlier: Earlier, *, post_id: str | None = None,
                authors: tuple[str | None, ...] = (), words: str = "") -> str | None:
    """The key of the earlier post a quote names (see the module docs), or None."""
    if post_id and post_id in earlier.authors:
        return post_id
    names = {a.casefold() for a in authors if a}
    quoted = _norm(words)[:200]
    probe = quoted[:80]
    by_author = [k for k in reversed(earlier.order) if names & earlier.authors[k]]
    if probe:
        for key in by_author:
            if probe in earlier.texts[key]:
                return key
    if by_author:
        return by_author[0]
    if len(probe) >= 12:
        for key in reversed(earlier.order):
            if probe in earlier.texts[key]:
                return key
    return None
