"""Named readers of issue 21 for platforms whose files have a distinctive structure: Stack
Exchange dumps, Telegram exports, YouTube (InnerTube pages, Data API, yt-dlp,
youtube-comment-downloader), GitHub (REST, GraphQL), Twitter/X API v2 and comment tables
(CSV/TSV).

Fixtures in tests/fixtures/exports/ are of our own making (invented text in each
platform's real structure); each has a hand-checked ``.expected`` tree.  The labelled real
files of these forms (``tests/fixtures/realthreads``) must read into the threads their
labels name: every labelled key, with the parent it was labelled against.
"""

from __future__ import annotations

import gzip
import shutil

import orjson
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read import read_file
from discourse.read.detect import detect
from discourse.read.source import Document
from tests.support import export_render as render
from tests.support import platform_render as prender
from tests.support.paths import EXPORTS, THREADS
from tests.support.trees import PROPERTY, read_any_json, summary, tree_of

FIXTURES = EXPORTS
REAL = THREADS

# -- fixtures with hand-checked expected trees -----------------------------------------------

GOLDEN = {
    "cooking.stackexchange.com/Posts.xml": "stackexchange-xml",
    "telegram_result.json": "telegram-json",
    "youtube_innertube/balcony.comments.json": "youtube-innertube-json",
    "youtube_innertube_legacy.json": "youtube-innertube-json",
    "youtube_api.json": "youtube-api-json",
    "youtube_ytdlp.info.json": "ytdlp-info-json",
    "youtube_downloader.jsonl": "youtube-comment-downloader",
    "github/482.json": "github-json",
    "github_discussion.json": "github-json",
    "twitter_conversation.json": "twitter-json",
    "table/forum.comments.csv": "comment-table",
}


@pytest.mark.parametrize("name", GOLDEN)
def test_fixture_reads_to_its_expected_tree(name):
    expected = orjson.loads((FIXTURES / f"{name}.expected").read_bytes())
    assert [summary(t) for t in read_file(FIXTURES / name)] == expected


@pytest.mark.parametrize("name,fmt", list(GOLDEN.items()) + [
    ("cooking.stackexchange.com/Comments.xml", "stackexchange-xml"),
    ("youtube_innertube/balcony.watch.json", "youtube-innertube-json"),
    ("youtube_innertube/balcony.comments_replies1.json", "youtube-innertube-json"),
    ("github/482.comments.json", "github-json"),
    ("table/forum.threads.csv", "comment-table")])
def test_detection_routes_each_fixture_to_its_reader(name, fmt):
    assert detect(Document.at(FIXTURES / name)).reader == fmt


@pytest.mark.parametrize("name", ["cooking.stackexchange.com/Comments.xml",
                                  "youtube_innertube/balcony.watch.json",
                                  "youtube_innertube/balcony.comments_replies1.json",
                                  "github/482.comments.json", "github/482.review_comments.json",
                                  "table/forum.threads.csv", "youtube_api.video.json"])
def test_the_other_half_of_a_pair_yields_nothing_and_says_why(name):
    doc = Document.at(FIXTURES / name)
    from discourse.read import read_document

    assert list(read_document(doc)) == []
    assert any("read with that file" in line for line in doc.explain), doc.explain


def test_compressed_pair_halves_find_each_other(tmp_path):
    src = FIXTURES / "cooking.stackexchange.com"
    folder = tmp_path / "cooking.stackexchange.com"
    folder.mkdir()
    (folder / "Posts.xml.zst").write_bytes(
        zstandard.ZstdCompressor().compress((src / "Posts.xml").read_bytes()))
    (folder / "Comments.xml.gz").write_bytes(gzip.compress((src / "Comments.xml").read_bytes()))
    shutil.copy(src / "Users.xml", folder / "Users.xml")
    expected = orjson.loads((src / "Posts.xml.expected").read_bytes())
    assert [summary(t) for t in read_file(folder / "Posts.xml.zst")] == expected


# -- Stack Exchange ----------------------------------------------------------------------------

def test_stackexchange_named_pair_without_users_and_site(tmp_path):
    src = FIXTURES / "cooking.stackexchange.com"
    shutil.copy(src / "Posts.xml", tmp_path / "dump.posts.xml")
    shutil.copy(src / "Comments.xml", tmp_path / "dump.comments.xml")
    first = read_file(tmp_path / "dump.posts.xml")[0]
    assert (first.site, first.url, first.author) == (None, None, "user 11")
    assert [c.author for c in first.comments][:3] == ["user 13", "user 11", "crumb"]
    assert first.comments[0].permalink is None
    assert [c.platform_id for c in first.comments] == ["c501", "c502", "103", "c504", "104",
                                                       "c505", "c506", "c507", "c508"]


