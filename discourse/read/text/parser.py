"""Turn a document's text into a :class:`~discourse.model.Thread`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from discourse.errors import InputError
from discourse.model import Comment, Thread
from discourse.read.targets import attach_quotes_and_targets
from discourse.read.text.lines import Line, split_lines
from discourse.read.text.sections import (
    COMMENTS_HEADING,
    COUNT_HEADING,
    Block,
    find_blocks,
    level_glyphs,
    reindent_bodies,
    score_blocks,
)
from discourse.read.text.tree import RawComment, build_block


@dataclass(slots=True)
class Placement:
    """Where one non-blank input line went: ``"title"``, ``"article"``, ``"noise"`` or a
    comment id."""

    line: int
    place: str


def parse_text(text: str, source: str | None = None, encoding: str = "utf-8") -> Thread:
    """Parse one document's text into a thread (article + reply tree)."""
    return parse_with_trace(text, source, encoding)[0]


def parse_with_trace(
    text: str, source: str | None = None, encoding: str = "utf-8"
) -> tuple[Thread, list[Placement]]:
    """Parse and also say where every non-blank line went (for the "nothing lost" check)."""
    lines = split_lines(text)
    first = next((i for i, ln in enumerate(lines) if not ln.blank), None)
    if first is None:
        raise InputError(source, "empty file (no text to parse)")
    level_glyphs(lines)
    reindent_bodies(lines)
    warnings: list[str] = []
    chrome, first = _site_chrome(lines, first)
    places: list[Placement] = [Placement(lines[first].number, "title")]
    places += [Placement(lines[k].number, "noise") for k in chrome]
    blocks = find_blocks(lines, begin=first + 1)
    score_blocks(lines, blocks)
    comment_blocks = [b for b in blocks if b.is_comments]
    article_end = comment_blocks[0].start if comment_blocks else len(lines)
    article_end = _heading_start(lines, first + 1, article_end)
    for b in blocks:
        if not b.is_comments and b.start < article_end and b.score > 0:
            warnings.append(f"line {lines[b.start].number}: list has some marks of a comment "
                            f"section (score {b.score:.1f}) but not enough; kept in the article")

    article_lines = [ln for ln in lines[first + 1 : article_end]]
    places += [Placement(ln.number, "article") for ln in article_lines if not ln.blank]

    tops: list[RawComment] = []
    noise_numbers: list[int] = []
    covered: set[int] = set()
    for b in comment_blocks:
        block_tops, block_noise = build_block(lines, b, len(tops) + 1, warnings)
        tops += block_tops
        noise_numbers += block_noise
        covered.update(range(b.start, b.end))
    noise_numbers += [
        ln.number for i, ln in enumerate(lines[article_end:], start=article_end)
        if not ln.blank and i not in covered
    ]
    comments = _to_comments(tops, places)
    if not comments:
        count = _count_heading(lines, first + 1)
        if count is not None:
            number, heading = count
            warnings.append(f"line {heading.number}: heading \"{heading.content}\" counts "
                            f"{number} comments but no comment section was found")
    noise_set = set(noise_numbers)
    places += [Placement(n, "noise") for n in sorted(noise_set)]
    thread = Thread(
        source=source,
        layout=_layout(tops) if tops else None,
        title=_MARKDOWN_HEADING.sub("", lines[first].content) or lines[first].content,
        article=_join(article_lines),
        comments=comments,
        noise=[lines[k].content for k in chrome] +
              [lines[n - 1].content for n in sorted(noise_set)],
        warnings=warnings,
        encoding=encoding,
    )
    attach_quotes_and_targets(thread)
    return thread, places


def _heading_start(lines: list[Line], begin: int, end: int) -> int:
    """Move ``end`` back over comment-section headings ("17 comments", "Leave a reply")."""
    k = end
    heading = False
    while k > begin:
        prev = lines[k - 1]
        if prev.blank or COMMENTS_HEADING.search(prev.content):
            heading = heading or not prev.blank
            k -= 1
        elif heading and prev.content.isdigit():  # "13" above "Kommentare:"
            k -= 1
        else:
            break
    # Keep trailing blank lines out of the decision: only move past real headings.
    while k < end and lines[k].blank:
        k += 1
    return k


