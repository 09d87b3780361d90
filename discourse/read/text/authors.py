"""Recognise author lines ("NAME says"), inline moderator notes ("AK responds: …") and
page furniture inside a comment ("Reply", timestamps)."""

from __future__ import annotations

import re

_AVATAR = r"(?:(?:user\s+)?(?:avatar|gravatar)(?:\s+(?:image|photo))?(?:\s+(?:of|for))?|profile\s+(?:photo|picture|image)(?:\s+of)?|photo\s+of|image\s+of)"
_AUTHOR = re.compile(
    rf"^(?:{_AVATAR}\s+)?(?P<name>\S.{{0,59}}?)\s+(?:says|said|wrote|writes|commented|replied)"
    r"(?:\s*(?:\.{2,3}|…))?\s*:?$",
    re.IGNORECASE,
)
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
_FURNITURE = re.compile(
    r"^(?:reply|report|like|share|flag|quote|permalink|log in to reply|login to reply|"
    r"reply ↓|↑|edit|delete|report abuse|\d+\s+likes?|like\s*\(\d+\))$",
    re.IGNORECASE,
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TIMESTAMP = re.compile(
    rf"^(?:(?:on\s+)?(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:\s*(?:at|@|,)?\s*\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)?|\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago)$",
    re.IGNORECASE,
)


def author_of(text: str) -> str | None:
    """The commenter's name if ``text`` is an author line ("Avatar NAME says:"), else None."""
    m = _AUTHOR.match(text)
    if not m:
        return None
    name = m.group("name").strip(" :-–—")
    words = name.split()
    if not words or len(words) > 5:
        return None
    if words[0].lower().strip(".,'’") in _NOT_NAMES:
        return None
    if name[-1] in ".!?;,":
        return None
    return name


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
