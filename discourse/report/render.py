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
from discourse.analyze import shares as analyze_shares
from discourse.analyze.sites import SITE_COLUMNS, format_cell, site_table
from discourse.atomic import atomic_output
from discourse.labels import LABELS, UNCERTAIN_BELOW, css_variables
from discourse.numbers import count_of, fixed, plural, signed
from discourse.report import charts as ch
from discourse.report.view import (
    ESCALATION_DROP,
    ESCALATION_FLOOR,
    LIST_LIMIT,
    MAX_NEST,
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
            "labelled", "not_labelled", "shares_too_small", "shares_from",
            "uncertain", "longest_rebuttal_chain", "escalation_slope", "participants",
            "participation_gini", "moderation_count"]
#: Metrics defined on every thread page (the figures it shows).
THREAD_DEFINED = ["site", "size", "top_level", "replies", "participants", "max_depth",
                  "width", "h_index", "wiener_index", "share_agreement", "share_rebuttal",
                  "share_moderation", "share_off_topic", "labelled", "not_labelled",
                  "shares_too_small", "shares_from", "classified", "uncertain",
                  "moderation_count", "longest_rebuttal_chain", "longest_back_and_forth",
                  "participation_gini", "escalation_slope", "reciprocity", "reentry_rate"]
#: Metrics defined on the index (its columns).
INDEX_DEFINED = ["site", "size", "participants", "max_depth", "share_agreement",
                 "share_rebuttal", "share_moderation", "share_off_topic", "labelled",
                 "not_labelled", "shares_too_small", "uncertain",
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
    return fixed(value, digits)


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.0%}"


def _ci(low: Any, high: Any) -> str:
    """An interval as "38–52%" ("" when either end is missing)."""
    lo, hi = _finite(low), _finite(high)
    if lo is None or hi is None:
        return ""
    return f"{lo:.0%}–{hi:.0%}".replace("%–", "–")


