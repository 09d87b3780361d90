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
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from discourse.analyze import LABEL_DEFINITIONS, METRIC_DEFINITIONS
from discourse.analyze.sites import SITE_COLUMNS, format_value, site_table
from discourse.atomic import atomic_output
from discourse.labels import LABELS, UNCERTAIN_BELOW, css_variables
from discourse.report import charts as ch
from discourse.report.view import (
    ESCALATION_DROP,
    ESCALATION_FLOOR,
    LIST_LIMIT,
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
#: Thread metrics defined on the comparison page (below the site-table columns).
COMPARED = ["site", "size", "top_level", "max_depth", "width", "h_index", "wiener_index",
            "share_agreement", "share_rebuttal", "share_moderation", "share_off_topic",
            "uncertain", "longest_rebuttal_chain", "escalation_slope", "participants",
            "participation_gini", "moderation_count"]
#: Metrics defined on every thread page (the figures it shows).
THREAD_DEFINED = ["site", "size", "top_level", "replies", "participants", "max_depth",
                  "width", "h_index", "wiener_index", "classified", "uncertain",
                  "moderation_count", "longest_rebuttal_chain", "longest_back_and_forth",
                  "participation_gini", "escalation_slope", "reciprocity", "reentry_rate"]
#: Metrics defined on the index (its columns).
INDEX_DEFINED = ["site", "size", "participants", "max_depth", "share_agreement",
                 "share_rebuttal", "share_moderation", "share_off_topic", "uncertain",
                 "longest_rebuttal_chain", "escalation_slope", "participation_gini"]
MODERATION_RATE = ("Comments labelled moderation divided by all comments of the thread "
                   "(per site: over all comments of the site).")
LAYOUT_DEFINITION = ("Technical detail: how the comment section was written in the source "
                     "(numbered-bullets, numbered, bullets for plain text; the reader's "
                     "format for HTML and exports). Not a site.")
#: Name of the partial plotly.js bundle shipped in templates/ (see plotly-build/README.md).
PLOTLY_BUNDLE = "plotly-discourse.min.js"


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
    """The report's plotly.js: a partial bundle of plotly.js with only the traces the
    pages draw (scatter, bar, box, heatmap, icicle), 1.3 MB instead of 4.8 MB; built by
    ``discourse/report/plotly-build`` (version and licence in its banner)."""
    source = (Path(__file__).parent / "templates" / PLOTLY_BUNDLE).read_text(encoding="utf-8")
    # Never let the bundle close its own <script> element when inlined.
    return re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)


