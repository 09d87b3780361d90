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


def read_any_json(folder, value, fmt: str | None, lines: bool) -> list[Thread]:
    """Write ``value`` into ``folder`` as JSON (as JSON Lines when ``lines`` and it is a
    list) and read it with reader ``fmt``; assert the contract of the readers' fuzz tests:
    a refusal is one line, every result is a JSON-serialisable ``Thread``.  Returns the
    threads ([] after a refusal)."""
    import orjson

    from discourse.errors import InputError
    from discourse.read import read_file

    path = folder / "x.json"
    if lines and isinstance(value, list):
        path.write_bytes(b"\n".join(orjson.dumps(v) for v in value) + b"\n")
    else:
        path.write_bytes(orjson.dumps(value))
    try:
        threads = read_file(path, fmt)
    except InputError as exc:
        assert "\n" not in str(exc)
        return []
    threads = list(threads)  # a lazy reader's error still fails the test, as it should
    for t in threads:
        assert isinstance(t, Thread)
        orjson.dumps(t.to_dict())  # JSON-serialisable
    return threads
