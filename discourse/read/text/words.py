r"""Fast, exact equivalents of ``re.findall(r"\w+", text)`` for the parser's hot paths.

``findall`` builds one string object per word and dominated the parser's profile.  Here
the non-word characters outside ASCII (curly quotes, dashes, bullets, emoji: few distinct
ones per text) are blanked with :meth:`str.replace`; what is left is ASCII plus word
characters, so a byte table over the UTF-8 encoding (multi-byte characters never contain
ASCII bytes) blanks the ASCII non-word characters.  The results are always identical to
the regular expression's.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w")
#: A character outside ASCII that is not a word character (``\w``).
_OTHER = re.compile(r"[^\w\x00-\x7f]")
#: The most frequent of those (apostrophe and double quotes), blanked up front.
_COMMON = "’“”"


def _is_word(byte: int) -> bool:
    return byte >= 0x80 or _WORD.match(chr(byte)) is not None


#: For UTF-8 bytes: ASCII word characters lower-cased, other ASCII characters a space,
#: bytes of multi-byte characters kept.
_FOLD = bytes((ord(chr(b).lower()) if b < 0x80 else b) if _is_word(b) else 0x20
              for b in range(256))
#: The same, keeping newlines (to fold many one-line texts joined by newlines at once).
_FOLD_LINES = _FOLD[:10] + b"\n" + _FOLD[11:]
#: For UTF-8 bytes: word characters (every byte of a multi-byte one) ``a``, the rest a space.
_MARK = bytes(0x61 if _is_word(b) else 0x20 for b in range(256))


def _blank_others(text: str) -> str:
    """``text`` with every non-ASCII non-word character replaced by a space."""
    for ch in _COMMON:
        text = text.replace(ch, " ")
    if text.isascii():
        return text
    for ch in set(_OTHER.findall(text)):
        text = text.replace(ch, " ")
    return text


def folded_words(text: str) -> list[str]:
    """The ``\\w+`` runs of the NFKC, lower-cased form of ``text``."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _blank_others(text.lower())  # leaves ASCII and word characters
    return text.encode().translate(_FOLD).decode().split()


def folded_words_each(texts: list[str]) -> list[list[str]]:
    """``[folded_words(t) for t in texts]``, in one pass over the texts joined by newlines.

    NFKC composition and lower-casing (final sigma) never look across a newline, and
    ``\\w`` runs stop at one, so each line folds as it would alone.
    """
    if not texts:
        return []
    text = unicodedata.normalize("NFKC", "\n".join(texts))
    if text.count("\n") != len(texts) - 1:  # a text has a newline of its own
        return [folded_words(t) for t in texts]
    if not text.isascii():
        text = _blank_others(text.lower())
    return [line.split() for line in text.encode().translate(_FOLD_LINES).decode().split("\n")]


def count_words(text: str) -> int:
    """``len(re.findall(r"\\w+", text))`` without building the list of words."""
    if not text.isascii():
        text = _blank_others(text)  # leaves ASCII and word characters
    return (b" " + text.encode().translate(_MARK)).count(b" a")
