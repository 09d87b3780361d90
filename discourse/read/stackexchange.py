"""Stack Exchange data dumps: ``Posts.xml`` with ``Comments.xml`` of the same site, read
as one document — one thread per question.

The dump (archive.org's ``stackexchange`` collection, one ``.7z`` per site) holds one XML
file per table, each a root (``<posts>``, ``<comments>``, ``<users>``) of ``<row>``
elements whose columns are attributes.  A question (``PostTypeId`` 1) is the article:
``Title``, ``Body`` (HTML), ``OwnerUserId``, ``CreationDate``.  Its answers
(``PostTypeId`` 2, ``ParentId`` = the question) and the comments on the question
(``Comments.xml`` rows whose ``PostId`` is the question) answer the article at depth 0;
the comments on an answer answer that answer (depth 1).  Order, as the site shows a
question: the question's comments, then the answers by date, each followed by its
comments by date.

Keys (``Comment.platform_id``): an answer's post ``Id``; a comment's ``c`` + its ``Id``
(the two tables number independently).  Stack Exchange comments are flat per post: a
comment opening with ``@name`` replies to that person (the site matches the name without
spaces, by prefix of at least three letters, case ignored); it gets ``target_id`` = that
person's latest earlier comment on the same post (the dump does not record which).

The comments are read from the file beside the posts file: ``Posts.xml`` →
``Comments.xml``, ``X.posts.xml`` → ``X.comments.xml`` (also compressed).  Display names
come from ``Users.xml`` (``X.users.xml``) beside them when present, else the row's
``OwnerDisplayName``/``UserDisplayName`` (deleted users), else ``user <id>``.  The dump
does not name its site; a folder named like one (``beer.stackexchange.com``) gives
``Thread.site``, the URLs and permalinks.  Dates are UTC.  ``AnswerCount`` and
``CommentCount`` above what the files hold set ``Thread.missing`` (with a warning): dumps
cut by hand keep the counts of the whole site.

A comments file read on its own names its posts file (and yields nothing when that file
is beside it: the posts file reads both); other post types (tag wikis, nominations) are
not threads and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.companions import beside, read_with, swap_word
from discourse.read.flatreplies import at_reply_targets
from discourse.read.htmltext import html_to_text
from discourse.read.source import Document
from discourse.read.structured import iso_utc, local, parse_xml, unknown_xml
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read", "sniff"]

NAME = "stackexchange-xml"
DESCRIBES = "a Stack Exchange data dump's Posts.xml (with Comments.xml beside it)"
SYNTAX = "xml"

_ROOT = re.compile(rb"^(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(posts|comments)\b[^>]*>\s*"
                   rb"(?:<!--.*?-->\s*)*<row\b([^>]*)", re.S | re.I)
_SITE = re.compile(r"(?:[a-z0-9-]+\.)*(?:stackexchange\.com|stackoverflow\.com|superuser\.com|"
                   r"serverfault\.com|askubuntu\.com|mathoverflow\.net|stackapps\.com)")
QUESTION, ANSWER = "1", "2"


def sniff(head: bytes) -> str | None:
    """A ``<posts>`` root whose first row has ``PostTypeId``, or a ``<comments>`` root
    whose first row has ``PostId``."""
    m = _ROOT.match(head)
    if not m:
        return None
    root, attrs = m.group(1).lower(), m.group(2)
    if root == b"posts" and b"PostTypeId=" in attrs:
        return "XML <posts> of <row PostTypeId=…> (a Stack Exchange data dump's Posts.xml)"
    if root == b"comments" and b"PostId=" in attrs:
        return "XML <comments> of <row PostId=…> (a Stack Exchange data dump's Comments.xml)"
    return None


def comments_beside(path: Path) -> Path | None:
    """The ``Comments.xml`` beside a ``Posts.xml`` (``X.posts.xml`` → ``X.comments.xml``)."""
    return beside(path, [swap_word(path.name, "posts", "comments")])


def posts_beside(path: Path) -> Path | None:
    """The ``Posts.xml`` beside a ``Comments.xml``."""
    return beside(path, [swap_word(path.name, "comments", "posts")])


def users_beside(path: Path) -> Path | None:
    """The ``Users.xml`` beside a ``Posts.xml``."""
    return beside(path, [swap_word(path.name, "posts", "users")])


@dataclass
class _Question:
    row: dict[str, str]
    answers: list[dict[str, str]] = field(default_factory=list)


def _rows(root: Any) -> Iterator[tuple[int, dict[str, str]]]:
    for el in root:
        if local(el.tag) == "row":
            yield el.sourceline or 0, dict(el.attrib)


def _utc(value: str | None) -> str | None:
    """A dump date (UTC, written without a zone: ``2014-03-21T10:27:52.430``) as ISO 8601
    ``…Z``, its digits kept."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?", text):
        return text + "Z"
    return iso_utc(text)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _site_of(path: Path) -> str | None:
    """The site a dump folder is named after (``beer.stackexchange.com``, as the
    archive's files unpack), else None."""
    for folder in (path.parent, path.parent.parent):
        name = folder.name.lower()
        if _SITE.fullmatch(name):
            return name
    return None


