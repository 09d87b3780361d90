"""discourse's comment table — one row per comment, the thread's
:data:`~discourse.model.THREAD_COLUMNS` repeated, then every :class:`Comment` field —
as CSV and Parquet write it, and any output file read back with the right types
(:func:`read_output`).

In Parquet every id is a string column, ``quotes`` and ``reasons`` are ``list<string>``,
``probabilities`` a ``map<string, double>``, ``depth``/``line``/``score`` int64 and
``inline`` bool.  CSV has no types: ``quotes``, ``reasons`` and ``probabilities`` are JSON
text, and a plain ``pandas.read_csv`` would read ids such as ``1.10`` as the number 1.1 —
read discourse CSV with :func:`read_output` (or ``pd.read_csv(path, dtype=str,
keep_default_na=False)``).  JSON and JSON Lines output is read back by the one reader of
discourse's JSON, :mod:`discourse.read.native`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from discourse.model import THREAD_COLUMNS, Comment, Thread

__all__ = ["COMMENT_COLUMNS", "COMMENT_TYPES", "NESTED", "TEXT_COLUMNS", "comment_rows",
           "read_output", "typed_frame"]

#: Comment fields that hold a list or a mapping (JSON text in CSV, nested in Parquet).
NESTED = ("quotes", "reasons", "probabilities")


def comment_rows(thread: Thread, nested: bool = False) -> Iterator[dict[str, Any]]:
    """One flat row per comment, with the thread's :data:`THREAD_COLUMNS`.  ``quotes``,
    ``reasons`` and ``probabilities`` are JSON text, or Python lists/dicts with
    ``nested`` (for Parquet)."""
    for c in thread.comments:
        row: dict[str, Any] = {k: getattr(thread, k) for k in THREAD_COLUMNS}
        row.update(c.to_dict())
        if not nested:
            row["quotes"] = json.dumps(c.quotes, ensure_ascii=False)
            row["reasons"] = json.dumps(c.reasons, ensure_ascii=False)
            row["probabilities"] = (None if c.probabilities is None
                                    else json.dumps(c.probabilities, ensure_ascii=False))
        elif c.probabilities is not None:
            row["probabilities"] = list(c.probabilities.items())
        yield row


COMMENT_COLUMNS = THREAD_COLUMNS + tuple(Comment.__dataclass_fields__)
#: Arrow types of the comment table ("string" unless named here).
COMMENT_TYPES = {name: "string" for name in COMMENT_COLUMNS} | {
    "depth": "int", "line": "int", "score": "int", "inline": "bool", "confidence": "float",
    "sentiment": "float", "quotes": "list", "reasons": "list", "probabilities": "map"}


# -- reading output back ---------------------------------------------------------------------

#: Comment-table columns that are text (ids included: ``1.10`` is not the number 1.1).
TEXT_COLUMNS = tuple(c for c in COMMENT_COLUMNS if COMMENT_TYPES[c] == "string")
_OPTIONAL_TEXT = tuple(c for c in TEXT_COLUMNS if c not in ("id", "text", "format"))


def typed_frame(frame: Any) -> Any:
    """A comment table (one row per comment, :data:`COMMENT_COLUMNS`) with discourse's
    types: text columns as pandas ``string`` (missing = ``<NA>``), ``depth`` int64,
    ``line``/``score`` nullable ``Int64``, ``inline`` bool, ``confidence``/``sentiment``
    float64, ``quotes``/``reasons`` Python lists, ``probabilities`` dicts or None."""
    import pandas as pd

    frame = frame.copy()
    for column in COMMENT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].astype("string")
    frame["depth"] = frame["depth"].astype("int64")
    for column in ("line", "score"):
        frame[column] = pd.array([None if _missing(v) else int(v) for v in frame[column]],
                                 dtype="Int64")
    frame["inline"] = frame["inline"].map(_boolean).astype(bool)
    for column in ("confidence", "sentiment"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("quotes", "reasons"):
        frame[column] = [list(v) if not _missing(v) else [] for v in frame[column]]
    frame["probabilities"] = [None if _missing(v) else dict(v) for v in frame["probabilities"]]
    return frame[list(COMMENT_COLUMNS)]


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pandas NA
    except (TypeError, ValueError):
        return False


def _boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value) if not _missing(value) else False


#: Encodings tried in turn for a comment table in CSV: UTF-8 (a byte-order mark allowed,
#: as spreadsheets write it), then what a spreadsheet saves a CSV as on Windows (cp1252,
#: announced with a warning).
CSV_ENCODINGS = ("utf-8-sig", "cp1252")


def _read_csv(path: Path) -> Any:
    import warnings

    import pandas as pd

    for encoding in CSV_ENCODINGS:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[],
                                encoding=encoding)
        except UnicodeDecodeError:
            if encoding == CSV_ENCODINGS[-1]:
                raise
            continue
        if encoding != CSV_ENCODINGS[0]:
            warnings.warn(f"{path}: not UTF-8; decoded as {encoding}", stacklevel=3)
        break
    from discourse.cells import restore_cells

    restore_cells(frame)
    for column in frame.columns:  # an empty CSV cell is a missing value
        if column in _OPTIONAL_TEXT or COMMENT_TYPES.get(column, "string") != "string":
            frame[column] = pd.Series([None if v == "" else v for v in frame[column]],
                                      dtype=object, index=frame.index)
    for column in NESTED:
        if column in frame.columns:
            frame[column] = [None if v is None else json.loads(v) for v in frame[column]]
    return frame


def _read_parquet(path: Path) -> Any:
    from discourse.errors import DataError
    from discourse.install import require

    pq = require("pyarrow.parquet", "parquet", f"{path}: reading Parquet", DataError)

    table = pq.read_table(path)
    frame = table.to_pandas(types_mapper=None)
    if "probabilities" in frame.columns:
        frame["probabilities"] = [None if v is None or _missing(v) else dict(v)
                                  for v in frame["probabilities"]]
    for column in ("quotes", "reasons"):
        if column in frame.columns:
            frame[column] = [[] if v is None else list(v) for v in frame[column]]
    return frame


def _threads_from_frame(frame: Any) -> list[Thread]:
    """Threads of a comment table (rows grouped by source and thread columns, in order).
    A table has no article, noise or warnings: those stay empty."""
    threads: list[Thread] = []
    index: dict[tuple, Thread] = {}
    for record in frame.to_dict("records"):
        record = {k: (None if not isinstance(v, list | dict) and _missing(v) else v)
                  for k, v in record.items()}
        key = tuple(record.get(c) for c in THREAD_COLUMNS)
        thread = index.get(key)
        if thread is None:
            thread = Thread(source=record.get("source"), layout=record.get("layout"),
                            title=record.get("title") or "", article="",
                            site=record.get("site"), format=record.get("format") or "text",
                            thread_id=record.get("thread_id"))
            index[key] = thread
            threads.append(thread)
        fields = {k: record[k] for k in Comment.__dataclass_fields__ if k in record}
        for k in ("line", "score", "depth"):
            if fields.get(k) is not None:
                fields[k] = int(fields[k])
        for k in ("confidence", "sentiment"):
            if fields.get(k) is not None:
                fields[k] = float(fields[k])
        fields["inline"] = _boolean(fields.get("inline"))
        fields["quotes"] = list(fields.get("quotes") or [])
        fields["reasons"] = list(fields.get("reasons") or [])
        thread.comments.append(Comment(**fields))
    return threads


def read_output(path: str | os.PathLike[str]) -> tuple[list[Thread], Any]:
    """Read any discourse output file back: ``(threads, comments)``.

    ``path`` is the output of ``parse``/``classify`` in any format (JSON array, JSON
    Lines, CSV, Parquet; chosen by content: Parquet magic, ``[``/``{`` for JSON — read by
    :mod:`discourse.read.native`, the one reader of discourse's JSON — else CSV).
    ``threads`` are :class:`Thread` objects (from a CSV or Parquet table they have no
    article, noise or warnings, which tables do not carry); ``comments`` is one row per
    comment with the types of :func:`typed_frame` — ids stay strings (``1.10`` ≠ ``1.1``).

    Raises :class:`discourse.errors.InputError` for a file that is none of these.
    """
    import pandas as pd

    from discourse.errors import InputError

    source = Path(path)
    try:
        with open(source, "rb") as handle:
            head = handle.read(4)
            handle.seek(0)
            start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    except OSError as exc:
        raise InputError(source, f"cannot read ({exc.strerror or exc})") from None
    try:
        if head == b"PAR1":
            frame = _read_parquet(source)
            threads = _threads_from_frame(frame)
        elif start in (b"[", b"{"):
            threads = _read_json(source)
            frame = (pd.concat([t.to_frame() for t in threads], ignore_index=True)
                     if threads else pd.DataFrame(columns=list(COMMENT_COLUMNS)))
        else:
            frame = _read_csv(source)
            threads = _threads_from_frame(frame)
    except InputError:
        raise
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(source, f"not a discourse output file ({exc})") from None
    return threads, typed_frame(frame)


def _read_json(path: Path) -> list[Thread]:
    """Threads of a JSON or JSON Lines output file, through the reader of discourse's JSON
    (no size limit: the file is the user's own output)."""
    import sys

    from discourse.read.native import read
    from discourse.read.source import Document

    return list(read(Document.at(path, max_bytes=sys.maxsize)))
