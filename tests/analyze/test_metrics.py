"""Unit tests for discourse.analyze on small hand-built reply trees.

Every expected value is computed by hand in the comment next to its assertion.
Trees (ids are dotted child paths, so parent and depth follow from the id):

CHAIN  (authors A B A B, sentiments .5 0 -.5 -1):  1 - 1.1 - 1.1.1 - 1.1.1.1
STAR   (authors A B C A): four top-level comments 1, 2, 3, 4
EMPTY  no comments
ANON   1, 1.1, 2 with no authors
MIXED  (index: id author label sentiment)
   0  1          A    agreement   .4
   1  1.1        B    rebuttal    0
   2  1.1.1      A    rebuttal    -.2
   3  1.1.1.1    B    rebuttal    -.6
   4  1.1.2      C    agreement   .3
   5  1.2        C    off-topic   None
   6  2          D    rebuttal    -.1
   7  2.1        Mod  moderation  None   (inline note)
   8  3          B    None        None
   9  3.1        B    rebuttal    None   (self-reply)
"""

from __future__ import annotations

import itertools
from collections import deque

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.analyze import (
    COLUMNS,
    METRIC_DEFINITIONS,
    branching_factor,
    contested_subthreads,
    ensure_sentiment,
    escalation_slope,
    gini,
    h_index,
    label_shares,
    label_shares_by_depth,
    longest_back_and_forth,
    longest_rebuttal_chain,
    max_depth,
    mean_depth,
    metrics_frame,
    moderation_count,
    moderation_positions,
    most_active,
    participant_count,
    participation_gini,
    reciprocity,
    reentry_rate,
    reply_graph,
    sentiment_of,
    size,
    split_sentences,
    structural_virality,
    thread_metrics,
    top_level_count,
    transition_matrix,
    width,
    wiener_index,
    wiener_sum,
)
from discourse.labels import LABELS
from discourse.model import Comment, Thread


def c(
    cid: str,
    author: str | None = None,
    label: str | None = None,
    sentiment: float | None = None,
    *,
    inline: bool = False,
) -> Comment:
    """A comment whose parent and depth follow from its dotted id."""
    parent = cid.rsplit(".", 1)[0] if "." in cid else None
    return Comment(
        id=cid,
        parent_id=parent,
        depth=cid.count("."),
        author=author,
        text=f"comment {cid}",
        inline=inline,
        label=label,
        sentiment=sentiment,
    )


def thread(*comments: Comment, layout: str | None = "numbered") -> Thread:
    return Thread(
        source="t.txt", layout=layout, title="T", article="Article.", comments=list(comments)
    )


CHAIN = thread(
    c("1", "A", sentiment=0.5),
    c("1.1", "B", sentiment=0.0),
    c("1.1.1", "A", sentiment=-0.5),
    c("1.1.1.1", "B", sentiment=-1.0),
)
STAR = thread(c("1", "A"), c("2", "B"), c("3", "C"), c("4", "A"))
EMPTY = thread(layout=None)
ANON = thread(c("1"), c("1.1"), c("2"))
MIXED = thread(
    c("1", "A", "agreement", 0.4),
    c("1.1", "B", "rebuttal", 0.0),
    c("1.1.1", "A", "rebuttal", -0.2),
    c("1.1.1.1", "B", "rebuttal", -0.6),
    c("1.1.2", "C", "agreement", 0.3),
    c("1.2", "C", "off-topic"),
    c("2", "D", "rebuttal", -0.1),
    c("2.1", "Mod", "moderation", inline=True),
    c("3", "B"),
    c("3.1", "B", "rebuttal"),
)


# -- size and shape ------------------------------------------------------------------------


def test_size_counts_inline_notes():
    assert size(CHAIN) == 4  # four comments
    assert size(STAR) == 4
    assert size(EMPTY) == 0
    assert size(MIXED) == 10  # ten rows, the inline note 2.1 included


def test_top_level_count():
    assert top_level_count(CHAIN) == 1  # only "1"
    assert top_level_count(STAR) == 4  # 1..4
    assert top_level_count(EMPTY) == 0
    assert top_level_count(MIXED) == 3  # 1, 2, 3


