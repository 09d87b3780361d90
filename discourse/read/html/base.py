"""Shared pieces of the HTML comment readers: what a detector returns, class tests as
XPath, dates, ids and counts (a comment's body text comes from
:func:`discourse.read.htmltext.text_of`, as for every reader).

Every comment-system module has a ``SELECTORS`` table (XPath strings kept as data) and a
``find(root, page) -> Found | None`` function; :mod:`discourse.read.html` runs them from
the most specific to the generic detector and takes the first that finds comments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from discourse.read.assemble import Post

__all__ = ["Found", "class_index", "class_skipper", "clean_name", "cls", "count_in", "detach",
           "dom_parents", "either", "first", "id_number", "iso_time", "number", "own", "pick",
           "section_of", "xp"]


@dataclass(slots=True)
class Found:
    """What a detector found on a page.

    ``posts`` are the comments in display order (``Post.parent`` = the parent's key);
    ``sections`` are the elements holding the comment section (removed from the page
    before the article is extracted, so comment text never lands in the article);
    ``evidence`` explains the decision (``--explain``); ``expected`` is the page's own
    count of comments when it shows one ("19 Comments"); ``targets`` maps a post key to
    the key of the earlier post it answers when the markup names it (flat forums).
    ``article``/``title``/``site``/``thread_id`` override the page metadata when the
    system knows better (a forum topic's opening post is its article).
    """

    layout: str
    posts: list[Post]
    sections: list[HtmlElement] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    expected: int | None = None
    targets: dict[str, str] = field(default_factory=dict)
    article: str | None = None
    title: str | None = None
    site: str | None = None
    thread_id: str | None = None
    url: str | None = None
    published: str | None = None
    #: The article's author (a forum topic's opener, a question's asker).
    author: str | None = None


# -- XPath helpers ------------------------------------------------------------------------
def cls(*names: str) -> str:
    """An XPath predicate body true when ``@class`` has any of the class tokens ``names``
    (whole tokens, as CSS ``.name`` matches)."""
    return " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {n} ')"
                       for n in names)


def xp(path: str) -> etree.XPath:
    """A compiled XPath with the EXSLT regular-expression namespace as ``re:``."""
    return etree.XPath(path, namespaces={"re": "http://exslt.org/regular-expressions"})


def classes(el: HtmlElement) -> list[str]:
    """The class tokens of ``el``."""
    return (el.get("class") or "").split()


def own(el: HtmlElement, found: Iterable[HtmlElement],
        members: set[HtmlElement] | frozenset[HtmlElement]) -> list[HtmlElement]:
    """The elements of ``found`` (descendants of comment ``el``) that belong to ``el``
    itself, not to a nested comment in ``members``."""
    out = []
    for node in found:
        parent = node
        while parent is not None and parent is not el:
            if parent in members:
                break
            parent = parent.getparent()
        else:
            out.append(node)
            continue
        if parent is el:
            out.append(node)
    return out


def either(*elements: HtmlElement | None) -> HtmlElement | None:
    """The first of ``elements`` that is not None (``or`` would test an element's
    children, not its presence)."""
    for element in elements:
        if element is not None:
            return element
    return None


def first(el: HtmlElement, path: etree.XPath | str,
          members: set[HtmlElement] | frozenset[HtmlElement] = frozenset()) -> HtmlElement | None:
    """The first element of ``path`` under ``el`` that is not inside a nested comment."""
    found = path(el) if callable(path) else el.xpath(path)
    if not members:
        return found[0] if found else None
    for node in own(el, found, members):
        return node
    return None


# -- values -----------------------------------------------------------------------------------
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
                  r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_YEAR = re.compile(r"\b(?:1[89]|2[01])\d\d\b")


@lru_cache(maxsize=8192)
def iso_time(value: str | None) -> str | None:
    """An ISO 8601 timestamp from a machine-readable date (``datetime`` attribute,
    ``content``, Unix seconds or milliseconds) or a written date with a four-digit year
    ("January 2, 2020 at 10:11 am"; python-dateutil).  With a zone (or from Unix time)
    the result is UTC with ``Z``; without, it is the local time as written.  None when
    the value is not a date."""
    if not value:
        return None
    text = value.strip()
    if _EPOCH.match(text):
        seconds = float(text)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        try:
            return _utc(datetime.fromtimestamp(seconds, UTC))
        except (OverflowError, OSError, ValueError):
            return None
    stamp: datetime | None = None
    if _ISO.match(text):
        fixed = re.sub(r"\s*(?:Z|UTC|GMT)$", "+00:00", text, flags=re.I)
        fixed = re.sub(r"\s+([+-]\d{2}):?(\d{2})$", r"\1:\2", fixed)
        fixed = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", fixed).replace(",", ".")
        try:
            stamp = datetime.fromisoformat(fixed)
        except ValueError:
            stamp = None
    if stamp is None and _YEAR.search(text) and len(text) <= 80:
        stamp = _written(text)
    if stamp is None and _YEAR.search(text) and len(text) <= 80:
        try:
            from dateutil import parser as dateparser

            dayfirst = bool(re.search(r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{4}", text))
            stamp = dateparser.parse(text, dayfirst=dayfirst)
        except (ValueError, OverflowError, TypeError, LookupError):
            return None
    if stamp is None:
        return None
    if stamp.tzinfo is not None:
        return _utc(stamp)
    return stamp.isoformat(timespec="seconds") if (stamp.hour or stamp.minute or stamp.second
                                                   or "T" in text or ":" in text) \
        else stamp.date().isoformat()


#: Written dates that comment systems print, tried with ``strptime`` before dateutil (which
#: is ~100 times slower): Disqus titles, WordPress, phpBB, Drupal, Blogger, German forums.
WRITTEN_FORMATS = ("%A, %B %d, %Y %I:%M %p", "%B %d, %Y at %I:%M %p", "%B %d, %Y at %I:%M%p",
                   "%d %B %Y at %H:%M", "%d %B %Y at %I:%M %p", "%a %b %d, %Y %I:%M %p",
                   "%a %b %d, %Y %H:%M", "%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M", "%d.%m.%Y",
                   "%a, %m/%d/%Y - %H:%M", "%B %d, %Y", "%d %B %Y", "%b %d, %Y %I:%M %p")


def _written(text: str) -> datetime | None:
    for fmt in WRITTEN_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _utc(stamp: datetime) -> str:
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_NUMBER = re.compile(r"[-+−]?\d[\d,.\u00a0 ]*(?:[kK]\b)?")


def number(text: str | None) -> int | None:
    """The first integer in ``text`` ("12 points" -> 12, "1.2k" -> 1200, "−3" -> -3)."""
    if not text:
        return None
    m = _NUMBER.search(text)
    if not m:
        return None
    raw = m.group().replace("−", "-").replace("\u00a0", "").replace(" ", "")
    scale = 1
    if raw[-1:] in "kK":
        scale, raw = 1000, raw[:-1]
        try:
            return int(float(raw.replace(",", ".")) * scale)
        except ValueError:
            return None
    raw = raw.replace(",", "").replace(".", "")
    try:
        return int(raw)
    except ValueError:
        return None


_ID_DIGITS = re.compile(r"(\d+)$")


def id_number(value: str | None) -> str | None:
    """The platform id inside an element id: ``comment-123`` -> ``"123"``,
    ``dsq-comment-1828`` -> ``"1828"``, ``c123`` -> ``"123"``; None without digits."""
    if not value:
        return None
    m = _ID_DIGITS.search(value)
    return m.group(1) if m else None


COUNT_WORDS = (r"comments?|responses?|replies|repl(?:y|ies)|thoughts?|reactions?|"
               r"kommentare?|commentaires?|comentarios?|commenti|commento|reacties|"
               r"komentarz[ey]?|коммент\w*|отзыв\w*|ответ\w*")
_COUNT = re.compile(rf"^\s*(\d[\d,.]*)\s+(?:{COUNT_WORDS})\b"
                    rf"|^\s*(?:{COUNT_WORDS})\s*[(:]?\s*(\d[\d,.]*)\s*\)?\s*$", re.IGNORECASE)


def count_in(text: str) -> int | None:
    """The number in a count heading: "19 Comments", "19 thoughts on “…”", "Comments (19)",
    "1,024 comments"; None when ``text`` is not one."""
    m = _COUNT.match(text)
    if not m:
        return None
    return number(m.group(1) or m.group(2))


def dom_parents(items: list[HtmlElement]) -> list[HtmlElement | None]:
    """For each comment element, the nearest ancestor that is also in ``items`` (its
    parent comment by DOM containment), or None."""
    members = set(items)
    out: list[HtmlElement | None] = []
    for item in items:
        parent = item.getparent()
        while parent is not None and parent not in members:
            parent = parent.getparent()
        out.append(parent)
    return out


def clean_name(text: str | None) -> str | None:
    """An author name without surrounding white space, "says:"/"wrote:" or "@"."""
    if not text:
        return None
    name = _SAYS.sub("", " ".join(text.split())).strip(" :·•|")
    return name or None


_SAYS = re.compile(r"\s*(?:says|said|wrote|writes|schreibt|a écrit|escribió)\s*[:.…]*$", re.I)


_SECTION = re.compile(r"(?:^|[\s_-])(?:comments?|comment-?(?:area|section|wrapper|wrap|block)|"
                      r"discussion|disqus_thread|dsq-content|responses|kommentare|"
                      r"commentaires|comentarios)(?:$|[\s_-])", re.I)


def section_of(el: HtmlElement, levels: int = 4) -> HtmlElement:
    """The comment section around comment list ``el``: the outermost of its nearest
    ``levels`` ancestors whose id or class names comments ("comments", "comments-area",
    "disqus_thread", …), stopping at ``body``/``main``/``article``; else ``el``."""
    best = el
    node = el.getparent()
    for _ in range(levels):
        if node is None or node.tag in ("body", "html", "main", "article"):
            break
        if _SECTION.search(f"{node.get('id', '')} {node.get('class', '')}"):
            best = node
        node = node.getparent()
    return best


def detach(items: list[HtmlElement]) -> None:
    """Take every comment element out of its parent (the elements stay usable), so that
    queries under one comment see only its own content, not its nested replies: linear
    instead of quadratic in the number of comments.  Call after parents and sections are
    known; the page then no longer holds the comments (the comment section is removed
    before the article is extracted anyway)."""
    for item in items:
        parent = item.getparent()
        if parent is not None:
            tail = item.tail
            parent.remove(item)
            item.tail = tail


def class_index(el: HtmlElement) -> dict[str, HtmlElement]:
    """One pass over ``el``'s descendants: the first element of each class token (key
    ``"name"``), of each tag (key ``"<tag>"``) and of each ``data-role`` (key
    ``"[role]"``), in document order.  Much faster than
    one XPath class test per selector (libxml2 evaluates ``concat``/``contains`` per
    element); use on a comment after :func:`detach`."""
    index: dict[str, HtmlElement] = {}
    for node in el.iterdescendants():
        tag = node.tag
        if not isinstance(tag, str):
            continue
        index.setdefault(f"<{tag}>", node)
        role = node.get("data-role")
        if role:
            index.setdefault(f"[{role}]", node)
        names = node.get("class")
        if names:
            for token in names.split():
                index.setdefault(token, node)
    return index


def pick(index: dict[str, HtmlElement], *keys: str) -> HtmlElement | None:
    """The element of the first key of ``keys`` present in ``index``."""
    for key in keys:
        found = index.get(key)
        if found is not None:
            return found
    return None


def class_skipper(members: set[HtmlElement], tokens: frozenset[str],
                  also: set[HtmlElement] | None = None) -> Callable[[HtmlElement], bool]:
    """A ``skip`` predicate for :func:`~discourse.read.htmltext.text_of`: nested comments,
    elements in ``also``, and elements having any class in ``tokens`` (author line, date,
    reply links)."""
    extra = also or set()

    def skip(node: HtmlElement) -> bool:
        if node in members or node in extra:
            return True
        names = node.get("class")
        return bool(names) and not tokens.isdisjoint(names.split())

    return skip
