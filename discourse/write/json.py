"""JSON (an array of threads, indented) and JSON Lines (one thread per line) — the JSON
form of a thread is :meth:`Thread.to_dict` (the schema in the README), read back by
:mod:`discourse.read.native`.  Both also write flat rows (``analyze``) as records."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from discourse.atomic import atomic_output
from discourse.model import Thread
from discourse.write import Form

__all__ = ["JSON", "JSONL", "JsonText"]

_THREAD_FIELDS = tuple(f.name for f in fields(Thread))
#: Comments encoded per piece of :meth:`JsonText.pieces`.
_COMMENTS_PER_PIECE = 256


class JsonText:
    """The JSON text of one thread — ``json.dumps(thread.to_dict(), ensure_ascii=False,
    indent=indent)``, byte for byte — made a few hundred comments at a time as it is
    written (:meth:`pieces`), so that a thread of a million comments is never held as a
    million dicts nor as one string beside itself.  Sent to another process (``--jobs``,
    Dask) it travels as the finished text, a ``str``."""

    __slots__ = ("indent", "thread")

    def __init__(self, thread: Thread, indent: int | None) -> None:
        self.thread, self.indent = thread, indent

    def pieces(self) -> Iterator[str]:
        encode = json.JSONEncoder(ensure_ascii=False, indent=self.indent).encode
        if self.indent is None:
            item, inner, open_list, close_list = ", ", ", ", "[", "]"
            first, last = "{", "}"

            def nested(value: Any, level: int) -> str:
                return encode(value)
        else:
            step = " " * self.indent
            item, inner = ",\n" + step, ",\n" + step * 2
            open_list, close_list = "[\n" + step * 2, "\n" + step + "]"
            first, last = "{\n" + step, "\n}"

            def nested(value: Any, level: int) -> str:
                # newlines of JSON text are structural (a string's are escaped as \n)
                return encode(value).replace("\n", "\n" + step * level)
        thread = self.thread
        yield first
        for i, name in enumerate(_THREAD_FIELDS):
            head = (item if i else "") + encode(name) + ": "
            if name != "comments":
                value = getattr(thread, name)
                yield head + nested(list(value) if name in ("noise", "warnings") else value, 1)
                continue
            comments = thread.comments
            if not comments:
                yield head + "[]"
                continue
            yield head + open_list
            for start in range(0, len(comments), _COMMENTS_PER_PIECE):
                yield (inner if start else "") + inner.join(
                    nested(c.to_dict(), 2)
                    for c in comments[start:start + _COMMENTS_PER_PIECE])
            yield close_list
        yield last

    def __str__(self) -> str:
        return "".join(self.pieces())

    def __reduce__(self) -> tuple[Any, ...]:
        return str, (str(self),)


def _encoded(thread: Thread, indent: int | None) -> str | JsonText:
    text = JsonText(thread, indent)
    # an ordinary thread is encoded now, where it was read (a worker), and an error in it
    # fails that document alone; a huge one as it is written
    return text if len(thread.comments) > LAZY_FROM else str(text)


#: Threads of more comments than this are encoded as they are written (:class:`JsonText`).
LAZY_FROM = 10_000


def encode_json(thread: Thread) -> str | JsonText:
    """The thread as indented JSON text (one element of the array); for a thread of more
    than :data:`LAZY_FROM` comments, made as it is written (:class:`JsonText`; ``str()``
    gives the text)."""
    return _encoded(thread, 1)


def encode_jsonl(thread: Thread) -> str | JsonText:
    """The thread as one line of JSON (see :func:`encode_json`)."""
    return _encoded(thread, None)


def _write(handle: Any, text: str | JsonText) -> None:
    if isinstance(text, JsonText):
        for piece in text.pieces():
            handle.write(piece)
    else:
        handle.write(text)


def write_array(texts: Iterable[str | JsonText], out: str | None) -> int:
    """A JSON array of the JSON texts ``texts``; ``[]`` when there are none."""
    count = 0
    with atomic_output(out) as handle:
        handle.write("[")
        for text in texts:
            handle.write(",\n" if count else "\n")
            _write(handle, text)
            count += 1
        handle.write("\n]\n" if count else "]\n")
    return count


def write_lines(texts: Iterable[str | JsonText], out: str | None) -> int:
    """One JSON text per line."""
    count = 0
    with atomic_output(out) as handle:
        for text in texts:
            _write(handle, text)
            handle.write("\n")
            count += 1
    return count


def _rows_as_array(rows: Iterable[dict[str, Any]], out: str | None, columns: list[str],
                   types: dict[str, str]) -> int:
    return write_array((json.dumps(r, ensure_ascii=False, indent=1) for r in rows), out)


def _rows_as_lines(rows: Iterable[dict[str, Any]], out: str | None, columns: list[str],
                   types: dict[str, str]) -> int:
    return write_lines((json.dumps(r, ensure_ascii=False) for r in rows), out)


JSON = Form("json", encode_json, write_array, write_rows=_rows_as_array)
JSONL = Form("jsonl", encode_jsonl, write_lines, write_rows=_rows_as_lines)

