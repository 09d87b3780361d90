"""Where a thread comes from — its site, address, title and date — when its reader did
not find them in the document.

:func:`complete` runs on every thread :func:`discourse.read.read_document` yields, in
this order (each step only fills what is still empty, except the sources file, whose
values are the user's word and win):

1. **the page itself**, through its reader: the canonical link, ``og:site_name``, the
   platform (``reddit.com/r/<sub>``), the forum's host;
2. **the address it was fetched from** (``discourse parse https://…``): ``url`` and
   the host as ``site``;
3. **a sources file** beside the document, ``sources.csv`` (columns ``document`` — the
   file name — and any of ``url``, ``site``, ``title``, ``published``; a ``note`` column
   is ignored): what a crawl log or a hand-kept list says about saved pages.  A ``site``
   left empty is the host of ``url``.  The bundled seeds carry one;
4. **the page's own address in plain text** (:func:`own_address`): a line that is only
   a URL among the page furniture (the title line, ``noise``, the two lines under the
   title, where a browser's print header puts it), a ``URL:``/``Source:``/``Permalink:``
   line at the start or end of the article, else a comment permalink (``#comment-123``,
   ``?replytocom=``, ``/comment-page-2``) anywhere in the thread.  Links inside the
   article are not taken: they point to other sites;
5. **the publication date**, when the reader found none: for an HTML page what
   trafilatura's date finder (htmldate) reads in its metadata and address, then for a
   page or plain text a byline date in the first lines of the article ("Posted on
   November 16, 2011"); comments are never searched.

Reports fall back on the folder holding the file only after all of these
(:func:`discourse.analyze.default_site`).
"""

from __future__ import annotations

import csv
import os
import re
from functools import lru_cache

from discourse.model import Thread
from discourse.read.source import Document, is_url
from discourse.read.structured import domain

#: The sources file's name (in the folder of the documents it describes).
SOURCES = "sources.csv"
_FIELDS = ("url", "site", "title", "published")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.I)
_ADDRESS_LINE = re.compile(r"^(?:(?:url|source|link|permalink|address|originally "
                           r"published (?:at|on)|quelle|источник)\s*:?\s*)?"
                           r"<?(https?://[^\s<>\"']+?)>?[.,;]?$", re.I)
_LABELLED_ADDRESS = re.compile(r"^(?:url|source|permalink|originally published (?:at|on)"
                               r"|quelle|источник)\s*:?\s*<?(https?://[^\s<>\"']+?)>?[.,;]?$",
                               re.I)
_PERMALINK = re.compile(r"#comment-?\d+|[?&]replytocom=\d+|/comment-page-\d+|#respond\b"
                        r"|#comments\b|#c\d{3,}\b", re.I)


def complete(thread: Thread, doc: Document) -> None:
    """Fill ``thread``'s site, url, title and published date from what the document's
    reader could not see (see the module docs)."""
    if thread.format == "text":
        markdown_headline(thread)
    if doc.url:
        thread.url = thread.url or doc.url
        thread.site = thread.site or domain(thread.url) or domain(doc.url)
    entry = sources_entry(doc)
    if entry:
        for name in _FIELDS:
            if entry.get(name):
                setattr(thread, name, entry[name])
        if not entry.get("site") and entry.get("url"):
            thread.site = domain(entry["url"]) or thread.site
    if not thread.site and thread.format == "text":
        address = own_address(thread)
        if address:
            thread.site = domain(address)
    if not thread.published and thread.format == "html":
        thread.published = page_date(doc, thread.url)
    if not thread.published and thread.format in ("html", "text"):
        thread.published = byline_date(thread.article)


_H1 = re.compile(r"^#\s+(\S.*?)(?:\s+#+)?\s*$")