def _read_users(path: Path | None, doc: Document) -> dict[str, str]:
    if path is None:
        return {}
    other = Document.at(path, doc.max_bytes)
    root = parse_xml(other)
    if local(root.tag) != "users":
        return {}
    return {row["Id"]: row["DisplayName"] for _, row in _rows(root)
            if row.get("Id") and row.get("DisplayName")}


class _Names:
    def __init__(self, users: dict[str, str]) -> None:
        self.users = users

    def __call__(self, row: dict[str, str], id_key: str, name_key: str) -> str | None:
        uid = row.get(id_key)
        if uid and uid in self.users:
            return self.users[uid]
        name = row.get(name_key)
        if name:
            return name
        return f"user {uid}" if uid else None


def read(doc: Document) -> Iterator[Thread]:
    """Threads of a ``Posts.xml`` (with its ``Comments.xml``), one per question (see the
    module docs).  Raises :class:`InputError` for malformed XML, another root, or a
    comments file without its posts file."""
    root = parse_xml(doc)
    kind = local(root.tag)
    if kind == "comments":
        posts = posts_beside(doc.path) if not doc.is_folder else None
        if posts is None:
            raise InputError(doc.source, "a Stack Exchange Comments.xml without its "
                                         "Posts.xml beside it (Posts.xml or X.posts.xml); "
                                         "read the posts file, which takes the comments")
        read_with(doc, "stackexchange", "the comments", posts)
        return
    if kind != "posts":
        raise unknown_xml(doc, kind or str(root.tag))
    yield from _threads(doc, root)


def _threads(doc: Document, root: Any) -> Iterator[Thread]:
    questions: dict[str, _Question] = {}
    orphans: dict[str, list[dict[str, str]]] = {}
    post_of: dict[str, str] = {}  # post id -> question id
    other = 0
    for _, row in _rows(root):
        pid, kind = row.get("Id"), row.get("PostTypeId")
        if not pid:
            continue
        if kind == QUESTION:
            questions[pid] = _Question(row)
            post_of[pid] = pid
        elif kind == ANSWER:
            parent = row.get("ParentId") or ""
            post_of[pid] = parent
            if parent in questions:
                questions[parent].answers.append(row)
            else:
                orphans.setdefault(parent, []).append(row)
        else:
            other += 1
    for qid, answers in list(orphans.items()):
        if qid in questions:  # answers listed before their question
            questions[qid].answers.extend(answers)
            del orphans[qid]
    comments_path = comments_beside(doc.path)
    comments: dict[str, list[dict[str, str]]] = {}
    stray = 0
    if comments_path is not None:
        croot = parse_xml(Document.at(comments_path, doc.max_bytes))
        if local(croot.tag) != "comments":
            raise InputError(str(comments_path), f"expected a Stack Exchange Comments.xml "
                                                 f"(root <comments>), found <{local(croot.tag)}>")
        for _, row in _rows(croot):
            post = row.get("PostId")
            if post in post_of:
                comments.setdefault(post, []).append(row)
            else:
                stray += 1
    names = _Names(_read_users(users_beside(doc.path), doc))
    site = _site_of(doc.path)
    if doc.explaining:
        doc.explain.append(
            f"stackexchange: {len(questions)} question(s), "
            f"{sum(len(q.answers) for q in questions.values())} answer(s); comments from "
            f"{comments_path.name if comments_path else 'no Comments.xml beside it'} "
            f"({sum(len(v) for v in comments.values())}; {stray} on posts not in this file)"
            f"; names from {'Users.xml' if names.users else 'the rows (no Users.xml)'}"
            + (f"; {other} other post(s) (tag wikis, …) left out" if other else ""))
    for q in questions.values():
        yield _thread(q.row, q.answers, comments, names, site, comments_path is not None)
    for qid, answers in orphans.items():
        thread = _thread({"Id": qid}, answers, comments, names, site, comments_path is not None)
        thread.warnings.insert(0, f"question {qid} is not in this Posts.xml; title and "
                                  f"article unknown")
        yield thread


