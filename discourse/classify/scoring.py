"""Per-class scores, compact result tables and the scoring of a model on labelled pairs
(the evaluation page draws them: :mod:`discourse.report.evaluation`).

Scores are always computed over an explicit label list (report per dataset and per class,
never a single pooled number).

This is the runtime part of ``discourse evaluate``: :func:`evaluate_labelled` scores a model
on a user's labelled pairs (a pairs file, a corrected ``classify`` table, imported
annotations) — per class, macro-F1 with its interval, confusion, and calibration over the
four labels — in an installed package.  The research protocols (baselines, public data,
cross-validation) are in ``discourse.lab.evaluate``, which uses these functions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from discourse.classify.decide import condition_on_evidence, decide, evidence_mask
from discourse.labels import LABELS

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


# -- scoring a model ---------------------------------------------------------------------

#: The name of our model's rows in an evaluation.
OURS = "discourse"


@dataclass
class Evaluation:
    """All results of one ``discourse evaluate`` run (:meth:`add` one per model, dataset and
    protocol; :meth:`to_json` is what ``evaluation.json`` holds)."""

    results: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, protocol: str, dataset: str, model: str, y_true, y_pred,
            labels: list[str], train_rows: int) -> dict[str, Any]:
        result = score(list(y_true), list(y_pred), labels)
        result.update(protocol=protocol, dataset=dataset, model=model, train_rows=train_rows)
        self.results.append(result)
        return result

    def table(self) -> str:
        rows = [{"protocol": r["protocol"], "dataset": r["dataset"], "model": r["model"], **r}
                for r in self.results]
        return format_table(rows)

    def to_json(self) -> dict[str, Any]:
        return {"results": self.results, "notes": self.notes, "seconds": round(self.seconds, 1)}


def conditioned(model, test: pd.DataFrame) -> pd.DataFrame:
    """``model``'s probabilities for ``test`` conditioned on the evidence rule (what a
    thread's comments would get; not for a model whose ``evidence_rule`` is False, as in
    :func:`discourse.classify.base.decided`), rows × :data:`LABELS`."""
    proba = np.asarray(model.predict_proba(test), dtype=float)
    if getattr(model, "evidence_rule", True):
        replies = test["reply"].astype(str).tolist()
        inline = test["inline"].fillna(False).astype(bool).to_numpy() \
            if "inline" in test.columns else None
        proba = condition_on_evidence(proba, evidence_mask(replies, inline))
    return pd.DataFrame(proba, index=test.index, columns=list(LABELS))


def decisions(proba: pd.DataFrame, labels: Sequence[str], test: pd.DataFrame,
              evidence: bool = True, offsets: Sequence[float] | None = None) -> list[str]:
    """Our decisions over ``labels``: over all four, off-topic and moderation only with
    evidence (``decide``) or, for a model without the evidence rule (``evidence`` False),
    the cost-sensitive choice with the model's decision ``offsets``
    (:func:`discourse.classify.base.choose`); over fewer labels, the most probable."""
    if not evidence and len(labels) == len(LABELS):
        from discourse.classify.base import choose

        return choose(proba.to_numpy(), offsets)
    allowed = None if evidence else np.ones((len(test), len(LABELS)), dtype=bool)
    return decide(proba.to_numpy(), test["reply"].astype(str).tolist(), tuple(labels),
                  allowed=allowed)


def with_inline_rule(frame: pd.DataFrame, proba: pd.DataFrame, model: Any = None) -> list[str]:
    """Decisions over the four labels with inline moderator notes labelled moderation by
    rule (what :func:`discourse.classify.base.predict_thread` does)."""
    labels = np.array(decisions(proba, list(LABELS), frame,
                                getattr(model, "evidence_rule", True),
                                getattr(model, "decision", None)), dtype=object)
    inline = frame["inline"].fillna(False).astype(bool).to_numpy() \
        if "inline" in frame.columns else np.zeros(len(frame), dtype=bool)
    return list(np.where(inline, "moderation", labels))


def confidences(proba: pd.DataFrame, pred: Sequence[str]) -> np.ndarray:
    """The probability of each decided label (what the reports show as confidence)."""
    columns = [LABELS.index(p) for p in pred]
    return proba.to_numpy()[np.arange(len(pred)), columns]


def add_calibration(result: dict[str, Any], confidence, pred, truth) -> None:
    """The result's expected calibration error and reliability-diagram bins."""
    from discourse.classify.calibration import expected_calibration_error, reliability

    correct = np.asarray(pred, dtype=object) == np.asarray(truth, dtype=object)
    result["ece"] = expected_calibration_error(confidence, correct)
    result["reliability"] = reliability(confidence, correct)


def score_model(ev: Evaluation, protocol: str, dataset: str, model, test: pd.DataFrame,
                labels: list[str], train_rows: int, inline_rule: bool = False,
                name: str = OURS, only_seen: bool = False) -> dict[str, Any]:
    """Score ``model`` deciding among ``labels`` on ``test``, with its throughput and,
    when it decides among all four labels, its calibration (ECE, reliability bins);
    ``inline_rule``: inline moderator notes are moderation by rule; ``only_seen``: the
    scores (macro-F1, confusion) are over the labels that occur in the truth or the
    predictions, so a label neither the data nor the model has does not count as an F1
    of 0."""
    start = time.perf_counter()
    proba = conditioned(model, test)
    seconds = time.perf_counter() - start
    pred = with_inline_rule(test, proba, model) if inline_rule else \
        decisions(proba, labels, test, getattr(model, "evidence_rule", True),
                  getattr(model, "decision", None))
    scored = labels
    if only_seen:
        seen = set(test["label"]) | set(pred)
        scored = [label for label in labels if label in seen]
    result = ev.add(protocol, dataset, name, test["label"], pred, scored, train_rows)
    result["pairs_per_second"] = round(len(test) / seconds, 1) if seconds > 0 else None
    if len(labels) == len(LABELS):
        add_calibration(result, confidences(proba, pred), pred, test["label"])
    return result


def decision_labels(pairs: pd.DataFrame, all_labels: bool = False) -> list[str]:
    """The labels a model decides among on a user's labelled ``pairs``: all four with
    ``all_labels`` (a corrected ``classify`` table: what the model chose among), else the
    labels the file has (a file of agreement/rebuttal pairs scores the decision between
    those two), or all four when it has only one."""
    present = sorted(set(pairs["label"]), key=LABELS.index)
    return list(LABELS) if all_labels or len(present) < 2 else present


def evaluate_labelled(ev: Evaluation, pairs: pd.DataFrame, name: str, model,
                      all_labels: bool = False,
                      progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Score ``model`` as it is on a user's labelled ``pairs`` (protocol ``file``, dataset
    ``name``): per class, macro-F1 and its interval, confusion, and with all four labels
    the calibration.  ``all_labels``: the model decides among all four labels
    (:func:`decision_labels`) and is scored over those the file or the model uses.  Needs
    nothing outside the installed package (no baselines: ``discourse.lab.evaluate`` adds
    them)."""
    progress(f"file {name}: {len(pairs)} pairs")
    return score_model(ev, "file", name, model, pairs, decision_labels(pairs, all_labels), 0,
                       inline_rule=all_labels, only_seen=all_labels)
