"""The recipe of the shipped ``fast`` model (``discourse train`` without data files, or
``python -m discourse.lab select`` to choose it).

``fast`` is an ensemble of two members trained on the labelled real threads:

* the **stance model** (:mod:`discourse.classify.stance`): multilingual sentence embeddings
  of the reply and what it answers, their interaction and the thread context, into a
  strongly regularised logistic regression;
* the **linear model** (:mod:`discourse.classify.linear`): hashed TF-IDF n-grams and
  relational cues — weaker alone, it adds the wording and gives the reasons.

The recipe (feature blocks, regularisation, the linear model's weight, the public pairs'
weight: :data:`SHIPPED`) is chosen on the dev split with both members trained on the train
split; the mixture's calibration (per-label offset + temperature,
:meth:`~discourse.classify.calibration.Calibration.fit_bias`) is fitted on the dev split's
predictions, and so are the decision offsets (:func:`discourse.classify.base.choose`:
macro-F1 on dev); the shipped members are then refitted on train + dev with the same recipe and
keep that calibration.  The test split is never used to choose anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from discourse.errors import DataError
from discourse.lab.select import Candidate, calibrated_mix, tune_decision

#: The recipe chosen on the dev split (``python -m discourse.lab select``; the table is
#: docs/model-selection.csv): dev macro-F1 0.555, 0.004 below the best of 72 recipes, which
#: adds the parent's own embedding (512 more features) and drops the linear model.
SHIPPED = Candidate(blocks=("reply", "interaction", "context", "cues"), c=0.001,
                    linear_weight=0.4, public_weight=0.1)
#: Public pair datasets that may join training (agreement/rebuttal pairs, their test splits
#: never).  Not UMOD (it has no test split: it stays a clean cross-dataset test of
#: moderation) nor the YouTube Spam Collection (its comments are threads of the labelled set:
#: two of its five videos are dev and test sources).
PUBLIC = ("debagreement", "iac_awtp_abcd", "rumoureval")
#: Where research loops keep sentence embeddings (``$DISCOURSE_CACHE`` overrides).
CACHE_ENV = "DISCOURSE_CACHE"


def cache_dir() -> Path:
    """The research cache folder: ``$DISCOURSE_CACHE`` or ``~/.cache/discourse-lab``."""
    import os

    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "discourse-lab")


def encoder():
    """A disk-cached sentence encoder for research loops (:mod:`discourse.lab.embeddings`)."""
    from discourse.lab.embeddings import CachedEncoder

    return CachedEncoder(cache_dir() / "use-embeddings.npz")


def real_splits(roots: Any, progress: Callable[[str], None] = lambda _: None
                ) -> dict[str, pd.DataFrame]:
    """The labelled real threads' pairs by split (``train``, ``dev``, ``test``), read
    through the readers from ``roots.threads`` / ``roots.realpages``.  Raises
    :class:`DataError` when the train or dev split is empty."""
    from discourse.lab.datasets.realthreads import load_real_threads

    real = load_real_threads(roots.threads, missing=lambda m: progress(f"real threads: {m}"),
                             realpages_root=roots.realpages)
    splits = {name: real[real["split"] == name].reset_index(drop=True)
              for name in ("train", "dev", "test")}
    for name in ("train", "dev"):
        if not len(splits[name]):
            raise DataError(f"no labelled real threads in the {name} split (pass --threads, "
                            "or run from a clone)")
    progress("real threads: " + ", ".join(f"{k} {len(v):,}" for k, v in splits.items()))
    return splits


def public_pairs(roots: Any) -> pd.DataFrame:
    """The public pairs that may join training (:data:`PUBLIC`; DEBAGREEMENT's dev slice,
    the others without their test splits), or an empty frame without the public data."""
    from discourse.lab.datasets import data_dir, load_public

    if data_dir(roots.data) is None:
        return pd.DataFrame()
    frames = [frame[frame["split"] != "test"]
              for frame in load_public(PUBLIC, root=roots.data).values()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def fit_members(train: pd.DataFrame, recipe: Candidate, enc: Any,
                public: pd.DataFrame | None = None):
    """The two members fitted on ``train`` (plus ``public`` rows weighted
    ``recipe.public_weight`` in the stance model when given): ``(stance, linear)``,
    uncalibrated."""
    from discourse.classify.linear import LinearModel
    from discourse.classify.stance import StanceModel

    rows = train
    weights = None
    if public is not None and len(public) and recipe.public_weight > 0:
        rows = pd.concat([train, public], ignore_index=True)
        weights = np.concatenate([np.ones(len(train)),
                                  np.full(len(public), recipe.public_weight)])
    stance = StanceModel.fit(rows, blocks=recipe.blocks, c=recipe.c, encoder=enc,
                             sample_weight=weights)
    linear = LinearModel.fit(train)
    return stance, linear


def member_proba(stance: Any, linear: Any, pairs: pd.DataFrame) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """Both members' raw probabilities for ``pairs`` (rows × 4 each)."""
    return (stance.predict_proba(pairs, calibrated=False),
            linear.predict_proba(pairs, calibrated=False))


