"""Find the spans a comment quotes from what it answers (its parent, an earlier comment,
or the article)."""

from __future__ import annotations

import re
import unicodedata

_QUOTED = re.compile(r"[“\"«„]([^”\"»“]{12,}?)(?:[”\"»“]|$)", re.MULTILINE)
_ELLIPSIS = re.compile(r"\.{3}|…")
_NON_WORD = re.compile(r"[^\w]+")
#: Words each piece of a marked quote (“…”, > or … lines) must have to count.
MIN_WORDS_MARKED = 3
#: Words a bare line must have to count as a quote whose marks were lost in rendering.
MIN_WORDS_BARE = 6


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, padded with a space at each end
    (quotes, dashes and punctuation dropped) — the form spans are matched in."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " " + " ".join(_NON_WORD.sub(" ", text).split()) + " "


def candidate_spans(text: str) -> list[tuple[str, int]]:
    """``(span, minimum words)`` for stretches of ``text`` that may quote something:
    ``> lines``, ``… lines``, “quoted” runs, and bare lines."""
    spans: list[tuple[str, int]] = []
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        if s.startswith(">"):
            spans.append((s.lstrip("> ").strip(), MIN_WORDS_MARKED))
        elif s.startswith(("…", "...")):
            spans.append((s.lstrip(".… ").strip(), MIN_WORDS_MARKED))
        else:
            spans.append((s, MIN_WORDS_BARE))
    spans.extend((m.group(1).strip(), MIN_WORDS_MARKED) for m in _QUOTED.finditer(text))
    return spans


def found_in(span: str, source_norm: str, min_words: int = MIN_WORDS_MARKED) -> bool:
    """True when every ellipsis-separated piece of ``span`` with at least ``min_words``
    words occurs in ``source_norm`` (a :func:`normalise`-d text), and there is one."""
    pieces = [normalise(p) for p in _ELLIPSIS.split(span)]
    pieces = [p for p in pieces if len(p.split()) >= min_words]
    return bool(pieces) and all(p in source_norm for p in pieces)


def quoted_spans(text: str, source_norm: str, marked_only: bool = False) -> list[str]:
    """Spans of ``text`` that quote the normalised source, in order; a span inside a longer
    one found is dropped.  ``marked_only`` skips bare lines (no quote marks)."""
    found: list[str] = []
    for span, min_words in candidate_spans(text):
        if marked_only and min_words == MIN_WORDS_BARE:
            continue
        span = span.strip(" “”\"«»„")
        if not span or any(span in f for f in found):
            continue
        if found_in(span, source_norm, min_words):
            found = [f for f in found if f not in span]
            found.append(span)
    return found
