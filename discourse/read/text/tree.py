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

from discourse.read.text.authors import author_of, inline_note, is_furniture, is_timestamp
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
    """Build the comments of one block; return ``(top-level comments, noise line numbers)``."""
    reply_idx = reply_marker_lines(lines, block)
    nested_kind = _majority_kind(lines, reply_idx, block.column)
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
        is_reply = k in reply_idx and (line.indent == block.column or line.marker == nested_kind)
        if is_reply:
            while stack and stack[-1].column >= line.indent:
                stack.pop()
            parent = stack[-1] if stack else None
            if parent is None and line.indent != block.column:
                warn.append(f"line {line.number}: comment marker in column {line.indent}, "
                            f"expected {block.column}; taken as top-level")
            node = RawComment(line=line.number, column=line.indent, kind=line.marker or "",
                              parent=parent, depth=len(stack))
            if parent is not None:
                siblings = parent.children
                if siblings and siblings[-1].column != line.indent:
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
        while stack and stack[-1].column >= line.indent:
            stack.pop()
        owner = stack[-1] if stack else _last_open(top)
        if not stack:
            warn.append(f"line {line.number}: text in the comment column; kept with comment "
                        f"that starts at line {owner.line}")
            stack.append(owner)
        owner.body.append(line)
    for node in top:
        _finish(node, noise)
    return top, noise


def _majority_kind(lines: list[Line], reply_idx: set[int], column: int) -> str | None:
    kinds = Counter(lines[k].marker for k in reply_idx if lines[k].indent > column)
    return kinds.most_common(1)[0][0] if kinds else None


def _check_number(line: Line, expected: int, warn: list[str]) -> None:
    if line.number_value != expected:
        warn.append(f"line {line.number}: numbering breaks off (expected {expected}, "
                    f"found {line.number_value}); nesting kept from indentation")


def _strip_marker(line: Line) -> Line:
    return Line(line.number, line.indent, line.after_marker)


def _last_open(top: list[RawComment]) -> RawComment:
    node = top[-1]
    while node.children:
        node = node.children[-1]
    return node


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


def _finish(node: RawComment, noise: list[int]) -> None:
    """Author line, inline notes, furniture and text of ``node`` and its subtree."""
    paras = _paragraphs(node.body)
    if paras and (name := author_of(paras[0][0].content)) is not None:
        node.author = name
        node.text_lines.append(paras[0][0].number)
        rest = paras[0][1:]
        if rest and is_timestamp(rest[0].content):
            noise.append(rest[0].number)
            rest = rest[1:]
        paras = ([rest] if rest else []) + paras[1:]
        if not paras:  # an author line and nothing else: keep the line, do not invent text
            node.author = None
            node.text_lines.clear()
            paras = [[node.body[0]]] if node.body and node.body[0] is not None else []
    kept: list[list[Line]] = []
    notes: list[RawComment] = []
    for para in paras:
        lines = []
        for ln in para:
            if len(para) == 1 and is_furniture(ln.content):
                noise.append(ln.number)
            else:
                lines.append(ln)
        # An inline note runs from its "NAME responds:" line to the end of the paragraph.
        start = next((i for i, ln in enumerate(lines) if inline_note(ln.content)), None)
        if start is None:
            if lines:
                kept.append(lines)
            continue
        if start:
            kept.append(lines[:start])
        note_lines = lines[start:]
        name, text = inline_note("\n".join(ln.content for ln in note_lines))  # type: ignore[misc]
        notes.append(RawComment(line=note_lines[0].number, column=note_lines[0].indent,
                                kind="inline", parent=node, depth=node.depth + 1, author=name,
                                text=text, inline=True,
                                text_lines=[ln.number for ln in note_lines]))
    node.text = "\n\n".join("\n".join(ln.content for ln in para) for para in kept)
    node.text_lines.extend(ln.number for para in kept for ln in para)
    node.children = sorted(notes + node.children, key=lambda c: c.line)
    for child in node.children:
        if not child.inline:
            _finish(child, noise)
