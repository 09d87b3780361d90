"""The report's charts as plotly figures, for notebooks.

Each function returns a :class:`plotly.graph_objects.Figure` built by the very function
that draws the chart on the report pages (:mod:`discourse.report.charts`), from the same
thread view and metrics rows — no second implementation::

    import discourse
    from discourse.report import figures

    corpus = discourse.read("seeds/", model="fast")
    thread = corpus[0]
    figures.reply_tree(thread)            # the thread page's charts …
    figures.label_mix(thread)             # the estimated label mix, 95 % intervals in hover
    figures.site_label_mix(corpus)        # … and the comparison page's

Thread charts take one :class:`~discourse.model.Thread` (label it first — ``model=`` of
:func:`discourse.read`, or :func:`discourse.classify.annotate` — or the label charts say
it is not classified); comparison charts take threads (a corpus, a list) and group them by
``site_of`` (default: the site the page names, else the folder).  Comments without a
sentiment are scored with VADER on a copy, as the report does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from discourse.analyze import default_site, ensure_sentiment
from discourse.model import Thread
from discourse.report import charts
from discourse.report.view import ThreadView

__all__ = ["THREAD_FIGURES", "active_participants", "depth_profile", "label_mix",
           "reply_heatmap", "reply_tree", "sentiment_branches", "shape_panels",
           "site_label_mix", "size_vs_rebuttal", "thread_label_mix", "unfolding"]


def _figure(figure: dict[str, Any] | None, what: str) -> Any:
    import plotly.graph_objects as go

    if figure is None:
        raise ValueError(f"nothing to chart: {what}")
    return go.Figure(figure)


def _view(thread: Thread) -> ThreadView:
    if not isinstance(thread, Thread):
        raise TypeError(f"a Thread is needed, not {type(thread).__name__} (for several "
                        f"threads use the comparison figures)")
    if not thread.comments:
        raise ValueError("nothing to chart: the thread has no comments")
    return ThreadView(ensure_sentiment(thread))


def reply_tree(thread: Thread) -> Any:
    """The reply tree (icicle) of the thread page."""
    return _figure(charts.reply_tree(_view(thread)), "")


def unfolding(thread: Thread) -> Any:
    """How the debate unfolds: labels in reading order and their cumulative shares."""
    return _figure(charts.unfolding(_view(thread)), "")


def depth_profile(thread: Thread) -> Any:
    """Comments of each label at each depth."""
    return _figure(charts.depth_profile(_view(thread)), "")


def sentiment_branches(thread: Thread) -> Any:
    """Sentiment along the branches, escalations marked."""
    return _figure(charts.sentiment_branches(_view(thread)), "")


def reply_heatmap(thread: Thread) -> Any:
    """Who replies to whom (ValueError when fewer than two named participants reply to
    each other: the page says so instead of drawing it)."""
    return _figure(charts.reply_heatmap(_view(thread)),
                   "no two named participants reply to each other")


def active_participants(thread: Thread) -> Any:
    """Comments of the most active named participants, by label."""
    return _figure(charts.active_participants(_view(thread)), "no named participants")


#: The thread page's figures: (key, title, function), as on the page.
THREAD_FIGURES: list[tuple[str, str, Callable[[Thread], Any]]] = [
    ("tree", "Reply tree", reply_tree), ("unfold", "How the debate unfolds", unfolding),
    ("depth", "Depth profile", depth_profile),
    ("sentiment", "Sentiment along the branches", sentiment_branches),
    ("heatmap", "Who replies to whom", reply_heatmap),
    ("active", "Most active participants", active_participants),
]


# -- comparison figures ------------------------------------------------------------------


def _rows(threads: Thread | Iterable[Thread],
          site_of: Callable[[Thread], str] | None) -> list[dict[str, Any]]:
    """The report's summary row of each thread (what the comparison page charts)."""
    from discourse.report import summary_row

    if isinstance(threads, Thread):
        threads = [threads]
    rows = [summary_row(t, site_of or default_site).row for t in threads]
    if not rows:
        raise ValueError("nothing to chart: no threads")
    return rows


def _groups(threads: Thread | Iterable[Thread],
            site_of: Callable[[Thread], str] | None) -> dict[str, Any]:
    """Site -> rows of the threads with comments, as the comparison page groups them."""
    groups = charts.chart_groups(_rows(threads, site_of))
    if not groups:
        raise ValueError("nothing to chart: no thread has comments")
    return groups


def label_mix(threads: Thread | Iterable[Thread],
              site_of: Callable[[Thread], str] | None = None) -> Any:
    """The estimated label mix of a thread (or of each of up to
    :data:`~discourse.report.charts.PER_THREAD_LIMIT` threads): one 100 % bar per thread,
    each share's 95 % interval in the hover — the comparison page's "Label mix per
    thread"."""
    rows = _rows(threads, site_of)
    return _figure(charts.thread_label_mix(rows),
                   "no labelled comments (label the threads first)"
                   if len(rows) <= charts.PER_THREAD_LIMIT else
                   f"more than {charts.PER_THREAD_LIMIT} threads: use site_label_mix")


thread_label_mix = label_mix


def site_label_mix(threads: Iterable[Thread],
                   site_of: Callable[[Thread], str] | None = None) -> Any:
    """The estimated label mix of each site, with 95 % intervals as error bars."""
    return _figure(charts.site_label_mix(_groups(threads, site_of)), "")


def shape_panels(threads: Iterable[Thread],
                 site_of: Callable[[Thread], str] | None = None) -> Any:
    """Thread shape, tone and moderation per site: one box per site and metric."""
    return _figure(charts.shape_panels(_groups(threads, site_of)), "")


def size_vs_rebuttal(threads: Iterable[Thread],
                     site_of: Callable[[Thread], str] | None = None) -> Any:
    """Thread size against rebuttal share, one colour per site."""
    return _figure(charts.size_vs_rebuttal(_groups(threads, site_of)), "")
