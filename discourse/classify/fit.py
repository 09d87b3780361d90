"""Fitting a calibrated model on labelled pairs (``discourse train``): hold out in-domain
conversations, fit the calibration on a first model's probabilities for them, then train on
everything (see :mod:`discourse.classify.calibration`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from discourse.classify.calibration import Calibration
from discourse.classify.decide import evidence_mask
from discourse.classify.features import cached_sentiment
from discourse.classify.linear import LinearModel
from discourse.labels import LABELS, PRIOR

#: Datasets of comments under articles, labelled relative to what they answer: the
#: in-domain data the calibration is fitted on.
IN_DOMAIN = ("seeds", "real_threads")
#: Share of the in-domain conversations held out to fit the calibration.
CALIBRATION_SHARE = 1 / 3
#: The label mix the prior correction assumes (:data:`discourse.labels.PRIOR`): a fixed
#: design constant, not estimated per training set, whose frequencies swing from fold to
#: fold (see :mod:`discourse.labels`).
DESIGN_PRIOR = PRIOR
#: Fewest held-out in-domain comments a calibration is fitted on (else prior only).
MIN_CALIBRATION_ROWS = 20


def prior_calibration(source: str) -> Calibration:
    """The :data:`DESIGN_PRIOR` correction alone (``T = 1``), recording ``source``."""
    return Calibration(1.0, Calibration.prior_bias([DESIGN_PRIOR[label] for label in LABELS]),
                       {"source": source})


def calibration_split(pairs: pd.DataFrame, share: float = CALIBRATION_SHARE) -> np.ndarray:
    """Boolean mask of the rows held out for calibration: every in-domain conversation
    (``group``) whose rank in a fixed hash order falls in the first ``share``; inline
    moderator notes are excluded (they are labelled by rule)."""
    if "dataset" not in pairs.columns:
        return np.zeros(len(pairs), dtype=bool)
    in_domain = pairs["dataset"].isin(IN_DOMAIN).to_numpy()
    groups = sorted(set(pairs.loc[in_domain, "group"].astype(str)),
                    key=lambda g: pd.util.hash_array(np.array([g], dtype=object))[0])
    held = set(groups[: max(1, round(len(groups) * share))]) if len(groups) >= 2 else set()
    inline = pairs.get("inline", pd.Series(False, index=pairs.index)).fillna(False).astype(bool)
    return in_domain & pairs["group"].astype(str).isin(held).to_numpy() & ~inline.to_numpy()


def fit_calibrated(pairs: pd.DataFrame,
                   progress: Callable[[str], None] = lambda _: None) -> LinearModel:
    """Train with calibrated probabilities (see :mod:`discourse.classify.calibration`).

    A first model is trained without the calibration rows (:func:`calibration_split`),
    the calibration (temperature + per-label bias) is fitted on its probabilities for
    them, then the final model is trained on all rows and given that calibration.  The
    prior correction is always :data:`DESIGN_PRIOR`'s; without enough in-domain rows
    ``T = 1``.
    """
    held = calibration_split(pairs)
    frequencies = np.array([DESIGN_PRIOR[label] for label in LABELS])
    if held.sum() >= MIN_CALIBRATION_ROWS and len(set(pairs["label"][~held])) >= 2:
        progress(f"calibration: fitting on {int(held.sum())} held-out in-domain comments")
        first = LinearModel.fit(pairs[~held])
        raw = first.predict_proba(pairs[held], calibrated=False)
        calibration = Calibration.fit(raw, pairs["label"][held].tolist(), frequencies,
                                      evidence_mask(pairs["reply"][held].astype(str).tolist()),
                                      source="held-out in-domain conversations")
    else:
        calibration = prior_calibration("design prior only (too few in-domain rows)")
    model = LinearModel.fit(pairs)
    model.calibration = calibration
    return model


def train(pairs: pd.DataFrame, command: str = "",
          progress: Callable[[str], None] = lambda _: None) -> LinearModel:
    """Train a calibrated classifier on ``pairs`` (:func:`fit_calibrated`) and record what
    it was trained on in its metadata."""
    from discourse import __version__

    start = time.perf_counter()
    progress(f"training on {len(pairs)} pairs")
    with cached_sentiment():
        model = fit_calibrated(pairs, progress)
    counts: dict[str, Any] = {}
    if "dataset" in pairs.columns:
        for (dataset, label), n in pairs.groupby(["dataset", "label"]).size().items():
            counts.setdefault(str(dataset), {})[str(label)] = int(n)
    model.meta = {"discourse_version": __version__, "trained_rows": int(len(pairs)),
                  "label_counts": counts, "command": command,
                  "seconds": round(time.perf_counter() - start, 1),
                  "trained": time.strftime("%Y-%m-%d")}
    return model
