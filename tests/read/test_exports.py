"""Platform exports and dumps: Reddit API JSON and NDJSON dumps, Hacker News JSON, Discourse
topic JSON, Disqus XML, WordPress WXR, ConvoKit corpora (read and write).

Fixtures in tests/fixtures/exports/ are of our own making (invented text in each
platform's real structure); each has a hand-checked ``.expected`` tree.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import orjson
import pytest
import zstandard
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read import read_file
from discourse.read.detect import SUPPORTED_JSON, SUPPORTED_XML
from discourse.read.htmltext import html_to_text
from discourse.read.reddit import read_ndjson, submissions_beside
from discourse.read.source import Document
from discourse.read.structured import Grouper
from discourse.read.wordpress import read_wxr
from discourse.write.convokit import write_corpus
from tests.conftest import find_shared
from tests.support import export_render as render
from tests.support.paths import EXPORTS, NO_SHARED
from tests.support.trees import read_any_json

FIXTURES = EXPORTS
# the shared folder through conftest (DISCOURSE_SHARED=none: absent, these are skipped)
REALPAGES = (find_shared() or NO_SHARED) / "realpages"
FIELDS = ("id", "parent_id", "depth", "author", "text", "timestamp", "score", "platform_id",
          "permalink", "status", "target_id", "quotes")
PROPERTY = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def summary(t: Thread) -> dict:
    return {"title": t.title, "article": t.article, "site": t.site, "url": t.url,
            "published": t.published, "format": t.format, "thread_id": t.thread_id,
            "missing": t.missing, "warnings": t.warnings,
            "comments": [{k: getattr(c, k) for k in FIELDS} for c in t.comments]}


def tree_of(t: Thread) -> list[tuple]:
    return [(c.id, c.parent_id, c.author, c.text) for c in t.comments]


# -- fixtures with hand-checked expected trees -----------------------------------------

GOLDEN = ["reddit_api.json", "reddit_dump.ndjson", "hn_firebase.json", "hn_items.ndjson",
          "hn_algolia.json", "discourse_topic.json", "disqus.xml", "wordpress.xml",
          "convokit-corpus"]


@pytest.mark.parametrize("name", GOLDEN)
def test_fixture_reads_to_its_expected_tree(name):
    expected = orjson.loads((FIXTURES / f"{name}.expected").read_bytes())
    assert [summary(t) for t in read_file(FIXTURES / name)] == expected


@pytest.mark.parametrize("name,fmt", [
    ("reddit_api.json", "reddit-json"), ("reddit_dump.ndjson", "reddit-ndjson"),
    ("hn_firebase.json", "hn-json"), ("hn_items.ndjson", "hn-json"),
    ("hn_algolia.json", "hn-json"), ("discourse_topic.json", "discourse-forum-json"),
    ("disqus.xml", "disqus-xml"),
    ("wordpress.xml", "wordpress-wxr"), ("convokit-corpus", "convokit")])
def test_detection_routes_each_fixture_to_its_reader(name, fmt):
    from discourse.read.detect import detect

    assert detect(Document.at(FIXTURES / name)).reader == fmt


@pytest.mark.parametrize("compress", [gzip.compress, zstandard.ZstdCompressor().compress])
def test_compressed_dump_reads_like_the_plain_one(tmp_path, compress):
    plain = (FIXTURES / "reddit_dump.ndjson").read_bytes()
    path = tmp_path / "dump.ndjson.packed"
    path.write_bytes(compress(plain))
    expected = orjson.loads((FIXTURES / "reddit_dump.ndjson.expected").read_bytes())
    assert [summary(t) for t in read_file(path)] == expected


def test_long_window_zstd_dump_as_pushshift_writes_them(tmp_path):
    # Pushshift and Arctic Shift compress with zstd --long=31: a 2 GiB window
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=31, enable_ldm=True)
    path = tmp_path / "RC_2023-07.zst"
    with open(path, "wb") as raw, zstandard.ZstdCompressor(
            compression_params=params).stream_writer(raw) as out:
        out.write((FIXTURES / "reddit_dump.ndjson").read_bytes())
    expected = orjson.loads((FIXTURES / "reddit_dump.ndjson.expected").read_bytes())
    assert [summary(t) for t in read_file(path)] == expected


@pytest.mark.parametrize("comments,submissions", [
    ("RC_2023-07.ndjson", "RS_2023-07.ndjson"),
    ("cycling_comments.ndjson.zst", "cycling_submissions.ndjson"),
    ("cycling_comments.ndjson", "cycling_posts.ndjson.gz")])
def test_submissions_dump_beside_the_comments_gives_titles(tmp_path, comments, submissions):
    lines = (FIXTURES / "reddit_dump.ndjson").read_bytes().splitlines(keepends=True)
    posts = b"".join(line for line in lines if b'"title"' in line)
    rest = b"".join(line for line in lines if b'"title"' not in line)
    (tmp_path / comments).write_bytes(
        zstandard.ZstdCompressor().compress(rest) if comments.endswith(".zst") else rest)
    (tmp_path / submissions).write_bytes(
        gzip.compress(posts) if submissions.endswith(".gz") else posts)
    assert submissions_beside(tmp_path / comments) == tmp_path / submissions
    threads = read_file(tmp_path / comments)
    expected = orjson.loads((FIXTURES / "reddit_dump.ndjson.expected").read_bytes())
    assert [summary(t) for t in threads] == expected
    # a submissions dump read on its own yields no threads (nothing to rebuild)
    assert read_file(tmp_path / submissions) == []


def test_reddit_bare_comment_listing(tmp_path):
    data = orjson.loads((FIXTURES / "reddit_api.json").read_bytes())
    path = tmp_path / "listing.json"
    path.write_bytes(orjson.dumps(data[1]))
    (thread,) = read_file(path)
    full = read_file(FIXTURES / "reddit_api.json")[0]
    assert tree_of(thread) == tree_of(full)
    assert (thread.title, thread.thread_id, thread.site) == ("", "abc123",
                                                             "reddit.com/r/urbanplanning")
    assert thread.url == "https://www.reddit.com/r/urbanplanning/comments/abc123/"
    assert thread.warnings[0] == ("no post in this response (a bare comment listing); title "
                                  "and article unknown")


def test_wxr_unapproved_comments_only_with_the_flag(monkeypatch):
    doc = Document.at(FIXTURES / "wordpress.xml")
    (thread,) = read_wxr(doc, include_unapproved=True)
    assert [(c.id, c.author, c.status) for c in thread.comments] == [
        ("1", "Baker Ben", None), ("1.1", "june", None), ("1.2", "Pending Pete", "unapproved"),
        ("2", "Another Food Blog", "pingback"), ("3", "cheap-pills", "spam")]
    monkeypatch.setenv("DISCOURSE_WXR_UNAPPROVED", "1")
    assert len(read_file(FIXTURES / "wordpress.xml")[0].comments) == 5
    monkeypatch.delenv("DISCOURSE_WXR_UNAPPROVED")
    assert len(read_file(FIXTURES / "wordpress.xml")[0].comments) == 3


# -- NDJSON streaming and the disk spill --------------------------------------------------

def test_grouper_holds_at_most_the_bound_in_memory():
    with Grouper(bound=5) as g:
        for i in range(40):
            g.add(f"k{i % 7}", {"n": i})
            assert g.held <= 5
        g.put_side("k3", {"title": "x"})
        assert g.spilled and g.held <= 5
        groups = g.groups()
        key, first = next(groups)  # one group at a time
        assert key == "k0" and [r["n"] for r in first] == list(range(0, 40, 7))
        rest = dict(groups)
        assert sorted(rest) == [f"k{i}" for i in range(1, 7)]
        assert [r["n"] for r in rest["k6"]] == list(range(6, 40, 7))
        assert g.get_side("k3") == {"title": "x"}
        folder = g._folder.name
        assert os.path.isdir(folder)
    assert not os.path.exists(folder)  # the spill is deleted


def test_dump_through_the_spill_reads_like_in_memory(tmp_path):
    rng_trees = [render.Tree(f"a{k}", f"title {k}", f"article {k}",
                             [render.Node(None if i % 3 == 0 else i - 1, f"user{i % 4}",
                                          [f"text {k}.{i}"]) for i in range(12)])
                 for k in range(1, 9)]
    path = tmp_path / "dump.ndjson"
    path.write_bytes(render.reddit_ndjson(rng_trees, seed=7))
    in_memory = list(read_ndjson(Document.at(path)))
    spilled = list(read_ndjson(Document.at(path), spill_bound=3))
    assert [summary(t) for t in spilled] == [summary(t) for t in in_memory]
    by_key = {t.thread_id: t for t in spilled}
    assert sorted(by_key) == [t.key for t in rng_trees]
    for t in rng_trees:
        assert tree_of(by_key[t.key]) == render.expected(t)


def test_ndjson_threads_are_yielded_lazily(tmp_path):
    ts = [render.Tree(f"a{k}", "t", "a", [render.Node(None, "u", ["x"])]) for k in range(1, 4)]
    path = tmp_path / "dump.ndjson"
    path.write_bytes(render.reddit_ndjson(ts, seed=1))
    threads = read_ndjson(Document.at(path), spill_bound=1)
    assert next(threads).thread_id == "a1"  # a generator: one thread at a time
    assert [t.thread_id for t in threads] == ["a2", "a3"]


# -- round trips of random trees -----------------------------------------------------------

@PROPERTY
@given(render.tree())
def test_reddit_api_round_trip(tmp_path_factory, t):
    path = tmp_path_factory.mktemp("r") / "comments.json"
    path.write_bytes(render.reddit_api(t))
    (thread,) = read_file(path)
    assert tree_of(thread) == render.expected(t)
    assert (thread.title, thread.article, thread.thread_id) == (t.title, t.article, t.key)


@PROPERTY
@given(render.trees(1, 4), st.integers(0, 2**16), st.sampled_from(["plain", "gz", "zst"]),
       st.booleans())
def test_reddit_ndjson_round_trip(tmp_path_factory, ts, seed, packing, spill):
    data = render.reddit_ndjson(ts, seed)
    if packing == "gz":
        data = gzip.compress(data)
    elif packing == "zst":
        data = zstandard.ZstdCompressor().compress(data)
    path = tmp_path_factory.mktemp("n") / "dump.ndjson"
    path.write_bytes(data)
    threads = list(read_ndjson(Document.at(path), spill_bound=2 if spill else 10**6))
    with_comments = [t for t in ts if t.nodes]
    assert sorted(t.thread_id for t in threads) == sorted(t.key for t in with_comments)
    by_key = {t.key: t for t in ts}
    for thread in threads:
        t = by_key[thread.thread_id]
        assert tree_of(thread) == render.expected(t)
        assert (thread.title, thread.article) == (t.title, t.article)


@PROPERTY
@given(render.tree(), st.sampled_from(["nested", "algolia"]))
def test_hn_tree_round_trip(tmp_path_factory, t, shape):
    data = render.hn_firebase_nested(t) if shape == "nested" else render.hn_algolia(t)
    path = tmp_path_factory.mktemp("h") / "item.json"
    path.write_bytes(data)
    (thread,) = read_file(path)
    assert tree_of(thread) == render.expected(t)
    assert (thread.title, thread.article) == (t.title, t.article)


@PROPERTY
@given(render.trees(1, 3), st.integers(0, 2**16), st.booleans())
def test_hn_flat_items_round_trip(tmp_path_factory, ts, seed, ndjson):
    path = tmp_path_factory.mktemp("h") / ("items.ndjson" if ndjson else "items.json")
    path.write_bytes(render.hn_firebase_flat(ts, seed, ndjson=ndjson))
    threads = read_file(path, fmt="hn-json")
    by_title = {t.thread_id: t for t in threads}
    assert len(threads) == len(ts)
    for t in ts:
        thread = by_title[str(render._hn_id(t, None))]
        assert tree_of(thread) == render.expected(t)
        assert (thread.title, thread.article) == (t.title, t.article)


@PROPERTY
@given(render.tree())
def test_discourse_topic_round_trip(tmp_path_factory, t):
    path = tmp_path_factory.mktemp("t") / "topic.json"
    path.write_bytes(render.discourse_topic(t))
    (thread,) = read_file(path)
    assert tree_of(thread) == render.expected(t)
    assert (thread.title, thread.article, thread.format) == (t.title, t.article,
                                                             "discourse-forum-json")
    assert [c.platform_id for c in thread.comments] == [
        str(int(thread.thread_id) * 1000 + 2 + i) for i in _insertion_order(t)]


def _insertion_order(t: render.Tree) -> list[int]:
    """Node indices of ``t`` in display order (as :func:`render.expected` walks them)."""
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(t.nodes):
        kids.setdefault(node.parent, []).append(i)
    out, stack = [], list(reversed(kids.get(None, [])))
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(reversed(kids.get(i, [])))
    return out


def test_discourse_topic_quote_header_and_image_caption_are_not_text():
    (thread,) = read_file(FIXTURES / "discourse_topic.json")
    by_pid = {c.platform_id: c for c in thread.comments}
    quoting = by_pid["30103"]
    assert quoting.text.startswith("> Beds warm up two weeks earlier in spring.\n\nOnly if")
    assert "fernhill:" not in quoting.text
    assert quoting.quotes == ["Beds warm up two weeks earlier in spring."]
    assert by_pid["30106"].text == ("Whatever you choose, put a water butt on the shed "
                                    "first. Here is mine:")


@PROPERTY
@given(render.trees(1, 3))
def test_disqus_round_trip(tmp_path_factory, ts):
    path = tmp_path_factory.mktemp("d") / "export.xml"
    path.write_bytes(render.disqus_xml(ts))
    threads = read_file(path)
    with_posts = [t for t in ts if t.nodes]
    assert [t.thread_id for t in threads] == [t.key for t in with_posts]
    for thread, t in zip(threads, with_posts, strict=True):
        assert tree_of(thread) == render.expected(t)
        assert (thread.title, thread.article) == (t.title, t.article)


@PROPERTY
@given(render.trees(1, 3))
def test_wxr_round_trip(tmp_path_factory, ts):
    path = tmp_path_factory.mktemp("w") / "export.xml"
    path.write_bytes(render.wxr(ts))
    threads = read_file(path)
    with_comments = [t for t in ts if t.nodes]
    assert len(threads) == len(with_comments)
    for thread, t in zip(threads, with_comments, strict=True):
        assert tree_of(thread) == render.expected(t)
        assert (thread.title, thread.article) == (t.title, t.article)


@PROPERTY
@given(render.trees(1, 3), st.lists(st.sampled_from(["agreement", "rebuttal", None]),
                                    min_size=40, max_size=40))
def test_convokit_write_read_round_trip(tmp_path_factory, ts, labels):
    folder = tmp_path_factory.mktemp("c")
    src = folder / "reddit.json"
    threads = []
    for t in ts:
        src.write_bytes(render.reddit_api(t))
        threads += read_file(src)
    for thread in threads:
        for c, label in zip(thread.comments, labels, strict=False):
            c.label, c.confidence, c.reasons = label, 0.5 if label else None, (
                [f"cue {label}"] if label else [])
            c.probabilities = {"agreement": 0.25, "rebuttal": 0.75} if c.label else None
    out = write_corpus(threads, folder / "corpus")
    back = read_file(out)

    def comparable(t: Thread) -> dict:
        # source/format name the document read; line is the line in that document
        out = t.to_dict() | {"source": None, "format": None}
        out["comments"] = [c | {"line": None} for c in out["comments"]]
        return out

    assert [comparable(t) for t in back] == [comparable(t) for t in threads]


# -- ConvoKit format ------------------------------------------------------------------------

def test_written_corpus_has_convokit_fields(tmp_path):
    threads = read_file(FIXTURES / "reddit_api.json")
    threads[0].comments[0].label = "agreement"
    out = write_corpus(threads, tmp_path / "corpus")
    assert sorted(p.name for p in out.iterdir()) == ["conversations.json", "corpus.json",
                                                     "index.json", "speakers.json",
                                                     "utterances.jsonl"]
    utts = [orjson.loads(line) for line in (out / "utterances.jsonl").read_bytes().splitlines()]
    assert set(utts[0]) == {"id", "conversation_id", "text", "speaker", "meta", "reply-to",
                            "timestamp", "vectors"}
    root, first, reply = utts[0], utts[1], utts[2]
    assert (root["id"], root["reply-to"], root["speaker"]) == ("abc123", None, "[article]")
    assert root["text"] == threads[0].article
    assert (first["id"], first["reply-to"], first["conversation_id"]) == (
        "abc123.1", "abc123", "abc123")
    assert (reply["reply-to"], reply["speaker"]) == ("abc123.1", "dock_worker")
    assert first["meta"]["label"] == "agreement" and first["timestamp"] == 1700000100
    assert utts[3]["speaker"] == "[unknown]" and utts[3]["meta"]["status"] == "deleted"
    index = orjson.loads((out / "index.json").read_bytes())
    assert index["utterances-index"]["label"] == ["<class 'str'>"]
    assert index["conversations-index"]["title"] == ["<class 'str'>"]
    assert set(index) == {"utterances-index", "speakers-index", "conversations-index",
                          "overall-index", "version", "vectors"}
    convos = orjson.loads((out / "conversations.json").read_bytes())
    assert convos["abc123"]["meta"]["title"] == threads[0].title


def test_convokit_loads_our_corpus(tmp_path, monkeypatch):
    convokit = pytest.importorskip("convokit", reason="ConvoKit not installed (optional; it "
                                   "pulls spaCy and transformers)")
    monkeypatch.setenv("HOME", str(tmp_path))  # ConvoKit writes ~/.convokit/config.yml
    threads = read_file(FIXTURES / "reddit_api.json") + read_file(FIXTURES / "disqus.xml")
    threads[0].comments[1].label, threads[0].comments[1].confidence = "rebuttal", 0.8
    out = write_corpus(threads, tmp_path / "corpus")
    corpus = convokit.Corpus(filename=str(out))
    assert len(corpus.conversations) == 3
    assert len(corpus.utterances) == sum(len(t.comments) + 1 for t in threads)
    convo = corpus.get_conversation("abc123")
    assert convo.meta["title"] == threads[0].title
    utt = corpus.get_utterance("abc123.1.1")
    assert utt.reply_to == "abc123.1" and utt.speaker.id == "dock_worker"
    assert (utt.meta["label"], utt.meta["confidence"]) == ("rebuttal", 0.8)
    assert len(convo.get_root_to_leaf_paths()) == 2  # leaves 1.1.1.1 and 2.1


# -- the real exports in ../shared/realpages -----------------------------------------------

@pytest.mark.parametrize("name", ["disqus-export-isso.xml", "wordpress-wxr-isso.xml",
                                  "reddit-nfl-comments.json"])
def test_real_export_matches_its_truth(name):
    path = REALPAGES / "exports" / name
    if not path.exists():
        pytest.skip(f"../shared/realpages not present: {path}")
    truth = orjson.loads((REALPAGES / "truth" / f"{name.split('.')[0]}.json").read_bytes())
    thread = max(read_file(path), key=lambda t: len(t.comments))
    assert len(thread.comments) == len(truth)
    for c, want in zip(thread.comments, truth, strict=True):
        parent = None if want["parent"] is None else thread.comments[want["parent"]].id
        assert (c.parent_id, c.depth, c.author) == (parent, want["depth"], want["author"])
        words = " ".join(c.text.split())
        assert words.startswith(" ".join(want["first_words"].split())) or \
            _alnum(words).startswith(_alnum(want["first_words"]))


def _alnum(s: str) -> str:
    return "".join(ch for ch in s.lower() if ch.isalnum())


def test_real_reddit_more_stubs_counted():
    path = REALPAGES / "exports" / "reddit-nfl-comments.json"
    if not path.exists():
        pytest.skip(f"../shared/realpages not present: {path}")
    (thread,) = read_file(path)
    assert thread.missing == 782
    assert "782 comments not loaded (more stubs)" in thread.warnings
    assert (thread.site, thread.thread_id) == ("reddit.com/r/nfl", "g7vyxy")


# -- bad input: one line, naming line and column ---------------------------------------------

def _error(path: Path, fmt: str | None = None) -> str:
    with pytest.raises(InputError) as info:
        read_file(path, fmt)
    return str(info.value)


def test_truncated_json(tmp_path):
    path = tmp_path / "cut.json"
    path.write_bytes((FIXTURES / "reddit_api.json").read_bytes()[:300])
    assert _error(path) == (f"{path}: line 1, column 301: invalid JSON (unexpected end of "
                            f"data)")


def test_malformed_ndjson_line(tmp_path):
    """One malformed line is skipped with its number, the rest read (issue 23, item 2: it
    was an error for the whole dump); a file of which no line parses is the error."""
    path = tmp_path / "dump.ndjson"
    lines = (FIXTURES / "reddit_dump.ndjson").read_text().splitlines()
    whole = sum(len(t.comments) for t in read_file(FIXTURES / "reddit_dump.ndjson"))
    lines[3] = lines[3][:-5]
    path.write_text("\n".join(lines))
    threads = read_file(path)
    assert sum(len(t.comments) for t in threads) == whole - 1
    warnings = [w for t in threads for w in t.warnings if "not valid JSON" in w]
    assert len(warnings) == 1 and "line 4 (column " in warnings[0], warnings
    path.write_text("\n".join(line[:-5] for line in lines))
    message = _error(path)
    assert message.startswith(f"{path}: line 1, column ")
    assert "invalid JSON" in message and "\n" not in message


def test_unknown_json_shape(tmp_path):
    path = tmp_path / "other.json"
    path.write_bytes(b'{"weather": "sunny", "temperature": 21}')
    assert _error(path) == f"{path}: JSON document of an unknown shape; supported: {SUPPORTED_JSON}"


def test_unknown_json_shape_forced_reader(tmp_path):
    path = tmp_path / "other.json"
    path.write_bytes(b'{"kind": "t5", "data": {}}')
    assert _error(path, "reddit-json") == (
        f"{path}: JSON document of an unknown shape (not a Reddit Listing or [post, comments] "
        f"pair); supported: {SUPPORTED_JSON}")


def test_ndjson_without_reddit_records(tmp_path):
    path = tmp_path / "other.ndjson"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n')
    assert _error(path, "reddit-ndjson") == (
        f"{path}: JSON document of an unknown shape (2 JSON line(s), none a Reddit comment "
        f"or submission); supported: {SUPPORTED_JSON}")


def test_xml_external_entity_is_refused_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    path = tmp_path / "evil.xml"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE disqus [\n'
                    f'<!ENTITY xxe SYSTEM "file://{secret}">\n]>\n'
                    f'<disqus><thread dsq:id="1" xmlns:dsq="x"><title>&xxe;</title></thread>'
                    f'</disqus>')
    assert _error(path) == (f"{path}: line 3: XML declares external entity 'xxe'; refused "
                            f"(entities are never expanded or fetched)")


def test_xml_undefined_entity_is_an_error_with_position(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text('<?xml version="1.0"?>\n<disqus>\n<post>&nope;</post></disqus>')
    assert _error(path) == (f"{path}: line 3, column 13: invalid XML (Entity 'nope' not "
                            f"defined)")


def test_malformed_xml(tmp_path):
    path = tmp_path / "cut.xml"
    path.write_bytes((FIXTURES / "wordpress.xml").read_bytes()[:1200])
    message = _error(path)
    assert message.startswith(f"{path}: line ") and ", column " in message
    assert "invalid XML" in message and "\n" not in message


def test_unknown_xml_root(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?>\n<feed><entry/></feed>')
    assert _error(path) == (f"{path}: XML document of an unknown shape (root <feed>); "
                            f"supported: {SUPPORTED_XML}")
    assert _error(path, "disqus-xml") == (f"{path}: XML document of an unknown shape (root "
                                          f"<feed>); supported: {SUPPORTED_XML}")


def test_convokit_malformed_utterance_names_the_file(tmp_path):
    """A malformed utterance is skipped with a warning naming the file and line (issue 23,
    item 2); when none parses, the error names them."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "utterances.jsonl").write_text('{"id": "a", "reply-to": null}\n{"id": "b",\n')
    [thread] = read_file(folder)
    assert any(w.startswith(f"{folder}/utterances.jsonl: 1 line(s) not valid JSON") and
               "line 2 (column 12: unexpected end of data)" in w for w in thread.warnings)
    (folder / "utterances.jsonl").write_text('{"id": "b",\n')
    assert _error(folder) == (f"{folder}/utterances.jsonl: line 1, column 12: invalid JSON "
                              f"(unexpected end of data)")


