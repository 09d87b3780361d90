"""Debate-dynamics metrics: one pure function per metric, each reading a :class:`Thread`.

Conventions shared by every function here:

* The reply tree is given by ``parent_id``; the article is the (virtual) root.  A comment
  whose ``parent_id`` names no comment in the thread is treated as a reply to the article.
  Comments that cannot be reached from the article (a ``parent_id`` cycle) are ignored by
  the tree-walking metrics (Wiener index, chains, escalation, subthreads).
* ``depth`` is read from :attr:`Comment.depth` (0 = top-level comment) unless stated.
* Inline moderator notes are comments like any other.
* A thread with zero comments gives 0 for counts, ``None`` for means/rates/ratios that
  would divide by zero, and empty lists/dicts/frames for collections.
"""

from __future__ import annotations

import contextlib
from collections import Counter, deque
from collections.abc import Iterable, Iterator

import pandas as pd

from discourse.labels import LABELS
from discourse.labels import is_uncertain as _uncertain
from discourse.model import Comment, Thread

#: Row label of the transition matrix for "the parent of a top-level comment".
ARTICLE = "article"
#: A label whose confidence (the classifier's probability of that label) is below this is
#: shown and counted as *uncertain*.  The one place this threshold is defined: the report's
#: badges, filters and summaries and the ``uncertain`` metric all read it.  With four
#: labels, 0.5 means "the classifier gives the other three labels together at least as
#: much probability as this one".

Edge = tuple[str, str]


# -- tree helpers -----------------------------------------------------------------------


#: While :func:`shared_tree` is active for a thread: its parents/children/top-down order,
#: computed once instead of once per metric (a 100,000-comment thread has 20 metrics).
_MEMO: dict[str, object] | None = None


@contextlib.contextmanager
def shared_tree(thread: Thread) -> Iterator[None]:
    """Within this block, the tree helpers compute ``thread``'s tree once and share it
    (the thread must not change meanwhile; :func:`~discourse.analyze.thread_metrics`
    uses it around its metrics)."""
    global _MEMO
    previous, _MEMO = _MEMO, {"thread": thread}
    try:
        yield
    finally:
        _MEMO = previous


def _memo(thread: Thread, key: str, build):  # noqa: ANN001 - internal helper
    memo = _MEMO
    if memo is None or memo["thread"] is not thread:
        return build(thread)
    if key not in memo:
        memo[key] = build(thread)
    return memo[key]


def _parents(thread: Thread) -> dict[str, str | None]:
    """Comment id -> parent comment id, None for replies to the article (or orphans)."""
    return _memo(thread, "parents", _build_parents)


def _children(thread: Thread) -> dict[str | None, list[str]]:
    """Parent id (None = article) -> child ids in document order (orphans hang on None)."""
    return _memo(thread, "children", _build_children)


def _top_down(thread: Thread) -> list[str]:
    """Ids reachable from the article, parents before children (breadth-first)."""
    return _memo(thread, "top_down", _build_top_down)


def _build_parents(thread: Thread) -> dict[str, str | None]:
    """Comment id -> parent comment id, None for replies to the article (or orphans)."""
    ids = {c.id for c in thread.comments}
    return {c.id: (c.parent_id if c.parent_id in ids else None) for c in thread.comments}


def _build_children(thread: Thread) -> dict[str | None, list[str]]:
    """Parent id (None = article) -> child ids in document order (orphans hang on None)."""
    kids: dict[str | None, list[str]] = {}
    for cid, pid in _parents(thread).items():
        kids.setdefault(pid, []).append(cid)
    return kids


def _build_top_down(thread: Thread) -> list[str]:
    """Ids reachable from the article, parents before children (breadth-first)."""
    kids = _children(thread)
    order: list[str] = []
    queue: deque[str] = deque(kids.get(None, []))
    while queue:
        cid = queue.popleft()
        order.append(cid)
        queue.extend(kids.get(cid, []))
    return order


def _chain_up(end: str, parents: dict[str, str | None], length: int) -> list[str]:
    """The ``length`` ids ending at ``end`` going root-ward, returned top-down."""
    chain: list[str] = []
    node: str | None = end
    while node is not None and len(chain) < length:
        chain.append(node)
        node = parents[node]
    return chain[::-1]


def _known(comments: Iterable[Comment]) -> list[Comment]:
    """Comments with a known (non-empty) author."""
    return [c for c in comments if c.author]


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


# -- size and shape ---------------------------------------------------------------------