def fit_recipe(train: pd.DataFrame, dev: pd.DataFrame, recipe: Candidate, enc: Any,
               public: pd.DataFrame | None = None, refit: pd.DataFrame | None = None,
               progress: Callable[[str], None] = lambda _: None):
    """The recipe of this module's docstring: members fitted on ``train``; the mixture's
    calibration and the decision offsets fitted on their predictions for ``dev``; members
    refitted on ``refit`` (default: train + dev).  Returns ``(ensemble, dev scores)``; used
    for the shipped model and, with inner splits, by the evaluation's held-out protocol."""
    from discourse.classify.ensemble import Ensemble
    from discourse.lab.select import dev_scores

    progress(f"fitting on {len(train):,} comments for the calibration")
    stance, linear = fit_members(train, recipe, enc, public)
    ps, pl = member_proba(stance, linear, dev)
    mixed, calibration = calibrated_mix(ps, pl, recipe.linear_weight, dev["label"])
    decision = tune_decision(dev["label"], mixed)
    scores = dev_scores(dev["label"], mixed, decision)
    progress(f"dev: macro-F1 {scores['macro_f1']:.3f}, agreement vs rebuttal "
             f"{scores['stance_f1']:.3f}; refitting")
    rows = pd.concat([train, dev], ignore_index=True) if refit is None else refit
    stance, linear = fit_members(rows, recipe, enc, public)
    return Ensemble([(stance, 1 - recipe.linear_weight), (linear, recipe.linear_weight)],
                    name="fast", calibration=calibration, decision=decision), scores


def train_fast(roots: Any, recipe: Candidate = SHIPPED,
               progress: Callable[[str], None] = lambda _: None, command: str = ""):
    """The shipped ``fast`` ensemble by the recipe of this module's docstring
    (:func:`fit_recipe` on the train and dev splits); its ``meta`` records the data, the
    recipe, the dev scores and the training time."""
    from discourse import __version__

    start = time.perf_counter()
    enc = encoder()
    splits = real_splits(roots, progress)
    public = public_pairs(roots) if recipe.public_weight > 0 else None
    train, dev = splits["train"], splits["dev"]
    model, scores = fit_recipe(train, dev, recipe, enc, public, progress=progress)
    enc.save()
    both = pd.concat([train, dev], ignore_index=True)
    counts = both.groupby("split")["label"].value_counts().unstack(fill_value=0)
    model.meta = {"discourse_version": __version__, "recipe": recipe.name(),
                  "trained_rows": int(len(both)), "trained": time.strftime("%Y-%m-%d"),
                  "label_counts": {s: {k: int(v) for k, v in row.items()}
                                   for s, row in counts.iterrows()},
                  "dev_scores": {k: (round(v, 4) if isinstance(v, float) else v)
                                 for k, v in scores.items()},
                  "calibration_fitted_on": f"dev split ({len(dev):,} comments, "
                                           f"{dev['site'].nunique()} sources)",
                  "command": command, "seconds": round(time.perf_counter() - start, 1)}
    return model


# -- the linear model's synthetic off-topic pairs (kept for user-data training) -------------
#: Synthetic off-topic pairs per real pair of the pool they are drawn from.
SYNTHETIC_OFF_TOPIC = 1500
#: Fewest words of a reply moved under another conversation.
SYNTHETIC_MIN_WORDS = 12


def synthetic_off_topic(pairs: pd.DataFrame, n: int = SYNTHETIC_OFF_TOPIC,
                        seed: int = 0, min_words: int = SYNTHETIC_MIN_WORDS) -> pd.DataFrame:
    """``n`` replies of at least ``min_words`` words, each paired with the parent and
    article of a reply from a different conversation (``group``), labelled off-topic:
    what "engages neither its parent nor the article" looks like, for training sets
    without real off-topic replies."""
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
