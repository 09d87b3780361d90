"""ConvoKit corpora written: one conversation per thread, rooted at the article, in a
folder that ConvoKit's ``Corpus(filename=...)`` loads and :mod:`discourse.read.convokit`
reads back (the mapping of fields is described there)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from discourse.errors import UsageError
from discourse.model import Thread
from discourse.read.convokit import ARTICLE_SPEAKER, COMMENT_META, THREAD_META, UNKNOWN_SPEAKER
from discourse.read.source import CONVOKIT_MARKER

__all__ = ["NAME", "WROTE", "check_output", "encode", "write", "write_corpus"]

NAME = "convokit"
#: Writes a folder (``-o DIR``), not a file.
FOLDER = True
WROTE = "wrote the ConvoKit corpus {out}"


def check_output(out: str | None) -> None:
    """A corpus is a folder: ``-o DIR`` is needed."""
    if not out or out == "-":
        raise UsageError("--format convokit writes a corpus folder: give -o DIR")


def encode(thread: Thread) -> Thread:
    """The thread itself (the corpus is built in the main process)."""
    return thread


def write(encoded: Iterable[Thread], out: str | None) -> int:
    """The threads as a corpus in folder ``out``; returns how many."""
    check_output(out)
    count = 0

    def counted() -> Iterator[Thread]:
        nonlocal count
        for thread in encoded:
            count += 1
            yield thread

    write_corpus(counted(), out)  # type: ignore[arg-type]
    return count


def _epoch(iso: str | None) -> int | float | None:
    if not iso:
        return None
    try:
        stamp = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        return None
    value = stamp.timestamp()
    return int(value) if value.is_integer() else value


def _type_name(value: object) -> str:
    return str(type(value))


def conversation_id(thread_id: str) -> str:
    """A thread id as a conversation id without dots (``%`` and ``.`` percent-encoded,
    reversed by :func:`thread_id_of`), so that an utterance id, ``CONVERSATION.COMMENT``,
    splits at its first dot: ``t`` + ``1.1`` and ``t.1`` + ``1`` cannot collide
    (``t.1.1`` and ``t%2E1.1``)."""
    return thread_id.replace("%", "%25").replace(".", "%2E")


def thread_id_of(conversation: str) -> str:
    """The thread id of :func:`conversation_id`'s result."""
    from urllib.parse import unquote

    return unquote(conversation)


def utterance_id(conversation: str, comment_id: str) -> str:
    """The id of a comment's utterance: unique in the corpus and reversible (split at the
    first dot: the conversation, then the comment's dotted id)."""
    return f"{conversation}.{comment_id}"


def write_corpus(threads: Iterable[Thread], folder: str | os.PathLike[str],
                 name: str | None = None) -> Path:
    """Write ``threads`` as a ConvoKit corpus in ``folder`` (created; its corpus files are
    replaced) and return the folder's path.  Loadable with ConvoKit's
    ``Corpus(filename=str(folder))``; see :mod:`discourse.read.convokit` for the mapping.
    Every file is written under a temporary name and all are renamed when all are
    complete (``utterances.jsonl``, which marks a corpus, last): a failed write (a full
    disk: one-line :class:`~discourse.errors.OutputError`) leaves the folder as it was,
    and removes it when this call created it.  Conversation and utterance ids are
    unique and reversible (:func:`conversation_id`, :func:`utterance_id`)."""
    import contextlib

    import orjson

    from discourse.atomic import atomic_output
    from discourse.errors import OutputError, describe_os_error

    out = Path(folder)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(describe_os_error(out, exc)) from None
    index: dict[str, dict[str, list[str]]] = {"utterance": {}, "conversation": {},
                                              "speaker": {}, "corpus": {}}

    def note(kind: str, meta: dict[str, Any]) -> None:
        idx = index[kind]
        for k, v in meta.items():
            types = idx.setdefault(k, [])
            if v is not None and _type_name(v) not in types:
                types.append(_type_name(v))

    speakers: dict[str, dict[str, Any]] = {}
    conversations: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    try:
        with contextlib.ExitStack() as files:
            handle = files.enter_context(atomic_output(out / CONVOKIT_MARKER, binary=True))
            for n, thread in enumerate(threads, start=1):
                conv = conversation_id(str(thread.thread_id)) if thread.thread_id \
                    else f"thread-{n}"
                if conv in used:  # the same thread id twice: a suffix no thread id has
                    conv = f"{conv}-{n}"
                    while conv in used:
                        conv += "-"
                used.add(conv)
                cmeta = {k: getattr(thread, k) for k in THREAD_META}
                cmeta["generator"] = "discourse"
                note("conversation", cmeta)
                conversations[conv] = {"meta": cmeta, "vectors": []}
                root = {"id": conv, "conversation_id": conv, "text": thread.article,
                        "speaker": ARTICLE_SPEAKER, "meta": {"discourse_id": None},
                        "reply-to": None, "timestamp": _epoch(thread.published),
                        "vectors": []}
                speakers.setdefault(ARTICLE_SPEAKER, {"meta": {}, "vectors": []})
                note("utterance", root["meta"])
                handle.write(orjson.dumps(root) + b"\n")
                for c in thread.comments:
                    speaker = c.author if c.author else UNKNOWN_SPEAKER
                    speakers.setdefault(speaker, {"meta": {}, "vectors": []})
                    meta = {"discourse_id": c.id}
                    meta.update({k: getattr(c, k) for k in COMMENT_META})
                    meta["quotes"], meta["reasons"] = list(c.quotes), list(c.reasons)
                    meta["timestamp_iso"] = c.timestamp
                    note("utterance", meta)
                    utt = {"id": utterance_id(conv, c.id), "conversation_id": conv,
                           "text": c.text, "speaker": speaker, "meta": meta,
                           "reply-to": utterance_id(conv, c.parent_id) if c.parent_id
                           else conv,
                           "timestamp": _epoch(c.timestamp), "vectors": []}
                    handle.write(orjson.dumps(utt) + b"\n")
            corpus_meta = {"name": name or out.name, "generator": "discourse"}
            note("corpus", corpus_meta)
            contents = {
                "speakers.json": speakers,
                "conversations.json": conversations,
                "corpus.json": corpus_meta,
                "index.json": {"utterances-index": index["utterance"],
                               "speakers-index": index["speaker"],
                               "conversations-index": index["conversation"],
                               "overall-index": index["corpus"], "version": 1,
                               "vectors": []},
            }
            # all written before any is renamed (the stack renames them in reverse order,
            # utterances.jsonl last)
            for fname, value in contents.items():
                files.enter_context(atomic_output(out / fname, binary=True)).write(
                    orjson.dumps(value))
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only when empty: nothing of the user's is removed
        raise
    return out
