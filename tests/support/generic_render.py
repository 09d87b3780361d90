"""Random comment trees (:class:`tests.support.export_render.Tree`) written in the JSON
forms the generic reader and its platform field tables read (:mod:`discourse.read.generic`,
:mod:`discourse.read.platforms`), for round-trip property tests: each renderer writes a
tree in the platform's documented structure and the reader must give back
:func:`~tests.support.export_render.expected` (dotted ids, depth-first, siblings in
insertion order).

Flat forms (a forum thread, a comment board without replies) take :func:`flat` trees.
"""

from __future__ import annotations

import html
import random
from datetime import UTC, datetime

import orjson

from tests.support.export_render import BASE_TIME, Node, Tree, _children

__all__ = ["bilibili", "bluesky", "commento", "daum", "disqus_api", "flat", "generic_depth",
           "generic_nested", "generic_parent_ndjson", "generic_path", "guardian", "hive",
           "hnpwa", "isso", "lemmy", "mastodon", "twinoid"]


def flat(t: Tree) -> Tree:
    """``t`` with every node answering the article (the tree of a flat form)."""
    return Tree(t.key, t.title, t.article, [Node(None, n.author, n.paragraphs)
                                           for n in t.nodes])


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))


def _iso(seconds: int, zone: str = "Z") -> str:
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return stamp + zone


def _number(t: Tree) -> int:
    return int("".join(ch for ch in t.key if ch.isdigit()) or "1")


def _nested(t: Tree, make) -> list[dict]:
    """Nested records: ``make(i, replies)`` for node ``i`` with its built replies."""
    kids = _children(t)
    built: dict[int, dict] = {}
    for i in reversed(range(len(t.nodes))):
        built[i] = make(i, [built[k] for k in kids.get(i, [])])
    return [built[i] for i in kids.get(None, [])]


def _top(t: Tree, i: int) -> int:
    while t.nodes[i].parent is not None:
        i = t.nodes[i].parent  # type: ignore[assignment]
    return i


def _descendants(t: Tree, top: int) -> list[int]:
    """The nodes under ``top`` in display order (depth first)."""
    kids = _children(t)
    out: list[int] = []
    stack = list(reversed(kids.get(top, [])))
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(reversed(kids.get(i, [])))
    return out


# -- platforms ---------------------------------------------------------------------------

def hnpwa(t: Tree) -> bytes:
    """An HNPWA item: ``comments`` nested, with ``level``."""
    base = _number(t) * 1000
    levels: dict[int, int] = {}
    for i, node in enumerate(t.nodes):
        levels[i] = 0 if node.parent is None else levels[node.parent] + 1

    def make(i: int, replies: list[dict]) -> dict:
        return {"id": base + 1 + i, "level": levels[i], "user": t.nodes[i].author,
                "time": BASE_TIME + i, "time_ago": "a year ago",
                "content": _html(t.nodes[i].text), "comments": replies}

    return orjson.dumps({"id": base, "title": t.title, "points": 3, "user": "poster",
                         "time": BASE_TIME, "time_ago": "a year ago", "type": "ask",
                         "content": _html(t.article), "comments_count": len(t.nodes),
                         "comments": _nested(t, make)})


def bilibili(t: Tree) -> bytes:
    """A Bilibili reply page: root comments in ``data.replies``, every descendant in its
    root's ``replies`` with ``parent`` naming the comment it answers."""
    base = _number(t) * 1000

    def reply(i: int) -> dict:
        node = t.nodes[i]
        top = _top(t, i)
        return {"rpid": base + 1 + i, "oid": 99, "type": 1, "mid": i,
                "root": 0 if node.parent is None else base + 1 + top,
                "parent": 0 if node.parent is None else base + 1 + node.parent,
                "ctime": BASE_TIME + i, "like": i, "member": {"mid": str(i), "uname": node.author},
                "content": {"message": node.text, "members": []}, "replies": None}

    tops = []
    for i in _children(t).get(None, []):
        record = reply(i)
        record["replies"] = [reply(k) for k in _descendants(t, i)]
        tops.append(record)
    return orjson.dumps({"code": 0, "message": "0", "ttl": 1,
                         "data": {"page": {"num": 1, "size": 20, "count": len(tops),
                                           "acount": len(t.nodes)},
                                  "replies": tops, "upper": {"mid": 7}}})


