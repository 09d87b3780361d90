"""Find list blocks in a document and decide, from evidence, which are comment sections.

A *block* starts at a list-marker line and runs while lines are indented deeper than that
marker or are further markers in the same column.  Each block is scored; the evidence and
its weights are listed in :data:`WEIGHTS` and documented in ``docs/parsing.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from discourse.read.text.authors import author_and_text, author_of, inline_note, name_line
from discourse.read.text.lines import Line
from discourse.read.text.words import count_words

#: Words for "comments" in the languages of the usual blog themes (English, German, Russian,
#: French, Spanish, Portuguese, Italian, Dutch, Scandinavian, Polish, Czech, Turkish,
#: Greek, Chinese, Japanese, Korean).
_COMMENT_WORDS = (
    r"comments?|responses?|replies|reactions?|thoughts?(?:\s+on\b.*)?|"
    r"kommentare?|kommentarer|kommentaren|antworten|"
    r"комментари[йяие]в?|комментари[йи]|отзывы|ответы|ответов|"
    r"commentaires?|réponses?|comentarios?|comentários?|respuestas|respostas|"
    r"commenti|commento|risposte|reacties?|reactie|"
    r"komentarze?|komentarzy|komentář[eůi]?|komentáře|odpovědi|yorumlar?|yorum|"
    r"σχόλια|评论|評論|留言|コメント|댓글"
)
COMMENTS_HEADING = re.compile(
    rf"^(?:#{{1,6}}\s+)?(?:\d[\d,.]*\s*k?\s*)?(?:{_COMMENT_WORDS})"
    r"(?:\s*[(\[]\d[\d,]*[)\]])?\s*(?:\d[\d,.]*)?\s*:?$"
    r"|^(?:#{1,6}\s+)?(?:leave|post|add|write|submit)\s+(?:a|your)\s+(?:reply|comment|response)\b"
    r"|^(?:join|read|show|view|load)\s+(?:the\s+|all\s+|more\s+)?(?:discussion|comments?)\b"
    r"|^(?:reader|user|visitor)s?['’]?\s+comments?\b"
    r"|^(?:discussion|diskussion|discussione|discusión|what do you think\??)\s*:?$"
    r"|^(?:schreibe(?:n sie)?\s+einen\s+kommentar|kommentar\s+(?:schreiben|verfassen)|"
    r"laisser\s+un\s+commentaire|deja\s+(?:un|tu)\s+comentario|lascia\s+un\s+commento|"
    r"оставить\s+комментарий|оставьте\s+комментарий|добавить\s+комментарий|"
    r"geef\s+een\s+reactie|laat\s+een\s+reactie\s+achter|deixe\s+um\s+comentário|"
    r"dodaj\s+komentarz|skriv\s+en\s+kommentar|lämna\s+en\s+kommentar|yorum\s+yap)\b",
    re.IGNORECASE,
)
#: A heading that says how many comments the page has: "19 comments", "Comments (19)",
#: "19 thoughts on …"; group ``n`` or ``m`` is the count.
COUNT_HEADING = re.compile(
    rf"^(?:#{{1,6}}\s+)?(?:(?P<n>\d[\d,.]*)\s*(?:{_COMMENT_WORDS})\s*:?$"
    rf"|(?:{_COMMENT_WORDS})\s*[(\[:]?\s*(?P<m>\d[\d,.]*)\s*[)\]]?\s*:?$)",
    re.IGNORECASE,
)
#: The lines of a comment form and subscription widgets after a thread: prose, but not
#: article prose ("Save my name, email, and website in this browser…").
FORM_LINE = re.compile(
    r"(?:your email address will not be published|required fields are marked|"
    r"save my name,? email|notify me of (?:follow-?up|new) (?:comments|posts)|"
    r"subscribe to (?:comments|this thread|replies)|this site uses akismet|"
    r"you must be logged in|logged in as|by (?:using|submitting) this form|"
    r"i (?:agree|consent) to|privacy policy|cookie|"
    r"ihre e-mail-adresse wird nicht veröffentlicht|erforderliche felder|"
    r"votre adresse (?:e-)?mail ne sera pas publiée|tu dirección de correo electrónico no será publicada|"
    r"il tuo indirizzo email non sarà pubblicato|ваш адрес email не будет опубликован|"
    r"je e-mailadres wordt niet gepubliceerd)",
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
    #: Marker line index -> author name, for items that open with an author line
    #: (filled with ``openers``).
    authors: dict[int, str] = field(default_factory=dict, repr=False, compare=False)

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
        authored = _authored_item(lines, i)
        while j < n:
            cur = lines[j]
            if cur.content:
                if cur.indent > column or (cur.marker is not None and cur.indent == column):
                    last_content = j
                    if cur.marker is not None and not authored:
                        authored = _authored_item(lines, j)
                elif authored and (resume := _resumes(lines, j, column)) is not None:
                    last_content = j = resume  # preformatted text inside a comment
                else:
                    break
            j += 1
        blocks.append(Block(start=i, end=last_content + 1, column=column))
        i = last_content + 1
    return blocks


#: How far (lines) a comment section may be interrupted by text left of its column.
RESUME_LINES = 400


def _authored_item(lines: list[Line], k: int) -> bool:
    """Marker line ``k`` opens with an author line ("NAME says:", or a bare name above
    text of its own)."""
    text = lines[k].after_marker
    if not text:
        return False
    if author_of(text) is not None or author_and_text(text) is not None:
        return True
    # a bare name counts only for an item standing alone: an item of a tight list
    # ("2. Reform state bitter" / "3. Bitter ancient") is the list's
    return (name_line(text) is not None and _has_body(lines, k, len(lines))
            and not _tight_sibling(lines, k, 0, len(lines)))


def _resumes(lines: list[Line], j: int, column: int) -> int | None:
    """Where a comment section interrupted at line ``j`` by text left of its column
    (lynx renders ``<pre>`` code at the page's margin) goes on: the index of the next
    marker line in or right of ``column`` that opens an authored item, with no comment
    heading, copyright line or unindented prose line in between; else None."""
    for k in range(j, min(len(lines), j + RESUME_LINES)):
        line = lines[k]
        if not line.content:
            continue
        if line.marker is not None and line.indent >= column and _authored_item(lines, k):
            return k
        if line.indent == 0 and (COMMENTS_HEADING.match(line.content) or _STOP.match(
                line.content) or _prose(line.content)):
            return None
    return None


_CODE = re.compile(r"[;{}=$<>]|\(\)|//|/\*")


def _prose(content: str) -> bool:
    """A sentence line of the article (not code): 12+ words, no code punctuation."""
    return count_words(content) >= 12 and not _CODE.search(content)


def score_blocks(lines: list[Line], blocks: list[Block]) -> None:
    """Fill in ``score`` and ``evidence`` of every block."""
    in_block = [False] * len(lines)
    for b in blocks:
        for k in range(b.start, b.end):
            in_block[k] = True
    # Unindented prose words (lines of >= 8 words) after each position, outside blocks, up
    # to a comment-form heading ("Leave a reply"): suffix sums.  Comment-form lines are
    # not prose; testing for them is slow, so it is done only where a sum reaches
    # PROSE_WORDS (see _prose_words).
    prose_after = [0] * (len(lines) + 1)
    counts = [0] * len(lines)
    total = 0
    for k in range(len(lines) - 1, -1, -1):
        line = lines[k]
        if line.content and line.marker is None and not in_block[k]:
            count = count_words(line.content)
            if count >= 8:
                counts[k] = count
                total += count
            elif line.indent == 0 and COMMENTS_HEADING.match(line.content):
                total = 0  # a comment form ("Leave a reply") starts: what follows is its own
        prose_after[k] = total
    for b in blocks:
        after = prose_after[b.end]
        if after >= PROSE_WORDS:
            after = _prose_words(lines, counts, b.end, prose_after)
        b.evidence = _evidence(lines, b, after)
        b.score = sum(b.evidence.values())


def _prose_words(lines: list[Line], counts: list[int], start: int,
                 prose_after: list[int]) -> int:
    """Prose words after ``start`` without comment-form lines, counted until
    :data:`PROSE_WORDS` is reached (enough to decide) or the suffix sum runs out."""
    total = 0
    for k in range(start, len(lines)):
        if prose_after[k] == 0:
            break
        if counts[k] and not FORM_LINE.search(lines[k].content):
            total += counts[k]
            if total >= PROSE_WORDS:
                break
    return total


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
    openers = reply_marker_lines(lines, block)
    authored = len(block.authors)
    if authored:
        ev["author_lines"] = WEIGHTS["author_lines"] * min(1.0, authored / max(1, len(openers)))

    if any(lines[k].indent > block.column for k in openers):
        ev["loose_replies"] = WEIGHTS["loose_replies"]
    if len(top) >= 2:
        loose = sum(1 for ln in top[1:] if _blank_before(lines, ln))
        if loose >= 0.8 * (len(top) - 1):
            ev["loose_items"] = WEIGHTS["loose_items"]
        elif loose < 0.5 * (len(top) - 1) and authored < 0.5 * len(top):
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

    A marker opens a comment if its item opens with an author line ("NAME says:", "NAME
    wrote:", "@handle", "NAME on DATE"; or a bare short name alone above the item's body,
    when at least two items of the block, or its only top-level item, have one) — tight or
    not, as lynx writes them.  Any other marker opens a comment only if it opens a
    paragraph (blank line before it) and no other marker shares its column in that tight
    paragraph group; otherwise it is an item of a list written inside the text.  The set
    is cached on the block (with ``block.authors``): do not modify it.
    """
    if block.openers is None:
        block.openers, block.authors = _openers(lines, block)
    return block.openers


def _openers(lines: list[Line], block: Block) -> tuple[set[int], dict[int, str]]:
    start, end = block.start, block.end
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
    authors: dict[int, str] = {}
    named: dict[int, str] = {}
    numbered: dict[int, int] = {}  # column -> last number of a named numbered item
    tops = sum(1 for k in openers if lines[k].indent == block.column)
    for k in range(start, end):
        line = lines[k]
        if line.marker is None:
            continue
        text = line.after_marker
        if not text:
            continue
        name = author_of(text)
        if name is None and (both := author_and_text(text)) is not None:
            name = both[0]
        if name is not None:
            authors[k] = name
        elif (name := name_line(text)) is not None and _has_body(lines, k, end) and \
                not _tight_sibling(lines, k, start, end):
            if line.marker == "num":  # numbered names run 1, 2, 3 in their column
                if line.number_value != numbered.get(line.indent, 0) + 1:
                    continue
                numbered[line.indent] = line.number_value
            named[k] = name
    # A site writes its author lines one way: bare names count only where no item has
    # a "NAME says" line, and only as a pattern (two items, or the only top-level item).
    if not authors and (len(named) >= 2 or (named and tops == 1)):
        authors.update(named)
        for k in named:  # a list opening a named comment's body is its text
            j = k + 1
            while j < end and not lines[j].content:
                j += 1
            if j < end and lines[j].marker is not None:
                openers.discard(j)
    openers.update(authors)
    block.authors = authors
    openers -= _lists_in_comments(lines, block, openers)
    return openers, authors


def _lists_in_comments(lines: list[Line], block: Block, openers: set[int]) -> set[int]:
    """Items that open paragraphs like replies but are a list written inside a comment,
    where the layout says so (comment bodies indented under their markers, as the seeds
    and w3m write them):

    * the comment's text goes on after them in their own column ("Pros:", two items,
      "Cons:", another item) — a reply's text would be indented under its marker;
    * they follow a paragraph of the comment ending with a colon ("My points:");
    * their numbering starts again under the same comment (items 1, 2, 3, then the first
      reply numbered 1).

    Authored items ("NAME says:") are never taken for a list."""
    if not _bodies_indented(lines, block, openers):
        return set()
    lists: set[int] = set()
    run: list[int] = []
    state = {"colon": False}
    numbered: dict[int, list[int]] = {}  # column -> numbered items since a shallower one

    def close(is_list: bool = False) -> None:
        if run and (is_list or state["colon"]):
            lists.update(run)
        run.clear()
        state["colon"] = False

    previous: Line | None = None
    for k in range(block.start, block.end):
        line = lines[k]
        if not line.content:
            continue
        if k not in openers:
            if run and line.indent <= lines[run[0]].indent and line.indent >= \
                    lines[run[0]].indent - 1:
                close(is_list=True)  # the comment's text goes on in the items' column
            elif run and line.indent < lines[run[0]].indent:
                close()
            previous = line
            continue
        column = line.indent
        for deeper in [c for c in numbered if c > column]:
            del numbered[deeper]
        authored = k in block.authors
        if line.marker == "num" and column > block.column:
            seen = numbered.setdefault(column, [])
            if seen and line.number_value == 1 and not any(j in block.authors for j in seen):
                lists.update(seen)  # numbering starts again: the earlier items were a list
                seen.clear()
            seen.append(k)
        if authored or column <= block.column:
            close()
        elif run and (column != lines[run[0]].indent or line.cls != lines[run[0]].cls or (
                line.marker == "num" and line.number_value == 1)):
            close()  # another column or class, or numbering from 1 again: not one list
        if not authored and column > block.column:
            if not run:
                state["colon"] = _colon_before(previous, line)
            run.append(k)
        previous = line
    close()
    return lists


def _colon_before(previous: Line | None, item: Line) -> bool:
    """Whether ``previous`` is a paragraph line of a comment (or the first line of the
    comment, on its marker line), in or left of the item's column, ending with a colon
    (and not an author line such as "NAME says:")."""
    if previous is None or previous.indent > item.indent:
        return False
    text = previous.content if previous.marker is None else previous.after_marker
    if previous.marker is not None and previous.indent >= item.indent:
        return False  # an item of the same list, not the comment's own paragraph
    return text.endswith(":") and author_of(text) is None


def _bodies_indented(lines: list[Line], block: Block, openers: set[int]) -> bool:
    """Whether the block's comments have their text indented under their markers (the
    seeds, w3m, lynx) rather than at the markers' column or left of it (html2text)."""
    deeper = level = 0
    for k in openers:
        j = k + 1
        while j < block.end and not lines[j].content:
            j += 1
        if j >= block.end or lines[j].marker is not None:
            continue
        if lines[j].indent > lines[k].indent:
            deeper += 1
        else:
            level += 1
    return deeper >= 3 * level


def _tight_sibling(lines: list[Line], k: int, start: int, end: int) -> bool:
    """Whether the line before or after marker line ``k`` is a marker in its column (an
    item of a tight list, not a comment)."""
    column = lines[k].indent
    return any(lines[j].marker is not None and lines[j].indent == column
               for j in (k - 1, k + 1) if start <= j < end)


def _has_body(lines: list[Line], k: int, end: int) -> bool:
    """Whether the item at marker line ``k`` has text of its own after its first line: the
    next non-blank line is no marker and is indented deeper or follows a blank line (and
    is no inline note), or is a deeper list of the other family (numbers under a bullet)."""
    marker = lines[k]
    blank = False
    for j in range(k + 1, end):
        line = lines[j]
        if not line.content:
            blank = True
            continue
        if line.marker is not None:  # a list of the other family opening the body
            return line.indent > marker.indent and (line.marker == "num") != (
                marker.marker == "num")
        return (blank or line.indent > marker.indent) and inline_note(line.content) is None
    return False


#: w3m's bullets by nesting level (``w3m -dump``: disc, square, star, circle, …).
W3M_LEVELS = "•□☆○■★◎●△"


def level_glyphs(lines: list[Line]) -> None:
    """Indent w3m bullets by their nesting level where the text lost the indentation.

    When two of w3m's level glyphs (:data:`W3M_LEVELS`) stand in the same column, each
    such marker line and the lines tight after it move right by 2 columns per level, so
    that ``• alice`` / ``□ bob`` / ``☆ carol`` in one column nest as w3m drew them.
    Changes ``Line.indent`` in place."""
    columns: dict[int, set[str]] = {}
    for line in lines:
        if line.marker == "bullet" and line.glyph in W3M_LEVELS:
            columns.setdefault(line.indent, set()).add(line.glyph)  # type: ignore[arg-type]
    if not any(len(glyphs) >= 2 for glyphs in columns.values()):
        return
    shift = 0
    for line in lines:
        if not line.content:
            shift = 0
        elif line.marker is not None:
            shift = 0
            if line.marker == "bullet" and line.glyph in W3M_LEVELS and \
                    len(columns.get(line.indent, ())) >= 2:
                shift = 2 * W3M_LEVELS.index(line.glyph)  # type: ignore[arg-type]
            line.indent += shift
        else:
            line.indent += shift


_STOP = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)


