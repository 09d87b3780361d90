"""Mail archives (mbox, single messages, Mailman pipermail text archives) and the text forms
of Asian boards (2ch/5ch ``.dat``, PTT article files): issue 21, item 3 and the boards.

Fixtures in tests/fixtures/exports/ are of our own making (invented text in each form's
real structure) with hand-checked ``.expected`` trees; random trees written in each form
read back to themselves; the labelled real files of these forms
(``tests/fixtures/realthreads``) read into the threads their labels name.
"""

from __future__ import annotations

import gzip
import json
import re

import orjson
import pytest
import zstandard
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from discourse.cli import main
from discourse.errors import InputError
from discourse.model import Thread
from discourse.read import read_file
from discourse.read.detect import detect
from discourse.read.mail import parse_message, quote_marks
from discourse.read.source import Document
from tests.support import bbs_render, mail_render
from tests.support import export_render as render
from tests.support.paths import EXPORTS, THREADS
from tests.support.trees import summary as _summary
from tests.support.trees import tree_of

FIXTURES = EXPORTS
REAL = THREADS

#: Mail and BBS expected files predate the ``role`` field.
FIELDS = ("id", "parent_id", "depth", "author", "text", "timestamp", "score", "platform_id",
          "permalink", "status", "target_id", "quotes")
PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def summary(t: Thread) -> dict:
    return _summary(t, FIELDS)


# -- fixtures with hand-checked expected trees -----------------------------------------

GOLDEN = {"mail.mbox": "mbox", "pipermail.txt": "pipermail", "5ch.dat": "2ch-dat",
          "ptt.big5.txt": "ptt-article"}


@pytest.mark.parametrize("name", GOLDEN)
def test_fixture_reads_to_its_expected_tree(name):
    expected = orjson.loads((FIXTURES / f"{name}.expected").read_bytes())
    assert [summary(t) for t in read_file(FIXTURES / name)] == expected


@pytest.mark.parametrize("name,fmt", GOLDEN.items())
def test_detection_routes_each_fixture_to_its_reader(name, fmt):
    assert detect(Document.at(FIXTURES / name)).reader == fmt


def test_explain_names_the_reader_and_what_it_found(capsys):
    assert main(["parse", str(FIXTURES / "mail.mbox"), "--explain", "-q"]) == 0
    out = capsys.readouterr().out
    assert "reader: mbox (a 'From <sender> <date>' line followed by headers (mbox))" in out
    assert "mbox: 7 messages, 3 conversation(s), 1 duplicate(s) left out" in out


def test_mbox_keys_are_message_ids_and_threads_are_conversations():
    rota, compost, swap = read_file(FIXTURES / "mail.mbox")
    assert [c.platform_id for c in rota.comments] == ["rota-2@example.org", "rota-3@example.org"]
    # rota-3 names its parent only in References; the HTML-only body keeps its quote
    assert rota.comments[1].parent_id == rota.comments[0].id
    assert rota.comments[1].quotes == ["who has the spare tap?"]
    assert rota.site == "lists.example.org/garden" and rota.author == "Åsa Lind"
    # a "Re:" reply naming no message is placed under the first message of its subject
    assert [c.platform_id for c in compost.comments] == ["compost-2@example.org",
                                                         "compost-3@example.org"]
    assert "prêt" in compost.article and "> > Is it?" in compost.article
    # a reply whose conversation began before the file is a thread of its own
    assert swap.thread_id == "swap-9@example.org" and swap.comments == []
    assert swap.article.startswith("> > > > Who kept")
    assert any("not in this file" in w for w in swap.warnings)


def test_a_body_line_starting_with_from_does_not_split_a_message():
    (rota, *_) = read_file(FIXTURES / "mail.mbox")
    assert "\nFrom now on please sign the sheet in the shed." in rota.article


@pytest.mark.parametrize("line,want", [
    (">> x", "> > x"), (">>x", "> > x"), ("> > x", "> > x"), (">", ">"), ("  > x  ", "> x"),
    ("x > y", "x > y"), ("", ""), ("> > ", "> >")])
def test_quote_marks_are_normalised(line, want):
    assert quote_marks(line) == want


