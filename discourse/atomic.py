"""Output files written atomically: under a temporary name in the same folder, renamed
into place when complete, so an interrupted run never leaves a half-written file behind
(``signals`` names the ``.NAME.*.part`` files of an interrupted run).

A write that fails (a full disk, a quota, standard output on ``/dev/full``) is one
:class:`~discourse.errors.OutputError` line (exit status 2), and the temporary file is
removed.  A temporary file is locked (``flock``) while its process writes it and its name
carries the process id (``.NAME.PID-XXXXXXXX.part``), so one that a killed process
(``kill -9``) left behind is removed by the next run that writes into the same folder
(:func:`clean_stale_parts`), while another run's file in progress is left alone."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_output", "check_writable", "clean_stale_parts"]

#: Errors of writing itself (as opposed to a bad path): reported as "cannot write".
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS,
                          errno.EACCES, errno.EPERM})
#: A temporary output file of ours: ``.NAME.PID-RANDOM.part``.
_PART = re.compile(r"^\..+\.(\d+)-[A-Za-z0-9_]+\.part$")
#: Folders whose stale temporary files this process has removed already (each is
#: scanned once per process: a report writes thousands of pages into one folder).
_CLEANED: set[str] = set()


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str] | None, binary: bool = False) -> Iterator[IO[Any]]:
    """Open ``path`` for writing via a temporary file renamed into place on success;
    ``None`` or ``"-"`` means standard output.  A failed write raises
    :class:`~discourse.errors.OutputError` (one line) and leaves no file behind."""
    from discourse.errors import OutputError, describe_os_error

    if path is None or str(path) == "-":
        try:
            yield sys.stdout.buffer if binary else sys.stdout
            (sys.stdout.buffer if binary else sys.stdout).flush()
        except OSError as exc:
            if exc.errno not in WRITE_ERRORS:
                raise
            _drop_stdout()
            raise OutputError(describe_os_error(None, exc)) from None
        return
    target = Path(path)
    if _is_special(target):
        # /dev/null, /dev/stdout, a FIFO: written in place (renaming a temporary file over
        # it would replace the device itself with a regular file).
        try:
            with open(target, "wb" if binary else "w",
                      **({} if binary else {"encoding": "utf-8", "newline": ""})) as handle:
                yield handle
        except OSError as exc:
            if exc.errno not in WRITE_ERRORS:
                raise
            raise OutputError(describe_os_error(path, exc)) from None
        return
    check_writable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a race with check_writable, or no permission
        raise OutputError(describe_os_error(path, exc)) from None
    clean_stale_parts(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".part",
                                   dir=target.parent)
    except OSError as exc:
        raise OutputError(describe_os_error(path, exc)) from None
    try:
        _lock(fd)  # held while this process writes: the file is not stale
        # mkstemp makes the file private (0600); the output gets a normal file's mode.
        os.fchmod(fd, 0o666 & ~_umask())
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if exc.errno not in WRITE_ERRORS:
            raise
        raise OutputError(describe_os_error(path, exc)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def clean_stale_parts(folder: str | os.PathLike[str], again: bool = False) -> list[Path]:
    """Remove the temporary output files (``.NAME.PID-XXXXXXXX.part``) in ``folder`` that
    a killed run left: those whose process is gone and that no process holds locked.
    Each folder is scanned once per process (``again`` scans it anew).  Returns the
    removed paths."""
    key = os.path.abspath(folder)
    if key in _CLEANED and not again:
        return []
    _CLEANED.add(key)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _PART.match(entry.name)
        if not match or _alive(int(match.group(1))):
            continue
        try:
            fd = os.open(entry.path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if _lock(fd) and os.path.samestat(os.fstat(fd), os.lstat(entry.path)):
                os.unlink(entry.path)  # still locked by us: no writer can be using it
                removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _lock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting; False when another process
    holds it (True where locks are not available)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return True  # a file system without locks: the process id decides alone
    return True


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (on this machine)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _drop_stdout() -> None:
    """Point standard output at ``/dev/null`` after a failed write, so the flush at exit
    does not fail (and print) a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def check_writable(path: str | os.PathLike[str] | None, folder: bool = False,
                   example: str = "out.json") -> None:
    """Raise :class:`~discourse.errors.UsageError` (one line, exit 2) when ``path`` cannot
    be written as an output file (``folder``: an output folder): it is an existing folder
    (a file output) or file (a folder output), or a part of the path above it is a file.
    ``None`` and ``"-"`` (standard output) always pass; ``example`` is the file name the
    message suggests.  Called before any document is read, so a bad ``-o`` costs
    nothing."""
    from discourse.errors import UsageError

    if path is None or str(path) == "-":
        return
    target = Path(path)
    if target.is_dir() and not folder:
        raise UsageError(f"-o {path}: is a folder; give a file name (e.g. "
                         f"{target / example})")
    if folder and target.exists() and not target.is_dir():
        raise UsageError(f"-o {path}: exists and is not a folder")
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"-o {path}: cannot create it, {parent} is a file, "
                                 "not a folder")
            break


def _is_special(path: Path) -> bool:
    """True when ``path`` exists and is neither a regular file nor a folder (a device,
    FIFO or socket)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _umask() -> int:
    """The process's umask (read by setting it, so set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
