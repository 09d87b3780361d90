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

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """About ten generated documents (all three layouts) plus one unreadable file."""
    from discourse.testing.corpus import generate_corpus

    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, 400_000, seed=5, seeds_dir=str(SEEDS))
    (folder / "0000-broken.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    return folder


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


def test_ctrl_c_stops_cleanly_without_partial_output(tmp_path_factory, tmp_path):
    from discourse.testing.corpus import generate_corpus

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
