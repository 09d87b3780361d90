"""Plotly figures of the report, and their safe embedding in pages.

Figures are built as plain plotly JSON dicts (``{"data": [...], "layout": {...}}``) and
serialised with :func:`json.dumps`: building them as ``plotly.graph_objects`` figures
validates every property on assignment and cost about a second per thread page, which
matters for corpora of thousands of threads.  The tests validate every figure against
plotly's schema instead (``plotly.graph_objects.Figure(figure)``).

Safety rules (every figure here follows them):

* Plotly renders text (hover labels, cell labels, tick labels, legend names) as a small
  HTML dialect (``<b>``, ``<br>``, ``<a href>``...), so every string that comes from a
  document — authors, comment text, titles, labels, site names — goes through :func:`esc`
  (``html.escape``) before it reaches a figure.  Plotly decodes the entities back, so the
  reader sees the literal text.
* Hover text is given as data (``hovertext`` + ``hoverinfo="text"``), never through a
  ``hovertemplate``, so ``%{...}`` sequences in a comment are not interpreted either.
* Figures are embedded as JSON in ``<script type="application/json">`` blocks by
  :func:`figure_json`, which escapes ``<``, ``>``, ``&`` and the JavaScript line
  separators so that no ``</script>`` or ``<!--`` can close or confuse the block.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from markupsafe import Markup

from discourse.analyze import metrics as m
from discourse.analyze.shares import site_shares
from discourse.analyze.sites import MAX_SITES, site_groups  # noqa: F401
from discourse.labels import COLOURS, LABELS
from discourse.numbers import count_of, fixed, signed
from discourse.report.view import (
    ESCALATION_DROP,
    UNLABELLED,
    CommentView,
    ThreadView,
    first_words,
    wrap,
)

Figure = dict[str, Any]

#: Colour of each label and state (the one label table: :data:`discourse.labels.COLOURS`).
LABEL_COLORS: dict[str, str] = COLOURS
#: Colour of escalating replies in the sentiment chart (Okabe–Ito black).
ESCALATION_COLOR = "#000000"
ARTICLE_COLOR = "#334155"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2937"
GRID = "#eceff3"
#: Site colours in the comparison charts (cycled; Okabe–Ito order, then darker tones).
SITE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
               "#000000", "#666666", "#004C7A"]
#: Compare page: the size-vs-rebuttal scatter shows at most this many threads (largest).
SCATTER_LIMIT = 2000
#: Compare page: one label-mix bar per thread only up to this many threads with comments.
PER_THREAD_LIMIT = 40
#: Compare page: distributions show individual threads as points up to this many threads.
POINTS_LIMIT = 300
#: Thread page: the who-replies-to-whom heatmap shows this many most involved people.
HEATMAP_PEOPLE = 12
#: Thread page: the reply tree shows this many levels at once (click a cell to zoom in).
TREE_LEVELS = 8
#: Thread page: charts draw at most this many comments one by one; larger threads are
#: drawn aggregated (reply tree cut at a depth, cells standing for whole subthreads; the
#: unfolding chart without its per-comment strip; a sample of the comments in the
#: sentiment chart), so the page stays small for any thread.
CHART_COMMENTS = 2000
#: Thread page: the reply tree draws at most this many cells (an icicle of thousands of
#: cells takes seconds to draw and its cells are too thin to read anyway).
TREE_CELLS = 400
#: Thread page, threads of more than CHART_COMMENTS comments: the sentiment chart draws
#: an evenly spaced sample of this many comments, the unfolding chart this many points.
SAMPLE_POINTS = 1000
#: Thread page: the sentiment chart marks at most this many escalating replies.
MAX_ESCALATIONS_DRAWN = 200
#: Minimum size of text in reply-tree cells (cells too small for it show no text).
TREE_TEXT_PX = 12


@dataclass(slots=True)
class Chart:
    """A figure ready for a template: element id, heading, safe JSON and height."""

    id: str
    title: str
    json: Markup
    height: int


def esc(value: object) -> str:
    """HTML-escape a string for plotly's text renderer.

    ``html.escape`` with quotes as numeric references: plotly decodes ``&lt;``, ``&gt;``,
    ``&amp;`` and numeric references, but shows ``&quot;`` literally.
    """
    text = html.escape("" if value is None else str(value), quote=False)
    return text.replace('"', "&#34;").replace("'", "&#39;")


def script_safe(text: str) -> str:
    """Make JSON text safe inside a ``<script>`` element (no ``</script>``, ``<!--``)."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def figure_json(fig: Figure) -> Markup:
    """The figure as JSON that can be placed verbatim inside a ``<script>`` block."""
    text = json.dumps(fig, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return Markup(script_safe(text))


def chart(cid: str, title: str, fig: Figure) -> Chart:
    return Chart(cid, title, figure_json(fig), int(fig["layout"]["height"]))


def _axis(**kw: Any) -> dict[str, Any]:
    return {"gridcolor": GRID, "zerolinecolor": "#cbd2da", "linecolor": "#cbd2da",
            "automargin": True} | kw


def _figure(data: list[dict[str, Any]], height: int, **layout: Any) -> Figure:
    # The mode bar (zoom, download) stands vertically in the right margin, so it never
    # covers the legend, which runs along the top from the left.
    base: dict[str, Any] = {
        "template": {"data": {}}, "height": height, "autosize": True,
        "font": {"family": FONT, "size": 12, "color": INK},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 56, "r": 44, "t": 36, "b": 44},
        "modebar": {"orientation": "v", "bgcolor": "rgba(255,255,255,0.85)"},
        "hoverlabel": {"font": {"family": FONT, "size": 12}, "align": "left",
                       "bgcolor": "white", "bordercolor": "#cbd5e1"},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom",
                   "font": {"size": 12}, "traceorder": "normal"},
        "hovermode": "closest",
    }
    return {"data": data, "layout": base | layout}


