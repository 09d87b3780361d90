"""The generic detector, for comment systems no other module knows.

1. **Candidates**: block elements (``div li article section tr dd dl table aside``) whose
   class or id names a comment in one of several languages (:data:`STRONG_WORDS`:
   comment, kommentar, commentaire, comentario, commento, komentarz, комментарий, …;
   :data:`WEAK_WORDS`: reply, post, message, antwort, réponse, …), grouped by tag and
   each such class/id token with digits removed (``comment-123`` and ``comment-456`` are
   one group; ``li.comment.comment-author-x`` is in the ``li.comment`` group too).
2. **Evidence** per group, weighted as in :data:`WEIGHTS` (log-odds style, like the text
   parser's :mod:`discourse.read.text.sections`): the name, the share of members with an
   author element, a date, body text of some length, repetition, a comment-section
   ancestor, nesting; against: sidebars/navigation, link-only text, names of parts
   (``comment-body``, ``comment-meta``) or of containers (``comment-list``).  A group
   that is, member for member, the inner part of another is dropped.  The best group
   scoring at least :data:`THRESHOLD` that has a comment name (or, with only a
   post/reply/message name, a comment-section ancestor or nesting) is the comment
   section.
3. **Nesting**: DOM containment (a member inside another is its reply); else an
   indentation signal per member — ``level-N``/``depth-N``/``indent-N`` classes,
   ``data-depth``/``aria-level``/``indent`` attributes, ``margin-left``/``padding-left``
   styles, spacer-image or cell widths — ranked into depths, the parent being the
   latest earlier comment one level up; else flat.

Each decision goes to ``--explain`` with its evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import (
    Found,
    clean_name,
    detach,
    dom_parents,
    either,
    id_number,
    iso_time,
    number,
    section_of,
)
from discourse.read.htmltext import text_of

NAME = "generic"
STRONG_WORDS = (r"comments?|kommentare?|commentaires?|comentarios?|commenti|commento|"
                r"komentarz[ey]?|komentář\w*|reactie|reacties|коммент\w*|kommentti\w*|"
                r"yorum\w*|hozzászólás\w*|σχόλι\w*|comentário\w*")
WEAK_WORDS = (r"repl(?:y|ies)|respons\w*|posts?|messages?|antwort\w*|réponses?|respuestas?|"
              r"risposta|отзыв\w*|ответ\w*|talkback|feedback|discussion|note")
SELECTORS = {
    "candidate_tags": ("div", "li", "article", "section", "tr", "dd", "dl", "table", "aside",
                       "details"),
    "author": r"(?:^|[-_\s])(?:author|user(?:name)?|name|nick(?:name)?|fn|poster|byline|"
              r"autor|auteur|автор|benutzer|usuario|utente|commenter|who)(?:$|[-_\s])",
    "date": r"(?:^|[-_\s])(?:date|time|timestamp|datetime|datum|fecha|data|дата|ago|"
            r"published|posted|created|when)(?:$|[-_\s])",
    "body": r"(?:^|[-_\s])(?:body|content|text|message|msg|inhalt|texte|contenido|texto|"
            r"testo|текст|entry)(?:$|[-_\s])",
    "score": r"(?:^|[-_\s])(?:score|votes?|points|likes?|rating|karma)(?:$|[-_\s])",
    "furniture": r"(?:^|[-_\s])(?:author|user(?:name)?|avatar|meta|metadata|date|time|"
                 r"timestamp|reply|replies-link|actions?|links|footer|header|vote|votes|"
                 r"score|report|share|permalink|byline|signature|likes?|flag|edit|delete|"
                 r"tools|toolbar|buttons?|menu|info|details|name|fn|vcard|says|ago)"
                 r"(?:$|[-_\s])",
    "part": r"(?:^|[-_])(?:body|content|text|message|author|meta|metadata|date|time|header|"
            r"footer|avatar|actions?|links?|reply-link|form|respond|count|title|info|"
            r"details|tools|inner|wrap|main|block-content)$",
    "container": r"(?:^|[-_])(?:list|area|section|wrapper|container|threads?|holder|"
                 r"box|panel|feed|widget|index)$|^comments$",
    "outside": r"sidebar|widget|recent|popular|related|nav|menu|footer|masthead|banner",
    "level": r"(?:^|[-_])(?:level|depth|indent|nest(?:ed)?|lvl|thread-level|deep)[-_]?(\d{1,2})$",
    "style": r"(?:margin|padding)-left\s*:\s*(\d+(?:\.\d+)?)\s*(px|em|rem|%)?",
}
#: Evidence weights; a group is a comment section at score >= THRESHOLD.
WEIGHTS = {
    "strong_name": 2.0,  # class/id says comment (any of STRONG_WORDS)
    "weak_name": 1.0,  # class/id says reply/post/message/…
    "part_name": -2.0,  # the name of a comment's part: comment-body, comment-meta, …
    "container_name": -2.0,  # the name of a list: comment-list, comments-area, …
    "authors": 2.0,  # times the share of members with an author element
    "dates": 1.5,  # times the share of members with a date
    "body_text": 1.0,  # members average >= 5 words of own text
    "little_text": -2.0,  # members average < 3 words (links, buttons)
    "repeated": 0.5,  # >= 3 members
    "in_comment_section": 1.0,  # inside an element named comments/discussion/…
    "outside_content": -3.0,  # inside nav/aside/footer/sidebar/widget ("recent comments")
    "nested": 1.0,  # members nest (DOM containment) or carry an indentation signal
    "titled": -2.0,  # members have their own h1/h2 headings: articles in a listing
}
THRESHOLD = 4.0
_STRONG = re.compile(rf"(?:^|[-_])(?:{STRONG_WORDS})(?:$|[-_])", re.I)
_WEAK = re.compile(rf"(?:^|[-_])(?:{WEAK_WORDS})(?:$|[-_])", re.I)
_R = {k: re.compile(v, re.I) for k, v in SELECTORS.items() if isinstance(v, str)}
_TAGS = frozenset(SELECTORS["candidate_tags"])
_INLINE_OK = frozenset(("a", "span", "cite", "b", "strong", "em", "i", "small", "time",
                        "abbr", "p", "div", "h3", "h4", "h5", "h6", "header", "footer", "dt",
                        "font", "td", "li", "ul"))
_DIGITS = re.compile(r"\d+")


@dataclass(slots=True)
class Group:
    """Candidate comment elements of one signature, with their evidence."""

    signature: str
    members: list[HtmlElement]
    evidence: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(self.evidence.values())


def _tokens(el: HtmlElement) -> list[str]:
    """The class tokens and id of ``el`` that name a comment (digits removed)."""
    out = []
    for token in (el.get("class") or "").split():
        if _STRONG.search(token) or _WEAK.search(token):
            out.append("." + _DIGITS.sub("", token.lower()))
    ident = el.get("id") or ""
    if ident and (_STRONG.search(ident) or _WEAK.search(ident)):
        out.append("#" + _DIGITS.sub("", ident.lower()))
    return out


def _groups(root: HtmlElement) -> list[Group]:
    """One group per tag and comment-naming token: an element with several such tokens
    (``li.comment.comment-author-tegan``) is in several groups, so per-author or
    per-state classes do not split the comments; groups with the same members are one."""
    by_sig: dict[str, list[HtmlElement]] = defaultdict(list)
    for el in root.iter(*_TAGS):
        for token in dict.fromkeys(_tokens(el)):
            by_sig[f"{el.tag}{token}"].append(el)
    seen: dict[tuple[int, ...], Group] = {}
    for sig, members in by_sig.items():
        key = tuple(id(m) for m in members)
        if key in seen:
            seen[key].signature += sig[len(members[0].tag):]
        else:
            seen[key] = Group(sig, members)
    return list(seen.values())


def _own_iter(el: HtmlElement, members: set[HtmlElement]):
    """Descendants of ``el`` that are not inside a nested member."""
    stack = list(reversed(el))
    while stack:
        node = stack.pop()
        if node in members or not isinstance(node.tag, str):
            continue
        yield node
        stack.extend(reversed(node))


def _names(node: HtmlElement) -> str:
    return " ".join(filter(None, (node.get("class"), node.get("id"), node.get("itemprop"),
                                  node.get("rel"))))


@dataclass(slots=True)
class Parts:
    author: str | None
    timestamp: str | None
    body: HtmlElement | None
    furniture: list[HtmlElement]
    score: int | None
    permalink: str | None
    has_date: bool


def _parts(el: HtmlElement, members: set[HtmlElement]) -> Parts:
    author = stamp = permalink = None
    score = None
    has_date = False
    body: HtmlElement | None = None
    body_words = -1
    furniture: list[HtmlElement] = []
    for node in _own_iter(el, members):
        names = _names(node)
        tag = node.tag
        if tag == "time" or node.get("datetime"):
            has_date = True
            if stamp is None:
                stamp = iso_time(node.get("datetime") or node.get("title")
                                 or " ".join(node.text_content().split()))
                furniture.append(node)
        if not names and tag != "cite":
            continue
        if (tag == "cite" or _R["author"].search(names)) and author is None and \
                "avatar" not in names.lower() and tag in _INLINE_OK:
            text = " ".join(node.text_content().split())
            if text and len(text.split()) > 6:
                inner = either(node.find(".//a"), node.find(".//strong"), node.find(".//b"))
                text = " ".join(inner.text_content().split()) if inner is not None else ""
            if text and len(text.split()) <= 6:
                author = text
        if _R["date"].search(names) and tag in _INLINE_OK:
            has_date = True
            if stamp is None:
                stamp = iso_time(node.get("title") or node.get("content")
                                 or " ".join(node.text_content().split()))
            if permalink is None:
                a = node if tag == "a" else node.find(".//a[@href]")
                if a is not None and "#" in (a.get("href") or ""):
                    permalink = a.get("href")
        if _R["score"].search(names) and score is None:
            score = number(node.get("title") or node.text_content())
        if _R["body"].search(names) and not _R["furniture"].search(
                re.sub(r"comment|reply", "", names)):
            words = len(node.text_content().split())
            if words > body_words:
                body, body_words = node, words
        elif _R["furniture"].search(names):
            furniture.append(node)
    return Parts(author=clean_name(author), timestamp=stamp, body=body, furniture=furniture,
                 score=score, permalink=permalink, has_date=has_date or stamp is not None)


def _outside(el: HtmlElement, widget_ok: bool = False) -> bool:
    """True when ``el`` sits in navigation, a sidebar, a footer or a widget.  With
    ``widget_ok`` an ancestor named only "widget" does not count: comment systems embed
    whole threads in widget areas (``div.widget.comments-widget``), while a "recent
    comments" widget is caught by its other names (sidebar, recent, aside)."""
    for anc in el.iterancestors():
        if anc.tag in ("nav", "aside", "footer", "header"):
            return True
        names = f"{anc.get('id', '')} {anc.get('class', '')}"
        found = {m.group().lower() for m in _R["outside"].finditer(names)}
        if found and not (widget_ok and found <= {"widget"}):
            return True
    return False


