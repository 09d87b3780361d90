"""A talk page's comments and reply tree from its lines, whatever the flavour (wikitext,
legacy-parser HTML, Parsoid HTML): the one place where signatures cut comments and
indentation makes the tree.

**Sections.**  A heading (``== … ==`` to ``====== … ======``, ``<h2>``–``<h6>``) starts a
discussion.  The whole page is one :class:`~discourse.model.Thread` (the talk page); the
first comment of each section is a top-level comment (it answers the page), so a section
is a top-level comment with its replies.  Text before the first heading is a section too.

**Comments.**  Lines are gathered until a line ends with a signature (see
:mod:`~discourse.read.mediawiki.signatures`); that line closes the comment.  An unsigned
paragraph therefore joins the next signed comment (talk pages have no other boundary), and
an unsigned tail at the end of a section is a comment of its own.  Lines of templates,
tables and categories do not start a comment (they are kept inside one already started).

**Tree.**  A comment's level is the indentation of its first line (``:``, ``*``, ``#``
in wikitext; ``dl``/``ul``/``ol`` nesting in HTML).  Within a section: the first comment
answers the page; a later comment at the section's outermost indentation (or less
indented than the opening post) answers the opening post; a more indented comment answers
the nearest earlier comment with less indentation.  Every parent is an earlier comment on
the current branch, so the tree's depth-first order is the page's order.

**Keys.**  Wikitext has no comment ids: ``platform_id`` is the display position over the
whole page, ``c001``, ``c002``, … (as the labelling packets key talk pages), so the same
page gives the same keys from wikitext and from HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from discourse.read.assemble import Post

__all__ = ["Line", "Section", "comments_of", "posts_of"]


@dataclass(slots=True)
class Line:
    """One line of a talk page (indentation removed).

    ``body`` is the line's source (wikitext, or an HTML fragment), ``signed`` whether it
    ends with a signature, ``users`` the users its user-page links name (in order);
    ``table`` marks table markup (``{|``, ``|``, ``!``) and ``furniture`` a line that
    never starts a comment (templates, categories, table rows, an empty indented line).
    ``blank`` is an empty line (a paragraph break).
    """

    level: int
    body: str
    signed: bool = False
    users: list[str] = field(default_factory=list)
    table: bool = False
    furniture: bool = False
    blank: bool = False
    number: int | None = None


@dataclass(slots=True)
class Section:
    """A heading's discussion: its title, anchor and lines."""

    title: str
    lines: list[Line] = field(default_factory=list)
    anchor: str | None = None


@dataclass(slots=True)
class RawComment:
    level: int
    lines: list[Line]

    @property
    def signature_line(self) -> Line | None:
        for line in reversed(self.lines):
            if line.signed:
                return line
        return None

    @property
    def author(self) -> str | None:
        sig = self.signature_line
        if sig is not None and sig.users:
            return sig.users[-1]
        for line in reversed(self.lines):
            if line.users:
                return line.users[-1]
        return None


def comments_of(lines: Sequence[Line]) -> list[RawComment]:
    """The comments of one section's lines (see the module docs)."""
    out: list[RawComment] = []
    buf: list[Line] = []
    level: int | None = None

    def flush() -> None:
        nonlocal buf, level
        if any(not line.blank and line.body.strip() for line in buf):
            while buf and buf[-1].blank:
                buf.pop()
            out.append(RawComment(level or 0, buf))
        buf, level = [], None

    for line in lines:
        if line.blank:
            if buf and not buf[-1].blank:
                buf.append(line)
            continue
        if not buf and line.table and not line.signed:
            continue
        if line.furniture and not line.signed:
            if buf:
                buf.append(line)
            continue
        if level is None:
            level = line.level
        buf.append(line)
        if line.signed:
            flush()
    flush()
    return out


def posts_of(sections: Sequence[Section], render: Callable[[list[Line]], str],
             timestamp: Callable[[RawComment], str | None],
             url: str | None = None) -> list[Post]:
    """Posts (keys ``c001``…, parents by indentation) of a page's sections."""
    posts: list[Post] = []
    n = 0
    for section in sections:
        stack: list[tuple[int, str]] = []  # (level, key) of the current branch
        opener: tuple[int, str] | None = None
        for raw in comments_of(section.lines):
            n += 1
            key = f"c{n:03d}"
            if opener is None:
                parent = None
                opener = (raw.level, key)
                stack = [opener]
            else:
                found = next((item for item in reversed(stack) if item[0] < raw.level), None)
                if found is None or raw.level <= opener[0]:
                    found = opener
                parent = found[1]
                stack = [item for item in stack if item[0] < raw.level] + [(raw.level, key)]
                if opener not in stack:
                    stack.insert(0, opener)
            text = render(raw.lines)
            first = next((line.number for line in raw.lines if line.number), None)
            posts.append(Post(
                key=key, parent=parent, text=text, author=raw.author,
                timestamp=timestamp(raw), platform_id=key, line=first,
                permalink=f"{url}#{section.anchor}" if url and section.anchor else None))
    return posts


_ANCHOR_DROP = re.compile(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]")


def anchor(title: str) -> str:
    """The URL fragment MediaWiki gives a heading (links shown as their label, spaces as
    underscores)."""
    from urllib.parse import quote

    shown = _ANCHOR_DROP.sub(r"\1", title)
    shown = re.sub(r"'{2,5}|<[^>]+>", "", shown)
    return quote("_".join(shown.split()), safe="!$'()*,/:;@~-._")