def size(thread: Thread) -> int:
    """Number of comments, inline moderator notes included."""
    return len(thread.comments)


def top_level_count(thread: Thread) -> int:
    """Number of comments answering the article directly (``parent_id is None``)."""
    return sum(1 for c in thread.comments if c.parent_id is None)


def max_depth(thread: Thread) -> int:
    """Largest ``depth`` (0 = top-level comment); 0 for an empty thread."""
    return max((c.depth for c in thread.comments), default=0)


def mean_depth(thread: Thread) -> float | None:
    """Mean ``depth`` over comments (0 = top-level); None for an empty thread."""
    if not thread.comments:
        return None
    return sum(c.depth for c in thread.comments) / len(thread.comments)


def width(thread: Thread) -> int:
    """Largest number of comments at any one depth level; 0 for an empty thread."""
    counts = Counter(c.depth for c in thread.comments)
    return max(counts.values(), default=0)


def branching_factor(thread: Thread) -> float | None:
    """Mean number of direct replies over comments having at least one reply.

    Comments only: the article is not counted as a parent.  None when no comment has a
    reply.  Source: Gómez, Kappen & Kaltenbrunner 2011 (branching factors of cascades).
    """
    kids = _children(thread)
    fanouts = [len(v) for k, v in kids.items() if k is not None]
    return sum(fanouts) / len(fanouts) if fanouts else None


def h_index(thread: Thread) -> int:
    """Largest h such that at least h comments sit at level >= h (top-level = level 1).

    Levels are ``depth + 1``, so top-level comments are level 1 and a thread with any
    comment has h >= 1; 0 for an empty thread.  Source: Gómez, Kaltenbrunner & López
    2008 (h-index of a discussion thread), in its cumulative "level >= h" form.
    """
    levels = sorted((c.depth + 1 for c in thread.comments), reverse=True)
    h = 0
    for rank, level in enumerate(levels, start=1):
        if level >= rank:
            h = rank
        else:
            break
    return h


def wiener_sum(thread: Thread) -> int:
    """Wiener index proper: sum of tree distances over all unordered node pairs.

    Nodes are the article (root) plus every reachable comment.  Computed as the sum over
    edges of ``s * (n - s)`` with ``s`` the size of the subtree below the edge.
    """
    order = _top_down(thread)
    n = len(order) + 1
    parents = _parents(thread)
    below = dict.fromkeys(order, 1)
    for cid in reversed(order):
        pid = parents[cid]
        if pid is not None:
            below[pid] += below[cid]
    return sum(s * (n - s) for s in below.values())


def wiener_index(thread: Thread) -> float | None:
    """Mean tree distance over all unordered node pairs, article included (= structural
    virality, Goel et al. 2016).  None for an empty thread (a lone article has no pair).
    """
    n = len(_top_down(thread)) + 1
    if n < 2:
        return None
    return wiener_sum(thread) / (n * (n - 1) / 2)


def structural_virality(thread: Thread) -> float | None:
    """Alias of :func:`wiener_index` (Goel et al. 2016; Saveski et al. 2021)."""
    return wiener_index(thread)


# -- labels -------------------------------------------------------------------------------


def _label_shares(comments: Iterable[Comment]) -> dict[str, float]:
    counts = Counter(c.label for c in comments if c.label is not None)
    total = sum(counts.values())
    if not total:
        return {}
    keys = list(LABELS) + sorted(k for k in counts if k not in LABELS)
    return {k: counts.get(k, 0) / total for k in keys}


def label_shares(thread: Thread) -> dict[str, float]:
    """Label -> share among classified comments (every label in LABELS present).

    Unclassified comments (label None) are left out of the denominator; {} when no
    comment is classified.
    """
    return _label_shares(thread.comments)


def classified_count(thread: Thread) -> int:
    """Number of comments that carry a label."""
    return sum(1 for c in thread.comments if c.label is not None)


def is_uncertain(comment: Comment) -> bool:
    """True when ``comment`` is labelled with a confidence below :data:`UNCERTAIN_BELOW`."""
    return comment.label is not None and _uncertain(comment.confidence)


def uncertain_count(thread: Thread) -> int:
    """Number of labelled comments whose confidence is below :data:`UNCERTAIN_BELOW`."""
    return sum(1 for c in thread.comments if is_uncertain(c))


