"""Comments told apart by their header lines, for text where nesting is not written as
list markers: what ``w3m -dump`` (and copy-paste from a browser) gives for Hacker News,
Reddit, Disqus, Blogger, Discourse, vc.ru-style pages, whose comments are tables or
``div`` blocks.

A **header** is a short line naming a commenter and when they wrote ("saltmarsh 1 year
ago | next [–]", "[–]sawdustsam 30 points 3 years ago (2 children)", "Lena Orb • 2 years
ago", "Hazel Moss 10 January 2021 at 16:00", "lugnut · 1y ago"), or a time alone under a
name line ("Jonas Keller" / "Fr, 13.09.2019 - 07:45").  A comment is its header and the
lines up to the next header; scores, vote arrows, "reply"/"permalink" links, avatars and
empty list items around the headers are page furniture (noise).

**Nesting** comes from what the text still shows, in this order:

* ``(N children)`` after old Reddit's headers: a comment holds the next *N* comments
  (its descendants, in display order);
* the list item a header sits in: w3m draws nested ``<ul>``/``<ol>`` with deeper markers
  (``•`` ``□`` ``☆``, or numbers further right), one level per list;
* the header's own column: each distinct column, left to right, is one level deeper.
  Hacker News shows only top level and "reply" (w3m lays every reply's row out in the
  same column, its spacer image written ``[s]``): there a reply answers the comment right
  above it — the most common case on real threads (56 % of 2,160 real replies, against
  40 % for a sibling) — unless that comment is newer by the relative times ("3 hours
  ago"), is by the same person, or the reply quotes one further up: then that one.

When no article stands between the title and the first header and nothing says where the
comments start (a forum thread: Discourse, phpBB), the first post is the article.

Used by :func:`~discourse.read.text.parser.parse_with_trace` when the list markers give no
comment section, clearly fewer comments than the headers, or items that start inside the
header comments (Hacker News's vote arrows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from discourse.read.text.authors import _MONTHS, _NOT_NAMES, is_furniture
from discourse.read.text.lines import Line
from discourse.read.text.sections import COMMENTS_HEADING, FORM_LINE
from discourse.read.text.tree import RawComment

__all__ = ["Header", "find_headers", "header_comments"]

_UNITS = (r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|"
          r"mos|months?|y|yrs?|years?|"
          r"Sekunden?|Minuten?|Stunden?|Tagen?|Wochen?|Monaten?|Jahren?|"
          r"secondes?|heures?|jours?|semaines?|mois|ans?|années?|"
          r"segundos?|minutos?|horas?|días?|dias?|semanas?|meses|mes|años?|anos?|"
          r"секунд[уы]?|минут[уы]?|час(?:а|ов)?|дн(?:я|ей)|день|недел[юьи]|месяц(?:а|ев)?|"
          r"год(?:а)?|лет)")
_AGO = (rf"(?:(?:\d+|an?|one)\s*{_UNITS}\.?\s+ago|\d+\s*{_UNITS}\s+назад|"
        rf"(?:\d+\s+)?{_UNITS}\s+назад|vor\s+(?:\d+|einer?|einem)\s+{_UNITS}|"
        rf"il\s+y\s+a\s+(?:\d+|une?)\s+{_UNITS}|hace\s+(?:\d+|una?)\s+{_UNITS}|"
        r"\d+\s*[smhdwy]\b|just now|yesterday|today|вчера|сегодня|gestern|heute|hier)")
_CLOCK = r"\d{1,2}(?::\d{2}|\s*h\s*\d{2})(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
_WEEKDAY = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|"
            r"thu(?:rs?)?|fri|sat|sun|montag|dienstag|mittwoch|donnerstag|freitag|samstag|"
            r"sonntag|mo|di|mi|do|fr|sa|so|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
            r"dimanche|lun|mar|mer|jeu|ven|sam|dim)\b\.?,?")
_RU_MONTHS = r"(?:янв|фев|мар|апр|мая|май|июн|июл|авг|сен|окт|ноя|дек)[а-я]*\.?"
_ABS = (rf"(?:{_WEEKDAY}\s+)?(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
        rf"|\d{{1,2}}\.?\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+'\d\d|\d{{4}}-\d{{2}}-\d{{2}}"
        rf"|\d{{1,2}}\s+{_RU_MONTHS}(?:\s+\d{{4}})?(?=\s+в\s|\s*$|\s*[|·•])"
        rf"|(?:вчера|сегодня)\s+в\s+{_CLOCK}"
        rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})"
        rf"(?:,?\s*(?:at|um|à|a\s+las|alle|om|в|-|–|·|@)?\s*{_CLOCK})?")
_TIME = re.compile(rf"(?<![\w/.-])(?:{_ABS}|{_AGO}|{_WEEKDAY}\s+{_MONTHS}\s+\d{{1,2}},?\s+"
                   rf"\d{{4}}\s+{_CLOCK})(?![\w/-])", re.IGNORECASE)
#: What may follow the time on a header line: links, flags, a children count.
_TRAILER = re.compile(r"^(?:\s*(?:[|·•,]|\(edited\)|edited|link|flag|reply|parent|next|prev|"
                      r"root|context|on:.*|\[[–+\-]\]|\(\d+ child(?:ren)?\)|"
                      r"\d+\s+(?:points?|likes?|votes?)|#\d+|permalink|\.))*\s*$",
                      re.IGNORECASE)
_CHILDREN = re.compile(r"\((\d+) child(?:ren)?\)")
_SCORE = re.compile(r"(-?\d+)\s+points?")
#: Furniture before the name: expand links, "Postby", "by", avatars, role tags.
_LEAD = re.compile(r"^(?:\[[–+\-]\]\s*|\[[\w -]{1,20}\](?:\s+|$)|postby\s+|by\s+|avatar\s+)+",
                   re.IGNORECASE)
_SCORES = re.compile(r"\s*(?:-?\d+\s+points?\s*)+|\s*\bscore hidden\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[•·|»]\s*|\s+(?:posted|wrote|commented)\s*$", re.IGNORECASE)
_TAGS = re.compile(r"\s*(?:\[[A-Z]{1,2}\]|\bOP\b|\(OP\))\s*")
_AVATAR_PAIR = re.compile(r"^(?P<name>\S+)\s+avatar\s+(?:authored by\s+)?(?P=name)$",
                          re.IGNORECASE)
_NOT_HEADER_START = re.compile(r"^(?:submitted|posted|published|updated|edited|last|added|"
                               r"created|joined|member since|registered|on|at|in|since|"
                               r"from|to|and|or|the|a|an)\b", re.IGNORECASE)
#: Lines around headers that are page furniture: vote counts, avatars, placeholders.
_CHROME = re.compile(r"^(?:[-+]?\d[\d,.]*k?|\[\s*\]|\[[–+\-]\]|avatar|\[blank\]|\[[a-z_-]+\]|"
                     r"[*•□☆○■★◎●△›»]|[━─═_=-]{3,}.*|top|quote|embed|save|parent|report|"
                     r"share\s*[›»]?|"
                     r"give award|reply\s*delete|delete|replies|reply\s*award\s*share|"
                     r"load more comments.*|continue this thread.*|\d+\s+more repl(?:y|ies).*|"
                     r"show \d+ more.*|view \d+ repl.*)$", re.IGNORECASE)
#: What may stand between a list item's marker and the header in it: an avatar.
_AVATAR = re.compile(r"^(?:avatar|\[[\w. -]{0,30}\])$", re.IGNORECASE)
_REPLY_TO = re.compile(r"^[●↪↩]\s*\S.{0,40}$")
_NUMBER = re.compile(r"^[-+]?\d[\d,.]*k?$")
_HN_HINT = re.compile(r"\|\s*(?:next|prev|parent|root|link)\b|\[–\]\s*$")


@dataclass(slots=True)
class Header:
    """One header line: where it is, who wrote, and what it shows."""

    index: int  # into the document's lines
    name: str | None
    score: int | None = None
    children: int | None = None
    name_index: int | None = None  # a name line above a time-only header
    hn: bool = False  # Hacker News furniture ("| next [–]", "| link")
    byline: bool = False  # "By NAME · DATE", as an article's byline reads
    spacer: bool = False  # a spacer image ("[s]") in its comment: HN's indentation
    age: float | None = None  # seconds before the page was saved ("3 hours ago")


def _name(raw: str) -> str | None:
    """The commenter's name in the text before the time, or None (no usable name)."""
    text = _LEAD.sub("", raw.strip())
    text = _SCORES.sub(" ", text)
    text = _TAGS.sub(" ", text)
    text = _SEPARATORS.sub(" ", text).strip(" -–—:,")
    m = _AVATAR_PAIR.match(text)
    if m:
        text = m.group("name")
    text = re.sub(r"\s+avatar\s+(?:authored by\s+)?", " ", text, flags=re.IGNORECASE)
    words = text.split()
    if not words:
        return ""
    if len(words) > 6 or len(text) > 60 or _NOT_HEADER_START.match(text):
        return None
    if words[0].lower().strip(".,'’") in _NOT_NAMES or text[-1] in ".!?;" and \
            not re.search(r"(?:^|\s)\w\.$", text):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    if len(words) >= 4 and sum(w[:1].islower() for w in words) >= 3:
        return None  # a sentence, not a name
    return text


