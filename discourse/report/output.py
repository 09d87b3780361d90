"""The report's output folder: a lock against concurrent runs, a manifest of the files the
report wrote, and refusal to overwrite anything else.

* **Lock.** ``.discourse-report.lock`` is created exclusively (``O_CREAT | O_EXCL``) and
  holds the process id; a second run into the same folder stops with a one-line error
  naming that process.  A lock whose process no longer runs (a killed run) is taken over.
* **Manifest.** ``.discourse-report.json`` lists every file a report ever wrote into the
  folder (it only grows; nothing is ever deleted).  It is written when the run ends,
  also when it fails or is interrupted.
* **No overwriting.** A file the report is about to write that already exists is
  overwritten only if the manifest lists it, or it is recognisably the report's own
  (an HTML page carrying ``<meta name="generator" content="discourse report">``, or the
  report's plotly.js bundle), or ``force`` is set; otherwise :class:`OutputError`.
* **Errors** (``-o`` naming a file, a read-only folder, a full disk) become
  :class:`OutputError`: one line, exit status 2.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
from pathlib import Path

from discourse.errors import DiscourseError

LOCK_NAME = ".discourse-report.lock"
MANIFEST_NAME = ".discourse-report.json"
#: Marker of the report's own pages (see templates/base.html.j2).
GENERATOR = b'<meta name="generator" content="discourse report">'


class OutputError(DiscourseError):
    """The output folder cannot be used or written (exit status 2)."""

    exit_code = 2


def describe_os_error(path: Path | str, exc: OSError) -> str:
    """One line for an OSError while writing ``path``."""
    reason = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
              errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
              errno.EPERM: "permission denied",
              errno.ENOTDIR: "a path component is a file, not a folder",
              errno.EISDIR: "is a folder"}.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{path}: cannot write ({reason})"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OutputFolder:
    """The folder a report writes into; use as a context manager (lock held inside).

    ``claim(name)`` checks that ``name`` may be written and records it; ``manifest``
    holds the names written by this and earlier runs.
    """

    def __init__(self, path: str | Path, force: bool = False) -> None:
        self.path = Path(path)
        self.force = force
        self.previous: set[str] = set()
        self.written: set[str] = set()
        self._locked = False

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
        self.previous = self._read_manifest()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.written:
                self._write_manifest()
        finally:
            self._unlock()

    def _lock(self) -> None:
        lock = self.path / LOCK_NAME
        for _ in range(2):
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = _read_lock(lock)
                pid = holder.get("pid")
                same_host = holder.get("host") in (None, socket.gethostname())
                if isinstance(pid, int) and (not same_host or _alive(pid)):
                    where = "" if same_host else f" on {holder.get('host')}"
                    raise OutputError(
                        f"{self.path}: another discourse report (process {pid}{where}) is "
                        f"writing into this folder; wait for it to finish, or remove "
                        f"{lock} if it is not running") from None
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()  # stale: its process is gone
                continue
            except OSError as exc:
                raise OutputError(describe_os_error(lock, exc)) from None
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"pid": os.getpid(), "host": socket.gethostname()}, handle)
            self._locked = True
            return
        raise OutputError(f"{lock}: could not take the lock (another run keeps taking it)")

    def _unlock(self) -> None:
        if self._locked:
            with contextlib.suppress(OSError):
                (self.path / LOCK_NAME).unlink()
            self._locked = False

    # -- manifest ------------------------------------------------------------------------
    def _read_manifest(self) -> set[str]:
        try:
            data = json.loads((self.path / MANIFEST_NAME).read_text(encoding="utf-8"))
            return {str(n) for n in data.get("files", [])}
        except (OSError, ValueError, AttributeError, TypeError):
            return set()

    def _write_manifest(self) -> None:
        from discourse.atomic import atomic_output

        files = sorted(self.previous | self.written)
        try:
            with atomic_output(self.path / MANIFEST_NAME) as handle:
                json.dump({"generator": "discourse report", "files": files}, handle, indent=0)
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
