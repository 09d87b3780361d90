"""Helpers shared by the readers of platform exports and dumps (Reddit, Hacker News,
Disqus, WordPress, ConvoKit, Discourse forums): JSON and XML parsing with one-line errors,
timestamps, and grouping a time-ordered stream by thread in bounded memory
(:class:`Grouper`, an on-disk spill in SQLite).  HTML fragments become text through
:func:`discourse.read.htmltext.html_to_text`, as for every reader.

orjson, SQLite and lxml are imported when first used: every reader module is imported to
ask its sniffer, so importing this one must stay cheap.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from discourse.errors import InputError
from discourse.read.source import Document

if TYPE_CHECKING:
    import sqlite3

__all__ = ["Grouper", "epoch_iso", "load_json", "parse_xml", "unknown_json", "unknown_xml"]


def load_json(doc: Document, data: bytes | None = None) -> Any:
    """The whole document parsed with orjson.  Raises :class:`InputError` naming line and
    column for malformed JSON (``line L, column C: invalid JSON (reason)``)."""
    import orjson

    if data is None:
        data = doc.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(doc.source, f"line {exc.lineno}, column {exc.colno}: invalid JSON "
                                     f"({exc.msg})") from None


def json_line(doc: Document, number: int, line: bytes) -> Any:
    """One NDJSON line parsed; malformed JSON raises :class:`InputError` with the file's
    line number and the column within the line."""
    import orjson

    try:
        return orjson.loads(line.rstrip(b"\r\n"))
    except orjson.JSONDecodeError as exc:
        raise InputError(doc.source, f"line {number}, column {exc.colno}: invalid JSON "
                                     f"({exc.msg})") from None


#: Bad lines named one by one in the warning of :func:`json_records` (then "and N more").
_NAMED_BAD_LINES = 5


def json_records(doc: Document, lines: Iterable[tuple[int, bytes]],
                 note_on: Document | None = None) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of every NDJSON line that parses; blank lines are passed
    over.  A line that is not valid JSON (an invalid UTF-8 byte, a lone surrogate, a
    10,000-digit number, a line cut by a truncated download) is skipped: one bad record
    must not lose a whole dump.  The skipped lines are named, with their numbers and
    reasons, in one warning on the document (:meth:`Document.note`; ``note_on``: the
    document to warn on, when ``doc`` is a file beside it).  When more lines are bad than
    good (none parses, or a pretty-printed JSON document), the first error is raised
    (:class:`InputError`: not NDJSON)."""
    import orjson

    bad: list[tuple[int, int, str]] = []
    good = 0
    for number, line in lines:
        if not line.strip():
            continue
        try:
            value = orjson.loads(line.rstrip(b"\r\n"))
        except orjson.JSONDecodeError as exc:
            bad.append((number, *_why_not_json(line, exc)))
            continue
        good += 1
        yield number, value
    if not bad:
        return
    if len(bad) > good:  # mostly not JSON lines: not NDJSON at all (or another form)
        number, column, reason = bad[0]
        raise InputError(doc.source, f"line {number}, column {column}: invalid JSON "
                                     f"({reason})")
    named = ", ".join(f"line {n} (column {c}: {reason})"
                      for n, c, reason in bad[:_NAMED_BAD_LINES])
    more = f" and {len(bad) - _NAMED_BAD_LINES} more" if len(bad) > _NAMED_BAD_LINES else ""
    where = "" if note_on is None or note_on is doc else f"{doc.source}: "
    (note_on or doc).note(f"{where}{len(bad)} line(s) not valid JSON, skipped (the other "
                          f"{good} read): {named}{more}")


def _why_not_json(line: bytes, exc: Any) -> tuple[int, str]:
    """``(column, reason)`` of a line orjson refused: an invalid UTF-8 byte is named as
    such (orjson says "surrogates not allowed" for any of them)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        byte = line[bad.start:bad.start + 1].hex()
        return len(line[:bad.start].decode("utf-8", "replace")) + 1, \
            f"invalid UTF-8 byte 0x{byte}"
    return exc.colno, exc.msg


def unknown_json(doc: Document, what: str) -> InputError:
    """The one-line error for a JSON document of a shape no reader knows."""
    from discourse.read.detect import supported

    return InputError(doc.source, f"JSON document of an unknown shape ({what}); supported: "
                                  f"{supported('json')}")


def unknown_xml(doc: Document, root: str) -> InputError:
    """The one-line error for an XML document whose root no reader knows."""
    from discourse.read.detect import supported

    return InputError(doc.source, f"XML document of an unknown shape (root <{root}>); "
                                  f"supported: {supported('xml')}")


def parse_xml(doc: Document):
    """The document's XML root element (lxml), parsed safely: no external entities or DTDs
    are fetched or expanded (``resolve_entities=False``, ``no_network=True``,
    ``load_dtd=False``), ``huge_tree`` off (libxml2's depth and size limits stay on).
    Raises :class:`InputError` with line and column for malformed XML."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True,
                             recover=False)
    data = doc.read_bytes()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        message = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc))
        message = " ".join(message.split())  # libxml2 may put the snippet on a new line
        raise InputError(doc.source, f"line {line}, column {column}: invalid XML "
                                     f"({message})") from None
    if root is None:
        raise InputError(doc.source, "line 1, column 1: invalid XML (no root element)")
    dtd = root.getroottree().docinfo.internalDTD
    entities = list(dtd.iterentities()) if dtd is not None else []
    if entities:
        at = data.find(b"<!ENTITY")
        line = data.count(b"\n", 0, at) + 1 if at >= 0 else 1
        kind = "external " if entities[0].system_url else ""
        raise InputError(doc.source, f"line {line}: XML declares {kind}entity "
                                     f"{entities[0].name!r}; refused (entities are never "
                                     f"expanded or fetched)")
    return root


