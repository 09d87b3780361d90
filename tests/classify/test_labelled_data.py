"""Tests for labelled pairs (discourse.classify.labelled: a user's files), the project's
datasets (discourse.lab.datasets), discourse.classify.scoring and discourse.lab.baselines.

Public-data tests are marked ``shared_data`` and skip when the public data folder (the
``public_data`` fixture: $DISCOURSE_DATA or <shared>/data) is absent; everything else runs
on tiny temporary files.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from discourse.classify.labelled import LABELLED_COLUMNS, load_pairs_file, parse_mapping
from discourse.classify.scoring import format_table, macro_f1_interval, score
from discourse.errors import DataError
from discourse.lab import datasets
from discourse.lab.baselines import (
    BASELINES,
    CueLexiconBaseline,
    MajorityBaseline,
    TfidfReplyBaseline,
    VaderSignBaseline,
)
from discourse.lab.datasets import debagreement, iac, load_seeds, rumoureval, umod, youtube_spam
from discourse.labels import LABELS
from discourse.report.evaluation import confusion_figure
from tests.support.paths import SEEDS


def pairs(replies: list[str], labels: list[str]) -> pd.DataFrame:
    """A minimal pairs frame for the baselines."""
    return pd.DataFrame({"parent": "", "reply": replies, "label": labels})


def assert_pairs_frame(df: pd.DataFrame) -> None:
    assert list(df.columns) == list(LABELLED_COLUMNS)
    assert set(df["label"]) <= set(LABELS)
    assert (df["reply"].str.strip() != "").all()
    assert df["depth"].dtype == np.int64
    assert df["inline"].dtype == bool and df["is_article_author"].dtype == bool


# -- parse_mapping -------------------------------------------------------------------------
def test_parse_mapping_valid() -> None:
    assert parse_mapping("0=rebuttal,2=agreement") == {"0": "rebuttal", "2": "agreement"}
    assert parse_mapping(" spam = Off-Topic , mod=moderation, ") == {
        "spam": "off-topic",
        "mod": "moderation",
    }


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("", "empty label mapping"),
        (" , ", "empty label mapping"),
        ("0", "malformed"),
        ("0=", "malformed"),
        ("=rebuttal", "malformed"),
        ("1=neutral", "'neutral' is not one of"),
        ("0=rebuttal,0=agreement", "both"),
    ],
)
def test_parse_mapping_errors(spec: str, fragment: str) -> None:
    with pytest.raises(DataError, match=fragment) as info:
        parse_mapping(spec)
    assert "\n" not in str(info.value)


# -- load_pairs_file ----------------------------------------------------------------------
@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine.csv"
    pd.DataFrame(
        {
            "p": ["Taxes should rise.", "Taxes should rise.", "Cats are best."],
            "r": ["Yes, exactly.", "No, that is wrong.", "Agreed!"],
            "y": ["2", "0", "2"],
            "art": ["Article A", "Article A", "Article B"],
        }
    ).to_csv(path, index=False)
    return path


@pytest.fixture
def jsonl_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine.jsonl"
    rows = [
        {"parent": "A claim.", "reply": "I agree.", "label": "agreement"},
        {"parent": "A claim.", "reply": "Nonsense.", "label": "Rebuttal"},
        {"parent": "", "reply": "Buy cheap pills", "label": "off-topic"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_load_pairs_file_csv_with_mapping(csv_file: Path) -> None:
    df = load_pairs_file(csv_file, "p", "r", "y", parse_mapping("0=rebuttal,2=agreement"),
                         article_col="art")
    assert_pairs_frame(df)
    assert df["label"].tolist() == ["agreement", "rebuttal", "agreement"]
    assert df["article"].tolist() == ["Article A", "Article A", "Article B"]
    assert (df["dataset"] == "mine").all() and (df["split"] == "all").all()
    # Replies to the same parent share a group.
    assert df["group"].iloc[0] == df["group"].iloc[1] != df["group"].iloc[2]


def test_load_pairs_file_jsonl_labels_already_ours(jsonl_file: Path) -> None:
    df = load_pairs_file(jsonl_file, "parent", "reply", "label")
    assert_pairs_frame(df)
    assert df["label"].tolist() == ["agreement", "rebuttal", "off-topic"]


def test_load_pairs_file_jsonl_integer_labels(tmp_path: Path) -> None:
    path = tmp_path / "ints.jsonl"
    path.write_text('{"a": "x", "b": "y", "c": 0}\n{"a": "x", "b": "z", "c": 2}\n')
    df = load_pairs_file(path, "a", "b", "c", {"0": "rebuttal", "2": "agreement"})
    assert df["label"].tolist() == ["rebuttal", "agreement"]


def test_load_pairs_file_parquet_and_tsv(tmp_path: Path) -> None:
    frame = pd.DataFrame({"p": ["x", "y"], "r": ["yes", "no"], "y": [2, 0]})
    frame.to_parquet(tmp_path / "f.parquet")
    frame.to_csv(tmp_path / "f.tsv", sep="\t", index=False)
    for name in ("f.parquet", "f.tsv"):
        df = load_pairs_file(tmp_path / name, "p", "r", "y", {"0": "rebuttal", "2": "agreement"})
        assert df["label"].tolist() == ["agreement", "rebuttal"]


def _one_line_error(path: Path, *args, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        load_pairs_file(path, *args, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_load_pairs_file_missing_column(csv_file: Path, jsonl_file: Path) -> None:
    message = _one_line_error(csv_file, "parent", "r", "y", {"0": "rebuttal"})
    assert "missing column 'parent'" in message and "available: p, r, y, art" in message
    message = _one_line_error(jsonl_file, "parent", "reply", "stance")
    assert "'stance'" in message and "label" in message


def test_load_pairs_file_unmapped_labels(csv_file: Path, tmp_path: Path) -> None:
    message = _one_line_error(csv_file, "p", "r", "y", {"2": "agreement"})
    assert "1 rows" in message and "'0' (1)" in message
    df = load_pairs_file(csv_file, "p", "r", "y", {"2": "agreement"}, drop_unmapped=True)
    assert df["label"].tolist() == ["agreement", "agreement"]
    # Without a mapping the labels must already be ours.
    message = _one_line_error(csv_file, "p", "r", "y")
    assert "3 rows" in message and "'2' (2)" in message and "'0' (1)" in message
    # A dict mapping to a label that is not ours.
    message = _one_line_error(csv_file, "p", "r", "y", {"0": "neutral", "2": "agreement"})
    assert "'neutral'" in message


def test_load_pairs_file_empty_texts(tmp_path: Path, jsonl_file: Path) -> None:
    path = tmp_path / "gaps.csv"
    pd.DataFrame({"p": ["a", "b", "c"], "r": ["fine", "  ", ""], "y": ["agreement"] * 3}).to_csv(
        path, index=False
    )
    message = _one_line_error(path, "p", "r", "y")
    assert "2 rows have an empty 'r'" in message
    with pytest.warns(UserWarning, match="dropped 2 rows"):
        df = load_pairs_file(path, "p", "r", "y", drop_empty=True)
    assert df["reply"].tolist() == ["fine"]
    empty_json = tmp_path / "gaps.jsonl"
    empty_json.write_text('{"p": "a", "r": null, "y": "rebuttal"}\n')
    assert "1 rows have an empty" in _one_line_error(empty_json, "p", "r", "y")


def test_load_pairs_file_bad_file(tmp_path: Path) -> None:
    assert "file not found" in _one_line_error(tmp_path / "nope.csv", "p", "r", "y")
    odd = tmp_path / "data.xlsx"
    odd.write_text("x")
    assert "unsupported file type" in _one_line_error(odd, "p", "r", "y")
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n")
    assert "cannot read" in _one_line_error(broken, "p", "r", "y")


# -- data_dir and offline loader logic ---------------------------------------------------------
def test_data_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCOURSE_DATA", str(tmp_path))
    assert datasets.data_dir() == tmp_path.resolve()
    monkeypatch.setenv("DISCOURSE_DATA", str(tmp_path / "absent"))
    assert datasets.data_dir() is None


def test_load_public_skips_absent_files(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="skipping"):
        assert datasets.load_public(["umod", "rumoureval"], root=tmp_path) == {}
    with pytest.raises(DataError, match="unknown dataset"):
        datasets.load_public(["nope"], root=tmp_path)


def test_loaders_on_tiny_copies(tmp_path: Path) -> None:
    """Mapping rules of each public loader, on hand-made files with the real columns."""
    pd.DataFrame(
        {"label": [0, 1, 2], "body_parent": ["p"] * 3, "body_child": ["r0", "r1", "r2"],
         "submission_text": "s", "submission_id": ["t1", "t1", "t2"],
         "msg_id_child": ["c0", "c1", "c2"]}
    ).to_csv(tmp_path / "debagreement_test.csv", index=False)
    deb = debagreement.load_debagreement("test", root=tmp_path)
    assert deb["label"].tolist() == ["rebuttal", "agreement"]
    assert deb["group"].tolist() == ["t1", "t2"] and deb["comment_id"].tolist() == ["c0", "c2"]
    # the reply answers a parent comment, which answers the submission (pair_thread)
    assert (deb["depth"] == 1).all() and (deb["parent"] == "p").all()
    assert (deb["article"] == "s").all() and deb["thread_id"].tolist() == ["t1", "t2"]

    pd.DataFrame(
        {"dataset": ["IAC", "IAC", "IAC", "AWTP"], "topic": ["guns", "guns", "guns", None],
         "split": ["dev", "test", "train", "train"],
         "label": ["agree", "agree", "neutral", "disagree"],
         "n_copies_in_split": 1, "dev_equals_test_topic": [1, 1, 0, 0],
         "quote_text": ["q", "q", "q", "q2"], "response_text": ["a", "a", "b", "c"]}
    ).to_csv(tmp_path / "agreement_pairs_iac_awtp_abcd.csv", index=False)
    quoted = iac.load_iac_awtp_abcd(root=tmp_path)
    assert quoted["split"].tolist() == ["test", "train"]  # dev copy of a dev==test pair dropped
    assert quoted["label"].tolist() == ["agreement", "rebuttal"]
    assert quoted["group"].iloc[0] == "IAC:guns" and quoted["group"].iloc[1].startswith("AWTP:")
    assert (quoted["depth"] == 1).all()  # the response answers the quoted post

    pd.DataFrame(
        {"split": "train", "thread_id": ["1"] * 5, "tweet_id": ["1", "2", "3", "4", "5"],
         "parent_id": [None, "1", "1", "2", "1"], "depth": [0, 1, 1, 2, 1],
         "source_text": "src", "text": ["src", "yes", "fake", "deep", "?"],
         "label": ["support", "support", "deny", "deny", "query"]}
    ).to_csv(tmp_path / "rumoureval2017_taskA.csv", index=False)
    rum = rumoureval.load_rumoureval(root=tmp_path)
    assert rum["reply"].tolist() == ["yes", "fake"]
    assert rum["label"].tolist() == ["agreement", "rebuttal"]
    assert (rum["depth"] == 0).all() and (rum["parent"] == "src").all()

    umod_rows = pd.DataFrame(
        {"id": ["a", "b", "c", "d"], "preceding_comment": "p", "reply": ["r1", "r2", "r3", "r4"],
         "softlabel_mace": [0.9, 0.9, 0.2, 0.99], "policing": [1, 0, 1, 0],
         "siteIssues": 0, "organizing": 0, "offTopic": [0, 1, 0, 0],
         "agreeYes": 5, "agreeNo": 1}
    )
    umod_rows.to_csv(tmp_path / "umod_user_moderation.tsv", sep="\t", index=False)
    mod = umod.load_umod(root=tmp_path)
    assert mod["comment_id"].tolist() == ["a", "b"] and (mod["label"] == "moderation").all()
    assert (mod["depth"] == 1).all()  # the reply answers the preceding comment
    assert umod.load_umod(root=tmp_path, min_softlabel=0)["comment_id"].tolist() == ["a", "b", "c"]

    (tmp_path / "youtube_spam").mkdir()
    pd.DataFrame(
        {"COMMENT_ID": ["x", "y", "y", "z"], "CONTENT": ["sub to me\ufeff", "nice", "nice", "free $"],
         "CLASS": [1, 0, 0, 1]}
    ).to_csv(tmp_path / "youtube_spam" / "Youtube09-Band.csv", index=False)
    yt = youtube_spam.load_youtube_spam(root=tmp_path)
    assert yt["reply"].tolist() == ["sub to me", "free $"]
    assert (yt["label"] == "off-topic").all() and (yt["parent"] == "Band video").all()
    assert (yt["article"] == "Band video").all() and (yt["group"] == "Youtube09-Band.csv").all()
    assert (yt["depth"] == 0).all()  # a comment under the video answers the article

    with pytest.warns(UserWarning, match="skipping debagreement dev"):
        loaded = datasets.load_public(root=tmp_path)  # debagreement_dev.csv absent: test loads
    assert set(loaded) == set(datasets.PUBLIC_LOADERS)
    for frame in loaded.values():
        assert_pairs_frame(frame)


# -- seeds -----------------------------------------------------------------------------------
def test_load_seeds_matches_labels_csv() -> None:
    df = load_seeds(SEEDS)
    assert_pairs_frame(df)
    assert len(df) == 50
    expected = pd.read_csv(SEEDS / "labels.csv", dtype=str, keep_default_na=False)
    merged = df.merge(expected, left_on=["thread_id", "comment_id"],
                      right_on=["document", "comment_id"], suffixes=("", "_csv"))
    assert len(merged) == 50
    assert (merged["label"] == merged["label_csv"]).all()
    assert (df["parent"].str.strip() != "").all()
    assert (df["article"].str.strip() != "").all()
    assert (df["dataset"] == "seeds").all() and (df["split"] == "all").all()
    assert (df["group"] == df["thread_id"]).all()
    assert set(df["group"]) == set(expected["document"])
    assert not df["is_article_author"].any()
    assert (df["depth"] >= 0).all()


def test_load_seeds_top_level_answers_article_and_reply_answers_parent() -> None:
    df = load_seeds(SEEDS).set_index(["thread_id", "comment_id"])
    doc = "000_1701a6fb48e1cee7.txt"
    top = df.loc[(doc, "1")]
    assert top["depth"] == 0 and top["parent"] == top["article"]
    nested = df.loc[(doc, "2.1")]
    assert nested["depth"] == 1 and nested["parent"] == df.loc[(doc, "2"), "reply"]


# -- scoring ---------------------------------------------------------------------------------
Y_TRUE = ["agreement", "agreement", "agreement", "rebuttal", "rebuttal", "moderation"]
Y_PRED = ["agreement", "agreement", "rebuttal", "rebuttal", "agreement", "moderation"]
FOUR = ["agreement", "rebuttal", "moderation", "off-topic"]


def test_score_hand_computed() -> None:
    s = score(Y_TRUE, Y_PRED, FOUR)
    # agreement: TP 2 of 3 predicted, 3 true -> P = R = F1 = 2/3
    # rebuttal:  TP 1 of 2 predicted, 2 true -> P = R = F1 = 1/2
    # moderation: TP 1 of 1 -> 1; off-topic: no rows -> 0 (zero_division=0)
    per = s["per_class"]
    assert per["agreement"] == pytest.approx(
        {"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "support": 3})
    assert per["rebuttal"] == pytest.approx(
        {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert per["moderation"] == pytest.approx(
        {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1})
    assert per["off-topic"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert s["macro_f1"] == pytest.approx((2 / 3 + 1 / 2 + 1 + 0) / 4)  # 13/24
    assert s["balanced_accuracy"] == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)  # 13/18
    assert s["accuracy"] == pytest.approx(4 / 6)
    assert s["n"] == 6 and s["pred_outside_labels"] == 0
    assert s["confusion"] == [[2, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    three = score(Y_TRUE, Y_PRED, FOUR[:3])
    assert three["macro_f1"] == pytest.approx(13 / 18)


def test_score_predictions_outside_labels_and_table() -> None:
    s = score(["agreement", "rebuttal"], ["moderation", "rebuttal"], ["agreement", "rebuttal"])
    assert s["pred_outside_labels"] == 1 and s["accuracy"] == 0.5
    assert s["confusion"] == [[0, 0], [0, 1]]
    table = format_table([{**s, "model": "x", "dataset": "tiny"}, score(Y_TRUE, Y_PRED, FOUR)])
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["model", "dataset", "n", "acc"]
    assert "F1 off-topic" in lines[0] and len(lines) == 4
    assert "0.500" in lines[2]
    fig = confusion_figure(score(Y_TRUE, Y_PRED, FOUR), "tiny")
    assert fig.data[0].type == "heatmap"
    assert np.asarray(fig.data[0].text).tolist()[0] == [2, 1, 0, 0]



def test_bootstrap_interval_is_sklearn_macro_f1_over_resamples() -> None:
    """The vectorised interval is the percentile range of sklearn's macro-F1 on the same
    resamples (rows drawn by the same generator), predictions outside the labels counted
    as wrong; it brackets the point estimate and narrows with more rows."""
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(5)
    y = rng.choice(FOUR, 200, p=[0.5, 0.3, 0.1, 0.1])
    pred = np.where(rng.random(200) < 0.7, y, rng.choice([*FOUR, "other"], 200))
    low, high = macro_f1_interval(y, pred, FOUR, resamples=200, seed=3)
    idx = np.random.default_rng(3).integers(0, 200, size=(200, 200))
    brute = [f1_score(y[i], pred[i], labels=FOUR, average="macro", zero_division=0) for i in idx]
    assert (low, high) == pytest.approx(tuple(np.percentile(brute, [2.5, 97.5])))
    point = score(y, pred, FOUR)
    assert low < point["macro_f1"] < high
    assert point["macro_f1_ci"] == pytest.approx(list(macro_f1_interval(y, pred, FOUR)), abs=1e-4)
    wide = macro_f1_interval(y[:40], pred[:40], FOUR)
    assert wide[1] - wide[0] > high - low
    assert macro_f1_interval([], [], FOUR) == (0.0, 0.0)
    assert "95% CI" in format_table([point]).splitlines()[0]

# -- baselines -------------------------------------------------------------------------------
FOUR_WAY = pairs(
    ["I agree, well said", "Exactly right, thanks", "No, that is wrong", "Please stop, spam",
     "check out my channel", "so true"],
    ["agreement", "agreement", "rebuttal", "moderation", "off-topic", "agreement"],
)


def test_majority_baseline() -> None:
    model = MajorityBaseline().fit(FOUR_WAY)
    assert model.predict(pairs(["x", "y"], ["?", "?"])).tolist() == ["agreement", "agreement"]
    with pytest.raises(RuntimeError):
        MajorityBaseline().predict(FOUR_WAY)
    with pytest.raises(DataError, match="unknown training labels"):
        MajorityBaseline().fit(pairs(["x"], ["neutral"]))


def test_vader_sign_baseline() -> None:
    model = VaderSignBaseline().fit(pairs(["a", "b", "c"], ["agreement", "rebuttal", "rebuttal"]))
    test = pairs(["I love this, wonderful and great!", "This is terrible, awful and stupid.",
                  "The meeting is on Tuesday."], ["?"] * 3)
    assert model.predict(test).tolist() == ["agreement", "rebuttal", "rebuttal"]
    # Moderation is the training majority but sentiment never predicts it ...
    mod_heavy = pairs(["a", "b", "c", "d", "e"],
                      ["moderation", "moderation", "moderation", "agreement", "rebuttal"])
    assert "moderation" not in VaderSignBaseline().fit(mod_heavy).predict(test).tolist()
    # ... unless it is all there is.
    only = VaderSignBaseline().fit(pairs(["a", "b"], ["off-topic", "moderation"]))
    assert set(only.predict(test)) == {"moderation"}


def test_cue_lexicon_baseline() -> None:
    model = CueLexiconBaseline().fit(FOUR_WAY)
    test = pairs(["please stop spamming", "I agree, well said!", "No, you're wrong",
                  "Click here http://win.example.com subscribe", "The sky is blue"], ["?"] * 5)
    assert model.predict(test).tolist() == [
        "moderation", "agreement", "rebuttal", "off-topic", "agreement"]
    # Labels absent from training never compete: no stance cue -> training majority.
    stance = CueLexiconBaseline().fit(pairs(["a", "b", "c"], ["rebuttal", "rebuttal", "agreement"]))
    assert stance.predict(pairs(["please stop spamming"], ["?"])).tolist() == ["rebuttal"]


def test_tfidf_reply_baseline() -> None:
    train = pairs(
        ["totally agree great point", "agree completely great", "great point agree",
         "wrong nonsense disagree", "disagree that is wrong", "nonsense wrong claim"],
        ["agreement"] * 3 + ["rebuttal"] * 3,
    )
    model = TfidfReplyBaseline().fit(train)
    got = model.predict(pairs(["great point, agree", "wrong, nonsense"], ["?", "?"]))
    assert got.tolist() == ["agreement", "rebuttal"]
    single = TfidfReplyBaseline().fit(pairs(["a", "b"], ["off-topic", "off-topic"]))
    assert single.predict(pairs(["zzz"], ["?"])).tolist() == ["off-topic"]


def test_baseline_registry() -> None:
    assert set(BASELINES) == {"majority", "vader", "cues", "tfidf-reply"}
    for factory in BASELINES.values():
        predicted = factory().fit(FOUR_WAY).predict(FOUR_WAY)
        assert isinstance(predicted, np.ndarray) and len(predicted) == len(FOUR_WAY)
        assert set(predicted) <= set(FOUR_WAY["label"])
        # the classifier protocol: classes_ and predict_proba (one-hot of predict)
        fitted = factory().fit(FOUR_WAY)
        proba = fitted.predict_proba(FOUR_WAY)
        assert tuple(fitted.classes_) == tuple(LABELS) and proba.shape == (len(FOUR_WAY), 4)
        assert [LABELS[i] for i in proba.argmax(axis=1)] == predicted.tolist()
        assert np.array_equal(proba.sum(axis=1), np.ones(len(FOUR_WAY)))


# -- public data (skipped without it: the public_data fixture of conftest.py) -------------
@pytest.mark.shared_data
def test_public_debagreement(public_data: Path) -> None:
    test = debagreement.load_debagreement("test", root=public_data)
    assert_pairs_frame(test)
    assert len(test) > 2000 and set(test["label"]) == {"agreement", "rebuttal"}
    assert (test["split"] == "test").all() and (test["article"] != "").all()
    assert (test["depth"] == 1).all()  # replies to a parent comment (pair_thread)
    dev = debagreement.load_debagreement("dev", root=public_data)
    assert len(dev) > 2000 and (dev["split"] == "dev").all()


@pytest.mark.shared_data
def test_public_iac_awtp_abcd(public_data: Path) -> None:
    df = iac.load_iac_awtp_abcd(root=public_data)
    assert_pairs_frame(df)
    assert 10_000 < len(df) < 17_459
    assert set(df["label"]) == {"agreement", "rebuttal"}
    assert set(df["split"]) == {"train", "dev", "test"}
    assert not df.duplicated(["parent", "reply", "label"]).any()
    assert df["group"].str.startswith(("IAC:", "AWTP:", "ABCD:")).all()


@pytest.mark.shared_data
def test_public_rumoureval(public_data: Path) -> None:
    df = rumoureval.load_rumoureval(root=public_data)
    assert_pairs_frame(df)
    assert 500 < len(df) < 2000 and set(df["label"]) == {"agreement", "rebuttal"}
    assert (df["depth"] == 0).all() and (df["parent"] == df["article"]).all()
    assert set(df["split"]) == {"train", "dev", "test"}


@pytest.mark.shared_data
def test_public_umod_and_youtube(public_data: Path) -> None:
    umod_pairs = umod.load_umod(root=public_data)
    assert_pairs_frame(umod_pairs)
    assert 50 < len(umod_pairs) < 150 and (umod_pairs["label"] == "moderation").all()
    yt = youtube_spam.load_youtube_spam(root=public_data)
    assert_pairs_frame(yt)
    assert 900 < len(yt) < 1100 and (yt["label"] == "off-topic").all()
    assert yt["group"].nunique() == 5 and (yt["parent"] == yt["article"]).all()
    assert yt["parent"].str.endswith(" video").all()
    assert (yt["depth"] == 0).all() and (umod_pairs["depth"] == 1).all()


@pytest.mark.shared_data
def test_public_load_all(public_data: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may be missing here
        loaded = datasets.load_public(root=public_data)
    assert set(loaded) == set(datasets.PUBLIC_LOADERS)
    for name, frame in loaded.items():
        assert (frame["dataset"] == name).all()
