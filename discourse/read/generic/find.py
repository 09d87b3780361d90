"""Find the comment records in a JSON document, and the fields they keep their parts in.

The generic reader's search, in three steps:

1. **Collections** (:func:`collections`): every list of objects and every object whose
   values are objects of one kind (a map keyed by id, as Hive's ``get_discussion``
   writes), walked without recursion, each with its pattern (``$.data.replies[]``, the
   indices and map keys left out), the object holding it and the objects around that.
2. **Schemas** (:func:`infer`): for one pattern's records, the field that holds the text
   (a field named like ``body``, ``text``, ``content``, ``message``, ``comment``,
   ``cooked``, ``raw``, ``html``, ``markdown`` — or a Quill, ProseMirror or Draft.js
   document — present in most records and different from record to record), the
   identity (a field named like an id whose values are unique), the reply link (a parent
   id naming another record's id, an author+permlink pair, a materialised path, a depth
   in display order, or nested reply lists), the author (a name field, in the record or
   in an ``author``/``user``/``creator``… object; a user id joined to a list of users),
   the time (epoch seconds or milliseconds, ISO 8601, RFC 2822), the score, the
   permalink, placeholders (deleted, removed, spam…) and roles.  Each choice keeps the
   reason it was made, which ``--explain`` prints.
3. **Candidates** (:func:`candidates`): each pattern not nested in another's records is a
   candidate, scored by how much of it reads as comments (text coverage and variety,
   identity, author, time, links, size, a collection named like comments).  Lists of
   the same kind side by side (Mastodon's ``ancestors`` and ``descendants``) are one
   candidate.  A candidate needs a text field and one of id, author, time or link:
   a list of labels or messages is not a comment section.

Field paths are tuples of keys into a record (``("content", "message")``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from discourse.read.generic.values import (
    as_id,
    as_int,
    is_delta,
    looks_html,
    norm,
    stamp_kind,
)

__all__ = ["Candidate", "Collection", "Schema", "candidates", "collections", "infer",
           "get_path", "show_path"]

Path = tuple[str, ...]

#: Text fields, by name, with how strongly the name says "the comment's text".
TEXT_NAMES = {
    "body": 1.0, "text": 1.0, "content": 1.0, "message": 0.95, "comment": 0.9,
    "commenttext": 1.0, "commentbody": 1.0, "commentcontent": 1.0, "bodytext": 0.95,
    "fulltext": 0.95, "contenttext": 0.95, "textcontent": 0.9, "plaintext": 0.9,
    "cooked": 0.9, "html": 0.85, "bodyhtml": 0.9, "contenthtml": 0.9, "texthtml": 0.9,
    "commenthtml": 0.9, "markdown": 0.85, "bodymarkdown": 0.85, "contentmarkdown": 0.85,
    "raw": 0.8, "rawmessage": 0.8, "rawtext": 0.8, "msg": 0.8, "textdisplay": 0.9,
    "textoriginal": 0.85, "selftext": 0.7, "posttext": 0.9, "messagetext": 0.9,
    "contents": 0.95, "commentcontents": 0.95, "replytext": 0.9, "note": 0.5,
}
#: Names of HTML-valued text fields (other fields are HTML when their values are).
HTML_NAMES = {"cooked", "html", "bodyhtml", "contenthtml", "texthtml", "commenthtml"}
ID_NAMES = {
    "id": 1.0, "idstr": 0.95, "uuid": 0.9, "guid": 0.9, "uri": 0.9, "rpid": 0.95,
    "commentid": 0.95, "commenthex": 0.95, "messageid": 0.9, "statusid": 0.9,
    "tweetid": 0.9, "postid": 0.5, "key": 0.85, "cid": 0.6, "number": 0.5,
    "postnumber": 0.6, "hash": 0.3, "name": 0.3, "permlink": 0.4, "rpidstr": 0.5,
    "itemid": 0.7, "replyid": 0.5, "commentno": 0.9, "no": 0.5, "eventid": 0.9,
}
PARENT_NAMES = {
    "parent": 1.0, "parentid": 1.0, "parentcommentid": 1.0, "parentpostid": 0.9,
    "inreplytoid": 1.0, "inreplyto": 0.95, "inreplytostatusid": 1.0, "replyto": 0.95,
    "replytoid": 1.0, "replytomessageid": 1.0, "replytocommentid": 1.0,
    "replytopostnumber": 1.0, "parenthex": 1.0, "pid": 0.8, "parentkey": 0.9,
    "parentuuid": 0.9, "respondsto": 0.8, "responseto": 0.8, "parentstr": 0.7,
    "parentidstr": 0.7, "replyingto": 0.6, "answerto": 0.6, "parentcomment": 0.9,
    "inreplytocommentid": 1.0, "replytouid": 0.8, "parentname": 0.5, "threadts": 0.8,
    "inreplytostatusidstr": 1.0, "parentcid": 0.9, "replytocomment": 0.95,
    "parentcommentno": 1.0, "parentno": 0.9,
}
#: Objects whose id is the parent's (``responseTo.commentId``, ``reply.parent.uri``).
PARENT_OBJECTS = {"parent", "inreplyto", "replyto", "responseto", "parentcomment",
                  "parentpost"}
LINK_ID_NAMES = {"id", "uri", "commentid", "key", "hex", "commenthex", "uuid", "cid",
                 "postid", "messageid", "statusid", "idstr", "eventid", "commentno"}
DEPTH_NAMES = {"depth", "level", "indent", "indentlevel", "nestlevel", "nestinglevel",
               "depthlevel", "commentdepth", "commentlevel", "nesting", "replylevel"}
PATH_NAMES = {"path", "materializedpath", "materialisedpath", "treepath", "lineage",
              "ancestry", "hierarchy", "threadpath"}
CHILDREN_NAMES = {"replies", "children", "comments", "kids", "responses", "subcomments",
                  "subreplies", "answers", "childposts", "childcomments", "replieslist",
                  "descendants", "nodes", "items", "posts", "thread"}
COMMENTISH = CHILDREN_NAMES | {"data", "statuses", "messages", "ancestors", "discussion",
                               "results", "response", "records", "entries", "list",
                               "commentlist", "commentsdata", "hits", "notes", "tweets",
                               "toots", "conversation", "reviews", "feed"}
AUTHOR_NAMES = {
    "author": 1.0, "by": 0.9, "username": 1.0, "user": 0.8, "authorname": 1.0,
    "screenname": 0.95, "uname": 0.95, "nickname": 0.9, "nick": 0.9, "login": 0.9,
    "handle": 0.95, "acct": 0.9, "commentername": 1.0, "creatorname": 0.95,
    "authordisplayname": 0.9, "poster": 0.9, "postername": 0.95, "sender": 0.8,
    "sendername": 0.9, "from": 0.7, "displayname": 0.8, "usernick": 0.9, "who": 0.7,
    "name": 0.5, "commenter": 0.9, "writer": 0.8, "postedby": 0.9, "createdby": 0.8,
}
AUTHOR_OBJECTS = {"author", "user", "creator", "member", "account", "userprofile",
                  "commenter", "owner", "poster", "profile", "from", "sender", "actor",
                  "attributedto", "by", "authorprofile", "commentator", "writer",
                  "usr", "userinfo", "authorinfo"}
NAME_IN_OBJECT = {
    "username": 1.0, "handle": 1.0, "acct": 0.95, "login": 0.95, "uname": 0.95,
    "screenname": 0.95, "name": 0.9, "nick": 0.85, "nickname": 0.85,
    "displayname": 0.8, "fullname": 0.75, "title": 0.3,
}
AUTHOR_ID_NAMES = {"authorid", "userid", "creatorid", "commenterhex", "commenterid",
                   "mid", "uid", "accountid", "fromid", "ownerid", "posterid", "memberid",
                   "authorhex", "useridstr", "authoruid", "authorkey"}
TIME_NAMES = {
    "createdat": 1.0, "createdutc": 1.0, "created": 1.0, "creationdate": 1.0,
    "createtime": 1.0, "datecreated": 1.0, "createdtime": 0.95, "timecreated": 0.95,
    "postedat": 0.95, "posted": 0.9, "publishedat": 0.95, "published": 0.9,
    "isodatetime": 0.95, "date": 0.85, "datetime": 0.85, "time": 0.85,
    "timestamp": 0.85, "ts": 0.8, "ctime": 0.85, "dategmt": 0.95, "commentdategmt": 0.95,
    "commentdate": 0.9, "pubdate": 0.9, "sentat": 0.9, "sent": 0.8, "senttime": 0.8,
    "postdate": 0.9, "indexedat": 0.6, "deduceddate": 0.8, "dateutc": 0.95,
    "createdon": 0.95, "addedat": 0.7, "submittedat": 0.9, "when": 0.6, "unixtime": 0.8,
    "timeunix": 0.8, "epoch": 0.6, "regtime": 0.9, "regdate": 0.9, "writetime": 0.9,
    "writedate": 0.9, "createdate": 0.95, "originserverts": 0.9, "postedon": 0.9,
    "timeposted": 0.9, "dateposted": 0.9,
}
TIME_EXCLUDED = ("update", "modif", "edit", "load", "fetch", "crawl", "scrap", "retriev",
                 "expir", "due", "last", "seen", "join", "birth", "cashout", "payout",
                 "active", "archiv", "download", "export", "import", "start", "end")
SCORE_NAMES = {
    "score": 1.0, "points": 1.0, "netvotes": 0.95, "votes": 0.85, "likes": 0.9,
    "like": 0.85, "likecount": 0.9, "likescount": 0.9, "favoritecount": 0.8,
    "favouritescount": 0.8, "favoritescount": 0.8, "ups": 0.8, "upvotes": 0.85,
    "numrecommends": 0.9, "recommendcount": 0.85, "recommends": 0.85, "karma": 0.8,
    "votecount": 0.85, "totalvotes": 0.8, "thumbsup": 0.7, "voteupcount": 0.8,
    "upvotecount": 0.85, "reactioncount": 0.6, "sympathycount": 0.85,
    "recommendationcount": 0.85, "likecounts": 0.85,
}
PERMALINK_NAMES = {"permalink": 1.0, "permalinkurl": 1.0, "commenturl": 0.95,
                   "weburl": 0.9, "htmlurl": 0.9, "url": 0.9, "link": 0.8,
                   "shareurl": 0.7, "apid": 0.7, "uri": 0.5, "href": 0.6}
TITLE_NAMES = {"title": 1.0, "threadtitle": 0.95, "subject": 0.9, "headline": 0.9,
               "fancytitle": 0.8, "topic": 0.6, "name": 0.5}
ARTICLE_TEXT_NAMES = {"content": 1.0, "body": 1.0, "text": 1.0, "selftext": 1.0,
                      "description": 0.8, "article": 0.9, "storytext": 1.0,
                      "articletext": 1.0, "cooked": 0.9, "html": 0.8, "markdown": 0.8,
                      "articlebody": 1.0, "summary": 0.6, "contenthtml": 0.9,
                      "bodyhtml": 0.9}
THREAD_KEY_NAMES = {"threadid": 1.0, "thread": 0.9, "linkid": 1.0, "storyid": 1.0,
                    "postid": 0.9, "topicid": 1.0, "discussionid": 1.0,
                    "discussionkey": 1.0, "articleid": 1.0, "pageid": 0.9,
                    "conversationid": 1.0, "tid": 0.7, "oid": 0.8, "videoid": 1.0,
                    "submissionid": 1.0, "pageuri": 0.8, "pageurl": 0.8, "docid": 0.8,
                    "rootpostid": 0.9, "questionid": 0.9}
STATUS_FLAGS = {"deleted": "deleted", "isdeleted": "deleted", "userdeleted": "deleted",
                "removed": "removed", "isremoved": "removed", "spam": "spam",
                "isspam": "spam", "dead": "dead", "hidden": "hidden", "ishidden": "hidden",
                "blocked": "removed", "isblocked": "removed", "deletedat": "deleted",
                "removedat": "removed", "delete": "deleted"}
STATUS_WORDS = {"deleted": "deleted", "removed": "removed", "spam": "spam",
                "hidden": "hidden", "blocked": "removed", "pending": "unapproved",
                "unapproved": "unapproved", "rejected": "removed", "dead": "dead",
                "trash": "deleted", "trashed": "deleted", "moderated": "unapproved"}
STATUS_FIELDS = {"status", "state", "moderationstatus", "visibility", "commentstatus",
                 "approvalstatus"}
ROLE_FLAGS = {"ismoderator": "moderator", "moderator": "moderator", "ismod": "moderator",
              "creatorismoderator": "moderator", "isadmin": "admin", "admin": "admin",
              "creatorisadmin": "admin", "isstaff": "staff", "staff": "staff",
              "isemployee": "staff", "issitemoderator": "moderator"}
ROLE_WORDS = ("moderator", "admin", "staff")
#: Objects inside a record that describe its thread, not the record (Lemmy repeats the
#: post and community in every comment).
CONTEXT_OBJECTS = {"post", "community", "thread", "forum", "story", "topic", "article",
                   "channel", "video", "page", "discussion", "submission", "site",
                   "counts", "stats"}
#: Reply counts of a thread (compared with the comments present: ``Thread.missing``).
THREAD_COUNT_NAMES = {"commentcount", "commentscount", "numcomments", "totalcomments",
                      "descendants", "postscount", "commentstotal", "totalcommentcount",
                      "numreplies", "replycount", "repliescount"}
#: The most records inferred from (enough to choose fields; reading uses all).
SAMPLE = 4000
#: Flattening depth of a record's nested objects.
DEPTH = 5


def get_path(obj: Any, path: Path | None) -> Any:
    """The value at ``path`` in ``obj`` (None when absent or ``path`` is None)."""
    if path is None:
        return None
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def kids_of(obj: dict[str, Any], children: str | None) -> list[Any] | None:
    """The reply list of a record: ``obj[children]``, or for a wrapped list
    (``"comments.data"``: Facebook's Graph API) the list inside."""
    if not children:
        return None
    value: Any = obj
    for key in children.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, list) else None


