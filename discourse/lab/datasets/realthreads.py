"""The in-domain labelled set: real comment threads labelled relative to what each comment
answers (``discourse/classify/labels/real_threads.csv``; guide: ``docs/labelling-guide.md``).

The project stores ids, first words and labels, never the comments' text: the text is read
from the source files at training/evaluation time — public fixtures in
``tests/fixtures/realthreads/`` (origins in its ``SOURCES.md``) and three files of
``../shared/realpages/`` (skipped with a note when absent).  Each source form has a small
extractor here, keyed exactly as the labelling packets were: the platform's comment id
(Reddit, Hacker News, Disqus, Daum) or the display position (``c001``, … on wiki talk
pages, which have no ids).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import orjson
import pandas as pd

from discourse.errors import DataError
from discourse.model import Thread

#: The labels (ids + first words + labels), part of the lab.
LABELS_FILE = Path(__file__).resolve().parents[1] / "labels" / "real_threads.csv"
#: Environment variables naming the folder of the thread files (the project's
#: ``tests/fixtures/realthreads``) and the shared real pages (``../shared/realpages``).
THREADS_ENV, REALPAGES_ENV = "DISCOURSE_THREADS", "DISCOURSE_REALPAGES"
FIXTURES, SHARED = Path("<threads>"), Path("<realpages>")


def _located(path: Path, threads_root: str | Path | None,
             realpages_root: str | Path | None) -> Path:
    """``path`` (under :data:`FIXTURES` or :data:`SHARED`) in the folders given: the
    threads folder is ``threads_root`` or ``$DISCOURSE_THREADS``, the real pages
    ``realpages_root`` or ``$DISCOURSE_REALPAGES``; a path whose folder is unknown stays as
    it is (absent)."""
    import os

    if path.parts[0] == str(FIXTURES):
        base = threads_root or os.environ.get(THREADS_ENV)
    else:
        base = realpages_root or os.environ.get(REALPAGES_ENV)
    return Path(base).joinpath(*path.parts[1:]) if base else path


@dataclass(slots=True)
class Item:
    """One comment of a source thread: key, parent key (None: the article), text."""

    key: str
    parent: str | None
    text: str
    author: str = ""


def html_text(fragment: str) -> str:
    """Plain text of an HTML fragment: block elements and ``<br>`` break lines, paragraphs
    are separated by a blank line, quotes keep a ``> `` prefix."""
    import lxml.html

    if not fragment or not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for br in root.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    for quote in root.xpath(".//blockquote"):
        inner = quote.text_content().strip()
        quote.clear()
        quote.text = "\n\n" + "\n".join("> " + ln for ln in inner.splitlines()) + "\n\n"
    for block in root.xpath(".//p|.//div|.//li|.//pre|.//dd|.//dt|.//h1|.//h2|.//h3|.//h4"):
        block.tail = "\n\n" + (block.tail or "")
    text = root.text_content().replace("\r", "")
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _reddit(path: Path) -> tuple[str, list[Item]]:
    data = orjson.loads(path.read_bytes())
    post = data[0]["data"]["children"][0]["data"]
    article = f"{post.get('title', '')}\n\n{html.unescape(post.get('selftext', ''))}".strip()
    items: list[Item] = []
    stack = [(c, None) for c in reversed(data[1]["data"]["children"])]
    while stack:
        node, parent = stack.pop()
        if node.get("kind") != "t1":
            continue
        d = node["data"]
        body = d.get("body", "")
        items.append(Item(d["id"], parent, html.unescape(body),  # API escapes & < >
                          d.get("author") or ""))
        replies = d.get("replies")
        if isinstance(replies, dict):
            stack.extend((c, d["id"]) for c in reversed(replies["data"]["children"]))
    return article, items


def _disqus_wordpress_page(path: Path) -> tuple[str, list[Item]]:
    import lxml.html

    doc = lxml.html.fromstring(path.read_bytes())
    title = doc.xpath("//h1")[0].text_content().strip()
    body = doc.xpath('//div[contains(@class,"post-content")]')
    article = title + "\n\n" + (html_text(lxml.html.tostring(body[0], encoding="unicode"))
                                if body else "")
    items: list[Item] = []
    pingbacks = 0

    def walk(ul, parent: str | None) -> None:
        nonlocal pingbacks
        for li in ul.xpath("./li"):
            if "pingback" in (li.get("class") or ""):
                pingbacks += 1
                items.append(Item(f"pingback{pingbacks}", parent, li.text_content().strip()))
                continue
            if not (li.get("id") or "").startswith("dsq-comment-"):
                continue
            key = li.get("id").rsplit("-", 1)[1]
            message = li.xpath('.//div[contains(@class,"dsq-comment-message")]')[0]
            author = li.xpath(".//cite")
            items.append(Item(key, parent, html_text(lxml.html.tostring(message,
                                                                        encoding="unicode")),
                              author[0].text_content().strip() if author else ""))
            for children in li.xpath('./ul[@class="children"]'):
                walk(children, key)

    walk(doc.xpath('//ul[@id="dsq-comments"]')[0], None)
    return article, items


def _hn_table_page(path: Path) -> tuple[str, list[Item]]:
    import lxml.html

    doc = lxml.html.fromstring(path.read_bytes())
    article = doc.xpath('//td[@class="title"]/a')[0].text_content()
    items: list[Item] = []
    stack: list[str] = []
    for td in doc.xpath('//td[@class="default"]'):
        img = td.getparent().xpath('./td/img[contains(@src,"s.gif")]')
        depth = int(img[0].get("width", "0")) // 40 if img else 0
        head = td.xpath('.//span[@class="comhead"]')[0]
        key = head.xpath('.//a[starts-with(@href,"item?id=")]')[0].get("href").split("=", 1)[1]
        span = td.xpath('.//span[@class="comment"]')
        text = html_text(lxml.html.tostring(span[0], encoding="unicode")) if span else ""
        stack = stack[:depth]
        items.append(Item(key, stack[-1] if stack else None, text))
        stack.append(key)
    return article, items


def _daum(path: Path) -> tuple[str, list[Item]]:
    import lxml.html

    data = orjson.loads(path.read_bytes())
    keys = {c["id"] for c in data}
    article_path = path.with_name(path.name.replace(".comments.json", ".article.html"))
    article = ""
    if article_path.is_file():
        doc = lxml.html.fromstring(article_path.read_bytes())
        article = " ".join(doc.text_content().split())
    return article, [Item(str(c["id"]), str(c["parentId"]) if c.get("parentId") in keys
                          else None, c.get("content", ""),
                          c.get("user", {}).get("displayName", "")) for c in data]


#: Number of title groups (threads) in ``news_ko_entertainment.json``.
_NEWS_KO_ENT_THREADS = 23


def _news_title_group(index: int, path: Path) -> tuple[str, list[Item]]:
    """One title group of ``news_ko_entertainment.json`` (comments of a Korean portal's
    entertainment news, grouped by the title of the article they were posted under): the
    article text is only its title; every comment answers the article (keys ``<split>-<row>``)."""
    group = _title_groups(path)[index]
    return group["title"], [Item(c["key"], None, c["text"]) for c in group["comments"]]


@cache
def _title_groups(path: Path) -> list[dict]:
    """The file's title groups, read once for all of its threads."""
    return orjson.loads(path.read_bytes())["threads"]


