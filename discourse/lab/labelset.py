"""Building the labelled real-thread set: labelling packets, two independent passes,
agreement (Cohen's κ), adjudication, and the stored labels file.

Workflow (``docs/labelling-guide.md`` is what annotators read):

1. a packet per thread (``<thread>.md``, the guide's §7 format) is written from the thread's
   file;
2. two annotators label every packet independently (``passes/A/<thread>.csv``,
   ``passes/B/<thread>.csv``: ``thread,key,label,flag,target,note``);
3. :func:`merge_passes` joins them with the packets (parent keys, first words), computes
   agreement and lists the disagreements for adjudication (:func:`disagreement_sheet`);
4. the adjudicator's decisions (``thread,key,label,reason``) are applied by
   :func:`adjudicate`, and the result is stored as ``lab/labels/real_threads.csv`` (ids,
   first words and labels; never the comments' text).

A final label is the passes' common label; ``skip`` where both flagged skip (pingbacks,
placeholders, targets outside the thread); otherwise the adjudicated one.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from discourse.errors import DataError
from discourse.labels import LABELS

#: Columns of the stored labels file.
LABEL_COLUMNS = ("thread", "key", "parent_key", "target", "first_words", "label", "pass_a",
                 "pass_b", "unsure", "adjudication")
#: Categories agreement is computed over (a skip is a decision too).
CATEGORIES = (*LABELS, "skip")
FIRST_WORDS = 8


@dataclass(slots=True)
class PacketComment:
    key: str
    answers: str
    author: str
    depth: int
    text: str


@dataclass(slots=True)
class Packet:
    thread: str
    header: dict[str, str] = field(default_factory=dict)
    comments: list[PacketComment] = field(default_factory=list)


_FIELD = re.compile(r"^- ([\w ]+): (.*)$")
_BLOCK = re.compile(r"^### (\S+)\s*$", re.M)


def read_packet(path: str | Path) -> Packet:
    """A packet's header fields and comments (key, answers, author, depth, text without
    the platform lines and the ``> in reply to`` reminder).  Raises :class:`DataError`
    for a file that is not a packet."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0] if text else ""
    if not first.startswith("# "):
        raise DataError(f"{path}: not a labelling packet (no '# <thread>' heading)")
    packet = Packet(first[2:].strip())
    head, _, body = text.partition("\n## COMMENTS")
    for line in head.splitlines():
        m = _FIELD.match(line)
        if m:
            packet.header[m.group(1).strip()] = m.group(2).strip()
    starts = [m for m in _BLOCK.finditer(body)]
    for i, m in enumerate(starts):
        block = body[m.end(): starts[i + 1].start() if i + 1 < len(starts) else len(body)]
        lines = block.strip("\n").splitlines()
        meta: dict[str, str] = {}
        j = 0
        # the comment's header lines ("answers: …", "author: …", platform notes) run to the
        # first blank line; the text follows
        while j < len(lines) and lines[j].strip():
            k, _, v = lines[j].partition(": ")
            meta.setdefault(k.strip(), v.strip())
            j += 1
        rest = "\n".join(lines[j:])
        rest = re.split(r"\n> in reply to [^\n]*", rest)[0]
        rest = re.sub(r"\n-{3,}\s*$", "", rest.rstrip()).strip()
        try:
            depth = int(meta.get("depth", "0"))
        except ValueError:
            depth = 0
        packet.comments.append(PacketComment(m.group(1), meta.get("answers", "ARTICLE"),
                                             meta.get("author", ""), depth, rest))
    return packet


def first_words(text: str, n: int = FIRST_WORDS) -> str:
    """The first ``n`` words of a text on one line (how a label names its comment)."""
    return " ".join(text.split()[:n])


