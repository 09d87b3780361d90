"""Where the tests' files are: the project's folders, found from this file (never from
the working directory).  ``tests/conftest.py`` re-exports the first four."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
PROJECT = TESTS.parent
SEEDS = PROJECT / "seeds"
#: The labelled real threads' own files.
THREADS = TESTS / "fixtures" / "realthreads"
FIXTURES = TESTS / "fixtures"
#: Platform exports and dumps of our own making, each with its ``.expected`` tree.
EXPORTS = FIXTURES / "exports"
#: One saved page per comment system, each with its ``.expected.json``.
HTML = FIXTURES / "html"
#: The seeds' expected trees.
GOLDEN = TESTS / "golden"
#: Where the shared folder would be when there is none: a name that says so in a skip
#: reason (``../shared absent or DISCOURSE_SHARED=none``), never a real folder.
NO_SHARED = Path("[no shared folder: ../shared absent or DISCOURSE_SHARED=none]")
