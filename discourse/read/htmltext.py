"""HTML to plain text: the one conversion every reader uses, for a saved page's comment
element and for an export's HTML fragment alike.

:func:`text_of` is the conversion (of an lxml element); :func:`html_to_text` parses a
fragment given as a string (Hacker News ``text``, a Disqus ``<message>``, WordPress
``comment_content``, Discourse ``cooked``) and converts it with :func:`text_of`.  The
text of a comment is:

* **paragraphs** — block elements (``<p>``, ``<div>``, ``<blockquote>``, ``<pre>``,
  headings, tables, …) and an empty line (``<br><br>``) separate paragraphs by one blank
  line;
* **lines** — ``<br>``, list items and table rows break the line inside a paragraph;
  table cells are separated by a space;
* **quotations** — every line inside a ``<blockquote>`` starts with ``> `` (``> > ``
  when nested; a blank line kept inside a quoted ``<pre>`` is ``>``).  The quotation stays
  in the text, marked as one, so quote detection
  (:func:`~discourse.read.targets.attach_quotes_and_targets`) and the classifier see the
  commenter quoting, whatever the source: a plain-text comment marks quotes the same way.
  The element converted is not itself prefixed: the text of a ``<blockquote>`` element is
  the quotation (readers that take quotes out of the body into ``Comment.quotes`` — phpBB
  and Discourse pages — skip the quote in the body and read it that way);
* **white space** (any Unicode space, and the zero-width space) collapses to one space,
  except inside ``<pre>`` (kept; lines trimmed on the right; blank lines kept inside the
  block) and, with ``keep_newlines``, the source's own line breaks (WordPress shows them:
  one newline breaks the line, two start a paragraph);
* **left out**: scripts, styles, images, form controls and embedded objects (their tails
  are kept), HTML comments, and the elements the caller's ``skip`` names (author lines,
  nested comments, quote headers); entities are decoded once (``&amp;gt;`` → ``&gt;``).

A fragment without markup or entities reads as the same text node would inside markup.
Iterative, so any nesting depth works; lxml's HTML parser never fetches anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["BLOCK_TAGS", "LINE_TAGS", "SKIP_TAGS", "html_to_text", "text_of"]

BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "dir",
     "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
     "h3", "h4", "h5", "h6", "header", "hr", "main", "menu", "nav", "ol", "p", "pre",
     "section", "summary", "table", "tbody", "thead", "tfoot", "ul"])
LINE_TAGS = frozenset(("br", "li", "tr"))
SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "button", "input", "select", "textarea",
     "svg", "img", "iframe", "object", "embed", "head", "title", "meta", "link", "canvas",
     "video", "audio", "map", "area"])
# Marks inside the joined text: paragraph end, line break, soft line end (list item, table
# row), start of <pre> text, blockquote in and out.
_PARA, _BR, _SOFT, _PRE, _QIN, _QOUT = "\x00", "\n", "\x02", "\x01", "\x03", "\x04"
#: White space (any Unicode space, and the zero-width space); within a line.
_WS = re.compile(r"[\s\u200b]+")
_WS_IN_LINE = re.compile(r"(?:[^\S\n]|\u200b)+")
_MARKS = re.compile("([\x00\n\x02\x03\x04])")


def text_of(el: HtmlElement, skip: Callable[[HtmlElement], bool] | None = None,
            keep_newlines: bool = False) -> str:
    """The readable text of ``el`` (see the module docs).  Elements for which ``skip``
    returns true are left out, their tails kept; ``keep_newlines`` keeps the line breaks
    of the source's text."""
    parts: list[str] = []
    pre = 0
    stack: list[tuple[int, HtmlElement]] = [(0, el)]  # 0 open, 1 close
    while stack:
        action, node = stack.pop()
        tag = node.tag
        if action == 1:
            if tag == "pre":
                pre -= 1
            if tag in BLOCK_TAGS:
                parts.append(_PARA)
                if tag == "blockquote" and node is not el:
                    parts.append(_QOUT)
            elif tag in LINE_TAGS:
                parts.append(_SOFT)
            elif tag in ("td", "th"):
                parts.append(" ")
            if node is not el and node.tail:
                parts.append(_text(node.tail, pre, keep_newlines))
            continue
        if not isinstance(tag, str) or tag in SKIP_TAGS or (
                skip is not None and node is not el and skip(node)):
            if node is not el and node.tail:
                parts.append(_text(node.tail, pre, keep_newlines))
            continue
        if tag == "br":
            parts.append(_BR)
            if node.tail:
                parts.append(_text(node.tail, pre, keep_newlines))
            continue
        if tag in BLOCK_TAGS:
            parts.append(_PARA)
            if tag == "blockquote" and node is not el:
                parts.append(_QIN)
        elif tag in LINE_TAGS:
            parts.append(_SOFT)
        if tag == "pre":
            pre += 1
        if node.text:
            parts.append(_text(node.text, pre, keep_newlines))
        stack.append((1, node))
        stack.extend((0, child) for child in reversed(node))
    return _tidy("".join(parts))


