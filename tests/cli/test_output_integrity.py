"""Issue 23, the adversarial items: what an attacker or an unlucky user does to the command
and the files it reads and writes.  Each item is a kind; each example a test that fails
without its fix.

1. writing fails (a full disk, ``/dev/full``, ``-o`` a folder or under a file): one line,
   exit 2, no partial file left;
2. one bad record, a truncated compressed dump, a JSON array of Reddit comments: the rest
   is read, the damage named with its line;
3. compression limits and a full temporary disk: what happened and what to do;
4. output integrity: CSV formulas, ConvoKit ids, a run where everything fails, the report
   folder's lock, ``.part`` files of a killed run;
5. hiding and memory: deep HTML nesting, huge author names, documents beside a corpus,
   naming thousands of pages;
6. a file name cannot forge a message line;
7. wrong field types in discourse's own JSON;
8. ``<meta charset>`` limited to the WHATWG encoding labels;
10. a model archive whose member lies about its size.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from discourse.cli import main
from tests.support.paths import PROJECT, SEEDS

SEED = SEEDS / "000_1701a6fb48e1cee7.txt"  # 34 comments
SMALL = SEEDS / "004_cf98bbd6559fb7a2.txt"  # 3 comments


def _one_line(capsys) -> str:
    """The one line on standard error (no traceback)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    """Temporary files left in ``folder`` (recursively)."""
    return [p.name for p in folder.rglob("*") if p.name.endswith((".part", ".tmp"))
            or p.name.startswith(".utterances.")]


# -- item 1: writing fails -------------------------------------------------------------------
@pytest.mark.parametrize("command", ["parse", "classify", "analyze"])
def test_output_naming_a_folder_is_one_line(command, tmp_path, capsys):
    assert main([command, str(SMALL), "-o", str(tmp_path), "-q"]) == 2
    assert _one_line(capsys).startswith(f"error: -o {tmp_path}: is a folder; give a file name")


@pytest.mark.parametrize("command", ["parse", "classify", "analyze"])
def test_output_under_a_file_is_one_line(command, tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert main([command, str(SMALL), "-o", str(tmp_path / "f" / "out"), "-q"]) == 2
    assert "is a file, not a folder" in _one_line(capsys)


def test_train_into_an_existing_folder_is_one_line(tmp_path, capsys):
    assert main(["train", str(SEEDS / "labels.csv"), "-o", str(tmp_path), "-q"]) == 2
    assert _one_line(capsys).startswith(f"error: -o {tmp_path}: is a folder")


@pytest.fixture
def full_disk(monkeypatch):
    """Every output file written through ``atomic_output`` lands on ``/dev/full``: its
    temporary file is created in the output folder as usual, then the kernel answers
    ENOSPC ("No space left on device") to the writes, as on a full disk."""
    import discourse.atomic as atomic

    real = os.fdopen

    def fdopen(fd, *args, **kwargs):
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, fd)
        os.close(full)
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet", "convokit"])
def test_a_full_disk_is_one_line_and_leaves_nothing(fmt, tmp_path, capsys, full_disk):
    """Before: a traceback (OSError: [Errno 28]) and, for convokit, an empty folder."""
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / ("corpus" if fmt == "convokit" else f"out.{fmt}")
    assert main(["parse", str(SEED), "--format", fmt, "-o", str(out), "-q"]) == 2
    line = _one_line(capsys)
    assert re.fullmatch(r"error: \S+: cannot write \(no space left on device\)", line), line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_keeps_the_earlier_file(tmp_path, capsys, full_disk):
    out = tmp_path / "out.json"
    out.write_text("[1]\n")
    assert main(["parse", str(SEED), "-o", str(out), "-q"]) == 2
    assert "no space left on device" in _one_line(capsys)
    assert out.read_text() == "[1]\n" and _leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [[], ["--tree"], ["--format", "csv"]])
