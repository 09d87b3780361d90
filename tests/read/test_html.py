"""The HTML reader (discourse.read.html): one golden fixture per comment system, round trips
of random trees through three systems' markup, the shared real pages, encodings, broken
markup and --explain."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discourse.cli import main
from discourse.read import read_file
from discourse.read.html import parse_html
from discourse.read.html.base import count_in, iso_time
from discourse.read.html.page import strip_site_suffix
from discourse.read.htmltext import text_of
from tests.conftest import find_shared
from tests.support.html_render import (
    depths,
    display_order,
    node_list,
    render_disqus,
    render_hn,
    render_wordpress,
)
from tests.support.paths import HTML, NO_SHARED

FIXTURES = HTML
# the shared folder through conftest (DISCOURSE_SHARED=none: absent, these are skipped)
REAL = (find_shared() or NO_SHARED) / "realpages"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def _summary(path: Path) -> dict:
    """The thread of ``path`` in the shape of its ``.expected.json``."""
    thread = read_file(path)[0]
    return {"layout": thread.layout, "title": thread.title, "site": thread.site,
            "url": thread.url, "published": thread.published, "missing": thread.missing,
            "thread_id": thread.thread_id,
            "article_starts": " ".join(thread.article.split()[:8]),
            "comments": [{"id": c.id, "platform_id": c.platform_id, "parent_id": c.parent_id,
                          "depth": c.depth, "author": c.author,
                          "first_words": " ".join(c.text.split()[:8]),
                          "timestamp": c.timestamp, "score": c.score, "status": c.status,
                          "target_id": c.target_id} for c in thread.comments]}


# -- golden fixtures ----------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_expected_tree(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert _summary(FIXTURES / f"{name}.html") == expected


def test_every_comment_system_has_a_fixture() -> None:
    layouts = {json.loads(p.read_text(encoding="utf-8"))["layout"]
               for p in FIXTURES.glob("*.expected.json")}
    assert layouts >= {"wordpress", "disqus", "blogger", "hackernews", "reddit", "drupal",
                       "discourse", "phpbb", "lobsters", "generic"}


def test_wordpress_body_is_text_only_with_paragraphs_and_line_breaks() -> None:
    thread = read_file(FIXTURES / "wordpress.html")[0]
    first = thread.comments[0]
    assert first.text == ("I take the ferry twice a week to see my mother.\n"
                          "Without it the trip takes most of a morning.\n\n"
                          "Closing it would cut the east bank off.")
    for c in thread.comments:
        for furniture in ("Reply", "says:", "2 April 2023", "Edit", "awaiting moderation"):
            assert furniture not in c.text
    assert [c.status for c in thread.comments] == [None, None, None, "unapproved", "pingback"]
    assert thread.format == "html"
    assert first.permalink == "https://harbournotes.example/2023/04/river-ferry/#comment-101"


def test_comment_section_text_stays_out_of_the_article() -> None:
    for name in ("wordpress", "drupal", "generic_fr", "blogger"):
        thread = read_file(FIXTURES / f"{name}.html")[0]
        assert thread.article, name
        for c in thread.comments:
            assert c.text[:40] not in thread.article, (name, c.id)


def test_count_heading_larger_than_comments_is_a_warning_not_an_error() -> None:
    thread = read_file(FIXTURES / "no_comments.html")[0]
    assert thread.comments == []
    assert thread.article.startswith("Opening hours for the spring season")
    assert thread.missing == 19
    # the page's comment section is an empty Disqus embed: the hint says why (issue 22)
    assert thread.warnings == ["the page counts 19 comments but 0 are present (19 not loaded)",
                               "no comments: this page loads its comments by JavaScript "
                               "(Disqus), so they are not in its HTML; save the page from a "
                               "browser once they show or read the site's Disqus XML export"]


def test_phpbb_quotes_leave_the_body_and_name_the_target() -> None:
    thread = read_file(FIXTURES / "phpbb.html")[0]
    last = thread.comments[-1]
    assert last.quotes == ["Check the float height first"]
    assert last.text == "Float was 2 mm too low. It pulls cleanly now, thank you both."
    assert last.target_id == "1" and last.parent_id is None
    assert "Three mopeds" not in thread.article  # the signature is furniture


def test_hackernews_keeps_code_indentation_and_deleted_placeholders() -> None:
    thread = read_file(FIXTURES / "hackernews.html")[0]
    by_pid = {c.platform_id: c for c in thread.comments}
    assert by_pid["40100103"].status == "deleted" and by_pid["40100103"].text == ""
    assert by_pid["40100104"].parent_id == by_pid["40100103"].id
    assert "  06:12  HW  4.1m\n  12:30  LW  0.9m" in by_pid["40100105"].text


def test_generic_rejects_a_recent_comments_sidebar() -> None:
    explain: list[str] = []
    thread = parse_html((FIXTURES / "generic_fr.html").read_bytes(), explain=explain)
    assert [c.author for c in thread.comments] == ["Amélie R.", "Marc D.", "Yvonne"]
    sidebar = [line for line in explain if "commentaire-recent" in line]
    assert sidebar and "outside_content -3.0" in sidebar[0] and "not comments" in sidebar[0]


# -- explain -----------------------------------------------------------------------------
def test_explain_names_the_system_and_its_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(FIXTURES / "wordpress.html"), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "reader: html (markup with HTML elements)" in out
    assert ("html: comment system wordpress: ol.comment-list with 5 comment items; "
            "2 nested in .children; 1 pingback(s)") in out
    assert "html: decoded as utf-8 (declared by <meta charset>)" in out


def test_explain_prints_generic_evidence_weights(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(FIXTURES / "generic_table.html"), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "html: comment system generic: tr.reply x4" in out
    assert "nesting by indentation" in out
    assert "authors +2.0" in out and "dates +1.5" in out


# -- encodings and broken markup -------------------------------------------------------------
def test_windows_1252_from_http_equiv() -> None:
    thread = read_file(FIXTURES / "generic_table.html")[0]
    assert thread.encoding == "cp1252"
    assert thread.comments[-1].text.endswith("Preis: 5 € für den Bus.")
    assert thread.title == "Gästebuch - Fotofreunde Mühlbach"


def test_utf16_with_bom(tmp_path: Path) -> None:
    page = (FIXTURES / "disqus.html").read_text(encoding="utf-8")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("utf-16"))
    thread = read_file(path)[0]
    assert thread.encoding == "utf-16"
    assert [c.author for c in thread.comments] == ["Lena Orb", "QuietLab", "Lena Orb",
                                                   "Guest Reader"]


def test_declared_latin1_is_read_as_windows_1252() -> None:
    data = ('<html><head><meta charset="iso-8859-1"><title>t</title></head><body>'
            '<ol class="commentlist"><li class="comment" id="comment-1"><cite class="fn">Zoë'
            '</cite><p>It costs 5 € – really.</p></li></ol></body></html>').encode("cp1252")
    thread = parse_html(data)
    assert thread.encoding == "cp1252"
    assert thread.comments[0].author == "Zoë"
    assert thread.comments[0].text == "It costs 5 € – really."


@pytest.mark.parametrize("data", [
    b"<html><body><ol class='comment-list'><li class='comment' id='comment-3'><p>unclosed",
    b"<div class='comment'><div class='comment'><div class='comment'>",
    b"<table class='comment-tree'><tr class='athing comtr'><td class='ind' indent='x'>",
    b"<html><!-- only a comment --></html>",
    b"<" + b"div>" * 3000 + b"deep",
    b"<html><body><ul id='post-list'><li class='post'></li></ul></body></html>",
    b"<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
])
def test_broken_markup_never_crashes(data: bytes) -> None:
    thread = parse_html(data, source="broken.html")
    assert thread.format == "html"
    assert all(c.id for c in thread.comments)


def test_unclosed_comment_items_still_nest() -> None:
    data = (b"<ol class='commentlist'><li class='comment' id='comment-1'><cite class='fn'>a"
            b"</cite><p>one<ul class='children'><li class='comment' id='comment-2'>"
            b"<cite class='fn'>b</cite><p>two</ol>")
    thread = parse_html(data)
    assert [(c.id, c.parent_id, c.author, c.text) for c in thread.comments] == [
        ("1", None, "a", "one"), ("1.1", "1", "b", "two")]


# -- small units ------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("2020-01-02T10:11:12+01:00", "2020-01-02T09:11:12Z"),
    ("2024-02-19 09:14:00 -0600", "2024-02-19T15:14:00Z"),
    ("1610294400000", "2021-01-10T16:00:00Z"),
    ("1713690000", "2024-04-21T09:00:00Z"),
    ("Thu Jan 2 10:11:12 2020 UTC", "2020-01-02T10:11:12Z"),
    ("January 2, 2020 at 10:11 am", "2020-01-02T10:11:00"),
    ("03.10.2004 20:15", "2004-10-03T20:15:00"),
    ("2021-05-06", "2021-05-06"),
    ("3 hours ago", None),
    ("", None),
])
def test_iso_time(value: str, expected: str | None) -> None:
    assert iso_time(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("19 Comments", 19), ("5 thoughts on “Foo”", 5), ("Comments (12)", 12),
    ("1,024 comments", 1024), ("3 Kommentare", 3), ("Commentaires (4)", 4),
    ("Leave a Reply", None), ("Recent Comments", None),
])
def test_count_in(text: str, expected: int | None) -> None:
    assert count_in(text) == expected


@pytest.mark.parametrize("title, site, expected", [
    ("Why the ferry matters – Harbour Notes", None, "Why the ferry matters"),
    ("Ask HN: Tides? | Hacker News", None, "Ask HN: Tides?"),
    ("Foo - a guide to bar", None, "Foo - a guide to bar"),
    ("Foo - Town Library", "Town Library", "Foo"),
    ("Just a title", None, "Just a title"),
])
def test_strip_site_suffix(title: str, site: str | None, expected: str) -> None:
    assert strip_site_suffix(title, site) == expected


def test_text_of_blocks_breaks_and_pre() -> None:
    from lxml import html

    el = html.fragment_fromstring(
        "<div><p>Hi <b>there</b>\n friend.</p><p>Two<br>lines</p>a<br><br>b"
        "<ul><li>x</li><li>y</li></ul><pre>  code\n    more</pre><script>x()</script></div>")
    assert text_of(el) == "Hi there friend.\n\nTwo\nlines\n\na\n\nb\n\nx\ny\n\n  code\n    more"


# -- round trips ------------------------------------------------------------------------------
def _check_round_trip(nodes, html_text: str, layout: str) -> None:
    thread = parse_html(html_text.encode("utf-8"), with_article=False)
    assert thread.layout == layout
    order = display_order(nodes)
    position = {node: n for n, node in enumerate(order)}
    got = [(c.parent_id, c.depth, c.author, c.text) for c in thread.comments]
    ids = [c.id for c in thread.comments]
    level = depths(nodes)
    want = [(None if nodes[i].parent is None else ids[position[nodes[i].parent]],
             level[i], nodes[i].author, nodes[i].text) for i in order]
    assert got == want


_SETTINGS = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(node_list())
def test_wordpress_round_trip(nodes) -> None:
    _check_round_trip(nodes, render_wordpress(nodes), "wordpress")


@_SETTINGS
@given(node_list())
def test_disqus_round_trip(nodes) -> None:
    _check_round_trip(nodes, render_disqus(nodes), "disqus")


@_SETTINGS
@given(node_list())
def test_hackernews_round_trip(nodes) -> None:
    _check_round_trip(nodes, render_hn(nodes), "hackernews")


# -- the shared real pages --------------------------------------------------------------------
def _real_pages() -> list[Path]:
    return sorted((REAL / "pages").glob("*.html")) if (REAL / "pages").is_dir() else []


@pytest.mark.parametrize("page", _real_pages() or [None], ids=lambda p: p.name if p else "absent")
def test_real_pages_parse_to_their_truth_trees(page: Path | None) -> None:
    if page is None:
        pytest.skip(f"../shared/realpages not present: {REAL} (real saved pages with truth trees)")
    truth_path = REAL / "truth" / f"{page.name.split('.')[0]}.json"
    if not truth_path.exists():
        pytest.skip(f"no truth file for {page.name}")
    sys.path.insert(0, str(REAL.parent / "tools"))
    try:
        from check_realpages import score
    finally:
        sys.path.pop(0)
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    thread = read_file(page)[0]
    comments = [c.to_dict() for c in thread.comments]
    matched, parents, depths_ok, authors, with_author = score(truth, comments)
    textful = [t for t in truth if t["first_words"]]
    assert len(comments) == len(truth)
    assert matched == len(textful)
    assert parents == depths_ok == matched
    assert authors == with_author


def test_generic_does_not_take_a_blog_listing_for_comments() -> None:
    posts = "".join(
        f'<article class="post"><h2><a href="/{n}">Post {n} title</a></h2>'
        f'<span class="author">Ann</span> <time datetime="2021-01-0{n}">Jan {n}</time>'
        f"<p>Summary of post {n} with several words in it.</p></article>" for n in range(1, 4))
    explain: list[str] = []
    thread = parse_html(f"<html><body><main>{posts}</main></body></html>".encode(),
                        explain=explain)
    assert thread.comments == [] and thread.layout is None
    assert any("article.post x3" in line and "not comments" in line for line in explain)
    assert any("titled -2.0" in line for line in explain)


def test_nesting_beyond_the_parser_limit_is_reported() -> None:
    n = 1200
    page = ("<html><body><ol class='comment-list'>"
            + "".join(f"<li class='comment' id='comment-{i}'><div class='comment-content'>"
                      f"<p>c{i}</p></div><ol class='children'>" for i in range(n))
            + "</ol></li>" * n + "</ol></body></html>")
    thread = parse_html(page.encode(), with_article=False)
    assert 0 < len(thread.comments) < n
    assert thread.comments[-1].depth == len(thread.comments) - 1
    assert any("deeper than the HTML parser goes" in w and "text kept" in w
               for w in thread.warnings)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "<div class='comment'>", "</div>", "<li class='comment' id='comment-7'>", "</li>",
    "<ol class='commentlist'>", "<ul class='children'>", "<p>", "<br>", "text & more",
    "<span class='author'>x</span>", "<time datetime='2020-99-99'>", "<table>", "<tr>",
    "<td class='ind' indent='2'>", "<tr class='athing comtr' id='5'>", "<blockquote>",
    "<cite>a wrote:</cite>", "<div class='post' id='p1'><div class='postbody'>", "\x00",
    "<meta charset='nonsense'>", "<h2>3 comments</h2>", "<div class='indented'>",
]), max_size=40))
def test_random_markup_never_crashes(parts: list[str]) -> None:
    from discourse.errors import InputError

    try:
        thread = parse_html(("<html><body>" + "".join(parts)).encode(), with_article=False)
    except InputError:
        return  # binary (NUL) input: one line, by design
    assert all(c.depth == c.id.count(".") for c in thread.comments)


def test_drupal_vote_widget_score_and_rdfa_date() -> None:
    # Drupal 7 markup as opensource.com served it (comment.tpl.php + Vote Up/Down widget)
    page = b"""<html><body><div id="comments" class="comment-wrapper"><a id="comment-5"></a>