def guardian(t: Tree) -> bytes:
    """A Guardian discussion: top-level comments with every descendant in their
    ``responses``, each naming the comment it answers in ``responseTo.commentId``."""
    base = _number(t) * 1000

    def comment(i: int) -> dict:
        node = t.nodes[i]
        out = {"id": base + 1 + i, "body": _html(node.text), "isoDateTime": _iso(BASE_TIME + i),
               "status": "visible", "numRecommends": i,
               "webUrl": f"https://discussion.theguardian.com/comment-permalink/{base + 1 + i}",
               "userProfile": {"userId": str(i), "displayName": node.author}}
        if node.parent is not None:
            out["responseTo"] = {"displayName": t.nodes[node.parent].author,
                                 "commentId": str(base + 1 + node.parent)}
        return out

    tops = []
    for i in _children(t).get(None, []):
        record = comment(i)
        record["responses"] = [comment(k) for k in _descendants(t, i)]
        tops.append(record)
    return orjson.dumps({"status": "ok", "discussion": {
        "key": f"/p/{t.key}", "title": t.title, "commentCount": len(t.nodes),
        "webUrl": f"https://www.theguardian.com/world/2020/jan/01/{t.key}",
        "isThreaded": True, "comments": tops}})


def twinoid(ts: list[Tree]) -> bytes:
    """A Twinoid forum archive of flat threads: the article is post 0."""
    threads = []
    for t in ts:
        posts = [{"authorID": 1, "id": 0, "deducedDate": "2013-01-01",
                  "displayedDate": "Le 01 janvier 2013", "content": _html(t.article)}]
        for i, node in enumerate(t.nodes):
            posts.append({"authorID": 100 + len(node.author), "id": i + 1,
                          "deducedDate": "2013-01-02", "displayedDate": "Le 02 janvier 2013",
                          "content": _html(node.text)})
        threads.append({"title": t.title, "id": _number(t), "commentsCount": len(posts),
                        "comments": posts})
    return orjson.dumps({"utcOffset": 1, "threads": threads})


def daum(t: Tree) -> bytes:
    """A Daum comment page of a flat tree (``parentId`` 0)."""
    return orjson.dumps([
        {"id": 5000 + i, "postId": _number(t), "forumId": -99, "parentId": 0, "type": "COMMENT",
         "content": node.text, "createdAt": _iso(BASE_TIME + i, "+0900"), "childCount": 0,
         "likeCount": i, "user": {"displayName": node.author, "username": ""}}
        for i, node in enumerate(t.nodes)])


def disqus_api(ts: list[Tree], seed: int) -> bytes:
    """A Disqus ``threads/listPosts``-style response of several threads, newest first
    (the API's default), ``parent`` ids as numbers."""
    rng = random.Random(seed)
    posts = []
    for t in ts:
        base = _number(t) * 1000
        for i, node in enumerate(t.nodes):
            posts.append((BASE_TIME + i * 7 + rng.randint(0, 3), {
                "id": str(base + 1 + i), "thread": t.key, "forum": "testforum",
                "parent": None if node.parent is None else base + 1 + node.parent,
                "message": _html(node.text), "raw_message": node.text,
                "author": {"name": node.author, "isAnonymous": False},
                "isDeleted": False, "isSpam": False, "isApproved": True, "likes": 0}))
    for stamp, post in posts:
        post["createdAt"] = _iso(stamp, "")
    posts.sort(key=lambda p: p[0], reverse=True)
    return orjson.dumps({"code": 0, "cursor": {"more": False},
                         "response": [p for _, p in posts]})


