"""The transformer pair model (``accurate``): a MiniLM-L6 parent‖reply cross-encoder run by
onnxruntime (the ``accurate`` ensemble mixes it with the linear model:
:mod:`discourse.classify.ensemble`).

Files (in ``discourse/classify/models/``, written by
``python -m discourse.classify.transformer_train``):

``pair-minilm.json``
    Sidecar metadata, strictly validated (:func:`validate_meta`): labels, token limits,
    temperature, ensemble weight, the names and SHA-256 of the two files below, the exact
    training command, the data counts and the scores.  Nothing in it is executed or
    imported; it only names files *in the same folder* by bare file name.
``pair-minilm.int8.onnx``
    The network (BERT encoder of all-MiniLM-L6-v2, fine-tuned, mean pooling, linear head),
    int8 dynamically quantised by ``onnxruntime.quantization``.  Inputs ``input_ids``,
    ``attention_mask``, ``token_type_ids`` (int64, batch × tokens); output ``logits``
    (float32, batch × 4, :data:`discourse.model.LABELS` order).  It is data to onnxruntime:
    size-checked and hash-checked before it is parsed.
``pair-minilm.tokenizer.json``
    The WordPiece tokenizer of all-MiniLM-L6-v2 (HuggingFace ``tokenizers`` format, its own
    truncation and padding switched off: :func:`encode_pairs` builds the inputs).

Input layout (the same code builds training inputs, so training and run time agree):
``[CLS] parent[:P] [SEP] reply[:R] [SEP]`` with token type 0 for ``[CLS]`` + parent +
first ``[SEP]`` and 1 for the rest, P = ``max_parent_tokens`` (48), R =
``max_reply_tokens`` (96); texts are cut to ``max_chars`` (2000) characters before
tokenising, in training and at run time alike (2000 characters hold 96 WordPiece tokens
unless the tokens average over 20 characters; the cut bounds the tokenising time of huge
comments).  Method: cross-encoder fine-tuning as in Reimers & Gurevych,
Sentence-BERT (2019) / Nogueira & Cho (2019); temperature scaling after Guo et al., "On
Calibration of Modern Neural Networks" (ICML 2017).

Only ``numpy``, ``onnxruntime`` and ``tokenizers`` are needed at run time (extra
``accurate``); torch and transformers only for training (extra ``train``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from discourse.classify.base import ModelMethods
from discourse.classify.calibration import softmax
from discourse.errors import DataError, ModelError
from discourse.labels import LABELS

MODELS_DIR = Path(__file__).resolve().parent / "models"
#: The shipped sidecar metadata; it names the ONNX and tokenizer files beside it.
DEFAULT_META = MODELS_DIR / "pair-minilm.json"
#: Version of the sidecar layout; another version is refused.
META_FORMAT = 1

#: Size limits checked (by ``os.stat``) before a file is read.
MAX_META_BYTES = 256 * 2**10
MAX_ONNX_BYTES = 160 * 2**20
MAX_TOKENIZER_BYTES = 8 * 2**20
#: Bounds on the token limits and text cut a sidecar may ask for.
MAX_TOKENS = 256
MAX_CHARS = 20_000
#: Pairs per onnxruntime call (sorted by length first, so padding stays small).
BATCH_SIZE = 32

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SCORE_KEY = re.compile(r"[A-Za-z0-9_.:/+-]{1,80}")


# -- sidecar metadata ----------------------------------------------------------------------
def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return (_is_int(v) or isinstance(v, float)) and math.isfinite(v)


def _short_str(limit: int):
    return lambda v: isinstance(v, str) and len(v) <= limit


def _counts_table(v: Any) -> bool:
    """{dataset: {label: count}} with bounded sizes."""
    return (isinstance(v, dict) and len(v) <= 32
            and all(isinstance(k, str) and _SCORE_KEY.fullmatch(k) and isinstance(d, dict)
                    and len(d) <= 8
                    and all(isinstance(lab, str) and len(lab) <= 40 and _is_int(n) and n >= 0
                            for lab, n in d.items())
                    for k, d in v.items()))


def _scores_table(v: Any) -> bool:
    """{name: number} with bounded size (names like "debagreement_test.int8.macro_f1")."""
    return (isinstance(v, dict) and len(v) <= 128
            and all(isinstance(k, str) and _SCORE_KEY.fullmatch(k) and _is_num(x)
                    for k, x in v.items()))


#: Exact keys of the sidecar and the check each value must pass.
META_SCHEMA: dict[str, Any] = {
    "format": lambda v: v == META_FORMAT and _is_int(v),
    "labels": lambda v: v == list(LABELS),
    "base_model": _short_str(200),
    "onnx_file": lambda v: isinstance(v, str) and bool(_FILE_NAME.fullmatch(v))
    and v.endswith(".onnx"),
    "onnx_sha256": lambda v: isinstance(v, str) and bool(_HEX64.fullmatch(v)),
    "tokenizer_file": lambda v: isinstance(v, str) and bool(_FILE_NAME.fullmatch(v))
    and v.endswith(".json"),
    "tokenizer_sha256": lambda v: isinstance(v, str) and bool(_HEX64.fullmatch(v)),
    "quantized": lambda v: isinstance(v, bool),
    "max_parent_tokens": lambda v: _is_int(v) and 1 <= v <= MAX_TOKENS,
    "max_reply_tokens": lambda v: _is_int(v) and 1 <= v <= MAX_TOKENS,
    "max_chars": lambda v: _is_int(v) and 100 <= v <= MAX_CHARS,
    "temperature": lambda v: _is_num(v) and 0.05 <= v <= 20.0,
    "ensemble_weight": lambda v: _is_num(v) and 0.0 <= v <= 1.0,
    "command": _short_str(2000),
    "trained": _short_str(40),
    "seconds": lambda v: _is_num(v) and v >= 0,
    "training_rows": lambda v: _is_int(v) and v >= 0,
    "data": _counts_table,
    "scores": _scores_table,
    "notes": _short_str(4000),
}


def validate_meta(meta: Any, path: object) -> dict[str, Any]:
    """Check a parsed sidecar against :data:`META_SCHEMA`: exactly those keys, each value
    of the right type and within bounds.  Returns ``meta``; raises a one-line
    :class:`ModelError` naming ``path`` and the first offending key otherwise."""
    if not isinstance(meta, dict):
        raise ModelError(f"{path}: model metadata is not a JSON object")
    unknown = sorted(set(meta) - set(META_SCHEMA))
    if unknown:
        raise ModelError(f"{path}: unexpected key {unknown[0][:40]!r} in model metadata")
    missing = [k for k in META_SCHEMA if k not in meta]
    if missing:
        raise ModelError(f"{path}: model metadata lacks {missing[0]!r}")
    for key, ok in META_SCHEMA.items():
        if not ok(meta[key]):
            raise ModelError(f"{path}: model metadata has an invalid {key!r}")
    return meta


def _checked_size(path: Path, limit: int, what: str) -> int:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    if not path.is_file():
        raise ModelError(f"{path}: {what} is not a regular file")
    if st.st_size > limit:
        raise ModelError(f"{path}: {what} is {st.st_size / 2**20:.1f} MiB, larger than the "
                         f"{limit / 2**20:g} MiB allowed")
    return st.st_size


def _read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path`` after a size check; never reads more than ``limit`` bytes."""
    _checked_size(path, limit, what)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise ModelError(f"{path}: {what} grew past {limit / 2**20:g} MiB while reading")
    return data


