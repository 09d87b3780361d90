"""Read comment threads in the forms people have them, all into one model (:class:`Thread`).

One module per input form (a package for the text and HTML readers), each registered by
one line in :data:`READERS`:

============================  ===========================================================
``text/``                     plain text where nesting shows as list markers (converters,
                              copy-paste, the seeds)
``html/``                     saved pages: one module per comment system + a generic
                              detector
``reddit``                    Reddit API responses and Pushshift/Arctic-Shift NDJSON dumps
``hn``                        Hacker News Firebase item trees and Algolia items
``discourse_forum``           Discourse forum topics (``/t/<id>.json``)
``disqus``                    Disqus XML exports
``wordpress``                 WordPress WXR exports
``convokit``                  ConvoKit corpora (written by :mod:`discourse.write.convokit`)
``native``                    discourse's own JSON/JSONL output, read back
============================  ===========================================================

**A reader** is a module (or, for a module giving several forms, a :class:`Form` object in
it) with:

* ``NAME`` — the format name stored in ``Thread.format`` and given to ``--from``;
* ``DESCRIBES`` — a short phrase for the "unknown shape" errors ("a Disqus XML export");
* ``SYNTAX`` — ``"json"``, ``"xml"`` (any markup) or ``"text"``: which documents its
  sniffer is asked about (see :mod:`discourse.read.detect`);
* ``sniff(head: bytes) -> str | None`` — the evidence when it claims a document from its
  first bytes (decompressed, without BOM and leading white space), else None.  Cheap:
  searches in the head, no parsing; and the module imports nothing heavy at its top
  (lxml, orjson, SQLite are imported inside the functions that use them), since
  detection imports every reader;
* ``read(doc: Document) -> Iterator[Thread]`` — the threads of a document, lazily; a
  shape it does not know is a one-line :class:`InputError`;
* optionally ``sniff_folder(path) -> str | None`` for a reader of folders (ConvoKit).

:func:`~discourse.read.detect.detect` asks them in the order of :data:`READERS`; see
CONTRIBUTING.md for adding one.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.source import DEFAULT_MAX_BYTES, Document, iter_document_paths

__all__ = ["READERS", "Form", "Reader", "find_reader", "iter_threads", "parse_file",
           "read_document", "read_file", "reader_names", "readers"]

PathLike = str | os.PathLike[str]

#: Every input form, in the order detection asks them: specific first, generic last
#: (``"module"`` for a module that is a reader, ``"module:OBJECT"`` for a :class:`Form`
#: in it).  Imported when first needed.
READERS: tuple[str, ...] = (
    "discourse.read.reddit:API",
    "discourse.read.reddit:NDJSON",
    "discourse.read.native",
    "discourse.read.convokit",
    "discourse.read.hn",
    "discourse.read.discourse_forum",
    "discourse.read.disqus",
    "discourse.read.wordpress",
    "discourse.read.html",
    "discourse.read.text",
)


class Reader(Protocol):
    """What a line of :data:`READERS` names (see the module docs)."""

    NAME: str
    DESCRIBES: str
    SYNTAX: str

    def sniff(self, head: bytes) -> str | None: ...

    def read(self, doc: Document) -> Iterable[Thread]: ...


@dataclass(frozen=True, slots=True)
class Form:
    """One input form of a module that reads several (Reddit: API responses and NDJSON
    dumps), with the attributes a reader module has."""

    NAME: str
    DESCRIBES: str
    SYNTAX: str
    sniff: Callable[[bytes], str | None]
    read: Callable[[Document], Iterable[Thread]]


@cache
def readers() -> tuple[Reader, ...]:
    """The readers of :data:`READERS`, imported, in order."""
    out = []
    for line in READERS:
        module, _, name = line.partition(":")
        loaded = importlib.import_module(module)
        out.append(getattr(loaded, name) if name else loaded)
    return tuple(out)  # type: ignore[arg-type]


def reader_names() -> tuple[str, ...]:
    """The readers' names (``--from`` choices, ``Thread.format`` values), in order."""
    return tuple(r.NAME for r in readers())


def find_reader(name: str) -> Reader:
    """The reader called ``name``.  Raises KeyError for an unknown name."""
    for r in readers():
        if name == r.NAME:
            return r
    raise KeyError(name)


def read_document(doc: Document, fmt: str | None = None) -> Iterator[Thread]:
    """Threads of one document, lazily.  ``fmt`` forces a reader (else detected from
    the content); ``doc.explain`` receives the decision and the reader's evidence."""
    from discourse.read.detect import detect

    if fmt is None:
        found = detect(doc)
        fmt = found.reader
        doc.explain.append(f"reader: {fmt} ({found.reason})")
    elif fmt not in reader_names():
        raise InputError(doc.source, f"unknown format {fmt!r} (choose from "
                                     f"{', '.join(reader_names())})")
    else:
        doc.explain.append(f"reader: {fmt} (forced)")
    count = 0
    for thread in find_reader(fmt).read(doc):
        if thread.source is None:
            thread.source = doc.source
        count += 1
        yield thread
    if count == 0:
        doc.explain.append("no threads in this document")


def read_file(path: PathLike, fmt: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> list[Thread]:
    """All threads in one file (or ConvoKit folder).  Raises :class:`InputError`."""
    return list(read_document(Document.at(path, max_bytes), fmt))


def parse_file(path: PathLike, fmt: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Thread:
    """The thread of a one-thread document (a saved page, a text file, one API
    response).  Raises :class:`InputError` when the file holds no thread or several
    (use :func:`read_file` or :func:`iter_threads` for dumps and exports)."""
    threads = read_file(path, fmt, max_bytes)
    if len(threads) != 1:
        raise InputError(str(path), f"holds {len(threads)} threads; use "
                                    f"discourse.read_file() or iter_threads()")
    return threads[0]


def iter_threads(
    paths: PathLike | Iterable[PathLike],
    on_error: Callable[[InputError], None] | None = None,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Thread]:
    """Threads from files and folders, lazily, one document at a time.

    With ``on_error`` a bad document (or an unreadable folder, a FIFO, …) is reported to
    it and skipped; without, the first problem raises :class:`InputError`.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in iter_document_paths(list(paths), on_problem=on_error):
        try:
            yield from read_document(Document.at(Path(path), max_bytes), fmt)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
