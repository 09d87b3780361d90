"""Flat forum threads: vBulletin (3, 4, 5), XenForo (1, 2), Simple Machines (SMF),
MyBB, Invision (IP.Board 3, IPS 4), FluxBB/PunBB and phpBB 2 (subSilver), saved thread
pages.  (phpBB 3 prosilver has its own module, :mod:`discourse.read.html.phpbb`.)

Every engine shows the posts of a thread one after the other, never nested: one
:data:`ENGINES` entry per engine names, as XPath kept as data, the post element (the
``table.tborder#post123`` of vBulletin 3, ``li.postcontainer`` of vBulletin 4,
``li.message``/``article.message`` of XenForo, …), where its id, author, date and body
are, and how a quote names what it quotes (an attribute such as XenForo's
``data-source="post: 123"`` and ``data-quote``, or a link to ``#post123`` and a "X
wrote:" / "Originally Posted by X" / "Quote from: X" line).

A post that quotes an earlier post gets it as ``target_id`` (see
:mod:`discourse.read.html.flat`); the quotation stays in its text as a "X wrote:" line
and ``> `` lines.  The thread's first post (post counter 1, or the first post of a page
without a counter) is the opening post: the article and its author; on a later page of a
thread every post is a comment.  Signatures, "Click to expand…", edit notes and the
engines' buttons are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from discourse.read.assemble import Post
from discourse.read.html.base import Found, cls, iso_time, xp
from discourse.read.html.flat import Earlier, quoted_post
from discourse.read.htmltext import text_of

NAME = "forums"


@dataclass(frozen=True, slots=True)
class Engine:
    """Where one forum engine keeps a post's parts (XPath relative to the post)."""

    layout: str
    item: str
    id_attrs: tuple[str, ...]
    author: str
    date: str
    body: str
    quote: str = ""
    quote_header: str = ""
    quote_text: str = ""
    quote_author_attrs: tuple[str, ...] = ()
    quote_post_attrs: tuple[str, ...] = ()
    furniture: str = ""
    counter: str = ""
    title: str = "//h1"


