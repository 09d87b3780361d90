"""Split a document into :class:`Line` records: indentation, list marker, content."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Unicode bullet glyphs that page-to-text renderers use for ``<li>`` items (w3m writes
#: ``•`` ``□`` ``☆`` ``○`` ``■`` ``★`` ``◎`` ``●`` ``△`` by nesting level, then again).
BULLETS = "•◦▪▫‣⁃●○■□∙·☆★◆◇▸▹►▶◎△"
#: ASCII glyphs that converters use for ``<li>`` items: lynx ``*`` ``+`` ``o`` ``#`` ``@`` by
#: level, html2text/markdown ``*`` ``-`` ``+``, inscriptis ``*`` ``+`` ``o`` ``-``.  They are
#: markers of kind ``"ascii"``: a list block may start with them, but inside a comment
#: section they open comments only where the section's own replies use them (hand-typed
#: "- point" lists and "* footnotes" stay text).
ASCII_BULLETS = "*+-o#@"
TAB_WIDTH = 4

_MARKER = re.compile(rf"(?:(?P<num>\d+)(?P<sep>[.)])(?!\d)|(?P<bullet>[{BULLETS}])|"
                     r"(?P<ascii>[*+\-o#@])(?=[ \t\u00a0]))(?:[ \t\u00a0]+|$)")
# Spaces, tabs, no-break and other Unicode spaces (and zero-width ones at the ends).
SPACES = " \t\u00a0\u202f\u3000" + "".join(chr(c) for c in range(0x2000, 0x200B))
_STRIP = SPACES + "\u200b\ufeff"
_FIRST = frozenset(BULLETS + ASCII_BULLETS)
#: Placeholders w3m writes for spacer images (no ``alt``: the file name): white space.
_SPACER = re.compile(r"\[(?:s|spacer|pixel|clear|transparent|1x1|dot|blank)\](?=[ \t\u00a0]|$)"
                     r"|━{3,}(?=[ \t\u00a0]+\S)")  # a wide spacer: a bar, then text


@dataclass(slots=True)
class Line:
    """One physical line of the document after normalisation."""

    number: int  # 1-based line number in the source
    indent: int  # column of the first visible character
    content: str  # the line without leading/trailing whitespace
    marker: str | None = None  # "num", "bullet" or "ascii" when the line starts a list item
    number_value: int | None = None  # the item number of a "num" marker
    glyph: str | None = None  # the bullet glyph or "1." style text of the marker
    #: The marker's class for "same kind of list" decisions: ``"1."``/``"1)"`` for numbers,
    #: else the glyph itself.
    cls: str | None = None
    after_marker: str = ""  # content after the marker
    #: The line opened with a spacer image's placeholder (w3m's "[s]"), read as spaces.
    spacer: bool = False

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
        spacer = body[:1] in "[━" and (found := _SPACER.match(body)) is not None
        if spacer:
            # w3m shows a spacer image ("s.gif", Hacker News's indentation) as "[s]", or
            # as a bar when it is wide
            body = body[found.end():].lstrip(SPACES)  # type: ignore[union-attr]
        lead = len(raw) - len(body)
        indent = lead + (TAB_WIDTH - 1) * raw.count("\t", 0, lead) if lead else 0
        content = body.strip(_STRIP)
        line = Line(number, indent, content, spacer=spacer)
        if content and (content[0] in _FIRST or content[0].isdecimal()):  # ``\d`` is Nd
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
        line.glyph = content[: m.end()].strip(_STRIP)
        line.cls = "1" + m.group("sep")
    elif m.group("bullet") is not None:
        line.marker = "bullet"
        line.glyph = line.cls = m.group("bullet")
    else:
        line.marker = "ascii"
        line.glyph = line.cls = m.group("ascii")