#: Fragments with more tags than this are checked for nesting deeper than
#: :data:`_FRAGMENT_DEPTH` (lxml's fragment parser stops at 256 levels).
_FLATTEN_FROM = 400
_FRAGMENT_DEPTH = 200


def html_to_text(fragment: object, keep_newlines: bool = False,
                 skip: Callable[[HtmlElement], bool] | None = None) -> str:
    """The text of an HTML fragment (a comment body given as a string): parsed with lxml's
    HTML parser and converted by :func:`text_of` (see the module docs).  Anything but a
    string (a malformed JSON field: a number, list or object) has no text; a fragment lxml
    cannot parse reads as plain text with its entities decoded."""
    if not isinstance(fragment, str) or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(_text(fragment, 0, keep_newlines))
    from lxml import etree, html

    if fragment.count("<") > _FLATTEN_FROM:
        # libxml2 stops at 256 levels here, losing the text below and after them: the
        # excess nesting (tags only) goes first (discourse.read.html.nesting)
        from discourse.read.html.nesting import flatten

        fragment = flatten(fragment, _FRAGMENT_DEPTH)[0]
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        import html as entities

        return _tidy(_text(entities.unescape(fragment), 0, keep_newlines))
    return text_of(root, skip, keep_newlines)


def _text(text: str, pre: int, keep_newlines: bool = False) -> str:
    if pre:
        return _PRE + text.replace("\r\n", "\n").replace("\n", _BR + _PRE)
    if keep_newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _BR.join(_WS_IN_LINE.sub(" ", line) for line in text.split("\n"))
    return _WS.sub(" ", text)


def _tidy(raw: str) -> str:
    """Join marked text (see :func:`text_of`) into paragraphs separated by a blank line,
    quoted lines prefixed."""
    paragraphs: list[str] = []
    lines: list[tuple[int, str]] = []  # (quote depth, line)
    content: list[str] = []
    depth = 0

    def end_line() -> bool:
        piece = "".join(content)
        content.clear()
        if _PRE in piece:
            line = piece.replace(_PRE, "").rstrip()
            if not line:  # a blank line inside <pre> stays, unless it opens the paragraph
                if lines:
                    lines.append((depth, ""))
                    return True
                return False
        else:
            line = piece.strip()
        if line:
            lines.append((depth, line))
            return True
        return False

    def end_paragraph() -> None:
        while lines and not lines[-1][1]:
            lines.pop()
        if lines:
            paragraphs.append("\n".join(
                line if not level else ("> " * level + line if line else ">" * level)
                for level, line in lines))
            lines.clear()

    for piece in _MARKS.split(raw):
        if piece == _PARA:
            end_line()
            end_paragraph()
        elif piece == _SOFT:
            end_line()
        elif piece == _BR:
            if not end_line():
                end_paragraph()  # an empty line (<br><br>) ends the paragraph
        elif piece == _QIN:
            depth += 1
        elif piece == _QOUT:
            depth -= 1
        elif piece:
            content.append(piece)
    end_line()
    end_paragraph()
    return "\n\n".join(paragraphs)
