"""MediaWiki talk pages (discourse.read.mediawiki and the HTML reader's mediawiki
detector): wikitext, talk-page dumps, XML exports, legacy-parser and Parsoid HTML;
signatures in nine languages, right-to-left scripts; random discussions round-tripped
through every form; the labelled real talk pages keep the keys and parents their
labelling packets were made with."""

from __future__ import annotations

import hashlib

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discourse.read import read_file
from discourse.read.detect import detect, syntax_of
from discourse.read.mediawiki.markup import wikitext_to_text
from discourse.read.mediawiki.signatures import parse_timestamp, signed, user_from_title, users_in
from discourse.read.source import Document
from tests.support import talk_render as render
from tests.support.paths import EXPORTS, HTML, THREADS

REAL = THREADS
FIELDS = ("id", "parent_id", "depth", "author", "text", "timestamp", "score", "platform_id",
          "permalink", "status", "target_id", "quotes")
PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def summary(t) -> dict:
    return {"title": t.title, "article": t.article, "site": t.site, "url": t.url,
            "published": t.published, "format": t.format, "thread_id": t.thread_id,
            "missing": t.missing, "warnings": t.warnings,
            "comments": [{k: getattr(c, k) for k in FIELDS} for c in t.comments]}


GOLDEN = ["mediawiki_he.wikitext", "mediawiki_export.xml", "mediawiki_talkpages.wikitext"]


@pytest.mark.parametrize("name", GOLDEN)
def test_fixture_reads_to_its_expected_tree(name):
    expected = orjson.loads((EXPORTS / f"{name}.expected").read_bytes())
    assert [summary(t) for t in read_file(EXPORTS / name)] == expected


@pytest.mark.parametrize("name,fmt", [
    ("mediawiki_he.wikitext", "mediawiki-wikitext"), ("mediawiki_export.xml", "mediawiki-xml"),
    ("mediawiki_talkpages.wikitext", "mediawiki-talkpages")])
def test_detection_routes_each_fixture_to_its_reader(name, fmt):
    assert detect(Document.at(EXPORTS / name)).reader == fmt


def test_hebrew_page_reads_right_to_left_text_and_votes():
    thread = read_file(EXPORTS / "mediawiki_he.wikitext")[0]
    assert [c.author for c in thread.comments][:3] == ["דנה כהן", "יואב", "דנה כהן"]
    # a quotation template is a quote of the parent; vote templates keep their word
    assert thread.comments[3].text.startswith("> השם השני בפתיח")
    assert thread.comments[3].quotes == ["השם השני בפתיח"]
    assert thread.comments[6].text.startswith("בעד ")
    # an unsigned vote at the end of a section is a comment of its own, without author
    last = thread.comments[-1]
    assert (last.author, last.timestamp, last.parent_id) == (None, None, "2")
    assert thread.comments[0].timestamp == "2020-05-05T09:34:00Z"  # IDT is UTC+3


def test_export_skips_articles_and_reads_the_latest_revision():
    threads = read_file(EXPORTS / "mediawiki_export.xml")
    assert [t.title for t in threads] == ["Dyskusja:Młyn w Zalesiu",
                                          "Wikipedia:Poczekalnia/artykuły/2020:01:06:Młyn w Zalesiu"]
    talk = threads[0]
    assert talk.site == "pl.wikipedia.org" and talk.thread_id == "502"
    assert "stara wersja" not in " ".join(c.text for c in talk.comments)
    assert talk.comments[2].text.startswith("@Kasia W Dodam")  # {{re|…}} names its user
    assert talk.comments[3].author == "83.10.1.2"  # a contributions link signs an IP
    assert talk.comments[0].permalink.endswith("#Data_budowy")


def test_export_without_talk_pages_says_why(tmp_path):
    path = tmp_path / "articles.xml"
    path.write_text('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/">'
                    '<page><title>Mill</title><ns>0</ns><id>1</id><revision><text>A mill.'
                    '</text></revision></page></mediawiki>', encoding="utf-8")
    from discourse.errors import InputError

    with pytest.raises(InputError, match="1 page.*no talk page"):
        read_file(path)


def test_unsigned_wikitext_warns_instead_of_a_silent_zero(tmp_path):
    path = tmp_path / "talk.wikitext"
    path.write_text("== Heading ==\nNo one signed here, but see [[User:Ann|Ann]].\n"
                    "== Second ==\nNor here, [[User:Bob]].\n", encoding="utf-8")
    thread = read_file(path)[0]
    assert thread.comments == [] or all(c.text for c in thread.comments)
    if not thread.comments:
        assert thread.warnings and "no signed comments" in thread.warnings[0]


