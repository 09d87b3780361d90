"""Calibrated confidence: a prior correction for the rare labels, then temperature
scaling, and the expected calibration error.

The linear model is trained with balanced class weights (every label counts as much as
every other), so its raw probabilities assume equal label frequencies; real threads have
few moderation and off-topic replies, and the raw model called most on-topic top-level
comments off-topic.  :class:`Calibration` maps raw probabilities ``p`` (rows ×
:data:`~discourse.model.LABELS`) to

    q = softmax((log(p) + b) / T)

1. ``b`` is a prior correction (Saerens, Latinne & Decaestecker 2002, "Adjusting the
   outputs of a classifier to new a priori probabilities", Neural Computation): the log of
   the in-domain label frequencies over the uniform training prior, with agreement and
   rebuttal *tied* to their mean so that the correction never moves a decision between
   the two stances (their balance varies from thread to thread), only towards or away from
   the rare labels.
2. ``T`` is temperature scaling (Guo, Pleiss, Sun & Weinberger 2017, "On calibration of
   modern neural networks", ICML), fitted by minimum negative log-likelihood on held-out
   in-domain comments; it changes confidences, never the decision.

Expected calibration error: the weighted mean absolute gap between accuracy and mean
confidence over 10 equal-width confidence bins (Naeini, Cooper & Hauskrecht 2015; Guo et
al. 2017).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discourse.labels import LABELS

#: Range of the temperature.
MIN_T, MAX_T = 0.05, 20.0
_EPS = 1e-9


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature`` (rows × classes, float64, rows sum to
    1; a row of ``-inf`` but one entry puts all its mass there).  The one softmax of the
    project."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(slots=True)
class Calibration:
    """``q = softmax((log(p) + bias) / temperature)``; the identity by default."""

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
        z = (np.log(np.clip(proba, _EPS, 1.0)) + np.asarray(self.bias)) / self.temperature
        if trained is not None and not np.all(trained):
            z[:, ~np.asarray(trained, dtype=bool)] = -np.inf
        return softmax(z)

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
        if not (MIN_T <= t <= MAX_T) or len(bias) != len(LABELS) or not all(np.isfinite(bias)):
            return cls()
        fitted = meta.get("fitted_on")
        return cls(t, bias, dict(fitted) if isinstance(fitted, dict) else {})

    @staticmethod
    def prior_bias(frequencies: Sequence[float]) -> tuple[float, ...]:
        """The tied prior correction for label ``frequencies`` (4, any scale; add-one
        smoothing is the caller's): log(f / uniform), agreement and rebuttal set to their
        mean, centred."""
        f = np.asarray(frequencies, dtype=float)
        f = f / f.sum()
        stance = [LABELS.index("agreement"), LABELS.index("rebuttal")]
        f[stance] = f[stance].mean()
        b = np.log(f * len(LABELS))
        return tuple(float(x) for x in b - b.mean())

    @classmethod
    def fit(cls, proba: np.ndarray, labels: Sequence[str], frequencies: Sequence[float],
            allowed: np.ndarray | None = None, **fitted_on: Any) -> Calibration:
        """The prior correction for ``frequencies`` (see :meth:`prior_bias`) and the
        temperature minimising the negative log-likelihood of ``labels`` (n) under
        ``softmax((log(proba) + b) / T)`` on held-out raw probabilities ``proba`` (n × 4),
        searched over [:data:`MIN_T`, :data:`MAX_T`].

        ``allowed`` (n × 4 booleans, optional) is the decision rule's mask: labels it rules
        out are removed from each row's softmax, as they are at prediction time
        (:func:`discourse.classify.model.condition_on_evidence`), and rows whose true label
        it rules out are left out of the fit (their likelihood is 0 at every temperature;
        their count is recorded as ``ruled_out``).  Raises ``ValueError`` on shape
        mismatch."""
        from scipy.optimize import minimize_scalar

        proba = np.asarray(proba, dtype=float)
        y = np.array([LABELS.index(lab) for lab in labels], dtype=int)
        if proba.shape != (len(y), len(LABELS)):
            raise ValueError(f"proba has shape {proba.shape}, expected ({len(y)}, {len(LABELS)})")
        if allowed is not None and np.shape(allowed) != proba.shape:
            raise ValueError(f"allowed has shape {np.shape(allowed)}, expected {proba.shape}")
        bias = cls.prior_bias(frequencies)
        z0 = np.log(np.clip(proba, _EPS, 1.0)) + np.asarray(bias)
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=bool)
            keep = allowed[np.arange(len(y)), y]
            fitted_on.setdefault("ruled_out", int((~keep).sum()))
            z0 = np.where(allowed, z0, -np.inf)[keep]
            y = y[keep]
        rows = np.arange(len(y))

        def nll(log_t: float) -> float:
            z = z0 / np.exp(log_t)
            z = z - z.max(axis=1, keepdims=True)
            return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[rows, y]))

        fitted_on.setdefault("rows", len(y))
        if not len(y):
            return cls(1.0, bias, fitted_on)
        found = minimize_scalar(nll, bounds=(np.log(MIN_T), np.log(MAX_T)), method="bounded")
        return cls(float(np.exp(found.x)), bias, fitted_on)


    @classmethod
    def fit_bias(cls, proba: np.ndarray, labels: Sequence[str],
                 **fitted_on: Any) -> Calibration:
        """The bias (4, centred) and temperature jointly minimising the negative
        log-likelihood of ``labels`` under ``softmax((log(proba) + b) / T)`` on held-out
        raw probabilities ``proba`` (n × 4): temperature scaling with a per-label offset
        (Guo et al. 2017's vector scaling with one temperature), fitted by L-BFGS.  The
        offsets absorb both the training's balanced class weights and the held-out label
        mix, so the calibrated probabilities average to the held-out shares (what the
        label-mix estimates rely on).  A label absent from ``labels`` keeps the mean
        offset.  Raises ``ValueError`` on shape mismatch."""
        from scipy.optimize import minimize

        proba = np.asarray(proba, dtype=float)
        y = np.array([LABELS.index(lab) for lab in labels], dtype=int)
        if proba.shape != (len(y), len(LABELS)):
            raise ValueError(f"proba has shape {proba.shape}, expected ({len(y)}, {len(LABELS)})")
        fitted_on.setdefault("rows", len(y))
        if not len(y):
            return cls(1.0, (0.0,) * len(LABELS), fitted_on)
        logp = np.log(np.clip(proba, _EPS, 1.0))
        rows = np.arange(len(y))
        present = np.bincount(y, minlength=len(LABELS)) > 0

        def nll(theta: np.ndarray) -> float:
            b, log_t = np.where(present, theta[:-1], 0.0), theta[-1]
            z = (logp + b) / np.exp(log_t)
            z = z - z.max(axis=1, keepdims=True)
            return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[rows, y]))

        bounds = [(-10.0, 10.0)] * len(LABELS) + [(np.log(MIN_T), np.log(MAX_T))]
        found = minimize(nll, np.zeros(len(LABELS) + 1), method="L-BFGS-B", bounds=bounds)
        b = np.where(present, found.x[:-1], 0.0)
        b = np.where(present, b, b[present].mean() if present.any() else 0.0)
        b = b - b.mean()
        return cls(float(np.exp(found.x[-1])), tuple(float(x) for x in b), fitted_on)


def reliability(confidence: Sequence[float], correct: Sequence[bool],
                bins: int = 10) -> list[dict[str, float]]:
    """Per non-empty bin of ``bins`` equal-width confidence bins: its range, rows, mean
    confidence and accuracy (the points of a reliability diagram).  ``confidence`` is the
    probability of the predicted label, ``correct`` whether that label was right."""
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


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool],
                               bins: int = 10) -> float:
    """ECE: Σ over the :func:`reliability` bins of (rows_b / n) |accuracy_b −
    confidence_b|; 0.0 for no rows."""
    points = reliability(confidence, correct, bins)
    n = sum(p["rows"] for p in points)
    return float(sum(p["rows"] / n * abs(p["accuracy"] - p["confidence"])
                     for p in points)) if n else 0.0
