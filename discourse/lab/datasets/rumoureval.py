"""RumourEval 2017 subtask A (Derczynski et al., SemEval 2017): Twitter reply trees,
support / deny / query / comment towards the source tweet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from discourse.lab.datasets._base import labelled_pairs, public_file

FILE = "rumoureval2017_taskA.csv"


def load_rumoureval(*, root: str | Path | None = None) -> pd.DataFrame:
    """RumourEval 2017 task A: direct replies to the source tweet, support/deny only.

    Keeps rows at depth 1 whose parent is the source tweet: support -> agreement,
    deny -> rebuttal (query/comment dropped: they are not stances in our sense).
    parent = article = the source tweet, depth 0 (replying to the root), group = thread_id.
    """
    path = public_file(FILE, root)
    df = pd.read_csv(path, dtype={"thread_id": str, "tweet_id": str, "parent_id": str})
    keep = (
        (df["depth"] == 1)
        & (df["parent_id"] == df["thread_id"])
        & df["label"].isin(["support", "deny"])
    )
    df = df[keep]
    return labelled_pairs(
        parent=df["source_text"],
        reply=df["text"],
        article=df["source_text"],
        label=df["label"].map({"support": "agreement", "deny": "rebuttal"}),
        dataset="rumoureval",
        split=df["split"],
        group=df["thread_id"],
                thread_id=df["thread_id"],
        comment_id=df["tweet_id"],
    )


