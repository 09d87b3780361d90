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
