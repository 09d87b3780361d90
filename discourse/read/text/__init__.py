"""The plain-text reader: documents where nesting shows only as list markers and
indentation (the seeds, converter output such as ``lynx -dump``/``w3m -dump``/html2text,
copy-paste from a browser)."""

from __future__ import annotations

from collections.abc import Iterator

from discourse.model import Thread
from discourse.read.source import Document
from discourse.read.text.parser import block_report, parse_text, parse_with_trace

__all__ = ["block_report", "parse_text", "parse_with_trace", "read"]

NAME = "text"
DESCRIBES = "plain text"
SYNTAX = "text"


def sniff(head: bytes) -> str | None:
    """Everything that starts like neither JSON nor markup (detection asks this reader
    only about those documents; it is last in the registry)."""
    return "plain text (no markup or JSON at the start)"


def read(doc: Document) -> Iterator[Thread]:
    """The one thread of a text document; a non-UTF-8 file is decoded as cp1252/latin-1
    (or by its BOM) and the thread's ``warnings`` say so."""
    text, encoding = doc.read_text()
    thread = parse_text(text, source=doc.source, encoding=encoding)
    if encoding != "utf-8":
        thread.warnings.insert(0, f"not UTF-8; decoded as {encoding}")
    if doc.explaining and thread.layout == "headers":
        doc.explain.append(f"{len(thread.comments)} comments told apart by header lines (a "
                           f"name and a time); the list blocks below give fewer, or none")
    for block in block_report(text) if doc.explaining else ():
        ev = ", ".join(f"{k} {v:+.1f}" for k, v in block.evidence.items()) or "no evidence"
        verdict = "comments" if block.is_comments else "not comments"
        doc.explain.append(f"lines {block.start + 1}-{block.end}: list block, score "
                           f"{block.score:+.1f} -> {verdict} ({ev})")
    yield thread
