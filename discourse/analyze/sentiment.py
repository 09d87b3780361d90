"""Sentence-averaged VADER sentiment for comments.

VADER's compound score saturates towards +-1 on long texts (it normalises a sum of
valences), so a comment's score is the mean of the compound scores of its sentences.
Source: Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment
Analysis of Social Media Text".
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


def sentiment_profile(text: str) -> tuple[float, float, float, float]:
    """Means over sentences of VADER's ``(pos, neg, neu, compound)``; zeros for empty text.

    Texts longer than :data:`MAX_SENTENCES` sentences are scored on an even sample of them.
    """
    sentences = split_sentences(text or "")
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
