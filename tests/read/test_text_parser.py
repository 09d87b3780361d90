"""Parser: golden seed trees, the nothing-lost invariant, round trips, and decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from discourse import parse_file, parse_text
from discourse.model import LAYOUTS
from tests.support.invariants import assert_nothing_lost
from tests.support.paths import GOLDEN
from tests.support.paths import SEEDS as SEED_DIR
from tests.support.render import render
from tests.support.strategies import threads

SEEDS = sorted(SEED_DIR.glob("*.txt"))


def test_there_are_five_seeds():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_matches_golden_tree(path: Path):
    """Golden files were generated once, then checked line by line against the text."""
    golden = json.loads((GOLDEN / path.name.replace(".txt", ".json")).read_text("utf-8"))
    thread = parse_file(path)
    assert thread.title == golden["title"]
    assert thread.layout == golden["layout"]
    got = [{"id": c.id, "parent_id": c.parent_id, "depth": c.depth, "author": c.author,
            "inline": c.inline, "target_id": c.target_id, "line": c.line,
            "text_starts": " ".join(c.text.split())[:48]} for c in thread.comments]
    assert got == golden["comments"]


def _seed(prefix: str):
    return parse_file(next(p for p in SEEDS if p.name.startswith(prefix)))


def test_seed_000_hand_checked_details():
    t = _seed("000")
    by = t.by_id()
    assert len(t.comments) == 34
    assert sum(1 for c in t.comments if c.parent_id is None) == 17
    # "AK responds:" paragraphs become inline replies, the commenter keeps the rest.
    notes = [c for c in t.comments if c.inline]
    assert [(c.id, c.parent_id, c.author) for c in notes] == [
        ("10.1", "10", "AK"), ("12.1", "12", "AK"), ("12.2", "12", "AK")]
    assert by["10.1"].text.startswith("Oleg, please stop spamming")
    assert "AK responds" not in by["12"].text
    assert "In terms of modern strategy" in by["12"].text
    # Author lines (with odd names) are removed from the text.
    assert by["2.1"].author == "Alex (that one:)"
    assert by["2.1"].text.startswith("Sean – well said:")
    assert by["2.1"].text.endswith("Igor, AU")  # signature stays with the comment
    assert by["12"].author == "Борис Андрианович"
    # Depth 4 reply, found from relative indentation.
    assert by["9.1.1.1.2"].parent_id == "9.1.1.1" and by["9.1.1.1.2"].depth == 4
    # A top-level comment quoting comment 13 answers it; comment 11 quotes the article.
    assert by["14"].target_id == "13" and by["14"].parent_id is None
    assert by["14"].quotes and by["14"].quotes[0].startswith("Right now, the Kremlin elite")
    assert by["11"].target_id is None and by["11"].quotes
    # Quoted parent text: "… When did it get renamed?" quotes 9.1.
    assert "When did it get renamed?" in by["9.1.1"].quotes
    # The hand-typed dash list inside comment 6 is text, not replies.
    assert "-1937, purged the generals" in by["6"].text
    assert [c.id for c in t.comments if c.parent_id == "6"] == ["6.1"]


def test_seed_001_avatar_layout():
    t = _seed("001")
    assert t.layout == "numbered"
    assert [c.author for c in t.comments[:4]] == [
        "puttypants", "Dirk Smith", "TheBlogFodder", "Michel Cloarec"]
    assert t.by_id()["1.1.2"].parent_id == "1.1"
    assert t.by_id()["1.2"].parent_id == "1"


def test_seed_004_blogger_layout():
    t = _seed("004")
    assert t.layout == "bullets"
    assert [(c.id, c.parent_id, c.author) for c in t.comments] == [
        ("1", None, None), ("1.1", "1", None), ("1.1.1", "1.1", None)]
    assert t.comments[1].text.split("\n")[1].startswith("Lenin really loved killing")


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_lists_that_look_like_comments_are_not(prefix: str):
    t = _seed(prefix)
    assert t.comments == []
    assert t.layout is None


def test_poll_and_article_bullets_stay_in_place():
    assert "In your opinion, what are the US long-term goals" in _seed("002").article
    assert "• Recognizing each other not just as bona fide partners" in _seed("003").article


# -- nothing lost ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_nothing_lost_on_seeds(path: Path):
    assert_nothing_lost(path.read_text("utf-8"))


# -- property tests: render in every layout, parse back -------------------------------
def _expected(comment, layout):
    author = comment.author if (layout != "bullets" or comment.inline) else None
    return (comment.id, comment.parent_id, comment.depth, author, comment.inline,
            comment.target_id)


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("layout", LAYOUTS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gen=threads())
def test_generated_threads_round_trip(layout: str, gen):
    text = render(gen.thread, layout, heading=gen.heading, footer=gen.footer)
    parsed = parse_text(text)
    assert parsed.title == gen.thread.title
    assert parsed.article == gen.thread.article
    assert [_expected(c, layout) for c in parsed.comments] == \
        [_expected(c, layout) for c in gen.thread.comments]
    for got, want in zip(parsed.comments, gen.thread.comments, strict=True):
        if layout == "bullets" and not want.inline:
            assert _words(got.text) == _words(want.text)  # paragraphs run together
        else:
            assert got.text == want.text
        if want.id in gen.quotes:
            assert gen.quotes[want.id] in got.quotes
    if any(c.parent_id and not c.inline for c in gen.thread.comments):
        assert parsed.layout == layout
    assert parsed.warnings == []
    assert_nothing_lost(text)


@pytest.mark.parametrize("layout", LAYOUTS)
@settings(max_examples=20, deadline=None)
@given(gen=threads())
def test_articles_alone_have_no_comments(layout: str, gen):
    """The same generated article (full of lists) with its comments removed parses to none;
    without a comment section, trailing page furniture stays with the article."""
    bare = gen.thread.with_comments([])
    parsed = parse_text(render(bare, layout, footer=gen.footer))
    assert parsed.comments == []
    footer = "\n\n" + "\n".join(gen.footer) if gen.footer else ""
    assert parsed.article == gen.thread.article + footer


# -- messy input ------------------------------------------------------------------------
def test_crlf_tabs_and_nbsp_do_not_change_the_tree():
    clean = (SEEDS[0]).read_text("utf-8")
    messy = clean.replace("\n", "\r\n").replace("      ", "\t  ").replace("  ", "\u00a0 ")
    a, b = parse_text(clean), parse_text(messy)
    assert [(c.id, c.parent_id, c.author) for c in a.comments] == \
        [(c.id, c.parent_id, c.author) for c in b.comments]


def test_comment_heading_and_footer_are_noise():
    text = ("Title\n\nArticle text with enough words to be prose in this small test.\n\n"
            "2 Comments\n\n  1. Ann says\n\n    I agree with every word.\n\n"
            "    • Bob says\n\n      I do not.\n\nLeave a Reply\nYou must be logged in.\n")
    t = parse_text(text)
    assert [(c.id, c.author, c.text) for c in t.comments] == [
        ("1", "Ann", "I agree with every word."), ("1.1", "Bob", "I do not.")]
    assert t.noise == ["2 Comments", "Leave a Reply", "You must be logged in."]
    assert "Comments" not in t.article


def test_recipe_steps_followed_by_prose_are_article():
    steps = "\n\n".join(f"  {i}. Stir the pot for {i} minutes until the sauce thickens well."
                        for i in range(1, 6))
    prose = " ".join(["The result keeps for three days in the fridge and freezes well."] * 6)
    text = f"Tomato sauce\n\nMethod:\n\n{steps}\n\n{prose}\n"
    assert parse_text(text).comments == []


def test_inconsistent_indentation_warns_but_parses():
    text = ("T\n\nSome article prose that is long enough to count as prose here.\n\n"
            "Comments\n\n  1. First comment with several words in it.\n\n"
            "    • A reply in column four with words.\n\n"
            "     • Another reply, but in column five, with words.\n\n"
            "  2. Second top-level comment with words.\n")
    t = parse_text(text)
    assert [c.id for c in t.comments] == ["1", "1.1", "1.1.1", "2"]
    assert len(t.warnings) == 0 or all("line" in w for w in t.warnings)


def test_numbering_that_breaks_off_is_reported():
    text = ("T\n\nArticle prose with enough words in it to be counted as prose.\n\n"
            "Comments\n\n  1. One comment with a few words.\n\n  2. Two comment with words.\n\n"
            "  5. Five comment, numbering jumped here.\n")
    t = parse_text(text)
    assert [c.id for c in t.comments] == ["1", "2", "3"]
    assert any("line 11: numbering breaks off (expected 3, found 5)" in w for w in t.warnings)


def test_list_inside_a_comment_is_text():
    text = ("T\n\nArticle prose with enough words in it to be counted as prose.\n\n"
            "  1. Ann says\n\n    My reasons:\n\n      • first reason\n      • second reason\n\n"
            "    • Bob says\n\n      Weak reasons.\n")
    t = parse_text(text)
    assert [(c.id, c.author) for c in t.comments] == [("1", "Ann"), ("1.1", "Bob")]
    assert t.comments[0].text == "My reasons:\n\n• first reason\n• second reason"