def _in_section(el: HtmlElement) -> bool:
    for anc in el.iterancestors():
        if anc.tag == "body":
            return False
        names = f"{anc.get('id', '')} {anc.get('class', '')}"
        if re.search(r"(?:^|[-_\s])(?:comments|discussion|responses|replies|reactions)"
                     r"(?:$|[-_\s])", names, re.I) or _STRONG.search(names.replace(" ", "_")):
            return True
    return False


def _score(group: Group) -> None:
    members = group.members
    members_set = set(members)
    ev = group.evidence
    tokens = re.findall(r"[.#]([^.#]+)", group.signature)
    if any(_STRONG.search(t) for t in tokens):
        ev["strong_name"] = WEIGHTS["strong_name"]
    elif any(_WEAK.search(t) for t in tokens):
        ev["weak_name"] = WEIGHTS["weak_name"]
    named = [t for t in tokens if _STRONG.search(t) or _WEAK.search(t)]
    if named and all(_R["part"].search(t) for t in named):
        ev["part_name"] = WEIGHTS["part_name"]
    if named and all(_R["container"].search(t) for t in named):
        ev["container_name"] = WEIGHTS["container_name"]
    sample = members[:50]
    parts = [_parts(m, members_set) for m in sample]
    authors = sum(1 for p in parts if p.author) / len(sample)
    dates = sum(1 for p in parts if p.has_date) / len(sample)
    if authors:
        ev["authors"] = round(WEIGHTS["authors"] * authors, 2)
    if dates:
        ev["dates"] = round(WEIGHTS["dates"] * dates, 2)
    words = sum(len(text_of(m, members_set.__contains__).split()) for m in sample) / len(sample)
    if words >= 5:
        ev["body_text"] = WEIGHTS["body_text"]
    elif words < 3:
        ev["little_text"] = WEIGHTS["little_text"]
    if len(members) >= 3:
        ev["repeated"] = WEIGHTS["repeated"]
    if sum(1 for m in sample if _in_section(m)) * 2 > len(sample):
        ev["in_comment_section"] = WEIGHTS["in_comment_section"]
    # a thread (bodies with authors or dates) may live in a widget area; a list of short
    # "X on Post" entries in a widget is not one
    thread_like = words >= 8 and (authors >= 0.5 or dates >= 0.5)
    if sum(1 for m in sample if _outside(m, widget_ok=thread_like)) * 2 > len(sample):
        ev["outside_content"] = WEIGHTS["outside_content"]
    if sum(1 for m in sample if any(True for _ in m.iter("h1", "h2"))) * 2 > len(sample):
        ev["titled"] = WEIGHTS["titled"]
    if any(p is not None for p in dom_parents(members)) or len({_level(m) for m in members}) > 1:
        ev["nested"] = WEIGHTS["nested"]


