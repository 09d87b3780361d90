"""Reddit: API responses and Pushshift/Arctic-Shift NDJSON dumps.

**API response** (:func:`read_api`): what ``https://www.reddit.com/comments/<id>.json``
returns — a two-element array ``[post listing, comment listing]`` whose comments
(``kind: "t1"``) nest through ``data.replies`` (a Listing, or ``""`` when there are none);
a bare comment listing is read too.  The post (``kind: "t3"``) gives ``title``,
``selftext`` (the article; a link post's URL when it has none), ``subreddit``
(``Thread.site = "reddit.com/r/<sub>"``), ``id`` (``Thread.thread_id``), ``permalink``
(``Thread.url``) and ``created_utc`` (``Thread.published``).  ``kind: "more"`` stubs are
comments Reddit did not send: their ``count`` is summed into ``Thread.missing`` and a
warning ("N comments not loaded (more stubs)").  Comments whose body is ``[deleted]`` or
``[removed]`` stay as placeholders (``status``, empty text, author ``None`` when
``[deleted]``) so their replies keep their place.  Bodies and titles are HTML-unescaped
(the API escapes ``& < >`` unless asked for ``raw_json=1``); markdown is kept as written.
Siblings keep the order of the response (the order Reddit displayed).

**NDJSON dump** (:func:`read_ndjson`): one JSON object per line, as Pushshift and
Arctic Shift publish them (``RC_2019-04.zst``, ``<subreddit>_comments.zst``): comments
carry ``link_id`` (``t3_<post>``) and ``parent_id`` (``t1_<comment>`` or ``t3_<post>`` for a
top-level comment).  Any number of threads per file, in any interleaving (dumps are
ordered by time, not thread), gzip- or zstd-compressed or not.  The file is streamed
(:meth:`Document.lines`) and grouped by ``link_id`` through
:class:`~discourse.read.structured.Grouper`, which spills to an SQLite file in a
temporary folder once :data:`SPILL_BOUND` comments are buffered, so a multi-GB dump runs
in flat memory; threads are then yielded one at a time, in order of their first comment,
siblings ordered by ``created_utc`` (ties: file order).

*Submissions* (posts: ``title``, ``selftext``, ``url``, no ``link_id``) give each
thread its title and article.  They are taken from (1) the same file, interleaved with the
comments in any order, and (2) **a submissions dump beside the comments file**, found by
its name: the comments file's name with ``RC_`` → ``RS_`` or ``comments`` →
``submissions``/``posts`` (``RC_2019-04.zst`` + ``RS_2019-04.zst``,
``nfl_comments.zst`` + ``nfl_submissions.zst``), any compression.  Only the submissions of
threads that have comments are kept (streamed, same memory bound).  A file holding only
submissions yields no threads (it is read for its comments dump; ``--explain`` says so).
A thread whose submission is found nowhere gets an empty title and article and a warning.

Lines that are JSON but neither a comment nor a submission are counted in a warning on the
first thread.  A line that is not valid JSON (an invalid UTF-8 byte, a lone surrogate, a
number too large for a double, a line cut by a truncated download) is skipped and named,
with its number, in a warning (:func:`~discourse.read.structured.json_records`); a file
in which no line parses stops with ``line L, column C: invalid JSON (…)``.

**A JSON array of comments** (the same records, pretty-printed as one array, as
exporters and ``jq -s`` write them) is read the same way, as a whole document (within
``--max-bytes``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from discourse.model import Thread
from discourse.read import Form
from discourse.read.assemble import Post, assemble, note_statuses, walk_nested
from discourse.read.detect import has_keys, key_value
from discourse.read.source import Document
from discourse.read.structured import (
    SPILL_BOUND,
    Grouper,
    epoch_iso,
    json_records,
    load_json,
    unknown_json,
)
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["API", "NDJSON", "SPILL_BOUND", "read_api", "read_ndjson", "submissions_beside"]

REDDIT = "https://www.reddit.com"
_PLACEHOLDERS = {"[deleted]": "deleted", "[removed]": "removed"}


def _unescape(value: object) -> str:
    return html.unescape(value) if isinstance(value, str) else ""


def _strip_prefix(value: object) -> str | None:
    """``t1_abc`` -> ``abc`` (None for absent/empty)."""
    if not isinstance(value, str) or not value:
        return None
    if value[:1] == "t" and value[2:3] == "_" and value[1:2].isdigit():
        return value[3:]
    return value


def _site(sub: object) -> str | None:
    return f"reddit.com/r/{sub}" if isinstance(sub, str) and sub else None


def _link(permalink: object) -> str | None:
    if not isinstance(permalink, str) or not permalink:
        return None
    return permalink if permalink.startswith("http") else REDDIT + permalink


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _comment_post(data: dict[str, Any], parent: str | None, order: object = None) -> Post:
    body = data.get("body")
    status = _PLACEHOLDERS.get(body) if isinstance(body, str) else None
    author = data.get("author")
    if not isinstance(author, str) or author == "[deleted]":
        author = None
    key = str(data.get("id") or _strip_prefix(data.get("name")) or "")
    return Post(key=key, parent=parent, text="" if status else _unescape(body).strip(),
                author=author, timestamp=epoch_iso(data.get("created_utc")),
                score=_int(data.get("score")), permalink=_link(data.get("permalink")),
                status=status, platform_id=key or None, order=order)


def _article(post: dict[str, Any]) -> str:
    text = _unescape(post.get("selftext")).strip()
    if text in _PLACEHOLDERS:
        return ""
    if not text and not post.get("is_self", False):
        url = post.get("url")
        if isinstance(url, str) and url and "/comments/" not in url:
            return html.unescape(url)
    return text


def _thread_from_post(post: dict[str, Any] | None, fmt: str) -> Thread:
    post = post or {}
    return Thread(source=None, layout=None, title=_unescape(post.get("title")).strip(),
                  article=_article(post), site=_site(post.get("subreddit")),
                  url=_link(post.get("permalink")), published=epoch_iso(post.get("created_utc")),
                  format=fmt, thread_id=str(post["id"]) if post.get("id") else None)


# -- API responses --------------------------------------------------------------------

def _listing_children(obj: object) -> list[Any] | None:
    if isinstance(obj, dict) and obj.get("kind") == "Listing" and isinstance(obj.get("data"), dict):
        children = obj["data"].get("children")
        return children if isinstance(children, list) else []
    return None


def read_api(doc: Document) -> Iterator[Thread]:
    """The thread of one Reddit ``/comments/<id>.json`` response (see the module docs).

    Accepts ``[post listing, comment listing]`` or a bare comment listing.  Raises
    :class:`InputError` for malformed JSON (line, column) or another shape (the supported
    shapes listed).
    """
    data = load_json(doc)
    post: dict[str, Any] | None = None
    if isinstance(data, list) and len(data) == 2 and _listing_children(data[0]) is not None \
            and _listing_children(data[1]) is not None:
        posts = [c.get("data") for c in _listing_children(data[0]) or []
                 if isinstance(c, dict) and c.get("kind") == "t3"]
        post = posts[0] if posts and isinstance(posts[0], dict) else None
        comments = _listing_children(data[1]) or []
    elif _listing_children(data) is not None:
        children = _listing_children(data) or []
        kinds = {c.get("kind") for c in children if isinstance(c, dict)}
        if kinds == {"t3"}:
            post, comments = children[0].get("data"), []
        else:
            comments = children
    else:
        raise unknown_json(doc, "not a Reddit Listing or [post, comments] pair")
    thread = _thread_from_post(post, "reddit-json")
    posts_out: list[Post] = []
    missing = stubs = continued = 0

    def visit(child: Any, parent: str | None) -> tuple[str, Any] | None:
        nonlocal missing, stubs, continued
        if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
            return None
        kind, cdata = child.get("kind"), child["data"]
        if kind == "more":
            count = _int(cdata.get("count")) or 0
            if count == 0 and not cdata.get("children"):
                continued += 1
            missing += count
            stubs += 1
            return None
        if kind != "t1":
            return None
        p = _comment_post(cdata, parent)
        posts_out.append(p)
        if thread.thread_id is None:
            thread.thread_id = _strip_prefix(cdata.get("link_id"))
        if thread.site is None:
            thread.site = _site(cdata.get("subreddit"))
        return p.key, _listing_children(cdata.get("replies"))

    walk_nested(comments, visit)
    if post is None:
        thread.warnings.append("no post in this response (a bare comment listing); title "
                               "and article unknown")
        if thread.thread_id and thread.site:
            sub = thread.site.rsplit("/", 1)[1]
            thread.url = f"{REDDIT}/r/{sub}/comments/{thread.thread_id}/"
    thread.comments = assemble(posts_out, thread.warnings)
    if stubs:
        thread.missing = missing
        thread.warnings.append(f"{missing} comments not loaded (more stubs)")
    if continued:
        thread.warnings.append(f"{continued} reply chain(s) continue on another page "
                               f"(\"continue this thread\"); not loaded")
    _placeholder_warning(thread)
    attach_quotes_and_targets(thread)
    if doc.explaining:
        doc.explain.append(f"reddit: {len(thread.comments)} comments, {stubs} more stub(s) "
                           f"holding {missing}")
    yield thread


def _placeholder_warning(thread: Thread) -> None:
    note_statuses(thread, {
        status: f"{{n}} {status} comment(s) kept as placeholders (status {status!r}, no text)"
        for status in ("deleted", "removed")})


# -- NDJSON dumps ---------------------------------------------------------------------

_SIBLINGS = ((re.compile(r"^RC_"), "RS_"), (re.compile(r"comments", re.I), "submissions"),
             (re.compile(r"comments", re.I), "posts"))


def submissions_beside(path: Path) -> Path | None:
    """The submissions dump next to comments dump ``path`` (see the module docs), or None.
    Tries the same compression suffixes (none, ``.gz``, ``.zst``) as well."""
    name = path.name
    if not path.is_file():
        return None
    for pattern, repl in _SIBLINGS:
        if not pattern.search(name):
            continue
        other = pattern.sub(repl, name, count=1)
        stem = re.sub(r"\.(gz|zst|zstd)$", "", other, flags=re.I)
        for candidate in (other, stem, stem + ".zst", stem + ".gz"):
            p = path.with_name(candidate)
            if p != path and p.is_file():
                return p
    return None


def _is_submission(rec: dict[str, Any]) -> bool:
    if "link_id" in rec or "body" in rec:
        return False
    name = rec.get("name")
    return ("title" in rec and "id" in rec) or (isinstance(name, str) and name.startswith("t3_"))


_KEEP = ("id", "name", "parent_id", "body", "author", "created_utc", "score", "permalink")
_KEEP_POST = ("id", "title", "selftext", "subreddit", "permalink", "url", "is_self",
              "created_utc", "num_comments")


def read_ndjson(doc: Document, spill_bound: int = SPILL_BOUND,
                submissions: Path | None | bool = True) -> Iterator[Thread]:
    """Threads of a Reddit NDJSON dump, one at a time, in flat memory (see the module
    docs).  ``spill_bound``: comments buffered before grouping spills to disk;
    ``submissions``: a submissions dump path, ``True`` to look beside the file, ``False``
    for none.  Raises :class:`InputError` (malformed JSON: line and column)."""
    other = 0
    stats = {"comments": 0, "submissions": 0}
    with Grouper(spill_bound) as groups:
        subreddit: dict[str, str] = {}
        for number, rec in _records(doc):
            if not isinstance(rec, dict):
                other += 1
                continue
            if "link_id" in rec and "parent_id" in rec:
                link = _strip_prefix(rec.get("link_id"))
                if not link:
                    other += 1
                    continue
                stats["comments"] += 1
                slim = {k: rec[k] for k in _KEEP if k in rec}
                slim["_line"] = number
                groups.add(link, slim)
                sub = rec.get("subreddit")
                if isinstance(sub, str) and link not in subreddit:
                    subreddit[link] = sub
            elif _is_submission(rec):
                stats["submissions"] += 1
                pid = str(rec.get("id") or _strip_prefix(rec.get("name")))
                groups.put_side(pid, {k: rec[k] for k in _KEEP_POST if k in rec})
            else:
                other += 1
        if other and not stats["comments"] and not stats["submissions"]:
            raise unknown_json(doc, f"{other} JSON line(s), none a Reddit comment or "
                                    f"submission")
        links = set(subreddit) | set(groups.keys())
        beside = None
        if submissions is True:
            beside = submissions_beside(doc.path) if not doc.is_folder else None
        elif isinstance(submissions, Path):
            beside = submissions
        if beside is not None and links:
            found = _read_submissions(Document.at(beside, doc.max_bytes, doc.max_window),
                                      links, groups, into=doc)
            if doc.explaining:
                doc.explain.append(f"reddit-ndjson: submissions from {beside.name} "
                                   f"({found} of {len(links)} threads)")
        if doc.explaining:
            doc.explain.append(f"reddit-ndjson: {stats['comments']} comments, "
                               f"{stats['submissions']} submissions, {len(links)} threads"
                               + (", grouped through a disk spill" if groups.spilled else ""))
            if not links and stats["submissions"]:
                doc.explain.append("reddit-ndjson: submissions only; they give titles to "
                                   "the comments dump beside this file")
        first = True
        for link, records in groups.groups(streamed=True):
            post = groups.get_side(link)
            thread = _thread_from_post(post, "reddit-ndjson")
            thread.thread_id = link
            sub = subreddit.get(link)
            if thread.site is None and sub:
                thread.site = _site(sub)
            if thread.url is None and sub:
                thread.url = f"{REDDIT}/r/{sub}/comments/{link}/"
            if post is None:
                thread.warnings.append(f"no submission for t3_{link} in this file or a "
                                       f"submissions dump beside it; title and article unknown")
            # records become posts one at a time, each record dropped as its post is made:
            # a thread of a million comments never holds both forms whole
            thread.comments = assemble(_posts(records, sub, link), thread.warnings,
                                       sort_siblings=True)
            del records
            _placeholder_warning(thread)
            if first and other:
                thread.warnings.append(f"{other} line(s) of this file are neither Reddit "
                                       f"comments nor submissions; skipped")
            first = False
            attach_quotes_and_targets(thread)
            yield thread


def _posts(records: Iterable[dict[str, Any]], sub: str | None, link: str) -> Iterator[Post]:
    """The comment posts of one thread's records."""
    for rec in records:
        parent = rec.get("parent_id")
        parent_key = None
        if isinstance(parent, str) and not parent.startswith("t3_"):
            parent_key = _strip_prefix(parent)
        p = _comment_post(rec, parent_key, order=_order(rec.get("created_utc")))
        p.line = rec.get("_line")
        if p.permalink is None and sub:
            p.permalink = f"{REDDIT}/r/{sub}/comments/{link}/_/{p.key}/"
        yield p


