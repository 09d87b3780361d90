"""Per-class scores and compact result tables (the evaluation page draws them:
:mod:`discourse.report.evaluation`).

Scores are always computed over an explicit label list (report per dataset and per class,
never a single pooled number).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

_METRIC_KEYS = ("labels", "n", "accuracy", "balanced_accuracy", "macro_f1", "macro_f1_ci",
                "per_class", "confusion", "pred_outside_labels", "ece", "pairs_per_second")
#: Resamples and coverage of the bootstrap interval of macro-F1.
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_COVERAGE = 0.95
_BOOTSTRAP_CHUNK_ROWS = 4_000_000


def macro_f1_interval(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str],
                      resamples: int = BOOTSTRAP_RESAMPLES, coverage: float = BOOTSTRAP_COVERAGE,
                      seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval ``(low, high)`` of macro-F1 over ``labels``: rows are
    resampled with replacement ``resamples`` times (Efron & Tibshirani 1993, *An
    Introduction to the Bootstrap*, ch. 13) and the ``coverage`` central range of the
    resampled scores returned.  Rows are treated as independent, so on data clustered in
    a few threads the interval is a lower bound on the real uncertainty.  F1 per label is
    ``2·tp / (true + predicted)``, 0 when both are 0 (as :func:`score`).  ``(0.0, 0.0)``
    for no rows; deterministic for a given ``seed``."""
    labels = list(labels)
    index = {lab: i for i, lab in enumerate(labels)}
    k = len(labels) + 1                                     # last code: outside ``labels``
    t = np.array([index.get(v, k - 1) for v in y_true], dtype=np.int64)
    p = np.array([index.get(v, k - 1) for v in y_pred], dtype=np.int64)
    n = len(t)
    if n == 0:
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    pair_codes = t * k + p
    # resamples in chunks of about 4 million rows (32 MB of indices) whatever the size of n
    chunk = max(1, min(resamples, _BOOTSTRAP_CHUNK_ROWS // n))
    parts = []
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        codes = pair_codes[rng.integers(0, n, size=(b, n))]
        parts.append(np.bincount((codes + (np.arange(b) * k * k)[:, None]).ravel(),
                                 minlength=b * k * k).reshape(b, k, k))
    counts = np.concatenate(parts)
    tp = np.einsum("bii->bi", counts)[:, : k - 1]
    denominator = counts.sum(axis=2)[:, : k - 1] + counts.sum(axis=1)[:, : k - 1]
    f1 = np.divide(2 * tp, denominator, out=np.zeros(tp.shape), where=denominator > 0)
    scores = f1.mean(axis=1)
    tail = (1 - coverage) / 2 * 100
    low, high = np.percentile(scores, [tail, 100 - tail])
    return float(low), float(high)


def score(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Precision/recall/F1/support per class, macro-F1, balanced accuracy, accuracy, confusion.

    * ``macro_f1`` averages F1 over *all* given labels (a label with no true and no predicted
      rows scores 0; pass only the labels the dataset has).
    * ``macro_f1_ci`` is its 95% bootstrap interval (:func:`macro_f1_interval`).
    * ``balanced_accuracy`` is the mean recall over the given labels that occur in ``y_true``.
    * ``accuracy`` and ``n`` count every row, including rows whose true or predicted label is
      outside ``labels``; ``pred_outside_labels`` counts predictions outside ``labels`` (they
      are missing from ``confusion``, whose rows are true and columns predicted labels).
    """
    labels = list(labels)
    if not labels:
        raise ValueError("score() needs at least one label")
    y_true = np.asarray(list(y_true), dtype=object)
    y_pred = np.asarray(list(y_pred), dtype=object)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {len(y_true)} rows but y_pred has {len(y_pred)}")
    n = len(y_true)
    if n == 0:
        zeros = [[0] * len(labels) for _ in labels]
        per = {lab: {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0} for lab in labels}
        return {"labels": labels, "n": 0, "accuracy": 0.0, "balanced_accuracy": 0.0,
                "macro_f1": 0.0, "macro_f1_ci": [0.0, 0.0], "per_class": per,
                "confusion": zeros, "pred_outside_labels": 0}
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    macro = f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    present = support > 0
    balanced = float(np.mean(recall[present])) if present.any() else 0.0
    per_class = {
        lab: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
        for i, lab in enumerate(labels)
    }
    return {
        "labels": labels,
        "n": int(n),
        "accuracy": float(np.mean(y_true == y_pred)),
        "balanced_accuracy": balanced,
        "macro_f1": float(macro),
        "macro_f1_ci": [round(v, 4) for v in macro_f1_interval(y_true, y_pred, labels)],
        "per_class": per_class,
        "confusion": cm.astype(int).tolist(),
        "pred_outside_labels": int((~np.isin(y_pred, labels)).sum()),
    }


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.3f}"
    return str(value)


def format_table(results: list[dict[str, Any]]) -> str:
    """A compact fixed-width table: one row per result.

    Descriptive keys that callers add to a :func:`score` dict (e.g. ``model``, ``dataset``,
    ``split``) come first, then n, accuracy, balanced accuracy, macro-F1 and the F1 of each
    label that appears in any result ("-" where a result does not score that label).
    """
    if not results:
        return "(no results)"
    extra: list[str] = []
    for res in results:
        for key, value in res.items():
            if key not in _METRIC_KEYS and key not in extra and not isinstance(value, dict | list):
                extra.append(key)
    labels: list[str] = []
    for res in results:
        for lab in res.get("labels", []):
            if lab not in labels:
                labels.append(lab)
    header = [*extra, "n", "acc", "bal_acc", "macro_f1", "95% CI",
              *(f"F1 {lab}" for lab in labels),
              "ECE", "pairs/s"]
    rows = []
    for res in results:
        per = res.get("per_class", {})
        row = [_fmt(res.get(k, "")) for k in extra]
        row += [_fmt(res.get("n", "")), _fmt(res.get("accuracy", "")),
                _fmt(res.get("balanced_accuracy", "")), _fmt(res.get("macro_f1", "")),
                "{:.2f}–{:.2f}".format(*res["macro_f1_ci"]) if res.get("macro_f1_ci") else "-"]
        row += [_fmt(per[lab]["f1"]) if lab in per else "-" for lab in labels]
        row += [_fmt(res["ece"]) if res.get("ece") is not None else "-",
                f"{res['pairs_per_second']:.0f}" if res.get("pairs_per_second") else "-"]
        rows.append(row)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    n_text = len(extra)

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < n_text else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
