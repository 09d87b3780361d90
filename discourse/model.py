"""The one data model shared by every stage: a :class:`Thread` of :class:`Comment` objects.

The parser builds it, the classifier fills in ``label``/``confidence``/``reasons``, the
analysis and report stages only read it.  Comments are stored in document order; the tree
is given by ``parent_id`` (structural parent) and ``target_id`` (what a top-level comment
answers when it quotes an earlier comment instead of the article).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any

#: Thread fields repeated on every row of a one-row-per-comment table (CSV, Parquet,
#: :meth:`Thread.to_frame`).
THREAD_COLUMNS: tuple[str, ...] = ("source", "site", "title", "layout", "format", "thread_id")

#: The three comment-section layouts the parser recognises.
LAYOUTS: tuple[str, ...] = ("numbered-bullets", "numbered", "bullets")


@dataclass(slots=True)
class Comment:
    """One comment (or an inline moderator note) in a reply tree (ConvoKit: an
    *utterance*; ``parent_id`` is its ``reply_to``, ``author`` its speaker).

    ``id`` is a dotted path of 1-based child positions in document order (``"5"``,
    ``"5.1"``, ``"5.1.2"``), stable for a given document, whatever the reader.
    ``target_id`` is the *discourse target*: the earlier comment a flat reply (a top-level
    comment, or one of the flat comments under a post, as on Stack Exchange or GitHub) names
    ("@alice", "alice:") or quotes, while ``parent_id`` stays the structural parent.
    """

    id: str
    parent_id: str | None
    depth: int
    author: str | None
    text: str
    inline: bool = False
    quotes: list[str] = field(default_factory=list)
    target_id: str | None = None
    line: int | None = None
    #: When it was posted: ISO 8601, in UTC (``…Z``) when the source gives a zone.
    timestamp: str | None = None
    #: Votes/points/likes as the source shows them.
    score: int | None = None
    #: The platform's own id (Reddit ``t1_…`` without prefix, Disqus post id, HN item id,
    #: WordPress ``comment-123`` number); ``id`` stays the dotted tree path.
    platform_id: str | None = None
    permalink: str | None = None
    #: ``None`` for an ordinary comment, else what it is: ``"pingback"``, ``"trackback"``,
    #: ``"deleted"``, ``"removed"``, ``"dead"``, ``"spam"``, ``"unapproved"``.  Placeholders
    #: keep the tree intact; they have no text to classify.
    status: str | None = None
    #: The commenter's role on the platform when the source records one: ``"moderator"``,
    #: ``"admin"``, ``"staff"`` (Reddit ``distinguished``, Discourse staff flags),
    #: ``"maintainer"`` (a repository's owner or member on GitHub).
    role: str | None = None
    label: str | None = None
    confidence: float | None = None
    reasons: list[str] = field(default_factory=list)
    sentiment: float | None = None
    #: Probability of each label (``LABELS`` keys) from the classifier, when it gives them;
    #: ``confidence`` is the probability of ``label``.
    probabilities: dict[str, float] | None = None

    @property
    def answers_id(self) -> str | None:
        """The id of the comment this one answers (None: it answers the article): its
        discourse target when a reader found one, else its structural parent."""
        return self.target_id if self.target_id is not None else self.parent_id

    def __repr__(self) -> str:
        """Short: id, author, label and the start of the text (the full text is
        ``comment.text``)."""
        bits = [f"id={self.id!r}", f"author={self.author!r}"]
        if self.status:
            bits.append(f"status={self.status!r}")
        if self.label:
            bits.append(f"label={self.label!r}")
        return f"Comment({', '.join(bits)}, text={_clip(self.text, 60)!r})"

    def to_dict(self) -> dict[str, Any]:
        """Plain fields (lists copied); faster than ``dataclasses.asdict``'s deep copy."""
        out = {name: getattr(self, name) for name in _COMMENT_FIELDS}
        out["quotes"], out["reasons"] = list(self.quotes), list(self.reasons)
        if self.probabilities is not None:
            out["probabilities"] = dict(self.probabilities)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Comment:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(slots=True)
