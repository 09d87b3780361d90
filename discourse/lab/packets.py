"""Labelling packets from threads, and threads checked against packets.

:func:`write_packet` renders a thread read by the readers in the format of
``docs/labelling-guide.md`` §7 (what annotators see).  :func:`compare` checks that a reader
gives the tree a packet was labelled on: every packet key among the thread's platform ids
(else its tree ids), with the same parent — the labels are joined on those keys, and a
label is only right for the parent it was given against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from discourse.lab.labelset import Packet
from discourse.model import Comment, Thread

ARTICLE_CHARS = 1500
REMINDER_CHARS = 400


def key_of(comment: Comment) -> str:
    """The key a comment is labelled under: its platform id, else its tree id."""
    return comment.platform_id or comment.id


def answers_key(thread: Thread, comment: Comment, index: dict[str, Comment]) -> str:
    """The key of what ``comment`` answers (``ARTICLE`` for the article)."""
    target = comment.answers_id
    return key_of(index[target]) if target in index else "ARTICLE"


@dataclass(slots=True)
class Comparison:
    """How a reader's thread matches a packet."""

    thread: str
    packet_keys: int
    missing: list[str] = field(default_factory=list)
    parent_mismatch: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.parent_mismatch

    def line(self) -> str:
        found = self.packet_keys - len(self.missing)
        right = found - len(self.parent_mismatch)
        text = f"{self.thread}: {found}/{self.packet_keys} keys found, {right} with the packet's parent"
        if self.missing:
            text += f"; missing {', '.join(self.missing[:5])}"
        if self.parent_mismatch:
            key, want, got = self.parent_mismatch[0]
            text += f"; e.g. {key} answers {got}, packet says {want}"
        return text


def compare(thread: Thread, packet: Packet) -> Comparison:
    """Keys of ``packet`` missing from ``thread`` and keys whose parent differs (a flat
    comment the reader linked to a named or quoted comment counts as that comment's
    answer, as the guide's ``target`` column does)."""
    index = thread.by_id()
    by_key = {key_of(c): c for c in thread.comments}
    out = Comparison(packet.thread, len(packet.comments))
    for pc in packet.comments:
        comment = by_key.get(pc.key)
        if comment is None:
            out.missing.append(pc.key)
            continue
        structural = key_of(index[comment.parent_id]) if comment.parent_id in index else "ARTICLE"
        if pc.answers not in (structural, answers_key(thread, comment, index)):
            out.parent_mismatch.append((pc.key, pc.answers, structural))
    return out


def best_thread(threads: Iterable[Thread], packet: Packet) -> Thread | None:
    """The thread sharing the most keys with ``packet`` (None when none shares any)."""
    keys = {c.key for c in packet.comments}
    best, overlap = None, 0
    for thread in threads:
        found = sum(1 for c in thread.comments if key_of(c) in keys)
        if found > overlap:
            best, overlap = thread, found
    return best


def write_packet(thread: Thread, name: str, *, kind: str = "", language: str = "",
                 nesting: str = "") -> str:
    """The packet of ``thread`` (guide §7): header, article (first
    :data:`ARTICLE_CHARS` characters), then every comment with its key, what it answers,
    author, depth, text and a reminder of the parent."""
    index = thread.by_id()
    lines = [f"# {name}", ""]
    for label, value in (("kind", kind), ("site", thread.site or ""), ("language", language),
                         ("source file", thread.source or ""),
                         ("comments", str(len(thread.comments))), ("nesting", nesting)):
        if value:
            lines.append(f"- {label}: {value}")
    article = thread.article.strip()
    cut = article[:ARTICLE_CHARS] + (" …[article truncated]" if len(article) > ARTICLE_CHARS
                                     else "")
    lines += ["", "## ARTICLE", "", f"**{thread.title}**", "", cut, "", "## COMMENTS", ""]
    for c in thread.comments:
        author = c.author or "(anonymous)"
        if thread.author and c.author == thread.author:
            author += " (the article's author)"
        lines += [f"### {key_of(c)}", f"answers: {answers_key(thread, c, index)}",
                  f"author: {author}", f"depth: {c.depth}"]
        if c.role:
            lines.append(f"role: {c.role}")
        if c.status:
            lines.append(f"status: {c.status}")
        lines += ["", c.text.strip() or "(no text)", ""]
        target = c.answers_id
        if target in index:
            parent = index[target]
            lines.append(f"> in reply to {key_of(parent)} ({parent.author or 'anonymous'}): "
                         f"{' '.join(parent.text.split())[:REMINDER_CHARS]}")
            lines.append("")
        lines += ["---", ""]
    return "\n".join(lines)
