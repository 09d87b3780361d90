"""The transformer pair model (``accurate``): shipped files load and give four probabilities
per pair; hostile or oversized files are refused before they are parsed; tokenising each
distinct text once builds exactly the inputs a naive per-pair tokenisation builds; the
ensemble mixes the two models' probabilities as documented."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="onnxruntime not installed (extra 'accurate')")
pytest.importorskip("tokenizers", reason="tokenizers not installed (extra 'accurate')")

from discourse.classify import load_model, transformer  # noqa: E402
from discourse.classify.base import decided  # noqa: E402
from discourse.classify.calibration import softmax  # noqa: E402
from discourse.classify.decide import condition_on_evidence, evidence_mask  # noqa: E402
from discourse.classify.ensemble import Ensemble  # noqa: E402
from discourse.classify.linear import LinearModel  # noqa: E402
from discourse.classify.pairs import pairs_from_texts, thread_pairs  # noqa: E402
from discourse.classify.transformer import (  # noqa: E402
    DEFAULT_META,
    MAX_META_BYTES,
    MAX_ONNX_BYTES,
    PairModel,
)
from discourse.errors import DataError, ModelError  # noqa: E402
from discourse.labels import LABELS  # noqa: E402
from discourse.model import Comment, Thread  # noqa: E402

if not DEFAULT_META.exists():  # pragma: no cover - a broken checkout
    pytest.skip(f"{DEFAULT_META} not present: the shipped transformer model is missing",
                allow_module_level=True)

# Invented texts.
PARENTS = [
    "The council should close the old bridge to cars and keep it for cyclists.",
    "Nuclear power is the only realistic way to cut emissions fast enough.",
    "The council should close the old bridge to cars and keep it for cyclists.",
    "",
]
REPLIES = [
    "Exactly, well said. The bridge is far too narrow for traffic anyway.",
    "No, that's wrong: renewables are already cheaper and faster to build.",
    "Buy cheap watches at my shop, free shipping, click the link in my profile!!!",
    "Please keep it civil, personal attacks will be removed.",
]


@pytest.fixture(scope="module")
def model() -> PairModel:
    return PairModel.load()


def _copy_model(tmp_path: Path) -> Path:
    """The shipped sidecar, tokenizer and ONNX file copied to ``tmp_path``."""
    meta = json.loads(DEFAULT_META.read_text(encoding="utf-8"))
    for name in (DEFAULT_META.name, meta["tokenizer_file"], meta["onnx_file"]):
        shutil.copyfile(DEFAULT_META.parent / name, tmp_path / name)
    return tmp_path / DEFAULT_META.name


def _edit_meta(path: Path, **changes) -> dict:
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(changes)
    path.write_text(json.dumps(meta), encoding="utf-8")
    return meta


def _refused(path: Path, expected: str) -> None:
    with pytest.raises(ModelError) as info:
        PairModel.load(path)
    message = str(info.value)
    assert "\n" not in message
    assert message == expected


# -- the shipped model ---------------------------------------------------------------------
def test_shipped_model_gives_four_probabilities_per_pair(model):
    proba = model.predict_proba_texts(PARENTS, REPLIES)
    assert proba.shape == (len(REPLIES), len(LABELS))
    assert proba.dtype == np.float64
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-9)
    assert tuple(model.classes_) == tuple(LABELS)
    # the protocol's form: a pairs frame of the same (parent, reply) texts
    framed = model.predict_proba(pairs_from_texts(PARENTS, REPLIES))
    np.testing.assert_array_equal(framed, proba)


def test_probabilities_are_the_tempered_softmax_of_the_logits(model):
    logits = model.logits(PARENTS, REPLIES)
    z = logits.astype(np.float64) / model.meta["temperature"]
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba_texts(PARENTS, REPLIES), expected, atol=1e-9)
    # the project's one softmax
    np.testing.assert_allclose(softmax(logits, model.meta["temperature"]), expected, atol=1e-9)


def test_shipped_metadata_records_command_data_and_scores(model):
    meta = model.meta
    assert meta["command"].startswith("nice -n 10 python -m discourse.classify.transformer_train")
    assert meta["labels"] == list(LABELS)
    assert (meta["max_parent_tokens"], meta["max_reply_tokens"]) == (48, 96)
    assert "debagreement" in meta["data"] and meta["training_rows"] > 0
    assert "debagreement_test.linear.macro_f1" in meta["scores"]
    assert 0.0 <= meta["ensemble_weight"] <= 1.0


def test_no_pairs_and_mismatched_lengths(model):
    assert model.predict_proba_texts([], []).shape == (0, len(LABELS))
    assert model.predict_proba(pairs_from_texts([], [])).shape == (0, len(LABELS))
    with pytest.raises(DataError, match="^2 parent texts but 1 replies$"):
        model.predict_proba_texts(["a", "b"], ["c"])
    with pytest.raises(DataError, match="^2 parent texts but 1 replies$"):
        model.predict_proba(pairs_from_texts(["a", "b"], ["c"]))


def test_shipped_files_stay_small():
    meta = json.loads(DEFAULT_META.read_text(encoding="utf-8"))
    total = sum((DEFAULT_META.parent / n).stat().st_size
                for n in (DEFAULT_META.name, meta["onnx_file"], meta["tokenizer_file"]))
    assert total <= 60 * 2**20


# -- tokenising once -----------------------------------------------------------------------
def _naive_inputs(model: PairModel, parents, replies):
    """Per pair: tokenise parent and reply separately (no sharing), cut, add specials."""
    enc = model.encoder
    ids, types = [], []
    for p, r in zip(parents, replies, strict=True):
        a = enc.tokenizer.encode(p[: enc.max_chars], add_special_tokens=False).ids
        b = enc.tokenizer.encode(r[: enc.max_chars], add_special_tokens=False).ids
        a, b = a[: enc.max_parent], b[: enc.max_reply]
        ids.append([enc.cls, *a, enc.sep, *b, enc.sep])
        types.append([0] * (len(a) + 2) + [1] * (len(b) + 1))
    return ids, types


def test_each_distinct_text_is_tokenised_once(model, monkeypatch):
    calls: list[str] = []

    class Counting:
        def __init__(self, real) -> None:
            self.real = real

        def encode_batch(self, texts, **kw):
            calls.extend(texts)
            return self.real.encode_batch(texts, **kw)

    monkeypatch.setattr(model.encoder, "tokenizer", Counting(model.encoder.tokenizer))
    # A thread-like batch: each reply is the next pair's parent; one parent repeats.
    parents = [PARENTS[0], REPLIES[0], REPLIES[1], PARENTS[0]]
    replies = [REPLIES[0], REPLIES[1], REPLIES[2], REPLIES[3]]
    model.encoder.encode(parents, replies)
    assert sorted(calls) == sorted(set(parents + replies))
    assert len(calls) == 5


def test_tokenising_once_gives_the_naive_inputs_and_probabilities(model):
    long_parent = "word " * 300  # cut to 48 tokens
    parents = [PARENTS[0], REPLIES[0], long_parent, PARENTS[0], "ünïcödé café"]
    replies = [REPLIES[0], REPLIES[1], "short reply " * 80, REPLIES[2], "naïve reply"]
    ids, types = model.encoder.encode(parents, replies)
    naive_ids, naive_types = _naive_inputs(model, parents, replies)
    assert ids == naive_ids and types == naive_types
    assert len(ids[2]) == 48 + 96 + 3
    # Same inputs in the same batches: the very same numbers.
    session = model.session
    feed = model.encoder.pad_batch(naive_ids, naive_types)
    (logits,) = session.run(["logits"], feed)
    batched = model.logits(parents, replies, batch_size=len(parents))
    np.testing.assert_allclose(batched, logits, rtol=0, atol=1e-6)


def test_layout_matches_the_tokenizers_own_pair_template(model):
    """For pairs shorter than the limits, our inputs are what the tokenizer's BERT pair
    template ([CLS] A [SEP] B [SEP], type ids 0…0 1…1) produces."""
    p, r = PARENTS[1], REPLIES[1]
    ids, types = model.encoder.encode([p], [r])
    own = model.encoder.tokenizer.encode(p, r, add_special_tokens=True)
    assert ids[0] == own.ids and types[0] == own.type_ids


def test_probabilities_do_not_depend_on_the_batch(model):
    """A pair's probabilities are the same alone and in any batch: the int8 model has fixed
    activation scales (static quantisation), and padding is masked.  The dynamically
    quantised model shipped before moved them by up to 0.13 with the batch companions."""
    # pairs of very different lengths, so that a batch pads the short ones a lot
    parents = [*PARENTS, PARENTS[0] * 6, "Why?"]
    replies = [*REPLIES, "Indeed. " * 40, REPLIES[1] * 3]
    single = np.vstack([model.predict_proba_texts([p], [r])
                        for p, r in zip(parents, replies, strict=True)])
    for batch_size in (2, 3, 32):
        batched = model.predict_proba_texts(parents, replies, batch_size=batch_size)
        np.testing.assert_allclose(batched, single, rtol=0, atol=1e-5)
    # and the same pair in a different company
    again = model.predict_proba_texts([parents[1], parents[5]], [replies[1], replies[5]])
    np.testing.assert_allclose(again, single[[1, 5]], rtol=0, atol=1e-5)


# -- hostile files -------------------------------------------------------------------------
def test_copied_model_loads(tmp_path):
    path = _copy_model(tmp_path)
    assert PairModel.load(path).predict_proba_texts(PARENTS[:1], REPLIES[:1]).shape == (1, 4)


def test_missing_sidecar(tmp_path):
    _refused(tmp_path / "nope.json", f"{tmp_path / 'nope.json'}: model metadata not found")


@pytest.mark.parametrize(("change", "problem"), [
    ({"__import__": "os"}, "unexpected key '__import__' in model metadata"),
    ({"temperature": "1.0"}, "model metadata has an invalid 'temperature'"),
    ({"temperature": 1e9}, "model metadata has an invalid 'temperature'"),
    ({"onnx_file": "../../etc/passwd.onnx"}, "model metadata has an invalid 'onnx_file'"),
    ({"tokenizer_file": "/etc/tok.json"}, "model metadata has an invalid 'tokenizer_file'"),
    ({"labels": ["agreement", "rebuttal"]}, "model metadata has an invalid 'labels'"),
    ({"max_reply_tokens": 10**6}, "model metadata has an invalid 'max_reply_tokens'"),
    ({"quantized": 1}, "model metadata has an invalid 'quantized'"),
    ({"command": "x" * 5000}, "model metadata has an invalid 'command'"),
    ({"scores": {"a": [1]}}, "model metadata has an invalid 'scores'"),
    ({"data": {"a": {"b": -1}}}, "model metadata has an invalid 'data'"),
    ({"format": 2}, "model metadata has an invalid 'format'"),
])
def test_hostile_sidecar_values_are_refused(tmp_path, change, problem):
    path = _copy_model(tmp_path)
    _edit_meta(path, **change)
    _refused(path, f"{path}: {problem}")


def test_sidecar_missing_key_and_non_object(tmp_path):
    path = _copy_model(tmp_path)
    meta = json.loads(path.read_text(encoding="utf-8"))
    del meta["temperature"]
    path.write_text(json.dumps(meta), encoding="utf-8")
    _refused(path, f"{path}: model metadata lacks 'temperature'")
    path.write_text("[1, 2]", encoding="utf-8")
    _refused(path, f"{path}: model metadata is not a JSON object")


def test_sidecar_with_nan_or_bad_json(tmp_path):
    path = _copy_model(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"temperature": ', '"temperature": NaN, "x": ', 1),
                    encoding="utf-8")
    with pytest.raises(ModelError, match=r"model metadata is not valid JSON \(non-standard "
                                         r"JSON constant NaN\)$"):
        PairModel.load(path)
    path.write_text('{"format": 1', encoding="utf-8")
    with pytest.raises(ModelError, match=r"^.*pair-minilm\.json: model metadata is not valid "
                                         r"JSON \(Expecting"):
        PairModel.load(path)


def test_oversized_sidecar_is_refused_before_reading(tmp_path):
    path = _copy_model(tmp_path)
    with open(path, "ab") as handle:
        handle.truncate(MAX_META_BYTES + 1)
    _refused(path, f"{path}: model metadata is 0.3 MiB, larger than the 0.25 MiB allowed")


def test_oversized_onnx_is_refused_before_reading(tmp_path, monkeypatch):
    path = _copy_model(tmp_path)
    onnx = tmp_path / json.loads(path.read_text(encoding="utf-8"))["onnx_file"]
    with open(onnx, "r+b") as handle:  # sparse: no disk used
        handle.truncate(MAX_ONNX_BYTES + 1)
    opened: list[str] = []
    real_open = open

    def spy(file, *args, **kw):
        opened.append(str(file))
        return real_open(file, *args, **kw)

    monkeypatch.setattr("builtins.open", spy)
    _refused(path, f"{onnx}: ONNX model is 160.0 MiB, larger than the 160 MiB allowed")
    assert str(onnx) not in opened


def test_replaced_onnx_file_is_refused_by_its_hash(tmp_path):
    path = _copy_model(tmp_path)
    onnx = tmp_path / json.loads(path.read_text(encoding="utf-8"))["onnx_file"]
    onnx.write_bytes(onnx.read_bytes()[:-1] + b"\0")
    _refused(path, f"{onnx}: ONNX model does not match the SHA-256 in the model metadata; "
                   "refused")


def test_garbage_onnx_with_matching_hash_is_refused(tmp_path):
    path = _copy_model(tmp_path)
    onnx = tmp_path / json.loads(path.read_text(encoding="utf-8"))["onnx_file"]
    garbage = b"\x08\x07this is not a protobuf model" * 50
    onnx.write_bytes(garbage)
    _edit_meta(path, onnx_sha256=hashlib.sha256(garbage).hexdigest())
    with pytest.raises(ModelError) as info:
        PairModel.load(path)
    message = str(info.value)
    assert message.startswith(f"{onnx}: not a usable ONNX model (")
    assert "\n" not in message


def test_onnx_directory_and_tokenizer_problems(tmp_path):
    path = _copy_model(tmp_path)
    meta = json.loads(path.read_text(encoding="utf-8"))
    tok = tmp_path / meta["tokenizer_file"]
    tok.write_text('{"not": "a tokenizer"}', encoding="utf-8")
    _refused(path, f"{tok}: tokenizer file does not match the SHA-256 in the model metadata; "
                   "refused")
    _edit_meta(path, tokenizer_sha256=hashlib.sha256(tok.read_bytes()).hexdigest())
    with pytest.raises(ModelError, match=r"^.*pair-minilm\.tokenizer\.json: not a tokenizer "
                                         r"file \("):
        PairModel.load(path)
    onnx = tmp_path / meta["onnx_file"]
    shutil.copyfile(DEFAULT_META.parent / meta["tokenizer_file"], tok)
    _edit_meta(path, tokenizer_sha256=meta["tokenizer_sha256"])
    onnx.unlink()
    onnx.mkdir()
    _refused(path, f"{onnx}: ONNX model is not a regular file")


def test_nothing_from_the_sidecar_is_executed(tmp_path, monkeypatch):
    """The sidecar can only name files beside it: reading it imports nothing new."""
    import sys

    path = _copy_model(tmp_path)
    _edit_meta(path, base_model="os.system('touch pwned')", notes="__import__('os')")
    before = set(sys.modules)
    meta = transformer.read_meta(path)
    assert set(sys.modules) == before
    assert meta["base_model"] == "os.system('touch pwned')"
    assert not Path("pwned").exists() and not (tmp_path / "pwned").exists()


# -- the ensemble --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ensemble() -> Ensemble:
    """The ``accurate`` model as ``--model accurate`` loads it: the bundled linear model
    and the transformer, weighted by the sidecar's ``ensemble_weight``."""
    return load_model("accurate")


def test_ensemble_mixes_the_two_models(ensemble, model):
    pairs = pairs_from_texts(PARENTS, REPLIES)
    mixed, labels, _ = decided(ensemble, pairs)
    assert tuple(ensemble.classes_) == tuple(LABELS) and mixed.shape == (len(REPLIES), 4)
    assert isinstance(ensemble, Ensemble) and ensemble.name == "accurate"
    linear_model, pair_model = ensemble.members
    assert isinstance(linear_model, LinearModel) and isinstance(pair_model, PairModel)

    # the calibrated linear probabilities before the evidence rule, mixed, then the rule
    linear = linear_model.predict_proba(pairs)
    pair = model.predict_proba_texts(PARENTS, REPLIES)
    w = model.meta["ensemble_weight"]
    assert ensemble.weights.tolist() == [w, 1 - w]
    np.testing.assert_allclose(ensemble.predict_proba(pairs), w * linear + (1 - w) * pair,
                               atol=1e-9)
    np.testing.assert_allclose(mixed,
                               condition_on_evidence(w * linear + (1 - w) * pair,
                                                     evidence_mask(REPLIES)),
                               atol=1e-9)
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, atol=1e-9)
    assert ensemble.predict(pairs) == labels == [LABELS[i] for i in mixed.argmax(axis=1)]


def test_ensemble_annotates_a_thread(ensemble):
    comments = [
        Comment(id="1", parent_id=None, depth=0, author="ann", text=REPLIES[0]),
        Comment(id="1.1", parent_id="1", depth=1, author="bob", text=REPLIES[1]),
        Comment(id="1.2", parent_id="1", depth=1, author="mod", text="AK responds: see the FAQ",
                inline=True),
    ]
    thread = Thread(source=None, layout=None, title="Bridge", article=PARENTS[0],
                    comments=comments)
    out = ensemble.annotate(thread)
    frame = thread_pairs(thread)
    assert list(frame["parent"]) == [PARENTS[0], REPLIES[0], REPLIES[0]]
    mixed = decided(ensemble, frame)[0]  # mixed, then the evidence rule
    for i, c in enumerate(out.comments[:2]):
        assert c.label == LABELS[mixed[i].argmax()]
        assert c.confidence == pytest.approx(mixed[i].max(), abs=1e-4)
        assert set(c.probabilities) == set(LABELS)
        assert sum(c.probabilities.values()) == pytest.approx(1.0, abs=1e-3)
        assert c.reasons
    assert out.comments[2].label == "moderation"
    assert out.comments[2].reasons == ["inline moderator note"]
    assert out.comments[2].confidence >= 0.95
