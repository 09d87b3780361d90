"""Random reply trees rendered as saved pages of three comment systems, for round-trip
property tests of :mod:`discourse.read.html` (needs the ``test`` extra: hypothesis).

A tree is a list of :class:`Node` (``parent`` is the index of an earlier node or None);
:func:`display_order` gives the order a reader must return them in (depth-first, siblings
in list order).  The renderers write the markup each system serves:

* :func:`render_wordpress` — WordPress's HTML5 comment walker (``ol.comment-list``,
  ``li.comment`` with ``article.comment-body``, replies in ``ol.children``);
* :func:`render_disqus` — the Disqus embed (``ul#post-list``, ``li.post``,
  ``ul.children``);
* :func:`render_hn` — a Hacker News item page (``table.comment-tree``, one
  ``tr.athing.comtr`` per comment, depth in ``td.ind[indent]`` and the spacer width).

Texts are paragraphs of one to three lines (``<p>`` and ``<br>``), with characters that
must be escaped (``& < >``) and non-Latin scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from hypothesis import strategies as st

WORDS = ("tide", "river", "ferry", "council", "bridge", "market", "harbour", "winter",
         "evidence", "claim", "costs", "&", "<b>", "a>b", "café", "naïve", "война", "память",
         "历史", "記憶", "Krieg", "mémoire", "42", "2.5%", "don't", "“quoted”")
AUTHORS = ("Mara Quill", "tobias", "Ирина", "Jean-Luc", "anon_42", "O'Brien", "李雷",
           "Dirk & Co", "ann")


@dataclass(frozen=True, slots=True)
class Node:
    """One comment of a generated tree."""

    parent: int | None
    author: str
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def text(self) -> str:
        """The body as a reader must return it."""
        return "\n\n".join("\n".join(lines) for lines in self.paragraphs)


@st.composite
def line(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)))


@st.composite
def node_list(draw: st.DrawFn, max_size: int = 25) -> list[Node]:
    """A random reply tree of 1..``max_size`` comments (any depth)."""
    n = draw(st.integers(1, max_size))
    nodes: list[Node] = []
    for i in range(n):
        parent = None if i == 0 or draw(st.integers(0, 3)) == 0 else draw(st.integers(0, i - 1))
        paragraphs = tuple(tuple(draw(st.lists(line(), min_size=1, max_size=3)))
                           for _ in range(draw(st.integers(1, 3))))
        nodes.append(Node(parent, draw(st.sampled_from(AUTHORS)), paragraphs))
    return nodes


def display_order(nodes: list[Node]) -> list[int]:
    """Node indices depth-first, a parent before its replies, siblings in list order."""
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(nodes):
        kids.setdefault(node.parent, []).append(i)
    out: list[int] = []
    stack = list(reversed(kids.get(None, [])))
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(reversed(kids.get(i, [])))
    return out


def depths(nodes: list[Node]) -> list[int]:
    """Depth of each node (0 = top level)."""
    out: list[int] = []
    for node in nodes:
        out.append(0 if node.parent is None else out[node.parent] + 1)
    return out


def _body(node: Node) -> str:
    return "".join("<p>" + "<br>\n".join(escape(x) for x in lines) + "</p>\n"
                   for lines in node.paragraphs)


def _page(title: str, head: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title>{head}</head>\n<body>\n{body}\n</body></html>\n")


def _nested(nodes: list[Node], item, children_open: str, children_close: str) -> str:
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(nodes):
        kids.setdefault(node.parent, []).append(i)

    def render(i: int, depth: int) -> str:
        inner = "".join(render(k, depth + 1) for k in kids.get(i, []))
        sub = f"{children_open}{inner}{children_close}" if inner else ""
        return item(i, nodes[i], depth, sub)

    return "".join(render(i, 0) for i in kids.get(None, []))


def render_wordpress(nodes: list[Node], title: str = "A post about the ferry") -> str:
    """``nodes`` as a WordPress post page with its HTML5 comment list."""
    def item(i: int, node: Node, depth: int, sub: str) -> str:
        cid = 1000 + i
        return (f'<li id="comment-{cid}" class="comment even depth-{depth + 1}">\n'
                f'<article id="div-comment-{cid}" class="comment-body">\n'
                f'<footer class="comment-meta"><div class="comment-author vcard">'
                f'<img alt="" src="a.png" class="avatar avatar-32 photo" height="32" width="32">'
                f'<b class="fn">{escape(node.author)}</b> <span class="says">says:</span></div>\n'
                f'<div class="comment-metadata"><a href="#comment-{cid}"><time '
                f'datetime="2023-05-0{1 + i % 9}T10:{i % 60:02d}:00+00:00">May {1 + i % 9}, 2023'
                f'</time></a></div></footer>\n'
                f'<div class="comment-content">{_body(node)}</div>\n'
                f'<div class="reply"><a rel="nofollow" class="comment-reply-link" '
                f'href="#comment-{cid}">Reply</a></div>\n</article>\n{sub}</li>\n')

    comments = _nested(nodes, item, '<ol class="children">\n', "</ol>\n")
    body = (f'<article class="post"><h1 class="entry-title">{escape(title)}</h1>'
            f'<div class="entry-content"><p>The article text of the post, long enough to be '
            f'an article body for the extractor to keep.</p></div></article>\n'
            f'<div id="comments" class="comments-area"><h2 class="comments-title">'
            f'{len(nodes)} thoughts on “{escape(title)}”</h2>\n'
            f'<ol class="comment-list">\n{comments}</ol>\n'
            f'<div id="respond" class="comment-respond"><h3>Leave a Reply</h3></div></div>')
    return _page(title, "", body)


def render_disqus(nodes: list[Node]) -> str:
    """``nodes`` as the Disqus embed's comment list."""
    def item(i: int, node: Node, depth: int, sub: str) -> str:
        pid = 7000 + i
        return (f'<li class="post" id="post-{pid}"><div class="post-content">'
                f'<div class="avatar hovercard"><a class="user"><img alt="Avatar" src="a.png">'
                f'</a></div><div class="post-body"><header class="comment__header">'
                f'<span class="post-byline"><span class="author publisher-anchor-color">'
                f'<a href="https://disqus.com/by/u{i}/">{escape(node.author)}</a></span></span>'
                f'<span class="post-meta"><a class="time-ago" href="#comment-{pid}" '
                f'title="Monday, March 6, 2023 4:{i % 60:02d} PM">2 years ago</a></span></header>'
                f'<div class="post-body-inner"><div class="post-message" data-role="message">'
                f'{_body(node)}</div></div><footer class="comment__footer"><menu>'
                f'<li class="voting"><a class="vote-up"><span class="count" data-role="likes">'
                f'{i % 5}</span></a></li><li class="reply"><a>Reply</a></li></menu></footer>'
                f'</div></div>\n<ul class="children" data-role="children">{sub}</ul></li>\n')

    comments = _nested(nodes, item, "", "")
    return _page("Disqus Comments", "", f'<div id="disqus_thread"><div id="posts">'
                                        f'<ul id="post-list" class="post-list">\n{comments}'
                                        f'</ul></div></div>')


