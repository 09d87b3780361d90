"""The Dask engine gives results identical to the local engine (parse, classify, analyze,
report), on a local cluster of 2 workers; plus parallel local jobs."""

from __future__ import annotations

from pathlib import Path

import pytest

from discourse.cli import main
from tests.support.paths import SEEDS

pytest.importorskip("distributed", reason="the dask extra is not installed")



def _run(capsys, *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The five seeds plus generated documents in all three layouts."""
    from tests.support.corpus import generate_corpus

    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder / "generated", 120_000, seed=3, seeds_dir=str(SEEDS))
    for path in SEEDS.glob("*.txt"):
        (folder / path.name).write_text(path.read_text("utf-8"), "utf-8")
    return folder


@pytest.mark.parametrize("command", ["parse", pytest.param("classify", marks=pytest.mark.slow),
                                     pytest.param("analyze", marks=pytest.mark.slow)])
def test_dask_equals_local(command, corpus, capsys):
    fmt = ["--format", "jsonl"] if command != "analyze" else ["--format", "csv"]
    local = _run(capsys, command, str(corpus), *fmt, "-q")
    dask = _run(capsys, command, str(corpus), *fmt, "-q", "--engine", "dask", "--jobs", "2")
    assert local.count("\n") > 5
    assert dask == local


@pytest.mark.slow
def test_dask_report_equals_local(corpus, tmp_path, capsys):
    _run(capsys, "report", str(corpus), "-o", str(tmp_path / "local"), "-q")
    _run(capsys, "report", str(corpus), "-o", str(tmp_path / "dask"), "-q", "--engine", "dask",
         "--jobs", "2")
    local = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert local == sorted(p.name for p in (tmp_path / "dask").iterdir())
    for name in local:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()


def test_local_jobs_equal_serial(corpus, capsys):
    one = _run(capsys, "classify", str(corpus), "--format", "jsonl", "-q")
    two = _run(capsys, "classify", str(corpus), "--format", "jsonl", "-q", "--jobs", "2")
    assert one == two


@pytest.mark.slow
def test_unreachable_scheduler_is_one_line(capsys):
    code = main(["parse", str(SEEDS), "-q", "--engine", "dask", "--scheduler",
                 "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith("error: cannot reach the Dask scheduler tcp://127.0.0.1:9")
    assert len(err.splitlines()) == 1
