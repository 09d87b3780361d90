"""MediaWiki talk pages: comments cut at signatures, nested by indentation.

Three input forms (saved HTML pages, legacy ``action=render`` and Parsoid, are read by the
HTML reader's ``mediawiki`` detector, :mod:`discourse.read.html.mediawiki`):

* :data:`WIKITEXT` (``mediawiki-wikitext``) — a talk page's wikitext as the edit box or
  ``action=raw`` gives it;
* :data:`TALKPAGES` (``mediawiki-talkpages``) — research dumps that wrap each article's
  talk pages in ``<article id=… title=…>`` / ``<talkpage id=… title=…>`` lines around
  HTML-escaped wikitext (the archives of one page follow each other: one thread per
  ``<article>``);
* :data:`XML_EXPORT` (``mediawiki-xml``) — ``Special:Export`` files and database dumps
  (``<mediawiki xmlns="http://www.mediawiki.org/xml/export-…">``), streamed page by page:
  one thread per page in a talk namespace or holding signed comments (the latest
  revision's text), ``site`` from ``<siteinfo><base>``, ``url`` the page's address,
  ``thread_id`` the page id.

How comments are cut and nested is in :mod:`discourse.read.mediawiki.talk` (one thread
per page; each section's first comment is top-level), signatures in each wiki's language
in :mod:`~discourse.read.mediawiki.signatures`, and the text of a comment (wikitext made
readable, quotation templates as ``> `` lines) in :mod:`~discourse.read.mediawiki.markup`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read import Form
from discourse.read.source import Document

__all__ = ["TALKPAGES", "WIKITEXT", "XML_EXPORT", "page_thread", "wikitext_sections"]

_HEAD = re.compile(r"^(={2,6})\s*(.*?)\s*\1\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TABLE = re.compile(r"^(?:\{\||\||!)")
_FURNITURE = re.compile(r"^(?:\{\{|\|\}|\{\||\|-|<!--|\[\[\s*(?:Kategorie|Category|Catégorie|"
                        r"Categoría|Categoria|Kategoria|Категория)\s*:)", re.I)
_INDENT = re.compile(r"^[:*#]*")


# -- wikitext ------------------------------------------------------------------------
def wikitext_sections(text: str, first_line: int = 1):
    """The sections (with their classified lines) of a page's wikitext."""
    from discourse.read.mediawiki.signatures import signed, users_in
    from discourse.read.mediawiki.talk import Line, Section, anchor

    clean, numbers = _without_comments(text, first_line)
    sections = [Section("(page header)")]
    for ln, number in zip(clean.split("\n"), numbers, strict=True):
        stripped = ln.strip()
        m = _HEAD.match(stripped)
        if m:
            sections.append(Section(m.group(2), anchor=anchor(m.group(2))))
            continue
        s = ln.rstrip()
        if not s.strip():
            sections[-1].lines.append(Line(0, "", blank=True, number=number))
            continue
        indent = len(_INDENT.match(s).group(0))  # type: ignore[union-attr]
        body = s[indent:].strip()
        is_signed = signed(body)
        sections[-1].lines.append(Line(
            indent, body, signed=is_signed, users=users_in(body) if body else [],
            table=bool(_TABLE.match(body)),
            furniture=not body or (bool(_FURNITURE.match(body)) and _only_markup(body)),
            number=number))
    return sections


_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")


def _only_markup(body: str) -> bool:
    """True when a line holds templates, table or category markup and no words of its
    own (``{{talk header}}``, ``|-``); ``* {{support}} because …`` is a comment."""
    rest = body
    for _ in range(10):
        new = _TEMPLATE.sub("", rest)
        if new == rest:
            break
        rest = new
    if rest.startswith("{{"):
        return True  # a template going on over the next lines
    rest = re.sub(r"\[\[\s*[^\]|:]+:[^\]]*\]\]|^\{\||^\|\}|^\|-.*|<!--.*", "", rest)
    return not re.search(r"\w", rest)


