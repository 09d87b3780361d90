"""Mail archives: mbox files (and a single saved message, ``.eml``) and Mailman's
pipermail text archives (the monthly ``2014-November.txt`` files of a list's archive).

**Messages.** An mbox is messages one after another, each opened by a ``From `` line
(``From alice@example.org Sat Nov 29 14:26:48 2014``); pipermail writes the same with the
addresses obfuscated (``From alice at example.org  Sat Nov 29 …``, ``From: alice at
example.org (Alice B.)``).  A ``From `` line opens a message only when it carries a time
of day and the next line is a header, so a body line "From the docs, …" never splits a
message.  Each message is parsed by Python's :mod:`email` package: encoded-word headers
(``=?UTF-8?B?…?=``), quoted-printable and base64 bodies and their charsets are decoded;
of a multipart message the ``text/plain`` parts are the text (an HTML-only message goes
through :func:`~discourse.read.htmltext.html_to_text`), attachments are left out.  A
message whose Message-ID was already read (archives store some messages twice) is
dropped, counted in a warning.

**Threads.** A message answers the message its ``In-Reply-To`` names when that message is
in the file, else the last entry of ``References`` that is (the order mail clients and
pipermail's own thread view use).  One :class:`Thread` per conversation, in the order of
their first messages: the conversation's first message is the article (its Subject the
title, its sender the author, its Date ``published``, its Message-ID ``thread_id``), every
other message a comment under what it answers.  A reply whose conversation starts before
the file (last month's archive) opens a thread of its own, with a warning.

**Comments.** ``platform_id`` is the Message-ID without angle brackets; ``author`` the
sender's name (else the address, ``user at host`` written back as ``user@host``);
``timestamp`` the Date in UTC.  The text is the body as written: quoted lines stay quoted,
with their marks normalised to ``> `` (``>> x`` → ``> > x``), so quote detection sees
what the writer quoted; pipermail's "An HTML attachment was scrubbed" notes and the
footer a list appends to a message (the ``____`` rule, the list's address, its
``listinfo`` page, "PLEASE do read the posting guide") are left out.  ``site`` is the list: from ``List-Id`` (``<debian-user.lists.debian.org>`` →
``lists.debian.org/debian-user``), ``List-Archive``, or the ``…/mailman/listinfo/<list>``
address in the list footer (``stat.ethz.ch/pipermail/r-help``).

Read line by line; messages are held as compact records (spilled to disk past
:data:`~discourse.read.structured.SPILL_BOUND` messages), so an archive of any size reads
in bounded memory.  :mod:`email` is imported when a document is read, not at import.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read import Form
from discourse.read.assemble import Post, assemble
from discourse.read.source import Document
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["MBOX", "PIPERMAIL", "parse_message", "quote_marks"]

_DAYS = rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTHS = rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
#: The line opening a message: ``From <sender> <date with a time of day>``; without a
#: date (``From nobody``) it opens one only after a blank line or at the start.
_FROM_LINE = re.compile(rb"^From \S+(?: at \S+)? +\S.*\b\d{1,2}:\d\d")
_BARE_FROM = re.compile(rb"^From \S+\s*$")
#: Pipermail's: the sender obfuscated (``user at host``), then an asctime date.
_PIPERMAIL_LINE = re.compile(rb"^From \S+ at \S+ +" + _DAYS + rb" " + _MONTHS +
                             rb" +\d{1,2} \d\d:\d\d:\d\d \d{4}\s*$")
#: A header field (RFC 5322: printable characters but the colon, then a colon).
_HEADER = re.compile(rb"^[!-9;-~]+:")
_HEADER_NAMES = re.compile(rb"^(?:From|Date|Subject|Message-ID|To|Received|Return-Path|"
                           rb"In-Reply-To|References|Delivered-To|X-[\w-]+|MIME-Version|"
                           rb"Content-Type):", re.I | re.M)
_ID = re.compile(r"<([^<>\s]+)>")
_OBFUSCATED = re.compile(r"\b([\w.+'-]+) at ([\w-]+(?:\.[\w-]+)+)\b")
_QUOTE = re.compile(r"^[ \t]*((?:>[ \t]?)+)(.*)$")
_LISTINFO = re.compile(r"https?://([\w.-]+)(?::\d+)?/(?:mailman/listinfo|cgi-bin/mailman/"
                       r"listinfo)/([\w.+-]+)")
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|vs|antw|odp|r|ynt)\s*(?:\[\d+\])?\s*:\s*)+",
                           re.I)
_RULE = re.compile(r"_{20,}")
_LIST_LINE = re.compile(r"mailing list", re.I)
_FOOTER_LINE = re.compile(r"mailing list|listinfo|posting[- ]guide|please do read|provide "
                          r"commented|reproducible code|unsubscribe|https?://|\S+ at \S+\.\w|"
                          r"\S+@\S+\.\w", re.I)
_SCRUBBED = re.compile(r"^-{5,} next part -{5,}$")
_SCRUB_NOTE = re.compile(r"^(?:An? (?:HTML|non-text|embedded) .*(?:attachment|message) was "
                         r"scrubbed\.\.\.|(?:Name|Type|Size|Desc|URL|Url|From|Subject|Date):"
                         r".*|URL: .*|<?https?://\S+>?|Skipped content of type .*)$")


# -- detection ------------------------------------------------------------------------

def _first_lines(head: bytes, n: int = 3) -> list[bytes]:
    return head.split(b"\n", n)[:n]


def sniff_pipermail(head: bytes) -> str | None:
    """A first line ``From user at host  Sat Nov 29 14:26:48 2014`` and a header after it."""
    lines = _first_lines(head)
    if len(lines) >= 2 and _PIPERMAIL_LINE.match(lines[0].rstrip(b"\r")) and \
            _HEADER.match(lines[1]):
        return "a 'From user at host <date>' line and headers (Mailman pipermail archive)"
    return None


def sniff_mbox(head: bytes) -> str | None:
    """A ``From <sender> <date>`` line followed by headers (mbox), or a document that is
    one message: a header block naming ``From``, ``Date`` or ``Message-ID`` and
    ``Subject``."""
    lines = _first_lines(head)
    if len(lines) >= 2 and (_FROM_LINE.match(lines[0]) or _BARE_FROM.match(lines[0])) and \
            _HEADER.match(lines[1]):
        return "a 'From <sender> <date>' line followed by headers (mbox)"
    block = re.split(rb"\r?\n\r?\n", head[:16384], maxsplit=1)[0]
    rows = [r for r in block.split(b"\n") if r.strip()]
    if len(rows) >= 3 and _HEADER.match(rows[0]) and all(
            _HEADER.match(r) or r[:1] in (b" ", b"\t") for r in rows):
        names = {m.group(0).lower().rstrip(b":") for m in _HEADER_NAMES.finditer(block)}
        if b"subject" in names and (b"from" in names and (b"date" in names or
                                                          b"message-id" in names)):
            return "a header block with From, Subject and Date/Message-ID (one e-mail message)"
    return None


# -- splitting the document into messages ---------------------------------------------

def _messages(doc: Document) -> Iterator[tuple[int, bytes, bytes]]:
    """``(line number, From line, message bytes)`` for each message of an mbox; a
    document without ``From`` lines that starts with headers is one message (line 1,
    no From line)."""
    current: list[bytes] | None = None
    start, from_line = 0, b""
    pending: tuple[int, bytes] | None = None
    preamble: list[bytes] = []
    blank = True  # the previous line was blank (or there was none)
    for number, line in doc.lines():
        if pending is not None:
            if _HEADER.match(line):
                if current is not None:
                    yield start, from_line, b"".join(current)
                elif preamble and any(p.strip() for p in preamble):
                    yield 0, b"", b"".join(preamble)  # text before the first From line
                start, from_line = pending
                current, pending = [line], None
                continue
            (current if current is not None else preamble).append(pending[1])
            pending = None
            blank = False
        if line.startswith(b"From ") and (_FROM_LINE.match(line) or (
                blank and _BARE_FROM.match(line))):
            pending = (number, line)
            continue
        blank = not line.strip()
        (current if current is not None else preamble).append(line)
    if pending is not None:
        (current if current is not None else preamble).append(pending[1])
    if current is not None:
        yield start, from_line, b"".join(current)
    elif preamble and _HEADER.match(next((p for p in preamble if p.strip()), b"")):
        yield 1, b"", b"".join(preamble)  # one message without a From line (.eml)


# -- one message ----------------------------------------------------------------------

def _text_of_bytes(data: bytes, charset: str | None = None) -> str:
    """``data`` decoded with the declared ``charset`` when it is a WHATWG encoding label
    (a message naming ``unicode_escape``, ``rot13`` or ``undefined`` is not obeyed:
    :mod:`discourse.read.encodings`), else UTF-8, cp1252 or latin-1."""
    from discourse.read.encodings import codec_for_label

    charset = codec_for_label(charset) if charset else None
    for encoding in (charset, "utf-8", "cp1252"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def _header(msg: Any, name: str) -> str:
    """A header decoded (encoded words, raw 8-bit bytes), folded onto one line."""
    from email.header import decode_header

    value = msg.get(name)
    if value is None:
        return ""
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):  # raw 8-bit bytes in the header
        text = _text_of_bytes(text.encode("utf-8", "surrogateescape"))
    with contextlib.suppress(ValueError, LookupError, UnicodeError, AssertionError, TypeError):
        # encoded words (=?charset?q?…?=) decoded as bodies are (WHATWG labels only);
        # the words between them are ASCII (else the header is kept as it is written)
        text = "".join(part if isinstance(part, str) else
                       _text_of_bytes(part, charset) if charset else part.decode("ascii")
                       for part, charset in decode_header(text))
    return " ".join(text.split())


def _payload_text(part: Any) -> str:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        data = None
    if data is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    try:
        charset = part.get_content_charset()
    except (ValueError, LookupError, UnicodeError):
        charset = None
    return _text_of_bytes(data, charset)


def _body(msg: Any) -> tuple[str, int]:
    """The message's text and the number of attachments left out."""
    from discourse.read.htmltext import html_to_text

    plain: list[str] = []
    html: list[str] = []
    attachments = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = str(part.get("Content-Disposition") or "").strip().lower()
        ctype = part.get_content_type()
        if disposition.startswith("attachment") or not ctype.startswith("text/"):
            attachments += not ctype.startswith(("multipart/", "message/"))
            continue
        if ctype == "text/plain":
            plain.append(_payload_text(part))
        elif ctype == "text/html":
            html.append(_payload_text(part))
        else:  # an inline text/x-diff, text/x-r-source, …: part of what was written
            plain.append(_payload_text(part))
    if plain:
        return "\n\n".join(t.strip("\n") for t in plain), attachments
    if html:
        return "\n\n".join(html_to_text(h) for h in html), attachments
    return "", attachments


