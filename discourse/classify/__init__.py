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
MODELS = ("fast", "accurate", "llm")


#: The shipped default model: a sidecar naming its two members (``fast-stance.npz``,
#: ``fast-linear.skops``) with their SHA-256, weights, calibration and decision offsets.
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "fast.json"


def load_model(spec: str | Path | None = None):
    """The model named by ``spec``:

    * ``None``, ``"fast"`` or ``"accurate"`` — the shipped default: a multilingual stance
      model (sentence embeddings, :mod:`discourse.classify.stance`) with the linear model
      (:mod:`discourse.classify.linear`), calibrated on held-out sources
      (``docs/model-card.md``).  ``accurate`` named a slower transformer ensemble until
      0.2; it scored below this default on the grown labelled set and was retired, and the
      name now loads the default;
    * an :class:`~discourse.classify.llm.LLMConfig` — your own OpenAI-compatible language
      model server (needs the ``llm`` extra);
    * a path: an ensemble sidecar (``.json``, as written by ``discourse train``), a stance
      model (``.npz``) or a linear model (any other file).

    Raises :class:`~discourse.errors.ModelError` (one line naming the file)."""
    from discourse.classify.llm import is_llm_spec, load_llm

    if is_llm_spec(spec):
        return load_llm(spec)
    from discourse.classify.ensemble import Ensemble

    if spec is None or str(spec) in ("fast", "accurate"):
        return Ensemble.load(DEFAULT_MODEL, name="fast")
    path = Path(spec)
    if path.suffix.lower() == ".json":
        return Ensemble.load(path)
    if path.suffix.lower() == ".npz":
        from discourse.classify.stance import StanceModel

        return StanceModel.load(path)
    from discourse.classify.linear import LinearModel

    return LinearModel.load(path)
