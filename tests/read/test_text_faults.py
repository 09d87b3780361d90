"""The text parser's fault kinds (issue 12): each kind's minimal input from the issue and
variations of it, with the right tree asserted (ids, parents, authors, first words)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from discourse import parse_text
from discourse.cli import main
from discourse.model import Comment, Thread
from tests.conftest import find_shared
from tests.support.converters import CONVERTERS, available, convert, thread_html
from tests.support.invariants import assert_nothing_lost
from tests.support.paths import NO_SHARED
from tests.support.strategies import threads

# the shared folder through conftest (DISCOURSE_SHARED=none: absent, these are skipped)
SHARED = (find_shared() or NO_SHARED) / "realpages"
DUMPS = SHARED / "dumps"


def tree(text: str) -> list[tuple[str, str | None, str | None, str]]:
    """(id, parent, author, first words) of every comment; also checks nothing is lost."""
    assert_nothing_lost(text)
    return [(c.id, c.parent_id, c.author, " ".join(c.text.split()[:3]))
            for c in parse_text(text).comments]


# -- 1. tight lists and lists above the thread never crash -----------------------------
def test_kind1_lynx_tight_list_from_the_issue():
    text = ("Title\n\n2 Comments\n\n1. alice says:\n   Hi there.\n2. bob says:\n   Yo.\n")
    assert tree(text) == [("1", None, "alice", "Hi there."), ("2", None, "bob", "Yo.")]


def test_kind1_tight_nested_items_with_ascii_markers():
    text = ("Title\n\nArticle prose.\n\n"
            "   * alice\n     Hi there, first words.\n"
            "        + bob\n          I reply to alice.\n"
            "           o carol\n             And I to bob.\n"
            "   * dave\n     A new thread.\n")
    assert tree(text) == [("1", None, "alice", "Hi there, first"),
                          ("1.1", "1", "bob", "I reply to"),
                          ("1.1.1", "1.1", "carol", "And I to"),
                          ("2", None, "dave", "A new thread.")]


def test_kind1_tag_list_above_the_thread_from_the_issue():
    text = "Title\n\nArticle.\n\n• tag1\n• tag2\n\n• alice\n\n  1. first step\n"
    t = parse_text(text)
    assert tree(text) == [("1", None, "alice", "1. first step")]
    assert t.noise == ["• tag1", "• tag2"]


def test_kind1_tag_list_in_another_column_and_lines_before_the_first_comment():
    text = ("Title\n\nArticle.\n\n  * PHP\n  * Magento\n\n"
            "      * alice\n\n          Hello there.\n\n"
            "          + bob\n\n              Hi alice.\n\n"
            "    * Pingback: Some Site | Another Page()\n\n"
            "      * carol\n\n          Late reply.\n")
    assert tree(text) == [("1", None, "alice", "Hello there."),
                          ("1.1", "1", "bob", "Hi alice."),
                          ("2", None, None, "Pingback: Some Site"),
                          ("3", None, "carol", "Late reply.")]


# -- 2. markers of the usual converters ---------------------------------------------------
def test_kind2_w3m_level_glyphs_in_one_column_from_the_issue():
    text = ("Title\n\nArticle.\n\n• alice says: First.\n□ bob says: Second.\n"
            "☆ carol says: Third.\n")
    assert tree(text) == [("1", None, "alice", "First."), ("1.1", "1", "bob", "Second."),
                          ("1.1.1", "1.1", "carol", "Third.")]


def test_kind2_w3m_levels_indented_down_to_six():
    glyphs = "•□☆○■★"
    parts = ["Title", "", "Article."]
    for level, glyph in enumerate(glyphs):
        pad = " " * (2 + 4 * level)
        parts += ["", f"{pad}{glyph} user{level}", f"{pad}   ", f"{pad}  Words of level {level}."]
    got = tree("\n".join(parts) + "\n")
    assert [c[2] for c in got] == [f"user{i}" for i in range(6)]
    assert [c[0] for c in got] == ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.1.1", "1.1.1.1.1.1"]
    assert got[5][3] == "Words of level"


def test_kind2_html2text_bodies_at_column_zero():
    text = ("# Title\n\nArticle prose here.\n\n"
            "  * alice\n\nFirst comment text.\n\nSecond paragraph.\n\n"
            "    * bob\n\nA reply to alice.\n\n"
            "  * carol\n\nAnother thread.\n\n\n\n(C) 2020 Site\n")
    t = parse_text(text)
    assert t.title == "Title"
    assert tree(text) == [("1", None, "alice", "First comment text."),
                          ("1.1", "1", "bob", "A reply to"),
                          ("2", None, "carol", "Another thread.")]
    assert "Second paragraph." in t.comments[0].text
    assert "(C) 2020 Site" not in t.comments[-1].text


@pytest.mark.parametrize("glyphs", ["*+o-", "-+*o", "*+o#"])
def test_kind2_inscriptis_and_markdown_ascii_levels(glyphs: str):
    text = (f"Title\n\nArticle prose.\n\n  {glyphs[0]} alice\n\n      Top comment.\n\n"
            f"      {glyphs[1]} bob\n\n          Reply one.\n\n"
            f"          {glyphs[2]} carol\n\n              Reply two.\n\n"
            f"  {glyphs[0]} dave\n\n      Second top comment.\n")
    assert tree(text) == [("1", None, "alice", "Top comment."), ("1.1", "1", "bob", "Reply one."),
                          ("1.1.1", "1.1", "carol", "Reply two."),
                          ("2", None, "dave", "Second top comment.")]


def test_kind2_numbers_of_any_length():
    items = [f"  {i}. user{i} says:\n\n    Comment number {i} here.\n" for i in range(998, 1003)]
    text = "Title\n\nArticle.\n\n1,200 Comments\n\n" + "\n".join(items)
    got = tree(text)
    assert [c[2] for c in got] == [f"user{i}" for i in range(998, 1003)]
    assert parse_text(text).noise == ["1,200 Comments"]


def test_kind2_a_year_opening_a_paragraph_is_no_comment():
    text = ("Title\n\nArticle.\n\nComments\n\n  1. ann says:\n\n    I think so.\n\n"
            "    1942. That was the year it turned.\n\n  2. bob says:\n\n    No.\n")
    assert tree(text) == [("1", None, "ann", "I think so."), ("2", None, "bob", "No.")]
    assert "1942. That was the year" in parse_text(text).comments[0].text


# -- 3. lists inside a comment stay in the comment ---------------------------------------
def test_kind3_blank_separated_steps_from_the_issue():
    text = ("Title\n\nArticle.\n\n• alice says:\n\n  What I did:\n\n  1. step one\n\n"
            "  2. step two\n\n  □ bob says:\n\n    Did you try again?\n")
    assert tree(text) == [("1", None, "alice", "What I did:"),
                          ("1.1", "1", "bob", "Did you try")]
    assert parse_text(text).comments[0].text == "What I did:\n\n1. step one\n\n2. step two"


def test_kind3_numbered_steps_in_w3m_layout_with_bare_names():
    text = ("Title\n\nArticle.\n\n  • g\n   \n    Here is what I did:\n\n"
            "    1. created three files in the root directory.\n\n"
            "    2. changed the carrier\n\n    selected the file and hit upload.\n\n"
            "      □ tegan\n       \n        Have you tried the zip file?\n\n"
            "  • nick\n   \n    Love the solution.\n")
    assert tree(text) == [("1", None, "g", "Here is what"), ("1.1", "1", "tegan", "Have you tried"),
                          ("2", None, "nick", "Love the solution.")]


def test_kind3_typed_enumerations_do_not_split_a_comment():
    text = ("Title\n\nArticle.\n\nComments\n\n1. ann says:\n\n   Two reasons:\n\n"
            "   1) cost is too high and\n\n   2) time is short.\n\n"
            "   • bob says:\n\n      I disagree.\n\n"
            "2. carol says:\n\n   Two things: 1) yes\n   2) no.\n\n3. dave says:\n\n   Ok.\n")
    assert tree(text) == [("1", None, "ann", "Two reasons: 1)"), ("1.1", "1", "bob", "I disagree."),
                          ("2", None, "carol", "Two things: 1)"), ("3", None, "dave", "Ok.")]
    t = parse_text(text)
    assert t.comments[0].text == "Two reasons:\n\n1) cost is too high and\n\n2) time is short."
    assert t.comments[2].text == "Two things: 1) yes\n2) no."


def test_kind3_enumerations_in_bare_name_comments():
    text = ("Title\n\nArticle.\n\n• ann\n\n  Steps:\n\n  1) first\n\n  2) second\n\n"
            "  □ bob\n\n    Thanks.\n\n• carol\n\n  Fine.\n")
    assert tree(text) == [("1", None, "ann", "Steps: 1) first"), ("1.1", "1", "bob", "Thanks."),
                          ("2", None, "carol", "Fine.")]


# -- 4. author lines as sites write them ----------------------------------------------------
def test_kind4_bare_name_above_the_body_from_the_issue():
    assert tree("Title\n\nArticle.\n\nComments\n\n• alice\n\n  Hello there.\n") == [
        ("1", None, "alice", "Hello there.")]


@pytest.mark.parametrize("line,name", [
    ("1. Alice B. says:", "Alice B."),
    ("1. Avatar Анна К. says:", "Анна К."),
    ("1. @alice", "@alice"),
    ("1. alice wrote:", "alice"),
    ("1. Bob Smith commented:", "Bob Smith"),
    ("1. alice on March 3, 2020 at 4:12 pm", "alice"),
    ("1. Hans schreibt:", "Hans"),
    ("1. Иван пишет:", "Иван"),
    ("1. Marie a écrit :", "Marie"),
    ("1. Juan dice:", "Juan"),
    ("1. Gianni scrive:", "Gianni"),
    ("1. Piet zegt:", "Piet"),
    ("1. Ola skriver:", "Ola"),
    ("1. Jan napisał:", "Jan"),
])
def test_kind4_author_line_forms(line: str, name: str):
    text = (f"Title\n\nArticle.\n\nComments\n\n{line}\n\n   The body of the comment.\n\n"
            "2. zed says:\n\n   Second.\n")
    assert tree(text) == [("1", None, name, "The body of"), ("2", None, "zed", "Second.")]


def test_kind4_dates_and_reply_links_are_furniture():
    text = ("Title\n\nArticle.\n\nComments\n\n  • alice\n\n    March 3, 2020 at 4:12 pm\n\n"
            "    Hello there.\n\n    Reply · Report · Like\n\n"
            "  • bob\n    3 hours ago\n    Good point.\n    Reply\n")
    assert tree(text) == [("1", None, "alice", "Hello there."), ("2", None, "bob", "Good point.")]
    t = parse_text(text)
    assert t.noise == ["Comments", "March 3, 2020 at 4:12 pm", "Reply · Report · Like",
                       "3 hours ago", "Reply"]
    assert [c.text for c in t.comments] == ["Hello there.", "Good point."]


def test_kind4_a_lone_short_reply_is_not_a_name():
    # "Exactly" alone is a comment's whole text, not its author.
    text = ("Title\n\nArticle.\n\nComments\n\n  1. Avatar ann says:\n\n    First point.\n\n"
            "    1. Exactly\n\n  2. Avatar bob says:\n\n    Second.\n")
    assert tree(text) == [("1", None, "ann", "First point."), ("1.1", "1", None, "Exactly"),
                          ("2", None, "bob", "Second.")]


# -- 5. comment headings in other languages, the form after the thread ----------------------
@pytest.mark.parametrize("heading", [
    "Kommentare", "комментарии", "Commentaires :", "Comentarios", "Commenti", "Reacties",
    "Kommentarer", "Komentarze", "Yorumlar", "评论", "コメント", "13\nKommentare:",
    "3 Kommentare", "Comments (3):",
])
def test_kind5_headings_in_other_languages(heading: str):
    text = (f"Titel\n\nEin kurzer Artikel.\n\n{heading}\n\n  • Anna\n\n    Gut gesagt.\n\n"
            "  • Bernd\n\n    Sehe ich anders.\n")
    t = parse_text(text)
    assert tree(text) == [("1", None, "Anna", "Gut gesagt."), ("2", None, "Bernd", "Sehe ich anders.")]
    assert t.noise == heading.split("\n")
    assert t.article == "Ein kurzer Artikel."


def test_kind5_consent_and_subscribe_lines_after_the_thread_do_not_veto():
    consent = ("Save my name, email, and website in this browser for the next time I comment. "
               "Your email address will not be published. Required fields are marked and "
               "we will never share your address with anyone else for any reason at all.")
    text = ("Title\n\nArticle.\n\n2 Comments\n\n  1. ann says:\n\n    First.\n\n"
            "  2. bob says:\n\n    Second.\n\nLeave a Reply\n\n" + consent + "\n\n"
            "Subscribe to comments\n\n" + " ".join(["Some further page prose here."] * 15) + "\n")
    assert tree(text) == [("1", None, "ann", "First."), ("2", None, "bob", "Second.")]


# -- 6. the title is the headline -----------------------------------------------------------
def test_kind6_site_name_and_navigation_from_the_issue():
    t = parse_text("Site Name\nHome | About\n\nThe real headline\n\nArticle text.\n")
    assert t.title == "The real headline"
    assert t.noise == ["Site Name", "Home | About"]
    assert t.article == "Article text."
    assert_nothing_lost("Site Name\nHome | About\n\nThe real headline\n\nArticle text.\n")


@pytest.mark.parametrize("chrome", [
    "Skip to content", "Jump to navigation", "Skip navigation\nMy Blog",
    "My Blog\nHome About Blog Contact", "News · Sport · Weather · Culture",
])
def test_kind6_navigation_lines_are_noise(chrome: str):
    text = f"{chrome}\n\nHeadline of the day\n\nThe article says this.\n"
    t = parse_text(text)
    assert t.title == "Headline of the day"
    assert t.noise == chrome.split("\n")
    assert_nothing_lost(text)


def test_kind6_a_plain_first_line_stays_the_title():
    t = parse_text("Just a title\nwith a subtitle\n\nArticle.\n")
    assert t.title == "Just a title" and t.noise == []


# -- 7. no depth limit ---------------------------------------------------------------------
def _pad(columns: int) -> str:
    return "\t" * (columns // 4) + " " * (columns % 4)  # a tab is 4 columns


def _deep(levels: int) -> str:
    out = ["Deep", "", "Article.", "", "Comments", ""]
    for d in range(levels):
        out += [_pad(d) + "• u says", "", _pad(d + 1) + f"w{d}", ""]
    return "\n".join(out)


def test_kind7_ten_thousand_levels_parse_and_serialise(capsys, tmp_path):
    levels = 10_000
    t = parse_text(_deep(levels))
    assert len(t.comments) == levels
    last = t.comments[-1]
    assert last.depth == levels - 1 and last.text == f"w{levels - 1}"
    assert last.parent_id == t.comments[-2].id and last.id == ".".join(["1"] * levels)
    assert Thread.from_dict(json.loads(json.dumps(t.to_dict()))).comments[-1].id == last.id
    path = tmp_path / "deep.txt"
    path.write_text(_deep(levels), "utf-8")
    assert main(["parse", str(path), "--tree"]) == 0
    assert f" d{levels - 1} u: w{levels - 1}" in capsys.readouterr().out


# -- 8. a silent zero is a warning ----------------------------------------------------------
def test_kind8_count_heading_without_a_section_warns(capsys, tmp_path):
    text = "Title\n\nArticle prose.\n\n19 comments\n\nJust a paragraph here, no list.\n"
    t = parse_text(text)
    assert t.comments == []
    assert t.warnings == ['line 5: heading "19 comments" counts 19 comments but no comment '
                          'section was found']
    path = tmp_path / "page.txt"
    path.write_text(text, "utf-8")
    assert main(["parse", str(path)]) == 0
    assert "19 comments" in capsys.readouterr().err


@pytest.mark.parametrize("heading", ["Comments (4)", "4 Kommentare", "12\nКомментарии"])
def test_kind8_other_count_headings(heading: str):
    t = parse_text(f"Title\n\nArticle.\n\n{heading}\n\nNo list here at all.\n")
    assert len(t.warnings) == 1 and "no comment section was found" in t.warnings[0]


def test_kind8_no_warning_without_a_count_or_with_comments():
    assert parse_text("Title\n\nArticle.\n\nComments\n\nNothing.\n").warnings == []
    text = "Title\n\nArticle.\n\n1 comment\n\n  1. ann says:\n\n    Hi.\n"
    assert parse_text(text).warnings == []


# -- converter dumps of real pages (../shared/realpages) --------------------------------------
def _dumps() -> list[Path]:
    return sorted(DUMPS.glob("*.txt")) if DUMPS.is_dir() else []


def _norm(s: str | None) -> str:
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", s or "").lower() if ch.isalnum())


def _check_truth(comments: list[Comment], truth: list[dict]) -> None:
    """Comments match the truth tree in order: first words, parent, depth, author (the
    truth's empty pingback entry is matched by position)."""
    assert len(comments) == len(truth)
    for c, want in zip(comments, truth, strict=True):
        if want["first_words"]:
            assert _norm(c.text).startswith(_norm(want["first_words"])[:30]), (c.id, want)
            assert _norm(c.author) == _norm(want["author"]), (c.id, want)
        parent = want["parent"]
        assert c.parent_id == (None if parent is None else comments[parent].id), (c.id, want)
        assert c.depth == want["depth"]


@pytest.mark.skipif(not DUMPS.is_dir(), reason="../shared/realpages not present: converter dumps")
@pytest.mark.parametrize("path", _dumps(), ids=lambda p: p.name)
def test_real_converter_dumps(path: Path):
    text = path.read_text("utf-8")
    assert_nothing_lost(text)
    t = parse_text(text)
    truth = json.loads((SHARED / "truth" / f"{path.name.split('.')[0]}.json").read_text("utf-8"))
    converter = path.name.split(".")[1]
    if converter in ("w3m", "inscriptis", "html2text") or "html5sql" in path.name:
        _check_truth(t.comments, truth)
    else:  # lynx on the long page: code at the margin hides some nesting
        assert len(t.comments) >= 30
        assert [c.author for c in t.comments[:3]] == ["g", "tegan", "g"]


# -- converter harness: generated threads as HTML, through each installed converter ------
def _expected_tree(thread: Thread) -> list[tuple[str, str | None, str | None, bool]]:
    return [(c.id, c.parent_id, c.author or (None if c.inline else "Anonymous"), c.inline)
            for c in thread.comments]


@pytest.mark.parametrize("name", CONVERTERS)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking takes minutes
@given(gen=threads(max_comments=12, max_depth=6))
def test_converter_output_of_generated_threads(name: str, gen):
    """Every converter here keeps nesting in its markers' indentation (lynx, w3m,
    inscriptis by column; html2text by the marker column, bodies at column 0): the
    recovered tree is the generated one, ids, parents, authors and inline notes."""
    if not available(name):
        pytest.skip(f"{name} is not installed (Debian package; .ci/run installs it)")
    text = convert(thread_html(gen.thread), name)
    assert_nothing_lost(text)
    parsed = parse_text(text)
    got = [(c.id, c.parent_id, c.author, c.inline) for c in parsed.comments]
    assert got == _expected_tree(gen.thread)
    # w3m joins CJK words ("历史 戦争" -> "历史戦争"): the space between them is not kept
    assert _cjk_joined(parsed.title) == _cjk_joined(gen.thread.title)
    if name != "w3m":
        assert parsed.title == gen.thread.title
    for c, want in zip(parsed.comments, gen.thread.comments, strict=True):
        assert _norm(c.text).startswith(_norm(want.text)[:12]), (c.id, c.text[:60])


_CJK_SPACE = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff])\s+(?=[\u3040-\u30ff\u3400-\u9fff])")


def _cjk_joined(text: str) -> str:
    return _CJK_SPACE.sub("", text)


def test_thread_html_nests_replies_in_children_lists():
    t = Thread(source=None, layout=None, title="T", article="Art.", comments=[
        Comment(id="1", parent_id=None, depth=0, author="ann", text="Hi."),
        Comment(id="1.1", parent_id="1", depth=1, author=None, text="Yo."),
        Comment(id="2", parent_id=None, depth=0, author="bob", text="Two.")])
    page = thread_html(t)
    assert page.index('<ul class="children">') < page.index("Anonymous") < page.index("</ul>")
    assert page.count("<li ") == 3 and "3 Comments" in page
