"""Threads from the records :mod:`discourse.read.generic.find` chose: the reply tree from
whichever link the data has, the fields of each comment, and the thread's own fields
(title, article, author, address, date, id, comments missing) from the objects around
the records or the root post among them.

The tree is never invented.  A record's parent is, in this order: the record its parent
id names (or, for Hive/Steem, its ``parent_author``/``parent_permlink``); the record
whose reply list holds it; the record whose materialised path its own extends; the
nearest earlier record one level up (a depth read with the records' order, when the
depths are consistent with display order).  A parent id that names no record is a reply
to the article when it is the article's or thread's id (or the one id every unlinked
record names, with no record at the top: Mastodon's context of a status not in the
file); otherwise the record is shown top-level with a warning.  Records with no link at
all make a flat thread, and the thread says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from discourse.model import Thread
from discourse.read.assemble import Post, assemble, note_statuses
from discourse.read.generic.find import (
    ARTICLE_TEXT_NAMES,
    PERMALINK_NAMES,
    ROLE_WORDS,
    STATUS_WORDS,
    THREAD_COUNT_NAMES,
    TITLE_NAMES,
    Candidate,
    Schema,
    canonical,
    get_path,
    kids_of,
    show_path,
)
from discourse.read.generic.values import (
    as_id,
    as_int,
    is_delta,
    looks_html,
    norm,
    stamp,
    text_of_value,
)
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["Options", "Record", "threads_of"]

#: Parent values that mean "a reply to the article".
ROOTED = frozenset(("", "0", "root", "null", "none", "-1"))
#: Texts that stand for a comment that is gone.
PLACEHOLDERS = {"[deleted]": "deleted", "[removed]": "removed", "[dead]": "dead",
                "[flagged]": "hidden", "[deleted by user]": "deleted",
                "[comment deleted]": "deleted"}
#: Keys of an object that describes the post a comment section belongs to.
POST_KEYS = ("post", "post_view", "postView", "story", "article", "submission", "topic",
             "status", "root", "op", "original_post", "question", "video", "item",
             "discussion", "page", "parent_post", "thread")
_WORDING = {
    "deleted": "{n} deleted comment(s) kept as placeholders (status 'deleted')",
    "removed": "{n} removed comment(s) kept as placeholders (status 'removed')",
    "spam": "{n} comment(s) marked as spam kept (status 'spam')",
    "dead": "{n} dead (flagged or killed) comment(s) kept with their text (status 'dead')",
    "hidden": "{n} hidden comment(s) kept with their text (status 'hidden')",
    "unapproved": "{n} comment(s) awaiting moderation kept (status 'unapproved')",
}


@dataclass
class Record:
    """One comment record as read: the object, its identity and its nesting parent."""

    obj: dict[str, Any]
    key: str
    platform_id: str | None
    nest_parent: int | None = None  # index of the record whose reply list holds it
    parent: str | None = None  # the key of the record it answers (after linking)


@dataclass
class Options:
    """What a platform's field table adds to the generic reading."""

    name: str = "generic-json"
    #: A zone-less ISO time is UTC (the Disqus and Hive APIs).
    naive_utc: bool = False
    #: Siblings in time order instead of the document's order.
    sort_by_time: bool = False
    #: The first record is the thread's opening post (a forum thread): the article.
    first_is_article: bool = False
    #: ``author(record) -> name`` instead of the inferred author field.
    author: Callable[[dict[str, Any]], str | None] | None = None
    #: ``status(record) -> status`` before the inferred placeholders.
    status: Callable[[dict[str, Any]], str | None] | None = None
    #: ``permalink(record) -> URL``.
    permalink: Callable[[dict[str, Any]], str | None] | None = None
    #: ``finish(thread, context)``: sets site, address, counts the platform knows.
    finish: Callable[[Thread, Context], None] | None = None
    #: Text is never HTML (Markdown bodies that may hold a few tags: Hive).
    plain_text: bool = False
    #: ``text(record) -> text`` instead of the generic conversion of the text field.
    text: Callable[[dict[str, Any]], str] | None = None


