"""Recognise author lines ("NAME says"), inline moderator notes ("AK responds: …") and
page furniture inside a comment ("Reply", timestamps)."""

from __future__ import annotations

import re

_AVATAR = r"(?:(?:user\s+)?(?:avatar|gravatar)(?:\s+(?:image|photo))?(?:\s+(?:of|for))?|profile\s+(?:photo|picture|image)(?:\s+of)?|photo\s+of|image\s+of)"
#: "NAME says" verbs, English and the languages WordPress/Disqus themes are translated to
#: (German, Russian, French, Spanish, Italian, Dutch, Portuguese, Scandinavian, Polish,
#: Turkish, Czech).
_VERBS = (
    r"says|said|wrote|writes|commented|replied|posted|"
    r"schreibt|schrieb|sagt|meint|kommentierte|"
    r"пишет|писал|написал|написала|сказал|сказала|говорит|ответил|ответила|"
    r"a\s+écrit|écrit|dit|a\s+dit|"
    r"dice|dijo|escribió|escribe|comentó|"
    r"scrive|ha\s+scritto|"
    r"zegt|schreef|schrijft|"
    r"diz|disse|escreveu|"
    r"skriver|skrev|siger|sier|säger|"
    r"pisze|napisał|napisała|"
    r"yazdı|dedi|"
    r"napsal|napsala|píše"
)
_AUTHOR = re.compile(
    rf"^(?:{_AVATAR}\s+)?(?P<name>\S.{{0,59}}?)\s+(?:{_VERBS})"
    r"(?:\s*(?:\.{2,3}|…))?\s*:?$",
    re.IGNORECASE,
)
_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|"
           r"mai|juni|juli|okt|dez|janvier|février|mars|avril|juin|juillet|août|"
           r"septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|"
           r"julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|"
           r"maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|mei|"
           r"augustus|oktober|января|февраля|марта|апреля|мая|июня|июля|августа|"
           r"сентября|октября|ноября|декабря)[a-z]*\.?")
_DATE = (rf"(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\.?\s+{_MONTHS}\s+\d{{4}}"
         r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})")