<div class="comment clearfix" about="/comment/5#comment-5" typeof="sioc:Post sioct:Comment">
<div class="submitted"><span property="dc:date dc:created" content="2018-01-25T09:47:19-05:00">
<a href="/users/j" class="username">Jeff M</a> on 25 Jan 2018</span>
<a href="/comment/5#comment-5" class="permalink">Permalink</a></div>
<div class="content"><div class="field field-name-comment-body"><div class="field-items">
<div class="field-item even"><p>Thanks for the clear steps.</p></div></div></div></div>
<div class="comment__meta"><div class="vud-widget"><div class="up-score clear-block">
<div class="element-invisible">Vote up!</div><span class="up-current-score">4</span></div></div>
</div></div></div></body></html>"""
    thread = parse_html(page, with_article=False)
    assert [(c.author, c.text, c.score, c.timestamp, c.platform_id, c.permalink)
            for c in thread.comments] == [
        ("Jeff M", "Thanks for the clear steps.", 4, "2018-01-25T14:47:19Z", "5",
         "/comment/5#comment-5")]


@pytest.mark.parametrize("page", _real_pages() or [None], ids=lambda p: p.name if p else "absent")
def test_generic_detector_alone_rebuilds_the_real_pages(page: Path | None) -> None:
    """The generic detector, never told about Disqus-for-WordPress markup, finds the same
    tree (the one pingback, which has no comment class, aside)."""
    if page is None:
        pytest.skip(f"../shared/realpages not present: {REAL} (real saved pages with truth trees)")
    import lxml.html

    from discourse.read.assemble import assemble
    from discourse.read.html import generic

    sys.path.insert(0, str(REAL.parent / "tools"))
    try:
        from check_realpages import score
    finally:
        sys.path.pop(0)
    truth = json.loads((REAL / "truth" / f"{page.name.split('.')[0]}.json").read_text("utf-8"))
    root = lxml.html.document_fromstring(page.read_bytes())
    found = generic.find(root)
    assert found is not None and found.evidence[1] == "nesting by DOM containment"
    comments = [c.to_dict() for c in assemble(found.posts)]
    textful = [t for t in truth if t["first_words"]]
    matched, parents, depths_ok, authors, with_author = score(truth, comments)
    assert len(comments) == len(textful)
    assert matched == parents == depths_ok == len(textful)
    assert authors == with_author


def test_disqus_embed_older_byline_without_author_class() -> None:
    page = (b'<ul id="post-list"><li class="post" id="post-9"><div class="post-content">'
            b'<div class="post-body"><header><span class="publisher-anchor-color">'
            b'<a class="profile-show" data-user="3">Ola N.</a></span> '
            b'<a class="time-ago" data-role="relative-time" href="#">a year ago</a></header>'
            b'<div data-role="message" class="post-message publisher-anchor-color"><p>Agreed.'
            b'</p></div><footer><menu><li class="voting"><a class="vote-up"><span data-role='
            b'"likes" class="count">2</span></a></li><li class="reply"><a>Reply</a></li>'
            b'</menu></footer></div></div><ul class="children" data-role="children"></ul>'
            b"</li></ul>")
    thread = parse_html(page, with_article=False)
    assert [(c.author, c.text, c.score, c.platform_id) for c in thread.comments] == [
        ("Ola N.", "Agreed.", 2, "9")]


def test_blogger_classic_flat_comments_block() -> None:
    page = b"""<html><body><div id="comments"><h4>2 comments:</h4><dl id="comments-block">