# -- signatures -----------------------------------------------------------------------
@pytest.mark.parametrize("text,iso", [
    ("[[User:Ann|Ann]] ([[User talk:Ann|talk]]) 22:17, 21 May 2010 (UTC)", "2010-05-21T22:17:00Z"),
    ("--[[Benutzer:Colepani|Colepani]] 01:02, 7. Dez. 2004 (CET)", "2004-12-07T00:02:00Z"),
    ("-- Rax 23:57, 24. Feb. 2011 (CET)", "2011-02-24T22:57:00Z"),
    ("[[Utilisateur:Anaïk|Anaïk]] 14 janvier 2022 à 18:02 (CET)", "2022-01-14T17:02:00Z"),
    ("[[Usuario:Ana|Ana]] ([[Usuario discusión:Ana|discusión]]) 19:21 3 mar 2015 (UTC)",
     "2015-03-03T19:21:00Z"),
    ("[[Utente:Gino|Gino]] 12:34, 5 gen 2020 (CET)", "2020-01-05T11:34:00Z"),
    ("[[Wikipedysta:Tomek|Tomek]] 11:20, 5 sty 2020 (CET)", "2020-01-05T10:20:00Z"),
    ("[[Участник:Ирина|Ирина]] 12:34, 5 января 2020 (UTC)", "2020-01-05T12:34:00Z"),
    ("[[משתמש:דנה|דנה]] 12:34, 5 במאי 2020 (IDT)", "2020-05-05T09:34:00Z"),
    ("[[مستخدم:محمد|محمد]] 12:34، 5 مايو 2020 (ت ع م)", "2020-05-05T12:34:00Z"),
    ("[[利用者:Taro|Taro]] 2020年5月5日 (火) 12:34 (UTC)", "2020-05-05T12:34:00Z"),
])
def test_signatures_in_each_language(text, iso):
    assert signed(text)
    assert parse_timestamp(text) == iso


def test_signature_links_and_plain_lines():
    assert users_in("[[User:Ann|Ann]] ([[User talk:Ann|talk]])") == ["Ann", "Ann"]
    assert users_in("[[Special:Contributions/203.0.113.7|203.0.113.7]]") == ["203.0.113.7"]
    assert users_in("[[Benutzerin Diskussion:Lea_Maria|Lea]]") == ["Lea Maria"]
    assert user_from_title("Utilisatrice:Anaïk Le Bihan") == "Anaïk Le Bihan"
    assert user_from_title("Talk:Ferry") is None
    assert signed("I agree with [[User:Ann|Ann]]")  # ends with a user link
    assert not signed("I agree with [[User:Ann|Ann]] on this point")
    assert not signed("see [[User talk:Pedant/2004-11-19|Archive 1]]")  # a talk page is not a signature
    assert not signed("The ferry left at 12:34 on 5 May 2010.")


def test_wikitext_markup_becomes_readable_text():
    text = wikitext_to_text("'''Keep''' per [[WP:N|notability]], see [http://x.org the list] "
                            "{{tq|it is notable}} {{ping|Ann|Bob}} [[File:X.png|thumb|cap]] "
                            "a < b &amp; c<br>next<!-- hidden -->")
    assert text == "Keep per notability, see the list\n\n> it is notable\n\n@Ann @Bob a < b & c\nnext"


def test_wikitext_opening_with_a_template_is_not_json():
    assert syntax_of(b"{{Talk header}}\n== A ==") == "text"
    assert syntax_of(b"[[Category:Talk]]\n") == "text"
    assert syntax_of(b'[[1, 2], {"a": 1}]') == "json"
    assert syntax_of(b"[[true]]") == "json"


def test_wikitext_opening_with_markup_is_read_as_wikitext(tmp_path):
    path = tmp_path / "talk.txt"
    path.write_text("<!-- archived by bot -->\n== Lamp ==\nWhich height? [[User:Ann|Ann]] "
                    "10:00, 1 May 2020 (UTC)\n:The focal one. [[User:Bob|Bob]] 11:00, 1 May 2020 "
                    "(UTC)\n", encoding="utf-8")
    thread = read_file(path)[0]
    assert [(c.platform_id, c.parent_id, c.author) for c in thread.comments] == [
        ("c001", None, "Ann"), ("c002", "1", "Bob")]


