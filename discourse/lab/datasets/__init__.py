"""The project's labelled datasets, one module per dataset (as scikit-learn's
``datasets/``), each returning a labelled pairs frame
(:mod:`discourse.classify.labelled`):

==================  ===========================================================
``seeds``           the five seed documents' hand labels (in the project)
``realthreads``     the labelled real-thread set (ids + labels in ``lab/labels/``,
                    thread files found through an explicit folder)
``debagreement``    DEBAGREEMENT Reddit pairs (public data folder)
``iac``             IAC / AWTP / ABCD quote→response pairs (public data folder)
``rumoureval``      RumourEval 2017 replies to source tweets (public data folder)
``umod``            UMOD user-moderation replies (public data folder)
``youtube_spam``    YouTube Spam Collection spam comments (public data folder)
==================  ===========================================================

Public files are read from a folder given explicitly or by ``$DISCOURSE_DATA``
(:func:`data_dir`), never found relative to the repository, and never copied.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from discourse.errors import DataError
from discourse.lab.datasets import debagreement, iac, rumoureval, umod, youtube_spam
from discourse.lab.datasets._base import DATA_ENV, data_dir
from discourse.lab.datasets.seeds import load_seeds

__all__ = ["DATA_ENV", "PUBLIC_LOADERS", "data_dir", "load_public", "load_seeds"]

#: Public loaders by dataset name (each returns frames whose ``dataset`` is that name).
PUBLIC_LOADERS: dict[str, Callable[..., pd.DataFrame]] = {
    "debagreement": debagreement.load_available,
    "iac_awtp_abcd": iac.load_iac_awtp_abcd,
    "rumoureval": rumoureval.load_rumoureval,
    "umod": umod.load_umod,
    "youtube_spam": youtube_spam.load_youtube_spam,
}


def load_public(names: Iterable[str] | None = None, *,
                root: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Public datasets by name (all by default) from the folder ``root`` (else
    ``$DISCOURSE_DATA``), skipping absent files with a warning; ``{}`` with a warning when
    there is no folder.  Raises :class:`DataError` for unknown names."""
    wanted = list(PUBLIC_LOADERS) if names is None else list(names)
    unknown = [n for n in wanted if n not in PUBLIC_LOADERS]
    if unknown:
        raise DataError(f"unknown dataset(s) {', '.join(unknown)}; known: "
                        f"{', '.join(PUBLIC_LOADERS)}")
    if data_dir(root) is None:
        warnings.warn(f"public data folder not found (pass one or set {DATA_ENV}); no public "
                      "datasets loaded", stacklevel=2)
        return {}
    out: dict[str, pd.DataFrame] = {}
    for name in wanted:
        try:
            out[name] = PUBLIC_LOADERS[name](root=root)
        except DataError as exc:
            if "not found" not in str(exc) and "no YouTube" not in str(exc):
                raise
            warnings.warn(f"skipping {name}: {exc}", stacklevel=2)
    return out
