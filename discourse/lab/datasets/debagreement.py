"""DEBAGREEMENT (Pougué-Biyong et al., NeurIPS Datasets and Benchmarks 2021): Reddit
parent→reply pairs from five political subreddits, 0 disagree / 1 neutral / 2 agree."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from discourse.errors import DataError
from discourse.lab.datasets._base import labelled_pairs, public_file

FILES = {"dev": "debagreement_dev.csv", "test": "debagreement_test.csv"}


def load_debagreement(split: str = "test", *, root: str | Path | None = None) -> pd.DataFrame:
    """DEBAGREEMENT Reddit pairs: 0 -> rebuttal, 2 -> agreement, 1 (neutral) dropped.

    ``split`` is "dev", "test" or "all" (both).  article = submission title/text,
    group = thread_id = ``submission_id``, comment_id = ``msg_id_child``; the reply answers
    the parent comment (depth 1).
    """
    if split == "all":
        return pd.concat([load_debagreement(s, root=root) for s in ("dev", "test")],
                         ignore_index=True)
    if split not in ("dev", "test"):
        raise DataError(f"DEBAGREEMENT split must be dev, test or all, not {split!r}")
    path = public_file(FILES[split], root)
    df = pd.read_csv(path, dtype={"submission_id": str, "msg_id_child": str})
    df = df[df["label"].isin([0, 2])]
    return labelled_pairs(
        parent=df["body_parent"],
        reply=df["body_child"],
        article=df["submission_text"],
        label=df["label"].map({0: "rebuttal", 2: "agreement"}),
        dataset="debagreement",
        split=split,
        group=df["submission_id"],
        thread_id=df["submission_id"],
        comment_id=df["msg_id_child"],
    )


def load_available(root: str | Path | None = None) -> pd.DataFrame:
    """Both DEBAGREEMENT splits, or the one present (with a warning for the other)."""
    frames = []
    for split in ("dev", "test"):
        try:
            frames.append(load_debagreement(split, root=root))
        except DataError as exc:
            if "not found" not in str(exc):
                raise
            warnings.warn(f"skipping debagreement {split}: {exc}", stacklevel=3)
    if not frames:
        raise DataError(f"{FILES['test']}: public data file not found")
    return pd.concat(frames, ignore_index=True)


