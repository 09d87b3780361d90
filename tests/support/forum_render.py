"""Random threads rendered as saved pages of the forum and microblog systems of
:mod:`discourse.read.html` (needs the ``test`` extra: hypothesis), for round-trip
property tests.  Trees come from :func:`tests.support.html_render.node_list`.

* :func:`render_xenforo` / :func:`render_vbulletin` — flat threads: a node's parent
  becomes a quote of that post (XenForo ``data-source="post: N"``; vBulletin 3
  "Originally Posted by X" with a ``#postN`` link), so the reader must give it back as
  ``target_id``;
* :func:`render_livejournal` — classic LiveJournal comments, depth only in
  ``margin-left``;
* :func:`render_talkyard` — Talkyard ``div.dw-t`` threads nested in the DOM;
* :func:`render_stackoverflow` — a question page: top-level nodes are answers (or, every
  third, comments on the question); replies to an answer are its comments (one level);
* :func:`render_nitter` — a Nitter page: each top-level node starts a reply chain and a
  chain continues with one reply per tweet (a path).
"""

from __future__ import annotations

from html import escape

from tests.support.html_render import Node, _body, _page


def _handle(author: str) -> str:
    return "".join(ch for ch in author if ch.isalnum() or ch == "_") or "user"


def _quote_of(nodes: list[Node], i: int) -> str:
    return escape(nodes[i].paragraphs[0][0])


def render_xenforo(nodes: list[Node]) -> str:
    """A flat XenForo 2 thread: the opening post, then ``nodes`` in order; a reply quotes
    its parent."""
    posts = [_xf_post(0, "opener", "<p>The opening post of the thread.</p>", "#1")]
    for i, node in enumerate(nodes):
        quote = ""
        if node.parent is not None:
            p = node.parent
            quote = (f'<blockquote data-quote="{escape(nodes[p].author)}" data-source="post: '
                     f'{100 + p}" class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote">'
                     f'<div class="bbCodeBlock-title"><a href="/goto/post?id={100 + p}">'
                     f'{escape(nodes[p].author)} said:</a></div><div class="bbCodeBlock-content">'
                     f'<div class="bbCodeBlock-expandContent">{_quote_of(nodes, p)}</div>'
                     f'<div class="bbCodeBlock-expandLink"><a>Click to expand...</a></div>'
                     f'</div></blockquote>')
        posts.append(_xf_post(100 + i, node.author, quote + _body(node), f"#{i + 2}"))
    body = ('<div class="p-title"><h1 class="p-title-value">A thread</h1></div>'
            '<div class="block-body">' + "".join(posts) + "</div>")
    return _page("A thread | Forum", "", body)


def _xf_post(pid: int, author: str, html: str, counter: str) -> str:
    return (f'<article class="message message--post js-post" data-author="{escape(author)}" '
            f'data-content="post-{pid}" id="js-post-{pid}"><div class="message-inner">'
            f'<div class="message-cell message-cell--user"><h4 class="message-name">'
            f'<a href="/members/x.1/" class="username">{escape(author)}</a></h4></div>'
            f'<div class="message-cell message-cell--main"><header class="message-attribution">'
            f'<ul class="message-attribution-main"><li><a href="#"><time class="u-dt" '
            f'datetime="2021-03-04T10:{pid % 60:02d}:00+0000">Mar 4</time></a></li></ul>'
            f'<ul class="message-attribution-opposite"><li><a href="#">{counter}</a></li></ul>'
            f'</header><article class="message-body"><div class="bbWrapper">{html}</div>'
            f'</article></div></div></article>\n')


def render_vbulletin(nodes: list[Node]) -> str:
    """A flat vBulletin 3 thread (table layout); a reply quotes its parent."""
    def post(pid: int, author: str, html: str, count: int) -> str:
        return (f'<div id="edit{pid}"><table id="post{pid}" class="tborder"><tr>'
                f'<td class="thead">03-14-2009, 10:{pid % 60:02d} PM</td><td class="thead">'
                f'#<a href="showpost.php?p={pid}" id="postcount{pid}" name="{count}">'
                f'<strong>{count}</strong></a></td></tr><tr><td class="alt2">'
                f'<div id="postmenu_{pid}"><a class="bigusername" href="member.php?u=1">'
                f'{escape(author)}</a></div></td><td class="alt1"><div id="post_message_{pid}">'
                f'{html}</div></td></tr></table></div>\n')

    posts = [post(1, "opener", "The opening post.", 1)]
    for i, node in enumerate(nodes):
        quote = ""
        if node.parent is not None:
            p = node.parent
            quote = (f'<div style="margin:20px"><div class="smallfont">Quote:</div><table>'
                     f'<tr><td class="alt2"><div>Originally Posted by <strong>'
                     f'{escape(nodes[p].author)}</strong> <a href="showthread.php?p={100 + p}'
                     f'#post{100 + p}"><img alt="View Post"></a></div><div style="font-style:'
                     f'italic">{_quote_of(nodes, p)}</div></td></tr></table></div>')
        posts.append(post(100 + i, node.author, quote + _body(node), i + 2))
    return _page("A thread - Forums", "", '<div id="posts">' + "".join(posts) + "</div>")