# -- HTML bodies to text ---------------------------------------------------------------------

@pytest.mark.parametrize("html,text", [
    ("First<p>Second &amp; third", "First\n\nSecond & third"),
    ("<p>a  b\n c</p><blockquote><p>quoted</p></blockquote>tail", "a b c\n\n> quoted\n\ntail"),
    ("line one<br>line two", "line one\nline two"),
    ("<pre><code>  x = 1\n  y = 2</code></pre>", "  x = 1\n  y = 2"),
    ("plain &lt;tag&gt;", "plain <tag>"),
    ("<p>&amp;gt; decoded once", "&gt; decoded once"),
    ("<script>alert(1)</script>ok", "ok"),
    ("", ""),
])
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_html_to_text_keeps_line_breaks_for_wordpress():
    assert html_to_text("one\ntwo\n\n\nthree &amp; four", keep_newlines=True) == \
        "one\ntwo\n\nthree & four"


@pytest.mark.parametrize("html,text", [
    # one behaviour for quotations, whatever the reader: "> " lines, nested "> > "
    ("<p>No.</p><blockquote><p>a</p><blockquote>b</blockquote></blockquote>",
     "No.\n\n> a\n\n> > b"),
    ("<blockquote><pre>x = 1\n\ny = 2</pre></blockquote>", "> x = 1\n>\n> y = 2"),
    ("<ul><li>one</li><li>two</li></ul>after", "one\ntwo\n\nafter"),
    ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
    ("a<br><br>b<br>c", "a\n\nb\nc"),
    ("<!-- note -->kept<button>Reply</button>", "kept"),
])
def test_html_to_text_is_the_one_conversion(html, text):
    from lxml import html as lxml_html

    from discourse.read.htmltext import text_of

    assert html_to_text(html) == text
    # the element entry point gives the same text as the string one
    assert text_of(lxml_html.fragment_fromstring(html, create_parent="div")) == text