def render_hn(nodes: list[Node], title: str = "Ask HN: How do you read tide tables?") -> str:
    """``nodes`` as a Hacker News item page."""
    level = depths(nodes)
    rows = []
    for i in display_order(nodes):
        node, cid = nodes[i], 50000 + i
        paragraphs = ["<br>".join(escape(x) for x in lines) for lines in node.paragraphs]
        text = paragraphs[0] + "".join(f"<p>{p}" for p in paragraphs[1:])
        rows.append(
            f'<tr class="athing comtr" id="{cid}"><td><table border="0"><tr>'
            f'<td class="ind" indent="{level[i]}"><img src="s.gif" height="1" '
            f'width="{40 * level[i]}"></td><td valign="top" class="votelinks"><center>'
            f'<a id="up_{cid}" href="vote?id={cid}&amp;how=up"><div class="votearrow" '
            f'title="upvote"></div></a></center></td><td class="default"><div '
            f'style="margin-top:2px; margin-bottom:-10px;"><span class="comhead">'
            f'<a href="user?id=u{i}" class="hnuser">{escape(node.author)}</a> <span class="age" '
            f'title="2024-04-21T10:{i % 60:02d}:00 {1713693600 + 60 * i}"><a href="item?id={cid}">'
            f'1 year ago</a></span> <span class="navs"> | <a href="#" class="clicky">next</a> '
            f'<a class="togg clicky" href="javascript:void(0)">[&ndash;]</a></span></span></div>'
            f'<br><div class="comment"><div class="commtext c00">{text}</div><div class="reply">'
            f'<p><font size="1"><u><a href="reply?id={cid}">reply</a></u></font></p></div></div>'
            f'</td></tr></table></td></tr>\n')
    body = (f'<center><table id="hnmain"><tr><td><table class="fatitem">'
            f'<tr class="athing submission" id="49999"><td class="title"><span class="titleline">'
            f'<a href="item?id=49999">{escape(title)}</a></span></td></tr>'
            f'<tr><td colspan="2"></td><td class="subtext"><span class="score">3 points</span> '
            f'by <a class="hnuser" href="user?id=op">op</a> | <a href="item?id=49999">'
            f'{len(nodes)}&nbsp;comments</a></td></tr></table>\n'
            f'<table border="0" class="comment-tree">\n{"".join(rows)}</table></td></tr></table>'
            f'</center>')
    return _page(f"{title} | Hacker News", "", body)
