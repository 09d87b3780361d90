"""Page metadata of a saved HTML page: title, canonical URL, site, publication date, and
the article body.

Sources, in order of preference:

* **title**: ``og:title`` (Open Graph), else the page's only ``<h1>`` when ``<title>``
  contains it, else ``<title>``, else the first ``<h1>``; a site suffix (" | Site",
  " – Site", " - Site" when it names the site) is removed;
* **url**: ``<link rel="canonical">``, else ``og:url``;
* **site**: ``og:site_name``, else the domain of the URL (without ``www.``), else None;
* **published**: ``article:published_time`` and similar ``<meta>`` tags, JSON-LD
  ``datePublished`` (schema.org), else the first ``<time datetime>`` outside the comment
  section; ISO 8601 (see :func:`~discourse.read.html.base.iso_time`);
* **article**: ``trafilatura.extract`` (Barbaresi 2021, *Trafilatura: A Web Scraping
  Library and Command-Line Tool for Text Discovery and Extraction*, ACL demos) on the page
  with the comment section removed, comments excluded.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import orjson
from lxml.html import HtmlElement

from discourse.read.html.base import iso_time, xp
from discourse.read.htmltext import text_of
from discourse.read.structured import domain

__all__ = ["Meta", "article_text", "metadata", "published_date", "strip_site_suffix"]


@dataclass(slots=True)
class Meta:
    """Page metadata; every field may be None (title may be "")."""

    title: str
    url: str | None
    site: str | None
    title_source: str


_META = xp("//meta[@property or @name or @itemprop][@content]")
_TITLE = xp("//title")
_H1 = xp("//h1")
_CANONICAL = xp("//link[@rel='canonical'][@href]/@href")
_JSONLD = xp("//script[@type='application/ld+json']")
_TIME = xp("//time[@datetime]|//*[@content][@itemprop='datePublished' or "
           "contains(@property, 'dc:created') or @property='dc:date']")
_SEPARATORS = re.compile(r"\s+(?:\||–|—|::|«|»|·|•|-)\s+")
PUBLISHED_KEYS = ("article:published_time", "og:published_time", "datepublished",
                  "date", "pubdate", "publishdate", "dc.date", "dc.date.issued",
                  "dcterms.created", "parsely-pub-date", "sailthru.date", "publication_date")


def _metas(root: HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _META(root):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if key and key not in out:
            out[key] = (m.get("content") or "").strip()
    return out


def strip_site_suffix(title: str, site: str | None = None) -> str:
    """``title`` without a trailing site name: "Post – My Blog" -> "Post".  The last
    segment after " | ", " – ", " — ", " :: ", " « ", " · " goes when it has at most four
    words (or names ``site``); after " - " only when it names ``site``."""
    title = " ".join(title.split())
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATORS.findall(title)
    last, sep = parts[-1], seps[-1].strip()
    names = {_norm(site)} if site else set()
    if _norm(last) in names or (sep != "-" and len(last.split()) <= 4 and
                                len(" ".join(parts[:-1]).split()) >= 1):
        head = title[: title.rfind(seps[-1])].strip()
        return head or title
    return title


def _norm(text: str | None) -> str:
    return re.sub(r"\W+", "", (text or "").casefold())


def metadata(root: HtmlElement) -> Meta:
    """Title, URL and site of the page (see the module docstring for the sources)."""
    metas = _metas(root)
    url = None
    canonical = _CANONICAL(root)
    if canonical and canonical[0].strip().startswith(("http://", "https://")):
        url = canonical[0].strip()
    url = url or (metas.get("og:url") or None)
    site = metas.get("og:site_name") or metas.get("application-name") or None
    site = " ".join(site.split()) if site else domain(url)
    titles = _TITLE(root)
    raw_title = " ".join(titles[0].text_content().split()) if titles else ""
    h1s = [" ".join(text_of(h).split()) for h in _H1(root)]
    h1s = [h for h in h1s if h]
    if metas.get("og:title"):
        title, source = strip_site_suffix(metas["og:title"], site), "og:title"
    elif len(h1s) == 1 and raw_title and _norm(h1s[0]) in _norm(raw_title):
        title, source = h1s[0], "h1"
    elif raw_title:
        title, source = strip_site_suffix(raw_title, site), "<title>"
    elif h1s:
        title, source = h1s[0], "h1"
    else:
        title, source = "", "none"
    return Meta(title=title, url=url, site=site, title_source=source)


def published_date(root: HtmlElement, skip: list[HtmlElement]) -> str | None:
    """Publication date of the article (ISO 8601) or None; ``<time>`` elements inside
    ``skip`` (the comment section) are not considered."""
    metas = _metas(root)
    for key in PUBLISHED_KEYS:
        value = iso_time(metas.get(key))
        if value:
            return value
    for script in _JSONLD(root):
        value = _jsonld_date(script.text or "")
        if value:
            return value
    inside = set()
    for section in skip:
        inside.update(section.iter())
    for t in _TIME(root):
        if t not in inside:
            value = iso_time(t.get("datetime") or t.get("content"))
            if value:
                return value
    return None


def _jsonld_date(text: str) -> str | None:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str) and iso_time(value):
                return iso_time(value)
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


class ArticleUnavailable(Exception):
    """trafilatura cannot be imported; the message says why (a warning, not an error)."""


logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def article_text(root: HtmlElement, url: str | None = None) -> str:
    """The article body of ``root`` (comment sections already removed) as plain text with
    paragraphs separated by a blank line, by ``trafilatura.extract`` (comments and tables
    of the comment section excluded); "" when it finds none."""
    try:
        import trafilatura
    except ImportError as exc:  # e.g. justext without lxml_html_clean
        raise ArticleUnavailable(f"article not extracted: trafilatura cannot be imported "
                                 f"({exc.msg.splitlines()[0] if exc.msg else exc})") from None
    try:
        text = trafilatura.extract(root, url=url, include_comments=False, include_tables=True,
                                   include_images=False, include_links=False,
                                   output_format="txt", deduplicate=False)
    except Exception:  # noqa: BLE001 - a third-party extractor must never crash a read
        text = None
    if not text:
        return ""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n", text)]
    return "\n\n".join(p for p in paragraphs if p)