def lemmy(t: Tree) -> bytes:
    """A Lemmy post view with its comment views (``comment.path``)."""
    base = _number(t) * 1000
    paths: dict[int, str] = {}
    comments = []
    for i, node in enumerate(t.nodes):
        own = str(base + 1 + i)
        paths[i] = ("0" if node.parent is None else paths[node.parent]) + "." + own
        comments.append({"comment": {"id": base + 1 + i, "post_id": _number(t),
                                     "content": node.text, "path": paths[i],
                                     "published": _iso(BASE_TIME + i, ""), "deleted": False,
                                     "removed": False,
                                     "ap_id": f"https://lemmy.example/comment/{own}"},
                         "creator": {"id": i, "name": node.author},
                         "counts": {"score": i, "child_count": 0}})
    return orjson.dumps({"post_view": {"post": {"id": _number(t), "name": t.title,
                                                "body": t.article,
                                                "ap_id": "https://lemmy.example/post/1"},
                                       "creator": {"name": "poster"},
                                       "community": {"name": "test",
                                                     "actor_id": "https://lemmy.example/c/test"}},
                         "comments": comments})


def mastodon(t: Tree) -> bytes:
    """The context of a thread's first status (not itself in the response): every other
    status in ``descendants``, ``in_reply_to_id`` naming the one it answers."""
    root = str(_number(t) * 1000)
    descendants = []
    for i, node in enumerate(t.nodes):
        ident = str(_number(t) * 1000 + 1 + i)
        parent = root if node.parent is None else str(_number(t) * 1000 + 1 + node.parent)
        descendants.append({"id": ident, "in_reply_to_id": parent,
                            "created_at": _iso(BASE_TIME + i), "content": _html(node.text),
                            "url": f"https://social.example/@{node.author}/{ident}",
                            "account": {"username": node.author, "acct": node.author},
                            "favourites_count": 0})
    return orjson.dumps({"ancestors": [], "descendants": descendants})


def bluesky(t: Tree) -> bytes:
    """``getPostThread`` of a thread's root post: nested thread views."""
    did = "did:plc:test"

    def uri(i: int | None) -> str:
        return f"at://{did}/app.bsky.feed.post/{t.key}r" if i is None else \
            f"at://{did}/app.bsky.feed.post/{t.key}c{i}"

    def view(i: int | None, replies: list[dict]) -> dict:
        node = t.nodes[i] if i is not None else None
        record: dict = {"$type": "app.bsky.feed.post",
                        "text": t.article if node is None else node.text,
                        "createdAt": _iso(BASE_TIME + (0 if i is None else i + 1))}
        if node is not None:
            record["reply"] = {"root": {"uri": uri(None)}, "parent": {"uri": uri(node.parent)}}
        return {"$type": "app.bsky.feed.defs#threadViewPost",
                "post": {"uri": uri(i), "cid": "bafy",
                         "author": {"did": did, "handle": "poster.test" if node is None
                                    else node.author},
                         "record": record, "likeCount": 0},
                "replies": replies}

    kids = _children(t)
    built: dict[int, dict] = {}
    for i in reversed(range(len(t.nodes))):
        built[i] = view(i, [built[k] for k in kids.get(i, [])])
    return orjson.dumps({"thread": view(None, [built[i] for i in kids.get(None, [])])})


def hive(t: Tree) -> bytes:
    """``bridge.get_discussion``: posts keyed by ``author/permlink``, the root included."""
    def permlink(i: int) -> str:
        return f"re-{t.key}-{i}"

    root_author, root_permlink = "poster", f"post-{t.key}"
    out = {f"{root_author}/{root_permlink}": {
        "author": root_author, "permlink": root_permlink, "title": t.title, "body": t.article,
        "created": _iso(BASE_TIME, ""), "depth": 0, "parent_author": "",
        "parent_permlink": "hive-1", "category": "hive-1", "net_votes": 1}}
    for i, node in enumerate(t.nodes):
        if node.parent is None:
            pa, pp = root_author, root_permlink
        else:
            pa, pp = t.nodes[node.parent].author, permlink(node.parent)
        out[f"{node.author}/{permlink(i)}"] = {
            "author": node.author, "permlink": permlink(i), "title": "", "body": node.text,
            "created": _iso(BASE_TIME + 1 + i, ""), "depth": 1, "parent_author": pa,
            "parent_permlink": pp, "category": "hive-1", "net_votes": 0}
    return orjson.dumps(out)


