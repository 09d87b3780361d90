"""A corpus of threads for notebooks, as ConvoKit users expect: ``discourse.read(paths)``.

::

    import discourse

    corpus = discourse.read("archive/")              # nothing is read yet
    corpus = discourse.read("archive/", model="fast")  # … and labelled when read
    corpus.utterances_frame()   # one row per comment (ConvoKit's utterances)
    corpus.threads_frame()      # one row per thread: the ``analyze`` metrics
    corpus.speakers_frame()     # one row per author: comments, threads, label mix
    for thread in corpus: ...   # Thread objects, read lazily, one document at a time

A :class:`Corpus` reads its documents when first iterated (through
:func:`discourse.iter_threads`: files, folders, URLs, every format the readers know) and,
with ``cache=True`` (the default), keeps the threads of a complete pass, so the frames do
not read the files again; ``cache=False`` streams the documents on every pass (dumps
larger than memory).  ``model`` labels each thread as it is read (``"fast"``,
``"accurate"``, a model file: :func:`discourse.classify.load_model`); without it threads
keep the labels their files carry (``classify`` output read back) or have none.

The figures of the report pages are in :mod:`discourse.report.figures`.

``discourse.read`` is at once the package of the readers (``discourse.read.iter_threads``
…) and this function: calling the package calls :func:`read` (the package's module class
is :class:`CallablePackage`, set when :mod:`discourse` is imported).
"""

from __future__ import annotations

import os
import types
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from discourse.labels import LABELS
from discourse.model import THREAD_COLUMNS, Comment, Thread

__all__ = ["UTTERANCE_COLUMNS", "CallablePackage", "Corpus", "read"]

PathLike = str | os.PathLike[str]

#: The first columns of :meth:`Corpus.utterances_frame`, in ConvoKit's terms (the index is
#: ``id``, ``conversation_id:comment id``); every :class:`~discourse.model.Comment` field
#: and the thread's columns follow.
UTTERANCE_COLUMNS = ("conversation_id", "speaker", "reply_to", "timestamp", "text")