def test_quotes_keep_their_marks_with_source_line_breaks():
    assert html_to_text("<blockquote>q1\nq2</blockquote>\nreply", keep_newlines=True) == \
        "> q1\n> q2\n\nreply"


def test_text_of_a_blockquote_itself_is_the_quotation():
    from lxml import html as lxml_html

    from discourse.read.htmltext import text_of

    quote = lxml_html.fragment_fromstring("<blockquote><p>said <b>this</b></p></blockquote>")
    assert text_of(quote) == "said this"


# -- never a traceback: arbitrary JSON built from the platforms' own keys --------------------

_KEYS = st.sampled_from(["kind", "data", "children", "replies", "id", "name", "body", "author",
                         "parent_id", "link_id", "created_utc", "score", "permalink", "title",
                         "selftext", "subreddit", "kids", "by", "parent", "text", "time",
                         "deleted", "dead", "type", "story_id", "created_at_i", "created_at",
                         "points", "descendants", "url", "is_self", "count", "post_stream",
                         "posts", "post_number", "reply_to_post_number", "cooked", "username",
                         "post_type", "posts_count", "actions_summary", "user_deleted",
                         "hidden", "deleted_at", "slug", "fancy_title", "topic_id"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                     st.sampled_from(["Listing", "t1", "t3", "more", "story", "comment", "t1_x",
                                      "t3_x", "x", "", "[deleted]", "<p>hi", "1e400"]))
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=6)), max_leaves=25)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_JSON, st.sampled_from(["reddit-json", "reddit-ndjson", "hn-json",
                               "discourse-forum-json"]), st.booleans())
