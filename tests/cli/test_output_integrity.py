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
8. ``<meta charset>`` (and a mail's charset) limited to the WHATWG encoding labels;
9. the text parser's finds, pinned, and property tests that draw the same examples on
   every run;
10. a model archive whose member lies about its size.

docs/robustness.md lists each example, the behaviour now and its test here.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
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


@pytest.mark.parametrize("command", ["classify", "analyze"])
def test_a_bad_output_is_refused_before_the_model_loads(command, tmp_path, capsys,
                                                        monkeypatch):
    """Before: the model loaded first (seconds) and then the run stopped."""
    import discourse.cli as cli

    monkeypatch.setattr(cli, "_model", lambda spec: pytest.fail("model loaded"))
    assert main([command, str(SMALL), "-o", str(tmp_path), "-q"]) == 2
    assert _one_line(capsys).startswith(f"error: -o {tmp_path}: is a folder")
    (tmp_path / "f").write_text("x")
    assert main([command, str(SMALL), "--format",
                 "convokit" if command == "classify" else "csv", "-o",
                 str(tmp_path / "f" / "out"), "-q"]) == 2
    assert "f is a file, not a folder" in _one_line(capsys)


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


def _contend(folder: str, ready, tried, results) -> None:
    """One of the simultaneous report runs (a forked process): all take the lock at the
    same moment (``ready``), and the winner holds it until every run has tried
    (``tried``), so the count does not depend on how fast the machine starts them."""
    from discourse.report.output import OutputError, OutputFolder

    ready.wait(timeout=60)
    try:
        with OutputFolder(folder):
            results.put("won")
            tried.wait(timeout=60)
    except OutputError as exc:
        results.put(f"lost {exc}")
        tried.wait(timeout=60)


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_eight_simultaneous_report_runs_exactly_one_wins(tmp_path):
    """Before: up to 4 of 8 runs took the lock (an empty lock file was deleted as
    stale).  (Forked processes: no start-up time, and no run can come late and take the
    lock after the winner released it.)"""
    import multiprocessing

    import discourse.report.output  # noqa: F401  (imported once, before the fork)

    fork = multiprocessing.get_context("fork")
    ready, tried, results = fork.Barrier(8), fork.Barrier(8), fork.Queue()
    procs = [fork.Process(target=_contend, args=(str(tmp_path), ready, tried, results))
             for _ in range(8)]
    for proc in procs:
        proc.start()
    outs = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert sorted(out.split()[0] for out in outs) == ["lost"] * 7 + ["won"], outs
    assert all("another discourse report" in out for out in outs if out != "won")
    assert [proc.exitcode for proc in procs] == [0] * 8


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


# -- item 2: one bad record does not lose a whole dump ------------------------------------
def _reddit_dump(bad: bytes | None = None, n: int = 1000) -> bytes:
    """``n`` Reddit comments of one thread as NDJSON, ``bad`` as line 501."""
    lines = [json.dumps({"id": f"c{i}", "parent_id": "t3_abc", "link_id": "t3_abc",
                         "author": f"u{i}", "body": f"comment number {i}",
                         "created_utc": 1600000000 + i}).encode() for i in range(n)]
    if bad is not None:
        lines.insert(500, bad)
    return b"\n".join(lines) + b"\n"


BAD_RECORDS = {
    "invalid-utf8": (b'{"id": "x", "parent_id": "t3_abc", "link_id": "t3_abc", "body": "a\xffb"}',
                     "invalid UTF-8 byte 0xff"),
    "lone-surrogate": (b'{"id": "x", "parent_id": "t3_abc", "link_id": "t3_abc", '
                       b'"body": "a\\ud800b"}', "surrogate"),
    "10000-digits": (b'{"id": "x", "parent_id": "t3_abc", "link_id": "t3_abc", "score": '
                     + b"9" * 10_000 + b"}", "number"),
}


@pytest.mark.parametrize("kind", sorted(BAD_RECORDS))
def test_one_bad_record_in_a_dump_keeps_the_other_999(kind, tmp_path, capsys):
    """Before: 0 of 1,000 comments (the whole dump failed on its line 501)."""
    bad, reason = BAD_RECORDS[kind]
    dump = tmp_path / "RC_dump.ndjson"
    dump.write_bytes(_reddit_dump(bad))
    out = tmp_path / "out.json"
    assert main(["parse", str(dump), "-o", str(out)]) == 0
    [thread] = json.loads(out.read_text())
    assert len(thread["comments"]) == 1000
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = [w for w in err.splitlines() if "not valid JSON" in w]
    assert line.startswith(f"warning: {dump}: 1 line(s) not valid JSON, skipped (the other "
                           f"1000 read): line 501 (column ")
    assert reason in line


def _own_jsonl(tmp_path: Path, n: int = 20) -> list[bytes]:
    """``n`` one-comment threads in discourse's own JSON Lines."""
    one = tmp_path / "one.jsonl"
    assert main(["parse", str(SMALL), "--format", "jsonl", "-o", str(one), "-q"]) == 0
    record = json.loads(one.read_text())
    record["article"], record["comments"] = "a", record["comments"][:1]
    return [json.dumps(dict(record, title=f"t{i}")).encode() for i in range(n)]


@pytest.mark.parametrize("kind", sorted(BAD_RECORDS))
def test_one_bad_line_in_our_own_jsonl_keeps_the_rest(kind, tmp_path, capsys):
    """Before: the threads after the bad line were lost and the run ended with exit 2."""
    lines = _own_jsonl(tmp_path)
    bad = lines[0].replace(b'"t0"', b'"t\xff"') if kind == "invalid-utf8" else \
        lines[0].replace(b'"t0"', b'"t\\udc00"') if kind == "lone-surrogate" else \
        lines[0].replace(b'"depth": 0', b'"depth": ' + b"9" * 10_000)
    path = tmp_path / "threads.jsonl"
    path.write_bytes(b"\n".join(lines[:10] + [bad] + lines[10:]) + b"\n")
    out = tmp_path / "out.json"
    assert main(["parse", str(path), "-o", str(out)]) == 0
    assert [t["title"] for t in json.loads(out.read_text())] == [f"t{i}" for i in range(20)]
    line = _one_line(capsys)
    assert line.startswith(f"warning: {path}: 1 line(s) not valid JSON, skipped (the other 20 "
                           f"read): line 11 (column ")


def test_bad_lines_of_a_generic_ndjson_are_named_once(tmp_path, capsys):
    """Before: the warning was repeated on every thread of the file (999 times)."""
    lines = [json.dumps({"title": f"t{i}", "comments": [{"id": "1", "text": f"hi {i}",
                                                         "user": "a"}]}).encode()
             for i in range(30)]
    path = tmp_path / "records.ndjson"
    path.write_bytes(b"\n".join(lines[:5] + [b'{"title": "x\xff"}'] + lines[5:]) + b"\n")
    assert main(["parse", str(path), "-o", str(tmp_path / "o.json")]) == 0
    err = capsys.readouterr().err
    assert err.count("not valid JSON") == 1, err
    assert "line 6 (column 13: invalid UTF-8 byte 0xff)" in err


def _zst_dump(tmp_path: Path, cut: slice | None = None, flip: bool = False) -> Path:
    """A zstd-compressed dump of 1,000 comments (several blocks, with a checksum),
    cut to ``cut`` or with bytes in its middle flipped."""
    import random

    zstandard = pytest.importorskip("zstandard")
    words = random.Random(1)
    lines = [json.dumps({"id": f"c{i}", "parent_id": "t3_abc", "link_id": "t3_abc",
                         "author": f"u{i}", "body": " ".join(words.choice(
                             ["alpha", "beta", "gamma", "delta"]) for _ in range(40)),
                         "created_utc": 1600000000 + i}).encode() for i in range(1000)]
    data = zstandard.ZstdCompressor(level=1, write_checksum=True).compress(
        b"\n".join(lines) + b"\n")
    if cut is not None:
        data = data[cut]
    if flip:
        middle = len(data) // 2
        data = data[:middle] + bytes(b ^ 0x55 for b in data[middle:middle + 40]) + \
            data[middle + 40:]
    path = tmp_path / "RC_dump.ndjson.zst"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("how", ["truncated", "damaged"])
def test_a_cut_or_damaged_zst_dump_is_read_to_the_damage_and_says_so(how, tmp_path, capsys):
    """Before: exit 0, silence, and half the comments."""
    path = _zst_dump(tmp_path, cut=slice(None, 22_000) if how == "truncated" else None,
                     flip=how == "damaged")
    out = tmp_path / "out.json"
    assert main(["parse", str(path), "-o", str(out)]) == 0
    [thread] = json.loads(out.read_text())
    assert 100 < len(thread["comments"]) < 1000
    err = capsys.readouterr().err
    assert "Traceback" not in err
    said = [w for w in err.splitlines() if f"{how}: the zstd data" in w]
    assert len(said) == 1 and said[0].startswith(f"warning: {path}: {how}: "), err
    assert "read to the cut" in said[0] if how == "truncated" else "read up to" in said[0]


@pytest.mark.parametrize("cut", [1, 3, 5])
def test_a_zst_dump_cut_inside_its_first_header_is_truncated(cut, tmp_path, capsys):
    """Found by the fuzz test below: cut inside the magic number, the file was read as
    text ("no comments"), then as an empty file."""
    path = _zst_dump(tmp_path, cut=slice(None, cut))
    assert main(["parse", str(path), "-o", str(tmp_path / "o.json")]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"error: {path}: truncated: the zstd data ends before any of it could be "
        f"decompressed")


# -- item 3: compression limits and the temporary disk ---------------------------------------
def test_a_zstd_window_beyond_max_window_names_the_option(tmp_path, capsys):
    zstandard = pytest.importorskip("zstandard")
    params = zstandard.ZstdCompressionParameters(window_log=27, write_content_size=False)
    path = tmp_path / "RC_long.ndjson.zst"
    with open(path, "wb") as handle, zstandard.ZstdCompressor(
            compression_params=params).stream_writer(handle) as writer:
        writer.write(_reddit_dump(n=50))
    assert main(["parse", str(path), "--max-window", "1MiB", "-o",
                 str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err
    assert err.splitlines()[0] == (
        f"error: {path}: the first zstd frame needs a 128 MiB window (that much memory) to "
        f"decompress, more than --max-window allows (1 MiB); raise it with --max-window "
        f"128MiB if this machine has the memory")
    assert main(["parse", str(path), "-o", str(tmp_path / "o.json"), "-q"]) == 0


def test_a_zstd_window_zstd_cannot_decode_is_one_line(tmp_path, capsys):
    """A frame header claiming a 2 TiB window (a damaged or hostile file)."""
    zstandard = pytest.importorskip("zstandard")
    frame = bytearray(zstandard.ZstdCompressor(write_content_size=False).compress(
        _reddit_dump(n=20)))
    assert frame[4] == 0  # no single-segment flag: byte 5 is the window descriptor
    frame[5] = 31 << 3  # window log 41
    path = tmp_path / "RC_bad.ndjson.zst"
    path.write_bytes(bytes(frame))
    assert main(["parse", str(path), "-o", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (f"error: {path}: the first zstd frame needs a 2048 GiB "
                                   f"window to decompress, more than zstd decodes (2 GiB): "
                                   f"the file is damaged or not zstd data")


def test_a_full_temporary_disk_while_grouping_a_dump_says_tmpdir(tmp_path, capsys,
                                                                  monkeypatch):
    """The spill database fills its disk (SQLite's own "database or disk is full", made
    real by a page limit).  Before: "internal error … please report it"."""
    import sqlite3
    import tempfile

    from discourse.read import reddit

    real = sqlite3.connect

    def small_disk(*args, **kwargs):
        db = real(*args, **kwargs)
        db.execute("PRAGMA max_page_count = 4")
        return db

    monkeypatch.setattr(sqlite3, "connect", small_disk)
    monkeypatch.setattr(reddit.read_ndjson, "__defaults__",
                        (10, *reddit.read_ndjson.__defaults__[1:]))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dump = tmp_path / "RC_dump.ndjson"
    dump.write_bytes(_reddit_dump(n=300))
    assert main(["parse", str(dump), "-o", str(tmp_path / "o.json")]) == 2
    line = capsys.readouterr().err.splitlines()[0]
    assert line.startswith(f"error: {dump}: the temporary disk is full ({tmp_path}): ")
    assert line.endswith("set TMPDIR to a folder on a disk with more room")
    assert not list(tmp_path.glob("discourse-spill-*"))  # the spill is removed


# -- item 5: hiding and memory ----------------------------------------------------------------
def test_a_comment_nesting_2100_divs_keeps_its_text_and_the_later_comments():
    """Before: the comment's own text and every later comment of the page were dropped
    (libxml2 stops at depth 2048)."""
    from discourse.read.html import parse_html

    def comment(i, body):
        return (f"<li class='comment' id='comment-{i}'><div class='comment-author'>"
                f"<cite class='fn'>user{i}</cite> says:</div>"
                f"<div class='comment-content'>{body}</div></li>")

    deep = "<div>" * 2100 + "<p>deep text here</p>" + "</div>" * 2100
    page = ("<html><body><article><p>Article.</p></article><ol class='commentlist'>"
            + comment(1, "<p>first</p>") + comment(2, deep) + comment(3, "<p>third</p>")
            + comment(4, "<p>fourth</p>") + "</ol></body></html>")
    thread = parse_html(page.encode(), with_article=False)
    assert [(c.author, c.text) for c in thread.comments] == [
        ("user1", "first"), ("user2", "deep text here"), ("user3", "third"),
        ("user4", "fourth")]
    assert any("nests elements 2106 deep" in w for w in thread.warnings)


def test_megabyte_author_names_are_cut(tmp_path, capsys):
    """Before: a 1 MB name was repeated in every row and page (38 MB page -> 250 MB
    report)."""
    lines = [json.dumps({"id": f"c{i}", "parent_id": "t3_a", "link_id": "t3_a",
                         "author": "A" * 1_000_000 if i < 3 else f"u{i}",
                         "body": f"text {i}", "created_utc": 1600000000 + i})
             for i in range(5)]
    dump = tmp_path / "RC_names.ndjson"
    dump.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.json"
    assert main(["parse", str(dump), "-o", str(out)]) == 0
    assert out.stat().st_size < 10_000
    [thread] = json.loads(out.read_text())
    assert [len(c["author"]) for c in thread["comments"]] == [200, 200, 200, 2, 2]
    assert "3 author name(s) longer than 200 characters cut" in capsys.readouterr().err


def test_documents_beside_a_convokit_corpus_are_read(tmp_path):
    """Before: a document in a corpus folder was skipped silently."""
    corpus = tmp_path / "corpus"
    assert main(["parse", str(SMALL), "--format", "convokit", "-o", str(corpus), "-q"]) == 0
    (corpus / "notes.txt").write_bytes(SEED.read_bytes())
    out = tmp_path / "out.json"
    assert main(["parse", str(tmp_path), "-o", str(out), "-q"]) == 0
    sources = [t["source"] for t in json.loads(out.read_text())]
    assert sources == [str(corpus), str(corpus / "notes.txt")]


def test_naming_pages_of_20000_threads_is_linear():
    """Before: each of the 20,000 threads of one dump (one file name) tried ``-2`` …
    ``-n`` (0.3 s -> 31 s for 10x the threads)."""
    from discourse.report import _unique

    class Counted(set):
        looks = 0

        def __contains__(self, item):
            Counted.looks += 1
            return super().__contains__(item)

    used, last = Counted(), {}
    names = [_unique("RC_2023-01", used, last) for _ in range(20_000)]
    assert names[:3] == ["RC_2023-01", "RC_2023-01-2", "RC_2023-01-3"]
    assert len(set(names)) == 20_000
    assert Counted.looks < 3 * 20_000


# -- item 7: wrong field types in discourse's own JSON -----------------------------------------
@pytest.mark.parametrize("field, value, said", [
    ("text", {"a": 1}, "field 'text' must be a string, not an object"),
    ("author", ["a", "b"], "field 'author' must be a string or null, not a list"),
])
def test_a_wrong_field_type_names_the_field(field, value, said, tmp_path, capsys):
    """Before: "internal error".  Alone: one line naming thread, comment and field, exit
    2; beside good threads: that thread is skipped with a warning, the others kept."""
    record = json.loads(_own_jsonl(tmp_path, 1)[0])
    bad = json.loads(json.dumps(record))
    bad["comments"][0][field] = value
    path = tmp_path / "threads.json"
    path.write_text(json.dumps([bad]))
    for command in ("parse", "classify"):
        assert main([command, str(path), "-o", str(tmp_path / "o.json")]) == 2
        err = capsys.readouterr().err
        assert err.splitlines()[0] == f"error: {path}: thread 1: comment 1 (id '1'): {said}"
        assert "internal error" not in err and "Traceback" not in err
    path.write_text(json.dumps([record, bad, record]))
    out = tmp_path / "o.json"
    assert main(["parse", str(path), "-o", str(out)]) == 0
    assert len(json.loads(out.read_text())) == 2
    assert _one_line(capsys) == (f"warning: {path}: 1 thread record(s) skipped (the other 2 "
                                 f"read): thread 2: comment 1 (id '1'): {said}")


# -- item 8: only WHATWG encoding labels ----------------------------------------------------
@pytest.mark.parametrize("label", ["unicode_escape", "undefined", "raw_unicode_escape",
                                   "rot13"])
def test_a_meta_charset_naming_a_python_codec_is_ignored(label):
    """Before: ``unicode_escape`` turned ``\\u202e`` written in a page into the
    right-to-left override itself; ``undefined`` failed the page."""
    from discourse.read.html import parse_html

    page = (f'<html><head><meta charset="{label}"><title>T</title></head><body>'
            '<article><p>Article \\u202e text.</p></article>'
            "<ol class='commentlist'><li class='comment' id='comment-1'>"
            "<div class='comment-author'><cite class='fn'>ann</cite> says:</div>"
            "<div class='comment-content'><p>caf\xc3\xa9 \\u202e \\x41</p></div></li>"
            "</ol></body></html>").encode("latin-1")
    thread = parse_html(page, with_article=False)
    assert thread.encoding == "utf-8"
    assert thread.comments[0].text == "café \\u202e \\x41"
    assert any(w.startswith(f"declared charset: <meta charset> names '{label}', not a "
                            f"WHATWG encoding label; ignored") for w in thread.warnings)


def test_a_mail_charset_naming_a_python_codec_is_ignored(tmp_path):
    """The same kind in mail archives: a body's ``charset=`` and an encoded-word header
    (``=?unicode_escape?q?…?=``) were decoded with the Python codec they name."""
    from discourse.read import read_file

    mbox = tmp_path / "list.mbox"
    mbox.write_text(
        "From alice@example.com Mon Jan  1 00:00:00 2024\n"
        "From: Alice <alice@example.com>\n"
        "Subject: =?unicode_escape?q?Hi=5Cu202eevil?=\n"
        "Date: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <1@x>\n"
        'Content-Type: text/plain; charset="unicode_escape"\n\n'
        "Hello \\u202e reversed\n\n"
        "From bob@example.com Mon Jan  1 01:00:00 2024\n"
        "From: Bob <bob@example.com>\nSubject: =?iso-8859-1?q?Re:_caf=E9?=\n"
        "Date: Mon, 1 Jan 2024 01:00:00 +0000\nMessage-ID: <2@x>\nIn-Reply-To: <1@x>\n"
        'Content-Type: text/plain; charset="rot13"\n\nUryyb gurer\n', encoding="utf-8")
    [thread] = read_file(mbox)
    assert thread.title == "Hi\\u202eevil"
    assert "Hello \\u202e reversed" in thread.article
    assert [c.text for c in thread.comments] == ["Uryyb gurer"]


# -- item 9: the text parser places every line once ----------------------------------------
#: Found by the mutated-seeds property test (tests/test_parse_properties.py), reduced.
PARSER_FINDS = {
    # seed 000: a bare "★" mark, the author line under it keeps its "•" -> the author
    # was "• Alex (that one:)", or (nothing after it) the line was lost
    "bare-mark-author-line": (
        "Title\n\nAn article.\n\n★ \n    • Alex (that one:) says\n\n      Sean – well said.\n"
        "  16. Борис Андрианович says\n  17. Борис Андрианович says",
        [("1", "Alex (that one:)"), ("1.1", None), ("1.2", None)]),
    "bare-mark-author-line-alone": (
        "Title\n\nAn article.\n\n★\n    • Alex says\n  16. Bob says\n  17. Bob says",
        [("1", None), ("1.1", None), ("1.2", None)]),
    # "• AK responds: …" as a comment of its own: placed twice (an empty comment and a
    # note inside it on the same line)
    "note-as-its-own-comment": (
        "Title\n\nArticle text here.\n\nComments\n\n  • AK responds: Great article.\n\n"
        "  • Bob says:\n\n    Thanks.", [("1", "AK"), ("2", "Bob")]),
}


@pytest.mark.parametrize("name", sorted(PARSER_FINDS))
def test_parser_finds_place_every_line_once(name):
    from discourse.read.text.parser import parse_text
    from tests.support.invariants import assert_nothing_lost

    text, authors = PARSER_FINDS[name]
    assert_nothing_lost(text)
    assert [(c.id, c.author) for c in parse_text(text).comments] == authors


def test_property_tests_are_derandomized():
    """A random find can never block a run: the ``ci`` profile (tests/conftest.py) is the
    default, with a fixed seed per test and no example database."""
    from hypothesis import settings

    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        assert settings.default.derandomize and settings.default.database is None


# -- item 10: a model archive whose member lies about its size --------------------------------
def test_a_model_member_lying_about_its_size_is_refused_while_inflating(tmp_path):
    """A member declaring 1,000 bytes holds 32 MiB of deflate data.  Before: ``zipfile``
    inflated it (up to 2 GiB in one step) before checking."""
    import struct
    import tracemalloc
    import zipfile

    from discourse import ModelError
    from discourse.classify.linear import LinearModel

    path = tmp_path / "lying.skops"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.npy", b"\0" * (32 * 2**20))
        archive.writestr("schema.json", b"{}")
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1000)  # uncompressed size, local header
    struct.pack_into("<I", data, central + 24, 1000)  # and in the central directory
    path.write_bytes(bytes(data))
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(ModelError, match=r"archive member big\.npy holds more than the "
                                             r"1000 bytes its header declares"):
            LinearModel.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, peak


# -- the fuzz tests over dumps with bad records and cut frames ----------------------------------
def _parse_dump(data: bytes, name: str) -> tuple[int, list[dict], list[str]]:
    """``discourse parse`` of ``data`` saved as ``name``: exit status, threads, and the
    lines of standard error (never a traceback or an internal error)."""
    import contextlib
    import io
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path, out = Path(folder) / name, Path(folder) / "out.json"
        path.write_bytes(data)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["parse", str(path), "-o", str(out)])
        threads = json.loads(out.read_text()) if out.exists() else []
    lines = err.getvalue().splitlines()
    assert not any("Traceback" in line or "internal error" in line for line in lines), lines
    return code, threads, lines



def test_fuzz_dumps_with_bad_records_keep_every_good_one():
    """Bad lines of every kind (and random bytes) anywhere in a dump: every good comment
    is kept and the bad lines are named in one warning."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    bad_line = st.one_of(st.sampled_from([bad for bad, _ in BAD_RECORDS.values()]),
                         st.binary(min_size=1, max_size=40).map(
                             lambda b: b.replace(b"\n", b" ").strip() or b"{"))

    @settings(max_examples=15, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 60), bad_line), max_size=4))
    def check(bad):
        lines = _reddit_dump(n=60).split(b"\n")[:-1]
        for at, line in sorted(bad, reverse=True):
            lines.insert(at, line)
        code, threads, err = _parse_dump(b"\n".join(lines) + b"\n", "RC_fuzz.ndjson")
        assert code == 0, err
        assert sum(len(t["comments"]) for t in threads) == 60
        assert sum("not valid JSON" in line for line in err) <= 1

    check()


def test_fuzz_zst_dumps_cut_anywhere_are_read_to_the_cut():
    """A zstd dump cut at any byte: read to the cut and reported as truncated, or (cut
    before anything decompresses) one line saying so; never silence."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    zstandard = pytest.importorskip("zstandard")
    whole = zstandard.ZstdCompressor(level=1, write_checksum=True).compress(
        _reddit_dump(n=300))

    @settings(max_examples=15, deadline=None)
    @given(st.integers(1, len(whole) - 1))
    def check(cut):
        code, threads, err = _parse_dump(whole[:cut], "RC_cut.ndjson.zst")
        assert any("truncated: the zstd data ends" in line for line in err), err
        if code == 0:
            assert sum(len(t["comments"]) for t in threads) < 300
        else:
            assert code == 2 and err[0].startswith("error: ")

    check()
