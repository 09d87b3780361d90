"""Labelled pairs frames: the :data:`~discourse.classify.pairs.PAIR_COLUMNS` plus
``label`` (one of :data:`~discourse.labels.LABELS`), ``dataset`` (a short name), ``split``
("train", "dev", "test" or "all") and ``group`` (the conversation, for grouped
cross-validation) — what training and evaluation take, whatever the source: a user's
CSV/TSV/JSONL/Parquet file (:func:`load_pairs_file`, ``discourse train``/``evaluate``), the
project's datasets (``discourse.lab.datasets``).  Pairs without threads go through
:func:`~discourse.classify.pairs.pair_thread`, so every row is what prediction would see."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from discourse.classify.pairs import PAIR_COLUMNS, last_rows, pair_thread, threads_pairs
from discourse.errors import DataError
from discourse.labels import LABELS
from discourse.model import Thread

#: Columns of every labelled pairs frame.
LABELLED_COLUMNS: tuple[str, ...] = (*PAIR_COLUMNS, "label", "dataset", "split", "group")


def clean_text(values: pd.Series | str) -> pd.Series | str:
    """Strings with NaN -> "", byte-order marks removed and outer whitespace stripped."""
    if isinstance(values, str):
        return values.replace("\ufeff", "").strip()
    return values.fillna("").astype(str).str.replace("\ufeff", "", regex=False).str.strip()


def _series(value: pd.Series | str | bool, index: pd.Index) -> pd.Series:
    return value if isinstance(value, pd.Series) else pd.Series(value, index=index)


def labelled_pairs(*, parent: pd.Series | str, reply: pd.Series, label: pd.Series,
                   dataset: str, group: pd.Series | str, split: pd.Series | str = "all",
                   article: pd.Series | str = "", thread_id: pd.Series | str = "",
                   comment_id: pd.Series | str = "", drop_empty: bool = True) -> pd.DataFrame:
    """A labelled pairs frame for pairs without threads (scalars are broadcast): each row is
    the reply of its :func:`~discourse.classify.pairs.pair_thread`, so depth, article and
    every feature column are what prediction would see for such a reply.  Rows with an
    empty reply are dropped unless ``drop_empty=False``."""
    index = reply.index
    cols = {name: clean_text(_series(value, index)) for name, value in
            (("parent", parent), ("reply", reply), ("article", article))}
    ids = {name: _series(value, index).fillna("").astype(str) for name, value in
           (("thread_id", thread_id), ("comment_id", comment_id))}
    threads = [pair_thread(p, r, a, thread_id=t, comment_id=c) for p, r, a, t, c in
               zip(cols["parent"], cols["reply"], cols["article"], ids["thread_id"],
                   ids["comment_id"], strict=True)]
    frame = last_rows(threads) if threads else pd.DataFrame(columns=list(PAIR_COLUMNS))
    frame["label"] = _series(label, index).astype(str).to_numpy()
    frame["dataset"] = dataset
    frame["split"] = _series(split, index).astype(str).to_numpy()
    frame["group"] = _series(group, index).astype(str).to_numpy()
    if drop_empty:
        frame = frame[frame["reply"] != ""]
    return frame.reset_index(drop=True)[list(LABELLED_COLUMNS)]


def hash_group(prefix: str, texts: pd.Series) -> pd.Series:
    """A stable short group id per distinct text (rows sharing a parent share a group)."""
    digest = pd.util.hash_pandas_object(texts.fillna(""), index=False).to_numpy(np.uint64)
    return pd.Series([f"{prefix}:{d & 0xFFFFFFFFFFFF:012x}" for d in digest], index=texts.index)


def empty_pairs() -> pd.DataFrame:
    """A labelled pairs frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in LABELLED_COLUMNS})


