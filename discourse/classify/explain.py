"""Reasons for a linear model's label: the evidence that pushed towards the chosen label
*relative to the other labels* — a feature's value times its weight for the label minus the
probability-weighted mean of its weights for the others — read from the relational pair
features (with the cue words found) and from the reply's own words (hashed n-grams mapped
back to the n-grams of the text).  A reason is only shown for a label it can support, so
opposite statements never appear together and never contradict the label."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils import murmurhash3_32

from discourse.classify.cues import CUES
from discourse.classify.features import PAIR_FEATURE_NAMES
from discourse.labels import LABELS

#: Each pair-feature reason: (feature, high?) -> (phrase, labels it can support).
PAIR_REASONS: dict[tuple[str, bool], tuple[str, frozenset[str]]] = {
    ("agree_open", True): ("opens with agreement", frozenset({"agreement"})),
    ("agree_any", True): ("agreement words", frozenset({"agreement"})),
    ("rebut_open", True): ("opens with disagreement", frozenset({"rebuttal"})),
    ("rebut_any", True): ("disputing words", frozenset({"rebuttal"})),
    ("negation_rate", True): ("negation", frozenset({"rebuttal"})),
    ("contrast", True): ("contrast", frozenset({"rebuttal"})),
    ("question_marks", True): ("questions", frozenset({"rebuttal"})),
    ("ends_question", True): ("ends with a question", frozenset({"rebuttal"})),
    ("question_open", True): ("opens with a question", frozenset({"rebuttal"})),
    ("moderation", True): ("talks about the discussion", frozenset({"moderation"})),
    ("off_topic", True): ("promotion or links", frozenset({"off-topic"})),
    ("urls", True): ("links", frozenset({"off-topic"})),
    ("second_person", True): ("addresses the parent", frozenset({"agreement", "rebuttal",
                                                                  "moderation"})),
    ("sim_parent", True): ("close to the parent", frozenset({"agreement", "rebuttal"})),
    ("sim_article", True): ("close to the article", frozenset({"agreement", "rebuttal"})),
    ("quote_overlap", True): ("quotes the parent", frozenset({"agreement", "rebuttal"})),
    ("sim_max", False): ("shares no words with parent or article", frozenset({"off-topic"})),
    ("reply_pos", True): ("positive tone", frozenset({"agreement"})),
    ("reply_neg", True): ("negative tone", frozenset({"rebuttal"})),
    ("sentiment_product", True): ("tone matches the parent's", frozenset({"agreement"})),
    ("sentiment_product", False): ("tone opposite to the parent's", frozenset({"rebuttal"})),
}
#: Labels each reason phrase may accompany (phrases before any ": cue words"), for tests.
REASON_LABELS: dict[str, frozenset[str]] = {phrase: labels for phrase, labels in
                                            PAIR_REASONS.values()} | {
    "wording": frozenset(LABELS), "inline moderator note": frozenset({"moderation"}),
    "decision threshold": frozenset(LABELS)}
#: The reason given first when the label shown is not the most probable one: the model's
#: decision offsets (:func:`discourse.classify.base.choose`) chose it at this margin.
THRESHOLD_REASON = "decision threshold: chosen over {top} ({p:.0%}), as tuned on held-out sites"
_CUE_FOR_FEATURE = {"agree_open": "agree_open", "agree_any": "agree_any",
                    "rebut_open": "rebut_open", "rebut_any": "rebut_any",
                    "moderation": "moderation", "off_topic": "off_topic",
                    "contrast": "contrast", "negation_rate": "negation"}
#: A feature's push towards the label (in logit units) below which it is not a reason.
MIN_PUSH = 0.05
#: What is said when no feature pushed towards the label.
NO_REASON = "wording of the reply"


class LinearExplainer:
    """Reasons for rows of one feature matrix ``X`` (rows × features: hashed reply n-grams
    first, the :data:`PAIR_FEATURE_NAMES` block last, scaled) of a linear model with
    weights ``coef`` (classes × features), its ``classes`` and the reply ``analyzer``
    (text -> n-grams) hashed into ``n_reply`` columns; ``proba`` (rows × :data:`LABELS`)
    weights the other labels.

    Only the columns a row's reasons read are computed: its stored reply n-grams and the
    pair block (a few hundred of the model's 172,065 columns), read straight from the CSR
    arrays of ``X`` (the dense direction over every column, and sparse row slicing, were
    about 40% of classification time)."""

    def __init__(self, coef: np.ndarray, classes: list[str], analyzer, n_reply: int, X,
                 proba: np.ndarray) -> None:
        self.coef, self.classes = coef, classes
        self.analyzer, self.n_reply = analyzer, n_reply
        self.X, self.proba = X, proba
        self.n_pair = len(PAIR_FEATURE_NAMES)
        csr = X.tocsr()
        if not csr.has_canonical_format:  # duplicates summed, as todense() would
            csr = csr.copy()
            csr.sum_duplicates()
        self._indptr, self._indices, self._data = csr.indptr, csr.indices, csr.data
        self._n_columns = csr.shape[1]
        self._pair_columns = np.arange(self._n_columns - self.n_pair, self._n_columns)
        self._proba_columns = [LABELS.index(c) for c in classes]

    def _direction(self, row: int, label: str, columns: np.ndarray) -> np.ndarray | None:
        """Weights towards ``label`` minus the probability-weighted others, at
        ``columns`` only."""
        if label not in self.classes:
            return None
        k = self.classes.index(label)
        p = self.proba[row, self._proba_columns]
        others = np.delete(np.arange(len(self.classes)), k)
        w = p[others] / p[others].sum() if p[others].sum() > 0 else np.full(len(others),
                                                                          1 / len(others))
        return self.coef[k, columns] - w @ self.coef[np.ix_(others, columns)]

    def reasons(self, row: int, text: str, label: str, limit: int = 3) -> list[str]:
        """At most ``limit`` reasons for ``label`` on row ``row`` (reply ``text``)."""
        lo, hi = self._indptr[row], self._indptr[row + 1]
        indices, data = self._indices[lo:hi], self._data[lo:hi]
        in_reply = indices < self.n_reply
        reply_columns, reply_values = indices[in_reply], data[in_reply]
        direction = self._direction(row, label,
                                    np.concatenate([reply_columns, self._pair_columns]))
        if direction is None:
            return [NO_REASON]
        out: list[str] = []
        pair_x = np.zeros(self.n_pair)
        in_pair = indices >= self._n_columns - self.n_pair
        pair_x[indices[in_pair] - (self._n_columns - self.n_pair)] = data[in_pair]
        push = pair_x * direction[len(reply_columns):]
        for f in np.argsort(push)[::-1]:
            if push[f] <= MIN_PUSH or len(out) >= limit:
                break
            name = PAIR_FEATURE_NAMES[f]
            found = PAIR_REASONS.get((name, bool(pair_x[f] > 0)))
            if found is None or label not in found[1]:
                continue
            phrase = found[0]
            cue = _CUE_FOR_FEATURE.get(name)
            if cue:
                words = list(dict.fromkeys(w.strip().lower() for w in CUES[cue].findall(text)
                                           if w.strip()))
                if not words:
                    continue  # a cue feature pushing by its absence is no reason to show
                phrase = f"{phrase}: {', '.join(words)[:60]}"
            if phrase not in out:
                out.append(phrase)
        words = self._wording(text, reply_columns, reply_values,
                              direction[:len(reply_columns)])
        if words and len(out) < limit:
            out.append("wording: " + ", ".join(f"“{w}”" for w in words))
        return out or [NO_REASON]

    def _wording(self, text: str, columns: np.ndarray, values: np.ndarray,
                 direction: np.ndarray, top: int = 3) -> list[str]:
        """The reply's n-grams whose TF-IDF weight pushed most towards the label
        (``columns``/``values``: the row's stored reply columns and TF-IDF weights;
        ``direction`` at those columns)."""
        if not len(columns):
            return []
        pushes = dict(zip(columns.tolist(), (values * direction).tolist(), strict=True))
        # Only columns that push hard enough can name a word: most rows have none, and
        # then the text is not split into n-grams again.
        strong = {col for col, value in pushes.items() if value > MIN_PUSH * 2}
        if not strong:
            return []
        best: dict[str, float] = {}
        for gram in dict.fromkeys(self.analyzer(text)):
            col = abs(murmurhash3_32(gram, seed=0)) % self.n_reply
            if col not in strong:
                continue
            if all(len(w) < 3 or w in ENGLISH_STOP_WORDS for w in gram.split()):
                continue  # "my", "was", "of the": no explanation to a reader
            best[gram] = pushes[col]
        ranked = sorted(best, key=best.get, reverse=True)  # type: ignore[arg-type]
        chosen: list[str] = []
        for gram in ranked:
            if any(gram in c or c in gram for c in chosen):
                continue
            chosen.append(gram)
            if len(chosen) == top:
                break
        return chosen