class Thread:
    """An article and the reply tree of its comment section (ConvoKit: a
    *conversation* whose root is the article)."""

    source: str | None
    layout: str | None
    title: str
    article: str
    comments: list[Comment] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    #: The publication: ``og:site_name`` or the page's domain ("example.com"), the
    #: subreddit ("reddit.com/r/nfl"), the forum, the host a page was fetched from, a
    #: ``sources.csv`` beside the file, the page's own address in plain text
    #: (:mod:`discourse.read.provenance`); None when none says (reports use the folder).
    site: str | None = None
    #: Canonical URL of the article or post.
    url: str | None = None
    #: Publication date of the article, ISO 8601.
    published: str | None = None
    #: Which reader made the thread: "text", "html", "reddit-json", … (see
    #: ``discourse.read.READERS``); the comment system of a page is ``layout``.
    format: str = "text"
    #: The platform's id of the thread (Reddit link id, Disqus thread id, HN story id).
    thread_id: str | None = None
    #: Comments the source counts but does not contain (Reddit "more" stubs, a page whose
    #: heading says "19 comments" with 12 present); None when unknown.
    missing: int | None = None
    #: The article's author (the submitter, the question's asker, the post's writer) when
    #: the source names one: a comment by the same name is by the article's author.
    author: str | None = None

    # -- navigation -------------------------------------------------------------------
    def by_id(self) -> dict[str, Comment]:
        """Map comment id -> comment."""
        return {c.id: c for c in self.comments}

    def children(self) -> dict[str | None, list[Comment]]:
        """Map parent id (None for the article) -> direct replies, in document order."""
        kids: dict[str | None, list[Comment]] = {}
        for c in self.comments:
            kids.setdefault(c.parent_id, []).append(c)
        return kids

    def answered_text(self, comment: Comment, index: dict[str, Comment] | None = None) -> str:
        """Text of what ``comment`` answers: its parent, quoted target, or the article."""
        index = index if index is not None else self.by_id()
        target = comment.answers_id
        if target is not None and target in index:
            return index[target].text
        return self.article

    def walk(self) -> Iterator[Comment]:
        """Comments depth-first in document order (the stored order)."""
        return iter(self.comments)

    @property
    def participants(self) -> list[str]:
        """Distinct comment authors in order of first appearance."""
        seen: dict[str, None] = {}
        for c in self.comments:
            if c.author:
                seen.setdefault(c.author, None)
        return list(seen)

    # -- display (notebooks, the REPL) -------------------------------------------------
    def __repr__(self) -> str:
        """One line: title, reader, site, comments (the whole thread is
        :meth:`to_dict`; a notebook shows :meth:`_repr_html_`)."""
        tops = sum(1 for c in self.comments if c.parent_id is None)
        where = ", ".join(x for x in (self.format, self.site) if x)
        return (f"<Thread {_clip(self.title, 60)!r} ({where}): {len(self.comments)} comments, "
                f"{tops} top-level; source={self.source!r}>")

    def _repr_html_(self, limit: int = 200) -> str:
        """The thread as a notebook shows it: title, site, the start of the article and
        the reply tree (author, label, the start of each comment), the first ``limit``
        comments."""
        from html import escape

        labelled = any(c.label for c in self.comments)
        head = [f"<b>{escape(self.title or '(no title)')}</b>",
                escape(" · ".join(x for x in (self.site, self.format, self.published,
                                               self.source) if x))]
        rows = []
        for c in self.comments[:limit]:
            label = (f" <span style='color:#555'>[{escape(c.label)}"
                     + (f" {c.confidence:.2f}" if c.confidence is not None else "")
                     + "]</span>") if labelled and c.label else ""
            status = f" <i>({escape(c.status)})</i>" if c.status else ""
            rows.append(f"<div style='margin-left:{min(c.depth, 30) * 1.2:.1f}em'>"
                        f"<code>{escape(c.id)}</code> <b>{escape(c.author or '—')}</b>"
                        f"{label}{status}: {escape(_clip(c.text, 140))}</div>")
        more = len(self.comments) - limit
        if more > 0:
            rows.append(f"<div><i>… {more} more comments</i></div>")
        return (f"<div class='discourse-thread'><div>{head[0]}</div>"
                f"<div style='color:#555'>{head[1]}</div>"
                f"<p>{escape(_clip(self.article, 300))}</p>"
                f"<div>{len(self.comments)} comments</div>{''.join(rows)}</div>")

    # -- conversion --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON form: thread fields with ``comments`` as a list of dicts."""
        out = {name: getattr(self, name) for name in _THREAD_FIELDS}
        out["comments"] = [c.to_dict() for c in self.comments]
        out["noise"], out["warnings"] = list(self.noise), list(self.warnings)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Thread:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known and k != "comments"}
        comments = [Comment.from_dict(c) for c in data.get("comments", [])]
        return cls(comments=comments, **kwargs)

    def with_comments(self, comments: list[Comment]) -> Thread:
        """A copy of this thread with another comment list (used to attach labels)."""
        return replace(self, comments=comments)

    def to_frame(self):
        """One row per comment, with the thread's :data:`THREAD_COLUMNS` repeated."""
        import pandas as pd

        head = {name: getattr(self, name) for name in THREAD_COLUMNS}
        rows = [head | c.to_dict() for c in self.comments]
        columns = list(THREAD_COLUMNS) + [f.name for f in fields(Comment)]
        return pd.DataFrame(rows, columns=columns)


def _clip(text: str | None, size: int) -> str:
    """``text`` on one line, cut to ``size`` characters with an ellipsis."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"


_COMMENT_FIELDS = tuple(f.name for f in fields(Comment))
_THREAD_FIELDS = tuple(f.name for f in fields(Thread))
