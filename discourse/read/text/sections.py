"""Find list blocks in a document and decide, from evidence, which are comment sections.

A *block* starts at a list-marker line and runs while lines are indented deeper than that
marker or are further markers in the same column.  Each block is scored; the evidence and
its weights are listed in :data:`WEIGHTS` and documented in ``docs/parsing.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from discourse.read.text.authors import is_author_line
from discourse.read.text.lines import Line
from discourse.read.text.words import count_words

COMMENTS_HEADING = re.compile(
    r"^(?:\d[\d,.]*\s*k?\s+)?(?:comments?|responses?|replies|reactions?|thoughts?(?:\s+on\b.*)?)"
    r"(?:\s*\(\d[\d,]*\))?\s*:?$"
    r"|^(?:leave|post|add|write|submit)\s+(?:a|your)\s+(?:reply|comment|response)\b"
    r"|^(?:join|read|show|view|load)\s+(?:the\s+|all\s+|more\s+)?(?:discussion|comments?)\b"
    r"|^(?:reader|user|visitor)s?['’]?\s+comments?\b"
    r"|^(?:discussion|what do you think\??)$",
    re.IGNORECASE,
)
FURNITURE_HEADING = re.compile(
    r"\b(?:poll|polls|survey|vote|votes|voting|quiz|results|related|popular|trending|"
    r"read (?:more|next|also)|more from|recommended|tags?|categories|archives?|share|"
    r"subscribe|newsletter|sponsored|contents|ingredients|instructions|directions|steps)\b",
    re.IGNORECASE,
)
_VOTE_COUNT = re.compile(r"\d[\d,.]*\s*(?:\(\s*\d+(?:[.,]\d+)?\s*%\s*\)|%|votes?\b)", re.IGNORECASE)

#: Evidence weights (log-odds style); a block is a comment section at score >= THRESHOLD.
WEIGHTS = {
    "comments_heading": 3.0,  # "17 comments", "Leave a reply" just before the block
    "furniture_heading": -3.0,  # "Poll conducted", "Related posts", "Ingredients" before it
    "author_lines": 3.0,  # times the share of items that open with "NAME says"
    "loose_replies": 2.0,  # nested markers, each after a blank line: a reply tree
    "loose_items": 1.0,  # >= 2 top-level items separated by blank lines
    "tight_items": -3.0,  # >= 2 top-level items with no blank line between: a plain list
    "colon_intro": -2.0,  # the line before ends with ":" ("…has several components:")
    "prose_after": -4.0,  # >= 60 words of unindented prose follow: still inside the article
    "at_end": 1.0,  # nothing but short furniture follows the block
    "vote_counts": -3.0,  # >= 2 lines like "33 (31%)" or "120 votes": a poll
    "long_items": 1.0,  # items average >= 12 words
    "short_items": -1.0,  # items average < 6 words
    "sequential_numbers": 1.0,  # top-level numbers run 1, 2, 3, ... (>= 2 items)
}
THRESHOLD = 2.0
PROSE_WORDS = 60


@dataclass(slots=True)
class Block:
    """A run of lines forming one list (top-level markers in column ``column``)."""

    start: int  # index into the document's line list
    end: int  # exclusive
    column: int
    score: float = 0.0
    evidence: dict[str, float] = field(default_factory=dict)
    #: Cache of :func:`reply_marker_lines` (computed for scoring, reused for the tree).
    openers: set[int] | None = field(default=None, repr=False, compare=False)

    @property
    def is_comments(self) -> bool:
        return self.score >= THRESHOLD


def find_blocks(lines: list[Line], begin: int = 1) -> list[Block]:
    """Maximal list blocks, in document order, starting at or after line index ``begin``."""
    blocks: list[Block] = []
    i = begin
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.marker is None:
            i += 1
            continue
        column = line.indent
        j = i + 1
        last_content = i
        while j < n:
            cur = lines[j]
            if cur.content:
                if cur.indent > column or (cur.marker is not None and cur.indent == column):
                    last_content = j
                else:
                    break
            j += 1
        blocks.append(Block(start=i, end=last_content + 1, column=column))
        i = last_content + 1
    return blocks


def score_blocks(lines: list[Line], blocks: list[Block]) -> None:
    """Fill in ``score`` and ``evidence`` of every block."""
    in_block = [False] * len(lines)
    for b in blocks:
        for k in range(b.start, b.end):
            in_block[k] = True
    # Unindented prose words after each position, outside blocks (suffix sums).
    prose_after = [0] * (len(lines) + 1)
    total = 0
    for k in range(len(lines) - 1, -1, -1):
        line = lines[k]
        if line.content and line.marker is None and not in_block[k]:
            count = count_words(line.content)
            if count >= 8:
                total += count
        prose_after[k] = total
    for b in blocks:
        b.evidence = _evidence(lines, b, prose_after[b.end])
        b.score = sum(b.evidence.values())


def _evidence(lines: list[Line], block: Block, prose_words_after: int) -> dict[str, float]:
    ev: dict[str, float] = {}
    body = lines[block.start : block.end]
    top = [ln for ln in body if ln.marker is not None and ln.indent == block.column]
    nested = [ln for ln in body if ln.marker is not None and ln.indent > block.column]

    heading = _previous_content(lines, block.start)
    if heading is not None:
        if COMMENTS_HEADING.search(heading.content):
            ev["comments_heading"] = WEIGHTS["comments_heading"]
        elif len(heading.content) <= 60 and FURNITURE_HEADING.search(heading.content):
            ev["furniture_heading"] = WEIGHTS["furniture_heading"]
        if heading.content.endswith(":") and not COMMENTS_HEADING.search(heading.content):
            ev["colon_intro"] = WEIGHTS["colon_intro"]

    items = top + nested
    authored = sum(1 for ln in items if is_author_line(ln.after_marker))
    if authored:
        ev["author_lines"] = WEIGHTS["author_lines"] * authored / len(items)

    openers = reply_marker_lines(lines, block)
    if any(lines[k].indent > block.column for k in openers):
        ev["loose_replies"] = WEIGHTS["loose_replies"]
    if len(top) >= 2:
        loose = sum(1 for ln in top[1:] if _blank_before(lines, ln))
        if loose >= 0.8 * (len(top) - 1):
            ev["loose_items"] = WEIGHTS["loose_items"]
        elif loose < 0.5 * (len(top) - 1):
            ev["tight_items"] = WEIGHTS["tight_items"]

    if prose_words_after >= PROSE_WORDS:
        ev["prose_after"] = WEIGHTS["prose_after"]
    elif prose_words_after == 0:
        ev["at_end"] = WEIGHTS["at_end"]

    # Words never span lines, and a line's match is a match in the joined text too: one
    # call each over the whole body instead of one per line.
    text = "\n".join(ln.content for ln in body)
    if _VOTE_COUNT.search(text) and sum(1 for ln in body if _VOTE_COUNT.search(ln.content)) >= 2:
        ev["vote_counts"] = WEIGHTS["vote_counts"]

    n_items = max(1, len(items))
    # A prefix has no more words than the whole, so it often settles "long_items" alone.
    words = count_words(text[: 120 * n_items])
    if words < 12 * n_items:
        words = count_words(text)
    per_item = words / n_items
    if per_item >= 12:
        ev["long_items"] = WEIGHTS["long_items"]
    elif per_item < 6:
        ev["short_items"] = WEIGHTS["short_items"]

    numbers = [ln.number_value for ln in top if ln.marker == "num"]
    if len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        ev["sequential_numbers"] = WEIGHTS["sequential_numbers"]
    return ev


def reply_marker_lines(lines: list[Line], block: Block) -> set[int]:
    """Indices of the marker lines in ``block`` that can start a comment.

    A marker opens a comment only if it opens a paragraph (blank line before it) and no
    other marker shares its column in that tight paragraph group; otherwise it is an item
    of a list written inside the text.  The set is cached on the block: do not modify it.
    """
    if block.openers is None:
        block.openers = _openers(lines, block.start, block.end)
    return block.openers


def _openers(lines: list[Line], start: int, end: int) -> set[int]:
    openers: set[int] = set()
    k = start
    while k < end:
        first = lines[k]
        if not first.content:
            k += 1
            continue
        group_start = k
        k += 1
        while k < end and lines[k].content:
            k += 1
        if first.marker is not None and not any(
            ln.marker is not None and ln.indent == first.indent
            for ln in lines[group_start + 1 : k]
        ):
            openers.add(group_start)
    return openers


def _previous_content(lines: list[Line], index: int) -> Line | None:
    for k in range(index - 1, -1, -1):
        if lines[k].content:
            return lines[k]
    return None


def _blank_before(lines: list[Line], line: Line) -> bool:
    k = line.number - 2  # index of the line before (numbers are 1-based)
    return k < 0 or not lines[k].content