# -- HTML flavours ------------------------------------------------------------------------
def test_legacy_and_parsoid_html_read_like_their_wikitext():
    html_dir = HTML
    render_page = read_file(html_dir / "mediawiki_render.html")[0]
    assert render_page.layout == "mediawiki"
    assert [c.platform_id for c in render_page.comments] == [f"c{i:03d}" for i in range(1, 10)]
    assert render_page.comments[1].author == "Tobin Ash"  # a red link to a missing user page
    assert render_page.comments[3].author == "203.0.113.7"
    assert "edit" not in render_page.comments[0].text  # [edit] links left out
    parsoid = read_file(html_dir / "mediawiki_parsoid_fr.html")[0]
    assert parsoid.url == "https://fr.wikipedia.org/wiki/Discussion:Moulin_de_Kerbrat"
    assert parsoid.thread_id == "8800123"
    assert parsoid.comments[4].author == "Nouvel Utilisateur"


# -- round trips --------------------------------------------------------------------------
def _check(nodes, threads, lang):
    assert len(threads) == 1
    comments = threads[0].comments
    order = render.order(nodes)
    assert len(comments) == len(order)
    position = {i: n for n, i in enumerate(order)}
    for c, i in zip(comments, order, strict=True):
        node = nodes[i]
        assert c.platform_id == f"c{position[i] + 1:03d}"
        parent = comments[position[node.parent]].id if node.parent is not None else None
        assert c.parent_id == parent
        assert c.author == node.author
        assert c.timestamp == render.expected_utc(lang, node)
        assert " ".join(c.text.split()).startswith(" ".join(node.lines[0].split()))


@PROPERTY
@given(nodes=render.discussion(), code=st.sampled_from(sorted(render.LANGUAGES)),
       form=st.sampled_from(["wikitext", "legacy", "parsoid", "xml"]))
def test_random_discussion_round_trips(tmp_path_factory, nodes, code, form):
    lang = render.LANGUAGES[code]
    text = {"wikitext": render.wikitext, "legacy": render.legacy_html,
            "parsoid": render.parsoid_html, "xml": render.xml_export}[form](nodes, lang)
    path = tmp_path_factory.mktemp("talk") / f"page.{'xml' if form == 'xml' else 'html'}"
    path.write_text(text, encoding="utf-8")
    _check(nodes, read_file(path), lang)


# -- the labelled real talk pages ---------------------------------------------------------
#: (file, thread id) -> comments; their keys and parents ("key>parent key" lines, sha1 in
#: exports/mediawiki_realthreads.digests) are those of the labelling packets (wiki_*.md).
REAL_TREES = {
    ("wiki_en_talk_dan_schneider_writer.wikitext", "5159579"): 33,
    ("wiki_en_talk_death_magnetic_archive_3.wikitext", "40157112"): 138,
    ("wiki_en_talk_murder_of_suzanne_jovin.wikitext", "2821446"): 47,
    ("wiki_en_user_talk_new_user_person.wikitext", None): 53,
    ("wiki_en_user_talk_pedant_2005_01_14.wikitext", "1206428"): 129,
    ("wiki_de_dewiki_sample_2017.xml", "434190"): 188,
    ("wiki_de_dewiki_sample_2017.xml", "5926612"): 190,
}


def _digest(thread) -> str:
    index = thread.by_id()
    lines = [f"{c.platform_id}>{index[c.parent_id].platform_id if c.parent_id else 'ARTICLE'}"
             for c in thread.comments]
    return hashlib.sha1("\n".join(lines).encode()).hexdigest()


@pytest.mark.parametrize("key", sorted(REAL_TREES, key=str))
def test_real_talk_pages_keep_the_packets_keys_and_parents(key):
    name, thread_id = key
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    threads = read_file(path)
    thread = next(t for t in threads if thread_id is None or t.thread_id == thread_id)
    assert len(thread.comments) == REAL_TREES[key]
    assert [c.platform_id for c in thread.comments] == [
        f"c{i:03d}" for i in range(1, REAL_TREES[key] + 1)]
    digests = orjson.loads((EXPORTS / "mediawiki_realthreads.digests").read_bytes())
    assert _digest(thread) == digests[f"{name}#{thread_id}"]
