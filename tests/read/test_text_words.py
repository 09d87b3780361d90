"""The parser's fast word splitting (discourse.read.text.words) against the regular expression
it replaces, on arbitrary text and on the awkward corners of Unicode."""

from __future__ import annotations

import itertools
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.read.text.words import count_words, folded_words, folded_words_each

WORD = re.compile(r"\w+")
#: Characters where case folding, NFKC or the UTF-8 byte trick could go wrong: final
#: sigma, dotted I, Kelvin sign, ligatures, combining marks, Hangul jamo, curly quotes,
#: dashes, no-break space, superscripts, mathematical letters, emoji.
AWKWARD = list("ΑΣσςİıKΩﬁﬀ\u0301\u0307\u0308ʰ²\u1100\u1161\u11a8가’‘“”«»„–—•…\u00a0´_9aZ .,'\t-") + [
    "\u212a", "\U0001d400", "\U0001f609", "\ufb01"]
texts = st.text(alphabet=st.one_of(st.sampled_from(AWKWARD), st.characters()), max_size=60)


def reference(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFKC", text).lower())


@settings(max_examples=400, deadline=None)
@given(texts)
def test_folded_words_and_count_match_the_regex(text):
    assert folded_words(text) == reference(text)
    assert count_words(text) == len(WORD.findall(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=6))
def test_folding_many_lines_at_once_matches_one_by_one(lines):
    assert folded_words_each(lines) == [reference(t) for t in lines]


def test_line_edges_do_not_interact():
    edge = ["ΑΣ", "Σ", "σ", "\u0301", "\u0308a", "A\u0301", "'", "ʰ", "ﬁ", "\u1100", "\u1161",
            "가", "İ", "Ω", ""]
    for a, b, c in itertools.product(edge, repeat=3):
        lines = [a + b, c, b + c + a]
        assert folded_words_each(lines) == [reference(t) for t in lines], lines