#: Keys of an object that wraps a reply list (``{"comments": {"data": […], "paging": …}}``).
WRAPPERS = ("data", "items", "nodes", "list", "results", "comments", "replies", "children")


def show_path(path: Path | None) -> str:
    return ".".join(path) if path else "-"


# -- collections ---------------------------------------------------------------------

@dataclass(eq=False)
class Collection:
    """One list (or map) of objects in the document."""

    pattern: str
    key: str | None  # the field holding it (None for the root or a list in a list)
    items: list[tuple[str | None, dict[str, Any]]]  # (map key, object)
    owner: dict[str, Any] | None  # the object holding it
    chain: list[dict[str, Any]]  # objects around it, nearest first (owner first)
    is_map: bool = False


def _map_like(value: dict[str, Any]) -> bool:
    """An object whose values are objects of one kind (a map keyed by id)."""
    if len(value) < 2 or not isinstance(next(iter(value.values())), dict):
        return False
    objects = [v for v in value.values() if isinstance(v, dict)]
    if len(objects) != len(value):
        return False
    shapes = [frozenset(v) for v in objects[:50]]
    common = frozenset.intersection(*shapes)
    union = frozenset.union(*shapes)
    return bool(union) and len(common) / len(union) >= 0.5 and len(common) >= 2