#: thread -> (file, extractor).  Files under SHARED are not in the project.
SOURCES: dict[str, tuple[Path, Callable[[Path], tuple[str, list[Item]]]]] = {
    "reddit_nfl_trent_williams": (SHARED / "exports" / "reddit-nfl-comments.json", _reddit),
    "reddit_announcements_were_back": (FIXTURES / "reddit_announcements_were_back.json",
                                       _reddit),
    "reddit_funny_ba_dum_tsss": (FIXTURES / "reddit_funny_ba_dum_tsss.json", _reddit),
    "blog_tegdesign_magento_csv": (SHARED / "pages" / "tegdesign_magento.html",
                                   _disqus_wordpress_page),
    "blog_tegdesign_html5sql": (SHARED / "pages" / "tegdesign_html5sql.html",
                                _disqus_wordpress_page),
    "hn_larry_page_future": (FIXTURES / "hn_larry_page_future.html", _hn_table_page),
    "news_daum_ko_pardon": (FIXTURES / "news_daum_ko_pardon.comments.json", _daum),
    # training-split threads added later (origins in SOURCES.md)
    "reddit_iama_ken_bone": (FIXTURES / "reddit_iama_ken_bone.json", _reddit),
    "news_daum_ko_ahn_cheolsoo": (FIXTURES / "news_daum_ko_ahn_cheolsoo.comments.json", _daum),
    "reddit_announcements_polls": (FIXTURES / "reddit_announcements_polls.json", _reddit),
    **{f"news_ko_ent_{i + 1:02d}": (FIXTURES / "news_ko_entertainment.json",
                                    partial(_news_title_group, i))
       for i in range(_NEWS_KO_ENT_THREADS)},
}