ENGINES: tuple[Engine, ...] = (
    Engine("xenforo",  # XenForo 2
           item=f"//article[{cls('message--post')}][@data-content or @data-author]"
                f"|//article[{cls('message')}][@data-author][.//div[{cls('bbWrapper')}]]",
           id_attrs=("data-content", "id"),
           author=f".//*[{cls('message-name')}]//*[{cls('username')}]"
                  f"|.//*[{cls('message-name')}]",
           date=f".//ul[{cls('message-attribution-main')}]//time"
                f"|.//header[{cls('message-attribution')}]//time",
           body=f".//div[{cls('bbWrapper')}]",
           quote=f".//blockquote[{cls('bbCodeBlock--quote')}]",
           quote_header=f".//*[{cls('bbCodeBlock-title')}]",
           quote_text=f".//*[{cls('bbCodeBlock-expandContent')}]",
           quote_author_attrs=("data-quote",), quote_post_attrs=("data-source",),
           furniture=f".//*[{cls('bbCodeBlock-expandLink', 'message-lastEdit', 'js-selectToQuoteEnd')}]",
           counter=f".//ul[{cls('message-attribution-opposite')}]//a",
           title=f"//h1[{cls('p-title-value')}]|//h1"),
    Engine("xenforo",  # XenForo 1
           item=f"//li[{cls('message')}][starts-with(@id, 'post-')]",
           id_attrs=("id",),
           author=f".//*[{cls('messageUserBlock')}]//*[{cls('username')}]"
                  f"|.//*[{cls('authorEnd')}]//*[{cls('username')}]",
           date=f".//*[{cls('messageMeta')}]//*[{cls('DateTime')}]",
           body=f".//blockquote[{cls('messageText')}]",
           quote=f".//div[{cls('bbCodeQuote')}]",
           quote_header=f".//*[{cls('attribution')}]",
           quote_text=f".//*[{cls('quote')}]",
           quote_author_attrs=("data-author",),
           furniture=f".//*[{cls('quoteExpand', 'messageTextEndMarker', 'editDate')}]",
           counter=f".//*[{cls('postNumber')}]",
           title=f"//div[{cls('titleBar')}]/h1|//h1"),
    Engine("vbulletin",  # vBulletin 4
           item=f"//li[{cls('postcontainer', 'postbitlegacy', 'postbit')}][starts-with(@id, 'post_')]",
           id_attrs=("id",),
           author=f".//*[{cls('username_container')}]//*[{cls('username')}]"
                  f"|.//a[{cls('username')}]",
           date=f".//*[{cls('postdate')}]",
           body=f".//blockquote[{cls('postcontent')}]|.//*[starts-with(@id, 'post_message_')]",
           quote=f".//div[{cls('bbcode_container')}]",
           quote_header=f".//*[{cls('bbcode_postedby')}]",
           quote_text=f".//*[{cls('message')}]|.//*[{cls('quote_container')}]",
           furniture=f".//*[{cls('signature', 'lastedited', 'postfoot')}]",
           counter=f".//a[{cls('postcounter')}]",
           title=f"//*[{cls('threadtitle')}]|//h1|//h2[{cls('title')}]"),
    Engine("vbulletin",  # vBulletin 5
           item=f"//li[{cls('b-post')}][@data-node-id]",
           id_attrs=("data-node-id",),
           author=f".//*[{cls('b-userinfo__details')}]//*[{cls('author')}]//a"
                  f"|.//*[{cls('author')}]//a",
           date=f".//*[{cls('b-post__timestamp')}]//time|.//time",
           body=f".//*[{cls('js-post__content-text')}]",
           quote=f".//div[{cls('bbcode_container')}]",
           quote_header=f".//*[{cls('bbcode_postedby')}]",
           quote_text=f".//*[{cls('message')}]",
           furniture=f".//*[{cls('b-post__footer', 'signature')}]",
           counter=f".//*[{cls('b-post__count')}]",
           title="//h1"),
    Engine("vbulletin",  # vBulletin 3 (table layout)
           item="//table[starts-with(@id, 'post')][.//*[starts-with(@id, 'post_message_')]]",
           id_attrs=("id",),
           author=f".//a[{cls('bigusername')}]",
           date=f".//td[{cls('thead')}][1]",
           body=".//*[starts-with(@id, 'post_message_')]",
           quote=".//div[div[contains(., 'Quote:')] and table]",
           quote_header=".//table//td/div[1]",
           quote_text=".//table//td/div[last()]",
           furniture=".//div[starts-with(@id, 'post_sig_')]|.//div[contains(., '__________')]",
           counter=".//a[starts-with(@id, 'postcount')]",
           title=f"//td[{cls('navbar')}]//strong|//h1"),
    Engine("smf",
           item=f"//div[{cls('post_wrapper')}]|//div[{cls('windowbg', 'windowbg2')}]"
                f"[starts-with(@id, 'msg')]",
           id_attrs=("id",),
           author=f".//div[{cls('poster')}]//h4//a|.//div[{cls('poster')}]//h4",
           date=f".//div[{cls('keyinfo')}]//*[{cls('smalltext')}]"
                f"|.//*[{cls('postinfo')}]//*[{cls('smalltext')}]",
           body=f".//div[{cls('inner')}][starts-with(@id, 'msg_')]|.//div[{cls('post')}]",
           quote=f".//blockquote[{cls('bbc_standard_quote', 'bbc_alternate_quote')}]",
           quote_header="./cite|preceding-sibling::div[1]",
           quote_text=".",
           furniture=f".//div[{cls('signature', 'quoteheader', 'quotefooter')}]",
           counter=f".//div[{cls('keyinfo')}]//*[{cls('smalltext')}]",
           title="//div[@id='forumposts']//h3|//h1"),
    Engine("mybb",
           item=f"//div[{cls('post')}][starts-with(@id, 'post_')][.//div[{cls('post_body')}]]",
           id_attrs=("id",),
           author=f".//div[{cls('author_information')}]//*[{cls('largetext')}]//a"
                  f"|.//div[{cls('post_author')}]//a",
           date=f".//span[{cls('post_date')}]",
           body=f".//div[{cls('post_body')}]",
           quote=f".//blockquote[{cls('mycode_quote')}]",
           quote_header="./cite",
           quote_text=".",
           furniture=f".//div[{cls('signature', 'post_controls', 'post_meta')}]",
           counter=f".//div[{cls('post_head')}]//strong/a",
           title=f"//td[{cls('thead')}]//strong|//h1"),
    Engine("invision",  # IPS 4
           item=f"//article[{cls('cPost')}][starts-with(@id, 'elComment_')]",
           id_attrs=("id",),
           author=f".//*[{cls('cAuthorPane_author')}]//a|.//*[{cls('cAuthorPane_author')}]",
           date=".//time",
           body=".//div[@data-role='commentContent']",
           quote=f".//blockquote[{cls('ipsQuote')}]",
           quote_header=f".//*[{cls('ipsQuote_citation')}]",
           quote_text=f".//*[{cls('ipsQuote_contents')}]",
           quote_author_attrs=("data-ipsquote-username",),
           quote_post_attrs=("data-ipsquote-contentcommentid",),
           furniture=f".//*[{cls('ipsType_reset', 'cPost_signature')}][@data-role='signature']",
           title=f"//h1[{cls('ipsType_pageTitle')}]|//h1"),
    Engine("invision",  # IP.Board 3
           item=f"//div[{cls('post_block')}][starts-with(@id, 'post_id_')]",
           id_attrs=("id",),
           author=f".//*[{cls('author')}]//span[@itemprop='name']|.//*[{cls('author')}]",
           date=f".//abbr[{cls('published')}]|.//*[{cls('posted_info')}]",
           body=f".//div[{cls('post', 'entry-content')}]",
           quote=f".//blockquote[{cls('ipsBlockquote')}]",
           quote_header="preceding-sibling::p[@class='citation'][1]",
           quote_text=".",
           quote_author_attrs=("data-author",), quote_post_attrs=("data-cid",),
           furniture=f".//*[{cls('signature', 'edit')}]",
           title=f"//h1[{cls('ipsType_pagetitle')}]|//h1"),
    Engine("fluxbb",
           item=f"//div[{cls('blockpost')}][starts-with(@id, 'p')]",
           id_attrs=("id",),
           author=f".//div[{cls('postleft')}]//dt//a|.//div[{cls('postleft')}]//dt",
           date=".//h2//a",
           body=f".//div[{cls('postmsg')}]",
           quote=f".//div[{cls('quotebox')}]",
           quote_header="./cite",
           quote_text=".//blockquote",
           furniture=f".//div[{cls('postsignature', 'postfootright', 'postedit')}]",
           counter=".//h2//span[@class='conr']",
           title="//h1|//div[@id='brdmain']//h2"),
)
_X: dict[tuple[int, str], object] = {}
_WROTE = re.compile(r"^\s*(?:Quote\s+from:\s*|Quote\s*:\s*|Zitat\s+von:?\s*|Citation\s+de\s*:?\s*|"
                    r"Originally\s+Posted\s+by\s*|Originalmente\s+enviado\s+por\s*|"
                    r"Zitat\s+von\s*|Zitat\s+Zitat\s+von\s*|Messaggio\s+originale\s+di\s*)?"
                    r"(?P<name>[^\n]+?)\s*(?:(?:said|wrote|Wrote|a écrit|schrieb|escribió|"
                    r"ha scritto|написал\w*|sagte)\s*:?|\s+on\s+.*|,\s+on\s+.*|$)", re.I)
