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


def sentiment_of(text: str) -> float:
    """Mean VADER compound score over the sentences of ``text``; 0.0 for empty text."""
    sentences = split_sentences(text or "")
    if not sentences:
        return 0.0
    analyzer = _analyzer()
    scores = [analyzer.polarity_scores(s)["compound"] for s in sentences]
    return sum(scores) / len(scores)


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
