"""A deterministic synthetic corpus for benchmarks: the seeds' real texts in new reply trees.

The seeds are parsed once; their articles (all of them) and their comment bodies, authors
and inline moderator notes (the ones with comments) are recombined into new documents:

* tree size: lognormal (median 30, clipped to 0..600), and 10% of documents without comments;
* tree shape: preferential attachment — a new comment answers the article with probability
  0.35, else an earlier comment chosen in proportion to 1 + its replies (10 levels at most);
* bodies sampled from the seed comments, most of them (``P_EXTRA_SENTENCE``) with one
  sentence of another seed comment appended, so that comments of a thread are distinct
  texts as in real threads (only 50 seed comments exist); authors sampled (or none), and
  now and then an inline note ("AK responds: …") as a comment's first child;
* a layout chosen uniformly among the three, rendered by :func:`~tests.support.render.render`
  with a "N Comments" heading where the parser needs the evidence (a tree without replies,
  the bullets layout) and half of the time elsewhere.

Everything is drawn from one ``random.Random(seed)``, so a seed gives byte-identical output,
and documents are produced one at a time (the corpus is never held in memory)::

    python -m tests.support.corpus OUT_DIR --size 10MB [--seed 0] [--seeds seeds]
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from discourse.model import LAYOUTS, Comment, Thread
from tests.support.render import render

#: Tree-size distribution: lognormal with this median and sigma, clipped to MAX_COMMENTS.
MEDIAN_COMMENTS = 30
SIGMA_COMMENTS = 1.0
MAX_COMMENTS = 600
P_NO_COMMENTS = 0.10
#: Probability that a new comment answers the article rather than an earlier comment.
P_TOP_LEVEL = 0.35
#: Comment levels at most (depth 0 .. MAX_DEPTH - 1); an inline note may sit one deeper.
MAX_DEPTH = 10
P_NO_AUTHOR = 0.15
P_INLINE_NOTE = 0.05
#: Probability that a body gets one sentence of another seed comment appended.
P_EXTRA_SENTENCE = 0.9
#: Probability of a "N Comments" heading when the tree has replies; always written when it
#: has none, and in the bullets layout (no author lines: the parser needs the evidence).
P_HEADING = 0.5
MODERATOR = "AK"
FILES_PER_FOLDER = 1000

_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}


@dataclass(slots=True)
class CorpusStats:
    """What a generation run wrote."""

    documents: int = 0
    comments: int = 0
    bytes: int = 0


@dataclass(slots=True)
class SeedPool:
    """The seed material documents are recombined from."""

    articles: list[tuple[str, str]]  # (title, article text)
    bodies: list[str]
    sentences: list[str]  # single sentences of the bodies, for appending to other bodies
    authors: list[str]
    notes: list[str]
    skipped: list[str] = field(default_factory=list)  # bodies that do not survive re-layout


def parse_size(text: str) -> int:
    """``"10MB"`` -> 10_000_000 (KB/MB/GB are decimal, KiB/MiB/GiB binary; plain bytes too)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]I?B|B)?\s*", text, re.IGNORECASE)
    if not m:
        raise ValueError(f"not a size: {text!r} (use e.g. 200KB, 10MB, 1GB)")
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "").upper()])


def load_pool(seeds_dir: str | Path = "seeds") -> SeedPool:
    """Parse the seed documents and keep what the generator recombines.

    Bodies are kept only if a small thread using them renders and parses back to the same
    tree in all three layouts, so generated documents round-trip.
    """
    from discourse.read import parse_file

    paths = sorted(Path(seeds_dir).glob("*.txt"))
    if not paths:
        raise FileNotFoundError(f"no seed documents (*.txt) in {seeds_dir}")
    articles: list[tuple[str, str]] = []
    bodies: list[str] = []
    authors: list[str] = []
    notes: list[str] = []
    for path in paths:
        thread = parse_file(path)
        articles.append((thread.title, thread.article))
        for c in thread.comments:
            if c.inline:
                notes.append(" ".join(c.text.split()))
            elif c.text:
                bodies.append(c.text)
                if c.author and c.author not in authors:
                    authors.append(c.author)
    if not bodies:
        raise ValueError(f"no seed in {seeds_dir} has comments to recombine")
    good = [b for b in bodies if _round_trips(b, articles[-1], notes)]
    skipped = [b for b in bodies if b not in good]
    return SeedPool(articles, good, _sentences(good), authors or ["Anonymous"],
                    [n for n in notes if n] or ["Please stay on topic."], skipped)


_SENTENCE = re.compile(r"[A-Z][^.!?\n]{15,200}[.!?]")


def _sentences(bodies: list[str]) -> list[str]:
    """Plain one-line sentences of ``bodies`` (no quotes, author or note look-alikes)."""
    found = dict.fromkeys(m.group(0) for b in bodies for m in _SENTENCE.finditer(b))
    return [s for s in found if not re.search(r"[\"'“”>]|says|responds|^\d", s)] or ["Yes."]


def _round_trips(body: str, article: tuple[str, str], notes: list[str]) -> bool:
    """Does ``body`` keep its place as top-level comment, reply and note owner in every layout?"""
    from discourse.read.text import parse_text

    note = notes[0] if notes else "Please stay on topic."
    shape = [("1", None, "Ann"), ("1.1", "1", None), ("1.2", "1", "Bob"), ("2", None, None)]
    for layout in LAYOUTS:
        comments = [Comment(id=i, parent_id=p, depth=i.count("."),
                            author=None if layout == "bullets" else a,
                            text=body.replace("\n\n", "\n") if layout == "bullets" else body)
                    for i, p, a in shape]
        comments.insert(2, Comment(id="1.1.1", parent_id="1.1", depth=2, author=MODERATOR,
                                   text=note, inline=True))
        thread = Thread(source=None, layout=layout, title=article[0], article=article[1],
                        comments=comments)
        parsed = parse_text(render(thread, layout))
        if _shape(parsed) != _shape(thread) or parsed.warnings:
            return False
    return True


