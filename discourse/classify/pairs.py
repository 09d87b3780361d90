"""The one pairs path: every (parent, reply, context) row the classifier sees — at
prediction, in training and in evaluation — is built here, from a :class:`Thread`.

A *pairs frame* has one row per comment, in comment order, with the columns of
:data:`PAIR_COLUMNS`:

``parent``
    Text of what the comment answers: its parent, the comment a flat reply names or quotes
    (``target_id``), else the article.
``reply``
    The comment's own text.
``article``
    The article's text ("" when the source has none).
``depth``
    0 when the comment answers the article, else its depth in the reply tree (≥ 1).
``inline``
    An inline moderator note (``Comment.inline``).
``is_article_author``
    The comment's author wrote the article (``Thread.author``; False when unknown).
``author_posts``
    Comments by the same author in the thread (0 when anonymous).
``role``
    The commenter's platform role (``Comment.role``: moderator, admin, staff, maintainer)
    or "".
``returns``
    The commenter wrote what their target answers (A → B → A: answering a reply to
    oneself, the back-and-forth of a debate); False when authors are unknown.
``thread_id``, ``comment_id``
    The thread's and the comment's ids (``Thread.thread_id`` or ``source``; ``platform_id``
    or the tree id), for joining labels.

Labelled data without threads (a public dataset of parent/reply pairs, a user's CSV) goes
through :func:`pair_thread`, which makes the two-comment thread such a pair is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from discourse.errors import DataError
from discourse.model import Comment, Thread

#: Columns of every pairs frame, in order.
PAIR_COLUMNS: tuple[str, ...] = ("parent", "reply", "article", "depth", "inline",
                                 "is_article_author", "author_posts", "role", "returns",
                                 "thread_id", "comment_id")
TEXT_COLUMNS = ("parent", "reply", "article")


def threads_pairs(threads: Iterable[Thread]) -> pd.DataFrame:
    """One pairs row per comment of every thread, threads in order, comments in order.

    Text columns hold references to the threads' own ``str`` objects (object dtype): the
    article appears in every row and answers every top-level comment, and pandas' string
    dtype would copy it per row (a 2 MB article × 400 comments peaked at 3.6 GB)."""
    columns: dict[str, list] = {name: [] for name in PAIR_COLUMNS}
    for thread in threads:
        index = thread.by_id()
        posts: dict[str, int] = {}
        for c in thread.comments:
            if c.author:
                posts[c.author] = posts.get(c.author, 0) + 1
        tid = thread.thread_id or thread.source or ""
        for c in thread.comments:
            columns["parent"].append(thread.answered_text(c, index))
            columns["reply"].append(c.text)
            columns["article"].append(thread.article)
            columns["depth"].append(c.depth if c.answers_id else 0)
            columns["inline"].append(c.inline)
            columns["is_article_author"].append(
                bool(thread.author) and c.author == thread.author)
            columns["author_posts"].append(posts.get(c.author or "", 0))
            columns["role"].append(c.role or "")
            target = index.get(c.answers_id) if c.answers_id else None
            above = (index.get(target.answers_id) if target.answers_id else None) \
                if target is not None else None
            columns["returns"].append(bool(c.author) and above is not None
                                      and above.author == c.author)
            columns["thread_id"].append(tid)
            columns["comment_id"].append(c.platform_id or c.id)
    data = {name: pd.Series(values, dtype=object) if name in TEXT_COLUMNS else values
            for name, values in columns.items()}
    return pd.DataFrame(data, columns=list(PAIR_COLUMNS))


def thread_pairs(thread: Thread) -> pd.DataFrame:
    """One pairs row per comment of ``thread``, in comment order (:func:`threads_pairs`)."""
    return threads_pairs([thread])


def pair_thread(parent: str, reply: str, article: str = "", *, thread_id: str = "",
                comment_id: str = "") -> Thread:
    """The thread a labelled (parent, reply) pair stands for: the reply answers the parent
    comment, which answers the article — or, when ``parent`` is the article itself (or
    empty), the reply answers the article.  Its last comment is the reply."""
    last = {"author": None, "text": reply, "platform_id": comment_id or None}
    if parent and parent != article:
        comments = [Comment(id="1", parent_id=None, depth=0, author=None, text=parent),
                    Comment(id="1.1", parent_id="1", depth=1, **last)]
    else:
        comments = [Comment(id="1", parent_id=None, depth=0, **last)]
        article = article or parent
    return Thread(source=None, layout=None, title="", article=article, comments=comments,
                  format="pairs", thread_id=thread_id or None)


def pairs_from_texts(parents: Sequence[str], replies: Sequence[str],
                     articles: Sequence[str] | None = None) -> pd.DataFrame:
    """A pairs frame for plain (parent, reply[, article]) texts, each row the reply of its
    :func:`pair_thread`.  Raises :class:`DataError` when the lengths differ or a reply is
    empty."""
    parents, replies = [str(p) for p in parents], [str(r) for r in replies]
    if len(parents) != len(replies):
        raise DataError(f"{len(parents)} parent texts but {len(replies)} replies")
    articles = [""] * len(replies) if articles is None else [str(a) for a in articles]
    if len(articles) != len(replies):
        raise DataError(f"{len(articles)} article texts but {len(replies)} replies")
    empty = sum(1 for r in replies if not r.strip())
    if empty:
        raise DataError(f"{empty} empty reply text(s); every reply needs text")
    threads = [pair_thread(p, r, a) for p, r, a in zip(parents, replies, articles, strict=True)]
    return last_rows(threads)


def last_rows(threads: Sequence[Thread]) -> pd.DataFrame:
    """The pairs row of each thread's last comment (the reply of a :func:`pair_thread`)."""
    frame = threads_pairs(threads)
    ends = pd.Series([len(t.comments) for t in threads]).cumsum() - 1
    return frame.iloc[ends.to_numpy()].reset_index(drop=True)


def prepare_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every :data:`PAIR_COLUMNS` column present (defaults for
    the missing ones) and the text columns as strings.  Raises :class:`DataError` without
    a ``parent`` or ``reply`` column."""
    for column in ("parent", "reply"):
        if column not in frame.columns:
            raise DataError(f"pairs need a {column!r} column")
    defaults = {"article": "", "depth": 0, "inline": False, "is_article_author": False,
                "author_posts": 0, "role": "", "returns": False, "thread_id": "",
                "comment_id": ""}
    frame = frame.copy()
    for column, value in defaults.items():
        if column not in frame.columns:
            frame[column] = value
    for column in TEXT_COLUMNS:
        frame[column] = _text_column(frame[column])
    return frame


def _text_column(values: pd.Series) -> pd.Series:
    """``values`` as strings ("" for missing values) of object dtype, each ``str`` kept as
    the very object it is: ``astype(str)`` would give pandas' string dtype, which copies
    the article into every row of a thread's frame (50 comments under a 230 KB article
    held 50 copies, and the features then scanned each copy)."""
    missing = values.isna().to_numpy()
    return pd.Series([("" if gone else v if isinstance(v, str) else str(v))
                      for v, gone in zip(values.tolist(), missing, strict=True)],
                     index=values.index, dtype=object)
