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
import fnmatch
import gzip
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from discourse.errors import InputError

#: File name endings taken as documents when a folder is given (before any compression
#: suffix).
DOCUMENT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".json", ".jsonl",
                     ".ndjson", ".xml", ".mbox", ".eml", ".dat", ".wikitext", ".wiki")
COMPRESSION_SUFFIXES = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
#: A folder holding this file is a ConvoKit corpus: one document.
CONVOKIT_MARKER = "utterances.jsonl"
#: The files of a ConvoKit corpus (read as the corpus, not as documents of their own);
#: any other document in a corpus folder is read too, beside the corpus.
CONVOKIT_FILES = frozenset({CONVOKIT_MARKER, "utterances.json", "speakers.json",
                            "users.json", "conversations.json", "corpus.json", "index.json"})
#: Default limit on a whole document's size in bytes (after decompression): 64 MiB.  Parsing
#: a text document peaks at about 16x its size (benchmarks/hardening.py: 345 MB for
#: 20 MB), so 64 MiB keeps one job near 1.5 GB; raise it with --max-bytes.
DEFAULT_MAX_BYTES = 64 * 2**20
#: Default limit on the window a zstd frame may need (its decoder holds that much memory):
#: 2 GiB, what Pushshift/Arctic-Shift dumps use (``zstd --long=31``) and the most zstd
#: itself decodes; lower it with --max-window.
DEFAULT_MAX_WINDOW = 2**31
ZSTD_MAX_WINDOW = 2**31
_FALLBACKS = ("cp1252", "latin-1")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_GZIP_MAGIC, _ZSTD_MAGIC = b"\x1f\x8b", b"\x28\xb5\x2f\xfd"

#: A project's own files, which a folder walk leaves out unless ``--include`` names them:
#: these names with any extension (``README.md``, ``LICENSE``, ``CHANGES.txt``), and
#: ``README-de.md``/``README_fr.md`` (case-insensitive globs on the file name).
PROJECT_FILES = ("README", "LICENSE", "LICENCE", "COPYING", "CHANGELOG", "CHANGES",
                 "CONTRIBUTING", "AUTHORS", "NOTICE", "CODE_OF_CONDUCT", "SECURITY")
DEFAULT_EXCLUDES = (*(g for name in PROJECT_FILES for g in (name, f"{name}.*")),
                    "README-*", "README_*")
_URL = re.compile(r"^https?://", re.IGNORECASE)

OnProblem = Callable[[InputError], None]


def is_url(value: object) -> bool:
    """True for an ``http://`` or ``https://`` address (given where a path may be)."""
    return isinstance(value, str) and bool(_URL.match(value.strip()))