def markdown_headline(thread: Thread) -> None:
    """A Markdown dump (html2text, a browser's "copy as Markdown") puts the site's name
    and menu above the article's ``# headline``: when the article opens, within its
    first three paragraphs and after nothing but short lines, with a level-1 heading,
    that heading is the title, and the first line and those short lines are page
    furniture (moved to ``noise``: every line stays somewhere)."""
    paragraphs = thread.article.split("\n\n")
    for i, paragraph in enumerate(paragraphs[:3]):
        lines = paragraph.split("\n")
        m = _H1.match(lines[0]) if len(lines) == 1 else None
        if m is None:
            if len(lines) > 2 or any(len(ln.split()) > 20 for ln in lines):
                return  # prose before any heading: the first line was the headline
            continue
        before = [ln for p in paragraphs[:i] for ln in p.split("\n") if ln.strip()]
        thread.noise = [thread.title, *before, *thread.noise]
        thread.title = m.group(1)
        thread.article = "\n\n".join(paragraphs[i + 1:])
        return


def sources_entry(doc: Document) -> dict[str, str] | None:
    """The row of the ``sources.csv`` beside ``doc`` naming its file, or None."""
    if doc.data is not None or is_url(doc.source):
        return None
    folder = doc.path.parent
    manifest = folder / SOURCES
    try:
        stamp = os.stat(manifest).st_mtime_ns
    except OSError:
        return None
    return _read_sources(str(manifest), stamp).get(doc.path.name)


@lru_cache(maxsize=64)
def _read_sources(path: str, stamp: int) -> dict[str, dict[str, str]]:
    """``{file name: {field: value}}`` of a sources file (``stamp``: its modification
    time, so an edited file is read again).  A file that cannot be read is ignored."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        name = (row.get("document") or "").strip()
        if name:
            out[name] = {k: (row.get(k) or "").strip() for k in _FIELDS}
    return out


def own_address(thread: Thread) -> str | None:
    """The page's own address as plain text shows it (see the module docs), or None."""
    article = [ln.strip() for ln in thread.article.splitlines() if ln.strip()]
    for line in [thread.title, *thread.noise, *article[:2]]:  # a print header's address
        m = _ADDRESS_LINE.match(line.strip())
        if m and domain(m.group(1)):
            return m.group(1)
    for line in [*article[:5], *article[-5:]]:  # a bare link at the end points elsewhere
        m = _LABELLED_ADDRESS.match(line)
        if m and domain(m.group(1)):
            return m.group(1)
    texts = [*thread.noise, *(c.text for c in thread.comments if c.text)]
    for text in texts:
        for url in _URL_IN_TEXT.findall(text):
            if _PERMALINK.search(url) and domain(url):
                return url
    return None


def byline_date(article: str) -> str | None:
    """The date of a byline at the top of the article ("Posted on November 16, 2011 at
    6:09 pm", "Paul Goble. June 2. 2021"): htmldate's text search over the first three
    lines, ``YYYY-MM-DD``; a date it could only place to the year or month (given as the
    1st) is not taken.  Comments are never searched (their dates are not the article's)."""
    import html

    head = " ".join([ln.strip() for ln in article.splitlines() if ln.strip()][:3])[:400]
    if not re.search(r"\d", head):
        return None
    found = _find_date(f"<html><body><p>{html.escape(head)}</p></body></html>", None, True)
    if found and found.endswith("-01") and not _FIRST_OF_MONTH.search(head):
        return None  # "January 2012", "2012": placed to the month or year only
    return found


_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_FIRST_OF_MONTH = re.compile(rf"\b0?1(?:st)?\.?\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+0?1(?:st)?\b"
                             r"|\b\d{4}-\d{2}-01\b", re.I)


def _find_date(page: str, url: str | None, extensive: bool) -> str | None:
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - a dependency of trafilatura
        return None
    import logging

    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    try:
        return find_date(page, url=url, original_date=True, extensive_search=extensive,
                         outputformat="%Y-%m-%d") or None
    except Exception:  # noqa: BLE001 - a date is optional; never fail a document for it
        return None


def page_date(doc: Document, url: str | None) -> str | None:
    """The publication date htmldate (trafilatura's date finder) gives for an HTML page
    whose markup named none, from its metadata and address only (the text search would
    take a comment's date): ``YYYY-MM-DD``, or None."""
    try:
        page = doc.read_bytes()
    except Exception:  # noqa: BLE001 - a date is optional
        return None
    return _find_date(page.decode("utf-8", "replace"), url, False)
