"""The stance model: multilingual sentence embeddings of the reply and of what it answers
(:mod:`discourse.classify.encoder`), their interactions and the thread context, into a
strongly regularised multinomial logistic regression, calibrated on held-out in-domain
threads (:mod:`discourse.classify.calibration`).

Feature blocks (a model records which it uses, :data:`BLOCKS`):

``reply``
    the reply's embedding r (512);
``interaction``
    r ⊙ p (512, p the embedding of what it answers: the parent comment, the comment a flat
    reply names, else the article) and the cosines r·p, r·a, p·a (a: the article);
``parent``
    p itself (512);
``context``
    where the reply stands: answers the article, depth 1, depth ≥ 2, written by the
    article's author, by a moderator/staff/admin (``role``), an inline note, and the log of
    the author's comments in the thread;
``cues``
    the linear model's relational features (:data:`~discourse.classify.features.PAIR_FEATURE_NAMES`:
    VADER tone, agreement/rebuttal/moderation/promotion cues, overlap, length).

Saved as one ``.npz`` (``numpy.load(allow_pickle=False)``: arrays and a JSON metadata
string, nothing executable), a few hundred kB.  Method: sentence-embedding features with a
linear head (Reimers & Gurevych 2019, "Sentence-BERT"; Conneau et al. 2017, "InferSent":
u, |u−v|, u⊙v interactions), multinomial logistic regression (scikit-learn), temperature
scaling (Guo et al. 2017).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from discourse.classify.base import ModelMethods, Scored
from discourse.classify.calibration import Calibration, softmax
from discourse.classify.pairs import prepare_pairs
from discourse.errors import DataError, ModelError
from discourse.labels import LABELS

FORMAT = "discourse-stance-1"
BLOCKS = ("reply", "interaction", "parent", "context", "cues")
CONTEXT_NAMES = ("answers_article", "depth_1", "depth_2plus", "is_article_author",
                 "moderator_role", "inline", "log_author_posts", "returns")
#: Roles (``Comment.role``) that mark a moderator's voice.
MODERATOR_ROLES = frozenset({"moderator", "admin", "staff"})
#: Largest model file accepted.
MAX_FILE_BYTES = 64 * 2**20


def _as_bool(values: Any, n: int) -> np.ndarray:
    return np.asarray(pd.Series(values).fillna(False).astype(bool)).reshape(-1)[:n] \
        if not np.isscalar(values) else np.full(n, bool(values))


def context_features(pairs: pd.DataFrame) -> np.ndarray:
    """The :data:`CONTEXT_NAMES` columns of a pairs frame (rows × 8, float32)."""
    n = len(pairs)
    depth = pd.to_numeric(pairs.get("depth", 0), errors="coerce")
    depth = np.nan_to_num(np.asarray(depth, dtype=float) * np.ones(n))
    role = pairs["role"].fillna("").astype(str).str.lower() if "role" in pairs else \
        pd.Series([""] * n)
    posts = pd.to_numeric(pairs.get("author_posts", 0), errors="coerce")
    posts = np.nan_to_num(np.asarray(posts, dtype=float) * np.ones(n))
    columns = [depth == 0, depth == 1, depth >= 2,
               _as_bool(pairs.get("is_article_author", False), n),
               role.isin(MODERATOR_ROLES).to_numpy(),
               _as_bool(pairs.get("inline", False), n), np.log1p(np.maximum(posts, 0)),
               _as_bool(pairs.get("returns", False), n)]
    return np.column_stack(columns).astype(np.float32)


def embeddings(pairs: pd.DataFrame, encoder: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(r, p, a)``: embeddings of each row's reply, parent and article, each distinct
    text encoded once in one call of ``encoder.encode``."""
    columns = [pairs[c].fillna("").astype(str).tolist() for c in ("reply", "parent", "article")]
    index: dict[str, int] = {}
    codes = [np.fromiter((index.setdefault(t, len(index)) for t in col), np.intp, len(col))
             for col in columns]
    vectors = np.asarray(encoder.encode(list(index)), dtype=np.float32) if index else \
        np.zeros((0, 1), dtype=np.float32)
    return tuple(vectors[c] for c in codes)  # type: ignore[return-value]


def features(pairs: pd.DataFrame, blocks: tuple[str, ...], encoder: Any) -> np.ndarray:
    """The feature matrix (rows × columns, float32) of ``blocks`` for a pairs frame."""
    parts: list[np.ndarray] = []
    if {"reply", "interaction", "parent"} & set(blocks):
        r, p, a = embeddings(pairs, encoder)
        if "reply" in blocks:
            parts.append(r)
        if "interaction" in blocks:
            cos = np.column_stack([np.einsum("ij,ij->i", r, p), np.einsum("ij,ij->i", r, a),
                                   np.einsum("ij,ij->i", p, a)])
            parts += [r * p, cos.astype(np.float32)]
        if "parent" in blocks:
            parts.append(p)
    if "context" in blocks:
        parts.append(context_features(pairs))
    if "cues" in blocks:
        from discourse.classify.features import pair_features

        parts.append(pair_features(pairs).astype(np.float32))
    if not parts:
        raise DataError(f"no feature blocks among {blocks!r}; choose from {BLOCKS}")
    return np.hstack(parts).astype(np.float32)