def local(tag: object) -> str:
    """An lxml tag without its namespace (``{http://disqus.com}post`` -> ``post``)."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def epoch_iso(value: object) -> str | None:
    """Unix seconds (int, float or numeric string) as ISO 8601 UTC (``…Z``); None when
    absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
        stamp = datetime.fromtimestamp(seconds, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    text = stamp.isoformat(timespec="seconds" if seconds == int(seconds) else "milliseconds")
    return text.replace("+00:00", "Z")


def iso_utc(value: str | None) -> str | None:
    """An ISO 8601 / RFC 3339 string normalised to UTC ``…Z`` when it carries a zone;
    left as written (stripped) when it has none; None when empty."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if stamp.tzinfo is None:
        return stamp.isoformat()
    return stamp.astimezone(UTC).isoformat().replace("+00:00", "Z")


# -- grouping a stream by thread in bounded memory ------------------------------------

#: Default number of records held in memory before :class:`Grouper` spills to disk.
SPILL_BOUND = 100_000
_BATCH = 5_000


def _compact(record: dict[str, Any]) -> bytes:
    """``orjson.dumps`` copied into an exact-size object: orjson's result keeps the 4 KiB
    block it was written into, which for small records multiplies memory by ~10."""
    import orjson

    return memoryview(orjson.dumps(record)).tobytes()


def _drained(records: list[Any]) -> Iterator[Any]:
    """The items of ``records`` in order, each removed from the list as it is given."""
    records.reverse()
    while records:
        yield records.pop()


class Grouper:
    """Group records (JSON-serialisable dicts) by a key in bounded memory.

    Records are buffered per key in memory as they are (so a record read from an NDJSON
    line is parsed once, not serialised and parsed again); once more than ``bound``
    records are held, all buffered records go, as compact JSON, to an SQLite table in a
    temporary folder (deleted on :meth:`close`) and later records follow them there.  :meth:`groups` then yields
    ``(key, records)`` one group at a time, groups in order of first appearance, records
    in arrival order.  Memory holds at most ``bound`` records plus one group at a time.

    Use as a context manager.  Time-ordered dumps (Pushshift, Arctic Shift) interleave
    threads, so a thread is complete only at the end of the file: this is why grouping
    needs the whole stream before yielding (method: external grouping by key, as a
    database ``GROUP BY`` does, via Python's built-in ``sqlite3``).
    """

    def __init__(self, bound: int = SPILL_BOUND) -> None:
        self.bound = max(1, bound)
        self._memory: dict[str, list[Any]] = {}
        self._side: dict[str, bytes] = {}
        self._held = 0
        self._first: dict[str, int] = {}
        self._db: sqlite3.Connection | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._seq = 0
        self._pending: list[tuple[str, bytes]] = []  # rows waiting for one INSERT batch
        #: True once the records went to disk (for tests and --explain).
        self.spilled = False

    def __enter__(self) -> Grouper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, key: str, record: dict[str, Any]) -> None:
        """Add one record to group ``key`` (kept as it is, not copied: the caller
        leaves it alone afterwards)."""
        if key not in self._first:
            self._first[key] = len(self._first)
        if self._db is not None:
            self._pending.append((key, _compact(record)))
            if len(self._pending) >= min(_BATCH, self.bound):
                self._insert(self._pending)
                self._pending = []
            return
        self._memory.setdefault(key, []).append(record)
        self._held += 1
        if self._held > self.bound:
            self._spill()

    @property
    def held(self) -> int:
        """Records held in memory now (at most ``bound``; after a spill, the rows waiting
        for the next INSERT batch)."""
        return self._held + len(self._pending)

    def keys(self) -> list[str]:
        """Group keys in order of first appearance."""
        return list(self._first)

    def put_side(self, key: str, record: dict[str, Any]) -> None:
        """Store one record by key beside the groups (a thread's submission); a later
        record with the same key replaces it.  Counts towards the memory bound."""
        blob = _compact(record)
        if self._db is not None:
            with self._disk():
                self._db.execute("INSERT OR REPLACE INTO s VALUES (?, ?)", (key, blob))
            return
        if key not in self._side:
            self._held += 1
        self._side[key] = blob
        if self._held > self.bound:
            self._spill()

    def get_side(self, key: str) -> dict[str, Any] | None:
        """The record stored by :meth:`put_side` under ``key``, or None."""
        import orjson

        if self._db is not None:
            with self._disk():
                row = self._db.execute("SELECT v FROM s WHERE k = ?", (key,)).fetchone()
            return orjson.loads(row[0]) if row else None
        blob = self._side.get(key)
        return orjson.loads(blob) if blob is not None else None

    def _spill(self) -> None:
        import sqlite3

        with self._disk():
            self._folder = tempfile.TemporaryDirectory(prefix="discourse-spill-")
            path = os.path.join(self._folder.name, "groups.sqlite")
            self._db = sqlite3.connect(path)
            self._db.execute("PRAGMA journal_mode=OFF")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute("CREATE TABLE r (k TEXT, seq INTEGER, v BLOB)")
            self._db.execute("CREATE TABLE s (k TEXT PRIMARY KEY, v BLOB)")
            self._db.executemany("INSERT OR REPLACE INTO s VALUES (?, ?)",
                                 list(self._side.items()))
        self._side.clear()
        rows = [(key, _compact(record)) for key, records in self._memory.items()
                for record in records]
        self._memory.clear()
        self._held = 0
        self._insert(rows)
        self.spilled = True

    def _insert(self, rows: list[tuple[str, bytes]]) -> None:
        assert self._db is not None
        start = self._seq
        self._seq += len(rows)
        with self._disk():
            self._db.executemany("INSERT INTO r VALUES (?, ?, ?)",
                                 [(k, start + i, v) for i, (k, v) in enumerate(rows)])

    def groups(self, streamed: bool = False) -> Iterator[tuple[str, Any]]:
        """``(key, records)`` for every group, one at a time (see the class docs): a list
        of records, or with ``streamed`` an iterator over them that gives each record up
        as it goes (taken off the list in memory, read from the spill a batch of rows at a
        time) and must be consumed before the next group is asked for, so that one group
        of a million records is never held whole."""
        keys = sorted(self._first, key=self._first.__getitem__)
        if self._db is None:
            for key in keys:
                yield key, _drained(self._memory.pop(key, [])) if streamed else \
                    self._memory.pop(key, [])
            return
        if self._pending:
            self._insert(self._pending)
            self._pending = []
        with self._disk():
            self._db.commit()
            self._db.execute("CREATE INDEX rk ON r (k, seq)")  # needs room too
        for key in keys:
            yield key, self._spilled(key) if streamed else list(self._spilled(key))

    def _spilled(self, key: str) -> Iterator[dict[str, Any]]:
        """The records of group ``key`` from the spill, in arrival order."""
        import orjson

        assert self._db is not None
        with self._disk():
            cursor = self._db.execute("SELECT v FROM r WHERE k = ? ORDER BY seq", (key,))
        while True:
            with self._disk():
                rows = cursor.fetchmany(_BATCH)
            if not rows:
                return
            for (v,) in rows:
                yield orjson.loads(v)

    @contextlib.contextmanager
    def _disk(self) -> Iterator[None]:
        """Errors of the spill file (a full temporary disk, an unusable ``TMPDIR``) as
        one-line :class:`InputError`: what happened and what to do (``TMPDIR``), not an
        internal error.  The document's name is added by the caller
        (:func:`discourse.read.read_document`)."""
        import sqlite3

        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            folder = self._folder.name if self._folder is not None else \
                tempfile.gettempdir()
            where = os.path.dirname(folder) if self._folder is not None else folder
            spilled = f"{self._seq:,} records spilled so far; " if self._seq else ""
            text = str(exc).lower()
            if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "full" in text:
                raise InputError(None, f"the temporary disk is full ({where}): grouping this "
                                       f"dump by thread spills to a file there "
                                       f"({spilled}about the dump's size is needed); set "
                                       f"TMPDIR to a folder on a disk with more room") \
                    from None
            raise InputError(None, f"cannot use the temporary folder {where} for grouping "
                                   f"this dump by thread ({exc}); set TMPDIR to a writable "
                                   f"folder with room") from None

    def close(self) -> None:
        """Drop the spill file (safe to call twice)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
        self._memory.clear()
        self._side.clear()


def domain(url: str | None) -> str | None:
    """The host of ``url`` without ``www.`` (None for relative or odd URLs)."""
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