_TOKEN = re.compile(r"(?<![\w/.-])[\w']")


def _time_in(content: str) -> re.Match[str] | None:
    """The first time expression in ``content`` (what ``_TIME.search`` finds), tried only
    where a word starts: ten times faster on long lines."""
    for token in _TOKEN.finditer(content):
        m = _TIME.match(content, token.start())
        if m:
            return m
    return None


#: How a header line ends (a time, or the links and counts after it): a cheap test on
#: the last characters before the slow :data:`_TIME`.
_END = re.compile(r"(?:\d|ago|назад|[ap]\.?m\.?|\]|\)|link|reply|next|prev|parent|root|"
                  r"context|edited|flag|permalink|points?|likes?|votes?|now|yesterday|today|"
                  r"heute|gestern|hier|вчера|сегодня|[|·•,.'])\s*$", re.IGNORECASE)
_DIGIT = re.compile(r"[0-9]|now|yesterday|today|вчера|сегодня|gestern|heute|hier")


def header_of(content: str) -> Header | None:
    """The header a line is (index left 0), else None."""
    if len(content) > 140 or not content or not _END.search(content[-16:]) or \
            not _DIGIT.search(content):
        return None
    m = _time_in(content)
    if not m:
        return None
    trailer = content[m.end():]
    if not _TRAILER.match(trailer):
        return None
    name = _name(content[:m.start()])
    if name is None:
        return None
    score = _SCORE.search(content[:m.start()])
    children = _CHILDREN.search(trailer)
    return Header(0, name or None, int(score.group(1)) if score else None,
                  int(children.group(1)) if children else None,
                  hn=bool(_HN_HINT.search(trailer)),
                  byline=bool(re.match(r"\s*(?:posted\s+)?by\s", content, re.IGNORECASE)),
                  age=_age(m.group(0)))


