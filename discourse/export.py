"""Write threads (or any rows) as JSON, JSON Lines, CSV or Parquet — streaming, atomically
— and read any of them back with the right types (:func:`read_output`).

Output files are written under a temporary name in the same folder and renamed into place
when complete, so an interrupted run never leaves a half-written file behind.

Comment tables (CSV, Parquet) have one row per comment: the thread's
:data:`~discourse.model.THREAD_COLUMNS` repeated, then every :class:`Comment` field.  In
Parquet every id is a string column, ``quotes`` and ``reasons`` are ``list<string>``,
``probabilities`` a ``map<string, double>``, ``depth``/``line``/``score`` int64 and
``inline`` bool.  CSV has no types: ``quotes``, ``reasons`` and ``probabilities`` are JSON
text, and a plain ``pandas.read_csv`` would read ids such as ``1.10`` as the number 1.1 —
read discourse CSV with :func:`read_output` (or ``pd.read_csv(path, dtype=str,
keep_default_na=False)``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from discourse.model import THREAD_COLUMNS, Comment, Thread

FORMATS = ("json", "jsonl", "csv", "parquet")

#: Terminal control sequences and characters: ANSI/VT escape sequences (CSI, OSC, other
#: ESC sequences), C0 controls except tab and newline, DEL, C1 controls, and the Unicode
#: bidirectional overrides/isolates that can make text display differently from what it is.
_CONTROLS = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"   # CSI (7- or 8-bit) ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[ -/]*[0-~]?"                  # other ESC sequences
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """``text`` without terminal control sequences (see ``_CONTROLS``); carriage returns
    are dropped too, so a line cannot overwrite itself.  Used for everything printed to a
    terminal (``--tree``, warnings, errors)."""
    return _CONTROLS.sub("", text)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str] | None, binary: bool = False) -> Iterator[IO[Any]]:
    """Open ``path`` for writing via a temporary file renamed into place on success;
    ``None`` or ``"-"`` means standard output."""
    if path is None or str(path) == "-":
        if binary:
            yield sys.stdout.buffer
        else:
            yield sys.stdout
        return
    target = Path(path)
    if _is_special(target):
        # /dev/null, /dev/stdout, a FIFO: written in place (renaming a temporary file over
        # it would replace the device itself with a regular file).
        with open(target, "wb" if binary else "w",
                  **({} if binary else {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); the output gets a normal file's mode.
        os.fchmod(fd, 0o666 & ~_umask())
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _is_special(path: Path) -> bool:
    """True when ``path`` exists and is neither a regular file nor a folder (a device,
    FIFO or socket)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _umask() -> int:
    """The process's umask (read by setting it, so set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def thread_record(thread: Thread) -> dict[str, Any]:
    """The JSON form of a thread (see the schema in the README)."""
    return thread.to_dict()


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


def encode_thread(thread: Thread, fmt: str) -> str | list[dict[str, Any]]:
    """``thread`` ready for :func:`write_encoded`: its JSON text (``json``: indented,
    ``jsonl``: one line) or its comment rows (``csv``, ``parquet``).  Cheap to send
    between processes, so parallel workers encode and the writer only writes."""
    if fmt == "json":
        return json.dumps(thread_record(thread), ensure_ascii=False, indent=1)
    if fmt == "jsonl":
        return json.dumps(thread_record(thread), ensure_ascii=False)
    if fmt in ("csv", "parquet"):
        return list(comment_rows(thread, nested=fmt == "parquet"))
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def write_threads(threads: Iterable[Thread], fmt: str, out: str | None) -> int:
    """Write threads in ``fmt``; return how many were written.  JSON is an array of
    threads; JSON Lines one thread per line; CSV and Parquet one row per comment."""
    return write_encoded((encode_thread(t, fmt) for t in threads), fmt, out)


def write_encoded(encoded: Iterable[str | list[dict[str, Any]]], fmt: str,
                  out: str | None) -> int:
    """Write threads already encoded by :func:`encode_thread`; return how many.  Nothing
    is written (not even an opening ``[``) until the first thread is ready, so a run that
    fails before any thread leaves standard output empty."""
    count = 0
    encoded = iter(encoded)
    first = next(encoded, _NOTHING)
    if first is not _NOTHING:
        encoded = _prepend(first, encoded)
    if fmt in ("json", "jsonl"):
        with atomic_output(out) as handle:
            if fmt == "json":
                handle.write("[")
            for text in encoded:
                if fmt == "json":
                    handle.write(",\n" if count else "\n")
                    handle.write(text)  # type: ignore[arg-type]
                else:
                    handle.write(text + "\n")  # type: ignore[operator]
                count += 1
            if fmt == "json":
                handle.write("\n]\n" if count else "]\n")
        return count

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal count
        for chunk in encoded:
            count += 1
            yield from chunk  # type: ignore[misc]

    write_rows(rows(), fmt, out, COMMENT_COLUMNS, COMMENT_TYPES)
    return count


_NOTHING = object()


def _prepend(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def write_records(records: Iterable[dict[str, Any]], fmt: str, out: str | None) -> int:
    """Write nested records as a JSON array (``json``) or one per line (``jsonl``)."""
    indent = 1 if fmt == "json" else None
    return write_encoded((json.dumps(r, ensure_ascii=False, indent=indent) for r in records),
                         fmt, out)


def write_rows(
    rows: Iterable[dict[str, Any]],
    fmt: str,
    out: str | None,
    columns: Iterable[str],
    types: dict[str, str] | None = None,
) -> int:
    """Write flat rows as CSV, Parquet (streamed in row groups), JSON or JSON Lines.

    ``types`` gives Parquet column types ("string", "int", "float", "bool"); columns not
    named are inferred from the first rows, and a column that is empty there is taken as
    float when its name is not in ``types`` and all values seen are numbers or missing."""
    columns = list(columns)
    if fmt in ("json", "jsonl"):
        return write_records(rows, fmt, out)
    if fmt == "csv":
        import csv

        count = 0
        with atomic_output(out) as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    if fmt == "parquet":
        return _write_parquet(rows, out, columns, types or {})
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def _arrow_type(kind: str):
    import pyarrow as pa

    return {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
            "bool": pa.bool_(), "list": pa.list_(pa.string()),
            "map": pa.map_(pa.string(), pa.float64())}[kind]


def _write_parquet(
    rows: Iterable[dict[str, Any]], out: str | None, columns: list[str], types: dict[str, str]
) -> int:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    def schema_for(table: pa.Table) -> pa.Schema:
        fields = []
        for f in table.schema:
            if f.name in types:
                fields.append(pa.field(f.name, _arrow_type(types[f.name])))
            elif pa.types.is_null(f.type):
                fields.append(pa.field(f.name, pa.float64()))
            else:
                fields.append(f)
        return pa.schema(fields)

    if out is None or out == "-":
        raise ValueError("Parquet output needs a file: give -o FILE.parquet")
    nested_columns = any(types.get(c) in ("list", "map") for c in columns)
    count = 0
    writer = None
    batch: list[dict[str, Any]] = []
    with atomic_output(out, binary=True) as handle:
        def flush() -> None:
            nonlocal writer
            if nested_columns:
                # nested values (lists, maps) go through pyarrow directly, typed
                table = pa.Table.from_pylist(
                    [{c: row.get(c) for c in columns} for row in batch],
                    schema=pa.schema([pa.field(c, _arrow_type(types.get(c, "string")))
                                      for c in columns]))
            else:
                frame = pd.DataFrame(batch, columns=columns)
                table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(handle, schema_for(table))
            table = table.cast(writer.schema)
            writer.write_table(table)
            batch.clear()

        for row in rows:
            batch.append(row)
            count += 1
            if len(batch) >= 10_000:
                flush()
        if batch or writer is None:
            flush()
        writer.close()  # type: ignore[union-attr]
    return count


def format_tree(thread: Thread, width: int = 72) -> str:
    """The reply tree indented for a human: id, depth, author, label with its confidence
    (``?`` marks an uncertain label), first words.  Safe to print to a terminal: control
    characters are removed (:func:`strip_controls`) and the title is cut to 200
    characters."""
    from discourse.analyze.metrics import is_uncertain

    title = " ".join(strip_controls(thread.title[:400]).split())
    if len(title) > 200:
        title = title[:199] + "…"
    where = thread.site or thread.layout or "no comments"
    head = f"{title}  [{strip_controls(where)[:80]}, {len(thread.comments)} comments]"
    out = [head]
    for c in thread.comments:
        who = " ".join(strip_controls(c.author or "—")[:60].split()) or "—"
        tag = " (inline note)" if c.inline else ""
        target = f" → {strip_controls(c.target_id)}" if c.target_id else ""
        label = ""
        if c.label:
            conf = f" {c.confidence:.0%}" if c.confidence is not None else ""
            label = f" [{strip_controls(c.label)}{conf}{'?' if is_uncertain(c) else ''}]"
        first = " ".join(strip_controls(c.text[: 4 * width + 64]).split())
        room = max(10, width - 2 * c.depth - len(who) - len(c.id))
        if len(first) > room:
            first = first[: room - 1] + "…"
        cid = strip_controls(c.id)
        out.append(f"{'  ' * c.depth}{cid} d{c.depth} {who}{tag}{target}{label}: {first}")
    return "\n".join(out)


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


def _read_csv(path: Path) -> Any:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    for column in frame.columns:  # an empty CSV cell is a missing value
        if column in _OPTIONAL_TEXT or COMMENT_TYPES.get(column, "string") != "string":
            frame[column] = pd.Series([None if v == "" else v for v in frame[column]],
                                      dtype=object, index=frame.index)
    for column in NESTED:
        if column in frame.columns:
            frame[column] = [None if v is None else json.loads(v) for v in frame[column]]
    return frame


def _read_parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

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
    Lines, CSV, Parquet; chosen by content: Parquet magic, ``[``/``{`` for JSON, else
    CSV).  ``threads`` are :class:`Thread` objects (from a CSV or Parquet table they have
    no article, noise or warnings, which tables do not carry); ``comments`` is one row per
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
            threads = _read_json_threads(source)
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


def _read_json_threads(path: Path) -> list[Thread]:
    import orjson

    from discourse.errors import InputError

    data = path.read_bytes().lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        if data.startswith(b"["):
            records = orjson.loads(data)
        else:
            records = [orjson.loads(line) for line in data.splitlines() if line.strip()]
    except orjson.JSONDecodeError as exc:
        raise InputError(path, f"line {exc.lineno}, column {exc.colno}: invalid JSON "
                               f"({exc.msg})") from None
    return [Thread.from_dict(r) for r in records]
