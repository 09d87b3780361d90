"""Run per-document work over many files: streaming, in order, optionally in parallel.

Documents are independent, so the work function runs on each path in a worker process
(``jobs > 1``) or in-process, and results come back one at a time in input order; a bad
document is reported and skipped, never stopping the run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from discourse.errors import DiscourseError, InputError
from discourse.read.source import ALL, Selection, display_path, iter_document_paths
from discourse.signals import worker_init

T = TypeVar("T")


@dataclass(slots=True)
class Failure:
    """A document that could not be processed."""

    path: str
    message: str


@dataclass
class RunSummary(Generic[T]):
    """Counts for the end-of-run summary line."""

    done: int = 0
    threads: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)


def resolve_jobs(jobs: int | None) -> int:
    """``None``/``0`` means one job per CPU; negative values are refused."""
    if jobs is None or jobs == 0:
        return os.cpu_count() or 1
    if jobs < 0:
        raise DiscourseError(f"--jobs must be 0 (all CPUs) or a positive number, not {jobs}")
    return jobs


def _guarded(work: Callable[[Path], Iterable[T]], path: Path) -> Iterator[T | Failure | object]:
    """``work(path)``'s results, then :data:`DOCUMENT_END`; any error becomes a
    :class:`Failure` (results yielded before it are kept).  Never raises: one bad
    document must not stop a run, whatever went wrong inside it."""
    try:
        yield from work(path)
    except DiscourseError as exc:
        yield Failure(display_path(path), str(exc))
        return
    except MemoryError:
        yield Failure(display_path(path), f"{display_path(path)}: out of memory reading this "
                                          f"document (try a smaller --max-bytes)")
        return
    except RecursionError:
        yield Failure(display_path(path), f"{display_path(path)}: nesting too deep to process")
        return
    except Exception as exc:  # a bug of ours on this input: report it, go on
        first = (str(exc).splitlines() or [""])[0][:200]
        yield Failure(display_path(path), f"{display_path(path)}: internal error "
                                          f"({type(exc).__name__}: {first}); please report it")
        return
    yield DOCUMENT_END


class _Task(Generic[T]):
    """Picklable wrapper so worker processes can run ``work`` with error capture; in a
    worker the results of one document travel back as one list."""

    def __init__(self, work: Callable[[Path], Iterable[T]]) -> None:
        self.work = work

    def __call__(self, path: Path) -> list[T | Failure | object]:
        return list(_guarded(self.work, path))

    def stream(self, path: Path) -> Iterator[T | Failure | object]:
        return _guarded(self.work, path)


class _DocumentEnd:
    """Marks the end of one document's results in the result stream (pickles to the one
    module-level instance, so workers' markers compare identical)."""

    def __reduce__(self) -> str:
        return "DOCUMENT_END"


DOCUMENT_END = _DocumentEnd()


ENGINES = ("local", "dask")
#: Documents in flight on a Dask cluster at most (bounds memory on both sides).
DASK_WINDOW = 256


def run(
    paths: Iterable[str | os.PathLike[str]],
    work: Callable[[Path], Iterable[T]],
    jobs: int = 1,
    progress: bool = False,
    description: str = "documents",
    summary: RunSummary[T] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    select: Selection = ALL,
) -> Iterator[T]:
    """Yield every result of ``work(path)`` for every document under ``paths``, in input
    order (a document may give several results: one per thread of a dump or export).

    ``work`` must be a picklable top-level callable when ``jobs > 1`` or with the Dask
    engine.  Failures (a bad document; a FIFO, device or unreadable folder met on the way)
    are recorded in ``summary`` and passed to ``on_failure`` (if given), then skipped.
    ``engine="dask"`` runs the per-document work on a ``dask.distributed`` cluster
    (``scheduler`` address, or a local cluster of ``jobs`` workers); the paths must be
    readable by the workers.  With ``jobs == 1`` a document's results stream (a
    multi-GB dump is never held whole); in workers one document's results are collected
    before they are sent back.  ``select``: which files of the folders are taken
    (``--include``/``--exclude``); ``http(s)://`` addresses among ``paths`` are passed to
    ``work`` as strings (it fetches them).
    """
    if engine not in ENGINES:
        raise DiscourseError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    paths = list(paths)
    # Paths stream (a list of a million paths alone would take ~400 MB); this first walk
    # only counts them, and reports a missing path or an empty folder before any work.
    problems: list[InputError] = []
    total = sum(1 for _ in iter_document_paths(paths, on_problem=problems.append,
                                               select=select))
    if not total:
        raise problems[0] if problems else InputError(None, "no documents to process")
    summary = summary if summary is not None else RunSummary()

    def walk_problem(exc: InputError) -> None:
        failure = Failure(exc.path or "", str(exc))
        summary.failures.append(failure)
        if on_failure is not None:
            on_failure(failure)

    files = iter_document_paths(paths, on_problem=walk_problem, select=select)
    task = _Task(work)
    jobs = min(resolve_jobs(jobs), total) if engine == "local" else resolve_jobs(jobs)
    if engine == "dask":
        results: Iterator = _flat(_dask_results(task, files, jobs, scheduler))
    elif jobs <= 1:
        results = (r for p in files for r in task.stream(p))
    else:
        results = _flat(_pool_results(task, files, jobs, total))
    # The progress bar's thread starts only after worker processes were forked.
    first = next(results, _END)
    bar = _progress(progress, description, total)
    try:
        if first is not _END:
            yield from _collect(_chain(first, results), summary, on_failure, bar)
    finally:
        if bar is not None:
            bar.stop()
        close = getattr(results, "close", None)
        if close is not None:
            close()