_AGE = re.compile(r"(\d+|an?|one)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|"
                  r"w|wks?|weeks?|mo|mos|months?|y|yrs?|years?)\.?\s+ago", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "mo": 2629800,
            "y": 31557600}


def _age(when: str) -> float | None:
    """Seconds before the page was saved, from "3 hours ago", "1y ago" (English)."""
    m = _AGE.search(when)
    if not m:
        return None
    count = 1 if not m.group(1).isdigit() else int(m.group(1))
    unit = m.group(2).lower()
    key = "mo" if unit.startswith("mo") else unit[0]
    return count * _SECONDS[key]


def _name_line(content: str) -> bool:
    """A short line that can be a commenter's name above a time-only header."""
    if not content or len(content) > 40 or _CHROME.match(content) or is_furniture(content):
        return False
    name = _name(content)
    return bool(name) and len(name.split()) <= 4


def find_headers(lines: list[Line], begin: int) -> list[Header]:
    """The header lines of the document from ``begin`` on, in order."""
    out: list[Header] = []
    for k in range(begin, len(lines)):
        line = lines[k]
        content = line.after_marker if line.marker is not None else line.content
        if not content:
            continue
        h = header_of(content)
        if h is None:
            continue
        h.index = k
        if h.name is None:  # a time alone: the name is on the line above, if any
            j = k - 1
            while j >= begin and (not lines[j].content or _REPLY_TO.match(lines[j].content)):
                j -= 1  # Discourse's "● tilly" (whom it answers) sits between them
            if j >= begin and (not out or out[-1].index < j):
                above = lines[j].after_marker if lines[j].marker else lines[j].content
                if _name_line(above):
                    h.name, h.name_index = _name(above), j
        out.append(h)
    return out