def test_max_and_mean_depth():
    assert max_depth(CHAIN) == 3  # 1.1.1.1 has depth 3
    assert mean_depth(CHAIN) == pytest.approx(1.5)  # (0+1+2+3)/4
    assert max_depth(STAR) == 0  # all top-level
    assert mean_depth(STAR) == 0.0
    assert max_depth(EMPTY) == 0  # defined as 0
    assert mean_depth(EMPTY) is None  # no comments to average
    assert max_depth(MIXED) == 3
    assert mean_depth(MIXED) == pytest.approx(1.1)  # (0+1+2+3+2+1+0+1+0+1)/10 = 11/10


def test_width():
    assert width(CHAIN) == 1  # one comment per level
    assert width(STAR) == 4  # four at depth 0
    assert width(EMPTY) == 0
    assert width(MIXED) == 4  # depth1: 1.1, 1.2, 2.1, 3.1 (depth0 has 3, depth2 has 2)


def test_branching_factor():
    assert branching_factor(CHAIN) == 1.0  # 1, 1.1, 1.1.1 each have one child: 3/3
    assert branching_factor(STAR) is None  # no comment has a reply (article not counted)
    assert branching_factor(EMPTY) is None
    # parents: 1 -> 2 kids, 1.1 -> 2, 1.1.1 -> 1, 2 -> 1, 3 -> 1: 7/5
    assert branching_factor(MIXED) == pytest.approx(1.4)


def test_h_index():
    # levels (depth+1) sorted desc 4,3,2,1: rank 2 has level 3 >= 2, rank 3 has level 2 < 3
    assert h_index(CHAIN) == 2
    # levels 1,1,1,1: one comment at level >= 1, but not two at level >= 2
    assert h_index(STAR) == 1
    assert h_index(EMPTY) == 0
    # levels sorted desc 4,3,3,2,2,2,2,1,1,1: rank 3 -> 3 >= 3, rank 4 -> 2 < 4
    assert h_index(MIXED) == 3


def test_h_index_single_comment_is_one():
    assert h_index(thread(c("1"))) == 1  # top-level = level 1, one comment at level >= 1


def test_wiener_chain_star_empty():
    # CHAIN + article = path of 5 nodes: sum_{d=1..4} d*(5-d) = 4+6+6+4 = 20 over 10 pairs
    assert wiener_sum(CHAIN) == 20
    assert wiener_index(CHAIN) == pytest.approx(2.0)
    # STAR + article: 4 pairs at distance 1, C(4,2)=6 leaf pairs at 2 -> 16 over 10 pairs
    assert wiener_sum(STAR) == 16
    assert wiener_index(STAR) == pytest.approx(1.6)
    assert structural_virality(STAR) == wiener_index(STAR)
    assert wiener_sum(EMPTY) == 0  # lone article: no pair
    assert wiener_index(EMPTY) is None


def test_wiener_mixed():
    # n = 11 nodes; sum over edges of s*(n-s), s = comments in the subtree below the edge:
    # 1:6*5=30, 1.1:4*7=28, 1.1.1:2*9=18, 2:2*9=18, 3:2*9=18, five leaves 1*10=50 -> 162
    assert wiener_sum(MIXED) == 162
    assert wiener_index(MIXED) == pytest.approx(162 / 55)  # C(11,2) = 55 pairs


def test_wiener_orphan_hangs_on_article():
    # parent "9" is missing: "5.1" is treated as a reply to the article, giving a
    # 3-node star (article, 1, 5.1): distances 1, 1, 2 -> sum 4 over 3 pairs
    orphan = Comment(id="5.1", parent_id="9", depth=1, author=None, text="x")
    t = thread(c("1"), orphan)
    assert wiener_sum(t) == 4
    assert wiener_index(t) == pytest.approx(4 / 3)


# -- labels ---------------------------------------------------------------------------------


def test_label_shares_mixed():
    # 9 classified (3 is unlabelled): agreement 1,1.1.2; rebuttal 1.1,1.1.1,1.1.1.1,2,3.1;
    # moderation 2.1; off-topic 1.2
    assert label_shares(MIXED) == pytest.approx(
        {"agreement": 2 / 9, "rebuttal": 5 / 9, "moderation": 1 / 9, "off-topic": 1 / 9}
    )
    assert list(label_shares(MIXED)) == list(LABELS)


def test_label_shares_unclassified_and_empty():
    assert label_shares(CHAIN) == {}  # no labels at all
    assert label_shares(EMPTY) == {}


