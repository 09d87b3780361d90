"""Features of a reply relative to what it answers.

Input is a "pairs" frame (columns ``parent``, ``reply``, ``article``, ``depth``,
``inline``, ``is_article_author``, ``author_posts``); the pipeline combines

* hashed TF-IDF word 1–2-grams of the reply, and of the parent (the parent's own stance);
* hashed 1–3-grams of the reply's *opening* ("Exactly", "No,", "But", "I'm with you…");
* :class:`PairFeatures`: VADER ratios of reply and parent, cue counts (agreement,
  rebuttal, negation, contrast, questions, moderation, promotion), reply–parent and
  reply–article similarity, quoting of the parent, length, depth, inline notes, and
  the commenter's number of posts in the thread.

Everything is stateless hashing except the TF-IDF weights and the scaler, so the fitted
model is small and loads fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer

from discourse.analyze.sentiment import sentiment_profile
from discourse.classify import cues

PAIR_INPUT_COLUMNS = ("parent", "reply", "article", "depth", "inline", "is_article_author",
                      "author_posts")
_WORDS = re.compile(r"\w+")
_SIM_HASH = HashingVectorizer(n_features=2**18, alternate_sign=False, norm="l2",
                              stop_words="english", dtype=np.float32)

#: Names of the columns :class:`PairFeatures` produces, in order.
PAIR_FEATURE_NAMES = (
    "log_reply_words", "log_parent_words", "reply_pos", "reply_neg", "reply_neu",
    "reply_compound", "parent_compound", "sentiment_product", "agree_open", "agree_any",
    "rebut_open", "rebut_any", "negation_rate", "contrast", "question_marks", "ends_question",
    "question_open", "moderation", "off_topic", "second_person", "exclamations", "urls",
    "sim_parent", "sim_article", "sim_max", "quote_overlap", "answers_article", "depth",
    "inline", "is_article_author", "log_author_posts", "long_and_unrelated", "upper_ratio",
)


def opening(text: str) -> str:
    """The first six words of a reply, lower-cased, punctuation kept as tokens."""
    tokens = re.findall(r"\w+|[^\w\s]", text.lower())
    return " ".join(tokens[:6])


def _counts(texts: pd.Series) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, pattern in cues.CUES.items():
        findall = pattern.findall
        out[name] = np.fromiter((len(findall(t)) for t in texts), float, len(texts))
    return out


_PROFILE_CACHE: dict[str, tuple[float, float, float, float]] | None = None


@contextmanager
def cached_sentiment() -> Iterator[None]:
    """Remember VADER profiles of texts while training/evaluating (many fits over the same
    texts); off by default so that streaming prediction keeps memory flat."""
    global _PROFILE_CACHE
    previous = _PROFILE_CACHE
    _PROFILE_CACHE = {} if previous is None else previous
    try:
        yield
    finally:
        _PROFILE_CACHE = previous


def _profile(text: str) -> tuple[float, float, float, float]:
    if _PROFILE_CACHE is None:
        return sentiment_profile(text)
    found = _PROFILE_CACHE.get(text)
    if found is None:
        found = _PROFILE_CACHE[text] = sentiment_profile(text)
    return found


def _unique_profiles(texts: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(texts)
    profiles = np.array([_profile(t) for t in uniques], dtype=float).reshape(-1, 4)
    return profiles[codes]


def _row_cosine(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Cosine similarity of hashed word counts, row by row (each distinct text hashed once)."""
    both = pd.concat([a, b], ignore_index=True)
    codes, uniques = pd.factorize(both)
    matrix = _SIM_HASH.transform(list(uniques))
    left, right = matrix[codes[: len(a)]], matrix[codes[len(a):]]
    return np.asarray(left.multiply(right).sum(axis=1)).ravel()


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORDS.findall(text)]
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _quote_overlap(replies: pd.Series, parents: pd.Series) -> np.ndarray:
    """Share of the reply's word trigrams found in its parent (each parent read once)."""
    codes, uniques = pd.factorize(parents)
    parent_grams = [_trigrams(p) for p in uniques]
    out = np.zeros(len(replies))
    for i, (r, code) in enumerate(zip(replies, codes, strict=True)):
        grams = parent_grams[code]
        if grams:
            rt = _trigrams(r)
            if rt:
                out[i] = len(rt & grams) / len(rt)
    return out


