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
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils import murmurhash3_32

from discourse.classify.calibration import Calibration
from discourse.classify.cues import CUES
from discourse.classify.features import PAIR_FEATURE_NAMES, PAIR_INPUT_COLUMNS, opening
from discourse.errors import DataError, ModelError
from discourse.model import LABELS, Thread

#: Version of the saved-model layout; a file with another version is refused.
MODEL_FORMAT = 1
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "default.skops"
INLINE_CONFIDENCE = 0.95
#: A reply of at least this many words may be off-topic for sharing nothing with its
#: parent and the article; a shorter one needs promotion or link cues (see :func:`decide`).
OFF_TOPIC_MIN_WORDS = 60
#: Training sets at least this large are fitted by SGD instead of lbfgs.
SGD_FROM_ROWS = 5000
_REPLY_HASH, _OPENING_HASH, _PARENT_HASH = 2**17, 2**13, 2**15
#: L2 strength of the SGD fit, chosen by leave-one-source-out cross-validation on the real
#: threads' train split (4-way macro-F1 0.248 / 0.256 / 0.251 / 0.252 for 1e-4 / 3e-4 /
#: 1e-3 / 3e-3; the test split was not used to choose).
SGD_ALPHA = 3e-4


def build_pipeline(n_rows: int = 0, alpha: float = SGD_ALPHA):
    """The untrained pipeline: features + logistic regression with balanced class weights
    (probabilities are calibrated afterwards: :mod:`discourse.classify.calibration`)."""
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
    return Pipeline([("features", features), ("clf", lr)])


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
    comments = thread.comments
    # Text columns hold references to the thread's own str objects (object dtype): the
    # article appears in every row and answers every top-level comment, and pandas' string
    # dtype would copy it per row (a 2 MB article x 400 comments peaked at 3.6 GB).
    columns = {
        "parent": _texts(thread.answered_text(c, index) for c in comments),
        "reply": _texts(c.text for c in comments),
        "article": _texts(thread.article for _ in comments),
        "depth": [c.depth if c.answers_id else 0 for c in comments],
        "inline": [c.inline for c in comments],
        "is_article_author": [False] * len(comments),
        "author_posts": [posts.get(c.author or "", 0) for c in comments],
    }
    return pd.DataFrame(columns, columns=list(PAIR_INPUT_COLUMNS))


def _texts(values) -> pd.Series:
    """A column of str objects kept as they are (object dtype: no per-row copies)."""
    return pd.Series(list(values), dtype=object)


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
    thread", in several languages).  Without one the linear model's moderation
    probability is mostly the absence of everything else: on the Korean test thread the
    uncued moderation calls were all wrong (30 of 100 comments, near-uniform
    probabilities), while in leave-one-source-out cross-validation no uncued comment was
    found to be moderation correctly."""
    return bool(CUES["moderation"].search(text))


#: Labels the model may only choose with evidence besides its probabilities.
NEEDS_EVIDENCE = {"off-topic": off_topic_evidence, "moderation": moderation_evidence}


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
    is renormalised, so that the probabilities agree with the decision and the confidence
    shown is the probability of the label taken.  Equivalent to masking the logits before
    the calibration's softmax.  A row with no mass left on its allowed labels is returned
    as it was."""
    proba = np.asarray(proba, dtype=float)
    if not len(proba):
        return proba
    masked = np.where(allowed, proba, 0.0)
    total = masked.sum(axis=1, keepdims=True)
    return np.where(total > 0, masked / np.where(total > 0, total, 1.0), proba)


def decide(proba: np.ndarray, replies: list[str], labels: tuple[str, ...] = LABELS,
           allowed: np.ndarray | None = None) -> list[str]:
    """The label of each row of ``proba`` (rows × :data:`LABELS`): the most probable of
    ``labels``, except that off-topic and moderation are only chosen with evidence
    (:data:`NEEDS_EVIDENCE`; otherwise the next most probable label; when none of
    ``labels`` has its evidence, the most probable of them).  ``allowed``: the replies'
    :func:`evidence_mask` when the caller already has it.  An inline moderator note is
    moderation by rule, outside this function."""
    proba = np.asarray(proba, dtype=float).reshape(-1, len(LABELS))
    if len(proba) != len(replies):
        raise ValueError(f"{len(proba)} probability rows for {len(replies)} replies")
    wanted = np.array([lab in labels for lab in LABELS])
    allowed = (evidence_mask(replies) if allowed is None else allowed) & wanted
    allowed[~allowed.any(axis=1)] = wanted
    best = np.where(allowed, proba, -1.0).argmax(axis=1)
    return [LABELS[i] for i in best]


