"""The classifier evaluation page (``evaluation.html``) and its data (``evaluation.json``),
fed a plain dict: ``{"results": [score dicts], "notes": [...], "seconds": s}`` where each
result is :func:`discourse.classify.scoring.score`'s dict plus ``protocol``, ``dataset``,
``model`` and ``train_rows`` (and ``reliability``/``ece`` when calibration was measured)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go

#: The model whose confusion matrix and reliability diagram the page draws.
OURS = "discourse"


def evaluation_figure(score_dict: dict[str, Any], title: str = "") -> go.Figure:
    """The confusion matrix and, when the result has one (``reliability``), the reliability
    diagram beside it: mean confidence against accuracy per confidence bin, the diagonal
    being perfect calibration (Guo et al. 2017)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    confusion = confusion_figure(score_dict, title)
    bins = score_dict.get("reliability")
    if not bins:
        return confusion
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.15,
                        subplot_titles=("confusion (rows: true)",
                                        f"reliability (ECE {score_dict.get('ece', 0):.3f})"))
    heat = confusion.data[0]
    heat.colorbar = {"title": "row share", "x": 0.47}
    fig.add_trace(heat, row=1, col=1)
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dot",
                             "color": "#999999"}, name="perfect", hoverinfo="skip"), row=1, col=2)
    fig.add_trace(go.Scatter(
        x=[b["confidence"] for b in bins], y=[b["accuracy"] for b in bins],
        mode="markers+lines", marker={"size": [6 + min(20, b["rows"] ** 0.5) for b in bins],
                                      "color": "#0072B2"},
        customdata=[[b["rows"], b["low"], b["high"]] for b in bins], name="observed",
        hovertemplate="confidence %{customdata[1]:.1f}–%{customdata[2]:.1f}: %{customdata[0]} "
                      "comments<br>mean confidence %{x:.2f}<br>accuracy %{y:.2f}<extra></extra>"),
        row=1, col=2)
    fig.update_xaxes(title_text="predicted", row=1, col=1)
    fig.update_yaxes(title_text="true", autorange="reversed", row=1, col=1)
    fig.update_xaxes(title_text="mean confidence", range=[0, 1], row=1, col=2)
    fig.update_yaxes(title_text="accuracy", range=[0, 1], row=1, col=2)
    fig.update_layout(title=title or None, width=900, height=440, showlegend=False)
    return fig


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


def write_evaluation(evaluation: Mapping[str, Any], out_dir: str | Path,
                     ours: str = OURS) -> tuple[Path, Path]:
    """Write ``evaluation.json`` and ``evaluation.html`` (confusion matrices and reliability
    diagrams of ``ours``) into ``out_dir`` (created); returns both paths.  Raises
    ``OSError`` when the folder cannot be written."""
    from discourse.atomic import atomic_output
    from discourse.report.render import Renderer, write_text

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "evaluation.json", out / "evaluation.html"
    with atomic_output(json_path) as handle:
        json.dump(evaluation, handle, indent=1)
    figures = {}
    for r in evaluation["results"]:
        if r["model"] == ours:
            fig = evaluation_figure(r, f"{r['protocol']} · {r['dataset']}")
            figures[(r["protocol"], r["dataset"])] = json.loads(fig.to_json())
    renderer = Renderer("directory")
    renderer.write_plotlyjs(out / "plotly.min.js")
    write_text(html_path, renderer.evaluation_page(evaluation, figures, ours))
    return json_path, html_path
