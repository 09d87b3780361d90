"""Comment tables: CSV/TSV files with one row per comment, as research data sets and
export tools write them (the YouTube Spam Collection's ``COMMENT_ID, AUTHOR, DATE,
CONTENT, CLASS``; the GitHub incivility data set's ``id, issue_id, comment_id, tbdf,
comment_body``; discourse's own ``parse --format csv``).

Columns are recognised by name (case, spaces and ``_`` ignored):

============  ==========================================================================
role          column names, in order of preference
============  ==========================================================================
text          comment_body, comment_text, comment_content, content, text, body,
              message, comment, textOriginal, textDisplay
key           comment_id, cid, id, message_id, tweet_id, reply_id
platform id   platform_id (else the key)
parent        parent_id, parent_comment_id, parent, in_reply_to_id, in_reply_to,
              reply_to_id, reply_to, reply_to_message_id
depth         depth (a reply tree written depth-first, when there is no parent column)
thread        thread_id, issue_id, video_id, link_id, conversation_id, article_id,
              story_id, discussion_id, submission_id, topic_id
author        author, author_name, author_display_name, author_login, username,
              user_name, user, screen_name, login, from, commenter, speaker
date          date, timestamp, created_at, created_utc, created, published_at,
              datetime, time, comment_date, posted_at, creation_date
score         score, likes, like_count, votes, upvotes, points
title         title, thread_title, video_title, issue_title, post_title
site          site, subreddit, repository, repo, project_full_name
link          permalink, comment_url, html_url, url, link
status        status;  role: role, author_association (OWNER/MEMBER/COLLABORATOR →
              maintainer)
============  ==========================================================================

Other columns (a data set's labels: ``CLASS``, ``tbdf``, ``label``) are not read; ``--explain``
names the columns used and left.  Rows group into threads by the thread column (one
thread when there is none, in file order); a row whose key equals its thread's id is the
thread's article (the incivility set stores the issue body so).  Without a parent or
depth column every comment answers the article (a flat table), and ``@name``/quotes give
``target_id`` as for every flat thread.  A thread list beside the table (``X.threads.csv``
beside ``X.comments.csv``: the same thread column, with a title, URL, date, repository)
gives each thread its title, URL, site and date; read on its own it yields nothing.

Told apart from what is not a comment table: a labelled pairs file (``parent``/``reply``
/``label`` columns, for ``discourse train``/``evaluate``) and any other CSV are refused
with one line naming the columns found.  Detection takes a document whose first line is a
header of two or more column names (no prose: no space after a comma, ≤ 40 characters
each) followed by rows of the same number of fields.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.companions import beside, read_with, swap_word
from discourse.read.source import Document
from discourse.read.structured import epoch_iso, iso_utc
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read", "sniff", "Columns", "columns_of"]

NAME = "comment-table"
DESCRIBES = "a CSV/TSV table of comments (text, id, author, date, parent columns)"
SYNTAX = "text"

_DELIMITERS = (",", "\t", ";", "|")
_NAME = re.compile(r"[A-Za-z_][\w .\-/#()]{0,39}")

ROLES: dict[str, tuple[str, ...]] = {
    "text": ("commentbody", "commenttext", "commentcontent", "content", "text", "body",
             "message", "comment", "textoriginal", "textdisplay"),
    "key": ("commentid", "cid", "id", "messageid", "tweetid", "replyid"),
    "platform": ("platformid",),
    "parent": ("parentid", "parentcommentid", "parent", "inreplytoid", "inreplyto",
               "replytoid", "replyto", "replytomessageid"),
    "depth": ("depth",),
    "thread": ("threadid", "issueid", "videoid", "linkid", "conversationid", "articleid",
               "storyid", "discussionid", "submissionid", "topicid"),
    "author": ("author", "authorname", "authordisplayname", "authorlogin", "username",
               "user", "screenname", "login", "from", "commenter", "speaker"),
    "date": ("date", "timestamp", "createdat", "createdutc", "created", "publishedat",
             "datetime", "time", "commentdate", "postedat", "creationdate"),
    "score": ("score", "likes", "likecount", "votes", "upvotes", "points"),
    "title": ("title", "threadtitle", "videotitle", "issuetitle", "posttitle"),
    "site": ("site", "subreddit", "repository", "repo", "projectfullname"),
    "link": ("permalink", "commenturl", "htmlurl", "url", "link"),
    "status": ("status",),
    "role": ("role", "authorassociation"),
}
#: Columns of a labelled pairs file (discourse.classify.pairs.PAIR_COLUMNS and the
#: ``train`` defaults).
_PAIRS = {"reply", "parent", "label"}
_ROOT_PARENTS = {"", "root", "none", "null", "nan", "0", "-1"}
_MAINTAINER = {"OWNER", "MEMBER", "COLLABORATOR"}
_ROLES = {"moderator", "admin", "staff", "maintainer"}


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _header(head_text: str) -> tuple[str, list[str], int] | None:
    """``(delimiter, header, rows)`` when ``head_text`` starts like a table: a header of
    column names and at least two complete rows (one when the head is the whole table)
    of as many fields."""
    first = head_text.split("\n", 1)[0]
    for delim in _DELIMITERS:
        if first.count(delim) < 1:
            continue
        reader = csv.reader(io.StringIO(head_text), delimiter=delim)
        try:
            header = next(reader)
            records = []
            for record in reader:
                records.append(record)
                if len(records) >= 6:
                    break
        except csv.Error:
            continue
        fields = [h.strip() for h in header]
        if len(fields) < 2 or sum(1 for f in fields if not f) > 1:
            continue
        if delim != "\t" and any(h[:1] == " " for h in header[1:]):
            continue  # ", " is prose, not a header
        if not all(_NAME.fullmatch(f) for f in fields if f):
            continue
        complete = records[:-1] if len(records) > 1 else records
        complete = [r for r in complete if r]
        if not complete or any(len(r) != len(header) for r in complete):
            continue
        if len(complete) < 2 and len(head_text) >= 60000:
            continue
        return delim, fields, len(complete)
    return None


@dataclass
class Columns:
    """Which column plays which role (indices into the header), by name."""

    header: list[str]
    roles: dict[str, int]

    def name(self, role: str) -> str | None:
        i = self.roles.get(role)
        return self.header[i] if i is not None else None

    @property
    def unused(self) -> list[str]:
        used = set(self.roles.values())
        return [h for i, h in enumerate(self.header) if i not in used and h]


def columns_of(header: list[str]) -> Columns:
    """The role of each column of ``header`` (see the module docs)."""
    normed = [_norm(h) for h in header]
    roles: dict[str, int] = {}
    taken: set[int] = set()
    for role, names in ROLES.items():
        for name in names:
            if name in normed and normed.index(name) not in taken:
                roles[role] = normed.index(name)
                taken.add(roles[role])
                break
    return Columns(header, roles)


def _is_pairs(header: list[str]) -> bool:
    normed = {_norm(h) for h in header}
    return "reply" in normed and bool(normed & (_PAIRS - {"reply"}))


def sniff(head: bytes) -> str | None:
    """A header of column names over rows of as many fields (see the module docs)."""
    text = head.decode("utf-8", "replace")
    found = _header(text)
    if found is None:
        return None
    delim, header, _ = found
    kind = "TSV" if delim == "\t" else "CSV"
    cols = columns_of(header)
    shown = ", ".join(header[:6]) + (", …" if len(header) > 6 else "")
    if _is_pairs(header):
        return f"{kind} with labelled-pairs columns ({shown})"
    if "text" in cols.roles:
        return f"{kind} table with a comment text column {cols.name('text')!r} ({shown})"
    return f"{kind} table ({shown})"


def threads_beside(path: Path) -> Path | None:
    """The thread list beside a comments table (``X.comments.csv`` → ``X.threads.csv``)."""
    return beside(path, [swap_word(path.name, "comments", "threads")])


def comments_beside(path: Path) -> Path | None:
    """The comments table beside a thread list (``X.threads.csv`` → ``X.comments.csv``)."""
    return beside(path, [swap_word(path.name, "threads", "comments")])


def _table(doc: Document) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    text, _ = doc.read_text()
    text = text.lstrip("\ufeff")
    found = _header(text[:65536])
    if found is None:
        raise InputError(doc.source, "not a table: the first line is not a header of column "
                                     "names over rows of as many fields")
    delim = found[0]
    csv.field_size_limit(max(doc.max_bytes, 1 << 20))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = [h.strip() for h in next(reader)]
        while True:
            line = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            rows.append((line, record))
    except csv.Error as exc:
        raise InputError(doc.source, f"line {reader.line_num}: malformed CSV ({exc})") from None
    return delim, header, rows


def _int(value: str) -> int | None:
    try:
        return int(float(value)) if value.strip() else None
    except (ValueError, OverflowError):
        return None


def _stamp(value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{9,10}(\.\d+)?", text):
        return epoch_iso(text)
    if re.fullmatch(r"\d{12,13}", text):
        return epoch_iso(int(text) / 1000)
    return iso_utc(text)


def _host(url: str | None) -> str | None:
    from discourse.read.structured import domain

    return domain(url) if url else None


@dataclass
class _ThreadInfo:
    title: str = ""
    url: str | None = None
    site: str | None = None
    published: str | None = None
    author: str | None = None


def _site(site_value: str, url: str | None) -> str | None:
    value = site_value.strip()
    host = _host(url)
    if value and host and "/" in value and "." not in value.split("/", 1)[0]:
        return f"{host}/{value}"
    return value or host


def _thread_list(path: Path, thread_column: str, doc: Document) -> dict[str, _ThreadInfo]:
    other = Document.at(path, doc.max_bytes)
    _, header, rows = _table(other)
    cols = columns_of(header)
    normed = [_norm(h) for h in header]
    key = normed.index(_norm(thread_column)) if _norm(thread_column) in normed else \
        cols.roles.get("thread", cols.roles.get("key"))
    if key is None:
        return {}
    out: dict[str, _ThreadInfo] = {}

    def get(record: list[str], role: str) -> str:
        i = cols.roles.get(role)
        return record[i] if i is not None and i < len(record) else ""

    for _, record in rows:
        if key >= len(record):
            continue
        url = get(record, "link").strip() or None
        out[record[key].strip()] = _ThreadInfo(
            title=get(record, "title").strip(), url=url,
            site=_site(get(record, "site"), url), published=_stamp(get(record, "date")),
            author=get(record, "author").strip() or None)
    return out


def read(doc: Document) -> Iterator[Thread]:
    """The threads of a comment table (see the module docs).  Raises
    :class:`InputError` for a labelled pairs file or a table without a comment text
    column (one line naming its columns)."""
    delim, header, rows = _table(doc)
    cols = columns_of(header)
    shown = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
    if _is_pairs(header):
        raise InputError(doc.source, f"a labelled pairs table ({shown}): data for discourse "
                                     f"train/evaluate, not comment threads to read")
    if "text" not in cols.roles:
        if ("title" in cols.roles and not doc.is_folder
                and comments_beside(doc.path) is not None):
            read_with(doc, "comment-table", "the thread list",
                      comments_beside(doc.path))  # type: ignore[arg-type]
            return
        raise InputError(doc.source, f"a table without a comment text column ({shown}); "
                                     f"not comments (expected a column named text, body, "
                                     f"content, comment or message)")
    info: dict[str, _ThreadInfo] = {}
    listing = None
    if "thread" in cols.roles and not doc.is_folder:
        listing = threads_beside(doc.path)
        if listing is not None:
            info = _thread_list(listing, cols.name("thread") or "", doc)
    if doc.explaining:
        used = ", ".join(f"{role} {cols.name(role)!r}" for role in ROLES if role in cols.roles)
        doc.explain.append(f"comment-table: columns used: {used}; not read: "
                           f"{', '.join(cols.unused) or 'none'}"
                           + (f"; thread titles from {listing.name}" if listing else ""))
    groups: dict[str, list[tuple[int, list[str]]]] = {}
    bad: list[int] = []
    for line, record in rows:
        if not any(f.strip() for f in record):
            continue
        if len(record) != len(header):
            bad.append(line)
            continue
        tid = record[cols.roles["thread"]].strip() if "thread" in cols.roles else ""
        groups.setdefault(tid, []).append((line, record))
    if not groups:
        raise InputError(doc.source, f"a comment table ({shown}) without rows")
    for n, (tid, records) in enumerate(groups.items()):
        thread = _thread(tid, records, cols, info.get(tid))
        if bad and n == 0:
            thread.warnings.insert(0, f"{len(bad)} row(s) with another number of fields "
                                      f"than the header skipped (line {', line '.join(map(str, bad[:5]))}"
                                      f"{', …' if len(bad) > 5 else ''})")
        yield thread


def _thread(tid: str, records: list[tuple[int, list[str]]], cols: Columns,
            info: _ThreadInfo | None) -> Thread:
    roles = cols.roles

    def get(record: list[str], role: str) -> str:
        i = roles.get(role)
        return record[i] if i is not None else ""

    first = records[0][1]
    title = info.title if info and info.title else get(first, "title").strip()
    url = info.url if info else None
    site = info.site if info and info.site else (get(first, "site").strip() or None)
    thread = Thread(source=None, layout=None, title=title, article="", site=site, url=url,
                    format=NAME, thread_id=tid or None,
                    published=info.published if info else None,
                    author=info.author if info else None)
    posts: list[Post] = []
    article_found = False
    depth_stack: list[str] = []
    role_of: dict[str, str] = {}
    for i, (line, record) in enumerate(records):
        key = get(record, "key").strip() or f"row{line}"
        if tid and key == tid and "key" in roles and not article_found:
            thread.article = get(record, "text")
            article_found = True
            if thread.author is None:
                thread.author = get(record, "author").strip() or None
            if thread.published is None:
                thread.published = _stamp(get(record, "date"))
            continue
        parent: str | None = None
        if "parent" in roles:
            value = get(record, "parent").strip()
            parent = None if value.lower() in _ROOT_PARENTS or value == tid else value
        elif "depth" in roles:
            depth = _int(get(record, "depth"))
            if depth is not None and depth >= 0:
                del depth_stack[depth:]
                parent = depth_stack[-1] if depth_stack else None
                depth_stack.append(key)
        status = get(record, "status").strip() or None
        platform = get(record, "platform").strip() if "platform" in roles else key
        role = get(record, "role").strip()
        if role and platform:
            role_of[platform] = "maintainer" if role.upper() in _MAINTAINER else (
                role.lower() if role.lower() in _ROLES else "")
        posts.append(Post(key=key, parent=parent, text=get(record, "text"),
                          author=get(record, "author").strip() or None,
                          timestamp=_stamp(get(record, "date")),
                          score=_int(get(record, "score")),
                          permalink=get(record, "link").strip() or None,
                          status=status, platform_id=platform or None, line=line,
                          order=i))
    thread.comments = assemble(posts, thread.warnings)
    if role_of:
        for c in thread.comments:
            c.role = role_of.get(c.platform_id or "") or None
    if not article_found and not title:
        thread.warnings.append("the table names no thread title or article (no thread "
                               "column or thread list beside it); article unknown")
    elif not article_found:
        thread.warnings.append("no row holds the thread's own post; article unknown")
    if not posts:
        thread.warnings.append("no comment rows for this thread (only its own post)")
    attach_quotes_and_targets(thread)
    return thread