_TIME = r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
_TIMESTAMP = re.compile(
    rf"^(?:(?:on|am|le|el|il|op)\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_DATE}(?:\s*(?:at|um|à|a\s+las|alle|om|в|,|@|-|–|·)?\s*{_TIME})?"
    rf"|{_TIME}(?:\s*(?:on|,|·)?\s*{_DATE})?"
    r"|(?:about\s+|vor\s+|il\s+y\s+a\s+|hace\s+)?(?:\d+|an?|one)\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|"
    r"minuten?|stunden?|tagen?|wochen?|monaten?|jahren?|minutos?|horas?|días?|jours?|heures?)(?:\s+ago)?"
    r"|yesterday|today|just now|gestern|heute)"
    r"(?:\s*(?:#|permalink|edit|reply|link).*)?$",
    re.IGNORECASE,
)
#: "NAME on March 3, 2020 at 4:12 pm", "NAME · 3 hours ago", "NAME | 2020-03-03".
_AUTHOR_DATE = re.compile(r"^(?P<name>\S.{0,59}?)\s*(?:\s(?:on|am|le|el|il|op)\s|[·|•,–—-])\s*(?P<date>.+)$")
_AUTHOR_TEXT = re.compile(
    rf"^(?:{_AVATAR}\s+)?(?P<name>\S.{{0,59}}?)\s+(?:{_VERBS})\s*:\s+(?P<rest>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_DIGIT = re.compile(r"\d")
#: "@alice" alone on a line: a handle as the author line.
_HANDLE = re.compile(r"^@(?P<name>[\w.\-’']{1,40})$")
# A name of initials and words: "Alice B.", "Анна К.", "J. R. R. Tolkien".
_INITIAL_END = re.compile(r"(?:^|\s)\w\.$")
# First words that make "X said:" an ordinary sentence rather than an author line.
_NOT_NAMES = frozenset(
    ["i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "my", "your", "his", "its", "our", "their", "this", "that", "these", "those", "who", "which", "what", "someone", "somebody", "everyone", "anybody", "nobody", "one", "people", "the", "a", "an", "once", "also", "then", "so", "and", "but", "or", "as", "if", "when", "while", "because", "everybody"]
)
_INLINE = re.compile(
    r"^(?P<name>(?:[A-Z][\w.'’-]{0,24})(?:\s+[A-Z][\w.'’-]{0,24}){0,2})\s+"
    r"(?:responds|replies|answers|adds|notes)\s*:\s*(?P<rest>.*)$",
    re.DOTALL,
)
_MODERATOR_NOTE = re.compile(
    r"^\[?(?P<name>moderator|mod|admin|administrator|editor|site admin)(?:['’]s)?"
    r"(?:\s+(?:note|comment|response|reply))?\s*:\s*(?P<rest>.*?)\]?$",
    re.IGNORECASE | re.DOTALL,
)
_FURNITURE_WORD = (
    r"(?:reply|report|like|unlike|share|flag|quote|permalink|link|edit|delete|report abuse|"
    r"log in to reply|login to reply|reply ↓|↑|↓|\d+\s+(?:likes?|points?|votes?|replies)|"
    r"like\s*\(\d+\)|upvote|downvote|vote up|vote down|antworten|melden|gefällt mir|"
    r"ответить|пожаловаться|répondre|signaler|responder|rispondi|reageren|beantwoorden|"
    r"svara|svar|odpowiedz|yanıtla|cevapla)"
)
_FURNITURE = re.compile(
    rf"^\[?{_FURNITURE_WORD}\]?(?:\s*[·|•/]?\s*\[?{_FURNITURE_WORD}\]?)*$",
    re.IGNORECASE,
)
def author_of(text: str) -> str | None:
    """The commenter's name if ``text`` is an author line, else None.

    Author lines: "Avatar NAME says:" (and wrote/commented/… and their German, Russian,
    French, Spanish, Italian, Dutch, Portuguese, Scandinavian, Polish, Turkish, Czech
    forms: "NAME schreibt:", "NAME пишет:", "NAME a écrit :"), "NAME on March 3, 2020 at
    4:12 pm", "NAME · 3 hours ago", and a handle alone ("@alice").  A bare short name
    ("alice") is recognised by :func:`name_line`, which needs the layout to confirm it.
    """
    if len(text) > 140:
        return None
    m = _AUTHOR.match(text)
    if m:
        return _clean_name(m.group("name"))
    m = _HANDLE.match(text)
    if m:
        return "@" + m.group("name")
    if _DIGIT.search(text):
        m = _AUTHOR_DATE.match(text)
        if m and _TIMESTAMP.match(m.group("date").strip()):
            return _clean_name(m.group("name"))
    return None


def author_and_text(text: str) -> tuple[str, str] | None:
    """``(name, text)`` for a first line that holds both: "alice says: First."."""
    if ":" not in text:
        return None
    m = _AUTHOR_TEXT.match(text)
    if not m:
        return None
    name = _clean_name(m.group("name"))
    return (name, m.group("rest")) if name is not None else None


#: Markdown backslash escapes (html2text writes "anon\_42").
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")


#: An image placeholder before a name ("[x]Mara Quill": w3m writes an avatar without
#: ``alt`` as its file name).
_IMAGE = re.compile(r"^\[[\w.-]{1,20}\]\s*(?=\S)")


def _clean_name(raw: str) -> str | None:
    name = _IMAGE.sub("", _MD_ESCAPE.sub(r"\1", raw)).strip(" :-–—·|,")
    words = name.split()
    if not words or len(words) > 5:
        return None
    if words[0].lower().strip(".,'’") in _NOT_NAMES:
        return None
    if name[-1] in "!?;,:" or (name[-1] == "." and not _INITIAL_END.search(name)):
        return None
    return name


def name_line(text: str) -> str | None:
    """``text`` if it could be a bare commenter name ("alice", "Alice B.", "Анна К.",
    "http://example.com Bob"): one to five words, at most 60 characters, no sentence
    punctuation at the end, no colon.  Only the layout (a name line alone above the
    comment's body, at the start of a list item) makes it an author line."""
    author = author_of(text)
    if author is not None:
        return author
    if not text or len(text) > 60 or ":" in text.replace("://", ""):
        return None
    words = text.split()
    if not words or words[0].isdigit() or any("://" in w or w.startswith("www.") for w in words[1:]):
        return None
    if len(words) > 5 or text[-1] in "!?;,:…\"“”»)" or text[0] in "\"“„«(>[":
        return None
    if text[-1] == "." and not _INITIAL_END.search(text):
        return None
    if words[0].lower().strip(".,'’") in _NOT_NAMES or is_furniture(text) or is_timestamp(text):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return _MD_ESCAPE.sub(r"\1", text)


def is_author_line(text: str) -> bool:
    """True when ``text`` is an author line."""
    return author_of(text) is not None


def inline_note(paragraph: str) -> tuple[str, str] | None:
    """``(author, text)`` if a paragraph is an embedded moderator note, else None.

    Recognised: "AK responds: …", "Anatoly Karlin replies: …", "[Moderator: …]",
    "Admin note: …".
    """
    if ":" not in paragraph:  # both forms need a colon; most paragraphs have none
        return None
    m = _INLINE.match(paragraph) or _MODERATOR_NOTE.match(paragraph)
    if not m:
        return None
    return m.group("name"), m.group("rest").strip()


def is_furniture(content: str) -> bool:
    """Single-word interface lines inside a comment ("Reply", "Report", "3 likes")."""
    return bool(_FURNITURE.match(content))


def is_timestamp(content: str) -> bool:
    """A posting date/time line ("May 9, 2010 at 10:41 am", "3 hours ago")."""
    return bool(_TIMESTAMP.match(content))
