"""Output files written atomically: under a temporary name in the same folder, renamed
into place when complete, so an interrupted run never leaves a half-written file behind
(``signals`` names the ``.NAME.*.part`` files of an interrupted run)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_output"]


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str] | None, binary: bool = False) -> Iterator[IO[Any]]:
    """Open ``path`` for writing via a temporary file renamed into place on success;
    ``None`` or ``"-"`` means standard output."""
    if path is None or str(path) == "-":
        if binary:
            yield sys.stdout.buffer
        else:
            yield sys.stdout
        return
    target = Path(path)
    if _is_special(target):
        # /dev/null, /dev/stdout, a FIFO: written in place (renaming a temporary file over
        # it would replace the device itself with a regular file).
        with open(target, "wb" if binary else "w",
                  **({} if binary else {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); the output gets a normal file's mode.
        os.fchmod(fd, 0o666 & ~_umask())
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