def _start(lines: list[Line], begin: int, headers: list[Header]) -> tuple[int, bool]:
    """How many of ``headers`` belong to the article, not the comments, and whether a
    comment-section heading says where the comments start: the headers above the
    last comment-section heading ("Kommentare", "5 comments", "[add comment]") that
    precedes the first named header; else the first header when it is the article's
    byline or dateline ("By NAME · DATE", a date alone, right under the title)."""
    named = next((i for i, h in enumerate(headers) if h.name), None)
    if named is None:
        return 0, False
    heading = None
    for k in range(begin, headers[named].index):
        content = lines[k].content
        if COMMENTS_HEADING.search(content) or _COUNTED.search(content):
            heading = k
    if heading is not None:
        return next(i for i, h in enumerate(headers) if h.index > heading), True
    first = headers[0]
    prose = sum(1 for k in range(begin, first.index) if lines[k].content)
    near = prose <= 2 and first.index - begin <= 4
    return (1 if near and (first.byline or not first.name) else 0), False


_COUNTED = re.compile(r"\b\d[\d,.]*\s+comments?\b|\badd comment\b", re.IGNORECASE)


@dataclass(slots=True)
class Found:
    """What :func:`header_comments` found: top-level comments (with their replies), the
    noise lines, where the comment section starts (a line index), and the first post when
    it is the article."""

    tops: list[RawComment]
    noise: list[int]
    start: int
    count: int
    #: The first post when it is the article (a forum thread with no article above it).
    article: RawComment | None = None
    #: Hacker News's header links ("| next [–]", "| link") outside any list: its vote
    #: arrows ("*") are no list markers.
    hn: bool = False


def header_comments(lines: list[Line], begin: int) -> Found | None:
    """The comments of a document whose comments are told apart by headers (see the
    module docs), or None when it has fewer than two."""
    headers = find_headers(lines, begin)
    skip, heading = _start(lines, begin, headers)
    headers = headers[skip:]
    if len(headers) < (1 if heading else 2):
        return None  # one header alone is a comment only under a comments heading
    end = _section_end(lines, headers[-1].index)
    starts = [h.name_index if h.name_index is not None else h.index for h in headers]
    noise: list[int] = []
    nodes: list[RawComment] = []
    keys: list[int] = []
    for i, h in enumerate(headers):
        stop = starts[i + 1] if i + 1 < len(headers) else end
        node = RawComment(line=lines[h.index].number, column=lines[h.index].indent,
                          kind="header", parent=None, depth=0, author=h.name)
        if h.name_index is not None:  # "NAME" above a time alone: the time is noise
            node.line = lines[h.name_index].number
            noise.extend(lines[j].number for j in range(h.name_index + 1, h.index + 1)
                         if lines[j].content)
        body: list[Line] = []
        column = lines[h.index].indent
        for k in range(h.index + 1, stop):
            line = lines[k]
            if not line.content:
                if body and body[-1].content:
                    body.append(line)
                continue
            if line.marker == "ascii" and line.indent < column and line.after_marker:
                # Hacker News's vote arrow ("*") left of the text: the rest is text
                body.append(Line(line.number, line.indent, line.after_marker))
                continue
            if (line.marker is None and _NUMBER.match(line.content)) or not (
                    _chrome(line) or (is_furniture(line.content) and len(line.content) < 40)):
                body.append(line)  # a number alone is text, unless it ends the comment
                continue
            noise.append(line.number)
        while body and not body[-1].content:
            body.pop()
        if len(body) > 1 and _NUMBER.match(body[-1].content) and stop < len(lines) and \
                body[-1].number + 1 == lines[stop].number:
            noise.append(body.pop().number)  # a vote count right above the next header
            while body and not body[-1].content:
                body.pop()
        node.text = _text(body)
        node.text_lines.extend(ln.number for ln in body if ln.content)
        h.spacer = any(lines[k].spacer for k in range(h.index, stop))
        if not h.name and node.text_lines:  # no name: the header line is furniture
            noise.append(node.line)
            node.line = node.text_lines[0]
        nodes.append(node)
        keys.append(_level_key(lines, h, begin))
    noise.extend(lines[k].number for k in range(end, len(lines)) if lines[k].content)
    _reply_names(nodes)
    _nest(nodes, headers, keys)
    article: RawComment | None = None
    if not heading and all(k[0] == 0 for k in keys) and not any(
            lines[k].content and not _chrome(lines[k]) for k in range(begin, starts[0])):
        article = nodes.pop(0)  # a forum thread: its first post is the article
        _lift(article)
    tops = [n for n in nodes if n.parent is None]
    hn = any(h.hn for h in headers) and all(k[0] == 0 for k in keys)
    return Found(tops, sorted(set(noise)), starts[0], len(nodes), article, hn)