def label_shares_by_depth(thread: Thread) -> dict[int, dict[str, float]]:
    """Depth -> label -> share among the classified comments at that depth.

    Depths without a classified comment are omitted; keys are sorted.
    """
    by_depth: dict[int, list[Comment]] = {}
    for c in thread.comments:
        by_depth.setdefault(c.depth, []).append(c)
    out = {d: _label_shares(cs) for d, cs in sorted(by_depth.items())}
    return {d: shares for d, shares in out.items() if shares}


def transition_matrix(thread: Thread) -> pd.DataFrame:
    """Counts of parent label -> reply label, rows ``["article", *LABELS]``, columns LABELS.

    The parent of a top-level comment (or an orphan) is "article".  Pairs where either
    side is unclassified, or carries a label outside LABELS, are not counted.
    """
    rows = [ARTICLE, *LABELS]
    counts = {(parent, child): 0 for parent in rows for child in LABELS}
    index = thread.by_id()
    for cid, pid in _parents(thread).items():
        pair = (ARTICLE if pid is None else index[pid].label, index[cid].label)
        if pair in counts:
            counts[pair] += 1
    values = [[counts[parent, child] for child in LABELS] for parent in rows]
    return pd.DataFrame(values, index=rows, columns=list(LABELS), dtype=int)


# -- chains -------------------------------------------------------------------------------


def longest_rebuttal_chain(thread: Thread) -> list[str]:
    """Ids of the longest parent->child path whose comments are all rebuttals, top-down.

    Ties go to the chain whose deepest comment comes first in document order; [] when
    there is no rebuttal.
    """
    index, parents = thread.by_id(), _parents(thread)
    run: dict[str, int] = {}
    for cid in _top_down(thread):
        if index[cid].label != "rebuttal":
            continue
        pid = parents[cid]
        run[cid] = run.get(pid, 0) + 1 if pid is not None else 1
    return _best_chain(thread, run, parents)


def longest_back_and_forth(thread: Thread) -> list[str]:
    """Ids of the longest parent->child path where exactly two authors alternate (A B A B).

    Needs at least two comments; comments with author None break a chain.  Ties go to
    the chain whose deepest comment comes first in document order; [] if none.
    """
    index, parents = thread.by_id(), _parents(thread)
    run: dict[str, int] = {}
    for cid in _top_down(thread):
        author, pid = index[cid].author, parents[cid]
        partner = index[pid].author if pid is not None else None
        if not author or not partner or partner == author:
            run[cid] = 1
            continue
        ppid = parents[pid]
        grand = index[ppid].author if ppid is not None else None
        run[cid] = run[pid] + 1 if run[pid] >= 2 and grand == author else 2
    return _best_chain(thread, {k: v for k, v in run.items() if v >= 2}, parents)


def _best_chain(thread: Thread, run: dict[str, int], parents: dict[str, str | None]) -> list[str]:
    """The chain ending at the comment with the largest run (first in document order)."""
    best_id, best = None, 0
    for c in thread.comments:
        if run.get(c.id, 0) > best:
            best_id, best = c.id, run[c.id]
    return _chain_up(best_id, parents, best) if best_id is not None else []


# -- participants -------------------------------------------------------------------------


def reentry_rate(thread: Thread) -> float | None:
    """Share of comments (known author) whose author already commented earlier.

    Document order; None when no comment has a known author.  Source: Backstrom et al.
    2013, "Characterizing and curating conversation threads" (re-entry).
    """
    seen: set[str] = set()
    repeats = 0
    authors = [c.author for c in thread.comments if c.author]
    for author in authors:
        repeats += author in seen
        seen.add(author)
    return _share(repeats, len(authors))


def reply_graph(thread: Thread) -> dict[Edge, dict[str, int]]:
    """(replier, replied_to) -> {"agreement": n, "rebuttal": n, "total": n}.

    ``replied_to`` is the author of the structural parent; replies to the article, None
    authors and self-replies are skipped.  Edges appear in order of first occurrence.
    """
    index = thread.by_id()
    graph: dict[Edge, dict[str, int]] = {}
    for cid, pid in _parents(thread).items():
        if pid is None:
            continue
        src, dst = index[cid].author, index[pid].author
        if not src or not dst or src == dst:
            continue
        cell = graph.setdefault((src, dst), {"agreement": 0, "rebuttal": 0, "total": 0})
        cell["total"] += 1
        label = index[cid].label
        if label in ("agreement", "rebuttal"):
            cell[str(label)] += 1
    return graph