def quote_marks(line: str) -> str:
    """A quoted line with its marks written ``> `` per level (``>>x`` → ``> > x``);
    other lines unchanged."""
    m = _QUOTE.match(line)
    if not m:
        return line
    level = m.group(1).count(">")
    rest = m.group(2).rstrip()
    marks = " ".join([">"] * level)
    return f"{marks} {rest}" if rest else marks


def _clean(text: str) -> str:
    """The body as written: line ends normalised, quote marks normalised, pipermail's
    scrubbed-attachment notes left out, blank lines at either end removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _SCRUBBED.match(line.strip()):
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or _SCRUB_NOTE.match(lines[j].strip())):
                j += 1
            if j == len(lines) or _SCRUBBED.match(lines[j].strip()):
                i = j  # only the notice of a scrubbed attachment: left out
                continue
        out.append(quote_marks(line.rstrip()))
        i += 1
    return "\n".join(_without_footer(out)).strip("\n")


def _without_footer(lines: list[str]) -> list[str]:
    """``lines`` without the footer a list appends to each message: a line of underscores,
    the list's address ("… mailing list"), its ``listinfo`` page and posting-guide lines.
    Quoted footers (``> ____``) are part of the quotation and stay."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _RULE.fullmatch(lines[i].strip()) and i + 1 < len(lines) and \
                _LIST_LINE.search(lines[i + 1]):
            j = i + 1
            while j < len(lines) and lines[j].strip() and _FOOTER_LINE.search(lines[j]):
                j += 1
            while out and not out[-1].strip():
                out.pop()
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out


