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
        where = f"{self.path}: " if self.path else ""
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
