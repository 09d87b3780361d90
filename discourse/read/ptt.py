"""PTT (批踢踢, ptt.cc) articles as the BBS stores them: the raw article file, Big5 (with
the terminal's ANSI colour codes) or UTF-8.

An article file is::

    作者: alice (暱稱) 看板: Gossiping
    標題: [問卦] …
    時間: Mon Dec 21 18:54:24 2020

    the body …

    --
    ※ 發信站: 批踢踢實業坊(ptt.cc), 來自: 1.2.3.4 (臺灣)
    ※ 文章網址: https://www.ptt.cc/bbs/Gossiping/M.1608548066.A.6CD.html
    推 bob: a push                                              12/21 18:55
    噓 carol: a boo                                             12/21 18:56
    → dave: a neutral remark                                    12/21 18:57

The article is the body (the header lines give the title, the author's id, the board and
``published``, Taiwan time converted to UTC).  Everything after the ``※ 發信站`` footer is
the comment section, flat in time order: each push line (``推`` up, ``噓`` boo, ``→``
neutral) is one comment under the article; a run of lines the article's author appended
between pushes (an edit answering the pushers) is one comment by the article's author;
``※ 編輯:`` edit stamps and the article address are not comments.  PTT has no reply links:
pushers address each other by id in the text, which
:func:`~discourse.read.targets.attach_quotes_and_targets` turns into ``target_id``.

A repost (``※ [本文轉錄自 … 看板]``) carries the original article with its own footer and
pushes inside its body; its comment section follows its own footer, the last ``※ 發信站``
line (with ``※ 轉錄者:``).

Fields: ``platform_id`` is the position in the comment section, ``c001``, ``c002``, … (PTT
gives pushes no ids); ``author`` the pusher's id; ``timestamp`` the push's ``MM/DD
HH:MM`` (the year from the article, moving on at a new year), in UTC; ``site``
``ptt.cc/bbs/<board>``; ``url`` and ``thread_id`` (``M.1608548066.A.6CD``) from the
``※ 文章網址`` line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.source import Document
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read"]

NAME = "ptt-article"
DESCRIBES = "a PTT article file (Big5 or UTF-8)"
SYNTAX = "text"

_ANSI = re.compile(rb"\x1b\[[0-9;]*[A-Za-z]|\x1b\*[A-Za-z]")
_AUTHOR = {"big5": "作者".encode("big5"), "utf-8": "作者".encode()}
_TITLE = {"big5": "標題".encode("big5"), "utf-8": "標題".encode()}
_TIME = {"big5": "時間".encode("big5"), "utf-8": "時間".encode()}
_HEAD_AUTHOR = re.compile(r"^作者[:：]?\s*([A-Za-z0-9_]+)(?:\s*\(([^)]*)\))?"
                          r"(?:\s+(?:看板|站內)[:：]?\s*(\S+))?")
_HEAD_TITLE = re.compile(r"^標題[:：]?\s*(.*)$")
_HEAD_TIME = re.compile(r"^時間[:：]?\s*(.*)$")
_PUSH = re.compile(r"^(推|噓|→) ?([A-Za-z0-9_]+) *[:：](.*?)(?:\s+(\d{1,3}(?:\.\d{1,3}){3}))?"
                   r"(?:\s+(\d\d)/(\d\d)(?: (\d\d):(\d\d))?)?\s*$")
_FOOTER = "※ 發信站:"
_REPOSTER = "※ 轉錄者:"
_REPOST = re.compile(r"^※ \[本文轉錄自")
_EDIT = re.compile(r"^※ 編輯[:：].*?(\d\d)/(\d\d)/(\d{4})")
_ADDRESS = re.compile(r"^※ 文章網址[:：]\s*(https?://\S+)")
_MID = re.compile(r"M\.\d+\.A\.[0-9A-F]{3}")
_BOARD_URL = re.compile(r"https?://(?:www\.)?ptt\.cc/bbs/([\w-]+)/")
#: The BBS's clock: Taiwan time.
TAIPEI = timezone(timedelta(hours=8))


def sniff(head: bytes) -> str | None:
    """A first line ``作者`` (author) with ``標題`` (title) and ``時間`` (time) lines after it,
    in Big5 or UTF-8 (colour codes ignored)."""
    clean = _ANSI.sub(b"", head[:2048]).lstrip()
    for encoding, author in _AUTHOR.items():
        if clean.startswith(author):
            top = b"\n".join(clean.split(b"\n", 6)[:6])
            if _TITLE[encoding] in top and _TIME[encoding] in top:
                return f"作者/標題/時間 header lines ({encoding}; PTT article file)"
    return None


def _decode(data: bytes) -> tuple[str, str]:
    data = _ANSI.sub(b"", data)  # colour codes may split a Big5 character: remove first
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("big5hkscs", errors="replace"), "big5"


def _published(text: str) -> datetime | None:
    try:
        return datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y").replace(
            tzinfo=TAIPEI)
    except ValueError:
        return None


def _iso(stamp: datetime | None) -> str | None:
    return stamp.astimezone(UTC).isoformat().replace("+00:00", "Z") if stamp else None


def _footer(lines: list[str], start: int) -> int | None:
    """Index of the footer line that closes the article's body."""
    body_start = next((i for i in range(start, len(lines)) if lines[i].strip()), None)
    footers = [i for i in range(start, len(lines)) if lines[i].startswith(_FOOTER)]
    reposters = [i for i in range(start, len(lines)) if lines[i].startswith(_REPOSTER)]
    if body_start is not None and _REPOST.match(lines[body_start].strip()) and \
            (footers or reposters):
        return max(footers) if footers else max(reposters)  # the copy's own, the last
    return footers[0] if footers else None


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one PTT article file (see the module docs).  Raises
    :class:`InputError` when the header lines are missing."""
    text, encoding = _decode(doc.read_bytes().lstrip(b"\xef\xbb\xbf"))
    lines = [line.rstrip("\r").rstrip() for line in text.lstrip().split("\n")]
    author = board = title = None
    when: datetime | None = None
    head_end = 0
    for i, line in enumerate(lines[:8]):
        if m := _HEAD_AUTHOR.match(line):
            author, board = m.group(1), m.group(3)
        elif m := _HEAD_TITLE.match(line):
            title = m.group(1).strip()
        elif m := _HEAD_TIME.match(line):
            when = _published(m.group(1))
        elif not line.strip() and author is not None and title is not None:
            break
        elif not (line.strip() and set(line.strip()) <= set("─-=━")):
            continue  # a separator line under the header belongs to it
        head_end = i + 1
    if author is None or title is None:
        raise InputError(doc.source, "not a PTT article (no 作者 and 標題 header lines)")
    warnings: list[str] = []
    footer = _footer(lines, head_end)
    if footer is None:
        first_push = next((i for i in range(head_end, len(lines)) if _PUSH.match(lines[i])),
                          len(lines))
        footer = first_push - 1
        warnings.append("no ※ 發信站 footer line; comments start at the first push line")
    body = lines[head_end:max(footer, head_end)]
    while body and not body[-1].strip():
        body.pop()
    if body and body[-1].strip() == "--":
        body.pop()
    url = None
    year = when.year if when else None
    last_month = when.month if when else None
    posts: list[Post] = []
    block: list[tuple[int, str]] = []
    edits = 0

    def flush() -> None:
        words = "\n".join(t for _, t in block).strip("\n")
        if words.strip():
            n = len(posts) + 1
            posts.append(Post(key=f"c{n:03d}", parent=None, text=words, author=author,
                              platform_id=f"c{n:03d}", line=block[0][0]))
        block.clear()

    for i in range(footer + 1, len(lines)):
        line = lines[i]
        if m := _ADDRESS.match(line):
            url = url or m.group(1)
            continue
        if line.startswith((_FOOTER, _REPOSTER)) or _EDIT.match(line) or \
                line.startswith("※ 編輯"):
            flush()
            if m := _EDIT.match(line):
                edits += 1
                year, last_month = int(m.group(3)), int(m.group(1))
            elif m := re.search(r"(\d\d)/(\d\d)/(\d{4})", line):
                year, last_month = int(m.group(3)), int(m.group(1))
            continue
        m = _PUSH.match(line)
        if m is None:
            block.append((i + 1, line))
            continue
        flush()
        _, user, words, _, month, day, hour, minute = m.groups()
        stamp = None
        if month and year is not None:
            if last_month is not None and int(month) < last_month:
                year += 1  # a push in January of an article from December
            last_month = int(month)
            try:
                stamp = datetime(year, int(month), int(day), int(hour or 0), int(minute or 0),
                                 tzinfo=TAIPEI)
            except ValueError:
                stamp = None
        n = len(posts) + 1
        posts.append(Post(key=f"c{n:03d}", parent=None, text=words.strip(), author=user,
                          timestamp=_iso(stamp), platform_id=f"c{n:03d}", line=i + 1))
    flush()
    if url is None:
        url = next((m.group(1) for line in lines[head_end:footer + 1]
                    if (m := _ADDRESS.match(line))), None) if not _REPOST.match(
            next((x.strip() for x in body if x.strip()), "")) else None
    if board is None and url and (m := _BOARD_URL.match(url)):
        board = m.group(1)
    mid = _MID.search(url) if url else None
    thread = Thread(source=None, layout=None, title=title, article="\n".join(body).strip("\n"),
                    format=NAME, encoding=encoding, author=author, published=_iso(when),
                    site=f"ptt.cc/bbs/{board}" if board else None, url=url,
                    thread_id=mid.group(0) if mid else None, warnings=warnings)
    thread.comments = assemble(posts, thread.warnings)
    if edits:
        thread.warnings.append(f"{edits} edit stamp(s) (※ 編輯) left out")
    if not thread.comments:
        thread.warnings.append("no pushes (comments) after the article")
    attach_quotes_and_targets(thread)
    if doc.explaining:
        doc.explain.append(f"ptt: {encoding}, body lines {head_end + 1}-{footer}, "
                           f"{len(thread.comments)} comment(s) after the footer")
    yield thread
