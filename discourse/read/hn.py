"""Hacker News: Firebase API items and Algolia ``items/<id>`` trees.

Shapes read (``site = "news.ycombinator.com"``):

* **Firebase, nested** — a story item (``https://hacker-news.firebaseio.com/v0/item/<id>.json``)
  whose ``kids`` hold the comment items themselves (objects, recursively), as tools that
  fetch a whole thread save it;
* **Firebase, flat** — a JSON array, or NDJSON (one item per line), of items whose ``kids``
  are ids and whose ``parent`` is an id; any number of stories per file.  Each comment
  goes to the story it descends from; sibling order follows the parent's ``kids`` (HN's
  display order), else ``time``.  Comments whose story is not in the file form a thread
  keyed by the missing ancestor, with a warning;
* **Algolia** — ``https://hn.algolia.com/api/v1/items/<id>``: ``children`` nested,
  ``author``, ``text``, ``created_at``/``created_at_i``, ``points``, ``story_id``.

Item fields: ``by``/``author`` → author, ``time``/``created_at_i`` → ISO 8601 UTC,
``score``/``points`` → score, ``id`` → ``platform_id`` and the permalink
``https://news.ycombinator.com/item?id=<id>``.  ``text`` is HTML (``<p>`` separates
paragraphs, ``<i>``, ``<a>``, ``<pre><code>``) and becomes plain text
(:func:`~discourse.read.htmltext.html_to_text`, lxml).  Deleted items (``deleted:
true``, or Algolia children with neither author nor text) stay as placeholders
(``status = "deleted"``, no text); dead items (``dead: true``: flagged or killed) keep
their text with ``status = "dead"``, so the tree stays intact.  The story's ``title`` is
the thread title; its ``text`` (Ask HN) or else its ``url`` is the article;
``descendants`` larger than the comments present sets ``Thread.missing``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discourse.model import Thread
from discourse.read.assemble import Post, assemble, note_statuses, walk_nested
from discourse.read.detect import has_keys, key_value
from discourse.read.htmltext import html_to_text
from discourse.read.source import Document
from discourse.read.structured import epoch_iso, iso_utc, load_json, unknown_json
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["SITE", "read"]

NAME = "hn-json"
DESCRIBES = "a Hacker News Firebase or Algolia item"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """Algolia items (``children`` with ``story_id``, ``created_at_i`` or ``points``) or
    Firebase items (``by`` with ``kids`` or ``parent``, or ``type`` story/comment)."""
    if has_keys(head, "children") and (has_keys(head, "story_id")
                                       or has_keys(head, "created_at_i")
                                       or has_keys(head, "points")):
        return "JSON with Hacker News Algolia item fields (children, story_id/points)"
    if has_keys(head, "by") and (has_keys(head, "kids") or has_keys(head, "parent")) \
            or has_keys(head, "type") and key_value(head, "type", "story|comment"):
        return "JSON with Hacker News Firebase item fields (by, kids/parent, type)"
    return None

SITE = "news.ycombinator.com"
_ITEM = "https://news.ycombinator.com/item?id="
#: A tuple, not a set: ``item.get("type") in`` it must also work when a file holds a list
#: or an object there (a set would hash it and raise).
_STORY_TYPES = ("story", "poll", "job", "pollopt")


def _loads(doc: Document) -> Any:
    """One JSON document, or NDJSON (several lines that each hold one JSON value) as a
    list."""
    import orjson

    data = doc.read_bytes()
    lines = [line for line in data.split(b"\n") if line.strip()]
    if len(lines) > 1 and lines[0].lstrip().startswith(b"{"):
        try:
            first = orjson.loads(lines[0])
        except orjson.JSONDecodeError:
            first = None
        if isinstance(first, dict):
            from discourse.read.structured import json_records

            # a malformed line is skipped with a warning naming it
            return [value for _, value in json_records(doc, enumerate(data.split(b"\n"), 1))]
    return load_json(doc, data)


def _is_algolia(item: dict[str, Any]) -> bool:
    return "children" in item or "created_at_i" in item or "story_id" in item


def _status(item: dict[str, Any], algolia: bool) -> str | None:
    if item.get("deleted"):
        return "deleted"
    if item.get("dead"):
        return "dead"
    if algolia and item.get("author") is None and item.get("text") is None \
            and item.get("type", "comment") == "comment":
        return "deleted"
    return None


def _post(item: dict[str, Any], parent: str | None, algolia: bool, order: object = None) -> Post:
    status = _status(item, algolia)
    key = str(item.get("id"))
    author = item.get("author" if algolia else "by")
    if algolia:
        stamp = epoch_iso(item.get("created_at_i")) or iso_utc(item.get("created_at"))
        score = item.get("points")
    else:
        stamp, score = epoch_iso(item.get("time")), item.get("score")
    text = "" if status == "deleted" else html_to_text(item.get("text"))
    return Post(key=key, parent=parent, text=text,
                author=author if isinstance(author, str) and status != "deleted" else None,
                timestamp=stamp, score=score if isinstance(score, int) and not
                isinstance(score, bool) else None, permalink=_ITEM + key, status=status,
                platform_id=key, order=order)


def _thread(story: dict[str, Any] | None, algolia: bool) -> Thread:
    story = story or {}
    text = html_to_text(story.get("text"))
    url = story.get("url")
    article = text or (url if isinstance(url, str) else "")
    sid = story.get("id")
    stamp = (epoch_iso(story.get("created_at_i")) or iso_utc(story.get("created_at"))) \
        if algolia else epoch_iso(story.get("time"))
    title = story.get("title")
    return Thread(source=None, layout=None, title=title if isinstance(title, str) else "",
                  article=article, site=SITE, url=_ITEM + str(sid) if sid is not None else None,
                  published=stamp, format="hn-json",
                  thread_id=str(sid) if sid is not None else None)


def _finish(thread: Thread, posts: list[Post], descendants: object, sort: bool) -> Thread:
    thread.comments = assemble(posts, thread.warnings, sort_siblings=sort)
    note_statuses(thread, {
        "deleted": "{n} deleted comment(s) kept as placeholders (status 'deleted')",
        "dead": "{n} dead (flagged or killed) comment(s) kept with their text (status 'dead')"})
    if isinstance(descendants, int) and descendants > len(thread.comments):
        thread.missing = descendants - len(thread.comments)
        thread.warnings.append(f"{thread.missing} comments not in the file (the story "
                               f"counts {descendants})")
    attach_quotes_and_targets(thread)
    return thread


def _nested(root: dict[str, Any], algolia: bool) -> Thread:
    """A story (or comment) whose ``kids``/``children`` are item objects."""
    field = "children" if algolia else "kids"
    is_story = root.get("type") in _STORY_TYPES or root.get("parent") is None and \
        root.get("parent_id") is None
    thread = _thread(root if is_story else None, algolia)
    posts: list[Post] = []
    top = root.get(field) if is_story else [root]
    skipped = 0

    def visit(child: Any, parent: str | None) -> tuple[str, Any] | None:
        nonlocal skipped
        if not isinstance(child, dict):
            skipped += 1
            return None
        p = _post(child, parent, algolia)
        posts.append(p)
        return p.key, child.get(field)

    walk_nested(top if isinstance(top, list) else [], visit)
    if not is_story:
        thread.thread_id = str(root.get("story_id") or root.get("parent") or "") or None
        thread.warnings.append("no story in this file (the tree starts at a comment); title "
                               "and article unknown")
    if skipped:
        thread.warnings.append(f"{skipped} child reference(s) are ids, not items; not loaded")
    return _finish(thread, posts, root.get("descendants") if is_story else None, False)


def _flat(items: list[dict[str, Any]]) -> Iterator[Thread]:
    """Threads from flat Firebase items (``kids`` ids, ``parent`` id)."""
    by_id: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for item in items:
        key = str(item.get("id"))
        if key not in by_id:
            order.append(key)
        by_id[key] = item
    # Sibling position from each parent's kids list.
    position: dict[str, int] = {}
    for item in items:
        kids = item.get("kids")
        if isinstance(kids, list):
            for n, kid in enumerate(kids):
                if not isinstance(kid, dict):
                    position.setdefault(str(kid), n)
    root_of: dict[str, str] = {}
    for key in order:
        path, cur, seen = [], key, set()
        while True:
            if cur in root_of:
                root = root_of[cur]
                break
            seen.add(cur)
            path.append(cur)
            item = by_id.get(cur)
            parent = item.get("parent") if item is not None else None
            if item is None or parent is None or item.get("type") in _STORY_TYPES:
                root = cur
                break
            nxt = str(parent)
            if nxt not in by_id or nxt in seen:
                root = nxt if nxt not in seen else cur
                break
            cur = nxt
        for k in path:
            root_of[k] = root
    groups: dict[str, list[str]] = {}
    for key in order:
        groups.setdefault(root_of[key], []).append(key)
    for root, keys in groups.items():
        story = by_id.get(root)
        is_story = story is not None and (story.get("type") in _STORY_TYPES
                                          or story.get("parent") is None)
        thread = _thread(story if is_story else None, False)
        if not is_story:
            thread.thread_id = root
            thread.url = _ITEM + root
            thread.warnings.append(f"item {root} (the story or comment these answer) is not "
                                   f"in the file; title and article unknown")
        posts = []
        for key in keys:
            if key == root and is_story:
                continue
            item = by_id[key]
            parent = item.get("parent")
            parent_key = None if parent is None or str(parent) == root and (
                is_story or root not in by_id) else str(parent)
            pos = position.get(key)
            posts.append(_post(item, parent_key, False,
                               order=pos if pos is not None else _LATE + _number(item.get("time"))))
        yield _finish(thread, posts, story.get("descendants") if is_story else None, True)


#: Items missing from their parent's ``kids`` sort after those listed, by time.
_LATE = 10**12


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else 0.0


def read(doc: Document) -> Iterator[Thread]:
    """Threads of a Hacker News Firebase or Algolia JSON file (see the module docs).

    Raises :class:`InputError` for malformed JSON (line, column) or another shape.
    """
    data = _loads(doc)
    if isinstance(data, dict):
        if "id" not in data:
            raise unknown_json(doc, "an object without an item id")
        algolia = _is_algolia(data)
        kids = data.get("children" if algolia else "kids")
        if algolia or not isinstance(kids, list) or any(isinstance(k, dict) for k in kids):
            if doc.explaining:
                doc.explain.append(f"hn: {'Algolia' if algolia else 'Firebase'} item tree")
            yield _nested(data, algolia)
            return
        data = [data]
    if not isinstance(data, list) or not all(isinstance(x, dict) and "id" in x for x in data):
        raise unknown_json(doc, "not a Hacker News item, item tree or list of items")
    if doc.explaining:
        doc.explain.append(f"hn: {len(data)} flat Firebase items")
    if any(_is_algolia(x) for x in data):
        for item in data:
            yield _nested(item, _is_algolia(item))
        return
    yield from _flat(data)