@cache
def plotlyjs_version() -> str:
    """Version of plotly.js in the bundle (from its banner)."""
    match = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", _plotly_source()[:400])
    return match.group(1) if match else "unknown"


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
        self.env.globals.update(LABELS=LABELS, LABEL_COLORS=ch.LABEL_COLORS,
                                comment_items=comment_items,
                                LABEL_DEFINITIONS=LABEL_DEFINITIONS,
                                UNCERTAIN_BELOW=UNCERTAIN_BELOW,
                                LABEL_CSS=css_variables())
        self.scripts = {name: self._static(name)
                        for name in ("charts.js", "sort.js", "filter.js")}
        version = plotlyjs_version()
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

    def csp(self, charts: bool, sort: bool = False, filters: bool = False) -> str:
        """Content-Security-Policy of a page: only the report's own scripts.

        Inline scripts are allowed by their SHA-256 hash.  plotly.js is inlined (allowed by
        hash) or loaded by charts.js itself, which is allowed through ``'strict-dynamic'``
        (CSP level 3): a script inserted by a trusted script is trusted, and every other
        script source — another local file, any URL — is refused.
        """
        scripts = []
        if charts:
            scripts.append(self.scripts["charts.js"]["hash"])
            if self.mode == "inline":
                scripts.append(self.plotly["hash"])
            else:
                scripts.append("'strict-dynamic'")
        if sort:
            scripts.append(self.scripts["sort.js"]["hash"])
        if filters:
            scripts.append(self.scripts["filter.js"]["hash"])
        return "; ".join([
            "default-src 'none'", "script-src " + (" ".join(scripts) or "'none'"),
            "style-src 'unsafe-inline'", "img-src data: blob:", "base-uri 'none'",
            "form-action 'none'", "object-src 'none'"])

    def _render(self, template: str, nav: Mapping[str, bool] | None = None,
                **context: Any) -> str:
        nav = {"index": True, "compare": True} if nav is None else nav
        return self.env.get_template(template).render(
            plotly=self.plotly, scripts=self.scripts, nav=nav, **context)

    def _definitions(self, keys: Sequence[str]) -> list[tuple[str, str, str]]:
        out = [(k, *METRIC_DEFINITIONS[k]) for k in keys if k in METRIC_DEFINITIONS]
        return out

    # -- thread page ----------------------------------------------------------------------
    def thread_page(self, view: ThreadView, row: Mapping[str, Any]) -> str:
        """The thread's page (the comment list's first LIST_LIMIT comments)."""
        counts = view.label_counts()
        total = sum(counts.values())
        shares = [{"label": k, "key": label_key(None if k == UNLABELLED else k), "n": n,
                   "share": n / total if total else 0.0} for k, n in counts.items()]
        charts: dict[str, ch.Chart | None] = {}
        if view.size:
            for key, title, build in THREAD_CHARTS:
                fig = build(view)
                charts[key] = fig and ch.chart(f"chart-{key}", title, fig)
        definitions = self._definitions(THREAD_DEFINED)
        definitions.insert(1, ("layout", LAYOUT_DEFINITION, ""))
        return self._render(
            "thread.html.j2", view=view, row=row, shares=shares, charts=charts,
            has_charts=bool(charts), csp=self.csp(charts=bool(charts), filters=view.size > 0),
            article=summary_text(view.thread.article), chains=view.rebuttal_chains(),
            back_and_forth=view.back_and_forth(), contested=view.contested(),
            escalations=view.escalations()[:8], n_escalations=len(view.escalations()),
            items=view.list_items(1), part=1, max_nest=MAX_NEST, drop=ESCALATION_DROP,
            floor=ESCALATION_FLOOR, list_limit=LIST_LIMIT, definitions=definitions,
            heatmap_people=ch.HEATMAP_PEOPLE, tree_levels=ch.TREE_LEVELS,
            tree_cells=ch.TREE_CELLS, sample_points=ch.SAMPLE_POINTS,
            reply_pairs=len(ch.m.reply_graph(view.thread)),
            big=view.size > ch.CHART_COMMENTS, chart_comments=ch.CHART_COMMENTS)

    def thread_part(self, view: ThreadView, row: Mapping[str, Any], part: int) -> str:
        """Page ``part`` (≥ 2) of a long thread's comment list."""
        return self._render(
            "thread_part.html.j2", view=view, row=row, part=part, items=view.list_items(part),
            has_charts=False, csp=self.csp(charts=False, filters=True), max_nest=MAX_NEST,
            list_limit=LIST_LIMIT)

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
        sites = sorted({str(r.get("site")) for r in rows})
        definitions = self._definitions(INDEX_DEFINED)
        for i, (name, chunk) in enumerate(zip(names, chunks, strict=True)):
            pager = [{"n": j + 1, "href": n, "current": j == i} for j, n in enumerate(names)]
            yield name, self._render(
                "index.html.j2", rows=chunk, totals=totals, pager=pager if len(names) > 1
                else [], first=i * INDEX_PAGE_SIZE + 1, page_size=INDEX_PAGE_SIZE,
                csp=self.csp(charts=False, sort=True, filters=True), has_charts=False,
                sites=sites, definitions=definitions)

    # -- compare --------------------------------------------------------------------------
    def compare_page(self, rows: Sequence[Mapping[str, Any]], thread_pages: bool = True) -> str:
        """The comparison page.  ``thread_pages``: the thread pages and index exist beside
        it (``discourse report``), so charts and the menu link to them; ``discourse
        compare`` writes this page alone, without those links."""
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
        if not thread_pages:
            for c in charts.values():
                if c is not None:
                    c.json = _unlinked(c.json)
        definitions = self._definitions(COMPARED)
        definitions.append(("moderation_rate", MODERATION_RATE, ""))
        return self._render(
            "compare.html.j2", table=site_rows(rows), columns=SITE_COLUMNS,
            charts=charts, has_charts=bool(charts), csp=self.csp(charts=bool(charts)),
            definitions=definitions, n_threads=len(rows), n_with_comments=len(with_comments),
            nav={"index": thread_pages, "compare": True}, thread_pages=thread_pages,
            limits={"sites": ch.MAX_SITES, "scatter": ch.SCATTER_LIMIT,
                    "per_thread": ch.PER_THREAD_LIMIT, "points": ch.POINTS_LIMIT})


    # -- evaluation -----------------------------------------------------------------------
    def evaluation_page(self, evaluation: Any, figures: Mapping[tuple[str, str], Any],
                        ours: str) -> str:
        """The classifier evaluation: one card per (protocol, dataset) with every model's
        scores and the confusion matrix of ours (``figures`` are plotly figure dicts)."""
        groups: dict[tuple[str, str], dict[str, Any]] = {}
        for r in evaluation["results"]:
            key = (r["protocol"], r["dataset"])
            group = groups.setdefault(key, {"protocol": key[0], "dataset": key[1],
                                            "labels": r["labels"], "rows": [], "chart": None})
            group["rows"].append(r)
        for i, (key, fig) in enumerate(figures.items()):
            if key in groups:
                groups[key]["chart"] = ch.chart(f"chart-eval-{i}", " · ".join(key), fig)
        has_charts = any(g["chart"] for g in groups.values())
        # The evaluation is written on its own (``discourse evaluate -o DIR``): no menu
        # links to report pages that may not exist there.
        return self._render("evaluation.html.j2", evaluation=evaluation,
                            groups=list(groups.values()), ours=ours, has_charts=has_charts,
                            csp=self.csp(charts=has_charts),
                            nav={"index": False, "compare": False})


