"""Corpus runs at scale: parallel jobs give the same results, a bad document is reported and
counted without stopping the run, Ctrl-C leaves no output file behind, and output files
get a normal file's permissions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from discourse.cli import main
from tests.support.paths import PROJECT, SEEDS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """About ten generated documents (all three layouts) plus one unreadable file."""
    from tests.support.corpus import generate_corpus

    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, 400_000, seed=5, seeds_dir=str(SEEDS))
    (folder / "0000-broken.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    return folder


@pytest.mark.slow
def test_jobs_2_report_equals_jobs_1(corpus, tmp_path, capsys):
    for jobs in ("1", "2"):
        code = main(["report", str(corpus), "-o", str(tmp_path / jobs), "-q", "-j", jobs])
        assert code == 1  # the broken file
    capsys.readouterr()
    one = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert one == sorted(p.name for p in (tmp_path / "2").iterdir())
    assert len(one) > 8
    for name in one:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_document_is_reported_counted_and_skipped(corpus, tmp_path, capsys, jobs):
    out = tmp_path / "threads.jsonl"
    code = main(["parse", str(corpus), "--format", "jsonl", "-o", str(out), "-j", jobs])
    err = capsys.readouterr().err
    documents = len(list(corpus.rglob("*.txt")))
    assert code == 1
    assert f"error: {corpus / '0000-broken.txt'}: " in err
    assert f"1 of {documents} documents failed" in err
    assert len(out.read_text("utf-8").splitlines()) == documents - 1


def test_output_files_get_normal_permissions(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        out = tmp_path / "seeds.csv"
        assert main(["parse", str(SEEDS), "--format", "csv", "-o", str(out), "-q"]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_without_partial_output(tmp_path_factory, tmp_path):
    from tests.support.corpus import generate_corpus

    big = tmp_path_factory.mktemp("big")  # ~70 documents: classifying them takes a while
    generate_corpus(big, 3_000_000, seed=6, seeds_dir=str(SEEDS))
    out = tmp_path / "labelled.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "discourse.cli", "classify", str(big), "--format", "jsonl",
         "-o", str(out), "-j", "2", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A shell's background job ignores SIGINT, and so would its children: undo that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".labelled.jsonl.*.part")):  # writing has begun
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == (
        "interrupted; no partial output files were left behind")
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


# -- signals (issue 10, item 6) --------------------------------------------------------------
@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """~70 documents: classifying or reporting them takes long enough to be stopped."""
    from tests.support.corpus import generate_corpus

    folder = tmp_path_factory.mktemp("signals")
    generate_corpus(folder, 3_000_000, seed=6, seeds_dir=str(SEEDS))
    return folder


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "discourse.cli", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for(proc: subprocess.Popen, found, what: str) -> None:
    deadline = time.monotonic() + 180
    while not found():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"the run never {what}"
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_sigterm_removes_part_files_and_ends_workers(big_corpus, tmp_path):
    out = tmp_path / "labelled.jsonl"
    proc = _start(["classify", str(big_corpus), "--format", "jsonl", "-o", str(out), "-j", "2",
                   "-q"])
    _wait_for(proc, lambda: list(tmp_path.glob(".labelled.jsonl.*.part")), "started writing")
    time.sleep(0.5)
    workers = _children(proc.pid)
    assert workers, "a pool of 2 jobs has worker processes"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == ["terminated; no partial output files were left behind"]
    assert list(tmp_path.iterdir()) == []
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "worker processes outlived the run"


@pytest.mark.slow
def test_sigterm_to_the_whole_process_group_gives_no_traceback(big_corpus, tmp_path):
    """A service manager or ``kill -TERM -PGID`` signals the workers too."""
    out = tmp_path / "labelled.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "discourse.cli", "classify", str(big_corpus), "--format", "jsonl",
         "-o", str(out), "-j", "2", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT,
        start_new_session=True)
    _wait_for(proc, lambda: list(tmp_path.glob(".labelled.jsonl.*.part")), "started writing")
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "terminated; no partial output files were left behind"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"),
                                             (signal.SIGTERM, 143, "terminated")])
def test_stopped_report_says_which_pages_were_left(big_corpus, tmp_path, sig, code, word):
    """Report pages are written one by one: a stopped report keeps them, without an
    index, and the message must say so (not "no partial output")."""
    out = tmp_path / "report"
    (tmp_path / "report").mkdir()
    (out / "notes.txt").write_text("the user's own file\n")
    proc = _start(["report", str(big_corpus), "-o", str(out), "-q"])

    def pages() -> list[Path]:
        return [p for p in out.glob("*.html") if not p.name.startswith(".")]

    _wait_for(proc, lambda: len(pages()) >= 2, "wrote a page")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err
    written = pages()
    assert written and not (out / "index.html").exists()
    last = err.strip().splitlines()[-1]
    n = len(written)
    assert last == (f"{word}; {n} thread page{'s' if n != 1 else ''} already written to {out} "
                    f"{'are' if n != 1 else 'is'} kept, but its index.html and compare.html were "
                    f"not written for this run; run the command again to complete the report")
    assert not list(out.glob(".*.part"))
    assert (out / "notes.txt").read_text() == "the user's own file\n"


def test_output_to_a_fifo_is_written_in_place(tmp_path):
    """``-o`` naming a FIFO (or /dev/null, /dev/stdout) writes into it; renaming a
    temporary file over it would replace the device with a regular file (as root, that
    is how ``-o /dev/null`` once destroyed /dev/null)."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code = main(["parse", str(SEEDS / "004_cf98bbd6559fb7a2.txt"), "--format", "jsonl", "-o",
                 str(fifo), "-q"])
    reader.join(timeout=60)
    assert code == 0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert b'"source": ' in received[0]
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]