def source_of(thread: str) -> str:
    """The source a labelled thread comes from: its file's name without extensions (the
    title groups of one news-comment dataset share one file); the thread itself when
    unknown.  Cross-validation holds a whole source out at once."""
    if thread not in SOURCES:
        return thread
    return SOURCES[thread][0].name.split(".")[0]


#: Articles of threads whose source has no article text.
ARTICLES: dict[str, str] = {}


def threads(threads_root: str | Path | None = None,
            missing: Callable[[str], None] = lambda _: None,
            realpages_root: str | Path | None = None) -> Iterator[Thread]:
    """The labelled threads as :class:`Thread` objects (platform ids = labelled keys), for
    running the classifier on whole threads."""
    from discourse.read.assemble import Post, assemble

    for name, article, items in iter_threads(threads_root, missing, realpages_root):
        comments = assemble(Post(key=i.key, parent=i.parent, text=i.text, author=i.author or None,
                                 platform_id=i.key) for i in items.values())
        yield Thread(source=name, layout=None, title=name, article=article, comments=comments,
                     format="labelled")


def labels_frame() -> pd.DataFrame:
    """The labels file as a DataFrame (strings)."""
    if not LABELS_FILE.is_file():
        raise DataError(f"{LABELS_FILE}: labels of the real threads not found")
    return pd.read_csv(LABELS_FILE, dtype=str, keep_default_na=False)


def iter_threads(threads_root: str | Path | None = None,
                 missing: Callable[[str], None] = lambda _: None,
                 realpages_root: str | Path | None = None
                 ) -> Iterator[tuple[str, str, dict[str, Item]]]:
    """``(thread, article, items by key)`` for every labelled thread whose source file
    is present; ``missing`` is told of the others."""
    for thread, (path, extract) in SOURCES.items():
        path = _located(path, threads_root, realpages_root)
        if not path.is_file():
            missing(f"{thread}: {path} not present; its labels are skipped")
            continue
        article, items = extract(path)
        yield thread, ARTICLES.get(thread, article), {i.key: i for i in items}


def load_real_threads(threads_root: str | Path | None = None, split: str | None = None,
                      missing: Callable[[str], None] = lambda _: None,
                      realpages_root: str | Path | None = None) -> pd.DataFrame:
    """Labelled pairs of the real threads (``split``: "train", "test" or both; dataset
    ``real_threads``, group = thread), built by the one pairs path from each labelled
    thread (:func:`threads`).  A flat comment labelled against an earlier comment
    (``target``) answers that comment (``Comment.target_id``).  Rows marked ``skip`` are
    dropped.  Raises :class:`DataError` if a labelled key is not in its source (a changed
    file)."""
    from dataclasses import replace

    from discourse.classify.labelled import LABELLED_COLUMNS
    from discourse.classify.pairs import thread_pairs

    labels = labels_frame()
    labels = labels[labels["label"] != "skip"]
    if split is not None:
        labels = labels[labels["split"] == split]
    frames = []
    for thread in threads(threads_root, missing, realpages_root):
        block = labels[labels["thread"] == thread.source]
        if block.empty:
            continue
        by_key = {c.platform_id: c for c in thread.comments}
        position = {c.platform_id: i for i, c in enumerate(thread.comments)}
        targets = {r["key"]: r["target"] for _, r in block.iterrows() if r["target"]}
        comments = []
        for c in thread.comments:
            target = targets.get(c.platform_id or "")
            if target and c.parent_id is None:
                c = replace(c, target_id=None if target == "ARTICLE" else by_key[target].id)
            comments.append(c)
        pairs = thread_pairs(thread.with_comments(comments))
        rows = []
        for key in block["key"]:
            if key not in by_key:
                raise DataError(f"{LABELS_FILE}: {thread.source} key {key} not in its source")
            rows.append(position[key])
        chosen = pairs.iloc[rows].reset_index(drop=True)
        chosen["thread_id"] = thread.source
        chosen["label"] = block["label"].to_numpy()
        chosen["split"] = block["split"].to_numpy()
        frames.append(chosen)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LABELLED_COLUMNS})
    frame = pd.concat(frames, ignore_index=True)
    frame["dataset"], frame["group"] = "real_threads", frame["thread_id"]
    frame = frame[frame["reply"].str.strip() != ""].reset_index(drop=True)
    return frame[list(LABELLED_COLUMNS)]