def render_livejournal(nodes: list[Node], step: int = 25) -> str:
    """Classic LiveJournal comments in display order, depth in ``margin-left``."""
    from tests.support.html_render import depths, display_order

    level = depths(nodes)
    out = []
    for i in display_order(nodes):
        node = nodes[i]
        cid = 500 + i
        out.append(f'<div id="ljcmt{cid}" style="margin-left: {level[i] * step}px; '
                   f'margin-top: 5px"><a name="t{cid}"></a><table class="talk-comment"><tr>'
                   f'<td><span class="ljuser i-ljuser" lj:user="{escape(_handle(node.author))}">'
                   f'<a href="#"><b>{escape(_handle(node.author))}</b></a></span><br />'
                   f'<span class="comment-datetimelink"><a href="#t{cid}"><span>2009-03-14 '
                   f'10:{i % 60:02d} pm (UTC)</span></a></span></td></tr></table>'
                   f'<div class="talk-comment-box">{_body(node)}</div></div>\n')
    return _page("journal: entry", "", '<div class="entry-text"><p>The entry.</p></div>'
                 '<div id="comments">' + "".join(out) + "</div>")


def render_talkyard(nodes: list[Node]) -> str:
    """A Talkyard page: post-1 the original post, ``nodes`` nested in ``.dw-t``."""
    kids: dict[int | None, list[int]] = {}
    for i, node in enumerate(nodes):
        kids.setdefault(node.parent, []).append(i)

    def post(n: int, author: str, html: str) -> str:
        return (f'<div id="post-{n}" class="dw-p esP"><div class="dw-p-hd esP_H"><a class='
                f'"dw-p-by esP_By"><span class="esP_By_F">{escape(author)}</span></a><time '
                f'datetime="2022-05-02T10:{n % 60:02d}:00Z">May 2</time></div><div class='
                f'"dw-p-bd">{html}</div></div>')

    def thread(i: int) -> str:
        replies = "".join(thread(k) for k in kids.get(i, []))
        sub = (f'<div class="dw-single-and-multireplies"><ol class="dw-res">{replies}</ol>'
               f'</div>') if replies else ""
        inner = post(10 + i, nodes[i].author, _body(nodes[i]))
        return f'<li><div id="dw-t-{10 + i}" class="dw-t">{inner}{sub}</div></li>'

    top = "".join(thread(i) for i in kids.get(None, []))
    body = (f'<div class="dw-page"><div id="dw-t-1" class="dw-t">'
            f'{post(1, "op", "<p>The original post.</p>")}<div class="dw-single-and-'
            f'multireplies"><ol class="dw-res">{top}</ol></div></div></div>')
    return _page("A topic", "", body)


def stackoverflow_shape(nodes: list[Node]) -> list[Node]:
    """``nodes`` cut to what a question page can show: top-level nodes (answers or
    question comments) and one level of comments under answers."""
    out: list[Node] = []
    index: dict[int, int] = {}
    for i, node in enumerate(nodes):
        if node.parent is None:
            index[i] = len(out)
            out.append(node)
        elif nodes[node.parent].parent is None and node.parent % 3 != 2:
            index[i] = len(out)
            out.append(Node(index[node.parent], node.author, node.paragraphs))
    return out