<dt class="comment-author" id="c555"><a name="c555"></a>
<a href="https://www.blogger.com/profile/1" rel="nofollow">Pip</a> said...</dt>
<dd class="comment-body"><p>Lovely colours in the second photo.</p></dd>
<dd class="comment-footer"><span class="comment-timestamp"><a href=
"https://x.blogspot.com/2009/05/p.html?showComment=1243000000000#c555">22 May 2009 14:46</a>
</span></dd>
<dt class="comment-author" id="c556"><a name="c556"></a>Anonymous said...</dt>
<dd class="comment-body"><p>Where was this taken?</p></dd>
</dl></div></body></html>"""
    thread = parse_html(page, with_article=False)
    assert thread.layout == "blogger" and thread.missing is None
    assert [(c.id, c.author, c.text, c.timestamp, c.platform_id) for c in thread.comments] == [
        ("1", "Pip", "Lovely colours in the second photo.", "2009-05-22T13:46:40Z", "555"),
        ("2", "Anonymous", "Where was this taken?", None, "556")]


def test_gzip_compressed_page_is_read(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "saved.html.gz"
    path.write_bytes(gzip.compress((FIXTURES / "lobsters.html").read_bytes()))
    thread = read_file(path)[0]
    assert thread.layout == "lobsters" and len(thread.comments) == 3
