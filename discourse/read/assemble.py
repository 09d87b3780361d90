"""Build a reply tree from flat posts that name their parent: the one place where every
structured reader (HTML, Reddit, Hacker News, Disqus, WordPress, ConvoKit) turns
``(key, parent key)`` records into :class:`~discourse.model.Comment` objects.

Ids are dotted paths of 1-based child positions (``"3.1.2"``), as the text parser makes
them; the platform's own id goes to ``Comment.platform_id``.  A post whose parent is not
in the thread becomes top-level with a warning (never dropped); parent cycles are broken
the same way; nesting of any depth is built without recursion.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from discourse.model import Comment, Thread


def walk_nested(roots: list[Any],
                visit: Callable[[Any, str | None], tuple[str, Any] | None]) -> None:
    """Walk nested reply objects (API items holding their replies) depth first, in
    document order, without recursion (any depth).  ``visit(node, parent_key)`` is called
    once per node of ``roots`` and of every children list it returns: it gives ``(key,
    children)`` for a node to descend into (``children`` walked only when it is a
    non-empty list) or ``None`` for a node to skip with its subtree."""
    stack: list[tuple[list[Any], int, str | None]] = [(roots, 0, None)]
    while stack:
        children, i, parent = stack.pop()
        if i >= len(children):
            continue
        stack.append((children, i + 1, parent))
        found = visit(children[i], parent)
        if found is not None and isinstance(found[1], list) and found[1]:
            stack.append((found[1], 0, found[0]))


@dataclass(slots=True)
class Post:
    """One comment as a reader finds it, before the tree is built.

    ``key`` identifies it within its thread (the platform id when there is one, else any
    unique string); ``parent`` is the key of the post it replies to, ``None`` for a reply
    to the article.  ``order`` sorts siblings (display order if omitted: the order given).
    """

    key: str
    parent: str | None
    text: str
    author: str | None = None
    timestamp: str | None = None
    score: int | None = None
    permalink: str | None = None
    status: str | None = None
    platform_id: str | None = None
    #: The commenter's role (``Comment.role``): moderator, admin, staff, maintainer.
    role: str | None = None
    inline: bool = False
    quotes: list[str] = field(default_factory=list)
    line: int | None = None
    order: object = None


def assemble(posts: Iterable[Post], warnings: list[str] | None = None,
             sort_siblings: bool = False) -> list[Comment]:
    """Comments in display order (depth-first, a parent before its replies), siblings in
    the order given or, with ``sort_siblings``, by ``Post.order`` (timestamps), ties in
    the order given.

    ``warnings`` receives one line per kind of repair (orphans, duplicate keys, cycles).
    """
    warnings = warnings if warnings is not None else []
    items: list[Post] = []
    seen: dict[str, int] = {}
    duplicates = 0
    for post in posts:
        if post.key in seen:
            duplicates += 1
            post.key = f"{post.key}#{seen[post.key]}"
        seen[post.key] = seen.get(post.key, 0) + 1
        items.append(post)
    if duplicates:
        warnings.append(f"{duplicates} comment(s) repeat an earlier comment's id; kept as "
                        f"separate comments")
    keys = {p.key for p in items}
    orphans = 0
    kids: dict[str | None, list[int]] = {}
    parent_of: dict[str, str | None] = {}
    for post in items:
        parent = post.parent
        if parent is not None and (parent not in keys or parent == post.key):
            orphans += 1
            parent = None
        parent_of[post.key] = parent
    # Break cycles: follow parents; a walk that returns to a visited key is a loop.
    cycles = 0
    state: dict[str, int] = {}  # 1 = on the current path, 2 = reaches the article
    for post in items:
        path: list[str] = []
        key: str | None = post.key
        while key is not None and state.get(key) is None:
            state[key] = 1
            path.append(key)
            key = parent_of[key]
        if key is not None and state.get(key) == 1:  # loop: cut at the node we came back to
            cycles += 1
            parent_of[key] = None
        for k in path:
            state[k] = 2
    for i, post in enumerate(items):
        kids.setdefault(parent_of[post.key], []).append(i)
    if orphans:
        warnings.append(f"{orphans} comment(s) answer a comment that is not in the source; "
                        f"shown as top-level")
    if cycles:
        warnings.append(f"{cycles} reply loop(s) in the source; broken at a top-level comment")
    if sort_siblings:
        for group in kids.values():
            group.sort(key=lambda i: (items[i].order is None, _sortable(items[i].order), i))
    del seen, keys, parent_of, state  # a thread of a million posts: free them before the tree

    out: list[Comment] = []
    stack: list[tuple[int, str | None, str, int]] = []  # (item, parent id, id, depth)
    for n, i in reversed(list(enumerate(kids.get(None, []), start=1))):
        stack.append((i, None, str(n), 0))
    while stack:
        i, parent_id, cid, depth = stack.pop()
        post = items[i]
        items[i] = None  # type: ignore[call-overload]  # each post dropped as its comment is made
        out.append(Comment(id=cid, parent_id=parent_id, depth=depth, author=post.author,
                           text=post.text, inline=post.inline, quotes=list(post.quotes),
                           line=post.line, timestamp=post.timestamp, score=post.score,
                           platform_id=post.platform_id, permalink=post.permalink,
                           status=post.status, role=post.role))
        children = kids.get(post.key, [])
        for n in range(len(children), 0, -1):
            stack.append((children[n - 1], cid, f"{cid}.{n}", depth + 1))
    return out


def note_statuses(thread: Thread, wording: dict[str, str]) -> None:
    """Add one warning to ``thread`` per placeholder status present among its comments:
    ``wording[status].format(n=count)`` (each reader words its platform's statuses)."""
    counts = Counter(c.status for c in thread.comments if c.status)
    for status, text in wording.items():
        if counts[status]:
            thread.warnings.append(text.format(n=counts[status]))


def _sortable(value: object) -> tuple[int, object]:
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))
