"""Throughput of the HTML reader beside the floor and the alternative.

One command, from the repository root::

    .venv/bin/python benchmarks/read_html.py [--rounds 5] [--comments 300]

For each set of pages it prints pages/s and MB/s (input bytes) of:

* ``lxml``: ``lxml.html.fromstring`` on the same bytes — the floor for any DOM reader;
* ``comments``: :func:`discourse.read.html.parse_html` without the article
  (decode, parse, detect, build the tree, quotes and targets);
* ``discourse``: ``parse_html`` as ``discourse parse`` runs it (with the trafilatura article);
* ``trafilatura``: ``trafilatura.extract(data, include_comments=True)`` — what a user would
  otherwise run (one flat text, no tree).

Page sets: the shared real pages (``../shared/realpages/pages``, skipped when absent), the
test fixtures of every comment system (``tests/fixtures/html``, small pages), and generated
pages with ``--comments`` comments each for WordPress, Disqus and Hacker News
(:mod:`tests.support.html_render`, fixed seed).  Each timing is the best of
``--rounds`` runs over the whole set, in this process, after one warm-up run, in CPU
time of this process (``time.process_time``: steadier than wall time on a shared
machine; everything measured runs in this one thread).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support (the renderer) from the repository root

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from discourse.read.html import parse_html  # noqa: E402
from discourse.read.html.base import iso_time  # noqa: E402
from tests.support.html_render import (  # noqa: E402
    AUTHORS,
    WORDS,
    Node,
    render_disqus,
    render_hn,
    render_wordpress,
)


def generated_nodes(n: int, seed: int = 7) -> list[Node]:
    """A deterministic tree of ``n`` comments (about a third top-level, depth up to ~8)."""
    rnd = random.Random(seed)
    nodes: list[Node] = []
    for i in range(n):
        parent = None if i == 0 or rnd.random() < 0.33 else rnd.randrange(max(0, i - 8), i)
        paragraphs = tuple(tuple(" ".join(rnd.choices(WORDS, k=rnd.randint(6, 20)))
                                 for _ in range(rnd.randint(1, 2)))
                           for _ in range(rnd.randint(1, 3)))
        nodes.append(Node(parent, rnd.choice(AUTHORS), paragraphs))
    return nodes


def page_sets(comments: int) -> dict[str, list[bytes]]:
    sets: dict[str, list[bytes]] = {}
    real = ROOT.parent / "shared" / "realpages" / "pages"
    if real.is_dir():
        sets["shared real pages"] = [p.read_bytes() for p in sorted(real.glob("*.html"))]
    sets["fixtures (10 systems)"] = [p.read_bytes() for p in
                                     sorted((ROOT / "tests/fixtures/html").glob("*.html"))]
    nodes = generated_nodes(comments)
    sets[f"generated WordPress ({comments} comments)"] = [render_wordpress(nodes).encode()]
    sets[f"generated Disqus ({comments} comments)"] = [render_disqus(nodes).encode()]
    sets[f"generated Hacker News ({comments} comments)"] = [render_hn(nodes).encode()]
    return sets


def _fresh(with_article: bool) -> Callable[[bytes], object]:
    def run(data: bytes) -> object:
        iso_time.cache_clear()  # no help from earlier rounds
        return parse_html(data, with_article=with_article)
    return run


RUNNERS: dict[str, Callable[[bytes], object]] = {
    "lxml": lxml.html.fromstring,
    "comments": _fresh(False),
    "discourse": _fresh(True),
    "trafilatura": lambda data: trafilatura.extract(data, include_comments=True),
}


def best_time(run: Callable[[bytes], object], pages: list[bytes], rounds: int) -> float:
    for data in pages:  # warm-up (imports, caches)
        run(data)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for data in pages:
            run(data)
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--comments", type=int, default=300)
    args = ap.parse_args(argv)
    print("| pages | n | MB | " + " | ".join(f"{name} pages/s, MB/s" for name in RUNNERS) + " |")
    print("|---|---:|---:|" + "---:|" * len(RUNNERS))
    for label, pages in page_sets(args.comments).items():
        size = sum(len(p) for p in pages) / 1e6
        cells = []
        for run in RUNNERS.values():
            seconds = best_time(run, pages, args.rounds)
            cells.append(f"{len(pages) / seconds:,.1f}, {size / seconds:.2f}")
        print(f"| {label} | {len(pages)} | {size:.3f} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