def color_of(key: str) -> str:
    return LABEL_COLORS.get(key, LABEL_COLORS["other"])


def _label_color(label: str) -> str:
    """Colour of a label as displayed (known labels, "unlabelled", else "other")."""
    return color_of(label if label in LABELS or label == UNLABELLED else "other")


def _alpha(color: str, alpha: float) -> str:
    """``#rrggbb`` as an ``rgba()`` colour with the given opacity."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def link(v: CommentView) -> str:
    """Where a click on a comment's mark leads: ``#anchor`` on the thread page, or
    ``~N#anchor`` for a comment listed on part page N (charts.js turns that into
    ``NAME~N.html#anchor``)."""
    return f"#{v.anchor}" if v.part == 1 else f"~{v.part}#{v.anchor}"


def comment_hover(v: CommentView, extra: str | None = None) -> str:
    """Hover text of a comment: author, id, label and confidence, depth, first words."""
    conf = f" · {v.confidence} confident" if v.confidence else ""
    if v.uncertain:
        conf += " (uncertain)"
    lines = [f"<b>{esc(v.author)}</b> · #{esc(v.id)} · depth {v.depth}",
             f"{esc(v.label)}{conf}"]
    if extra:
        lines.append(esc(extra))
    lines += [esc(line) for line in wrap(v.snippet, 60, 3)]
    return "<br>".join(lines)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


# == thread page ========================================================================


