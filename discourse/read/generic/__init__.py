"""The generic structured reader: comment threads from any JSON or NDJSON document that
no named reader claims ("specific first, generic last", the idea of trafilatura's
fallbacks applied to JSON).

It finds the comment records itself — lists or maps of objects carrying a text-like field
(``body``, ``text``, ``content``, ``message``, ``comment``, ``cooked``, ``raw``, ``html``,
``markdown``, Quill/ProseMirror/Draft.js documents) and an identity — and builds the tree
from whichever link the data has: a parent id (``parent``, ``parent_id``,
``in_reply_to_id``, ``reply_to``, ``reply_to_post_number``, ``parentHex``, ``pid``,
``responseTo.commentId``, ``record.reply.parent.uri``, …), an author+permlink pair
(Hive/Steem ``parent_author``/``parent_permlink``), a materialised path (``"0.12.45"``), a
depth read with the records' order, or nested ``replies``/``children``/``comments``
lists.  Authors, timestamps (epoch seconds or milliseconds, ISO 8601, RFC 2822), scores,
permalinks, placeholders, roles and the root post (the article) likewise; see
:mod:`discourse.read.generic.find` for the search and
:mod:`discourse.read.generic.build` for the tree.

It never invents a tree: records without any link make a flat thread, with a warning
saying so.  A document with no comment records is refused in one line naming its
top-level keys and the best rejected candidate with its score; ``discourse parse
--explain`` prints the fields chosen and why, and the runners-up.

Named platforms whose JSON the generic reading gets right are only a field table over it
(:class:`Table`): the fields to use where inference could hesitate, the site and
permalinks, a reshaping of the document (:mod:`discourse.read.platforms`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.source import Document

__all__ = ["Table", "read", "read_with", "sniff"]

NAME = "generic-json"
DESCRIBES = "any other JSON or NDJSON holding comment records (the generic reader)"
SYNTAX = "json"

_KEY = re.compile(rb'"([A-Za-z_$@][\w$@.-]{0,40})"\s*:')
_LIST_KEY = re.compile(rb'"(comments|replies|posts|messages|statuses|children|responses|response|'
                       rb'descendants|discussion|thread)"\s*:\s*\[', re.I)


def _text_key(head: bytes) -> str | None:
    from discourse.read.generic.find import TEXT_NAMES
    from discourse.read.generic.values import norm

    for m in _KEY.finditer(head):
        key = m.group(1).decode("ascii", "replace")
        if norm(key) in TEXT_NAMES:
            return key
    return None


def sniff(head: bytes) -> str | None:
    """Any JSON whose head has a text-like key (``body``, ``text``, ``content``,
    ``message``, …): the generic reader, asked after every named JSON reader."""
    key = _text_key(head)
    if key is not None:
        return f"JSON with a text-like field ({key!r}); no named reader claims it: generic " \
               f"reader"
    if b'"ops"' in head and b'"insert"' in head:
        return "JSON with Quill deltas (ops/insert); generic reader"
    m = _LIST_KEY.search(head)
    if m is not None:
        return f"JSON with a comment-like list ({m.group(1).decode('ascii', 'replace')!r}); " \
               f"generic reader"
    return None


@dataclass(frozen=True)
class Table:
    """A platform's field table over the generic reading: the format name, fields fixed
    by name (``{"text": ("content", "message")}``; see :func:`~discourse.read.generic.
    find.infer`), the reading :class:`~discourse.read.generic.build.Options`, and an
    optional ``prepare(data, doc)`` that reshapes the parsed document first (a nested
    thread view flattened to records, say)."""

    name: str = NAME
    fields: dict[str, Any] = field(default_factory=dict)
    options: Any = None  # build.Options
    prepare: Callable[[Any, Document], Any] | None = None
    #: The pattern of the records when the document has several candidates.
    records: str | None = None


def _load(doc: Document, warnings: list[str]) -> Any:
    """One JSON document, or NDJSON (several lines each holding one JSON value) as a
    list; a malformed NDJSON line is skipped with a line-numbered warning on the
    document (:func:`~discourse.read.structured.json_records`)."""
    import orjson

    from discourse.read.structured import load_json

    data = doc.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    filled = [line for line in lines if line.strip()]
    if len(filled) > 1:
        try:
            first = orjson.loads(filled[0])
        except orjson.JSONDecodeError:
            first = None
        if isinstance(first, dict | list):
            from discourse.read.structured import json_records

            # bad lines: one warning on the document (given once, not on every thread)
            return [value for _, value in json_records(doc, enumerate(lines, start=1))]
    return load_json(doc, data)


def _top_keys(data: Any) -> str:
    if isinstance(data, dict):
        keys = [str(k) for k in data]
        shown = ", ".join(keys[:8]) + (f", … ({len(keys) - 8} more)" if len(keys) > 8 else "")
        return f"top-level keys {shown}" if keys else "an empty object"
    if isinstance(data, list):
        objects = sum(isinstance(v, dict) for v in data)
        return f"a list of {len(data)} value(s), {objects} object(s)"
    return f"a JSON {type(data).__name__}"


def _empty_lists(data: Any) -> list[tuple[str, dict[str, Any]]]:
    """Empty lists under a comment-like key, with the object holding them."""
    from discourse.read.generic.find import COMMENTISH
    from discourse.read.generic.values import norm

    out = []
    stack = [data]
    seen = 0
    while stack and seen < 100_000:
        value = stack.pop()
        seen += 1
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, list) and not v and norm(str(k)) in COMMENTISH:
                    out.append((str(k), value))
                elif isinstance(v, dict | list):
                    stack.append(v)
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, dict | list))
    return out


def read_with(doc: Document, table: Table) -> Iterator[Thread]:
    """The threads of ``doc`` read with ``table`` (see the module docs).  Raises
    :class:`~discourse.errors.InputError` for malformed JSON or a document without
    comment records (one line: its top-level keys and the best rejected candidate)."""
    from discourse.read.generic.build import Options, describe, threads_of
    from discourse.read.generic.find import candidates
    from discourse.read.structured import unknown_json

    options = table.options or Options(name=table.name)
    load_warnings: list[str] = []
    data = _load(doc, load_warnings)
    if table.prepare is not None:
        data = table.prepare(data, doc)
    found = candidates(data, table.fields, table.records)
    accepted = [c for c in found if not c.reason]
    if not accepted and isinstance(data, dict) and not _empty_lists(data):
        alone = candidates([data], table.fields)  # one record on its own (one NDJSON line)
        if any(not c.reason for c in alone):
            found = alone + found
            accepted = [c for c in alone if not c.reason]
            data = [data]
    if table.records is not None:
        preferred = [c for c in accepted if c.pattern == table.records]
        accepted = preferred + [c for c in accepted if c not in preferred]
    explain = doc.explain if doc.explaining else None
    if not accepted:
        empty = _empty_lists(data)
        if empty:
            key, holder = empty[0]
            about = describe([holder], set(), options.naive_utc)
            thread = Thread(source=None, layout=None, title=about.title,
                            article=about.article, url=about.url, format=options.name,
                            thread_id=about.thread_id, author=about.author,
                            published=about.published)
            from discourse.read.structured import domain

            thread.site = domain(thread.url)
            thread.warnings.extend(load_warnings)
            thread.warnings.append(f"no comments: the {key!r} list is empty")
            if about.count:
                thread.missing = about.count
            if options.finish is not None:
                from discourse.read.generic.build import Context

                options.finish(thread, Context([], [holder], data, None, doc=doc))  # type: ignore[arg-type]
            yield thread
            return
        best = found[0] if found else None
        rejected = (f"; best rejected candidate {best.describe()}: {best.reason}"
                    if best is not None else "; no list or map of objects in it")
        if table.name != NAME:  # a named platform's shape, not found
            raise unknown_json(doc, f"no comment records found: {_top_keys(data)}{rejected}")
        raise InputError(doc.source, f"no comment records found: {_top_keys(data)}"
                                     f"{rejected}")
    best = accepted[0]
    if best.schema.author is None and best.schema.author_id is not None:
        _join_authors(best, data)
    if explain is not None:
        explain.append(f"generic: records {best.describe()}")
        explain.extend(f"generic: {line}" for line in best.schema.lines())
        for other in [c for c in found if c is not best][:3]:
            why = f": {other.reason}" if other.reason else ""
            explain.append(f"generic: runner-up {other.describe()}{why}")
    for thread in threads_of(best, data, options, load_warnings, explain, doc):
        thread.warnings[:0] = load_warnings
        yield thread


def _join_authors(best: Any, data: Any) -> None:
    """Author names from a list of users beside the records (Commento's
    ``commenters``, Twitter's ``includes.users``): the list whose records carry the
    records' author ids under the same name (or ``id``) and a name field."""
    from discourse.read.generic.find import collections, get_path
    from discourse.read.generic.values import as_id

    schema = best.schema
    path = schema.author_id.path
    ids = set()
    for part in best.parts:
        for _, obj in part.items:
            value = as_id(get_path(obj, path))
            if value is not None:
                ids.add(value)
    if not ids:
        return
    own = {id(p) for p in best.parts}
    for c in collections(data):
        if id(c) in own or any(c.items is p.items for p in best.parts):
            continue
        for key_name in (path[-1], "id", "uid", "user_id", "userId"):
            names: dict[str, str] = {}
            for map_key, obj in c.items:
                uid = as_id(obj.get(key_name)) or (map_key if key_name == "id" else None)
                name = next((obj[k].strip() for k in ("name", "username", "screen_name",
                                                      "displayName", "display_name", "login")
                             if isinstance(obj.get(k), str) and obj[k].strip()), None)
                if name is None and isinstance(obj.get("first_name"), str):  # VK profiles
                    name = " ".join(str(obj.get(k) or "") for k in ("first_name", "last_name")
                                    ).strip() or None
                if uid is not None and name is not None:
                    names[uid] = name
            if names and len(ids & set(names)) * 2 >= len(ids):
                schema.author_names = names
                return


def read(doc: Document) -> Iterator[Thread]:
    """The threads of any JSON/NDJSON document with comment records (see the module
    docs)."""
    yield from read_with(doc, Table())