def reindent_bodies(lines: list[Line]) -> None:
    """Give comment bodies written at column 0 under an indented marker (html2text,
    Markdown) the indentation of their item: ``marker column + 2``.

    An item qualifies when its marker line stands alone (blank line before and after),
    holds a short name, and its next line is not indented deeper.  Needs two such items,
    or one after a comment heading.  Its body runs to the next indented marker line, a run
    of three blank lines, a copyright line or a comment-form heading.  Changes ``Line.indent`` in
    place (contents are untouched)."""
    n = len(lines)
    found: list[int] = []
    indented = 0  # items whose text is indented under their marker (the seeds, w3m)
    heading_before = False
    for k, line in enumerate(lines):
        if line.marker is None:
            if not heading_before and line.content and line.indent == 0 and \
                    len(line.content) <= 80 and COMMENTS_HEADING.match(line.content):
                heading_before = True
            continue
        nxt = _next_content(lines, k)
        if nxt is not None and nxt.marker is None and nxt.indent > line.indent:
            indented += 1
        if ((line.indent > 0 or heading_before) and k + 2 < n
                and (k == 0 or not lines[k - 1].content) and not lines[k + 1].content
                and name_line(line.after_marker) is not None):
            j = k + 1
            while j < n and not lines[j].content:
                j += 1
            if j < n and lines[j].marker is None and lines[j].indent <= line.indent:
                found.append(k)
    if not found or (len(found) < 2 and not heading_before) or indented >= len(found):
        return  # the layout indents bodies: a line at column 0 after the last item is
        # the page's (a footer), not a body html2text wrote there
    for k in found:
        column = lines[k].indent + 2
        blanks = 0
        for j in range(k + 1, n):
            line = lines[j]
            if not line.content:
                blanks += 1
                if blanks >= 3:
                    break
                continue
            blanks = 0
            # html2text indents every list item; a marker at column 0 is the comment's
            # own text ("• point" typed by the commenter).
            if (line.marker is not None and line.indent > 0) or _STOP.match(line.content) or (
                    line.indent == 0 and (COMMENTS_HEADING.match(line.content)
                                          or line.content.startswith("##"))):
                break
            if line.indent < column:
                line.indent = column


def _next_content(lines: list[Line], index: int) -> Line | None:
    for j in range(index + 1, len(lines)):
        if lines[j].content:
            return lines[j]
    return None


def _previous_content(lines: list[Line], index: int) -> Line | None:
    for k in range(index - 1, -1, -1):
        if lines[k].content:
            return lines[k]
    return None


def _blank_before(lines: list[Line], line: Line) -> bool:
    k = line.number - 2  # index of the line before (numbers are 1-based)
    return k < 0 or not lines[k].content
