"""Read comment threads in the forms people have them, all into one model (:class:`Thread`).

One module per input form, each with ``read(doc) -> Iterator[Thread]``:

========================  ==============================================================
``text/``                 plain text where nesting shows as list markers (converters,
                          copy-paste, the seeds)
``html/``                 saved pages: one module per comment system + a generic detector
``reddit``                Reddit API responses and Pushshift/Arctic-Shift NDJSON dumps
``hn``                    Hacker News Firebase item trees and Algolia items
``disqus``                Disqus XML exports
``wordpress``             WordPress WXR exports
``convokit``              ConvoKit corpora (read and write)
``native``                discourse's own JSON/JSONL output, read back
========================  ==============================================================

:func:`~discourse.read.detect.detect` picks the reader from the document's first bytes.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.source import DEFAULT_MAX_BYTES, Document, iter_document_paths

__all__ = ["READERS", "iter_threads", "parse_file", "read_document", "read_file"]

PathLike = str | os.PathLike[str]

#: Reader name -> "module:function" (imported when first needed).
READERS: dict[str, str] = {
    "text": "discourse.read.text:read",
    "html": "discourse.read.html:read",
    "reddit-json": "discourse.read.reddit:read_api",
    "reddit-ndjson": "discourse.read.reddit:read_ndjson",
    "hn-json": "discourse.read.hn:read",
    "disqus-xml": "discourse.read.disqus:read",
    "wordpress-wxr": "discourse.read.wordpress:read",
    "convokit": "discourse.read.convokit:read",
    "discourse-json": "discourse.read.native:read",
}


def reader(name: str) -> Callable[[Document], Iterable[Thread]]:
    """The ``read`` function of reader ``name`` (see :data:`READERS`)."""
    module, _, function = READERS[name].partition(":")
    return getattr(importlib.import_module(module), function)


def read_document(doc: Document, fmt: str | None = None) -> Iterator[Thread]:
    """Threads of one document, lazily.  ``fmt`` forces a reader (else detected from
    the content); ``doc.explain`` receives the decision and the reader's evidence."""
    from discourse.read.detect import detect

    if fmt is None:
        found = detect(doc)
        fmt = found.reader
        doc.explain.append(f"reader: {fmt} ({found.reason})")
    elif fmt not in READERS:
        raise InputError(doc.source, f"unknown format {fmt!r} (choose from "
                                     f"{', '.join(READERS)})")
    else:
        doc.explain.append(f"reader: {fmt} (forced)")
    count = 0
    for thread in reader(fmt)(doc):
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
