"""Threads for testing and demonstrating the report: labelled seeds, a hostile thread
whose every string is an injection attempt, and large synthetic threads."""

from __future__ import annotations

import csv
import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path

from discourse.labels import LABELS
from discourse.model import Comment, Thread
from tests.support.paths import SEEDS

#: Strings that must show as literal text wherever they appear in a report.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
    '<a href="javascript:alert(1)">javascript:alert(1)</a>',
    "{{7*7}}",
    "%{customdata} <!-- ]]> \u2028",
    '<a href="https://example.invalid/x">plotly link</a> <b>bold</b>',
)


def seed_labels(path: Path | None = None) -> dict[tuple[str, str], str]:
    """(document file name, comment id) -> hand label, from seeds/labels.csv."""
    path = path or SEEDS / "labels.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return {(r["document"], r["comment_id"]): r["label"] for r in csv.DictReader(handle)}


def labelled(thread: Thread, labels: dict[tuple[str, str], str]) -> Thread:
    """``thread`` with the hand labels attached (confidence and a reason made up so the
    report has something to show); comments without a hand label stay unlabelled."""
    name = Path(thread.source or "").name
    comments = []
    for i, c in enumerate(thread.comments):
        label = labels.get((name, c.id))
        if label is None:
            comments.append(c)
            continue
        comments.append(dataclasses.replace(
            c, label=label, confidence=0.55 + (i % 5) / 10, reasons=[f"hand label: {label}"]))
    return thread.with_comments(comments)


def labelled_seeds() -> Iterator[Thread]:
    """The seed documents, parsed, with their hand labels attached."""
    from discourse.read import parse_file

    labels = seed_labels()
    for path in sorted(SEEDS.glob("*.txt")):
        yield labelled(parse_file(path), labels)


def hostile_thread(source: str = "hostile/<script>alert(1)<\\script> \"><img src=x>.txt") -> Thread:
    """A thread whose title, article, authors, texts, labels and reasons are all
    injection attempts (see PAYLOADS)."""
    evil = " ".join(PAYLOADS)
    authors = ['"><img src=x onerror=alert(1)>', "<script>alert(1)</script>", "{{7*7}}",
               "Mallory & <b>Co</b>"]
    spec = [  # id, parent, author index, label
        ("1", None, 0, "rebuttal"), ("1.1", "1", 1, "rebuttal"), ("1.1.1", "1.1", 0, "rebuttal"),
        ("1.1.1.1", "1.1.1", 1, "agreement"), ("1.2", "1", 2, "moderation"),
        ("2", None, 3, "agreement"), ("2.1", "2", 0, "<img src=x onerror=alert(1)>"),
        ("2.2", "2", 1, None), ("3", None, 2, "off-topic"),
    ]
    comments = []
    for i, (cid, parent, who, label) in enumerate(spec):
        mood = ["I hate this, terrible and awful!", "Great point, thanks, I love it."][i % 2]
        comments.append(Comment(
            id=cid, parent_id=parent, depth=cid.count("."), author=authors[who],
            text=f"{PAYLOADS[i % len(PAYLOADS)]}\n{mood} {evil}", inline=label == "moderation",
            label=label, confidence=None if label is None else 0.9,
            reasons=[] if label is None else [f"because {PAYLOADS[(i + 1) % len(PAYLOADS)]}"],
            target_id="1" if cid == "3" else None))
    return Thread(source=source, layout="numbered", title=f"Hostile {evil}",
                  article=f"Article text {evil}", comments=comments,
                  warnings=[f"warning {PAYLOADS[0]}"])


def synthetic_thread(n: int, seed: int = 0, source: str | None = None) -> Thread:
    """A random reply tree of ``n`` labelled comments (deterministic for a seed), each
    with probabilities (its label's is its confidence, the other three share the rest)."""
    rng = random.Random(seed)
    people = [f"user{i}" for i in range(max(3, n // 8))] + [None]
    words = ("yes", "no", "wrong", "great", "terrible", "agree", "nonsense", "thanks",
             "source?", "maybe", "indeed", "awful", "good")
    kids: dict[str | None, int] = {}
    nodes: list[tuple[str, str | None, int]] = []
    for _ in range(n):
        parent = None if not nodes or rng.random() < 0.3 else rng.choice(nodes[-40:])
        pid = parent[0] if parent else None
        kids[pid] = kids.get(pid, 0) + 1
        cid = f"{pid}.{kids[pid]}" if pid else str(kids[pid])
        nodes.append((cid, pid, parent[2] + 1 if parent else 0))
    # Document order is depth-first: sort ids as paths.
    nodes.sort(key=lambda t: [int(x) for x in t[0].split(".")])
    comments = [Comment(
        id=cid, parent_id=pid, depth=depth, author=rng.choice(people),
        text=" ".join(rng.choice(words) for _ in range(rng.randint(4, 40))) + ".",
        label=rng.choice(LABELS), confidence=round(rng.uniform(0.4, 1.0), 2),
        reasons=["synthetic"]) for cid, pid, depth in nodes]
    for comment in comments:  # the label's probability is its confidence; the rest shared
        rest = round((1 - (comment.confidence or 0.0)) / 3, 4)
        comment.probabilities = {k: comment.confidence if k == comment.label else rest
                                 for k in LABELS}
    return Thread(source=source or f"synthetic/synthetic_{n}_{seed}.txt", layout="numbered",
                  title=f"Synthetic thread of {n} comments", article="Synthetic article. " * 20,
                  comments=comments)
