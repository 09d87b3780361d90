"""Values of structured comment records as the generic reader finds them: field names
normalised for matching, timestamps in their many forms, text in its many forms (plain,
Markdown, HTML, Quill and ProseMirror/TipTap deltas, Draft.js blocks), ids as strings.

Nothing heavy is imported at the top (the registry imports every reader to sniff).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

__all__ = ["as_id", "as_int", "delta_text", "is_delta", "looks_html", "norm", "stamp",
           "stamp_kind", "text_of_value"]

_NORM = re.compile(r"[^a-z0-9]")


def norm(name: str) -> str:
    """A field name for matching: lower case, letters and digits only (``parent_id``,
    ``parentId`` and ``parent-id`` are all ``parentid``)."""
    return _NORM.sub("", name.lower())


def as_id(value: object) -> str | None:
    """An id (a number or a non-empty string) as text; None for anything else (booleans,
    floats with a fraction, containers)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**63 else None
    if isinstance(value, str):
        text = value.strip()
        return text if text and len(text) <= 400 else None
    return None


def as_int(value: object) -> int | None:
    """An integer count or score (numbers and numeric strings); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**63 else None
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,18}\s*", value):
        return int(value)
    return None


# -- timestamps ----------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
                  r"\s*(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$")
_NUMERIC = re.compile(r"^\s*\d{9,16}(?:\.\d+)?\s*$")
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
#: Twitter v1.1 and Weibo: "Wed Oct 10 20:19:24 +0000 2018".
_TWITTER = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}$")


def stamp_kind(value: object) -> str | None:
    """What kind of timestamp ``value`` is — ``"epoch s"``, ``"epoch ms"``, ``"ISO 8601"``,
    ``"RFC 2822"`` — or None when it is none of them."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) or isinstance(value, str) and _NUMERIC.match(value):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        if 1e8 <= number < 1e11:  # 1973 .. 5138 in seconds
            return "epoch s"
        if 1e11 <= number < 1e14:
            return "epoch ms"
        return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _ISO.match(text):
        return "ISO 8601"
    if _RFC2822.match(text):
        return "RFC 2822"
    if _TWITTER.match(text):
        return "ctime with zone"
    return None


def stamp(value: object, naive_utc: bool = False) -> str | None:
    """``value`` as ISO 8601 — UTC ``…Z`` when it carries a zone (epoch numbers do) —
    or None when it is not a timestamp.  ``naive_utc``: a zone-less ISO time is UTC (as
    the Disqus and Hive APIs write them)."""
    from discourse.read.structured import epoch_iso, iso_utc

    kind = stamp_kind(value)
    if kind is None:
        return None
    if kind == "epoch s":
        return epoch_iso(float(value))  # type: ignore[arg-type]
    if kind == "epoch ms":
        return epoch_iso(float(value) / 1000)  # type: ignore[arg-type]
    text = str(value).strip()
    if kind == "ctime with zone":
        try:
            parsed = datetime.strptime(str(value).strip(), "%a %b %d %H:%M:%S %z %Y")
        except ValueError:
            return None
        return iso_utc(parsed.isoformat())
    if kind == "RFC 2822":
        from email.utils import parsedate_to_datetime

        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        return iso_utc(parsed.isoformat())
    text = re.sub(r"\s*(?:UTC|GMT|z)$", "Z", text)
    text = re.sub(r"(\d)\s+([+-]\d{2}:?\d{2}|Z)$", r"\1\2", text)
    text = text.replace(",", ".")

    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(text) <= 10:  # a date without a time
        return parsed.date().isoformat()
    if parsed.tzinfo is None and naive_utc:
        return iso_utc(parsed.isoformat() + "+00:00")
    return iso_utc(parsed.isoformat())


# -- text ----------------------------------------------------------------------------

_TAG = re.compile(r"<(?:p|br|a|i|b|em|strong|u|s|blockquote|pre|code|div|span|ul|ol|li|img|"
                  r"h[1-6]|hr|q|sup|sub|del|small|font|center|table|tr|td)\b[^<>]*>", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)


def looks_html(value: str) -> bool:
    """True when a text carries HTML markup (tags of prose, or character entities)."""
    return bool(_TAG.search(value)) or bool(_ENTITY.search(value)) and "<" not in value


