"""The one-sentence summary of a thread's debate, computed from its metrics row.

The sentence is assembled from the numbers of :func:`discourse.analyze.thread_metrics`
(size, depth, label shares, longest rebuttal chain, moderation count, participation Gini,
escalation slope), so two threads only share a sentence when they share those figures.
It is plain text (escaped by the templates like any other string).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from discourse.model import LABELS

#: How a dominant label is phrased after "N% of M replies ...".
_VERB = {
    "agreement": "agree with what they answer",
    "rebuttal": "are rebuttals",
    "moderation": "are moderator notes",
    "off-topic": "are off-topic",
}


def _shares(row: Mapping[str, Any]) -> dict[str, float]:
    out = {}
    for label in LABELS:
        value = row.get(f"share_{label.replace('-', '_')}")
        if value is not None:
            out[label] = float(value)
    return out


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _shape(row: Mapping[str, Any]) -> str:
    depth, size = int(row.get("max_depth") or 0), int(row.get("size") or 0)
    if depth >= 4:
        return "deep"
    if depth == 0 or (depth == 1 and size > 6):
        return "flat"
    return "branching"


def _tone(shares: dict[str, float]) -> str:
    if not shares:
        return "not yet classified"
    if shares.get("rebuttal", 0) >= 0.35:
        return "contested"
    if shares.get("moderation", 0) >= 0.2:
        return "heavily moderated"
    if shares.get("off-topic", 0) >= 0.3:
        return "drifting"
    if shares.get("agreement", 0) >= 0.6:
        return "largely supportive"
    return "mixed"


def describe(row: Mapping[str, Any]) -> str:
    """One sentence describing the shape of the debate of a metrics row.

    >>> describe({"size": 0})
    'No discussion: nobody has commented on this article.'
    """
    size = int(row.get("size") or 0)
    if size == 0:
        words = int(row.get("article_words") or 0)
        if words:
            return f"No discussion: the {words:,}-word article drew no comments."
        return "No discussion: nobody has commented on this article."
    shares = _shares(row)
    tone = _tone(shares)
    noun = "exchange" if size <= 5 else "debate" if tone == "contested" else "discussion"
    if shares:
        head = f"A {_shape(row)}, {tone} {noun}"
    else:
        head = f"A {_shape(row)} {noun} (replies not yet classified)"

    clauses: list[str] = []
    if shares:
        lead = "rebuttal" if tone == "contested" else max(shares, key=lambda k: shares[k])
        clauses.append(f"{shares[lead]:.0%} of {size} replies {_VERB.get(lead, 'are ' + lead)}")
    else:
        clauses.append(f"{_count(size, 'comment')} from "
                       f"{_count(int(row.get('participants') or 0), 'named participant')}")
    chain = int(row.get("longest_rebuttal_chain") or 0)
    depth = int(row.get("max_depth") or 0)
    if chain >= 2:
        clauses.append(f"the longest rebuttal chain runs {chain} deep")
    elif depth == 0:
        clauses.append("every comment answers the article directly")
    else:
        clauses.append(f"replies nest {_count(depth, 'level')} deep")
    gini = row.get("participation_gini")
    if gini is not None and gini >= 0.4 and int(row.get("participants") or 0) >= 3:
        clauses.append(f"a few voices dominate (participation Gini {gini:.2f})")
    slope = row.get("escalation_slope")
    if slope is not None and slope >= 0.1:
        clauses.append(f"tone sours as replies nest (escalation slope {slope:+.2f})")
    elif slope is not None and slope <= -0.1:
        clauses.append(f"tone softens as replies nest (escalation slope {slope:+.2f})")
    if shares:
        mods = int(row.get("moderation_count") or 0)
        clauses.append(_count(mods, "moderator intervention") if mods
                       else "no moderator intervention")
    body = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + ", and " + clauses[-1]
    return f"{head}: {body}."
