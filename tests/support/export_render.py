"""Random comment trees written in the platforms' export formats, for round-trip tests
of the readers in :mod:`discourse.read` (Reddit API JSON and NDJSON dumps, Hacker News
Firebase/Algolia JSON, Discourse topic JSON, Disqus XML, WordPress WXR) and the expected
tree each should read back to.

A :class:`Tree` is a title, an article and :class:`Node` s in insertion (= time) order,
each naming an earlier node as parent (or None: a reply to the article).  Display order
is depth-first with siblings in insertion order, which is what every reader must return:
the formats give sibling order either explicitly (nesting, ``kids`` lists, file order)
or by time (NDJSON dumps, whose nodes get increasing timestamps).
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import orjson
from hypothesis import strategies as st

__all__ = ["Node", "Tree", "expected", "trees", "discourse_topic", "disqus_xml", "hn_algolia",
           "hn_firebase_flat", "hn_firebase_nested", "reddit_api", "reddit_ndjson", "wxr"]

BASE_TIME = 1_600_000_000


@dataclass
class Node:
    parent: int | None  # index of an earlier node, None = top-level
    author: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Tree:
    key: str
    title: str
    article: str
    nodes: list[Node] = field(default_factory=list)


# -- strategies ------------------------------------------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789é中&<>'\".,!?",
                min_size=1, max_size=8)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=8).map(" ".join)
_AUTHOR = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,9}", fullmatch=True)


@st.composite
def tree(draw, key: str = "t1", max_nodes: int = 12) -> Tree:
    """One random tree (``key`` is its platform id: letters/digits)."""
    n = draw(st.integers(0, max_nodes))
    nodes: list[Node] = []
    for i in range(n):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        nodes.append(Node(parent, draw(_AUTHOR), draw(st.lists(_PARAGRAPH, min_size=1,
                                                                max_size=3))))
    title = draw(_PARAGRAPH)
    article = draw(_PARAGRAPH)
    return Tree(key, title, article, nodes)


def trees(min_size: int = 1, max_size: int = 3, max_nodes: int = 12):
    """Several trees with distinct keys ``a1``, ``a2``, …"""
    return st.integers(min_size, max_size).flatmap(
        lambda k: st.tuples(*[tree(f"a{i + 1}", max_nodes) for i in range(k)]).map(list))


def expected(t: Tree) -> list[tuple[str, str | None, str, str]]:
    """``(id, parent_id, author, text)`` in display order: dotted ids, depth-first,
    siblings in insertion order."""
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(t.nodes):
        kids.setdefault(node.parent, []).append(i)
    out: list[tuple[str, str | None, str, str]] = []
    stack = [(i, None, str(n)) for n, i in reversed(list(enumerate(kids.get(None, []), 1)))]
    while stack:
        i, parent, cid = stack.pop()
        node = t.nodes[i]
        out.append((cid, parent, node.author, node.text))
        for n, k in reversed(list(enumerate(kids.get(i, []), 1))):
            stack.append((k, cid, f"{cid}.{n}"))
    return out


def _cid(t: Tree, i: int) -> str:
    return f"{t.key}c{i}"


def _children(t: Tree) -> dict[int | None, list[int]]:
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(t.nodes):
        kids.setdefault(node.parent, []).append(i)
    return kids


# -- Reddit --------------------------------------------------------------------------

def _reddit_comment(t: Tree, i: int, time: int, replies: object = "") -> dict:
    node = t.nodes[i]
    parent = f"t3_{t.key}" if node.parent is None else f"t1_{_cid(t, node.parent)}"
    return {"id": _cid(t, i), "name": f"t1_{_cid(t, i)}", "author": node.author,
            "body": html.escape(node.text, quote=False), "created_utc": time,
            "link_id": f"t3_{t.key}", "parent_id": parent, "subreddit": "testsub",
            "score": i, "permalink": f"/r/testsub/comments/{t.key}/_/{_cid(t, i)}/",
            "replies": replies}


def _reddit_post(t: Tree) -> dict:
    return {"id": t.key, "name": f"t3_{t.key}", "title": html.escape(t.title, quote=False),
            "selftext": html.escape(t.article, quote=False), "is_self": True,
            "subreddit": "testsub", "created_utc": BASE_TIME,
            "permalink": f"/r/testsub/comments/{t.key}/x/", "num_comments": len(t.nodes)}


def reddit_api(t: Tree) -> bytes:
    """``/comments/<id>.json``: ``[post listing, comment listing]``, replies nested."""
    kids = _children(t)

    def listing(children: list[dict]) -> dict:
        return {"kind": "Listing", "data": {"children": children}}

    built: dict[int, dict] = {}
    for i in reversed(range(len(t.nodes))):  # children have larger indices: build them first
        sub = [built[k] for k in kids.get(i, [])]
        built[i] = {"kind": "t1", "data": _reddit_comment(t, i, BASE_TIME + i,
                                                          listing(sub) if sub else "")}
    top = [built[i] for i in kids.get(None, [])]
    return orjson.dumps([listing([{"kind": "t3", "data": _reddit_post(t)}]), listing(top)])


def reddit_ndjson(ts: list[Tree], seed: int, submissions: bool = True) -> bytes:
    """A Pushshift-style dump: every comment of every tree, one per line, in time order
    with the threads interleaved at random (``seed``); with ``submissions``, each
    thread's submission line somewhere in the file."""
    rng = random.Random(seed)
    queue = [(t, i) for t in ts for i in range(len(t.nodes))]
    # a random interleaving that keeps each tree's insertion order
    per_tree = {t.key: [i for i in range(len(t.nodes))] for t in ts}
    merged: list[tuple[Tree, int]] = []
    live = [t for t in ts if t.nodes]
    while live:
        t = rng.choice(live)
        merged.append((t, per_tree[t.key].pop(0)))
        if not per_tree[t.key]:
            live.remove(t)
    assert len(merged) == len(queue)
    lines = []
    for time, (t, i) in enumerate(merged):
        rec = _reddit_comment(t, i, BASE_TIME + time)
        del rec["replies"]
        lines.append(orjson.dumps(rec))
    if submissions:
        for t in ts:
            lines.insert(rng.randint(0, len(lines)), orjson.dumps(_reddit_post(t)))
    return b"\n".join(lines) + b"\n"


