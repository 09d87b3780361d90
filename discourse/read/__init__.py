"""Read comment threads in the forms people have them, all into one model (:class:`Thread`).

One module per input form (a package for the text and HTML readers), each registered by
one line in :data:`READERS`:

============================  ===========================================================
``text/``                     plain text where nesting shows as list markers (converters,
                              copy-paste, the seeds)
``html/``                     saved pages: one module per comment system + a generic
                              detector
``reddit``                    Reddit API responses and Pushshift/Arctic-Shift NDJSON dumps
``hn``                        Hacker News Firebase item trees and Algolia items
``discourse_forum``           Discourse forum topics (``/t/<id>.json``)
``disqus``                    Disqus XML exports
``wordpress``                 WordPress WXR exports
``mediawiki``                 MediaWiki talk pages: wikitext, talk-page dumps, XML exports
                              (their HTML pages: ``html/mediawiki``)
``mail``                      mbox files, single messages (.eml) and Mailman pipermail
                              text archives; one thread per conversation
``chan_dat``                  2ch/5ch thread ``.dat`` files (Shift_JIS or UTF-8)
``ptt``                       PTT article files with their pushes (Big5 or UTF-8)
``stackexchange``             Stack Exchange data dumps (``Posts.xml`` + ``Comments.xml``)
``telegram``                  Telegram Desktop chat exports (``result.json``)
``youtube/``                  YouTube comments: InnerTube pages, Data API v3, yt-dlp
                              ``info.json``, youtube-comment-downloader lines
``github``                    GitHub issue/PR/discussion comments (REST, GraphQL)
``twitter``                   Twitter/X API v2 conversations
``table``                     CSV/TSV comment tables (columns recognised by name)
``platforms/``                JSON platforms that are a field table over the generic
                              reader: HNPWA, Bilibili, Guardian, Twinoid, Daum, Disqus API,
                              Lemmy, Mastodon, Bluesky, Hive/Steem, Commento, Isso
``generic/``                  any other JSON/NDJSON with comment records: finds the
                              records, their fields and their reply links itself
``convokit``                  ConvoKit corpora (written by :mod:`discourse.write.convokit`)
``native``                    discourse's own JSON/JSONL output, read back
============================  ===========================================================

**A reader** is a module (or, for a module giving several forms, a :class:`Form` object in
it) with:

* ``NAME`` — the format name stored in ``Thread.format`` and given to ``--from``;
* ``DESCRIBES`` — a short phrase for the "unknown shape" errors ("a Disqus XML export");
* ``SYNTAX`` — ``"json"``, ``"xml"`` (any markup) or ``"text"``: which documents its
  sniffer is asked about (see :mod:`discourse.read.detect`);
* ``sniff(head: bytes) -> str | None`` — the evidence when it claims a document from its
  first bytes (decompressed, without BOM and leading white space), else None.  Cheap:
  searches in the head, no parsing; and the module imports nothing heavy at its top
  (lxml, orjson, SQLite are imported inside the functions that use them), since
  detection imports every reader;
* ``read(doc: Document) -> Iterator[Thread]`` — the threads of a document, lazily; a
  shape it does not know is a one-line :class:`InputError`;
* optionally ``sniff_folder(path) -> str | None`` for a reader of folders (ConvoKit).

:func:`~discourse.read.detect.detect` asks them in the order of :data:`READERS`; see
CONTRIBUTING.md for adding one.

Around the readers, not readers themselves: ``source`` (documents on disk or in memory,
folder walks with ``--include``/``--exclude``), ``web`` (``http(s)://`` addresses and the
platforms' JSON APIs), ``refuse`` (PDF, images, archives, feeds, READMEs: refused before
detection) and ``provenance`` (site, address, title and date a reader could not see:
:func:`read_document` completes every thread with it).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.source import (
    ALL,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_WINDOW,
    Document,
    Selection,
    is_url,
    iter_document_paths,
)

__all__ = ["READERS", "Form", "Reader", "find_reader", "iter_threads", "open_document", "parse_file",
           "read_document", "read_file", "reader_names", "readers", "says_why_empty",
           "why_empty"]

PathLike = str | os.PathLike[str]

#: Every input form, in the order detection asks them: specific first, generic last
#: (``"module"`` for a module that is a reader, ``"module:OBJECT"`` for a :class:`Form`
#: in it).  Imported when first needed.
READERS: tuple[str, ...] = (
    "discourse.read.reddit:API",
    "discourse.read.reddit:NDJSON",
    "discourse.read.native",
    "discourse.read.convokit",
    "discourse.read.hn",
    "discourse.read.discourse_forum",
    "discourse.read.telegram",
    "discourse.read.youtube.innertube",
    "discourse.read.youtube.dataapi",
    "discourse.read.youtube.ytdlp",
    "discourse.read.youtube.downloader",
    "discourse.read.github",
    "discourse.read.twitter",
    "discourse.read.disqus",
    "discourse.read.wordpress",
    "discourse.read.stackexchange",
    "discourse.read.mediawiki:XML_EXPORT",
    "discourse.read.mediawiki:TALKPAGES",
    # JSON platforms that are a field table over the generic reader (issue 21)
    "discourse.read.platforms.hnpwa",
    "discourse.read.platforms.bilibili",
    "discourse.read.platforms.guardian",
    "discourse.read.platforms.twinoid",
    "discourse.read.platforms.daum",
    "discourse.read.platforms.disqus_api",
    "discourse.read.platforms.lemmy",
    "discourse.read.platforms.mastodon",
    "discourse.read.platforms.bluesky",
    "discourse.read.platforms.hive",
    "discourse.read.platforms.commento",
    "discourse.read.platforms.isso",
    # the generic JSON reader: keep it after every JSON reader (it claims any JSON with
    # a text-like field)
    "discourse.read.generic",
    "discourse.read.html",
    "discourse.read.table",
    "discourse.read.mail:PIPERMAIL",
    "discourse.read.mail:MBOX",
    "discourse.read.chan_dat",
    "discourse.read.ptt",
    "discourse.read.mediawiki:WIKITEXT",
    "discourse.read.text",
)


class Reader(Protocol):
    """What a line of :data:`READERS` names (see the module docs)."""

    NAME: str
    DESCRIBES: str
    SYNTAX: str

    def sniff(self, head: bytes) -> str | None: ...

    def read(self, doc: Document) -> Iterable[Thread]: ...


@dataclass(frozen=True, slots=True)
class Form:
    """One input form of a module that reads several (Reddit: API responses and NDJSON
    dumps), with the attributes a reader module has."""

    NAME: str
    DESCRIBES: str
    SYNTAX: str
    sniff: Callable[[bytes], str | None]
    read: Callable[[Document], Iterable[Thread]]


@cache
def readers() -> tuple[Reader, ...]:
    """The readers of :data:`READERS`, imported, in order."""
    out = []
    for line in READERS:
        module, _, name = line.partition(":")
        loaded = importlib.import_module(module)
        out.append(getattr(loaded, name) if name else loaded)
    return tuple(out)  # type: ignore[arg-type]


def reader_names() -> tuple[str, ...]:
    """The readers' names (``--from`` choices, ``Thread.format`` values), in order."""
    return tuple(r.NAME for r in readers())