@dataclass(slots=True)
class Prediction:
    """The label of one reply, with its confidence and the cues that weighed most."""

    label: str
    confidence: float
    reasons: list[str]
    #: Calibrated probability of every label (:data:`LABELS` keys).
    probabilities: dict[str, float] | None = None


class Classifier:
    """Labels replies as agreement, rebuttal, moderation or off-topic (the ``fast`` model).

    Probabilities are the linear model's, calibrated by the :class:`Calibration` stored in
    the model file's metadata (temperature + per-label bias fitted on held-out in-domain
    comments; the identity for models without one).
    """

    name = "fast"

    def __init__(self, pipeline: Any, meta: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.meta = meta or {}
        self.calibration = Calibration.from_meta(self.meta.get("calibration"))

    # -- persistence ----------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> Classifier:
        """Load a saved model (the bundled default when ``path`` is None).  Raises
        :class:`ModelError` (one line naming the file) for a missing, oversized, corrupt,
        untrusted or incompatible file (see :mod:`discourse.classify.modelfile`)."""
        from discourse.classify.modelfile import load_skops

        path = Path(path) if path is not None else DEFAULT_MODEL
        data = load_skops(path)
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            raise ModelError(f"{path}: model format {found!r} is not supported by this version "
                             f"(expects {MODEL_FORMAT}); retrain with `discourse train`")
        meta = data.get("meta", {})
        return cls(data["pipeline"], meta if isinstance(meta, dict) else {})

    def save(self, path: str | Path) -> Path:
        """Save with skops (no pickle) atomically; returns the path."""
        import skops.io as sio

        from discourse.export import atomic_output

        self.meta["calibration"] = self.calibration.to_meta()
        payload = {"format": MODEL_FORMAT, "pipeline": self.pipeline, "meta": self.meta}
        with atomic_output(path, binary=True) as handle:
            handle.write(sio.dumps(payload, compression=8))
        return Path(path)

    # -- training -------------------------------------------------------------------------
    @classmethod
    def fit(cls, pairs: pd.DataFrame, meta: dict[str, Any] | None = None) -> Classifier:
        """Train on a pairs frame with a ``label`` column (uncalibrated; see
        :func:`discourse.classify.train.train` for the calibrated recipe)."""
        pairs = prepare_pairs(pairs)
        labels = set(pairs["label"])
        bad = labels - set(LABELS)
        if bad:
            raise DataError(f"labels outside {', '.join(LABELS)}: {', '.join(map(str, bad))}")
        if len(labels) < 2:
            raise DataError("training data needs at least two different labels")
        pipeline = build_pipeline(len(pairs))
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
        """Calibrated probabilities, one column per label (all four, 0 for labels never
        trained), one row per (parent, reply) pair."""
        frame = _pairs_from_texts(parent_texts, reply_texts, article_texts)
        return self._proba(frame)

    def predict_pairs(self, parent_texts, reply_texts, article_texts=None) -> list[str]:
        """The label of each (parent, reply) pair (:func:`decide`)."""
        proba = self.predict_proba_pairs(parent_texts, reply_texts, article_texts)
        return decide(proba.to_numpy(), [str(r) for r in reply_texts]) if len(proba) else []

    def predict_frame(self, pairs: pd.DataFrame, calibrated: bool = True,
                      evidence: bool = True) -> pd.DataFrame:
        """Probabilities for a pairs frame (columns as in :func:`prepare_pairs`): rows ×
        :data:`LABELS`.  ``calibrated=False``: the raw model's; ``evidence=False``:
        calibrated but before the evidence rule (:func:`condition_on_evidence`)."""
        return self._proba(prepare_pairs(pairs), calibrated, evidence)

    def _proba(self, frame: pd.DataFrame, calibrated: bool = True,
               evidence: bool = True) -> pd.DataFrame:
        proba = self._scored(frame, calibrated, evidence)[0]
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

    def _trained(self) -> np.ndarray:
        classes = {str(c) for c in self.pipeline.named_steps["clf"].classes_}
        return np.array([label in classes for label in LABELS])

    def _scored(self, frame: pd.DataFrame, calibrated: bool = True, evidence: bool = True):
        """``(probabilities, X, allowed)``: probabilities rows × :data:`LABELS` (0 for
        labels never trained; calibrated unless ``calibrated=False``, then conditioned on
        the evidence rule (:func:`condition_on_evidence`) unless ``evidence=False``), the
        feature matrix, and the :func:`evidence_mask` applied (``None`` when none was)."""
        proba, X = self._calibrated(frame, calibrated)
        allowed = None
        if calibrated and evidence and len(proba):
            inline = frame["inline"].fillna(False).astype(bool).to_numpy() \
                if "inline" in frame.columns else None
            allowed = evidence_mask(frame["reply"].astype(str).tolist(), inline)
            proba = condition_on_evidence(proba, allowed)
        return proba, X, allowed

    def _calibrated(self, frame: pd.DataFrame, calibrated: bool = True):
        """:meth:`_scored` before the evidence rule."""
        out = np.zeros((len(frame), len(LABELS)))
        if frame.empty:
            return out, None
        X = self._features(frame)
        clf = self.pipeline.named_steps["clf"]
        proba = clf.predict_proba(X)
        for j, label in enumerate(clf.classes_):
            out[:, LABELS.index(str(label))] = proba[:, j]
        if calibrated:
            out = self.calibration.apply(out, self._trained())
        return out, X

    def _raw_pair(self, X, name: str) -> np.ndarray:
        """One pair feature column of ``X``, unscaled."""
        scaler = self.pipeline.named_steps["features"].named_transformers_["pair"][-1]
        j = PAIR_FEATURE_NAMES.index(name)
        column = np.asarray(X[:, X.shape[1] - len(PAIR_FEATURE_NAMES) + j].todense()).ravel()
        return column * scaler.scale_[j] + scaler.mean_[j]

    def predict(self, thread: Thread) -> list[Prediction]:
        """A prediction per comment of ``thread``, in comment order."""
        return self._predict(thread)[0]

    def _predict(self, thread: Thread) -> tuple[list[Prediction], np.ndarray]:
        if not thread.comments:
            return [], np.zeros(0)
        proba, X, allowed = self._scored(thread_pairs(thread))
        explainer = _Explainer(self, X, proba)
        # the mask also allows moderation for inline notes, which are moderation by rule below
        decided = decide(proba, [c.text for c in thread.comments], allowed=allowed)
        out: list[Prediction] = []
        for i, c in enumerate(thread.comments):
            label = decided[i]
            confidence = float(proba[i, LABELS.index(label)])
            probabilities = proba[i]
            if c.inline:
                label = "moderation"
                confidence = max(INLINE_CONFIDENCE, float(proba[i, LABELS.index(label)]))
                probabilities = _with_rule(proba[i], LABELS.index(label), confidence)
                reasons = ["inline moderator note"]
            else:
                reasons = explainer.reasons(i, c.text, label)
            out.append(Prediction(label, round(confidence, 4), reasons,
                                  {lab: round(float(p), 4) for lab, p in
                                   zip(LABELS, probabilities, strict=True)}))
        return out, self._raw_pair(X, "reply_compound")

    def annotate(self, thread: Thread) -> Thread:
        """A copy of ``thread`` with ``label``, ``confidence``, ``probabilities``,
        ``reasons`` and ``sentiment`` (sentence-mean VADER compound, from the features)
        set on every comment."""
        predictions, sentiment = self._predict(thread)
        comments = [replace(c, label=p.label, confidence=p.confidence, reasons=p.reasons,
                            probabilities=p.probabilities,
                            sentiment=c.sentiment if c.sentiment is not None
                            else round(float(s), 4))
                    for c, p, s in zip(thread.comments, predictions, sentiment, strict=True)]
        return thread.with_comments(comments)

    def weights(self) -> tuple[np.ndarray, list[str]]:
        """Linear weights (classes × features) of the underlying linear model and its
        class names."""
        clf = self.pipeline.named_steps["clf"]
        classes = [str(c) for c in clf.classes_]
        coef = np.asarray(clf.coef_)
        if coef.shape[0] == 1:  # two classes: one row of weights for classes_[1]
            coef = np.vstack([-coef[0], coef[0]])
        return coef, classes


def _with_rule(proba: np.ndarray, k: int, confidence: float) -> np.ndarray:
    """``proba`` with label ``k`` set to ``confidence`` and the rest scaled to fill the
    remainder (a rule's decision, e.g. an inline moderator note)."""
    rest = np.delete(proba, k)
    out = np.empty_like(proba)
    scale = (1 - confidence) / rest.sum() if rest.sum() > 0 else 0.0
    out[np.arange(len(proba)) != k] = rest * scale
    out[k] = confidence
    return out


#: Each pair-feature reason: (feature, high?) -> (phrase, labels it can support).  A reason
#: is shown only for a label in its set, so opposite statements ("close to the parent" /
#: "unrelated to parent and article", "positive tone" / "negative tone") can never appear
#: together, nor contradict the label.
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
    "wording": frozenset(LABELS), "inline moderator note": frozenset({"moderation"})}