# found by this test: an HN "type" that is a list (hashed by a set lookup), a "text" that is
# not a string (html_to_text called .strip() on it)
@example({"id": 1, "type": [], "kids": []}, "hn-json", False)
@example({"id": 1, "type": "story", "text": True, "kids": [{"id": 2, "text": 2}]}, "hn-json", False)
@example({"post_stream": {"posts": [{"post_number": 1, "cooked": 3, "actions_summary": 2},
                                    {"post_number": 2, "reply_to_post_number": True}]},
          "title": None, "url": "https://x"}, "discourse-forum-json", False)
def test_any_json_gives_threads_or_one_line_error(tmp_path_factory, value, fmt, lines):
    read_any_json(tmp_path_factory.mktemp("j"), value, fmt, lines)


_TAGS = st.sampled_from(["thread", "post", "parent", "message", "author", "name", "username",
                         "isDeleted", "isSpam", "createdAt", "link", "title", "forum", "item",
                         "channel", "wp:comment", "wp:comment_id", "wp:comment_parent",
                         "wp:comment_approved", "wp:comment_type", "wp:comment_content",
                         "wp:comment_author", "wp:comment_date_gmt", "wp:post_id", "pubDate",
                         "content:encoded", "p"])
_XML_TEXT = st.sampled_from(["", "0", "1", "2", "true", "spam", "pingback", "x &amp; y",
                             "&lt;p&gt;hi", "2020-01-01T00:00:00Z", "2020-01-01 00:00:00",
                             "Tue, 14 Jan 2014 17:31:03 +0000", "not a date"])