# -- a user's labelled files ------------------------------------------------------------
def parse_mapping(spec: str) -> dict[str, str]:
    """Parse ``"0=rebuttal,2=agreement"`` into ``{"0": "rebuttal", "2": "agreement"}``.

    Whitespace around items is ignored and targets are case-insensitive; empty specs,
    items without ``=``, empty sides, conflicting repeats and targets outside LABELS raise
    :class:`DataError`.
    """
    if spec is None or not str(spec).strip():
        raise DataError("empty label mapping: expected e.g. '0=rebuttal,2=agreement'")
    mapping: dict[str, str] = {}
    for item in str(spec).split(","):
        item = item.strip()
        if not item:
            continue
        source, sep, target = item.partition("=")
        source, target = source.strip(), target.strip().lower()
        if not sep or not source or not target:
            raise DataError(
                f"malformed label mapping item {item!r}: expected SOURCE=LABEL, "
                "e.g. '0=rebuttal,2=agreement'"
            )
        if target not in LABELS:
            raise DataError(
                f"label mapping {item!r}: {target!r} is not one of {', '.join(LABELS)}"
            )
        if mapping.get(source, target) != target:
            raise DataError(f"label mapping maps {source!r} to both {mapping[source]!r} "
                            f"and {target!r}")
        mapping[source] = target
    if not mapping:
        raise DataError("empty label mapping: expected e.g. '0=rebuttal,2=agreement'")
    return mapping


def _read_table(path: Path) -> pd.DataFrame:
    suffixes = [s.lower() for s in path.suffixes] or [""]
    base = suffixes[-2] if suffixes[-1] == ".gz" and len(suffixes) > 1 else suffixes[-1]
    try:
        if base in (".csv", ".tsv", ".tab"):
            return _read_delimited(path, "," if base == ".csv" else "\t")
        if base in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True, dtype=False)
        if base in (".parquet", ".pq"):
            from discourse.install import require

            require("pyarrow", "parquet", f"{path}: reading Parquet", DataError)
            return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read as {base.lstrip('.')} ({first})") from exc
    raise DataError(
        f"{path}: unsupported file type {path.suffix!r} "
        "(use .csv, .tsv, .jsonl, .ndjson or .parquet)"
    )


def read_table(path: str | Path) -> pd.DataFrame:
    """A user's CSV/TSV/JSONL/Parquet table (chosen by suffix; CSV and TSV as strings, in
    the first of :data:`TABLE_ENCODINGS` that decodes it).  Raises :class:`DataError`."""
    return _read_table(Path(path))


#: Encodings tried in turn for CSV/TSV files: UTF-8 (BOM allowed), then the usual
#: spreadsheet exports (cp1252, latin-1; latin-1 decodes any bytes).
TABLE_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def _read_delimited(path: Path, sep: str) -> pd.DataFrame:
    """A CSV/TSV file as strings, decoded with the first of :data:`TABLE_ENCODINGS`
    that works; any encoding but UTF-8 is announced with a warning."""
    for encoding in TABLE_ENCODINGS:
        try:
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                                encoding=encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8-sig":
            warnings.warn(f"{path}: not UTF-8; decoded as {encoding}", stacklevel=4)
        from discourse.cells import restore_cells

        return restore_cells(frame)  # discourse's CSV neutralises formulas ('=…)
    raise UnicodeDecodeError("latin-1", b"", 0, 0, "cannot decode")  # pragma: no cover


def _label_strings(values: pd.Series) -> pd.Series:
    """Labels as stripped strings; integral floats (2.0 from JSON/Parquet) become "2"."""
    if pd.api.types.is_float_dtype(values):
        integral = values.notna() & (values == np.floor(values))
        values = values.astype(object).where(~integral, values.fillna(0).astype("int64"))
    return values.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                      else str(v).strip())


def _counts(values: pd.Series, limit: int = 8) -> str:
    counts = values.value_counts()
    shown = [f"{v!r} ({n})" for v, n in counts.head(limit).items()]
    if len(counts) > limit:
        shown.append(f"... {len(counts) - limit} more")
    return ", ".join(shown)


