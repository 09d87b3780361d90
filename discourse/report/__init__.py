"""HTML report: one page per thread, an index of all threads and a comparison page.

:func:`write_report` streams: each thread's page is written as soon as the thread arrives
and only a small row of figures (its :func:`~discourse.analyze.thread_metrics` plus the
page link, site and summary sentence) is kept, so a lazy iterable of thousands of parsed
threads goes through in constant thread memory.  ``index.html`` and ``compare.html`` are
written at the end.

Output folder: created if needed.  The report writes (and overwrites) only its own files
— the thread pages, ``index.html`` (plus ``index-2.html``... when paginated),
``compare.html`` and, in the default ``plotlyjs="directory"`` mode, ``plotly.min.js`` —
each through :func:`discourse.export.atomic_output` (temporary name + rename).  It never
deletes anything, so unrelated files (and pages of an earlier run) stay.

``plotlyjs`` modes:

* ``"directory"`` (default): ``plotly.min.js`` (the copy bundled with the plotly package,
  no network) is written once into the folder; pages load it with a relative script tag.
  The folder works offline and can be moved as a whole.
* ``"inline"``: every page embeds plotly.js (about 5 MB each): single self-contained files.
* ``"cdn"``: pages load plotly.js from https://cdn.plot.ly — small files, but the charts
  need network access when the page is opened (they show a notice when it fails).

Page names come from the source file stem, reduced to ``[A-Za-z0-9_.-]`` and made unique
(``name.html``, ``name-2.html``...; case-insensitively; a stem that is one of the report's
own names, like ``index``, becomes ``thread-index``).

Each summary row is the thread's :func:`~discourse.analyze.thread_metrics` (keys
:data:`~discourse.analyze.COLUMNS`, with ``site`` replaced by ``site_of(thread)``) plus
``page`` (file name), ``summary`` (the sentence of :func:`describe`), ``classified``
(labelled comments), ``escalations`` (sharply souring replies) and ``article_words``.

Large corpora: thread pages do not depend on the corpus size.  The index lists at most
:data:`~discourse.report.render.INDEX_PAGE_SIZE` (1000) threads per page (``index.html``,
``index-2.html``... linked by a pager; sorting sorts the page shown).  The comparison page
charts sites, not threads: at most :data:`~discourse.report.charts.MAX_SITES` (20) site
groups (smaller sites pooled into "other sites"), box plots computed from quartiles
(individual threads drawn as points only up to ``POINTS_LIMIT`` = 300 threads), the
size/rebuttal scatter limited to the ``SCATTER_LIMIT`` = 2000 largest threads, and one
bar per thread only up to ``PER_THREAD_LIMIT`` = 40 threads.

Safety: every page is rendered by jinja2 with autoescape on; document strings reach
plotly only html-escaped, and chart JSON is embedded with ``<``/``>``/``&`` escaped (see
:mod:`discourse.report.charts`).  Pages also carry a Content-Security-Policy that only
allows the report's own scripts (by hash) and plotly.js.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from discourse.analyze import ensure_sentiment, thread_metrics
from discourse.model import Thread
from discourse.report.render import PLOTLYJS_MODES, Renderer, write_text
from discourse.report.summary import describe
from discourse.report.view import ThreadView

__all__ = [
    "PLOTLYJS_MODES",
    "RenderedThread",
    "ReportSummary",
    "describe",
    "render_thread",
    "renderer_for",
    "site_from_folder",
    "site_from_layout",
    "site_from_regex",
    "write_rendered",
    "write_report",
]

#: Page names the thread pages must never take.
_RESERVED = re.compile(r"^(index(-\d+)?|compare|plotly\.min)$", re.IGNORECASE)
_SLUG_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class ReportSummary:
    """What :func:`write_report` wrote."""

    pages: list[Path] = field(default_factory=list)
    index: Path | None = None
    compare: Path | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: Every index page (``index.html`` first); more than one when paginated.
    index_pages: list[Path] = field(default_factory=list)
    #: The shared plotly.js file ("directory" mode), else None.
    plotlyjs: Path | None = None


# -- sites -------------------------------------------------------------------------------


def site_from_layout(thread: Thread) -> str:
    """The default site key: the comment-section layout, or "no comments"."""
    return thread.layout or "no comments"


def site_from_folder(thread: Thread) -> str:
    """Site key = name of the folder holding the source file ("unknown" without one)."""
    if not thread.source:
        return "unknown"
    return PurePath(thread.source).parent.name or "unknown"


class site_from_regex:  # noqa: N801 - used like the other site_from_* functions
    """A ``site_of`` function: the first group of ``pattern`` searched in the source path
    (the whole match if the pattern has no group; "other" when it does not match).
    An object rather than a closure so that parallel workers can receive it."""

    def __init__(self, pattern: str | re.Pattern[str]) -> None:
        self.rx = re.compile(pattern) if isinstance(pattern, str) else pattern

    def __call__(self, thread: Thread) -> str:
        match = self.rx.search(PurePath(thread.source).as_posix()) if thread.source else None
        if match is None:
            return "other"
        return (match.group(1) if self.rx.groups else match.group(0)) or "other"


# -- file names ----------------------------------------------------------------------------


def _slug(source: str | None) -> str:
    stem = PurePath(source).stem if source else ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = _SLUG_BAD.sub("-", ascii_stem).strip("-.")[:80]
    return slug or "thread"


def _unique(slug: str, used: set[str]) -> str:
    """``slug`` or ``slug-2``, ``slug-3``... not yet in ``used`` (compared in lower case);
    names of the report's own pages get a ``thread-`` prefix."""
    if _RESERVED.match(slug):
        slug = f"thread-{slug}"
    name, n = slug, 1
    while name.lower() in used:
        n += 1
        name = f"{slug}-{n}"
    used.add(name.lower())
    return name


