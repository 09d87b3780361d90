"""Files that belong beside a document: the second half of a pair (Stack Exchange
``Posts.xml`` and ``Comments.xml``, a comments table and its thread list, a GitHub issue
and its comments, a YouTube watch page and its comment pages).

A companion is found by name only, in the document's folder: the document's name with one
word swapped (``posts`` → ``comments``, case kept: ``Posts.xml`` → ``Comments.xml``) or
with a suffix added, tried as written and with each compression suffix (``.zst``,
``.gz``) added or removed.  Nothing is searched beyond the folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["beside", "packing_suffix", "read_with", "swap_word", "unpacked_name"]

_PACKED = re.compile(r"\.(gz|zst|zstd)$", re.I)


def unpacked_name(name: str) -> str:
    """``name`` without a compression suffix (``a.json.zst`` → ``a.json``)."""
    return _PACKED.sub("", name)


def packing_suffix(name: str) -> str:
    """The compression suffix of ``name`` (``.zst``, ``.gz``) or ``""``."""
    m = _PACKED.search(name)
    return m.group(0) if m else ""


def swap_word(name: str, old: str, new: str) -> str | None:
    """``name`` with the last occurrence of the word ``old`` (any case) replaced by ``new``
    written in the same case style (``Posts`` → ``Comments``, ``POSTS`` → ``COMMENTS``);
    None when ``old`` is not in ``name``."""
    matches = list(re.finditer(re.escape(old), name, re.I))
    if not matches:
        return None
    m = matches[-1]
    found = m.group(0)
    if found.isupper() and len(found) > 1:
        repl = new.upper()
    elif found[:1].isupper():
        repl = new[:1].upper() + new[1:]
    else:
        repl = new.lower()
    return name[:m.start()] + repl + name[m.end():]


def beside(path: Path, names: Iterable[str | None]) -> Path | None:
    """The first existing regular file among ``names`` in ``path``'s folder (each also
    tried with its compression suffix removed, or ``.zst``/``.gz`` added), other than
    ``path`` itself; None when there is none."""
    try:
        folder = path.parent
        own = path.resolve()
    except (OSError, RuntimeError):
        return None
    for name in names:
        if not name or "/" in name or "\\" in name:
            continue
        plain = unpacked_name(name)
        for candidate in dict.fromkeys((name, plain, plain + ".zst", plain + ".gz")):
            p = folder / candidate
            try:
                if p.is_file() and p.resolve() != own:
                    return p
            except OSError:
                continue
    return None


def read_with(doc, reader: str, what: str, other: Path) -> None:
    """Note on ``doc`` (a :class:`~discourse.read.source.Document`) that it is the other
    half of a pair and yields no thread itself: ``what`` (``"comments"``, ``"the watch
    page"``) of ``other``, which reads both — for ``--explain`` and as the document's
    "no threads" warning (never a silent zero)."""
    doc.explain.append(f"{reader}: {what} of {other.name}, read with that file")
    warnings = getattr(doc, "warnings", None)
    if isinstance(warnings, list):
        warnings.append(f"no threads: {what} of {other.name}, read with that file")