def read_pass(path: str | Path) -> pd.DataFrame:
    """One annotator's CSV for one thread (``thread,key,label,flag,target,note``), as
    strings.  Raises :class:`DataError` for missing columns or unknown labels."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("key", "label", "flag") if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column {missing[0]!r}")
    for column in ("target", "note"):
        if column not in frame.columns:
            frame[column] = ""
    frame["label"] = frame["label"].str.strip().str.lower()
    frame["flag"] = frame["flag"].str.strip().str.lower()
    frame["decision"] = np.where(frame["flag"] == "skip", "skip", frame["label"])
    bad = sorted(set(frame["decision"]) - set(CATEGORIES))
    if bad:
        raise DataError(f"{path}: unknown labels {', '.join(map(repr, bad))}")
    return frame


def merge_passes(packets: Path, pass_a: Path, pass_b: Path,
                 threads: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per packet comment of every thread with both passes: thread, key,
    parent_key, first_words, language (the packet's header), and each pass's decision,
    target and note (``a_*``, ``b_*``).  Raises :class:`DataError` when a pass misses a
    packet key."""
    names = sorted(threads) if threads is not None else sorted(
        p.stem for p in pass_a.glob("*.csv") if (pass_b / p.name).is_file())
    rows = []
    for name in names:
        packet = read_packet(packets / f"{name}.md")
        a, b = (read_pass(d / f"{name}.csv").set_index("key") for d in (pass_a, pass_b))
        for c in packet.comments:
            if c.key not in a.index or c.key not in b.index:
                raise DataError(f"{name}: key {c.key} missing from a pass")
            ra, rb = a.loc[c.key], b.loc[c.key]
            if isinstance(ra, pd.DataFrame):
                ra = ra.iloc[0]
            if isinstance(rb, pd.DataFrame):
                rb = rb.iloc[0]
            rows.append({"thread": name, "key": c.key, "parent_key": c.answers,
                         "first_words": first_words(c.text),
                         "language": packet.header.get("language", ""),
                         "a": ra["decision"], "b": rb["decision"],
                         "a_target": ra["target"], "b_target": rb["target"],
                         "a_note": ra["note"], "b_note": rb["note"],
                         "unsure": int("unsure" in (ra["flag"], rb["flag"]))})
    return pd.DataFrame(rows)


def kappa(a: Iterable[str], b: Iterable[str]) -> float:
    """Cohen's κ between two annotators' decisions (Cohen 1960), over
    :data:`CATEGORIES`; NaN for no rows."""
    from sklearn.metrics import cohen_kappa_score

    a, b = list(a), list(b)
    if not a:
        return float("nan")
    return float(cohen_kappa_score(a, b, labels=list(CATEGORIES)))


def agreement_table(merged: pd.DataFrame) -> pd.DataFrame:
    """Raw agreement and κ overall, per language and per class (one-vs-rest κ: the
    passes agreeing on whether a comment is that class)."""
    rows = [{"part": "all", "n": len(merged), "agreement": float((merged.a == merged.b).mean()),
             "kappa": kappa(merged.a, merged.b)}]
    for language, block in merged.groupby("language"):
        rows.append({"part": f"language {language}", "n": len(block),
                     "agreement": float((block.a == block.b).mean()),
                     "kappa": kappa(block.a, block.b)})
    from sklearn.metrics import cohen_kappa_score

    for label in CATEGORIES:
        ya, yb = merged.a == label, merged.b == label
        either = int((ya | yb).sum())
        rows.append({"part": f"class {label}", "n": either,
                     "agreement": float((ya == yb).mean()),
                     "kappa": float(cohen_kappa_score(ya, yb)) if either else float("nan")})
    return pd.DataFrame(rows)


