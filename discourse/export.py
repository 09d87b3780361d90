"""Write threads (or any rows) as JSON, JSON Lines, CSV or Parquet — streaming, atomically.

Output files are written under a temporary name in the same folder and renamed into place
when complete, so an interrupted run never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from discourse.model import THREAD_COLUMNS, Comment, Thread

FORMATS = ("json", "jsonl", "csv", "parquet")


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


def _umask() -> int:
    """The process's umask (read by setting it, so set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def thread_record(thread: Thread) -> dict[str, Any]:
    """The JSON form of a thread (see the schema in the README)."""
    return thread.to_dict()


def comment_rows(thread: Thread) -> Iterator[dict[str, Any]]:
    """One flat row per comment, with the thread's source, title and layout."""
    for c in thread.comments:
        row: dict[str, Any] = {k: getattr(thread, k) for k in THREAD_COLUMNS}
        row.update(c.to_dict())
        row["quotes"] = json.dumps(c.quotes, ensure_ascii=False)
        row["reasons"] = "; ".join(c.reasons)
        yield row


COMMENT_COLUMNS = THREAD_COLUMNS + tuple(Comment.__dataclass_fields__)
#: Arrow types of the comment table ("string" unless named here).
COMMENT_TYPES = {name: "string" for name in COMMENT_COLUMNS} | {
    "depth": "int", "line": "int", "score": "int", "inline": "bool", "confidence": "float", "sentiment": "float"}


def encode_thread(thread: Thread, fmt: str) -> str | list[dict[str, Any]]:
    """``thread`` ready for :func:`write_encoded`: its JSON text (``json``: indented,
    ``jsonl``: one line) or its comment rows (``csv``, ``parquet``).  Cheap to send
    between processes, so parallel workers encode and the writer only writes."""
    if fmt == "json":
        return json.dumps(thread_record(thread), ensure_ascii=False, indent=1)
    if fmt == "jsonl":
        return json.dumps(thread_record(thread), ensure_ascii=False)
    if fmt in ("csv", "parquet"):
        return list(comment_rows(thread))
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


_ARROW = {"string": "string", "int": "int64", "float": "float64", "bool": "bool_"}


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
                fields.append(pa.field(f.name, getattr(pa, _ARROW[types[f.name]])()))
            elif pa.types.is_null(f.type):
                fields.append(pa.field(f.name, pa.float64()))
            else:
                fields.append(f)
        return pa.schema(fields)

    if out is None or out == "-":
        raise ValueError("Parquet output needs a file: give -o FILE.parquet")
    count = 0
    writer = None
    batch: list[dict[str, Any]] = []
    with atomic_output(out, binary=True) as handle:
        def flush() -> None:
            nonlocal writer
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
    """The reply tree indented for a human: id, depth, author, first words."""
    head = f"{thread.title}  [{thread.layout or 'no comments'}, {len(thread.comments)} comments]"
    out = [head]
    for c in thread.comments:
        who = c.author or "—"
        tag = " (inline note)" if c.inline else ""
        target = f" → {c.target_id}" if c.target_id else ""
        label = f" [{c.label}]" if c.label else ""
        first = " ".join(c.text.split())
        room = max(10, width - 2 * c.depth - len(who) - len(c.id))
        if len(first) > room:
            first = first[: room - 1] + "…"
        out.append(f"{'  ' * c.depth}{c.id} d{c.depth} {who}{tag}{target}{label}: {first}")
    return "\n".join(out)
