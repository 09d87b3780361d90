"""Split a document into :class:`Line` records: indentation, list marker, content."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Unicode bullet glyphs that page-to-text renderers use for ``<li>`` items.  ASCII ``-``,
#: ``*`` and ``+`` are deliberately *not* markers: inside comments they are hand-typed lists
#: ("-1937, purged…") and at column 0 they are footnotes ("* Of course…").
BULLETS = "•◦▪▫‣⁃●○■□∙·"
TAB_WIDTH = 4

_MARKER = re.compile(rf"(?:(?P<num>\d{{1,3}})[.)]|(?P<bullet>[{BULLETS}]))(?:[ \t\u00a0]+|$)")
# Spaces, tabs, no-break and other Unicode spaces (and zero-width ones at the ends).
SPACES = " \t\u00a0\u202f\u3000" + "".join(chr(c) for c in range(0x2000, 0x200B))
_STRIP = SPACES + "\u200b\ufeff"


@dataclass(slots=True)
class Line:
    """One physical line of the document after normalisation."""

    number: int  # 1-based line number in the source
    indent: int  # column of the first visible character
    content: str  # the line without leading/trailing whitespace
    marker: str | None = None  # "num" or "bullet" when the line starts a list item
    number_value: int | None = None  # the item number of a "num" marker
    glyph: str | None = None  # the bullet glyph or "1." style text of the marker
    after_marker: str = ""  # content after the marker

    @property
    def blank(self) -> bool:
        return not self.content


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading byte-order mark is dropped."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[Line]:
    """Turn document text into lines with indentation and list markers recognised."""
    lines: list[Line] = []
    append = lines.append
    for number, raw in enumerate(normalise_newlines(text).split("\n"), start=1):
        if not raw:
            append(Line(number, 0, ""))
            continue
        body = raw.lstrip(SPACES)  # the same as matching ``[SPACES]*``
        lead = len(raw) - len(body)
        indent = lead + (TAB_WIDTH - 1) * raw.count("\t", 0, lead) if lead else 0
        content = body.strip(_STRIP)
        line = Line(number, indent, content)
        if content and (content[0] in BULLETS or content[0].isdecimal()):  # ``\d`` is Nd
            _set_marker(line, content)
        append(line)
    return lines


def _set_marker(line: Line, content: str) -> None:
    """Fill in the marker fields of ``line`` if its content starts with a list marker."""
    m = _MARKER.match(content)
    if not m:
        return
    line.after_marker = content[m.end() :].strip(_STRIP)
    if m.group("num") is not None:
        line.marker = "num"
        line.number_value = int(m.group("num"))
        line.glyph = content[: m.end()].strip()
    else:
        line.marker = "bullet"
        line.glyph = m.group("bullet")
