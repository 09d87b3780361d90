"""Signals of the ``discourse`` command: SIGTERM ends a run like Ctrl-C does, cleanly.

:func:`install` (called by :func:`discourse.cli.main`) makes SIGTERM raise
:class:`Terminated` in the main process, so the same unwinding as for Ctrl-C runs: output
files still being written (``.NAME.*.part``, see :func:`discourse.atomic_output`)
are removed, worker pools are terminated, and the command exits with status 143
(128 + SIGTERM, the shell's convention) after one line on standard error, without a
traceback.  Pool workers (:func:`worker_init`) ignore SIGINT (the main process stops them)
and die quietly on SIGTERM.

:func:`interrupted_message` says what an interrupted run left behind: nothing for the file
outputs (written under a temporary name, renamed when complete), but a report's thread
pages are written one by one, so an interrupted ``report`` leaves the pages written so far
without an (updated) ``index.html``; the message names how many and where.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

#: Exit status after SIGTERM (128 + 15).
EXIT_TERMINATED = 128 + signal.SIGTERM

_started: float | None = None


class Terminated(BaseException):  # noqa: N818 - named after the signal, like KeyboardInterrupt
    """Raised in the main process when it receives SIGTERM (a ``BaseException``, like
    ``KeyboardInterrupt``, so that no ``except Exception`` swallows it)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def install() -> None:
    """Make SIGTERM raise :class:`Terminated` in this (main) process and note the start
    time of the run (for :func:`interrupted_message`).  Does nothing outside the main
    thread (``signal.signal`` only works there)."""
    global _started
    _started = time.time()
    with contextlib.suppress(ValueError):  # not the main thread (an embedding program)
        signal.signal(signal.SIGTERM, _on_sigterm)


@contextlib.contextmanager
def handling() -> Iterator[None]:
    """:func:`install` for the duration of a ``with`` block; the previous SIGTERM handler
    is restored afterwards (the command may run inside another program, or a test)."""
    try:
        previous = signal.getsignal(signal.SIGTERM)
    except ValueError:  # pragma: no cover - not the main thread
        previous = None
    install()
    try:
        yield
    finally:
        if previous is not None:
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signal.SIGTERM, previous)


def worker_init() -> None:
    """Initializer of pool worker processes: SIGINT ignored (the main process handles
    Ctrl-C and terminates the pool), SIGTERM back to its default (end at once, quietly)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def interrupted_message(command: str | None, output: str | None, what: str) -> str:
    """The one line printed when a run of ``command`` writing to ``output`` was stopped
    (``what``: "interrupted" or "terminated").

    For ``report``/``compare`` the output folder is checked for pages written since
    :func:`install` (modification time): when there are some, the line says how many and
    that the index was not written; otherwise (and for every other command) that no partial
    output files were left behind.
    """
    if command in ("report", "compare") and output and _started is not None:
        pages = _written_since(Path(output), _started)
        if pages:
            from discourse.numbers import count_of

            return (f"{what}; {count_of(len(pages), 'thread page')} already written to "
                    f"{output} {'is' if len(pages) == 1 else 'are'} kept, but its index.html "
                    f"and compare.html were not written for this run; run the command again "
                    f"to complete the report")
    return f"{what}; no partial output files were left behind"


def _written_since(folder: Path, since: float) -> list[Path]:
    """Thread pages (``*.html`` other than the index and comparison pages) in ``folder``
    modified at or after ``since``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    pages = []
    for entry in entries:
        name = entry.name
        if not name.endswith(".html") or name == "compare.html" or name.startswith("index"):
            continue
        try:
            if entry.is_file() and entry.stat().st_mtime >= since - 0.05:
                pages.append(Path(entry.path))
        except OSError:
            continue
    return pages
