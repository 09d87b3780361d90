"""Random talk-page discussions rendered as MediaWiki serves them, for round-trip property
tests of :mod:`discourse.read.mediawiki` (needs the ``test`` extra: hypothesis).

A discussion is a list of :class:`Node` (``parent`` the index of an earlier node or
None); a top-level node opens a section of its own (a heading), a reply is indented one
level deeper than its parent.  Every comment is signed in the wiki's language
(:data:`LANGUAGES`: en, de, fr, es, it, pl, ru, he, ar), so the readers must cut and nest
them back exactly.  The renderers write:

* :func:`wikitext` — the page's wikitext (``== heading ==``, ``:`` indentation, and a
  ``*`` list under a top-level comment now and then);
* :func:`legacy_html` — the legacy parser's ``action=render`` output (``h2 >
  span.mw-headline``, ``dl > dd``, ``ul > li``, ``/wiki/User:…`` links);
* :func:`parsoid_html` — Parsoid's page HTML (``section[data-mw-section-id]``,
  ``rel="mw:WikiLink"`` links to ``./User:…``);
* :func:`xml_export` — a ``Special:Export`` file holding the wikitext.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from hypothesis import strategies as st

WORDS = ("tide", "river", "ferry", "council", "bridge", "source", "citation", "café", "naïve",
         "война", "память", "历史", "記憶", "Krieg", "mémoire", "42", "2.5%", "don't",
         "a & b", "שלום", "מקור", "مرحبا", "مصدر", "“quoted”")
USERS = ("Mara Quill", "Tobias", "Ирина", "Jean-Luc", "O'Brien", "李雷", "דנה כהן",
         "محمد", "Ann")


@dataclass(frozen=True, slots=True)
class Language:
    """How one wiki writes signatures."""

    code: str
    user: str
    talk: str
    months: tuple[str, ...]
    stamp: str  # format with h, mi, d, mon, y
    zone: str


LANGUAGES = {
    "en": Language("en", "User", "User talk",
                   ("January", "February", "March", "April", "May", "June", "July",
                    "August", "September", "October", "November", "December"),
                   "{h:02d}:{mi:02d}, {d} {mon} {y} ({zone})", "UTC"),
    "de": Language("de", "Benutzer", "Benutzer Diskussion",
                   ("Jan.", "Feb.", "Mär.", "Apr.", "Mai", "Jun.", "Jul.", "Aug.", "Sep.",
                    "Okt.", "Nov.", "Dez."),
                   "{h:02d}:{mi:02d}, {d}. {mon} {y} ({zone})", "CET"),
    "fr": Language("fr", "Utilisateur", "Discussion utilisateur",
                   ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                    "septembre", "octobre", "novembre", "décembre"),
                   "{d} {mon} {y} à {h:02d}:{mi:02d} ({zone})", "CET"),
    "es": Language("es", "Usuario", "Usuario discusión",
                   ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct",
                    "nov", "dic"),
                   "{h:02d}:{mi:02d} {d} {mon} {y} ({zone})", "UTC"),
    "it": Language("it", "Utente", "Discussioni utente",
                   ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott",
                    "nov", "dic"),
                   "{h:02d}:{mi:02d}, {d} {mon} {y} ({zone})", "CET"),
    "pl": Language("pl", "Wikipedysta", "Dyskusja wikipedysty",
                   ("sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź",
                    "lis", "gru"),
                   "{h:02d}:{mi:02d}, {d} {mon} {y} ({zone})", "CET"),
    "ru": Language("ru", "Участник", "Обсуждение участника",
                   ("января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                    "августа", "сентября", "октября", "ноября", "декабря"),
                   "{h:02d}:{mi:02d}, {d} {mon} {y} ({zone})", "UTC"),
    "he": Language("he", "משתמש", "שיחת משתמש",
                   ("בינואר", "בפברואר", "במרץ", "באפריל", "במאי", "ביוני", "ביולי",
                    "באוגוסט", "בספטמבר", "באוקטובר", "בנובמבר", "בדצמבר"),
                   "{h:02d}:{mi:02d}, {d} {mon} {y} ({zone})", "IST"),
    "ar": Language("ar", "مستخدم", "نقاش المستخدم",
                   ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
                    "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"),
                   "{h:02d}:{mi:02d}، {d} {mon} {y} ({zone})", "ت ع م"),
}
OFFSETS = {"UTC": 0, "CET": 1, "IST": 2, "ت ع م": 0}


@dataclass(frozen=True, slots=True)
class Node:
    """One signed comment: its parent (index), author, lines and time
    (year, month, day, hour, minute)."""

    parent: int | None
    author: str
    lines: tuple[str, ...]
    when: tuple[int, int, int, int, int]
    bullet: bool = False  # a "*" reply instead of ":"


@st.composite
def discussion(draw: st.DrawFn, max_size: int = 14) -> list[Node]:
    """A random discussion of 1..``max_size`` comments (any depth)."""
    n = draw(st.integers(1, max_size))
    nodes: list[Node] = []
    for i in range(n):
        parent = None if i == 0 or draw(st.integers(0, 3)) == 0 else draw(st.integers(0, i - 1))
        lines = tuple(" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7)))
                      for _ in range(draw(st.integers(1, 2))))
        when = (draw(st.integers(2004, 2024)), draw(st.integers(1, 12)),
                draw(st.integers(1, 28)), draw(st.integers(0, 23)), draw(st.integers(0, 59)))
        nodes.append(Node(parent, draw(st.sampled_from(USERS)), lines, when,
                          bullet=parent is not None and nodes[parent].parent is None
                          and draw(st.booleans())))
    return nodes


def order(nodes: list[Node]) -> list[int]:
    """Node indices depth-first, a parent before its replies (the page's order)."""
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(nodes):
        kids.setdefault(node.parent, []).append(i)
    out: list[int] = []
    stack = list(reversed(kids.get(None, [])))
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(reversed(kids.get(i, [])))
    return out


def depth(nodes: list[Node], i: int) -> int:
    d = 0
    while nodes[i].parent is not None:
        i = nodes[i].parent  # type: ignore[assignment]
        d += 1
    return d


def stamp(lang: Language, node: Node) -> str:
    y, mo, d, h, mi = node.when
    return lang.stamp.format(h=h, mi=mi, d=d, mon=lang.months[mo - 1], y=y, zone=lang.zone)


def expected_utc(lang: Language, node: Node) -> str:
    """The timestamp a reader must give (UTC)."""
    from datetime import datetime, timedelta

    y, mo, d, h, mi = node.when
    at = datetime(y, mo, d, h, mi) - timedelta(hours=OFFSETS[lang.zone])
    return at.strftime("%Y-%m-%dT%H:%M:00Z")


def _prefix(nodes: list[Node], i: int) -> str:
    """The indentation of node ``i``: ":" per level, "*" for a bulleted reply."""
    chars: list[str] = []
    j: int | None = i
    while j is not None and nodes[j].parent is not None:
        chars.append("*" if nodes[j].bullet else ":")
        j = nodes[j].parent
    return "".join(reversed(chars))


def _wiki_signature(lang: Language, node: Node) -> str:
    return (f"[[{lang.user}:{node.author}|{node.author}]] "
            f"([[{lang.talk}:{node.author}|{lang.talk.split()[0]}]]) {stamp(lang, node)}")


def wikitext(nodes: list[Node], lang: Language) -> str:
    out = ["{{Talk header}}", ""]
    section = 0
    for i in order(nodes):
        node = nodes[i]
        if node.parent is None:
            section += 1
            out += ["", f"== Section {section} ==", ""]
        prefix = _prefix(nodes, i)
        lines = list(node.lines)
        lines[-1] = f"{lines[-1]} {_wiki_signature(lang, node)}"
        out += [prefix + line for line in lines]
    return "\n".join(out) + "\n"


def _href(parsoid: bool, title: str) -> str:
    path = quote(title.replace(" ", "_"), safe=":/'()")
    return f"./{path}" if parsoid else f"/wiki/{path}"


def _html_signature(lang: Language, node: Node, parsoid: bool) -> str:
    rel = ' rel="mw:WikiLink"' if parsoid else ""
    user = f"{lang.user}:{node.author}"
    talk = f"{lang.talk}:{node.author}"
    return (f'<a{rel} href="{escape(_href(parsoid, user))}" title="{escape(user)}">'
            f'{escape(node.author)}</a> (<a{rel} href="{escape(_href(parsoid, talk))}" '
            f'title="{escape(talk)}">{escape(lang.talk.split()[0])}</a>) '
            f'{escape(stamp(lang, node))}')


def _html_body(lang: Language, node: Node, parsoid: bool) -> str:
    lines = [escape(line, quote=False) for line in node.lines]
    lines[-1] = f"{lines[-1]} {_html_signature(lang, node, parsoid)}"
    return "<br>".join(lines) if len(lines) > 1 else lines[0]


def _html(nodes: list[Node], lang: Language, parsoid: bool) -> str:
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(nodes):
        kids.setdefault(node.parent, []).append(i)

    def replies(i: int) -> str:
        children = kids.get(i, [])
        if not children:
            return ""
        out = []
        # consecutive children of the same marker share one list
        groups: list[tuple[bool, list[int]]] = []
        for c in children:
            if groups and groups[-1][0] == nodes[c].bullet:
                groups[-1][1].append(c)
            else:
                groups.append((nodes[c].bullet, [c]))
        for bullet, members in groups:
            tag, item = ("ul", "li") if bullet else ("dl", "dd")
            out.append(f"<{tag}>" + "".join(
                f"<{item}>{_html_body(lang, nodes[c], parsoid)}{replies(c)}</{item}>"
                for c in members) + f"</{tag}>")
        return "".join(out)

    sections = []
    for n, i in enumerate(kids.get(None, []), start=1):
        anchor = f"Section_{n}"
        if parsoid:
            heading = f'<h2 id="{anchor}">Section {n}</h2>'
        else:
            heading = (f'<h2><span class="mw-headline" id="{anchor}">Section {n}</span>'
                       f'<span class="mw-editsection"><span class="mw-editsection-bracket">'
                       f'[</span><a href="/w/index.php?title=Talk:X&amp;action=edit&amp;'
                       f'section={n}">edit</a><span class="mw-editsection-bracket">]</span>'
                       f'</span></h2>')
        body = f"{heading}\n<p>{_html_body(lang, nodes[i], parsoid)}\n</p>{replies(i)}\n"
        sections.append(f'<section data-mw-section-id="{n}">{body}</section>' if parsoid
                        else body)
    banner = '<table class="tmbox"><tr><td>This is the talk page.</td></tr></table>'
    if parsoid:
        return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"/>'
                f'<base href="//{lang.code}.wikipedia.org/wiki/"/><title>Talk:Ferry</title>'
                f'</head><body class="mw-content-ltr parsoid-body mediawiki mw-parser-output"'
                f' lang="{lang.code}"><section data-mw-section-id="0">{banner}</section>'
                + "".join(sections) + "</body></html>")
    return f'<div class="mw-parser-output">{banner}\n' + "".join(sections) + "</div>"


def legacy_html(nodes: list[Node], lang: Language) -> str:
    return _html(nodes, lang, parsoid=False)


def parsoid_html(nodes: list[Node], lang: Language) -> str:
    return _html(nodes, lang, parsoid=True)


def xml_export(nodes: list[Node], lang: Language) -> str:
    text = escape(wikitext(nodes, lang), quote=False)
    return (f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" '
            f'xml:lang="{lang.code}">\n  <siteinfo><sitename>Wikipedia</sitename>'
            f'<base>https://{lang.code}.wikipedia.org/wiki/Main</base></siteinfo>\n'
            f'  <page><title>Talk:Ferry</title><ns>1</ns><id>5</id><revision><id>9</id>'
            f'<text xml:space="preserve">{text}</text></revision></page>\n</mediawiki>\n')