def reply_tree(view: ThreadView) -> Figure:
    """The reply tree as a plotly **icicle**: the article is the root column on the left,
    each reply sits to the right of the comment it answers and spans its whole subthread.

    Why an icicle rather than a node-link drawing: its height is bounded, and every
    subthread gets room in proportion to its size, so five comments give five large
    labelled cells while five hundred still show the overall shape (which subthreads are
    big, deep and red) at a glance; clicking a cell zooms into that subthread (the path bar
    leads back), and only TREE_LEVELS levels are drawn at once.  A tidy-tree scatter
    needs height proportional to the number of comments and becomes a hairball of edges
    beyond a few hundred.  Cells are coloured by label; hover shows author, label,
    confidence and first words.

    Threads of more than TREE_CELLS comments are cut at the deepest level that keeps at
    most TREE_CELLS cells (with sizes ``branchvalues="total"``: a cell spans its whole
    subthread, drawn or not); when even the top level has more, the largest top-level
    subthreads are drawn and the rest pooled in one grey cell.  Cell text is at
    least TREE_TEXT_PX pixels (``uniformtext``): cells too small for it show none.
    """
    root = "article"
    while root in view.by_id:
        root += "_"
    levels = view.levels
    below = view.below
    shown = view.views
    pooled: list[CommentView] = []
    cut = view.size > TREE_CELLS
    if cut:
        per_level = Counter(levels.values())
        keep, total = -1, 0
        for level in sorted(per_level):
            if total + per_level[level] > TREE_CELLS:
                break
            total += per_level[level]
            keep = level
        if keep >= 0:
            shown = [v for v in view.views if levels[v.id] <= keep]
        else:
            tops = sorted(view.top, key=lambda v: (-below[v.id], v.index))
            shown, pooled = tops[: TREE_CELLS - 1], tops[TREE_CELLS - 1 :]
    hover = [f"<b>{esc(first_words(view.thread.title, 70))}</b><br>"
             f"{count_of(view.size, 'comment')}"]
    drawn = {v.id for v in shown}
    for v in shown:
        extra = None
        if cut and any(r not in drawn for r in v.replies):
            extra = (f"subthread of {count_of(below[v.id] + 1, 'comment')} (deeper replies not "
                     f"drawn)")
        hover.append(comment_hover(v, extra))
    ids = [root] + [v.id for v in shown]
    parents = [""] + [v.parent if v.parent is not None else root for v in shown]
    labels = ["Article"] + [esc(first_words(v.author, 24)) for v in shown]
    colors = [ARTICLE_COLOR] + [color_of(v.key) for v in shown]
    values = ([view.size] + [below[v.id] + 1 for v in shown]) if cut \
        else [0] + [1] * len(shown)
    if pooled:
        other = "other"
        while other in view.by_id:
            other += "_"
        n = sum(below[v.id] + 1 for v in pooled)
        ids.append(other)
        parents.append(root)
        labels.append(f"{len(pooled):,} smaller subthreads")
        colors.append(LABEL_COLORS[UNLABELLED])
        values.append(n)
        hover.append(f"{count_of(len(pooled), 'smaller top-level subthread')} "
                     f"({count_of(n, 'comment')}) "
                     f"pooled; see the comment list")
    depth = max(levels.values(), default=0) + 2
    trace = {
        "type": "icicle", "ids": ids, "parents": parents, "labels": labels,
        "values": values, "branchvalues": "total" if cut else "remainder",
        "marker": {"colors": colors,
                   "line": {"color": "white", "width": 1 if len(shown) <= 150 else 0.4}},
        "textinfo": "label", "hovertext": hover, "hoverinfo": "text",
        "tiling": {"orientation": "h"}, "pathbar": {"visible": True, "side": "top"},
        "maxdepth": min(depth, TREE_LEVELS), "sort": False, "leaf": {"opacity": 1.0},
        "insidetextfont": {"color": "white", "size": 13},
        "outsidetextfont": {"color": "white", "size": 13},
    }
    height = max(320, min(1200, 26 * len(shown) + 120))
    return _figure([trace], height, margin={"l": 4, "r": 4, "t": 30, "b": 4},
                   uniformtext={"minsize": TREE_TEXT_PX, "mode": "hide"})


