"""What every dataset loader shares: where public data lives (an explicit folder or
``$DISCOURSE_DATA``, never a path relative to the repository) and the labelled pairs frame
they all return, built through the one pairs path (:mod:`discourse.classify.pairs`).

A labelled pairs frame has the :data:`~discourse.classify.pairs.PAIR_COLUMNS` and
``label`` (one of :data:`~discourse.labels.LABELS`), ``dataset`` (a short name), ``split``
("train", "dev", "test" or "all") and ``group`` (the conversation, for grouped
cross-validation).
"""

from __future__ import annotations

import os
from pathlib import Path

from discourse.classify.labelled import (  # noqa: F401  (the loaders' building blocks)
    LABELLED_COLUMNS,
    clean_text,
    empty_pairs,
    hash_group,
    labelled_pairs,
)
from discourse.errors import DataError

#: Environment variable naming the public data folder (``../shared/data`` in the
#: project's workplace; see its README for sources and licences).
DATA_ENV = "DISCOURSE_DATA"


def data_dir(root: str | Path | None = None) -> Path | None:
    """The public data folder: ``root`` when given, else ``$DISCOURSE_DATA``; None when
    neither names an existing folder."""
    value = root if root is not None else os.environ.get(DATA_ENV)
    if not value:
        return None
    path = Path(value).expanduser()
    return path.resolve() if path.is_dir() else None


def public_file(name: str, root: str | Path | None) -> Path:
    """``name`` inside the public data folder.  Raises :class:`DataError` when the folder
    or the file is absent."""
    folder = data_dir(root)
    if folder is None:
        raise DataError(f"public data folder not found: pass one or set {DATA_ENV}")
    path = folder / name
    if not path.exists():
        raise DataError(f"{path}: public data file not found")
    return path
