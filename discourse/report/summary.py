"""The short computed summary of a thread's debate, from its metrics row.

The text is assembled from the numbers of :func:`discourse.analyze.thread_metrics` (size,
top-level comments and replies, depth and branching, label shares and counts, uncertain
labels, longest rebuttal chain, participation Gini, escalation slope), and states only
what they support:

* the shape is named from the tree: "flat" (nobody replies to anybody), "a single reply
  chain" (each comment answers the one before), "reply chains that never fork" or a
  "branching" tree (some comment has two or more replies);
* top-level comments and replies are counted apart (a top-level comment answers the
  article, it is not a reply);
* label shares lead with agreement and rebuttal; off-topic, the least reliable label, is
  mentioned last and flagged as such; uncertain labels are counted and, when they are the
  majority, the shares are qualified.

It is plain text (escaped by the templates like any other string).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from discourse.labels import LABELS, UNCERTAIN_BELOW

#: Summaries are cut to this many characters (they are built from numbers, so this only
#: matters for rows that carry unexpected values).
SUMMARY_CHARS = 600


def _int(row: Mapping[str, Any], key: str) -> int:
    value = row.get(key)
    return int(value) if value is not None and value == value else 0


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def shape(row: Mapping[str, Any]) -> str:
    """"none", "flat", "chain", "chains" or "branching" (see the module docstring)."""
    size, depth, top = _int(row, "size"), _int(row, "max_depth"), _int(row, "top_level")
    if size == 0:
        return "none"
    if depth == 0:
        return "flat"
    if top == 1 and size == depth + 1:
        return "chain"
    branching = row.get("branching_factor")
    if branching is not None and branching > 1:
        return "branching"
    return "chains"


def _structure(row: Mapping[str, Any]) -> str:
    size, depth = _int(row, "size"), _int(row, "max_depth")
    top = _int(row, "top_level")
    replies = _int(row, "replies") if row.get("replies") is not None else size - top
    kind = shape(row)
    if kind == "flat":
        return (f"{_count(size, 'comment')}, all answering the article directly (nobody "
                f"replies to another commenter)")
    if kind == "chain":
        return f"{_count(size, 'comment')} in a single reply chain, each answering the one before"
    answers = (f"{top:,} answer{'s' if top == 1 else ''} the article directly, {replies:,} "
               f"repl{'ies' if replies == 1 else 'y'} to another comment")
    if kind == "branching":
        return f"{_count(size, 'comment')}: {answers}, branching up to {_count(depth, 'level')} deep"
    return (f"{_count(size, 'comment')}: {answers}, in reply chains that never fork "
            f"(up to {_count(depth, 'level')} deep)")


def _shares(row: Mapping[str, Any]) -> dict[str, float] | None:
    values = {label: row.get(f"share_{label.replace('-', '_')}")
              for label in LABELS}
    if all(v is None for v in values.values()):
        return None
    return {k: float(v or 0.0) for k, v in values.items()}


def describe(row: Mapping[str, Any]) -> str:
    """A few sentences describing the debate of a metrics row (see the module docstring).

    >>> describe({"size": 0})
    'No discussion: nobody has commented on this article.'
    """
    size = _int(row, "size")
    if size == 0:
        words = _int(row, "article_words")
        if words:
            return f"No discussion: the {words:,}-word article drew no comments."
        return "No discussion: nobody has commented on this article."
    sentences = [_structure(row) + "."]
    participants = _int(row, "participants")
    if participants:
        sentences.append(f"{_count(participants, 'named participant')} took part.")
    shares = _shares(row)
    if shares is None:
        sentences.append("The comments are not classified yet.")
    else:
        classified = _int(row, "classified") or size
        of = f"Of the {classified:,} labelled comments" if classified != size \
            else f"Of the {classified:,} comments"
        text = (f"{of}, {shares['rebuttal']:.0%} rebut and {shares['agreement']:.0%} agree "
                f"with what they answer")
        mods = _int(row, "moderation_count")
        if mods:
            text += f"; {_count(mods, 'moderator intervention')}"
        if shares["off-topic"]:
            text += f"; {shares['off-topic']:.0%} look off-topic (the least reliable label)"
        sentences.append(text + ".")
        uncertain = _int(row, "uncertain")
        if uncertain:
            threshold = f"confidence below {UNCERTAIN_BELOW:.0%}"
            if uncertain * 2 > classified:
                sentences.append(f"Most labels are uncertain ({uncertain:,} of {classified:,} "
                                 f"with {threshold}): read these shares with caution.")
            else:
                sentences.append(f"{uncertain:,} of these labels "
                                 f"{'is' if uncertain == 1 else 'are'} uncertain ({threshold}).")
    extras = []
    chain = _int(row, "longest_rebuttal_chain")
    if chain >= 2:
        extras.append(f"the longest run of rebuttals answering each other is {chain:,} comments")
    gini = row.get("participation_gini")
    if gini is not None and gini >= 0.4 and participants >= 3:
        extras.append(f"a few voices dominate (participation Gini {gini:.2f})")
    slope = row.get("escalation_slope")
    if slope is not None and slope >= 0.1:
        extras.append(f"tone sours as replies nest (escalation slope {slope:+.2f})")
    elif slope is not None and slope <= -0.1:
        extras.append(f"tone softens as replies nest (escalation slope {slope:+.2f})")
    if extras:
        body = extras[0] if len(extras) == 1 else ", ".join(extras[:-1]) + " and " + extras[-1]
        sentences.append(body[0].upper() + body[1:] + ".")
    text = " ".join(sentences)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
