"""discourse's own output read back: ``parse``/``classify --format json`` (an array of
threads) or ``jsonl`` (a thread per line).  Fields added in later versions default when
absent, so JSON written by older versions stays readable.

This is the one reader of discourse's JSON: :func:`discourse.write.read_output` uses it
for JSON and JSON Lines files too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.detect import has_keys
from discourse.read.source import Document

if TYPE_CHECKING:
    import orjson

NAME = "discourse-json"
DESCRIBES = "discourse's own JSON output"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """Thread objects (``comments``, ``article`` and ``layout`` or ``noise``), or a
    document that is an empty JSON array (what ``parse --format json`` writes for no
    threads)."""
    if has_keys(head, "comments", "article") and (has_keys(head, "layout")
                                                  or has_keys(head, "noise")):
        return "discourse's own thread JSON (article, comments)"
    if re.fullmatch(rb"\[\s*\]\s*", head):
        return "an empty JSON array"
    return None


def _thread(record: object, doc: Document, where: str) -> Thread:
    if not isinstance(record, dict) or "comments" not in record or "article" not in record:
        raise InputError(doc.source, f"{where}: not a discourse thread object (needs "
                                     f"'article' and 'comments')")
    problem = check_thread(record)
    if problem:
        raise InputError(doc.source, f"{where}: {problem}")
    try:
        return Thread.from_dict(record)
    except (TypeError, ValueError, AttributeError) as exc:  # pragma: no cover - checked
        raise InputError(doc.source, f"{where}: malformed thread ({exc})") from None


# -- the schema: every field's JSON type, from the data model's own annotations ----------

def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


#: The JSON type of each annotation used in :mod:`discourse.model` (``str | None`` is
#: ``str`` or ``None``): a test keeps this table complete.
KINDS = {
    "str": ("a string", lambda v: isinstance(v, str)),
    "None": ("null", lambda v: v is None),
    "int": ("an integer", _is_int),
    "float": ("a number", _is_number),
    "bool": ("true or false", lambda v: isinstance(v, bool)),
    "list[str]": ("a list of strings",
                  lambda v: type(v) is list and all(type(x) is str for x in v)),
    "dict[str, float]": ("an object of numbers",
                         lambda v: isinstance(v, dict) and all(_is_number(x)
                                                               for x in v.values())),
    "list[Comment]": ("a list of comment objects",
                      lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v)),
}


#: Python types that settle a kind at once (the rest is checked by :data:`KINDS`).
_PLAIN = {"str": (str,), "None": (type(None),), "bool": (bool,), "int": (int,),
          "float": (float, int)}


@cache
def _schema(cls: type) -> dict[str, tuple[list[str], bool, tuple[type, ...]]]:
    """``{field: (kinds, required, plain types)}`` of a model dataclass."""
    from dataclasses import MISSING, fields

    out = {}
    for f in fields(cls):
        kinds = [k.strip() for k in str(f.type).split("|")]
        out[f.name] = (kinds, f.default is MISSING and f.default_factory is MISSING,
                       tuple(t for k in kinds if k in _PLAIN for t in _PLAIN[k]))
    return out


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _check(record: dict, schema: dict[str, tuple[list[str], bool, tuple[type, ...]]]
           ) -> str | None:
    """The first field of ``record`` whose JSON type the schema does not allow (a number
    where text is expected is taken as its text, in place), or a required field that is
    missing; None when all is well."""
    for name, (kinds, required, plain) in schema.items():
        if name not in record:
            if required:
                return f"missing field '{name}'"
            continue
        value = record[name]
        if type(value) in plain or any(KINDS[k][1](value) for k in kinds if k in KINDS):
            continue
        if "str" in kinds and _is_number(value):
            record[name] = str(value)  # an id or a name written as a number
            continue
        wanted = " or ".join(KINDS[k][0] for k in kinds if k in KINDS)
        return f"field '{name}' must be {wanted}, not {_json_type(value)}"
    return None


def check_thread(record: dict) -> str | None:
    """What is wrong with a thread object of discourse's JSON (the first problem: which
    field of the thread or of which comment, and the type found), or None.  Numbers
    where text is expected become text; unknown fields are ignored (later versions)."""
    from discourse.model import Comment

    problem = _check(record, _schema(Thread))
    if problem:
        return f"thread {problem}"
    for n, comment in enumerate(record["comments"], start=1):
        problem = _check(comment, _schema(Comment))
        if problem:
            cid = comment.get("id")
            named = f" (id {cid!r})" if isinstance(cid, str | int) and \
                not isinstance(cid, bool) else ""
            return f"comment {n}{named}: {problem}"
    return None


def read(doc: Document) -> Iterator[Thread]:
    """Threads of a discourse JSON array or JSON Lines file.  One bad record does not
    lose the others: a thread object with a field of the wrong type (``text`` an object,
    ``author`` a list) and a JSON Lines line that is not JSON (an invalid UTF-8 byte, a
    lone surrogate, a 10,000-digit number) are skipped, named with their place and field
    in one warning on the document (:meth:`Document.note`); when no record is usable,
    the first problem is the document's error."""
    import orjson

    from discourse.read.structured import json_records

    data = doc.read_bytes()
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        try:
            values = orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            raise InputError(doc.source, json_error(exc, stripped)) from None
        records = ((f"thread {i}", record) for i, record in enumerate(values, start=1))
    else:
        offset = data.count(b"\n", 0, len(data) - len(stripped))  # lines stripped above
        lines = ((number + offset, line)
                 for number, line in enumerate(stripped.split(b"\n"), start=1))
        records = ((f"line {number}", record) for number, record in json_records(doc, lines))
    skipped: list[InputError] = []
    good = 0
    for where, record in records:
        try:
            thread = _thread(record, doc, where)
        except InputError as exc:
            skipped.append(exc)
            continue
        good += 1
        yield thread
    if skipped and not good:
        raise skipped[0]
    if skipped:
        named = "; ".join(exc.problem for exc in skipped[:_NAMED_SKIPPED])
        more = f" and {len(skipped) - _NAMED_SKIPPED} more" \
            if len(skipped) > _NAMED_SKIPPED else ""
        doc.note(f"{len(skipped)} thread record(s) skipped (the other {good} read): "
                 f"{named}{more}")


#: Skipped records named one by one in the warning of :func:`read` (then "and N more").
_NAMED_SKIPPED = 3


def json_error(exc: orjson.JSONDecodeError, data: bytes | str) -> str:
    """'line L, column C: invalid JSON (reason)' for a decode error of ``data``."""
    return f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})"