def disagreement_sheet(merged: pd.DataFrame, packets: Path) -> str:
    """The comments the passes decided differently, with their text, what they answer and
    both decisions and notes: what the adjudicator reads."""
    out = []
    cache: dict[str, dict[str, PacketComment]] = {}
    for _, r in merged[merged.a != merged.b].iterrows():
        if r.thread not in cache:
            cache[r.thread] = {c.key: c for c in read_packet(packets / f"{r.thread}.md").comments}
        comments = cache[r.thread]
        c = comments[r.key]
        parent = comments.get(c.answers)
        target = f"{c.answers}: {parent.text[:300]}" if parent else "ARTICLE"
        out.append(f"## {r.thread} {r.key}\nanswers {target}\n\n{c.text[:1200]}\n\n"
                   f"A: {r.a} {r.a_target} {r.a_note}\nB: {r.b} {r.b_target} {r.b_note}\n")
    return "\n".join(out)


def adjudicate(merged: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """The final labels: agreed decisions as they are, disagreements from ``decisions``
    (``thread,key,label,reason``).  Raises :class:`DataError` for a disagreement without a
    decision or a decision outside :data:`CATEGORIES`."""
    decided = {(r.thread, r.key): (r.label.strip().lower(), r.reason)
               for r in decisions.itertuples()}
    out = []
    for r in merged.itertuples():
        label, note = r.a, ""
        target = r.a_target if r.a_target == r.b_target else ""
        if r.a != r.b:
            if (r.thread, r.key) not in decided:
                raise DataError(f"{r.thread} {r.key}: disagreement ({r.a} / {r.b}) not "
                                "adjudicated")
            label, note = decided[(r.thread, r.key)]
            target = r.a_target if label == r.a else r.b_target if label == r.b else target
        if label not in CATEGORIES:
            raise DataError(f"{r.thread} {r.key}: adjudicated label {label!r} is unknown")
        out.append({"thread": r.thread, "key": r.key, "parent_key": r.parent_key,
                    "target": target, "first_words": r.first_words, "label": label,
                    "pass_a": r.a, "pass_b": r.b, "unsure": r.unsure,
                    "adjudication": note})
    return pd.DataFrame(out, columns=list(LABEL_COLUMNS))


def write_labels(frame: pd.DataFrame, path: str | Path) -> None:
    """Write the labels file (CSV, minimal quoting, ``LABEL_COLUMNS`` order)."""
    frame[list(LABEL_COLUMNS)].to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)


#: The split holds whole sources (communities) out, so a test figure says what a user on a
#: new site gets.  Chosen once, before any model was trained on the grown set, for coverage:
#: the test split holds ≥ 80 comments of every label (off-topic: a YouTube music channel's
#: spam; moderation: Wikipedia talk pages and GitHub issue threads), several platforms and
#: languages (en, ko, id, zh); the dev split (calibration, every tuning decision) likewise.
TEST_SITES = (
    "youtube.com/@officialpsy", "en.wikipedia.org", "github.com/kubernetes/website",
    "github.com/libretro/RetroArch", "github.com/gabordemooij/redbean", "github.com/openzfs/zfs",
    "github.com/spring/spring", "github.com/microsoft/vscode",
    "news.naver.com/entertain (BEEP! corpus)", "reddit.com/r/pics",
    "stat.ethz.ch/pipermail/r-help", "t.me/JavaScriptID", "theguardian.com/environment",
)
DEV_SITES = (
    "youtube.com/@KatyPerryVEVO", "de.wikipedia.org", "history.meta.stackexchange.com",
    "github.com/ipython/ipython", "github.com/pypa/pipenv", "github.com/ansible/ansible",
    "github.com/Leaflet/Leaflet", "github.com/matplotlib/matplotlib",
    "github.com/vuetifyjs/vuetify", "ptt.cc/bbs/Gossiping", "reddit.com/r/redditdev",
    "t.me/golangID", "twistedmatrix.com/pipermail/twisted-python",
)


def split_of(site: str) -> str:
    """The split of a source: test, dev or train (:data:`TEST_SITES`, :data:`DEV_SITES`)."""
    return "test" if site in TEST_SITES else "dev" if site in DEV_SITES else "train"
