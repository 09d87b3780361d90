"""Open model files without trusting them: exact type allow-list, bounded sizes.

A skops file (https://skops.readthedocs.io, "secure persistence") is a zip archive whose
``schema.json`` names every object to rebuild as a *loader* (``ObjectNode``,
``FunctionNode``, ``NdArrayNode``, …) and a dotted type name.  skops itself refuses types
outside its default list unless the caller trusts them; trusting whole prefixes such as
``numpy.`` is not safe (numpy ships functions that evaluate strings, and ``NdArrayNode``
calls its type on the loaded array).  So a discourse model file is accepted only when:

1. the file and its archive stay within :data:`MAX_FILE_BYTES`, :data:`MAX_MEMBERS` and
   :data:`MAX_UNPACKED_BYTES` as *declared in the zip directory*, checked before anything
   is decompressed (``zipfile`` never inflates a member past its declared size);
2. every ``(loader, type)`` pair in its schema is on the exact allow-list
   ``models/allowed_types.json``, which is generated from the shipped models
   (``python -m discourse.lab allowlist``) and checked by a test that fails when a model gains a type.

Everything else is refused with a one-line :class:`~discourse.errors.ModelError` naming the
file and the problem; nothing from the file is executed before the checks pass.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from discourse.errors import ModelError

MODELS_DIR = Path(__file__).resolve().parent / "models"
ALLOW_LIST = MODELS_DIR / "allowed_types.json"
#: Largest model file accepted (the bundled linear model is ~10 MB).
MAX_FILE_BYTES = 256 * 2**20
#: Largest total of the archive members' declared uncompressed sizes.
MAX_UNPACKED_BYTES = 512 * 2**20
#: Largest number of members (the bundled model has 14).
MAX_MEMBERS = 4096
#: Largest ``schema.json`` (the bundled model's is ~40 KB).
MAX_SCHEMA_BYTES = 16 * 2**20
#: Deepest nesting of the schema tree walked.
MAX_SCHEMA_DEPTH = 200


def check_archive(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a zip archive after checking its size and its members' declared
    sizes; return the open archive.  Raises :class:`ModelError` (one line) otherwise."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ModelError(f"{path}: cannot read model file ({exc.strerror or exc})") from None
    if not Path(path).is_file():
        raise ModelError(f"{path}: not a regular file")
    if size > MAX_FILE_BYTES:
        raise ModelError(f"{path}: model file is {size / 2**20:.0f} MiB, larger than the "
                         f"{MAX_FILE_BYTES // 2**20} MiB allowed")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ModelError(f"{path}: not a discourse model file (not a skops archive)") from None
    infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    if len(infos) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        archive.close()
        raise ModelError(f"{path}: archive would unpack to {unpacked / 2**20:.0f} MiB in "
                         f"{len(infos)} members (limits {MAX_UNPACKED_BYTES // 2**20} MiB, "
                         f"{MAX_MEMBERS}); refused before decompressing")
    return archive


def read_schema(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    """The parsed ``schema.json`` of a skops archive (size-checked)."""
    try:
        info = archive.getinfo("schema.json")
    except KeyError:
        raise ModelError(f"{path}: not a discourse model file (no schema.json)") from None
    if info.file_size > MAX_SCHEMA_BYTES:
        raise ModelError(f"{path}: schema.json is {info.file_size / 2**20:.0f} MiB, larger "
                         f"than the {MAX_SCHEMA_BYTES // 2**20} MiB allowed")
    try:
        schema = json.loads(archive.read(info))
    except (ValueError, zipfile.BadZipFile, OSError, EOFError, RecursionError):
        raise ModelError(f"{path}: not a discourse model file (unreadable schema)") from None
    if not isinstance(schema, dict):
        raise ModelError(f"{path}: not a discourse model file (schema is not an object)")
    return schema


def schema_types(schema: Any, path: object = "model") -> set[str]:
    """Every ``"Loader:module.name"`` pair in a skops schema tree (iterative walk, so a
    deeply nested hostile schema cannot exhaust the stack)."""
    found: set[str] = set()
    stack: list[tuple[Any, int]] = [(schema, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_SCHEMA_DEPTH:
            raise ModelError(f"{path}: schema nested deeper than {MAX_SCHEMA_DEPTH} levels")
        if isinstance(node, dict):
            if "__class__" in node or "__module__" in node or "__loader__" in node:
                loader, module, name = (node.get(k) for k in
                                        ("__loader__", "__module__", "__class__"))
                if not all(isinstance(v, str) for v in (loader, module, name)):
                    raise ModelError(f"{path}: not a discourse model file (malformed node)")
                found.add(f"{loader}:{module}.{name}")
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, dict | list))
    return found


def allowed_types() -> frozenset[str]:
    """The exact ``"Loader:module.name"`` pairs a model file may contain."""
    try:
        return frozenset(json.loads(ALLOW_LIST.read_text(encoding="utf-8"))["types"])
    except (OSError, ValueError, KeyError, TypeError):  # pragma: no cover - broken install
        raise ModelError(f"{ALLOW_LIST}: allow-list of model types missing or unreadable; "
                         f"reinstall discourse") from None


def model_types(path: str | os.PathLike[str]) -> set[str]:
    """The ``"Loader:module.name"`` pairs in a skops model file (size checks applied)."""
    path = Path(path)
    with check_archive(path) as archive:
        return schema_types(read_schema(path, archive), path)


def load_skops(path: str | os.PathLike[str]) -> Any:
    """Load a skops model file after the size checks and the exact allow-list check.

    Returns whatever object the file holds.  Raises :class:`ModelError` (one line naming
    the file) for a missing, oversized, corrupt or untrusted file.
    """
    import skops.io as sio

    path = Path(path)
    if not path.exists():
        raise ModelError(f"{path}: model file not found")
    with check_archive(path) as archive:
        types = schema_types(read_schema(path, archive), path)
    refused = sorted(types - allowed_types())
    if refused:
        more = f" and {len(refused) - 3} more" if len(refused) > 3 else ""
        raise ModelError(f"{path}: model contains types discourse does not load: "
                         f"{', '.join(refused[:3])}{more}; refused")
    trusted = sorted({t.split(":", 1)[1] for t in types})
    try:
        return sio.load(path, trusted=trusted)
    except Exception as exc:  # skops raises many kinds for corrupt files
        raise ModelError(f"{path}: not a discourse model file ({type(exc).__name__})") from None


def shipped_models() -> list[Path]:
    """The skops model files shipped inside the package."""
    return sorted(MODELS_DIR.glob("*.skops"))