def checked_labels(raw: pd.Series, mapping: Mapping[str, str] | None, where: str) -> pd.Series:
    """Labels of a user's file, lower-cased, through ``mapping`` when given; "" stays ""
    (not labelled).  Raises :class:`DataError` (one line naming ``where``) for any other
    value outside :data:`LABELS` or the mapping."""
    raw = _label_strings(raw)
    given = raw != ""
    if mapping is not None:
        mapping = {str(k).strip(): str(v).strip().lower() for k, v in mapping.items()}
        labels = raw.map(mapping)
    else:
        labels = raw.str.lower().where(raw.str.lower().isin(LABELS))
    bad = given & labels.isna()
    if bad.any():
        allowed = "the mapping" if mapping is not None else \
            f"{', '.join(LABELS)} (or empty: not labelled)"
        raise DataError(f"{where}: {int(bad.sum())} rows have labels outside {allowed}: "
                        f"{_counts(raw[bad])}")
    return labels.fillna("").astype(str)


def labelled_from_threads(threads: Sequence[Thread], dataset: str,
                          mapping: Mapping[str, str] | None = None,
                          where: str = "") -> pd.DataFrame:
    """A labelled pairs frame of ``threads`` whose comments carry their labels
    (``Comment.label``: a user's corrected ``classify`` output read back): the rows of the
    one pairs path (:func:`~discourse.classify.pairs.threads_pairs`) of every comment that
    has a label and text of its own; comments without a label (placeholders, comments the
    user left empty) and placeholders are context, not training rows.  Labels go through
    ``mapping`` when given, else must be among :data:`LABELS` (any case); group =
    thread_id (the thread's id or source), split "all".  Raises :class:`DataError` naming
    ``where`` for another label."""
    from discourse.classify.base import is_placeholder

    threads = list(threads)
    frame = threads_pairs(threads) if threads else pd.DataFrame(columns=list(PAIR_COLUMNS))
    comments = [c for t in threads for c in t.comments]
    raw = pd.Series(["" if c.label is None else str(c.label) for c in comments],
                    index=frame.index, dtype=object)
    labels = checked_labels(raw, mapping, where or dataset)
    keep = (labels != "").to_numpy() & np.array([not is_placeholder(c) for c in comments],
                                                 dtype=bool)
    frame = frame[keep].reset_index(drop=True)
    frame["label"] = labels[keep].to_numpy()
    frame["dataset"], frame["split"] = dataset, "all"
    frame["group"] = frame["thread_id"].astype(str)
    return frame[list(LABELLED_COLUMNS)]


def labelled_from_pairs(frame: pd.DataFrame, dataset: str,
                        mapping: Mapping[str, str] | None = None,
                        where: str = "") -> pd.DataFrame:
    """A labelled pairs frame from a table that already holds every
    :data:`~discourse.classify.pairs.PAIR_COLUMNS` column — rows the one pairs path made
    and discourse wrote out with their labels (``discourse import-labels``) — with the
    columns' types restored; rows without a label are dropped; group = the ``group``
    column, else thread_id."""
    missing = [c for c in (*PAIR_COLUMNS, "label") if c not in frame.columns]
    if missing:
        raise DataError(f"{where or dataset}: missing column {', '.join(map(repr, missing))}")
    labels = checked_labels(frame["label"], mapping, where or dataset)
    keep = (labels != "") & (clean_text(frame["reply"].astype(object)) != "")
    out = frame[keep].copy()
    for column in ("parent", "reply", "article", "role", "thread_id", "comment_id"):
        out[column] = out[column].astype(object).where(out[column].notna(), "").astype(str)
    out["depth"] = pd.to_numeric(out["depth"], errors="coerce").fillna(0).astype("int64")
    out["author_posts"] = pd.to_numeric(out["author_posts"], errors="coerce").fillna(0) \
        .astype("int64")
    for column in ("inline", "is_article_author", "returns"):
        out[column] = [str(v).strip().lower() in ("true", "1", "yes") if isinstance(v, str)
                       else bool(v) and v == v for v in out[column]]
    out["label"] = labels[keep].to_numpy()
    out["dataset"] = dataset
    out["split"] = out["split"].astype(str) if "split" in out.columns else "all"
    out["group"] = out["group"].astype(str) if "group" in out.columns \
        else out["thread_id"].astype(str)
    return out.reset_index(drop=True)[list(LABELLED_COLUMNS)]