# -- Hacker News ----------------------------------------------------------------------

def _hn_html(text: str) -> str:
    return "<p>".join(html.escape(p) for p in text.split("\n\n"))


def _hn_id(t: Tree, i: int | None) -> int:
    base = int("".join(ch for ch in t.key if ch.isdigit()) or "1") * 1000
    return base if i is None else base + 1 + i


def hn_firebase_nested(t: Tree) -> bytes:
    """A Firebase story whose ``kids`` hold the comment items themselves."""
    kids = _children(t)
    built: dict[int, dict] = {}
    for i in reversed(range(len(t.nodes))):
        node = t.nodes[i]
        item = {"by": node.author, "id": _hn_id(t, i), "parent": _hn_id(t, node.parent),
                "text": _hn_html(node.text), "time": BASE_TIME + i, "type": "comment"}
        if kids.get(i):
            item["kids"] = [built[k] for k in kids[i]]
        built[i] = item
    story = {"by": "poster", "id": _hn_id(t, None), "title": t.title, "text": _hn_html(t.article),
             "time": BASE_TIME, "type": "story", "descendants": len(t.nodes),
             "kids": [built[i] for i in kids.get(None, [])]}
    return orjson.dumps(story)


def hn_firebase_flat(ts: list[Tree], seed: int, ndjson: bool = False) -> bytes:
    """Flat Firebase items (``kids`` as ids, ``parent`` ids) of all trees, shuffled."""
    rng = random.Random(seed)
    items = []
    for t in ts:
        kids = _children(t)
        items.append({"by": "poster", "id": _hn_id(t, None), "title": t.title,
                      "text": _hn_html(t.article), "time": BASE_TIME, "type": "story",
                      "kids": [_hn_id(t, k) for k in kids.get(None, [])]})
        for i, node in enumerate(t.nodes):
            item = {"by": node.author, "id": _hn_id(t, i), "parent": _hn_id(t, node.parent),
                    "text": _hn_html(node.text), "time": BASE_TIME + rng.randint(0, 99),
                    "type": "comment"}
            if kids.get(i):
                item["kids"] = [_hn_id(t, k) for k in kids[i]]
            items.append(item)
    rng.shuffle(items)
    if ndjson:
        return b"\n".join(orjson.dumps(x) for x in items) + b"\n"
    return orjson.dumps(items)


def hn_algolia(t: Tree) -> bytes:
    """An Algolia ``items/<id>`` response (``children`` nested)."""
    kids = _children(t)
    built: dict[int, dict] = {}
    for i in reversed(range(len(t.nodes))):
        node = t.nodes[i]
        built[i] = {"id": _hn_id(t, i), "created_at_i": BASE_TIME + i, "type": "comment",
                    "author": node.author, "text": _hn_html(node.text), "points": None,
                    "parent_id": _hn_id(t, node.parent), "story_id": _hn_id(t, None),
                    "children": [built[k] for k in kids.get(i, [])]}
    return orjson.dumps({"id": _hn_id(t, None), "created_at_i": BASE_TIME, "type": "story",
                         "author": "poster", "title": t.title, "url": None,
                         "text": _hn_html(t.article), "points": 3, "parent_id": None,
                         "story_id": _hn_id(t, None),
                         "children": [built[i] for i in kids.get(None, [])]})


