"""jinja2 rendering of the report pages (autoescape on; templates in ``templates/``).

No HTML is assembled in Python: views, rows and figures go to the templates as data.
The only :class:`~markupsafe.Markup` values are package-owned texts (the two small
scripts in ``templates/`` and plotly.js itself) and chart JSON made script-safe by
:func:`discourse.report.charts.figure_json`.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from statistics import mean, median
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from discourse.analyze import METRIC_DEFINITIONS
from discourse.export import atomic_output
from discourse.model import LABELS
from discourse.report import charts as ch
from discourse.report.view import (
    ESCALATION_DROP,
    ESCALATION_FLOOR,
    MAX_NEST,
    UNLABELLED,
    ThreadView,
    label_key,
    summary_text,
)

PLOTLYJS_MODES = ("directory", "inline", "cdn")
#: Index pages list at most this many threads each (index.html, index-2.html, ...);
#: sorting a column sorts the rows of the page shown.
INDEX_PAGE_SIZE = 1000
#: Metrics defined on the comparison page (besides the derived moderation rate).
COMPARED = ["site", "size", "top_level", "max_depth", "width", "h_index", "wiener_index",
            "share_agreement", "share_rebuttal", "share_moderation", "share_off_topic",
            "longest_rebuttal_chain", "escalation_slope", "participants",
            "participation_gini", "moderation_count"]
SITE_DEFINITION = ("Group of the thread on this page: by default the comment-section layout "
                   "('no comments' when there is none), or whatever grouping the report was "
                   "asked for (source folder, a pattern of the file path).")
MODERATION_RATE = ("Comments labelled moderation divided by all comments of the thread "
                   "(per site: over all comments of the site).")


#: Charts of a thread page: (key, title, builder); the page template places them by key.
THREAD_CHARTS = [
    ("tree", "Reply tree", ch.reply_tree),
    ("unfold", "How the debate unfolds", ch.unfolding),
    ("depth", "Depth profile", ch.depth_profile),
    ("sentiment", "Sentiment along the branches", ch.sentiment_branches),
    ("heatmap", "Who replies to whom", ch.reply_heatmap),
    ("active", "Most active participants", ch.active_participants),
]
#: Charts of the comparison page built from per-site groups of rows.
SITE_CHARTS = [
    ("mix", "Label mix per site", ch.site_label_mix),
    ("shape", "Thread shape, tone and moderation", ch.shape_panels),
    ("scatter", "Size against rebuttal share", ch.size_vs_rebuttal),
]


@cache
def _plotly_source() -> str:
    from plotly.offline import get_plotlyjs

    source = get_plotlyjs()
    # Never let the bundle close its own <script> element when inlined.
    return re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _num(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.0%}"


def _signed(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.2f}"


def _sortkey(value: Any) -> str:
    """Value of a ``data-v`` sort attribute: numbers as repr, missing as empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(float(value)) if isinstance(value, int | float) else str(value)