def _join(lines: list[Line]) -> str:
    """Lines' contents with single newlines, paragraphs separated by one blank line."""
    out: list[str] = []
    blank = False
    for ln in lines:
        if ln.blank:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(ln.content)
    return "\n".join(out)


def _to_comments(tops: list[RawComment], places: list[Placement]) -> list[Comment]:
    """Comments with dotted ids, in line order; iterative (nesting of any depth)."""
    comments: list[Comment] = []
    todo: list[tuple[RawComment, str, str | None]] = [
        (top, str(i), None) for i, top in reversed(list(enumerate(tops, start=1)))]
    while todo:
        node, cid, parent_id = todo.pop()
        comments.append(Comment(id=cid, parent_id=parent_id, depth=node.depth,
                                author=node.author, text=node.text, inline=node.inline,
                                line=node.line))
        lines = set(node.text_lines)
        if not node.inline:
            lines.add(node.line)
        places.extend(Placement(n, cid) for n in sorted(lines))
        todo.extend((child, f"{cid}.{i}", cid)
                    for i, child in reversed(list(enumerate(node.children, start=1))))
    comments.sort(key=lambda c: c.line or 0)
    return comments


_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
#: Navigation lines: "Skip to content", "Jump to navigation", "Home | About | Contact",
#: "Home About Blog Contact", "Menu".
_NAV = re.compile(
    r"^(?:skip|jump)\s+to\s+(?:the\s+)?(?:main\s+)?(?:content|navigation|menu|main)\b"
    r"|^(?:skip|toggle)\s+navigation$|^(?:main\s+)?(?:menu|navigation)$"
    r"|^[^|]{1,40}(?:\s[|·•»/]\s[^|]{1,40}){2,}$"
    r"|^(?:[^|]{1,40}\s?\|\s?){1,}[^|]{1,40}$"
    r"|^home(?:\s+[A-Z][\w&’'-]*){2,8}$",
    re.IGNORECASE,
)


def _site_chrome(lines: list[Line], first: int) -> tuple[list[int], int]:
    """``(indices of site-chrome lines before the headline, index of the headline)``.

    The first paragraph is site chrome when one of its lines is navigation (see
    :data:`_NAV`); it goes to noise with any further navigation-only paragraphs, and the
    title is the first line after them.  Without navigation the first line is the title."""
    chrome: list[int] = []
    k = first
    n = len(lines)
    while k < n:
        end = k
        while end < n and lines[end].content:
            end += 1
        para = range(k, end)
        if not any(_NAV.search(lines[j].content) for j in para):
            break
        nxt = end
        while nxt < n and not lines[nxt].content:
            nxt += 1
        if nxt >= n:  # nothing after it: keep the first line as the title
            break
        chrome.extend(para)
        k = nxt
    return chrome, k


def _count_heading(lines: list[Line], begin: int) -> tuple[int, Line] | None:
    """``(count, heading line)`` of the last comment-count heading ("19 comments",
    "Comments (19)", "13" above "Kommentare:") with a count above zero."""
    found = None
    prev: Line | None = None
    for line in lines[begin:]:
        if not line.content:
            continue
        if len(line.content) <= 80 and line.marker is None:
            m = COUNT_HEADING.match(line.content)
            if m:
                raw = m.group("n") or m.group("m")
                number = int(re.sub(r"[,.]", "", raw))
                if number > 0:
                    found = (number, line)
            elif prev is not None and prev.content.isdigit() and \
                    COMMENTS_HEADING.match(line.content) and int(prev.content) > 0:
                found = (int(prev.content), line)
        prev = line
    return found


def _layout(tops: list[RawComment]) -> str:
    top_kind = tops[0].kind
    if top_kind != "num":
        return "bullets"
    nested = [ch.kind for t in tops for ch in t.children if not ch.inline]
    if nested and max(set(nested), key=nested.count) != "num":
        return "numbered-bullets"
    return "numbered"


def block_report(text: str) -> list[Block]:
    """The list blocks of a document with their scores and evidence (for ``--explain``)."""
    lines = split_lines(text)
    first = next((i for i, ln in enumerate(lines) if not ln.blank), 0)
    level_glyphs(lines)
    reindent_bodies(lines)
    first = _site_chrome(lines, first)[1]
    blocks = find_blocks(lines, begin=first + 1)
    score_blocks(lines, blocks)
    return blocks