def _flat(lists: Iterator[list]) -> Iterator:
    for items in lists:
        yield from items


_END = object()


def _chain(first, rest):
    yield first
    yield from rest


def _pool_results(task: _Task[T], files: Iterator[Path], jobs: int,
                  total: int) -> Iterator[list]:
    """Results from ``jobs`` worker processes, in input order.  Workers are forked where
    the platform allows (they inherit imported modules and a loaded model), else spawned."""
    from threadpoolctl import threadpool_limits

    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(16, total // (jobs * 8)))
    # Workers share the CPUs between them; native thread pools inside them only make them
    # wait (the CLI also sets OMP/OPENBLAS_NUM_THREADS=1 before numpy loads).
    # Workers leave Ctrl-C and SIGTERM to the main process, which terminates the pool.
    with threadpool_limits(1), ctx.Pool(jobs, initializer=worker_init) as pool:
        yield from pool.imap(task, files, chunksize=chunk)


def _dask_results(task: _Task[T], files: Iterator[Path], jobs: int,
                  scheduler: str | None) -> Iterator[list]:
    """Results of ``task`` over ``files`` computed on a Dask cluster, in input order,
    with at most :data:`DASK_WINDOW` documents submitted and not yet collected, so neither
    side holds the whole corpus and workers never wait for a batch to finish."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        from discourse.install import pip_hint

        raise DiscourseError(f"--engine dask needs the dask extra: {pip_hint('dask')}") \
            from None
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)
    import dask

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
        else:
            # Dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which also turns
            # off glibc's adaptive mmap threshold: every array over 128 KiB (the sentence
            # encoder makes many) is then mapped and unmapped anew, and a classify run
            # spent 10 s in the kernel against 1 s with --jobs.  Our own short-lived
            # cluster keeps glibc's defaults (a MALLOC_TRIM_THRESHOLD_ the user set still
            # wins: dask takes it from the environment).
            with dask.config.set({"distributed.nanny.pre-spawn-environ."
                                  "MALLOC_TRIM_THRESHOLD_": None}):
                cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1,
                                       processes=True, dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise DiscourseError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    try:
        pending: deque = deque()
        for path in files:
            pending.append(client.submit(task, path, pure=False))
            if len(pending) >= DASK_WINDOW:
                yield _take(pending)
        while pending:
            yield _take(pending)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _take(pending: deque):
    future = pending.popleft()
    result = future.result()
    future.release()
    return result


def _collect(results, summary, on_failure, bar):
    for result in results:
        if isinstance(result, Failure):
            summary.failures.append(result)
            if on_failure is not None:
                on_failure(result)
            if bar is not None:
                bar.advance()
        elif result is DOCUMENT_END:
            summary.done += 1
            if bar is not None:
                bar.advance()
        else:
            summary.threads += 1
            yield result


class _Bar:
    def __init__(self, description: str, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeRemainingColumn(), transient=True,
                                 redirect_stdout=False, redirect_stderr=False)
        self.task = self.progress.add_task(description, total=total)
        self.progress.start()

    def advance(self) -> None:
        self.progress.advance(self.task)

    def stop(self) -> None:
        self.progress.stop()


def _progress(enabled: bool, description: str, total: int) -> _Bar | None:
    import sys

    if not enabled or total < 2 or not sys.stderr.isatty():
        return None
    return _Bar(description, total)
