"""Twitter/X API v2 tweets: one response (``data`` with ``includes.users`` and
``includes.tweets``), a JSON array of responses, JSON lines of responses (``twarc2
search``/``conversation`` output) or of single tweets (``twarc2 flatten``: each tweet
with its ``author`` object inlined); one thread per ``conversation_id``.  API v1.1 tweets
(``id_str``, ``full_text``, ``user.screen_name``, ``in_reply_to_status_id_str``, as older
collections such as PHEME hold them) are read too: without a ``conversation_id``, a
conversation is a reply chain's first tweet (in the file or not) with everything below it.

The conversation's first tweet (``id`` = ``conversation_id``, from ``data`` or
``includes.tweets``) is the article and its author ``Thread.author``.  Every other tweet of
the conversation answers the tweet its ``referenced_tweets`` entry of type
``replied_to`` names (a reply to the first tweet answers the article); a reply to a tweet
not in the file is shown as answering the article, with a warning.  Siblings are in time
order (tweet ids grow with time).  A tweet quoting (``quoted``) a tweet of the conversation
without replying gets it as ``target_id``; retweets are not comments and are left out.

Per tweet: ``id`` → ``platform_id``, the author's ``username`` (from ``includes.users``
by ``author_id``, or the inlined ``author``) → author, ``created_at`` → timestamp,
``public_metrics.like_count`` → score, ``text`` (``note_tweet.text`` for a long tweet;
the API's ``&amp;``/``&lt;``/``&gt;`` decoded) → text.  ``Thread.site`` is ``x.com/<author>``,
the title the first tweet's first line.  ``public_metrics.reply_count`` of the first tweet
above the replies present (a search window of seven days, deleted or protected replies)
sets ``Thread.missing``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.detect import has_keys
from discourse.read.source import Document
from discourse.read.structured import iso_utc, json_records, load_json, unknown_json
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read", "sniff"]

NAME = "twitter-json"
DESCRIBES = "Twitter/X API v2 tweets (data + includes, conversation_id)"
SYNTAX = "json"
STATUS = "https://x.com/{user}/status/{id}"


def sniff(head: bytes) -> str | None:
    """Tweet fields of API v2: ``conversation_id`` or ``referenced_tweets``, with
    ``author_id``, ``edit_history_tweet_ids`` or a response's ``data``/``includes``; or
    API v1.1 tweets (``in_reply_to_status_id`` with a ``user``'s ``screen_name``)."""
    if (has_keys(head, "conversation_id") or has_keys(head, "referenced_tweets")) and (
            has_keys(head, "author_id") or has_keys(head, "edit_history_tweet_ids")
            or has_keys(head, "includes")):
        return "JSON with Twitter API v2 tweets (conversation_id, author_id)"
    if (has_keys(head, "in_reply_to_status_id_str") or has_keys(head, "in_reply_to_status_id")) \
            and has_keys(head, "screen_name"):
        return "JSON with Twitter API v1.1 tweets (in_reply_to_status_id, user.screen_name)"
    return None


def _str(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value else None


def _values(doc: Document) -> list[Any]:
    data = doc.read_bytes()
    try:
        return [load_json(doc, data)]
    except InputError:
        lines = [(n, line) for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]
        if len(lines) < 2:
            raise
        return [value for _, value in json_records(doc, lines)]  # bad lines: warned


class _Collected:
    def __init__(self) -> None:
        self.tweets: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.users: dict[str, str] = {}

    def tweet(self, t: dict[str, Any], primary: bool) -> None:
        if isinstance(t.get("user"), dict) and "author_id" not in t:
            t = _from_v1(t)
        tid = _str(t.get("id"))
        if tid is None or not isinstance(t.get("text", t.get("note_tweet")), str | dict):
            return
        author = t.get("author")
        if isinstance(author, dict) and _str(author.get("id")) and _str(author.get("username")):
            self.users[_str(author["id"])] = author["username"]  # type: ignore[index]
        if tid not in self.tweets:
            self.order.append(tid)
            self.tweets[tid] = t
        elif primary:
            self.tweets[tid] = t

    def add(self, value: Any) -> None:
        stack = [value]
        while stack:
            v = stack.pop()
            if isinstance(v, list):
                stack.extend(reversed(v))
                continue
            if not isinstance(v, dict):
                continue
            if "data" in v or "includes" in v:
                includes = v.get("includes") if isinstance(v.get("includes"), dict) else {}
                for user in includes.get("users") or []:
                    if isinstance(user, dict) and _str(user.get("id")) and _str(user.get("username")):
                        self.users[_str(user["id"])] = user["username"]  # type: ignore[index]
                data = v.get("data")
                for t in data if isinstance(data, list) else [data]:
                    if isinstance(t, dict):
                        self.tweet(t, True)
                for t in includes.get("tweets") or []:
                    if isinstance(t, dict):
                        self.tweet(t, False)
            elif ("id" in v or "id_str" in v) and (
                    "text" in v or "note_tweet" in v or "full_text" in v):
                self.tweet(v, True)
                ref = v.get("referenced_tweets")
                for r in ref if isinstance(ref, list) else []:
                    if isinstance(r, dict) and isinstance(r.get("tweet"), dict):
                        self.tweet(r["tweet"], False)


_V1_TIME = "%a %b %d %H:%M:%S %z %Y"


def _from_v1(t: dict[str, Any]) -> dict[str, Any]:
    """An API v1.1 tweet (``id_str``, ``full_text``, ``user.screen_name``,
    ``in_reply_to_status_id_str``) in the v2 fields this reader uses."""
    from datetime import UTC, datetime

    user = t["user"]
    extended = t.get("extended_tweet")
    text = (extended.get("full_text") if isinstance(extended, dict) else None) or t.get(
        "full_text") or t.get("text")
    refs = []
    for kind, key in (("replied_to", "in_reply_to_status_id"),
                      ("quoted", "quoted_status_id")):
        ref = _str(t.get(f"{key}_str")) or _str(t.get(key))
        if ref:
            refs.append({"type": kind, "id": ref})
    retweeted = t.get("retweeted_status")
    if isinstance(retweeted, dict) and (_str(retweeted.get("id_str")) or _str(retweeted.get("id"))):
        refs.append({"type": "retweeted",
                     "id": _str(retweeted.get("id_str")) or _str(retweeted.get("id"))})
    stamp = None
    if isinstance(t.get("created_at"), str):
        try:
            stamp = datetime.strptime(t["created_at"], _V1_TIME).astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            stamp = t["created_at"]
    likes = t.get("favorite_count")
    return {"id": _str(t.get("id_str")) or _str(t.get("id")), "text": text,
            "author": {"id": _str(user.get("id_str")) or _str(user.get("id")),
                       "username": user.get("screen_name")},
            "created_at": stamp, "referenced_tweets": refs,
            "public_metrics": {"like_count": likes} if isinstance(likes, int) else {}}


def _refs(t: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    refs = t.get("referenced_tweets")
    for r in refs if isinstance(refs, list) else []:
        if isinstance(r, dict) and isinstance(r.get("type"), str) and _str(r.get("id")):
            out.setdefault(r["type"], _str(r["id"]))  # type: ignore[arg-type]
    return out


def _text(t: dict[str, Any]) -> str:
    note = t.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        return html.unescape(note["text"])
    text = t.get("text")
    return html.unescape(text) if isinstance(text, str) else ""


def _chain_root(tid: str, tweets: dict[str, dict[str, Any]]) -> str:
    """The first tweet of a reply chain (API v1.1 has no ``conversation_id``): the
    topmost ``replied_to`` ancestor, in the file or not."""
    seen = {tid}
    while True:
        parent = _refs(tweets[tid]).get("replied_to") if tid in tweets else None
        if parent is None or parent in seen:
            return tid
        seen.add(parent)
        tid = parent


def _sort_key(tid: str) -> tuple[int, int, str]:
    return (0, int(tid), "") if tid.isdigit() else (1, 0, tid)


def read(doc: Document) -> Iterator[Thread]:
    """One thread per conversation (see the module docs)."""
    found = _Collected()
    for value in _values(doc):
        found.add(value)
    if not found.tweets:
        raise unknown_json(doc, "no Twitter API v2 tweets (id, text)")
    conversations: dict[str, list[str]] = {}
    retweets = 0
    for tid in found.order:
        t = found.tweets[tid]
        if "retweeted" in _refs(t):
            retweets += 1
            continue
        conv = _str(t.get("conversation_id")) or _chain_root(tid, found.tweets)
        conversations.setdefault(conv, []).append(tid)
    for conv, ids in conversations.items():
        thread = _thread(conv, ids, found)
        if retweets:
            thread.warnings.append(f"{retweets} retweet(s) in the file left out")
        if doc.explaining:
            doc.explain.append(f"twitter: conversation {conv}: {len(thread.comments)} "
                               f"repl(ies)")
        yield thread


def _thread(conv: str, ids: list[str], found: _Collected) -> Thread:
    root = found.tweets.get(conv)

    def user(t: dict[str, Any]) -> str | None:
        inline = t.get("author")
        if isinstance(inline, dict) and _str(inline.get("username")):
            return inline["username"]
        return found.users.get(_str(t.get("author_id")) or "")

    author = user(root) if root else None
    text = _text(root) if root else ""
    thread = Thread(source=None, layout=None,
                    title=(text.strip().split("\n", 1)[0][:100] if text else ""),
                    article=text, site=f"x.com/{author}" if author else "x.com",
                    url=STATUS.format(user=author, id=conv) if author else None,
                    format=NAME, thread_id=conv,
                    published=iso_utc(_str(root.get("created_at"))) if root else None,
                    author=author)
    if root is None:
        thread.warnings.append(f"the conversation's first tweet ({conv}) is not in the file; "
                               f"article unknown")
    members = set(ids) - {conv}
    posts: list[Post] = []
    quotes: dict[str, str] = {}
    outside = 0
    for tid in sorted(members, key=_sort_key):
        t = found.tweets[tid]
        refs = _refs(t)
        parent = refs.get("replied_to")
        if parent == conv:
            parent = None
        elif parent is not None and parent not in members:
            outside += 1
            parent = None
        if "replied_to" not in refs and refs.get("quoted") in members:
            quotes[tid] = refs["quoted"]
        name = user(t)
        metrics = t.get("public_metrics") if isinstance(t.get("public_metrics"), dict) else {}
        likes = metrics.get("like_count")
        posts.append(Post(key=tid, parent=parent, text=_text(t), author=name,
                          timestamp=iso_utc(_str(t.get("created_at"))),
                          score=likes if isinstance(likes, int) and not isinstance(likes, bool)
                          else None,
                          permalink=STATUS.format(user=name or "i", id=tid), platform_id=tid))
    thread.comments = assemble(posts, thread.warnings)
    if quotes:
        by_pid = {c.platform_id: c.id for c in thread.comments}
        for c in thread.comments:
            quoted = quotes.get(c.platform_id or "")
            if quoted in by_pid and c.parent_id is None:
                c.target_id = by_pid[quoted]
    if outside:
        thread.warnings.append(f"{outside} tweet(s) reply to a tweet not in the file; shown "
                               f"as answering the article")
    metrics = root.get("public_metrics") if root and isinstance(root.get("public_metrics"),
                                                                  dict) else {}
    replies = metrics.get("reply_count")
    direct = sum(1 for p in posts if p.parent is None)
    if isinstance(replies, int) and not isinstance(replies, bool) and replies > direct:
        thread.missing = replies - direct
        thread.warnings.append(f"{thread.missing} direct repl(ies) not in the file (the first "
                               f"tweet counts {replies})")
    if not posts:
        thread.warnings.append("no comments: no replies to the first tweet in this file")
    attach_quotes_and_targets(thread)
    return thread
