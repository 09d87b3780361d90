"""HTML report: one page per thread, an index of all threads and a comparison page.

:func:`write_report` streams: each thread's page is written as soon as the thread arrives
and only a small row of figures (its :func:`~discourse.analyze.thread_metrics` plus the
page link, site and summary) is kept, so a lazy iterable of thousands of parsed threads
goes through in constant thread memory.  ``index.html`` and ``compare.html`` are written at
the end.

Sites: a thread's site is ``site_of(thread)``, by default
:func:`~discourse.analyze.default_site` (``Thread.site``, else the source's folder); the
same default for ``report`` and ``compare``.  The comment-section layout is a technical
detail shown on the thread page (``site_from_layout`` groups by it on request).

Output folder (:mod:`discourse.report.output`): created if needed, locked against a
concurrent run, and recorded in a manifest.  The report writes only its own files — the
thread pages (and ``NAME~2.html``... for comment lists longer than
:data:`~discourse.report.view.LIST_LIMIT`), ``index.html`` (``index-2.html``... when
paginated), ``compare.html``, ``plotly.min.js`` in the default mode — each through
:func:`discourse.atomic.atomic_output`; it never deletes anything and never overwrites a
file it did not write (unless ``force``).  When a run completes it removes the files
the folder's last report wrote and this one did not (pages of threads no longer in the
input, surplus index pages), and nothing else; ``compare_only`` refuses a folder that holds
a full report, whose index its ``compare.html`` would contradict (see
:mod:`discourse.report.output`).  Problems raise :class:`OutputError`.

``plotlyjs`` modes:

* ``"directory"`` (default): ``plotly.min.js`` — the report's partial plotly.js bundle
  (only the traces it draws; see ``plotly-build/README.md``) — is written once into the
  folder and loaded by each page's own script.  Works offline; move the folder as a whole.
* ``"inline"``: every page embeds the bundle (1.3 MB each): single self-contained files.
* ``"cdn"``: pages load the full plotly.js of the same version from https://cdn.plot.ly —
  small files, but the charts need network access (they show a notice when it fails).

Charts are drawn when they scroll into view.  Threads of more than
:data:`~discourse.report.charts.CHART_COMMENTS` comments get aggregated charts.

Page names come from the source file stem, reduced to ``[A-Za-z0-9_.-]`` and made unique
(``name.html``, ``name-2.html``...; case-insensitively; a stem that is one of the report's
own names, like ``index``, becomes ``thread-index``).

Each summary row is the thread's :func:`~discourse.analyze.thread_metrics` (keys
:data:`~discourse.analyze.COLUMNS`, ``site`` from ``site_of``, ``title`` cut to
:data:`~discourse.report.view.TITLE_CHARS`) plus ``page`` (file name), ``summary`` (the
text of :func:`describe`), ``escalations`` (sharply souring replies) and ``article_words``.

Large corpora: thread pages do not depend on the corpus size.  The index lists at most
:data:`~discourse.report.render.INDEX_PAGE_SIZE` (1000) threads per page.  The comparison
page charts sites, not threads: at most :data:`~discourse.analyze.sites.MAX_SITES` (20)
site groups (smaller sites pooled into "other sites"), box plots computed from quartiles
(individual threads drawn as points only up to ``POINTS_LIMIT`` = 300 threads), the
size/rebuttal scatter limited to the ``SCATTER_LIMIT`` = 2000 largest threads, and one
bar per thread only up to ``PER_THREAD_LIMIT`` = 40 threads.

Safety: every page is rendered by jinja2 with autoescape on (the comment list by
:func:`~discourse.report.render.comment_items` with :func:`markupsafe.escape`); document
strings reach plotly only html-escaped, and chart JSON is embedded with ``<``/``>``/``&``
escaped (see :mod:`discourse.report.charts`).  Pages carry a Content-Security-Policy that
allows only the report's own inline scripts (by hash) and what they load
(``'strict-dynamic'``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from discourse.analyze import default_site, ensure_sentiment, thread_metrics
from discourse.model import Thread
from discourse.report.output import OutputError, OutputFolder, describe_os_error
from discourse.report.render import PLOTLYJS_MODES, Renderer, _plotly_source
from discourse.report.summary import describe
from discourse.report.view import TITLE_CHARS, ThreadView, bound

__all__ = [
    "PLOTLYJS_MODES",
    "OutputError",
    "default_site",
    "RenderedThread",
    "ReportSummary",
    "describe",
    "render_thread",
    "renderer_for",
    "site_from_folder",
    "summary_row",
    "site_from_layout",
    "site_from_regex",
    "write_rendered",
    "write_report",
]

#: Page names the thread pages must never take.
_RESERVED = re.compile(r"^(index(-\d+)?|compare|plotly\.min|evaluation)$", re.IGNORECASE)
#: Placeholder for a thread page's file stem in links between its part pages (written by
#: the templates, replaced when the page gets its name; "<" never survives autoescaping
#: of document text, and chart JSON escapes it, so only template links carry it).
PAGE_TOKEN = "<PAGE>"
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
    #: Stale files of the folder's last run removed (see :meth:`OutputFolder.finish`).
    removed: list[Path] = field(default_factory=list)


# -- sites -------------------------------------------------------------------------------


def site_from_layout(thread: Thread) -> str:
    """Site key = the comment-section layout, or "no comments" (``--site-from layout``;
    a technical grouping, not a publication; the default is :func:`default_site`)."""
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


def _unique(slug: str, used: set[str], last: dict[str, int] | None = None) -> str:
    """``slug`` or ``slug-2``, ``slug-3``... not yet in ``used`` (compared in lower case);
    names of the report's own pages get a ``thread-`` prefix.  ``last`` remembers the
    number each slug reached, so the 20,000 threads of one dump (one slug) are named in
    linear time, not by trying ``-2`` … ``-n`` for each."""
    if _RESERVED.match(slug):
        slug = f"thread-{slug}"
    key = slug.lower()
    n = last.get(key, 1) if last is not None else 1
    name = slug if n == 1 else f"{slug}-{n}"
    while name.lower() in used:
        n += 1
        name = f"{slug}-{n}"
    used.add(name.lower())
    if last is not None:
        last[key] = n
    return name


# -- the report ----------------------------------------------------------------------------


@dataclass(slots=True)
class RenderedThread:
    """A thread's page and summary row, rendered (possibly in a worker process) before
    the writer gives the page its file name.  ``html`` is None for a summary row only
    (``discourse compare``); ``parts`` are the further pages of a long comment list."""

    source: str | None
    warnings: list[str]
    row: dict[str, Any]
    html: str | None
    parts: list[str] = field(default_factory=list)


@cache
def renderer_for(plotlyjs: str) -> Renderer:
    """One renderer (jinja environment, plotly) per process and plotly.js mode."""
    return Renderer(plotlyjs)


def _row(thread: Thread, view: ThreadView,
         site_of: Callable[[Thread], str] | None) -> dict[str, Any]:
    row = thread_metrics(thread, fill_sentiment=False)
    row.update(site=bound(str((site_of or default_site)(thread)), 200),
               title=bound(thread.title or "", TITLE_CHARS),
               escalations=len(view.escalations()), article_words=len(thread.article.split()))
    row["summary"] = describe(row)
    return row


def summary_row(thread: Thread, site_of: Callable[[Thread], str] | None = None) -> RenderedThread:
    """The summary row of one thread without its page (what ``discourse compare`` needs)."""
    from discourse.read import capped_authors

    # a 1 MB author name is not repeated on every line of the page (a copy is cut)
    thread = ensure_sentiment(capped_authors(thread, in_place=False))
    view = ThreadView(thread)
    return RenderedThread(thread.source, thread.warnings, _row(thread, view, site_of), None)


def render_thread(thread: Thread, plotlyjs: str = "directory",
                  site_of: Callable[[Thread], str] | None = None) -> RenderedThread:
    """The page of one thread and its summary row (see the module docstring).

    ``site_of`` gives the site of the thread (default :func:`default_site`).  Threads of
    more than :data:`~discourse.report.view.LIST_LIMIT` comments also get part pages
    (``RenderedThread.parts``)."""
    thread = ensure_sentiment(thread)
    view = ThreadView(thread)
    row = _row(thread, view, site_of)
    renderer = renderer_for(plotlyjs)
    parts = [renderer.thread_part(view, row, k) for k in range(2, view.parts + 1)]
    return RenderedThread(thread.source, thread.warnings, row,
                          renderer.thread_page(view, row), parts)


def write_report(
    threads: Iterable[Thread],
    out_dir: str | Path,
    plotlyjs: str = "directory",
    site_of: Callable[[Thread], str] | None = None,
    progress: Callable[[], None] | None = None,
    force: bool = False,
) -> ReportSummary:
    """Write the HTML report of ``threads`` into ``out_dir``; see the module docstring.

    ``site_of`` gives each thread's site (default: :func:`default_site`, i.e.
    ``Thread.site`` or the source's folder; see also :func:`site_from_folder`,
    :func:`site_from_layout` and :func:`site_from_regex`).  ``progress`` is called once
    after each thread page is written.  ``force``: overwrite files the report did not
    write.  Raises :class:`OutputError` (exit status 2 in the CLI) when the folder cannot
    be used: a file, not writable, full, locked by another run, or holding a file of the
    same name that the report did not write.
    """
    return write_rendered((render_thread(t, plotlyjs, site_of) for t in threads), out_dir,
                          plotlyjs, progress, force=force)


def write_rendered(
    rendered: Iterable[RenderedThread],
    out_dir: str | Path,
    plotlyjs: str = "directory",
    progress: Callable[[], None] | None = None,
    force: bool = False,
    compare_only: bool = False,
) -> ReportSummary:
    """Write pages rendered by :func:`render_thread` (in order; each gets its file name
    here), then the index and comparison pages; see :func:`write_report`.

    ``compare_only`` (``discourse compare``): write only ``compare.html`` (and
    plotly.js), from summary rows (:func:`summary_row`); no thread pages, no index.
    """
    renderer = renderer_for(plotlyjs)  # refuses an unknown mode before any page is rendered
    summary = ReportSummary()
    kind = "compare" if compare_only else "report"
    with OutputFolder(out_dir, force=force, kind=kind) as folder:
        out = folder.path
        if compare_only and folder.holds_report():
            raise OutputError(
                f"{out}: holds a report (index.html and thread pages); a comparison alone "
                f"would make its compare.html disagree with its index.html: run discourse "
                f"report with the same PATHs to update the whole report, or choose another "
                f"folder with -o")

        def write(name: str, text: str, own: bytes | None = None) -> Path:
            path = folder.claim(name, own)
            try:
                _write_text(path, text)
            except OSError as exc:
                raise OutputError(describe_os_error(path, exc)) from None
            return path

        def plotly() -> None:
            if plotlyjs == "directory" and summary.plotlyjs is None:
                source = _plotly_source()
                path = out / "plotly.min.js"
                if not (path.is_file() and path.stat().st_size == len(source.encode())
                        and path.read_text(encoding="utf-8") == source):
                    write("plotly.min.js", source, source.encode())
                else:
                    folder.claim("plotly.min.js", source.encode())
                summary.plotlyjs = path

        used: set[str] = set()
        last: dict[str, int] = {}
        for item in rendered:
            if compare_only or item.html is None:
                summary.rows.append(item.row)
                continue
            plotly()
            stem = _unique(_slug(item.source), used, last)
            item.row["page"] = stem + ".html"
            summary.pages.append(write(stem + ".html", _named(item.html, stem)))
            for k, part in enumerate(item.parts, start=2):
                write(f"{stem}~{k}.html", _named(part, stem))
            summary.rows.append(item.row)
            if progress is not None:
                progress()
        if compare_only:
            if any(r.get("size") for r in summary.rows):
                plotly()
            summary.compare = write("compare.html",
                                    renderer.compare_page(summary.rows, thread_pages=False))
            summary.removed = folder.finish()
            return summary
        for name, text in renderer.index_pages(summary.rows):
            summary.index_pages.append(write(name, text))
        summary.index = summary.index_pages[0]
        if any(r.get("size") for r in summary.rows):
            plotly()
        summary.compare = write("compare.html", renderer.compare_page(summary.rows))
        summary.removed = folder.finish()
    return summary


def _named(html: str, stem: str) -> str:
    """``html`` with the page-name placeholder replaced by the page's file stem."""
    return html.replace(PAGE_TOKEN, stem) if PAGE_TOKEN in html else html


def _write_text(path: Path, text: str) -> None:
    from discourse.report.render import write_text

    write_text(path, text)
