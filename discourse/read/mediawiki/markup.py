"""Wikitext of one talk-page comment as readable text.

Links show their label (``[[User:Alice|Alice]]`` → "Alice", ``[[Foo]]`` → "Foo",
``[http://x.org site]`` → "site"); files and categories are left out; bold and italic
quotes are dropped; templates are left out, except the ones that carry what the commenter
wrote: quotation templates (``{{tq|…}}``, ``{{talkquote|…}}``, ``{{quote|…}}``,
``{{Zitat|…}}``, ``{{citation|…}}``) become quoted ``> `` lines, reply/ping templates
(``{{ping|Alice}}``, ``{{re|Alice}}``, ``{{u|Alice}}``, ``{{@|Alice}}``) become "@Alice",
and ``{{unsigned|Alice|…}}`` names its user.  HTML inside the wikitext (``<small>``,
``<blockquote>``, ``<br>``, entities) goes through the one HTML-to-text conversion
(:func:`discourse.read.htmltext.html_to_text`), line breaks kept.
"""

from __future__ import annotations

import html
import re

__all__ = ["wikitext_to_text"]

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_NOWIKI = re.compile(r"<nowiki\s*>(.*?)</nowiki\s*>|<nowiki\s*/>", re.S | re.I)
_QUOTE_TEMPLATES = frozenset(
    ["tq", "tq2", "talkquote", "talk quote", "quote", "quotation", "zitat", "citation",
     "citazione", "cita", "цитата", "ציטוט", "tqb", "bq", "blockquote", "talkq", "quote box"])
_PING_TEMPLATES = frozenset(
    ["ping", "re", "reply to", "replyto", "reply", "u", "@", "user", "yo", "ping2", "hallo",
     "ping-en", "rép", "répondre à", "notif", "notif-", "respuesta", "ping+", "ответ", "o",
     "אוטו", "פינג", "جواب", "ر", "oping"])
_UNSIGNED_TEMPLATES = frozenset(
    ["unsigned", "unsigned2", "unsigned ip", "unsignedip", "unsigned-ip", "unsigniert",
     "non signé", "non firmato", "sin firmar", "niepodpisany", "не подписано", "unsig"])
#: Vote templates shown as their word ("{{support}}" → "support", "{{Pro}}" → "Pro").
_VOTES = frozenset(
    ["support", "strong support", "weak support", "oppose", "strong oppose", "weak oppose",
     "keep", "strong keep", "delete", "strong delete", "merge", "comment", "neutral", "agree",
     "disagree", "yes", "no", "pro", "contra", "neutral", "behalten", "löschen", "dafür",
     "dagegen", "pour", "contre", "plutôt pour", "plutôt contre", "conserver", "supprimer",
     "a favor", "en contra", "favor", "contra", "mantener", "borrar", "favorevole",
     "contrario", "za", "przeciw", "zostawić", "usunąć", "за", "против", "оставить",
     "удалить", "בעד", "נגד", "נמנע", "موافق", "معترض", "موافقت", "مخالف"])
#: Formatting and box templates whose argument is the commenter's own prose
#: ("{{Kasten|1=Gelöscht gem. Diskussion …}}", "{{small|…}}", "{{color|red|…}}": the last
#: positional or the ``1=``/``text=`` argument is kept).
_CONTAINER_TEMPLATES = frozenset(
    ["kasten", "box", "hinweis", "center", "centre", "small", "smaller", "big", "larger",
     "highlight", "mark", "color", "colour", "font", "font color", "farbe", "petit",
     "grand", "centré", "pequeño", "piccolo", "mały", "мелкий", "s", "strike", "del",
     "unblock", "unblock reviewed", "unblock-un", "unblock-auto", "unblock on hold"])
_FILE_LINK = re.compile(r"^\s*:?\s*(?:file|image|datei|bild|fichier|archivo|imagen|file|"
                        r"immagine|plik|grafika|файл|изображение|קובץ|تصویر|ملف|"
                        r"category|kategorie|catégorie|categoría|categoria|kategoria|"
                        r"категория|קטגוריה|تصنيف|رده)\s*:", re.I)
_EXTERNAL = re.compile(r"\[((?:https?:)?//[^\s\]]+)(?:\s+([^\]]*))?\]")
_BOLD_ITALIC = re.compile(r"'{2,5}")
_SPACE_TAGS = re.compile(r"<\s*(?:ref|references)[^>]*/>|<ref[^>]*>.*?</ref\s*>", re.S | re.I)


