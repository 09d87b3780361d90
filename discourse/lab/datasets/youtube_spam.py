"""YouTube Spam Collection (Alberto, Lochter & Almeida 2015): comments under five music
videos, spam or not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from discourse.errors import DataError
from discourse.lab.datasets._base import labelled_pairs, public_file

FOLDER = "youtube_spam"


def load_youtube_spam(*, root: str | Path | None = None) -> pd.DataFrame:
    """YouTube Spam Collection: spam (CLASS 1) -> off-topic; CLASS 0 dropped.

    Non-spam comments are not labelled for stance ("Nice song" is neither agreement nor
    rebuttal in our sense), so they are dropped.  These are top-level comments, so
    parent = article = "<artist> video" from the file name (e.g. "Psy video"; the video
    itself is not text, and an empty parent would single this dataset out), depth 0,
    group = thread_id = the file name, comment_id = ``COMMENT_ID`` (duplicates dropped).
    """
    folder = public_file(FOLDER, root)
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DataError(f"{folder}: no YouTube spam CSV files")
    frames = []
    for file in files:
        df = pd.read_csv(file, dtype={"COMMENT_ID": str})
        df = df[df["CLASS"] == 1].drop_duplicates("COMMENT_ID")
        artist = file.stem.split("-", 1)[-1] + " video"
        frames.append(
            labelled_pairs(
                parent=artist,
                reply=df["CONTENT"],
                article=artist,
                label=pd.Series("off-topic", index=df.index),
                dataset="youtube_spam",
                group=file.name,
                                thread_id=file.name,
                comment_id=df["COMMENT_ID"],
            )
        )
    return pd.concat(frames, ignore_index=True)


