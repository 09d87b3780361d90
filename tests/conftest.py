"""Where the tests find data that is not in the repository.

The shared folder (public labelled data in ``data/``, saved real pages in ``realpages/``)
is the folder named by ``$DISCOURSE_SHARED``, else ``../shared`` beside the project;
``DISCOURSE_SHARED=none`` means there is none (tests that need it are skipped, with the
reason).  The public data folder may also be named by ``$DISCOURSE_DATA`` (as in
:meth:`discourse.lab.Roots.find`).  The labelled real threads' own files are in the project:
``tests/fixtures/realthreads``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# the project's folders (tests/support/paths.py), here too as before the tests moved
from tests.support.paths import PROJECT, SEEDS, TESTS, THREADS  # noqa: F401

#: Environment variables naming the shared folder and the public data folder.
SHARED_ENV, DATA_ENV = "DISCOURSE_SHARED", "DISCOURSE_DATA"


#: Property tests are reproducible: the ``ci`` profile (the default) draws the same examples
#: on every run (``derandomize``: the seed comes from each test itself; no example database),
#: so a random find can never fail one run and pass the next.  ``HYPOTHESIS_PROFILE=explore``
#: searches afresh (random seeds, the local database); a failure it finds is pinned as an
#: explicit ``@example`` of its test (tests/test_adversarial.py keeps those of issue 23).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def find_shared() -> Path | None:
    """``$DISCOURSE_SHARED`` (``none``: absent), else ``../shared`` beside the project;
    None when that is not a folder."""
    value = os.environ.get(SHARED_ENV)
    if value is not None and value.strip().lower() == "none":
        return None
    path = Path(value).expanduser() if value else PROJECT.parent / "shared"
    return path.resolve() if path.is_dir() else None


def _present(path: Path | None) -> Path | None:
    return path if path is not None and path.is_dir() else None


@pytest.fixture(scope="session")
def shared_dir() -> Path | None:
    """The shared folder, or None when it is absent (never skips: tests that work with or
    without it ask for this one)."""
    return find_shared()


@pytest.fixture(scope="session")
def realpages_if_present(shared_dir: Path | None) -> Path | None:
    """``<shared>/realpages`` or None (never skips): the three labelled real threads read
    from the shared pages are counted only when it is there."""
    return _present(shared_dir / "realpages") if shared_dir is not None else None


@pytest.fixture(scope="session")
def public_data(shared_dir: Path | None) -> Path:
    """The public labelled data folder (``$DISCOURSE_DATA``, else ``<shared>/data``);
    skips the test when absent."""
    value = os.environ.get(DATA_ENV)
    folder = _present(Path(value).expanduser()) if value else \
        _present(shared_dir / "data") if shared_dir is not None else None
    if folder is None:
        pytest.skip("public data absent: set DISCOURSE_DATA or DISCOURSE_SHARED, or provide "
                    "../shared/data (DISCOURSE_SHARED=none turns it off)")
    return folder.resolve()


@pytest.fixture(scope="session")
def realpages(realpages_if_present: Path | None) -> Path:
    """``<shared>/realpages``; skips the test when absent."""
    if realpages_if_present is None:
        pytest.skip("real pages absent: set DISCOURSE_SHARED or provide ../shared/realpages "
                    "(DISCOURSE_SHARED=none turns it off)")
    return realpages_if_present


@pytest.fixture(scope="session")
def threads_dir() -> Path:
    """The labelled real threads' files (``tests/fixtures/realthreads``); skips when
    absent (a partial checkout)."""
    if not THREADS.is_dir():
        pytest.skip(f"{THREADS} absent: the labelled real threads' files are missing")
    return THREADS


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto`` (the project's default, pyproject ``addopts``): one worker per CPU this
    process may run on (``sched_getaffinity``, not the host's count a container reports),
    at most 4 — each worker loads the model (~400 MB)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))
