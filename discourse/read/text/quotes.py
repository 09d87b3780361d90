"""Find the spans a comment quotes from what it answers (its parent, an earlier comment,
or the article)."""

from __future__ import annotations

import re

from discourse.read.text.words import folded_words, folded_words_each

_QUOTED = re.compile(r"[“\"«„]([^”\"»“]{12,}?)(?:[”\"»“]|$)", re.MULTILINE)
_ELLIPSIS = re.compile(r"\.{3}|…")
#: Words each piece of a marked quote (“…”, > or … lines) must have to count.
MIN_WORDS_MARKED = 3
#: Words a bare line must have to count as a quote whose marks were lost in rendering.
MIN_WORDS_BARE = 6


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, padded with a space at each end
    (quotes, dashes and punctuation dropped) — the form spans are matched in."""
    return _joined(folded_words(text))


def _joined(words: list[str]) -> str:
    return " " + " ".join(words) + " "


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


class QuoteCandidates:
    """The candidate spans of one comment, normalised once, matched against any source."""

    __slots__ = ("spans",)

    def __init__(self, text: str) -> None:
        self.spans: list[tuple[str, bool, list[str]]] = []  # (span, marked, pieces)
        fewest: dict[str, int] = {}  # span -> smallest word minimum it was found with
        for span, min_words in candidate_spans(text):
            span = span.strip(" “”\"«»„")
            if span:
                fewest[span] = min(min_words, fewest.get(span, min_words))
        split = [_ELLIPSIS.split(span) if "…" in span or "..." in span else [span]
                 for span in fewest]
        # Fold every part of every span in one call, then hand the results back in order.
        folded = iter(folded_words_each([part for parts in split for part in parts]))
        for (span, min_words), parts in zip(fewest.items(), split, strict=True):
            part_words = [next(folded) for _ in parts]
            pieces = [_joined(words) for words in part_words if len(words) >= min_words]
            if pieces:
                self.spans.append((span, min_words == MIN_WORDS_MARKED, pieces))

    @property
    def has_marked(self) -> bool:
        return any(marked for _, marked, _ in self.spans)

    def found(self, source_norm: str, marked_only: bool = False) -> list[str]:
        """Spans that quote the normalised source, in order; a span inside a longer one
        found is dropped.  ``marked_only`` skips bare lines (no quote marks)."""
        found: list[str] = []
        for span, marked, pieces in self.spans:
            if marked_only and not marked:
                continue
            if found and any(span in f for f in found):
                continue
            for piece in pieces:
                if piece not in source_norm:
                    break
            else:
                found = [f for f in found if f not in span]
                found.append(span)
        return found


def quoted_spans(text: str, source_norm: str, marked_only: bool = False) -> list[str]:
    """Spans of ``text`` that quote the normalised source (see :class:`QuoteCandidates`)."""
    return QuoteCandidates(text).found(source_norm, marked_only)