class Renderer:
    """Renders thread, index and compare pages for one plotly.js mode."""

    def __init__(self, plotlyjs: str = "directory") -> None:
        if plotlyjs not in PLOTLYJS_MODES:
            raise ValueError(f"plotlyjs must be one of {', '.join(PLOTLYJS_MODES)}, "
                             f"not {plotlyjs!r}")
        self.mode = plotlyjs
        self.env = Environment(
            loader=PackageLoader("discourse.report", "templates"), autoescape=True,
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(num=_num, pct=_pct, signed=_signed, sortkey=_sortkey,
                                labelkey=label_key)
        self.env.globals.update(LABELS=LABELS, LABEL_COLORS=ch.LABEL_COLORS)
        self.scripts = {name: self._static(name) for name in ("charts.js", "sort.js")}
        from plotly.offline import get_plotlyjs_version

        version = get_plotlyjs_version()
        self.plotly: dict[str, Any] = {"mode": plotlyjs, "version": version, "source": None,
                                       "src": "plotly.min.js"}
        if plotlyjs == "cdn":
            self.plotly["src"] = f"https://cdn.plot.ly/plotly-{version}.min.js"
        elif plotlyjs == "inline":
            self.plotly["source"] = Markup(_plotly_source())
            self.plotly["hash"] = _sha256(_plotly_source())

    def _static(self, name: str) -> dict[str, Any]:
        assert self.env.loader is not None
        text = self.env.loader.get_source(self.env, name)[0].strip()
        return {"text": Markup(text), "hash": _sha256(text)}

    def write_plotlyjs(self, path: Path) -> None:
        """Write the bundled plotly.js to ``path`` (skipped when already identical)."""
        source = _plotly_source()
        if (path.is_file() and path.stat().st_size == len(source.encode())
                and path.read_text(encoding="utf-8") == source):
            return
        write_text(path, source)

    def csp(self, charts: bool, sort: bool = False) -> str:
        """Content-Security-Policy of a page: only our own scripts (by hash) and plotly."""
        scripts = []
        if charts:
            scripts.append(self.scripts["charts.js"]["hash"])
            if self.mode == "directory":
                scripts += ["'self'", "file:"]
            elif self.mode == "cdn":
                scripts.append("https://cdn.plot.ly")
            else:
                scripts.append(self.plotly["hash"])
        if sort:
            scripts.append(self.scripts["sort.js"]["hash"])
        return "; ".join([
            "default-src 'none'", "script-src " + (" ".join(scripts) or "'none'"),
            "style-src 'unsafe-inline'", "img-src data: blob:", "base-uri 'none'",
            "form-action 'none'", "object-src 'none'"])

    def _render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(
            plotly=self.plotly, scripts=self.scripts, **context)

    # -- thread page ----------------------------------------------------------------------
    def thread_page(self, view: ThreadView, row: Mapping[str, Any]) -> str:
        counts = view.label_counts()
        total = sum(counts.values())
        shares = [{"label": k, "key": label_key(None if k == UNLABELLED else k), "n": n,
                   "share": n / total if total else 0.0} for k, n in counts.items()]
        charts: dict[str, ch.Chart | None] = {}
        if view.size:
            for key, title, build in THREAD_CHARTS:
                fig = build(view)
                charts[key] = fig and ch.chart(f"chart-{key}", title, fig)
        return self._render(
            "thread.html.j2", view=view, row=row, shares=shares, charts=charts,
            has_charts=bool(charts), csp=self.csp(charts=bool(charts)),
            article=summary_text(view.thread.article), chains=view.rebuttal_chains(),
            back_and_forth=view.back_and_forth(), contested=view.contested(),
            escalations=view.escalations()[:8], n_escalations=len(view.escalations()),
            items=view.list_items(), max_nest=MAX_NEST, drop=ESCALATION_DROP,
            floor=ESCALATION_FLOOR,
            heatmap_people=ch.HEATMAP_PEOPLE, tree_levels=ch.TREE_LEVELS)

    # -- index ----------------------------------------------------------------------------
    def index_pages(self, rows: Sequence[Mapping[str, Any]]) -> Iterator[tuple[str, str]]:
        """(file name, html) of each index page: INDEX_PAGE_SIZE threads per page, in
        input order."""
        chunks = [rows[i:i + INDEX_PAGE_SIZE] for i in range(0, len(rows), INDEX_PAGE_SIZE)]
        chunks = chunks or [[]]
        names = ["index.html"] + [f"index-{i}.html" for i in range(2, len(chunks) + 1)]
        totals = {
            "threads": len(rows), "comments": sum(r.get("size") or 0 for r in rows),
            "empty": sum(1 for r in rows if not r.get("size")),
            "sites": len({r.get("site") for r in rows}),
            "participants": sum(r.get("participants") or 0 for r in rows),
        }
        for i, (name, chunk) in enumerate(zip(names, chunks, strict=True)):
            pager = [{"n": j + 1, "href": n, "current": j == i} for j, n in enumerate(names)]
            yield name, self._render(
                "index.html.j2", rows=chunk, totals=totals, pager=pager if len(names) > 1
                else [], first=i * INDEX_PAGE_SIZE + 1, page_size=INDEX_PAGE_SIZE,
                csp=self.csp(charts=False, sort=True), has_charts=False)

    # -- compare --------------------------------------------------------------------------
    def compare_page(self, rows: Sequence[Mapping[str, Any]]) -> str:
        groups = ch.site_groups(rows)
        with_comments = [r for r in rows if r.get("size")]
        # Charts compare threads with comments only; sites without any are left out.
        live = {s: [r for r in rs if r.get("size")] for s, rs in groups.items()}
        live = {s: rs for s, rs in live.items() if rs}
        charts: dict[str, ch.Chart | None] = {}
        if with_comments:
            for key, title, build in SITE_CHARTS:
                fig = build(live)
                charts[key] = fig and ch.chart(f"chart-{key}", title, fig)
            per_thread = ch.thread_label_mix(rows)
            charts["threads"] = per_thread and ch.chart("chart-threads", "Label mix per thread",
                                                        per_thread)
        definitions = [(k, *METRIC_DEFINITIONS[k]) for k in COMPARED if k in METRIC_DEFINITIONS]
        definitions[0] = ("site", SITE_DEFINITION, "")
        definitions.append(("moderation_rate", MODERATION_RATE, ""))
        return self._render(
            "compare.html.j2", sites=[_site_stats(s, rs) for s, rs in groups.items()],
            charts=charts, has_charts=bool(charts), csp=self.csp(charts=bool(charts)),
            definitions=definitions, n_threads=len(rows), n_with_comments=len(with_comments),
            limits={"sites": ch.MAX_SITES, "scatter": ch.SCATTER_LIMIT,
                    "per_thread": ch.PER_THREAD_LIMIT, "points": ch.POINTS_LIMIT})


    # -- evaluation -----------------------------------------------------------------------
    def evaluation_page(self, evaluation: Any, figures: Mapping[tuple[str, str], Any],
                        ours: str) -> str:
        """The classifier evaluation: one card per (protocol, dataset) with every model's
        scores and the confusion matrix of ours (``figures`` are plotly figure dicts)."""
        groups: dict[tuple[str, str], dict[str, Any]] = {}
        for r in evaluation.results:
            key = (r["protocol"], r["dataset"])
            group = groups.setdefault(key, {"protocol": key[0], "dataset": key[1],
                                            "labels": r["labels"], "rows": [], "chart": None})
            group["rows"].append(r)
        for i, (key, fig) in enumerate(figures.items()):
            if key in groups:
                groups[key]["chart"] = ch.chart(f"chart-eval-{i}", " · ".join(key), fig)
        has_charts = any(g["chart"] for g in groups.values())
        return self._render("evaluation.html.j2", evaluation=evaluation,
                            groups=list(groups.values()), ours=ours, has_charts=has_charts,
                            csp=self.csp(charts=has_charts))


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(path) as handle:
        handle.write(text)


def _site_stats(site: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Aggregate figures of one site for the comparison table."""
    live = [r for r in rows if r.get("size")]
    labels: Counter[str] = Counter()
    for r in live:
        labels.update(ch.label_counts(r))
    classified = sum(labels.values())
    comments = sum(r["size"] for r in live)

    def agg(key: str, how=median) -> float | None:
        vals = [float(r[key]) for r in live if r.get(key) is not None]
        return how(vals) if vals else None

    return {
        "site": site, "threads": len(rows), "with_comments": len(live), "comments": comments,
        "mean_size": agg("size", mean), "max_depth": agg("max_depth"), "width": agg("width"),
        "h_index": agg("h_index"), "wiener_index": agg("wiener_index"),
        "shares": {k: (labels[k] / classified if classified else None) for k in LABELS},
        "escalation_slope": agg("escalation_slope", mean),
        "participation_gini": agg("participation_gini"),
        "moderation_rate": (sum(r.get("moderation_count") or 0 for r in live) / comments
                            if comments else None),
    }
