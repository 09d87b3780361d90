"""``@name`` replies among flat comments under one post (Stack Exchange comments under a
question or answer, YouTube replies under a top-level comment, GitHub issue comments):
such a comment answers the named person's latest earlier comment in the same group, so it
gets that comment as ``target_id`` (its ``parent_id`` stays the post it hangs under).

A name matches when, without spaces and ``@`` and case ignored, it equals the token after
``@`` or (token of three letters or more) starts with it — the rule Stack Exchange uses
for comment replies, which also fits YouTube's ``@handle`` and GitHub's ``@login``.
Top-level comments are left to :func:`discourse.read.targets.attach_quotes_and_targets`
(the thread-wide rule for flat threads) unless ``top_level`` is set.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from discourse.model import Comment, Thread

__all__ = ["at_reply_targets"]

_AT = re.compile(r"^\s*[@+]([^\s@:,;!?()\[\]]{2,})")


def _squash(name: str) -> str:
    return "".join(name.split()).lstrip("@").casefold()


def at_reply_targets(thread: Thread, top_level: bool = False,
                     include: Callable[[Comment], bool] | None = None) -> None:
    """Set ``target_id`` in place on comments opening with ``@name`` (see the module
    docs); a comment that already has a target keeps it.  ``include`` limits the comments
    taken part (both as replies and as targets): Stack Exchange's comments, not its
    answers."""
    groups: dict[str | None, list[Comment]] = {}
    for c in thread.comments:
        if c.parent_id is None and not top_level or include is not None and not include(c):
            continue
        earlier = groups.setdefault(c.parent_id, [])
        m = _AT.match(c.text or "")
        if m and c.target_id is None:
            token = m.group(1).casefold().rstrip(".")
            for prior in reversed(earlier):
                name = _squash(prior.author or "")
                if prior.author != c.author and name and (
                        name == token or len(token) >= 3 and name.startswith(token)):
                    c.target_id = prior.id
                    break
        earlier.append(c)
