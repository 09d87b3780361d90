"""2ch/5ch threads in their ``.dat`` form: the file a 2ch-style board serves for a thread
(``/<board>/dat/<key>.dat``) and that browsers and scrapers save.

One line per post, five fields joined by ``<>``::

    name<>mail<>date ID<>body<>title

(the title only on the first line).  Shift_JIS (cp932, as the boards serve it) or UTF-8,
decided by whether the bytes are valid UTF-8.  Posts are flat, in time order; post *N* is
line *N*.  The first post is the article (its body the article, the first line's title the
title); every later post is a comment under the article.

**Anchors.** A post that opens with ``>>N`` (``＞＞Ｎ``, or a link to post *N*) answers
post *N*: the comment gets ``target_id`` = that post (``parent_id`` stays the article: the
board shows posts flat).  ``>>1`` is the article; an anchor to several posts
(``>>2-5``, ``>>2,3``) or to a later post names no single target.

**Fields.** ``platform_id`` is the post number (``"2"``); ``author`` the name field with
its tags removed, followed by the poster's ``ID:…`` when the board shows one (the same ID
is the same poster within the day; the name is usually the board's default); ``timestamp``
the date in UTC (the boards write Japan time); the body (HTML: ``<br>`` lines,
``&gt;`` entities, anchor links) becomes text through
:func:`~discourse.read.htmltext.html_to_text`.  Deleted posts (``あぼーん``) stay as
placeholders (``status = "deleted"``).  When the anchors' links name the board and key
(``../test/read.cgi/news4vip/1643274178/2``) they give ``thread_id``
(``news4vip/1643274178``); a full link's host gives ``site`` and ``url``.  A line that is
not five ``<>`` fields is skipped with its line number in a warning.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble, note_statuses
from discourse.read.source import Document
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read"]

NAME = "2ch-dat"
DESCRIBES = "a 2ch/5ch thread (.dat)"
SYNTAX = "text"

_DATE = re.compile(r"(\d{2,4})/(\d{1,2})/(\d{1,2})(?:\s*\([^)]*\))?\s*(\d{1,2}):(\d\d)"
                   r"(?::(\d\d)(?:\.(\d{1,6}))?)?")
_DATE_BYTES = re.compile(rb"\d{2,4}/\d{1,2}/\d{1,2}")
_TIME_BYTES = re.compile(rb"\d{1,2}:\d\d")
_ID = re.compile(r"\bID:([^\s<>]+)")
_TAG = re.compile(r"<[^>]*>")
_READ_CGI = re.compile(r"(?:(https?://[\w.-]+))?(?:\.\./|/)test/read\.cgi/([\w.-]+)/(\d+)/")
_LEAD_ANCHOR = re.compile(r"^\s*>>\s*(\d+)(?![\d,\-=])")
_ICON = re.compile(r"^\s*sssp://\S+\s*")
_DELETED = ("あぼーん", "削除されました", "削除しました")
#: The boards' clock: Japan Standard Time.
JST = timezone(timedelta(hours=9))


def _fields(line: bytes) -> list[bytes]:
    return line.rstrip(b"\r\n").split(b"<>")


def sniff(head: bytes) -> str | None:
    """A first line of at least five ``<>`` fields whose third holds a date and a time."""
    first = head.split(b"\n", 1)[0]
    fields = _fields(first)
    if len(fields) >= 5 and _DATE_BYTES.search(fields[2]) and _TIME_BYTES.search(fields[2]):
        return "lines of name<>mail<>date ID<>body<>title fields (2ch/5ch .dat)"
    return None


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp932", errors="replace"), "cp932"


def _stamp(field: str) -> str | None:
    m = _DATE.search(field)
    if not m:
        return None
    year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
    second = int(m.group(6) or 0)
    fraction = (m.group(7) or "")[:6]
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    if year < 100:
        year += 2000 if year < 90 else 1900
    try:
        when = datetime(year, month, day, hour, minute, second, micro, tzinfo=JST)
    except ValueError:
        return None
    spec = "milliseconds" if fraction else "seconds"
    return when.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _body(fragment: str) -> str:
    from discourse.read.htmltext import html_to_text

    text = html_to_text(_ICON.sub("", fragment.strip()))
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _target(text: str, number: int) -> int | None:
    """The single earlier post a body opens by answering (``>>N``), else None."""
    m = _LEAD_ANCHOR.match(unicodedata.normalize("NFKC", text[:40]))
    if not m:
        return None
    n = int(m.group(1))
    return n if 1 <= n < number else None


def read(doc: Document) -> Iterator[Thread]:
    """The thread of one ``.dat`` file (see the module docs).  Raises :class:`InputError`
    when no line is a post."""
    text, encoding = _decode(doc.read_bytes().lstrip(b"\xef\xbb\xbf"))
    warnings: list[str] = []
    posts: list[tuple[int, list[str]]] = []
    bad: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("<>")
        if len(fields) < 4:
            bad.append(number)
            continue
        posts.append((number, fields))
    if not posts:
        raise InputError(doc.source, "no 2ch/5ch posts (no line of name<>mail<>date<>body "
                                     "fields)")
    if bad:
        shown = ", ".join(str(n) for n in bad[:5]) + (" …" if len(bad) > 5 else "")
        warnings.append(f"{len(bad)} line(s) are not name<>mail<>date<>body<>title posts; "
                        f"skipped (line {shown})")
    board = key = host = None
    m = _READ_CGI.search(text)
    if m:
        host = m.group(1)
        board, key = m.group(2), m.group(3)
    elif re.fullmatch(r"\d{9,11}", doc.path.name.split(".")[0]):
        key = doc.path.name.split(".")[0]
    url = f"{host}/test/read.cgi/{board}/{key}/" if host and board and key else None
    first_number, first = posts[0]
    if first_number != 1:
        warnings.append("the thread's first post is not in the file; the earliest post "
                        "here is the article")
    title = _plain(first[4]) if len(first) > 4 else ""
    author_of = {}
    out: list[Post] = []
    targets: dict[str, int] = {}
    for number, fields in posts:
        name, _mail, date, body = fields[0], fields[1], fields[2], fields[3]
        poster = _ID.search(date)
        author = _plain(name) + (f" ID:{poster.group(1)}" if poster else "")
        deleted = any(_plain(body) == d or _plain(name) == d for d in _DELETED) and \
            _stamp(date) is None
        words = "" if deleted else _body(body)
        author_of[number] = author
        if number == first_number:
            continue
        target = None if deleted else _target(words, number)
        if target is not None and target != first_number:
            targets[str(number)] = target
        out.append(Post(key=str(number), parent=None, text=words,
                        author=None if deleted else (author or None),
                        timestamp=_stamp(date), platform_id=str(number),
                        permalink=f"{url}{number}" if url else None,
                        status="deleted" if deleted else None, line=number))
    thread = Thread(source=None, layout=None, title=title, article=_body(first[3]),
                    format=NAME, encoding=encoding, author=author_of[first_number] or None,
                    published=_stamp(first[2]), thread_id=f"{board}/{key}" if board else key,
                    site=f"{host.split('://', 1)[1]}/{board}" if host and board else None,
                    url=url, warnings=warnings)
    thread.comments = assemble(out, thread.warnings)
    by_key = {c.platform_id: c for c in thread.comments}
    for c in thread.comments:
        target = targets.get(c.platform_id or "")
        if target is not None and str(target) in by_key:
            c.target_id = by_key[str(target)].id
    note_statuses(thread, {"deleted": "{n} deleted post(s) kept as placeholders "
                                      "(status 'deleted')"})
    if not thread.comments:
        thread.warnings.append("only the opening post: no replies in the file")
    attach_quotes_and_targets(thread)
    if doc.explaining:
        doc.explain.append(f"2ch-dat: {len(posts)} posts ({encoding}), {len(targets)} "
                           f"answering an earlier post by >>N")
    yield thread
