"""Read-only view of one thread for the report: display strings, anchors, tree, hot spots.

Everything here is plain data (strings, numbers, lists); nothing is HTML.  Escaping happens
in exactly two places: the jinja2 templates (autoescape) for page markup, and
:func:`discourse.report.charts.esc` for strings handed to plotly.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from discourse.analyze import metrics as m
from discourse.analyze.metrics import is_uncertain  # noqa: F401
from discourse.labels import (
    LABELS,
    UNCERTAIN_BELOW,  # noqa: F401
    UNLABELLED,
)
from discourse.model import Comment, Thread

#: Label used for comments the classifier has not labelled (yet).
#: A reply "escalates" when its sentiment is at most this ...
ESCALATION_FLOOR = -0.2
#: ... and at least this much below the sentiment of the comment it answers.
ESCALATION_DROP = 0.4
#: Comments nest in the HTML list down to this depth; deeper replies are listed flat
#: (with an "in reply to" link) so that very deep chains stay readable and never exceed
#: the browser's DOM nesting limit.
MAX_NEST = 10
#: Characters of the article shown as its summary.
ARTICLE_SUMMARY_CHARS = 600
#: A thread page lists at most this many comments; longer threads continue on part pages
#: (``NAME~2.html``, ``NAME~3.html``...) of this many comments each, in document order.
LIST_LIMIT = 2000
#: Titles are shown up to this many characters (a 50 MB first line stays a long title).
TITLE_CHARS = 300

_ANCHOR_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def label_key(label: str | None) -> str:
    """CSS-safe class key of a label: one of LABELS (dash kept), "unlabelled" or "other"."""
    if label is None:
        return UNLABELLED
    return label if label in LABELS else "other"


def first_words(text: str, limit: int = 90) -> str:
    """The start of ``text`` on one line, cut at a word boundary with an ellipsis."""
    text = text or ""
    flat = " ".join(text[: 8 * limit + 64].split())
    if len(flat) <= limit:
        return flat + ("…" if len(text) > 8 * limit + 64 else "")
    cut = flat[:limit]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def bound(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary_text(text: str, limit: int = ARTICLE_SUMMARY_CHARS) -> str:
    """The first ~``limit`` characters of an article, paragraphs kept, cut at a word."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + " …"


@lru_cache(maxsize=4096)
def wrap(text: str, width: int = 60, lines: int = 3) -> tuple[str, ...]:
    """``text`` wrapped to at most ``lines`` lines of ``width`` characters (for hovers;
    remembered, as each comment's hover appears in several charts)."""
    return tuple(textwrap.wrap(text, width=width, max_lines=lines, placeholder=" …")) or ("",)


@dataclass(slots=True)
class CommentView:
    """One comment with everything the page and the charts display about it."""

    comment: Comment
    index: int  # 0-based position in reading (document) order
    anchor: str  # HTML id of the comment in the list
    parent: str | None  # resolved parent id (None: answers the article)
    author: str  # display name ("anonymous" when unknown)
    label: str  # label, or "unlabelled"
    key: str  # CSS-safe label key (see label_key)
    snippet: str  # first words, one line
    replies: list[str] = field(default_factory=list)  # ids of direct replies
    part: int = 1  # page part (1 = the thread page) that lists this comment

    @property
    def uncertain(self) -> bool:
        """Labelled with a confidence below :data:`UNCERTAIN_BELOW`."""
        return is_uncertain(self.comment)

    @property
    def href(self) -> str:
        """Link target of the comment from any part page of its thread: the anchor on
        the thread page, or ``<PAGE>~N.html#anchor`` (``<PAGE>`` is replaced by the page's
        file stem when the page is written; see :mod:`discourse.report`)."""
        if self.part == 1:
            return f"<PAGE>.html#{self.anchor}"
        return f"<PAGE>~{self.part}.html#{self.anchor}"

    @property
    def id(self) -> str:
        return self.comment.id

    @property
    def depth(self) -> int:
        return self.comment.depth

    @property
    def confidence(self) -> str:
        c = self.comment.confidence
        return "" if c is None else f"{c:.0%}"

    @property
    def sentiment(self) -> float | None:
        return self.comment.sentiment


