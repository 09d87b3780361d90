"""Checks shared by the text parser's tests."""

from __future__ import annotations

from discourse.read.text.lines import split_lines
from discourse.read.text.parser import parse_with_trace


def assert_nothing_lost(text: str) -> None:
    """Every non-blank line is placed exactly once, and its words are in that place."""
    thread, places = parse_with_trace(text)
    lines = split_lines(text)
    nonblank = [ln.number for ln in lines if not ln.blank]
    placed = [p.line for p in places]
    assert sorted(placed) == nonblank, "every non-blank line placed exactly once"
    by = thread.by_id()
    noise = list(thread.noise)
    for p in places:
        line = lines[p.line - 1]
        content = line.after_marker if line.marker and p.place in by else line.content
        if p.place == "title":
            assert line.content.endswith(thread.title)  # "# Title" (Markdown) -> "Title"
        elif p.place == "article":
            assert content in thread.article
        elif p.place == "noise":
            noise.remove(content)
        else:
            c = by[p.place]
            in_text = content in c.text or c.text in content
            assert in_text or (c.author and c.author in content), (p, content, c)
    assert noise == [], "every noise line comes from one input line"