def test_one_saved_message_is_a_thread(tmp_path):
    path = tmp_path / "note.eml"
    path.write_bytes(b"Return-Path: <a@example.org>\r\nFrom: Ann <a@example.org>\r\n"
                     b"To: b@example.org\r\nSubject: Minutes\r\n"
                     b"Date: Tue, 1 Jun 2021 09:00:00 +0200\r\n"
                     b"Message-ID: <m1@example.org>\r\n\r\nThe minutes are attached.\r\n")
    (thread,) = read_file(path)
    assert (thread.format, thread.title, thread.author, thread.article, thread.published) == (
        "mbox", "Minutes", "Ann", "The minutes are attached.", "2021-06-01T07:00:00Z")
    assert thread.comments == [] and thread.warnings == ["no replies to this message in the file"]


def test_crlf_mbox_reads_like_lf(tmp_path):
    data = (FIXTURES / "mail.mbox").read_bytes().replace(b"\n", b"\r\n")
    path = tmp_path / "crlf.mbox"
    path.write_bytes(data)
    assert [tree_of(t) for t in read_file(path)] == [
        tree_of(t) for t in read_file(FIXTURES / "mail.mbox")]


def test_obfuscated_pipermail_sender_and_scrubbed_attachment():
    first, second = read_file(FIXTURES / "pipermail.txt")
    assert first.author == "Kim Näsman" and first.site == "lists.example.net/pipermail/tide-users"
    assert "scrubbed" not in first.article and first.article.endswith("Where do I begin?")
    # the list's footer is not the writer's text; the site comes from it all the same
    assert first.comments[0].text.endswith("From there the rest follows.")
    assert [c.author for c in first.comments] == ["Lou Ortega", "Kim Näsman", "Max"]
    assert second.author == "noor@example.org"
    record = parse_message(b"From: someone at example.com (Some One)\nSubject: x\n\nhi\n")
    assert (record["author"], record["text"]) == ("Some One", "hi")


def test_text_that_is_no_mail_archive_is_a_one_line_error(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("just some words\n", encoding="utf-8")
    for fmt in ("mbox", "pipermail"):
        with pytest.raises(InputError, match="no mail messages found"):
            read_file(path, fmt=fmt)


def test_dat_anchors_are_targets_not_parents():
    (thread,) = read_file(FIXTURES / "5ch.dat")
    by_number = {c.platform_id: c for c in thread.comments}
    assert all(c.parent_id is None for c in thread.comments)
    assert by_number["3"].target_id == by_number["2"].id  # >>2 as a link
    assert by_number["5"].target_id == by_number["3"].id  # full-width ＞＞３
    for n in ("7", "8", "9"):  # >>1 (the article), >>3-5, an anchor to a later post
        assert by_number[n].target_id is None
    assert by_number["4"].status == "deleted" and by_number["4"].text == ""
    assert "6" not in by_number and "line 6" in thread.warnings[0]
    assert thread.thread_id == "livejupiter/1700000000"
    assert by_number["5"].author == "風吹けば名無し◆Trip.Abc12 ID:QqQq9999"


def test_dat_in_utf8(tmp_path):
    data = (FIXTURES / "5ch.dat").read_bytes().decode("cp932").encode("utf-8")
    path = tmp_path / "1700000000.dat"
    path.write_bytes(data)
    (thread,) = read_file(path)
    assert tree_of(thread) == tree_of(read_file(FIXTURES / "5ch.dat")[0])
    assert thread.encoding == "utf-8"


def test_ptt_in_utf8_without_colours_reads_the_same(tmp_path):
    raw = (FIXTURES / "ptt.big5.txt").read_bytes()
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", raw).decode("big5").encode("utf-8")
    path = tmp_path / "article.txt"
    path.write_bytes(plain)
    (thread,) = read_file(path)
    assert summary(thread) == summary(read_file(FIXTURES / "ptt.big5.txt")[0])


def test_ptt_without_footer_starts_the_comments_at_the_first_push(tmp_path):
    text = ("作者: ann (A) 看板: Test\n標題: [閒聊] hi\n時間: Mon Jan  4 10:00:00 2021\n\n"
            "body line\n\n推 bob: nice 01/04 10:05\n→ cy: ok 01/04 10:06\n")
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("big5"))
    (thread,) = read_file(path)
    assert thread.article == "body line"
    assert [(c.platform_id, c.author, c.text, c.timestamp) for c in thread.comments] == [
        ("c001", "bob", "nice", "2021-01-04T02:05:00Z"), ("c002", "cy", "ok", "2021-01-04T02:06:00Z")]
    assert "no ※ 發信站 footer" in thread.warnings[0]


