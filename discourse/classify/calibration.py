"""Calibrated confidence: temperature plus per-label bias on log-probabilities, and the
expected calibration error.

The linear model is trained with balanced class weights (every label counts as much as
every other), so its raw probabilities assume equal label frequencies; real threads have
few moderation and off-topic replies.  :class:`Calibration` maps raw probabilities ``p``
(rows × :data:`~discourse.model.LABELS`) to

    q = softmax(log(p) / T + b)

with one temperature ``T`` and a bias ``b`` per label, fitted by minimising the negative
log-likelihood on held-out, in-domain labelled comments (the bias starts from, and is
regularised towards, the log of the in-domain label frequencies: a prior correction).
This is temperature scaling (Guo, Pleiss, Sun & Weinberger 2017, "On calibration of modern
neural networks", ICML) with the bias terms of vector scaling kept to one per class.

Expected calibration error: the weighted mean absolute gap between accuracy and mean
confidence over 10 equal-width confidence bins (Naeini, Cooper & Hauskrecht 2015; Guo et
al. 2017).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discourse.model import LABELS

#: Strength of the pull of the biases towards the log prior (per row, L2).
BIAS_PRIOR_WEIGHT = 0.05
_EPS = 1e-9


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(slots=True)
class Calibration:
    """``q = softmax(log(p) / temperature + bias)``; the identity by default."""

    temperature: float = 1.0
    bias: tuple[float, ...] = (0.0,) * len(LABELS)
    #: What it was fitted on (rows, source), for the model card and ``--explain``.
    fitted_on: dict[str, Any] = field(default_factory=dict)

    def apply(self, proba: np.ndarray, trained: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probabilities, same shape as ``proba`` (rows × 4, rows sum to 1).
        ``trained`` (4 booleans) marks the labels the model knows; the others stay 0."""
        proba = np.asarray(proba, dtype=float)
        if not len(proba) or (self.temperature == 1.0 and not any(self.bias)):
            return proba
        z = np.log(np.clip(proba, _EPS, 1.0)) / self.temperature + np.asarray(self.bias)
        if trained is not None and not np.all(trained):
            z[:, ~np.asarray(trained, dtype=bool)] = -np.inf
        return _softmax(z)

    def to_meta(self) -> dict[str, Any]:
        """Plain JSON-able form stored in a model file's metadata."""
        return {"temperature": float(self.temperature), "bias": [float(b) for b in self.bias],
                "fitted_on": {str(k): str(v) for k, v in self.fitted_on.items()}}

    @classmethod
    def from_meta(cls, meta: Any) -> Calibration:
        """From :meth:`to_meta`'s form; the identity when absent or malformed."""
        if not isinstance(meta, dict):
            return cls()
        try:
            t = float(meta.get("temperature", 1.0))
            bias = tuple(float(b) for b in meta.get("bias", ()))
        except (TypeError, ValueError):
            return cls()
        if not (0.05 <= t <= 20) or len(bias) != len(LABELS) or not all(np.isfinite(bias)):
            return cls()
        fitted = meta.get("fitted_on")
        return cls(t, bias, dict(fitted) if isinstance(fitted, dict) else {})

    @classmethod
    def fit(cls, proba: np.ndarray, labels: Sequence[str],
            prior: Sequence[float] | None = None, **fitted_on: Any) -> Calibration:
        """Fit ``temperature`` and ``bias`` by minimum negative log-likelihood (L-BFGS)
        on held-out raw probabilities ``proba`` (n × 4) and true ``labels`` (n).

        ``prior``: label frequencies to start the bias from (default: those of
        ``labels``, add-one smoothed).  Raises ``ValueError`` on shape mismatch.
        """
        from scipy.optimize import minimize

        proba = np.asarray(proba, dtype=float)
        y = np.array([LABELS.index(lab) for lab in labels])
        if proba.shape != (len(y), len(LABELS)):
            raise ValueError(f"proba has shape {proba.shape}, expected ({len(y)}, {len(LABELS)})")
        if prior is None:
            counts = np.bincount(y, minlength=len(LABELS)) + 1.0
            prior = counts / counts.sum()
        b0 = np.log(np.asarray(prior, dtype=float))
        b0 -= b0.mean()
        logp = np.log(np.clip(proba, _EPS, 1.0))
        n = len(y)

        def loss(params: np.ndarray) -> float:
            inv_t, b = np.exp(params[0]), params[1:]
            z = logp * inv_t + b
            z -= z.max(axis=1, keepdims=True)
            lse = np.log(np.exp(z).sum(axis=1))
            nll = float(np.mean(lse - z[np.arange(n), y]))
            return nll + BIAS_PRIOR_WEIGHT * float(np.sum((b - b0) ** 2))

        start = np.concatenate([[0.0], b0])
        result = minimize(loss, start, method="L-BFGS-B",
                          bounds=[(np.log(1 / 20), np.log(20))] + [(-10, 10)] * len(LABELS))
        params = result.x if np.all(np.isfinite(result.x)) else start
        bias = params[1:] - params[1:].mean()
        fitted_on.setdefault("rows", n)
        return cls(float(1 / np.exp(params[0])), tuple(float(b) for b in bias), fitted_on)


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool],
                               bins: int = 10) -> float:
    """ECE over ``bins`` equal-width confidence bins: Σ (n_b / n) |acc_b − conf_b|.
    ``confidence`` is the probability of the predicted label; 0.0 for no rows."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float)
    if not len(conf):
        return 0.0
    edges = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = edges == b
        if mask.any():
            total += mask.sum() / len(conf) * abs(ok[mask].mean() - conf[mask].mean())
    return float(total)


def reliability(confidence: Sequence[float], correct: Sequence[bool],
                bins: int = 10) -> list[dict[str, float]]:
    """Per non-empty bin: its range, rows, mean confidence and accuracy (for a
    reliability diagram)."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float)
    edges = np.minimum((conf * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = edges == b
        if mask.any():
            out.append({"low": b / bins, "high": (b + 1) / bins, "rows": int(mask.sum()),
                        "confidence": float(conf[mask].mean()),
                        "accuracy": float(ok[mask].mean())})
    return out