def _is_array(doc: Document) -> bool:
    """Whether the document is one JSON array (of records), not NDJSON."""
    return doc.head(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"["


def _records(doc: Document) -> Iterator[tuple[int | None, Any]]:
    """``(line, record)``: the records of an NDJSON dump, streamed (bad lines skipped with
    a warning), or the elements of a JSON array of records (no line numbers)."""
    if not _is_array(doc):
        yield from json_records(doc, doc.lines())
        return
    value = load_json(doc)
    if not isinstance(value, list):
        raise unknown_json(doc, "JSON that is not an array of Reddit comments")
    for item in value:
        yield None, item


def _order(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _read_submissions(doc: Document, links: set[str], groups: Grouper,
                      into: Document | None = None) -> int:
    found = 0
    for _, rec in json_records(doc, doc.lines(), note_on=into):
        if isinstance(rec, dict) and _is_submission(rec):
            pid = str(rec.get("id") or _strip_prefix(rec.get("name")))
            if pid in links:
                found += 1
                groups.put_side(pid, {k: rec[k] for k in _KEEP_POST if k in rec})
    if into is not None:  # a truncated submissions dump is said on the comments' threads
        for note in doc.notes:
            into.note(f"{doc.source}: {note}")
    return found


# -- the two forms, as registered in discourse.read.READERS ----------------------------

def sniff_api(head: bytes) -> str | None:
    """A Reddit API response: ``"kind": "Listing"``, or ``"t1"``/``"t3"`` objects with
    ``data``."""
    if key_value(head, "kind", "Listing") or key_value(head, "kind", "t[13]") \
            and has_keys(head, "data"):
        return "JSON with Reddit \"Listing\"/\"t1\" objects (API response)"
    return None


def sniff_ndjson(head: bytes) -> str | None:
    """A Pushshift/Arctic-Shift dump: comments (``link_id`` and ``parent_id``, or
    ``subreddit`` and ``body``) or submissions (``subreddit`` with ``selftext`` or
    ``num_comments``)."""
    if has_keys(head, "link_id", "parent_id") or (has_keys(head, "subreddit")
                                                  and has_keys(head, "body")):
        if head[:1] == b"[":
            return "a JSON array of Reddit comments (link_id/parent_id)"
        return ("JSON objects with Reddit link_id/parent_id (Pushshift/Arctic-Shift comment "
                "dump)")
    if has_keys(head, "subreddit", "selftext") or has_keys(head, "subreddit", "num_comments"):
        return "JSON objects with Reddit submissions (title/selftext; a submissions dump)"
    return None


API = Form("reddit-json", "a Reddit comments API response (/comments/<id>.json)", "json",
           sniff_api, read_api)
NDJSON = Form("reddit-ndjson", "Reddit/Pushshift NDJSON comments", "json", sniff_ndjson,
              read_ndjson)