def test_board_readers_refuse_other_text_in_one_line(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("Title\n\nArticle.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 2ch/5ch posts"):
        read_file(path, fmt="2ch-dat")
    with pytest.raises(InputError, match="not a PTT article"):
        read_file(path, fmt="ptt-article")


def test_folders_take_mail_and_dat_files(tmp_path):
    for name in ("list.mbox", "one.eml", "1700000000.dat"):
        source = {"list.mbox": "mail.mbox", "one.eml": "mail.mbox",
                  "1700000000.dat": "5ch.dat"}[name]
        (tmp_path / name).write_bytes((FIXTURES / source).read_bytes())
    from discourse.read import iter_threads

    assert {t.format for t in iter_threads(tmp_path)} == {"mbox", "2ch-dat"}


# -- round trips of random trees --------------------------------------------------------

def _quoted(text: str) -> str:
    return "\n".join(quote_marks(line) for line in text.split("\n"))


@PROPERTY
@given(render.trees(1, 4), st.integers(0, 2**16), st.booleans(),
       st.sampled_from(["plain", "gz", "zst"]))
def test_mail_archive_round_trip(tmp_path_factory, ts, seed, pipermail, packing):
    data = mail_render.archive(ts, seed, pipermail=pipermail)
    if packing == "gz":
        data = gzip.compress(data)
    elif packing == "zst":
        data = zstandard.ZstdCompressor().compress(data)
    path = tmp_path_factory.mktemp("m") / "archive.txt"
    path.write_bytes(data)
    threads = read_file(path)
    assert {t.format for t in threads} == {"pipermail" if pipermail else "mbox"}
    assert len(threads) == len(ts)
    by_id = {t.thread_id: t for t in threads}
    for t in ts:
        thread = by_id[mail_render.message_id(t, None)]
        assert tree_of(thread) == [(i, p, a, _quoted(x)) for i, p, a, x in render.expected(t)]
        assert (thread.title, thread.article) == (t.title, _quoted(t.article))
        assert [c.platform_id for c in thread.comments] == [
            mail_render.message_id(t, i) for i in _display_order(t)]


def _display_order(t: render.Tree) -> list[int]:
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(t.nodes):
        kids.setdefault(node.parent, []).append(i)
    out, stack = [], list(reversed(kids.get(None, [])))
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(reversed(kids.get(i, [])))
    return out


def _encodable(t: render.Tree, encoding: str) -> bool:
    try:
        (t.title + t.article + "".join(n.text for n in t.nodes)).encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@PROPERTY
@given(render.tree(), st.sampled_from(["cp932", "utf-8"]), st.integers(0, 2**16))
def test_dat_round_trip(tmp_path_factory, t, encoding, seed):
    assume(_encodable(t, encoding))
    # a post that opens with ">>N" answers post N: the format cannot say otherwise
    assume(not any(re.match(r"\s*>>\s*\d", n.text) for n in t.nodes if n.parent is None))
    path = tmp_path_factory.mktemp("c") / "thread.dat"
    path.write_bytes(bbs_render.dat(t, encoding, seed))
    (thread,) = read_file(path)
    assert thread.format == "2ch-dat" and (thread.title, thread.article) == (t.title, t.article)
    want = bbs_render.flat_expected(t, anchors=True)
    assert [(c.id, c.parent_id, c.text) for c in thread.comments] == [
        (i, p, x) for i, p, _, x in want]
    # an anchored reply answers its post; another may still quote or name an earlier one
    assert [c.target_id for c, (_, _, target, _) in zip(thread.comments, want, strict=True)
            if target is not None] == [target for _, _, target, _ in want if target is not None]
    assert [c.platform_id for c in thread.comments] == [str(i + 2) for i in range(len(t.nodes))]


_IP_AT_END = re.compile(r"\s\d{1,3}(?:\.\d{1,3}){3}\s*$")


@PROPERTY
@given(render.tree(), st.sampled_from(["big5hkscs", "utf-8"]), st.booleans(),
       st.integers(0, 2**16))
def test_ptt_round_trip(tmp_path_factory, t, encoding, colours, seed):
    assume(_encodable(t, encoding))
    # a push ending in an address-like word is read as the pusher's IP: PTT's own ambiguity
    assume(not any(_IP_AT_END.search(" ".join(n.paragraphs)) for n in t.nodes))
    path = tmp_path_factory.mktemp("p") / "article.txt"
    path.write_bytes(bbs_render.ptt(t, encoding, seed, colours))
    (thread,) = read_file(path)
    assert thread.format == "ptt-article" and (thread.title, thread.article) == (
        t.title, t.article)
    got = [(c.id, c.parent_id, c.text) for c in thread.comments]
    assert got == [(i, p, x) for i, p, _, x in bbs_render.flat_expected(t, one_line=True)]
    assert [c.author for c in thread.comments] == [n.author for n in t.nodes]
    assert [c.platform_id for c in thread.comments] == [f"c{i:03d}" for i in
                                                        range(1, len(t.nodes) + 1)]


# -- the labelled real files of these forms ----------------------------------------------

def _labelled(prefixes: tuple[str, ...]) -> list[tuple[str, str, set[str]]]:
    """``(thread, file, keys)`` of the labelled threads whose files start with ``prefixes``."""
    from discourse.lab.datasets.realthreads import labels_frame, threads_frame

    try:
        table, labels = threads_frame(), labels_frame()
    except Exception:  # noqa: BLE001 - the labels are research data, absent from a wheel
        return []
    keys = {name: set(block["key"]) for name, block in labels.groupby("thread")}
    return [(row.thread, row.file, keys.get(row.thread, set()))
            for row in table.itertuples() if row.file.startswith(prefixes)]


@pytest.mark.parametrize("thread,file,keys", _labelled(("pipermail_", "5ch_", "ptt_")),
                         ids=lambda v: v if isinstance(v, str) and "/" not in v else "")
def test_labelled_real_files_read_with_every_labelled_key(thread, file, keys):
    path = REAL / file
    if not path.is_file():
        pytest.skip(f"{file} not present")
    threads = read_file(path)
    best = max(threads, key=lambda t: len(keys & {c.platform_id for c in t.comments}))
    found = {c.platform_id for c in best.comments}
    assert keys and keys <= found, sorted(keys - found)[:5]


def test_real_pipermail_conversations_are_threads():
    path = REAL / "pipermail_r_help_2007_03.txt"
    if not path.is_file():
        pytest.skip("the labelled real threads are not present")
    threads = read_file(path)
    assert [t.thread_id for t in threads] == ["002601c7600b$d339dd40$4d908980@gne.windows.gene.com",
                                              "20070329193059.M91171@centroin.com.br"]
    assert [len(t.comments) for t in threads] == [16, 33]
    assert {t.site for t in threads} == {"stat.ethz.ch/pipermail/r-help"}


def test_real_dat_and_ptt_files():
    dat, ptt = REAL / "5ch_news4vip_monster_energy.dat", REAL / "ptt_gossiping_yangmingshan_cattle.big5.txt"
    if not (dat.is_file() and ptt.is_file()):
        pytest.skip("the labelled real threads are not present")
    (thread,) = read_file(dat)
    assert (len(thread.comments), thread.thread_id) == (135, "news4vip/1643274178")
    assert sum(c.target_id is not None for c in thread.comments) == 66
    (thread,) = read_file(ptt)
    assert (len(thread.comments), thread.thread_id, thread.site) == (
        301, "M.1608548066.A.6CD", "ptt.cc/bbs/Gossiping")
    assert json.dumps(thread.to_dict(), ensure_ascii=False)  # serialisable


def test_real_mbox_from_a_public_repository():
    """Real qemu-devel messages (patchew's test data, ``From A`` lines without a date):
    the patch is the article, the two reviews answer it and quote it."""
    (thread,) = read_file(FIXTURES / "patchew_0003_qemu_devel.mbox.gz")
    assert (thread.format, thread.title, thread.author, thread.site, thread.thread_id) == (
        "mbox", "[Qemu-devel] [PATCH] hw/mips_malta: Fix YAMON API print routine",
        "Paul Burton", "nongnu.org/qemu-devel", "20160722095540.5887-1-paul.burton@imgtec.com")
    assert [(c.id, c.parent_id, c.author, c.platform_id, c.timestamp) for c in thread.comments] == [
        ("1", None, "Aurelien Jarno", "20160722130539.GA5564@aurel32.net", "2016-07-22T13:05:39Z"),
        ("2", None, "Leon Alrae", "20160726101343.GA20268@hhmipssw201.hh.imgtec.org",
         "2016-07-26T10:13:44Z")]
    assert all(c.quotes for c in thread.comments)  # each quotes the patch