def test_label_shares_by_depth():
    shares = label_shares_by_depth(MIXED)
    # depth 0: 1 agreement, 2 rebuttal (3 unlabelled) -> 1/2 each
    assert shares[0] == pytest.approx(
        {"agreement": 0.5, "rebuttal": 0.5, "moderation": 0.0, "off-topic": 0.0}
    )
    # depth 1: 1.1 rebuttal, 1.2 off-topic, 2.1 moderation, 3.1 rebuttal
    assert shares[1] == pytest.approx(
        {"agreement": 0.0, "rebuttal": 0.5, "moderation": 0.25, "off-topic": 0.25}
    )
    # depth 2: 1.1.1 rebuttal, 1.1.2 agreement; depth 3: 1.1.1.1 rebuttal
    assert shares[2]["rebuttal"] == 0.5 and shares[2]["agreement"] == 0.5
    assert shares[3]["rebuttal"] == 1.0
    assert list(shares) == [0, 1, 2, 3]
    assert label_shares_by_depth(CHAIN) == {}  # nothing classified
    assert label_shares_by_depth(EMPTY) == {}


def test_transition_matrix_mixed():
    m = transition_matrix(MIXED)
    assert list(m.index) == ["article", *LABELS]
    assert list(m.columns) == list(LABELS)
    expected = pd.DataFrame(0, index=m.index, columns=m.columns)
    expected.loc["article", "agreement"] = 1  # 1
    expected.loc["article", "rebuttal"] = 1  # 2 (3 is unlabelled: skipped)
    expected.loc["agreement", "rebuttal"] = 1  # 1 -> 1.1
    expected.loc["agreement", "off-topic"] = 1  # 1 -> 1.2
    expected.loc["rebuttal", "rebuttal"] = 2  # 1.1 -> 1.1.1, 1.1.1 -> 1.1.1.1
    expected.loc["rebuttal", "agreement"] = 1  # 1.1 -> 1.1.2
    expected.loc["rebuttal", "moderation"] = 1  # 2 -> 2.1 (3 -> 3.1 skipped: parent unlabelled)
    pd.testing.assert_frame_equal(m, expected, check_dtype=False)
    assert int(m.to_numpy().sum()) == 8


def test_transition_matrix_empty_is_all_zero():
    m = transition_matrix(EMPTY)
    assert m.shape == (5, 4)  # article + 4 labels by 4 labels
    assert int(m.to_numpy().sum()) == 0


# -- chains ---------------------------------------------------------------------------------


def test_longest_rebuttal_chain_mixed():
    # 1.1 (parent is agreement) starts a run: 1.1, 1.1.1, 1.1.1.1 -> 3; 2 and 3.1 are runs of 1
    assert longest_rebuttal_chain(MIXED) == ["1.1", "1.1.1", "1.1.1.1"]


def test_longest_rebuttal_chain_breaks_and_ties():
    t = thread(
        c("1", label="rebuttal"),
        c("1.1", label="agreement"),  # breaks the run
        c("1.1.1", label="rebuttal"),
        c("2", label="rebuttal"),
        c("2.1", label="rebuttal"),  # run 2 ending at 2.1
        c("3", label="rebuttal"),
        c("3.1", label="rebuttal"),  # run 2 ending at 3.1: tie, 2.1 comes first
    )
    assert longest_rebuttal_chain(t) == ["2", "2.1"]
    assert longest_rebuttal_chain(CHAIN) == []  # no labels
    assert longest_rebuttal_chain(EMPTY) == []


def test_longest_back_and_forth():
    assert longest_back_and_forth(CHAIN) == ["1", "1.1", "1.1.1", "1.1.1.1"]  # A B A B
    # MIXED: 1 A, 1.1 B, 1.1.1 A, 1.1.1.1 B -> 4 (1.1.2 C only pairs with 1.1 B -> 2)
    assert longest_back_and_forth(MIXED) == ["1", "1.1", "1.1.1", "1.1.1.1"]
    assert longest_back_and_forth(STAR) == []  # no reply pairs
    assert longest_back_and_forth(ANON) == []  # no authors
    assert longest_back_and_forth(EMPTY) == []


