"""Spreadsheet-safe text cells, shared by the CSV writer and every CSV reader.

**Formulas neutralised** (OWASP, "CSV Injection"): a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is a formula to a spreadsheet, so it is written
with a leading apostrophe (``'=1+1``), which spreadsheets show as text and do not
evaluate; so is a cell starting with an apostrophe followed by one of those characters or
another apostrophe, which keeps the change reversible (:func:`restore_cell`)."""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_START", "neutralise_cell", "restore_cell", "restore_cells"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = frozenset("=+-@\t\r")


def neutralise_cell(value: str) -> str:
    """A text cell safe to open in a spreadsheet (see the module docs): ``'`` prefixed
    when it starts a formula, or starts with ``'`` followed by such a character or ``'``
    (so that :func:`restore_cell` gives every text back exactly)."""
    if value and (value[0] in FORMULA_START
                  or value[0] == "'" and len(value) > 1 and (value[1] in FORMULA_START
                                                            or value[1] == "'")):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """The text :func:`neutralise_cell` was given."""
    if len(value) > 1 and value[0] == "'" and (value[1] in FORMULA_START or value[1] == "'"):
        return value[1:]
    return value


def restore_cells(frame: Any) -> Any:
    """Undo :func:`neutralise_cell` in every text column of the pandas ``frame`` (read
    with ``dtype=str``), in place; returns ``frame``."""
    import pandas as pd

    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        marked = values.map(lambda v: isinstance(v, str) and v[:1] == "'").astype(bool)
        if marked.any():
            frame.loc[marked, column] = values[marked].map(restore_cell)
    return frame