def is_delta(value: object) -> bool:
    """A rich-text document held as JSON: a Quill delta (``{"ops": [{"insert": …}]}``),
    a ProseMirror/TipTap document (``{"type": "doc", "content": […]}``) or Draft.js raw
    content (``{"blocks": [{"text": …}]}``)."""
    if isinstance(value, list) and value and all(isinstance(op, dict) and "insert" in op
                                                 for op in value[:5]):
        return True
    if not isinstance(value, dict):
        return False
    ops = value.get("ops")
    if isinstance(ops, list) and all(isinstance(op, dict) for op in ops[:5]):
        return True
    if value.get("type") == "doc" and isinstance(value.get("content"), list):
        return True
    blocks = value.get("blocks")
    return isinstance(blocks, list) and bool(blocks) and all(
        isinstance(b, dict) and "text" in b for b in blocks[:5])


def delta_text(value: object) -> str:
    """The plain text of a rich-text JSON document (see :func:`is_delta`): paragraphs
    separated by a blank line, quoted lines as ``> `` lines, list items on their own
    lines.  Anything else gives ''."""
    if isinstance(value, list):
        return _quill(value)
    if not isinstance(value, dict):
        return ""
    if isinstance(value.get("ops"), list):
        return _quill(value["ops"])
    if value.get("type") == "doc":
        return _prosemirror(value)
    if isinstance(value.get("blocks"), list):
        return _draft(value["blocks"])
    return ""


def _quill(ops: list[Any]) -> str:
    """Quill: inserts are strings (text) or objects (embeds: left out); a line's format
    (``blockquote``, ``list``) sits on the newline that ends it."""
    lines: list[str] = []
    current: list[str] = []
    for op in ops:
        if not isinstance(op, dict):
            continue
        insert = op.get("insert")
        if not isinstance(insert, str):
            continue
        attrs = op.get("attributes") if isinstance(op.get("attributes"), dict) else {}
        parts = insert.split("\n")
        for i, part in enumerate(parts):
            current.append(part)
            if i < len(parts) - 1:  # a newline ends this line; its attributes format it
                line = "".join(current)
                if attrs.get("blockquote"):
                    line = "> " + line
                lines.append(line)
                current = []
    if "".join(current):
        lines.append("".join(current))
    return _join_lines(lines)


def _prosemirror(doc: dict[str, Any]) -> str:
    """ProseMirror/TipTap JSON: block nodes (paragraph, heading, code_block, list items)
    give paragraphs; ``blockquote`` prefixes its lines with ``> ``; ``hard_break`` is a
    line break; ``text`` nodes give their text.  Iterative (any depth)."""
    paragraphs: list[str] = []
    # stack of (node, quote depth); a paragraph is collected from inline children
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, quote = stack.pop()
        if not isinstance(node, dict):
            continue
        kind = str(node.get("type", ""))
        content = node.get("content") if isinstance(node.get("content"), list) else []
        if kind in ("blockquote", "block_quote"):
            quote += 1
        inline = [c for c in content if isinstance(c, dict) and (
            c.get("type") == "text" or "break" in str(c.get("type", "")).lower()
            or c.get("type") in ("mention", "emoji", "hashtag"))]
        if inline and len(inline) == len(content):
            text = "".join(_inline(c) for c in inline)
            prefix = "> " * quote
            paragraphs.append("\n".join(prefix + line for line in text.split("\n")))
            continue
        for child in reversed(content):
            stack.append((child, quote))
    return "\n\n".join(p for p in paragraphs if p.strip("> \n"))


def _inline(node: dict[str, Any]) -> str:
    if node.get("type") == "text":
        text = node.get("text")
        return text if isinstance(text, str) else ""
    if "break" in str(node.get("type", "")).lower():
        return "\n"
    attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
    label = attrs.get("label") or attrs.get("id") or attrs.get("name") or ""
    return f"@{label}" if node.get("type") == "mention" and label else str(label)


def _draft(blocks: list[Any]) -> str:
    lines = []
    for block in blocks:
        if not isinstance(block, dict) or not isinstance(block.get("text"), str):
            continue
        text = block["text"]
        lines.append("> " + text if block.get("type") == "blockquote" else text)
        lines.append("")
    return _join_lines(lines)


def _join_lines(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_of_value(value: object, html: bool) -> str:
    """The text of one record's text field: HTML through the one HTML-to-text
    conversion, rich-text JSON through :func:`delta_text`, plain text and Markdown as
    they are (line ends normalised, trimmed)."""
    if is_delta(value):
        return delta_text(value)
    if not isinstance(value, str):
        return ""
    if html:
        from discourse.read.htmltext import html_to_text

        return html_to_text(value)
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()