def _address(value: str) -> tuple[str, str]:
    """``(name, address)`` of a From header, ``user at host`` written back as
    ``user@host``."""
    from email.utils import parseaddr

    name, addr = parseaddr(_OBFUSCATED.sub(r"\1@\2", value))
    if not addr and not name:
        return "", value.strip()
    name = name.strip().strip('"').strip()
    return name, addr.strip()


def _iso(date: str, from_line: bytes) -> str | None:
    """The Date header (else the From line's date) in UTC, ISO 8601."""
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    stamp = None
    if date:
        try:
            stamp = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError, OverflowError):
            stamp = None
    if stamp is None and from_line:
        m = re.search(rb"(" + _MONTHS + rb") +(\d{1,2}) (\d\d:\d\d:\d\d) (\d{4})", from_line)
        if m:
            try:
                stamp = datetime.strptime(b" ".join(m.groups()).decode(), "%b %d %H:%M:%S %Y")
            except ValueError:
                stamp = None
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)  # "-0000": the zone is unknown; taken as UTC
    try:
        return stamp.astimezone(UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, ValueError):
        return None


def _list_site(msg: Any) -> str | None:
    """The list a message went through, from its List-Id / List-Archive headers."""
    list_id = _header(msg, "List-Id")
    m = re.search(r"<([\w.+-]+)>", list_id) or re.fullmatch(r"\s*([\w+-]+\.[\w.-]+)\s*",
                                                           list_id)
    if m:
        name, _, host = m.group(1).partition(".")
        if host:
            return f"{host}/{name}"
    archive = _header(msg, "List-Archive")
    m = re.search(r"https?://([^>\s]+?)/?(?:>|$)", archive)
    if m and "msgid-search" not in m.group(1):
        return m.group(1)
    return None