def find_reader(name: str) -> Reader:
    """The reader called ``name``.  Raises KeyError for an unknown name."""
    for r in readers():
        if name == r.NAME:
            return r
    raise KeyError(name)


def read_document(doc: Document, fmt: str | None = None) -> Iterator[Thread]:
    """Threads of one document, lazily.  ``fmt`` forces a reader (else detected from
    the content); ``doc.explain`` receives the decision and the reader's evidence."""
    from discourse.read.detect import detect

    if fmt is None:
        _refuse(doc)
        found = detect(doc)
        fmt = found.reader
        if fmt == "html":
            _refuse_feed(doc)
        doc.explain.append(f"reader: {fmt} ({found.reason})")
    elif fmt not in reader_names():
        raise InputError(doc.source, f"unknown format {fmt!r} (choose from "
                                     f"{', '.join(reader_names())})")
    else:
        doc.explain.append(f"reader: {fmt} (forced)")
    from discourse.read.provenance import complete

    count = 0
    reader = find_reader(fmt)
    try:
        for thread in reader.read(doc):
            if thread.source is None:
                thread.source = doc.source
            complete(thread, doc)
            if not thread.comments and thread.format == "html":
                _scripted_comments(thread, doc)
            if not thread.comments and not thread.warnings:  # never a silent zero
                thread.warnings.append(why_empty(reader))
            _give_notes(doc, thread.warnings)
            capped_authors(thread)
            count += 1
            yield thread
    except InputError as exc:
        # a document that fails because its compressed data stops or is damaged says so;
        # a problem not tied to a file (a full temporary disk) is this document's
        damage = [n for n in doc.notes[doc.notes_shown:]
                  if n.startswith(("truncated:", "damaged:"))]
        if exc.path is None:
            raise InputError(doc.source, exc.problem) from None
        if damage and exc.path == doc.source and damage[0] not in exc.problem:
            raise InputError(doc.source, f"{exc.problem} ({damage[0]})") from None
        raise
    if doc.notes_shown < len(doc.notes):
        # found after the last thread (or no thread at all): the document's own warnings
        # (the CLI prints doc.notes[doc.notes_shown:] after the threads)
        doc.warnings.extend(doc.notes[doc.notes_shown:])
    if count == 0:
        doc.explain.append("no threads in this document")
        if not says_why_empty(doc.warnings):
            doc.warnings.append(f"no threads: the {fmt} reader found no comment thread in "
                                f"this document ({reader.DESCRIBES})")


