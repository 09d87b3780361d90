"""Reply trees rendered as saved pages of old Reddit and Blogger, beside the renderers of
:mod:`tests.support.html_render` (WordPress, Disqus, Hacker News), for the tests of
what converters such as ``w3m -dump`` make of them (``tests/read/test_text_dumps.py``).

The markup is each system's own, with the white space between elements the systems
serve (old Reddit's ``div.thing.comment`` with its tagline and ``div.child``; the Disqus
embed with its byline, "•" bullet, relative time and footer menu, as a saved page holds it;
Blogger's threaded ``li.comment`` list, whose replies are one level deep: a reply to a
reply is shown in its top-level comment's thread, as Blogger does).
:func:`blogger_tree` gives the tree a Blogger page shows for a deeper tree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape

from tests.support.html_render import Node, _body, _nested, _page

__all__ = ["blogger_tree", "render_blogger", "render_disqus_embed", "render_old_reddit"]


def _descendants(nodes: list[Node]) -> list[int]:
    """How many comments each node has below it (at any depth)."""
    count = [0] * len(nodes)
    for i in range(len(nodes) - 1, -1, -1):
        parent = nodes[i].parent
        while parent is not None:
            count[parent] += 1
            parent = nodes[parent].parent
    return count


def render_old_reddit(nodes: list[Node], title: str = "Which tool did you regret buying?"
                      ) -> str:
    """``nodes`` as an old Reddit (old.reddit.com) comments page."""
    below = _descendants(nodes)

    def item(i: int, node: Node, depth: int, sub: str) -> str:
        cid = f"c{i:05d}"
        score = (i * 7) % 40 - 3
        unit = "point" if abs(score) == 1 else "points"
        kids = below[i]
        return (f'<div class="thing id-t1_{cid} comment" id="thing_t1_{cid}" '
                f'data-fullname="t1_{cid}" data-author="{escape(node.author)}">'
                f'<p class="parent"><a name="{cid}"></a></p>'
                f'<div class="midcol unvoted"><div class="arrow up login-required" '
                f'role="button" aria-label="upvote"></div><div class="arrow down login-required" '
                f'role="button" aria-label="downvote"></div></div>'
                f'<div class="entry unvoted"><p class="tagline">'
                f'<a href="javascript:void(0)" class="expand">[–]</a>'
                f'<a href="https://old.reddit.com/user/{escape(node.author)}" class="author">'
                f'{escape(node.author)}</a><span class="userattrs"></span> '
                f'<span class="score dislikes" title="{score - 1}">{score - 1} {unit}</span>'
                f'<span class="score unvoted" title="{score}">{score} {unit}</span>'
                f'<span class="score likes" title="{score + 1}">{score + 1} {unit}</span> '
                f'<time title="Sun Sep 21 22:46:53 2014 UTC" datetime="2014-09-21T22:46:53'
                f'+00:00" class="live-timestamp">3 years ago</time>&nbsp;'
                f'<a href="javascript:void(0)" class="numchildren">({kids} '
                f'{"child" if kids == 1 else "children"})</a></p>'
                f'<form action="#" class="usertext warn-on-unload"><div class="usertext-body">'
                f'<div class="md">{_body(node)}</div></div></form>'
                f'<ul class="flat-list buttons"><li class="first"><a href="#" class="bylink">'
                f'permalink</a></li><li><a href="#">embed</a></li><li><a href="#">save</a></li>'
                f'<li><a href="#">report</a></li><li><a href="#">reply</a></li></ul></div>'
                f'<div class="child">{sub}</div><div class="clearleft"></div></div>\n')

    comments = _nested(nodes, item, '<div class="sitetable listing">', "</div>")
    body = (f'<div class="content" role="main"><div class="sitetable linklisting">'
            f'<div class="thing link self"><div class="entry"><p class="title">'
            f'<a class="title" href="#">{escape(title)}</a></p><p class="tagline">submitted '
            f'<time>3 years ago</time> by <a class="author" href="#">op</a></p>'
            f'<div class="usertext-body"><div class="md"><p>The post itself, a question to '
            f'the subreddit.</p></div></div></div></div></div>'
            f'<div class="commentarea"><div class="panestack-title"><span class="title">'
            f'all {len(nodes)} comments</span></div>'
            f'<div class="sitetable nestedlisting">{comments}</div></div></div>')
    return _page(f"{title} : AskReddit", "", body)


def blogger_tree(nodes: list[Node]) -> list[int | None]:
    """The parent each node has on a Blogger page: its top-level comment (replies are one
    level deep there), None for a top-level comment."""
    out: list[int | None] = []
    for node in nodes:
        parent = node.parent
        while parent is not None and nodes[parent].parent is not None:
            parent = nodes[parent].parent
        out.append(parent)
    return out


def render_blogger(nodes: list[Node], title: str = "Winter bulbs on the windowsill") -> str:
    """``nodes`` as a Blogger post page with its threaded comments (replies one level
    deep: see :func:`blogger_tree`)."""
    flat = blogger_tree(nodes)
    start = datetime(2021, 1, 10, 16, 0, tzinfo=UTC)

    def comment(i: int, replies: str) -> str:
        node = nodes[i]
        when = start + timedelta(hours=3 * i)
        ms = int(when.timestamp() * 1000)
        stamp = f"{when.day} {when:%B %Y} at {when:%H:%M}"
        text = "<br><br>".join("<br>".join(escape(x) for x in lines)
                               for lines in node.paragraphs)
        thread = ""
        if replies:
            thread = (f'<div class="comment-replies"><div id="c{i}-rt" class="comment-thread '
                      f'inline-thread"><span class="thread-toggle thread-expanded"><span '
                      f'class="thread-arrow"></span><span class="thread-count"><a '
                      f'target="_self">Replies</a></span></span><ol id="c{i}-ra" '
                      f'class="thread-chrome thread-expanded"><div>{replies}</div><div '
                      f'class="continue"><a class="comment-reply" target="_self">Reply</a></div>'
                      f'</ol></div></div>')
        else:
            thread = '<div class="comment-replies"></div>'
        return (f'<li class="comment" id="c{i}"><div class="avatar-image-container"><img '
                f'src="//resources.blogblog.com/img/blank.gif" alt=""></div>'
                f'\n<div class="comment-block">\n<div class="comment-header">\n<cite '
                f'class="user"><a href="https://www.blogger.com/profile/{i}" rel="nofollow">'
                f'{escape(node.author)}</a></cite>\n<span class="icon user "></span>\n<span '
                f'class="datetime secondary-text"><a rel="nofollow" href="?showComment={ms}'
                f'#c{i}">{stamp}</a></span>\n</div>\n<p class="comment-content">{text}</p>\n'
                f'<span class="comment-actions secondary-text"><a class="comment-reply" '
                f'target="_self">Reply</a><span class="item-control blog-admin"><a '
                f'target="_self" href="#">Delete</a></span></span>\n</div>\n{thread}\n'
                f'<div class="comment-replybox-single"></div>\n</li>\n')

    items = []
    for i, parent in enumerate(flat):
        if parent is None:
            replies = "".join(comment(k, "") for k, p in enumerate(flat) if p == i)
            items.append(comment(i, replies))
    body = (f'<div class="date-outer"><h2 class="date-header"><span>Sunday, 10 January 2021'
            f'</span></h2><div class="post hentry"><h3 class="post-title entry-title">'
            f'{escape(title)}</h3><div class="post-body entry-content"><p>Hyacinths forced in '
            f'glass jars are the easiest way to get scent into a cold house in January.</p>'
            f'</div><div class="post-footer">Posted by Wren</div></div></div>'
            f'<div class="comments" id="comments"><a name="comments"></a>'
            f'<h4>{len(nodes)} comments:</h4><div class="comments-content"><div '
            f'class="comment-thread toplevel-thread"><ol id="top-ra">{"".join(items)}</ol>'
            f'<div class="continue" id="top-continue"><a class="comment-reply" '
            f'target="_self">Add comment</a></div></div></div></div>')
    return _page(title, "", body)


def render_disqus_embed(nodes: list[Node]) -> str:
    """``nodes`` as a page with the Disqus embed's comment list, as a browser saves it
    (``ul#post-list``, ``li.post`` with avatar, byline, "•", relative time, message and
    the footer menu of votes, Reply and Share, replies in ``ul.children``)."""
    def item(i: int, node: Node, depth: int, sub: str) -> str:
        pid = 5000 + i
        user = escape(node.author)
        return (f'<li class="post" id="post-{pid}">\n<div role="alert"></div>\n'
                f'<div class="post-content" data-role="post-content">\n'
                f'<div class="indicator"></div>\n<div class="avatar hovercard"><a '
                f'href="https://disqus.com/by/u{i}/" class="user"><img src="//a.disquscdn.com/'
                f'avatar.jpg" alt="Avatar"></a></div>\n<div class="post-body">\n'
                f'<header class="comment__header">\n<span class="post-byline"><span '
                f'class="author publisher-anchor-color"><a href="https://disqus.com/by/u{i}/">'
                f'{user}</a></span></span>\n<span class="post-meta"><span class="bullet '
                f'time-ago-bullet" aria-hidden="true">&#8226;</span> <a href="#comment-{pid}" '
                f'class="time-ago" title="Monday, March 6, 2023 4:12 PM">2 years ago</a>'
                f'</span>\n</header>\n<div class="post-body-inner"><div class="post-message" '
                f'data-role="message" dir="auto">{_body(node)}</div></div>\n'
                f'<footer class="comment__footer">\n<menu class="comment-footer__menu">\n'
                f'<li class="voting"><a class="vote-up count-{i % 7}"><span class="updatable '
                f'count" data-role="likes">{i % 7}</span></a></li>\n<li class="bullet" '
                f'aria-hidden="true">&#8226;</li>\n<li class="reply"><a data-action="reply">'
                f'<span class="text">Reply</span></a></li>\n<li class="bullet" '
                f'aria-hidden="true">&#8226;</li>\n<li class="share"><a class="toggle"><span '
                f'class="text">Share &#8250;</span></a></li>\n</menu>\n</footer>\n</div>\n'
                f'</div>\n<ul class="children" data-role="children">{sub}</ul>\n</li>\n')

    comments = _nested(nodes, item, "", "")
    return _page("A solar kiln for drying timber", "",
                 f'<article><h1>A solar kiln for drying timber</h1><p>Two panes of glass and '
                 f'a black box: notes from the first month.</p></article>\n'
                 f'<div id="disqus_thread"><nav class="nav nav-primary"><ul><li '
                 f'class="nav-tab nav-tab--primary tab-conversation active"><a '
                 f'class="publisher-nav-color"><span class="comment-count">{len(nodes)} '
                 f'comments</span></a></li></ul></nav><div id="posts"><ul id="post-list" '
                 f'class="post-list">\n{comments}</ul></div></div>')
