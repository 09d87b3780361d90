"""Documents that are clearly not comment threads, refused on one line before a reader
guesses at them: PDF, images, archives, RSS/Atom feeds and a project's README/LICENSE
files (a PDF used to become a thread titled ``%PDF-1.4``, a feed an empty thread, a
folder's README a report page).

:func:`refusal` looks at the first bytes (after gzip/zstd decompression) and the file
name; :func:`feed_refusal` at the root element of a markup document no specific reader
took (a WordPress export is RSS too, and is read).  ``-f/--from FORMAT`` skips both: a
forced reader reads what it is given.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from discourse.read.source import Selection, is_url

#: (magic bytes at the start, what the file is, what to do instead)
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "a PDF document", "convert it to text first (pdftotext) or give the page "
                                 "it came from"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", ""),
    (b"\xff\xd8\xff", "a JPEG image", ""),
    (b"GIF87a", "a GIF image", ""),
    (b"GIF89a", "a GIF image", ""),
    (b"II*\x00", "a TIFF image", ""),
    (b"MM\x00*", "a TIFF image", ""),
    (b"PK\x03\x04", "a ZIP archive (or an Office/EPUB document)", "unpack it and give the "
                                                                  "folder"),
    (b"PK\x05\x06", "an empty ZIP archive", ""),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it and give the folder"),
    (b"Rar!\x1a\x07", "a RAR archive", "unpack it and give the folder"),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "unpack it (xz -d) and give the result"),
    (b"\x1f\x8b", "a gzip file inside a gzip file", "unpack it once and give the result"),
)
_WEBP = re.compile(rb"^RIFF....WEBP", re.S)
_SVG = re.compile(rb"^(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]",
                  re.S | re.I)
#: The root element of an RSS or Atom feed, after any XML declaration, comments,
#: processing instructions and doctype.
_FEED = re.compile(rb"^(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*"
                   rb"<(rss[\s>]|feed[\s>][^>]*http://www\.w3\.org/2005/Atom|rdf:RDF[\s>])",
                   re.S | re.I)


def refusal(head: bytes, source: str) -> str | None:
    """Why the document with these first bytes (BOM and leading white space removed)
    and this name is not a comment document, or None."""
    for magic, what, instead in _MAGIC:
        if head.startswith(magic):
            return _line(what, instead)
    if _WEBP.match(head):
        return _line("a WebP image", "")
    if _SVG.match(head):
        return _line("an SVG image", "")
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return _line("a bzip2-compressed file", "unpack it (bunzip2) and give the result")
    if tar_archive(head):
        return _line("a tar archive", "unpack it (tar -xf) and give the folder")
    if not is_url(source):
        name = PurePath(source).name
        if Selection.by_default_excluded(_inner(name)):
            return (f"{name.split('.')[0]} file (project documentation), not a comment "
                    "document; skipped (-f text reads it anyway)")
    return None


def feed_refusal(head: bytes) -> str | None:
    """Why a markup document that only the generic HTML reader would take is not a
    comment document (an RSS or Atom feed), or None."""
    m = _FEED.match(head)
    if m is None:
        return None
    kind = "an Atom feed" if m.group(1).lower().startswith(b"feed") else "an RSS feed"
    return _line(kind, "give the pages its items link to, or for a WordPress comment "
                       "feed the site's WXR export")


def tar_archive(head: bytes) -> bool:
    return len(head) > 262 and head[257:262] == b"ustar"


def _line(what: str, instead: str) -> str:
    return f"{what}, not a comment thread; skipped" + (f": {instead}" if instead else "")


def _inner(name: str) -> str:
    """``README.md.gz`` -> ``README.md``."""
    lower = name.lower()
    for suffix in (".gz", ".zst", ".zstd"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name
