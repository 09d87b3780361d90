"""Labelled files back into training and evaluation: the label-correction loop.

``discourse train FILE`` and ``discourse evaluate FILE`` read three kinds of labelled file,
told apart by their columns (:func:`labelled_kind`):

``comments``
    discourse's own comment table — ``classify --format csv|parquet`` (or ``json``/``jsonl``)
    output, with ``label`` edited by a person: the threads are rebuilt from it
    (:func:`~discourse.write.table.read_output`) and each labelled comment's pairs row is the
    one the pairs path makes for it
    (:func:`~discourse.classify.labelled.labelled_from_threads`).  Comments whose ``label``
    is empty, and placeholders (deleted comments, pingbacks), are context, not training
    rows.  A CSV or Parquet table carries no article, so comments that answer the article
    are read with an empty one (JSON and JSON Lines output keep it).
``pairs``
    rows of the pairs path already written out with their labels (``discourse
    import-labels``): every :data:`~discourse.classify.pairs.PAIR_COLUMNS` column plus
    ``label``; taken as they are (:func:`~discourse.classify.labelled.labelled_from_pairs`).
``texts``
    any other table of labelled (parent, reply) texts: ``--parent-col``/``--reply-col``/
    ``--label-col`` (:func:`~discourse.classify.labelled.load_pairs_file`).

The first two come from the model's own output, so the model is scored deciding among all
four labels, as it did (:func:`load_labelled` says so); a table of texts is scored among the
labels it has.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from discourse.classify.labelled import (
    labelled_from_pairs,
    labelled_from_threads,
    load_pairs_file,
    read_table,
)
from discourse.classify.pairs import PAIR_COLUMNS
from discourse.errors import DataError, InputError
from discourse.model import Thread

__all__ = ["COMMENT_TABLE_COLUMNS", "labelled_kind", "load_labelled", "read_corrected"]

Kind = Literal["comments", "pairs", "texts"]

#: A comment table has these columns (and ``parent_id`` or ``target_id``, ``thread_id``
#: or ``source``).
COMMENT_TABLE_COLUMNS = ("id", "text", "label")


def _columns(path: Path) -> list[str]:
    """The column names of a table (CSV/TSV header, Parquet schema, the first JSON Lines
    record), or the keys of discourse's thread JSON ("comments" …); [] when unknown."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if head.startswith(b"PAR1"):
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: cannot read as parquet ({exc})") from None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"[", b"{"):
        from discourse.read.native import sniff

        if sniff(head):
            return ["comments"]
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        try:
            record = json.loads(first)
        except ValueError:
            return []
        return list(record) if isinstance(record, dict) else []
    text = head.decode("utf-8-sig", errors="replace")
    line = text.splitlines()[0] if text else ""
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    return next(csv.reader([line], delimiter=delimiter), [])


def labelled_kind(path: str | Path) -> Kind:
    """Which kind of labelled file ``path`` is (see the module docs), from its columns."""
    columns = set(_columns(Path(path)))
    if "comments" in columns and len(columns) == 1:
        return "comments"
    if set(COMMENT_TABLE_COLUMNS) <= columns and columns & {"parent_id", "target_id"} \
            and columns & {"thread_id", "source"}:
        return "comments"
    if set(PAIR_COLUMNS) <= columns and "label" in columns:
        return "pairs"
    return "texts"


def _check_tree(threads: list[Thread], path: Path) -> None:
    """Every ``parent_id``/``target_id`` names a comment of its thread: a spreadsheet that
    turned ids into numbers (``1.10`` → ``1.1``) would otherwise attach replies to the
    wrong comments."""
    for thread in threads:
        ids = {c.id for c in thread.comments}
        for c in thread.comments:
            for ref in (c.parent_id, c.target_id):
                if ref is not None and ref not in ids:
                    where = thread.thread_id or thread.source or "a thread"
                    raise DataError(
                        f"{path}: {where}: comment {c.id!r} answers {ref!r}, which is not in "
                        f"the table (were the id columns changed, e.g. 1.10 read as a number "
                        f"by a spreadsheet? keep id, parent_id and target_id as text)")


def read_corrected(path: str | Path, mapping: Mapping[str, str] | None = None,
                   label_col: str = "label", dataset: str | None = None) -> pd.DataFrame:
    """The labelled pairs of a comment table (``classify`` output whose ``label`` column a
    person corrected): threads rebuilt by :func:`~discourse.write.table.read_output`,
    pairs by the one pairs path, only comments with a label (see the module docs).
    ``label_col``: another column of the table holding the corrected labels."""
    from discourse.write.table import read_output

    path = Path(path)
    try:
        threads, _ = read_output(path)
    except InputError as exc:
        raise DataError(str(exc)) from None
    if label_col != "label":
        values = iter(_label_column(path, label_col).tolist())
        threads = [t.with_comments([_relabel(c, next(values)) for c in t.comments])
                   for t in threads]
    _check_tree(threads, path)
    name = dataset or path.name.split(".")[0]
    return labelled_from_threads(threads, name, mapping, where=str(path))


def _label_column(path: Path, column: str) -> pd.Series:
    table = read_table(path)
    if column not in table.columns:
        raise DataError(f"{path}: missing column {column!r} "
                        f"(available: {', '.join(map(str, table.columns))})")
    return table[column]


def _relabel(comment, value):
    from dataclasses import replace

    missing = value is None or (isinstance(value, float) and value != value)
    return replace(comment, label=None if missing or str(value).strip() == "" else str(value))


def load_labelled(path: str | Path, parent_col: str | None = "parent", reply_col: str = "reply",
                  label_col: str = "label", mapping: Mapping[str, str] | None = None,
                  article_col: str | None = None) -> tuple[pd.DataFrame, bool]:
    """``(labelled pairs, all_labels)`` of any labelled file ``discourse train`` and
    ``evaluate`` take (see the module docs); ``all_labels``: the rows come from the
    model's own output, so it is scored deciding among all four labels.  Raises
    :class:`DataError` (one line naming the file)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    kind = labelled_kind(path)
    if kind == "comments":
        return read_corrected(path, mapping, label_col), True
    if kind == "pairs":
        return labelled_from_pairs(read_table(path), path.name.split(".")[0], mapping,
                                   where=str(path)), True
    return load_pairs_file(path, parent_col, reply_col, label_col, mapping, article_col), False