def _without_comments(text: str, first_line: int) -> tuple[str, list[int]]:
    """``text`` without HTML comments (hidden on the page; a comment spanning lines joins
    them) and the source line number of each remaining line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    numbers = [first_line]
    line, at = first_line, 0
    for m in _COMMENT.finditer(text):
        kept = text[at:m.start()]
        parts.append(kept)
        for _ in range(kept.count("\n")):
            line += 1
            numbers.append(line)
        line += m.group().count("\n")
        at = m.end()
    rest = text[at:]
    parts.append(rest)
    for _ in range(rest.count("\n")):
        line += 1
        numbers.append(line)
    return "".join(parts), numbers


def _render(lines) -> str:
    from discourse.read.mediawiki.markup import wikitext_to_text

    return wikitext_to_text("\n".join("" if line.blank else line.body for line in lines))


def _stamp(raw) -> str | None:
    from discourse.read.mediawiki.signatures import parse_timestamp

    sig = raw.signature_line
    return parse_timestamp(sig.body) if sig is not None else None


def page_thread(text: str, *, fmt: str, title: str = "", thread_id: str | None = None,
                site: str | None = None, url: str | None = None, first_line: int = 1,
                explain: list[str] | None = None) -> Thread:
    """The thread of one talk page given as wikitext (see the module docs)."""
    from discourse.read.assemble import assemble
    from discourse.read.mediawiki.talk import posts_of
    from discourse.read.targets import attach_quotes_and_targets

    sections = wikitext_sections(text, first_line)
    posts = posts_of(sections, _render, _stamp, url)
    thread = Thread(source=None, layout="mediawiki-talk", title=title, article=title,
                    format=fmt, site=site, url=url, thread_id=thread_id)
    thread.comments = assemble(posts, thread.warnings)
    headed = sum(1 for s in sections[1:])
    if not thread.comments:
        thread.warnings.append(
            f"no signed comments found: {headed} section(s), "
            f"{sum(len(s.lines) for s in sections)} line(s), no line ends with a signature "
            f"(user link or timestamp)")
    attach_quotes_and_targets(thread)
    if explain is not None:
        signed_lines = sum(1 for s in sections for line in s.lines if line.signed)
        explain.append(f"mediawiki: {title or 'page'}: {headed} section(s), {signed_lines} "
                       f"signed line(s) -> {len(thread.comments)} comments")
    return thread


# -- the forms -----------------------------------------------------------------------
_WIKI_HEADING = re.compile(rb"(?m)^==[^=\n].*==[ \t]*\r?$")


def _sniff_wikitext(head: bytes) -> str | None:
    from discourse.read.mediawiki.signatures import WIKI_USER, stamp_in

    try:
        text = head.decode("utf-8", "replace")
    except Exception:  # pragma: no cover - decode with "replace" cannot fail
        return None
    links = len(WIKI_USER.findall(text))
    if not links:
        return None
    if stamp_in(text):
        return f"wikitext with {links} user-page link(s) and a signature timestamp"
    if _WIKI_HEADING.search(head) and links >= 2:
        return f"wikitext with == headings == and {links} user-page links"
    return None


def _read_wikitext(doc: Document) -> Iterator[Thread]:
    text, _encoding = doc.read_text()
    title = _title_from_name(doc.source)
    yield page_thread(text, fmt=WIKITEXT.NAME, title=title,
                      explain=doc.explain if doc.explaining else None)


def _title_from_name(source: str) -> str:
    from pathlib import PurePath

    return PurePath(source).name.split(".")[0]


WIKITEXT = Form("mediawiki-wikitext", "a MediaWiki talk page's wikitext", "text",
                _sniff_wikitext, _read_wikitext)

_ARTICLE = re.compile(r'^\s*<article\s+id="?(\d+)"?\s+title="?(.*?)"?\s*>\s*$')
_TALKPAGE = re.compile(r'^\s*<talkpage\s+id="?(\d+)"?\s+title="?(.*?)"?\s*>\s*$')
_TALKPAGES_HEAD = re.compile(rb'^<article\s+id="?\d+"?\s+title=[^\n]*>\s*\n\s*<talkpage\s', re.I)


def _sniff_talkpages(head: bytes) -> str | None:
    if _TALKPAGES_HEAD.match(head):
        return "<article id=… title=…> holding <talkpage> wikitext (talk-page dump)"
    return None


def _read_talkpages(doc: Document) -> Iterator[Thread]:
    text, _encoding = doc.read_text()
    explain = doc.explain if doc.explaining else None
    article: tuple[str, str] | None = None
    body: list[str] = []
    first_line = 1
    count = 0
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        m = _ARTICLE.match(line)
        if m:
            article, body, first_line = (m.group(1), m.group(2)), [], number + 1
            continue
        if line.strip() == "</article>":
            if article is not None:
                count += 1
                yield _talkpages_thread(article, body, first_line, explain)
            article, body = None, []
            continue
        if _TALKPAGE.match(line) or line.strip() == "</talkpage>":
            body.append("")  # keeps line numbers; an empty line between archives
            continue
        if article is None:
            continue
        body.append(line)
    if article is not None:
        count += 1
        yield _talkpages_thread(article, body, first_line, explain)
    if count == 0:
        raise InputError(doc.source, "no <article> element holding talk pages")


def _talkpages_thread(article: tuple[str, str], body: list[str], first_line: int,
                      explain: list[str] | None) -> Thread:
    text = html.unescape("\n".join(body))
    return page_thread(text, fmt=TALKPAGES.NAME, title=article[1], thread_id=article[0],
                       first_line=first_line, explain=explain)


TALKPAGES = Form("mediawiki-talkpages", "a talk-page dump (<article>/<talkpage> wikitext)",
                 "xml", _sniff_talkpages, _read_talkpages)

_EXPORT = re.compile(rb"<mediawiki[^>]*xmlns=[\"']http://www\.mediawiki\.org/xml/export-", re.I)


def _sniff_export(head: bytes) -> str | None:
    if _EXPORT.search(head[:4096]):
        return "XML with a <mediawiki> export root (Special:Export or a database dump)"
    return None


def _read_export(doc: Document) -> Iterator[Thread]:
    from discourse.read.mediawiki.export import read_export

    yield from read_export(doc, XML_EXPORT.NAME)


XML_EXPORT = Form("mediawiki-xml", "a MediaWiki XML export (Special:Export, dumps)", "xml",
                  _sniff_export, _read_export)
