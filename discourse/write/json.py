"""JSON (an array of threads, indented) and JSON Lines (one thread per line) — the JSON
form of a thread is :meth:`Thread.to_dict` (the schema in the README), read back by
:mod:`discourse.read.native`.  Both also write flat rows (``analyze``) as records."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from discourse.atomic import atomic_output
from discourse.model import Thread
from discourse.write import Form

__all__ = ["JSON", "JSONL"]


def encode_json(thread: Thread) -> str:
    """The thread as indented JSON text (one element of the array)."""
    return json.dumps(thread.to_dict(), ensure_ascii=False, indent=1)


def encode_jsonl(thread: Thread) -> str:
    """The thread as one line of JSON."""
    return json.dumps(thread.to_dict(), ensure_ascii=False)


def write_array(texts: Iterable[str], out: str | None) -> int:
    """A JSON array of the JSON texts ``texts``; ``[]`` when there are none."""
    count = 0
    with atomic_output(out) as handle:
        handle.write("[")
        for text in texts:
            handle.write(",\n" if count else "\n")
            handle.write(text)
            count += 1
        handle.write("\n]\n" if count else "]\n")
    return count


def write_lines(texts: Iterable[str], out: str | None) -> int:
    """One JSON text per line."""
    count = 0
    with atomic_output(out) as handle:
        for text in texts:
            handle.write(text + "\n")
            count += 1
    return count


def _rows_as_array(rows: Iterable[dict[str, Any]], out: str | None, columns: list[str],
                   types: dict[str, str]) -> int:
    return write_array((json.dumps(r, ensure_ascii=False, indent=1) for r in rows), out)


def _rows_as_lines(rows: Iterable[dict[str, Any]], out: str | None, columns: list[str],
                   types: dict[str, str]) -> int:
    return write_lines((json.dumps(r, ensure_ascii=False) for r in rows), out)


JSON = Form("json", encode_json, write_array, write_rows=_rows_as_array)
JSONL = Form("jsonl", encode_jsonl, write_lines, write_rows=_rows_as_lines)