def parse_message(raw: bytes, from_line: bytes = b"") -> dict[str, Any]:
    """One message's fields as a plain record (what the threads are built from)."""
    import email

    if raw.startswith(b"From ") and not from_line:
        first, _, rest = raw.partition(b"\n")
        from_line, raw = first, rest
    msg = email.message_from_bytes(raw)
    ids = _ID.findall(_header(msg, "Message-ID"))
    name, addr = _address(_header(msg, "From"))
    text, attachments = _body(msg)
    body = _clean(text)
    footer = Counter(f"{h}/pipermail/{n}" for h, n in _LISTINFO.findall(text))
    return {
        "id": ids[0] if ids else None,
        "in_reply_to": _ID.findall(_header(msg, "In-Reply-To")),
        "references": _ID.findall(_header(msg, "References")),
        "subject": _header(msg, "Subject"),
        "author": name or addr or None,
        "timestamp": _iso(_header(msg, "Date"), from_line),
        "text": body,
        "attachments": attachments,
        "site": _list_site(msg),
        "footer_site": footer.most_common(1)[0][0] if footer else None,
        "permalink": (_ID.findall(_header(msg, "Archived-At")) or [None])[0],
    }


# -- threads --------------------------------------------------------------------------

def _base_subject(subject: str) -> tuple[str, bool]:
    """A subject without reply prefixes and list tags, folded (``Re: [R] X`` → ``x``),
    and whether it had a reply prefix."""
    text, reply = subject, False
    while True:
        untagged = re.sub(r"^\s*\[[^\]]{1,40}\]\s*", "", text)
        stripped = _REPLY_PREFIX.sub("", untagged)
        reply = reply or stripped != untagged
        if stripped == text:
            return " ".join(text.casefold().split()), reply
        text = stripped


def _parents(records: dict[int, dict[str, Any]], by_id: dict[str, int]
             ) -> tuple[dict[int, int | None], set[int]]:
    """For every message, the message it answers (an index; None for a first message),
    and the messages placed by subject: a reply ("Re: …") naming no message at all
    (no In-Reply-To, no References) answers the first message of the latest earlier
    conversation with the same subject."""
    out: dict[int, int | None] = {}
    opened: dict[str, int] = {}  # base subject -> first message of a conversation
    by_subject: set[int] = set()
    for i in sorted(records):
        r = records[i]
        parent = None
        for ref in r["in_reply_to"][:1] + list(reversed(r["references"])):
            j = by_id.get(ref)
            if j is not None and j != i:
                parent = j
                break
        base, reply = _base_subject(r["subject"])
        if (parent is None and reply and not r["in_reply_to"] and not r["references"]
                and base in opened):
            parent = opened[base]
            by_subject.add(i)
        if parent is None and base:
            opened[base] = i
        out[i] = parent
    # Break loops (a message listed as answering its own reply): cut at the earliest.
    for i in records:
        seen: list[int] = []
        j: int | None = i
        while j is not None and j not in seen:
            seen.append(j)
            j = out[j]
        if j is not None:
            loop = seen[seen.index(j):]
            out[min(loop)] = None
    return out, by_subject


def _root(i: int, parents: dict[int, int | None]) -> int:
    while parents[i] is not None:
        i = parents[i]  # type: ignore[assignment]
    return i


