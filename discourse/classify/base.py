"""The classifier protocol and the thread-level functions over any model.

A *model* is anything scikit-learn-shaped with

``classes_``
    :data:`~discourse.labels.LABELS` (the column order of its probabilities);
``predict_proba(pairs) -> ndarray (n, 4)``
    calibrated probabilities of each pairs row (:mod:`discourse.classify.pairs`), before the
    evidence rule (:mod:`discourse.classify.decide`); rows sum to 1;

and optionally ``score(pairs) -> Scored`` when it can also give reasons for a label or the
replies' sentiment (the linear model can; see :class:`Scored`), and ``evidence_rule``
(default True): whether the labels that need evidence (:mod:`discourse.classify.decide`)
may only be chosen with it — models that learnt the rare labels from data set it False and
are decided by their probabilities alone.  The linear model, the
stance model, their ensembles and the baselines all follow it;
:func:`predict_thread` and :func:`annotate` work on any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from discourse.classify.decide import (
    INLINE_CONFIDENCE,
    condition_on_evidence,
    decide,
    evidence_mask,
    with_rule,
)
from discourse.classify.explain import NO_REASON, THRESHOLD_REASON
from discourse.classify.pairs import thread_pairs
from discourse.labels import LABELS
from discourse.model import Thread

#: (final probabilities rows × 4, labels, reply texts) -> reasons per row.
Reasons = Callable[[np.ndarray, list[str], list[str]], list[list[str]]]


class PairClassifier(Protocol):
    """What every model provides (see the module docstring)."""

    classes_: tuple[str, ...]

    def predict_proba(self, pairs: pd.DataFrame) -> np.ndarray: ...


@dataclass(slots=True)
class Scored:
    """A model's output on a pairs frame: ``proba`` (n × 4, calibrated, before the
    evidence rule); ``reasons`` when the model can explain a label; ``sentiment`` (n reply
    VADER compounds) when it computed them."""

    proba: np.ndarray
    reasons: Reasons | None = None
    sentiment: np.ndarray | None = None


#: Statuses of comments that have no text of their own to label (``Comment.status``).
PLACEHOLDER_STATUSES = frozenset({"deleted", "removed", "pingback", "trackback"})


def is_placeholder(comment) -> bool:
    """True for a comment with no text of its own: a deleted or removed placeholder, a
    pingback or trackback, or an empty body.  Such comments keep the tree intact but get
    no label (labelling guide §1: ``skip``) and are counted apart."""
    return comment.status in PLACEHOLDER_STATUSES or not comment.text.strip()


@dataclass(slots=True)
class Prediction:
    """The label of one reply, with its confidence and the cues that weighed most; a
    placeholder (:func:`is_placeholder`) has ``label`` None and says why in ``reasons``."""

    label: str | None
    confidence: float | None
    reasons: list[str]
    #: Calibrated probability of every label (:data:`LABELS` keys).
    probabilities: dict[str, float] | None = None


def score(model: Any, pairs: pd.DataFrame) -> Scored:
    """``model.score(pairs)`` when the model has it, else its ``predict_proba``."""
    scorer = getattr(model, "score", None)
    if scorer is not None:
        return scorer(pairs)
    return Scored(np.asarray(model.predict_proba(pairs), dtype=float))


def decided(model: Any, pairs: pd.DataFrame) -> tuple[np.ndarray, list[str], Scored]:
    """``(probabilities conditioned on the evidence rule, labels, raw scores)`` of a pairs
    frame; inline notes (the ``inline`` column) are evidence of moderation but labelled
    moderation by rule only in :func:`predict_thread`."""
    scored = score(model, pairs)
    if not len(pairs):
        return scored.proba, [], scored
    replies = pairs["reply"].astype(str).tolist()
    if not getattr(model, "evidence_rule", True):
        return scored.proba, choose(scored.proba, getattr(model, "decision", None)), scored
    inline = pairs["inline"].fillna(False).astype(bool).to_numpy() \
        if "inline" in pairs.columns else None
    allowed = evidence_mask(replies, inline)
    proba = condition_on_evidence(scored.proba, allowed)
    return proba, decide(proba, replies, allowed=allowed), scored


def choose(proba: np.ndarray, decision: Any = None) -> list[str]:
    """The label of each row of ``proba`` (rows × 4, calibrated): the argmax of
    ``log(proba) + decision`` — ``decision`` (4 log-space offsets, None: zeros) makes the
    choice cost-sensitive (a model's offsets are tuned for macro-F1 on held-out data, so rare
    labels are chosen a little more readily than their probability alone would), while the
    probabilities and the confidence shown stay the calibrated ones."""
    z = np.log(np.clip(np.asarray(proba, dtype=float), 1e-12, 1.0))
    if decision is not None:
        z = z + np.asarray(decision, dtype=float)
    return [LABELS[i] for i in z.argmax(axis=1)] if len(z) else []


def predict_thread(model: Any, thread: Thread) -> list[Prediction]:
    """A prediction per comment of ``thread``, in comment order."""
    return _predict(model, thread)[0]


def _predict(model: Any, thread: Thread) -> tuple[list[Prediction], np.ndarray | None]:
    if not thread.comments:
        return [], None
    pairs = thread_pairs(thread)
    proba, labels, scored = decided(model, pairs)
    texts = [c.text for c in thread.comments]
    reasons = scored.reasons(proba, labels, texts) if scored.reasons else \
        [[NO_REASON] for _ in texts]
    out: list[Prediction] = []
    for i, c in enumerate(thread.comments):
        if is_placeholder(c):
            out.append(Prediction(None, None, [f"not labelled: {c.status or 'no text'}"]))
            continue
        label, row = labels[i], proba[i]
        confidence = float(row[LABELS.index(label)])
        why = reasons[i]
        top = int(np.argmax(row))
        if LABELS[top] != label:  # the cost-sensitive choice: say so, first
            why = [THRESHOLD_REASON.format(top=LABELS[top], p=float(row[top])), *why][:3]
        if c.inline:
            label = "moderation"
            confidence = max(INLINE_CONFIDENCE, float(row[LABELS.index(label)]))
            row = with_rule(row, LABELS.index(label), confidence)
            why = ["inline moderator note"]
        out.append(Prediction(label, round(confidence, 4), why,
                              {lab: round(float(p), 4) for lab, p in
                               zip(LABELS, row, strict=True)}))
    return out, scored.sentiment


def annotate(model: Any, thread: Thread) -> Thread:
    """A copy of ``thread`` with ``label``, ``confidence``, ``probabilities``, ``reasons``
    and ``sentiment`` (sentence-mean VADER compound) set on every comment."""
    from discourse.sentiment import sentiment_of

    predictions, sentiment = _predict(model, thread)
    if sentiment is None:
        sentiment = [sentiment_of(c.text) for c in thread.comments]
    comments = [replace(c, label=p.label, confidence=p.confidence, reasons=p.reasons,
                        probabilities=p.probabilities,
                        sentiment=c.sentiment if c.sentiment is not None
                        else round(float(s), 4))
                for c, p, s in zip(thread.comments, predictions, sentiment, strict=True)]
    return thread.with_comments(comments)


class ModelMethods:
    """What every model class adds to ``predict_proba``: ``predict(pairs)`` (labels after
    the evidence rule, scikit-learn-shaped), ``predict_thread(thread)`` and
    ``annotate(thread)`` (the functions of this module on this model)."""

    def predict(self, pairs: pd.DataFrame) -> list[str]:
        """The label of each pairs row (:func:`discourse.classify.decide.decide`)."""
        return decided(self, pairs)[1]

    def predict_thread(self, thread: Thread) -> list[Prediction]:
        return predict_thread(self, thread)

    def annotate(self, thread: Thread) -> Thread:
        return annotate(self, thread)