def test_stackexchange_posts_alone_and_comments_alone(tmp_path):
    src = FIXTURES / "cooking.stackexchange.com"
    shutil.copy(src / "Posts.xml", tmp_path / "Posts.xml")
    threads = read_file(tmp_path / "Posts.xml")
    assert [len(t.comments) for t in threads] == [2, 0, 1]
    assert threads[0].warnings == [
        "no Comments.xml beside the posts file: comments on the question and answers not read",
        "9 answer(s)/comment(s) not in the files (the posts' AnswerCount/CommentCount)"]
    assert threads[0].missing == 9
    shutil.copy(src / "Comments.xml", tmp_path / "Comments.xml")
    (tmp_path / "Posts.xml").unlink()
    with pytest.raises(InputError, match="Comments.xml without its Posts.xml beside it"):
        read_file(tmp_path / "Comments.xml")


# -- Telegram ----------------------------------------------------------------------------------

def test_telegram_account_export_gives_one_thread_per_chat(tmp_path):
    chat = orjson.loads((FIXTURES / "telegram_result.json").read_bytes())
    other = {"name": "Alice", "type": "personal_chat", "id": 99,
             "messages": [{"id": 1, "type": "message", "date": "2020-01-01T10:00:00",
                           "from": "Alice", "from_id": "user99", "text": "hi"}]}
    export = {"about": "Here is the data you requested.", "personal_information": {},
              "chats": {"about": "", "list": [chat, {"name": "empty", "id": 5}]},
              "left_chats": {"about": "", "list": [other]}}
    path = tmp_path / "result.json"
    path.write_bytes(orjson.dumps(export))
    threads = read_file(path)
    assert [t.title for t in threads] == ["Balcony Gardeners", "Alice"]
    assert threads[1].comments[0].timestamp == "2020-01-01T10:00:00"  # local time, as written
    path.write_bytes(orjson.dumps({"about": "x", "personal_information": {},
                                   "chats": {"list": []}}))
    with pytest.raises(InputError, match="without chat messages"):
        read_file(path)


def test_telegram_metadata_beside_gives_title_and_article(tmp_path):
    shutil.copy(FIXTURES / "telegram_result.json", tmp_path / "herbs.json")
    (tmp_path / "herbs.metadata.json").write_text(
        '{"slug": "herbs", "title": "Herbs on balconies", "tags": ["herbs", "balcony"], '
        '"short_summary": "Which herbs survive a north balcony"}', encoding="utf-8")
    (thread,) = read_file(tmp_path / "herbs.json")
    assert (thread.title, thread.article) == ("Herbs on balconies", "Which herbs survive a "
                                              "north balcony\n\nTags: herbs, balcony")
    assert thread.site == "Balcony Gardeners"
    from discourse.read import read_document

    doc = Document.at(tmp_path / "herbs.metadata.json")
    assert list(read_document(doc)) == []
    assert "telegram: the metadata of herbs.json, read with that file" in doc.explain
    assert doc.warnings == ["no threads: the metadata of herbs.json, read with that file"]


def test_telegram_text_entities():
    from discourse.read.telegram import message_text

    assert message_text(["a ", {"type": "code", "text": "x = 1"}, {"type": "link"}]) == "a x = 1"
    assert message_text([{"type": "blockquote", "text": "one\n\ntwo"}, "reply"]) == \
        "> one\n>\n> two\nreply"
    assert message_text(None) == "" and message_text(3) == ""


# -- YouTube -----------------------------------------------------------------------------------

def test_innertube_reply_page_alone_keeps_its_replies_with_a_warning(tmp_path):
    shutil.copy(FIXTURES / "youtube_innertube" / "balcony.comments_replies1.json",
                tmp_path / "video.replies.json")
    (thread,) = read_file(tmp_path / "video.replies.json")
    assert [c.parent_id for c in thread.comments] == [None, None, None]
    assert "3 comment(s) answer a comment that is not in the source; shown as top-level" in \
        thread.warnings


