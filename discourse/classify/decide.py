"""From probabilities to a label: the evidence rule and the decision.

Labels marked ``needs_evidence`` in :mod:`discourse.labels` (moderation, off-topic) may only
be chosen when the reply carries evidence for them besides the model's probabilities.  The
probabilities shown are conditioned on the same rule, so the label shown is always the most
probable one and its confidence is that probability.  An inline moderator note
(``Comment.inline``) is moderation by rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from discourse.classify.cues import CUES
from discourse.labels import LABELS, TABLE

#: Confidence given to an inline moderator note (moderation by rule).
INLINE_CONFIDENCE = 0.95
#: A reply of at least this many words may be off-topic for sharing nothing with its
#: parent and the article; a shorter one needs promotion or link cues.
OFF_TOPIC_MIN_WORDS = 60


def off_topic_evidence(text: str) -> bool:
    """Whether a reply carries evidence of being off-topic besides low word overlap:
    promotion or link cues, or at least :data:`OFF_TOPIC_MIN_WORDS` words (pasted news,
    unrelated rants).  Short on-topic replies share no words with their parent as often as
    off-topic ones do (median word-overlap cosine 0.0 on the real Reddit threads), so low
    overlap alone is no evidence."""
    if len(text.split()) >= OFF_TOPIC_MIN_WORDS:
        return True
    return bool(CUES["off_topic"].search(text))


def moderation_evidence(text: str) -> bool:
    """Whether a reply says something about the discussion itself: a moderation cue
    (:data:`discourse.classify.cues.MODERATION`: warnings, deletions, rules, "this
    thread", in several languages)."""
    return bool(CUES["moderation"].search(text))


#: The evidence test of every label that :mod:`discourse.labels` says needs evidence.
EVIDENCE: dict[str, Callable[[str], bool]] = {
    "off-topic": off_topic_evidence, "moderation": moderation_evidence}
NEEDS_EVIDENCE = {label.name: EVIDENCE[label.name] for label in TABLE if label.needs_evidence}


def evidence_mask(replies: list[str], inline: Any = None) -> np.ndarray:
    """Boolean ``(len(replies), 4)`` in :data:`LABELS` order: whether each label may be
    chosen for each reply — always, except the :data:`NEEDS_EVIDENCE` labels, which need
    their evidence in the reply's text.  ``inline`` (one boolean per reply, optional) marks
    inline moderator notes, which are evidence of moderation by themselves."""
    allowed = np.ones((len(replies), len(LABELS)), dtype=bool)
    for label, has_evidence in NEEDS_EVIDENCE.items():
        allowed[:, LABELS.index(label)] = [has_evidence(str(text)) for text in replies]
    if inline is not None:
        allowed[np.asarray(inline, dtype=bool), LABELS.index("moderation")] = True
    return allowed


def condition_on_evidence(proba: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """``proba`` (rows × :data:`LABELS`, rows sum to 1) conditioned on the evidence rule:
    labels ``allowed`` (an :func:`evidence_mask`, same shape) rules out get 0 and each row
    is renormalised.  Equivalent to masking the logits before the calibration's softmax.
    A row with no mass left on its allowed labels is returned as it was."""
    proba = np.asarray(proba, dtype=float)
    if not len(proba):
        return proba
    masked = np.where(allowed, proba, 0.0)
    total = masked.sum(axis=1, keepdims=True)
    return np.where(total > 0, masked / np.where(total > 0, total, 1.0), proba)


def decide(proba: np.ndarray, replies: list[str], labels: tuple[str, ...] = LABELS,
           allowed: np.ndarray | None = None) -> list[str]:
    """The label of each row of ``proba`` (rows × :data:`LABELS`): the most probable of
    ``labels``, except that the :data:`NEEDS_EVIDENCE` labels are only chosen with their
    evidence (otherwise the next most probable label; when none of ``labels`` has its
    evidence, the most probable of them).  ``allowed``: the replies' :func:`evidence_mask`
    when the caller already has it.  Raises ``ValueError`` when the row counts differ."""
    proba = np.asarray(proba, dtype=float).reshape(-1, len(LABELS))
    if len(proba) != len(replies):
        raise ValueError(f"{len(proba)} probability rows for {len(replies)} replies")
    wanted = np.array([lab in labels for lab in LABELS])
    allowed = (evidence_mask(replies) if allowed is None else allowed) & wanted
    allowed[~allowed.any(axis=1)] = wanted
    best = np.where(allowed, proba, -1.0).argmax(axis=1)
    return [LABELS[i] for i in best]


def with_rule(proba: np.ndarray, k: int, confidence: float) -> np.ndarray:
    """``proba`` (one row) with label ``k`` set to ``confidence`` and the rest scaled to
    fill the remainder (a rule's decision, e.g. an inline moderator note)."""
    rest = np.delete(proba, k)
    out = np.empty_like(proba)
    scale = (1 - confidence) / rest.sum() if rest.sum() > 0 else 0.0
    out[np.arange(len(proba)) != k] = rest * scale
    out[k] = confidence
    return out
