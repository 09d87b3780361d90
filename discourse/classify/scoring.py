"""Per-class scores, compact result tables and confusion-matrix figures.

Scores are always computed over an explicit label list (report per dataset and per class,
never a single pooled number).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

if TYPE_CHECKING:
    import plotly.graph_objects as go

_METRIC_KEYS = ("labels", "n", "accuracy", "balanced_accuracy", "macro_f1", "per_class",
                "confusion", "pred_outside_labels")


def score(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Precision/recall/F1/support per class, macro-F1, balanced accuracy, accuracy, confusion.

    * ``macro_f1`` averages F1 over *all* given labels (a label with no true and no predicted
      rows scores 0; pass only the labels the dataset has).
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
                "macro_f1": 0.0, "per_class": per, "confusion": zeros, "pred_outside_labels": 0}
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
    header = [*extra, "n", "acc", "bal_acc", "macro_f1", *(f"F1 {lab}" for lab in labels)]
    rows = []
    for res in results:
        per = res.get("per_class", {})
        row = [_fmt(res.get(k, "")) for k in extra]
        row += [_fmt(res.get("n", "")), _fmt(res.get("accuracy", "")),
                _fmt(res.get("balanced_accuracy", "")), _fmt(res.get("macro_f1", ""))]
        row += [_fmt(per[lab]["f1"]) if lab in per else "-" for lab in labels]
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


def confusion_figure(score_dict: dict[str, Any], title: str = "") -> go.Figure:
    """Plotly heatmap of ``score_dict["confusion"]``: colour = row share (recall), text = count."""
    import plotly.graph_objects as go

    labels = list(score_dict["labels"])
    counts = np.asarray(score_dict["confusion"], dtype=float).reshape(len(labels), len(labels))
    totals = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    fig = go.Figure(
        go.Heatmap(
            z=share,
            x=labels,
            y=labels,
            text=counts.astype(int),
            texttemplate="%{text}",
            customdata=share,
            hovertemplate="true %{y}<br>predicted %{x}<br>count %{text}"
            "<br>share of row %{customdata:.1%}<extra></extra>",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={"title": "row share"},
        )
    )
    fig.update_layout(
        title=title or None,
        xaxis={"title": "predicted", "side": "bottom"},
        yaxis={"title": "true", "autorange": "reversed"},
        width=520,
        height=460,
    )
    return fig