class StanceModel(ModelMethods):
    """``predict_proba(pairs) -> (n, 4)``: the embedding head's calibrated probabilities
    in :data:`LABELS` order (before the evidence rule).  Build with :meth:`fit` or
    :meth:`load`."""

    name = "stance"
    classes_ = LABELS
    #: Rare labels are learnt from data (no evidence rule; see :mod:`discourse.classify.base`).
    evidence_rule = False

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, mean: np.ndarray,
                 scale: np.ndarray, blocks: tuple[str, ...],
                 calibration: Calibration | None = None,
                 meta: dict[str, Any] | None = None, encoder: Any = None) -> None:
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.mean = np.asarray(mean, dtype=np.float32)
        self.scale = np.asarray(scale, dtype=np.float32)
        self.blocks = tuple(blocks)
        self.calibration = calibration or Calibration()
        self.meta = meta or {}
        self._encoder = encoder

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            from discourse.classify.encoder import shared_encoder

            self._encoder = shared_encoder()
        return self._encoder

    def prepare(self) -> None:
        """Load what scoring needs (the sentence encoder) now: the CLI calls it before it
        forks ``--jobs`` workers, which then share the loaded encoder (copy-on-write)
        instead of each loading its own copy (about 1 s of CPU each)."""
        if {"reply", "interaction", "parent"} & set(self.blocks):
            load = getattr(self.encoder, "load", None)
            if load is not None:
                load()

    # -- training -------------------------------------------------------------------------
    @classmethod
    def fit(cls, pairs: pd.DataFrame, labels: Any = None, *,
            blocks: tuple[str, ...] = ("reply", "interaction", "context"), c: float = 0.003,
            encoder: Any = None, X: np.ndarray | None = None,
            meta: dict[str, Any] | None = None,
            sample_weight: Any = None) -> StanceModel:
        """Fit the head (uncalibrated) on a pairs frame and its labels (the ``label``
        column when None): features standardised, multinomial logistic regression with
        L2 strength ``1/c`` and balanced class weights (every label counts equally, so
        the rare ones are learnt; the calibration's prior correction restores the label
        mix).  ``X``: precomputed :func:`features` of ``pairs`` (research loops);
        ``sample_weight``: one weight per row (e.g. public pairs weighted down).  Raises
        :class:`DataError` for unknown labels or fewer than two."""
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(pairs["label"] if labels is None else list(labels), dtype=object)
        bad = sorted(set(y) - set(LABELS))
        if bad:
            raise DataError(f"labels outside {', '.join(LABELS)}: {', '.join(map(str, bad))}")
        if len(set(y)) < 2:
            raise DataError("training data needs at least two different labels")
        model = cls(np.zeros((0, 0)), np.zeros(0), np.zeros(0), np.ones(0), blocks,
                    meta=meta, encoder=encoder)
        if X is None:
            X = features(prepare_pairs(pairs), blocks, model.encoder)
        mean = X.mean(axis=0)
        scale = X.std(axis=0)
        scale[scale < 1e-6] = 1.0
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        lr.fit((X - mean) / scale, y, sample_weight=sample_weight)
        coef = np.zeros((len(LABELS), X.shape[1]), dtype=np.float32)
        intercept = np.full(len(LABELS), -30.0)  # a label never trained gets no mass
        for k, label in enumerate(lr.classes_):
            row = LABELS.index(str(label))
            coef[row] = lr.coef_[k] if len(lr.classes_) > 2 else (lr.coef_[0] if k else -lr.coef_[0])
            intercept[row] = lr.intercept_[k] if len(lr.classes_) > 2 else \
                (lr.intercept_[0] if k else -lr.intercept_[0])
        model.coef, model.intercept, model.mean, model.scale = coef, intercept, mean, scale
        model.meta.setdefault("c", c)
        return model

    def extend(self, pairs: pd.DataFrame, labels: Any = None, *, strength: float = 1.0,
               X: np.ndarray | None = None) -> StanceModel:
        """A copy of this model refitted on new labelled pairs with this model as the prior
        (``discourse train --extend``): multinomial logistic regression on the new rows with
        the L2 penalty centred on this model's weights instead of on zero (maximum a
        posteriori with a Gaussian prior at the shipped solution; Chelba & Acero 2006,
        "Adaptation of maximum entropy capitalization tagger"), so a few hundred corrected
        labels move the model towards them without forgetting what it learnt from the
        labelled set it was trained on (whose text is not shipped).  ``strength``
        multiplies the prior's precision (1: the original regularisation, ``1/c``).  The
        feature scaling and calibration are kept.  Raises :class:`DataError` for unknown
        labels or no rows."""
        from scipy.optimize import minimize

        y = np.asarray(pairs["label"] if labels is None else list(labels), dtype=object)
        bad = sorted(set(y) - set(LABELS))
        if bad:
            raise DataError(f"labels outside {', '.join(LABELS)}: {', '.join(map(str, bad))}")
        if not len(y):
            raise DataError("no labelled rows to extend the model with")
        if X is None:
            X = features(prepare_pairs(pairs), self.blocks, self.encoder)
        Z = ((X - self.mean) / self.scale).astype(np.float64)
        k, d = len(LABELS), Z.shape[1]
        target = np.array([LABELS.index(v) for v in y])
        counts = np.bincount(target, minlength=k).astype(float)
        weight = (len(y) / (k * np.maximum(counts, 1)))[target]  # balanced, as in fit
        w0 = np.concatenate([self.coef.astype(np.float64).ravel(), self.intercept])
        lam = strength / float(self.meta.get("c", 0.003))
        rows = np.arange(len(y))

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            coef, bias = theta[: k * d].reshape(k, d), theta[k * d:]
            z = Z @ coef.T + bias
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            nll = -np.sum(weight * np.log(np.clip(p[rows, target], 1e-300, None)))
            g = p.copy()
            g[rows, target] -= 1.0
            g *= weight[:, None]
            # the intercepts are held to the prior too: a few rows of one label must not
            # shift every prediction towards it
            diff = theta - w0
            grad = np.concatenate([(g.T @ Z).ravel(), g.sum(axis=0)]) + lam * diff
            return nll + 0.5 * lam * float(diff @ diff), grad

        found = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": 500})
        theta = found.x
        meta = dict(self.meta) | {"extended_with": int(len(y)),
                                  "extend_strength": float(strength)}
        return StanceModel(theta[: k * d].reshape(k, d), theta[k * d:], self.mean, self.scale,
                           self.blocks, self.calibration, meta, self._encoder)

    # -- prediction -----------------------------------------------------------------------
    def logits(self, pairs: pd.DataFrame, X: np.ndarray | None = None) -> np.ndarray:
        """Raw scores ``(n, 4)`` before the softmax."""
        if X is None:
            frame = prepare_pairs(pairs)
            if frame.empty:
                return np.zeros((0, len(LABELS)))
            X = features(frame, self.blocks, self.encoder)
        return ((X - self.mean) / self.scale) @ self.coef.T.astype(np.float64) + self.intercept

    def predict_proba(self, pairs: pd.DataFrame, calibrated: bool = True,
                      X: np.ndarray | None = None) -> np.ndarray:
        """Probabilities ``(n, 4)``; calibrated unless ``calibrated=False``."""
        z = self.logits(pairs, X)
        if not len(z):
            return np.zeros((0, len(LABELS)))
        proba = softmax(z)
        return self.calibration.apply(proba) if calibrated else proba

    def score(self, pairs: pd.DataFrame) -> Scored:
        return Scored(self.predict_proba(pairs))

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the model as one ``.npz`` atomically; returns the path."""
        from discourse.atomic import atomic_output

        meta = dict(self.meta) | {"format": FORMAT, "labels": list(LABELS),
                                  "blocks": list(self.blocks),
                                  "calibration": self.calibration.to_meta()}
        buffer = io.BytesIO()
        np.savez_compressed(buffer, coef=self.coef, intercept=self.intercept, mean=self.mean,
                            scale=self.scale, meta=np.array(json.dumps(meta)))
        with atomic_output(path, binary=True) as handle:
            handle.write(buffer.getvalue())
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> StanceModel:
        """Load a saved model.  Raises :class:`ModelError` (one line naming the file) for
        a missing, oversized, corrupt or incompatible file; nothing in the file is
        executed (arrays and JSON only)."""
        import zipfile

        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ModelError(f"{path}: cannot read model file ({exc.strerror or exc})") from None
        if not path.is_file() or size > MAX_FILE_BYTES:
            raise ModelError(f"{path}: not a model file of at most "
                             f"{MAX_FILE_BYTES // 2**20} MiB")
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in ("coef", "intercept", "mean", "scale", "meta")}
            meta = json.loads(str(arrays["meta"]))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError,
                json.JSONDecodeError):
            raise ModelError(f"{path}: not a discourse stance model") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT \
                or meta.get("labels") != list(LABELS):
            raise ModelError(f"{path}: model format {meta.get('format') if isinstance(meta, dict) else None!r} "
                             f"is not supported by this version (expects {FORMAT})")
        blocks = tuple(meta.get("blocks", ()))
        coef, mean, scale = arrays["coef"], arrays["mean"], arrays["scale"]
        if not set(blocks) <= set(BLOCKS) or coef.ndim != 2 or coef.shape[0] != len(LABELS) \
                or mean.shape != (coef.shape[1],) or scale.shape != mean.shape \
                or arrays["intercept"].shape != (len(LABELS),) \
                or not all(np.isfinite(a).all() for a in (coef, mean, scale)):
            raise ModelError(f"{path}: model arrays are malformed")
        return cls(coef, arrays["intercept"], mean, scale, blocks,
                   Calibration.from_meta(meta.get("calibration")), meta)
