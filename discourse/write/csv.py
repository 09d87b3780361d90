"""CSV: the comment table (:mod:`discourse.write.table`), one row per comment, or any flat
rows (``analyze``).  ``quotes``, ``reasons`` and ``probabilities`` are JSON text; read it
back with :func:`discourse.write.read_output` (ids such as ``1.10`` stay text).

**Formulas neutralised** (OWASP, "CSV Injection"): a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is a formula to a spreadsheet, so it is written
with a leading apostrophe (``'=1+1``), which spreadsheets show as text and do not
evaluate; so is a cell starting with an apostrophe followed by one of those characters or
another apostrophe, which keeps the change reversible (:mod:`discourse.cells`, undone by
:func:`~discourse.write.read_output`).  Numbers are written as they are (``-3`` stays a
number), and Parquet and JSON keep every text exactly."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from discourse.atomic import atomic_output
from discourse.cells import FORMULA_START, neutralise_cell, restore_cell
from discourse.model import Thread
from discourse.write.table import COMMENT_COLUMNS, COMMENT_TYPES, comment_rows

__all__ = ["FORMULA_START", "NAME", "encode", "neutralise_cell", "restore_cell", "write",
           "write_rows"]

NAME = "csv"
def encode(thread: Thread) -> list[dict[str, Any]]:
    """The thread's comment rows, nested fields as JSON text."""
    return list(comment_rows(thread))


def write(encoded: Iterable[list[dict[str, Any]]], out: str | None) -> int:
    """The comment rows of every thread; returns how many threads."""
    count = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal count
        for chunk in encoded:
            count += 1
            yield from chunk

    write_rows(rows(), out, list(COMMENT_COLUMNS), COMMENT_TYPES)
    return count


def write_rows(rows: Iterable[dict[str, Any]], out: str | None, columns: list[str],
               types: dict[str, str]) -> int:
    """Flat rows under a header of ``columns`` (other keys ignored); returns how many."""
    import csv

    count = 0
    with atomic_output(out) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise_cell(v) if isinstance(v, str) else v
                             for k, v in row.items()})
            count += 1
    return count