def _word_counts(texts: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(texts)
    counts = np.fromiter((len(_WORDS.findall(t)) for t in uniques), float, len(uniques))
    return counts[codes]


class UniqueHashingVectorizer(HashingVectorizer):
    """A :class:`HashingVectorizer` that hashes each distinct text once (the article is
    the parent of every top-level comment)."""

    def transform(self, X):  # type: ignore[override]
        codes, uniques = pd.factorize(pd.Series(list(X), dtype=object))
        return super().transform(list(uniques))[codes]


def pair_features(frame: pd.DataFrame) -> np.ndarray:
    """The :data:`PAIR_FEATURE_NAMES` matrix for a pairs frame."""
    reply = frame["reply"].fillna("").astype(str)
    parent = frame["parent"].fillna("").astype(str)
    article = frame.get("article", pd.Series([""] * len(frame))).fillna("").astype(str)
    n = len(frame)
    reply_words = _word_counts(reply)
    parent_words = _word_counts(parent)
    # Parents are mostly other comments of the same thread: score each distinct text once.
    both = _unique_profiles(pd.concat([reply, parent], ignore_index=True))
    rp, pp = both[:n], both[n:]
    c = _counts(reply)
    sim_parent = _row_cosine(reply, parent)
    sim_article = _row_cosine(reply, article)
    depth = pd.to_numeric(frame.get("depth", 0), errors="coerce")
    depth = np.clip(np.nan_to_num(np.asarray(depth, dtype=float) * np.ones(n), nan=-1), -1, 10)
    answers_article = ((depth == 0) | (parent == article)).astype(float) * (article != "")
    inline = np.asarray(frame.get("inline", False) * np.ones(n), dtype=float)
    author_flag = np.asarray(frame.get("is_article_author", False) * np.ones(n), dtype=float)
    posts = np.asarray(pd.to_numeric(frame.get("author_posts", 0), errors="coerce")
                       * np.ones(n), dtype=float)
    posts = np.nan_to_num(posts)
    sim_max = np.maximum(sim_parent, sim_article)
    per_word = np.maximum(reply_words, 1)
    upper = reply.str.count(r"[A-ZА-Я]").to_numpy(float) / np.maximum(reply.str.len(), 1)
    columns = [
        np.log1p(reply_words), np.log1p(parent_words), rp[:, 0], rp[:, 1], rp[:, 2], rp[:, 3],
        pp[:, 3], rp[:, 3] * pp[:, 3],
        c["agree_open"], np.minimum(c["agree_any"], 3), c["rebut_open"],
        np.minimum(c["rebut_any"], 3), c["negation"] / per_word * 10,
        np.minimum(c["contrast"], 3), np.minimum(reply.str.count(r"\?").to_numpy(float), 3),
        reply.str.rstrip().str.endswith("?").to_numpy(float), c["question_open"],
        np.minimum(c["moderation"], 3), np.minimum(c["off_topic"], 3),
        c["second_person"] / per_word * 10, np.minimum(reply.str.count("!").to_numpy(float), 3),
        np.minimum(reply.str.count(r"https?://|www\.").to_numpy(float), 3),
        sim_parent, sim_article, sim_max, _quote_overlap(reply, parent), answers_article,
        depth, inline, author_flag, np.log1p(posts),
        (reply_words >= 80) * (1 - sim_max), upper,
    ]
    return np.column_stack(columns).astype(np.float64)


class PairFeatures(TransformerMixin, BaseEstimator):
    """scikit-learn transformer wrapping :func:`pair_features` (stateless)."""

    def fit(self, X: pd.DataFrame, y: object = None) -> PairFeatures:
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        return pair_features(X)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(PAIR_FEATURE_NAMES, dtype=object)
