"""The generic structured reader and the JSON platforms that are a field table over it
(issue 21, items 1 and 6): fixtures of our own making with hand-checked expected trees,
detection, round trips of random trees through every form, the tree never invented, the
fields it chose in ``--explain``, and never a silent zero.

Fixtures in tests/fixtures/exports/ (see its README); the labelled real threads in
tests/fixtures/realthreads/ are checked against the keys and parents they were labelled on
when present.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from discourse.cli import main
from discourse.errors import InputError
from discourse.read import READERS, find_reader, read_file, reader_names, readers, why_empty
from discourse.read.detect import detect
from discourse.read.generic import sniff as generic_sniff
from discourse.read.generic.values import delta_text, stamp
from discourse.read.source import Document
from tests.support import export_render as render
from tests.support import generic_render as gen
from tests.support.paths import EXPORTS, PROJECT, THREADS
from tests.support.trees import PROPERTY, read_any_json, summary, tree_of

FIXTURES = EXPORTS
REAL = THREADS

# -- fixtures with hand-checked expected trees -------------------------------------------

GOLDEN = {
    "hnpwa_item.json": "hnpwa-json",
    "bilibili_reply.json": "bilibili-json",
    "guardian_discussion.json": "guardian-json",
    "twinoid_forum.json": "twinoid-json",
    "daum_comments.comments.json": "daum-json",
    "disqus_api.json": "disqus-api-json",
    "lemmy_post.json": "lemmy-json",
    "mastodon_context.json": "mastodon-json",
    "bluesky_thread.json": "bluesky-json",
    "hive_discussion.json": "hive-json",
    "commento_export.json": "commento-json",
    "isso_thread.json": "isso-json",
    "generic_nested.json": "generic-json",
    "generic_path.json": "generic-json",
    "generic_depth.json": "generic-json",
    "generic_flat.ndjson": "generic-json",
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_fixture_reads_to_its_expected_tree(name):
    expected = orjson.loads((FIXTURES / f"{name}.expected").read_bytes())
    assert [summary(t) for t in read_file(FIXTURES / name)] == expected


@pytest.mark.parametrize("name,fmt", sorted(GOLDEN.items()))
def test_detection_routes_each_fixture_to_its_reader(name, fmt):
    assert detect(Document.at(FIXTURES / name)).reader == fmt


@pytest.mark.parametrize("name", ["hnpwa_item.json", "bilibili_reply.json",
                                  "guardian_discussion.json", "lemmy_post.json",
                                  "isso_thread.json"])
def test_a_field_table_only_names_what_the_generic_reading_finds(name):
    """Where the generic reader gets a platform right, its named reader is only a field
    table (site, permalinks, counts): the same comments under the same parents."""
    (named,) = read_file(FIXTURES / name)
    (plain,) = read_file(FIXTURES / name, fmt="generic-json")
    assert [(c.platform_id, c.parent_id, c.text) for c in plain.comments] == \
        [(c.platform_id, c.parent_id, c.text) for c in named.comments]


def test_every_json_reader_comes_before_the_generic_one():
    names = reader_names()
    generic = names.index("generic-json")
    json_readers = [r.NAME for r in readers() if r.SYNTAX == "json"]
    assert json_readers[-1] == "generic-json"
    assert all(names.index(n) < generic for n in json_readers if n != "generic-json")
    assert READERS.index("discourse.read.generic") < READERS.index("discourse.read.html")


# -- round trips of random trees ------------------------------------------------------------

ONE_TREE = {
    "hnpwa": (gen.hnpwa, False), "bilibili": (gen.bilibili, False),
    "guardian": (gen.guardian, False), "daum": (gen.daum, True), "lemmy": (gen.lemmy, False),
    "mastodon": (gen.mastodon, False), "bluesky": (gen.bluesky, False),
    "hive": (gen.hive, False), "isso": (gen.isso, False),
    "generic_nested": (gen.generic_nested, False), "generic_path": (gen.generic_path, False),
    "generic_depth": (gen.generic_depth, False),
}
FORMATS = {"hnpwa": "hnpwa-json", "bilibili": "bilibili-json", "guardian": "guardian-json",
           "daum": "daum-json", "lemmy": "lemmy-json", "mastodon": "mastodon-json",
           "bluesky": "bluesky-json", "hive": "hive-json", "isso": "isso-json",
           "generic_nested": "generic-json", "generic_path": "generic-json",
           "generic_depth": "generic-json"}


@PROPERTY
@given(render.tree(), st.sampled_from(sorted(ONE_TREE)))
def test_one_thread_forms_round_trip(tmp_path_factory, t, form):
    write, is_flat = ONE_TREE[form]
    t = gen.flat(t) if is_flat else t
    path = tmp_path_factory.mktemp("g") / f"{form}.json"
    path.write_bytes(write(t))
    if form == "daum" and not t.nodes:  # "[]": an empty list of threads
        assert read_file(path) == []
        return
    (thread,) = read_file(path)
    # an empty page may lack the fields that name its platform: read generically then
    assert thread.format == FORMATS[form] or not t.nodes and thread.format == "generic-json"
    assert tree_of(thread) == render.expected(t)
    if form in ("hnpwa", "lemmy", "hive", "bluesky", "generic_nested"):
        assert thread.article == t.article
    if form in ("hnpwa", "guardian", "lemmy", "hive", "generic_nested", "generic_path"):
        assert thread.title == t.title
    if not t.nodes:
        assert thread.warnings and thread.warnings[-1].startswith("no comments")


@PROPERTY
@given(render.tree())
def test_generic_parent_ids_in_ndjson_round_trip(tmp_path_factory, t):
    path = tmp_path_factory.mktemp("n") / "comments.ndjson"
    if not t.nodes:
        return
    path.write_bytes(gen.generic_parent_ndjson(t))
    (thread,) = read_file(path)
    assert thread.format == "generic-json"
    assert tree_of(thread) == render.expected(t)
    assert [c.platform_id for c in thread.comments] == [
        str(int(c.platform_id)) for c in thread.comments]


@PROPERTY
@given(render.trees(1, 3))
def test_twinoid_archive_round_trip(tmp_path_factory, ts):
    ts = [gen.flat(t) for t in ts]
    path = tmp_path_factory.mktemp("t") / "forum.json"
    path.write_bytes(gen.twinoid(ts))
    threads = read_file(path)
    assert len(threads) == len(ts)
    for thread, t in zip(threads, ts, strict=True):
        assert (thread.title, thread.article) == (t.title, t.article)
        assert [(c.id, c.parent_id, c.text) for c in thread.comments] == [
            (cid, parent, text) for cid, parent, _, text in render.expected(t)]
        assert [c.platform_id for c in thread.comments] == [
            str(i + 1) for i in range(len(t.nodes))]


@PROPERTY
@given(render.trees(1, 3), st.integers(0, 2**16))
def test_disqus_api_round_trip(tmp_path_factory, ts, seed):
    path = tmp_path_factory.mktemp("d") / "posts.json"
    path.write_bytes(gen.disqus_api(ts, seed))
    threads = read_file(path)
    by_id = {t.thread_id: t for t in threads}
    for t in ts:
        if t.nodes:
            assert tree_of(by_id[t.key]) == render.expected(t)
    assert len(threads) == sum(1 for t in ts if t.nodes) or not any(t.nodes for t in ts)


@PROPERTY
@given(render.trees(1, 3))
def test_commento_export_round_trip(tmp_path_factory, ts):
    path = tmp_path_factory.mktemp("c") / "commento.json"
    path.write_bytes(gen.commento(ts))
    threads = read_file(path)
    by_id = {t.thread_id: t for t in threads}
    for t in ts:
        if t.nodes:
            assert tree_of(by_id[f"/{t.key}/"]) == render.expected(t)
            assert by_id[f"/{t.key}/"].url == f"https://blog.example.org/{t.key}/"


# -- the tree is never invented; the choices are explained ---------------------------------

def test_records_without_links_make_a_flat_thread_and_say_so(tmp_path):
    path = tmp_path / "flat.json"
    path.write_bytes(orjson.dumps({"comments": [
        {"id": i, "text": f"comment number {i}", "user": f"u{i}"} for i in range(4)]}))
    (thread,) = read_file(path)
    assert [c.parent_id for c in thread.comments] == [None] * 4
    assert any(w.startswith("no reply links in the data") for w in thread.warnings)


def test_a_depth_out_of_display_order_is_not_used(tmp_path):
    path = tmp_path / "depth.json"
    path.write_bytes(orjson.dumps([
        {"id": 1, "depth": 0, "body": "first words here", "author": "a"},
        {"id": 2, "depth": 2, "body": "jumps two levels", "author": "b"},
        {"id": 3, "depth": 1, "body": "then back up", "author": "c"}]))
    doc = Document.at(path)
    doc.explaining = True
    from discourse.read import read_document

    (thread,) = list(read_document(doc))
    assert [c.parent_id for c in thread.comments] == [None, None, None]
    assert any("not in display order" in line for line in doc.explain)


def test_parent_ids_naming_no_record_are_orphans_not_guesses(tmp_path):
    path = tmp_path / "orphans.json"
    path.write_bytes(orjson.dumps({"replies": [
        {"id": "a", "parent_id": None, "body": "top level text", "author": "x"},
        {"id": "b", "parent_id": "a", "body": "a reply to a", "author": "y"},
        {"id": "c", "parent_id": "zz", "body": "answers a missing one", "author": "z"},
        {"id": "d", "parent_id": "yy", "body": "answers another missing", "author": "w"}]}))
    (thread,) = read_file(path)
    assert [(c.platform_id, c.parent_id) for c in thread.comments] == [
        ("a", None), ("b", "1"), ("c", None), ("d", None)]
    assert any("not in the source" in w for w in thread.warnings)


def test_explain_names_the_fields_and_the_runners_up(tmp_path, capsys):
    assert main(["parse", "--explain", str(FIXTURES / "generic_nested.json")]) == 0
    out = capsys.readouterr().out
    assert "reader: generic-json" in out
    assert "generic: records $.posts[]" in out
    assert "generic: text message" in out and "rich-text JSON" in out
    assert "generic: id uuid (unique in 3 records)" in out
    assert "generic: author author.nick" in out
    assert "generic: time created (epoch ms" in out
    assert "nested replies in 'children'" in out


# -- never a silent zero --------------------------------------------------------------------

def test_json_without_comment_records_is_one_line_naming_the_best_candidate(tmp_path):
    path = tmp_path / "labels.json"
    path.write_bytes(orjson.dumps({"lang": "en", "data": [{"msg": "hello there"},
                                                           {"msg": "second label"}]}))
    with pytest.raises(InputError) as info:
        read_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: no comment records found: top-level keys lang, data; "
                              f"best rejected candidate $.data[] (2 records, quality ")
    assert message.endswith("text field msg but no id, author, time or reply link")


def test_an_empty_comment_list_is_a_thread_that_says_so(tmp_path, capsys):
    path = tmp_path / "empty.json"
    path.write_bytes(b'{"title": "Quiet post", "comments": []}')
    (thread,) = read_file(path)
    assert (thread.title, thread.comments) == ("Quiet post", [])
    assert thread.warnings == ["no comments: the 'comments' list is empty"]
    assert main(["parse", "--tree", str(path)]) == 0
    assert "no comments: the 'comments' list is empty" in capsys.readouterr().err


@pytest.mark.parametrize("name,body", [
    ("page.html", b"<html><head><title>A page</title></head><body><article><p>An article "
                  b"and nothing else, lorem ipsum dolor sit amet.</p></article></body></html>"),
    ("story.json", b'{"id": 5, "type": "story", "by": "x", "title": "T", "kids": []}'),
    ("note.txt", b"Just a note.\nNo comments here.\n")])
def test_every_reader_says_why_a_thread_has_no_comments(tmp_path, capsys, name, body):
    path = tmp_path / name
    path.write_bytes(body)
    (thread,) = read_file(path)
    assert thread.comments == [] and len(thread.warnings) >= 1
    reader = find_reader(thread.format)
    assert thread.warnings[-1] == why_empty(reader) or thread.warnings
    assert main(["parse", "--tree", str(path)]) == 0
    err = capsys.readouterr().err
    assert err.count("warning:") >= 1 and "no comments" in err


def test_a_document_without_threads_says_why(tmp_path, capsys):
    path = tmp_path / "RS_2020-01.ndjson"
    path.write_bytes(b'{"id": "abc", "name": "t3_abc", "title": "T", "selftext": "x", '
                     b'"subreddit": "s", "created_utc": 1600000000, "num_comments": 0}\n')
    assert read_file(path) == []
    assert main(["parse", "--tree", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {path}: no threads: the reddit-ndjson reader found no comment thread" in err


# -- values --------------------------------------------------------------------------------

@pytest.mark.parametrize("value,naive_utc,iso", [
    (1600000000, False, "2020-09-13T12:26:40Z"),
    (1600000000123, False, "2020-09-13T12:26:40.123Z"),
    ("1600000000", False, "2020-09-13T12:26:40Z"),
    ("2018-05-16T16:28:08+0900", False, "2018-05-16T07:28:08Z"),
    ("2020-02-01T09:00:00", True, "2020-02-01T09:00:00Z"),
    ("2020-02-01T09:00:00", False, "2020-02-01T09:00:00"),
    ("2012-11-07", False, "2012-11-07"),
    ("Tue, 14 Jan 2014 17:31:03 +0100", False, "2014-01-14T16:31:03Z"),
    ("19 September 2011 1:01pm", False, None),
    (True, False, None), (42, False, None)])
def test_timestamps_in_their_forms(value, naive_utc, iso):
    assert stamp(value, naive_utc) == iso


def test_rich_text_documents_become_text_with_quotes_marked():
    quill = {"ops": [{"insert": "quoted words"}, {"insert": "\n", "attributes": {"blockquote": True}},
                     {"insert": "my answer\n"}, {"insert": {"image": "x.png"}}]}
    assert delta_text(quill) == "> quoted words\nmy answer"
    prose = {"type": "doc", "content": [
        {"type": "blockquote", "content": [{"type": "paragraph", "content": [
            {"type": "text", "text": "they said"}]}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "a"},
                                          {"type": "hardBreak"}, {"type": "text", "text": "b"}]}]}
    assert delta_text(prose) == "> they said\n\na\nb"
    draft = {"blocks": [{"text": "cited", "type": "blockquote"}, {"text": "reply", "type": "unstyled"}],
             "entityMap": {}}
    assert delta_text(draft) == "> cited\n\nreply"


def test_the_sniffer_wants_a_text_like_key_or_a_comment_list():
    assert generic_sniff(b'{"items": [{"body": "x"}]}')
    assert generic_sniff(b'{"comments": []}')
    assert generic_sniff(b'{"weather": "sunny", "temperature": 21}') is None


# -- arbitrary JSON: threads or one line, never a traceback ---------------------------------

_KEYS = st.sampled_from([
    "id", "uuid", "key", "text", "body", "content", "message", "comment", "html", "markdown",
    "parent", "parent_id", "in_reply_to_id", "reply_to", "parentHex", "pid", "path", "depth",
    "level", "replies", "children", "comments", "author", "user", "username", "name",
    "created_at", "time", "date", "score", "likes", "url", "title", "deleted", "status",
    "parent_author", "parent_permlink", "permlink", "ops", "insert", "type", "doc", "blocks",
    "rpid", "member", "uname", "discussion", "responses", "responseTo", "commentId",
    "authorID", "deducedDate", "threads", "postId", "forumId", "childCount", "response",
    "raw_message", "isSpam", "forum", "thread", "comment", "creator", "ap_id", "creator_id",
    "post_view", "ancestors", "descendants", "account", "acct", "uri", "record", "post",
    "commentHex", "commenterHex", "commenters", "total_replies", "hidden_replies", "mode",
    "hash", "created", "time_ago", "comments_count", "oid", "result", "jsonrpc"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3),
                     st.integers(10**9, 2 * 10**9), st.floats(allow_nan=False),
                     st.sampled_from(["", "0", "root", "x", "0.1", "0.1.2", "<p>hi</p>",
                                      "2020-01-01T00:00:00Z", "[deleted]", "at://x/y/z",
                                      "https://example.org/a", "doc", "1e400"]))
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=6)), max_leaves=30)
_MINE = [
    "generic-json", "hnpwa-json", "bilibili-json", "guardian-json", "twinoid-json",
    "daum-json", "disqus-api-json", "lemmy-json", "mastodon-json", "bluesky-json",
    "hive-json", "commento-json", "isso-json"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_JSON, st.sampled_from([*_MINE, None]), st.booleans())
@example({"comments": [{"id": 1, "text": "a", "replies": [{"id": 1, "text": "b"}]}]}, None, False)
@example([{"id": 1, "parent": 1, "body": "loop"}, {"id": 2, "parent": 3, "body": "x"},
          {"id": 3, "parent": 2, "body": "y"}], "generic-json", False)
@example({"thread": {"post": {"uri": "at://a"}, "parent": {"parent": {}},
                     "replies": [{"uri": "at://b"}, 3]}}, "bluesky-json", False)
@example({"result": {"a/b": {"author": "a", "permlink": "b", "parent_author": "a",
                             "parent_permlink": "b", "body": "self"}}}, "hive-json", False)
def test_any_json_gives_threads_or_one_line_error(tmp_path_factory, value, fmt, lines):
    for t in read_any_json(tmp_path_factory.mktemp("j"), value, fmt, lines):
        if not t.comments:
            assert t.warnings  # never a silent zero


# -- the labelled real threads read into the trees they were labelled on -----------------------

REAL_FILES = {
    "hn_biden_wins_white_house.json": "hn_biden_wins_white_house",
    "hn_speed_killer_feature.json": "hn_speed_killer_feature",
    "hn_y_combinator_item_1.json": "hn_y_combinator_item_1",
    "bilibili_up456664753_video113625742184800.json.zst":
        "bilibili_up456664753_video113625742184800",
    "guardian_environment_ragwort_benyon.json": "guardian_environment_ragwort_benyon",
    "news_koent_beep_unlabeled5.json": "news_koent_beep_unlabeled5_lee_sanga_divorces",
}
PACKETS = Path("/work/labelling/packets")


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_threads_match_their_packets(name):
    from discourse.lab.labelset import read_packet
    from discourse.lab.packets import best_thread, compare

    path, packet_path = REAL / name, PACKETS / f"{REAL_FILES[name]}.md"
    if not path.is_file() or not packet_path.is_file():
        pytest.skip("the labelled real threads or their packets are not here")
    packet = read_packet(packet_path)
    thread = best_thread(read_file(path), packet)
    assert thread is not None
    result = compare(thread, packet)
    assert result.ok, result.line()


def test_twinoid_archive_threads_carry_the_forum_thread_ids():
    path = REAL / "forum_twinoid_fr_mush_ambassade.json.zst"
    if not path.is_file():
        pytest.skip("the labelled real threads are not here")
    threads = read_file(path)
    assert [(t.thread_id, len(t.comments)) for t in threads] == [
        ("18166940", 140), ("30474566", 23), ("22612463", 129), ("17886424", 83)]
    assert all(t.author and t.author.startswith("user ") for t in threads)
    quoting = [c for t in threads for c in t.comments if re.match(r"\S+ wrote:\n\n> ", c.text)]
    assert quoting and all(c.target_id for c in quoting[:10])


def test_older_korean_files_hold_their_labelled_keys_as_flat_threads():
    """The Daum comment pages and the BEEP! title groups (labelled before the packets were
    kept): every labelled key is a comment answering the article."""
    import pandas as pd

    import discourse.lab

    labels_path = Path(discourse.lab.__file__).parent / "labels" / "real_threads.csv"
    files = {"news_daum_ko_ahn_cheolsoo": "news_daum_ko_ahn_cheolsoo.comments.json",
             "news_daum_ko_pardon": "news_daum_ko_pardon.comments.json",
             "news_ko_ent_": "news_ko_entertainment.json"}
    if not labels_path.is_file() or not all((REAL / f).is_file() for f in files.values()):
        pytest.skip("the labelled real threads are not here")
    labels = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    for prefix, name in files.items():
        threads = read_file(REAL / name)
        keys = {c.platform_id: c for t in threads for c in t.comments}
        block = labels[labels["thread"].str.startswith(prefix)]
        assert len(block) >= 10
        for row in block.itertuples():
            assert row.key in keys, (name, row.key)
            assert row.parent_key in ("", "ARTICLE") and keys[row.key].parent_id is None
    (pardon,) = read_file(REAL / "news_daum_ko_pardon.comments.json")
    assert pardon.title.startswith("박지원") and len(pardon.article) > 500  # the page beside


def test_the_readme_lists_these_forms():
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    for name in _MINE:
        assert f"| `{name}` |" in text, name


@pytest.mark.parametrize("records,tree", [
    # Facebook Graph API: replies wrapped as {"comments": {"data": [...], "paging": ...}}
    ({"data": [{"id": "1_1", "message": "nice harbour photo", "from": {"name": "Ana"},
                "created_time": "2019-06-01T10:00:00+0000",
                "comments": {"data": [{"id": "1_2", "message": "sunrise?", "from": {"name": "Ben"},
                                       "created_time": "2019-06-01T10:05:00+0000"}],
                             "paging": {"cursors": {}}}},
               {"id": "1_3", "message": "where is it", "from": {"name": "Cy"},
                "created_time": "2019-06-01T11:00:00+0000"}]},
     [("1", None, "Ana"), ("1.1", "1", "Ben"), ("2", None, "Cy")]),
    # Reddit-style kind prefixes: parent_id "t1_c1" names comment "c1", "t3_…" the post
    ([{"id": "c1", "parent_id": "t3_p9", "author": "a", "body": "top one", "created_utc": 1600000000},
      {"id": "c2", "parent_id": "t1_c1", "author": "b", "body": "reply", "created_utc": 1600000100},
      {"id": "c3", "parent_id": "t3_p9", "author": "c", "body": "top two", "created_utc": 1600000200}],
     [("1", None, "a"), ("1.1", "1", "b"), ("2", None, "c")]),
    # Slack: a thread's first message names itself in thread_ts
    ([{"client_msg_id": "m1", "user_profile": {"name": "ada"}, "text": "standup at ten",
       "ts": "1600000000.000100", "thread_ts": "1600000000.000100"},
      {"client_msg_id": "m2", "user_profile": {"name": "bo"}, "text": "thanks",
       "ts": "1600000060.000200", "thread_ts": "1600000000.000100"},
      {"client_msg_id": "m3", "user_profile": {"name": "cy"}, "text": "lunch?",
       "ts": "1600000120.000300"}],
     [("1", None, "ada"), ("1.1", "1", "bo"), ("2", None, "cy")]),
])
def test_links_in_other_common_shapes(tmp_path, records, tree):
    path = tmp_path / "records.json"
    path.write_bytes(orjson.dumps(records))
    (thread,) = read_file(path, fmt="generic-json")
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == tree
    assert all(c.timestamp for c in thread.comments)