def _drop_parts(groups: list[Group]) -> list[Group]:
    """Drop groups whose members are each the own inner part of one member of another
    group (``div.comment-body`` inside ``li.comment``)."""
    keep = []
    for g in groups:
        inner = False
        for other in groups:
            if other is g or len(other.members) > len(g.members) or not other.members:
                continue
            outer_set = set(other.members)
            owners = []
            for m in g.members:
                anc = m.getparent()
                while anc is not None and anc not in outer_set:
                    anc = anc.getparent()
                owners.append(anc)
            if all(o is not None for o in owners) and len(set(owners)) == len(owners) \
                    == len(other.members):
                inner = True
                break
        if not inner:
            keep.append(g)
    return keep


def _level(el: HtmlElement) -> float | None:
    """An indentation value of comment ``el`` (larger = deeper), or None."""
    for token in (el.get("class") or "").split():
        m = _R["level"].search(token)
        if m:
            return float(m.group(1))
    for attr in ("data-depth", "data-level", "data-indent", "aria-level", "indent", "level"):
        value = el.get(attr)
        if value and value.strip().isdigit():
            return float(value)
    node: HtmlElement | None = el
    for _ in range(2):
        if node is None:
            break
        m = _R["style"].search(node.get("style") or "")
        if m:
            value = float(m.group(1))
            return value * 16 if m.group(2) in ("em", "rem") else value
        node = node.getparent()
    cell = el.find(".//td")
    if cell is not None:
        img = cell.find("img")
        if img is not None and img.get("width") and (cell.text or "").strip() == "":
            return float(number(img.get("width")) or 0)
        if cell.get("width") and not cell.text_content().strip():
            return float(number(cell.get("width")) or 0)
    return None


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """Comments found by evidence in ``root``, or None (see the module docstring)."""
    groups = [g for g in _groups(root) if g.members]
    groups = _drop_parts(groups)
    for g in groups:
        _score(g)
    groups.sort(key=lambda g: (-g.score, -len(g.members)))
    if explain is not None:
        for g in groups[:5]:
            ev = ", ".join(f"{k} {v:+.1f}" for k, v in g.evidence.items()) or "no evidence"
            verdict = _verdict(g)
            explain.append(f"html: generic candidate {g.signature} x{len(g.members)}: score "
                           f"{g.score:+.1f} -> {verdict} ({ev})")
    best = next((g for g in groups if _accepted(g)), None)
    if best is None:
        return None
    return _found(best)


