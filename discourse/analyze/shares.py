"""Label shares with intervals: a thread's and a site's label mix as an estimate and a
95 % interval, not a count of argmax labels.

**Estimate.**  A thread's share of a label is the mean, over its labelled comments, of the
comments' calibrated probabilities of that label (``Comment.probabilities``, each vector
renormalised to sum to 1): *probabilistic classify-and-count* (Bella, Ferri,
Hernández-Orallo & Ramírez-Quintana 2010, "Quantification via probability estimators",
ICDM).  Counting argmax labels is biased when the classifier is unsure: a comment that is
55 % agreement and 45 % rebuttal counts as a whole agreement, and a thread of such
comments reads "100 % agree".  Averaging calibrated probabilities is unbiased for the
expected share when the probabilities are calibrated.

* *Counted*: comments carrying one of the four labels (:data:`~discourse.labels.LABELS`),
  inline moderator notes (labelled moderation by rule) included with their probabilities.
* *Not counted*: comments without a label (placeholders — deleted, removed, pingbacks,
  empty — have ``label`` None) and any comment with a label outside the four; they are
  counted apart as ``not_labelled``.
* *Fallback*: a labelled comment without usable probabilities (older outputs, a model that
  gives none, hand labels) counts as the one-hot vector of its label; the result says
  which (:attr:`Shares.method`: ``"probabilities"``, ``"labels"`` or ``"mixed"``).

**Thread interval.**  A percentile bootstrap over the thread's labelled comments
(Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13): :data:`RESAMPLES`
resamples of the comments with replacement, drawn vectorised from a generator seeded with
:data:`SEED` (the same thread always gives the same interval); the interval runs from
the 2.5th to the 97.5th percentile of the resampled means, widened if needed to contain
the estimate and clipped to [0, 1].  A label that no comment gives any probability (or
that every comment gives all of it) leaves nothing to resample; its far end is the exact
binomial bound for 0 of n (Clopper & Pearson 1934), e.g. up to 12 % for 30 comments.

**Site.**  A site's share pools its threads (all its labelled comments' probabilities
summed / all its labelled comments), so a large thread weighs more.  Its interval is a
*cluster* bootstrap that resamples **threads** (Davison & Hinkley 1997, *Bootstrap
Methods and their Application*, §3.8; Field & Welsh 2007, "Bootstrapping clustered data",
JRSS B): comments of one thread are not independent draws from the site, threads are
the unit that varies, so a site of three threads gets an interval as wide as its threads
disagree.  Because a bootstrap over a handful of threads understates the spread (with one
thread it has none), the interval is never narrower than the threads' own comment-level
uncertainty pooled (a normal interval from each thread's bootstrap interval; a site of one
thread keeps that thread's interval).  It needs only the threads' metrics rows
(``share_*``, ``share_*_low``/``_high`` and ``labelled``), so ``compare`` streams.

**Too small to say.**  A thread (or site) with fewer than :data:`MIN_LABELLED` labelled
comments, or with a 95 % interval wider than :data:`MAX_WIDTH` for any label, is flagged
``too_small``; so is a site of fewer than :data:`MIN_THREADS` threads with labelled
comments (one thread says nothing of how a site's threads vary).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from discourse.labels import LABELS
from discourse.model import Comment, Thread
from discourse.numbers import finite

#: Bootstrap resamples per thread and per site.
RESAMPLES = 2000
#: Seed of every bootstrap (the same thread or site always gives the same interval).
SEED = 20100
#: Level of the intervals.
LEVEL = 0.95
#: Fewer labelled comments than this: too few to estimate the mix.
MIN_LABELLED = 10
#: A 95 % interval wider than this (40 percentage points) for any label: too uncertain
#: to say.
MAX_WIDTH = 0.40
#: A site of fewer threads with labelled comments than this is flagged too small.
MIN_THREADS = 2
#: Resampled comment draws per vectorised chunk (keeps the working set in cache; a
#: 100,000-comment thread is resampled 1 resample at a time, a 50-comment one all at once).
_CHUNK = 1 << 17
#: Normal quantile of the pooled within-thread interval of a site.
_Z = 1.959963984540054

BELLA_2010 = (
    "Bella, Ferri, Hernández-Orallo & Ramírez-Quintana 2010, 'Quantification via "
    "probability estimators' (ICDM)"
)
EFRON_1993 = "Efron & Tibshirani 1993, 'An Introduction to the Bootstrap' (percentile interval)"
FIELD_WELSH_2007 = (
    "Davison & Hinkley 1997, 'Bootstrap Methods and their Application' §3.8; Field & "
    "Welsh 2007, 'Bootstrapping clustered data' (JRSS B)"
)

#: ``Shares.method`` values.
PROBABILITIES, ONE_HOT, MIXED = "probabilities", "labels", "mixed"


def column(label: str) -> str:
    """Column-safe form of a label ("off-topic" -> "off_topic")."""
    return label.replace("-", "_")


@dataclass(frozen=True, slots=True)
class Shares:
    """The label mix of a thread or a site: estimate and 95 % interval per label.

    ``estimate``, ``low`` and ``high`` map every label of :data:`LABELS` to a share in
    [0, 1] (estimates summing to 1, ``low <= estimate <= high``); all three are None when
    nothing is labelled.
    """

    estimate: dict[str, float] | None
    low: dict[str, float] | None
    high: dict[str, float] | None
    #: Comments counted in the mix (one of the four labels).
    labelled: int
    #: Comments not counted (no label: placeholders; a label outside the four).
    not_labelled: int
    #: Too few labelled comments (or threads) or too wide an interval to estimate the mix.
    too_small: bool
    #: What was averaged: "probabilities", "labels" (one-hot: no comment had
    #: probabilities), "mixed", or "" when nothing is labelled.
    method: str
    #: Threads pooled (1 for a thread; a site's threads with labelled comments).
    threads: int = 1

    @property
    def width(self) -> float | None:
        """Widest interval over the labels (None when nothing is labelled)."""
        if self.low is None or self.high is None:
            return None
        return max(self.high[k] - self.low[k] for k in LABELS)

    def row(self) -> dict[str, Any]:
        """The metrics-row columns: ``share_<label>``, ``share_<label>_low``,
        ``share_<label>_high`` per label, then ``labelled``, ``not_labelled``,
        ``shares_too_small`` and ``shares_from``."""
        out: dict[str, Any] = {}
        for label in LABELS:
            key = f"share_{column(label)}"
            out[key] = None if self.estimate is None else self.estimate[label]
            out[key + "_low"] = None if self.low is None else self.low[label]
            out[key + "_high"] = None if self.high is None else self.high[label]
        out.update(labelled=self.labelled, not_labelled=self.not_labelled,
                   shares_too_small=self.too_small, shares_from=self.method)
        return out


#: Column names :meth:`Shares.row` gives, in order.
SHARE_COLUMNS: list[str] = [
    *(f"share_{column(label)}{end}" for label in LABELS for end in ("", "_low", "_high")),
    "labelled", "not_labelled", "shares_too_small", "shares_from",
]


# -- comments -> vectors ------------------------------------------------------------------


def _probability_row(comment: Comment) -> list[float] | None:
    """The comment's probabilities in :data:`LABELS` order (missing labels count 0);
    None when it has none, or they are unusable: negative, not finite or all zero."""
    probs = comment.probabilities
    if not probs:
        return None
    try:
        row = [float(probs.get(label, 0.0) or 0.0) for label in LABELS]
    except (TypeError, ValueError, AttributeError):
        return None
    if not all(0.0 <= p < math.inf for p in row) or sum(row) <= 0:
        return None
    return row


def comment_matrix(comments: Iterable[Comment]) -> tuple[np.ndarray, int, int]:
    """``(P, from_probabilities, not_labelled)``: one row per labelled comment (label in
    :data:`LABELS`) — its probabilities renormalised to sum to 1, else the one-hot of its
    label —, how many rows come from probabilities, and how many comments were not
    counted."""
    rows: list[list[float]] = []
    from_probs = skipped = 0
    one_hot = {label: [float(label == k) for k in LABELS] for label in LABELS}
    for comment in comments:
        if comment.label not in one_hot:
            skipped += 1
            continue
        row = _probability_row(comment)
        if row is None:
            row = one_hot[comment.label]
        else:
            from_probs += 1
        rows.append(row)
    if not rows:
        return np.empty((0, len(LABELS))), 0, skipped
    matrix = np.asarray(rows, dtype=float)
    return matrix / matrix.sum(axis=1, keepdims=True), from_probs, skipped


def _method(n: int, from_probs: int) -> str:
    if not n:
        return ""
    return PROBABILITIES if from_probs == n else ONE_HOT if from_probs == 0 else MIXED


# -- bootstrap ----------------------------------------------------------------------------


def _resample_counts(rng: np.random.Generator, units: int, resamples: int) -> Iterable[np.ndarray]:
    """Chunks of a (resamples × units) matrix of bootstrap counts: how often each unit
    is drawn in each resample of ``units`` draws with replacement (rows sum to
    ``units``), as float64 for the matrix products."""
    chunk = max(1, min(resamples, _CHUNK // max(units, 1)))
    offsets = (np.arange(chunk, dtype=np.int64) * units)[:, None]
    for start in range(0, resamples, chunk):
        m = min(chunk, resamples - start)
        draws = rng.integers(0, units, size=(m, units), dtype=np.int64)
        draws += offsets[:m]
        counts = np.bincount(draws.ravel(), minlength=m * units).reshape(m, units)
        yield counts.astype(np.float64)


def bootstrap_means(matrix: np.ndarray, resamples: int = RESAMPLES,
                    seed: int = SEED) -> np.ndarray:
    """(resamples × labels) means of ``matrix``'s rows resampled with replacement."""
    n = len(matrix)
    rng = np.random.default_rng(seed)
    parts = [counts @ matrix for counts in _resample_counts(rng, n, resamples)]
    return np.vstack(parts) / n