def test_standard_output_on_dev_full(args):
    """Before: a traceback, and "Exception ignored … BrokenPipe"-style noise at exit."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "discourse.cli", "parse", str(SEED), *args],
                              stdout=full, stderr=subprocess.PIPE, text=True, cwd=PROJECT,
                              timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "error: standard output: cannot write (no space left on device)\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_output_file_dev_full(capsys):
    assert main(["parse", str(SEED), "-o", "/dev/full", "-q"]) == 2
    assert _one_line(capsys) == "error: /dev/full: cannot write (no space left on device)"


def test_a_file_size_limit_is_one_line(tmp_path):
    """A real write failure from the kernel (RLIMIT_FSIZE: "file too large") in a
    subprocess: one line, exit 2, no ``.part`` file."""
    import resource

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    out = tmp_path / "out.json"
    done = subprocess.run([sys.executable, "-m", "discourse.cli", "parse", str(SEED), "-o",
                           str(out), "-q"], stderr=subprocess.PIPE, text=True, cwd=PROJECT,
                          preexec_fn=limit, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"error: {out}: cannot write (file too large)\n"
    assert list(tmp_path.iterdir()) == []


# -- item 4: output integrity ---------------------------------------------------------------
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")",
            "'=already", "''", "'plain", "-", "=", "plain", "x", "a=b", "1-2"]


def _formula_thread():
    from discourse.model import Comment, Thread

    comments = [Comment(str(i + 1), None, 0, author, text)
                for i, (author, text) in enumerate(zip(FORMULAS, reversed(FORMULAS),
                                                       strict=True))]
    comments[0].score = -3
    return Thread("=cmd|' /C calc'!A0", "numbered", "@title", "article", comments,
                  site="-site", thread_id="+tid")


def test_csv_cells_that_start_a_formula_are_neutralised(tmp_path):
    """Before: 16 cells reached a spreadsheet as formulas."""
    import csv

    from discourse.cells import FORMULA_START
    from discourse.write import read_output, write_threads

    out = tmp_path / "t.csv"
    write_threads([_formula_thread()], "csv", str(out))
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for column, value in row.items():
            if column == "score":
                continue
            assert not value or value[0] not in FORMULA_START, (column, value)
    assert rows[0]["score"] == "-3"  # a number stays a number
    assert rows[0]["author"] == "'=1+1" and rows[7]["author"] == "''=already"
    assert rows[9]["author"] == "'plain"  # not a formula: unchanged
    threads, frame = read_output(out)
    assert list(frame["author"]) == FORMULAS
    assert list(frame["text"]) == list(reversed(FORMULAS))
    assert threads[0].source == "=cmd|' /C calc'!A0" and threads[0].site == "-site"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "parquet"])
def test_other_formats_keep_formula_text_exactly(fmt, tmp_path):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    from discourse.write import read_output, write_threads

    out = tmp_path / f"t.{fmt}"
    write_threads([_formula_thread()], fmt, str(out))
    _, frame = read_output(out)
    assert list(frame["author"]) == FORMULAS


def test_neutralising_is_reversible():
    from hypothesis import given
    from hypothesis import strategies as st

    from discourse.cells import FORMULA_START, neutralise_cell, restore_cell

    @given(st.text(alphabet="='+-@\t\rab", max_size=6))
    def check(text):
        safe = neutralise_cell(text)
        assert restore_cell(safe) == text
        assert not safe or safe[0] not in FORMULA_START

    check()


def test_convokit_ids_are_unique_and_reversible(tmp_path):
    """Before: threads ``t`` (comment 1.1) and ``t.1`` (comment 1) both gave the
    utterance ``t.1.1``."""
    from discourse.model import Comment, Thread
    from discourse.read import read_file
    from discourse.write.convokit import thread_id_of, write_corpus

    def thread(tid, ids):
        comments = [Comment(i, i.rpartition(".")[0] or None, i.count("."), "a", f"text {i}")
                    for i in ids]
        return Thread("x", "numbered", tid, "article", comments, thread_id=tid)

    threads = [thread("t", ["1", "1.1"]), thread("t.1", ["1"]), thread("t%2E1", ["1"]),
               thread("t", ["1"])]
    out = write_corpus(threads, tmp_path / "c")
    utts = [json.loads(line) for line in (out / "utterances.jsonl").read_text().splitlines()]
    ids = [u["id"] for u in utts]
    assert len(ids) == len(set(ids)), ids
    for u in utts:
        conv, _, comment = u["id"].partition(".")
        assert conv == u["conversation_id"]
        if comment:
            assert comment == u["meta"]["discourse_id"]
    assert [thread_id_of(u["id"]) for u in utts if u["reply-to"] is None][:3] == \
        ["t", "t.1", "t%2E1"]
    back = read_file(out)
    assert [t.thread_id for t in back] == ["t", "t.1", "t%2E1", "t"]
    assert [[c.id for c in t.comments] for t in back] == [["1", "1.1"], ["1"], ["1"], ["1"]]


@pytest.mark.parametrize("argv", [["parse"], ["parse", "--format", "csv"],
                                  ["analyze", "--format", "json"]])
def test_a_run_where_every_document_fails_keeps_the_earlier_output(argv, tmp_path, capsys):
    """Before: the user's earlier file was replaced by ``[]`` (or a header)."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02 binary")
    out = tmp_path / "earlier.out"
    out.write_text("my earlier results\n")
    assert main([argv[0], str(bad), *argv[1:], "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "binary file" in err and "left as it was" in err
    assert out.read_text() == "my earlier results\n"
    assert main([argv[0], str(bad), *argv[1:], "-o", str(tmp_path / "new.out"), "-q"]) == 2
    assert not (tmp_path / "new.out").exists()


_LOCKER = """
import sys, time
from discourse.report.output import OutputError, OutputFolder
folder, start = sys.argv[1], float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
try:
    with OutputFolder(folder):
        print("won", flush=True)
        time.sleep(2)
except OutputError as exc:
    print("lost", exc, flush=True)
"""


def test_eight_simultaneous_report_runs_exactly_one_wins(tmp_path):
    """Before: up to 4 of 8 runs took the lock (an empty lock file was deleted as
    stale)."""
    start = time.time() + 3
    procs = [subprocess.Popen([sys.executable, "-c", _LOCKER, str(tmp_path), str(start)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=PROJECT) for _ in range(8)]
    outs = [p.communicate(timeout=120) for p in procs]
    results = [out.split()[0] if out else err for out, err in outs]
    assert sorted(results) == ["lost"] * 7 + ["won"], outs
    lost = [out for out, _ in outs if out.startswith("lost")]
    assert all("another discourse report" in line for line in lost)


def test_the_report_lock_is_released_with_a_killed_process(tmp_path):
    """A run killed with SIGKILL cannot remove its lock: the system releases it."""
    from discourse.report.output import OutputFolder

    holder = subprocess.Popen([sys.executable, "-c", _LOCKER, str(tmp_path), "0"],
                              stdout=subprocess.PIPE, text=True, cwd=PROJECT)
    assert holder.stdout.readline().strip() == "won"
    holder.kill()
    holder.wait()
    with OutputFolder(tmp_path):
        pass


def _write_slowly(out: Path) -> subprocess.Popen:
    code = ("import sys, time\n"
            "from discourse.atomic import atomic_output\n"
            "with atomic_output(sys.argv[1]) as h:\n"
            "    h.write('partial'); h.flush(); print('writing', flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE,
                            text=True, cwd=PROJECT)
    assert proc.stdout.readline().strip() == "writing"
    return proc


def test_part_file_of_a_killed_run_is_cleaned_by_the_next_run(tmp_path, capsys):
    """Before: ``kill -9`` left ``.out.json.*.part`` for ever."""
    out = tmp_path / "out.json"
    proc = _write_slowly(out)
    proc.kill()
    proc.wait()
    parts = list(tmp_path.glob(".out.json.*.part"))
    assert len(parts) == 1 and parts[0].read_text() == "partial"
    assert main(["parse", str(SMALL), "-o", str(out), "-q"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_part_file_of_a_running_writer_is_left_alone(tmp_path):
    from discourse.atomic import clean_stale_parts

    out = tmp_path / "out.json"
    proc = _write_slowly(out)
    try:
        assert clean_stale_parts(tmp_path, again=True) == []
        assert len(list(tmp_path.glob(".out.json.*.part"))) == 1
    finally:
        proc.kill()
        proc.wait()
    assert len(clean_stale_parts(tmp_path, again=True)) == 1


# -- item 6: file names cannot forge lines ----------------------------------------------------
@pytest.mark.parametrize("name", ["a\nerror: forged.txt", "b\rerror: forged.txt",
                                  "c\x1b[2K\x1b[1Gerror: forged.txt", "d\u2028e.txt",
                                  "e\u202etxt.exe"])
def test_a_file_name_cannot_forge_message_lines(name, tmp_path, capsys):
    """Before: a newline in a file name started a line ``error: forged.txt …`` of its
    own."""
    bad = tmp_path / name
    bad.write_bytes(b"\x00\x01 binary")
    assert main(["parse", str(bad), "-o", str(tmp_path / "o.json")]) == 2
    line = _one_line(capsys)
    assert line.startswith("error: ") and line.endswith("binary file, not a text document")
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u202e]", line)
    from discourse.errors import one_line

    assert one_line(str(bad)) in line


def test_one_line_escapes_visibly():
    from discourse.errors import InputError, one_line

    assert one_line("a\nb\r\tc\x1bd\u202e") == "a\\nb\\r\\tc\\x1bd\\u202e"
    assert one_line("plain ünïcode 😀") == "plain ünïcode 😀"
    assert str(InputError("x\ny", "bad")) == "x\\ny: bad"