# -- the report ----------------------------------------------------------------------------


@dataclass(slots=True)
class RenderedThread:
    """A thread's page and summary row, rendered (possibly in a worker process) before
    the writer gives the page its file name."""

    source: str | None
    warnings: list[str]
    row: dict[str, Any]
    html: str


@cache
def renderer_for(plotlyjs: str) -> Renderer:
    """One renderer (jinja environment, plotly) per process and plotly.js mode."""
    return Renderer(plotlyjs)


def render_thread(thread: Thread, plotlyjs: str = "directory",
                  site_of: Callable[[Thread], str] | None = None) -> RenderedThread:
    """The page of one thread and its summary row (see the module docstring)."""
    thread = ensure_sentiment(thread)
    view = ThreadView(thread)
    row = thread_metrics(thread, fill_sentiment=False)
    row.update(site=str((site_of or site_from_layout)(thread)), classified=view.classified,
               escalations=len(view.escalations()), article_words=len(thread.article.split()))
    row["summary"] = describe(row)
    return RenderedThread(thread.source, thread.warnings, row,
                          renderer_for(plotlyjs).thread_page(view, row))


def write_report(
    threads: Iterable[Thread],
    out_dir: str | Path,
    plotlyjs: str = "directory",
    site_of: Callable[[Thread], str] | None = None,
    progress: Callable[[], None] | None = None,
) -> ReportSummary:
    """Write the HTML report of ``threads`` into ``out_dir``; see the module docstring.

    ``site_of`` groups threads on the comparison page (default: :func:`site_from_layout`;
    see also :func:`site_from_folder` and :func:`site_from_regex`).  ``progress`` is called
    once after each thread page is written.
    """
    return write_rendered((render_thread(t, plotlyjs, site_of) for t in threads), out_dir,
                          plotlyjs, progress)


def write_rendered(
    rendered: Iterable[RenderedThread],
    out_dir: str | Path,
    plotlyjs: str = "directory",
    progress: Callable[[], None] | None = None,
) -> ReportSummary:
    """Write pages rendered by :func:`render_thread` (in order; each gets its file name
    here), then the index and comparison pages; see :func:`write_report`."""
    renderer = renderer_for(plotlyjs)  # refuses an unknown mode before any page is rendered
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = ReportSummary()
    if plotlyjs == "directory":
        summary.plotlyjs = out / "plotly.min.js"
        renderer.write_plotlyjs(summary.plotlyjs)
    used: set[str] = set()
    for item in rendered:
        name = _unique(_slug(item.source), used) + ".html"
        item.row["page"] = name
        path = out / name
        write_text(path, item.html)
        summary.pages.append(path)
        summary.rows.append(item.row)
        if progress is not None:
            progress()
    for name, text in renderer.index_pages(summary.rows):
        write_text(out / name, text)
        summary.index_pages.append(out / name)
    summary.index = summary.index_pages[0]
    summary.compare = out / "compare.html"
    write_text(summary.compare, renderer.compare_page(summary.rows))
    return summary
