"""Model files cannot run code: exact type allow-list, sizes checked before decompressing.

The hostile files are built here from the bundled model by rewriting its ``schema.json``,
as an attacker would: only numpy and scikit-learn names, which a prefix rule trusted.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from discourse import ModelError
from discourse.classify import modelfile
from discourse.classify.linear import DEFAULT_MODEL, LinearModel
from discourse.cli import main
from tests.support.paths import SEEDS

SEED = SEEDS / "000_1701a6fb48e1cee7.txt"


def _rewrite_schema(src: Path, dst: Path, edit) -> Path:
    """Copy a skops archive with ``edit(schema)`` applied to its schema.json."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "schema.json":
                schema = json.loads(data)
                edit(schema)
                data = json.dumps(schema).encode()
            zout.writestr(info.filename, data)
    return dst


def _nodes(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            yield n
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)


def _swap_function(schema, module: str, name: str) -> None:
    for n in _nodes(schema):
        if n.get("__loader__") == "FunctionNode":
            n["__module__"], n["__class__"] = module, name


def test_allow_list_is_exactly_what_shipped_and_trained_models_contain():
    """Fails when a shipped model gains (or loses) a type: regenerate the list with
    ``python -m discourse.lab allowlist`` and review the new types."""
    from discourse.lab.allowlist import trainable_types

    expected = trainable_types().union(
        *(modelfile.model_types(p) for p in modelfile.shipped_models()))
    assert modelfile.allowed_types() == expected
    assert modelfile.model_types(DEFAULT_MODEL) <= modelfile.allowed_types()
    # exact names, never prefixes
    assert not any(t.endswith(".") or "*" in t for t in modelfile.allowed_types())


def test_numpy_function_that_evaluates_strings_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    hostile = _rewrite_schema(DEFAULT_MODEL, tmp_path / "hostile.skops",
                              lambda s: _swap_function(s, "numpy.testing._private.utils",
                                                       "runstring"))
    with pytest.raises(ModelError) as err:
        LinearModel.load(hostile)
    message = str(err.value)
    assert message.startswith(f"{hostile}: model contains types discourse does not load: ")
    assert "FunctionNode:numpy.testing._private.utils.runstring" in message
    assert "\n" not in message
    assert not marker.exists()


def test_allowed_name_under_another_loader_is_refused(tmp_path):
    """NdArrayNode calls its type on the array: a trusted class name is not enough."""
    def edit(schema):
        for n in _nodes(schema):
            if n.get("__loader__") == "NdArrayNode":
                n["__module__"], n["__class__"] = "numpy.lib._utils_impl", "safe_eval"
                return

    hostile = _rewrite_schema(DEFAULT_MODEL, tmp_path / "h.skops", edit)
    with pytest.raises(ModelError, match=r"NdArrayNode:numpy\.lib\._utils_impl\.safe_eval"):
        LinearModel.load(hostile)


def test_cli_hostile_model_is_one_line_exit_2(tmp_path, capsys):
    hostile = _rewrite_schema(DEFAULT_MODEL, tmp_path / "hostile.skops",
                              lambda s: _swap_function(s, "builtins", "eval"))
    code = main(["classify", str(SEED), "--model", str(hostile), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {hostile}: model contains types")


def test_zip_bomb_is_refused_before_decompressing(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.skops"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("schema.json", b"{}")
        z.writestr("big.npy", b"\0" * (4 * 2**20))  # packs to a few KB
    assert bomb.stat().st_size < 64 * 2**10
    monkeypatch.setattr(modelfile, "MAX_UNPACKED_BYTES", 2**20)
    read = []
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: read.append(a) or b"")
    with pytest.raises(ModelError, match="refused before decompressing"):
        LinearModel.load(bomb)
    assert read == []


def test_oversized_file_and_deep_schema_are_refused(tmp_path, monkeypatch):
    big = tmp_path / "big.skops"
    big.write_bytes(b"PK" + b"\0" * 4096)
    monkeypatch.setattr(modelfile, "MAX_FILE_BYTES", 1024)
    with pytest.raises(ModelError, match="larger than the 0 MiB allowed"):
        LinearModel.load(big)
    monkeypatch.undo()

    deep = tmp_path / "deep.skops"
    with zipfile.ZipFile(deep, "w") as z:  # 5,000 levels, written as text
        z.writestr("schema.json", '{"content": ' * 5000 + "{}" + "}" * 5000)
    with pytest.raises(ModelError, match=f"{deep}: "):
        LinearModel.load(deep)


def test_folder_or_device_as_model_is_one_line(tmp_path):
    with pytest.raises(ModelError, match="not a regular file"):
        LinearModel.load(tmp_path)
