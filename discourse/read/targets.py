"""Quotes and discourse targets, for every reader: what each comment quotes from what it
answers, and which earlier comment a flat (top-level) reply is aimed at.

Many sites show replies at top level and name their target instead of nesting.  A
top-level comment gets ``target_id`` (``parent_id`` stays ``None``) from this evidence, in
this order:

1. **A mention at the start**: ``@alice …``, ``alice: …``, ``alice, …``, ``To alice: …``,
   ``Re: alice …`` — where *alice* is the author of an earlier comment (case and
   surrounding punctuation ignored; a name of up to four words).  The target is alice's
   latest comment before this one.
2. **A quote**: a marked quote (``> …`` line, “…” run, ``… …`` line; the reader's own
   quote blocks) found verbatim in an earlier comment and not in the article.  The target
   is the latest such comment that did not itself quote the span.

Mentions later in the text ("as @bob said") are not targets: they refer, they do not
answer.  A comment that already has a ``target_id`` (set by its reader) keeps it.
"""

from __future__ import annotations

import re

from discourse.model import Comment, Thread
from discourse.read.text.quotes import QuoteCandidates, normalise

_MENTION = re.compile(r"^\s*(?:(?:(?:to|re)\b|@)\s*:?\s*)?@?(?P<name>[^\s:,@][^:,\n]{0,60}?)\s*[:,]\s",
                      re.IGNORECASE)
_AT = re.compile(r"^\s*@(?P<name>[\w.\-’']{1,40})")
#: Normalised texts of answered comments kept for their next replies (each is recomputed
#: when needed after the cache was emptied: the same result, in bounded memory).
_NORM_CACHE = 4096


def _key(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def attach_quotes_and_targets(thread: Thread) -> None:
    """Set ``quotes`` and flat-reply ``target_id`` on ``thread``'s comments in place.

    Linear in the thread's size: mentions are looked up by name, and the source of a marked
    quote is looked up through an index of the earlier comments' word trigrams (only the
    trigrams that open a marked quote of the thread are indexed, and only once a quote
    needs a source among the earlier comments), so a flat thread of 200,000 comments does
    not compare every comment with every earlier one."""
    comments = thread.comments
    norm_cache: dict[str, str] = {}

    def norm(c: Comment) -> str:
        found = norm_cache.get(c.id)
        if found is None:
            if len(norm_cache) >= _NORM_CACHE:  # bounded: a thread of a million comments
                norm_cache.clear()
            found = norm_cache[c.id] = normalise(c.text)
        return found

    index = {c.id: c for c in comments}
    article_norm = normalise(thread.article)
    authors = _Authors()
    sources: _QuoteSources | None = None
    for pos, c in enumerate(comments):
        if c.parent_id is None and c.target_id is None and not c.inline and c.text:
            target = _mentioned(c.text, authors)
            if target is not None:
                c.target_id = target.id
        if c.author and not c.inline:
            authors.add(_key(c.author), c)
        if c.inline or not c.text or c.quotes:
            continue
        candidates = QuoteCandidates(c.text)
        if not candidates.spans:
            continue
        answered = c.parent_id if c.parent_id is not None else c.target_id
        if answered is not None and answered in index:
            c.quotes = candidates.found(norm(index[answered]))
            continue
        c.quotes = candidates.found(article_norm)
        if not candidates.has_marked or candidates.found(article_norm, marked_only=True):
            continue  # nothing marked as a quote, or its marked quotes come from the article
        if sources is None:
            sources = _QuoteSources(comments, pos)
        for earlier in sources.latest_first(candidates, pos):
            spans = candidates.found(norm(earlier), marked_only=True)
            # A comment that itself quoted the span is not where it comes from.
            spans = [s for s in spans if not any(s in q for q in earlier.quotes)]
            if spans:
                c.quotes, c.target_id = spans, earlier.id
                break


def _trigram(words: list[str], i: int = 0) -> str:
    return f"{words[i]} {words[i + 1]} {words[i + 2]}"


class _QuoteSources:
    """Which earlier comments can hold a marked quote: every marked piece has three words
    or more (:data:`~discourse.read.text.quotes.MIN_WORDS_MARKED`), so a comment whose
    normalised text contains a marked span contains the first word trigram of its first
    piece.  The trigrams that open a marked piece of the comments from ``first`` on (the
    first that needed a source) are collected once; comments are indexed under those
    trigrams only, as far as a lookup needs."""

    def __init__(self, comments: list[Comment], first: int) -> None:
        self.comments = comments
        self.wanted: set[str] = set()
        for c in comments[first:]:
            if not c.inline and c.text:
                for _, marked, pieces in QuoteCandidates(c.text).spans:
                    if marked:
                        self.wanted.add(_trigram(pieces[0].split()))
        self.where: dict[str, list[int]] = {}
        self.indexed = 0

    def _index_up_to(self, pos: int) -> None:
        wanted, where = self.wanted, self.where
        for i in range(self.indexed, pos):
            c = self.comments[i]
            if c.inline or not c.text:
                continue
            words = normalise(c.text).split()
            seen: set[str] = set()
            for j in range(len(words) - 2):
                gram = _trigram(words, j)
                if gram in wanted and gram not in seen:
                    seen.add(gram)
                    where.setdefault(gram, []).append(i)
        self.indexed = max(self.indexed, pos)

    def latest_first(self, candidates: QuoteCandidates, pos: int) -> list[Comment]:
        """The comments before ``pos`` (not inline notes) that may hold one of the marked
        spans of ``candidates``, latest first: a superset of those that do."""
        self._index_up_to(pos)
        found: set[int] = set()
        for _, marked, pieces in candidates.spans:
            if marked:
                found.update(self.where.get(_trigram(pieces[0].split()), ()))
        return [self.comments[i] for i in sorted(found, reverse=True) if i < pos]


class _Authors:
    """The latest comment of each author (by :func:`_key`), in the order authors first
    appeared, with the spellings an ``@handle`` may use for each (the name, without its
    spaces, with underscores for them); a spelling shared by two authors names the one
    that appeared first."""

    def __init__(self) -> None:
        self.latest: dict[str, Comment] = {}
        self.spellings: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self.latest)

    def add(self, author: str, comment: Comment) -> None:
        if author not in self.latest:
            for spelling in (author, author.replace(" ", ""), author.replace(" ", "_")):
                self.spellings.setdefault(spelling, author)
        self.latest[author] = comment

    def handle(self, name: str) -> Comment | None:
        author = self.spellings.get(name)
        return None if author is None else self.latest[author]


def _mentioned(text: str, authors: _Authors) -> Comment | None:
    """The earlier comment whose author ``text`` opens by addressing, if any."""
    if not authors:
        return None
    m = _AT.match(text)
    if m:
        # "@alice_b" or "@Alice" — also accept a handle written without its spaces
        found = authors.handle(_key(m.group("name")))
        if found is not None:
            return found
    m = _MENTION.match(text)
    if m:
        name = _key(m.group("name"))
        if 0 < len(name.split()) <= 4:
            return authors.latest.get(name)
    return None