@dataclass
class Context:
    """What a field table's ``finish`` may look at."""

    records: list[Record]
    chain: list[dict[str, Any]]
    root: Any
    schema: Schema
    article_record: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    #: The document read (its path: files beside it).
    doc: Any = None


def _string(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _walk(tops: list[tuple[str | None, dict[str, Any]]], children: str | None
          ) -> list[tuple[str | None, dict[str, Any], int | None]]:
    """Records in document order, depth first through the reply lists:
    ``(map key, object, index of the record holding it)``."""
    out: list[tuple[str | None, dict[str, Any], int | None]] = []
    stack: list[tuple[str | None, dict[str, Any], int | None]] = [
        (k, o, None) for k, o in reversed(tops)]
    while stack:
        key, obj, parent = stack.pop()
        index = len(out)
        out.append((key, obj, parent))
        kids = kids_of(obj, children)
        if kids:
            for kid in reversed(kids):
                if isinstance(kid, dict):
                    stack.append((None, kid, index))
    return out


def _identity(schema: Schema, obj: dict[str, Any], map_key: str | None) -> str | None:
    if schema.id_pair is not None:
        author = as_id(get_path(obj, schema.id_pair[0]))
        permlink = as_id(get_path(obj, schema.id_pair[1]))
        return f"{author}/{permlink}" if author and permlink else map_key
    if schema.id is not None:
        value = as_id(get_path(obj, schema.id.path))
        if value is not None:
            return value
    return map_key


def _parent_value(schema: Schema, obj: dict[str, Any]) -> str | None:
    if schema.parent_pair is not None:
        author = as_id(get_path(obj, schema.parent_pair[0]))
        permlink = as_id(get_path(obj, schema.parent_pair[1]))
        return f"{author}/{permlink}" if author and permlink else None
    if schema.parent is None:
        return None
    return as_id(get_path(obj, schema.parent.path))


def _link_value(schema: Schema, obj: dict[str, Any], key: str) -> str | None:
    if schema.parent_pair is not None or schema.link is None:
        return key
    return as_id(get_path(obj, schema.link))


def link_tree(records: list[Record], schema: Schema, article_ids: set[str],
              notes: list[str], warnings: list[str]) -> str:
    """Set each record's ``parent`` (see the module docs); returns how the tree was
    made (for ``--explain``)."""
    index: dict[str, int] = {}
    for i, r in enumerate(records):
        value = _link_value(schema, r.obj, r.key)
        if value is not None:
            index.setdefault(canonical(value), i)
    article_ids.update({canonical(a) for a in list(article_ids)})
    unmatched: dict[str, list[int]] = {}
    rooted_tops = 0
    how: list[str] = []
    linked = nested = 0
    if schema.parent is not None or schema.parent_pair is not None:
        for i, r in enumerate(records):
            value = _parent_value(schema, r.obj)
            value = canonical(value) if value is not None else None
            target = index.get(value) if value is not None else None
            if target is not None and target != i:
                r.parent = records[target].key
                linked += 1
            elif r.nest_parent is not None:
                r.parent = records[r.nest_parent].key
                nested += 1
            elif value is None or value.lower() in ROOTED or value in article_ids \
                    or target == i:  # names itself (Slack's thread_ts): a thread's start
                rooted_tops += 1
            else:
                unmatched.setdefault(value, []).append(i)
        field_name = (f"{show_path(schema.parent_pair[0])}+{show_path(schema.parent_pair[1])}"
                      if schema.parent_pair else show_path(schema.parent.path))  # type: ignore[union-attr]
        how.append(f"parent ids in {field_name}: {linked} linked")
        if nested:
            how.append(f"{nested} by nesting")
        if len(unmatched) == 1 and rooted_tops == 0:
            value = next(iter(unmatched))
            notes.append(f"every unlinked record answers {value}, which is not in the file: "
                         f"taken as the article")
            article_ids.add(value)
            unmatched.clear()
        for value, items in unmatched.items():
            for i in items:
                records[i].parent = "\x00" + value  # names no record: top-level, warned
    elif schema.children is not None:
        for r in records:
            if r.nest_parent is not None:
                r.parent = records[r.nest_parent].key
                nested += 1
        how.append(f"nested replies in {schema.children!r}: {nested} replies")
    elif schema.path is not None and _by_path(records, schema, index):
        how.append(f"materialised path in {show_path(schema.path.path)}")
    elif schema.depth is not None and _by_depth(records, schema):
        how.append(f"depth in {show_path(schema.depth.path)} with the records' order")
    else:
        if schema.depth is not None:
            notes.append(f"depth field {show_path(schema.depth.path)} is not in display "
                         f"order; not used")
        if len(records) > 1:
            warnings.append("no reply links in the data (no parent id, path, depth or "
                            "nested replies): read as a flat thread; a reply that names or "
                            "quotes an earlier comment points at it (target)")
        how.append("none: a flat thread")
    return "; ".join(how)


def _by_path(records: list[Record], schema: Schema, index: dict[str, int]) -> bool:
    assert schema.path is not None
    paths: dict[str, int] = {}
    parts: list[list[str] | None] = []
    for i, r in enumerate(records):
        value = get_path(r.obj, schema.path.path)
        if not isinstance(value, str):
            parts.append(None)
            continue
        sep = "." if "." in value else "/"
        segs = value.split(sep)
        parts.append(segs)
        paths.setdefault(sep.join(segs), i)
    found = 0
    for i, r in enumerate(records):
        segs = parts[i]
        if not segs or len(segs) < 2:
            continue
        sep = "."
        value = get_path(r.obj, schema.path.path)
        if isinstance(value, str) and "." not in value:
            sep = "/"
        prefix = sep.join(segs[:-1])
        target = paths.get(prefix)
        if target is None and segs[-1] == r.key:  # Lemmy: 0.<ancestor ids>.<own id>
            target = index.get(segs[-2]) if segs[-2] not in ROOTED else None
            if target is None and segs[-2] not in ROOTED:
                r.parent = "\x00" + segs[-2]
                continue
        if target is not None and target != i:
            r.parent = records[target].key
            found += 1
        elif prefix not in ROOTED and len(segs) > 2:
            r.parent = "\x00" + prefix
    return found > 0 or all(p is None or len(p) <= 2 for p in parts)


def _by_depth(records: list[Record], schema: Schema) -> bool:
    assert schema.depth is not None
    depths = [as_int(get_path(r.obj, schema.depth.path)) for r in records]
    if any(d is None for d in depths) or not depths:
        return False
    low = min(depths)  # type: ignore[type-var]
    if depths[0] != low or all(d == low for d in depths):
        return False
    for a, b in zip(depths, depths[1:], strict=False):
        if b > a + 1:  # type: ignore[operator]
            return False
    last: dict[int, int] = {}
    for i, (r, d) in enumerate(zip(records, depths, strict=True)):
        assert d is not None
        if d > low:
            r.parent = records[last[d - 1]].key
        last[d] = i
    return True


# -- comment fields ------------------------------------------------------------------

def _status(schema: Schema, obj: dict[str, Any]) -> str | None:
    for path, status in schema.status_flags:
        value = get_path(obj, path)
        if value is True or isinstance(value, str) and value.strip() and path[-1].lower() \
                .endswith("at"):
            return status
    if schema.status_field is not None:
        value = get_path(obj, schema.status_field)
        if isinstance(value, str):
            return STATUS_WORDS.get(value.strip().lower())
    return None


def _role(schema: Schema, obj: dict[str, Any]) -> str | None:
    for path, role in schema.role_flags:
        if get_path(obj, path) is True:
            return role
    if schema.role_field is not None:
        value = get_path(obj, schema.role_field)
        if isinstance(value, str):
            low = value.lower()
            if value.upper() in ("OWNER", "MEMBER", "COLLABORATOR"):
                return "maintainer"
            for word in ROLE_WORDS:
                if word in low:
                    return word
    return None


def post_of(r: Record, schema: Schema, options: Options, order: int) -> Post:
    """The :class:`Post` of one record."""
    obj = r.obj
    raw = get_path(obj, schema.text.path) if schema.text else None
    html = schema.html and not options.plain_text
    text = options.text(obj) if options.text is not None else text_of_value(
        raw, html and isinstance(raw, str) and (looks_html(raw) or html))
    status = options.status(obj) if options.status else None
    status = status or _status(schema, obj)
    placeholder = PLACEHOLDERS.get(text.strip().lower()) if text else None
    if placeholder:
        status = status or placeholder
        text = ""
    if status in ("deleted", "removed"):  # a placeholder: its text is the notice, if any
        text = ""
    if options.author is not None:
        author = options.author(obj)
    elif schema.author is not None:
        author = _string(get_path(obj, schema.author.path))
    elif schema.author_id is not None:
        uid = as_id(get_path(obj, schema.author_id.path))
        author = (schema.author_names or {}).get(uid) if uid else None
        if author is None and uid is not None and not schema.author_names:
            author = f"user {uid}"
    else:
        author = None
    stamp_value = get_path(obj, schema.time.path) if schema.time else None
    score = as_int(get_path(obj, schema.score.path)) if schema.score else None
    link = _string(get_path(obj, schema.permalink.path)) if schema.permalink else None
    if options.permalink is not None:
        link = options.permalink(obj) or link
    post = Post(key=r.key, parent=r.parent, text=text, author=author,
                timestamp=stamp(stamp_value, options.naive_utc), score=score,
                permalink=link if link and link.startswith(("http://", "https://")) else None,
                status=status, platform_id=r.platform_id, order=order)
    post.role = _role(schema, obj)
    return post


# -- thread fields -------------------------------------------------------------------

@dataclass
class About:
    """What the objects around the records say about the thread."""

    title: str = ""
    article: str = ""
    url: str | None = None
    thread_id: str | None = None
    author: str | None = None
    published: str | None = None
    count: int | None = None
    whence: list[str] = field(default_factory=list)


def _describe(obj: dict[str, Any], about: About, where: str, naive_utc: bool) -> None:
    """Fill what ``about`` lacks from the direct fields of ``obj``."""
    for key, value in obj.items():
        if not isinstance(key, str):
            continue
        name = norm(key)
        if not about.title and TITLE_NAMES.get(name, 0) >= 0.5 and _string(value) \
                and len(value) <= 500 and (name != "name" or "title" not in obj):
            about.title = value.strip()
            about.whence.append(f"title from {where}.{key}")
        elif not about.article and name in ARTICLE_TEXT_NAMES and (
                _string(value) or is_delta(value)):
            about.article = text_of_value(value, isinstance(value, str) and looks_html(value))
            about.whence.append(f"article from {where}.{key}")
        elif about.url is None and PERMALINK_NAMES.get(name, 0) >= 0.8 and isinstance(
                value, str) and value.startswith(("http://", "https://")):
            about.url = value.strip()
        elif about.thread_id is None and name in ("id", "key", "threadid", "storyid",
                                                  "topicid", "postid", "uri", "oid",
                                                  "discussionid", "discussionkey"):
            about.thread_id = as_id(value)
        elif about.author is None and name in ("author", "user", "by", "username",
                                               "authorname", "creator", "uname", "account",
                                               "owner", "poster"):
            about.author = _string(value) if isinstance(value, str) else _name_in(value)
        elif about.published is None and name in ("createdat", "created", "time",
                                                  "publishedat", "published", "date",
                                                  "createdutc", "pubdate", "datecreated"):
            about.published = stamp(value, naive_utc)
        elif about.count is None and name in THREAD_COUNT_NAMES:
            about.count = as_int(value)


def _name_in(value: object) -> str | None:
    if not isinstance(value, dict):
        return None
    for key in ("username", "name", "handle", "login", "display_name", "displayName"):
        name = _string(value.get(key))
        if name:
            return name
    return None


def describe(chain: list[dict[str, Any]], skip: set[int], naive_utc: bool = False) -> About:
    """Thread fields from the objects around the records (nearest first) and the post
    objects beside them (``post``, ``post_view``, ``story``…)."""
    about = About()
    for depth, obj in enumerate(chain):
        where = "the record list's holder" if depth == 0 else f"an object {depth} up"
        if "jsonrpc" in obj:  # a JSON-RPC envelope: its id is the request's
            continue
        _describe(obj, about, where, naive_utc)
        for key in POST_KEYS:
            value = obj.get(key)
            if isinstance(value, dict) and id(value) not in skip:
                _describe(value, about, key, naive_utc)
                for inner in POST_KEYS:
                    sub = value.get(inner)
                    if isinstance(sub, dict) and id(sub) not in skip:
                        _describe(sub, about, f"{key}.{inner}", naive_utc)
                creator = value.get("creator")
                if about.author is None and isinstance(creator, dict):
                    about.author = _name_in(creator)
    return about


def threads_of(cand: Candidate, root: Any, options: Options, warnings_out: list[str],
               explain: list[str] | None, doc: Any = None) -> Iterator[Thread]:
    """The threads of the chosen candidate (see the module docs)."""
    schema = cand.schema
    groups: list[tuple[list[tuple[str | None, dict[str, Any]]], list[dict[str, Any]],
                       dict[str, Any] | None]] = []
    if cand.merged:
        items = [item for part in cand.parts for item in part.items]
        groups.append((items, cand.parts[0].chain, cand.parts[0].owner))
    else:
        for part in cand.parts:
            groups.append((part.items, part.chain, part.owner))
    if schema.thread_key is not None and len(groups) == 1:
        items, chain, owner = groups[0]
        split: dict[str | None, list[tuple[str | None, dict[str, Any]]]] = {}
        for item in items:
            split.setdefault(as_id(get_path(item[1], schema.thread_key.path)), []).append(item)
        if len(split) > 1:
            groups = [(part, chain, owner) for part in split.values()]
    for items, chain, owner in groups:
        yield _thread(items, chain, owner, cand, root, options, explain, doc)


def _thread(items: list[tuple[str | None, dict[str, Any]]], chain: list[dict[str, Any]],
            owner: dict[str, Any] | None, cand: Candidate, root: Any, options: Options,
            explain: list[str] | None, doc: Any = None) -> Thread:
    schema = cand.schema
    walked = _walk(items, schema.children)
    records: list[Record] = []
    for i, (map_key, obj, nest) in enumerate(walked):
        ident = _identity(schema, obj, map_key)
        records.append(Record(obj, ident if ident is not None else f"#{i + 1}",
                              ident, nest))
    thread = Thread(source=None, layout=None, title="", article="", format=options.name)
    context = Context(records, chain, root, schema, doc=doc)
    # the root post: the holder of the list when it is a record of the same kind, a
    # lone top record with a title, or (forums) the first record
    article_record: dict[str, Any] | None = None
    if owner is not None and schema.text and get_path(owner, schema.text.path) is not None \
            and schema.children and kids_of(owner, schema.children) is not None:
        article_record = owner
    elif options.first_is_article and records:
        article_record = records[0].obj
        records = records[1:]
        for r in records:
            if r.nest_parent is not None:
                r.nest_parent = r.nest_parent - 1 if r.nest_parent > 0 else None
    about = describe(chain, {id(article_record)} if article_record else set(),
                     options.naive_utc)
    article_ids: set[str] = set()
    if article_record is not None:
        _article_from_record(article_record, schema, options, about, context)
        ident = _identity(schema, article_record, None)
        if ident:
            article_ids.add(ident)
            link = _link_value(schema, article_record, ident)
            if link:
                article_ids.add(link)
    if about.thread_id:
        article_ids.add(about.thread_id)
    if schema.thread_key is not None and records:
        value = as_id(get_path(records[0].obj, schema.thread_key.path))
        if value:
            article_ids.add(value)
            about.thread_id = about.thread_id or value
    warnings: list[str] = []
    notes: list[str] = []
    how = link_tree(records, schema, article_ids, notes, warnings)
    # a lone top record with a title (a root post among the records) is the article
    if article_record is None and records:
        tops = [r for r in records if r.parent is None]
        if len(tops) == 1 and schema.title is not None and \
                _string(get_path(tops[0].obj, schema.title.path)) and not any(
                _string(get_path(r.obj, schema.title.path)) for r in records if r is not tops[0]):
            article_record = tops[0].obj
            _article_from_record(article_record, schema, options, about, context)
            records = [r for r in records if r is not tops[0]]
            for r in records:
                if r.parent == tops[0].key:
                    r.parent = None
    context.records = records
    context.article_record = article_record
    posts = [post_of(r, schema, options, i) for i, r in enumerate(records)]
    if options.sort_by_time:
        for p in posts:
            p.order = p.timestamp or ""
    # no text of its own: the address stands for the article (as for an HN link story)
    thread.title, thread.article = about.title, about.article or about.url or ""
    thread.url, thread.author, thread.published = about.url, about.author, about.published
    thread.thread_id = about.thread_id
    from discourse.read.structured import domain

    thread.site = domain(thread.url)
    thread.comments = assemble(posts, warnings, sort_siblings=options.sort_by_time)
    thread.warnings.extend(warnings)
    note_statuses(thread, _WORDING)
    present = len(thread.comments) + (1 if options.first_is_article and article_record else 0)
    if about.count is not None and about.count > present:
        thread.missing = about.count - present
        thread.warnings.append(f"{thread.missing} comments not in the file (the source "
                               f"counts {about.count})")
    if options.finish is not None:
        options.finish(thread, context)
    attach_quotes_and_targets(thread)
    if not thread.comments:
        thread.warnings.append("no comments: the comment records of this thread are "
                               "all taken by its opening post"
                               if article_record is not None else
                               "no comments: the record list is empty")
    if explain is not None:
        explain.append(f"generic: thread {thread.thread_id or thread.title[:40]!r}: "
                       f"{len(thread.comments)} comments; tree: {how}")
        explain.extend(f"generic: {line}" for line in about.whence + notes + context.notes)
    return thread


def _article_from_record(obj: dict[str, Any], schema: Schema, options: Options,
                         about: About, context: Context) -> None:
    raw = get_path(obj, schema.text.path) if schema.text else None
    html = schema.html and not options.plain_text
    text = options.text(obj) if options.text is not None else text_of_value(
        raw, html and isinstance(raw, str))
    about.article = text or about.article
    if schema.title is not None:
        title = _string(get_path(obj, schema.title.path))
        if title:
            about.title = title
    if options.author is not None:
        about.author = options.author(obj) or about.author
    elif schema.author is not None:
        about.author = _string(get_path(obj, schema.author.path)) or about.author
    if schema.time is not None:
        about.published = stamp(get_path(obj, schema.time.path), options.naive_utc) \
            or about.published
    if schema.permalink is not None:
        about.url = _string(get_path(obj, schema.permalink.path)) or about.url
    ident = _identity(schema, obj, None)
    if ident and about.thread_id is None:
        about.thread_id = ident
    context.notes.append("the root post (the record holding the others, or the opening "
                         "post) is the article")
