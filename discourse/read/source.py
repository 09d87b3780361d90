"""Documents on disk: which paths are documents, reading them safely, decoding text.

A *document* is one input unit: a file (plain text, HTML, JSON, NDJSON, XML, optionally
gzip- or zstd-compressed) or a ConvoKit corpus folder.  Only regular files are read
(devices, FIFOs and sockets are reported and skipped), symbolic links to folders are
followed once with cycle detection, and a folder that cannot be listed is reported without
stopping the walk.  Whole-document readers read at most ``max_bytes`` (after
decompression); streaming readers (NDJSON dumps) read line by line.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from discourse.errors import InputError

#: File name endings taken as documents when a folder is given (before any compression
#: suffix).
DOCUMENT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".json", ".jsonl",
                     ".ndjson", ".xml")
COMPRESSION_SUFFIXES = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
#: A folder holding this file is a ConvoKit corpus: one document.
CONVOKIT_MARKER = "utterances.jsonl"
#: Default limit on a whole document's size in bytes (after decompression): 64 MiB.  Parsing
#: a text document peaks at about 16x its size (benchmarks/hardening.py: 345 MB for
#: 20 MB), so 64 MiB keeps one job near 1.5 GB; raise it with --max-bytes.
DEFAULT_MAX_BYTES = 64 * 2**20
_FALLBACKS = ("cp1252", "latin-1")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_GZIP_MAGIC, _ZSTD_MAGIC = b"\x1f\x8b", b"\x28\xb5\x2f\xfd"

OnProblem = Callable[[InputError], None]


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as text that is always valid UTF-8 (undecodable bytes of a file name shown
    as ``\\xNN`` escapes), for messages and JSON output."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace")


@dataclass(slots=True)
class Document:
    """One input unit.  ``source`` is the path as given (display form)."""

    path: Path
    source: str
    compression: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Lines describing how the document was read (``discourse parse --explain``);
    #: readers add their evidence only when ``explaining`` is set (it can cost time).
    explain: list[str] = field(default_factory=list)
    explaining: bool = False
    #: "utf-16"/"utf-32" when the bytes carry that byte-order mark: :meth:`open` then
    #: gives them transcoded to UTF-8 (after a UTF-8 BOM), so every reader sees UTF-8.
    bom: str | None = None

    @classmethod
    def at(cls, path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
        """The document at ``path`` after checking it is a regular file (or a ConvoKit
        folder).  Raises :class:`InputError` otherwise."""
        p = Path(path)
        shown = display_path(p)
        try:
            st = os.stat(p)
        except FileNotFoundError:
            raise InputError(shown, "no such file or folder") from None
        except OSError as exc:
            raise InputError(shown, f"cannot read ({exc.strerror or exc})") from None
        if stat.S_ISDIR(st.st_mode):
            if _is_corpus(p):
                return cls(p, shown, None, max_bytes)
            raise InputError(shown, "is a folder, expected a document file")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(shown, f"not a regular file ({_kind(st.st_mode)}); skipped")
        return cls(p, shown, _compression(p), max_bytes)

    @property
    def is_folder(self) -> bool:
        return os.path.isdir(self.path)  # False, not an error, when it cannot be read

    def open(self) -> BinaryIO:
        """The document's bytes as a stream, decompressed; UTF-16 and UTF-32 text (with a
        byte-order mark) comes transcoded to UTF-8, starting with the UTF-8 BOM (which
        then decides the decoding, as the original BOM would; see :attr:`bom`)."""
        stream = self._decompressed()
        try:
            first = _read_upto(stream, 4)
        except BaseException:
            stream.close()
            raise
        for bom, encoding in _BOMS:
            if encoding != "utf-8-sig" and first.startswith(bom):
                self.bom = encoding
                return _Recoded(first, stream, encoding)  # type: ignore[return-value]
        return _Prefixed(first, stream)  # type: ignore[return-value]

    def _decompressed(self) -> BinaryIO:
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 - returned to the caller
        except OSError as exc:
            raise InputError(self.source, f"cannot read file ({exc.strerror or exc})") from None
        if self.compression == "gzip":
            return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
        if self.compression == "zstd":
            try:
                import zstandard
            except ImportError:
                raw.close()
                raise InputError(self.source, "zstd-compressed; install the zstandard "
                                              "package to read it") from None
            # Pushshift/Arctic-Shift dumps are compressed with --long=31 (a 2 GiB window)
            return zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(raw, closefd=True)  # type: ignore[return-value]
        return raw  # type: ignore[return-value]

    def head(self, size: int = 65536) -> bytes:
        """The first ``size`` bytes (decompressed); for format detection."""
        try:
            with self.open() as stream:
                return _read_upto(stream, size)
        except InputError:
            raise
        except (OSError, EOFError, ValueError) as exc:
            raise InputError(self.source, f"cannot read ({_describe(exc)})") from None

    def read_bytes(self) -> bytes:
        """All bytes (decompressed), refusing documents over ``max_bytes``."""
        try:
            with self.open() as stream:
                data = _read_upto(stream, self.max_bytes + 1)
        except InputError:
            raise
        except (OSError, EOFError, ValueError) as exc:
            raise InputError(self.source, f"cannot read ({_describe(exc)})") from None
        if len(data) > self.max_bytes:
            raise InputError(self.source, f"larger than {size_text(self.max_bytes)} "
                                          f"(raise the limit with --max-bytes)")
        return data

    def read_text(self) -> tuple[str, str]:
        """All text, decoded (see :func:`decode`): ``(text, encoding)``."""
        text, encoding = decode(self.read_bytes(), self.source)
        return text, self.bom or encoding

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """``(line number, bytes)`` for each line, streamed (flat memory); a line longer
        than ``max_bytes`` raises :class:`InputError`."""
        try:
            with self.open() as stream:
                buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
                number = 0
                while True:
                    line = buffered.readline(self.max_bytes + 1)
                    if not line:
                        return
                    number += 1
                    if len(line) > self.max_bytes and not line.endswith(b"\n"):
                        raise InputError(self.source, f"line {number}: longer than "
                                                      f"{size_text(self.max_bytes)}")
                    if number == 1 and line.startswith(codecs.BOM_UTF8):
                        line = line[len(codecs.BOM_UTF8):]  # a BOM is never content
                    yield number, line
        except InputError:
            raise
        except (OSError, EOFError, ValueError) as exc:
            raise InputError(self.source, f"cannot read ({_describe(exc)})") from None


def size_text(size: int) -> str:
    """A byte count for messages: ``256 MiB``, ``1.5 MiB``, ``10000 bytes``."""
    if size >= 2**20:
        mib = size / 2**20
        return f"{mib:.0f} MiB" if mib == int(mib) else f"{mib:.1f} MiB"
    return f"{size} bytes"


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read (``head``), then ``rest``."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._rest.close()
        super().close()


class _Recoded(io.RawIOBase):
    """UTF-16/UTF-32 bytes (``head`` + ``rest``, starting with their BOM) as UTF-8 bytes
    starting with the UTF-8 BOM, decoded incrementally (memory: one chunk).  Bytes that
    do not decode raise :class:`UnicodeDecodeError` (a ``ValueError``)."""

    def __init__(self, head: bytes, rest: BinaryIO, encoding: str) -> None:
        self._rest = rest
        self._decoder = codecs.getincrementaldecoder(encoding)("strict")
        self._pending = codecs.BOM_UTF8 + self._decoder.decode(head).encode("utf-8")
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            chunk = self._rest.read(1 << 16)
            self._done = not chunk
            text = self._decoder.decode(chunk, final=self._done)
            # Surrogates that the codec let through cannot be UTF-8: refuse them.
            self._pending = text.encode("utf-8")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._rest.close()
        super().close()


def _is_corpus(folder: str | os.PathLike[str]) -> bool:
    """True when ``folder`` holds :data:`CONVOKIT_MARKER`; False (not an error) when that
    cannot be known (an unreadable folder is reported when it is listed)."""
    return os.path.isfile(os.path.join(folder, CONVOKIT_MARKER))


def _describe(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.splitlines()[0] if text else type(exc).__name__


def _read_upto(stream: BinaryIO, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def _compression(path: Path) -> str | None:
    """Compression from the magic bytes (the suffix is only a hint)."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError:
        return COMPRESSION_SUFFIXES.get(path.suffix.lower())
    if magic.startswith(_GZIP_MAGIC):
        return "gzip"
    if magic.startswith(_ZSTD_MAGIC):
        return "zstd"
    return None


