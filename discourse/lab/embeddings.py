"""A disk cache of sentence embeddings for research loops: every text is encoded once
across cross-validation folds, feature variants and runs (the runtime encodes per call)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from discourse.classify.encoder import DIM, MAX_CHARS, NAME, SentenceEncoder


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


class CachedEncoder:
    """``encode(texts)`` as :class:`~discourse.classify.encoder.SentenceEncoder`, with
    every cut text's embedding kept in memory and in ``path`` (``.npz``, written by
    :meth:`save`)."""

    def __init__(self, path: str | Path | None = None, max_chars: int = MAX_CHARS) -> None:
        self.path = Path(path) if path else None
        self.max_chars = max_chars
        self.inner = SentenceEncoder(max_chars)
        self.vectors: dict[str, np.ndarray] = {}
        self.added = 0
        if self.path and self.path.is_file():
            with np.load(self.path, allow_pickle=False) as z:
                if str(z["encoder"]) == f"{NAME}:{max_chars}":
                    self.vectors = dict(zip(z["keys"].tolist(), z["vectors"], strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        cut = [t[: self.max_chars].strip() if isinstance(t, str) else "" for t in texts]
        keys = [_key(t) for t in cut]
        missing = list(dict.fromkeys(t for t, k in zip(cut, keys, strict=True)
                                     if t and k not in self.vectors))
        if missing:
            for start in range(0, len(missing), 2000):
                part = missing[start:start + 2000]
                for text, vector in zip(part, self.inner.encode(part), strict=True):
                    self.vectors[_key(text)] = vector
            self.added += len(missing)
        out = np.zeros((len(cut), DIM), dtype=np.float32)
        for i, (t, k) in enumerate(zip(cut, keys, strict=True)):
            if t:
                out[i] = self.vectors[k]
        return out

    def save(self) -> None:
        """Write the cache (when it has a path and grew)."""
        if self.path is None or not self.added:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]),
                 encoder=np.array(f"{NAME}:{self.max_chars}"))
        tmp.replace(self.path)
        self.added = 0
