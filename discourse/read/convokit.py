"""ConvoKit corpora (Cornell's conversational data toolkit), read (the writer is
:mod:`discourse.write.convokit`).

A corpus is a folder (format checked against ConvoKit's own loader and dumper,
``convokit/model/corpus.py`` and ``corpus_helpers.py``, CornellNLP/ConvoKit @ 5dabba5):

* ``utterances.jsonl`` — one utterance per line: ``id``, ``conversation_id`` (the id of
  the conversation's root utterance), ``speaker`` (a speaker id), ``reply-to`` (the
  utterance answered; ``null`` for the root), ``timestamp`` (usually Unix seconds),
  ``text``, ``meta`` (any JSON object), ``vectors`` (names of vector matrices);
* ``conversations.json`` / ``speakers.json`` — ``{id: {"meta": {...}, "vectors": []}}``
  (older corpora: ``{id: {...meta...}}``);
* ``corpus.json`` — corpus metadata; ``index.json`` — the metadata type index
  (``{"utterances-index": {field: ["<class 'str'>"]}, …, "version": 1}``), which
  ``Corpus(filename=...)`` requires.

**Reading** (:func:`read`): one :class:`Thread` per conversation, in order of first
appearance in ``utterances.jsonl`` (streamed and grouped in bounded memory, like NDJSON
dumps).  The root utterance (``reply-to`` null; the one whose id is the conversation id
when several) is the article; its title comes from the conversation's meta ``title``
(else the root's meta ``title``).  Every other utterance is a comment whose parent is its
``reply-to`` (replies to the root are top-level); siblings keep file order.  Utterance
meta written by :func:`~discourse.write.convokit.write_corpus` (labels, scores, status,
…) is read back.  A file ``utterances.jsonl`` given on its own is read with the files
beside it.

**Writing** (:func:`discourse.write.convokit.write_corpus`): the article is the root
utterance of each conversation (speaker ``[article]``), comments reply to it or to their
parent; comment fields ``label``, ``confidence``, ``reasons``, ``sentiment``, ``score``,
``status``, ``platform_id``, ``permalink``, ``quotes``, ``target_id``, ``inline`` and the
dotted ``discourse_id`` go to utterance ``meta``; thread fields (``title``, ``source``, ``site``,
``url``, ``published``, ``format``, ``thread_id``, ``missing``, ``noise``, ``warnings``)
to conversation ``meta``.  Comments without an author get the speaker ``[unknown]``
(read back as no author).  ``timestamp`` is Unix seconds when the comment's ISO time has a
zone (ConvoKit's convention), the ISO text itself kept in meta ``timestamp_iso``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from discourse.errors import InputError
from discourse.model import Comment, Thread
from discourse.read.assemble import Post, assemble
from discourse.read.detect import has_keys
from discourse.read.source import CONVOKIT_MARKER, Document
from discourse.read.structured import SPILL_BOUND, Grouper, epoch_iso, json_records
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["ARTICLE_SPEAKER", "COMMENT_META", "THREAD_META", "UNKNOWN_SPEAKER", "read",
           "sniff", "sniff_folder"]

NAME = "convokit"
DESCRIBES = "ConvoKit utterances"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """Utterances: ``reply-to`` (or ``reply_to``) and ``conversation_id``."""
    if (has_keys(head, "reply-to") or has_keys(head, "reply_to")) \
            and has_keys(head, "conversation_id"):
        return "JSON objects with ConvoKit reply-to/conversation_id (utterances)"
    return None


def sniff_folder(path: Path) -> str | None:
    """A folder holding ``utterances.jsonl`` (the only folders taken as documents)."""
    if (path / CONVOKIT_MARKER).is_file():
        return f"folder with {CONVOKIT_MARKER} (a ConvoKit corpus)"
    return None

#: Comment fields set from utterance meta after the tree is built (the others go through
#: :class:`Post`); ``reasons`` and ``target_id`` are handled apart.
_RESTORED_SKIP = ("score", "status", "platform_id", "permalink", "quotes", "inline",
                  "reasons", "target_id")

ARTICLE_SPEAKER = "[article]"
UNKNOWN_SPEAKER = "[unknown]"
#: Comment fields not carried by the utterance itself (id, reply-to, speaker, text,
#: timestamp): all of them, so fields added to the model later travel too.
COMMENT_META = tuple(f.name for f in fields(Comment)
                     if f.name not in ("id", "parent_id", "depth", "author", "text", "line",
                                       "timestamp"))
#: Thread fields carried in conversation meta.
THREAD_META = ("title", "source", "site", "url", "published", "format", "thread_id",
               "layout", "missing", "noise", "warnings", "encoding")


_RESTORED = tuple(n for n in COMMENT_META if n not in _RESTORED_SKIP)


def _load_side(folder: Path, name: str, max_bytes: int) -> dict[str, Any]:
    path = folder / name
    if not path.is_file():
        return {}
    import orjson

    side = Document.at(path, max_bytes)
    data = side.read_bytes()
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(side.source, f"line {exc.lineno}, column {exc.colno}: invalid JSON "
                                      f"({exc.msg})") from None
    return value if isinstance(value, dict) else {}


def _meta(entry: object) -> dict[str, Any]:
    if not isinstance(entry, dict):
        return {}
    if "meta" in entry and isinstance(entry["meta"], dict) and set(entry) <= {"meta", "vectors"}:
        return entry["meta"]
    return entry


def read(doc: Document, spill_bound: int = SPILL_BOUND) -> Iterator[Thread]:
    """Threads of a ConvoKit corpus folder (or its ``utterances.jsonl``), one per
    conversation (see the module docs).  Raises :class:`InputError` for malformed JSON
    (file, line, column) or utterances without ``id``."""
    if doc.is_folder:
        folder = doc.path
        udoc = Document.at(folder / CONVOKIT_MARKER, doc.max_bytes, doc.max_window)
    else:
        folder, udoc = doc.path.parent, doc
    with_side = doc.is_folder or doc.path.name.startswith("utterances.")
    conversations = _load_side(folder, "conversations.json", doc.max_bytes) if with_side else {}
    with Grouper(spill_bound) as groups:
        kept, without_id = 0, []
        for number, utt in json_records(udoc, udoc.lines(), note_on=doc):
            if not isinstance(utt, dict) or "id" not in utt:
                without_id.append(number)  # one bad record does not lose the corpus
                continue
            kept += 1
            conv = utt.get("conversation_id", utt.get("root"))
            utt["_line"] = number
            groups.add(str(conv) if conv is not None else "", utt)
        if without_id and not kept:
            raise InputError(udoc.source, f"line {without_id[0]}: not a ConvoKit utterance "
                                          f"(needs 'id')")
        if without_id:
            lines = ", ".join(map(str, without_id[:5])) + (" …" if len(without_id) > 5 else "")
            doc.note(f"{len(without_id)} line(s) of {udoc.source} are not ConvoKit "
                     f"utterances (no 'id'), skipped: line {lines}")
        if udoc is not doc:  # a truncated utterances.jsonl.gz is said on the corpus
            for note in udoc.notes:
                doc.note(f"{udoc.source}: {note}")
        if doc.explaining:
            doc.explain.append(f"convokit: {len(groups.keys())} conversation(s) in "
                               f"{udoc.source}" + (" (grouped through a disk spill)"
                                                   if groups.spilled else ""))
        for conv, utts in groups.groups():
            yield _thread(conv, utts, _meta(conversations.get(conv)), doc)


def _thread(conv: str, utts: list[dict[str, Any]], meta: dict[str, Any],
            doc: Document) -> Thread:
    def reply_to(u: dict[str, Any]) -> str | None:
        value = u.get("reply-to", u.get("reply_to"))
        return None if value is None else str(value)

    roots = [u for u in utts if reply_to(u) is None]
    root = next((u for u in roots if str(u["id"]) == conv), roots[0] if len(roots) == 1 else None)
    root_meta = root.get("meta") if root is not None and isinstance(root.get("meta"), dict) \
        else {}
    title = meta.get("title", root_meta.get("title", ""))
    thread = Thread(source=None, layout=None, title=title if isinstance(title, str) else "",
                    article=str(root.get("text") or "") if root is not None else "",
                    format="convokit", thread_id=conv or None)
    ours = meta.get("generator") == "discourse"
    if ours:
        for name in THREAD_META:
            if name in meta and name not in ("title", "source", "format"):
                setattr(thread, name, meta[name])
    else:
        for name in ("url", "site", "published"):
            if isinstance(meta.get(name), str):
                setattr(thread, name, meta[name])
    if thread.published is None and root is not None:
        ts = root.get("timestamp")
        thread.published = ts if isinstance(ts, str) else epoch_iso(ts)
    if root is None and utts:
        thread.warnings.append("no root utterance (reply-to null) for this conversation; "
                               "article empty, utterances without reply-to are top-level")
    root_id = str(root["id"]) if root is not None else None
    posts: list[Post] = []
    metas: list[dict[str, Any]] = []
    for u in utts:
        if u is root:
            continue
        m = u.get("meta") if isinstance(u.get("meta"), dict) else {}
        if not ours:  # a foreign corpus: only its score is understood
            m = {"score": m.get("score")}
        parent = reply_to(u)
        speaker = u.get("speaker", u.get("user"))
        stamp = m.get("timestamp_iso") if isinstance(m.get("timestamp_iso"), str) else None
        if stamp is None:
            ts = u.get("timestamp")
            stamp = ts if isinstance(ts, str) else epoch_iso(ts)
        score = m.get("score")
        # platform_id carries the utterance's position through assemble (restored below)
        posts.append(Post(
            key=str(u["id"]), parent=None if parent == root_id else parent,
            text=str(u.get("text") or ""),
            author=None if speaker in (None, UNKNOWN_SPEAKER) else str(speaker),
            timestamp=stamp, score=score if isinstance(score, int) and not
            isinstance(score, bool) else None, line=u.get("_line"),
            platform_id=str(len(metas)), permalink=m.get("permalink"),
            status=m.get("status"), inline=bool(m.get("inline", False)),
            quotes=[q for q in m.get("quotes") or [] if isinstance(q, str)]))
        metas.append(m)
    utt_ids = [p.key for p in posts]
    thread.comments = assemble(posts, thread.warnings)
    dotted: dict[str, str] = {}  # discourse_id written in the corpus -> new id
    pairs = []
    for c in thread.comments:
        i = int(c.platform_id or 0)
        m = metas[i]
        pairs.append((c, m))
        c.platform_id = m["platform_id"] if "platform_id" in m else utt_ids[i]
        for name in _RESTORED:
            if name in m:
                setattr(c, name, m[name])
        if isinstance(m.get("reasons"), list):
            c.reasons = [str(r) for r in m["reasons"]]
        if isinstance(m.get("discourse_id"), str):
            dotted[m["discourse_id"]] = c.id
    for c, m in pairs:
        target = m.get("target_id")
        if isinstance(target, str) and target in dotted:
            c.target_id = dotted[target]
    attach_quotes_and_targets(thread)
    return thread
