"""Classify every reply relative to what it answers: agreement, rebuttal, moderation,
off-topic — with a calibrated confidence and the reasons.

>>> from discourse.classify import load_model, annotate
>>> model = load_model("fast")                  # doctest: +SKIP
>>> labelled = annotate(model, thread)          # doctest: +SKIP

Every model follows one protocol (:mod:`discourse.classify.base`): ``classes_`` and
``predict_proba(pairs) -> (n, 4)`` over a pairs frame built by
:func:`~discourse.classify.pairs.thread_pairs`, plus ``predict(pairs)`` (labels after the
evidence rule), ``predict_thread(thread)`` and ``annotate(thread)``.
"""

from __future__ import annotations

from pathlib import Path

from discourse.classify.base import Prediction, Scored, annotate, predict_thread
from discourse.classify.pairs import thread_pairs

__all__ = ["MODELS", "Prediction", "Scored", "annotate", "load_model", "predict_thread",
           "thread_pairs"]

#: Names accepted by ``--model`` besides a file path.
MODELS = ("fast", "accurate")


def load_model(spec: str | Path | None = None):
    """The model named by ``spec``: ``None`` or ``"fast"`` — the bundled linear model;
    ``"accurate"`` — the linear model averaged with the bundled transformer pair model
    (needs the ``accurate`` extra: onnxruntime and tokenizers); a ``.json`` path — a
    transformer sidecar (ensemble with the bundled linear model); any other path — a
    linear model file.  Raises :class:`~discourse.errors.ModelError` (one line)."""
    from discourse.classify.linear import LinearModel

    if spec is None or str(spec) == "fast":
        return LinearModel.load()
    if str(spec) == "accurate" or Path(spec).suffix.lower() == ".json":
        from discourse.classify.ensemble import Ensemble
        from discourse.classify.transformer import PairModel

        pair = PairModel.load(None if str(spec) == "accurate" else spec)
        weight = float(pair.meta["ensemble_weight"])
        return Ensemble([(LinearModel.load(), weight), (pair, 1.0 - weight)], name="accurate")
    return LinearModel.load(spec)
