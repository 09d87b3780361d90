"""Assemble training data and train a model (``discourse train``).

The default model is trained on the seeds' hand labels plus every public source except
DEBAGREEMENT test (kept clean as the cross-dataset benchmark), plus *synthetic off-topic*
pairs: replies moved under a parent and article from another conversation, so that the
model learns what "does not engage the parent or the article" looks like from the pair,
not from one dataset's vocabulary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from discourse.classify.features import cached_sentiment
from discourse.classify.model import Classifier
from discourse.errors import DataError

#: Synthetic off-topic pairs per real pair of the pool they are drawn from.
SYNTHETIC_OFF_TOPIC = 1500


def synthetic_off_topic(pairs: pd.DataFrame, n: int = SYNTHETIC_OFF_TOPIC,
                        seed: int = 0) -> pd.DataFrame:
    """``n`` replies each paired with the parent and article of a reply from a different
    conversation (``group``), labelled off-topic."""
    pool = pairs[pairs["label"].isin(["agreement", "rebuttal"])
                 & (pairs["reply"].str.split().str.len() >= 12)]
    if len(pool) < 2 or pool["group"].nunique() < 2:
        return pairs.iloc[:0]
    rng = np.random.default_rng(seed)
    take = pool.iloc[rng.choice(len(pool), min(n, len(pool)), replace=False)]
    donors = pool.iloc[rng.permutation(len(pool))[: len(take)]]
    same = take["group"].to_numpy() == donors["group"].to_numpy()
    donors = donors[~same]
    take = take[~same]
    out = take.copy()
    out["parent"] = donors["parent"].to_numpy()
    out["article"] = donors["article"].to_numpy()
    out["label"] = "off-topic"
    out["dataset"] = "synthetic_off_topic"
    out["split"] = "train"
    return out.reset_index(drop=True)


def default_training_pairs(seeds_dir: str = "seeds",
                           progress: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """Seeds + public data (without DEBAGREEMENT test) + synthetic off-topic pairs."""
    from discourse.classify.data import data_dir, load_public, load_seeds

    frames = []
    try:
        frames.append(load_seeds(seeds_dir))
    except DataError as exc:
        progress(f"seeds skipped: {exc}")
    if data_dir() is not None:
        for name, frame in load_public().items():
            if name == "debagreement":
                frame = frame[frame["split"] != "test"]
            frames.append(frame)
            progress(f"{name}: {len(frame)} pairs")
    if not frames:
        raise DataError("no training data: no seeds labels and no public data "
                        "(set DISCOURSE_DATA or give labelled files)")
    pairs = pd.concat(frames, ignore_index=True)
    synthetic = synthetic_off_topic(pairs)
    progress(f"synthetic off-topic: {len(synthetic)} pairs")
    return pd.concat([pairs, synthetic], ignore_index=True)


def train(pairs: pd.DataFrame, command: str = "",
          progress: Callable[[str], None] = lambda _: None) -> Classifier:
    """Train a classifier on ``pairs`` and record what it was trained on in its metadata."""
    from discourse import __version__

    start = time.perf_counter()
    progress(f"training on {len(pairs)} pairs")
    with cached_sentiment():
        model = Classifier.fit(pairs)
    counts: dict[str, Any] = {}
    if "dataset" in pairs.columns:
        for (dataset, label), n in pairs.groupby(["dataset", "label"]).size().items():
            counts.setdefault(str(dataset), {})[str(label)] = int(n)
    model.meta = {"discourse_version": __version__, "trained_rows": int(len(pairs)),
                  "label_counts": counts, "command": command,
                  "seconds": round(time.perf_counter() - start, 1),
                  "trained": time.strftime("%Y-%m-%d")}
    return model
