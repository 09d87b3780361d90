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
* label shares are estimates with a 95 % interval (:mod:`discourse.analyze.shares`) and
  are said as their interval, rounded outwards ("about 40–55 % rebut and 45–60 % agree":
  to 5 points when the interval is 10 points wide or more, else to whole points); they
  lead with rebuttal and agreement; off-topic, the least reliable label, is mentioned last
  (when its estimate reaches 5 %) and flagged as such; a thread too small to say
  (``shares_too_small``) gets "too few labelled comments to estimate the mix" instead;
  uncertain labels are counted and, when they are the majority, the shares are qualified.

It is plain text (escaped by the templates like any other string).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from discourse.analyze.shares import interval_text
from discourse.labels import LABELS, UNCERTAIN_BELOW
from discourse.numbers import count_of, fixed, signed

#: Summaries are cut to this many characters (they are built from numbers, so this only
#: matters for rows that carry unexpected values).
SUMMARY_CHARS = 600


def _int(row: Mapping[str, Any], key: str) -> int:
    value = row.get(key)
    return int(value) if value is not None and value == value else 0


#: Counted nouns: the project's one pluralisation helper (:mod:`discourse.numbers`).
_count = count_of


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


def _share_words(row: Mapping[str, Any], label: str, estimate: float) -> str:
    """"40–55 %" from the row's interval of ``label`` (the estimate alone, "45 %", for
    rows without one)."""
    key = f"share_{label.replace('-', '_')}"
    low, high = row.get(key + "_low"), row.get(key + "_high")
    if low is None or high is None or low != low or high != high:
        low = high = estimate
    return interval_text(float(low), float(high))


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
        labelled = _int(row, "labelled") if row.get("labelled") is not None else classified
        mods = _int(row, "moderation_count")
        if row.get("shares_too_small"):
            text = f"Too few labelled comments to estimate the mix ({labelled:,} labelled"
            text += f", {_count(mods, 'moderator intervention')})" if mods else ")"
        else:
            of = f"Of the {labelled:,} labelled comments" if labelled != size \
                else f"Of the {labelled:,} comments"
            text = (f"{of}, about {_share_words(row, 'rebuttal', shares['rebuttal'])} rebut and "
                    f"{_share_words(row, 'agreement', shares['agreement'])} agree with what "
                    f"they answer")
            if mods:
                text += f"; {_count(mods, 'moderator intervention')}"
            if shares["off-topic"] >= 0.05:
                text += (f"; {_share_words(row, 'off-topic', shares['off-topic'])} look "
                         f"off-topic (the least reliable label)")
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
        extras.append(f"the longest run of rebuttals answering each other is {_count(chain, 'comment')}")
    gini = row.get("participation_gini")
    if gini is not None and gini >= 0.4 and participants >= 3:
        extras.append(f"a few voices dominate (participation Gini {fixed(gini)})")
    slope = row.get("escalation_slope")
    if slope is not None and slope >= 0.1:
        extras.append(f"tone sours as replies nest (escalation slope {signed(slope)})")
    elif slope is not None and slope <= -0.1:
        extras.append(f"tone softens as replies nest (escalation slope {signed(slope)})")
    if extras:
        body = extras[0] if len(extras) == 1 else ", ".join(extras[:-1]) + " and " + extras[-1]
        sentences.append(body[0].upper() + body[1:] + ".")
    text = " ".join(sentences)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
