"""Open model files without trusting them: exact type allow-list, bounded sizes.

A skops file (https://skops.readthedocs.io, "secure persistence") is a zip archive whose
``schema.json`` names every object to rebuild as a *loader* (``ObjectNode``,
``FunctionNode``, ``NdArrayNode``, …) and a dotted type name.  skops itself refuses types
outside its default list unless the caller trusts them; trusting whole prefixes such as
``numpy.`` is not safe (numpy ships functions that evaluate strings, and ``NdArrayNode``
calls its type on the loaded array).  So a discourse model file is accepted only when:

1. the file and its archive stay within :data:`MAX_FILE_BYTES`, :data:`MAX_MEMBERS` and
   :data:`MAX_UNPACKED_BYTES` as *declared in the zip directory*, checked before anything
   is decompressed;
2. every member inflates to exactly its declared size, counted while it is inflated in
   steps of at most :data:`CHUNK` bytes (:func:`read_members`): a member that "lies about
   its size" (a few KB declared, gigabytes in its deflate stream) is refused after at most
   its declared size plus one step, never inflated whole — ``zipfile`` itself inflates up
   to 2 GiB in one step before cutting to the declared size, and skops reads members with
   it, so skops is given a copy of the archive holding only the checked bytes;
3. every ``(loader, type)`` pair in its schema is on the exact allow-list
   ``models/allowed_types.json``, which is generated from the shipped models
   (``python -m discourse.lab allowlist``) and checked by a test that fails when a model gains a type.

Everything else is refused with a one-line :class:`~discourse.errors.ModelError` naming the
file and the problem; nothing from the file is executed before the checks pass.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from discourse.errors import ModelError


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes (hex), read in 1 MiB blocks: how model members and the
    encoder's weights are checked before they are parsed."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

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
#: Largest step of inflation (bytes out of one ``decompress`` call) while members are
#: counted.
CHUNK = 1 << 16


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


def read_members(path: Path, archive: zipfile.ZipFile) -> dict[str, bytes]:
    """Every member's bytes, each counted while it is inflated (steps of :data:`CHUNK`)
    and refused as soon as it exceeds its declared size, then checked against its
    declared size and CRC.  Only stored and deflated members (what skops writes), not
    encrypted, each name once.  Raises :class:`ModelError` (one line) otherwise."""
    import copy
    import zlib

    members: dict[str, bytes] = {}
    total = 0
    for info in archive.infolist():
        name = info.filename
        if name in members:
            raise ModelError(f"{path}: archive member {name} appears twice; refused")
        if info.flag_bits & 0x1:
            raise ModelError(f"{path}: archive member {name} is encrypted; refused")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelError(f"{path}: archive member {name} uses compression method "
                             f"{info.compress_type}, not one skops writes; refused")
        raw = copy.copy(info)  # the member's bytes as stored (compressed), read as they are
        raw.compress_type, raw.file_size, raw.CRC = zipfile.ZIP_STORED, info.compress_size, None
        inflate = zlib.decompressobj(-zlib.MAX_WBITS) \
            if info.compress_type == zipfile.ZIP_DEFLATED else None
        out = bytearray()
        try:
            with archive.open(raw) as stored:
                pending = b""
                while True:
                    if not pending:
                        pending = stored.read(CHUNK)
                        if not pending:
                            break
                    if inflate is None:
                        piece, pending = pending, b""
                    else:
                        piece = inflate.decompress(pending, CHUNK)
                        pending = inflate.unconsumed_tail
                    out += piece
                    if len(out) > info.file_size:
                        raise ModelError(
                            f"{path}: archive member {name} holds more than the "
                            f"{info.file_size} bytes its header declares (inflation stopped "
                            f"at {len(out)}); refused")
                    if inflate is not None and inflate.eof:
                        if pending or inflate.unused_data or stored.read(1):
                            raise ModelError(f"{path}: archive member {name} has data after "
                                             f"its end; refused")
                        break
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError):
            raise ModelError(f"{path}: not a discourse model file (corrupt archive member "
                             f"{name})") from None
        if inflate is not None and not inflate.eof or len(out) != info.file_size \
                or zlib.crc32(out) != info.CRC:
            raise ModelError(f"{path}: not a discourse model file (archive member {name} "
                             f"is cut short or corrupt)")
        total += len(out)
        if total > MAX_UNPACKED_BYTES:  # pragma: no cover - the declared sizes were checked
            raise ModelError(f"{path}: archive unpacks to more than "
                             f"{MAX_UNPACKED_BYTES // 2**20} MiB; refused")
        members[name] = bytes(out)
    return members


def read_schema(path: Path, archive: zipfile.ZipFile | dict[str, bytes]) -> dict[str, Any]:
    """The parsed ``schema.json`` of a skops archive (size-checked), from the archive or
    from the members :func:`read_members` checked."""
    members = archive if isinstance(archive, dict) else None
    if members is None:
        try:
            info = archive.getinfo("schema.json")  # type: ignore[union-attr]
        except KeyError:
            raise ModelError(f"{path}: not a discourse model file (no schema.json)") from None
        if info.file_size > MAX_SCHEMA_BYTES:
            raise ModelError(f"{path}: schema.json is {info.file_size / 2**20:.0f} MiB, "
                             f"larger than the {MAX_SCHEMA_BYTES // 2**20} MiB allowed")
        members = read_members(path, archive)  # type: ignore[arg-type]
    data = members.get("schema.json")
    if data is None:
        raise ModelError(f"{path}: not a discourse model file (no schema.json)")
    if len(data) > MAX_SCHEMA_BYTES:
        raise ModelError(f"{path}: schema.json is {len(data) / 2**20:.0f} MiB, larger "
                         f"than the {MAX_SCHEMA_BYTES // 2**20} MiB allowed")
    try:
        schema = json.loads(data)
    except (ValueError, RecursionError):
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
        return schema_types(read_schema(path, read_members(path, archive)), path)


def _skops_io() -> Any:
    """``skops.io``, imported without the walk over every scikit-learn module that its
    import does to list the estimators it trusts by default (``all_estimators``: it
    imports the whole of scikit-learn, its testing utilities, pytest and dask — 0.3 s of
    CPU and 40 MB in every process that loads a model).  :func:`load_skops` never uses
    those defaults: it passes its exact allow-list, and skops trusts the list given plus
    the defaults, so with no defaults it trusts exactly the list.  When ``skops.io`` is
    already imported (by the user, or a test), it is used as it is; when it is imported
    here, a later ``skops.io.load`` in the same process trusts only the types it is given
    (pass ``trusted=``, as skops recommends)."""
    import sys

    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    import sklearn.utils

    walk = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = lambda *args, **kwargs: []
    try:
        import skops.io as sio
    finally:
        sklearn.utils.all_estimators = walk
    return sio


def load_skops(path: str | os.PathLike[str]) -> Any:
    """Load a skops model file after the size checks and the exact allow-list check.

    Returns whatever object the file holds.  Raises :class:`ModelError` (one line naming
    the file) for a missing, oversized, corrupt or untrusted file.
    """
    sio = _skops_io()
    path = Path(path)
    if not path.exists():
        raise ModelError(f"{path}: model file not found")
    with check_archive(path) as archive:
        members = read_members(path, archive)
    types = schema_types(read_schema(path, members), path)
    refused = sorted(types - allowed_types())
    if refused:
        more = f" and {len(refused) - 3} more" if len(refused) > 3 else ""
        raise ModelError(f"{path}: model contains types discourse does not load: "
                         f"{', '.join(refused[:3])}{more}; refused")
    trusted = sorted({t.split(":", 1)[1] for t in types})
    # skops gets the checked bytes only (a copy of the archive, stored uncompressed)
    checked = io.BytesIO()
    with zipfile.ZipFile(checked, "w", zipfile.ZIP_STORED) as copy:
        for name, data in members.items():
            copy.writestr(name, data)
    checked.seek(0)
    try:
        return sio.load(checked, trusted=trusted)
    except Exception as exc:  # skops raises many kinds for corrupt files
        raise ModelError(f"{path}: not a discourse model file ({type(exc).__name__})") from None


def shipped_models() -> list[Path]:
    """The skops model files shipped inside the package."""
    return sorted(MODELS_DIR.glob("*.skops"))