def _read(doc: Document, fmt: str) -> Iterator[Thread]:
    from discourse.read.structured import Grouper

    warnings_all: list[str] = []
    by_id: dict[str, int] = {}
    heads: dict[int, dict[str, Any]] = {}
    duplicates = 0
    copies: dict[int, int] = {}
    with Grouper() as store:
        count = 0
        for line, from_line, raw in _messages(doc):
            if line == 0:
                warnings_all.append("text before the first message left out")
                continue
            try:
                record = parse_message(raw, from_line)
            except Exception as exc:  # noqa: BLE001 - a broken message is skipped, not fatal
                warnings_all.append(f"line {line}: message skipped ({type(exc).__name__})")
                continue
            mid = record["id"]
            if mid is not None and mid in by_id:
                duplicates += 1
                copies[by_id[mid]] = copies.get(by_id[mid], 0) + 1
                continue
            if mid is not None:
                by_id[mid] = count
            record["line"] = line
            heads[count] = {"in_reply_to": record["in_reply_to"],
                            "references": record["references"],
                            "subject": record["subject"]}
            store.put_side(str(count), record)
            count += 1
        if count == 0:
            raise InputError(doc.source, "no mail messages found (no 'From <sender> <date>' "
                                         "line followed by headers)")
        parents, by_subject = _parents(heads, by_id)
        members: dict[int, list[int]] = {}
        for i in range(count):
            members.setdefault(_root(i, parents), []).append(i)
        if doc.explaining:
            doc.explain.append(f"{fmt}: {count} messages, {len(members)} conversation(s), "
                               f"{duplicates} duplicate(s) left out")
        for root in sorted(members):
            records = {i: store.get_side(str(i)) for i in members[root]}
            notes = list(warnings_all) if root == min(members) else []
            repeated = sum(copies.get(i, 0) for i in members[root])
            if repeated:
                notes.append(f"{repeated} repeated cop(ies) of a message (same Message-ID) "
                             f"left out")
            placed = sum(1 for i in members[root] if i in by_subject)
            if placed:
                notes.append(f"{placed} repl(ies) without In-Reply-To or References placed "
                             f"under the first message with their subject")
            no_id = sum(1 for r in records.values() if r["id"] is None)
            if no_id:
                notes.append(f"{no_id} message(s) without a Message-ID (no reply can name "
                             f"them; platform_id empty)")
            yield _thread(records, root, parents, fmt, notes)


def _thread(records: dict[int, Any], root: int, parents: dict[int, int | None], fmt: str,
            notes: list[str]) -> Thread:
    first = records[root]
    key = {i: r["id"] or f"#{i}" for i, r in records.items()}
    thread = Thread(source=None, layout=None, title=first["subject"], article=first["text"],
                    format=fmt, thread_id=first["id"], published=first["timestamp"],
                    author=first["author"], url=first["permalink"],
                    warnings=notes)
    sites = Counter(r["site"] for r in records.values() if r["site"]) or Counter(
        r["footer_site"] for r in records.values() if r["footer_site"])
    thread.site = sites.most_common(1)[0][0] if sites else None
    if first["in_reply_to"] or first["references"] or _base_subject(first["subject"])[1]:
        thread.warnings.append("the conversation's first message is not in this file (it "
                               "answers an earlier one); the earliest message here is the "
                               "article")
    posts = [Post(key=key[i], parent=None if parents[i] in (None, root) else key[parents[i]],
                  text=r["text"], author=r["author"], timestamp=r["timestamp"],
                  permalink=r["permalink"], platform_id=r["id"], line=r["line"])
             for i, r in records.items() if i != root]
    thread.comments = assemble(posts, thread.warnings)
    attachments = sum(r["attachments"] for r in records.values())
    if attachments:
        thread.warnings.append(f"{attachments} attachment(s) left out")
    if not thread.comments:
        thread.warnings.append("no replies to this message in the file")
    attach_quotes_and_targets(thread)
    return thread


def read_mbox(doc: Document) -> Iterator[Thread]:
    """Threads of an mbox file or one saved message (see the module docs)."""
    return _read(doc, "mbox")


def read_pipermail(doc: Document) -> Iterator[Thread]:
    """Threads of a Mailman pipermail text archive (see the module docs)."""
    return _read(doc, "pipermail")


PIPERMAIL = Form("pipermail", "a Mailman/pipermail text archive", "text", sniff_pipermail,
                 read_pipermail)
MBOX = Form("mbox", "an mbox mail archive or one e-mail message", "text", sniff_mbox,
            read_mbox)
