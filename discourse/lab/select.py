"""Model selection on the development split (``python -m discourse.lab select``): every
choice of the shipped model's recipe — feature blocks, regularisation, the public data's
weight, the ensemble weight of the linear model — is scored on the dev split of the
labelled real threads (trained on the train split only), never on the test split.  The
table it prints is the one the model card reports."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from discourse.classify.calibration import Calibration
from discourse.classify.scoring import score
from discourse.labels import LABELS, STANCES


@dataclass(slots=True)
class Candidate:
    """One recipe: stance-head blocks and strength, the linear model's weight in the mix,
    the public pairs' sample weight."""

    blocks: tuple[str, ...]
    c: float
    linear_weight: float
    public_weight: float = 0.0

    def name(self) -> str:
        blocks = "+".join(self.blocks)
        return (f"{blocks} C={self.c:g} linear={self.linear_weight:g} "
                f"public={self.public_weight:g}")


def dev_scores(y: Sequence[str], proba: np.ndarray,
               decision: Sequence[float] | None = None) -> dict[str, Any]:
    """Macro-F1 over the four labels (the decision of
    :func:`~discourse.classify.base.choose` on ``proba``, rows × 4) and agreement-vs-
    rebuttal macro-F1 (:func:`stance_f1`)."""
    from discourse.classify.base import choose

    y = np.asarray(y, dtype=object)
    result = score(list(y), choose(proba, decision), list(LABELS))
    return {"macro_f1": result["macro_f1"], "stance_f1": stance_f1(y, proba),
            "per_class": {k: v["f1"] for k, v in result["per_class"].items()}}


def restricted(proba: np.ndarray, labels: list[str]) -> list[str]:
    """The most probable of ``labels`` per row (the decision on a two-label test set)."""
    columns = [LABELS.index(label) for label in labels]
    return list(np.array(labels, dtype=object)[np.asarray(proba)[:, columns].argmax(1)])


def stance_f1(truth: Sequence[str], proba: np.ndarray) -> float | None:
    """Agreement-vs-rebuttal macro-F1: the rows truly labelled one of the two stances,
    decided between those two by probability."""
    truth = np.asarray(truth, dtype=object)
    rows = np.isin(truth, STANCES)
    if not rows.any():
        return None
    pred = restricted(np.asarray(proba)[rows], list(STANCES))
    return round(score(list(truth[rows]), pred, list(STANCES))["macro_f1"], 4)


def calibrated_mix(stance: np.ndarray, linear: np.ndarray, weight: float,
                   y: Sequence[str]) -> tuple[np.ndarray, Calibration]:
    """The mix ``(1 − w)·stance + w·linear`` calibrated on the same rows
    (:meth:`Calibration.fit_bias`): what a recipe's dev figure is computed on (the
    calibration is part of the recipe and is fitted on dev in training too)."""
    mix = (1 - weight) * stance + weight * linear
    calibration = Calibration.fit_bias(mix, list(y), source="dev split")
    return calibration.apply(mix), calibration


def tune_decision(y: Sequence[str], proba: np.ndarray, rounds: int = 3,
                  span: float = 3.0, steps: int = 25) -> tuple[float, ...]:
    """Log-space decision offsets (4, centred) maximising macro-F1 of
    ``argmax(log(proba) + offsets)`` on held-out rows: coordinate search over
    [−``span``, ``span``] per label, ``rounds`` sweeps (deterministic)."""
    y = list(y)
    logp = np.log(np.clip(proba, 1e-12, 1.0))

    m = len(LABELS)
    truth = np.array([LABELS.index(v) if v in LABELS else m for v in y])

    def f1(offsets: np.ndarray) -> float:  # macro-F1 from the confusion counts: 300 calls
        counts = np.bincount(truth * (m + 1) + (logp + offsets).argmax(1),
                             minlength=(m + 1) ** 2).reshape(m + 1, m + 1)[:m, :m]
        denominator = counts.sum(0) + counts.sum(1)
        tp = np.diag(counts)
        return float(np.mean(np.divide(2 * tp, denominator, out=np.zeros(m),
                                       where=denominator > 0)))

    best_offsets = np.zeros(len(LABELS))
    best = f1(best_offsets)
    for _ in range(rounds):
        for k in range(len(LABELS)):
            for value in np.linspace(-span, span, steps):
                trial = best_offsets.copy()
                trial[k] = value
                found = f1(trial)
                if found > best + 1e-9:
                    best, best_offsets = found, trial
    best_offsets -= best_offsets.mean()
    return tuple(float(x) for x in best_offsets)


def grid(fit_predict: Callable[[Candidate], tuple[np.ndarray, np.ndarray]],
         y_dev: Sequence[str], candidates: Sequence[Candidate],
         progress: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """Score every candidate on dev: ``fit_predict(candidate) -> (stance proba, linear
    proba)`` for the dev rows (models trained on train).  One row per candidate."""
    rows = []
    for candidate in candidates:
        stance, linear = fit_predict(candidate)
        mixed, _ = calibrated_mix(stance, linear, candidate.linear_weight, y_dev)
        result = dev_scores(y_dev, mixed)
        rows.append({"recipe": candidate.name(), **result.pop("per_class"), **result})
        progress(f"{candidate.name()}: macro-F1 {result['macro_f1']:.3f}, agreement vs "
                 f"rebuttal {result['stance_f1']:.3f}")
    return pd.DataFrame(rows)


def candidates(blocks: Sequence[tuple[str, ...]], cs: Sequence[float],
               weights: Sequence[float], public: Sequence[float] = (0.0,)) -> list[Candidate]:
    """The cross product of the given choices."""
    return [Candidate(tuple(b), c, w, p)
            for b, c, w, p in itertools.product(blocks, cs, weights, public)]
