"""Flat threads: time and memory must grow linearly with the number of comments.

One command, from the repository root::

    .venv/bin/python benchmarks/flat_threads.py [--sizes 20000,200000] [--kinds quotes,names]
    .venv/bin/python benchmarks/flat_threads.py --check      # the complexity check
    .venv/bin/python benchmarks/flat_threads.py --big 1000000  # one huge thread's peak RSS

Generates one thread of N top-level comments (no parent links: every comment hangs at the
top, as on sites that show replies flat) as a generic JSON comment list, in a temporary
folder, and runs ``discourse parse FILE --format jsonl -o /dev/null -q`` on it in a fresh
process, reporting CPU seconds (user + system of the child, steadier than wall time on a
shared machine) and peak RSS (``ru_maxrss``).  Kinds of comment:

* ``quotes``: a third of the comments quote a sentence of an earlier comment (in “…” or on
  a ``>`` line), the rest plain text; reading looks for each quote's source among the
  earlier comments (:func:`discourse.read.targets.attach_quotes_and_targets`);
* ``names``: a third open with ``@name`` of an earlier author (or ``name:``), the rest
  plain text; reading finds the named author's latest comment.

``--check`` is the complexity check: it times N and 4N comments of each kind and fails
(exit 1) when 4N costs more than 8 times N (linear work costs about 4 times; the
quadratic reading this guards against cost 16 times).  It counts CPU time, not a bound in
seconds, so it holds on a slow or loaded machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
_SCRIPT = Path(PYTHON).with_name("discourse")
DISCOURSE = [str(_SCRIPT)] if _SCRIPT.is_file() else [PYTHON, "-m", "discourse.cli"]

_TEXT = ("the of and to in is that it for on was with as be this are not but have you they "
         "at by we from or an if one all would there their will can more about people think "
         "because really just like government street policy evidence data agree disagree "
         "source wrong right point argument history market climate energy question answer "
         "example article comment reason")
WORDS = _TEXT.split()


def _sentence(rng: random.Random, lo: int = 8, hi: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def generate(n: int, kind: str, seed: int = 3) -> list[dict]:
    """``n`` flat comment records of ``kind`` (``quotes``, ``names`` or ``both``)."""
    rng = random.Random(seed)
    authors = [f"user{i}" for i in range(max(10, n // 2))]
    records: list[dict] = []
    sentences: list[str] = []
    for i in range(n):
        author = rng.choice(authors)
        body = " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
        roll = rng.random()
        if records and roll < 0.34 and kind in ("quotes", "both"):
            quoted = sentences[rng.randrange(len(sentences))]
            body = (f"“{quoted}” {body}" if rng.random() < 0.5 else f"> {quoted}\n\n{body}")
        elif records and roll > 0.66 and kind in ("names", "both"):
            named = records[rng.randrange(len(records))]["author"]
            body = (f"@{named} {body}" if rng.random() < 0.5 else f"{named}: {body}")
        sentences.append(body.split(".")[0].lstrip("“@> ").strip() + ".")
        records.append({"id": f"c{i}", "author": author, "created_utc": 1_600_000_000 + i,
                        "body": body})
    return records


def write(folder: Path, n: int, kind: str) -> Path:
    path = folder / f"flat_{kind}_{n}.json"
    path.write_text(json.dumps({"comments": generate(n, kind)}), encoding="utf-8")
    return path


def measure(path: Path) -> tuple[float, float]:
    """(CPU seconds, peak RSS MB) of ``discourse parse`` on ``path`` in a fresh process."""
    proc = subprocess.Popen([*DISCOURSE, "parse", str(path), "--format", "jsonl", "-o",
                             os.devnull, "-q"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"parse {path.name} failed: {err.strip()[-300:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="20000,200000")
    ap.add_argument("--kinds", default="quotes,names")
    ap.add_argument("--check", action="store_true",
                    help="complexity check: 4N must cost under 8 times N")
    ap.add_argument("--n", type=int, default=5000, help="N of --check")
    ap.add_argument("--big", type=int, default=0,
                    help="also one thread of this many comments (both kinds): peak RSS")
    args = ap.parse_args(argv)
    kinds = args.kinds.split(",")
    failed = False
    with tempfile.TemporaryDirectory(prefix="flat-bench-") as tmp:
        folder = Path(tmp)
        if args.check:
            for kind in kinds:
                small, _ = measure(write(folder, args.n, kind))
                large, _ = measure(write(folder, 4 * args.n, kind))
                ratio = large / small
                ok = ratio < 8
                failed |= not ok
                print(f"{kind}: {args.n} comments {small:.2f} CPU s, {4 * args.n} comments "
                      f"{large:.2f} CPU s: ×{ratio:.1f} for 4× the comments "
                      f"{'(linear)' if ok else '(NOT linear)'}")
            return 1 if failed else 0
        print("| kind | comments | MB | CPU s | comments/s | peak RSS MB |")
        print("|---|---:|---:|---:|---:|---:|")
        jobs = [(kind, int(n)) for kind in kinds for n in args.sizes.split(",")]
        if args.big:
            jobs.append(("both", args.big))
        for kind, n in jobs:
            path = write(folder, n, kind)
            cpu, rss = measure(path)
            print(f"| {kind} | {n:,} | {path.stat().st_size / 1e6:.1f} | {cpu:.1f} | "
                  f"{n / cpu:,.0f} | {rss:.0f} |", flush=True)
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