def read_meta(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate a sidecar metadata file (size-checked, strict JSON)."""
    path = Path(path)
    raw = _read_bounded(path, MAX_META_BYTES, "model metadata")

    def no_constants(name: str) -> float:
        raise ValueError(f"non-standard JSON constant {name}")

    try:
        meta = json.loads(raw.decode("utf-8"), parse_constant=no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        first = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ModelError(f"{path}: model metadata is not valid JSON ({first})") from None
    return validate_meta(meta, path)


# -- tokenising ------------------------------------------------------------------------------
def load_tokenizer(path: str | os.PathLike[str], sha256: str | None = None):
    """A ``tokenizers.Tokenizer`` from a size-checked (and, with ``sha256``, hash-checked)
    ``tokenizer.json``, with its own truncation and padding switched off."""
    from tokenizers import Tokenizer

    path = Path(path)
    raw = _read_bounded(path, MAX_TOKENIZER_BYTES, "tokenizer file")
    if sha256 is not None and hashlib.sha256(raw).hexdigest() != sha256:
        raise ModelError(f"{path}: tokenizer file does not match the SHA-256 in the model "
                         "metadata; refused")
    try:
        tok = Tokenizer.from_str(raw.decode("utf-8"))
    except Exception as exc:  # tokenizers raises plain Exception subclasses
        first = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ModelError(f"{path}: not a tokenizer file ({first})") from None
    tok.no_truncation()
    tok.no_padding()
    for special in ("[CLS]", "[SEP]", "[PAD]"):
        if tok.token_to_id(special) is None:
            raise ModelError(f"{path}: tokenizer has no {special} token")
    return tok


class PairEncoder:
    """Builds model inputs for (parent, reply) pairs, tokenising each distinct text once.

    ``encode(parents, replies)`` returns ``(input_ids, token_type_ids)``: two lists of
    int lists, one per pair, laid out as in the module docstring (no padding).
    """

    def __init__(self, tokenizer: Any, max_parent_tokens: int = 48,
                 max_reply_tokens: int = 96, max_chars: int = 2000) -> None:
        self.tokenizer = tokenizer
        self.max_parent = max_parent_tokens
        self.max_reply = max_reply_tokens
        self.max_chars = max_chars
        self.cls = tokenizer.token_to_id("[CLS]")
        self.sep = tokenizer.token_to_id("[SEP]")
        self.pad = tokenizer.token_to_id("[PAD]")

    def token_ids(self, texts: Sequence[str]) -> dict[str, list[int]]:
        """WordPiece ids (no special tokens) of each distinct text, cut to ``max_chars``
        characters first, as ``{text: ids}``."""
        distinct = list(dict.fromkeys(texts))
        encoded = self.tokenizer.encode_batch([t[: self.max_chars] for t in distinct],
                                              add_special_tokens=False)
        return {t: e.ids for t, e in zip(distinct, encoded, strict=True)}

    def encode(self, parents: Sequence[str], replies: Sequence[str]
               ) -> tuple[list[list[int]], list[list[int]]]:
        ids = self.token_ids([*parents, *replies])
        input_ids, type_ids = [], []
        for p, r in zip(parents, replies, strict=True):
            a = ids[p][: self.max_parent]
            b = ids[r][: self.max_reply]
            input_ids.append([self.cls, *a, self.sep, *b, self.sep])
            type_ids.append([0] * (len(a) + 2) + [1] * (len(b) + 1))
        return input_ids, type_ids

    def pad_batch(self, input_ids: Sequence[list[int]], type_ids: Sequence[list[int]]
                  ) -> dict[str, np.ndarray]:
        """Right-padded int64 arrays ``input_ids``, ``attention_mask``, ``token_type_ids``
        (batch × longest)."""
        width = max(len(x) for x in input_ids)
        n = len(input_ids)
        ids = np.full((n, width), self.pad, dtype=np.int64)
        mask = np.zeros((n, width), dtype=np.int64)
        types = np.zeros((n, width), dtype=np.int64)
        for i, (x, t) in enumerate(zip(input_ids, type_ids, strict=True)):
            ids[i, : len(x)] = x
            mask[i, : len(x)] = 1
            types[i, : len(t)] = t
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def _texts(values: Sequence[Any], what: str) -> list[str]:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append("")
        else:
            out.append(str(v))
    return out


# -- the runtime model ------------------------------------------------------------------------
class PairModel(ModelMethods):
    """The fine-tuned MiniLM parent‖reply classifier, run by onnxruntime.

    ``predict_proba(pairs)`` gives an ``(n, 4)`` float64 array of temperature-scaled
    probabilities of the pairs frame's (parent, reply) rows in :data:`LABELS` order.  Load with :meth:`load` (the shipped model
    by default); every problem with the files is a one-line :class:`ModelError` naming the
    file.
    """

    def __init__(self, session: Any, encoder: PairEncoder, meta: dict[str, Any],
                 path: Path | None = None) -> None:
        self.session = session
        self.encoder = encoder
        self.meta = meta
        self.path = path
        self.temperature = float(meta.get("temperature", 1.0))

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *, threads: int | None = None,
             onnx_file: str | None = None) -> PairModel:
        """Load from a sidecar metadata file (the shipped ``pair-minilm.json`` by default).

        The sidecar is validated first; the ONNX and tokenizer files it names (in the same
        folder) are size-checked, read and compared with the SHA-256 in the sidecar before
        onnxruntime or tokenizers parse them.  ``threads``: onnxruntime intra-op threads
        (default ``min(2, cpu count)``).  ``onnx_file``: another ONNX file name in that
        folder (e.g. the fp32 model during training); it is size-checked but, having no
        recorded hash, only accepted when its inputs and outputs match.
        """
        try:
            import onnxruntime as ort
        except ImportError:  # pragma: no cover - depends on the install
            raise ModelError("the accurate model needs onnxruntime and tokenizers: "
                             "pip install 'discourse[accurate]'") from None
        path = Path(path) if path is not None else DEFAULT_META
        if not path.exists():
            raise ModelError(f"{path}: model metadata not found")
        meta = read_meta(path)
        folder = path.parent
        tokenizer = load_tokenizer(folder / meta["tokenizer_file"], meta["tokenizer_sha256"])
        onnx_path = folder / (onnx_file or meta["onnx_file"])
        model_bytes = _read_bounded(onnx_path, MAX_ONNX_BYTES, "ONNX model")
        if onnx_file is None and hashlib.sha256(model_bytes).hexdigest() != meta["onnx_sha256"]:
            raise ModelError(f"{onnx_path}: ONNX model does not match the SHA-256 in the model "
                             "metadata; refused")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # No busy-waiting between ops: on a shared machine spinning threads burn the CPU
        # other processes need (and ours, when they are descheduled).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            session = ort.InferenceSession(model_bytes, sess_options=options,
                                           providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph/... types
            first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            raise ModelError(f"{onnx_path}: not a usable ONNX model ({first})") from None
        inputs = sorted(i.name for i in session.get_inputs())
        outputs = [o.name for o in session.get_outputs()]
        if inputs != sorted(_INPUTS) or outputs != ["logits"]:
            raise ModelError(f"{onnx_path}: ONNX model has inputs {inputs} and outputs "
                             f"{outputs}, expected {sorted(_INPUTS)} and ['logits']")
        encoder = PairEncoder(tokenizer, meta["max_parent_tokens"], meta["max_reply_tokens"],
                              meta["max_chars"])
        return cls(session, encoder, meta, path)

    classes_ = LABELS
    name = "transformer"

    def logits(self, parents: Sequence[str], replies: Sequence[str],
               batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Raw logits ``(n, 4)`` float32 (before temperature), in input order.

        Pairs are sorted by length and run in batches of ``batch_size``; each distinct
        text is tokenised once across the whole call.  Raises :class:`DataError` when the
        two sequences differ in length.
        """
        parents, replies = _texts(parents, "parent"), _texts(replies, "reply")
        if len(parents) != len(replies):
            raise DataError(f"{len(parents)} parent texts but {len(replies)} replies")
        out = np.zeros((len(parents), len(LABELS)), dtype=np.float32)
        if not parents:
            return out
        input_ids, type_ids = self.encoder.encode(parents, replies)
        order = np.argsort([len(x) for x in input_ids], kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start: start + batch_size]
            feed = self.encoder.pad_batch([input_ids[i] for i in rows],
                                          [type_ids[i] for i in rows])
            (logits,) = self.session.run(["logits"], feed)
            out[rows] = logits
        return out

    def predict_proba(self, pairs, batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Calibrated probabilities ``(n, 4)`` float64 in :data:`LABELS` order of a pairs
        frame's (``parent``, ``reply``) rows; rows sum to 1.  ``softmax(logits /
        temperature)``, the temperature fitted on held-out pairs by the training script
        (Guo et al. 2017)."""
        return self.predict_proba_texts(list(pairs["parent"]), list(pairs["reply"]),
                                        batch_size)

    def predict_proba_texts(self, parents: Sequence[str], replies: Sequence[str],
                            batch_size: int = BATCH_SIZE) -> np.ndarray:
        """:meth:`predict_proba` of plain text pairs."""
        return softmax(self.logits(parents, replies, batch_size), self.temperature)
