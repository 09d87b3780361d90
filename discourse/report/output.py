"""The report's output folder: a lock against concurrent runs, a manifest of the files the
report wrote, and refusal to overwrite anything else.

* **Lock.** ``.discourse-report.lock`` is locked with an operating-system file lock
  (``flock``, through the ``filelock`` package) for the whole run, and holds the process
  id for messages; a second run into the same folder stops with a one-line error naming
  that process.  Taking the lock is atomic (of any number of simultaneous runs exactly
  one gets it), and a killed run's lock is released by the system with its process, so
  nothing stale is ever deleted.  The file itself stays in the folder (removing it would
  let two runs lock two different files).
* **Manifest.** ``.discourse-report.json`` lists every file a report wrote into the folder
  (``files``) and, per kind of run (``report``, ``compare``), the files the last run of
  that kind wrote (``runs``).  It is written when the run ends, also when it fails or is
  interrupted (then the run's files are added to the last run's, not put in their place).
* **Stale pages.** When a run completes, the files the last run of its kind wrote and this
  run did not (the page of a thread no longer in the input, an index page fewer, part
  pages of a thread that got shorter) are removed — those files only, and each only while
  it is still recognisably the report's own (below), so the folder holds what the new
  index lists (:meth:`OutputFolder.finish`).  A manifest without ``runs`` (an older
  version) removes nothing.
* **A report and a lone comparison.** ``discourse compare -o DIR`` refuses a folder that
  holds a full report (``index.html`` and thread pages): its ``compare.html`` would
  compare other threads than the index lists (:meth:`OutputFolder.holds_report`).
* **No overwriting.** A file the report is about to write that already exists is
  overwritten only if the manifest lists it, or it is recognisably the report's own
  (an HTML page carrying ``<meta name="generator" content="discourse report">``, or the
  report's plotly.js bundle), or ``force`` is set; otherwise :class:`OutputError`.
* **Errors** (``-o`` naming a file, a read-only folder, a full disk) become
  :class:`OutputError`: one line, exit status 2.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path

from discourse.errors import OutputError, describe_os_error

LOCK_NAME = ".discourse-report.lock"
MANIFEST_NAME = ".discourse-report.json"
#: Marker of the report's own pages (see templates/base.html.j2).
GENERATOR = b'<meta name="generator" content="discourse report">'


__all__ = ["GENERATOR", "LOCK_NAME", "MANIFEST_NAME", "OutputError", "OutputFolder",
           "describe_os_error"]


class OutputFolder:
    """The folder a report writes into; use as a context manager (lock held inside).

    ``claim(name)`` checks that ``name`` may be written and records it; ``previous``
    holds the names written by earlier runs, ``last_run`` those the last run of this
    ``kind`` ("report" or "compare") wrote; :meth:`finish` marks the run complete and
    removes the stale files.
    """

    def __init__(self, path: str | Path, force: bool = False, kind: str = "report") -> None:
        self.path = Path(path)
        self.force = force
        self.kind = kind
        self.previous: set[str] = set()
        self.runs: dict[str, list[str]] = {}
        self.written: set[str] = set()
        self.removed: set[str] = set()
        self.completed = False
        self._locked = False

    @property
    def last_run(self) -> set[str]:
        """Files the last run of this kind wrote (empty when the manifest does not say)."""
        return set(self.runs.get(self.kind, []))

    # -- lock ----------------------------------------------------------------------------
    def __enter__(self) -> OutputFolder:
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"{self.path}: exists and is not a folder (-o names the output "
                              f"folder)")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot create the output folder "
                              f"({describe_os_error(self.path, exc).split('(', 1)[1]}") from None
        if not os.access(self.path, os.W_OK | os.X_OK):
            raise OutputError(f"{self.path}: cannot write into the output folder "
                              f"(permission denied)")
        self._lock()
        self.previous, self.runs = self._read_manifest()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.written or self.removed:
                self._write_manifest()
        finally:
            self._unlock()

    # -- runs ----------------------------------------------------------------------------
    def holds_report(self) -> bool:
        """Whether the folder holds a full report: the manifest's last ``report`` run, or
        (no manifest says) an ``index.html`` the report wrote."""
        if self.runs.get("report"):
            return any((self.path / name).is_file() for name in self.runs["report"])
        index = self.path / "index.html"
        return index.is_file() and not index.is_symlink() and _looks_ours(index, None)

    def finish(self) -> list[Path]:
        """Mark the run complete and remove the stale files: those the last run of this
        kind wrote and this one did not, each only while it is a regular file that is
        still recognisably the report's own.  Returns the removed paths."""
        self.completed = True
        removed = []
        for name in sorted(self.last_run - self.written):
            path = self.path / name
            if (not _plain_name(name) or path.is_symlink() or not path.is_file()
                    or not _looks_ours(path, None)):
                continue
            try:
                path.unlink()
            except OSError:
                continue
            self.removed.add(name)
            removed.append(path)
        return removed

    def _lock(self) -> None:
        from filelock import FileLock, Timeout

        lock = self.path / LOCK_NAME
        self._filelock = FileLock(str(lock), timeout=0, is_singleton=False)
        try:
            self._filelock.acquire()
        except Timeout:
            holder = _read_lock(lock)
            pid, host = holder.get("pid"), holder.get("host")
            who = f"process {pid}" if isinstance(pid, int) else "another process"
            if isinstance(pid, int) and host not in (None, socket.gethostname()):
                who += f" on {host}"
            raise OutputError(
                f"{self.path}: another discourse report ({who}) is writing into this "
                f"folder; wait for it to finish") from None
        except OSError as exc:
            raise OutputError(describe_os_error(lock, exc)) from None
        self._locked = True
        try:  # who holds it, for the message a second run prints (not the lock itself)
            with open(lock, "r+", encoding="utf-8") as handle:
                handle.truncate()
                json.dump({"pid": os.getpid(), "host": socket.gethostname()}, handle)
        except OSError:
            pass

    def _unlock(self) -> None:
        if self._locked:
            with contextlib.suppress(OSError), \
                    open(self.path / LOCK_NAME, "r+", encoding="utf-8") as handle:
                handle.truncate()  # the holder's id goes with its lock
            with contextlib.suppress(Exception):
                self._filelock.release()
            self._locked = False

    # -- manifest ------------------------------------------------------------------------
    def _read_manifest(self) -> tuple[set[str], dict[str, list[str]]]:
        try:
            data = json.loads((self.path / MANIFEST_NAME).read_text(encoding="utf-8"))
            files = {str(n) for n in data.get("files", [])}
            runs = data.get("runs") or {}
            runs = {str(k): [str(n) for n in v if _plain_name(str(n))]
                    for k, v in runs.items() if isinstance(v, list)}
            return files, runs
        except (OSError, ValueError, AttributeError, TypeError):
            return set(), {}

    def _write_manifest(self) -> None:
        from discourse.atomic import atomic_output

        files = sorted((self.previous | self.written) - self.removed)
        runs = dict(self.runs)
        # a run that did not complete adds its files to the last run's (all candidates
        # for removal by the next complete run); a complete run replaces them
        mine = self.written if self.completed else self.last_run | self.written
        runs[self.kind] = sorted(mine - self.removed)
        try:
            with atomic_output(self.path / MANIFEST_NAME) as handle:
                json.dump({"generator": "discourse report", "files": files, "runs": runs},
                          handle, indent=0)
        except OSError as exc:
            raise OutputError(describe_os_error(self.path / MANIFEST_NAME, exc)) from None

    def claim(self, name: str, own_content: bytes | None = None) -> Path:
        """The path of ``name`` in the folder, after checking it may be (over)written.

        ``own_content``: bytes the file would hold (an existing identical file is ours).
        Raises :class:`OutputError` for a file the report did not write (unless forced).
        """
        path = self.path / name
        if (name not in self.written and not self.force and name not in self.previous
                and (path.exists() or path.is_symlink())
                and (not path.is_file() or path.is_symlink()
                     or not _looks_ours(path, own_content))):
            raise OutputError(
                f"{path}: exists and was not written by discourse report; move it away, "
                f"choose another folder with -o, or pass --force to overwrite it")
        self.written.add(name)
        return path


def _plain_name(name: str) -> bool:
    """A file name of the folder itself (no path, not hidden): a manifest never leads a
    removal outside the folder or to the lock and manifest."""
    return bool(name) and name == Path(name).name and not name.startswith(".") \
        and name not in ("..",)


def _read_lock(lock: Path) -> dict:
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _looks_ours(path: Path, own_content: bytes | None) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(2048)
    except OSError:
        return False
    if path.suffix == ".html":
        return GENERATOR in head
    if path.name == "plotly.min.js" and b"plotly.js v" in head[:400]:
        return True  # a plotly.js bundle an earlier report (or evaluate) wrote
    if own_content is not None:
        try:
            return path.stat().st_size == len(own_content) and path.read_bytes() == own_content
        except OSError:
            return False
    return False
