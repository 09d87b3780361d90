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

_MENTION = re.compile(r"^\s*(?:(?:to|re|@)\s*:?\s*)?@?(?P<name>[^\s:,@][^:,\n]{0,60}?)\s*[:,]\s",
                      re.IGNORECASE)
_AT = re.compile(r"^\s*@(?P<name>[\w.\-’']{1,40})")


def _key(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def attach_quotes_and_targets(thread: Thread) -> None:
    """Set ``quotes`` and flat-reply ``target_id`` on ``thread``'s comments in place."""
    comments = thread.comments
    norm_cache: dict[str, str] = {}

    def norm(c: Comment) -> str:
        if c.id not in norm_cache:
            norm_cache[c.id] = normalise(c.text)
        return norm_cache[c.id]

    index = {c.id: c for c in comments}
    article_norm = normalise(thread.article)
    latest_by_author: dict[str, Comment] = {}
    for pos, c in enumerate(comments):
        if c.parent_id is None and c.target_id is None and not c.inline and c.text:
            target = _mentioned(c.text, latest_by_author)
            if target is not None:
                c.target_id = target.id
        if c.author and not c.inline:
            latest_by_author[_key(c.author)] = c
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
        for earlier in reversed(comments[:pos]):
            if earlier.inline:
                continue
            spans = candidates.found(norm(earlier), marked_only=True)
            # A comment that itself quoted the span is not where it comes from.
            spans = [s for s in spans if not any(s in q for q in earlier.quotes)]
            if spans:
                c.quotes, c.target_id = spans, earlier.id
                break


def _mentioned(text: str, latest_by_author: dict[str, Comment]) -> Comment | None:
    """The earlier comment whose author ``text`` opens by addressing, if any."""
    if not latest_by_author:
        return None
    m = _AT.match(text)
    if m:
        name = _key(m.group("name"))
        # "@alice_b" or "@Alice" — also accept a handle written without its spaces
        for author, comment in latest_by_author.items():
            if name in (author, author.replace(" ", ""), author.replace(" ", "_")):
                return comment
    m = _MENTION.match(text)
    if m:
        name = _key(m.group("name"))
        if 0 < len(name.split()) <= 4:
            return latest_by_author.get(name)
    return None
