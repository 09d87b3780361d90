"""Memory and time bounds of issue 10 (hardening), measured on hostile-but-plausible inputs.

One command, from the repository root::

    .venv/bin/python benchmarks/hardening.py [--rows big,emoji,paste,thread] [--json OUT.json]

Rows (each command runs in its own fresh process; peak RSS from ``os.wait4`` through the
wrapper of ``benchmarks/run.py``):

* ``small``: ``discourse classify`` on the 4 KB seed 004 (the model's own footprint);
* ``big``: ``discourse classify`` on one document with a 2 MB article and 400 comments
  (two thirds answering the article, so the article is the parent of ~270 pairs);
* ``big-report``: ``discourse report`` on the same document;
* ``big20``: ``discourse classify`` with a 20 MB article and 400 comments;
* ``emoji``: ``sentiment_profile`` of one comment of 10,000 emoji (no spaces);
* ``paste``: ``sentiment_profile`` of one 20,000-word pasted text without sentence
  punctuation (one "sentence");
* ``thread``: ``discourse classify`` on a 13-comment thread whose comments are long pastes
  and emoji runs.

The documents are generated here (deterministic: ``random.Random(0)`` over a fixed
vocabulary) under ``benchmarks/out/hardening/`` (git-ignored).  Prints a Markdown table;
``--json`` also stores the measurements.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))  # tests.support (the renderer) from the repository root

from run import PYTHON, run_measured  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "hardening"
DISCOURSE = [PYTHON, "-m", "discourse.cli"]
ROWS = ("small", "big", "big-report", "big20", "emoji", "paste", "thread")

_VOCAB_TEXT = ("the people government war history argue point really good bad never always "
          "think because stalin russia victory army million years myth nation truth "
          "simply wrong right agree disagree evidence source claim debate remember "
          "country leader power freedom fear hope soldiers families peace terrible "
          "great wonderful awful")
_VOCAB = _VOCAB_TEXT.split()


def _sentence(rnd: random.Random, words: int) -> str:
    body = " ".join(rnd.choice(_VOCAB) for _ in range(words))
    return body[0].upper() + body[1:] + rnd.choice((".", ".", ".", "!", "?"))


def _paragraph(rnd: random.Random, size: int) -> str:
    out: list[str] = []
    n = 0
    while n < size:
        s = _sentence(rnd, rnd.randint(6, 30))
        out.append(s)
        n += len(s) + 1
    return " ".join(out)


def big_article_text(article_bytes: int = 2_000_000, comments: int = 400, seed: int = 0) -> str:
    """A ``numbered``-layout document: title, an article of ``article_bytes`` bytes
    (paragraphs of ~2 KB), then ``comments`` comments, two thirds of them top-level."""
    from discourse.model import Comment, Thread
    from tests.support.render import render

    rnd = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < article_bytes:
        p = _paragraph(rnd, 2000)
        paragraphs.append(p)
        size += len(p) + 2
    article = "\n\n".join(paragraphs)
    items: list[Comment] = []
    counts: dict[str | None, int] = {}
    for i in range(comments):
        parent = None if i < 3 or rnd.random() < 0.66 else rnd.choice(items[-20:])
        pid = parent.id if parent is not None else None
        counts[pid] = counts.get(pid, 0) + 1
        cid = f"{pid}.{counts[pid]}" if pid else str(counts[pid])
        depth = parent.depth + 1 if parent is not None else 0
        if depth >= 6:
            continue
        items.append(Comment(cid, pid, depth, f"user{rnd.randint(1, 60)}",
                             _paragraph(rnd, rnd.randint(80, 600))))
    items.sort(key=lambda c: [int(x) for x in c.id.split(".")])
    thread = Thread(None, "numbered", "A very long article", article, items)
    return render(thread, "numbered", heading=f"{len(items)} Comments")


def emoji_text(n: int = 10_000) -> str:
    """``n`` emoji in a row (cycling through a few faces), no spaces."""
    faces = "😀😂😍😡😢👍🔥💯"
    return "".join(faces[i % len(faces)] for i in range(n))


def paste_text(words: int = 20_000, seed: int = 1) -> str:
    """One long run-on "sentence": ``words`` words, no . ! ? and no line breaks."""
    rnd = random.Random(seed)
    return " ".join(rnd.choice(_VOCAB) for _ in range(words))


def long_thread_text() -> str:
    """13 comments (bullets), alternately long pastes (6,000 words) and emoji runs (2,000)."""
    from discourse.model import Comment, Thread
    from tests.support.render import render

    comments = []
    for i in range(13):
        text = paste_text(6000, seed=i) if i % 2 == 0 else emoji_text(2000)
        comments.append(Comment(str(i + 1), None, 0, f"user{i}", text))
    thread = Thread(None, "numbered", "Long pastes", _paragraph(random.Random(5), 3000),
                    comments)
    return render(thread, "numbered", heading="13 Comments")


def _write(name: str, text: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    data = text.encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    return path



def measure_cli(args: list[str]) -> dict:
    """Wall time, exit status and peak RSS (MB) of ``discourse ARGS`` in a fresh process."""
    r = run_measured([*DISCOURSE, *args])
    return {"seconds": round(r["wall"], 2), "max_rss_mb": round(r["max_rss_mb"], 1),
            "returncode": r["returncode"]}


def measure_sentiment(path: Path) -> dict:
    """Seconds of one ``sentiment_profile`` call on the text in ``path`` (the analyzer
    loaded before timing) and the process's peak RSS."""
    code = ("import sys, time\nfrom discourse.sentiment import sentiment_profile, "
            "_analyzer\ntext = open(sys.argv[1], encoding='utf-8').read()\n_analyzer()\n"
            "t = time.perf_counter(); sentiment_profile(text)\n"
            "open(sys.argv[2], 'w').write(str(time.perf_counter() - t))\n")
    timing = OUT / "timing.txt"
    r = run_measured([PYTHON, "-c", code, str(path), str(timing)])
    return {"seconds": round(float(timing.read_text()), 3), "max_rss_mb":
            round(r["max_rss_mb"], 1), "returncode": r["returncode"]}