def test_innertube_page_of_another_video_is_not_merged(tmp_path):
    src = FIXTURES / "youtube_innertube"
    shutil.copy(src / "balcony.comments.json", tmp_path / "v.comments.json")
    t = render.Tree("zz", "t", "a", [render.Node(None, "someone", ["x"])])
    page, _ = prender.innertube_page(t, video="Other000001")
    (tmp_path / "v.comments2.json").write_bytes(page)
    (thread,) = read_file(tmp_path / "v.comments.json")
    assert len(thread.comments) == 3
    assert thread.warnings[0] == ("v.comments2.json: a page of video Other000001, not "
                                  "Gx7Balcony1; left out")


def test_watch_page_alone_is_the_video_without_comments(tmp_path):
    shutil.copy(FIXTURES / "youtube_innertube" / "balcony.watch.json", tmp_path / "w.watch.json")
    (thread,) = read_file(tmp_path / "w.watch.json")
    assert (thread.title, thread.thread_id, thread.comments) == (
        "Balcony tomatoes in shallow pots", "Gx7Balcony1", [])
    assert thread.warnings[-1].startswith("no comments in this response")


def test_youtube_counts():
    from discourse.read.youtube import count, exact_count, parent_of

    assert [count(v) for v in ("52", "1,234", "9.8k", "1.2M", "", None, 7, True)] == [
        52, 1234, 9800, 1200000, None, None, 7, None]
    assert exact_count("21k") is None and exact_count("21,051") == 21051
    assert parent_of("Ugx.abc") == "Ugx" and parent_of("Ugx") is None


def test_ytdlp_without_comments_is_the_video_with_a_warning(tmp_path):
    info = orjson.loads((FIXTURES / "youtube_ytdlp.info.json").read_bytes())
    del info["comments"]
    path = tmp_path / "v.info.json"
    path.write_bytes(orjson.dumps(info))
    (thread,) = read_file(path)
    assert thread.comments == [] and thread.missing is None
    assert thread.warnings == ["no comments in this info.json (yt-dlp writes them with "
                               "--write-comments)"]


def test_api_items_saved_without_kinds(tmp_path):
    data = orjson.loads((FIXTURES / "youtube_api.json").read_bytes())

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("kind", "etag")}
        return [strip(v) for v in value] if isinstance(value, list) else value

    path = tmp_path / "items.json"
    path.write_bytes(orjson.dumps(strip(data["items"])))
    assert detect(Document.at(path)).reader == "youtube-api-json"
    assert [tree_of(t) for t in read_file(path)] == [
        tree_of(t) for t in read_file(FIXTURES / "youtube_api.json")]


def test_ytdlp_comment_list_alone(tmp_path):
    info = orjson.loads((FIXTURES / "youtube_ytdlp.info.json").read_bytes())
    path = tmp_path / "comments.json"
    path.write_bytes(orjson.dumps(info["comments"]))
    assert detect(Document.at(path)).reader == "ytdlp-info-json"
    (thread,) = read_file(path)
    assert tree_of(thread) == tree_of(read_file(FIXTURES / "youtube_ytdlp.info.json")[0])


def test_downloader_pretty_output(tmp_path):
    lines = (FIXTURES / "youtube_downloader.jsonl").read_bytes().splitlines()[:4]
    path = tmp_path / "pretty.json"
    path.write_bytes(b'{"comments": [' + b",\n".join(lines) + b"]}")
    (thread,) = read_file(path)
    assert [c.id for c in thread.comments] == ["1", "1.1", "1.2", "2"]


# -- GitHub ------------------------------------------------------------------------------------

def test_github_one_file_shapes_read_like_the_pair(tmp_path):
    issue = orjson.loads((FIXTURES / "github" / "482.json").read_bytes())
    comments = orjson.loads((FIXTURES / "github" / "482.comments.json").read_bytes())
    review = orjson.loads((FIXTURES / "github" / "482.review_comments.json").read_bytes())
    pair = read_file(FIXTURES / "github" / "482.json")
    for name, value in (("combined.json", {"issue": issue, "comments": comments,
                                           "review_comments": review}),
                        ("array.json", [issue, *comments, *review]),
                        ("backup.json", issue | {"comment_data": comments + review})):
        path = tmp_path / name
        path.write_bytes(orjson.dumps(value))
        assert [summary(t) for t in read_file(path)] == [summary(t) for t in pair], name


