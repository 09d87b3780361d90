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

import copy
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer

import discourse.classify.cues as cues
from discourse.sentiment import sentiment_profile

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
    """The first six words of a reply, lower-cased, punctuation kept as tokens.  Only a
    head of a long text is read: cut at whitespace, where no token and no lower-casing
    context (Greek final sigma) reaches across, it gives the same first tokens."""
    size = 4096
    while True:
        cut = len(text) if len(text) <= size else _space_after(text, size)
        tokens = _OPENING_TOKENS.findall(text[:cut].lower())
        if len(tokens) >= 6 or cut >= len(text):
            return " ".join(tokens[:6])
        size *= 4


_OPENING_TOKENS = re.compile(r"\w+|[^\w\s]")
_SPACE = re.compile(r"\s")


def _space_after(text: str, at: int) -> int:
    """Index of the first whitespace character at or after ``at`` (``len(text)`` if none)."""
    m = _SPACE.search(text, at)
    return m.start() if m else len(text)


_CUE_INDEX = {name: i for i, name in enumerate(cues.CUES)}
_UPPER = re.compile(r"[A-ZА-Я]")
_URL = re.compile(r"https?://|www\.")


#: Texts longer than this many characters are scanned word by word instead of being split
#: into lists (a 2 MB article's word list and trigram set took ~50 MB per call).
LONG_TEXT = 100_000


def _word_count(text: str) -> int:
    r"""Number of ``\w+`` words of ``text`` (no list of them for long texts)."""
    if len(text) <= LONG_TEXT:
        return len(_WORDS.findall(text))
    return sum(1 for _ in _WORDS.finditer(text))


def _trigrams(text: str) -> set[tuple[str, str, str]]:
    """The lower-cased word trigrams of ``text``."""
    if len(text) > LONG_TEXT:
        return _trigrams_among(text, None)
    # Lower-cased once as a whole: words hold no spaces, so splitting gives them back.
    lower = " ".join(_WORDS.findall(text)).lower().split()
    return {tuple(lower[i:i + 3]) for i in range(len(lower) - 2)}  # type: ignore[misc]


def _trigrams_among(text: str, wanted: set | None) -> set[tuple[str, str, str]]:
    """The lower-cased word trigrams of ``text`` that are in ``wanted`` (all when None),
    in one pass over the words: memory bounded by ``wanted``, not by the text.  Lowering
    word by word equals lowering the space-joined words (no lower-case mapping makes
    whitespace, and a space ends the context of Greek final sigma)."""
    found: set[tuple[str, str, str]] = set()
    a = b = None
    for m in _WORDS.finditer(text):
        w = m.group().lower()
        if a is not None:
            gram = (a, b, w)
            if wanted is None or gram in wanted:
                found.add(gram)  # type: ignore[arg-type]
        a, b = b, w
    return found


def _reply_stats(text: str) -> tuple[float, ...]:
    """Cue counts (in :data:`cues.CUES` order), then question marks, exclamations, links,
    ends-with-question and the share of upper-case letters of a reply."""
    return (*cues.cue_counts(text), text.count("?"), text.count("!"),
            len(_URL.findall(text)), float(text.rstrip().endswith("?")),
            len(_UPPER.findall(text)) / max(len(text), 1))


def _distinct(*columns: list[str]) -> tuple[list[str], list[np.ndarray]]:
    """The distinct texts of ``columns`` and, per column, each row's index into them."""
    index: dict[str, int] = {}
    codes = [np.fromiter((index.setdefault(t, len(index)) for t in col), np.intp, len(col))
             for col in columns]
    return list(index), codes


#: The VADER profiles remembered by :func:`cached_sentiment`, per thread.
_PROFILES = threading.local()


@contextmanager
def cached_sentiment() -> Iterator[None]:
    """Remember VADER profiles of texts while training/evaluating (many fits over the same
    texts) and while the members of an ensemble score one thread (each computes the pair
    features); off otherwise, so that streaming prediction keeps memory flat.  Per thread:
    one thread's cache is never another's."""
    previous = getattr(_PROFILES, "cache", None)
    _PROFILES.cache = {} if previous is None else previous
    try:
        yield
    finally:
        _PROFILES.cache = previous


def _profile(text: str) -> tuple[float, float, float, float]:
    cache: dict[str, tuple[float, float, float, float]] | None = getattr(_PROFILES, "cache",
                                                                         None)
    if cache is None:
        return sentiment_profile(text)
    found = cache.get(text)
    if found is None:
        found = cache[text] = sentiment_profile(text)
    return found


def _row_cosines(matrix, codes: np.ndarray, others: list[np.ndarray]) -> list[np.ndarray]:
    """Cosine similarity of hashed word counts between the rows ``codes`` and each of
    ``others`` (rows of ``matrix``, the distinct texts hashed once)."""
    left = matrix[codes]
    return [np.asarray(left.multiply(matrix[o]).sum(axis=1)).ravel() for o in others]