def _give_notes(doc: Document, warnings: list[str]) -> None:
    """The document's notes not given yet (records skipped, a truncated stream) added
    to ``warnings`` (the next thread's)."""
    if doc.notes_shown < len(doc.notes):
        warnings.extend(doc.notes[doc.notes_shown:])
        doc.notes_shown = len(doc.notes)


#: Longest author name kept (characters); a longer one is cut, with a warning: a 1 MB name
#: would otherwise be repeated in every output row and report page it appears on.
MAX_AUTHOR = 200


def capped_authors(thread: Thread, in_place: bool = True) -> Thread:
    """``thread`` with author names longer than :data:`MAX_AUTHOR` characters cut
    (``…`` marks the cut) and one warning saying so; ``in_place=False`` leaves the
    thread given untouched and returns a copy when a name is cut."""
    def long(name: str | None) -> bool:
        return name is not None and len(name) > MAX_AUTHOR

    cut = sum(long(c.author) for c in thread.comments) + long(thread.author)
    if not cut:
        return thread
    if not in_place:
        from dataclasses import replace

        thread = replace(thread, comments=[replace(c) for c in thread.comments],
                         warnings=list(thread.warnings))
    if long(thread.author):
        thread.author = thread.author[:MAX_AUTHOR - 1] + "…"  # type: ignore[index]
    for c in thread.comments:
        if long(c.author):
            c.author = c.author[:MAX_AUTHOR - 1] + "…"  # type: ignore[index]
    thread.warnings.append(f"{cut} author name(s) longer than {MAX_AUTHOR} characters cut "
                           f"to that length")
    return thread


def _refuse(doc: Document) -> None:
    """Raise :class:`InputError` for what is clearly not a comment document (PDF,
    image, archive, README; :mod:`discourse.read.refuse`)."""
    from discourse.read.refuse import refusal

    if doc.is_folder:
        return
    why = refusal(doc.head(1024).lstrip(b"\xef\xbb\xbf").lstrip(), doc.source)
    if why:
        raise InputError(doc.source, why)


def _refuse_feed(doc: Document) -> None:
    """An RSS or Atom feed that only the generic HTML reader would take is refused."""
    from discourse.read.refuse import feed_refusal

    why = feed_refusal(doc.head(4096).lstrip(b"\xef\xbb\xbf").lstrip())
    if why:
        raise InputError(doc.source, why)


