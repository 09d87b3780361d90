"""Sentence-averaged VADER sentiment for comments.

VADER's compound score saturates towards +-1 on long texts (it normalises a sum of
valences), so a comment's score is the mean of the compound scores of its sentences.
Source: Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment
Analysis of Social Media Text".

Cost: the vaderSentiment implementation is quadratic in the words of one call (its
negation, idiom and "but" checks copy or search the whole word list for every word), and
it turns each emoji into its description (up to 7 words), so one 10,000-emoji comment
took ~70 s.  Every call here is therefore bounded: a sentence of more than
:data:`MAX_SEGMENT_WORDS` words (emoji counted as their descriptions' words) is scored in
consecutive pieces of at most that many words, and at most :data:`MAX_SENTENCES` pieces of
a text are scored.  Scoring a text is linear in its length with a constant cap on the
VADER work; ordinary sentences (up to 200 words) are scored exactly as before.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from discourse.model import Thread

#: Sentence boundaries: after . ! ? (followed by whitespace) or at line breaks.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """The one VADER analyzer, created on first use (loading the lexicon takes a moment)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def split_sentences(text: str) -> list[str]:
    """Split ``text`` on sentence punctuation and newlines, dropping empty pieces."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s and s.strip()]


#: Sentences scored per text at most (long pasted texts and articles are sampled evenly).
MAX_SENTENCES = 40
#: Words one VADER call scores at most: longer sentences are scored in pieces.  An emoji
#: counts as the words of its description (VADER replaces it by them).
MAX_SEGMENT_WORDS = 200


@cache
def _emoji_words() -> tuple[re.Pattern[str], dict[str, int]]:
    """A pattern matching candidates for the single-character emoji VADER describes (a
    few broad ranges: a class of 1,200 single characters made ``re`` 50x slower), and each
    emoji's number of extra words (description words beyond the one character)."""
    emojis = _analyzer().emojis
    extra = {e: max(0, len(d.split()) - 1) for e, d in emojis.items() if len(e) == 1}
    ranges: list[list[int]] = []
    for code in sorted(map(ord, extra)):
        if ranges and code - ranges[-1][1] <= 1024:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    members = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                      for a, b in ranges)
    return re.compile(f"[{members}]"), extra


def _emoji_cost(text: str) -> int:
    """Extra words VADER sees in ``text`` for its emoji (each one counts its description's
    words; 0 for text without emoji)."""
    if text.isascii():
        return 0
    pattern, extra = _emoji_words()
    return sum(extra[c] + 1 for c in pattern.findall(text) if c in extra)


def _cost(token: str) -> int:
    """Words VADER sees for ``token`` (1, plus its emoji descriptions' words)."""
    return 1 + _emoji_cost(token)


def split_segments(sentence: str) -> list[str]:
    """``sentence`` itself when VADER sees at most :data:`MAX_SEGMENT_WORDS` words in it,
    else consecutive pieces of at most that many (whitespace-separated tokens joined by
    single spaces; a token that alone is too costly, such as a run of emoji, is cut into
    slices of characters first).  Linear in the length of ``sentence``."""
    tokens = sentence.split()
    if len(tokens) <= MAX_SEGMENT_WORDS and (
            len(tokens) + _emoji_cost(sentence) <= MAX_SEGMENT_WORDS):
        return [sentence]
    extra = _emoji_words()[1]
    # Each emoji is at most 7 words: slices of this many characters always fit.
    width = max(1, MAX_SEGMENT_WORDS // (1 + max(extra.values(), default=0) + 1))
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for token in tokens:
        cost = _cost(token)
        parts = [token] if cost <= MAX_SEGMENT_WORDS else [
            token[i:i + width] for i in range(0, len(token), width)]
        for part in parts:
            if len(parts) > 1:
                cost = _cost(part)
            if current and used + cost > MAX_SEGMENT_WORDS:
                pieces.append(" ".join(current))
                current, used = [], 0
            current.append(part)
            used += cost
    if current:
        pieces.append(" ".join(current))
    return pieces


def sentiment_profile(text: str) -> tuple[float, float, float, float]:
    """Means over sentences of VADER's ``(pos, neg, neu, compound)``; zeros for empty text.

    Sentences of more than :data:`MAX_SEGMENT_WORDS` words are scored in pieces
    (:func:`split_segments`); texts of more than :data:`MAX_SENTENCES` sentences (pieces)
    are scored on an even sample of them.  Time is linear in ``len(text)`` and the VADER
    work per text is capped (see the module docstring).
    """
    sentences = [piece for sentence in split_sentences(text or "")
                 for piece in split_segments(sentence)]
    if not sentences:
        return 0.0, 0.0, 0.0, 0.0
    if len(sentences) > MAX_SENTENCES:
        step = len(sentences) / MAX_SENTENCES
        sentences = [sentences[int(i * step)] for i in range(MAX_SENTENCES)]
    score = _analyzer().polarity_scores
    totals = [0.0, 0.0, 0.0, 0.0]
    for s in sentences:
        d = score(s)
        totals[0] += d["pos"]
        totals[1] += d["neg"]
        totals[2] += d["neu"]
        totals[3] += d["compound"]
    n = len(sentences)
    return totals[0] / n, totals[1] / n, totals[2] / n, totals[3] / n


def sentiment_of(text: str) -> float:
    """Mean VADER compound score over the sentences of ``text``; 0.0 for empty text."""
    return sentiment_profile(text)[3]


def ensure_sentiment(thread: Thread) -> Thread:
    """A copy of ``thread`` whose comments all have ``sentiment`` set (input untouched).

    Comments that already carry a sentiment keep it; if none is missing the thread
    itself is returned.
    """
    if all(c.sentiment is not None for c in thread.comments):
        return thread
    comments = [
        c if c.sentiment is not None else replace(c, sentiment=sentiment_of(c.text))
        for c in thread.comments
    ]
    return thread.with_comments(comments)
