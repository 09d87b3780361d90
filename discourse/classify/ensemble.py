"""Ensembles by composition: a weighted mean of member models' calibrated probabilities
(each member follows :mod:`discourse.classify.base`'s protocol).  Reasons and sentiment
come from the first member that gives them (the linear model); a member with weight 0 that
``explains`` is still asked, for its reasons only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from discourse.classify.base import ModelMethods, Scored, score
from discourse.errors import ModelError
from discourse.labels import LABELS


class Ensemble(ModelMethods):
    """``predict_proba(pairs) = Σ wᵢ · memberᵢ.predict_proba(pairs)`` with weights that
    sum to 1 (normalised here).  Raises :class:`ModelError` for no members, negative
    weights or weights summing to 0."""

    classes_ = LABELS

    def __init__(self, members: Sequence[tuple[Any, float]], name: str = "ensemble") -> None:
        weights = np.array([float(w) for _, w in members])
        if not len(members) or (weights < 0).any() or weights.sum() <= 0:
            raise ModelError("an ensemble needs members with non-negative weights")
        self.members = [m for m, _ in members]
        self.weights = weights / weights.sum()
        self.name = name
        #: The evidence rule applies when every member that carries weight uses it.
        self.evidence_rule = all(getattr(m, "evidence_rule", True)
                                 for m, w in zip(self.members, self.weights, strict=True) if w > 0)
        self.meta = {"members": [getattr(m, "meta", {}) for m in self.members],
                     "weights": self.weights.tolist()}

    def predict_proba(self, pairs: pd.DataFrame) -> np.ndarray:
        return self.score(pairs).proba

    def score(self, pairs: pd.DataFrame) -> Scored:
        """The weighted mean of the members' probabilities, with the first reasons and
        sentiment a member gives."""
        out = Scored(np.zeros((len(pairs), len(LABELS))))
        for member, weight in zip(self.members, self.weights, strict=True):
            if weight == 0 and (out.reasons is not None or not getattr(member, "explains",
                                                                      False)):
                continue
            scored = score(member, pairs)
            out.proba = out.proba + weight * scored.proba
            out.reasons = out.reasons or scored.reasons
            out.sentiment = scored.sentiment if out.sentiment is None else out.sentiment
        return out