_POST_LINK = re.compile(r"(?:#post_?|[?&]p=|#msg|[?&]pid=|#pid|#p|goto/post\?id=|/post-|"
                        r"#comment-|findComment&comment=|[?&]post=)(\d+)")
_ID = re.compile(r"(\d+)$")
_DIGITS = re.compile(r"(\d+)")


def _x(engine: int, path: str):
    key = (engine, path)
    if key not in _X:
        _X[key] = xp(path)
    return _X[key]


def find(root: HtmlElement, explain: list[str] | None = None) -> Found | None:
    """The posts of the first engine of :data:`ENGINES` whose posts ``root`` holds, or
    None."""
    for n, engine in enumerate(ENGINES):
        if not engine.item:
            continue
        items = _x(n, engine.item)(root)
        items = [i for i in items if not any(a in items for a in i.iterancestors())]
        if len(items) < 1:
            continue
        found = _read(n, engine, items, root)
        if found is not None:
            return found
    return None


def _first(el: HtmlElement, n: int, path: str) -> HtmlElement | None:
    """The first match of the first alternative of ``path`` (``a|b``: ``a`` before ``b``,
    whatever their document order) that matches."""
    if not path:
        return None
    for alternative in path.split("|"):
        found = _x(n, alternative)(el)
        if found:
            return found[0]
    return None


