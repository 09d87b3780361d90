"""Rebuild the reply tree of one comment block from the relative indentation of its markers.

Nesting comes from a stack of marker columns: a marker deeper than the open comment's
marker starts a reply to it; a marker at the same column or shallower closes comments
until the stack top is shallower.  Which marker lines can open a comment is decided by
:func:`~discourse.read.text.sections.reply_marker_lines`; the others are lists written inside
a comment and stay in its text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from discourse.read.text.authors import (
    author_and_text,
    author_of,
    inline_note,
    is_furniture,
    is_timestamp,
)
from discourse.read.text.lines import Line
from discourse.read.text.sections import Block, reply_marker_lines


@dataclass(slots=True)
class RawComment:
    """A comment while the tree is being built (before ids are assigned)."""

    line: int  # 1-based line of its marker (or of its first line for inline notes)
    column: int
    kind: str  # "num" or "bullet" ("inline" for embedded notes)
    parent: RawComment | None
    depth: int
    body: list[Line | None] = field(default_factory=list)  # None marks a paragraph break
    children: list[RawComment] = field(default_factory=list)
    author: str | None = None
    text: str = ""
    inline: bool = False
    text_lines: list[int] = field(default_factory=list)  # line numbers holding its text


def build_block(
    lines: list[Line], block: Block, next_top_number: int, warn: list[str]
) -> tuple[list[RawComment], list[int]]:
    """Build the comments of one block; return ``(top-level comments, noise line numbers)``.

    Lines of the block before its first comment (a tag list right above the thread) go
    to noise.  A body line belongs to the innermost open comment: only markers close
    comments (converters indent preformatted text and wrapped lines freely)."""
    reply_idx = reply_marker_lines(lines, block)
    # The column of top-level comments: the block's, or, when the block opens with a list
    # above the thread (tags in another column), that of its first comment.
    base = lines[min(reply_idx)].indent if reply_idx else block.column
    top_cls, nested_cls = _reply_classes(lines, block, reply_idx, base)
    top: list[RawComment] = []
    stack: list[RawComment] = []
    noise: list[int] = []
    expected = next_top_number
    for k in range(block.start, block.end):
        line = lines[k]
        if not line.content:
            if stack:
                stack[-1].body.append(None)
            continue
        # A marker left of the top-level column (a pingback the page indents less) is
        # top-level too.
        column = max(line.indent, base)
        is_reply = k in reply_idx and (
            line.cls in top_cls if column == base else line.cls in nested_cls)
        if is_reply and line.marker == "num" and (line.number_value or 0) >= 1000:
            # A 4+ digit number ("1942. The year…") opens a comment only in sequence.
            depth = len(stack)
            while depth and stack[depth - 1].column >= column:
                depth -= 1
            want = len(stack[depth - 1].children) + 1 if depth else expected
            is_reply = line.number_value == want
        if is_reply:
            while stack and stack[-1].column >= column:
                stack.pop()
            parent = stack[-1] if stack else None
            if parent is None and line.indent != base:
                warn.append(f"line {line.number}: comment marker in column {line.indent}, "
                            f"expected {base}; taken as top-level")
            node = RawComment(line=line.number, column=column, kind=line.marker or "",
                              parent=parent, depth=len(stack))
            if parent is not None:
                siblings = parent.children
                if siblings and siblings[-1].column != column:
                    warn.append(f"line {line.number}: inconsistent indentation (reply in column "
                                f"{line.indent}, its earlier sibling in {siblings[-1].column})")
                if line.marker == "num":
                    _check_number(line, len(siblings) + 1, warn)
                siblings.append(node)
            else:
                if line.marker == "num":
                    _check_number(line, expected, warn)
                    expected = (line.number_value or expected) + 1
                top.append(node)
            node.body.append(_strip_marker(line))
            stack.append(node)
            continue
        if not stack:
            noise.append(line.number)  # before the first comment: tags, list furniture
            continue
        stack[-1].body.append(line)
    authors = {lines[k].number: name for k, name in block.authors.items()}
    _finish(top, noise, authors)
    return top, noise


def _reply_classes(lines: list[Line], block: Block, reply_idx: set[int], column: int
                   ) -> tuple[set[str | None], set[str | None]]:
    """Marker classes (``"1."``, ``"1)"``, a glyph) that open comments at the block's
    column and deeper.

    Where items open with author lines, the classes of those items (of the more common
    family, numbers or bullets): a numbered list or typed ``1)`` enumeration inside an
    authored comment stays text.  Otherwise any class
    at the block's column, and deeper the classes of the most common marker kind among
    paragraph-opening markers (ASCII glyphs only when the block's own markers are ASCII:
    hand-typed "- point" lists stay text)."""
    top = _majority_family(lines, [k for k in block.authors if lines[k].indent <= column])
    nested = _majority_family(lines, [k for k in block.authors if lines[k].indent > column])
    if not top:
        top = {lines[k].cls for k in reply_idx if lines[k].indent <= column}
    if not nested:
        ascii_ok = lines[block.start].marker == "ascii"
        kinds = Counter(lines[k].marker for k in reply_idx if lines[k].indent > column
                        and (ascii_ok or lines[k].marker != "ascii"))
        if kinds:
            kind = kinds.most_common(1)[0][0]
            nested = {lines[k].cls for k in reply_idx
                      if lines[k].indent > column and lines[k].marker == kind}
    return top, nested


def _majority_family(lines: list[Line], marker_lines: list[int]) -> set[str | None]:
    """Classes of the more common family (numbers or bullets) among ``marker_lines``."""
    families = Counter(lines[k].marker == "num" for k in marker_lines)
    if not families:
        return set()
    family = families.most_common(1)[0][0]
    return {lines[k].cls for k in marker_lines if (lines[k].marker == "num") == family}


def _check_number(line: Line, expected: int, warn: list[str]) -> None:
    if line.number_value != expected:
        warn.append(f"line {line.number}: numbering breaks off (expected {expected}, "
                    f"found {line.number_value}); nesting kept from indentation")


def _strip_marker(line: Line) -> Line:
    return Line(line.number, line.indent, line.after_marker)


def _paragraphs(body: list[Line | None]) -> list[list[Line]]:
    paras: list[list[Line]] = []
    current: list[Line] = []
    for item in body:
        if item is None:
            if current:
                paras.append(current)
                current = []
        elif item.content:
            current.append(item)
    if current:
        paras.append(current)
    return paras


def _is_chrome(content: str) -> bool:
    return is_furniture(content) or is_timestamp(content)


def _finish(tops: list[RawComment], noise: list[int], authors: dict[int, str]) -> None:
    """Author line, inline notes, furniture and text of every comment under ``tops``
    (iteratively: any depth)."""
    todo = list(reversed(tops))
    while todo:
        node = todo.pop()
        _finish_one(node, noise, authors)
        todo.extend(child for child in reversed(node.children) if not child.inline)


def _finish_one(node: RawComment, noise: list[int], authors: dict[int, str]) -> None:
    paras = _paragraphs(node.body)
    name = None
    if paras:
        first = paras[0][0]
        # a list mark that opens no comment ("• Alex says" under a bare "★") is no part
        # of the name
        said = first.after_marker if first.marker else first.content
        both = author_and_text(said) if author_of(said) is None else None
        if both is not None:
            # "alice says: First." -- the name is the author, the rest her text.
            node.author = both[0]
            paras[0][0] = Line(first.number, first.indent, both[1])
        else:
            name = authors.get(first.number) if first.number == node.line else None
            if name is None:
                name = author_of(said)
    if name is not None:
        node.author = name
        author_line = paras[0][0]
        node.text_lines.append(author_line.number)
        rest = paras[0][1:]
        paras = ([rest] if rest else []) + paras[1:]
        # Date/time and "Reply" lines right under the author line are page furniture.
        while paras and _is_chrome(paras[0][0].content):
            noise.append(paras[0][0].number)
            paras[0] = paras[0][1:]
            if not paras[0]:
                paras = paras[1:]
        if not paras:  # an author line and nothing else: keep the line, do not invent text
            node.author = None
            node.text_lines.clear()
            paras = [[author_line]]  # (not the marker's line: a bare "★" holds nothing)
    # Furniture lines ending the comment ("Reply", "Like · Report", a timestamp).
    while paras and len(paras[-1]) > 0 and is_furniture(paras[-1][-1].content) and \
            (len(paras) > 1 or len(paras[-1]) > 1):
        noise.append(paras[-1][-1].number)
        paras[-1] = paras[-1][:-1]
        if not paras[-1]:
            paras.pop()
    kept: list[list[Line]] = []
    notes: list[RawComment] = []
    for para in paras:
        lines = []
        for ln in para:
            if len(para) == 1 and is_furniture(ln.content):
                noise.append(ln.number)
            else:
                lines.append(ln)
        head: list[Line] = []  # lines of the paragraph that cannot start a note
        if lines and lines[0].number == node.line and not node.inline and \
                inline_note(lines[0].content):
            # "• AK responds: …" as a comment's own first line: the comment is AK's, not
            # a note inside it (split off, it would leave an empty comment on that line)
            name, rest = inline_note(lines[0].content)  # type: ignore[misc]
            if node.author is not None:  # "alice says: AK responds: …": her text
                head = lines[:1]
            elif rest:
                node.author, head = name, [Line(lines[0].number, lines[0].indent, rest)]
            else:
                node.author = name
                node.text_lines.append(lines[0].number)
            lines = lines[1:]
        # An inline note runs from its "NAME responds:" line to the end of the paragraph.
        start = next((i for i, ln in enumerate(lines) if inline_note(ln.content)), None)
        if start is None:
            if head + lines:
                kept.append(head + lines)
            continue
        if head or start:
            kept.append(head + lines[:start])
        note_lines = lines[start:]
        name, text = inline_note("\n".join(ln.content for ln in note_lines))  # type: ignore[misc]
        notes.append(RawComment(line=note_lines[0].number, column=note_lines[0].indent,
                                kind="inline", parent=node, depth=node.depth + 1, author=name,
                                text=text, inline=True,
                                text_lines=[ln.number for ln in note_lines]))
    node.text = "\n\n".join("\n".join(ln.content for ln in para) for para in kept)
    node.text_lines.extend(ln.number for para in kept for ln in para)
    if notes:
        node.children = sorted(notes + node.children, key=lambda c: c.line)
