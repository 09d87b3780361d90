"""Errors that the CLI turns into one-line messages (never tracebacks)."""

from __future__ import annotations


class DiscourseError(Exception):
    """Base class: a problem the user can fix. ``str()`` is the one-line message."""

    exit_code = 1


class InputError(DiscourseError):
    """Unusable input (empty, binary, unreadable, no documents): exit status 2."""

    exit_code = 2

    def __init__(self, path: object, problem: str) -> None:
        self.path = None if path is None else str(path)
        self.problem = problem
        # the name escaped (one_line): a newline in it cannot start a line of its own
        where = f"{one_line(self.path)}: " if self.path else ""
        super().__init__(f"{where}{problem}")


class ModelError(DiscourseError):
    """A model file that cannot be used (missing, corrupt, from another version)."""

    exit_code = 2


class DataError(DiscourseError):
    """Labelled data that cannot be used (missing columns, unmapped labels, empty texts)."""

    exit_code = 2


class UsageError(DiscourseError):
    """Options that cannot work together (exit status 2, as argparse's usage errors)."""

    exit_code = 2


class OutputError(DiscourseError):
    """An output that cannot be written (a full disk, a read-only or missing folder,
    standard output on a full device): one line, exit status 2."""

    exit_code = 2


#: What :func:`one_line` escapes: C0 controls (newline, carriage return and tab too), DEL,
#: C1 controls, the Unicode line and paragraph separators, and the bidirectional
#: overrides and isolates (text that displays other than it is).
_UNSAFE = None
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: object) -> str:
    """``text`` as one printable line: every control character (newline, carriage
    return, escape, …), line separator and bidirectional override becomes a visible
    escape (``\\n``, ``\\x1b``, ``\\u202e``).  The one helper every message goes through
    (file names in errors and warnings above all), so a file called ``a\\nerror: x``
    cannot forge an ``error:`` line of its own, nor a name hide or reorder text."""
    global _UNSAFE
    if _UNSAFE is None:
        import re

        _UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
    text = str(text)
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def describe_os_error(path: object, exc: OSError) -> str:
    """One line for an OSError while writing ``path`` (``None``: standard output)."""
    import errno

    reason = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
              errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
              errno.EPERM: "permission denied", errno.EFBIG: "file too large",
              errno.EIO: "input/output error",
              errno.ENOTDIR: "a path component is a file, not a folder",
              errno.EISDIR: "is a folder"}.get(exc.errno or 0, exc.strerror or str(exc))
    where = "standard output" if path is None or str(path) == "-" else one_line(path)
    return f"{where}: cannot write ({reason})"