def collections(root: Any, limit: int = 2_000_000) -> list[Collection]:
    """Every list of objects and every map of objects in ``root`` (see the module
    docs), in document order, walked iteratively (any depth, at most ``limit`` values
    visited)."""
    found: list[Collection] = []
    # (value, pattern, field name, chain of enclosing objects)
    stack: list[tuple[Any, str, str | None, list[dict[str, Any]]]] = [(root, "$", None, [])]
    seen = 0
    while stack and seen < limit:
        value, pattern, key, chain = stack.pop()
        seen += 1
        if isinstance(value, list):
            objects = [v for v in value if isinstance(v, dict)]
            if objects and len(objects) * 2 >= len(value):
                found.append(Collection(pattern + "[]", key, [(None, v) for v in objects],
                                        chain[0] if chain else None, chain))
            for v in reversed(value):
                if isinstance(v, dict | list):
                    stack.append((v, pattern + "[]", None, chain))
        elif isinstance(value, dict):
            if is_delta(value):  # a rich-text document: text, not records
                continue
            if (pattern != "$" or len(value) >= 3) and _map_like(value):
                found.append(Collection(pattern + "{}", key, list(value.items()),
                                        chain[0] if chain else None, chain, is_map=True))
                inner = chain
                for k, v in reversed(list(value.items())):
                    stack.append((v, pattern + "{}", k, [value, *inner]))
                continue
            for k, v in reversed(list(value.items())):
                if isinstance(v, dict | list):
                    stack.append((v, f"{pattern}.{k}", k, [value, *chain]))
    return found


