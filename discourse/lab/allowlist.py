"""Regenerate the model-file type allow-list (``discourse/classify/models/allowed_types.json``)
from the shipped models and the models ``discourse train`` makes: run after retraining a
bundled model (``python -m discourse.lab allowlist``)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from discourse.classify.modelfile import ALLOW_LIST, model_types


def trainable_types() -> set[str]:
    """The pairs in models that ``discourse train`` writes on small data (logistic
    regression by lbfgs, with its calibration and metadata): a tiny model is trained and
    saved to a temporary folder, and its schema read back."""
    import tempfile

    import pandas as pd

    from discourse.classify.fit import train
    from discourse.labels import LABELS

    words = ("good point", "that is wrong", "stay on topic", "buy cheap shoes")
    pairs = pd.DataFrame([{"parent": f"the parent comment {i}", "reply": f"{w} {i}",
                           "label": LABELS[i % 4], "dataset": "seeds", "group": str(i % 5)}
                          for i, w in enumerate(words * 12)])
    with tempfile.TemporaryDirectory() as folder:
        path = train(pairs, command="discourse train").save(Path(folder) / "m.skops")
        return model_types(path)


def write_allow_list(models: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Regenerate ``models/allowed_types.json`` from the given (shipped) model files and
    the models ``discourse train`` makes (:func:`trainable_types`); return the sorted
    list.  Run after retraining a bundled model: ``python -m discourse.lab allowlist``.
    """
    types = sorted(set().union(trainable_types(), *(model_types(p) for p in models)))
    payload = {"comment": "Exact (loader:type) pairs a discourse model file may contain; "
                          "generated from the shipped models and the models `discourse "
                          "train` makes, by `python -m discourse.lab allowlist`.",
               "types": types}
    ALLOW_LIST.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return types