def _glob(name: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(name.lower(), pattern.lower())


@dataclass(frozen=True, slots=True)
class Selection:
    """Which files a folder walk takes (``--include``/``--exclude``; picklable).

    A file in a folder is taken when it matches an ``include`` glob, or — without
    ``include`` — when its name ends in :data:`DOCUMENT_SUFFIXES`; and it matches no
    ``exclude`` glob.  :data:`DEFAULT_EXCLUDES` (README, LICENSE, … with any extension)
    leave files out unless an ``include`` glob names them.  A glob matches the file (or
    folder) name, or, when it holds a ``/``, the path below the folder given
    (``drafts/*``); an excluded folder is not walked.  Files given by name are always
    taken."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def _matches(self, patterns: tuple[str, ...], name: str, relative: str) -> bool:
        return any(_glob(relative if "/" in p else name, p.rstrip("/")) for p in patterns)

    def excluded(self, name: str, relative: str) -> bool:
        """True when the user's ``exclude`` globs leave this file or folder out."""
        return self._matches(self.exclude, name, relative)

    def takes(self, name: str, relative: str) -> bool:
        """True when a folder walk takes this file (``relative``: its path below the
        folder given, with ``/``)."""
        if self.excluded(name, relative):
            return False
        if self.include:
            return self._matches(self.include, name, relative)
        return is_document_name(name) and not self.by_default_excluded(name)

    @staticmethod
    def by_default_excluded(name: str) -> bool:
        return any(_glob(name, p) for p in DEFAULT_EXCLUDES)


ALL = Selection()


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
    #: Warnings about the document as a whole (why it gave no thread at all): the CLI
    #: prints them when no thread carries them.
    warnings: list[str] = field(default_factory=list)
    #: The bytes of a document that is not a file (a page fetched from a URL); None: the
    #: file at :attr:`path` is read.
    data: bytes | None = None
    #: The address a fetched document came from (after redirects), else None.
    url: str | None = None
    #: Largest window a zstd frame may need (``--max-window``).
    max_window: int = DEFAULT_MAX_WINDOW
    #: Warnings about parts of the document (records skipped, a truncated or damaged
    #: compressed stream): :func:`discourse.read.read_document` gives each to the first
    #: thread yielded after it appeared (see :meth:`note`); ``notes_shown`` counts those
    #: given.
    notes: list[str] = field(default_factory=list)
    notes_shown: int = 0

    def note(self, message: str) -> None:
        """Add a warning about part of the document (once)."""
        if message not in self.notes:
            self.notes.append(message)

    @classmethod
    def at(cls, path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES,
           max_window: int = DEFAULT_MAX_WINDOW) -> Document:
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
                return cls(p, shown, None, max_bytes, max_window=max_window)
            raise InputError(shown, "is a folder, expected a document file")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(shown, f"not a regular file ({_kind(st.st_mode)}); skipped")
        return cls(p, shown, _compression(p), max_bytes, max_window=max_window)

    @classmethod
    def of_bytes(cls, data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES,
                 url: str | None = None) -> Document:
        """A document held in memory (a fetched page, an API response), shown as
        ``source``; gzip/zstd bytes are decompressed as a file's would be."""
        compression = "gzip" if data.startswith(_GZIP_MAGIC) else \
            "zstd" if data.startswith(_ZSTD_MAGIC) else None
        # a path beside which nothing can lie (readers look for companion files)
        return cls(Path(os.devnull) / "fetched", source, compression, max_bytes, data=data,
                   url=url)

    @property
    def is_folder(self) -> bool:
        if self.data is not None:
            return False
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
        if self.data is not None:
            raw: BinaryIO = io.BytesIO(self.data)
        else:
            try:
                raw = open(self.path, "rb")  # noqa: SIM115 - returned to the caller
            except OSError as exc:
                raise InputError(self.source,
                                 f"cannot read file ({exc.strerror or exc})") from None
        if self.compression == "gzip":
            return _Checked(gzip.GzipFile(fileobj=raw), self, "gzip")  # type: ignore[return-value]
        if self.compression == "zstd":
            try:
                import zstandard
            except ImportError:
                raw.close()
                from discourse.install import pip_hint

                raise InputError(self.source, "zstd-compressed; reading it needs "
                                              f"zstandard: {pip_hint('zstd')}") from None
            # Pushshift/Arctic-Shift dumps are compressed with --long=31 (a 2 GiB window);
            # the frames are followed as they are read (window limit, truncation)
            frames = _ZstdFrames(raw, self)
            reader = zstandard.ZstdDecompressor(
                max_window_size=min(self.max_window, ZSTD_MAX_WINDOW)).stream_reader(
                    frames, closefd=True)
            return _Checked(reader, self, "zstd", frames)  # type: ignore[return-value]
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
    """A byte count for messages: ``2 GiB``, ``256 MiB``, ``1.5 MiB``, ``10000 bytes``."""
    if size >= 2**30 and size % 2**30 == 0:
        return f"{size // 2**30} GiB"
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


class _Checked(io.RawIOBase):
    """A decompressed stream read to where its data ends: a truncated stream (a dump cut
    by an interrupted download) or a corrupt one ends there, and the document gets a
    warning saying so (:meth:`Document.note`), so whatever came before is kept and the
    loss is not silent.  Corrupt data before any byte could be decompressed is an
    :class:`InputError` (the file is unreadable)."""

    def __init__(self, inner: BinaryIO, doc: Document, kind: str,
                 frames: _ZstdFrames | None = None) -> None:
        self._inner, self._doc, self._kind, self._frames = inner, doc, kind, frames
        self._out = 0
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._ended:
            return 0
        try:
            data = self._inner.read(len(buffer))
        except EOFError:  # gzip: "Compressed file ended before the end-of-stream marker"
            self._end(truncated=True)
            return 0
        except InputError:
            raise
        except Exception as exc:  # zlib.error, gzip.BadGzipFile, zstd.ZstdError, EIO
            if not _damage(exc):
                raise
            self._end(reason=_describe(exc))
            return 0
        if not data:
            if self._frames is not None and self._frames.incomplete:
                self._end(truncated=True)
            self._ended = True
            return 0
        self._out += len(data)
        buffer[:len(data)] = data
        return len(data)

    def _end(self, truncated: bool = False, reason: str = "") -> None:
        self._ended = True
        done = size_text(self._out)
        if truncated:
            message = (f"truncated: the {self._kind} data ends in the middle of the stream "
                       f"(after {done} decompressed); read to the cut, the rest of the file "
                       f"is missing (an interrupted download or copy?)")
        else:
            message = (f"damaged: the {self._kind} data is corrupt after {done} "
                       f"decompressed ({reason}); read up to the damage, the rest of the "
                       f"file is lost")
        if not self._out:  # nothing to keep: the document is unreadable
            raise InputError(self._doc.source,
                             f"truncated: the {self._kind} data ends before any of it "
                             f"could be decompressed" if truncated else
                             f"damaged: the {self._kind} data is corrupt ({reason}); "
                             f"nothing could be decompressed")
        self._doc.note(message)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _damage(exc: BaseException) -> bool:
    """Whether ``exc``, raised while decompressing, means the data is damaged."""
    import zlib

    if isinstance(exc, zlib.error | OSError):
        return True
    return type(exc).__name__ == "ZstdError"


class _ZstdFrames(io.RawIOBase):
    """The compressed bytes of a zstd file, passed through while the frame structure is
    followed from its headers alone (RFC 8878: frame header, block headers, checksum;
    skippable frames), so that

    * the window a frame needs is checked against the document's ``max_window`` before
      its data is decompressed (:class:`InputError` naming ``--max-window``), and
    * at the end, :attr:`incomplete` says whether the data stopped inside a frame (a
      truncated file), which the decompressor itself does not report."""

    def __init__(self, raw: BinaryIO, doc: Document) -> None:
        self._raw, self._doc = raw, doc
        self._state, self._need, self._buf, self._skip = "magic", 4, b"", 0
        self._single = self._checksum = self._last = False
        self._fcs = 0
        self._offset = 0
        self.frames = 0
        #: The bytes are not zstd frames as this walk knows them (left to the decoder).
        self.lost = False

    @property
    def incomplete(self) -> bool:
        """True when the data ended inside a frame."""
        return not self.lost and (self._state != "magic" or bool(self._buf)
                                  or self._skip > 0)  # (a cut inside the first magic too)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        if not data:
            return 0
        buffer[:len(data)] = data
        if not self.lost:
            self._walk(memoryview(data))
        self._offset += len(data)
        return len(data)

    def _walk(self, data: memoryview) -> None:
        pos, end = 0, len(data)
        while pos < end and not self.lost:
            if self._skip:
                step = min(self._skip, end - pos)
                self._skip -= step
                pos += step
                if not self._skip:
                    self._skipped()
                continue
            step = min(self._need - len(self._buf), end - pos)
            self._buf += bytes(data[pos:pos + step])
            pos += step
            if len(self._buf) == self._need:
                self._parse()

    def _parse(self) -> None:
        buf, self._buf = self._buf, b""
        state = self._state
        if state == "magic":
            magic = int.from_bytes(buf, "little")
            if magic == 0xFD2FB528:
                self._state, self._need = "descriptor", 1
            elif magic & 0xFFFFFFF0 == 0x184D2A50:
                self._state, self._need = "skippable", 4
            else:
                self.lost = True
        elif state == "descriptor":
            fhd = buf[0]
            if fhd & 0x08:  # the reserved bit
                self.lost = True
                return
            self._single = bool(fhd & 0x20)
            self._checksum = bool(fhd & 0x04)
            self._fcs = (1 if self._single else 0, 2, 4, 8)[fhd >> 6]
            rest = (0 if self._single else 1) + (0, 1, 2, 4)[fhd & 3] + self._fcs
            self._state, self._need = "header", rest
            if not rest:
                self._parse()
        elif state == "header":
            if self._single:
                window = int.from_bytes(buf[len(buf) - self._fcs:], "little")
                window += 256 if self._fcs == 2 else 0
            else:
                exponent, mantissa = buf[0] >> 3, buf[0] & 7
                base = 1 << (10 + exponent)
                window = base + (base >> 3) * mantissa
            self._check(window)
            self._state, self._need = "block", 3
        elif state == "block":
            header = int.from_bytes(buf, "little")
            self._last = bool(header & 1)
            kind, size = (header >> 1) & 3, header >> 3
            if kind == 3:
                self.lost = True
                return
            self._state, self._skip = "data", size if kind != 1 else 1
            if not self._skip:
                self._skipped()
        elif state == "checksum":
            self._frame_end()
        elif state == "skippable":
            self._state, self._skip = "skip", int.from_bytes(buf, "little")
            if not self._skip:
                self._skipped()

    def _skipped(self) -> None:
        if self._state == "skip":
            self._state, self._need = "magic", 4
        elif self._last:
            if self._checksum:
                self._state, self._need = "checksum", 4
            else:
                self._frame_end()
        else:
            self._state, self._need = "block", 3

    def _frame_end(self) -> None:
        self.frames += 1
        self._state, self._need = "magic", 4

    def _check(self, window: int) -> None:
        limit = self._doc.max_window
        if window <= limit:
            return
        where = "the first zstd frame" if not self.frames else \
            f"zstd frame {self.frames + 1}"
        if window > ZSTD_MAX_WINDOW:
            raise InputError(self._doc.source, f"{where} needs a {size_text(window)} "
                                               f"window to decompress, more than zstd "
                                               f"decodes ({size_text(ZSTD_MAX_WINDOW)}): "
                                               f"the file is damaged or not zstd data")
        raise InputError(self._doc.source, f"{where} needs a {size_text(window)} window "
                                           f"(that much memory) to decompress, more than "
                                           f"--max-window allows ({size_text(limit)}); "
                                           f"raise it with --max-window "
                                           f"{_size_option(window)} if this machine has "
                                           f"the memory")

    def close(self) -> None:
        self._raw.close()
        super().close()


def _size_option(size: int) -> str:
    """A size as a ``--max-window`` value (``2GiB``, ``512MiB``, ``300000``)."""
    for unit, name in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if size % unit == 0:
            return f"{size // unit}{name}"
    return str(size)


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
    hinted = COMPRESSION_SUFFIXES.get(path.suffix.lower())
    if magic and (hinted == "gzip" and _GZIP_MAGIC.startswith(magic)
                  or hinted == "zstd" and _ZSTD_MAGIC.startswith(magic)):
        return hinted  # cut inside the magic itself: truncated, said by the decompressor
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
    declared = _safe_codec(declared) if declared else None
    candidates = [declared] if declared else []
    candidates += ["utf-8", *_FALLBACKS]
    for encoding in candidates:
        try:
            return data.decode(encoding), _canonical(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(path, "cannot decode text")  # pragma: no cover - latin-1 always decodes


def _safe_codec(declared: str) -> str | None:
    """``declared`` when it is the codec of a WHATWG encoding, or the codec of the WHATWG
    label it is; None for anything else (``undefined``, ``unicode_escape``, ``rot13``:
    Python codecs a document must not choose; :mod:`discourse.read.encodings`)."""
    from discourse.read.encodings import PYTHON_CODECS, codec_for_label

    if declared in PYTHON_CODECS.values():
        return declared
    return codec_for_label(declared)


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
                        on_problem: OnProblem | None = None,
                        select: Selection = ALL) -> Iterator[Path | str]:
    """Yield document paths under the given files/folders, lazily and in sorted order.

    A folder contributes its files whose names end in :data:`DOCUMENT_SUFFIXES` (optionally
    followed by ``.gz``/``.zst``), recursively, skipping hidden entries and
    :data:`DEFAULT_EXCLUDES` (README, LICENSE, …); ``select`` (``--include`` and
    ``--exclude`` globs, see :class:`Selection`) changes which.  A subfolder holding
    ``utterances.jsonl`` is one ConvoKit document.  A path given by name is always taken,
    and an ``http(s)://`` address is yielded as it is (a string: it is fetched when read).
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
        if is_url(raw):
            yield str(raw).strip()
            continue
        p = Path(raw)
        try:
            st = os.stat(p)
        except FileNotFoundError:
            problem(InputError(display_path(p), "no such file or folder"))
            continue
        except OSError as exc:
            problem(InputError(display_path(p), f"cannot read ({exc.strerror or exc})"))
            continue
        if stat.S_ISDIR(st.st_mode) and _is_corpus(p):
            yield p  # the corpus, then the other documents beside it (never skipped)
            yield from _walk_sorted(p, {(st.st_dev, st.st_ino)}, problem, None, select, "",
                                    None, corpus=True)
        elif stat.S_ISDIR(st.st_mode):
            found, listed, left_out = False, [], []
            for child in _walk_sorted(p, {(st.st_dev, st.st_ino)}, problem, listed, select,
                                      "", left_out):
                found = True
                yield child
            if not found and listed:  # an unlistable folder was reported already
                what = (f"matching {', '.join(select.include)}" if select.include
                        else f"({', '.join(DOCUMENT_SUFFIXES)})")
                skipped = (f"; left out: {', '.join(left_out[:3])}"
                           + (" …" if len(left_out) > 3 else "")
                           + " (--include GLOB takes them)") if left_out else ""
                problem(InputError(display_path(p), f"folder has no documents {what}"
                                                    f"{skipped}"))
        else:
            yield p


def _walk_sorted(folder: Path, ancestors: set[tuple[int, int]],
                 problem: OnProblem, listed: list[bool] | None = None,
                 select: Selection = ALL, prefix: str = "",
                 left_out: list[str] | None = None, corpus: bool = False) -> Iterator[Path]:
    """Documents under ``folder`` (see :func:`iter_document_paths`); ``listed`` gets
    ``True`` appended once ``folder`` itself could be listed; ``prefix`` is ``folder``'s
    path below the folder given (for ``select``'s globs); ``left_out`` receives the names
    of document files that :data:`DEFAULT_EXCLUDES` left out; ``corpus``: ``folder`` is a
    ConvoKit corpus, whose own files (:data:`CONVOKIT_FILES`) are not documents."""
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
        if name.startswith(".") or corpus and (name in CONVOKIT_FILES
                                               or name.startswith("info.")):
            continue
        relative = f"{prefix}{os.fsdecode(name)}"
        if select.excluded(name, relative):
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
            elif select.takes(name, relative):
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
                yield Path(entry.path)  # the corpus, then the documents beside it
                yield from _walk_sorted(Path(entry.path), ancestors | {key}, problem, None,
                                        select, f"{relative}/", left_out, corpus=True)
                continue
            yield from _walk_sorted(Path(entry.path), ancestors | {key}, problem, None,
                                    select, f"{relative}/", left_out)
        elif select.takes(name, relative):
            if stat.S_ISREG(st.st_mode):
                yield Path(entry.path)
            else:
                problem(InputError(display_path(entry.path),
                                   f"not a regular file ({_kind(st.st_mode)}); skipped"))
        elif left_out is not None and is_document_name(name) and \
                select.by_default_excluded(name):
            left_out.append(relative)