def test_github_comments_alone_group_by_issue(tmp_path):
    comments = orjson.loads((FIXTURES / "github" / "482.comments.json").read_bytes())
    path = tmp_path / "all_comments.json"
    path.write_bytes(orjson.dumps(comments))
    (thread,) = read_file(path)
    assert (thread.thread_id, thread.site, thread.title) == ("plotkit/plotkit#482",
                                                             "github.com/plotkit/plotkit", "")
    assert thread.warnings[0].startswith("no issue object")
    assert [c.role for c in thread.comments] == ["maintainer", None, None, "maintainer"]


def test_github_unknown_shape(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b'{"author_association": "OWNER", "weather": 1}')
    with pytest.raises(InputError, match="not a GitHub issue, pull request or comment"):
        read_file(path)


# -- Twitter -----------------------------------------------------------------------------------

def test_twitter_flattened_lines(tmp_path):
    data = orjson.loads((FIXTURES / "twitter_conversation.json").read_bytes())
    users = {u["id"]: u for u in data["includes"]["users"]}
    tweets = data["includes"]["tweets"] + data["data"]
    path = tmp_path / "flat.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(t | {"author": users[t["author_id"]]})
                                for t in tweets))
    threads = read_file(path)
    assert [tree_of(t) for t in threads] == [
        tree_of(read_file(FIXTURES / "twitter_conversation.json")[0])]


def test_twitter_v1_tweets_group_by_reply_chain(tmp_path):
    tweets = [
        {"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id": 1050118621198921728,
         "id_str": "1050118621198921728", "full_text": "The bridge is closed &amp; diverted.",
         "in_reply_to_status_id_str": None, "user": {"id_str": "1", "screen_name": "citynews"},
         "favorite_count": 12},
        {"created_at": "Wed Oct 10 20:25:00 +0000 2018", "id_str": "1050118621198921729",
         "full_text": "@citynews source?", "in_reply_to_status_id_str": "1050118621198921728",
         "user": {"id_str": "2", "screen_name": "driver_dan"}, "favorite_count": 1},
        {"created_at": "Wed Oct 10 20:30:00 +0000 2018", "id_str": "1050118621198921730",
         "text": "@driver_dan closed ten minutes ago",
         "in_reply_to_status_id_str": "1050118621198921729",
         "user": {"id_str": "3", "screen_name": "officer_o"}},
        {"created_at": "Wed Oct 10 21:00:00 +0000 2018", "id_str": "1050118621198921740",
         "text": "@someone what?", "in_reply_to_status_id_str": "999",
         "user": {"id_str": "4", "screen_name": "late_lu"}},
        {"created_at": "Wed Oct 10 21:01:00 +0000 2018", "id_str": "1050118621198921741",
         "text": "RT @citynews: The bridge", "in_reply_to_status_id_str": None,
         "retweeted_status": {"id_str": "1050118621198921728"},
         "user": {"id_str": "5", "screen_name": "rt_ron"}}]
    path = tmp_path / "tweets.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(t) for t in tweets))
    first, second = read_file(path)
    assert (first.article, first.author, first.published) == (
        "The bridge is closed & diverted.", "citynews", "2018-10-10T20:19:24Z")
    assert [(c.id, c.parent_id, c.author, c.timestamp) for c in first.comments] == [
        ("1", None, "driver_dan", "2018-10-10T20:25:00Z"),
        ("1.1", "1", "officer_o", "2018-10-10T20:30:00Z")]
    assert (second.thread_id, second.article, len(second.comments)) == ("999", "", 1)


# -- comment tables ----------------------------------------------------------------------------

@pytest.mark.parametrize("text,message", [
    ("parent,reply,label\nI think so,No you don't,rebuttal\nyes,ok,agreement\n",
     "a labelled pairs table (parent, reply, label): data for discourse train/evaluate"),
    ("city,temperature,rain\nOslo,3,yes\nRome,18,no\n",
     "a table without a comment text column (city, temperature, rain); not comments"),
])
def test_tables_that_are_not_comments_are_refused_on_one_line(tmp_path, text, message):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_file(path)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("text", [
    "Hello, world, how are you\nFine, thanks, and you\nGreat, see, you\n",
    "Title: my post\n\n1. first comment\n  2. reply\n",
    "a,b\n",
])
def test_prose_is_not_a_table(text):
    from discourse.read.table import sniff

    assert sniff(text.encode()) is None