def unfolding(view: ThreadView) -> Figure:
    """Labels in reading order (top strip, one cell per comment) and the cumulative
    share of each label among classified comments so far (stacked step areas)."""
    xs = list(range(1, view.size + 1))
    data: list[dict[str, Any]] = []
    big = view.size > CHART_COMMENTS
    if not big:
        data.append({
            "type": "bar", "x": xs, "y": [1] * view.size, "xaxis": "x", "yaxis": "y",
            "marker": {"color": [color_of(v.key) for v in view.views], "line": {"width": 0}},
            "hovertext": [comment_hover(v, f"comment {v.index + 1} of {view.size}")
                          for v in view.views],
            "hoverinfo": "text", "customdata": [link(v) for v in view.views],
            "showlegend": False, "name": "comments"})
    counts: Counter[str] = Counter()
    series: dict[str, list[float]] = {k: [] for k in view.label_counts() if k != UNLABELLED}
    step = 1 if not big else max(1, -(-view.size // SAMPLE_POINTS))  # one point every step
    for v in view.views:
        if v.comment.label is not None:
            counts[v.label] += 1
        if (v.index + 1) % step and v.index + 1 != view.size:
            continue
        total = sum(counts.values())
        for k in series:
            series[k].append(100 * counts[k] / total if total else 0.0)
    if step > 1:
        xs = [x for x in xs if x % step == 0 or x == view.size]
    edges = [x - 0.5 for x in xs] + [view.size + 0.5]
    for k, ys in series.items():
        color = _label_color(k)
        data.append({
            "type": "scatter", "x": edges, "y": ys + ys[-1:], "xaxis": "x", "yaxis": "y2",
            "name": esc(k), "stackgroup": "shares", "mode": "lines",
            "line": {"width": 0.5, "color": color, "shape": "hv"},
            "fillcolor": _alpha(color, 0.55),
            "hovertext": [f"{esc(k)}: {y:.0f}% of the first {count_of(x, 'comment')}"
                          for x, y in zip(xs + xs[-1:], ys + ys[-1:], strict=True)],
            "hoverinfo": "text"})
    annotations = []
    if not series or not counts:
        annotations.append({"text": "Replies are not classified yet", "showarrow": False,
                            "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.4})
    return _figure(
        data, 360, bargap=0.08, annotations=annotations,
        xaxis=_axis(anchor="y2", range=[0.5, view.size + 0.5], showgrid=False,
                    title={"text": "comment number (reading order)"}, tickformat="d",
                    dtick=None if view.size > 12 else 1),
        yaxis=_axis(domain=[0.85, 1.0], visible=False, fixedrange=True),
        yaxis2=_axis(domain=[0.0, 1.0 if big else 0.8], range=[0, 100],
                     title={"text": "cumulative share (%)"}))


def depth_profile(view: ThreadView) -> Figure:
    """Stacked bars: number of comments of each label at each depth level."""
    depths = sorted({v.depth for v in view.views})
    per: dict[int, Counter[str]] = {d: Counter() for d in depths}
    for v in view.views:
        per[v.depth][v.label] += 1
    data = []
    for k in view.label_counts():
        ys = [per[d][k] for d in depths]
        if not any(ys):
            continue
        data.append({
            "type": "bar", "x": depths, "y": ys, "name": esc(k),
            "marker": {"color": _label_color(k)},
            "hovertext": [f"depth {d}: {y} {esc(k)} ({y / sum(per[d].values()):.0%} of the "
                          f"level)" for d, y in zip(depths, ys, strict=True)],
            "hoverinfo": "text"})
    most = max((sum(c.values()) for c in per.values()), default=0)
    return _figure(data, 360, barmode="stack", bargap=0.25,
                   xaxis=_axis(title={"text": "depth (0 = answers the article)"}, dtick=1),
                   yaxis=_axis(title={"text": "comments"}, dtick=1 if most <= 8 else None))


def sentiment_branches(view: ThreadView) -> Figure:
    """Sentiment (sentence-averaged VADER) of every comment against its depth; each reply
    is joined to the comment it answers, so every branch reads as a line left to right.

    Within a depth column comments are spread left to right in reading order.  Replies
    that escalate (see :meth:`ThreadView.escalations`) are drawn with a red edge and a red
    ring; the dotted line is the mean sentiment per depth level.
    """
    columns: dict[int, list[CommentView]] = {}
    for v in view.views:
        columns.setdefault(v.depth, []).append(v)
    xs: dict[str, float] = {}
    for d, col in columns.items():
        for rank, v in enumerate(col):
            xs[v.id] = d + (0.6 * (rank / (len(col) - 1) - 0.5) if len(col) > 1 else 0.0)
    ys = {v.id: (v.sentiment or 0.0) for v in view.views}
    escalations = view.escalations()[:MAX_ESCALATIONS_DRAWN]
    hot = {e.child.id for e in escalations}
    step = 1 if view.size <= CHART_COMMENTS else max(1, -(-view.size // SAMPLE_POINTS))
    drawn = view.views[::step] if step > 1 else view.views
    calm_x: list[float | None] = []
    calm_y: list[float | None] = []
    hot_x: list[float | None] = []
    hot_y: list[float | None] = []
    for v in drawn:
        if v.parent is None:
            continue
        bx, by = (hot_x, hot_y) if v.id in hot else (calm_x, calm_y)
        bx += [xs[v.parent], xs[v.id], None]
        by += [ys[v.parent], ys[v.id], None]
    dot = 8 if view.size <= 100 else 6 if view.size <= 400 else 5
    data: list[dict[str, Any]] = [{
        "type": "scatter", "x": calm_x, "y": calm_y, "mode": "lines", "hoverinfo": "skip",
        "line": {"color": "#c5ccd6", "width": 1}, "name": "reply"}]
    if hot_x:
        data.append({"type": "scatter", "x": hot_x, "y": hot_y, "mode": "lines",
                     "hoverinfo": "skip", "line": {"color": ESCALATION_COLOR, "width": 2.5},
                     "name": f"escalation (drop ≥ {ESCALATION_DROP:.1f})"})
    depths = sorted(columns)
    means = [sum(ys[v.id] for v in columns[d]) / len(columns[d]) for d in depths]
    data.append({
        "type": "scatter", "x": depths, "y": means, "mode": "lines+markers",
        "name": "mean per depth", "line": {"color": "#111827", "width": 2, "dash": "dot"},
        "marker": {"size": 6},
        "hovertext": [f"depth {d}: mean sentiment {signed(mean)} over "
                      f"{count_of(len(columns[d]), 'comment')}"
                      for d, mean in zip(depths, means, strict=True)],
        "hoverinfo": "text"})
    for k in view.label_counts():
        group = [v for v in drawn if v.label == k]
        if not group:
            continue
        data.append({
            "type": "scatter", "x": [xs[v.id] for v in group], "y": [ys[v.id] for v in group],
            "mode": "markers", "name": esc(k),
            "marker": {"color": color_of(group[0].key), "size": dot,
                       "line": {"color": "white", "width": 1}},
            "hovertext": [comment_hover(v, f"sentiment {signed(ys[v.id])}") for v in group],
            "hoverinfo": "text", "customdata": [link(v) for v in group]})
    if escalations:
        data.append({
            "type": "scatter", "x": [xs[e.child.id] for e in escalations],
            "y": [ys[e.child.id] for e in escalations], "mode": "markers",
            "name": "escalating reply",
            "marker": {"symbol": "circle-open", "size": 16, "color": ESCALATION_COLOR,
                       "line": {"width": 2}},
            "hovertext": [comment_hover(e.child, f"sentiment {signed(e.parent.sentiment)} → "
                                                 f"{signed(e.child.sentiment)}")
                          for e in escalations],
            "hoverinfo": "text", "customdata": [link(e.child) for e in escalations]})
    return _figure(
        data, 400,
        xaxis=_axis(title={"text": "depth (0 = answers the article)"}, dtick=1,
                    range=[-0.6, max(depths, default=0) + 0.6]),
        yaxis=_axis(title={"text": "sentiment (VADER)"}, range=[-1.08, 1.08], zeroline=True))


def reply_heatmap(view: ThreadView) -> Figure | None:
    """Participants × participants: who replies to whom, coloured by agreements minus
    rebuttals (green = friendly, red = hostile), cell text = number of replies.
    None when fewer than two (replier, replied-to) pairs of named participants exist."""
    graph = m.reply_graph(view.thread)
    if len(graph) < 2:  # one cell says no more than the sentence the page shows instead
        return None
    involvement: Counter[str] = Counter()
    for (a, b), cell in graph.items():
        involvement[a] += cell["total"]
        involvement[b] += cell["total"]
    people = [p for p, _ in involvement.most_common(HEATMAP_PEOPLE)]
    pos = {p: i for i, p in enumerate(people)}
    size = len(people)
    z: list[list[float | None]] = [[None] * size for _ in people]
    text = [[""] * size for _ in people]
    hover = [[""] * size for _ in people]
    for (a, b), cell in graph.items():
        if a not in pos or b not in pos:
            continue
        i, j = pos[a], pos[b]
        z[i][j] = cell["agreement"] - cell["rebuttal"]
        text[i][j] = str(cell["total"])
        hover[i][j] = (f"<b>{esc(a)}</b> → <b>{esc(b)}</b><br>{cell['total']} replies: "
                       f"{cell['agreement']} agreement, {cell['rebuttal']} rebuttal")
    ticks = [esc(first_words(p, 24)) for p in people]
    top = max((abs(v) for row in z for v in row if v is not None), default=1) or 1
    trace = {
        "type": "heatmap", "z": z, "x": list(range(size)), "y": list(range(size)),
        "text": text, "texttemplate": "%{text}", "hovertext": hover, "hoverinfo": "text",
        "zmid": 0, "zmin": -top, "zmax": top, "xgap": 2, "ygap": 2,
        "colorscale": [[0, LABEL_COLORS["rebuttal"]], [0.5, "#f4f4f2"],
                       [1, LABEL_COLORS["agreement"]]],
        "colorbar": {"title": {"text": "agree − rebut", "side": "right"}, "thickness": 12}}
    return _figure(
        [trace], max(300, 160 + 30 * size),
        xaxis=_axis(title={"text": "replied to"}, tickvals=list(range(size)), ticktext=ticks,
                    tickangle=-35, showgrid=False),
        yaxis=_axis(title={"text": "replier"}, tickvals=list(range(size)), ticktext=ticks,
                    autorange="reversed", showgrid=False))


def active_participants(view: ThreadView, n: int = 10) -> Figure | None:
    """Horizontal stacked bars: comments of the most active named participants, by label."""
    top = m.most_active(view.thread, n)
    if not top:
        return None
    names = [a for a, _ in top]
    per: dict[str, Counter[str]] = {a: Counter() for a in names}
    for v in view.views:
        if v.comment.author in per:
            per[v.comment.author][v.label] += 1
    rows = list(range(len(names)))
    data = []
    for k in view.label_counts():
        xs = [per[a][k] for a in names]
        if not any(xs):
            continue
        data.append({
            "type": "bar", "y": rows, "x": xs, "orientation": "h", "name": esc(k),
            "marker": {"color": _label_color(k)},
            "hovertext": [f"<b>{esc(a)}</b>: {x} {esc(k)} of "
                          f"{count_of(sum(per[a].values()), 'comment')}"
                          for a, x in zip(names, xs, strict=True)],
            "hoverinfo": "text"})
    return _figure(
        data, 110 + 30 * len(names), barmode="stack", bargap=0.3,
        yaxis=_axis(tickvals=rows, ticktext=[esc(first_words(a, 28)) for a in names],
                    autorange="reversed", showgrid=False),
        xaxis=_axis(title={"text": "comments"}, dtick=1 if top[0][1] <= 10 else None))


# == index and compare pages ============================================================


def chart_groups(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Site -> rows of its threads with comments (:func:`site_groups`): what the
    comparison charts draw (threads without comments are in the site table only; sites
    without any are left out)."""
    live = {s: [r for r in rs if r.get("size")] for s, rs in site_groups(rows).items()}
    return {s: rs for s, rs in live.items() if rs}


def moderation_rate(row: Mapping[str, Any]) -> float | None:
    """Moderation count / comments of one thread (None without comments)."""
    size = row.get("size") or 0
    return (row.get("moderation_count") or 0) / size if size else None


def _ci(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f" ({low:.0%}–{high:.0%})".replace("%–", "–")


def site_label_mix(groups: Mapping[str, Sequence[Mapping[str, Any]]]) -> Figure:
    """Grouped horizontal bars: the estimated share of each label per site (the site
    table's pooled estimates, :func:`discourse.analyze.shares.site_shares`), with its 95 %
    interval as error bars (a cluster bootstrap over the site's threads)."""
    sites = list(groups)
    mixes = {s: site_shares(rows) for s, rows in groups.items()}
    rows_y = list(range(len(sites)))
    data = []
    for label in LABELS:
        est = [(mix.estimate or {}).get(label) for mix in mixes.values()]
        low = [(mix.low or {}).get(label) for mix in mixes.values()]
        high = [(mix.high or {}).get(label) for mix in mixes.values()]
        hover = []
        for s, mix, e, lo, hi in zip(sites, mixes.values(), est, low, high, strict=True):
            if e is None:
                hover.append(f"<b>{esc(s)}</b><br>no labelled comments")
                continue
            note = "<br>too little to estimate this site's mix" if mix.too_small else ""
            hover.append(f"<b>{esc(s)}</b><br>{label}: {e:.0%}{_ci(lo, hi)}, 95% interval<br>"
                         f"{count_of(mix.labelled, 'labelled comment')} in "
                         f"{count_of(mix.threads, 'thread')}{note}")
        data.append({
            "type": "bar", "y": rows_y, "x": [None if e is None else 100 * e for e in est],
            "orientation": "h", "name": label, "marker": {"color": LABEL_COLORS[label]},
            "error_x": {"type": "data", "symmetric": False, "color": INK, "thickness": 1.5,
                        "width": 3,
                        "array": [0 if e is None or h is None else 100 * (h - e)
                                  for e, h in zip(est, high, strict=True)],
                        "arrayminus": [0 if e is None or lo is None else 100 * (e - lo)
                                       for e, lo in zip(est, low, strict=True)]},
            "hovertext": hover, "hoverinfo": "text"})
    return _figure(
        data, 120 + 4 * 22 * len(sites), barmode="group", bargap=0.25, bargroupgap=0.05,
        yaxis=_axis(tickvals=rows_y, ticktext=[esc(first_words(s, 30)) for s in sites],
                    autorange="reversed", showgrid=False),
        xaxis=_axis(title={"text": "estimated share of labelled comments (%), 95% interval"},
                    range=[0, 100]))


#: Metrics drawn side by side per site on the compare page: (key, panel title).
SHAPE_PANELS: list[tuple[str, str]] = [
    ("size", "size"), ("max_depth", "max depth"), ("width", "width"), ("h_index", "h-index"),
    ("wiener_index", "Wiener index"), ("share_rebuttal", "rebuttal share"),
    ("escalation_slope", "escalation slope"), ("participation_gini", "participation Gini"),
    ("moderation_rate", "moderation rate per thread"),
]


def _value(row: Mapping[str, Any], key: str) -> float | None:
    value = moderation_rate(row) if key == "moderation_rate" else row.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    half = len(xs) // 2
    low, high = xs[:half], xs[half + len(xs) % 2 :]
    return median(low), median(xs), median(high)


def _jitter(i: int) -> float:
    """Deterministic spread of points around a box (golden-ratio sequence in ±0.25)."""
    return 0.0 if i == 0 else ((i * 0.618034) % 1 - 0.5) * 0.5


def _fmt(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else fixed(v, 2, grouping=False)


def shape_panels(groups: Mapping[str, Sequence[Mapping[str, Any]]]) -> Figure:
    """One small box-plot panel per metric (SHAPE_PANELS), one box per site.

    Boxes are computed here (quartiles, whiskers at min/max) so the chart stays the same
    size for any number of threads; individual threads are overlaid as points (hover:
    title; click: open) only while the corpus has at most POINTS_LIMIT threads.
    """
    sites = list(groups)
    n_threads = sum(len(rs) for rs in groups.values())
    cols, rows_n = 3, math.ceil(len(SHAPE_PANELS) / 3)
    gap_x, gap_y = 0.07, 0.12
    width = (1 - gap_x * (cols - 1)) / cols
    height = (1 - gap_y * (rows_n - 1)) / rows_n
    ticks = [esc(first_words(s, 16)) for s in sites]
    data: list[dict[str, Any]] = []
    layout: dict[str, Any] = {"annotations": []}
    for p, (key, title) in enumerate(SHAPE_PANELS):
        r, c = divmod(p, cols)
        n = "" if p == 0 else str(p + 1)
        x0 = c * (width + gap_x)
        y1 = 1 - r * (height + gap_y)
        layout[f"xaxis{n}"] = _axis(domain=[round(x0, 6), min(1.0, round(x0 + width, 6))],
                                    anchor=f"y{n}",
                                    tickvals=list(range(len(sites))), ticktext=ticks,
                                    range=[-0.6, len(sites) - 0.4], showgrid=False,
                                    zeroline=False)
        layout[f"yaxis{n}"] = _axis(domain=[max(0.0, round(y1 - height, 6)), round(y1, 6)],
                                    anchor=f"x{n}")
        layout["annotations"].append({
            "text": title, "showarrow": False, "xref": "paper", "yref": "paper",
            "x": x0 + width / 2, "y": y1, "xanchor": "center", "yanchor": "bottom",
            "font": {"size": 13, "color": INK}})
        for si, site in enumerate(sites):
            vals = [(v, row) for row in groups[site]
                    if row.get("size") and (v := _value(row, key)) is not None]
            if not vals:
                continue
            color = SITE_COLORS[si % len(SITE_COLORS)]
            q1, med, q3 = _quartiles([v for v, _ in vals])
            data.append({
                "type": "box", "x": [si], "q1": [q1], "median": [med], "q3": [q3],
                "lowerfence": [min(v for v, _ in vals)], "upperfence": [max(v for v, _ in vals)],
                "mean": [sum(v for v, _ in vals) / len(vals)], "boxpoints": False,
                "marker": {"color": color}, "line": {"width": 1.5}, "showlegend": False,
                "name": esc(site), "hoverinfo": "skip", "width": 0.6,
                "xaxis": f"x{n}", "yaxis": f"y{n}"})
            if n_threads <= POINTS_LIMIT:
                data.append({
                    "type": "scatter", "x": [si + _jitter(i) for i in range(len(vals))],
                    "y": [v for v, _ in vals], "mode": "markers", "showlegend": False,
                    "marker": {"color": color, "size": 6, "opacity": 0.75,
                               "line": {"color": "white", "width": 0.5}},
                    "hovertext": [f"<b>{esc(first_words(row.get('title') or '', 60))}</b><br>"
                                  f"{esc(site)} · {title} {_fmt(v)}" for v, row in vals],
                    "hoverinfo": "text", "customdata": [row.get("page") for _, row in vals],
                    "xaxis": f"x{n}", "yaxis": f"y{n}"})
    return _figure(data, 250 * rows_n + 60, margin={"l": 48, "r": 16, "t": 40, "b": 40},
                   **layout)


def _end(row: Mapping[str, Any], end: str) -> float:
    """``share_rebuttal_<end>`` of a row, else the estimate (rows without an interval)."""
    value = row.get(f"share_rebuttal_{end}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float(row["share_rebuttal"])
    return float(value)


def size_vs_rebuttal(groups: Mapping[str, Sequence[Mapping[str, Any]]]) -> Figure:
    """Scatter: thread size (log scale) against rebuttal share, one colour per site,
    marker area ~ participants; click a point to open the thread.  At most SCATTER_LIMIT
    threads (the largest) are drawn."""
    candidates = [(site, row) for site, rows in groups.items() for row in rows
                  if row.get("size") and row.get("share_rebuttal") is not None]
    candidates.sort(key=lambda sr: -int(sr[1].get("size") or 0))
    keep = candidates[:SCATTER_LIMIT]
    data = []
    for si, site in enumerate(groups):
        pts = [row for s, row in keep if s == site]
        if not pts:
            continue
        data.append({
            "type": "scatter", "x": [row["size"] for row in pts],
            "y": [100 * row["share_rebuttal"] for row in pts], "mode": "markers",
            "error_y": {"type": "data", "symmetric": False, "thickness": 1, "width": 0,
                        "color": _alpha(SITE_COLORS[si % len(SITE_COLORS)], 0.5),
                        "array": [100 * max(0.0, _end(row, "high") - row["share_rebuttal"])
                                  for row in pts],
                        "arrayminus": [100 * max(0.0, row["share_rebuttal"] - _end(row, "low"))
                                       for row in pts]},
            "name": esc(first_words(site, 30)),
            "marker": {"color": SITE_COLORS[si % len(SITE_COLORS)], "opacity": 0.8,
                       "size": [10 + 2.5 * math.sqrt(row.get("participants") or 0)
                                for row in pts],
                       "line": {"color": "white", "width": 1}},
            "hovertext": [f"<b>{esc(first_words(row.get('title') or '', 70))}</b><br>"
                          f"{esc(site)}<br>{count_of(row['size'], 'comment')} · "
                          f"{row['share_rebuttal']:.0%}"
                          f"{_ci(row.get('share_rebuttal_low'), row.get('share_rebuttal_high'))}"
                          f" rebuttals · "
                          f"{count_of(row.get('participants') or 0, 'participant')}"
                          for row in pts],
            "hoverinfo": "text", "customdata": [row.get("page") for row in pts]})
    sizes = [int(row["size"]) for _, row in keep] or [1]
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000,
                         50000) if min(sizes) / 2 <= t <= max(sizes) * 2]
    return _figure(data, 420,
                   xaxis=_axis(type="log", title={"text": "comments (log scale)"},
                               tickvals=ticks),
                   yaxis=_axis(title={"text": "rebuttal share (%)"}, range=[-3, 103]))


def thread_label_mix(rows: Iterable[Mapping[str, Any]]) -> Figure | None:
    """One 100 % stacked bar per thread: its estimated label mix (sorted by rebuttal
    share; hover gives each share's 95 % interval; threads too small to estimate their
    mix are drawn pale); None beyond PER_THREAD_LIMIT threads with labelled comments."""
    pts = [row for row in rows
           if row.get("classified") and row.get("share_rebuttal") is not None]
    if not pts or len(pts) > PER_THREAD_LIMIT:
        return None
    pts.sort(key=lambda row: -(row.get("share_rebuttal") or 0))
    ys = list(range(len(pts)))
    data = []
    for label in LABELS:
        key = f"share_{label.replace('-', '_')}"
        hover = []
        for row in pts:
            n = row.get("labelled", row.get("classified"))
            note = "<br>too few labelled comments to estimate the mix" \
                if row.get("shares_too_small") else ""
            hover.append(f"<b>{esc(first_words(row.get('title') or '', 70))}</b><br>"
                         f"{label}: {_pct(row.get(key))}"
                         f"{_ci(row.get(key + '_low'), row.get(key + '_high'))}, 95% interval"
                         f"<br>of {count_of(n, 'labelled comment')}{note}")
        data.append({
            "type": "bar", "y": ys, "x": [100 * (row.get(key) or 0) for row in pts],
            "orientation": "h", "name": label,
            "marker": {"color": LABEL_COLORS[label],
                       "opacity": [0.4 if row.get("shares_too_small") else 1.0
                                   for row in pts]},
            "hovertext": hover, "hoverinfo": "text",
            "customdata": [row.get("page") for row in pts]})
    return _figure(
        data, 110 + 30 * len(pts), barmode="stack", bargap=0.25,
        yaxis=_axis(tickvals=ys, autorange="reversed", showgrid=False,
                    ticktext=[esc(first_words(row.get("title") or "(untitled)", 42))
                              for row in pts]),
        xaxis=_axis(title={"text": "estimated share of labelled comments (%)"},
                    range=[0, 100]))
