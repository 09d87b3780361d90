"""Calibrated confidence (issue 13, item 4): the prior correction never moves a decision
between the two stances, the temperature never moves any decision, ECE is the weighted
gap of the reliability bins, and malformed metadata falls back to the identity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.classify.calibration import (
    Calibration,
    expected_calibration_error,
    reliability,
)
from discourse.classify.decide import condition_on_evidence, decide, evidence_mask
from discourse.labels import LABELS

AGREE, REBUT = LABELS.index("agreement"), LABELS.index("rebuttal")
rows = st.lists(st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4), min_size=2, max_size=40)


def _normalised(values) -> np.ndarray:
    p = np.asarray(values, dtype=float)
    return p / p.sum(axis=1, keepdims=True)


@settings(max_examples=60, deadline=None)
@given(rows, st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4),
       st.floats(0.1, 10.0))
def test_prior_never_swaps_the_stances_and_temperature_never_swaps_anything(raw, prior, t):
    proba = _normalised(raw)
    bias = Calibration.prior_bias(prior)
    assert bias[AGREE] == pytest.approx(bias[REBUT])
    shifted = Calibration(1.0, bias).apply(proba)
    # stances that differ by more than float rounding (1e-9 relative): a last-bit
    # difference (0.010000000000000002 against 0.01) may round to a tie in log space
    differ = ~np.isclose(proba[:, AGREE], proba[:, REBUT], rtol=1e-9, atol=0)
    before = proba[differ, AGREE] > proba[differ, REBUT]
    assert np.array_equal(before, shifted[differ, AGREE] > shifted[differ, REBUT])
    tempered = Calibration(t, bias).apply(proba)
    assert np.array_equal(tempered.argmax(axis=1), shifted.argmax(axis=1))
    assert np.allclose(tempered.sum(axis=1), 1)


def test_fitted_temperature_flattens_an_overconfident_model():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 400)
    proba = np.full((400, 4), 0.01)
    # right 60% of the time, always 97% sure
    guess = np.where(rng.random(400) < 0.6, y, (y + 1) % 4)
    proba[np.arange(400), guess] = 0.97
    labels = [LABELS[i] for i in y]
    cal = Calibration.fit(proba, labels, [1, 1, 1, 1])
    assert cal.temperature > 1.5
    before = expected_calibration_error(proba.max(axis=1), guess == y)
    after_p = cal.apply(proba)
    after = expected_calibration_error(after_p.max(axis=1), after_p.argmax(axis=1) == y)
    assert before > 0.3 and after < 0.1
    with pytest.raises(ValueError, match="expected"):
        Calibration.fit(proba[:, :3], labels, [1, 1, 1, 1])


def test_ece_is_the_weighted_gap_of_the_reliability_bins():
    conf = [0.95, 0.95, 0.55, 0.55, 0.55, 0.55]
    ok = [True, False, True, True, True, False]
    bins = reliability(conf, ok)
    assert [(b["rows"], b["accuracy"]) for b in bins] == [(4, 0.75), (2, 0.5)]
    assert expected_calibration_error(conf, ok) == pytest.approx(4 / 6 * 0.2 + 2 / 6 * 0.45)
    assert expected_calibration_error([], []) == 0.0


@pytest.mark.parametrize("meta", [None, "x", {"temperature": "hot"}, {"temperature": 0.0},
                                  {"temperature": 1.0, "bias": [0, 0]},
                                  {"temperature": 1.0, "bias": [0, 0, 0, float("nan")]}])
def test_malformed_metadata_is_the_identity(meta):
    cal = Calibration.from_meta(meta)
    assert cal.temperature == 1.0 and not any(cal.bias)


def test_bundled_model_is_calibrated_and_round_trips(tmp_path):
    """The shipped ensemble carries the mixture calibration fitted on the dev split and its
    decision offsets; saving and loading it keeps both and the probabilities exactly."""
    from discourse.classify import load_model
    from discourse.classify.ensemble import Ensemble
    from discourse.classify.pairs import prepare_pairs

    model = load_model(None)
    assert model.calibration.temperature != 1.0
    assert model.calibration.fitted_on.get("source") == "dev split"
    assert model.decision is not None and len(model.decision) == len(LABELS)
    path = model.save(tmp_path / "m.json", ["m-stance.npz", "m-linear.skops"])
    again = Ensemble.load(path)
    assert again.calibration.temperature == pytest.approx(model.calibration.temperature)
    assert again.calibration.bias == pytest.approx(model.calibration.bias)
    assert again.decision == pytest.approx(model.decision)
    pairs = prepare_pairs(pd.DataFrame({"reply": ["I disagree, that is wrong.", "Exactly!"],
                                        "parent": ["The sky is green.", "Well said."],
                                        "article": ["", ""]}))
    assert np.allclose(again.predict_proba(pairs), model.predict_proba(pairs))


def _row(**p: float) -> list[float]:
    return [p.get(label, 0.0) for label in LABELS]


@pytest.mark.parametrize(("text", "expected"), [
    ("정신차려라 이미 끝났다", "rebuttal"),                  # no cue: the next label
    ("Please stay on topic, this thread is about pardons.", "moderation"),
    ("Ho rimosso il commento: fuori tema.", "moderation"),    # an Italian cue
])
def test_moderation_needs_a_cue(text, expected):
    proba = np.array([_row(agreement=0.2, rebuttal=0.25, moderation=0.3, **{"off-topic": 0.25})])
    assert decide(proba, [text]) == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("nice one", "agreement"),                                 # neither needs-evidence label fits
    ("Check out my channel for free giveaways!", "off-topic"),  # promotion cue
])
def test_rare_labels_fall_through_to_the_best_supported_one(text, expected):
    # moderation first, off-topic second, agreement third: without cues both rare labels go
    proba = np.array([_row(agreement=0.2, rebuttal=0.1, moderation=0.4, **{"off-topic": 0.3})])
    assert decide(proba, [text]) == [expected]
    # a decision restricted to one label is that label, evidence or not
    assert decide(proba, [text], ("moderation",)) == ["moderation"]


texts = st.sampled_from(["nice one", "Check out my channel for free giveaways!",
                         "Please stay on topic, this thread is about pardons.",
                         "정신차려라 이미 끝났다", "", "word " * 70])


@settings(max_examples=60, deadline=None)
@given(rows, st.data())
def test_conditioned_probabilities_agree_with_the_decision(raw, data):
    """The confidence shown is the probability of the label taken: after the evidence rule
    the decided label is the most probable, ruled-out labels have 0, rows sum to 1."""
    proba = _normalised(raw)
    replies = data.draw(st.lists(texts, min_size=len(proba), max_size=len(proba)))
    conditioned = condition_on_evidence(proba, evidence_mask(replies))
    assert np.allclose(conditioned.sum(axis=1), 1)
    assert not conditioned[~evidence_mask(replies)].any()
    decided = [LABELS.index(label) for label in decide(proba, replies)]
    assert np.array_equal(conditioned.argmax(axis=1), decided)
    assert decide(proba, replies, allowed=evidence_mask(replies)) == decide(proba, replies)
    # conditioning twice changes nothing; an inline note keeps its moderation mass
    assert np.allclose(condition_on_evidence(conditioned, evidence_mask(replies)), conditioned)
    inline = condition_on_evidence(proba, evidence_mask(replies, inline=[True] * len(proba)))
    assert np.all(inline[:, LABELS.index("moderation")] > 0)


def test_temperature_is_fitted_on_the_labels_the_rule_allows():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)                      # agreement / rebuttal truths
    proba = np.full((300, 4), 0.05)
    guess = np.where(rng.random(300) < 0.7, y, 1 - y)
    proba[np.arange(300), guess] = 0.5
    proba[:, LABELS.index("moderation")] = 0.35      # mass the rule takes away
    proba /= proba.sum(axis=1, keepdims=True)
    labels = [LABELS[i] for i in y]
    labels[:10] = ["moderation"] * 10                # truths the rule rules out
    allowed = np.ones((300, 4), dtype=bool)
    allowed[:, LABELS.index("moderation")] = False
    cal = Calibration.fit(proba, labels, [1, 1, 1, 1], allowed)
    assert cal.fitted_on["ruled_out"] == 10 and cal.fitted_on["rows"] == 290
    q = cal.apply(proba)
    q = np.where(allowed, q, 0.0) / np.where(allowed, q, 0.0).sum(axis=1, keepdims=True)
    ok = q.argmax(axis=1) == np.array([LABELS.index(label) for label in labels])
    assert expected_calibration_error(q.max(axis=1)[10:], ok[10:]) < 0.06
    # without the mask the moderation mass makes the same model look far less sure
    plain = Calibration.fit(proba, labels, [1, 1, 1, 1])
    assert plain.temperature > cal.temperature
    with pytest.raises(ValueError, match="allowed has shape"):
        Calibration.fit(proba, labels, [1, 1, 1, 1], allowed[:, :3])