def test_youtube_spam_collection_layout(tmp_path):
    path = tmp_path / "Youtube06-Demo.csv"
    path.write_text("COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n"
                    "z12abc,Ann Author,2014-01-19T00:41:03,\"Check out my channel, pls\",1\n"
                    "z12abd,Bob,2014-01-20T10:00:00,nice song\ufeff,0\n", encoding="utf-8")
    (thread,) = read_file(path)
    assert [(c.platform_id, c.author, c.timestamp, c.text, c.parent_id)
            for c in thread.comments] == [
        ("z12abc", "Ann Author", "2014-01-19T00:41:03", "Check out my channel, pls", None),
        ("z12abd", "Bob", "2014-01-20T10:00:00", "nice song\ufeff", None)]
    assert thread.warnings == ["the table names no thread title or article (no thread column "
                               "or thread list beside it); article unknown"]


def test_table_depth_column_and_tsv(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("id\tdepth\tuser\tmessage\n1\t0\ta\tone\n2\t1\tb\ttwo\n3\t2\tc\tthree\n"
                    "4\t1\td\tfour\n5\t0\te\tfive\n", encoding="utf-8")
    (thread,) = read_file(path)
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == [
        ("1", None, "a"), ("1.1", "1", "b"), ("1.1.1", "1.1", "c"), ("1.2", "1", "d"),
        ("2", None, "e")]


def test_our_own_csv_output_reads_back_as_a_table(tmp_path):
    from discourse.cli import main

    out = tmp_path / "out.csv"
    assert main(["parse", str(FIXTURES / "reddit_api.json"), "--format", "csv", "-o", str(out),
                 "-q"]) == 0
    (original,) = read_file(FIXTURES / "reddit_api.json")
    (back,) = read_file(out)
    assert back.format == "comment-table"
    assert [(c.id, c.parent_id, c.author, c.text, c.platform_id) for c in back.comments] == \
        [(c.id, c.parent_id, c.author, c.text, c.platform_id) for c in original.comments]


# -- round trips of random trees ---------------------------------------------------------------

@PROPERTY
@given(prender.stackexchange_tree())
def test_stackexchange_round_trip(tmp_path_factory, tq):
    t, q = tq
    folder = tmp_path_factory.mktemp("se")
    posts, comments, users = prender.stackexchange_dump(t, q)
    (folder / "Posts.xml").write_bytes(posts)
    (folder / "Comments.xml").write_bytes(comments)
    (folder / "Users.xml").write_bytes(users)
    (thread,) = read_file(folder / "Posts.xml")
    assert tree_of(thread) == render.expected(t)
    assert (thread.title, thread.article, thread.thread_id) == (t.title, t.article, t.key)


@PROPERTY
@given(render.tree(), st.integers(0, 2**16))
def test_telegram_round_trip(tmp_path_factory, t, seed):
    path = tmp_path_factory.mktemp("tg") / "result.json"
    path.write_bytes(prender.telegram_export(t, seed))
    (thread,) = read_file(path)
    assert tree_of(thread) == render.expected(t)
    assert thread.title == t.title and thread.format == "telegram-json"


@PROPERTY
@given(prender.two_level_tree(), st.sampled_from(["innertube", "api", "ytdlp", "downloader"]))
def test_youtube_round_trip(tmp_path_factory, t, form):
    folder = tmp_path_factory.mktemp("yt")
    if form == "innertube":
        page, watch = prender.innertube_page(t)
        (folder / "v.comments.json").write_bytes(page)
        (folder / "v.watch.json").write_bytes(watch)
        path = folder / "v.comments.json"
    elif form == "api":
        path = folder / "threads.json"
        path.write_bytes(prender.youtube_api(t))
    elif form == "ytdlp":
        path = folder / "v.info.json"
        path.write_bytes(prender.ytdlp_info(t))
    else:
        path = folder / "v.jsonl"
        path.write_bytes(prender.downloader_lines(t))
    if form == "api" and not t.nodes:
        with pytest.raises(InputError):
            read_file(path)
        return
    if form == "downloader" and not t.nodes:
        return
    (thread,) = read_file(path)
    assert tree_of(thread) == render.expected(t)
    if form in ("innertube", "ytdlp"):
        assert (thread.title, thread.article) == (t.title, t.article)


@PROPERTY
@given(prender.flat_tree(), prender.two_level_tree())
def test_github_round_trip(tmp_path_factory, flat, nested):
    folder = tmp_path_factory.mktemp("gh")
    issue, comments = prender.github_rest(flat)
    (folder / "7.json").write_bytes(issue)
    (folder / "7.comments.json").write_bytes(comments)
    (thread,) = read_file(folder / "7.json")
    assert tree_of(thread) == render.expected(flat)
    assert (thread.title, thread.article, thread.thread_id) == (flat.title, flat.article,
                                                                "octo/garden#7")
    assert [c.role for c in thread.comments] == [
        "maintainer" if i % 3 == 0 else None for i in range(len(flat.nodes))]
    (folder / "d.json").write_bytes(prender.github_discussion(nested))
    (thread,) = read_file(folder / "d.json")
    assert tree_of(thread) == render.expected(nested)
    assert (thread.title, thread.article) == (nested.title, nested.article)


@PROPERTY
@given(render.tree(), st.integers(0, 2**16))
def test_twitter_round_trip(tmp_path_factory, t, seed):
    path = tmp_path_factory.mktemp("tw") / "search.json"
    path.write_bytes(prender.twitter_v2(t, seed))
    (thread,) = read_file(path)
    if not t.nodes:
        assert thread.warnings == ["no comments: no replies to the first tweet in this file"]
    assert tree_of(thread) == render.expected(t)
    assert thread.article == t.article and thread.author == "starter"


@PROPERTY
@given(render.trees(1, 3), st.sampled_from([",", "\t"]), st.booleans())
def test_comment_table_round_trip(tmp_path_factory, ts, delimiter, packed):
    data = prender.comment_table(ts, delimiter)
    path = tmp_path_factory.mktemp("tb") / ("t.csv.zst" if packed else "t.csv")
    path.write_bytes(zstandard.ZstdCompressor().compress(data) if packed else data)
    threads = read_file(path)
    assert [t.thread_id for t in threads] == [t.key for t in ts]
    for thread, t in zip(threads, ts, strict=True):
        assert tree_of(thread) == render.expected(t)
        assert (thread.title, thread.article, thread.author) == (t.title, t.article, "opener")


# -- never a traceback ---------------------------------------------------------------------------

_KEYS = st.sampled_from([
    "messages", "type", "id", "from", "from_id", "text", "reply_to_message_id", "date",
    "date_unixtime", "chats", "list", "about", "personal_information", "media_type",
    "sticker_emoji", "poll", "question", "answers", "reactions", "count",
    "responseContext", "onResponseReceivedEndpoints", "reloadContinuationItemsCommand",
    "targetId", "continuationItems", "commentThreadRenderer", "commentViewModel",
    "commentKey", "commentId", "commentEntityPayload", "key", "properties", "content",
    "author", "displayName", "toolbar", "likeCountNotliked", "replyCount", "commentRenderer",
    "contentText", "runs", "simpleText", "token", "commentsHeaderRenderer", "countText",
    "kind", "items", "snippet", "topLevelComment", "replies", "comments", "textOriginal",
    "textDisplay", "parentId", "videoId", "likeCount", "publishedAt", "totalReplyCount",
    "formats", "format_id", "vcodec", "extractor_key", "parent", "timestamp", "like_count",
    "comment_count", "cid", "votes", "time_parsed", "heart", "author_association", "user",
    "login", "body", "number", "title", "issue_url", "in_reply_to_id", "diff_hunk", "path",
    "data", "repository", "discussion", "nodes", "authorAssociation", "isMinimized",
    "conversation_id", "referenced_tweets", "author_id", "includes", "users", "tweets",
    "username", "public_metrics", "note_tweet", "created_at", "html_url"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                     st.sampled_from(["message", "service", "root", "youtube#commentThread",
                                      "youtube#comment", "comments-section", "replied_to",
                                      "quoted", "OWNER", "1.2K", "", "x.y", "1e400",
                                      "2020-01-01T00:00:00Z", "EgsS"]))
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=6)), max_leaves=25)
MINE = ["telegram-json", "youtube-innertube-json", "youtube-api-json", "ytdlp-info-json",
        "youtube-comment-downloader", "github-json", "twitter-json"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_JSON, st.sampled_from(MINE), st.booleans())