def commento(ts: list[Tree]) -> bytes:
    """A Commento export of several pages (one tree each)."""
    comments, commenters = [], {}
    for t in ts:
        for i, node in enumerate(t.nodes):
            hexid = f"{t.key}x{i}"
            commenter = f"h{node.author}"
            commenters[commenter] = {"commenterHex": commenter, "name": node.author,
                                     "email": f"{node.author}@example.org"}
            comments.append({"commentHex": hexid, "domain": "blog.example.org",
                             "url": f"/{t.key}/", "commenterHex": commenter,
                             "markdown": node.text, "html": "",
                             "parentHex": "root" if node.parent is None else f"{t.key}x{node.parent}",
                             "score": 0, "state": "approved",
                             "creationDate": _iso(BASE_TIME + i), "deleted": False})
    return orjson.dumps({"version": 1, "comments": comments,
                         "commenters": list(commenters.values())})


def isso(t: Tree) -> bytes:
    """An Isso ``GET /?uri=`` response, replies nested with ``parent`` ids."""
    def make(i: int, replies: list[dict]) -> dict:
        node = t.nodes[i]
        return {"id": i + 1, "parent": None if node.parent is None else node.parent + 1,
                "created": BASE_TIME + i + 0.5, "modified": None, "mode": 1,
                "text": _html(node.text), "author": node.author, "website": None,
                "likes": 0, "dislikes": 0, "hash": "abc", "total_replies": len(replies),
                "hidden_replies": 0, "replies": replies}

    tops = _nested(t, make)
    return orjson.dumps({"id": None, "total_replies": len(tops), "hidden_replies": 0,
                         "replies": tops})


# -- shapes only the generic reader knows ----------------------------------------------

def generic_nested(t: Tree) -> bytes:
    """An unnamed API: ``{"thread": {…}, "items": [{"key", "by", "body" (HTML),
    "posted_at", "replies": […]}]}``."""
    def make(i: int, replies: list[dict]) -> dict:
        node = t.nodes[i]
        return {"key": f"k{i}", "by": node.author, "body": _html(node.text),
                "posted_at": _iso(BASE_TIME + i), "replies": replies}

    return orjson.dumps({"thread": {"title": t.title, "content": _html(t.article)},
                         "items": _nested(t, make)})


def generic_parent_ndjson(t: Tree) -> bytes:
    """NDJSON records naming their parent (``reply_to``), times in milliseconds."""
    lines = [orjson.dumps({"comment_id": i + 1, "reply_to": None if n.parent is None
                           else n.parent + 1, "username": n.author, "message": _html(n.text),
                           "timestamp": (BASE_TIME + i) * 1000})
             for i, n in enumerate(t.nodes)]
    return b"\n".join(lines) + b"\n"


def generic_path(t: Tree) -> bytes:
    """Records with a materialised path of ids (``"3.7.12"``) and RFC 2822 dates."""
    paths: dict[int, str] = {}
    out = []
    for i, node in enumerate(t.nodes):
        paths[i] = (f"{paths[node.parent]}." if node.parent is not None else "") + str(i + 1)
        stamp = datetime.fromtimestamp(BASE_TIME + i, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        out.append({"id": i + 1, "path": paths[i], "author": node.author,
                    "text": _html(node.text), "date": stamp})
    return orjson.dumps({"title": t.title, "comments": out})


def generic_depth(t: Tree) -> bytes:
    """Records in display order with a ``depth`` and no ids."""
    kids = _children(t)
    out = []
    stack = [(i, 0) for i in reversed(kids.get(None, []))]
    while stack:
        i, depth = stack.pop()
        out.append({"depth": depth, "author": t.nodes[i].author, "comment": _html(t.nodes[i].text),
                    "created": _iso(BASE_TIME + i)})
        stack.extend((k, depth + 1) for k in reversed(kids.get(i, [])))
    return orjson.dumps({"discussion": out})
