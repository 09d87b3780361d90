"""GitHub issue, pull request and discussion comments, as the GitHub APIs give them.

**REST** (``api.github.com``): an issue or pull request object (``/repos/O/R/issues/N``:
``number``, ``title``, ``body``, ``user.login``, ``created_at``, ``html_url``,
``author_association``, ``comments`` = how many) and its comments (``…/issues/N/comments``:
an array of ``id``, ``body``, ``user.login``, ``created_at``, ``html_url``,
``author_association``, ``issue_url``), in one file or two:

* one file: ``{"issue": {…}, "comments": […]}`` (also ``pull_request``); an array whose
  first element is the issue and the rest its comments; an issue whose ``comments`` (or
  ``comment_data``, as python-github-backup writes) is the comment array;
* two files: the issue as ``X.json`` and its comments beside it as ``X.comments.json``
  (also ``X_comments.json``; ``issue.json``/``pull.json`` with ``comments.json``), and a pull
  request's review comments as ``X.review_comments.json`` (``/pulls/N/comments``: a
  ``diff_hunk``, a ``path``, and ``in_reply_to_id`` for a reply in a review thread).  The
  issue file reads them all; a comments file read on its own finds its issue beside it (and
  then yields nothing: the issue file reads it), else each ``issue_url`` it names is a
  thread whose title and article are unknown.

**GraphQL**: ``{"data": {"repository": {"discussion" | "issue" | "pullRequest": {…}}}}``
with ``title``, ``body``, ``author.login``, ``createdAt``, ``url``, ``number`` and
``comments.nodes`` (a discussion comment's ``replies.nodes`` are its replies).

The issue body is the article (``Thread.author`` its author).  Issue comments are flat:
each answers the issue, and ``@login`` or a ``> `` quote at its start gives ``target_id``
(the thread-wide rule).  Keys (``Comment.platform_id``): the comment ``id`` (GraphQL:
``databaseId``, else the node ``id``).  ``author_association`` OWNER, MEMBER or
COLLABORATOR gives ``role = "maintainer"``.  Reactions (``reactions.total_count``,
``upvoteCount``) are the score; a minimised comment (``isMinimized``: spam, off-topic,
abuse, outdated) keeps its text with ``status = "hidden"``.  A deleted account is
``ghost``, as GitHub shows it.  ``Thread.site`` is ``github.com/O/R``, ``thread_id``
``O/R#N``; the issue's ``comments`` count above the comments present sets
``Thread.missing`` (the API pages comments 30 at a time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble, note_statuses
from discourse.read.companions import beside, read_with, unpacked_name
from discourse.read.detect import has_keys
from discourse.read.htmltext import html_to_text
from discourse.read.source import Document
from discourse.read.structured import iso_utc, load_json, unknown_json
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read", "sniff"]

NAME = "github-json"
DESCRIBES = "GitHub issue/PR/discussion comments (REST or GraphQL API JSON)"
SYNTAX = "json"

MAINTAINER = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
_REPO = re.compile(r"https?://(?:api\.)?github\.com/(?:repos/)?([^/\s]+)/([^/\s#?]+)")
_COMMENTS_PART = re.compile(r"([._-])(?:comments)(?=\.json$)", re.I)
_API_ITEM = re.compile(rb'"https://api\.github\.com/repos/[^"/]+/[^"/]+/(?:issues|pulls)/'
                       rb'(?:comments/)?\d+"')
_ISSUE_NAMES = ("issue.json", "pull.json", "pr.json", "pull_request.json", "discussion.json")


def sniff(head: bytes) -> str | None:
    """GitHub's ``author_association`` (REST), an issue or comment API address with a
    ``body`` (older REST responses), or ``authorAssociation`` with a discussion, issue or
    pull request (GraphQL)."""
    if has_keys(head, "author_association"):
        return "JSON with GitHub REST author_association (issue/comments)"
    if has_keys(head, "body") and _API_ITEM.search(head):
        return "JSON with GitHub REST issue/comment addresses (api.github.com/repos/…)"
    if has_keys(head, "authorAssociation") and (
            has_keys(head, "discussion") or has_keys(head, "issue")
            or has_keys(head, "pullRequest") or has_keys(head, "comments")):
        return "JSON with GitHub GraphQL authorAssociation (discussion/issue comments)"
    return None


# -- shapes -------------------------------------------------------------------------------------

def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_issue(obj: object) -> bool:
    return isinstance(obj, dict) and "number" in obj and "title" in obj and (
        "body" in obj or "user" in obj or "author" in obj)


def _is_comment(obj: object) -> bool:
    return isinstance(obj, dict) and "body" in obj and not _is_issue(obj) and (
        "issue_url" in obj or "pull_request_url" in obj or "user" in obj
        or "author_association" in obj)


def _embedded(issue: dict[str, Any]) -> list[Any] | None:
    for key in ("comment_data", "comments_data", "comments"):
        value = issue.get(key)
        if isinstance(value, list):
            return value
    return None


def _graphql_root(data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    stack: list[Any] = [data.get("data")]
    while stack:
        value = stack.pop()
        if not isinstance(value, dict):
            continue
        for kind in ("discussion", "issue", "pullRequest"):
            node = value.get(kind)
            if isinstance(node, dict) and ("comments" in node or "body" in node):
                return node, kind
        stack.extend(v for v in value.values() if isinstance(v, dict))
    return None


def comments_beside(path: Path) -> list[Path]:
    """The comment files beside an issue file ``X.json``: ``X.comments.json`` (or
    ``X_comments.json``, ``comments.json`` beside ``issue.json``) and
    ``X.review_comments.json``."""
    name = unpacked_name(path.name)
    stem = name[:-5] if name.lower().endswith(".json") else name
    out = []
    plain = ["comments.json"] if name.lower() in _ISSUE_NAMES else []
    review = ["review_comments.json"] if name.lower() in _ISSUE_NAMES else []
    for names in ([f"{stem}.comments.json", f"{stem}_comments.json", f"{stem}-comments.json",
                   *plain],
                  [f"{stem}.review_comments.json", f"{stem}_review_comments.json", *review]):
        found = beside(path, names)
        if found is not None:
            out.append(found)
    return out


def issue_beside(path: Path) -> Path | None:
    """The issue file beside a comments file (see :func:`comments_beside`)."""
    name = unpacked_name(path.name)
    names: list[str] = []
    for part in ("review_comments", "comments"):
        m = re.search(rf"[._-]{part}\.json$", name, re.I)
        if m:
            names.append(name[:m.start()] + ".json")
            break
    if name.lower() in ("comments.json", "review_comments.json"):
        names += list(_ISSUE_NAMES)
    return beside(path, names)


# -- reading ---------------------------------------------------------------------------------

def _load(path: Path, doc: Document) -> Any:
    try:
        return load_json(Document.at(path, doc.max_bytes))
    except InputError as exc:
        raise InputError(doc.source, f"file beside it: {exc}") from None


def read(doc: Document) -> Iterator[Thread]:
    """The threads of a GitHub API document (see the module docs).  Raises
    :class:`InputError` for malformed JSON or another shape."""
    data = load_json(doc)
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        found = _graphql_root(data)
        if found is None:
            raise unknown_json(doc, "a GraphQL response without a discussion, issue or "
                                    "pullRequest")
        yield _graphql_thread(*found)
        return
    issue: dict[str, Any] | None = None
    comments: list[Any] = []
    if isinstance(data, dict):
        for key in ("issue", "pull_request", "pull", "discussion"):
            if _is_issue(data.get(key)):
                issue = data[key]
                listed = data.get("comments")
                comments = listed if isinstance(listed, list) else []
                for extra in ("review_comments", "reviewComments"):
                    if isinstance(data.get(extra), list):
                        comments = comments + data[extra]
                break
        else:
            if _is_issue(data):
                issue = data
                comments = _embedded(data) or []
            elif _is_comment(data):
                comments = [data]
            else:
                raise unknown_json(doc, "not a GitHub issue, pull request or comment object")
    elif isinstance(data, list):
        if data and _is_issue(data[0]) and all(_is_comment(c) for c in data[1:]):
            issue, comments = data[0], data[1:]
        elif data and all(_is_issue(i) for i in data):
            for item in data:
                yield _rest_thread(item, _embedded(item) or [], doc, [])
            return
        else:
            comments = data
    else:
        raise unknown_json(doc, "not a GitHub issue or comment array")
    if issue is not None:
        used: list[Path] = []
        if not comments and not doc.is_folder:
            for path in comments_beside(doc.path):
                value = _load(path, doc)
                if isinstance(value, list):
                    comments = comments + value
                    used.append(path)
        yield _rest_thread(issue, comments, doc, used)
        return
    if not doc.is_folder:
        found = issue_beside(doc.path)
        if found is not None:
            read_with(doc, "github", "the comments", found)
            return
    groups: dict[str, list[Any]] = {}
    for c in comments:
        if not isinstance(c, dict):
            continue
        url = _str(c.get("issue_url")) or _str(c.get("pull_request_url")) or ""
        groups.setdefault(url, []).append(c)
    if not groups:
        raise unknown_json(doc, "an array without GitHub comments")
    for url, group in groups.items():
        stub: dict[str, Any] = {"url": url} if url else {}
        m = re.search(r"/(?:issues|pulls)/(\d+)$", url)
        if m:
            stub["number"] = int(m.group(1))
        thread = _rest_thread(stub, group, doc, [])
        thread.warnings.insert(0, "no issue object (X.json beside the comments file): title "
                                  "and article unknown")
        yield thread


def _repo(obj: dict[str, Any]) -> tuple[str | None, str | None]:
    for key in ("repository_url", "html_url", "url", "issue_url", "pull_request_url"):
        value = _str(obj.get(key))
        m = _REPO.match(value) if value else None
        if m:
            return m.group(1), m.group(2)
    return None, None


def _login(user: object, fallback: str = "ghost") -> str | None:
    if isinstance(user, dict):
        return _str(user.get("login")) or fallback
    return fallback if user is None else None


def _reactions(obj: dict[str, Any]) -> int | None:
    reactions = obj.get("reactions")
    if isinstance(reactions, dict):
        total = reactions.get("total_count", reactions.get("totalCount"))
        if isinstance(total, int) and not isinstance(total, bool):
            return total
    votes = obj.get("upvoteCount")
    return votes if isinstance(votes, int) and not isinstance(votes, bool) else None


def _body(obj: dict[str, Any]) -> str:
    body = obj.get("body")
    if isinstance(body, str):
        return body.replace("\r\n", "\n")
    if isinstance(obj.get("body_html"), str):
        return html_to_text(obj["body_html"])
    text = obj.get("body_text", obj.get("bodyText"))
    return text if isinstance(text, str) else ""


def _role(obj: dict[str, Any]) -> str | None:
    value = obj.get("author_association", obj.get("authorAssociation"))
    return "maintainer" if isinstance(value, str) and value.upper() in MAINTAINER else None


def _cid(obj: dict[str, Any]) -> str | None:
    for key in ("id", "databaseId"):
        value = obj.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    value = obj.get("id")
    return value if isinstance(value, str) and value else None


def _rest_thread(issue: dict[str, Any], comments: list[Any], doc: Document,
                 used: list[Path]) -> Thread:
    owner, repo = _repo(issue)
    if owner is None:
        for c in comments:
            if isinstance(c, dict):
                owner, repo = _repo(c)
                if owner:
                    break
    number = issue.get("number")
    number = number if isinstance(number, int) and not isinstance(number, bool) else None
    site = f"github.com/{owner}/{repo}" if owner else None
    url = _str(issue.get("html_url")) or (
        f"https://github.com/{owner}/{repo}/issues/{number}" if owner and number else None)
    thread_id = f"{owner}/{repo}#{number}" if owner and number else (
        str(number) if number is not None else _cid(issue))
    thread = Thread(source=None, layout=None, title=(_str(issue.get("title")) or "").strip(),
                    article=_body(issue), site=site, url=url, format=NAME,
                    thread_id=thread_id, published=iso_utc(_str(issue.get("created_at"))),
                    author=_login(issue.get("user")) if "user" in issue else None)
    posts: list[Post] = []
    roles: dict[str, str] = {}
    skipped = plain = 0
    items = sorted((c for c in comments if isinstance(c, dict)),
                   key=lambda c: _str(c.get("created_at")) or "")
    for c in items:
        cid = _cid(c)
        if cid is None:
            skipped += 1
            continue
        reply_to = c.get("in_reply_to_id")
        parent = str(reply_to) if isinstance(reply_to, int) and not isinstance(
            reply_to, bool) else None
        text = _body(c)
        path = _str(c.get("path"))
        if path and "diff_hunk" in c and parent is None:
            line = c.get("line") or c.get("original_line")
            text = f"[{path}{f':{line}' if isinstance(line, int) else ''}]\n\n{text}"
        posts.append(Post(key=cid, parent=parent, text=text, author=_login(c.get("user")),
                          timestamp=iso_utc(_str(c.get("created_at"))), score=_reactions(c),
                          permalink=_str(c.get("html_url")), platform_id=cid))
        if _role(c):
            roles[cid] = "maintainer"
        plain += "diff_hunk" not in c
    thread.comments = assemble(posts, thread.warnings)
    for comment in thread.comments:
        comment.role = roles.get(comment.platform_id or "")
    if skipped:
        thread.warnings.append(f"{skipped} comment(s) without an id skipped")
    count = issue.get("comments")
    if isinstance(count, int) and not isinstance(count, bool) and count > plain:
        thread.missing = count - plain
        thread.warnings.append(f"{thread.missing} comment(s) not in the files (the issue "
                               f"counts {count}; the API sends 30 a page)")
    if not posts:
        thread.warnings.append("no comments on this issue in the files")
    attach_quotes_and_targets(thread)
    if doc.explaining:
        doc.explain.append(f"github: {thread.thread_id or 'issue'}: {len(posts)} comment(s)"
                           + (f" from {', '.join(p.name for p in used)}" if used else ""))
    return thread


def _nodes(value: object) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        value = value.get("nodes", value.get("edges"))
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and isinstance(item.get("node"), dict):
            item = item["node"]
        if isinstance(item, dict):
            out.append(item)
    return out


def _graphql_thread(node: dict[str, Any], kind: str) -> Thread:
    url = _str(node.get("url"))
    m = _REPO.match(url) if url else None
    owner, repo = (m.group(1), m.group(2)) if m else (None, None)
    number = node.get("number")
    author = node.get("author")
    thread = Thread(source=None, layout=None, title=(_str(node.get("title")) or "").strip(),
                    article=_body(node), site=f"github.com/{owner}/{repo}" if owner else None,
                    url=url, format=NAME,
                    thread_id=f"{owner}/{repo}#{number}" if owner and isinstance(number, int)
                    else _cid(node), published=iso_utc(_str(node.get("createdAt"))),
                    author=_login(author))
    posts: list[Post] = []
    roles: dict[str, str] = {}

    def add(item: dict[str, Any], parent: str | None) -> str | None:
        cid = _cid(item)
        if cid is None:
            return None
        status = "hidden" if item.get("isMinimized") is True else None
        deleted = item.get("body") in (None, "") and item.get("deletedAt")
        posts.append(Post(key=cid, parent=parent, text="" if deleted else _body(item),
                          author=_login(item.get("author")),
                          timestamp=iso_utc(_str(item.get("createdAt"))),
                          score=_reactions(item), permalink=_str(item.get("url")),
                          status="deleted" if deleted else status, platform_id=cid))
        if _role(item):
            roles[cid] = "maintainer"
        return cid

    for item in _nodes(node.get("comments")):
        cid = add(item, None)
        if cid is not None:
            for reply in _nodes(item.get("replies")):
                add(reply, cid)
    thread.comments = assemble(posts, thread.warnings)
    for comment in thread.comments:
        comment.role = roles.get(comment.platform_id or "")
    note_statuses(thread, {
        "deleted": "{n} deleted comment(s) kept as placeholders (status 'deleted')",
        "hidden": "{n} minimised comment(s) (spam, off-topic, abuse, outdated) kept with "
                  "their text (status 'hidden')"})
    total = node.get("comments", {}).get("totalCount") if isinstance(
        node.get("comments"), dict) else None
    top = sum(1 for p in posts if p.parent is None)
    if isinstance(total, int) and not isinstance(total, bool) and total > top:
        thread.missing = total - top
        thread.warnings.append(f"{thread.missing} comment(s) not in the response (the "
                               f"{kind} counts {total}; GraphQL pages them)")
    if not posts:
        thread.warnings.append(f"no comments on this {kind} in the response")
    attach_quotes_and_targets(thread)
    return thread