def test_any_json_gives_threads_or_one_line_error(tmp_path_factory, value, fmt, lines):
    read_any_json(tmp_path_factory.mktemp("j"), value, fmt, lines)


_CELLS = st.sampled_from(["", "x", "1", "0", "-1", "root", "c1", "a,b", 'q"q', "line\nbreak",
                          "2020-01-01T00:00:00Z", "1700000000", "OWNER", "@x hi", "> q"])
_HEADERS = st.lists(st.sampled_from(["comment_id", "id", "parent_id", "thread_id", "text",
                                     "body", "author", "date", "score", "depth", "title",
                                     "issue_id", "author_association", "reply", "label",
                                     "other", "parent"]), min_size=2, max_size=6, unique=True)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_HEADERS, st.lists(st.lists(_CELLS, min_size=1, max_size=7), max_size=6))
def test_any_table_gives_threads_or_one_line_error(tmp_path_factory, header, rows):
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path = tmp_path_factory.mktemp("c") / "x.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        threads = read_file(path, "comment-table")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    for t in threads:
        orjson.dumps(t.to_dict())


_XML_ROWS = st.lists(st.dictionaries(
    st.sampled_from(["Id", "PostTypeId", "ParentId", "PostId", "Body", "Text", "Title",
                     "OwnerUserId", "UserId", "CreationDate", "Score", "AnswerCount",
                     "CommentCount", "OwnerDisplayName"]),
    st.sampled_from(["1", "2", "3", "", "x", "-1", "2020-01-01T00:00:00.000", "&lt;p&gt;hi",
                     "@ab hi"]), max_size=6), max_size=6)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_XML_ROWS, _XML_ROWS)
