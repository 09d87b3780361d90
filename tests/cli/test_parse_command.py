"""`discourse parse` end to end: formats, tree view, bad input and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from discourse import InputError, iter_threads, parse_file
from discourse.cli import main
from tests.support.paths import SEEDS

SEED_000 = SEEDS / "000_1701a6fb48e1cee7.txt"


def run_cli(*args: str, capsys) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_json_schema(capsys):
    code, out, err = run_cli("parse", str(SEEDS), capsys=capsys)
    assert code == 0, err
    data = json.loads(out)
    assert [len(t["comments"]) for t in data] == [34, 13, 0, 0, 3]
    first = data[0]
    assert set(first) >= {"source", "title", "layout", "article", "comments", "noise",
                          "warnings", "encoding"}
    assert set(first["comments"][0]) >= {"id", "parent_id", "depth", "author", "text", "inline",
                                          "target_id", "quotes", "line"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_parse_other_formats_round_trip(fmt, tmp_path, capsys):
    out = tmp_path / f"seeds.{fmt}"
    code, _, err = run_cli("parse", str(SEEDS), "--format", fmt, "-o", str(out), capsys=capsys)
    assert code == 0, err
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert len(rows) == 5
        assert rows[0]["comments"][13]["inline"] is False
    else:
        frame = pd.read_csv(out) if fmt == "csv" else pd.read_parquet(out)
        assert len(frame) == 34 + 13 + 3
        assert frame["text"].str.len().min() > 0
        ids = frame[frame["source"].str.endswith("000_1701a6fb48e1cee7.txt")]["id"].astype(str)
        assert list(ids[:3]) == ["1", "2", "2.1"]
    assert not list(tmp_path.glob("*.part")), "no temporary files left behind"


def test_parse_tree_view(capsys):
    code, out, _ = run_cli("parse", "--tree", str(SEED_000), capsys=capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Reconciling Stalin with Victory  [akarlin.com, 34 comments]")
    assert lines[3].startswith("  2.1 d1 Alex (that one:): Sean – well said:")
    assert any(line.startswith("  10.1 d1 AK (inline note): Oleg, please stop") for line in lines)


def test_parse_explain(capsys):
    code, out, _ = run_cli("parse", "--explain", str(SEEDS / "002_836bfa67c2701070.txt"),
                           capsys=capsys)
    assert code == 0
    assert "not comments" in out and "vote_counts -3.0" in out


def test_jobs_give_the_same_output(capsys):
    _, one, _ = run_cli("parse", str(SEEDS), capsys=capsys)
    _, two, _ = run_cli("parse", str(SEEDS), "--jobs", "2", capsys=capsys)
    assert one == two


def test_iter_threads_is_lazy(tmp_path):
    (tmp_path / "a.txt").write_text("Title A\n\nText.\n", "utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    it = iter_threads(tmp_path)
    assert next(it).title == "Title A"
    with pytest.raises(InputError, match=r"b\.txt: empty file"):
        next(it)


# -- bad input --------------------------------------------------------------------------
def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name,data,message", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n \t\n", "empty file"),
    ("binary.txt", bytes(range(256)) * 4, "binary file"),
])
def test_unusable_file_is_one_line_exit_2(tmp_path, capsys, name, data, message):
    path = _bad(tmp_path, name, data)
    code, out, err = run_cli("parse", str(path), capsys=capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == f"error: {path}: {message}" + lines[0].split(message, 1)[1]
    assert "Traceback" not in err


def test_missing_path_and_empty_folder(tmp_path, capsys):
    code, _, err = run_cli("parse", str(tmp_path / "nope.txt"), capsys=capsys)
    assert code == 2 and err.strip() == f"error: {tmp_path / 'nope.txt'}: no such file or folder"
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli("parse", str(tmp_path / "empty"), capsys=capsys)
    assert code == 2
    assert err.strip().startswith(f"error: {tmp_path / 'empty'}: folder has no documents")


def test_non_utf8_falls_back_and_says_so(tmp_path, capsys):
    text = "Caf\xe9 society\n\nThe article \u2013 with cp1252 dashes.\n"
    path = _bad(tmp_path, "cp.txt", text.encode("cp1252"))
    thread = parse_file(path)
    assert thread.title == "Café society" and thread.encoding == "cp1252"
    assert thread.warnings[0] == "not UTF-8; decoded as cp1252"
    code, _, err = run_cli("parse", str(path), capsys=capsys)
    assert code == 0
    assert f"warning: {path}: not UTF-8; decoded as cp1252" in err


def test_bad_document_is_skipped_rest_processed(tmp_path, capsys):
    (tmp_path / "good.txt").write_text("Good\n\nFine text.\n", "utf-8")
    _bad(tmp_path, "zbad.txt", b"\x00\x01\x02binary")
    code, out, err = run_cli("parse", str(tmp_path), capsys=capsys)
    assert code == 1
    assert [t["title"] for t in json.loads(out)] == ["Good"]
    assert f"error: {tmp_path / 'zbad.txt'}: binary file" in err
    assert "1 of 2 documents failed" in err


def test_partial_parse_warns_where_it_guessed(tmp_path, capsys):
    text = ("T\n\nArticle prose with enough words in it to be counted as prose.\n\nComments\n\n"
            "  1. One comment with a few words.\n\n  3. Numbering skipped a value here.\n")
    path = tmp_path / "gap.txt"
    path.write_text(text, "utf-8")
    code, out, err = run_cli("parse", str(path), capsys=capsys)
    assert code == 0
    assert len(json.loads(out)[0]["comments"]) == 2
    assert "numbering breaks off (expected 2, found 3)" in err
    code, _, err = run_cli("parse", "-q", str(path), capsys=capsys)
    assert err == ""


def test_console_script_runs_without_traceback(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_text("")
    proc = subprocess.run([sys.executable, "-m", "discourse.cli", "parse", str(empty)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {empty}: empty file (no text to parse)"


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_thread_json_round_trip(path):
    import dataclasses

    from discourse import Thread

    thread = parse_file(path)
    data = json.loads(json.dumps(thread.to_dict(), ensure_ascii=False))
    assert data == dataclasses.asdict(thread)
    assert Thread.from_dict(data) == thread
    frame = thread.to_frame()
    assert len(frame) == len(thread.comments)
    assert list(frame["id"]) == [c.id for c in thread.comments]