def _post_id(el: HtmlElement, engine: Engine) -> str | None:
    for attr in engine.id_attrs:
        value = el.get(attr)
        if value:
            m = _ID.search(value)
            if m:
                return m.group(1)
    return None


def _stamp(el: HtmlElement | None) -> str | None:
    if el is None:
        return None
    for attr in ("datetime", "data-time", "data-timestamp", "title", "data-datestring"):
        value = el.get(attr)
        if value:
            stamp = iso_time(value)
            if stamp:
                return stamp
    text = " ".join(el.text_content().split())
    text = re.sub(r"^(?:«\s*)?(?:Reply\s+#\d+\s+)?(?:on|am|le|el|il)\s*:?\s*|\s*»$", "", text,
                  flags=re.I)
    text = re.sub(r"^(?:Posted|Geschrieben|Posté|Publicado)\s*:?\s*", "", text, flags=re.I)
    text = text.replace("\u00a0", " ")
    return iso_time(text) or iso_time(text.split(" - ")[0].strip())


def _read(n: int, engine: Engine, items: list[HtmlElement], root: HtmlElement) -> Found | None:
    earlier = Earlier()
    posts: list[Post] = []
    targets: dict[str, str] = {}
    article = published = opener = None
    article_key = None
    quoted = 0
    for i, item in enumerate(items):
        pid = _post_id(item, engine)
        key = pid or f"f{i}"
        author_el = _first(item, n, engine.author)
        author = " ".join(author_el.text_content().split()) if author_el is not None else None
        author = author or None
        stamp = _stamp(_first(item, n, engine.date))
        body = _first(item, n, engine.body)
        target = None
        if body is not None:
            skip: set[HtmlElement] = set(_x(n, engine.furniture)(body)) if engine.furniture \
                else set()
            for quote in (_x(n, engine.quote)(body) if engine.quote else []):
                found_target = _quote(n, engine, quote, earlier, skip)
                if target is None:
                    target = found_target
                quoted += 1
            text = text_of(body, skip.__contains__)
        else:
            text = ""
        counter_el = _first(item, n, engine.counter) if engine.counter else None
        number = _counter(counter_el)
        earlier.add(key, text, author)
        if i == 0 and (number == 1 or counter_el is None):
            # the thread's first post (a later page starts with post N > 1)
            article, published, opener, article_key = text, stamp, author, key
            continue
        if target is not None and target != article_key:
            targets[key] = target
        posts.append(Post(key=key, parent=None, text=text, author=author, timestamp=stamp,
                          platform_id=pid, permalink=_permalink(item, pid, engine)))
    if not posts:
        return None
    found = Found(engine.layout, posts, sections=list(items), article=article,
                  targets=targets,
                  evidence=[f"{len(items)} {engine.layout} post(s) ({_short(engine.item)}), "
                            f"flat", f"{quoted} quote(s), {len(targets)} naming an earlier "
                            f"comment"])
    found.published = published
    found.author = opener
    title = _first(root, n, engine.title)
    if title is not None:
        found.title = " ".join(title.text_content().split()) or None
    return found


