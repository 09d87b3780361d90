"""Turn a document's text into a :class:`~discourse.model.Thread`."""

from __future__ import annotations

from dataclasses import dataclass

from discourse.errors import InputError
from discourse.model import Comment, Thread
from discourse.read.targets import attach_quotes_and_targets
from discourse.read.text.lines import Line, split_lines
from discourse.read.text.sections import COMMENTS_HEADING, Block, find_blocks, score_blocks
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
    warnings: list[str] = []
    places: list[Placement] = [Placement(lines[first].number, "title")]
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
    noise_set = set(noise_numbers)
    places += [Placement(n, "noise") for n in sorted(noise_set)]
    thread = Thread(
        source=source,
        layout=_layout(tops) if tops else None,
        title=lines[first].content,
        article=_join(article_lines),
        comments=comments,
        noise=[lines[n - 1].content for n in sorted(noise_set)],
        warnings=warnings,
        encoding=encoding,
    )
    attach_quotes_and_targets(thread)
    return thread, places


def _heading_start(lines: list[Line], begin: int, end: int) -> int:
    """Move ``end`` back over comment-section headings ("17 comments", "Leave a reply")."""
    k = end
    while k > begin:
        prev = lines[k - 1]
        if prev.blank or COMMENTS_HEADING.search(prev.content):
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
    comments: list[Comment] = []

    def visit(node: RawComment, cid: str, parent_id: str | None) -> None:
        comments.append(Comment(id=cid, parent_id=parent_id, depth=node.depth,
                                author=node.author, text=node.text, inline=node.inline,
                                line=node.line))
        lines = set(node.text_lines)
        if not node.inline:
            lines.add(node.line)
        places.extend(Placement(n, cid) for n in sorted(lines))
        for i, child in enumerate(node.children, start=1):
            visit(child, f"{cid}.{i}", cid)

    for i, top in enumerate(tops, start=1):
        visit(top, str(i), None)
    comments.sort(key=lambda c: c.line or 0)
    return comments


def _layout(tops: list[RawComment]) -> str:
    top_kind = tops[0].kind
    if top_kind == "bullet":
        return "bullets"
    nested = [ch.kind for t in tops for ch in t.children if not ch.inline]
    if nested and max(set(nested), key=nested.count) == "bullet":
        return "numbered-bullets"
    return "numbered"


def block_report(text: str) -> list[Block]:
    """The list blocks of a document with their scores and evidence (for ``--explain``)."""
    lines = split_lines(text)
    first = next((i for i, ln in enumerate(lines) if not ln.blank), 0)
    blocks = find_blocks(lines, begin=first + 1)
    score_blocks(lines, blocks)
    return blocks