def _percentiles(draws: np.ndarray, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(draws, [tail, 100 - tail], axis=0)
    return low, high


def _finish(estimate: np.ndarray, low: np.ndarray, high: np.ndarray
            ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Label dicts, with ``low <= estimate <= high`` and everything in [0, 1]."""
    est = np.clip(estimate, 0.0, 1.0)
    lo = np.clip(np.minimum(low, est), 0.0, 1.0)
    hi = np.clip(np.maximum(high, est), 0.0, 1.0)
    return ({k: float(v) for k, v in zip(LABELS, est, strict=True)},
            {k: float(v) for k, v in zip(LABELS, lo, strict=True)},
            {k: float(v) for k, v in zip(LABELS, hi, strict=True)})


def _too_small(labelled: int, low: Mapping[str, float] | None,
               high: Mapping[str, float] | None) -> bool:
    if labelled < MIN_LABELLED or low is None or high is None:
        return True
    return max(high[k] - low[k] for k in LABELS) > MAX_WIDTH + 1e-12


# -- threads ------------------------------------------------------------------------------


def thread_shares(thread: Thread | Iterable[Comment], resamples: int = RESAMPLES,
                  seed: int = SEED) -> Shares:
    """The label mix of a thread (or of any comments): see the module docstring."""
    comments = thread.comments if isinstance(thread, Thread) else list(thread)
    matrix, from_probs, skipped = comment_matrix(comments)
    n = len(matrix)
    method = _method(n, from_probs)
    if not n:
        return Shares(None, None, None, 0, skipped, True, method)
    estimate = matrix.mean(axis=0)
    estimate = estimate / estimate.sum()  # exactly a mix, whatever the rounding
    if n == 1:
        low, high = estimate.copy(), estimate.copy()
    else:
        low, high = _percentiles(bootstrap_means(matrix, resamples, seed))
    # A label no comment gives any probability (or every comment gives all of it) has no
    # spread to resample: use the exact binomial bound for 0 (or n) of n instead.
    bound = (1 - LEVEL) / 2
    low = np.where(matrix.min(axis=0) >= 1.0, np.minimum(low, bound ** (1 / n)), low)
    high = np.where(matrix.max(axis=0) <= 0.0, np.maximum(high, 1 - bound ** (1 / n)), high)
    est, lo, hi = _finish(estimate, low, high)
    return Shares(est, lo, hi, n, skipped, _too_small(n, lo, hi), method)


# -- sites --------------------------------------------------------------------------------


def _row_count(row: Mapping[str, Any], key: str) -> int:
    value = finite(row.get(key))
    return int(value) if value is not None else 0


def labelled_of(row: Mapping[str, Any]) -> int:
    """Comments counted in a metrics row's mix: ``labelled``, else (rows written before
    the column existed) ``classified``."""
    if row.get("labelled") is not None:
        return _row_count(row, "labelled")
    return _row_count(row, "classified")


def _row_vector(row: Mapping[str, Any], end: str = "") -> np.ndarray | None:
    values = [finite(row.get(f"share_{column(label)}{end}")) for label in LABELS]
    if any(v is None for v in values):
        return None
    return np.array(values, dtype=float)


def site_shares(rows: Sequence[Mapping[str, Any]], resamples: int = RESAMPLES,
                seed: int = SEED) -> Shares:
    """The pooled label mix of a site's thread metrics rows, with a cluster bootstrap
    over its threads (see the module docstring)."""
    sums, counts, within, method = [], [], [], set()
    not_labelled = 0
    for row in rows:
        n = labelled_of(row)
        estimate = _row_vector(row) if n else None
        if row.get("not_labelled") is not None:
            not_labelled += _row_count(row, "not_labelled")
        else:
            not_labelled += max(0, _row_count(row, "size") - n)
        if estimate is None or estimate.sum() <= 0:
            continue
        estimate = estimate / estimate.sum()
        sums.append(estimate * n)
        counts.append(n)
        low, high = _row_vector(row, "_low"), _row_vector(row, "_high")
        within.append(None if low is None or high is None else (low, high))
        method.add(str(row.get("shares_from") or ONE_HOT))
    threads = len(counts)
    labelled = int(sum(counts))
    if not threads:
        return Shares(None, None, None, 0, not_labelled, True, "", 0)
    s, n = np.vstack(sums), np.asarray(counts, dtype=float)
    estimate = s.sum(axis=0) / n.sum()
    if threads == 1:
        low, high = within[0] if within[0] is not None else (estimate, estimate)
    else:
        rng = np.random.default_rng(seed)
        draws = np.vstack([(w @ s) / (w @ n)[:, None]
                           for w in _resample_counts(rng, threads, resamples)])
        low, high = _percentiles(draws)
        # Never narrower than the threads' own (comment-level) uncertainty, pooled.
        known = [(k, w) for k, w in zip(counts, within, strict=True) if w is not None]
        if known:
            weights = np.array([k for k, _ in known], dtype=float) / n.sum()
            se = np.array([(hi - lo) / (2 * _Z) for _, (lo, hi) in known])
            spread = _Z * np.sqrt((weights[:, None] ** 2 * se ** 2).sum(axis=0))
            low, high = np.minimum(low, estimate - spread), np.maximum(high, estimate + spread)
    est, lo, hi = _finish(estimate, low, high)
    kinds = method - {""}
    how = kinds.pop() if len(kinds) == 1 else MIXED
    too_small = _too_small(labelled, lo, hi) or threads < MIN_THREADS
    return Shares(est, lo, hi, labelled, not_labelled, too_small, how, threads)


# -- wording ------------------------------------------------------------------------------


def rounded_interval(low: float, high: float) -> tuple[int, int]:
    """An interval as whole percentages for a sentence: to multiples of 5 when it is 10
    points wide or more, else to whole points; rounded outwards (never narrower)."""
    step = 5 if high - low >= 0.10 - 1e-12 else 1
    lo = math.floor(round(100 * low / step, 9)) * step
    hi = math.ceil(round(100 * high / step, 9)) * step
    return max(0, lo), min(100, hi)


def interval_text(low: float, high: float, space: str = " ") -> str:
    """"40–55 %" (see :func:`rounded_interval`); "45 %" when both ends round alike."""
    lo, hi = rounded_interval(low, high)
    return f"{lo}{space}%" if lo == hi else f"{lo}–{hi}{space}%"