def _reply_names(nodes: list[RawComment]) -> None:
    """Disqus writes the author of the comment answered after the replier's name
    ("QuietLab Lena Orb"): a name ending with an earlier commenter's whole name is the
    rest."""
    earlier: list[str] = []
    for node in nodes:
        name = node.author
        if name:
            for other in sorted(earlier, key=len, reverse=True):
                if name.endswith(" " + other) and len(name) > len(other) + 1:
                    node.author = name[: -len(other) - 1].rstrip()
                    break
            earlier.append(node.author)


def _chrome(line: Line) -> bool:
    content = line.content
    if _CHROME.match(content):
        return True
    return line.marker is not None and (not line.after_marker or bool(_CHROME.match(
        line.after_marker)) or is_furniture(line.after_marker))


def _text(body: list[Line]) -> str:
    out: list[str] = []
    blank = False
    for ln in body:
        if not ln.content:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(ln.content)
    return "\n".join(out)


def _section_end(lines: list[Line], last: int) -> int:
    """Where the comment section ends after the last header: a comment form or its
    heading ("Leave a reply", "Add comment"), else the end of the document."""
    for k in range(last + 1, len(lines)):
        content = lines[k].content
        if content and lines[k].indent <= 2 and (
                COMMENTS_HEADING.match(content) or FORM_LINE.search(content) or re.match(
                    r"^(?:add|post|write) (?:a )?comment|^kommentar hinzufügen|"
                    r"^(?:guidelines|faq|api|security|legal)\s*\|", content, re.IGNORECASE)):
            return k
    return len(lines)


def _level_key(lines: list[Line], h: Header, begin: int) -> tuple[int, int]:
    """What places a header's comment in the nesting: the column (and w3m level) of the
    list item it sits in, else the header's own column."""
    k = h.name_index if h.name_index is not None else h.index
    line = lines[k]
    if line.marker is not None:
        return (1, _marker_level(line))
    column = line.indent
    for j in range(k - 1, max(0, k - 4) - 1, -1):
        above = lines[j]
        if not above.content:
            continue
        if above.marker is not None and above.indent < column and (
                not above.after_marker or _AVATAR.match(above.after_marker)):
            return (1, _marker_level(above))  # the item opens with an avatar, then the header
        if above.indent < column or not _AVATAR.match(above.content):
            break
    return (0, column)


def _marker_level(line: Line) -> int:
    """The column of a list item's text: nested lists are further right (w3m indents each
    level by four columns; its numbers are right-aligned, so " 9." and "10." end in one
    column)."""
    if line.marker == "num" and line.glyph:
        return line.indent + len(line.glyph)  # numbers are right-aligned: " 9." / "10."
    return line.indent