def _short(path: str) -> str:
    return path.split("[")[0].lstrip("/")


def _counter(el: HtmlElement | None) -> int | None:
    """A post's number from its counter ("#2", "2", SMF's "« Reply #2 on: … »"; "« on:
    … »" is the first post), or None."""
    if el is None:
        return None
    text = " ".join(el.text_content().split()) or el.get("name") or ""
    m = re.search(r"#\s*(\d+)", text)
    if m:
        return int(m.group(1))
    if text.strip().isdigit():
        return int(text.strip())
    if re.match(r"^\W*(?:on|am|le|el)\s*:", text, re.I):
        return 1
    return None


def _permalink(item: HtmlElement, pid: str | None, engine: Engine) -> str | None:
    content = item.get("data-content")  # XenForo 2: the anchor is "post-123"
    ident = content if content and content.startswith("post-") else item.get("id")
    return f"#{ident}" if ident else (f"#post{pid}" if pid else None)


def _quote(n: int, engine: Engine, quote: HtmlElement, earlier: Earlier,
           skip: set[HtmlElement]) -> str | None:
    """The earlier post ``quote`` names; the quote is rewritten in place as a "X wrote:"
    paragraph and a ``<blockquote>`` of the quoted words."""
    name = None
    for attr in engine.quote_author_attrs:
        if quote.get(attr):
            name = quote.get(attr).strip()
            break
    post_id = None
    for attr in engine.quote_post_attrs:
        value = quote.get(attr)
        if value:
            m = _DIGITS.search(value.split(",")[0])
            post_id = m.group(1) if m else None
            break
    header = _first(quote, n, engine.quote_header) if engine.quote_header else None
    if header is not None:
        if post_id is None:
            for a in header.iter("a"):
                m = _POST_LINK.search(a.get("href") or "")
                if m:
                    post_id = m.group(1)
                    break
        if name is None:
            strong = header.find(".//strong")
            words = " ".join((strong if strong is not None else header).text_content().split())
            m = _WROTE.match(words)
            name = m.group("name").strip(" :") if m and m.group("name") else None
    if post_id is None:
        for a in quote.iter("a"):
            m = _POST_LINK.search(a.get("href") or "")
            if m:
                post_id = m.group(1)
                break
    inner = _first(quote, n, engine.quote_text) if engine.quote_text else None
    if inner is None or inner is header:
        inner = quote
    hidden = set(skip)
    if header is not None:
        hidden.add(header)
    words = text_of(inner, hidden.__contains__)
    target = quoted_post(earlier, post_id=post_id, authors=(name,), words=words)
    # rewrite: "NAME wrote:" + blockquote with the words
    tail = quote.tail
    for child in list(quote):
        quote.remove(child)
    quote.attrib.clear()
    quote.tag = "div"
    quote.text = None
    if name:
        line = quote.makeelement("p", {})
        line.text = f"{name} wrote:"
        quote.append(line)
    block = quote.makeelement("blockquote", {})
    for paragraph in words.split("\n\n"):
        para = block.makeelement("p", {})
        lines = paragraph.split("\n")
        para.text = lines[0]
        for line in lines[1:]:
            br = para.makeelement("br", {})
            br.tail = line
            para.append(br)
        block.append(para)
    quote.append(block)
    quote.tail = tail
    return target
