"""The HTML reader: saved pages ("Save page as", scrapers, web archives) into reply trees.

The tree is rebuilt from the DOM, never from rendered text.  The page is decoded (BOM,
``<meta charset>``, ``http-equiv``), parsed with ``lxml.html``, and the comment-system
detectors of :data:`DETECTORS` run from the most specific to the generic one; the first
that finds comments wins (the layout of trafilatura's extractor: selector tables kept as
data, one module per system, a generic detector last).  Each detector module has a
``SELECTORS`` table and ``find(root) -> Found | None``.  The article comes from
trafilatura with the comment section removed (see :mod:`discourse.read.html.page`).

lxml, trafilatura and the detector modules are imported when a page is read, not with this
module (detection imports every reader to ask its sniffer).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from discourse.model import Thread
from discourse.read.source import Document, decode

if TYPE_CHECKING:
    import lxml.html
    from lxml.etree import XPath
    from lxml.html import HtmlElement

    from discourse.read.html.base import Found

__all__ = ["DETECTORS", "parse_html", "read"]

NAME = "html"
DESCRIBES = "an (X)HTML page"
SYNTAX = "xml"
_HTML = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|title>|div[\s>]"
                   rb"|p>|article[\s>]|section[\s>]|table[\s>]|ul[\s>]|ol[\s>])", re.I)
_XML_DECL_BYTES = re.compile(rb"^<\?xml[^>]*\?>", re.I)


def sniff(head: bytes) -> str | None:
    """Markup with HTML elements, or any markup without an XML declaration (asked after
    the XML exports)."""
    if _HTML.search(head) or not _XML_DECL_BYTES.match(head):
        return "markup with HTML elements"
    return None


#: Comment-system detectors, most specific first; ``generic`` is the fallback.
DETECTORS: tuple[str, ...] = ("mediawiki", "hackernews", "reddit", "discourse_forum", "phpbb",
                              "twinoid", "forums", "stackoverflow", "twitter", "talkyard",
                              "livejournal", "lobsters", "blogger", "disqus", "wordpress", "drupal",
                              "generic")

_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


@cache
def _parser() -> lxml.html.HTMLParser:
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False,
                                  default_doctype=False, huge_tree=True)
    # One element class for every tag, looked up in C: lxml.html's default lookup is a
    # Python method called for every element proxy (form/input classes we do not need).
    parser.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment))
    return parser


@cache
def _count_headings() -> XPath:
    from discourse.read.html.base import xp

    return xp("//h1|//h2|//h3|//h4|//h5|//*[contains(@class, 'ount') or "
              "contains(@class, 'itle') or contains(@id, 'ount')][contains(@class, "
              "'omment') or contains(@id, 'omment')]")


def read(doc: Document) -> Iterator[Thread]:
    """The one thread of a saved HTML page (zero comments when it has no comment
    section).  Raises :class:`~discourse.errors.InputError` for an empty, binary or
    oversized file; broken markup is repaired by libxml2, never an error."""
    data = doc.read_bytes()
    thread = parse_html(data, source=doc.source,
                        explain=doc.explain if doc.explaining else None)
    original = getattr(doc, "bom", None)  # UTF-16/32 transcoded to UTF-8 by Document.open
    if original:
        thread.encoding = original
    yield thread


def declared_charset(data: bytes) -> tuple[str | None, str]:
    """The Python codec of the charset a page declares in its first 4 KB (``<meta
    charset>`` or ``http-equiv`` Content-Type), and where it was found.  Only WHATWG
    encoding labels count, mapped as browsers do (ISO-8859-1 -> cp1252;
    :mod:`discourse.read.encodings`): a page naming a Python-only codec (``undefined``,
    ``unicode_escape``, ``rot13``) gets ``None`` and a ``where`` ending in "ignored"."""
    from discourse.read.encodings import codec_for_label

    m = _CHARSET.search(data[:4096])
    if not m:
        return None, "no declared charset"
    label = m.group(1).decode("ascii", "replace").lower()
    source = "http-equiv" if b"http-equiv" in data[max(0, m.start() - 200):m.end()].lower() \
        else "<meta charset>"
    codec = codec_for_label(label, in_html=True)
    if codec is None:
        return None, f"{source} names {label[:40]!r}, not a WHATWG encoding label; ignored"
    return codec, source


def parse_html(data: bytes | str, source: str | None = None,
               explain: list[str] | None = None, with_article: bool = True) -> Thread:
    """A :class:`Thread` from the bytes (or text) of one HTML page.

    ``explain`` (a list) receives the evidence lines of ``--explain``;
    ``with_article=False`` skips the trafilatura article extraction (benchmarks).
    Raises :class:`~discourse.errors.InputError` for empty or binary bytes.
    """
    import lxml.etree
    import lxml.html

    warnings: list[str] = []
    if isinstance(data, bytes):
        declared, where = declared_charset(data)
        if where.endswith("ignored"):
            warnings.append(f"declared charset: {where}")
        text, encoding = decode(data, source, declared=declared)
        if explain is not None:
            how = f"declared by {where}" if declared and encoding == _canon(declared) else (
                "byte-order mark or UTF-8" if encoding.startswith("utf") else "fallback")
            explain.append(f"html: decoded as {encoding} ({how})")
        if declared and encoding != _canon(declared) and not encoding.startswith("utf"):
            warnings.append(f"declared charset {declared} does not decode; read as {encoding}")
    else:
        text, encoding = data, "utf-8"
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = lxml.html.document_fromstring(text, parser=_parser())
    except (lxml.etree.ParserError, ValueError) as exc:
        return Thread(source=source, layout=None, title="", article="", encoding=encoding,
                      format="html", warnings=[f"no HTML content ({exc})"])
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _parser().error_log):
        # the parser stopped at its depth limit, losing the text below it and the rest of
        # the page: read again with the excess nesting (tags only) removed
        from discourse.read.html.nesting import MAX_DEPTH, flatten

        flat, deepest = flatten(text)
        root = lxml.html.document_fromstring(flat, parser=_parser())
        warnings.append(f"the page nests elements {deepest} deep, deeper than the HTML "
                        f"parser goes (2048): the tags below depth {MAX_DEPTH} were "
                        f"dropped, their text kept")
    return _thread(root, source, encoding, warnings, explain, with_article)


def _canon(label: str) -> str:
    import codecs

    try:
        return {"utf_8": "utf-8", "iso8859-1": "latin-1"}.get(codecs.lookup(label).name,
                                                              codecs.lookup(label).name)
    except LookupError:
        return label


def detect(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """The first detector of :data:`DETECTORS` that finds comments in ``root``."""
    tried: list[str] = []
    for name in DETECTORS:
        module = importlib.import_module(f"discourse.read.html.{name}")
        found = module.find(root, explain if name == "generic" else None)
        if found is not None and found.posts:
            if explain is not None:
                if tried:
                    explain.append(f"html: no {', '.join(tried)} markup")
                explain.append(f"html: comment system {found.layout}: "
                               + "; ".join(found.evidence))
            return found
        tried.append(name)
    if explain is not None:
        explain.append(f"html: no comment section found (tried {', '.join(tried)})")
    return None


def _thread(root: HtmlElement, source: str | None, encoding: str, warnings: list[str],
            explain: list[str] | None, with_article: bool) -> Thread:
    from discourse.read.assemble import assemble
    from discourse.read.html import page
    from discourse.read.targets import attach_quotes_and_targets

    meta = page.metadata(root)
    found = detect(root, explain)
    sections = found.sections if found else []
    comments = []
    if found:
        comments = assemble(found.posts, warnings)
        if found.targets and all(p.parent is None for p in found.posts):
            index = {p.key: c for p, c in zip(found.posts, comments, strict=True)}
            for key, target in found.targets.items():
                if key in index and target in index and index[target] is not index[key]:
                    index[key].target_id = index[target].id
    expected = found.expected if found and found.expected is not None else _count_heading(root)
    published = (found.published if found else None) or page.published_date(root, sections)
    if found and found.article is not None:
        article = found.article
        how = "the opening post"
    elif with_article:
        for section in _outermost(sections):
            if section.getparent() is not None:
                section.drop_tree()
        try:
            article, how = page.article_text(root, meta.url), "trafilatura"
        except page.ArticleUnavailable as exc:
            article, how = "", "unavailable"
            warnings.append(str(exc))
    else:
        article, how = "", "skipped"
    shown = sum(1 for c in comments if c.text)
    missing = None
    if expected is not None and expected > len(comments):
        missing = expected - len(comments)
        warnings.append(f"the page counts {expected} comments but {len(comments)} are present "
                        f"({missing} not loaded)")
    thread = Thread(
        source=source, layout=found.layout if found else None,
        title=(found.title if found and found.title else meta.title), article=article,
        comments=comments, warnings=warnings, encoding=encoding,
        site=(found.site if found and found.site else meta.site),
        url=(found.url if found and found.url else meta.url), published=published,
        format="html", thread_id=found.thread_id if found else None, missing=missing,
        author=found.author if found else None)
    attach_quotes_and_targets(thread)
    if explain is not None:
        origin = f"{found.layout} markup" if found and found.title else meta.title_source
        explain.append(f"html: title from {origin}"
                       f"; site {thread.site!r}; url {thread.url!r}; published {published!r}")
        explain.append(f"html: article {len(article.split())} words ({how}); "
                       f"{len(comments)} comments ({shown} with text)"
                       + (f"; page counts {expected}" if expected is not None else ""))
    return thread


def _outermost(sections: list[HtmlElement]) -> list[HtmlElement]:
    chosen = set(sections)
    out = []
    for s in sections:
        parent = s.getparent()
        while parent is not None and parent not in chosen:
            parent = parent.getparent()
        if parent is None:
            out.append(s)
    return out


def _count_heading(root: HtmlElement) -> int | None:
    """The largest "N comments" heading count on the page, if any."""
    from discourse.read.html.base import count_in
    from discourse.read.htmltext import text_of

    best = None
    for el in _count_headings()(root):
        words = " ".join(text_of(el).split())
        if len(words) > 120:
            continue
        n = count_in(words)
        if n is not None and (best is None or n > best):
            best = n
    return best
