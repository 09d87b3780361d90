"""The linear reply model: hashed TF-IDF n-grams of the reply, its opening and the parent,
plus relational pair features (:mod:`discourse.classify.features`), by logistic regression
with balanced class weights, calibrated afterwards (:mod:`discourse.classify.calibration`);
saved safely with skops (:mod:`discourse.classify.modelfile`).  Its weights explain labels
(:mod:`discourse.classify.explain`)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from discourse.classify.base import ModelMethods, Scored
from discourse.classify.calibration import Calibration
from discourse.classify.explain import LinearExplainer
from discourse.classify.features import PAIR_FEATURE_NAMES, PAIR_INPUT_COLUMNS, opening
from discourse.classify.pairs import prepare_pairs
from discourse.errors import DataError, ModelError
from discourse.labels import LABELS

#: Version of the saved-model layout; a file with another version is refused.
MODEL_FORMAT = 1
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "fast-linear.skops"
#: Training sets at least this large are fitted by SGD instead of lbfgs.
SGD_FROM_ROWS = 5000
_REPLY_HASH, _OPENING_HASH, _PARENT_HASH = 2**17, 2**13, 2**15
#: L2 strength of the SGD fit, chosen by leave-one-source-out cross-validation on the real
#: threads' train split (4-way macro-F1 0.248 / 0.256 / 0.251 / 0.252 for 1e-4 / 3e-4 /
#: 1e-3 / 3e-3; the test split was not used to choose).
SGD_ALPHA = 3e-4


def build_pipeline(n_rows: int = 0, alpha: float = SGD_ALPHA):
    """The untrained scikit-learn pipeline: features + logistic regression with balanced
    class weights (by averaged SGD from :data:`SGD_FROM_ROWS` rows, which scores the same as
    lbfgs on our benchmarks at a tenth of the time)."""
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
    if n_rows >= SGD_FROM_ROWS:
        lr = SGDClassifier(loss="log_loss", alpha=alpha, class_weight="balanced", max_iter=100,
                           tol=1e-4, average=True, random_state=0)
    else:
        lr = LogisticRegression(class_weight="balanced", max_iter=2000)
    return Pipeline([("features", features), ("clf", lr)])


def check_labels(labels: pd.Series) -> None:
    """Raise :class:`DataError` for labels outside :data:`LABELS` or fewer than two."""
    found = set(labels)
    bad = found - set(LABELS)
    if bad:
        raise DataError(f"labels outside {', '.join(LABELS)}: {', '.join(map(str, bad))}")
    if len(found) < 2:
        raise DataError("training data needs at least two different labels")


class LinearModel(ModelMethods):
    """The ``fast`` model's core: ``predict_proba(pairs) -> (n, 4)`` calibrated
    probabilities in :data:`LABELS` order (``classes_``), with reasons from its weights.

    ``meta`` records what it was trained on; ``calibration`` (stored in ``meta``) maps its
    raw probabilities to calibrated ones (the identity for models without one).
    """

    name = "linear"
    classes_ = LABELS
    #: Its weights explain labels (reasons), even for another model's decision.
    explains = True

    def __init__(self, pipeline: Any, meta: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.meta = meta or {}
        self.calibration = Calibration.from_meta(self.meta.get("calibration"))

    # -- persistence ----------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> LinearModel:
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

        from discourse.atomic import atomic_output

        self.meta["calibration"] = self.calibration.to_meta()
        payload = {"format": MODEL_FORMAT, "pipeline": self.pipeline, "meta": self.meta}
        with atomic_output(path, binary=True) as handle:
            handle.write(sio.dumps(payload, compression=8))
        return Path(path)

    # -- training -------------------------------------------------------------------------
    @classmethod
    def fit(cls, pairs: pd.DataFrame, labels: Any = None,
            meta: dict[str, Any] | None = None) -> LinearModel:
        """Train on a pairs frame (:mod:`discourse.classify.pairs`) and its labels (a
        sequence, or the frame's ``label`` column when None); uncalibrated (see
        :func:`discourse.classify.fit.fit_calibrated` for the calibrated recipe).  Raises
        :class:`DataError` for unknown labels or fewer than two."""
        pairs = prepare_pairs(pairs)
        y = pd.Series(pairs["label"] if labels is None else list(labels), index=pairs.index)
        check_labels(y)
        pipeline = build_pipeline(len(pairs))
        with warnings.catch_warnings():
            # SGD stopping at max_iter on huge sparse inputs is expected, not a user problem.
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipeline.fit(pairs, y.to_numpy())
        return cls(pipeline, meta)

    # -- prediction -----------------------------------------------------------------------
    def predict_proba(self, pairs: pd.DataFrame, calibrated: bool = True) -> np.ndarray:
        """Probabilities ``(n, 4)`` in :data:`LABELS` order (0 for labels never trained),
        calibrated unless ``calibrated=False``; before the evidence rule
        (:mod:`discourse.classify.decide`)."""
        return self.score(pairs, calibrated).proba

    def score(self, pairs: pd.DataFrame, calibrated: bool = True) -> Scored:
        """:meth:`predict_proba` with the reasons and the replies' sentiment (the VADER
        compound the features computed)."""
        frame = prepare_pairs(pairs)
        out = np.zeros((len(frame), len(LABELS)))
        if frame.empty:
            return Scored(out)
        X = self._features(frame)
        clf = self.pipeline.named_steps["clf"]
        proba = clf.predict_proba(X)
        for j, label in enumerate(clf.classes_):
            out[:, LABELS.index(str(label))] = proba[:, j]
        if calibrated:
            out = self.calibration.apply(out, self._trained())
        coef, classes = self.weights()
        reply_vec = self.pipeline.named_steps["features"].named_transformers_["reply"][0]

        def reasons(final: np.ndarray, labels: list[str], texts: list[str]) -> list[list[str]]:
            explainer = LinearExplainer(coef, classes, reply_vec.build_analyzer(),
                                        reply_vec.n_features, X, final)
            return [explainer.reasons(i, text, label)
                    for i, (text, label) in enumerate(zip(texts, labels, strict=True))]

        return Scored(out, reasons, self._raw_pair(X, "reply_compound"))

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

    def _raw_pair(self, X, name: str) -> np.ndarray:
        """One pair feature column of ``X``, unscaled."""
        scaler = self.pipeline.named_steps["features"].named_transformers_["pair"][-1]
        j = PAIR_FEATURE_NAMES.index(name)
        column = np.asarray(X[:, X.shape[1] - len(PAIR_FEATURE_NAMES) + j].todense()).ravel()
        return column * scaler.scale_[j] + scaler.mean_[j]

    def weights(self) -> tuple[np.ndarray, list[str]]:
        """Linear weights (classes × features) and the class names."""
        clf = self.pipeline.named_steps["clf"]
        classes = [str(c) for c in clf.classes_]
        coef = np.asarray(clf.coef_)
        if coef.shape[0] == 1:  # two classes: one row of weights for classes_[1]
            coef = np.vstack([-coef[0], coef[0]])
        return coef, classes