# -- Disqus and WordPress XML -----------------------------------------------------------

def _xml_html(text: str) -> str:
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))
    return escape(body)


def disqus_xml(ts: list[Tree]) -> bytes:
    """A Disqus export of all trees (threads first, then every post in insertion order,
    threads' posts interleaved round-robin)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">']
    for t in ts:
        out.append(f'<thread dsq:id="{t.key}"><id>{t.key}</id><forum>test</forum>'
                   f'<link>https://blog.example.org/{t.key}/</link>'
                   f'<title>{escape(t.title)}</title><message>{_xml_html(t.article)}</message>'
                   f'<createdAt>2020-01-01T00:00:00Z</createdAt></thread>')
    longest = max((len(t.nodes) for t in ts), default=0)
    for i in range(longest):
        for t in ts:
            if i >= len(t.nodes):
                continue
            node = t.nodes[i]
            parent = "" if node.parent is None else f'<parent dsq:id="{_cid(t, node.parent)}"/>'
            out.append(f'<post dsq:id="{_cid(t, i)}"><message>{_xml_html(node.text)}</message>'
                       f'<createdAt>2020-01-01T00:{i // 60:02d}:{i % 60:02d}Z</createdAt>'
                       f'<isDeleted>false</isDeleted><isSpam>false</isSpam>'
                       f'<author><name>{escape(node.author)}</name></author>'
                       f'<thread dsq:id="{t.key}"/>{parent}</post>')
    out.append("</disqus>")
    return "\n".join(out).encode("utf-8")


def wxr(ts: list[Tree]) -> bytes:
    """A WordPress WXR export, one ``<item>`` per tree, comments in insertion order."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Test blog</title>']
    for n, t in enumerate(ts, start=1):
        link = f"https://blog.example.org/{t.key}/"
        out.append(f"<item><title>{escape(t.title)}</title><link>{link}</link>"
                   f"<content:encoded>{escape(html.escape(t.article, quote=False))}"
                   f"</content:encoded>"
                   f"<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00"
                   f"</wp:post_date_gmt>")
        for i, node in enumerate(t.nodes):
            parent = 0 if node.parent is None else node.parent + 1
            out.append(f"<wp:comment><wp:comment_id>{i + 1}</wp:comment_id>"
                       f"<wp:comment_author>{escape(node.author)}</wp:comment_author>"
                       f"<wp:comment_date_gmt>2020-01-01 00:00:{i % 60:02d}"
                       f"</wp:comment_date_gmt>"
                       f"<wp:comment_content>{escape(html.escape(node.text, quote=False))}"
                       f"</wp:comment_content>"
                       f"<wp:comment_approved>1</wp:comment_approved>"
                       f"<wp:comment_type>comment</wp:comment_type>"
                       f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


# -- Discourse forums -------------------------------------------------------------------

def discourse_topic(t: Tree) -> bytes:
    """A Discourse ``/t/<id>.json`` topic: the article is post 1, node ``i`` is post
    ``i + 2`` answering its parent's post (a top-level node answers no post or post 1,
    alternately, as Discourse leaves ``reply_to_post_number`` empty for a reply to the
    topic)."""
    topic_id = int("".join(ch for ch in t.key if ch.isdigit()) or "1")

    def cooked(text: str) -> str:
        return "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in text.split("\n\n"))

    def post(number: int, author: str, text: str, reply_to: int | None) -> dict:
        return {"id": topic_id * 1000 + number, "username": author, "name": author.title(),
                "avatar_template": f"/user_avatar/forum.example.org/{author}/{{size}}/1_2.png",
                "created_at": f"2020-01-01T00:{number // 60 % 60:02d}:{number % 60:02d}.000Z",
                "cooked": cooked(text), "post_number": number, "post_type": 1,
                "reply_to_post_number": reply_to, "topic_id": topic_id,
                "topic_slug": "a-topic", "actions_summary": [], "hidden": False,
                "deleted_at": None, "user_deleted": False}

    posts = [post(1, "poster", t.article, None)]
    for i, node in enumerate(t.nodes):
        reply_to = (None if i % 2 else 1) if node.parent is None else node.parent + 2
        posts.append(post(i + 2, node.author, node.text, reply_to))
    return orjson.dumps({"post_stream": {"posts": posts, "stream": [p["id"] for p in posts]},
                         "id": topic_id, "title": t.title, "fancy_title": html.escape(t.title),
                         "posts_count": len(posts), "slug": "a-topic", "archetype": "regular",
                         "created_at": "2020-01-01T00:00:00.000Z", "chunk_size": 20})
