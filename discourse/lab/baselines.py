"""Reference baselines for the reply classifier.

Each baseline follows the classifier protocol (:mod:`discourse.classify.base`): ``classes_``,
``fit(pairs)``, ``predict(pairs) -> np.ndarray`` of label strings and ``predict_proba(pairs)
-> (n, 4)`` (one-hot of ``predict``: these baselines decide, they do not estimate) over a
labelled pairs frame (:mod:`discourse.classify.labelled`; only ``reply`` and ``label`` are
used), predicting only labels seen in training.  :data:`BASELINES` maps a short name to a
factory.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from discourse.errors import DataError
from discourse.labels import LABELS


class Baseline:
    """Common fitting logic: the labels seen in training and their counts."""

    name = "baseline"
    classes_ = LABELS

    def __init__(self) -> None:
        self.labels_: list[str] = []
        self.counts_: dict[str, int] = {}
        self.majority_: str | None = None

    def _fit_labels(self, pairs: pd.DataFrame) -> pd.Series:
        for col in ("reply", "label"):
            if col not in pairs.columns:
                raise DataError(f"{self.name}: training pairs have no {col!r} column")
        if len(pairs) == 0:
            raise DataError(f"{self.name}: no training pairs")
        labels = pairs["label"].astype(str)
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise DataError(f"{self.name}: unknown training labels {', '.join(unknown)}")
        counts = labels.value_counts()
        # Stable order: LABELS order; the majority breaks ties by that order too.
        self.labels_ = [lab for lab in LABELS if lab in counts.index]
        self.counts_ = {lab: int(counts[lab]) for lab in self.labels_}
        self.majority_ = self._most_frequent(self.labels_)
        return labels

    def _most_frequent(self, candidates: list[str]) -> str:
        return max(candidates, key=lambda lab: (self.counts_.get(lab, 0), -LABELS.index(lab)))

    def _check_fitted(self) -> str:
        if self.majority_ is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        return self.majority_

    @staticmethod
    def _replies(pairs: pd.DataFrame) -> pd.Series:
        return pairs["reply"].fillna("").astype(str)

    def fit(self, pairs: pd.DataFrame) -> Baseline:
        self._fit_labels(pairs)
        return self

    def predict(self, pairs: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def predict_proba(self, pairs: pd.DataFrame) -> np.ndarray:
        """One-hot ``(n, 4)`` of :meth:`predict` in :data:`LABELS` order."""
        out = np.zeros((len(pairs), len(LABELS)))
        out[np.arange(len(pairs)), [LABELS.index(p) for p in self.predict(pairs)]] = 1.0
        return out


class MajorityBaseline(Baseline):
    """Always the most frequent training label."""

    name = "majority"

    def predict(self, pairs: pd.DataFrame) -> np.ndarray:
        majority = self._check_fitted()
        return np.full(len(pairs), majority, dtype=object)


class VaderSignBaseline(Baseline):
    """Sign of the reply's VADER compound score.

    compound >= 0.05 -> agreement, <= -0.05 -> rebuttal, otherwise the more frequent of
    agreement/rebuttal in training.  Sentiment says nothing about moderation or off-topic,
    so those are never predicted unless training had neither agreement nor rebuttal (then
    everything is the training majority).  A stance label missing from training is replaced
    by that fallback.
    """

    name = "vader"
    threshold = 0.05

    def __init__(self) -> None:
        super().__init__()
        self._analyzer = None
        self.fallback_: str | None = None

    def fit(self, pairs: pd.DataFrame) -> VaderSignBaseline:
        self._fit_labels(pairs)
        stance = [lab for lab in ("agreement", "rebuttal") if lab in self.labels_]
        self.fallback_ = self._most_frequent(stance) if stance else self.majority_
        return self

    def compound(self, texts: pd.Series) -> np.ndarray:
        """VADER compound score of each text."""
        if self._analyzer is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            self._analyzer = SentimentIntensityAnalyzer()
        score = self._analyzer.polarity_scores
        return np.array([score(t)["compound"] for t in texts], dtype=float)

    def predict(self, pairs: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        fallback = self.fallback_
        positive = "agreement" if "agreement" in self.labels_ else fallback
        negative = "rebuttal" if "rebuttal" in self.labels_ else fallback
        compound = self.compound(self._replies(pairs))
        out = np.full(len(pairs), fallback, dtype=object)
        out[compound >= self.threshold] = positive
        out[compound <= -self.threshold] = negative
        return out


#: Hand-written cue patterns (regular expressions over the lower-cased reply).
CUES: dict[str, tuple[str, ...]] = {
    "agreement": (
        r"\bagree(?:d|s)?\b", r"\bexactly\b", r"\bso true\b", r"\bwell said\b",
        r"\bthanks?\b", r"\bthank you\b", r"\bgreat (?:post|point|article|piece|read)\b",
        r"\bgood point\b", r"\byou(?:'re| are) (?:so )?right\b", r"\babsolutely\b",
        r"\bspot on\b", r"\bindeed\b", r"\bsame here\b", r"(?:^|\s)\+1\b",
    ),
    "rebuttal": (
        r"^\s*no\b", r"\bno,", r"\bwrong\b", r"\bbut\b", r"\bdisagree", r"\bnonsense\b",
        r"\bactually\b", r"\bnot true\b", r"\bincorrect\b", r"\bhowever\b", r"\bfalse\b",
        r"\bbullshit\b", r"\bridiculous\b", r"\bthat'?s not\b", r"\bdoesn'?t mean\b",
        r"\bon the contrary\b",
    ),
    "moderation": (
        r"\bspam", r"\boff[- ]topic\b", r"\bbann?(?:ed)?\b", r"\bdeleted\b", r"\bremoved\b",
        r"\bplease stop\b", r"\bbe civil\b", r"\bcivility\b", r"\brules?\b", r"\bmoderators?\b",
        r"\bmods?\b", r"\bsidebar\b", r"\breported\b", r"\bpersonal attacks?\b",
        r"\bstay on topic\b", r"\bderail", r"\btrolls?\b", r"\bflagged\b",
    ),
    "off-topic": (
        r"https?://", r"\bwww\.", r"\.com\b", r"\bsubscrib", r"\bcheck (?:out )?my\b",
        r"\bchannel\b", r"\bfree\b", r"\bclick\b", r"\bfollow me\b", r"\bvisit my\b",
        r"\bgiveaway\b", r"\bpromo", r"\bearn (?:money|\$)", r"\bmy (?:video|page|site|blog)\b",
    ),
}


class CueLexiconBaseline(Baseline):
    """Count cue-lexicon hits per label (:data:`CUES`) in the reply; the most hits wins.

    Only labels seen in training compete.  A tie between labels goes to the one that was more
    frequent in training; no hits at all -> the training majority.
    """

    name = "cues"

    def __init__(self, cues: dict[str, tuple[str, ...]] | None = None) -> None:
        super().__init__()
        self.cues = dict(CUES if cues is None else cues)
        self._patterns = {
            lab: "|".join(f"(?:{p})" for p in pats) for lab, pats in self.cues.items() if pats
        }

    def hits(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """Cue hit counts: one row per reply, one column per label in the lexicon."""
        text = self._replies(pairs).str.lower()
        return pd.DataFrame(
            {lab: text.str.count(re.compile(pat, re.MULTILINE)).to_numpy()
             for lab, pat in self._patterns.items()},
            index=pairs.index,
        )

    def predict(self, pairs: pd.DataFrame) -> np.ndarray:
        majority = self._check_fitted()
        candidates = [lab for lab in self.labels_ if lab in self._patterns]
        if not candidates or len(pairs) == 0:
            return np.full(len(pairs), majority, dtype=object)
        # Order columns by training frequency so argmax resolves ties to the more frequent.
        ordered = sorted(candidates, key=lambda lab: (-self.counts_[lab], LABELS.index(lab)))
        counts = self.hits(pairs)[ordered].to_numpy()
        best = np.asarray(ordered, dtype=object)[counts.argmax(axis=1)]
        best[counts.max(axis=1) == 0] = majority
        return best


class TfidfReplyBaseline(Baseline):
    """TF-IDF word 1-2-grams of the reply alone + balanced logistic regression."""

    name = "tfidf-reply"

    def __init__(self, min_df: int = 1, max_features: int | None = 200_000) -> None:
        super().__init__()
        self.min_df = min_df
        self.max_features = max_features
        self.pipeline_ = None

    def fit(self, pairs: pd.DataFrame) -> TfidfReplyBaseline:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        labels = self._fit_labels(pairs)
        self.pipeline_ = None
        if len(self.labels_) < 2:
            return self  # one class: predict it (logistic regression needs two)
        self.pipeline_ = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True,
                            max_features=self.max_features),
            LogisticRegression(class_weight="balanced", max_iter=1000),
        )
        self.pipeline_.fit(self._replies(pairs), labels.to_numpy())
        return self

    def predict(self, pairs: pd.DataFrame) -> np.ndarray:
        majority = self._check_fitted()
        if self.pipeline_ is None or len(pairs) == 0:
            return np.full(len(pairs), majority, dtype=object)
        return np.asarray(self.pipeline_.predict(self._replies(pairs)), dtype=object)


#: Baseline factories by name.
BASELINES: dict[str, Callable[[], Baseline]] = {
    "majority": MajorityBaseline,
    "vader": VaderSignBaseline,
    "cues": CueLexiconBaseline,
    "tfidf-reply": TfidfReplyBaseline,
}
