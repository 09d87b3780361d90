"""What the reader tests compare: a thread's summary (its fields and every comment's) as the
hand-checked ``.expected`` files hold it, and its tree as (id, parent, author, text) rows."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from discourse.model import Thread

#: The comment fields an ``.expected`` file records.
FIELDS = ("id", "parent_id", "depth", "author", "text", "timestamp", "score", "platform_id",
          "permalink", "status", "role", "target_id", "quotes")
#: Settings of the readers' round-trip property tests (derandomized by the ``ci`` profile).
PROPERTY = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def summary(t: Thread, fields: tuple[str, ...] = FIELDS) -> dict:
    """The thread as its ``.expected`` file holds it."""
    return {"title": t.title, "article": t.article, "author": t.author, "site": t.site,
            "url": t.url, "published": t.published, "format": t.format,
            "thread_id": t.thread_id, "missing": t.missing, "warnings": t.warnings,
            "comments": [{k: getattr(c, k) for k in fields} for c in t.comments]}


def tree_of(t: Thread) -> list[tuple]:
    """(id, parent id, author, text) of every comment, in order."""
    return [(c.id, c.parent_id, c.author, c.text) for c in t.comments]