# -- flattened statistics --------------------------------------------------------------

def _flatten(record: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """``(path, value)`` for the scalars, rich-text documents and lists of a record and
    of its nested objects (to :data:`DEPTH` levels)."""
    stack: list[tuple[Path, dict[str, Any]]] = [((), record)]
    while stack:
        prefix, obj = stack.pop()
        for k, v in obj.items():
            if not isinstance(k, str):
                continue
            path = (*prefix, k)
            if isinstance(v, dict):
                if is_delta(v):
                    yield path, v
                elif len(path) < DEPTH:
                    stack.append((path, v))
            else:
                yield path, v


@dataclass
class Stats:
    """What one field path holds across the records."""

    present: int = 0  # not None
    strings: int = 0  # non-empty strings
    deltas: int = 0
    ints: int = 0
    html: int = 0
    spaced: int = 0  # strings with a space or longer than 40 characters
    urls: int = 0
    chars: int = 0
    stamps: Counter = field(default_factory=Counter)
    values: Counter = field(default_factory=Counter)  # id-like values (bounded)
    object_lists: int = 0  # lists of objects
    bools_true: int = 0


def _stats(records: list[dict[str, Any]]) -> dict[Path, Stats]:
    table: dict[Path, Stats] = {}
    for record in records:
        for path, value in _flatten(record):
            s = table.get(path)
            if s is None:
                s = table[path] = Stats()
            if value is None:
                continue
            s.present += 1
            if isinstance(value, bool):
                s.bools_true += value
                continue
            if isinstance(value, list):
                if value and all(isinstance(v, dict) for v in value[:5]):
                    s.object_lists += 1
                elif value and all(isinstance(v, dict) and "insert" in v for v in value[:3]):
                    s.deltas += 1
                continue
            if isinstance(value, dict):
                s.deltas += 1
                continue
            if isinstance(value, int | float):
                if isinstance(value, int) or value.is_integer():
                    s.ints += 1
                kind = stamp_kind(value)
                if kind:
                    s.stamps[kind] += 1
                if len(s.values) < 100_000:
                    s.values[as_id(value)] += 1
                continue
            if isinstance(value, str):
                text = value.strip()
                if not text:
                    continue
                s.strings += 1
                s.chars += len(text)
                if " " in text or len(text) > 40 or "\n" in text:
                    s.spaced += 1
                if text.startswith(("http://", "https://")):
                    s.urls += 1
                if looks_html(text):
                    s.html += 1
                kind = stamp_kind(text)
                if kind:
                    s.stamps[kind] += 1
                if as_int(text) is not None:
                    s.ints += 1
                if len(s.values) < 100_000:
                    s.values[text if len(text) <= 400 else f"\x00{hash(text)}"] += 1
    return table


# -- the schema ------------------------------------------------------------------------

@dataclass
class Choice:
    """A chosen field and why."""

    path: Path
    why: str


@dataclass
class Schema:
    """Where the parts of a comment are in one kind of record (see the module docs)."""

    text: Choice | None = None
    html: bool = False
    id: Choice | None = None
    parent: Choice | None = None
    link: Path | None = None  # the field a parent id names (usually ``id``)
    parent_pair: tuple[Path, Path] | None = None  # Hive: parent_author, parent_permlink
    id_pair: tuple[Path, Path] | None = None  # Hive: author, permlink
    children: str | None = None
    path: Choice | None = None
    depth: Choice | None = None
    author: Choice | None = None
    author_id: Choice | None = None
    author_names: dict[str, str] | None = None  # author id -> name (a joined list)
    time: Choice | None = None
    score: Choice | None = None
    permalink: Choice | None = None
    title: Choice | None = None
    thread_key: Choice | None = None
    status_flags: list[tuple[Path, str]] = field(default_factory=list)
    status_field: Path | None = None
    role_flags: list[tuple[Path, str]] = field(default_factory=list)
    role_field: Path | None = None
    records: int = 0
    text_coverage: float = 0.0
    text_variety: float = 0.0

    def lines(self) -> list[str]:
        """The choices for ``--explain``."""
        out = []
        for name in ("text", "id", "parent", "path", "depth", "author", "author_id", "time",
                     "score", "permalink", "title", "thread_key"):
            choice = getattr(self, name)
            if choice is not None:
                out.append(f"{name} {show_path(choice.path)} ({choice.why})")
        if self.parent_pair:
            out.append(f"parent {show_path(self.parent_pair[0])}/"
                       f"{show_path(self.parent_pair[1])} (author and permlink of the "
                       f"post answered)")
        if self.children:
            out.append(f"nested replies in {self.children!r}")
        if self.status_flags or self.status_field:
            names = [show_path(p) for p, _ in self.status_flags]
            if self.status_field:
                names.append(show_path(self.status_field))
            out.append(f"placeholders from {', '.join(names)}")
        if self.role_flags or self.role_field:
            names = [show_path(p) for p, _ in self.role_flags]
            if self.role_field:
                names.append(show_path(self.role_field))
            out.append(f"roles from {', '.join(names)}")
        return out


def _last(path: Path) -> str:
    return norm(path[-1])


def _best(scored: list[tuple[float, Path, str]]) -> Choice | None:
    if not scored:
        return None
    scored.sort(key=lambda t: (-t[0], len(t[1]), t[1]))
    weight, path, why = scored[0]
    return Choice(path, why)


def _fixed(fixed: dict[str, Any], name: str, why: str,
           scored: list[tuple[float, Path, str]]) -> Choice | None:
    """The field a table fixes for ``name`` (None when it fixes none: no such field),
    else the best scored."""
    if name in fixed:
        value = fixed[name]
        return Choice(tuple(value), why) if value else None
    return _best(scored)


def canonical(value: str) -> str:
    """An id as links compare it: without a Reddit-style kind prefix (``t1_abc``)."""
    return value[3:] if len(value) > 3 and value[0] == "t" and value[1].isdigit() \
        and value[2] == "_" else value


def _unique(s: Stats) -> bool:
    values = sum(s.values.values())
    return values > 0 and len(s.values) == values and None not in s.values


def _unique_in(records: list[dict[str, Any]], path: Path) -> bool:
    seen: set[str] = set()
    for record in records:
        value = as_id(get_path(record, path))
        if value is None or value in seen:
            return False
        seen.add(value)
    return True


def infer(records: list[dict[str, Any]], overrides: dict[str, Any] | None = None,
          scopes: list[list[dict[str, Any]]] | None = None) -> Schema:
    """The schema of ``records`` (objects of one kind; see the module docs).
    ``overrides`` fixes fields by name (``{"text": ("content", "message")}``), as a
    platform's field table does.  ``scopes``: the records' threads when a pattern repeats
    (``threads[].comments``); an id need only be unique within each."""
    overrides = overrides or {}
    sample = records[:SAMPLE]
    n = len(sample)
    schema = Schema(records=len(records))
    if n == 0:
        return schema
    stats = _stats(sample)
    fixed = dict(overrides)

    # text: a text-named field in most records, varied, prose-like
    scored = []
    for path, s in stats.items():
        weight = TEXT_NAMES.get(_last(path))
        if weight is None and s.deltas >= 0.5 * n:
            weight = 0.9  # a rich-text document, whatever the field's name
        if weight is None or path[-1] in ("url",):
            continue
        filled = s.strings + s.deltas
        if not filled:
            continue
        coverage = filled / n
        distinct = len(s.values) / max(1, s.strings) if s.strings else 1.0
        prose = (s.spaced + s.deltas) / filled
        urls = s.urls / filled
        score = weight * coverage * (0.3 + 0.7 * min(1.0, distinct)) * (0.5 + 0.5 * prose)
        score *= (1 - 0.9 * urls) * (0.97 ** (len(path) - 1))
        scored.append((score, path, f"{filled} of {n} records, "
                                    f"{'rich-text JSON' if s.deltas > s.strings else 'HTML' if s.html * 3 >= s.strings and s.strings else 'plain text'}"))
    schema.text = _fixed(fixed, "text", "the platform's text field", scored)
    if schema.text is not None:
        s = stats.get(schema.text.path, Stats())
        filled = s.strings + s.deltas
        schema.text_coverage = filled / n
        schema.text_variety = len(s.values) / max(1, s.strings) if s.strings else 1.0
        schema.html = fixed.get("html", _last(schema.text.path) in HTML_NAMES
                                or (s.strings > 0 and s.html * 3 >= s.strings))

    # identity: unique id-named values
    scored = []
    for path, s in stats.items():
        name = _last(path)
        weight = ID_NAMES.get(name)
        if weight is None and (name.endswith("id") or name.endswith("hex")) and len(name) > 2:
            weight = 0.4
        if weight is None or s.present < 0.9 * n:
            continue
        if not (_unique(s) or scopes and len(scopes) > 1 and all(
                _unique_in(scope, path) for scope in scopes)):
            continue
        if name in AUTHOR_ID_NAMES or name in THREAD_KEY_NAMES and weight < 0.9:
            continue
        if any(norm(p) in PARENT_OBJECTS or norm(p) in AUTHOR_OBJECTS for p in path[:-1]):
            continue
        scored.append((weight * (0.9 ** (len(path) - 1)), path,
                       f"unique in {s.present} records"))
    schema.id = _fixed(fixed, "id", "the platform's id", scored)
    # Hive/Steem: a post is author/permlink, its parent parent_author/parent_permlink
    if "id" not in fixed and ("permlink",) in stats and ("author",) in stats \
            and ("parent_author",) in stats and ("parent_permlink",) in stats:
        schema.id_pair = (("author",), ("permlink",))
        schema.parent_pair = (("parent_author",), ("parent_permlink",))
        schema.id = Choice(("author", "permlink"), "author/permlink (Hive/Steem)")

    # reply links
    _links(schema, stats, sample, fixed)

    # author: a name field, or a name inside an author/user/creator object
    scored = []
    for path, s in stats.items():
        if not s.strings or s.spaced > 0.5 * s.strings and s.chars / s.strings > 40:
            continue
        name = _last(path)
        inside = [norm(p) for p in path[:-1]]
        weight = None
        if inside and inside[-1] in AUTHOR_OBJECTS:
            weight = NAME_IN_OBJECT.get(name)
            if weight is not None:
                weight *= 1.0
        elif not inside:
            weight = AUTHOR_NAMES.get(name)
        if weight is None or any(p in PARENT_OBJECTS for p in inside):
            continue
        if schema.text and path == schema.text.path:
            continue
        coverage = s.strings / n
        scored.append((weight * (0.4 + 0.6 * coverage), path,
                       f"{s.strings} of {n} records"))
    schema.author = _fixed(fixed, "author", "the platform's author field", scored)
    if schema.author is None and "author" not in fixed:
        scored = []
        for path, s in stats.items():
            name = _last(path)
            inside = [norm(p) for p in path[:-1]]
            is_user_id = name in AUTHOR_ID_NAMES or bool(inside) and inside[-1] in \
                AUTHOR_OBJECTS and name in ("id", "hex", "uid", "key")
            if is_user_id and s.present >= 0.5 * n:
                scored.append((s.present / n, path, "a user id, no name"))
        schema.author_id = _best(scored)

    # time
    scored = []
    for path, s in stats.items():
        name = _last(path)
        if any(x in name for x in TIME_EXCLUDED):
            continue
        weight = TIME_NAMES.get(name)
        if weight is None and any(x in name for x in ("date", "time", "created")):
            weight = 0.5
        parsed = sum(s.stamps.values())
        if weight is None or parsed < 0.5 * max(1, s.present) or parsed < 0.3 * n:
            continue
        kind = s.stamps.most_common(1)[0][0]
        inside = [norm(p) for p in path[:-1]]
        if any(p in AUTHOR_OBJECTS or p in PARENT_OBJECTS or p in CONTEXT_OBJECTS
               for p in inside) or len(s.values) == 1 and n > 2:
            continue
        scored.append((weight * parsed / n * (0.95 ** (len(path) - 1)), path,
                       f"{kind}, {parsed} of {n} records"))
    schema.time = _fixed(fixed, "time", "the platform's time field", scored)

    # score
    scored = []
    for path, s in stats.items():
        weight = SCORE_NAMES.get(_last(path))
        if weight is None and len(path) > 1 and _last(path) in ("count", "total", "value") \
                and norm(path[-2]) in SCORE_NAMES:
            weight = SCORE_NAMES[norm(path[-2])] * 0.9  # VK: likes.count
        inside = [norm(p) for p in path[:-1]]
        if weight is None or s.ints < 0.5 * n or any(p in AUTHOR_OBJECTS for p in inside):
            continue
        scored.append((weight * s.ints / n * (0.9 ** (len(path) - 1)), path,
                       f"a number in {s.ints} of {n} records"))
    schema.score = _fixed(fixed, "score", "the platform's score", scored)

    # permalink: absolute, different per record
    scored = []
    for path, s in stats.items():
        weight = PERMALINK_NAMES.get(_last(path))
        inside = [norm(p) for p in path[:-1]]
        if weight is None or s.urls < 0.8 * n or any(
                p in AUTHOR_OBJECTS or p in PARENT_OBJECTS for p in inside):
            continue
        if len(s.values) < 0.9 * s.urls:
            continue
        scored.append((weight * (0.9 ** (len(path) - 1)), path, "a URL per record"))
    schema.permalink = _fixed(fixed, "permalink", "the platform's permalink", scored)

    # title of a record (a root post has one)
    scored = []
    for path, s in stats.items():
        weight = TITLE_NAMES.get(_last(path))
        if weight is None or len(path) > 2 or not s.strings or weight < 0.6:
            continue
        if any(norm(p) in AUTHOR_OBJECTS for p in path[:-1]):
            continue
        scored.append((weight, path, "a title"))
    schema.title = _best(scored)

    # a field naming the thread of each record
    scored = []
    for path, s in stats.items():
        weight = THREAD_KEY_NAMES.get(_last(path))
        if weight is None or s.present < 0.9 * n or len(path) > 2:
            continue
        if schema.id and path == schema.id.path:
            continue
        distinct = len(s.values)
        if distinct > max(1, n // 2):
            continue
        scored.append((weight, path, f"{distinct} value(s)"))
    schema.thread_key = _fixed(fixed, "thread_key", "the platform's thread field", scored)

    # placeholders and roles
    for path, s in stats.items():
        name = _last(path)
        inside = [norm(p) for p in path[:-1]]
        if any(p in PARENT_OBJECTS or p in CONTEXT_OBJECTS for p in inside):
            continue
        if name in STATUS_FLAGS and not (inside and inside[-1] in AUTHOR_OBJECTS):
            if s.bools_true or name.endswith("at") and s.strings:
                schema.status_flags.append((path, STATUS_FLAGS[name]))
        elif name in STATUS_FIELDS and len(path) <= 2 and s.strings:
            words = {str(v).lower() for v in s.values if v is not None}
            if words & set(STATUS_WORDS):
                schema.status_field = path
        if name in ROLE_FLAGS and s.bools_true:
            schema.role_flags.append((path, ROLE_FLAGS[name]))
        elif name in ("distinguished", "authorassociation", "role", "roles", "usertype",
                      "badge") and s.strings:
            schema.role_field = path
    return schema


def _links(schema: Schema, stats: dict[Path, Stats], sample: list[dict[str, Any]],
           fixed: dict[str, Any]) -> None:
    """The reply link of ``schema``'s records: a parent id field naming another
    record's id (or a unique field: ``reply_to_post_number`` names ``post_number``), a
    materialised path, a depth, nested reply lists."""
    n = len(sample)
    # nested reply lists: a list of objects carrying the text field
    scored = []
    for path, s in stats.items():
        wrapped = len(path) == 2 and path[1] in WRAPPERS and norm(path[0]) in CHILDREN_NAMES
        if not (len(path) == 1 or wrapped) or not s.object_lists:
            continue
        name = norm(path[0])
        same = 0
        lists = 0
        for record in sample:
            value = get_path(record, path)
            if isinstance(value, list) and value:
                lists += 1
                if schema.text and any(isinstance(v, dict) and get_path(v, schema.text.path)
                                       is not None for v in value[:5]):
                    same += 1
        if lists and same * 2 >= lists:
            scored.append(((1.0 if name in CHILDREN_NAMES else 0.6) * (0.9 if wrapped else 1),
                           path, ""))
    if "children" in fixed:
        key = fixed["children"]
        schema.children = key if key and any(kids_of(r, key) for r in sample) else None
    else:
        best = _best(scored)
        schema.children = ".".join(best.path) if best else None

    if schema.parent_pair is not None:
        return
    unique = {path: s for path, s in stats.items() if _unique(s) and s.present >= 0.5 * n}
    links: dict[Path, Path] = {}
    scored = []
    for path, s in stats.items():
        name = _last(path)
        inside = [norm(p) for p in path[:-1]]
        weight = PARENT_NAMES.get(name) if not inside or inside[-1] not in AUTHOR_OBJECTS \
            else None
        if weight is None and inside and (inside[-1] in PARENT_OBJECTS or inside[-1].endswith(
                "inreplyto")) and name in LINK_ID_NAMES:
            weight = 0.9
        if weight is None or not s.present:
            continue
        values = {v for v in s.values if v is not None}
        rooted = {v for v in values if v.lower() in ("", "0", "root", "null", "-1", "none")}
        # which unique field do its values name (values meaning "the article" aside)?
        best_link, best_hits = None, 0
        for link, ls in unique.items():
            if link == path:
                continue
            hits = len({canonical(v) for v in values - rooted}
                       & {canonical(v) for v in ls.values if v is not None})
            if hits > best_hits or hits == best_hits and hits and link == (schema.id.path
                                                                          if schema.id else None):
                best_link, best_hits = link, hits
        named = len(values - rooted)
        if best_hits == 0 and named > 1:
            continue  # names nothing in the file: not a link among these records
        quality = best_hits / named if named else 1.0
        scored.append((weight * (0.5 + 0.5 * quality), path,
                       f"names {best_hits} of {named} distinct parent(s) by "
                       f"{show_path(best_link) if best_link else 'id'}"
                       if named else "every value marks a reply to the article"))
        if best_link is not None:
            links[path] = best_link
    schema.parent = _fixed(fixed, "parent", "the platform's parent field", scored)
    if schema.parent is not None:
        if fixed.get("link"):
            schema.link = tuple(fixed["link"])
        elif schema.parent.path in links:
            schema.link = links[schema.parent.path]
        else:
            schema.link = schema.id.path if schema.id else None

    if "path" in fixed or "depth" in fixed:
        if fixed.get("path"):
            schema.path = Choice(tuple(fixed["path"]), "the platform's materialised path")
        if fixed.get("depth"):
            schema.depth = Choice(tuple(fixed["depth"]), "the platform's depth")
        return
    # materialised path: dotted ids, each extending another's
    for path, s in stats.items():
        if _last(path) not in PATH_NAMES or s.strings < 0.8 * n:
            continue
        values = [v for v in s.values if isinstance(v, str)]
        dotted = [v for v in values if _PATHLIKE(v)]
        if len(dotted) < 0.8 * len(values) or not any("." in v or "/" in v for v in dotted):
            continue
        schema.path = Choice(path, "a materialised path (each extends its parent's)")
        break
    # depth with display order
    for path, s in stats.items():
        if _last(path) not in DEPTH_NAMES or len(path) > 2 or s.ints < 0.9 * n:
            continue
        schema.depth = Choice(path, "a depth, read with the records' order")
        break


def _PATHLIKE(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"[0-9A-Za-z_-]{1,64}(?:[./][0-9A-Za-z_-]{1,64}){0,200}", value))


# -- candidates ----------------------------------------------------------------------

@dataclass
class Candidate:
    """Records that may be the comments: one pattern's collections (several threads
    when the pattern repeats), or same-kind lists side by side."""

    pattern: str
    parts: list[Collection]
    schema: Schema
    score: float
    quality: float
    total: int  # records, nested ones included
    reason: str = ""  # why rejected, when it is
    merged: bool = False

    def describe(self) -> str:
        return (f"{self.pattern} ({self.total} records, quality {self.quality:.2f}, "
                f"score {self.score:.2f})")


def _nested_records(items: list[dict[str, Any]], key: str, limit: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = list(reversed(items))
    while stack and len(out) < limit:
        obj = stack.pop()
        out.append(obj)
        kids = kids_of(obj, key)
        if kids:
            stack.extend(k for k in reversed(kids) if isinstance(k, dict))
    return out


def _nested_total(items: list[dict[str, Any]], key: str | None) -> int:
    if not key:
        return len(items)
    total = 0
    stack = list(items)
    while stack:
        obj = stack.pop()
        total += 1
        kids = kids_of(obj, key)
        if kids:
            stack.extend(k for k in kids if isinstance(k, dict))
    return total


def candidates(root: Any, overrides: dict[str, Any] | None = None,
               target: str | None = None) -> list[Candidate]:
    """Every candidate of ``root``, best first (rejected ones with ``reason`` set,
    after the accepted ones).  ``overrides`` (a table's fixed fields) apply to the
    records of the ``target`` pattern when it is given and present, else to all."""
    found = collections(root)
    record_of: dict[int, Collection] = {}
    for c in found:
        for _, obj in c.items:
            record_of.setdefault(id(obj), c)
    groups: dict[str, list[Collection]] = {}
    for c in found:
        groups.setdefault(c.pattern, []).append(c)
    out: list[Candidate] = []
    schemas: dict[str, Schema] = {}
    if target is not None and target not in groups:
        target = None
    for pattern, parts in groups.items():
        records = [obj for c in parts for _, obj in c.items]
        scopes = [[obj for _, obj in c.items] for c in parts] if len(parts) > 1 else None
        fields = overrides if target is None or pattern == target else None
        schema = infer(records, fields, scopes)
        if schema.children:  # infer again from the nested records too
            everything = _nested_records(records, schema.children, SAMPLE)
            if len(everything) > len(records):
                again = infer(everything, fields)
                again.records = schema.records
                if again.children == schema.children:
                    schema = again
        schemas[pattern] = schema
    nested: set[str] = set()
    for pattern, parts in groups.items():
        schema = schemas[pattern]
        for c in parts:
            owner_group = record_of.get(id(c.owner)) if c.owner is not None else None
            if owner_group is None or owner_group is c:
                continue
            outer = schemas.get(owner_group.pattern)
            if outer is None or c.key is None or pattern == target:
                continue
            replies = outer.children == c.key
            same_kind = bool(outer.text and schema.text and outer.text_coverage >= 0.5
                             and outer.text.path == schema.text.path)
            if replies or same_kind:  # records of the same kind inside a record: replies
                nested.add(pattern)
    for pattern, parts in groups.items():
        if pattern in nested:
            continue
        schema = schemas[pattern]
        items = [obj for c in parts for _, obj in c.items]
        total = _nested_total(items, schema.children)
        cand = Candidate(pattern, parts, schema, 0.0, 0.0, total)
        _score(cand)
        out.append(cand)
    _merge_siblings(out)
    out.sort(key=lambda c: (bool(c.reason), -c.score))
    return out


def _score(cand: Candidate) -> None:
    s = cand.schema
    if s.text is None:
        cand.reason = "no text field"
        return
    if s.text_coverage < 0.5:
        cand.reason = f"text field {show_path(s.text.path)} in only " \
                      f"{s.text_coverage:.0%} of the records"
    has_link = bool(s.parent or s.parent_pair or s.children or s.path or s.depth)
    if not (s.id or s.author or s.author_id or s.time or has_link or
            any(c.is_map for c in cand.parts)):
        cand.reason = cand.reason or (f"text field {show_path(s.text.path)} but no id, "
                                      f"author, time or reply link")
    quality = s.text_coverage * (0.4 + 0.6 * min(1.0, s.text_variety))
    extra = 1.0 + 0.3 * bool(s.id) + 0.3 * bool(s.author or s.author_id) \
        + 0.3 * bool(s.time) + 0.3 * has_link
    key = cand.parts[0].key
    named = 1.3 if key is not None and norm(key) in COMMENTISH else 1.0
    cand.quality = round(quality * extra / 2.2, 3)
    cand.score = round(quality * extra * named * math.log2(1 + cand.total), 3)


def _merge_siblings(cands: list[Candidate]) -> None:
    """Lists of one kind held by one object (Mastodon ``ancestors`` + ``descendants``)
    become one candidate, in document order."""
    by_owner: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.reason or len(c.parts) != 1 or c.parts[0].owner is None:
            continue
        by_owner.setdefault(id(c.parts[0].owner), []).append(c)
    for group in by_owner.values():
        if len(group) < 2:
            continue
        first = group[0]
        same = [c for c in group if c.schema.text and first.schema.text
                and c.schema.text.path == first.schema.text.path
                and (c.schema.id.path if c.schema.id else None) ==
                (first.schema.id.path if first.schema.id else None)]
        if len(same) < 2:
            continue
        owner = first.parts[0].owner
        order = {k: i for i, k in enumerate(owner)} if owner else {}
        same.sort(key=lambda c: order.get(c.parts[0].key, 0))
        records = [obj for c in same for _, obj in c.parts[0].items]
        keep = same[0]
        keep.schema = infer(records)
        keep.parts = [p for c in same for p in c.parts]
        keep.pattern = " + ".join(c.pattern for c in same)
        keep.total = sum(c.total for c in same)
        keep.merged = True
        _score(keep)
        for c in same[1:]:
            cands.remove(c)
