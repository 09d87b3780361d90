"""Render a :class:`~discourse.model.Thread` back to page text in any of the three layouts.

This is the inverse of the parser, used by the property tests (render → parse → same
tree) and by the benchmark corpus generator.  Conventions follow the seeds: markers are
indented 2 columns per depth level starting at column 2, a comment's further lines sit at
its marker's column + 2, and replies are separated from what precedes them by a blank line.
"""

from __future__ import annotations

from discourse.model import LAYOUTS, Comment, Thread

INDENT = 2


def render(
    thread: Thread,
    layout: str,
    heading: str | None = None,
    footer: list[str] | None = None,
) -> str:
    """Page text for ``thread``: title, article, optional heading, comments, optional footer.

    Article lines that start with a list marker are indented like a rendered ``<li>``.
    In the ``bullets`` layout (Blogger) authors are not shown and a comment's paragraphs
    follow each other without blank lines.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}")
    out: list[str] = [thread.title, ""]
    out += [_article_line(line) for line in thread.article.split("\n")]
    if thread.comments:
        out += ["", ""]
        if heading:
            out += [heading, ""]
        kids = thread.children()
        for i, top in enumerate(kids.get(None, []), start=1):
            _comment(out, top, i, layout, kids)
    if footer:
        out += ["", *footer]
    return "\n".join(out) + "\n"


def _article_line(line: str) -> str:
    from discourse.read.text.lines import split_lines

    parsed = split_lines(line)[0]
    return " " * INDENT + line if parsed.marker is not None else line


def _marker(layout: str, depth: int, position: int) -> str:
    if layout == "bullets" or (layout == "numbered-bullets" and depth > 0):
        return "• "
    return f"{position}. "


def _author_line(layout: str, author: str) -> str:
    return f"Avatar {author} says:" if layout == "numbered" else f"{author} says"


def _comment(out: list[str], c: Comment, position: int, layout: str,
             kids: dict[str | None, list[Comment]]) -> None:
    col = INDENT * (c.depth + 1)
    pad, body_pad = " " * col, " " * (col + INDENT)
    tight = layout == "bullets"
    paragraphs = [p.split("\n") for p in c.text.split("\n\n")] if c.text else []
    notes = [k for k in kids.get(c.id, []) if k.inline]
    replies = [k for k in kids.get(c.id, []) if not k.inline]
    for note in notes:
        paragraphs.append(f"{note.author} responds: {note.text}".split("\n"))
    marker = _marker(layout, c.depth, position)
    if out and out[-1] != "":
        out.append("")
    if c.author and layout != "bullets":
        out.append(pad + marker + _author_line(layout, c.author))
        first_pending = False
        if paragraphs:
            out.append("")
    else:
        first_pending = True
    for k, para in enumerate(paragraphs):
        if k and not tight:
            out.append("")
        for j, line in enumerate(para):
            if first_pending and k == 0 and j == 0:
                out.append(pad + marker + line)
            else:
                out.append(body_pad + line)
    if first_pending and not paragraphs:
        out.append(pad + marker.rstrip())
    for i, reply in enumerate(replies, start=1):
        _comment(out, reply, i, layout, kids)