def test_longest_back_and_forth_third_author_restarts():
    # A B A C A: runs 1,2,3, then C after A restarts at 2 (grandparent B != C),
    # then A after C extends to 3 (grandparent A) -> tie of 3, first found ends at 1.1.1
    t = thread(c("1", "A"), c("1.1", "B"), c("1.1.1", "A"), c("1.1.1.1", "C"), c("1.1.1.1.1", "A"))
    assert longest_back_and_forth(t) == ["1", "1.1", "1.1.1"]
    # None author in the middle breaks the chain: A None A -> no pair
    assert longest_back_and_forth(thread(c("1", "A"), c("1.1"), c("1.1.1", "A"))) == []
    # self-reply A A is not a back-and-forth
    assert longest_back_and_forth(thread(c("1", "A"), c("1.1", "A"))) == []


# -- participants -----------------------------------------------------------------------------


def test_reentry_rate():
    assert reentry_rate(CHAIN) == 0.5  # A B A B: the 3rd and 4th are repeats, 2/4
    assert reentry_rate(STAR) == 0.25  # A B C A: 1/4
    # MIXED authors A B A B C C D Mod B B: repeats at 3rd,4th,6th,9th,10th -> 5/10
    assert reentry_rate(MIXED) == 0.5
    assert reentry_rate(ANON) is None  # no known author
    assert reentry_rate(EMPTY) is None


def test_reply_graph_mixed():
    # 1.1 B->A reb, 1.1.1 A->B reb, 1.1.1.1 B->A reb, 1.1.2 C->B agr, 1.2 C->A off-topic,
    # 2.1 Mod->D moderation, 3.1 B->B self-reply skipped; top-level comments skipped
    assert reply_graph(MIXED) == {
        ("B", "A"): {"agreement": 0, "rebuttal": 2, "total": 2},
        ("A", "B"): {"agreement": 0, "rebuttal": 1, "total": 1},
        ("C", "B"): {"agreement": 1, "rebuttal": 0, "total": 1},
        ("C", "A"): {"agreement": 0, "rebuttal": 0, "total": 1},
        ("Mod", "D"): {"agreement": 0, "rebuttal": 0, "total": 1},
    }


def test_reply_graph_chain_star_anon():
    # CHAIN unlabelled: 1.1 B->A, 1.1.1 A->B, 1.1.1.1 B->A
    assert reply_graph(CHAIN) == {
        ("B", "A"): {"agreement": 0, "rebuttal": 0, "total": 2},
        ("A", "B"): {"agreement": 0, "rebuttal": 0, "total": 1},
    }
    assert reply_graph(STAR) == {}  # everyone answers the article
    assert reply_graph(ANON) == {}
    assert reply_graph(EMPTY) == {}


def test_reciprocity():
    assert reciprocity(CHAIN) == 1.0  # B->A and A->B: both reciprocated
    assert reciprocity(MIXED) == pytest.approx(0.4)  # 5 edges, B->A and A->B reciprocated
    assert reciprocity(STAR) is None  # no edges
    assert reciprocity(EMPTY) is None


def test_gini_values():
    assert gini([]) is None
    assert gini([0, 0]) is None  # nothing to share
    assert gini([3]) == 0.0  # one participant
    assert gini([2, 2]) == 0.0  # equal
    # [1,1,2]: sum|xi-xj| over ordered pairs = 4, / (2 * 3^2 * mean 4/3 = 24) = 1/6
    assert gini([2, 1, 1]) == pytest.approx(1 / 6)
    # [0,0,0,4]: ordered-pair diffs 6*4=24, / (2*16*1) = 0.75 = 1 - 1/n
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)


def test_participation_gini():
    assert participation_gini(CHAIN) == 0.0  # A 2, B 2
    assert participation_gini(STAR) == pytest.approx(1 / 6)  # A 2, B 1, C 1 (see above)
    # MIXED counts A2 B4 C2 D1 Mod1 -> [1,1,2,2,4]: unordered |diffs| 0+1+1+3+1+1+3+0+2+2=14,
    # ordered 28, / (2 * 25 * mean 2 = 100) = 0.28
    assert participation_gini(MIXED) == pytest.approx(0.28)
    assert participation_gini(ANON) is None
    assert participation_gini(EMPTY) is None


def test_participant_count_and_most_active():
    assert participant_count(MIXED) == 5  # A B C D Mod
    assert participant_count(ANON) == 0
    assert most_active(STAR) == [("A", 2), ("B", 1), ("C", 1)]  # B before C: appears first
    assert most_active(MIXED, n=2) == [("B", 4), ("A", 2)]  # A and C tie at 2: A first
    assert most_active(ANON) == []
    assert most_active(EMPTY) == []
    assert most_active(MIXED, n=0) == []