def decode(data: bytes, path: object = None, declared: str | None = None) -> tuple[str, str]:
    """Decode document bytes; return ``(text, encoding)``.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); then ``declared`` (an HTML/XML
    charset) if it decodes; then UTF-8, cp1252 and latin-1 (which never fails).  Raises
    :class:`InputError` for empty or binary content (NUL bytes or > 5% control characters
    in the first 8 KB, once any BOM-declared encoding is ruled out).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                break
            if not text.lstrip("\ufeff").strip():
                raise InputError(path, "empty file (no text to parse)")
            return text.lstrip("\ufeff"), "utf-8" if encoding == "utf-8-sig" else encoding
    if not data.strip():
        raise InputError(path, "empty file (no text to parse)")
    if b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.05:
        raise InputError(path, "binary file, not a text document")
    candidates = [declared] if declared else []
    candidates += ["utf-8", *_FALLBACKS]
    for encoding in candidates:
        try:
            return data.decode(encoding), _canonical(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(path, "cannot decode text")  # pragma: no cover - latin-1 always decodes


def _canonical(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:  # pragma: no cover - only looked-up encodings get here
        return encoding
    return {"utf_8": "utf-8", "iso8859-1": "latin-1"}.get(name, name)


#: Every byte except the control characters counted by :func:`_control_ratio`.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13, 27)))


def _control_ratio(sample: bytes) -> float:
    controls = len(sample.translate(None, _NOT_CONTROL))  # what is left are the controls
    return controls / max(1, len(sample))


def is_document_name(name: str) -> bool:
    """True for names a folder walk takes: ``page.html``, ``dump.ndjson.zst``, and a
    compressed file without an inner suffix (``RC_2019-04.zst``, as Pushshift names
    its dumps)."""
    lower = name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if lower.endswith(suffix):
            inner = lower[: -len(suffix)]
            return inner.endswith(DOCUMENT_SUFFIXES) or "." not in inner
    return lower.endswith(DOCUMENT_SUFFIXES)


def iter_document_paths(paths: list[str | os.PathLike[str]] | str | os.PathLike[str],
                        on_problem: OnProblem | None = None) -> Iterator[Path]:
    """Yield document paths under the given files/folders, lazily and in sorted order.

    A folder contributes its files whose names end in :data:`DOCUMENT_SUFFIXES` (optionally
    followed by ``.gz``/``.zst``), recursively, skipping hidden entries; a subfolder holding
    ``utterances.jsonl`` is one ConvoKit document.  A path given by name is always taken.
    Only regular files are yielded; symbolic links to folders are followed once (a link
    back into a folder being walked is a cycle and is skipped).

    Problems that do not stop the walk (a missing path, a folder without documents, an
    unlistable subfolder, a FIFO or device) go to ``on_problem`` as :class:`InputError`;
    without ``on_problem`` they are raised.
    """
    def problem(exc: InputError) -> None:
        if on_problem is None:
            raise exc
        on_problem(exc)

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for raw in paths:
        p = Path(raw)
        try:
            st = os.stat(p)
        except FileNotFoundError:
            problem(InputError(display_path(p), "no such file or folder"))
            continue
        except OSError as exc:
            problem(InputError(display_path(p), f"cannot read ({exc.strerror or exc})"))
            continue
        if stat.S_ISDIR(st.st_mode) and not _is_corpus(p):
            found, listed = False, []
            for child in _walk_sorted(p, {(st.st_dev, st.st_ino)}, problem, listed):
                found = True
                yield child
            if not found and listed:  # an unlistable folder was reported already
                problem(InputError(display_path(p), "folder has no documents "
                                                    f"({', '.join(DOCUMENT_SUFFIXES)})"))
        else:
            yield p


def _walk_sorted(folder: Path, ancestors: set[tuple[int, int]],
                 problem: OnProblem, listed: list[bool] | None = None) -> Iterator[Path]:
    """Documents under ``folder`` (see :func:`iter_document_paths`); ``listed`` gets
    ``True`` appended once ``folder`` itself could be listed."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: os.fsencode(e.name))
    except OSError as exc:
        problem(InputError(display_path(folder),
                           f"cannot list folder ({exc.strerror or exc}); skipped"))
        return
    if listed is not None:
        listed.append(True)
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            st = os.stat(entry.path)  # follows symbolic links
        except OSError as exc:
            if entry.is_symlink():
                problem(InputError(display_path(entry.path), "broken or looping symbolic "
                                                             "link; skipped"))
            elif entry.is_dir():  # listed as a folder (cached), gone or unreadable now
                problem(InputError(display_path(entry.path),
                                   f"cannot read folder ({exc.strerror or exc}); skipped"))
            elif is_document_name(name):
                problem(InputError(display_path(entry.path),
                                   f"cannot read ({exc.strerror or exc}); skipped"))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                problem(InputError(display_path(entry.path), "symbolic link back into a "
                                                             "folder being read; skipped"))
                continue
            if _is_corpus(entry.path):
                yield Path(entry.path)
                continue
            yield from _walk_sorted(Path(entry.path), ancestors | {key}, problem)
        elif is_document_name(name):
            if stat.S_ISREG(st.st_mode):
                yield Path(entry.path)
            else:
                problem(InputError(display_path(entry.path),
                                   f"not a regular file ({_kind(st.st_mode)}); skipped"))
