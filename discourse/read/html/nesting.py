"""Markup nested deeper than the HTML parser goes, flattened so that no text is lost.

libxml2 (through lxml) stops at a nesting depth of 2048 elements even with ``huge_tree``:
a page where one comment wraps its text in 2,100 ``<div>``\\s then loses that text *and
everything after it* (every later comment).  :func:`flatten` rewrites such a page before
it is parsed again: start and end tags deeper than :data:`MAX_DEPTH` are dropped, their
content stays (it becomes the content of the deepest element kept), so the text and
the rest of the page survive, only the useless nesting goes.

It is a small tag scanner, not a parser: comments, ``<![CDATA[…]]>`` and the contents of
``<script>``, ``<style>``, ``<textarea>`` and the other raw-text elements are passed over;
void elements (``<br>``, ``<img>``, …) do not nest; an end tag closes the innermost open
element of its name and those above it (as browsers do for misnested markup).  It runs
only for pages the parser reported as too deep (:func:`discourse.read.html.parse_html`),
so ordinary pages pay nothing.
"""

from __future__ import annotations

import re

__all__ = ["MAX_DEPTH", "flatten"]

#: Nesting kept (elements deeper than this lose their tags, not their content).
MAX_DEPTH = 512

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"                                     # a comment
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"                           # CDATA
    r"|<(/?)([A-Za-z][A-Za-z0-9:_-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",  # a tag
    re.S)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                   "meta", "param", "source", "track", "wbr", "basefont", "bgsound",
                   "frame", "keygen"})
_RAW = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                  "noframes", "noscript", "plaintext"})


def flatten(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """``html`` with the tags nested deeper than ``max_depth`` removed (their content
    kept), and the deepest nesting found."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []          # (name, kept) of every open element
    where: dict[str, list[int]] = {}            # name -> stack indexes, innermost last
    kept_depth = deepest = 0
    pos = 0
    end = len(html)
    while pos < end:
        m = _TOKEN.search(html, pos)
        if m is None:
            out.append(html[pos:])
            break
        out.append(html[pos:m.start()])
        pos = m.end()
        name = m.group(2)
        if name is None:  # a comment or CDATA: kept as it is
            out.append(m.group())
            continue
        name = name.lower()
        if not m.group(1):  # a start tag
            if name in _VOID:
                out.append(m.group())
                continue
            keep = kept_depth < max_depth
            if keep:
                out.append(m.group())
                kept_depth += 1
            where.setdefault(name, []).append(len(stack))
            stack.append((name, keep))
            deepest = max(deepest, len(stack))
            if name in _RAW:  # its content is text, up to its end tag
                close = re.compile(rf"</{re.escape(name)}\s*>", re.I).search(html, pos)
                stop = close.start() if close else end
                out.append(html[pos:stop])
                pos = stop
            continue
        # an end tag: closes the innermost open element of its name, and those inside it
        open_at = where.get(name)
        if not open_at:
            out.append(m.group())  # stray: the parser ignores it as before
            continue
        index = open_at[-1]
        keep = stack[index][1]
        while len(stack) > index:
            inner, inner_kept = stack.pop()
            where[inner].pop()
            kept_depth -= inner_kept
        if keep:
            out.append(m.group())
    return "".join(out), deepest