# -- sentiment and moderation ---------------------------------------------------------------


def test_escalation_slope_chain():
    # one branch, depths 0..3, negativity -.5 0 .5 1 -> slope 0.5
    assert escalation_slope(CHAIN) == pytest.approx(0.5)


def test_escalation_slope_mixed():
    # branch to 1.1.1.1: negativity -.4 0 .2 .6 at 0..3: mean x 1.5, mean y .1,
    #   cov = .75+.05+.05+.75 = 1.6, var = 5 -> .32
    # branch to 1.1.2: negativity -.4 0 -.3 at 0,1,2: mean y -.7/3,
    #   cov = (-1)(-.4+.7/3) + (1)(-.3+.7/3) = .1, var = 2 -> .05
    # branches to 1.2, 2.1, 3.1 have < 3 scored comments -> skipped; mean (.32+.05)/2
    assert escalation_slope(MIXED) == pytest.approx(0.185)


def test_escalation_slope_none_cases():
    assert escalation_slope(STAR) is None  # one-comment branches
    assert escalation_slope(EMPTY) is None
    # three comments but one unscored -> 2 points -> skipped
    t = thread(c("1", sentiment=0.1), c("1.1"), c("1.1.1", sentiment=-0.1))
    assert escalation_slope(t) is None


def test_moderation():
    assert moderation_positions(MIXED) == [("2.1", 7)]  # 8th comment in document order
    assert moderation_count(MIXED) == 1
    assert moderation_positions(EMPTY) == []
    assert moderation_count(CHAIN) == 0


def test_contested_subthreads():
    # subtree 1: 6 comments, rebuttals 1.1 1.1.1 1.1.1.1 = 3, all 6 classified -> .5
    # subtree 2: 2 comments, rebuttal 2 -> 1, 2 classified -> .5
    # subtree 3: 2 comments, rebuttal 3.1 -> 1, 1 classified (3 unlabelled) -> 1.0
    # ranking 1 (3), then the 2/3 tie in document order
    assert contested_subthreads(MIXED) == [
        {"id": "1", "author": "A", "rebuttals": 3, "size": 6, "rebuttal_share": 0.5},
        {"id": "2", "author": "D", "rebuttals": 1, "size": 2, "rebuttal_share": 0.5},
        {"id": "3", "author": "B", "rebuttals": 1, "size": 2, "rebuttal_share": 1.0},
    ]
    assert [s["id"] for s in contested_subthreads(MIXED, n=2)] == ["1", "2"]
    assert contested_subthreads(CHAIN) == []  # no rebuttals
    assert contested_subthreads(EMPTY) == []


# -- sentiment module -------------------------------------------------------------------------


def test_split_sentences():
    assert split_sentences("One. Two!\nThree?  Four") == ["One.", "Two!", "Three?", "Four"]
    assert split_sentences("  \n ") == []


def test_sentiment_of():
    assert sentiment_of("") == 0.0
    assert sentiment_of("   ") == 0.0
    assert sentiment_of("I love this.") == pytest.approx(0.6369)  # VADER compound
    assert sentiment_of("This is terrible!") == pytest.approx(-0.5255)
    # mean over the two sentences: (0.6369 - 0.5255) / 2
    assert sentiment_of("I love this. This is terrible!") == pytest.approx(0.0557)
    assert sentiment_of("I love this.\nThis is terrible!") == pytest.approx(0.0557)


def test_ensure_sentiment_copies_and_keeps_existing():
    t = thread(c("1", sentiment=0.9), c("1.1"))
    t.comments[1].text = "This is terrible!"
    out = ensure_sentiment(t)
    assert out is not t
    assert t.comments[1].sentiment is None  # input untouched
    assert out.comments[0].sentiment == 0.9  # kept
    assert out.comments[1].sentiment == pytest.approx(-0.5255)
    assert ensure_sentiment(CHAIN) is CHAIN  # nothing missing


# -- rows and frames --------------------------------------------------------------------------


