"""Reddit NDJSON dump reading: throughput (MB/s) and peak memory, beside bare JSON parsing.

One command, from the repository root::

    .venv/bin/python benchmarks/read_ndjson.py --sizes 100MB,1GB

For each size a Pushshift-style comment dump is generated into a temporary folder (real
dumps' field set, ~1 KB per line; comments of many threads interleaved in time order,
replies to random earlier comments of their thread) and deleted afterwards.  Each step
runs in its own fresh process; time is wall-clock, peak RSS is ``ru_maxrss`` of that
process (``os.wait4``):

* ``json.loads``   — read the lines and ``json.loads`` each (the standard library floor);
* ``orjson.loads`` — the same with orjson (the floor for any reader using orjson);
* ``discourse``    — ``discourse.read.reddit.read_ndjson`` over the file, consuming every
  thread (grouping by thread through the SQLite spill, tree assembly, quote and target
  detection); no output is written.

Prints a Markdown table.  Flat memory means the ``discourse`` peak RSS stays about the same
from the smallest to the largest size (the spill bound caps what is held in memory).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1e6
ROOT = Path(__file__).resolve().parents[1]

_TEXT = ("the of and to in is that it for on was with as be this are not but have you "
         "they at by we from or an if one all would there their will can more about "
         "people think because really just like government street policy evidence data "
         "agree disagree source wrong right point argument")
WORDS = _TEXT.split(" ")

_STEP = {
    "json.loads": """
import json, sys
n = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            json.loads(line); n += 1
print(n)
""",
    "orjson.loads": """
import orjson, sys
n = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            orjson.loads(line); n += 1
print(n)
""",
    "discourse": """
import sys
from discourse.read.reddit import read_ndjson
from discourse.read.source import Document
threads = comments = 0
for t in read_ndjson(Document.at(sys.argv[1])):
    threads += 1; comments += len(t.comments)
print(comments, threads)
""",
}


def generate(path: Path, size: float, seed: int = 1) -> tuple[int, int]:
    """Write a dump of about ``size`` bytes; return (comments, threads)."""
    rng = random.Random(seed)
    live: list[tuple[str, list[str]]] = []
    n = threads = 0
    written = 0
    t0 = 1_600_000_000
    with open(path, "wb") as out:
        while written < size:
            if not live or rng.random() < 0.02:
                threads += 1
                live.append((f"p{threads:x}", []))
                if len(live) > 2000:
                    live.pop(rng.randrange(len(live)))
            link, ids = live[rng.randrange(len(live))]
            n += 1
            cid = f"c{n:x}"
            parent = f"t1_{rng.choice(ids)}" if ids and rng.random() < 0.7 else f"t3_{link}"
            ids.append(cid)
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 80)))
            rec = {
                "all_awardings": [], "archived": False, "associated_award": None,
                "author": f"user{rng.randrange(50_000)}", "author_flair_css_class": None,
                "author_flair_text": None, "author_fullname": f"t2_{rng.randrange(10**8):x}",
                "author_premium": False, "body": body, "can_gild": True, "collapsed": False,
                "controversiality": 0, "created_utc": t0 + n, "distinguished": None,
                "edited": False, "gilded": 0, "gildings": {}, "id": cid, "is_submitter":
                False, "link_id": f"t3_{link}", "locked": False, "no_follow": True,
                "parent_id": parent, "permalink": f"/r/bench/comments/{link}/_/{cid}/",
                "retrieved_on": t0 + n + 3600, "score": rng.randint(-5, 500),
                "send_replies": True, "stickied": False, "subreddit": "bench",
                "subreddit_id": "t5_2qh1i", "subreddit_name_prefixed": "r/bench",
                "subreddit_type": "public", "total_awards_received": 0,
                "treatment_tags": [],
            }
            line = json.dumps(rec).encode() + b"\n"
            out.write(line)
            written += len(line)
    return n, threads


def run_step(step: str, path: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one step in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _STEP[step], str(path)],
                            stdout=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().decode().strip() if proc.stdout else ""
    if status != 0:
        raise SystemExit(f"{step} failed (status {status})")
    return seconds, usage.ru_maxrss * 1024 / MB, out


def parse_size(text: str) -> float:
    text = text.strip().upper()
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100MB,1GB")
    ap.add_argument("--steps", default=",".join(_STEP))
    ap.add_argument("--tmp", default=None, help="folder for the generated dumps (default /tmp)")
    args = ap.parse_args()
    rows = []
    for label in args.sizes.split(","):
        size = parse_size(label)
        with tempfile.TemporaryDirectory(dir=args.tmp, prefix="ndjson-bench-") as folder:
            path = Path(folder) / "RC_bench.ndjson"
            t = time.perf_counter()
            comments, threads = generate(path, size)
            real = path.stat().st_size
            print(f"generated {label}: {real / MB:.0f} MB, {comments} comments, {threads} "
                  f"threads in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
            for step in args.steps.split(","):
                seconds, rss, out = run_step(step, path)
                rows.append((label, real / MB, step, seconds, real / MB / seconds, rss, out))
                print(f"  {step}: {seconds:.1f} s, {real / MB / seconds:.1f} MB/s, peak RSS "
                      f"{rss:.0f} MB ({out})", file=sys.stderr, flush=True)
    print("| dump | MB | step | seconds | MB/s | peak RSS (MB) |")
    print("|---|---|---|---|---|---|")
    for label, mb, step, seconds, rate, rss, _ in rows:
        print(f"| {label} | {mb:.0f} | {step} | {seconds:.1f} | {rate:.1f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