def _signed(value: Any) -> str:
    return signed(value)


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
                                labelkey=label_key, ci=_ci, count=count_of, plural=plural)
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
        mix = label_mix(row, view.label_counts())
        charts: dict[str, ch.Chart | None] = {}
        if view.size:
            for key, title, build in THREAD_CHARTS:
                fig = build(view)
                charts[key] = fig and ch.chart(f"chart-{key}", title, fig)
        definitions = self._definitions(THREAD_DEFINED)
        definitions.insert(1, ("layout", LAYOUT_DEFINITION, ""))
        return self._render(
            "thread.html.j2", view=view, row=row, mix=mix, charts=charts,
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
        with_comments = [r for r in rows if r.get("size")]
        # Charts compare threads with comments only; sites without any are left out.
        live = ch.chart_groups(rows)
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
            headings=site_headings(),
            charts=charts, has_charts=bool(charts), csp=self.csp(charts=bool(charts)),
            definitions=definitions, n_threads=len(rows), n_with_comments=len(with_comments),
            level=analyze_shares.LEVEL,
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


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def label_mix(row: Mapping[str, Any], counts: Mapping[str, int]) -> dict[str, Any]:
    """The thread page's label mix from its metrics row: per label the estimated share,
    its interval and the number of comments whose label it is (``counts``:
    :meth:`ThreadView.label_counts`), plus the counts of the mix."""
    rows = []
    for label in LABELS:
        key = f"share_{label.replace('-', '_')}"
        estimate = _finite(row.get(key))
        low, high = _finite(row.get(key + "_low")), _finite(row.get(key + "_high"))
        rows.append({"label": label, "key": label_key(label), "n": counts.get(label, 0),
                     "estimate": estimate, "low": low, "high": high,
                     "interval": _ci(low, high) or "–"})
    others = {k: n for k, n in counts.items() if k not in LABELS}
    return {"rows": rows, "labelled": int(row.get("labelled") or 0),
            "not_labelled": int(row.get("not_labelled") or 0),
            "too_small": bool(row.get("shares_too_small")), "method": row.get("shares_from"),
            "others": others, "level": analyze_shares.LEVEL,
            "min_labelled": analyze_shares.MIN_LABELLED,
            "max_width": analyze_shares.MAX_WIDTH}


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
            add(f'    <span class="small">sentiment {signed(c.sentiment)}</span>\n')
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
                f'{plural(n, "reply")}{more}</summary>\n'
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
    (:func:`discourse.analyze.site_table`), each column as ``{"key", "value", "kind",
    "text"}`` (``text`` formatted by :func:`discourse.analyze.sites.format_cell`: label
    shares with their interval)."""
    out = []
    for stats in site_table(rows):
        out.append({"site": stats["site"], "too_small": stats.get("shares_too_small"),
                    "mix": mix_background([stats.get(f"share_{label.replace('-', '_')}")
                                           for label in LABELS]),
                    "cells": [{"key": key, "value": stats[key], "kind": kind,
                               "text": format_cell(kind, key, stats)}
                              for key, _, kind, _ in SITE_COLUMNS]})
    return out


#: The compare page's site table under group headings, with short column headings (the
#: column's full heading and definition are its tooltip and its entry under Definitions):
#: key -> (group, short heading).  Columns not named here keep their heading, ungrouped.
SITE_HEADINGS: dict[str, tuple[str, str]] = {
    "threads": ("threads", "all"), "with_comments": ("threads", "with comments"),
    "comments": ("comments", "all"),
    "labelled": ("label mix (95% interval)", "labelled"),
    "not_labelled": ("label mix (95% interval)", "not labelled"),
    "median_size": ("median per thread", "size"),
    "median_max_depth": ("median per thread", "depth"),
    "median_width": ("median per thread", "width"),
    "median_h_index": ("median per thread", "h-index"),
    "median_wiener_index": ("median per thread", "Wiener"),
    "share_agreement": ("label mix (95% interval)", "agree"),
    "share_rebuttal": ("label mix (95% interval)", "rebut"),
    "share_moderation": ("label mix (95% interval)", "mod."),
    "share_off_topic": ("label mix (95% interval)", "off-topic"),
    "shares_too_small": ("label mix (95% interval)", "too uncertain"),
    "share_uncertain": ("tone and moderation", "uncertain"),
    "mean_escalation_slope": ("tone and moderation", "escal. (mean)"),
    "median_participation_gini": ("tone and moderation", "Gini (median)"),
    "moderation_rate": ("tone and moderation", "mod. rate"),
}


def site_headings() -> dict[str, list[dict[str, Any]]]:
    """The two heading rows of the compare page's site table: ``groups`` (runs of
    consecutive :data:`~discourse.analyze.sites.SITE_COLUMNS` in one group of
    :data:`SITE_HEADINGS`, each ``{"title", "span"}``; "" for ungrouped columns) and
    ``columns`` (each ``{"key", "heading", "full", "kind", "text"}``)."""
    groups: list[dict[str, Any]] = []
    columns = []
    for key, heading, kind, text in SITE_COLUMNS:
        group, short = SITE_HEADINGS.get(key, ("", heading))
        if groups and groups[-1]["title"] == group and group:
            groups[-1]["span"] += 1
        else:
            groups.append({"title": group, "span": 1})
        columns.append({"key": key, "heading": short, "full": heading, "kind": kind,
                        "text": text})
    return {"groups": groups, "columns": columns}


def mix_background(shares: Sequence[float | None]) -> str | None:
    """A label mix as a CSS background (``shares`` in :data:`LABELS` order): one band of
    each label's colour (the ``--agreement``… variables of the page) as wide as its share,
    the rest in the track colour; None when a share is missing."""
    stops, at = [], 0.0
    for label, share in zip(LABELS, shares, strict=True):
        value = _finite(share)
        if value is None:
            return None
        end = min(100.0, at + 100 * value)
        stops.append(f"var(--{label}) {at:.2f}% {end:.2f}%")
        at = end
    if at < 100:
        stops.append(f"var(--line) {at:.2f}% 100%")
    return "linear-gradient(to right, " + ", ".join(stops) + ")"


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