_CUE_FOR_FEATURE = {"agree_open": "agree_open", "agree_any": "agree_any",
                    "rebut_open": "rebut_open", "rebut_any": "rebut_any",
                    "moderation": "moderation", "off_topic": "off_topic",
                    "contrast": "contrast", "negation_rate": "negation"}
_STOP_WORDS = ENGLISH_STOP_WORDS
#: A feature's push towards the label (in logit units) below which it is not a reason.
MIN_PUSH = 0.05


class _Explainer:
    """Reasons for one thread's predictions: the evidence that pushed towards the chosen
    label *relative to the other labels* — a feature's value times its weight for the
    label minus the probability-weighted mean of its weights for the others — read from
    the relational features (with the cue words found) and from the reply's own words
    (hashed n-grams mapped back to the n-grams of the text)."""

    def __init__(self, model: Classifier, X, proba: np.ndarray) -> None:
        self.model = model
        self.X = X
        self.proba = proba
        self.coef, self.classes = model.weights()
        self.n_pair = len(PAIR_FEATURE_NAMES)
        reply_vec = model.pipeline.named_steps["features"].named_transformers_["reply"][0]
        self.analyzer = reply_vec.build_analyzer()
        self.n_reply = reply_vec.n_features

    def _direction(self, row: int, label: str) -> np.ndarray | None:
        """Weights towards ``label`` minus the probability-weighted others (features)."""
        if label not in self.classes:
            return None
        k = self.classes.index(label)
        p = np.array([self.proba[row, LABELS.index(c)] for c in self.classes])
        others = np.delete(np.arange(len(self.classes)), k)
        w = p[others] / p[others].sum() if p[others].sum() > 0 else np.full(len(others),
                                                                          1 / len(others))
        return self.coef[k] - w @ self.coef[others]

    def reasons(self, row: int, text: str, label: str, limit: int = 3) -> list[str]:
        direction = self._direction(row, label)
        if direction is None:
            return ["wording of the reply"]
        x = self.X[row]
        out: list[str] = []
        pair_x = np.asarray(x[:, x.shape[1] - self.n_pair:].todense()).ravel()
        push = pair_x * direction[-self.n_pair:]
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
        words = self._wording(row, text, direction)
        if words and len(out) < limit:
            out.append("wording: " + ", ".join(f"“{w}”" for w in words))
        return out or ["wording of the reply"]

    def _wording(self, row: int, text: str, direction: np.ndarray, top: int = 3) -> list[str]:
        """The reply's n-grams whose TF-IDF weight pushed most towards the label."""
        x = self.X[row, : self.n_reply]
        if not x.nnz:
            return []
        pushes = dict(zip(x.indices.tolist(), (x.data * direction[x.indices]).tolist(),
                          strict=True))
        best: dict[str, float] = {}
        for gram in dict.fromkeys(self.analyzer(text)):
            if all(len(w) < 3 or w in _STOP_WORDS for w in gram.split()):
                continue  # "my", "was", "of the": no explanation to a reader
            col = abs(murmurhash3_32(gram, seed=0)) % self.n_reply
            value = pushes.get(col, 0.0)
            if value > MIN_PUSH * 2:
                best[gram] = value
        ranked = sorted(best, key=best.get, reverse=True)  # type: ignore[arg-type]
        chosen: list[str] = []
        for gram in ranked:
            if any(gram in c or c in gram for c in chosen):
                continue
            chosen.append(gram)
            if len(chosen) == top:
                break
        return chosen


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