def _sections(members: list[HtmlElement], parents: list[HtmlElement | None],
              members_set: set[HtmlElement]) -> list[HtmlElement]:
    """The elements to remove before the article is extracted: each top-level comment's
    list (when it holds little else) widened to its comment section."""
    sections: list[HtmlElement] = []
    for member, parent in zip(members, parents, strict=True):
        if parent is not None:
            continue
        holder = member.getparent()
        if holder is not None and holder.tag not in ("body", "html") and len(
                text_of(holder, members_set.__contains__).split()) < 50:
            member = section_of(holder)
        if member not in sections:
            sections.append(member)
    return sections


def _verdict(group: Group) -> str:
    if _accepted(group):
        return "comments"
    if group.score < THRESHOLD:
        return "not comments"
    if len(group.members) < 2:
        return f"not comments (a single element needs a score of {THRESHOLD + 2:+.1f})"
    return "not comments (a post/reply name needs a comment section or nesting)"


def _accepted(group: Group) -> bool:
    """Score at least :data:`THRESHOLD`, two members (or a clear margin for one), and a
    comment name, a comment section or nesting: "post"/"message" alone also names the
    entries of a blog listing, which do not nest."""
    ev = group.evidence
    return (group.score >= THRESHOLD
            and (len(group.members) >= 2 or group.score >= THRESHOLD + 2)
            and ("strong_name" in ev or "in_comment_section" in ev or "nested" in ev))