def test_any_dump_gives_threads_or_one_line_error(tmp_path_factory, posts, comments):
    folder = tmp_path_factory.mktemp("x")

    def table(root, rows):
        body = "".join("<row " + " ".join(f'{k}="{v}"' for k, v in r.items()) + " />"
                       for r in rows)
        return f'<?xml version="1.0"?>\n<{root}>{body}</{root}>'

    (folder / "Posts.xml").write_text(table("posts", posts))
    (folder / "Comments.xml").write_text(table("comments", comments))
    try:
        threads = read_file(folder / "Posts.xml", "stackexchange-xml")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    for t in threads:
        orjson.dumps(t.to_dict())


# -- explain -----------------------------------------------------------------------------------

def test_explain_names_reader_and_evidence(capsys):
    from discourse.cli import main

    assert main(["parse", str(FIXTURES / "table" / "forum.comments.csv"), "--explain",
                 "-q"]) == 0
    out = capsys.readouterr().out
    assert "reader: comment-table (CSV table with a comment text column 'body'" in out
    assert "columns used: text 'body', key 'comment_id', parent 'parent_id'" in out
    assert "not read: label; thread titles from forum.threads.csv" in out


# -- the labelled real files of these forms --------------------------------------------------------

PREFIXES = ("se_", "telegram_", "youtube_", "github_")


def _labelled() -> list[tuple[str, str, dict[str, str]]]:
    """``(thread, file, {key: parent key})`` of the labelled threads of these forms."""
    from discourse.lab.datasets.realthreads import labels_frame, threads_frame

    try:
        table, labels = threads_frame(), labels_frame()
    except Exception:  # noqa: BLE001 - the labels are research data, absent from a wheel
        return []
    parents = {name: dict(zip(block["key"], block["parent_key"], strict=True))
               for name, block in labels.groupby("thread")}
    return [(row.thread, row.file, parents.get(row.thread, {}))
            for row in table.itertuples() if row.file.startswith(PREFIXES)]


_CACHE: dict[str, list[Thread]] = {}


@pytest.mark.parametrize("thread,file,parents", _labelled(),
                         ids=lambda v: v if isinstance(v, str) and "." not in v else "")
def test_labelled_real_files_read_with_every_key_and_parent(thread, file, parents):
    from discourse.lab.packets import answers_key, key_of

    path = REAL / file
    if not path.is_file():
        pytest.skip(f"{file} not present")
    if file not in _CACHE:
        _CACHE[file] = read_file(path)
    best = max(_CACHE[file], key=lambda t: len(parents.keys() & {key_of(c) for c in t.comments}))
    index = best.by_id()
    by_key = {key_of(c): c for c in best.comments}
    assert parents and parents.keys() <= by_key.keys(), sorted(parents.keys() - by_key.keys())[:5]
    wrong = []
    for key, want in parents.items():
        c = by_key[key]
        structural = key_of(index[c.parent_id]) if c.parent_id in index else "ARTICLE"
        if want not in (structural, answers_key(best, c, index)):
            wrong.append((key, want, structural))
    assert not wrong, wrong[:5]
