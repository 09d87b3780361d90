"""Exports load back as written: JSON, JSON Lines, CSV and Parquet round trips through
:func:`discourse.write.read_output`, with ids that look like numbers (``1.10`` must not
become 1.1), text that looks like missing values ("NA", "null"), leading zeros, lists
with separators inside, and the Parquet column types."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discourse.cli import main
from discourse.errors import InputError
from discourse.model import Comment, Thread
from discourse.write import COMMENT_COLUMNS, format_tree, read_output, write_threads
from tests.support.paths import SEEDS

FORMATS = ("json", "jsonl", "csv", "parquet")


def tricky_thread(source: str = "site/a.txt", **fields) -> Thread:
    spec = [("1", None), ("1.1", "1"), ("1.2", "1"), ("1.10", "1"), ("1.2.10", "1.2"),
            ("10", None), ("10.1", "10")]
    comments = []
    for i, (cid, parent) in enumerate(spec):
        comments.append(Comment(
            id=cid, parent_id=parent, depth=cid.count("."),
            author=["NA", "null", "None", "0012", "nan", "Zoë, \"Z\"", "=1+1"][i],
            text=["NA", "a, b\n\nnew \"paragraph\"", "1.10", "  spaced  ", "null", "é ✓ 😀",
                  "line1\r\nline2"][i],
            inline=i == 2, quotes=[] if i % 2 else ["a; b", 'x"y', "1.10"],
            target_id="13" if cid == "10" else None, line=i * 10 if i else None,
            timestamp="2024-01-02T03:04:05Z" if i == 1 else None,
            score=[None, 0, -3, 1000000, None, 7, None][i], platform_id="00123" if i == 0 else None,
            permalink="https://example.org/c/1.10" if i == 3 else None,
            status="deleted" if i == 6 else None,
            label=[None, "rebuttal", "moderation", "agreement", "off-topic", "rebuttal", None][i],
            confidence=[None, 0.25, 0.95, 0.5, 0.4999, 1.0, None][i],
            reasons=[] if i in (0, 6) else ["opens with disagreement: no; wrong", "r2"],
            sentiment=[None, -0.5, 0.0, 0.25, 1.0, -1.0, None][i],
            probabilities=None if i in (0, 6) else
            {"agreement": 0.1, "rebuttal": 0.7, "moderation": 0.1, "off-topic": 0.1}))
    base = dict(source=source, layout="numbered", title="1.10", article="Article text.",
                comments=comments, site="0042.example", format="text", thread_id="007")
    base.update(fields)
    return Thread(**base)


def _without_article(thread: Thread) -> Thread:
    """What a table (CSV/Parquet) can carry of a thread."""
    return dataclasses.replace(thread, article="", noise=[], warnings=[], encoding="utf-8",
                               url=None, published=None, missing=None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_every_format(tmp_path, fmt):
    threads = [tricky_thread(), tricky_thread("site/b.txt", title="Second", site=None)]
    path = tmp_path / f"out.{fmt}"
    assert write_threads(threads, fmt, str(path)) == 2
    back, frame = read_output(path)
    expected = threads if fmt in ("json", "jsonl") else [_without_article(t) for t in threads]
    assert back == expected
    assert list(frame.columns) == list(COMMENT_COLUMNS)
    assert len(frame) == 14
    assert frame["id"].tolist()[:5] == ["1", "1.1", "1.2", "1.10", "1.2.10"]
    assert frame["target_id"].tolist()[5] == "13"
    assert frame["platform_id"].tolist()[0] == "00123"
    assert frame["author"].tolist()[:5] == ["NA", "null", "None", "0012", "nan"]
    assert frame["text"].tolist()[0] == "NA"
    assert frame["thread_id"].tolist()[0] == "007" and frame["site"].tolist()[0] == "0042.example"
    assert str(frame["id"].dtype) == "string" and str(frame["depth"].dtype) == "int64"
    assert str(frame["score"].dtype) == "Int64" and frame["score"].tolist()[:4] == [pd.NA, 0, -3,
                                                                                  1000000]
    assert frame["inline"].dtype == bool and frame["inline"].tolist()[2]
    assert frame["quotes"].tolist()[0] == ["a; b", 'x"y', "1.10"]
    assert frame["reasons"].tolist()[1] == ["opens with disagreement: no; wrong", "r2"]
    assert frame["probabilities"].tolist()[1]["rebuttal"] == 0.7
    assert frame["probabilities"].tolist()[0] is None
    assert frame["confidence"].tolist()[4] == 0.4999


def test_parquet_has_real_list_and_string_types(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "out.parquet"
    write_threads([tricky_thread()], "parquet", str(path))
    schema = pq.read_schema(path)
    for name in ("id", "parent_id", "target_id", "platform_id", "thread_id", "author", "label"):
        assert schema.field(name).type == pa.string(), name
    assert schema.field("quotes").type == pa.list_(pa.string())
    assert schema.field("reasons").type == pa.list_(pa.string())
    assert schema.field("probabilities").type == pa.map_(pa.string(), pa.float64())
    assert schema.field("depth").type == pa.int64() and schema.field("score").type == pa.int64()
    plain = pd.read_parquet(path)  # a plain read keeps ids as text
    assert plain["id"].tolist()[:4] == ["1", "1.1", "1.2", "1.10"]
    assert list(plain["quotes"][0]) == ["a; b", 'x"y', "1.10"]


def test_csv_lists_are_json_and_documented_plain_read_keeps_ids(tmp_path):
    path = tmp_path / "out.csv"
    write_threads([tricky_thread()], "csv", str(path))
    plain = pd.read_csv(path, dtype=str, keep_default_na=False)  # the README's plain read
    assert plain["id"].tolist()[:4] == ["1", "1.1", "1.2", "1.10"]
    assert json.loads(plain["quotes"][0]) == ["a; b", 'x"y', "1.10"]
    assert json.loads(plain["reasons"][1]) == ["opens with disagreement: no; wrong", "r2"]
    assert plain["author"][0] == "NA"


def test_cli_outputs_read_back(tmp_path, capsys):
    seed = str(SEEDS / "000_1701a6fb48e1cee7.txt")
    parsed = {}
    for fmt in FORMATS:
        out = tmp_path / f"seed.{fmt}"
        assert main(["parse", seed, "--format", fmt, "-o", str(out), "-q"]) == 0
        threads, frame = read_output(out)
        parsed[fmt] = (threads, frame)
        assert frame["id"].is_unique
    json_threads = parsed["json"][0]
    for fmt in ("jsonl", "csv", "parquet"):
        threads, frame = parsed[fmt]
        assert [c.id for c in threads[0].comments] == [c.id for c in json_threads[0].comments]
        assert [c.quotes for c in threads[0].comments] == \
            [c.quotes for c in json_threads[0].comments]
        assert frame["id"].tolist() == parsed["json"][1]["id"].tolist()


def test_read_output_refuses_other_files(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.json: line 1, column 3: invalid JSON"):
        read_output(bad)
    with pytest.raises(InputError, match="cannot read"):
        read_output(tmp_path / "missing.csv")


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"))
                | st.sampled_from(["\n", ",", '"', ";"]), max_size=30) \
    | st.sampled_from(["NA", "1.10", "null", "", "007"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.from_regex(r"[1-9][0-9]?(\.[0-9]{1,2}0?){0,2}", fullmatch=True),
                    min_size=1, max_size=6, unique=True),
       texts=st.lists(_TEXT, min_size=6, max_size=6),
       authors=st.lists(st.none() | _TEXT.filter(bool), min_size=6, max_size=6))
def test_round_trip_property(tmp_path, ids, texts, authors):
    comments = [Comment(id=cid, parent_id=None, depth=0, author=authors[i], text=texts[i],
                        quotes=[texts[(i + 1) % 6]] if texts[(i + 1) % 6] else [],
                        reasons=[texts[(i + 2) % 6]], label="rebuttal", confidence=0.5)
                for i, cid in enumerate(ids)]
    thread = Thread(source="p/t.txt", layout=None, title=texts[0], article="", comments=comments)
    for fmt in FORMATS:
        path = tmp_path / f"prop.{fmt}"
        write_threads([thread], fmt, str(path))
        back, frame = read_output(path)
        assert back[0].comments == comments, fmt
        assert frame["id"].tolist() == ids


def test_tree_shows_confidence_and_strips_control_characters():
    thread = tricky_thread(title="T\x1b[2J\x1b]0;pwned\x07itle\r")
    thread.comments[1].author = "evil\x1b[31m"
    thread.comments[1].text = "bad\x1b[1A\x9b2Jtext\u202e"
    tree = format_tree(thread)
    assert "\x1b" not in tree and "\r" not in tree and "\x9b" not in tree
    assert "\u202e" not in tree and "\x07" not in tree
    assert tree.splitlines()[0].startswith("Title  [0042.example, 7 comments]")
    lines = tree.splitlines()
    assert lines[2] == "  1.1 d1 evil [rebuttal 25%?]: badtext"
    assert "[moderation 95%]" in lines[3]
    assert "[agreement 50%]" in lines[4]  # 0.5 is not below the threshold


def test_tree_bounds_a_huge_title():
    thread = tricky_thread(title="word " * 2_000_000)
    head = format_tree(thread).splitlines()[0]
    assert len(head) < 300