def _found(group: Group) -> Found:
    members = group.members
    members_set = set(members)
    parents = dom_parents(members)
    nesting = "DOM containment"
    levels: list[float | None] = []
    if not any(p is not None for p in parents):
        levels = [_level(m) for m in members]
        distinct = {v for v in levels if v is not None}
        nesting = "indentation" if len(distinct) > 1 else "none (flat)"
    sections = _sections(members, parents, members_set)
    detach(members)
    keys: dict[HtmlElement, str] = {}
    posts: list[Post] = []
    ranks = {v: i for i, v in enumerate(sorted({v for v in levels if v is not None}))}
    stack: list[tuple[int, str]] = []
    for i, el in enumerate(members):
        pid = id_number(el.get("id")) or id_number(el.get("data-id")) or id_number(
            el.get("data-comment-id"))
        key = keys[el] = f"g{i}" if pid is None or pid in {p.platform_id for p in posts} \
            else pid
        parts = _parts(el, members_set)
        skip = (members_set | set(parts.furniture)).__contains__
        text = text_of(parts.body if parts.body is not None else el, skip)
        if nesting == "DOM containment":
            parent = keys.get(parents[i]) if parents[i] is not None else None
        elif nesting == "indentation":
            depth = ranks.get(levels[i], 0) if levels[i] is not None else 0
            while stack and stack[-1][0] >= depth:
                stack.pop()
            parent = stack[-1][1] if stack else None
            stack.append((depth, key))
        else:
            parent = None
        posts.append(Post(key=key, parent=parent, text=text, author=parts.author,
                          timestamp=parts.timestamp, score=parts.score, platform_id=pid,
                          permalink=parts.permalink))
    ev = ", ".join(f"{k} {v:+.1f}" for k, v in group.evidence.items())
    return Found(NAME, posts, sections=sections,
                 evidence=[f"{group.signature} x{len(members)} score {group.score:+.1f} ({ev})",
                           f"nesting by {nesting}"])