def _scripted_comments(thread: Thread, doc: Document) -> None:
    """A page without comments whose comment section loads by JavaScript says so (one
    warning, instead of "no comment markup recognised")."""
    from discourse.read.web import javascript_comments, scripted_hint

    try:
        system = javascript_comments(doc.read_bytes())
    except InputError:
        return
    if system:
        thread.warnings = [w for w in thread.warnings if not w.startswith("no comments")]
        thread.warnings.append(scripted_hint(system))


def open_document(path: PathLike, max_bytes: int = DEFAULT_MAX_BYTES,
                  timeout: float | None = None,
                  max_window: int = DEFAULT_MAX_WINDOW) -> Document:
    """The document at ``path``: a file, a ConvoKit folder, or an ``http(s)://`` address
    fetched now (:func:`discourse.read.web.fetch_document`; ``timeout`` in seconds).
    ``max_window``: the largest zstd window allowed (``--max-window``)."""
    if is_url(path):
        from discourse.read.web import DEFAULT_TIMEOUT, fetch_document

        doc = fetch_document(str(path), max_bytes,
                             DEFAULT_TIMEOUT if timeout is None else timeout)
        doc.max_window = max_window
        return doc
    return Document.at(path, max_bytes, max_window)


def says_why_empty(warnings: list[str]) -> bool:
    """True when one of ``warnings`` says why a thread (or document) has no comments:
    by convention it starts with "no comments" or "no threads" (issue 21: never a
    silent zero)."""
    return any(w.lower().startswith(("no comment", "no threads")) for w in warnings)


def why_empty(reader: Reader) -> str:
    """The one line a thread without comments carries when its reader gave no warning
    of its own (a reader says why itself with a warning, best one starting "no comments:
    "; a module may also declare the line as ``EMPTY``)."""
    own = getattr(reader, "EMPTY", None)
    if isinstance(own, str) and own:
        return own
    if reader.SYNTAX == "text" and reader.NAME == "text":
        return ("no comments: no comment section found in the text (no numbered or "
                "bulleted list of comments after the article); --explain shows the list "
                "blocks tried")
    if reader.NAME == "html":
        return ("no comments: no comment markup recognised on the page; --explain shows "
                "the comment systems tried and the best rejected candidate")
    return f"no comments: the file holds none for this thread ({reader.DESCRIBES})"


def read_file(path: PathLike, fmt: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> list[Thread]:
    """All threads in one file (or ConvoKit folder, or ``http(s)://`` address).  Raises
    :class:`InputError`."""
    return list(read_document(open_document(path, max_bytes), fmt))


def parse_file(path: PathLike, fmt: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Thread:
    """The thread of a one-thread document (a saved page, a text file, one API
    response).  Raises :class:`InputError` when the file holds no thread or several
    (use :func:`read_file` or :func:`iter_threads` for dumps and exports)."""
    threads = read_file(path, fmt, max_bytes)
    if len(threads) != 1:
        raise InputError(str(path), f"holds {len(threads)} threads; use "
                                    f"discourse.read_file() or iter_threads()")
    return threads[0]


def iter_threads(
    paths: PathLike | Iterable[PathLike],
    on_error: Callable[[InputError], None] | None = None,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> Iterator[Thread]:
    """Threads from files, folders and ``http(s)://`` addresses, lazily, one document at
    a time.  ``include``/``exclude``: globs choosing a folder's files (see
    :class:`~discourse.read.source.Selection`).

    With ``on_error`` a bad document (or an unreadable folder, a FIFO, …) is reported to
    it and skipped; without, the first problem raises :class:`InputError`.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    select = Selection(tuple(include), tuple(exclude)) if include or exclude else ALL
    for path in iter_document_paths(list(paths), on_problem=on_error, select=select):
        try:
            yield from read_document(open_document(path, max_bytes), fmt)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
