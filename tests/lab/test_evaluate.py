"""The research evaluation's protocols (``discourse.lab.evaluate``) on small inputs: the
sources-held-out protocol scores every comment once with its whole site held out, the share
error is the worst-label gap per thread, and the page lists each held-out site.  The
figures themselves are measured by ``discourse evaluate`` (README, model card), not here:
a fake encoder (vectors from a hash of the text) keeps these tests to seconds."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from discourse.classify.encoder import DIM
from discourse.classify.scoring import OURS, Evaluation
from discourse.lab.evaluate import HELD_OUT, evaluate_held_out, share_error, stance_f1
from discourse.labels import LABELS


class HashEncoder:
    """Deterministic unit vectors from each text's SHA-1 (no model)."""

    def encode(self, texts):
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int(hashlib.sha1(str(text).encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).standard_normal(DIM)
            out[i] = v / np.linalg.norm(v)
        return out


class UniformMember:
    """A stand-in for the linear member (its fit takes seconds even on 100 rows; the
    protocol, not the member, is under test)."""

    def predict_proba(self, pairs, calibrated=True):
        return np.full((len(pairs), len(LABELS)), 1 / len(LABELS))


@pytest.fixture(autouse=True)
def _quick_members(monkeypatch):
    import discourse.lab.train as train
    from discourse.classify.stance import StanceModel

    def fit_members(rows, recipe, enc, public=None):
        return StanceModel.fit(rows, blocks=recipe.blocks, c=recipe.c, encoder=enc), \
            UniformMember()

    monkeypatch.setattr(train, "fit_members", fit_members)


def _pairs(sites: int = 6, per_thread: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    words = {"agreement": "yes exactly agree right", "rebuttal": "no wrong false disagree",
             "moderation": "please stay civil removed rule", "off-topic": "buy cheap link spam"}
    rows = []
    for s in range(sites):
        for t in range(2):
            for k in range(per_thread):
                label = LABELS[int(rng.choice(4, p=[0.5, 0.3, 0.1, 0.1]))]
                rows.append({"reply": f"{words[label]} {s} {t} {k}", "parent": f"parent {k}",
                             "article": f"article {s}", "label": label, "site": f"site{s}",
                             "group": f"site{s}-thread{t}", "depth": 1,
                             "answers_article": k == 0})
    return pd.DataFrame(rows)


def test_every_comment_is_scored_once_with_its_site_held_out():
    pairs = _pairs()
    ev = Evaluation()
    evaluate_held_out(ev, pairs, HashEncoder(), None, ["majority", "cues"], lambda _: None)
    rows = [r for r in ev.results if r["protocol"] == HELD_OUT]
    assert {r["model"] for r in rows} == {OURS, "majority", "cues"}
    counts = pairs["site"].value_counts().to_dict()
    for r in rows:
        assert r["n"] == len(pairs) and r["labels"] == list(LABELS)
        assert {g: v["n"] for g, v in r["per_group"].items()} == counts
        low, high = r["macro_f1_ci"]
        assert low <= r["macro_f1"] <= high
    ours = next(r for r in rows if r["model"] == OURS)
    assert 0 <= ours["ece"] <= 1 and ours["share_error"]["threads"] == 12
    # the cue words make the labels learnable: the recipe beats the majority baseline
    majority = next(r for r in rows if r["model"] == "majority")
    assert ours["macro_f1"] > majority["macro_f1"] + 0.2


def test_share_error_is_the_worst_label_gap_per_thread():
    truth = pd.Series(["agreement"] * 6 + ["rebuttal"] * 4 + ["agreement"] * 3)
    groups = pd.Series(["a"] * 10 + ["b"] * 3)
    proba = np.tile([0.5, 0.3, 0.1, 0.1], (13, 1))
    # thread a: true mix 60/40/0/0, estimated 50/30/10/10: worst gap 10 points; thread b
    # has 3 comments (< 10) and is not counted
    result = share_error(truth, proba, groups)
    assert result == {"threads": 1, "pcc": 10.0, "counted": 40.0}
    assert share_error(truth[:3], proba[:3], groups[:3])["threads"] == 0


def test_stance_f1_decides_between_the_two_stances_only():
    truth = pd.Series(["agreement", "rebuttal", "moderation"])
    proba = np.array([[0.2, 0.1, 0.7, 0.0], [0.1, 0.3, 0.6, 0.0], [0.9, 0.1, 0.0, 0.0]])
    assert stance_f1(truth, proba) == pytest.approx(1.0)
    assert stance_f1(pd.Series(["moderation"]), proba[:1]) is None


def test_evaluation_page_lists_each_held_out_site(tmp_path):
    from discourse.lab.evaluate import write_evaluation

    ev = Evaluation()
    evaluate_held_out(ev, _pairs(sites=5, per_thread=8), HashEncoder(), None, ["majority"],
                      lambda _: None)
    _, html = write_evaluation(ev, tmp_path)
    text = html.read_text(encoding="utf-8")
    assert "Accuracy per held-out part" in text
    assert all(f"site{s}" in text for s in range(5))