def reciprocity(thread: Thread) -> float | None:
    """Share of directed reply-graph edges (a->b) whose reverse (b->a) also exists.

    None when the reply graph has no edge.  Source: Gómez, Kaltenbrunner & López 2008.
    """
    edges = set(reply_graph(thread))
    return _share(sum(1 for a, b in edges if (b, a) in edges), len(edges))


def gini(values: Iterable[float]) -> float | None:
    """Gini coefficient of non-negative values (0 = equal); None for no values or all 0."""
    xs = sorted(values)
    n, total = len(xs), sum(xs)
    if not n or not total:
        return None
    weighted = sum(i * x for i, x in enumerate(xs, start=1))
    return 2 * weighted / (n * total) - (n + 1) / n


def participation_gini(thread: Thread) -> float | None:
    """Gini coefficient of comments per participant, over known authors only.

    0 when everyone posts equally (or there is one participant); None with no known
    author.  Source: Zhang et al. 2018, "Characterizing online public discussions
    through patterns of participant interactions".
    """
    return gini(Counter(c.author for c in _known(thread.comments)).values())


def participant_count(thread: Thread) -> int:
    """Number of distinct known authors."""
    return len(thread.participants)


def most_active(thread: Thread, n: int = 5) -> list[tuple[str, int]]:
    """The ``n`` authors with most comments as (author, count); ties by first appearance."""
    counts = Counter(c.author for c in _known(thread.comments))
    return counts.most_common(n) if n > 0 else []


# -- sentiment and moderation -----------------------------------------------------------


def _slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of ys on xs; None when xs has no spread."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if not var:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var


def _branches(thread: Thread) -> list[list[str]]:
    """Every top-level-comment-to-leaf path, as ids top-down, in document order of leaves."""
    kids, parents = _children(thread), _parents(thread)
    reachable = set(_top_down(thread))
    leaves = [c.id for c in thread.comments if c.id in reachable and not kids.get(c.id)]
    return [_chain_up(leaf, parents, len(reachable)) for leaf in leaves]


def escalation_slope(thread: Thread) -> float | None:
    """Mean over branches of the least-squares slope of negativity (-sentiment) on depth.

    A branch is a path from a top-level comment to a leaf; comments whose sentiment is
    None are dropped and branches with fewer than 3 remaining comments are skipped.
    Positive = replies get more negative deeper down.  None if no branch qualifies.
    Source: Saveski et al. 2021, "The structure of toxic conversations on Twitter".
    """
    index = thread.by_id()
    slopes = []
    for branch in _branches(thread):
        points = [
            (float(index[i].depth), -s) for i in branch if (s := index[i].sentiment) is not None
        ]
        if len(points) < 3:
            continue
        slope = _slope([x for x, _ in points], [y for _, y in points])
        if slope is not None:
            slopes.append(slope)
    return sum(slopes) / len(slopes) if slopes else None


def moderation_positions(thread: Thread) -> list[tuple[str, int]]:
    """(id, 0-based document-order index) of every comment labelled moderation."""
    return [(c.id, i) for i, c in enumerate(thread.comments) if c.label == "moderation"]


def moderation_count(thread: Thread) -> int:
    """Number of comments labelled moderation."""
    return len(moderation_positions(thread))


def contested_subthreads(thread: Thread, n: int = 5) -> list[dict[str, object]]:
    """The ``n`` top-level comments with most rebuttals in their subtree (itself included).

    Each entry: id, author, rebuttals, size (subtree comments), rebuttal_share
    (rebuttals / classified comments in the subtree, None if none is classified).
    Subthreads without a rebuttal are left out; ties go to document order.
    """
    index, parents = thread.by_id(), _parents(thread)
    root_of: dict[str, str] = {}
    for cid in _top_down(thread):
        pid = parents[cid]
        root_of[cid] = cid if pid is None else root_of[pid]
    stats: dict[str, Counter[str]] = {}
    for cid, root in root_of.items():
        cell = stats.setdefault(root, Counter())
        cell["size"] += 1
        cell["classified"] += index[cid].label is not None
        cell["rebuttals"] += index[cid].label == "rebuttal"
    ranked = sorted(
        (r for r in stats if stats[r]["rebuttals"]), key=lambda r: -stats[r]["rebuttals"]
    )
    return [
        {
            "id": r,
            "author": index[r].author,
            "rebuttals": stats[r]["rebuttals"],
            "size": stats[r]["size"],
            "rebuttal_share": _share(stats[r]["rebuttals"], stats[r]["classified"]),
        }
        for r in ranked[: max(n, 0)]
    ]