@dataclass(slots=True)
class Escalation:
    """A reply whose sentiment drops sharply below that of the comment it answers."""

    child: CommentView
    parent: CommentView
    drop: float


@dataclass(slots=True)
class ListItem:
    """One step of the flattened comment list: a comment (``view`` set), or, with
    ``view`` None, the end of the replies of the last comment still open."""

    view: CommentView | None = None
    nested: bool = False  # the comment opens a <details> holding its replies
    flat_reply: bool = False  # listed flat below MAX_NEST: show "in reply to"


class ThreadView:
    """Display-ready view of a thread (comments with sentiment filled in)."""

    def __init__(self, thread: Thread) -> None:
        self.thread = thread
        comments = thread.comments
        ids = {c.id for c in comments}
        parents = {c.id: (c.parent_id if c.parent_id in ids else None) for c in comments}
        # Comments caught in a parent cycle cannot be reached from the article; hang them
        # on the article so that every comment is drawn exactly once.
        reachable = _reachable(parents)
        for cid in parents:
            if cid not in reachable:
                parents[cid] = None
        self.parents = parents
        used: set[str] = set()
        self.views: list[CommentView] = []
        for i, c in enumerate(comments):
            anchor = "c-" + _ANCHOR_SAFE.sub("_", c.id)
            while anchor in used:
                anchor += "_"
            used.add(anchor)
            self.views.append(CommentView(
                comment=c, index=i, anchor=anchor, parent=parents[c.id],
                author=c.author or "anonymous", label=c.label or UNLABELLED,
                key=label_key(c.label), snippet=first_words(c.text)))
        self.by_id = {v.id: v for v in self.views}
        for v in self.views:
            if v.parent is not None:
                self.by_id[v.parent].replies.append(v.id)
            v.part = v.index // LIST_LIMIT + 1
        self.top = [v for v in self.views if v.parent is None]

    @property
    def parts(self) -> int:
        """Number of pages the comment list takes (1 up to LIST_LIMIT comments)."""
        return max(1, (len(self.views) + LIST_LIMIT - 1) // LIST_LIMIT)

    def part_views(self, part: int) -> list[CommentView]:
        """The comments listed on page ``part`` (1-based), in document order."""
        return self.views[(part - 1) * LIST_LIMIT : part * LIST_LIMIT]

    @property
    def title(self) -> str:
        """The title cut to TITLE_CHARS characters (an ellipsis marks a cut)."""
        return bound(self.thread.title or "", TITLE_CHARS) or "(untitled)"

    @property
    def uncertain(self) -> int:
        return sum(1 for v in self.views if v.uncertain)

    @cached_property
    def authors(self) -> list[str]:
        """Named authors, most comments first (ties by name), for the author filter."""
        counts = Counter(v.comment.author for v in self.views if v.comment.author)
        return [a for a, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    # -- basic figures ---------------------------------------------------------------------
    @property
    def size(self) -> int:
        return len(self.views)

    def label_counts(self) -> dict[str, int]:
        """Label -> number of comments, LABELS first (all present), then others, then
        unlabelled (only if any)."""
        counts = Counter(v.label for v in self.views)
        out = {label: counts.get(label, 0) for label in LABELS}
        for label in sorted(counts):
            if label not in out and label != UNLABELLED:
                out[label] = counts[label]
        if counts.get(UNLABELLED):
            out[UNLABELLED] = counts[UNLABELLED]
        return out

    @property
    def classified(self) -> int:
        return sum(1 for v in self.views if v.comment.label is not None)

    @property
    def anonymous(self) -> int:
        return sum(1 for v in self.views if not v.comment.author)

    # -- hot spots ---------------------------------------------------------------------------
    def rebuttal_chains(self, n: int = 3, min_length: int = 2) -> list[list[CommentView]]:
        """Up to ``n`` longest all-rebuttal reply chains (top-down), at most one per
        starting comment, longest first (ties: document order of the deepest comment).
        The first one is :func:`discourse.analyze.longest_rebuttal_chain`."""
        run: dict[str, int] = {}
        for v in self._top_down():
            if v.comment.label != "rebuttal":
                continue
            run[v.id] = run.get(v.parent, 0) + 1 if v.parent is not None else 1
        ends = sorted((v for v in self.views if run.get(v.id, 0) >= min_length),
                      key=lambda v: (-run[v.id], v.index))
        chains: list[list[CommentView]] = []
        starts: set[str] = set()
        for end in ends:
            chain = [end]
            while len(chain) < run[end.id]:
                chain.append(self.by_id[chain[-1].parent])  # type: ignore[index]
            chain.reverse()
            if chain[0].id in starts:
                continue
            starts.add(chain[0].id)
            chains.append(chain)
            if len(chains) >= n:
                break
        return chains

    def back_and_forth(self) -> list[CommentView]:
        """The longest two-author alternation (see ``longest_back_and_forth``)."""
        return [self.by_id[i] for i in m.longest_back_and_forth(self.thread)]

    def contested(self, n: int = 5) -> list[dict[str, object]]:
        """``contested_subthreads`` with the root comment's view attached as ``view``."""
        out = []
        for entry in m.contested_subthreads(self.thread, n):
            out.append({**entry, "view": self.by_id[str(entry["id"])]})
        return out

    def escalations(self) -> list[Escalation]:
        """Replies at or below ESCALATION_FLOOR and ESCALATION_DROP below their parent,
        sharpest drop first."""
        return list(self._escalations)

    @cached_property
    def _escalations(self) -> list[Escalation]:
        out = []
        for v in self.views:
            if v.parent is None or v.sentiment is None:
                continue
            p = self.by_id[v.parent]
            if p.sentiment is None:
                continue
            drop = p.sentiment - v.sentiment
            if v.sentiment <= ESCALATION_FLOOR and drop >= ESCALATION_DROP:
                out.append(Escalation(child=v, parent=p, drop=drop))
        out.sort(key=lambda e: (-e.drop, e.child.index))
        return out

    # -- comment list ------------------------------------------------------------------------
    def list_items(self, part: int = 1) -> list[ListItem]:
        """The nested comment list of page ``part`` flattened into open/close steps (no
        recursion, so any depth renders; nesting stops at MAX_NEST).  On a part page, a
        comment whose parent is listed on another page starts a tree of its own (with an
        "in reply to" link)."""
        items: list[ListItem] = []
        listed = self.part_views(part)
        here = {v.id for v in listed}
        tops = [v for v in listed if v.parent is None or v.parent not in here]
        # Iterative depth-first walk: (view, level) with explicit close markers.
        stack: list[tuple[CommentView | None, int]] = [(v, 0) for v in reversed(tops)]
        while stack:
            view, level = stack.pop()
            if view is None:
                items.append(ListItem())
                continue
            kids = [self.by_id[i] for i in view.replies if i in here]
            nest = bool(kids) and level < MAX_NEST
            elsewhere = level == 0 and view.parent is not None
            items.append(ListItem(view=view, nested=nest,
                                  flat_reply=level > MAX_NEST or elsewhere))
            if nest:
                stack.append((None, level))
            stack.extend((k, level + 1) for k in reversed(kids))
        return items

    @cached_property
    def levels(self) -> dict[str, int]:
        """Comment id -> level in the tree as drawn (0 = answers the article; differs
        from ``depth`` only for orphans and comments caught in a parent cycle)."""
        levels: dict[str, int] = {}
        for v in self._top_down():
            levels[v.id] = 0 if v.parent is None else levels[v.parent] + 1
        return levels

    @cached_property
    def below(self) -> dict[str, int]:
        """Comment id -> number of comments in its subthread below it (itself excluded)."""
        below = dict.fromkeys(self.by_id, 0)
        for v in reversed(self._top_down()):
            if v.parent is not None:
                below[v.parent] += below[v.id] + 1
        return below

    def _top_down(self) -> list[CommentView]:
        order, todo = [], list(self.top)
        while todo:
            nxt = []
            for v in todo:
                order.append(v)
                nxt.extend(self.by_id[i] for i in v.replies)
            todo = nxt
        return order


def _reachable(parents: dict[str, str | None]) -> set[str]:
    kids: dict[str | None, list[str]] = {}
    for cid, pid in parents.items():
        kids.setdefault(pid, []).append(cid)
    seen: set[str] = set()
    todo = list(kids.get(None, []))
    while todo:
        cid = todo.pop()
        if cid in seen:
            continue
        seen.add(cid)
        todo.extend(kids.get(cid, []))
    return seen
