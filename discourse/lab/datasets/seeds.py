"""The hand-labelled seeds: ``labels.csv`` beside the five seed documents (the project's
``seeds/``), every labelled comment relative to what it answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from discourse.classify.pairs import thread_pairs
from discourse.errors import DataError
from discourse.lab.datasets._base import LABELLED_COLUMNS, empty_pairs
from discourse.labels import LABELS


def load_seeds(seeds_dir: str | Path) -> pd.DataFrame:
    """Labelled pairs of every hand-labelled seed comment (``<seeds_dir>/labels.csv``:
    columns ``document``, ``comment_id``, ``label``), read through the readers and the one
    pairs path; group = thread_id = document name, split "all".  Raises
    :class:`DataError` for a missing file, column, document or comment, or an unknown
    label."""
    from discourse.read import parse_file

    folder = Path(seeds_dir)
    labels_path = folder / "labels.csv"
    if not labels_path.is_file():
        raise DataError(f"{labels_path}: seed labels not found")
    labels = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    missing = [c for c in ("document", "comment_id", "label") if c not in labels.columns]
    if missing:
        raise DataError(f"{labels_path}: missing column {missing[0]!r} "
                        f"(available: {', '.join(map(str, labels.columns))})")
    labels["label"] = labels["label"].str.strip()
    bad = labels.loc[~labels["label"].isin(LABELS), "label"]
    if len(bad):
        raise DataError(f"{labels_path}: {len(bad)} rows have labels outside "
                        f"{', '.join(LABELS)}: {', '.join(sorted(map(repr, bad.unique())))}")
    frames = []
    for document, block in labels.groupby("document", sort=False):
        doc_path = folder / str(document)
        if not doc_path.is_file():
            raise DataError(f"{labels_path}: document {document!r} not found in {folder}")
        thread = parse_file(doc_path)
        ids = [c.id for c in thread.comments]
        pairs = thread_pairs(thread)
        rows = []
        for cid in block["comment_id"].str.strip():
            if cid not in ids:
                raise DataError(f"{labels_path}: {document} has no comment {cid!r}")
            rows.append(ids.index(cid))
        chosen = pairs.iloc[rows].reset_index(drop=True)
        chosen["thread_id"] = str(document)
        chosen["comment_id"] = block["comment_id"].str.strip().to_numpy()
        chosen["label"] = block["label"].to_numpy()
        frames.append(chosen)
    if not frames:
        return empty_pairs()
    out = pd.concat(frames, ignore_index=True)
    out["dataset"], out["split"], out["group"] = "seeds", "all", out["thread_id"]
    return out[list(LABELLED_COLUMNS)]