def render_stackoverflow(nodes: list[Node]) -> str:
    """A question page; ``nodes`` as shaped by :func:`stackoverflow_shape`: top-level
    node ``i`` is a comment on the question when ``i % 3 == 2``, else an answer."""
    def comment(i: int, node: Node, post_id: int) -> str:
        return (f'<li id="comment-{900 + i}" class="comment js-comment" data-comment-id='
                f'"{900 + i}"><div class="comment-body"><span class="comment-copy">'
                f'{escape(node.paragraphs[0][0])}</span> &ndash;&nbsp;<a href="/users/1/x" '
                f'class="comment-user">{escape(node.author)}</a> <span class="comment-date">'
                f'<span title="2021-11-17 08:{i % 60:02d}:00Z, License: CC BY-SA 4.0">x</span>'
                f'</span></div></li>')

    def signature(author: str, i: int) -> str:
        return (f'<div class="post-signature"><div class="user-info"><div class="user-action'
                f'-time">answered <span title="2021-11-17 09:{i % 60:02d}:00Z" class="relative'
                f'time">x</span></div><div class="user-details"><a href="/users/2/y">'
                f'{escape(author)}</a></div></div></div>')

    q_comments = [comment(i, n, 1) for i, n in enumerate(nodes)
                  if n.parent is None and i % 3 == 2]
    answers = []
    for i, node in enumerate(nodes):
        if node.parent is not None or i % 3 == 2:
            continue
        cs = [comment(j, n, 100 + i) for j, n in enumerate(nodes) if n.parent == i]
        answers.append(f'<div id="answer-{100 + i}" class="answer js-answer" data-answerid='
                       f'"{100 + i}" data-score="{i}"><div class="s-prose js-post-body">'
                       f'{_body(node)}</div>{signature(node.author, i)}<div class="comments">'
                       f'<ul class="comments-list">{"".join(cs)}</ul></div></div>')
    body = (f'<div id="question-header"><h1><a class="question-hyperlink">Q?</a></h1></div>'
            f'<div class="question js-question" data-questionid="1" id="question"><div class='
            f'"s-prose js-post-body"><p>The question.</p></div>{signature("asker", 0)}'
            f'<div class="comments"><ul class="comments-list">{"".join(q_comments)}</ul></div>'
            f'</div><div id="answers">{"".join(answers)}</div>')
    return _page("Q? - Stack Overflow", "", body)


def nitter_shape(nodes: list[Node]) -> list[Node]:
    """``nodes`` cut to what a Nitter page shows: chains (each reply has at most one
    reply, and only the last tweet of a chain is answered)."""
    out: list[Node] = []
    last_of_chain: dict[int, int] = {}
    index: dict[int, int] = {}
    for i, node in enumerate(nodes):
        if node.parent is None or node.parent not in index:
            index[i] = len(out)
            out.append(Node(None, node.author, node.paragraphs))
            last_of_chain[index[i]] = index[i]
            continue
        root = _chain_root(out, index[node.parent])
        tail = last_of_chain[root]
        index[i] = len(out)
        out.append(Node(tail, node.author, node.paragraphs))
        last_of_chain[root] = index[i]
    return out


def _chain_root(nodes: list[Node], i: int) -> int:
    while nodes[i].parent is not None:
        i = nodes[i].parent  # type: ignore[assignment]
    return i


def render_nitter(nodes: list[Node]) -> str:
    """A Nitter page; ``nodes`` as shaped by :func:`nitter_shape` (top-level nodes start
    chains)."""
    def item(i: int, node: Node) -> str:
        tid = 1000 + i
        h = _handle(node.author)
        return (f'<div class="timeline-item thread"><a class="tweet-link" href="/{h}/status/'
                f'{tid}#m"></a><div class="tweet-body"><div class="tweet-header"><a class='
                f'"fullname" href="/{h}">{escape(node.author)}</a><a class="username" href='
                f'"/{h}">@{h}</a><span class="tweet-date"><a href="/{h}/status/{tid}#m" '
                f'title="Jan 9, 2022 · 9:{i % 60:02d} AM UTC">x</a></span></div>'
                f'<div class="tweet-content media-body">{_body(node)}</div></div></div>')

    chains = []
    for i, node in enumerate(nodes):
        if node.parent is None:
            members = [i]
            while True:
                nxt = next((j for j, n in enumerate(nodes) if n.parent == members[-1]), None)
                if nxt is None:
                    break
                members.append(nxt)
            chains.append('<div class="reply thread thread-line">'
                          + "".join(item(j, nodes[j]) for j in members) + "</div>")
    main = ('<div id="m" class="main-tweet"><div class="timeline-item"><a class="tweet-link" '
            'href="/op/status/1#m"></a><a class="username" href="/op">@op</a><div class='
            '"tweet-content">The main tweet.</div></div></div>')
    body = (f'<div class="conversation"><div class="main-thread">{main}</div>'
            f'<div id="r" class="replies">{"".join(chains)}</div></div>')
    return _page("op: main | nitter", "", body)
