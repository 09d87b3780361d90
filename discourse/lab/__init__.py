"""Research: the project's datasets, the recipes that train the shipped models, the
evaluation protocols, the baselines, the labelling packets and the model-file allow-list.

The runtime (``read``, ``classify``, ``analyze``, ``report``, ``write``) never imports this
package, and it is not in the wheel: it runs from a clone of the repository
(``python -m discourse.lab --help``; ``discourse train``/``evaluate`` without data files
call it).  Data is found through explicit folders (:class:`Roots`), never through paths
relative to the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Environment variable naming the shared folder (``data/`` and ``realpages/`` inside);
#: ``none`` means no shared folder even if one is beside the working directory.
SHARED_ENV = "DISCOURSE_SHARED"


@dataclass(frozen=True, slots=True)
class Roots:
    """The folders research data is read from (None: absent)."""

    #: The hand-labelled seeds (``labels.csv`` beside the documents).
    seeds: Path | None
    #: The public labelled pairs (DEBAGREEMENT, IAC, RumourEval, UMOD, YouTube spam).
    data: Path | None
    #: The labelled real threads' files (the project's ``tests/fixtures/realthreads``).
    threads: Path | None
    #: The shared real pages (``../shared/realpages``), a few labelled threads among them.
    realpages: Path | None

    @classmethod
    def find(cls, shared: str | Path | None = None, threads: str | Path | None = None,
             seeds: str | Path | None = None, base: str | Path = ".") -> Roots:
        """The folders given, else from the environment (``$DISCOURSE_SHARED``,
        ``$DISCOURSE_DATA``, ``$DISCOURSE_THREADS``), else the project's layout seen from
        ``base`` (the working directory of a clone): ``seeds/``,
        ``tests/fixtures/realthreads/`` and ``../shared``.  Folders that do not exist are
        None."""
        base = Path(base)
        shared = shared or os.environ.get(SHARED_ENV) or base.resolve().parent / "shared"
        shared_path = None if str(shared).lower() == "none" else Path(shared)
        data = os.environ.get("DISCOURSE_DATA") or (shared_path / "data" if shared_path else None)
        threads = threads or os.environ.get("DISCOURSE_THREADS") or \
            base / "tests" / "fixtures" / "realthreads"
        seeds = seeds or base / "seeds"

        def existing(path: str | Path | None) -> Path | None:
            return Path(path) if path is not None and Path(path).is_dir() else None

        return cls(existing(seeds), existing(data), existing(threads),
                   existing(shared_path / "realpages" if shared_path else None))
