"""Parse saved article pages into threads: the article and the reply tree of its comments."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from discourse.errors import InputError
from discourse.model import Thread
from discourse.parse.parser import parse_text, parse_with_trace
from discourse.parse.reader import decode, iter_document_paths, read_document

__all__ = ["iter_threads", "parse_file", "parse_text", "parse_with_trace", "decode",
           "iter_document_paths"]

PathLike = str | os.PathLike[str]


def parse_file(path: PathLike) -> Thread:
    """Read and parse one document; a non-UTF-8 file is decoded as cp1252/latin-1 and the
    thread's ``warnings`` say so."""
    text, encoding = read_document(path)
    thread = parse_text(text, source=str(path), encoding=encoding)
    if encoding != "utf-8":
        thread.warnings.insert(0, f"not UTF-8; decoded as {encoding}")
    return thread


def iter_threads(
    paths: PathLike | Iterable[PathLike],
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[Thread]:
    """Parse documents lazily, one at a time, from files and folders.

    With ``on_error`` a bad document is reported to it and skipped; without, the first
    bad document raises :class:`InputError`.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in iter_document_paths(list(paths)):
        try:
            yield parse_file(Path(path))
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
