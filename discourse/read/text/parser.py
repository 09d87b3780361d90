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
    found = _by_headers(lines, first + 1, tops)
    if found is not None:
        # No list gives the comments (or clearly fewer than the headers do): the
        # comment section is told apart by header lines (w3m dumps of HN, Reddit, …).
        start = _heading_start(lines, first + 1, found.start)
        while start > first + 1 and (not lines[start - 1].content or _chrome_line(
                lines[start - 1])):
            start -= 1
        article_lines = lines[first + 1 : start]
        places = [p for p in places if p.place not in ("article",)]
        places += [Placement(ln.number, "article") for ln in article_lines if not ln.blank]
        post = found.article
        if post is not None:  # a forum thread: the first post is the article
            numbers = set(post.text_lines) - {post.line}
            article_lines = [ln for ln in lines if ln.number in numbers]
            places += [Placement(n, "article") for n in sorted(numbers)]
            found.noise.append(post.line)  # its header line ("tilly" / "Oct '22")
        noise_numbers = [ln.number for ln in lines[start:found.start]
                         if not ln.blank] + found.noise
        tops = found.tops
        warnings = [w for w in warnings if "list has some marks" not in w]
        warnings.append(f"line {lines[found.start].number}: comments told apart by their "
                        f"header lines (name and time), not by list markers")
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
    if found is not None and found.article is not None:
        thread.author = found.article.author
    attach_quotes_and_targets(thread)
    return thread, places


def _by_headers(lines: list[Line], begin: int, tops: list[RawComment]):
    """The header-line comments (:mod:`discourse.read.text.headers`) when they beat the
    list markers: the list items start inside the header comments (their texts hold the
    headers), or the headers give more comments and the lists fewer than 60 % as many,
    or mostly comments without an author."""
    from discourse.read.text.headers import header_comments, header_of

    # list comments; with an author; with a header in their text; opening with a header
    listed = named = bearing = marked = 0
    todo = list(tops)
    while todo:
        node = todo.pop()
        todo.extend(node.children)
        if node.inline or COMMENTS_HEADING.match(node.text) or _COUNT_TAB.match(node.text):
            continue  # a "2 comments" tab, not a comment
        listed += 1
        named += bool(node.author)
        bearing += any(header_of(x) is not None for x in node.text.split("\n")[:3])
        first = lines[node.line - 1] if 0 < node.line <= len(lines) else None
        marked += first is not None and header_of(first.after_marker or first.content) \
            is not None
    # Scanning every line for headers costs a fifth of a parse: only where the lists
    # leave room for them (no comments, comments without authors, headers in or on
    # their items, Hacker News's or Reddit's header links anywhere).
    if listed and named >= 0.5 * listed and bearing < 0.5 * listed and not marked and not any(
            "| next" in ln.content or "| link" in ln.content or " children)" in ln.content
            for ln in lines):
        return None
    found = header_comments(lines, begin)
    if found is None:
        return None
    if found.hn or (bearing >= 0.5 * listed and found.count >= 0.5 * listed):
        return found  # the list items cut between a header and its text (HN's vote arrow)
    if found.count < listed or (found.count == listed and named == listed):
        return None
    if listed < 0.6 * found.count or named < 0.5 * listed:
        return found  # the lists give clearly fewer comments, or lists without authors
    return None


_COUNT_TAB = re.compile(r"^\d[\d,.]*\s+comments?$", re.IGNORECASE)


def _is_header(content: str, any_header: bool = False) -> bool:
    """A comment's header line with links ("alice 1 year ago | next [–]"), not
    navigation (``any_header``: with links or not)."""
    from discourse.read.text.headers import header_of

    return (any_header or "|" in content) and header_of(content) is not None


def _chrome_line(line: Line) -> bool:
    from discourse.read.text.headers import _chrome

    return _chrome(line) or bool(COMMENTS_HEADING.search(line.content))


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
        if not any(_NAV.search(lines[j].content) and not _is_header(lines[j].content)
                   for j in para):
            break
        nxt = end
        while nxt < n and not lines[nxt].content:
            nxt += 1
        if nxt >= n:  # nothing after it: keep the first line as the title
            break
        if _is_header(lines[nxt].content, any_header=True):
            break  # a comment's header is no headline: this paragraph holds the title
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
    if top_kind == "header":
        return "headers"  # told apart by header lines, not list markers
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
