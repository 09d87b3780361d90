"""The README's promises kept (issue 22, items 9 and 11): one line and exit 2 for an
output that cannot be written, never a traceback; ``--max-bytes`` documented once;
evaluate's note and its progress off a terminal; a missing ``seeds/`` exits 2;
``analyze --help``; ConvoKit files with the user's umask; a short ``repr(thread)``."""

from __future__ import annotations

import os
import re

import pytest

from discourse.cli import main
from discourse.read import parse_file
from tests.support.paths import PROJECT, SEEDS

SEED = SEEDS / "000_1701a6fb48e1cee7.txt"


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# -- item 9: outputs that cannot be written ---------------------------------------------------
def test_parquet_without_output_is_one_line(capsys):
    assert main(["parse", str(SEED), "--format", "parquet"]) == 2
    assert _one_line_error(capsys) == "error: Parquet output needs a file: give -o FILE.parquet"


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_output_naming_an_existing_folder_is_one_line(fmt, tmp_path, capsys):
    assert main(["parse", str(SEED), "--format", fmt, "-o", str(tmp_path)]) == 2
    line = _one_line_error(capsys)
    assert line.startswith(f"error: -o {tmp_path}: is a folder; give a file name")


@pytest.mark.parametrize("argv", [
    ["parse", "--format", "json"], ["parse", "--format", "convokit"], ["classify"],
    ["analyze", "--format", "csv"]])
def test_output_under_a_file_is_one_line(argv, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = blocker / "sub" / "out"
    assert main([argv[0], str(SEED), *argv[1:], "-o", str(out)]) == 2
    assert _one_line_error(capsys) == (f"error: -o {out}: cannot create it, {blocker} is a "
                                       "file, not a folder")


def test_folder_outputs_refuse_an_existing_file(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["parse", str(SEED), "--format", "convokit", "-o", str(blocker)]) == 2
    assert _one_line_error(capsys) == f"error: -o {blocker}: exists and is not a folder"
    assert main(["report", str(SEED), "-o", str(blocker), "-q"]) == 2
    assert "exists and is not a folder" in _one_line_error(capsys)


# -- item 11: small things -------------------------------------------------------------------
def test_max_bytes_is_documented_once_with_its_default():
    readme = (PROJECT / "README.md").read_text("utf-8")
    assert "256 MiB" not in readme
    from discourse.read.source import DEFAULT_MAX_BYTES, size_text

    assert size_text(DEFAULT_MAX_BYTES) == "64 MiB"
    assert len(re.findall(r"--max-bytes SIZE` \(largest document, default 64 MiB\)", readme)) == 1


@pytest.mark.slow
def test_evaluate_note_and_log_lines_off_a_terminal(tmp_path, capsys, monkeypatch):
    """Without the public data the note says what was and was not evaluated (it said
    "only the seeds were evaluated" after scoring the real threads too), and progress
    comes as log lines with the elapsed time on a non-terminal standard error."""
    import discourse.lab.evaluate as lab_evaluate

    def real_test(ev, model, train, test, baselines, progress):
        progress("real threads (test split) / real_threads: training on 10 pairs")

    monkeypatch.setattr(lab_evaluate, "evaluate_real_test", real_test)
    monkeypatch.setattr(lab_evaluate, "throughput", lambda *a, **k: 1.0)
    monkeypatch.setattr(lab_evaluate, "evaluate_held_out", lambda *a, **k: None)
    code = main(["evaluate", "--shared", "none", "-o", str(tmp_path / "ev")])
    out, err = capsys.readouterr()
    assert code == 0
    assert "only the seeds" not in out
    assert f"note: {lab_evaluate.PUBLIC_DATA_ABSENT}" in out
    assert "the seeds and the labelled real threads were" in lab_evaluate.PUBLIC_DATA_ABSENT
    assert re.search(r"^\[ ?\d+:\d\d\] real threads \(test split\) / real_threads: training on "
                     r"10 pairs$", err, re.M), err


def test_report_without_paths_and_without_seeds_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["report", "-q"]) == 2
    assert "no PATH given and no seeds/ folder here" in _one_line_error(capsys)


def test_analyze_help_describes_it_and_offers_no_convokit(capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    out = capsys.readouterr().out
    assert "debate metrics, one row per thread" in out.replace("\n", " ").replace("  ", " ")
    assert "--format {json,jsonl,csv,parquet}" in out  # rows: no ConvoKit corpus
    assert "--format convokit" not in out


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_convokit_files_follow_the_umask(mask, tmp_path):
    old = os.umask(mask)
    try:
        assert main(["parse", str(SEED), "--format", "convokit", "-o", str(tmp_path / "c"),
                     "-q"]) == 0
    finally:
        os.umask(old)
    for name in ("utterances.jsonl", "speakers.json", "conversations.json", "index.json"):
        assert (tmp_path / "c" / name).stat().st_mode & 0o777 == 0o666 & ~mask, name


def test_repr_of_a_thread_is_short_and_the_notebook_shows_the_tree():
    thread = parse_file(SEED)
    text = repr(thread)
    assert len(text) < 200 and "\n" not in text
    assert text.startswith("<Thread 'Reconciling Stalin with Victory' (text, akarlin.com): "
                           "34 comments, 17 top-level")
    assert len(repr(thread.comments[0])) < 160
    page = thread._repr_html_()
    assert "Reconciling Stalin with Victory" in page and "34 comments" in page
    assert page.count("<code>") == 34
    assert "margin-left:1.2em" in page  # replies indented under their parent
    assert "<script" not in thread._repr_html_().lower()
    thread.comments[0].text = "<script>alert(1)</script>"
    assert "<script>" not in thread._repr_html_()
