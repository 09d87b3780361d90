"""Classify every reply relative to what it answers: agreement, rebuttal, moderation,
off-topic — with a calibrated confidence and the reasons."""

from __future__ import annotations

from pathlib import Path

from discourse.classify.model import DEFAULT_MODEL, Classifier, Prediction, thread_pairs

__all__ = ["DEFAULT_MODEL", "MODELS", "Classifier", "Prediction", "load_model", "thread_pairs"]

#: Names accepted by ``--model`` besides a file path.
MODELS = ("fast", "accurate")


def load_model(spec: str | Path | None = None):
    """The classifier named by ``spec``: ``None`` or ``"fast"`` — the bundled linear model
    (:class:`Classifier`); ``"accurate"`` — the linear model averaged with the bundled
    transformer pair model (:class:`discourse.classify.transformer.EnsembleClassifier`,
    needs the ``accurate`` extra: onnxruntime and tokenizers); a ``.json`` path — a
    transformer sidecar (ensemble with the bundled linear model); any other path — a
    linear model file.  Raises :class:`~discourse.errors.ModelError` (one line)."""
    if spec is None or str(spec) == "fast":
        return Classifier.load()
    if str(spec) == "accurate":
        from discourse.classify.transformer import EnsembleClassifier

        return EnsembleClassifier.load()
    if Path(spec).suffix.lower() == ".json":
        from discourse.classify.transformer import EnsembleClassifier

        return EnsembleClassifier.load(pair_path=spec)
    return Classifier.load(spec)
