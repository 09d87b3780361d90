"""The reply classifier: a scikit-learn pipeline, saved safely with skops, plus reasons.

``Classifier.predict(thread)`` labels every comment relative to what it answers (its
parent; the quoted comment for a top-level comment with ``target_id``; else the article).
An inline moderator note (``Comment.inline``) is labelled *moderation* by rule: the label
definition says so, and the parser only marks notes the site's moderator embedded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from discourse.classify.cues import CUES
from discourse.classify.features import PAIR_FEATURE_NAMES, PAIR_INPUT_COLUMNS, opening
from discourse.errors import DataError, ModelError
from discourse.model import LABELS, Thread

#: Version of the saved-model layout; a file with another version is refused.
MODEL_FORMAT = 1
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "default.skops"
INLINE_CONFIDENCE = 0.95
#: Training sets at least this large are fitted by SGD instead of lbfgs.
SGD_FROM_ROWS = 5000
_REPLY_HASH, _OPENING_HASH, _PARENT_HASH = 2**17, 2**13, 2**15

#: Readable phrases for pair features that push towards a label when high (and, for a
#: few, when low); structural features such as length or depth are not shown as reasons.
FEATURE_REASONS = {
    "agree_open": "opens with agreement", "agree_any": "agreement words",
    "rebut_open": "opens with disagreement", "rebut_any": "disputing words",
    "negation_rate": "negation", "contrast": "contrast (but/however/actually)",
    "question_marks": "questions", "ends_question": "ends with a question",
    "question_open": "opens with a question", "moderation": "talks about the discussion",
    "off_topic": "promotion or links", "second_person": "addresses the parent (you)",
    "exclamations": "exclamations", "urls": "links", "sim_parent": "close to the parent",
    "sim_article": "close to the article", "quote_overlap": "quotes the parent",
    "inline": "inline moderator note", "is_article_author": "written by the article's author",
    "log_author_posts": "many posts by this author",
    "long_and_unrelated": "long and unrelated to parent and article",
    "reply_pos": "positive tone", "reply_neg": "negative tone",
    "sentiment_product": "tone matches the parent's",
}
LOW_REASONS = {"sim_parent": "unrelated to the parent", "sim_article": "unrelated to the article",
               "sim_max": "unrelated to parent and article", "reply_pos": "no positive tone",
               "reply_neg": "no negative tone", "sentiment_product": "tone opposite the parent's"}
_CUE_FOR_FEATURE = {"agree_open": "agree_open", "agree_any": "agree_any",
                    "rebut_open": "rebut_open", "rebut_any": "rebut_any",
                    "moderation": "moderation", "off_topic": "off_topic",
                    "contrast": "contrast", "negation_rate": "negation"}


def build_pipeline(n_rows: int = 0, alpha: float = 1e-4, calibrate: bool = False):
    """The untrained pipeline: features + logistic regression.

    ``calibrate`` wraps the model in sigmoid calibration (``CalibratedClassifierCV``); it is
    off by default because on our mixed training data its cross-validated calibrators came
    out nearly flat and made decisions worse (docs/model-card.md).
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler

    from discourse.classify.features import PairFeatures, UniqueHashingVectorizer

    def hashed(n: int, ngrams: tuple[int, int], **kw: Any) -> UniqueHashingVectorizer:
        return UniqueHashingVectorizer(n_features=n, ngram_range=ngrams, alternate_sign=False,
                                       norm=None, dtype=np.float32, **kw)

    features = ColumnTransformer([
        ("reply", make_pipeline(hashed(_REPLY_HASH, (1, 2)), TfidfTransformer(sublinear_tf=True)),
         "reply"),
        ("opening", make_pipeline(hashed(_OPENING_HASH, (1, 3), preprocessor=opening,
                                         token_pattern=r"\S+"),
                                  TfidfTransformer(sublinear_tf=True)), "reply"),
        ("parent", make_pipeline(hashed(_PARENT_HASH, (1, 1)), TfidfTransformer(sublinear_tf=True)),
         "parent"),
        ("pair", make_pipeline(PairFeatures(), StandardScaler()), list(PAIR_INPUT_COLUMNS)),
    ])
    # Logistic regression; on large training sets by averaged SGD, which scores the same as
    # liblinear/lbfgs on our benchmarks (docs/model-card.md) at a tenth of the time.
    if n_rows >= SGD_FROM_ROWS:
        lr = SGDClassifier(loss="log_loss", alpha=alpha, class_weight="balanced", max_iter=100,
                           tol=1e-4, average=True, random_state=0)
    else:
        lr = LogisticRegression(class_weight="balanced", max_iter=2000)
    clf = CalibratedClassifierCV(lr, cv=3, method="sigmoid", ensemble=False) if calibrate else lr
    return Pipeline([("features", features), ("clf", clf)])


