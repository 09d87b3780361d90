"""Decide which reader takes a document, from its content (first bytes), not its name.

Every reader of :data:`discourse.read.READERS` has a sniffer over the decompressed head of
a document (byte-order mark and leading white space removed).  Detection asks the readers
of the head's syntax — JSON when it starts with ``{`` or ``[`` (not ``{{``/``[[link``,
which open wikitext), XML/HTML when it starts with ``<``, text otherwise — in the
registry's order (specific first, generic last); the first that claims the document wins
and gives its reason (printed by ``discourse parse --explain``).  Readers validate the whole
document themselves and raise a one-line error for a shape they do not know, so a sniffer
only needs to be right about which reader to ask, and must be cheap: a few searches in the
head, never a parse, no heavy imports.

A JSON or XML document that no reader claims is refused with the list of supported shapes
(:func:`supported`, made of the readers' ``DESCRIBES``).  A folder (a ConvoKit corpus) is
asked of the readers that have a ``sniff_folder``.

The helpers below (:func:`has_keys`, :func:`key_value`) are for sniffers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from discourse.errors import InputError
from discourse.read.source import Document

__all__ = ["Detection", "detect", "has_keys", "key_value", "supported", "syntax_of"]

_XML_DECL = re.compile(rb"^<\?xml[^>]*\?>", re.I)
_KEY = r'"%s"\s*:'
_WIKITEXT_START = re.compile(rb"^(?:\{\{|\[\[\s*:?(?!true\b|false\b|null\b)[A-Za-z\x80-\xff])")


@dataclass(frozen=True, slots=True)
class Detection:
    """Which reader takes a document, and why."""

    reader: str
    reason: str


def syntax_of(head: bytes) -> str:
    """``"json"``, ``"xml"`` (any markup) or ``"text"``: which readers may claim a document
    whose head (without BOM and leading white space) is ``head``."""
    first = head[:1]
    if first in (b"{", b"["):
        # "{{template}}" and "[[link]]" open wikitext (a talk page), never JSON
        return "text" if _WIKITEXT_START.match(head) else "json"
    if first == b"<":
        return "xml"
    return "text"


def has_keys(head: bytes, *keys: str) -> bool:
    """True when every one of ``keys`` appears in ``head`` as a JSON object key."""
    return all(re.search((_KEY % re.escape(k)).encode(), head) for k in keys)


def key_value(head: bytes, key: str, pattern: str) -> bool:
    """True when ``head`` has the JSON key ``key`` with a string value matching
    ``pattern`` (a regular expression, whole value)."""
    regex = _KEY % re.escape(key) + r'\s*"(?:' + pattern + r')"'
    return re.search(regex.encode(), head) is not None


def supported(syntax: str) -> str:
    """The shapes the readers of ``syntax`` (``"json"``, ``"xml"``) take, as a phrase
    for the "unknown shape" errors: "A, B, or C"."""
    from discourse.read import readers

    shapes = [r.DESCRIBES for r in readers() if syntax == r.SYNTAX and r.DESCRIBES]
    if len(shapes) <= 2:
        return " or ".join(shapes)
    return ", ".join(shapes[:-1]) + ", or " + shapes[-1]


def __getattr__(name: str) -> str:
    # The messages are built from the registry (importing every reader), so on demand.
    if name == "SUPPORTED_JSON":
        return supported("json")
    if name == "SUPPORTED_XML":
        return supported("xml")
    raise AttributeError(name)


def detect(doc: Document) -> Detection:
    """The reader for ``doc``.  Raises :class:`InputError` for a JSON or XML document of
    an unknown shape (the message lists the supported shapes)."""
    from discourse.read import readers

    if doc.is_folder:
        for r in readers():
            sniff_folder = getattr(r, "sniff_folder", None)
            reason = sniff_folder(doc.path) if sniff_folder is not None else None
            if reason:
                return Detection(r.NAME, reason)
        raise InputError(doc.source, "is a folder that no reader takes")
    # UTF-16/32 text comes transcoded to UTF-8 (after a UTF-8 BOM) from Document.open.
    sample = doc.head().lstrip(b"\xef\xbb\xbf").lstrip()
    packed = f" ({doc.compression}-compressed)" if doc.compression else ""
    syntax = syntax_of(sample)
    for r in readers():
        if syntax == r.SYNTAX:
            reason = r.sniff(sample)
            if reason:
                return Detection(r.NAME, reason + packed)
    if syntax == "json":
        raise InputError(doc.source, f"JSON document of an unknown shape; supported: "
                                     f"{supported('json')}")
    if syntax == "xml":
        body = _XML_DECL.sub(b"", sample, count=1).lstrip()
        raise InputError(doc.source, f"XML document of an unknown shape (root "
                                     f"{_root(body)}); supported: {supported('xml')}")
    raise InputError(doc.source, "no reader takes this document")


def _root(body: bytes) -> str:
    m = re.match(rb"<([\w:.-]+)", body)
    return f"<{m.group(1).decode('ascii', 'replace')}>" if m else "unknown"