class Corpus:
    """Threads read lazily from ``paths`` (see the module docs).

    ``model``: label the threads as they are read; ``cache``: keep the threads of a
    complete pass; ``options``: passed to :func:`discourse.iter_threads` (``fmt``,
    ``max_bytes``, ``include``, ``exclude``, ``on_error`` — without ``on_error`` the first
    unreadable document raises :class:`~discourse.errors.InputError`).
    """

    def __init__(self, paths: PathLike | Iterable[PathLike] = (), *, model: Any = None,
                 cache: bool = True, **options: Any) -> None:
        self.paths = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        self.model = model
        self.cache = cache
        self.options = options
        self._threads: list[Thread] | None = None
        self._classifier: Any = None

    @classmethod
    def from_threads(cls, threads: Iterable[Thread], model: Any = None) -> Corpus:
        """A corpus of threads already in memory (labelled with ``model`` when given)."""
        corpus = cls(model=model)
        corpus._threads = [corpus._labelled(t) for t in threads] if model is not None \
            else list(threads)
        return corpus

    # -- threads ---------------------------------------------------------------------------
    def _labelled(self, thread: Thread) -> Thread:
        if self.model is None:
            return thread
        if self._classifier is None:
            from discourse.classify import load_model

            self._classifier = load_model(self.model)
        from discourse.classify import annotate

        return annotate(self._classifier, thread)

    def __iter__(self) -> Iterator[Thread]:
        if self._threads is not None:
            yield from self._threads
            return
        from discourse.read import iter_threads

        kept: list[Thread] = []
        for thread in iter_threads(self.paths, **self.options):
            thread = self._labelled(thread)
            if self.cache:
                kept.append(thread)
            yield thread
        if self.cache:
            self._threads = kept

    @property
    def threads(self) -> list[Thread]:
        """Every thread (read now if not yet)."""
        return self._threads if self._threads is not None else list(iter(self))

    def __len__(self) -> int:
        return len(self.threads)

    def __getitem__(self, index: int) -> Thread:
        return self.threads[index]

    def classify(self, model: Any = "fast") -> Corpus:
        """This corpus with every thread labelled by ``model`` (threads already read are
        not read again)."""
        if self._threads is not None:
            return Corpus.from_threads(self._threads, model)
        return Corpus(self.paths, model=model, cache=self.cache, **self.options)

    def __repr__(self) -> str:
        labelled = f", labelled by {self.model}" if self.model is not None else ""
        if self._threads is None:
            return f"Corpus({len(self.paths)} path{'s' if len(self.paths) != 1 else ''}, " \
                   f"not read yet{labelled})"
        from discourse.numbers import count_of

        comments = sum(len(t.comments) for t in self._threads)
        return (f"Corpus({count_of(len(self._threads), 'thread')}, "
                f"{count_of(comments, 'comment')}{labelled})")

    # -- frames ----------------------------------------------------------------------------
    def utterances_frame(self) -> Any:
        """One row per comment, indexed by ``id`` (``conversation_id:comment id``, unique
        in the corpus): :data:`UTTERANCE_COLUMNS` — the thread (``conversation_id``: its
        ``thread_id``, else its source, made unique), the author (``speaker``), the ``id``
        of what it replies to (``reply_to``: its structural parent, None at the top
        level), ``timestamp`` and ``text`` — then every comment field (``label``,
        ``confidence``, ``probabilities``, ``target_id``, …) and the thread's
        :data:`~discourse.model.THREAD_COLUMNS`."""
        import pandas as pd

        rows = []
        for key, thread in _keyed(self):
            head = {name: getattr(thread, name) for name in THREAD_COLUMNS}
            for c in thread.comments:
                rows.append({"id": f"{key}:{c.id}", "conversation_id": key,
                             "speaker": c.author,
                             "reply_to": None if c.parent_id is None else f"{key}:{c.parent_id}",
                             "timestamp": c.timestamp, "text": c.text,
                             **{f: v for f, v in c.to_dict().items()
                                if f not in ("id", "timestamp", "text")},
                             "comment_id": c.id, **head})
        comment_fields = [f for f in Comment.__dataclass_fields__
                          if f not in ("timestamp", "text", "id")]
        columns = ["id", *UTTERANCE_COLUMNS, "comment_id", *comment_fields,
                   *(c for c in THREAD_COLUMNS if c not in ("thread_id",)), "thread_id"]
        frame = pd.DataFrame(rows, columns=list(dict.fromkeys(columns)))
        return frame.set_index("id")

    def threads_frame(self, site_of: Callable[[Thread], str] | None = None) -> Any:
        """One row per thread: the debate metrics of ``discourse analyze``
        (:func:`discourse.analyze.thread_metrics`, columns :data:`discourse.analyze.COLUMNS`)
        with ``conversation_id`` (as in :meth:`utterances_frame`) as the index;
        ``site_of`` gives the ``site`` column (default: the site the page names, else the
        folder)."""
        import pandas as pd

        from discourse.analyze import COLUMNS, thread_metrics

        rows, keys = [], []
        for key, thread in _keyed(self):
            row = thread_metrics(thread)
            if site_of is not None:
                row["site"] = site_of(thread)
            rows.append(row)
            keys.append(key)
        frame = pd.DataFrame(rows, columns=COLUMNS)
        frame.index = pd.Index(keys, name="conversation_id")
        return frame

    def speakers_frame(self, intervals: bool = True) -> Any:
        """One row per named author (index ``speaker``), most comments first: ``comments``,
        ``threads`` (with a comment of theirs), ``top_level`` and ``replies`` (their
        comments answering the article / a comment), ``labelled`` and the count of each
        label (``agreement`` …), and their label mix as the thread pages estimate it —
        ``share_<label>`` the mean of their comments' calibrated probabilities, with its
        95 % interval (``share_<label>_low``/``_high``; a bootstrap over their comments,
        :func:`discourse.analyze.thread_shares`; ``intervals=False`` skips it).  Comments
        without an author are left out."""
        import pandas as pd

        from discourse.analyze.shares import SHARE_COLUMNS, thread_shares

        by_author: dict[str, list[Comment]] = {}
        threads: dict[str, set[str]] = {}
        for key, thread in _keyed(self):
            for c in thread.comments:
                if c.author:
                    by_author.setdefault(c.author, []).append(c)
                    threads.setdefault(c.author, set()).add(key)
        rows = []
        for author, comments in by_author.items():
            labels = Counter(c.label for c in comments if c.label in LABELS)
            row: dict[str, Any] = {
                "speaker": author, "comments": len(comments), "threads": len(threads[author]),
                "top_level": sum(1 for c in comments if c.answers_id is None),
                "replies": sum(1 for c in comments if c.answers_id is not None),
                **{label: labels.get(label, 0) for label in LABELS}}
            row.update(thread_shares(comments, resamples=2000 if intervals else 1).row())
            rows.append(row)
        counts = ["comments", "threads", "top_level", "replies", *LABELS]
        frame = pd.DataFrame(rows, columns=["speaker", *counts, *SHARE_COLUMNS])
        if not intervals:
            frame = frame.drop(columns=[c for c in frame.columns
                                        if c.endswith(("_low", "_high"))])
        frame = frame.sort_values(["comments", "speaker"], ascending=[False, True],
                                  kind="stable")
        return frame.set_index("speaker")


def _keyed(corpus: Iterable[Thread]) -> Iterator[tuple[str, Thread]]:
    """``(conversation_id, thread)``: the thread's id, else its source, else "thread",
    with "#2", "#3"… on repeats (a dump's threads without ids share a source)."""
    seen: Counter[str] = Counter()
    for thread in corpus:
        key = thread.thread_id or thread.source or "thread"
        seen[key] += 1
        yield (key if seen[key] == 1 else f"{key}#{seen[key]}"), thread


def read(paths: PathLike | Iterable[PathLike], *, model: Any = None, cache: bool = True,
         **options: Any) -> Corpus:
    """The :class:`Corpus` of the documents at ``paths`` (files, folders, URLs), read
    lazily; see the module docs."""
    return Corpus(paths, model=model, cache=cache, **options)


class CallablePackage(types.ModuleType):
    """The class of the ``discourse.read`` package: still the readers' package, and
    callable as :func:`read` (``discourse.read("archive/") -> Corpus``)."""

    def __call__(self, paths: PathLike | Iterable[PathLike], **options: Any) -> Corpus:
        return read(paths, **options)