def test_thread_metrics_mixed_row():
    row = thread_metrics(MIXED, fill_sentiment=False)
    assert list(row) == COLUMNS
    assert row["site"] == "unknown"  # no site, no source folder
    assert row["replies"] == 7 and row["classified"] == 9 and row["uncertain"] == 0
    assert row["size"] == 10 and row["top_level"] == 3 and row["width"] == 4
    assert row["h_index"] == 3
    assert row["wiener_sum"] == 162
    assert row["wiener_index"] == row["structural_virality"] == pytest.approx(162 / 55)
    assert row["share_rebuttal"] == pytest.approx(5 / 9)  # no probabilities: the labels
    assert row["share_off_topic"] == pytest.approx(1 / 9)
    assert row["labelled"] == 9 and row["not_labelled"] == 1 and row["shares_from"] == "labels"
    assert row["shares_too_small"] is True  # fewer than 10 labelled comments
    assert row["share_rebuttal_low"] <= 5 / 9 <= row["share_rebuttal_high"]
    assert row["longest_rebuttal_chain"] == 3
    assert row["longest_back_and_forth"] == 4
    assert row["participants"] == 5
    assert row["escalation_slope"] == pytest.approx(0.185)
    assert row["moderation_count"] == 1
    assert row["trans_article_rebuttal"] == 1
    assert row["trans_rebuttal_rebuttal"] == 2
    assert row["trans_agreement_off_topic"] == 1
    assert row["trans_off_topic_agreement"] == 0


def test_thread_metrics_empty_row():
    row = thread_metrics(EMPTY)
    assert row["site"] == "unknown"
    assert row["replies"] == 0 and row["classified"] == 0 and row["uncertain"] == 0
    assert row["size"] == 0 and row["max_depth"] == 0 and row["h_index"] == 0
    assert row["mean_depth"] is None and row["wiener_index"] is None
    assert row["share_agreement"] is None  # nothing classified
    assert row["share_agreement_low"] is None and row["share_agreement_high"] is None
    assert row["labelled"] == 0 and row["not_labelled"] == 0 and row["shares_from"] == ""
    assert row["escalation_slope"] is None and row["reentry_rate"] is None
    assert row["trans_article_agreement"] == 0


def test_default_site_prefers_the_page_then_the_folder():
    import dataclasses

    from discourse.analyze import default_site

    t = dataclasses.replace(MIXED, source="corpus/guardian/2024-01.txt")
    assert default_site(t) == "guardian"
    assert default_site(dataclasses.replace(t, site="theguardian.com")) == "theguardian.com"
    assert default_site(dataclasses.replace(t, source="page.txt")) == "unknown"
    assert thread_metrics(t, fill_sentiment=False)["site"] == "guardian"


def test_uncertain_labels_are_counted_below_the_threshold():
    import dataclasses

    from discourse.analyze import UNCERTAIN_BELOW, is_uncertain, uncertain_count

    comments = [dataclasses.replace(c, confidence=conf) for c, conf in
                zip(MIXED.comments, [None, 0.2, UNCERTAIN_BELOW - 1e-9, UNCERTAIN_BELOW, 0.9,
                                     0.1, 0.3, 0.99, 0.6, 0.7], strict=False)]
    t = MIXED.with_comments(comments)
    assert [is_uncertain(c) for c in comments][:6] == [False, True, True, False, False, True]
    assert uncertain_count(t) == 4  # 0.2, just below, 0.1, 0.3
    assert thread_metrics(t, fill_sentiment=False)["uncertain"] == 4


def test_thread_metrics_fills_sentiment_on_copy():
    t = thread(c("1"), c("1.1"), c("1.1.1"))
    t.comments[0].text = "I love this."  # +.6369
    t.comments[1].text = "The sky."  # 0
    t.comments[2].text = "This is terrible!"  # -.5255
    # negativity -.6369, 0, .5255 at 0,1,2 -> slope (.5255 + .6369) / 2 = .5812
    assert thread_metrics(t)["escalation_slope"] == pytest.approx(0.5812)
    assert thread_metrics(t, fill_sentiment=False)["escalation_slope"] is None
    assert all(x.sentiment is None for x in t.comments)


def test_metrics_frame_streams_generator():
    consumed = []

    def gen():
        for t in (CHAIN, STAR, EMPTY):
            consumed.append(t.title)
            yield t

    frame = metrics_frame(gen(), fill_sentiment=False)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 3 and len(consumed) == 3
    assert list(frame["size"]) == [4, 4, 0]
    assert list(frame["top_level"]) == [1, 4, 0]
    assert metrics_frame([]).shape == (0, len(COLUMNS))