def load_pairs_file(
    path: str | Path,
    parent_col: str | None,
    reply_col: str,
    label_col: str,
    mapping: Mapping[str, str] | None = None,
    article_col: str | None = None,
    *,
    group_col: str | None = None,
    drop_empty: bool = False,
    drop_unmapped: bool = False,
    dataset: str | None = None,
) -> pd.DataFrame:
    """Load a user's labelled pairs from CSV/TSV/JSONL/Parquet (chosen by suffix).

    With ``mapping`` (e.g. from :func:`parse_mapping`) every label value must be a key
    (``drop_unmapped=True`` drops the others instead); without it labels must already be
    among LABELS (case-insensitive).  Empty replies raise unless ``drop_empty=True`` (then
    they are dropped with a warning).  ``parent_col=None`` means "answers the article".
    Every problem is a one-line :class:`DataError` naming the file.  dataset defaults to
    the file's stem; group = ``group_col`` or a hash of the parent text.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    df = _read_table(path)
    needed = [c for c in (parent_col, reply_col, label_col, article_col, group_col) if c]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(
            f"{path}: missing column {', '.join(map(repr, missing))} "
            f"(available: {', '.join(map(str, df.columns)) or 'none'})"
        )
    raw = _label_strings(df[label_col])
    if mapping is not None:
        mapping = {str(k).strip(): str(v).strip().lower() for k, v in mapping.items()}
        bad_targets = sorted({v for v in mapping.values() if v not in LABELS})
        if bad_targets:
            raise DataError(
                f"{path}: mapping targets {', '.join(map(repr, bad_targets))} are not "
                f"among {', '.join(LABELS)}"
            )
        labels = raw.map(mapping)
        unmapped = labels.isna()
        if unmapped.any() and not drop_unmapped:
            raise DataError(
                f"{path}: {int(unmapped.sum())} rows have labels not in the mapping: "
                f"{_counts(raw[unmapped])}"
            )
    else:
        labels = raw.str.lower().where(raw.str.lower().isin(LABELS))
        unmapped = labels.isna()
        if unmapped.any():
            raise DataError(
                f"{path}: {int(unmapped.sum())} rows have labels outside "
                f"{', '.join(LABELS)}: {_counts(raw[unmapped])}; give a mapping "
                "such as '0=rebuttal,2=agreement'"
            )
    reply = clean_text(df[reply_col].astype(object))
    empty = reply == ""
    if empty.any():
        if not drop_empty:
            raise DataError(
                f"{path}: {int(empty.sum())} rows have an empty {reply_col!r} text "
                "(remove them or drop them explicitly)"
            )
        warnings.warn(f"{path}: dropped {int(empty.sum())} rows with an empty reply",
                      stacklevel=2)
    keep = ~unmapped & ~empty
    df, labels, reply = df[keep], labels[keep], reply[keep]
    article = clean_text(df[article_col].astype(object)) if article_col else ""
    parent = clean_text(df[parent_col].astype(object)) if parent_col else article
    name = dataset or path.name.split(".")[0]
    if group_col:
        group: pd.Series = df[group_col].astype(str)
    elif isinstance(parent, pd.Series):
        group = hash_group(name, parent)
    else:
        group = pd.Series([f"{name}:{i}" for i in range(len(df))], index=df.index)
    return labelled_pairs(
        parent=parent,
        reply=reply,
        article=article,
        label=labels,
        dataset=name,
        group=group,
        drop_empty=False,
    )