def _element(children):
    return st.tuples(_TAGS, st.one_of(st.none(), st.sampled_from(["1", "2", "3", ""])),
                     _XML_TEXT, children).map(
        lambda e: f'<{e[0]}{"" if e[1] is None else f" dsq:id={e[1]!r}"}>{e[2]}'
                  f'{"".join(e[3])}</{e[0]}>')


_ELEMENTS = st.recursive(_element(st.just([])), lambda inner: _element(
    st.lists(inner, max_size=4)), max_leaves=20)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(_ELEMENTS, max_size=6), st.sampled_from(["disqus", "rss"]))
def test_any_xml_gives_threads_or_one_line_error(tmp_path_factory, body, root):
    path = tmp_path_factory.mktemp("x") / "x.xml"
    inner = "".join(body)
    if root == "rss":
        inner = f"<channel>{inner}</channel>"
    path.write_text(f'<?xml version="1.0"?>\n<{root} xmlns:dsq="d" '
                    f'xmlns:wp="http://wordpress.org/export/1.2/" '
                    f'xmlns:content="http://purl.org/rss/1.0/modules/content/">{inner}</{root}>')
    try:
        threads = read_file(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    for t in threads:
        orjson.dumps(t.to_dict())


def test_walk_nested_visits_in_document_order_at_any_depth():
    from discourse.read.assemble import walk_nested

    deep: dict = {"k": "d0", "r": []}
    node = deep
    for i in range(1, 5000):  # deeper than Python's recursion limit
        node["r"].append({"k": f"d{i}", "r": []})
        node = node["r"][0]
    roots = [{"k": "a", "r": [{"k": "a1", "r": [{"k": "a11"}]}, "junk", {"k": "a2"}]},
             {"k": "skip", "r": [{"k": "never"}]}, {"k": "b"}, deep]
    seen: list[tuple[str, str | None]] = []

    def visit(node, parent):
        if not isinstance(node, dict) or node["k"] == "skip":
            return None
        seen.append((node["k"], parent))
        return node["k"], node.get("r")

    walk_nested(roots, visit)
    assert seen[:5] == [("a", None), ("a1", "a"), ("a11", "a1"), ("a2", "a"), ("b", None)]
    assert len(seen) == 5 + 5000 and seen[-1] == ("d4999", "d4998")
