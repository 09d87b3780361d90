"""The shipped model's training data (``discourse train`` without files).

The default model is trained on the seeds' hand labels plus every public source except
DEBAGREEMENT test (kept clean as the cross-dataset benchmark), plus *synthetic off-topic*
pairs: replies moved under a parent and article from another conversation, so that the
model learns what "does not engage the parent or the article" looks like from the pair,
not from one dataset's vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from discourse.errors import DataError

#: Synthetic off-topic pairs per real pair of the pool they are drawn from.
SYNTHETIC_OFF_TOPIC = 1500


#: Fewest words of a reply moved under another conversation.  Measured (docs/model-card.md):
#: restricting the moved replies to long ones (>= 40 words), on the idea that short on-topic
#: replies share no words with their parent as often as moved ones do, made things worse
#: (seeds thread-CV macro-F1 0.63 against 0.74; off-topic share on the on-topic real test
#: threads 10.5% against 3.1%), so the pool stays at 12 words.
SYNTHETIC_MIN_WORDS = 12


def synthetic_off_topic(pairs: pd.DataFrame, n: int = SYNTHETIC_OFF_TOPIC,
                        seed: int = 0, min_words: int = SYNTHETIC_MIN_WORDS) -> pd.DataFrame:
    """``n`` replies of at least ``min_words`` words, each paired with the parent and
    article of a reply from a different conversation (``group``), labelled off-topic."""
    pool = pairs[pairs["label"].isin(["agreement", "rebuttal"])
                 & (pairs["reply"].str.split().str.len() >= min_words)]
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


def default_training_pairs(seeds_dir: str | Path | None = None,
                           progress: Callable[[str], None] = lambda _: None, *,
                           data_root: str | Path | None = None,
                           threads_root: str | Path | None = None,
                           realpages_root: str | Path | None = None) -> pd.DataFrame:
    """The shipped model's training pairs: the seeds (``seeds_dir``), the real threads'
    train split (files in ``threads_root``, else ``$DISCOURSE_THREADS``; the few read from
    the shared real pages in ``realpages_root``, else ``$DISCOURSE_REALPAGES``), the public data
    (``data_root``, else ``$DISCOURSE_DATA``; without DEBAGREEMENT test) and synthetic
    off-topic pairs drawn from them.  Raises :class:`DataError` when there is nothing."""
    from discourse.lab.datasets import data_dir, load_public, load_seeds
    from discourse.lab.datasets.realthreads import load_real_threads

    frames = []
    if seeds_dir is not None:
        try:
            frames.append(load_seeds(seeds_dir))
        except DataError as exc:
            progress(f"seeds skipped: {exc}")
    real = load_real_threads(threads_root, "train",
                             missing=lambda m: progress(f"real threads: {m}"),
                             realpages_root=realpages_root)
    progress(f"real threads (train split): {len(real)} pairs")
    frames.append(real)
    if data_dir(data_root) is not None:
        for name, frame in load_public(root=data_root).items():
            if name == "debagreement":
                frame = frame[frame["split"] != "test"]
            frames.append(frame)
            progress(f"{name}: {len(frame)} pairs")
    pairs = pd.concat(frames, ignore_index=True)
    if not len(pairs):
        raise DataError("no training data: no seeds labels, real threads or public data "
                        "(pass --data/--threads or set DISCOURSE_DATA/DISCOURSE_THREADS)")
    synthetic = synthetic_off_topic(pairs)
    progress(f"synthetic off-topic: {len(synthetic)} pairs")
    return pd.concat([pairs, synthetic], ignore_index=True)
