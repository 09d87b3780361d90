"""An article saved beside a comments file: ``X.comments.json`` and ``X.article.html`` in
one folder (how comment API responses are kept when the API does not send the article).

The article page gives the title (its ``<title>``, else its first heading) and the text
of its article body (``#harmonyContainer``, ``.article_view``, ``<article>``,
``[itemprop=articleBody]``, ``<main>``, else ``<body>``) through the one HTML-to-text
conversion; figures, captions, scripts and headings are left out of the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Beside", "article_beside"]

_BODY = ("//*[@id='harmonyContainer']", "//*[contains(concat(' ', @class, ' '), "
         "' article_view ')]", "//article", "//*[@itemprop='articleBody']", "//main", "//body")
_SKIP = frozenset(("figure", "figcaption", "h1", "h2", "h3", "button", "nav", "header",
                   "footer", "aside"))


@dataclass(frozen=True)
class Beside:
    path: Path
    title: str
    text: str


def article_beside(doc: Any, suffixes: tuple[str, ...],
                   replacements: tuple[str, ...]) -> Beside | None:
    """The article page beside ``doc``: its name with the first of ``suffixes`` it ends
    with (after any compression suffix) replaced by each of ``replacements``; None when
    there is none or it cannot be read."""
    from discourse.read.companions import beside, unpacked_name

    path = Path(doc.path)
    name = unpacked_name(path.name)
    stem = next((name[:-len(s)] for s in suffixes if name.endswith(s)), None)
    if stem is None:
        return None
    found = beside(path, [stem + r for r in replacements])
    if found is None:
        return None
    try:
        from discourse.read.source import Document

        data = Document.at(found).read_bytes()
    except Exception:  # noqa: BLE001 - an unreadable companion is simply not used
        return None
    return _parse(found, data)


def _parse(path: Path, data: bytes) -> Beside | None:
    import lxml.html

    from discourse.read.htmltext import text_of

    try:
        root = lxml.html.document_fromstring(data)
    except (ValueError, lxml.etree.ParserError):  # type: ignore[attr-defined]
        return None
    titles = root.xpath("//title")
    title = " ".join(titles[0].text_content().split()) if titles else ""
    if not title:
        heads = root.xpath("//h1|//h2|//h3")
        title = " ".join(heads[0].text_content().split()) if heads else ""
    for query in _BODY:
        found = root.xpath(query)
        if found:
            text = text_of(found[0], skip=lambda el: el.tag in _SKIP)
            return Beside(path, title, text.strip())
    return Beside(path, title, "")