def prepare_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill optional columns so any pairs frame can go through the pipeline."""
    for column in ("parent", "reply"):
        if column not in frame.columns:
            raise DataError(f"pairs need a {column!r} column")
    defaults: dict[str, Any] = {"article": "", "depth": -1, "inline": False,
                                "is_article_author": False, "author_posts": 0}
    frame = frame.copy()
    for column, value in defaults.items():
        if column not in frame.columns:
            frame[column] = value
    for column in ("parent", "reply", "article"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame


def thread_pairs(thread: Thread) -> pd.DataFrame:
    """One pairs row per comment of ``thread``, in comment order."""
    index = thread.by_id()
    posts: dict[str, int] = {}
    for c in thread.comments:
        if c.author:
            posts[c.author] = posts.get(c.author, 0) + 1
    rows = [{"parent": thread.answered_text(c, index), "reply": c.text,
             "article": thread.article, "depth": c.depth if c.answers_id else 0,
             "inline": c.inline, "is_article_author": False,
             "author_posts": posts.get(c.author or "", 0)} for c in thread.comments]
    return pd.DataFrame(rows, columns=list(PAIR_INPUT_COLUMNS))


@dataclass(slots=True)
class Prediction:
    """The label of one reply, with its confidence and the cues that weighed most."""

    label: str
    confidence: float
    reasons: list[str]


class Classifier:
    """Labels replies as agreement, rebuttal, moderation or off-topic."""

    def __init__(self, pipeline: Any, meta: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.meta = meta or {}

    # -- persistence ----------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> Classifier:
        """Load a saved model (the bundled default when ``path`` is None)."""
        from discourse.classify.modelfile import load_skops

        path = Path(path) if path is not None else DEFAULT_MODEL
        data = load_skops(path)
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            raise ModelError(f"{path}: model format {found!r} is not supported by this version "
                             f"(expects {MODEL_FORMAT}); retrain with `discourse train`")
        return cls(data["pipeline"], data.get("meta", {}))

    def save(self, path: str | Path) -> Path:
        """Save with skops (no pickle) atomically; returns the path."""
        import skops.io as sio

        from discourse.export import atomic_output

        payload = {"format": MODEL_FORMAT, "pipeline": self.pipeline, "meta": self.meta}
        with atomic_output(path, binary=True) as handle:
            handle.write(sio.dumps(payload, compression=8))
        return Path(path)

    # -- training -------------------------------------------------------------------------
    @classmethod
    def fit(cls, pairs: pd.DataFrame, meta: dict[str, Any] | None = None,
            calibrate: bool = False) -> Classifier:
        """Train on a pairs frame with a ``label`` column."""
        pairs = prepare_pairs(pairs)
        labels = set(pairs["label"])
        bad = labels - set(LABELS)
        if bad:
            raise DataError(f"labels outside {', '.join(LABELS)}: {', '.join(map(str, bad))}")
        if len(labels) < 2:
            raise DataError("training data needs at least two different labels")
        counts = pairs["label"].value_counts()
        calibrate = calibrate and int(counts.min()) >= 3
        pipeline = build_pipeline(len(pairs), calibrate=calibrate)
        with warnings.catch_warnings():
            # SGD stopping at max_iter on huge sparse inputs is expected, not a user problem.
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipeline.fit(pairs, pairs["label"].to_numpy())
        return cls(pipeline, meta)

    @property
    def labels(self) -> list[str]:
        return [str(x) for x in self.pipeline.classes_]

    # -- prediction -----------------------------------------------------------------------
    def predict_proba_pairs(self, parent_texts, reply_texts, article_texts=None) -> pd.DataFrame:
        """Probabilities, one column per label (all four, 0 for labels never trained)."""
        frame = _pairs_from_texts(parent_texts, reply_texts, article_texts)
        return self._proba(frame)

    def predict_pairs(self, parent_texts, reply_texts, article_texts=None) -> list[str]:
        """The most probable label for each (parent, reply) pair."""
        proba = self.predict_proba_pairs(parent_texts, reply_texts, article_texts)
        return list(proba.idxmax(axis=1)) if len(proba) else []

    def predict_frame(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """Probabilities for a pairs frame (columns as in :func:`prepare_pairs`)."""
        return self._proba(prepare_pairs(pairs))

    def _proba(self, frame: pd.DataFrame) -> pd.DataFrame:
        proba, _ = self._scored(frame)
        return pd.DataFrame(proba, index=frame.index, columns=list(LABELS))

    def _features(self, frame: pd.DataFrame):
        """The fitted feature transformers applied one by one and stacked: what the
        ColumnTransformer's own ``transform`` returns, without its per-call checks (a
        third of the time on a thread of a few dozen comments)."""
        from scipy import sparse

        ct = self.pipeline.named_steps["features"]
        blocks = [trans.transform(frame[cols]) for name, trans, cols in ct.transformers_
                  if name != "remainder" and trans != "drop"]
        return sparse.hstack([sparse.csr_matrix(b) for b in blocks], format="csr")

    def _scored(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (rows × :data:`LABELS`, 0 for labels never trained) and the scaled
        pair features, computing the features once."""
        out = np.zeros((len(frame), len(LABELS)))
        if frame.empty:
            return out, np.zeros((0, len(PAIR_FEATURE_NAMES)))
        X = self._features(frame)
        clf = self.pipeline.named_steps["clf"]
        proba = clf.predict_proba(X)
        for j, label in enumerate(clf.classes_):
            out[:, LABELS.index(str(label))] = proba[:, j]
        return out, X[:, -len(PAIR_FEATURE_NAMES):].toarray()

    def _raw_pair(self, scaled: np.ndarray, name: str) -> np.ndarray:
        """Undo the scaling of one pair feature column."""
        scaler = self.pipeline.named_steps["features"].named_transformers_["pair"][-1]
        j = PAIR_FEATURE_NAMES.index(name)
        return scaled[:, j] * scaler.scale_[j] + scaler.mean_[j]

    def predict(self, thread: Thread) -> list[Prediction]:
        """A prediction per comment of ``thread``, in comment order."""
        return self._predict(thread)[0]

    def _predict(self, thread: Thread) -> tuple[list[Prediction], np.ndarray]:
        if not thread.comments:
            return [], np.zeros(0)
        proba, scaled = self._scored(thread_pairs(thread))
        coef, classes = self._weights()
        contributions = scaled[:, None, :] * coef[None, :, -scaled.shape[1]:]
        best = proba.argmax(axis=1)
        moderation = LABELS.index("moderation")
        out: list[Prediction] = []
        for i, c in enumerate(thread.comments):
            label = LABELS[best[i]]
            confidence = float(proba[i, best[i]])
            reasons = self._reasons(c.text, label, (contributions, classes, scaled), i)
            if c.inline:
                label = "moderation"
                confidence = max(INLINE_CONFIDENCE, float(proba[i, moderation]))
                reasons = ["inline moderator note"] + [r for r in reasons if "inline" not in r]
            out.append(Prediction(label, round(confidence, 4), reasons[:4]))
        return out, self._raw_pair(scaled, "reply_compound")

    def annotate(self, thread: Thread) -> Thread:
        """A copy of ``thread`` with ``label``, ``confidence``, ``reasons`` and ``sentiment``
        (sentence-mean VADER compound, from the features) set on every comment."""
        predictions, sentiment = self._predict(thread)
        comments = [replace(c, label=p.label, confidence=p.confidence, reasons=p.reasons,
                            sentiment=c.sentiment if c.sentiment is not None
                            else round(float(s), 4))
                    for c, p, s in zip(thread.comments, predictions, sentiment, strict=True)]
        return thread.with_comments(comments)

    # -- reasons --------------------------------------------------------------------------
    def _weights(self) -> tuple[np.ndarray, list[str]]:
        """Linear weights (classes × features) of the underlying linear model."""
        clf = self.pipeline.named_steps["clf"]
        if hasattr(clf, "calibrated_classifiers_"):
            clf = clf.calibrated_classifiers_[0].estimator
        classes = [str(c) for c in clf.classes_]
        coef = np.asarray(clf.coef_)
        if coef.shape[0] == 1:  # two classes: one row of weights for classes_[1]
            coef = np.vstack([-coef[0], coef[0]])
        return coef, classes

    def _reasons(self, text: str, label: str, contributions, row: int) -> list[str]:
        contrib, classes, scaled = contributions
        if label not in classes:
            return []
        values = contrib[row, classes.index(label)]
        reasons: list[str] = []
        for f in np.argsort(values)[::-1][:8]:
            if values[f] <= 0.05:
                break
            name = PAIR_FEATURE_NAMES[f]
            high = scaled[row, f] > 0
            phrase = FEATURE_REASONS.get(name) if high else LOW_REASONS.get(name)
            if phrase is None:
                continue
            cue = _CUE_FOR_FEATURE.get(name)
            if cue:
                found = CUES[cue].findall(text)
                if not found:
                    continue  # a cue feature pushing by its absence is no reason to show
                words = ", ".join(dict.fromkeys(w.strip().lower() for w in found))
                phrase = f"{phrase}: {words[:60]}"
            if phrase not in reasons:
                reasons.append(phrase)
        return reasons[:3] or ["wording of the reply"]


def _pairs_from_texts(parent_texts, reply_texts, article_texts) -> pd.DataFrame:
    parents, replies = list(parent_texts), list(reply_texts)
    if len(parents) != len(replies):
        raise DataError(f"{len(parents)} parent texts but {len(replies)} replies")
    articles = [""] * len(replies) if article_texts is None else list(article_texts)
    if len(articles) != len(replies):
        raise DataError(f"{len(articles)} article texts but {len(replies)} replies")
    frame = pd.DataFrame({"parent": parents, "reply": replies, "article": articles})
    empty = int((frame["reply"].fillna("").astype(str).str.strip() == "").sum())
    if empty:
        raise DataError(f"{empty} empty reply text(s); every reply needs text")
    return prepare_pairs(frame)