def _pct0(value: float) -> str:
    return f"{value:.0%}"


def comment_items(view: ThreadView, items: Sequence[Any], part: int) -> Markup:
    """The HTML of the nested comment list (the steps of :meth:`ThreadView.list_items`).

    Rendered here rather than by a jinja macro because it is the one part of a page whose
    size grows with the thread (a 100,000-comment thread: 100,000 entries; about 20 times
    faster this way).  Every document string goes through :func:`markupsafe.escape`.
    """
    esc = escape
    out: list[str] = []
    add = out.append
    threshold = f"{100 * UNCERTAIN_BELOW:.0f}%"

    def href(v: Any) -> str:  # anchors are [A-Za-z0-9_.-] (view.py): nothing to escape
        return f"#{v.anchor}" if v.part == part else v.href

    for item in items:
        v = item.view
        if v is None:
            add("    </div>\n  </details>\n</article>\n")
            continue
        c = v.comment
        classes = f"comment lab-{v.key}"
        if c.inline:
            classes += " inline-note"
        uncertain = v.uncertain
        if uncertain:
            classes += " is-uncertain"
        conf = "" if c.confidence is None else repr(float(c.confidence))
        add(f'<article class="{classes}" id="{esc(v.anchor)}" data-label="{esc(v.label)}" '
            f'data-author="{esc(c.author or "")}" data-conf="{conf}">\n  <header>\n'
            f'    <a class="cid" href="#{esc(v.anchor)}">#{esc(v.id)}</a>\n'
            f'    <span class="who">{esc(v.author)}</span>\n')
        if c.inline:
            add('    <span class="tag">moderator note</span>\n')
        if c.status:
            add(f'    <span class="tag">{esc(c.status)}</span>\n')
        if uncertain:
            add(f'    <span class="badge lab-{v.key} uncertain" title="uncertain: confidence '
                f'{v.confidence}, below {threshold}">{esc(v.label)}?</span>\n')
        else:
            add(f'    <span class="badge lab-{v.key}">{esc(v.label)}</span>\n')
        if v.confidence:
            add(f'    <span class="small">{v.confidence} confident'
                f'{" (uncertain)" if uncertain else ""}</span>\n')
        if c.sentiment is not None:
            add(f'    <span class="small">sentiment {c.sentiment:+.2f}</span>\n')
        if c.timestamp:
            add(f'    <span class="small">{esc(c.timestamp)}</span>\n')
        if c.score is not None:
            add(f'    <span class="small">score {esc(c.score)}</span>\n')
        if item.flat_reply and v.parent:
            p = view.by_id[v.parent]
            add(f'    <span class="small">in reply to <a href="{href(p)}">#{esc(p.id)}</a> '
                f'{esc(p.author)}</span>\n')
        if c.target_id:
            t = view.by_id.get(c.target_id)
            target = (f'<a href="{href(t)}">#{esc(t.id)}</a> {esc(t.author)}' if t
                      else f"#{esc(c.target_id)}")
            add(f'    <span class="small">answers {target} (quoted)</span>\n')
        add(f'  </header>\n  <div class="text">{esc(c.text)}</div>\n')
        if c.reasons:
            add('  <ul class="reasons">' + "".join(f"<li>{esc(r)}</li>" for r in c.reasons)
                + "</ul>\n")
        if c.probabilities:
            add('  <div class="small probs">' + " · ".join(
                f"{esc(k)} {_pct0(float(p))}" for k, p in c.probabilities.items()) + "</div>\n")
        if item.nested:
            n = len(v.replies)
            below = view.below[v.id]
            more = f" · {below} in this subthread" if below > n else ""
            add(f'  <details class="replies" open>\n    <summary>{n} '
                f'{"reply" if n == 1 else "replies"}{more}</summary>\n'
                f'    <div class="children">\n')
        else:
            add("</article>\n")
    return Markup("".join(out))


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(path) as handle:
        handle.write(text)


def site_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The site table of ``compare.html`` and of ``discourse compare``'s printout: per site
    (:func:`discourse.analyze.site_table`), each column as ``{"key", "value", "text"}``
    (``text`` formatted by :func:`discourse.analyze.sites.format_value`)."""
    out = []
    for stats in site_table(rows):
        out.append({"site": stats["site"], "cells": [
            {"key": key, "value": stats[key], "text": format_value(kind, stats[key]),
             "kind": kind} for key, _, kind, _ in SITE_COLUMNS]})
    return out


def format_site_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The site table as aligned plain text (what ``discourse compare`` prints)."""
    table = site_rows(rows)
    head = [heading for _, heading, _, _ in SITE_COLUMNS]
    body = [[c["text"] for c in r["cells"]] for r in table]
    widths = [max([len(h)] + [len(b[i]) for b in body]) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(head)] + [line(b) for b in body])


def _unlinked(figure: Markup) -> Markup:
    """Chart JSON without the per-thread page links (customdata)."""
    import json

    fig = json.loads(str(figure))
    for trace in fig["data"]:
        trace.pop("customdata", None)
    return ch.figure_json(fig)
