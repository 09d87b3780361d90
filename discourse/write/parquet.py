"""Parquet: the comment table (:mod:`discourse.write.table`) with typed columns — ids as
strings, ``quotes``/``reasons`` ``list<string>``, ``probabilities`` ``map<string,
double>``, ``depth``/``line``/``score`` int64, ``inline`` bool — or any flat rows
(``analyze``), streamed in row groups.  Needs a file (``-o FILE.parquet``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from discourse.atomic import atomic_output
from discourse.errors import UsageError
from discourse.model import Thread
from discourse.write.table import COMMENT_COLUMNS, COMMENT_TYPES, comment_rows

__all__ = ["NAME", "check_output", "encode", "write", "write_rows"]

NAME = "parquet"


def check_output(out: str | None) -> None:
    """Parquet is written to a file, never to standard output."""
    if out is None or out == "-":
        raise UsageError("Parquet output needs a file: give -o FILE.parquet")
    from discourse.install import require

    require("pyarrow", "parquet", "--format parquet")


def encode(thread: Thread) -> list[dict[str, Any]]:
    """The thread's comment rows, nested fields as Python lists and (key, value) pairs."""
    return list(comment_rows(thread, nested=True))


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


def _arrow_type(kind: str):
    import pyarrow as pa

    return {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
            "bool": pa.bool_(), "list": pa.list_(pa.string()),
            "map": pa.map_(pa.string(), pa.float64())}[kind]


def write_rows(rows: Iterable[dict[str, Any]], out: str | None, columns: list[str],
               types: dict[str, str]) -> int:
    """Flat rows, streamed in row groups of 10,000; ``types`` gives column types
    ("string", "int", "float", "bool", "list", "map"); columns not named are inferred from
    the first rows, and a column that is empty there is taken as float.  Returns how
    many rows."""
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

    check_output(out)
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