def test_metric_definitions_cover_every_column():
    assert set(METRIC_DEFINITIONS) == set(COLUMNS)
    for name, (definition, source) in METRIC_DEFINITIONS.items():
        assert definition.endswith("."), name
        assert isinstance(source, str)
    assert "Gómez" in METRIC_DEFINITIONS["h_index"][1]
    assert "Backstrom" in METRIC_DEFINITIONS["reentry_rate"][1]
    assert "Zhang" in METRIC_DEFINITIONS["participation_gini"][1]
    assert "Saveski" in METRIC_DEFINITIONS["escalation_slope"][1]
    assert "Goel" in METRIC_DEFINITIONS["structural_virality"][1]


# -- properties -------------------------------------------------------------------------------


@st.composite
def trees(draw) -> Thread:
    """Random reply trees in document (depth-first) order with random authors and labels."""
    n = draw(st.integers(0, 25))
    parents = [draw(st.integers(-1, i - 1)) for i in range(n)]  # -1 = the article
    kids: dict[int, list[int]] = {}
    for i, p in enumerate(parents):
        kids.setdefault(p, []).append(i)
    comments: list[Comment] = []

    def add(node: int, cid: str) -> None:
        author = draw(st.sampled_from([None, "A", "B", "C", "D"]))
        label = draw(st.sampled_from([None, *LABELS]))
        sentiment = draw(st.one_of(st.none(), st.floats(-1, 1)))
        comments.append(
            Comment(
                id=cid,
                parent_id=cid.rsplit(".", 1)[0] if "." in cid else None,
                depth=cid.count("."),
                author=author,
                text="x",
                label=label,
                sentiment=sentiment,
            )
        )
        for k, child in enumerate(kids.get(node, []), start=1):
            add(child, f"{cid}.{k}")

    for k, top in enumerate(kids.get(-1, []), start=1):
        add(top, str(k))
    return thread(*comments)


def _brute_wiener(t: Thread) -> int:
    """Sum of BFS distances over all unordered node pairs (article = node None)."""
    adj: dict[str | None, list[str | None]] = {None: []}
    for x in t.comments:
        adj.setdefault(x.id, []).append(x.parent_id)
        adj.setdefault(x.parent_id, []).append(x.id)
    total = 0
    for a, b in itertools.combinations(adj, 2):
        dist, queue = {a: 0}, deque([a])
        while queue:
            u = queue.popleft()
            for v in adj[u]:
                if v not in dist:
                    dist[v] = dist[u] + 1
                    queue.append(v)
        total += dist[b]
    return total


@settings(max_examples=60, deadline=None)
@given(trees())
def test_properties_on_random_trees(t: Thread):
    g = participation_gini(t)
    assert g is None or 0.0 <= g < 1.0
    shares = label_shares(t)
    assert not shares or sum(shares.values()) == pytest.approx(1.0)
    for by_depth in label_shares_by_depth(t).values():
        assert sum(by_depth.values()) == pytest.approx(1.0)
    assert 0 <= h_index(t) <= size(t)
    assert h_index(t) <= max_depth(t) + 1
    assert wiener_sum(t) == _brute_wiener(t)
    r = reciprocity(t)
    assert r is None or 0.0 <= r <= 1.0
    assert int(transition_matrix(t).to_numpy().sum()) <= size(t)
    assert len(longest_rebuttal_chain(t)) <= max_depth(t) + 1
    chain = longest_back_and_forth(t)
    if chain:  # exactly two distinct, known authors
        assert len({x.author for x in t.comments if x.id in chain}) == 2


@given(st.integers(1, 40))
def test_wiener_of_star(k: int):
    # k top-level comments + article: k edges each contribute 1 * k -> k^2,
    # mean over k(k+1)/2 pairs = 2k / (k + 1)
    t = thread(*(c(str(i)) for i in range(1, k + 1)))
    assert wiener_sum(t) == k * k
    assert wiener_index(t) == pytest.approx(2 * k / (k + 1))


@given(st.lists(st.integers(0, 50), max_size=30))
def test_gini_bounds(values: list[int]):
    g = gini(values)
    if not values or sum(values) == 0:
        assert g is None
    else:
        assert 0.0 <= g <= 1.0 - 1.0 / len(values) + 1e-12
