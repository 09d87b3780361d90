"""Random comment trees written in the platform forms of issue 21 (Stack Exchange dumps,
Telegram exports, YouTube InnerTube pages, Data API responses, yt-dlp info.json,
youtube-comment-downloader lines, GitHub REST and GraphQL, Twitter API v2, comment
tables), for round-trip tests: each reader must give back
:func:`tests.support.export_render.expected` of the tree.

Trees come from :mod:`tests.support.export_render` (``Tree``/``Node``, insertion =
time order).  Platforms that nest less deeply take trees of their shape:
:func:`two_level_tree` (YouTube, GitHub discussions: replies only under top-level
comments), :func:`flat_tree` (GitHub issue comments) and :func:`stackexchange_tree`
(question comments first, then answers, each with its comments).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import random
import zlib
from xml.sax.saxutils import quoteattr

from hypothesis import strategies as st

from tests.support.export_render import _AUTHOR, _PARAGRAPH, Node, Tree

__all__ = ["flat_tree", "two_level_tree", "stackexchange_tree", "stackexchange_dump",
           "telegram_export", "innertube_page", "youtube_api", "ytdlp_info",
           "downloader_lines", "github_rest", "github_discussion", "twitter_v2",
           "comment_table"]

BASE = 1_700_000_000


def _node(draw, parent: int | None) -> Node:
    return Node(parent, draw(_AUTHOR), draw(st.lists(_PARAGRAPH, min_size=1, max_size=3)))


@st.composite
def flat_tree(draw, key: str = "t1", max_nodes: int = 10) -> Tree:
    """Comments that all answer the article."""
    n = draw(st.integers(0, max_nodes))
    return Tree(key, draw(_PARAGRAPH), draw(_PARAGRAPH), [_node(draw, None) for _ in range(n)])


@st.composite
def two_level_tree(draw, key: str = "t1", max_nodes: int = 12) -> Tree:
    """Top-level comments and replies to them (no deeper)."""
    n = draw(st.integers(0, max_nodes))
    nodes: list[Node] = []
    for _ in range(n):
        tops = [j for j, node in enumerate(nodes) if node.parent is None]
        parent = draw(st.one_of(st.none(), st.sampled_from(tops))) if tops else None
        nodes.append(_node(draw, parent))
    return Tree(key, draw(_PARAGRAPH), draw(_PARAGRAPH), nodes)


@st.composite
def stackexchange_tree(draw, key: str = "100") -> tuple[Tree, int]:
    """``(tree, q)``: a question thread whose first ``q`` nodes are comments on the
    question, the next top-level nodes answers, and the rest comments on answers."""
    q = draw(st.integers(0, 3))
    answers = draw(st.integers(0, 3))
    nodes = [_node(draw, None) for _ in range(q + answers)]
    for _ in range(draw(st.integers(0, 5)) if answers else 0):
        nodes.append(_node(draw, draw(st.integers(q, q + answers - 1))))
    return Tree(key, draw(_PARAGRAPH), draw(_PARAGRAPH), nodes), q


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))


def _attr(value: str) -> str:
    return quoteattr(value, {"\n": "&#xA;", "\r": "&#xD;", "\t": "&#x9;"})


def _stamp(seconds: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def stackexchange_dump(t: Tree, q: int) -> tuple[bytes, bytes, bytes]:
    """``(Posts.xml, Comments.xml, Users.xml)`` of one question (see
    :func:`stackexchange_tree`)."""
    qid = int(t.key)
    users: dict[str, int] = {}

    def uid(name: str) -> int:
        return users.setdefault(name, 10 + len(users))

    posts = [f'  <row Id="{qid}" PostTypeId="1" CreationDate="{_stamp(BASE)}" Score="1" '
             f'Body={_attr(_html(t.article))} OwnerUserId="{uid("asker")}" '
             f'Title={_attr(t.title)} AnswerCount="{len(t.nodes)}" CommentCount="0" />']
    comments = []
    post_of: dict[int, int] = {}
    for i, node in enumerate(t.nodes):
        when = _stamp(BASE + 60 * (i + 1))
        if node.parent is None and i >= q:
            pid = qid + 1 + i
            post_of[i] = pid
            posts.append(f'  <row Id="{pid}" PostTypeId="2" ParentId="{qid}" CreationDate="{when}" '
                         f'Score="{i}" Body={_attr(_html(node.text))} '
                         f'OwnerUserId="{uid(node.author)}" CommentCount="0" />')
        else:
            on = qid if node.parent is None else post_of[node.parent]
            comments.append(f'  <row Id="{5000 + i}" PostId="{on}" Score="0" '
                            f'Text={_attr(node.text)} CreationDate="{when}" '
                            f'UserId="{uid(node.author)}" />')
    head = '<?xml version="1.0" encoding="utf-8"?>\n'
    people = [f'  <row Id="{n}" DisplayName={_attr(name)} />' for name, n in users.items()]
    return ((head + "<posts>\n" + "\n".join(posts) + "\n</posts>\n").encode(),
            (head + "<comments>\n" + "\n".join(comments) + "\n</comments>\n").encode(),
            (head + "<users>\n" + "\n".join(people) + "\n</users>\n").encode())


def telegram_export(t: Tree, seed: int) -> bytes:
    """A Telegram Desktop chat export: a service message, then the nodes as messages
    (``reply_to_message_id`` = the parent's id), texts as strings or entity lists."""
    rng = random.Random(seed)
    messages: list[dict] = [{"id": 1, "type": "service", "date": _stamp(BASE),
                             "date_unixtime": str(BASE), "actor": "admin",
                             "actor_id": "user1", "action": "pin_message", "text": ""}]
    for i, node in enumerate(t.nodes):
        text: object = node.text
        if rng.random() < 0.5 and " " in node.text:
            head, _, tail = node.text.partition(" ")
            text = [{"type": "bold", "text": head}, " " + tail]
        msg = {"id": 100 + i, "type": "message", "date": _stamp(BASE + i + 1),
               "date_unixtime": str(BASE + i + 1), "from": node.author,
               "from_id": f"user{zlib.crc32(node.author.encode())}", "text": text}
        if node.parent is not None:
            msg["reply_to_message_id"] = 100 + node.parent
        messages.append(msg)
    return json.dumps({"name": t.title, "type": "public_supergroup", "id": 4242,
                       "messages": messages}, ensure_ascii=False, indent=1).encode()


def _yt_id(t: Tree, i: int) -> str:
    node = t.nodes[i]
    if node.parent is None:
        return f"Ugz{t.key}x{i:04d}AaABAg"
    return f"{_yt_id(t, node.parent)}.9r{i:08d}"


def innertube_page(t: Tree, video: str = "Rt0Video001") -> tuple[bytes, bytes]:
    """``(comments page, watch page)``: InnerTube ``next`` responses in the current
    encoding (view models + comment entities), replies in the same page."""
    token = base64.urlsafe_b64encode(b"\x12\x0d\x12\x0b" + video.encode()).decode()
    items, mutations = [], []
    for i, node in enumerate(t.nodes):
        cid = _yt_id(t, i)
        view = {"commentViewModel": {"commentViewModel": {
            "commentKey": f"K{i}", "toolbarStateKey": f"S{i}", "commentId": cid}}}
        items.append({"commentThreadRenderer": view} if node.parent is None else view)
        mutations.append({"entityKey": f"K{i}", "payload": {"commentEntityPayload": {
            "key": f"K{i}", "properties": {"commentId": cid, "content": {"content": node.text},
                                          "publishedTime": "1 day ago",
                                          "replyLevel": int(node.parent is not None)},
            "author": {"channelId": f"UC{node.author}", "displayName": node.author,
                       "isCreator": False},
            "toolbar": {"likeCountNotliked": str(i), "replyCount": ""}}}})
    page = {"responseContext": {"visitorData": "REDACTED"},
            "onResponseReceivedEndpoints": [{"reloadContinuationItemsCommand": {
                "targetId": "comments-section",
                "continuationItems": items + [{"continuationItemRenderer": {
                    "continuationEndpoint": {"continuationCommand": {"token": token}}}}]}}],
            "frameworkUpdates": {"entityBatchUpdate": {"mutations": mutations}}}
    watch = {"currentVideoEndpoint": {"watchEndpoint": {"videoId": video}},
             "contents": {"twoColumnWatchNextResults": {"results": {"results": {"contents": [
                 {"videoPrimaryInfoRenderer": {"title": {"runs": [{"text": t.title}]},
                                               "dateText": {"simpleText": "2 May 2024"}}},
                 {"videoSecondaryInfoRenderer": {
                     "owner": {"videoOwnerRenderer": {"title": {"runs": [{
                         "text": "Channel", "navigationEndpoint": {"browseEndpoint": {
                             "browseId": "UCchannel", "canonicalBaseUrl": "/@channel"}}}]}}},
                     "attributedDescription": {"content": t.article}}}]}}}}}
    return (json.dumps(page, ensure_ascii=False).encode(),
            json.dumps(watch, ensure_ascii=False).encode())


def youtube_api(t: Tree, video: str = "Rt0Video001") -> bytes:
    """A ``commentThreads.list`` response with ``part=snippet,replies``; replies listed
    newest first (the reader sorts them by time)."""
    def comment(i: int) -> dict:
        node = t.nodes[i]
        snippet = {"videoId": video, "textDisplay": html.escape(node.text).replace("\n", "<br>"),
                   "textOriginal": node.text, "authorDisplayName": node.author,
                   "authorChannelId": {"value": f"UC{node.author}"}, "likeCount": i,
                   "publishedAt": _stamp(BASE + 60 * i) + "Z"}
        if node.parent is not None:
            snippet["parentId"] = _yt_id(t, node.parent)
        return {"kind": "youtube#comment", "id": _yt_id(t, i), "snippet": snippet}

    items = []
    for i, node in enumerate(t.nodes):
        if node.parent is not None:
            continue
        replies = [comment(j) for j, n in enumerate(t.nodes) if n.parent == i]
        thread = {"kind": "youtube#commentThread", "id": _yt_id(t, i),
                  "snippet": {"videoId": video, "topLevelComment": comment(i),
                              "totalReplyCount": len(replies)}}
        if replies:
            thread["replies"] = {"comments": list(reversed(replies))}
        items.append(thread)
    return json.dumps({"kind": "youtube#commentThreadListResponse", "items": items},
                      ensure_ascii=False).encode()


def ytdlp_info(t: Tree, video: str = "Rt0Video001") -> bytes:
    """A yt-dlp ``info.json`` with ``comments``."""
    comments = [{"id": _yt_id(t, i), "parent": "root" if n.parent is None else _yt_id(t, n.parent),
                 "text": n.text, "author": n.author, "author_id": f"UC{n.author}",
                 "timestamp": BASE + i, "like_count": i, "author_is_uploader": False}
                for i, n in enumerate(t.nodes)]
    return json.dumps({"id": video, "title": t.title, "description": t.article,
                       "formats": [{"format_id": "18", "vcodec": "avc1"}],
                       "uploader": "Channel", "uploader_id": "@channel",
                       "webpage_url": f"https://www.youtube.com/watch?v={video}",
                       "extractor_key": "Youtube", "comment_count": len(comments),
                       "comments": comments}, ensure_ascii=False).encode()


def downloader_lines(t: Tree) -> bytes:
    """youtube-comment-downloader JSON lines (display order: each top-level comment
    followed by its replies)."""
    lines = []
    order = [i for i, n in enumerate(t.nodes) if n.parent is None]
    for top in order:
        for i in [top] + [j for j, n in enumerate(t.nodes) if n.parent == top]:
            n = t.nodes[i]
            lines.append(json.dumps({"cid": _yt_id(t, i), "text": n.text, "time": "1 day ago",
                                     "author": n.author, "channel": f"UC{n.author}",
                                     "votes": str(i), "replies": "", "heart": False,
                                     "reply": n.parent is not None,
                                     "time_parsed": float(BASE + i)}, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def github_rest(t: Tree) -> tuple[bytes, bytes]:
    """``(issue, comments)`` of a flat tree (:func:`flat_tree`)."""
    repo = "https://api.github.com/repos/octo/garden"
    issue = {"url": f"{repo}/issues/7", "repository_url": repo,
             "html_url": "https://github.com/octo/garden/issues/7", "id": 77, "number": 7,
             "title": t.title, "user": {"login": "opener"}, "comments": len(t.nodes),
             "created_at": _stamp(BASE) + "Z", "author_association": "NONE",
             "body": t.article.replace("\n", "\r\n")}
    comments = [{"id": 900 + i, "issue_url": f"{repo}/issues/7",
                 "html_url": f"https://github.com/octo/garden/issues/7#issuecomment-{900 + i}",
                 "user": {"login": n.author}, "created_at": _stamp(BASE + 60 * (i + 1)) + "Z",
                 "author_association": "MEMBER" if i % 3 == 0 else "NONE",
                 "body": n.text.replace("\n", "\r\n")} for i, n in enumerate(t.nodes)]
    return (json.dumps(issue, ensure_ascii=False).encode(),
            json.dumps(comments, ensure_ascii=False).encode())


def github_discussion(t: Tree) -> bytes:
    """A GraphQL discussion of a two-level tree (:func:`two_level_tree`)."""
    def node(i: int) -> dict:
        n = t.nodes[i]
        return {"id": f"DC_{i}", "databaseId": 700 + i, "body": n.text,
                "author": {"login": n.author}, "createdAt": _stamp(BASE + i) + "Z",
                "authorAssociation": "NONE", "upvoteCount": i}

    nodes = []
    for i, n in enumerate(t.nodes):
        if n.parent is None:
            entry = node(i)
            entry["replies"] = {"nodes": [node(j) for j, m in enumerate(t.nodes) if m.parent == i]}
            nodes.append(entry)
    return json.dumps({"data": {"repository": {"discussion": {
        "number": 5, "title": t.title, "body": t.article, "author": {"login": "opener"},
        "url": "https://github.com/octo/garden/discussions/5",
        "createdAt": _stamp(BASE) + "Z", "authorAssociation": "OWNER",
        "comments": {"nodes": nodes}}}}}, ensure_ascii=False).encode()


def twitter_v2(t: Tree, seed: int) -> bytes:
    """An API v2 search response: the conversation's first tweet (the article) in
    ``includes.tweets``, the replies in ``data`` in random order."""
    rng = random.Random(seed)
    root = 10**18
    users = {}

    def user(name: str) -> str:
        return users.setdefault(name, str(100 + len(users)))

    data = []
    for i, n in enumerate(t.nodes):
        parent = root if n.parent is None else root + 1 + n.parent
        data.append({"id": str(root + 1 + i), "text": html.escape(n.text, quote=False),
                     "author_id": user(n.author), "conversation_id": str(root),
                     "created_at": _stamp(BASE + i + 1) + ".000Z",
                     "referenced_tweets": [{"type": "replied_to", "id": str(parent)}],
                     "public_metrics": {"like_count": i}})
    rng.shuffle(data)
    head = {"id": str(root), "text": html.escape(t.article, quote=False),
            "author_id": user("starter"), "conversation_id": str(root),
            "created_at": _stamp(BASE) + ".000Z"}
    return json.dumps({"data": data, "includes": {
        "users": [{"id": v, "username": k, "name": k} for k, v in users.items()],
        "tweets": [head]}}, ensure_ascii=False).encode()


def comment_table(ts: list[Tree], delimiter: str = ",") -> bytes:
    """One CSV/TSV table of several threads: the thread's own post as the row whose
    comment id is the thread id, then its comments with ``parent_id``."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow(["comment_id", "thread_id", "parent_id", "author", "created_at", "title",
                "text", "label"])
    for t in ts:
        w.writerow([t.key, t.key, "", "opener", _stamp(BASE) + "Z", t.title, t.article, ""])
        for i, n in enumerate(t.nodes):
            w.writerow([f"{t.key}c{i}", t.key, "" if n.parent is None else f"{t.key}c{n.parent}",
                        n.author, _stamp(BASE + i + 1) + "Z", t.title, n.text, "x"])
    return out.getvalue().encode()