def _quote_overlap(distinct: list[str], replies: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """Share of the reply's word trigrams found in its parent.  A parent that is no reply
    (the article) is scanned only for its replies' trigrams, never held as a set."""
    reply_grams = {r: _trigrams(distinct[r]) for r in dict.fromkeys(replies.tolist())}
    wanted: dict[int, set] = {}
    for r, p in zip(replies.tolist(), parents.tolist(), strict=True):
        if p not in reply_grams and reply_grams[r]:
            wanted.setdefault(p, set()).update(reply_grams[r])
    parent_grams = reply_grams | {p: _trigrams_among(distinct[p], w) for p, w in wanted.items()}
    out = np.zeros(len(replies))
    for i, (r, p) in enumerate(zip(replies.tolist(), parents.tolist(), strict=True)):
        rt, grams = reply_grams[r], parent_grams.get(p)
        if grams and rt:
            out[i] = len(rt & grams) / len(rt)
    return out


#: Characters per piece when a long text is hashed piece by piece.
HASH_CHUNK = 1 << 16


def hash_texts(vectorizer: HashingVectorizer, texts: list[str]):
    """``vectorizer.transform(texts)`` with bounded memory: a word-unigram vectorizer
    (no custom preprocessor or tokenizer) hashes texts longer than :data:`LONG_TEXT` in
    pieces cut at whitespace and adds the counts (scikit-learn's analyzer holds every token
    of a text in a list: ~20 bytes per byte of text).  The result is the same matrix: word
    tokens never span whitespace, counts are small integers (exact in float32), and the
    row norm is applied to the summed counts as the vectorizer would."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    long = [i for i, t in enumerate(texts) if len(t) > LONG_TEXT]
    if not long or vectorizer.ngram_range != (1, 1) or vectorizer.analyzer != "word" \
            or vectorizer.preprocessor is not None or vectorizer.tokenizer is not None \
            or vectorizer.binary:
        return HashingVectorizer.transform(vectorizer, texts)
    counting = copy.copy(vectorizer)
    counting.norm = None
    rows = {}
    for i in long:
        text, start, total = texts[i], 0, None
        while start < len(text):
            end = _space_after(text, start + HASH_CHUNK) if start + HASH_CHUNK < len(text) \
                else len(text)
            piece = HashingVectorizer.transform(counting, [text[start:end]])
            total = piece if total is None else total + piece
            start = end
        total.sort_indices()
        rows[i] = normalize(total, norm=vectorizer.norm, copy=False) if vectorizer.norm \
            else total
    short = [i for i in range(len(texts)) if i not in rows]
    head = [HashingVectorizer.transform(vectorizer, [texts[i] for i in short])] if short else []
    stacked = sparse.vstack([*head, *(rows[i] for i in long)], format="csr")
    order = np.empty(len(texts), dtype=np.intp)
    order[short + long] = np.arange(len(texts))
    return stacked[order]


class UniqueHashingVectorizer(HashingVectorizer):
    """A :class:`HashingVectorizer` that hashes each distinct text once (the article is
    the parent of every top-level comment), long texts in pieces (:func:`hash_texts`)."""

    def transform(self, X):  # type: ignore[override]
        uniques, (codes,) = _distinct(list(X))
        return hash_texts(self, uniques)[codes]


def _column(frame: pd.DataFrame, name: str, default: object, n: int) -> np.ndarray:
    values = pd.to_numeric(frame[name], errors="coerce") if name in frame else default
    return np.nan_to_num(np.asarray(values, dtype=float) * np.ones(n), nan=-1)


def pair_features(frame: pd.DataFrame) -> np.ndarray:
    """The :data:`PAIR_FEATURE_NAMES` matrix for a pairs frame."""
    def texts(name: str) -> list[str]:
        if name not in frame:
            return [""] * len(frame)
        return [t if isinstance(t, str) else "" if t is None or t != t else str(t)
                for t in frame[name]]

    reply, parent, article = texts("reply"), texts("parent"), texts("article")
    n = len(frame)
    distinct, (ri, pi, ai) = _distinct(reply, parent, article)
    words = np.array([_word_count(t) for t in distinct], dtype=float)
    reply_words, parent_words = words[ri], words[pi]
    # Parents are mostly other comments of the same thread: score each distinct text once.
    needed = np.unique(np.concatenate([ri, pi]))
    profiles = np.zeros((len(distinct), 4))
    profiles[needed] = np.array([_profile(distinct[i]) for i in needed]).reshape(-1, 4)
    rp, pp = profiles[ri], profiles[pi]
    reply_rows = {i: _reply_stats(distinct[i]) for i in dict.fromkeys(ri.tolist())}
    r = np.array([reply_rows[i] for i in ri.tolist()], dtype=float).reshape(n, -1)

    def cue(name: str) -> np.ndarray:
        return r[:, _CUE_INDEX[name]]

    extra = len(cues.CUES)
    questions, exclamations, urls, ends_question, upper = (r[:, extra + k] for k in range(5))
    sim_parent, sim_article = _row_cosines(hash_texts(_SIM_HASH, distinct), ri, [pi, ai])
    depth = np.clip(_column(frame, "depth", 0, n), -1, 10)
    answers_article = ((depth == 0) | (pi == ai)).astype(float) * np.array(
        [a != "" for a in article], dtype=float)
    inline = np.asarray(frame.get("inline", False) * np.ones(n), dtype=float)
    author_flag = np.asarray(frame.get("is_article_author", False) * np.ones(n), dtype=float)
    posts = np.nan_to_num(np.asarray(pd.to_numeric(frame.get("author_posts", 0),
                                                   errors="coerce") * np.ones(n), dtype=float))
    sim_max = np.maximum(sim_parent, sim_article)
    per_word = np.maximum(reply_words, 1)
    columns = [
        np.log1p(reply_words), np.log1p(parent_words), rp[:, 0], rp[:, 1], rp[:, 2], rp[:, 3],
        pp[:, 3], rp[:, 3] * pp[:, 3],
        cue("agree_open"), np.minimum(cue("agree_any"), 3), cue("rebut_open"),
        np.minimum(cue("rebut_any"), 3), cue("negation") / per_word * 10,
        np.minimum(cue("contrast"), 3), np.minimum(questions, 3), ends_question,
        cue("question_open"), np.minimum(cue("moderation"), 3), np.minimum(cue("off_topic"), 3),
        cue("second_person") / per_word * 10, np.minimum(exclamations, 3), np.minimum(urls, 3),
        sim_parent, sim_article, sim_max, _quote_overlap(distinct, ri, pi), answers_article,
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
