"""MediaWiki XML exports (``Special:Export``, ``pages-meta-current`` dumps): the talk pages
in them, streamed page by page (a dump of any size reads in flat memory).

Each ``<page>`` holds ``<title>``, ``<ns>``, ``<id>`` and one or more ``<revision>``
elements; the last revision's ``<text>`` is the page as it stands.  A page becomes a thread
when it is in a talk namespace (odd ``<ns>``: Talk, User talk, Wikipedia talk, …) or its
text holds signed comments, a line ending with a signature that links a user (discussion
pages in the project namespace: deletion discussions, village pumps).  Articles and other pages without signatures are skipped and
counted.  Parsed with lxml's ``iterparse``: no entity expansion, no network, no DTD.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.source import Document
from discourse.read.structured import domain, local

__all__ = ["read_export"]


def read_export(doc: Document, fmt: str) -> Iterator[Thread]:
    """One thread per talk page of a MediaWiki XML export (see the module docs)."""
    from lxml import etree

    from discourse.read.mediawiki import page_thread
    from discourse.read.mediawiki.signatures import WIKI_USER, signed

    explain = doc.explain if doc.explaining else None
    base: str | None = None
    pages = skipped = threads = 0
    stream = doc.open()
    try:
        events = etree.iterparse(stream, events=("end",), resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
        try:
            for _event, el in events:
                name = local(el.tag)
                if name == "base" and base is None and local(el.getparent().tag) == "siteinfo":
                    base = (el.text or "").strip() or None
                    continue
                if name != "page":
                    continue
                pages += 1
                title = _child_text(el, "title") or ""
                ns = _child_text(el, "ns")
                page_id = _child_text(el, "id")
                revisions = [r for r in el if local(r.tag) == "revision"]
                text = ""
                line = None
                if revisions:
                    text_el = next((t for t in revisions[-1] if local(t.tag) == "text"), None)
                    if text_el is not None:
                        text = text_el.text or ""
                        line = text_el.sourceline
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
                talk = ns is not None and ns.lstrip("-").isdigit() and int(ns) % 2 == 1
                if not talk and not any(signed(ln) and WIKI_USER.search(ln)
                                        for ln in text.split("\n")):
                    skipped += 1
                    continue
                threads += 1
                site = domain(base)
                url = _page_url(base, title)
                yield page_thread(text, fmt=fmt, title=title, thread_id=page_id, site=site,
                                  url=url, first_line=line or 1, explain=explain)
        except etree.XMLSyntaxError as exc:
            line_no, column = exc.position if exc.position else (exc.lineno, 0)
            message = " ".join(str(exc.msg or exc).split())
            raise InputError(doc.source, f"line {line_no}, column {column}: invalid XML "
                                         f"({message})") from None
    finally:
        stream.close()
    if explain is not None:
        explain.append(f"mediawiki-xml: {pages} page(s), {threads} talk page(s) read, "
                       f"{skipped} skipped (not a talk namespace, no signatures)")
    if threads == 0:
        raise InputError(doc.source, f"MediaWiki export with {pages} page(s) and no talk "
                                     f"page: none is in a talk namespace or holds a signed "
                                     f"comment")


def _child_text(el, name: str) -> str | None:
    for child in el:
        if local(child.tag) == name:
            return (child.text or "").strip()
    return None


def _page_url(base: str | None, title: str) -> str | None:
    """``https://host/wiki/Title`` from the export's ``<base>`` (the main page's URL)."""
    if not base or not title or "/wiki/" not in base:
        return None
    root = base[:base.index("/wiki/") + len("/wiki/")]
    return root + quote(title.replace(" ", "_"), safe="/:()!,'*@$;")