def _nest(nodes: list[RawComment], headers: list[Header], keys: list[tuple[int, int]]
          ) -> None:
    """Set parents and depths (see the module docs)."""
    if any(h.children is not None for h in headers) and not any(
            k != keys[0] for k in keys):
        _nest_by_counts(nodes, headers)
        return
    named_columns = {k[1] for k, h in zip(keys, headers, strict=True) if k[0] == 0 and h.name}
    keys = [(0, k[1] - 1) if k[0] == 0 and not h.name and k[1] not in named_columns
            and k[1] - 1 in named_columns else k
            for k, h in zip(keys, headers, strict=True)]  # "  1 year ago": no name, one space
    kinds = {k[0] for k in keys}
    if len(kinds) > 1:  # some headers in list items, some not: items decide
        keys = [k if k[0] == 1 else (1, -1) for k in keys]
    levels = sorted({k[1] for k in keys})
    rank = {v: i for i, v in enumerate(levels)}
    spacers = sum(h.spacer for h in headers)
    hn = all(k[0] == 0 for k in keys) and (spacers or any(h.hn for h in headers)) and (
        len(levels) <= 3)
    stack: list[RawComment] = []
    ages = {id(node): h.age for node, h in zip(nodes, headers, strict=True)}
    for node, key, h in zip(nodes, keys, headers, strict=True):
        depth = rank[key[1]]
        if hn:  # Hacker News: top level or a reply; a reply answers the comment above,
            # unless that one is newer: then the nearest older comment above it
            depth = len(stack) if (h.spacer or depth) else 0
            while depth > 1 and (_newer(stack[depth - 1], h, ages) or (
                    node.author and stack[depth - 1].author == node.author)):
                depth -= 1  # nor does one answer oneself
            quoted = _quoted(node, stack[:depth]) if depth > 1 else None
            if quoted is not None:
                depth = quoted + 1  # it quotes a comment further up: it answers that one
        depth = min(depth, len(stack))
        del stack[depth:]
        _attach(node, stack[-1] if stack else None, depth)
        stack.append(node)


def _quoted(node: RawComment, candidates: list[RawComment]) -> int | None:
    """The index of the candidate (nearest first) whose text ``node`` quotes ("> …"
    lines, “…” runs), if any."""
    from discourse.read.text.quotes import QuoteCandidates, normalise

    if ">" not in node.text and "“" not in node.text and '"' not in node.text:
        return None
    found = QuoteCandidates(node.text)
    if not found.has_marked:
        return None
    for i in range(len(candidates) - 1, -1, -1):
        if found.found(normalise(candidates[i].text), marked_only=True):
            return i
    return None


def _newer(node: RawComment, h: Header, ages: dict[int, float | None]) -> bool:
    """Whether ``node`` was written after the comment of header ``h`` (so cannot be what
    it answers), as far as their relative times tell."""
    age = ages.get(id(node))
    return age is not None and h.age is not None and age < h.age


def _nest_by_counts(nodes: list[RawComment], headers: list[Header]) -> None:
    """Old Reddit: each comment holds the next ``children`` comments."""
    stack: list[list] = []  # [node, comments still to come under it]
    for node, h in zip(nodes, headers, strict=True):
        while stack and stack[-1][1] <= 0:
            stack.pop()
        parent = stack[-1][0] if stack else None
        for entry in stack:
            entry[1] -= 1
        _attach(node, parent, len(stack))
        stack.append([node, h.children or 0])


def _lift(article: RawComment) -> None:
    """The replies to the article post become top-level comments, their own replies one
    level less deep."""
    todo = list(article.children)
    for child in article.children:
        child.parent = None
    article.children = []
    while todo:
        node = todo.pop()
        node.depth -= 1
        todo.extend(node.children)


def _attach(node: RawComment, parent: RawComment | None, depth: int) -> None:
    node.parent, node.depth = parent, depth
    if parent is not None:
        parent.children.append(node)
