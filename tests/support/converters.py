"""Render threads as a WordPress-like HTML page and through the usual HTML-to-text
converters, to test the text parser on what users actually feed it.

:func:`thread_html` writes a :class:`~discourse.model.Thread` as a page: ``<h1>`` title,
article paragraphs, a "N Comments" heading and an ``<ol class="commentlist">`` whose
``<li>`` items hold an author line ("NAME says:"), the body paragraphs (an inline
moderator note as a "NAME responds: …" paragraph) and the replies in a nested
``<ul class="children">`` — the markup of WordPress's ``wp_list_comments``.

:func:`convert` turns HTML into text with one of :data:`CONVERTERS`, invoked as the
issue and ``../shared/realpages`` used them: ``lynx -dump -nolist -width=100``,
``w3m -dump -cols 100``, html2text (``body_width=0``) and inscriptis.  lynx and w3m are
Debian packages (``.ci/run`` installs them); html2text and inscriptis come with the
``test`` extra.  :func:`available` says which are installed.
"""

from __future__ import annotations

import html
import shutil
import subprocess

from discourse.model import Comment, Thread

#: Converter name -> how it is run (see :func:`convert`).
CONVERTERS: tuple[str, ...] = ("lynx", "w3m", "html2text", "inscriptis")


def available(name: str) -> bool:
    """Whether converter ``name`` can run here (a program on PATH or an importable module)."""
    if name in ("lynx", "w3m"):
        return shutil.which(name) is not None
    module = {"html2text": "html2text", "inscriptis": "inscriptis"}[name]
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def convert(page: str, name: str, timeout: float = 60.0) -> str:
    """Text of HTML ``page`` as converter ``name`` renders it.

    Raises ``ValueError`` for an unknown name, ``subprocess.CalledProcessError`` /
    ``subprocess.TimeoutExpired`` when lynx or w3m fail or hang.
    """
    if name == "lynx":
        return _run(["lynx", "-dump", "-nolist", "-width=100", "-assume_charset=utf-8",
                     "-display_charset=utf-8", "-stdin"], page, timeout)
    if name == "w3m":
        return _run(["w3m", "-dump", "-cols", "100", "-T", "text/html", "-I", "UTF-8",
                     "-O", "UTF-8"], page, timeout)
    if name == "html2text":
        import html2text

        h = html2text.HTML2Text()
        h.body_width = 0
        return h.handle(page)
    if name == "inscriptis":
        from inscriptis import get_text

        return get_text(page)
    raise ValueError(f"unknown converter {name!r}; choose from {', '.join(CONVERTERS)}")


def _run(cmd: list[str], page: str, timeout: float) -> str:
    done = subprocess.run(cmd, input=page.encode("utf-8"), capture_output=True,
                          timeout=timeout, check=True)
    return done.stdout.decode("utf-8", errors="replace")


def thread_html(thread: Thread, anonymous: str = "Anonymous") -> str:
    """A WordPress-like page for ``thread`` (see the module docstring).  A comment
    without an author is shown as ``anonymous`` (WordPress's "Anonymous says:")."""
    kids: dict[str | None, list[Comment]] = {}
    for c in thread.comments:
        kids.setdefault(c.parent_id, []).append(c)
    count = sum(1 for c in thread.comments if not c.inline)
    out = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
           f"<title>{html.escape(thread.title)}</title></head><body>",
           f"<article><h1>{html.escape(thread.title)}</h1>",
           '<div class="entry-content">', *_paragraphs(thread.article), "</div></article>",
           '<div id="comments">',
           f'<h2 class="comments-title">{count} Comments</h2>', '<ol class="commentlist">']
    # Iterative walk (any depth): ("open", comment) / ("close", tag) items.
    todo: list[tuple[str, object]] = [("open", c) for c in reversed(kids.get(None, []))]
    while todo:
        action, item = todo.pop()
        if action == "close":
            out.append(str(item))
            continue
        c: Comment = item  # type: ignore[assignment]
        name = html.escape(c.author or anonymous)
        out.append(f'<li class="comment" id="li-comment-{c.id}"><article class="comment-body">')
        out.append(f'<div class="comment-author vcard"><cite class="fn">{name}</cite> '
                   f'<span class="says">says:</span></div>')
        out.append('<div class="comment-content">')
        out += _paragraphs(c.text)
        children = kids.get(c.id, [])
        for note in (k for k in children if k.inline):
            out += _paragraphs(f"{note.author} responds: {note.text}")
        out.append("</div></article>")
        replies = [k for k in children if not k.inline]
        todo.append(("close", "</li>"))
        if replies:
            todo.append(("close", "</ul>"))
            todo += [("open", k) for k in reversed(replies)]
            todo.append(("close", '<ul class="children">'))
    out += ["</ol>", '<div id="respond"><h3>Leave a Reply</h3></div>', "</div></body></html>"]
    return "\n".join(out)


def _paragraphs(text: str) -> list[str]:
    """``<p>`` per blank-line paragraph, ``<br>`` between its lines."""
    return ["<p>" + "<br>\n".join(html.escape(line) for line in para.split("\n")) + "</p>"
            for para in text.split("\n\n") if para.strip()]
