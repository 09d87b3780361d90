"""The labelled real-thread set: real comment threads labelled relative to what each comment
answers (guide: ``docs/labelling-guide.md``; workflow: :mod:`discourse.lab.labelset`).

Two files in ``discourse/lab/labels/`` hold it, never the comments' text:

``threads.csv``
    one row per labelled thread: ``thread`` (its name), ``file`` (the source file, relative
    to the threads folder — the project's ``tests/fixtures/realthreads`` — or, with a
    ``realpages:`` prefix, to the shared real pages), ``format`` (a reader to force, usually
    empty: detected), ``thread_id`` (the thread's platform id, which picks it out of a file
    holding several; empty: the thread sharing the most labelled keys), ``site`` (the community: the unit the split holds out), ``platform``,
    ``language`` (ISO 639-1) and ``split`` (train, dev or test).
``real_threads.csv``
    one row per labelled comment: ``thread``, ``key`` (the comment's platform id, else
    ``c001``… its position in the thread), ``parent_key`` (what the packet showed it
    answering), ``target`` (the comment it was labelled against when not that), its first
    words, ``label`` (or ``skip``), both passes and the adjudication.

Threads are read **through the readers** (:func:`discourse.read.read_file`): the labelled
thread is the one of its file sharing the most keys, and its pairs come from the one pairs
path (:func:`discourse.classify.pairs.thread_pairs`), exactly as at prediction.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

import pandas as pd

from discourse.errors import DataError, DiscourseError
from discourse.model import Comment, Thread

LABELS_DIR = Path(__file__).resolve().parents[1] / "labels"
LABELS_FILE = LABELS_DIR / "real_threads.csv"
THREADS_FILE = LABELS_DIR / "threads.csv"
#: Environment variables naming the threads folder and the shared real pages.
THREADS_ENV, REALPAGES_ENV = "DISCOURSE_THREADS", "DISCOURSE_REALPAGES"
REALPAGES_PREFIX = "realpages:"
SPLITS = ("train", "dev", "test")


def labels_frame() -> pd.DataFrame:
    """The labels file as a DataFrame of strings.  Raises :class:`DataError` when absent."""
    if not LABELS_FILE.is_file():
        raise DataError(f"{LABELS_FILE}: labels of the real threads not found")
    return pd.read_csv(LABELS_FILE, dtype=str, keep_default_na=False)


def threads_frame() -> pd.DataFrame:
    """The threads file as a DataFrame of strings.  Raises :class:`DataError` when absent."""
    if not THREADS_FILE.is_file():
        raise DataError(f"{THREADS_FILE}: the labelled threads' list not found")
    return pd.read_csv(THREADS_FILE, dtype=str, keep_default_na=False)


def source_of(thread: str) -> str:
    """The source (community, ``site``) a labelled thread belongs to; the thread itself
    when unknown.  Cross-validation and the split hold a whole source out at once."""
    return _sites().get(thread, thread)


@cache
def _sites() -> dict[str, str]:
    frame = threads_frame()
    return dict(zip(frame["thread"], frame["site"], strict=True))


def locate(file: str, threads_root: str | Path | None,
           realpages_root: str | Path | None) -> Path | None:
    """The path of a threads-file entry (None when its folder is not given): under the
    threads folder (``threads_root`` or ``$DISCOURSE_THREADS``), or the shared real pages
    (``realpages_root`` or ``$DISCOURSE_REALPAGES``) for ``realpages:`` entries."""
    if file.startswith(REALPAGES_PREFIX):
        base = realpages_root or os.environ.get(REALPAGES_ENV)
        file = file[len(REALPAGES_PREFIX):]
    else:
        base = threads_root or os.environ.get(THREADS_ENV)
    return Path(base) / file if base else None


def keys(thread: Thread) -> list[str]:
    """The key each comment is labelled under: its platform id, else ``c001``… by position."""
    return [c.platform_id or f"c{i:03d}" for i, c in enumerate(thread.comments, 1)]


def _best(threads: list[Thread], wanted: set[str]) -> Thread | None:
    best, overlap = None, 0
    for thread in threads:
        found = len(wanted.intersection(keys(thread)))
        if found > overlap:
            best, overlap = thread, found
    return best


def threads(threads_root: str | Path | None = None,
            missing: Callable[[str], None] = lambda _: None,
            realpages_root: str | Path | None = None) -> Iterator[Thread]:
    """Every labelled thread whose file is present, read by the readers, as the
    :class:`Thread` its labels name (``source`` = the labelled thread's name, ``site`` =
    its source community); ``missing`` is told of the others."""
    table = threads_frame()
    labels = labels_frame()
    wanted = {name: set(block["key"]) for name, block in labels.groupby("thread")}
    from discourse.read import read_file

    for file, block in table.groupby("file", sort=False):
        path = locate(file, threads_root, realpages_root)
        if path is None or not path.is_file():
            for name in block["thread"]:
                missing(f"{name}: {file} not present; its labels are skipped")
            continue
        fmt = block["format"].iloc[0] or None
        try:
            read = read_file(path, fmt)
        except DiscourseError as exc:
            for name in block["thread"]:
                missing(f"{name}: {exc}")
            continue
        for row in block.itertuples():
            by_id = [t for t in read if row.thread_id and str(t.thread_id) == row.thread_id]
            found = by_id[0] if by_id else _best(read, wanted.get(row.thread, set()))
            if found is None:
                missing(f"{row.thread}: no thread of {file} has its labelled keys")
                continue
            yield replace(found, source=row.thread, site=row.site or found.site)


def load_real_threads(threads_root: str | Path | None = None, split: str | None = None,
                      missing: Callable[[str], None] = lambda _: None,
                      realpages_root: str | Path | None = None) -> pd.DataFrame:
    """Labelled pairs of the real threads (``split``: train, dev, test or all; dataset
    ``real_threads``, group = thread, plus ``site``, ``language`` and ``split`` columns),
    built by the one pairs path from each labelled thread.  A comment labelled against
    another comment than what it answers (``target``) answers that comment (``target_id``;
    the article for ``ARTICLE``), as the annotators judged.  ``skip`` rows are dropped.  Raises :class:`DataError` if a
    labelled key is not in its thread (a changed file or reader)."""
    from discourse.classify.labelled import LABELLED_COLUMNS
    from discourse.classify.pairs import thread_pairs

    table = threads_frame().set_index("thread")
    labels = labels_frame()
    labels = labels[labels["label"] != "skip"]
    if split is not None:
        labels = labels[labels["thread"].map(table["split"]) == split]
    by_thread = {name: block for name, block in labels.groupby("thread", sort=False)}
    frames = []
    for thread in threads(threads_root, missing, realpages_root):
        block = by_thread.get(thread.source)
        if block is None:
            continue
        position = {k: i for i, k in enumerate(keys(thread))}
        comments = list(thread.comments)
        for key, target in zip(block["key"], block["target"], strict=True):
            i = position.get(key)
            if i is None:
                raise DataError(f"{LABELS_FILE}: {thread.source} key {key} not in its thread")
            if target == "ARTICLE":
                comments[i] = replace(comments[i], parent_id=None, target_id=None, depth=0)
            elif target in position:
                comments[i] = replace(comments[i], target_id=comments[position[target]].id)
        pairs = thread_pairs(thread.with_comments(comments))
        chosen = pairs.iloc[[position[k] for k in block["key"]]].reset_index(drop=True)
        chosen["thread_id"] = thread.source
        chosen["label"] = block["label"].to_numpy()
        frames.append(chosen)
    columns = [*LABELLED_COLUMNS, "site", "language"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = pd.concat(frames, ignore_index=True)
    frame["dataset"], frame["group"] = "real_threads", frame["thread_id"]
    for column in ("split", "site", "language"):
        frame[column] = frame["thread_id"].map(table[column])
    frame = frame[frame["reply"].str.strip() != ""].reset_index(drop=True)
    return frame[columns]


def comment_of(thread: Thread, key: str) -> Comment | None:
    """The comment of ``thread`` labelled under ``key`` (None when absent)."""
    for k, c in zip(keys(thread), thread.comments, strict=True):
        if k == key:
            return c
    return None