def wikitext_to_text(wikitext: str) -> str:
    """Readable text of a comment's wikitext (see the module docs)."""
    from discourse.read.htmltext import html_to_text

    text = _COMMENT.sub("", wikitext)
    nowiki: list[str] = []

    def keep(m: re.Match[str]) -> str:
        nowiki.append(html.escape(m.group(1) or "", quote=False))
        return f"\x00{len(nowiki) - 1}\x00"

    text = _NOWIKI.sub(keep, text)
    text = _SPACE_TAGS.sub("", text)
    text = _templates(text)
    text = _links(text)
    text = _EXTERNAL.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)
    text = _BOLD_ITALIC.sub("", text)
    text = re.sub(r"(?m)^-{4,}\s*$", "", text)
    text = re.sub("\x00(\\d+)\x00", lambda m: nowiki[int(m.group(1))], text)
    # Bare "<" and "&" of prose stay as they are; markup goes through the HTML conversion.
    if "<" in text or "&" in text:
        text = html_to_text(_protect_lt(text), keep_newlines=True)
    else:
        text = html_to_text(text, keep_newlines=True)
    return text


def _protect_lt(text: str) -> str:
    """``<`` that does not open a tag written as ``&lt;`` (so "a < b" survives the HTML
    parser)."""
    return re.sub(r"<(?![A-Za-z/!])", "&lt;", text)


def _templates(text: str) -> str:
    """Templates replaced (innermost first, so nested templates resolve)."""
    pattern = re.compile(r"\{\{([^{}]*)\}\}")
    for _ in range(20):
        new = pattern.sub(_template, text)
        if new == text:
            break
        text = new
    return text.replace("{{", "").replace("}}", "")


def _template(m: re.Match[str]) -> str:
    body = m.group(1)
    if body.startswith("{"):  # a template parameter {{{1}}}
        return ""
    name, _, rest = body.partition("|")
    key = " ".join(name.replace("_", " ").split()).casefold()
    args = [a for a in _split_args(rest)] if rest else []
    positional = [a.strip() for a in args if not re.match(r"^\s*[\w -]+\s*=", a)]
    if key in _QUOTE_TEMPLATES:
        named = [a.partition("=")[2] for a in args
                 if re.match(r"^\s*(?:text|quote|1|texte|testo|texto)\s*=", a)]
        quoted = (named or positional or [""])[0].strip()
        return f"<blockquote>{quoted}</blockquote>" if quoted else ""
    if key in _PING_TEMPLATES:
        names = [a for a in positional if a]
        return " ".join(f"@{n}" for n in names)
    if key in _UNSIGNED_TEMPLATES:
        who = positional[0] if positional else ""
        when = positional[1] if len(positional) > 1 else ""
        return f" — {who} {when}".rstrip() if who else ""
    if key in ("done", "erledigt", "fait", "hecho", "fatto", "zrobione", "сделано"):
        return "Done"
    if key in _VOTES and not positional:
        return name.strip()
    if key in _CONTAINER_TEMPLATES:
        named = [a.partition("=")[2] for a in args
                 if re.match(r"^\s*(?:1|text|texte|testo|texto|inhalt)\s*=", a)]
        return (named or positional[-1:] or [""])[0].strip()
    return ""


def _split_args(rest: str) -> list[str]:
    """Template arguments split at ``|`` outside links."""
    out, depth, current = [], 0, []
    i = 0
    while i < len(rest):
        two = rest[i:i + 2]
        if two == "[[":
            depth += 1
            current.append(two)
            i += 2
            continue
        if two == "]]" and depth:
            depth -= 1
            current.append(two)
            i += 2
            continue
        ch = rest[i]
        if ch == "|" and not depth:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    out.append("".join(current))
    return out


_LINK = re.compile(r"\[\[([^\[\]]*)\]\]")


def _links(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        inner = m.group(1)
        target, bar, label = inner.partition("|")
        if _FILE_LINK.match(target):
            return ""
        if bar:
            label = label.strip()
            if label:
                return label
            # the pipe trick: [[User:Alice|]] shows "Alice"
            return re.sub(r"^[^:]*:", "", target).split("(")[0].strip()
        return target.lstrip(":").split("#")[0].strip() or target.strip()

    for _ in range(5):  # links inside file captions
        new = _LINK.sub(one, text)
        if new == text:
            break
        text = new
    return text