def _order(row: dict[str, str]) -> tuple[str, int]:
    return (row.get("CreationDate") or "", _int(row.get("Id")) or 0)


def _thread(q: dict[str, str], answers: list[dict[str, str]],
            comments: dict[str, list[dict[str, str]]], names: _Names, site: str | None,
            have_comments: bool) -> Thread:
    qid = q["Id"]
    url = f"https://{site}/questions/{qid}" if site else None
    thread = Thread(source=None, layout=None, title=(q.get("Title") or "").strip(),
                    article=html_to_text(q.get("Body") or ""), site=site, url=url,
                    published=_utc(q.get("CreationDate")), format=NAME, thread_id=qid,
                    author=names(q, "OwnerUserId", "OwnerDisplayName"))
    posts: list[Post] = []

    def add_comments(post_id: str, parent: str | None) -> None:
        for row in sorted(comments.get(post_id, []), key=_order):
            cid = row.get("Id") or ""
            posts.append(Post(
                key=f"c{cid}", parent=parent, text=row.get("Text") or "",
                author=names(row, "UserId", "UserDisplayName"),
                timestamp=_utc(row.get("CreationDate")), score=_int(row.get("Score")),
                permalink=f"{url}#comment{cid}_{post_id}" if url else None,
                platform_id=f"c{cid}", line=None))

    add_comments(qid, None)
    for a in sorted(answers, key=_order):
        aid = a["Id"]
        posts.append(Post(key=aid, parent=None, text=html_to_text(a.get("Body") or ""),
                          author=names(a, "OwnerUserId", "OwnerDisplayName"),
                          timestamp=_utc(a.get("CreationDate")), score=_int(a.get("Score")),
                          permalink=f"https://{site}/a/{aid}" if site else None,
                          platform_id=aid))
        add_comments(aid, aid)
    thread.comments = assemble(posts, thread.warnings)
    at_reply_targets(thread, top_level=True,
                     include=lambda c: (c.platform_id or "").startswith("c"))
    attach_quotes_and_targets(thread)
    missing = 0
    expected_answers = _int(q.get("AnswerCount"))
    if expected_answers is not None and expected_answers > len(answers):
        missing += expected_answers - len(answers)
    for row in [q, *answers]:
        count = _int(row.get("CommentCount"))
        present = len(comments.get(row.get("Id") or "", []))
        if count is not None and count > present:
            missing += count - present
    if not have_comments:
        thread.warnings.append("no Comments.xml beside the posts file: comments on the "
                               "question and answers not read")
    if not posts:
        thread.warnings.append("no comments: no answers or comments on this question in "
                               "the files")
    if missing:
        thread.missing = missing
        thread.warnings.append(f"{missing} answer(s)/comment(s) not in the files (the posts' "
                               f"AnswerCount/CommentCount)")
    return thread