def run_row(name: str) -> dict:
    """Measure one row (see the module docstring)."""
    if name == "small":
        path = ROOT / "seeds" / "004_cf98bbd6559fb7a2.txt"
        m = measure_cli(["classify", str(path), "--format", "json", "-o", "-", "-q"])
        return {"row": name, "input_mb": round(path.stat().st_size / 1e6, 3), **m}
    if name == "big20":
        path = _write("big-20MB-400.txt", big_article_text(20_000_000))
        m = measure_cli(["classify", str(path), "--format", "json", "-o", "-", "-q"])
        return {"row": name, "input_mb": round(path.stat().st_size / 1e6, 2), **m}
    if name in ("big", "big-report"):
        path = _write("big-2MB-400.txt", big_article_text())
        size = path.stat().st_size
        if name == "big":
            m = measure_cli(["classify", str(path), "--format", "json", "-o", "-", "-q"])
        else:
            m = measure_cli(["report", str(path), "-o", str(OUT / "report"), "-q"])
        return {"row": name, "input_mb": round(size / 1e6, 2), **m}
    if name == "emoji":
        path = _write("emoji-10k.txt", emoji_text())
        return {"row": name, "input_mb": round(path.stat().st_size / 1e6, 3),
                **measure_sentiment(path)}
    if name == "paste":
        path = _write("paste-20k-words.txt", paste_text())
        return {"row": name, "input_mb": round(path.stat().st_size / 1e6, 3),
                **measure_sentiment(path)}
    if name == "thread":
        path = _write("thread-13-long.txt", long_thread_text())
        m = measure_cli(["classify", str(path), "--format", "json", "-o", "-", "-q"])
        return {"row": name, "input_mb": round(path.stat().st_size / 1e6, 3), **m}
    raise SystemExit(f"unknown row {name!r} (choose from {', '.join(ROWS)})")


def _git_head() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=",".join(ROWS))
    parser.add_argument("--json", metavar="OUT", help="also store the measurements here")
    parser.add_argument("--label", default="", help="a label for this run (e.g. before/after)")
    args = parser.parse_args(argv)
    results = []
    print("| row | input MB | seconds | peak RSS MB | exit |")
    print("|---|---:|---:|---:|---:|")
    for name in args.rows.split(","):
        began = time.time()
        r = run_row(name.strip())
        r.update(label=args.label, head=_git_head(), at=began)
        results.append(r)
        print(f"| {r['row']} | {r['input_mb']} | {r['seconds']} | {r['max_rss_mb']} | "
              f"{r['returncode']} |", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
