"""Label shares with intervals (:mod:`discourse.analyze.shares`): the estimate is the mean
of the comments' calibrated probabilities, the intervals are percentile bootstraps over a
thread's comments and, for a site, over its threads; placeholders are not counted; the
one-hot fallback says so; small threads are flagged and their summary says so."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.analyze import (
    COLUMNS,
    METRIC_DEFINITIONS,
    SITE_COLUMNS,
    site_shares,
    site_table,
    thread_metrics,
    thread_shares,
)
from discourse.analyze import shares as sh
from discourse.labels import LABELS
from discourse.model import Comment, Thread
from discourse.report import describe


def comment(i: int, label: str | None, probs: dict[str, float] | None = None, *,
            status: str | None = None, inline: bool = False) -> Comment:
    return Comment(id=str(i + 1), parent_id=None, depth=0, author=f"u{i % 7}",
                   text="" if status else f"comment {i}", label=label, probabilities=probs,
                   status=status, inline=inline,
                   confidence=None if probs is None or label is None else probs.get(label))


def probs(rebuttal: float, agreement: float, moderation: float = 0.0) -> dict[str, float]:
    return {"agreement": agreement, "rebuttal": rebuttal, "moderation": moderation,
            "off-topic": round(1 - agreement - rebuttal - moderation, 10)}


def random_probs(rng: random.Random, rebuttal_rate: float) -> tuple[str, dict[str, float]]:
    """A comment's probabilities: mostly rebuttal (at ``rebuttal_rate``) or agreement,
    with some uncertainty and a little of the other two labels."""
    p = rng.uniform(0.55, 0.95)
    side = "rebuttal" if rng.random() < rebuttal_rate else "agreement"
    other = "agreement" if side == "rebuttal" else "rebuttal"
    rest = 1 - p
    vec = {side: p, other: rest * 0.7, "moderation": rest * 0.1, "off-topic": rest * 0.2}
    return side, vec


def thread_of(n: int, rebuttal_rate: float = 0.4, seed: int = 0, *, site: str = "s",
              placeholders: int = 0, probabilities: bool = True) -> Thread:
    rng = random.Random(seed)
    comments = []
    for i in range(n):
        label, vec = random_probs(rng, rebuttal_rate)
        comments.append(comment(i, label, vec if probabilities else None))
    for k in range(placeholders):
        comments.append(comment(n + k, None, status="deleted"))
    return Thread(source=f"{site}/t{seed}.txt", layout="numbered", title=f"t{seed}",
                  article="a", comments=comments, site=site)


def width(shares: sh.Shares, label: str = "rebuttal") -> float:
    return shares.high[label] - shares.low[label]


# -- the estimate ----------------------------------------------------------------------------


def test_estimate_is_the_mean_of_the_probabilities_not_the_argmax_count():
    # Five comments all labelled agreement, but barely: the argmax count says 100 %
    # agreement, the probabilities 55 %.
    vec = probs(rebuttal=0.40, agreement=0.55, moderation=0.02)
    comments = [comment(i, "agreement", vec) for i in range(5)]
    comments.append(comment(5, "rebuttal", probs(rebuttal=0.9, agreement=0.05)))
    shares = thread_shares(comments)
    matrix = np.array([[c.probabilities[k] for k in LABELS] for c in comments])
    for k, label in enumerate(LABELS):
        assert shares.estimate[label] == pytest.approx(matrix[:, k].mean())
    assert shares.estimate["agreement"] == pytest.approx((5 * 0.55 + 0.05) / 6)
    assert shares.method == "probabilities" and shares.labelled == 6


def test_inline_notes_count_with_their_probabilities():
    note = comment(0, "moderation", probs(rebuttal=0.04, agreement=0.01, moderation=0.9),
                   inline=True)
    other = comment(1, "rebuttal", probs(rebuttal=0.7, agreement=0.2))
    shares = thread_shares([note, other])
    assert shares.labelled == 2
    assert shares.estimate["moderation"] == pytest.approx((0.9 + 0.0) / 2)
    assert shares.estimate["rebuttal"] == pytest.approx((0.04 + 0.7) / 2)


def test_probabilities_are_renormalised_and_missing_labels_count_zero():
    rounded = comment(0, "rebuttal", {"agreement": 0.3333, "rebuttal": 0.3334,
                                      "moderation": 0.3334})  # no off-topic, sums to 1.0001
    shares = thread_shares([rounded])
    assert sum(shares.estimate.values()) == pytest.approx(1.0)
    assert shares.estimate["off-topic"] == 0.0
    assert shares.estimate["rebuttal"] == pytest.approx(0.3334 / 1.0001)


def test_placeholders_are_not_counted():
    plain = thread_of(30, seed=1)
    with_placeholders = thread_of(30, seed=1, placeholders=7)
    a, b = thread_shares(plain), thread_shares(with_placeholders)
    assert b.labelled == 30 and b.not_labelled == 7 and a.not_labelled == 0
    assert a.estimate == b.estimate and a.low == b.low and a.high == b.high
    row = thread_metrics(with_placeholders, fill_sentiment=False)
    assert row["labelled"] == 30 and row["not_labelled"] == 7 and row["size"] == 37
    # a label outside the four is not counted either
    odd = comment(99, "<b>other</b>", {"agreement": 1.0})
    assert thread_shares([*plain.comments, odd]).not_labelled == 1


def test_fallback_to_the_labels_says_so():
    comments = [comment(i, label) for i, label in
                enumerate(["rebuttal"] * 3 + ["agreement"] * 6 + ["off-topic"])]
    shares = thread_shares(comments)
    assert shares.method == "labels"
    assert shares.estimate == pytest.approx({"agreement": 0.6, "rebuttal": 0.3,
                                             "moderation": 0.0, "off-topic": 0.1})
    mixed = thread_shares([*comments, comment(10, "rebuttal", probs(0.6, 0.3))])
    assert mixed.method == "mixed"
    assert mixed.estimate["rebuttal"] == pytest.approx((3 + 0.6) / 11)
    empty = thread_shares([comment(0, None, status="deleted")])
    assert empty.estimate is None and empty.method == "" and empty.not_labelled == 1
    row = thread_metrics(Thread(source="x", layout=None, title="t", article="a",
                                comments=comments), fill_sentiment=False)
    assert row["shares_from"] == "labels"
    broken = comment(0, "rebuttal", {"agreement": float("nan"), "rebuttal": 0.5})
    assert thread_shares([broken]).method == "labels"  # unusable probabilities: the label


# -- thread intervals ------------------------------------------------------------------------


def test_intervals_contain_the_estimate_and_narrow_with_more_comments():
    widths = []
    for n in (12, 50, 200, 800):
        shares = thread_shares(thread_of(n, seed=n))
        for label in LABELS:
            assert 0.0 <= shares.low[label] <= shares.estimate[label] <= shares.high[label] <= 1
        widths.append(width(shares))
    assert widths == sorted(widths, reverse=True)
    assert widths[0] > 2 * widths[-1]
    # about 1/sqrt(n): 800 comments give an interval about 4 times narrower than 50
    assert 2.5 < widths[1] / widths[3] < 6


def test_the_bootstrap_is_seeded_and_has_enough_resamples():
    t = thread_of(40, seed=3)
    assert thread_shares(t) == thread_shares(t)
    assert sh.RESAMPLES >= 1000
    draws = sh.bootstrap_means(sh.comment_matrix(t.comments)[0])
    assert draws.shape == (sh.RESAMPLES, len(LABELS))
    assert np.allclose(draws.sum(axis=1), 1.0)


def test_the_interval_is_the_percentile_bootstrap():
    t = thread_of(60, seed=4)
    matrix = sh.comment_matrix(t.comments)[0]
    draws = sh.bootstrap_means(matrix)
    shares = thread_shares(t)
    k = LABELS.index("rebuttal")
    assert shares.low["rebuttal"] == pytest.approx(np.percentile(draws[:, k], 2.5))
    assert shares.high["rebuttal"] == pytest.approx(np.percentile(draws[:, k], 97.5))
    # and it is close to the normal interval of a mean for a thread this size
    se = matrix[:, k].std(ddof=1) / np.sqrt(len(matrix))
    assert width(shares) == pytest.approx(2 * 1.96 * se, rel=0.15)


def test_a_label_nobody_gives_any_probability_still_gets_an_interval():
    # every comment gives moderation exactly 0: nothing to resample, so the exact
    # binomial bound for 0 of n is its upper end (about 3.7/n for 95 %)
    shares = thread_shares([comment(i, "rebuttal", probs(0.7, 0.2)) for i in range(40)])
    assert shares.estimate["moderation"] == 0.0 and shares.low["moderation"] == 0.0
    assert shares.high["moderation"] == pytest.approx(1 - 0.025 ** (1 / 40))
    one_hot = thread_shares([comment(i, "agreement") for i in range(30)])
    assert one_hot.estimate["agreement"] == 1.0
    assert one_hot.low["agreement"] == pytest.approx(0.025 ** (1 / 30))
    assert one_hot.low["agreement"] < 0.9


# -- too small to say ------------------------------------------------------------------------


def test_small_threads_are_flagged():
    assert thread_shares(thread_of(sh.MIN_LABELLED - 1)).too_small  # too few comments
    assert not thread_shares(thread_of(60)).too_small
    # enough comments, but an interval wider than MAX_WIDTH: 12 sure comments, 6 and 6
    split = [comment(i, "rebuttal" if i % 2 else "agreement") for i in range(12)]
    shares = thread_shares(split)
    assert shares.labelled >= sh.MIN_LABELLED and shares.width > sh.MAX_WIDTH
    assert shares.too_small
    assert thread_shares([]).too_small


# -- sites: a cluster bootstrap over threads --------------------------------------------------


def rows_of(threads: list[Thread]) -> list[dict]:
    return [thread_metrics(t, fill_sentiment=False) for t in threads]


def test_site_estimate_pools_the_labelled_comments():
    threads = [thread_of(20, 0.2, seed=1), thread_of(80, 0.7, seed=2, placeholders=3)]
    site = site_shares(rows_of(threads))
    every = [c for t in threads for c in t.comments if c.label]
    assert site.estimate["rebuttal"] == pytest.approx(
        np.mean([c.probabilities["rebuttal"] for c in every]))
    assert site.labelled == 100 and site.not_labelled == 3 and site.threads == 2


def test_site_intervals_are_wider_for_few_threads_than_for_many():
    rng = random.Random(7)
    # threads of one site differ in how contested they are (rebuttal rate 0.15-0.75)
    threads = [thread_of(40, rng.uniform(0.15, 0.75), seed=i) for i in range(40)]
    rows = rows_of(threads)
    few, many = site_shares(rows[:3]), site_shares(rows)
    assert width(few) > 2 * width(many)
    for s in (few, many):
        assert all(s.low[k] <= s.estimate[k] <= s.high[k] for k in LABELS)
    # resampling threads, not comments: the site of 40 threads is more uncertain than
    # its 1,600 comments taken as one thread would say
    pooled = thread_shares([c for t in threads for c in t.comments])
    assert pooled.estimate["rebuttal"] == pytest.approx(many.estimate["rebuttal"])
    assert width(many) > 1.5 * width(pooled)


def test_a_site_of_three_disagreeing_threads_gets_an_honestly_wide_interval():
    threads = [thread_of(100, rate, seed=i) for i, rate in enumerate((0.1, 0.5, 0.9))]
    rows = rows_of(threads)
    site = site_shares(rows)
    lowest = min(r["share_rebuttal"] for r in rows)
    highest = max(r["share_rebuttal"] for r in rows)
    assert site.low["rebuttal"] <= lowest + 0.02 and site.high["rebuttal"] >= highest - 0.02
    pooled = thread_shares([c for t in threads for c in t.comments])
    assert width(site) > 4 * width(pooled)


def test_a_site_is_never_surer_than_its_threads():
    # two threads with the same mix: the bootstrap over threads alone would say 0 width
    twins = rows_of([thread_of(30, 0.4, seed=5), thread_of(30, 0.4, seed=5)])
    site = site_shares(twins)
    assert width(site) >= width(thread_shares(thread_of(30, 0.4, seed=5))) / 2
    one = site_shares(twins[:1])
    assert one.low == pytest.approx({k: twins[0][f"share_{sh.column(k)}_low"] for k in LABELS})
    assert one.too_small  # one thread says nothing of how a site's threads vary
    assert site_shares([]).estimate is None


def test_site_table_carries_the_estimates_and_intervals():
    rng = random.Random(3)
    rows = rows_of([thread_of(40, rng.uniform(0.2, 0.6), seed=i, site="a") for i in range(6)])
    rows += rows_of([thread_of(30, 0.5, seed=50, site="b")])
    a, b = site_table(rows)
    assert a["site"] == "a" and a["labelled"] == 240 and a["shares_too_small"] is False
    assert b["shares_too_small"] is True
    direct = site_shares(rows[:6])
    for label in LABELS:
        key = f"share_{sh.column(label)}"
        assert a[key] == pytest.approx(direct.estimate[label])
        assert a[key + "_low"] == pytest.approx(direct.low[label])
        assert a[key + "_high"] == pytest.approx(direct.high[label])
    kinds = {key: kind for key, _, kind, _ in SITE_COLUMNS}
    assert kinds["share_rebuttal"] == "mix" and kinds["labelled"] == "count"


def test_compare_prints_shares_with_their_interval():
    from discourse.analyze.sites import format_cell
    from discourse.report.render import format_site_table

    stats = {"share_rebuttal": 0.452, "share_rebuttal_low": 0.381, "share_rebuttal_high": 0.523}
    assert format_cell("mix", "share_rebuttal", stats) == "45% (38–52%)"
    assert format_cell("mix", "share_agreement", stats) == "–"
    rows = rows_of([thread_of(40, 0.3, seed=i) for i in range(3)])
    text = format_site_table(rows)
    site = site_table(rows)[0]
    low, high = site["share_rebuttal_low"], site["share_rebuttal_high"]
    assert f"{site['share_rebuttal']:.0%} ({low:.0%}–{high:.0%})".replace("%–", "–") in text


# -- the analyze columns and their definitions ------------------------------------------------


def test_analyze_columns_and_definitions():
    for label in LABELS:
        key = f"share_{sh.column(label)}"
        assert [key, key + "_low", key + "_high"] == COLUMNS[COLUMNS.index(key):][:3]
        assert "Bella" in METRIC_DEFINITIONS[key][1] and "bootstrap" in METRIC_DEFINITIONS[key][0]
        assert "Efron" in METRIC_DEFINITIONS[key + "_low"][1]
    for key in ("labelled", "not_labelled", "shares_too_small", "shares_from"):
        assert key in COLUMNS and METRIC_DEFINITIONS[key][0]
    row = thread_metrics(thread_of(50, seed=9), fill_sentiment=False)
    assert row["shares_too_small"] is False and row["shares_from"] == "probabilities"
    assert row["share_rebuttal_low"] <= row["share_rebuttal"] <= row["share_rebuttal_high"]


# -- the summary sentence -------------------------------------------------------------------


def test_rounded_intervals():
    assert sh.rounded_interval(0.43, 0.52) == (43, 52)  # narrower than 10 points: whole points
    assert sh.rounded_interval(0.41, 0.56) == (40, 60)  # wider: outwards to 5 points
    assert sh.rounded_interval(0.40, 0.55) == (40, 55)
    assert sh.rounded_interval(0.0, 0.004) == (0, 1)
    assert sh.interval_text(0.41, 0.56) == "40–60 %"
    assert sh.interval_text(0.45, 0.45) == "45 %"


def test_summary_of_a_large_thread_says_the_interval():
    row = thread_metrics(thread_of(400, 0.45, seed=11), fill_sentiment=False)
    text = describe(row)
    rebut = sh.interval_text(row["share_rebuttal_low"], row["share_rebuttal_high"])
    agree = sh.interval_text(row["share_agreement_low"], row["share_agreement_high"])
    assert f"Of the 400 comments, about {rebut} rebut and {agree} agree" in text
    assert "too few" not in text
    lo, hi = sh.rounded_interval(row["share_rebuttal_low"], row["share_rebuttal_high"])
    assert lo <= 100 * row["share_rebuttal"] <= hi


def test_summary_of_a_small_thread_says_it_is_too_small():
    row = thread_metrics(thread_of(6, 0.5, seed=12, placeholders=2), fill_sentiment=False)
    text = describe(row)
    assert "Too few labelled comments to estimate the mix (6 labelled)" in text
    assert " rebut " not in text
    wide = thread_metrics(Thread(source="w", layout=None, title="w", article="a", comments=[
        comment(i, "rebuttal" if i % 2 else "agreement") for i in range(12)]),
        fill_sentiment=False)
    assert wide["shares_too_small"] and "too few labelled comments" in describe(wide).lower()


# -- properties -----------------------------------------------------------------------------


PROBABILITY = st.one_of(st.none(), st.floats(0, 1), st.just(0.0))


@st.composite
def labelled_comments(draw) -> list[Comment]:
    n = draw(st.integers(0, 30))
    out = []
    for i in range(n):
        label = draw(st.sampled_from([None, *LABELS, "other"]))
        vec = draw(st.one_of(
            st.none(),
            st.dictionaries(st.sampled_from(LABELS), st.floats(0, 1), min_size=1),
        ))
        out.append(comment(i, label, None) if vec is None else
                   Comment(id=str(i + 1), parent_id=None, depth=0, author=None, text="x",
                           label=label, probabilities=vec))
    return out


@settings(max_examples=80, deadline=None)
@given(labelled_comments())
def test_estimates_sum_to_one_and_intervals_lie_in_0_1(comments: list[Comment]):
    shares = thread_shares(comments, resamples=300)
    counted = sum(1 for c in comments if c.label in LABELS)
    assert shares.labelled == counted and shares.not_labelled == len(comments) - counted
    if not counted:
        assert shares.estimate is None and shares.too_small
        return
    assert sum(shares.estimate.values()) == pytest.approx(1.0)
    for label in LABELS:
        assert 0.0 <= shares.low[label] <= shares.estimate[label] <= shares.high[label] <= 1.0
    assert shares.too_small == (counted < sh.MIN_LABELLED or shares.width > sh.MAX_WIDTH)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 40), st.floats(0, 1)), min_size=1, max_size=8))
def test_site_estimates_sum_to_one_and_intervals_lie_in_0_1(spec):
    rows = rows_of([thread_of(n, rate, seed=i) for i, (n, rate) in enumerate(spec)])
    site = site_shares(rows, resamples=300)
    assert site.threads == len(spec) and site.labelled == sum(n for n, _ in spec)
    assert sum(site.estimate.values()) == pytest.approx(1.0)
    for label in LABELS:
        assert 0.0 <= site.low[label] <= site.estimate[label] <= site.high[label] <= 1.0
