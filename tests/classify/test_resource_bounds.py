"""Memory per document and bounded sentiment time (issue 10, items 2-3): the pairs frame
holds a long article once, classifying grows memory at most 10x the article, and VADER's
work per comment is capped without changing ordinary texts' scores."""

from __future__ import annotations

import tracemalloc

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.paths import SEEDS

SEED = SEEDS / "004_cf98bbd6559fb7a2.txt"  # 3 comments
SEED_MANY = SEEDS / "000_1701a6fb48e1cee7.txt"  # 34 comments


@pytest.fixture(scope="module")
def classifier():
    """The bundled model, loaded once for this file."""
    from discourse.classify.linear import LinearModel

    return LinearModel.load()


def _big_thread(article_words: int, comments: int):
    """A parsed thread with a long article that most comments answer."""
    from discourse.model import Comment, Thread

    words = ("agree", "wrong", "history", "war", "good", "bad", "people", "never", "truth")
    article = " ".join(words[i * 7 % len(words)] + ("." if i % 12 == 11 else "")
                       for i in range(article_words))
    items = [Comment(str(i + 1), None, 0, f"u{i % 7}", f"Comment {i}: I think {words[i % 9]} "
                     f"is {words[(i + 3) % 9]}, and you are {words[(i + 5) % 9]}.")
             for i in range(comments)]
    return Thread("big.txt", "numbered", "Big", article, items)


# -- item 2: memory per document -----------------------------------------------------------
def _string_frame(thread) -> pd.DataFrame:
    """The pairs frame as thread_pairs built it before (one string per row, pandas'
    default string dtype, which copies the article into every row): the reference."""
    from discourse.classify.pairs import PAIR_COLUMNS

    index = thread.by_id()
    posts: dict[str, int] = {}
    for c in thread.comments:
        if c.author:
            posts[c.author] = posts.get(c.author, 0) + 1
    rows = [{"parent": thread.answered_text(c, index), "reply": c.text,
             "article": thread.article, "depth": c.depth if c.answers_id else 0,
             "inline": c.inline,
             "is_article_author": bool(thread.author) and c.author == thread.author,
             "author_posts": posts.get(c.author or "", 0),
             "thread_id": thread.thread_id or thread.source or "",
             "comment_id": c.platform_id or c.id} for c in thread.comments]
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))


def test_thread_pairs_hold_the_article_once():
    from discourse.classify.pairs import thread_pairs

    thread = _big_thread(2000, 30)
    frame = thread_pairs(thread)
    for column in ("parent", "reply", "article"):
        assert frame[column].dtype == object
    assert all(a is thread.article for a in frame["article"])
    assert all(p is thread.article for p in frame["parent"])  # all answer the article
    assert all(r is c.text for r, c in zip(frame["reply"], thread.comments, strict=True))


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_thread_pairs_give_the_same_features_and_labels_as_string_rows(seed, classifier):
    from discourse.classify.pairs import thread_pairs
    from discourse.read import parse_file

    thread = parse_file(SEEDS / seed)
    if not thread.comments:
        pytest.skip(f"{seed} has no comments")
    pipeline = classifier.pipeline
    new, old = thread_pairs(thread), _string_frame(thread)
    features = pipeline.named_steps["features"]
    assert (features.transform(new) != features.transform(old)).nnz == 0
    assert pipeline.predict_proba(new).tobytes() == pipeline.predict_proba(old).tobytes()


def test_long_texts_are_scanned_with_the_same_features(monkeypatch):
    """The word-by-word path for long texts (word counts, trigrams) gives exactly the
    features of the list path: forced on every text, the matrices are identical."""
    import discourse.classify.features as features
    from discourse.classify.pairs import thread_pairs
    from discourse.read import parse_file

    for seed in (SEED, SEED_MANY):
        frame = thread_pairs(parse_file(seed))
        short = features.pair_features(frame)
        monkeypatch.setattr(features, "LONG_TEXT", 0)
        long = features.pair_features(frame)
        monkeypatch.setattr(features, "LONG_TEXT", 100_000)
        assert short.tobytes() == long.tobytes(), seed


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("aAbΣσςİiIıßẞ ..,\n\t-_1") + ["ΑΣ", "Ωμέγα"]),
                max_size=60).map("".join))
def test_word_by_word_trigrams_equal_list_trigrams(text):
    from discourse.classify.features import _WORDS, _trigrams_among, _word_count

    lower = " ".join(_WORDS.findall(text)).lower().split()
    expected = {tuple(lower[i:i + 3]) for i in range(len(lower) - 2)}
    assert _trigrams_among(text, None) == expected
    assert _trigrams_among(text, expected) == expected
    assert _word_count(text) == len(_WORDS.findall(text))


