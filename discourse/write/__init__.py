"""Write threads (or any rows) as JSON, JSON Lines, CSV, Parquet or a ConvoKit corpus —
streaming, atomically — and read discourse's output back (:func:`read_output`).

One module per output form, each registered by one line in :data:`WRITERS` (``--format``
offers them in this order):

====================  ==================================================================
``json``              ``json`` (an array of threads) and ``jsonl`` (a thread per line)
``csv``               the comment table (:mod:`discourse.write.table`), one row per comment
``parquet``           the comment table, typed columns
``convokit``          a ConvoKit corpus folder
====================  ==================================================================

**A writer** is a module (or, for a module giving several forms, a :class:`Form` object
in it) with:

* ``NAME`` — the ``--format`` name;
* ``encode(thread)`` — the thread ready for writing (JSON text, comment rows, the thread
  itself), made where the thread is made (a worker with ``--jobs``), so it must be cheap
  to send between processes;
* ``write(encoded, out) -> int`` — writes the encoded threads, in the main process, to
  ``out`` (a file; ``None`` or ``"-"`` for standard output; a folder) and returns how
  many it wrote.  Files are written through :func:`atomic_output`;
* optionally ``write_rows(rows, out, columns, types) -> int`` — flat rows (``analyze``'s
  metrics), for the writers ``analyze --format`` offers;
* optionally ``check_output(out)`` — raises :class:`~discourse.errors.UsageError` before
  anything is read when ``out`` cannot work (Parquet needs a file, ConvoKit a folder);
* optionally ``WROTE`` — what ``-v`` prints after writing (``{out}`` is the output).

Nothing is written (not even an opening ``[``) until the first thread is ready, so a run
that fails before any thread leaves standard output empty.  See CONTRIBUTING.md for adding
a writer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from discourse.atomic import atomic_output, check_writable
from discourse.model import Thread
from discourse.write.table import (
    COMMENT_COLUMNS,
    COMMENT_TYPES,
    NESTED,
    TEXT_COLUMNS,
    comment_rows,
    read_output,
    typed_frame,
)
from discourse.write.tree import format_tree, strip_controls

__all__ = ["COMMENT_COLUMNS", "COMMENT_TYPES", "NESTED", "TEXT_COLUMNS", "WRITERS", "Form",
           "Writer", "atomic_output", "comment_rows", "encode_thread", "find_writer", "format_tree",
           "read_output", "row_writer_names", "strip_controls", "typed_frame",
           "write_encoded", "write_records", "write_rows", "write_threads", "writer_names",
           "writers"]

#: Every output form, in ``--format`` order (``"module"`` for a module that is a writer,
#: ``"module:OBJECT"`` for a :class:`Form` in it).  Imported when first needed.
WRITERS: tuple[str, ...] = (
    "discourse.write.json:JSON",
    "discourse.write.json:JSONL",
    "discourse.write.csv",
    "discourse.write.parquet",
    "discourse.write.convokit",
)


class Writer(Protocol):
    """What a line of :data:`WRITERS` names (see the module docs)."""

    NAME: str

    def encode(self, thread: Thread) -> Any: ...

    def write(self, encoded: Iterable[Any], out: str | None) -> int: ...


@dataclass(frozen=True, slots=True)
class Form:
    """One output form of a module that writes several (JSON and JSON Lines), with the
    attributes a writer module has."""

    NAME: str
    encode: Callable[[Thread], Any]
    write: Callable[[Iterable[Any], str | None], int]
    write_rows: Callable[..., int] | None = None
    check_output: Callable[[str | None], None] | None = None
    WROTE: str | None = None


@cache
def writers() -> tuple[Writer, ...]:
    """The writers of :data:`WRITERS`, imported, in order."""
    out = []
    for line in WRITERS:
        module, _, name = line.partition(":")
        loaded = importlib.import_module(module)
        out.append(getattr(loaded, name) if name else loaded)
    return tuple(out)  # type: ignore[arg-type]


def writer_names() -> tuple[str, ...]:
    """The ``--format`` choices of ``parse`` and ``classify``, in order."""
    return tuple(w.NAME for w in writers())


def row_writer_names() -> tuple[str, ...]:
    """The writers that also write flat rows (``analyze --format``), in order."""
    return tuple(w.NAME for w in writers() if getattr(w, "write_rows", None) is not None)


def find_writer(name: str) -> Writer:
    """The writer called ``name``.  Raises ValueError for an unknown name."""
    for w in writers():
        if name == w.NAME:
            return w
    raise ValueError(f"unknown format {name!r} (choose from {', '.join(writer_names())})")


def _checked(name: str, out: str | None) -> Writer:
    writer = find_writer(name)
    check = getattr(writer, "check_output", None)
    if check is not None:
        check(out)
    # -o naming a folder for a file, or under a file: one line before anything is read
    check_writable(out, folder=bool(getattr(writer, "FOLDER", False)), example=f"out.{name}")
    return writer


def encode_thread(thread: Thread, fmt: str) -> Any:
    """``thread`` ready for :func:`write_encoded` by writer ``fmt`` (its ``encode``): JSON
    text, comment rows, or the thread.  Cheap to send between processes, so parallel
    workers encode and the writer only writes."""
    return find_writer(fmt).encode(thread)


def write_threads(threads: Iterable[Thread], fmt: str, out: str | None) -> int:
    """Write threads in ``fmt``; return how many were written.  JSON is an array of
    threads; JSON Lines one thread per line; CSV and Parquet one row per comment; ConvoKit
    a corpus folder."""
    writer = _checked(fmt, out)
    return write_encoded((writer.encode(t) for t in threads), fmt, out)


def write_encoded(encoded: Iterable[Any], fmt: str, out: str | None,
                  keep_if_none: Callable[[], bool] | None = None) -> int:
    """Write threads already encoded by :func:`encode_thread`; return how many.  Nothing
    is written until the first thread is ready (see the module docs).  When there is no
    thread at all and ``keep_if_none()`` is true (every document failed), nothing is
    written: the file at ``out`` keeps what an earlier run wrote, and 0 is returned."""
    writer = _checked(fmt, out)
    items, empty = _first(encoded)
    if empty and keep_if_none is not None and keep_if_none():
        return 0
    return writer.write(items, out)


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: str | None,
               columns: Iterable[str], types: dict[str, str] | None = None,
               keep_if_none: Callable[[], bool] | None = None) -> int:
    """Write flat rows as CSV, Parquet (streamed in row groups), JSON or JSON Lines.

    ``types`` gives Parquet column types ("string", "int", "float", "bool"); columns not
    named are inferred from the first rows, and a column that is empty there is taken as
    float when its name is not in ``types`` and all values seen are numbers or missing.
    ``keep_if_none``: as for :func:`write_encoded`."""
    writer = _checked(fmt, out)
    rows_of = getattr(writer, "write_rows", None)
    if rows_of is None:
        raise ValueError(f"format {fmt!r} does not write rows (choose from "
                         f"{', '.join(row_writer_names())})")
    items, empty = _first(rows)
    if empty and keep_if_none is not None and keep_if_none():
        return 0
    return rows_of(items, out, list(columns), types or {})


def write_records(records: Iterable[dict[str, Any]], fmt: str, out: str | None) -> int:
    """Write nested records as a JSON array (``json``) or one per line (``jsonl``)."""
    if fmt not in ("json", "jsonl"):
        raise ValueError(f"records are written as json or jsonl, not {fmt!r}")
    return write_rows(records, fmt, out, ())


_NOTHING = object()


def _primed(items: Iterable[Any]) -> Iterator[Any]:
    """``items`` with the first one already made: an error before the first item raises
    here, before the writer opens its output."""
    return _first(items)[0]


def _first(items: Iterable[Any]) -> tuple[Iterator[Any], bool]:
    """(:func:`_primed` ``items``, whether there are none)."""
    items = iter(items)
    first = next(items, _NOTHING)
    if first is _NOTHING:
        return iter(()), True
    return _prepend(first, items), False


def _prepend(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest
