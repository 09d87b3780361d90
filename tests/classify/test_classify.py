"""Classifier interfaces, the bundled model, training/evaluation commands and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import discourse
from discourse import LABELS, ModelError
from discourse.classify.base import decided
from discourse.classify.linear import MODEL_FORMAT, LinearModel
from discourse.classify.pairs import pairs_from_texts
from discourse.cli import main
from tests.support.paths import SEEDS

SEED_000 = SEEDS / "000_1701a6fb48e1cee7.txt"


@pytest.fixture(scope="module")
def model() -> LinearModel:
    return LinearModel.load()


def test_bundled_model_labels_every_seed_comment(model):
    thread = discourse.parse_file(SEED_000)
    predictions = model.predict_thread(thread)
    assert len(predictions) == len(thread.comments) == 34
    for p in predictions:
        assert p.label in LABELS
        assert 0.0 <= p.confidence <= 1.0
        assert p.reasons and all(isinstance(r, str) and r for r in p.reasons)
    by_id = {c.id: p for c, p in zip(thread.comments, predictions, strict=True)}
    # Inline moderator notes are moderation by rule, with that reason first.
    for cid in ("10.1", "12.1", "12.2"):
        assert by_id[cid].label == "moderation"
        assert by_id[cid].reasons[0] == "inline moderator note"


def test_annotate_sets_labels_and_sentiment_without_touching_input(model):
    thread = discourse.parse_file(SEEDS / "004_cf98bbd6559fb7a2.txt")
    labelled = model.annotate(thread)
    assert all(c.label is None for c in thread.comments)
    assert all(c.label in LABELS and c.sentiment is not None for c in labelled.comments)
    assert [c.id for c in labelled.comments] == [c.id for c in thread.comments]


def test_obvious_pairs(model):
    parents = ["Raising the minimum wage will reduce poverty in the long run."] * 3
    replies = ["No, that's wrong. The evidence shows it costs jobs, you are confusing cause "
               "and effect.", "Exactly, well said. I completely agree with this point.",
               "Check out my channel http://spam.example.com and subscribe for free gifts!"]
    pairs = pairs_from_texts(parents, replies)
    # the columns of every probability vector are the labels, in LABELS order
    assert tuple(model.classes_) == tuple(LABELS)
    proba = model.predict_proba(pairs)
    assert proba.shape == (3, len(LABELS))
    assert proba.sum(axis=1).round(6).tolist() == [1.0, 1.0, 1.0]
    # and after the evidence rule (what predict_proba_pairs gave before)
    conditioned, labels, _ = decided(model, pairs)
    assert conditioned.shape == (3, len(LABELS))
    assert conditioned.sum(axis=1).round(6).tolist() == [1.0, 1.0, 1.0]
    assert model.predict(pairs) == labels
    assert labels[0] == "rebuttal" and labels[1] == "agreement"


def test_empty_thread_and_empty_pairs(model):
    empty = discourse.parse_file(SEEDS / "002_836bfa67c2701070.txt")
    assert model.predict_thread(empty) == []
    assert model.predict(pairs_from_texts([], [])) == []
    with pytest.raises(discourse.DataError, match="1 empty reply text"):
        model.predict(pairs_from_texts(["parent"], ["  "]))
    with pytest.raises(discourse.DataError, match="2 parent texts but 1 replies"):
        model.predict(pairs_from_texts(["a", "b"], ["c"]))


# -- model files --------------------------------------------------------------------------
def test_missing_and_corrupt_model_files(tmp_path):
    with pytest.raises(ModelError, match="model file not found"):
        LinearModel.load(tmp_path / "nope.skops")
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(ModelError, match="not a discourse model file"):
        LinearModel.load(bad)


def test_model_from_another_version_is_refused(tmp_path, model):
    import skops.io as sio

    path = tmp_path / "future.skops"
    path.write_bytes(sio.dumps({"format": MODEL_FORMAT + 1, "pipeline": None, "meta": {}}))
    with pytest.raises(ModelError, match=f"model format {MODEL_FORMAT + 1} is not supported"):
        LinearModel.load(path)


def test_cli_bad_model_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.skops"
    bad.write_text("garbage")
    code = main(["classify", str(SEED_000), "--model", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == f"error: {bad}: not a discourse model file (not a skops archive)"


# -- classify command ---------------------------------------------------------------------
def test_classify_cli_csv(tmp_path, capsys):
    out = tmp_path / "labels.csv"
    assert main(["classify", str(SEEDS), "--format", "csv", "-o", str(out), "-q"]) == 0
    frame = pd.read_csv(out)
    assert len(frame) == 50
    assert set(frame["label"]) <= set(LABELS)
    assert frame["confidence"].between(0, 1).all()
    assert frame["reasons"].str.len().min() > 0


# -- train and evaluate on a user's file ----------------------------------------------------
def _pairs_file(tmp_path: Path) -> Path:
    rows = []
    agree = ["Exactly right, well said.", "I agree completely, great point.",
             "So true, thanks for this.", "Yes, this is spot on."]
    rebut = ["No, that is wrong and misleading.", "Nonsense, you are confusing things.",
             "I disagree, where is the evidence?", "That's not true at all."]
    for i in range(24):
        parent = f"Claim number {i} about policy and the economy."
        rows.append({"p": parent, "r": agree[i % 4] + f" Topic {i}.", "y": 2})
        rows.append({"p": parent, "r": rebut[i % 4] + f" Topic {i}.", "y": 0})
    path = tmp_path / "pairs.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_train_then_classify_and_evaluate_with_user_data(tmp_path, capsys):
    data = _pairs_file(tmp_path)
    model_path = tmp_path / "mine.skops"
    args = ["--parent-col", "p", "--reply-col", "r", "--label-col", "y",
            "--map", "0=rebuttal,2=agreement"]
    assert main(["train", str(data), "-o", str(model_path), "-q", *args]) == 0
    mine = LinearModel.load(model_path)
    assert sorted(mine.weights()[1]) == ["agreement", "rebuttal"]  # the labels it was trained on
    assert mine.meta["trained_rows"] == 48
    assert mine.predict(pairs_from_texts(["A claim."], ["I disagree, that is wrong."])) \
        == ["rebuttal"]
    out = tmp_path / "eval"
    assert main(["evaluate", "--model", str(model_path), str(data), "-o", str(out), "-q",
                 *args]) == 0
    printed = capsys.readouterr().out
    assert "discourse" in printed and "majority" in printed
    result = json.loads((out / "evaluation.json").read_text())
    models = {r["model"] for r in result["results"]}
    assert models == {"discourse", "majority", "vader", "cues", "tfidf-reply"}
    ours = next(r for r in result["results"] if r["model"] == "discourse")
    assert ours["n"] == 48 and set(ours["per_class"]) == {"agreement", "rebuttal"}
    html = (out / "evaluation.html").read_text()
    assert "Classifier evaluation" in html and 'class="chart-data"' in html


@pytest.mark.parametrize("extra,message", [
    (["--map", "0=rebuttal"], "label"),
    (["--map", "0=nonsense,2=agreement"], "nonsense"),
    (["--map", "0=rebuttal,2=agreement", "--reply-col", "missing"], "missing"),
])
def test_bad_labelled_data_is_one_line_exit_2(tmp_path, capsys, extra, message):
    data = _pairs_file(tmp_path)
    base = {"--parent-col": "p", "--reply-col": "r", "--label-col": "y"}
    args = []
    for flag, value in base.items():
        if flag not in extra:
            args += [flag, value]
    code = main(["train", str(data), "-o", str(tmp_path / "m.skops"), "-q", *args, *extra])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert message in err
    assert not (tmp_path / "m.skops").exists()




def test_placeholders_get_no_label_and_are_counted_apart():
    """Issue 22, item 8: a deleted comment with empty text was "agreement 0.68" and a
    pingback "agreement 0.63", both counted in the shares.  Now they keep their place in
    the tree, get no label, say why, and the thread's mix counts them apart."""
    from discourse.analyze.shares import thread_shares
    from discourse.classify import annotate, load_model
    from discourse.model import Comment, Thread

    comments = [
        Comment(id="1", parent_id=None, depth=0, author="a",
                text="Great article, I agree with every word."),
        Comment(id="2", parent_id="1", depth=1, author=None, text="", status="deleted"),
        Comment(id="3", parent_id="2", depth=2, author="b", text="No, that is simply wrong."),
        Comment(id="4", parent_id=None, depth=0, author="blog",
                text="[…] linked from my blog […]", status="pingback"),
    ]
    thread = Thread(source="t", title="A post", article="The article.", comments=comments,
                    layout=None)
    labelled = annotate(load_model(None), thread)
    by_id = {c.id: c for c in labelled.comments}
    assert by_id["2"].label is None and by_id["2"].reasons == ["not labelled: deleted"]
    assert by_id["4"].label is None and by_id["4"].reasons == ["not labelled: pingback"]
    assert by_id["1"].label in LABELS and by_id["3"].label in LABELS
    shares = thread_shares(labelled)
    assert shares.labelled == 2 and shares.not_labelled == 2
