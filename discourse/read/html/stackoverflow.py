"""Stack Overflow and the other Stack Exchange sites: saved question pages.

The question (``div#question``, ``data-questionid``) is the article and its asker the
thread's author; its comments (``li.comment`` in ``ul.comments-list``; ``tr.comment``
on pages before 2019) are top-level comments; each answer (``div.answer``,
``data-answerid``) is a top-level comment with its own comments under it.  Keys follow
the data dumps: an answer's ``platform_id`` is its post id, a comment's ``c`` + its
comment id.  Per post: body ``div.js-post-body`` (``div.post-text`` before 2020), score
``data-score`` / ``.js-vote-count`` / ``.vote-count-post``, author the last
``.post-signature``'s ``.user-details`` link (the first one is the last editor's when the
post was edited), time its ``span.relativetime[title]``; per comment: ``.comment-copy``,
``a.comment-user``, ``.comment-date span[title]``, ``data-comment-score``.  The accepted
answer is marked in the explanation, not in the text.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, cls, iso_time, number, xp
from discourse.read.htmltext import text_of

NAME = "stackoverflow"
SELECTORS = {
    "question": "//div[@id='question'][@data-questionid]|//div[@id='question']",
    "answer": f"//div[{cls('answer')}][@data-answerid]|//div[starts-with(@id, 'answer-')]"
              f"[{cls('answer')}]",
    "body": f".//div[{cls('js-post-body', 'post-text')}]",
    "score": f".//*[{cls('js-vote-count', 'vote-count-post')}]",
    "signature": f".//div[{cls('post-signature')}]",
    "user_link": f".//div[{cls('user-details')}]//a[contains(@href, '/users/')]",
    "user_name": f".//div[{cls('user-details')}]//span[@itemprop='name']",
    "user": f".//div[{cls('user-details')}]",
    "time": f".//*[{cls('user-action-time')}]//span[@title]",
    "comment": f".//li[{cls('comment')}][@data-comment-id or starts-with(@id, 'comment-')]"
               f"|.//tr[{cls('comment')}][starts-with(@id, 'comment-')]",
    "comment_copy": f".//*[{cls('comment-copy')}]",
    "comment_user": f".//a[{cls('comment-user')}]|.//span[{cls('comment-user')}]",
    "comment_time": f".//*[{cls('comment-date')}]//span[@title]",
    "comment_score": f".//*[{cls('comment-score')}]",
    "title": "//div[@id='question-header']//h1//a|//div[@id='question-header']//h1"
             "|//h1[@itemprop='name']",
    "canonical": "//link[@rel='canonical']/@href",
    "site": "//meta[@property='og:site_name']/@content",
}
_X = {k: xp(v) for k, v in SELECTORS.items()}


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """The question, answers and comments of a Stack Exchange question page, or None."""
    questions = _X["question"](root)
    if not questions:
        return None
    question = questions[0]
    answers = [a for a in _X["answer"](root) if a is not question]
    body = _first(question, "body")
    if body is None:
        return None
    posts: list[Post] = []
    q_author, q_time = _signature(question)
    q_comments = _comments(question, None, posts, question.get("data-questionid"))
    accepted = None
    for answer in answers:
        aid = answer.get("data-answerid") or re.sub(r"\D", "", answer.get("id") or "")
        key = aid or f"a{len(posts)}"
        if accepted is None and "accepted-answer" in (answer.get("class") or "").split():
            accepted = key
        author, stamp = _signature(answer)
        answer_body = _first(answer, "body")
        posts.append(Post(key=key, parent=None,
                          text=text_of(answer_body) if answer_body is not None else "",
                          author=author, timestamp=stamp, score=_score(answer),
                          platform_id=aid or None, permalink=f"#answer-{aid}" if aid else None))
        _comments(answer, key, posts, aid)
    if not posts:
        return None
    found = Found(NAME, posts, sections=answers + [c for c in _comment_blocks(question)],
                  article=text_of(body),
                  evidence=[f"question page: div#question, {len(answers)} div.answer, "
                            f"{q_comments} comment(s) on the question, "
                            f"{len(posts) - len(answers) - q_comments} on answers",
                            "answers and question comments top-level, answer comments "
                            "under their answer"
                            + (f"; accepted answer {accepted}" if accepted else "")])
    found.author = q_author
    found.published = q_time
    qid = question.get("data-questionid")
    found.thread_id = qid
    title = _X["title"](root)
    if title:
        found.title = " ".join(title[0].text_content().split())
    canonical = _X["canonical"](root)
    if canonical:
        found.url = str(canonical[0])
        from discourse.read.structured import domain

        found.site = domain(found.url)
    return found


def _first(el: HtmlElement, name: str) -> HtmlElement | None:
    found = _X[name](el)
    return found[0] if found else None


def _own(el: HtmlElement, name: str) -> list[HtmlElement]:
    """Matches of ``name`` under post ``el`` that are not inside another post."""
    out = []
    for node in _X[name](el):
        anc = node.getparent()
        inside = False
        while anc is not None and anc is not el:
            if anc.get("id") in ("question",) or "answer" in (anc.get("class") or "").split():
                inside = True
                break
            anc = anc.getparent()
        if not inside:
            out.append(node)
    return out


def _signature(post: HtmlElement) -> tuple[str | None, str | None]:
    signatures = _own(post, "signature")
    if not signatures:
        return None, None
    owner = next((s for s in signatures if "owner" in (s.get("class") or "").split()),
                 signatures[-1])
    user = _first(owner, "user_link")
    if user is None:
        user = _first(owner, "user_name")
    if user is not None:
        name = " ".join(user.text_content().split()) or None
    else:  # a deleted or anonymous user: the name without the reputation line
        details = _first(owner, "user")
        flair = details.find(".//div") if details is not None else None
        if flair is not None:
            flair.drop_tree()
        name = " ".join(details.text_content().split()) or None if details is not None \
            else None
    time_el = _first(owner, "time")
    stamp = _time(time_el.get("title")) if time_el is not None else None
    return name, stamp


def _time(title: str | None) -> str | None:
    if not title:
        return None
    return iso_time(title.split(",")[0].strip())


def _score(post: HtmlElement) -> int | None:
    value = post.get("data-score")
    if value is not None and re.match(r"^-?\d+$", value.strip()):
        return int(value)
    counts = _own(post, "score")
    if counts:
        raw = counts[0].get("data-value") or counts[0].text_content()
        return number(raw)
    return None


def _comment_blocks(post: HtmlElement) -> list[HtmlElement]:
    return _own(post, "comment")


def _comments(post: HtmlElement, parent: str | None, posts: list[Post],
              post_id: str | None) -> int:
    count = 0
    for li in _comment_blocks(post):
        cid = li.get("data-comment-id") or re.sub(r"\D", "", li.get("id") or "")
        copy = _first(li, "comment_copy")
        user = _first(li, "comment_user")
        stamp_el = _first(li, "comment_time")
        score = li.get("data-comment-score")
        if score is None:
            score_el = _first(li, "comment_score")
            score = score_el.text_content().strip() if score_el is not None else None
        posts.append(Post(
            key=f"c{cid}" if cid else f"c#{len(posts)}", parent=parent,
            text=text_of(copy) if copy is not None else "",
            author=" ".join(user.text_content().split()) if user is not None else None,
            timestamp=_time(stamp_el.get("title")) if stamp_el is not None else None,
            score=number(score) if score else None,
            platform_id=f"c{cid}" if cid else None,
            permalink=f"#comment{cid}_{post_id}" if cid and post_id else None))
        count += 1
    return count