def _shape(thread: Thread) -> list[tuple]:
    return [(c.id, c.parent_id, c.depth, c.author, c.inline, c.text) for c in thread.comments]


def _tree_size(rng: random.Random) -> int:
    if rng.random() < P_NO_COMMENTS:
        return 0
    size = rng.lognormvariate(math.log(MEDIAN_COMMENTS), SIGMA_COMMENTS)
    return max(1, min(MAX_COMMENTS, round(size)))


def _tree_shape(rng: random.Random, n: int) -> list[int]:
    """Parent index (-1: the article) of each of ``n`` comments, by preferential attachment."""
    parents: list[int] = []
    depths: list[int] = []
    tickets: list[int] = []  # comment k appears 1 + (its replies) times
    for k in range(n):
        if not tickets or rng.random() < P_TOP_LEVEL:
            parent = -1
        else:
            parent = rng.choice(tickets)
            while parent != -1 and depths[parent] + 1 >= MAX_DEPTH:
                parent = parents[parent]  # too deep: answer its parent instead
        parents.append(parent)
        depths.append(0 if parent == -1 else depths[parent] + 1)
        tickets.append(k)
        if parent != -1:
            tickets.append(parent)
    return parents


def random_thread(rng: random.Random, pool: SeedPool) -> Thread:
    """One new thread: a seed article with a freshly drawn reply tree and layout."""
    title, article = rng.choice(pool.articles)
    layout = rng.choice(LAYOUTS)
    parents = _tree_shape(rng, _tree_size(rng))
    kids: dict[int, list[int]] = {}
    for k, p in enumerate(parents):
        kids.setdefault(p, []).append(k)
    comments: list[Comment] = []

    def add(k: int, cid: str, parent_id: str | None, depth: int) -> None:
        body = rng.choice(pool.bodies)
        if rng.random() < P_EXTRA_SENTENCE:
            body = f"{body.rstrip()} {rng.choice(pool.sentences)}"
        author = None if rng.random() < P_NO_AUTHOR else rng.choice(pool.authors)
        if layout == "bullets":  # Blogger: no author lines, paragraphs run together
            author, body = None, body.replace("\n\n", "\n")
        comments.append(Comment(id=cid, parent_id=parent_id, depth=depth, author=author,
                                text=body))
        position = 1
        if rng.random() < P_INLINE_NOTE:
            comments.append(Comment(id=f"{cid}.1", parent_id=cid, depth=depth + 1,
                                    author=MODERATOR, text=rng.choice(pool.notes),
                                    inline=True))
            position = 2
        for j, child in enumerate(kids.get(k, []), start=position):
            add(child, f"{cid}.{j}", cid, depth + 1)

    for i, top in enumerate(kids.get(-1, []), start=1):
        add(top, str(i), None, 0)
    return Thread(source=None, layout=layout, title=title, article=article, comments=comments)


def iter_documents(
    total_bytes: int, seed: int = 0, seeds_dir: str | Path = "seeds",
    pool: SeedPool | None = None,
) -> Iterator[tuple[Thread, str]]:
    """``(thread, page text)`` pairs until the UTF-8 sizes add up to ``total_bytes``."""
    pool = pool if pool is not None else load_pool(seeds_dir)
    rng = random.Random(seed)
    written = 0
    while written < total_bytes:
        thread = random_thread(rng, pool)
        has_replies = any(c.parent_id is not None and not c.inline for c in thread.comments)
        needed = not has_replies or thread.layout == "bullets"
        heading = None
        if thread.comments and (needed or rng.random() < P_HEADING):
            tops = sum(not c.inline for c in thread.comments)
            heading = f"{tops} Comments"
        text = render(thread, thread.layout or "numbered", heading=heading)
        written += len(text.encode("utf-8"))
        yield thread, text


def document_path(out_dir: str | Path, index: int) -> Path:
    """Where document ``index`` goes: ``OUT/0000/doc_000000.txt`` (1000 files per folder)."""
    return Path(out_dir) / f"{index // FILES_PER_FOLDER:04d}" / f"doc_{index:06d}.txt"


def generate_corpus(
    out_dir: str | Path, total_bytes: int, seed: int = 0, seeds_dir: str | Path = "seeds",
) -> CorpusStats:
    """Write documents under ``out_dir`` until they add up to ``total_bytes``."""
    stats = CorpusStats()
    for i, (thread, text) in enumerate(iter_documents(total_bytes, seed, seeds_dir)):
        path = document_path(out_dir, i)
        if i % FILES_PER_FOLDER == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        thread.source = str(path)
        stats.documents += 1
        stats.comments += len(thread.comments)
        stats.bytes += len(data)
    return stats


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.support.corpus OUT_DIR --size 10MB [--seed 0]``."""
    p = argparse.ArgumentParser(prog="python -m tests.support.corpus",
                                description="Write a synthetic corpus recombined from the seeds.")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--size", required=True, help="total size, e.g. 200KB, 10MB, 1GB")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--seeds", default="seeds", help="folder with the seed documents")
    args = p.parse_args(argv)
    try:
        size = parse_size(args.size)
    except ValueError as exc:
        p.error(str(exc))
    stats = generate_corpus(args.out_dir, size, seed=args.seed, seeds_dir=args.seeds)
    print(f"{stats.documents} documents, {stats.comments} comments, {stats.bytes} bytes "
          f"in {args.out_dir}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