def _peak_annotating(clf, thread) -> int:
    tracemalloc.start()
    try:
        clf.annotate(thread)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_classify_memory_grows_at_most_10x_the_article(classifier):
    """Python allocations while labelling a thread of 50 comments that answer its
    article grow by at most 10 bytes per byte of article (target of issue 10: peak <= 10x
    the document + the model); they grew by ~200 (copies of the article per row)."""
    clf = classifier
    clf.annotate(_big_thread(100, 3))  # first-call caches outside the measurement
    small, large = _big_thread(20_000, 50), _big_thread(40_000, 50)
    grown = len(large.article.encode()) - len(small.article.encode())
    assert grown > 100_000
    extra = _peak_annotating(clf, large) - _peak_annotating(clf, small)
    assert extra < 10 * grown, f"{extra / grown:.1f} bytes per byte of article"


# -- item 3: sentiment time ----------------------------------------------------------------
def _reference_profile(text: str) -> tuple[float, ...]:
    """The sentence-mean VADER profile as computed before segmenting (the definition)."""
    from discourse.sentiment import MAX_SENTENCES, _analyzer, split_sentences

    sentences = split_sentences(text)
    if not sentences:
        return 0.0, 0.0, 0.0, 0.0
    if len(sentences) > MAX_SENTENCES:
        step = len(sentences) / MAX_SENTENCES
        sentences = [sentences[int(i * step)] for i in range(MAX_SENTENCES)]
    scores = [_analyzer().polarity_scores(s) for s in sentences]
    return tuple(sum(d[k] for d in scores) / len(scores) for k in ("pos", "neg", "neu",
                                                                  "compound"))


def test_sentiment_of_ordinary_texts_is_unchanged():
    from discourse.read import parse_file
    from discourse.sentiment import sentiment_profile

    texts = ["", "Great!", "😀 I love it 👍", "No. Never. 😡😡😡 This is awful, but fine."]
    for seed in SEEDS.glob("*.txt"):
        thread = parse_file(seed)
        texts += [thread.article] + [c.text for c in thread.comments]
    for text in texts:
        assert sentiment_profile(text) == _reference_profile(text), text[:80]


def _vader_words(text: str) -> int:
    """Words VADER's own tokenizer sees in ``text`` after replacing emoji."""
    from vaderSentiment.vaderSentiment import SentiText

    from discourse.sentiment import _analyzer

    emojis = _analyzer().emojis
    out: list[str] = []
    prev_space = True
    for ch in text:  # as SentimentIntensityAnalyzer.polarity_scores does
        if ch in emojis:
            out.append(("" if prev_space else " ") + emojis[ch])
            prev_space = False
        else:
            out.append(ch)
            prev_space = ch == " "
    return len(SentiText("".join(out).strip()).words_and_emoticons)


@pytest.mark.parametrize("text", [
    "😀" * 10_000,  # one 10k-emoji comment (was ~70 s)
    " ".join(["good", "bad", "not", "but", "never", "kind of"] * 5000),  # a run-on paste
    ("word " * 300 + ". ") * 200,  # many long sentences
    "🔥x" * 5000 + " and " + "a" * 100_000,  # emoji glued to letters, a giant token
])
def test_vader_work_per_text_is_capped(monkeypatch, text):
    """At most MAX_SENTENCES calls of at most MAX_SEGMENT_WORDS words each, whatever the
    text: VADER's quadratic cost is bounded per comment (no timing needed)."""
    from discourse import sentiment

    analyzer = sentiment._analyzer()
    calls: list[str] = []
    real = analyzer.polarity_scores
    monkeypatch.setattr(analyzer, "polarity_scores", lambda s: calls.append(s) or real(s))
    profile = sentiment.sentiment_profile(text)
    assert 1 <= len(calls) <= sentiment.MAX_SENTENCES
    assert max(_vader_words(s) for s in calls) <= sentiment.MAX_SEGMENT_WORDS
    assert all(-1.0 <= v <= 1.0 for v in profile)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "b ", " ", "😀", "👍🏽", "!", "x" * 30, "\n"]),
                max_size=400).map("".join))
def test_segments_keep_every_character_and_fit(text):
    from discourse.sentiment import MAX_SEGMENT_WORDS, _cost, split_segments

    for sentence in text.split("\n"):
        pieces = split_segments(sentence)
        assert "".join("".join(pieces).split()) == "".join(sentence.split())
        if len(pieces) > 1:
            assert all(sum(_cost(t) for t in p.split()) <= MAX_SEGMENT_WORDS for p in pieces)
