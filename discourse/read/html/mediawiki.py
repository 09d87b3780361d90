"""MediaWiki talk pages saved as HTML, in both flavours of the wiki's parser:

* the **legacy parser** (``action=render``, the page view, ``api.php?action=parse``):
  content in ``div.mw-parser-output``; headings ``<h2><span class="mw-headline"
  id="…">`` (``div.mw-heading > h2[id]`` since MediaWiki 1.43), edit links in
  ``span.mw-editsection``; user links ``<a href="/wiki/User:Alice" title="User:Alice">``
  (``/w/index.php?title=User:Carol&action=edit&redlink=1`` for a page that does not exist);
* **Parsoid** (the REST API's page HTML, ``rest.php/…/html``, today's read views):
  ``body.parsoid-body`` (or ``section[data-mw-section-id]``) with one ``<section>`` per
  heading, user links ``<a rel="mw:WikiLink" href="./User:Alice">``.

``:`` indentation is ``dl > dd`` nesting, ``*`` ``ul > li``, ``#`` ``ol > li``; a
paragraph keeps the source's line breaks as newlines, so each wikitext line is one line
here too.  The lines then go through the same cutting and tree as wikitext
(:mod:`discourse.read.mediawiki.talk`): a comment ends at a line ending with a signature
(a user link and a timestamp in the wiki's language); the first comment of a section is
top-level; a more indented comment answers the nearest earlier, less indented one.  Keys
are the display positions ``c001``… as for wikitext.

Left out of the text: edit-section links, the reply buttons and section bars the
DiscussionTools extension adds to read views (``ext-discussiontools-init-*``), and
notice boxes (tables, ``div`` templates) that do not hold a signature.  The title comes
from ``h1#firstHeading`` or ``<title>``; the page's address from ``link[rel=canonical]``
or Parsoid's ``<base>`` and ``mw:pageId``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from discourse.read.html.base import Found, xp
from discourse.read.mediawiki.signatures import USER_PAGES, stamp_in, user_from_title
from discourse.read.mediawiki.talk import Line, Section, posts_of

NAME = "mediawiki"
SELECTORS = {
    "content": "//div[contains(concat(' ', normalize-space(@class), ' '), ' mw-parser-output ')]"
               "|//body[contains(concat(' ', normalize-space(@class), ' '), ' parsoid-body ')]",
    "sections": "//section[@data-mw-section-id]",
    "first_heading": "//h1[@id='firstHeading']",
    "canonical": "//link[@rel='canonical']/@href",
    "base": "//head/base/@href",
    "page_id": "//meta[@property='mw:pageId']/@content",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}
_HEADINGS = frozenset(["h2", "h3", "h4", "h5", "h6"])
_LISTS = frozenset(["dl", "ul", "ol"])
_ITEMS = frozenset(["dd", "dt", "li"])
#: Class tokens of page furniture inside the content (never comment text).
_FURNITURE = frozenset(
    ["mw-editsection", "ext-discussiontools-init-replylink-buttons",
     "ext-discussiontools-init-section-bar", "ext-discussiontools-init-section-metadata",
     "ext-discussiontools-init-section-subscribe", "ext-discussiontools-init-pageframe-latestcomment",
     "ext-discussiontools-init-noMarker", "mw-cite-backlink", "reference", "mw-empty-elt",
     "toc", "mw-references-wrap", "catlinks", "navbox", "printfooter"])
_SKIP_TAGS = frozenset(["style", "script", "link", "meta", "noscript"])
_PUNCT_ONLY = re.compile(r"^[\s()\[\]•·|\-–—/.,:;]*$")
_TAG = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r"<a\b[^>]*>.*?</a\s*>", re.S | re.I)
_HREF = re.compile(r"<a\b([^>]*)>", re.I)
_ATTR = re.compile(r"""(\w[\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_NS_PAGES = tuple(n.casefold() for n in USER_PAGES)


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """The talk page's comments, or None when the page is not a MediaWiki page with
    signed comments."""
    contents = _X["content"](root)
    parsoid = bool(_X["sections"](root))
    if not contents:
        if not parsoid:
            return _wikitext(root)
        body = root.find("body")
        contents = [body if body is not None else root]
    container = _outermost(contents)
    sections = [Section("(page header)")]
    _walk(container, sections, 0)
    signed = sum(1 for s in sections for line in s.lines if line.signed)
    # a talk page has signatures naming users; an article mentioning "(UTC)" has none
    if not any(line.signed and line.users for s in sections for line in s.lines):
        return None
    url = _page_url(root)
    posts = posts_of(sections, _render, _stamp, url)
    if not posts:
        return None
    flavour = "Parsoid" if parsoid or container.tag == "body" else "legacy parser"
    found = Found(NAME, posts, sections=[container],
                  evidence=[f"MediaWiki {flavour} HTML: {len(sections) - 1} section(s), "
                            f"{signed} signed line(s) (user link + timestamp)",
                            "comments cut at signatures, nested by dl/ul/ol indentation"])
    title = _title(root)
    if title:
        found.title = title
        found.article = title
    else:
        found.article = ""
    found.url = url
    host = urlsplit(url).hostname if url else None
    found.site = host
    page_id = _X["page_id"](root)
    found.thread_id = page_id[0] if page_id else None
    return found


def _wikitext(root: HtmlElement) -> Found | None:
    """Wikitext that starts with markup (``<!-- … -->``, ``<div>``) and so was taken for
    HTML: read from its text as the wikitext reader would (``[[User:…]]`` links in the
    text are never rendered HTML)."""
    from discourse.read.mediawiki import _render, _stamp, wikitext_sections
    from discourse.read.mediawiki.signatures import WIKI_USER

    body = root.find("body")
    text = (body if body is not None else root).text_content()
    if not WIKI_USER.search(text):
        return None
    sections = wikitext_sections(text)
    signed = sum(1 for s in sections for line in s.lines if line.signed)
    if signed < 2:
        return None
    posts = posts_of(sections, _render, _stamp)
    if not posts:
        return None
    found = Found(NAME, posts, sections=[body if body is not None else root],
                  evidence=[f"wikitext (not rendered HTML): {len(sections) - 1} section(s), "
                            f"{signed} signed line(s); read as wikitext"])
    found.article = ""
    return found


def _outermost(elements: list[HtmlElement]) -> HtmlElement:
    chosen = set(elements)
    for el in elements:
        parent = el.getparent()
        while parent is not None and parent not in chosen:
            parent = parent.getparent()
        if parent is None:
            return el
    return elements[0]


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def _walk(el: HtmlElement, sections: list[Section], level: int) -> None:
    """Lines of the content element ``el`` into ``sections`` (a heading starts one)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS or _classes(child) & _FURNITURE:
            continue
        names = _classes(child)
        if tag in _HEADINGS:
            _heading(child, sections)
        elif tag == "div" and "mw-heading" in names:
            heading = next((h for h in child if isinstance(h.tag, str) and h.tag in _HEADINGS),
                           None)
            if heading is not None:
                _heading(heading, sections)
        elif tag == "section" or (tag == "div" and names & {"mw-parser-output",
                                                             "mw-content-ltr", "mw-content-rtl"}):
            _walk(child, sections, level)
        elif tag in _LISTS:
            _list(child, sections, level + 1)
        elif tag in ("p", "pre", "blockquote", "dt", "dd", "li", "center", "small", "span",
                     "a", "b", "i", "font"):
            _inline_lines(child, sections, level, block=tag == "p")
        else:  # tables, template boxes, figures: one block
            _block_line(child, sections, level)


def _heading(h: HtmlElement, sections: list[Section]) -> None:
    headline = h.find(".//span[@class='mw-headline']")
    anchor = (headline.get("id") if headline is not None else None) or h.get("id")
    shown = headline if headline is not None else h
    title = " ".join(_text(shown).split())
    sections.append(Section(title, anchor=anchor))


def _list(el: HtmlElement, sections: list[Section], level: int) -> None:
    for item in el:
        if not isinstance(item.tag, str):
            continue
        if item.tag in _LISTS:  # a list directly inside a list (malformed but seen)
            _list(item, sections, level + 1)
            continue
        if item.tag not in _ITEMS:
            _inline_lines(item, sections, level)
            continue
        nested = [c for c in item if isinstance(c.tag, str) and c.tag in _LISTS]
        _inline_lines(item, sections, level, exclude=set(nested))
        for sub in nested:
            _list(sub, sections, level + 1)


def _inline_lines(el: HtmlElement, sections: list[Section], level: int,
                  exclude: set[HtmlElement] | None = None, block: bool = False) -> None:
    """The lines of an element holding inline content: its HTML split at the source's
    newlines (``<p>`` keeps one per wikitext line); nested lists in ``exclude`` are left
    for :func:`_list`."""
    pieces = [el.text or ""]
    for child in el:
        if exclude and child in exclude:
            pieces.append(child.tail or "")
            continue
        if isinstance(child.tag, str) and child.tag in ("div", "table") and not block:
            pieces.append("\n")
            pieces.append(_serialize(child, tail=False).replace("\n", " "))
            pieces.append("\n" + (child.tail or ""))
            continue
        pieces.append(_serialize(child, tail=True))
    markup = "".join(pieces)
    if el.tag in ("pre", "blockquote"):
        markup = f"<{el.tag}>{markup}</{el.tag}>"
        _add_line(sections, level, markup.replace("\n", "&#10;") if el.tag == "pre" else
                  markup.replace("\n", " "), table=False)
        return
    for piece in markup.split("\n"):
        if piece.strip():
            _add_line(sections, level, piece)
    if block:
        sections[-1].lines.append(Line(level, "", blank=True))


def _block_line(el: HtmlElement, sections: list[Section], level: int) -> None:
    markup = _serialize(el, tail=False).replace("\n", " ")
    line = _line(level, markup)
    line.furniture = not line.signed
    sections[-1].lines.append(line)
    tail = el.tail or ""
    if tail.strip():
        _add_line(sections, level, tail)


def _serialize(el: HtmlElement, tail: bool) -> str:
    return etree.tostring(el, encoding="unicode", method="html", with_tail=tail)


def _add_line(sections: list[Section], level: int, markup: str, table: bool = False) -> None:
    line = _line(level, markup)
    line.table = table
    sections[-1].lines.append(line)


def _line(level: int, markup: str) -> Line:
    users, last_page_end = [], None
    for m in _ANCHOR.finditer(markup):
        user, page = _link_user(m.group())
        if user:
            users.append(user)
            if page:
                last_page_end = m.end()
    text = _render_piece(markup)
    end = text[-200:]
    is_signed = stamp_in(end)
    if not is_signed and last_page_end is not None:
        rest = _TAG.sub("", _ANCHOR.sub("", markup[last_page_end:]))
        is_signed = bool(_PUNCT_ONLY.match(rest))
    return Line(level, markup, signed=is_signed, users=users)


def _link_user(anchor: str) -> tuple[str | None, bool]:
    """The user an ``<a>`` links (by ``href``, else ``title``) and whether the link is to
    the user page itself (not a talk or contributions page)."""
    m = _HREF.match(anchor)
    attrs = {a.group(1).lower(): a.group(2) if a.group(2) is not None else a.group(3)
             for a in _ATTR.finditer(m.group(1))} if m else {}
    target = _link_target(attrs.get("href") or "")
    if target is None:
        target = re.sub(r"\s*\([^)]*\)\s*$", "", attrs.get("title") or "") or None
    user = user_from_title(target)
    if not user:
        return None, False
    namespace = target.split(":", 1)[0].strip().replace("_", " ").casefold() if target else ""
    return user, namespace in _NS_PAGES


def _link_target(href: str) -> str | None:
    """The page title an internal link's ``href`` names (``/wiki/T``, ``./T``,
    ``index.php?title=T&…``, ``https://host/wiki/T``)."""
    import html as entities

    href = entities.unescape(href)
    if not href:
        return None
    m = re.search(r"[?&]title=([^&#]+)", href)
    if m:
        return unquote(m.group(1)).replace("_", " ")
    path = urlsplit(href).path if "://" in href or href.startswith("//") else href.split("?")[0]
    path = path.split("#")[0]
    for prefix in ("/wiki/", "./"):
        if prefix in path:
            return unquote(path.split(prefix, 1)[1]).replace("_", " ")
    return None


def _skip(node: HtmlElement) -> bool:
    names = node.get("class")
    return bool(names) and not _FURNITURE.isdisjoint(names.split())


def _text(el: HtmlElement) -> str:
    from discourse.read.htmltext import text_of

    return text_of(el, _skip)


def _render_piece(markup: str) -> str:
    from discourse.read.htmltext import html_to_text

    return html_to_text(markup, skip=_skip)


def _render(lines: list[Line]) -> str:
    from discourse.read.htmltext import html_to_text

    markup = "\n".join("" if line.blank else line.body for line in lines)
    return html_to_text(markup, keep_newlines=True, skip=_skip)


def _stamp(raw) -> str | None:
    from discourse.read.mediawiki.signatures import parse_timestamp

    sig = raw.signature_line
    return parse_timestamp(_render_piece(sig.body)) if sig is not None else None


def _title(root: HtmlElement) -> str | None:
    heading = _X["first_heading"](root)
    if heading:
        return " ".join(heading[0].text_content().split()) or None
    title = root.find(".//title")
    if title is not None and title.text and title.text.strip():
        text = " ".join(title.text.split())
        return re.sub(r"\s+[-–—]\s+[^-–—]+$", "", text) if " - " in text or " — " in text \
            else text
    return None


def _page_url(root: HtmlElement) -> str | None:
    canonical = _X["canonical"](root)
    if canonical:
        return str(canonical[0])
    base = _X["base"](root)
    title = root.find(".//title")
    if base and title is not None and title.text:
        href = str(base[0])
        if href.startswith("//"):
            href = "https:" + href
        if href.endswith("/wiki/"):
            from urllib.parse import quote

            return href + quote(title.text.strip().replace(" ", "_"), safe="/:()!,'*@$;")
    return None
