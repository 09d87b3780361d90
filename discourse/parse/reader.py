"""Read a document from disk: refuse binary and empty files, decode with a fallback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from discourse.errors import InputError

#: File name endings taken as documents when a folder is given.
DOCUMENT_SUFFIXES = (".txt", ".text", ".md")
_FALLBACKS = ("cp1252", "latin-1")


def decode(data: bytes, path: object = None) -> tuple[str, str]:
    """Decode document bytes; return ``(text, encoding)``.

    UTF-8 (with or without BOM) first, then cp1252, then latin-1 (which never fails).
    Raises :class:`InputError` for empty or binary content.
    """
    if not data.strip():
        raise InputError(path, "empty file (no text to parse)")
    if b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.05:
        raise InputError(path, "binary file, not a text document")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in _FALLBACKS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError(path, "cannot decode text")  # pragma: no cover - latin-1 always decodes


#: Every byte except the control characters counted by :func:`_control_ratio`.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13)))


def _control_ratio(sample: bytes) -> float:
    controls = len(sample.translate(None, _NOT_CONTROL))  # what is left are the controls
    return controls / max(1, len(sample))


def read_document(path: str | os.PathLike[str]) -> tuple[str, str]:
    """Read and decode one document file; return ``(text, encoding)``."""
    p = Path(path)
    if p.is_dir():
        raise InputError(p, "is a folder, expected a text file")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except OSError as exc:
        raise InputError(p, f"cannot read file ({exc.strerror or exc})") from None
    return decode(data, p)


def iter_document_paths(paths: list[str | os.PathLike[str]] | str | os.PathLike[str]) -> Iterator[Path]:
    """Yield document files under the given files/folders, lazily and in sorted order.

    A folder contributes its ``*.txt``/``*.text``/``*.md`` files (recursively, skipping
    hidden entries); a file given by name is always taken.  Raises :class:`InputError`
    for a missing path or a folder without documents.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = False
            for child in _walk_sorted(p):
                found = True
                yield child
            if not found:
                raise InputError(p, f"folder has no documents ({', '.join(DOCUMENT_SUFFIXES)})")
        elif p.exists():
            yield p
        else:
            raise InputError(p, "no such file or folder")


def _walk_sorted(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(folder, f"cannot list folder ({exc.strerror or exc})") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk_sorted(Path(entry.path))
        elif entry.name.lower().endswith(DOCUMENT_SUFFIXES):
            yield Path(entry.path)
