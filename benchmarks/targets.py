"""The speed and memory targets of issue 23, each measured as a ratio in one run.

One command, from the repository root (needs the ``bench`` and ``dask`` extras)::

    .venv/bin/python benchmarks/targets.py                  # every target
    .venv/bin/python benchmarks/targets.py startup jobs     # some of them
    .venv/bin/python benchmarks/targets.py --list

Each target prints its figures, the ratio (or the bound) and ``PASS`` or ``FAIL``; the exit
status is 1 when one failed.  The machine is assumed shared: every command runs in a fresh
process, the two sides of a ratio run in turn (A B A B ...) and the ratio is taken pair
by pair, then the median of the pairs is reported (one slow or one lucky run does not move
it).  CPU time (user + system of the child, ``os.wait4``) is used wherever the target is
about work; wall time only where it is about parallelism (``jobs``, ``dask``).

Targets (issue 23, "Targets"):

``startup``       ``discourse --help`` and ``discourse parse`` of one seed: CPU < 0.2 s
``classify-one``  ``discourse classify`` of one seed: CPU < 1 s
``parse-text``    text parse ÷ bare line scan ≥ 0.15 (throughput; CPU inside the process)
``read-html``     HTML read ÷ ``lxml.html.fromstring`` ≥ 0.25 (throughput; CPU)
``classify-vader`` classify ÷ VADER alone ≥ 0.35 on 200 documents (throughput; CPU)
``jobs``          ``classify -j 2`` ÷ ``-j 1`` ≥ 1.8 on 200 documents (throughput; wall)
``dask``          ``classify --engine dask`` (2-worker LocalCluster) ÷ ``-j 2`` ≥ 0.8
``flat``          200,000 flat comments with quotes and @names: ``parse`` CPU < 30 s
``big-thread``    one thread of 1,000,000 comments: ``parse`` peak RSS < 1 GB

The 200-document corpus is :mod:`tests.support.corpus` (seed 0), cached under
``benchmarks/out/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
PYTHON = sys.executable
_SCRIPT = Path(PYTHON).with_name("discourse")
DISCOURSE = [str(_SCRIPT)] if _SCRIPT.is_file() else [PYTHON, "-m", "discourse.cli"]
SEED = ROOT / "seeds" / "000_1701a6fb48e1cee7.txt"
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.append(str(ROOT))  # tests.support (the corpus generator)


@dataclass
class Run:
    """One finished child: wall and CPU seconds, peak RSS (MB, 10^6 bytes) of the largest
    process it waited for, and what it printed."""

    wall: float
    cpu: float
    peak_mb: float
    out: str


def child(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to the end; raise SystemExit with its error when it fails."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                text=True, cwd=ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)[:200]} failed ({proc.returncode}): "
                             f"{err.read().strip()[-500:]}")
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024 / 1e6,
                   out.read())


def paired(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[
        list[float], list[float], float]:
    """``runs`` values of ``a`` and ``b`` taken in turn; the median of the pairwise
    ratios ``b / a`` (how many times faster A is than B, for times)."""
    xs, ys, ratios = [], [], []
    for _ in range(runs):
        x, y = a(), b()
        xs.append(x)
        ys.append(y)
        ratios.append(y / x)
    return xs, ys, statistics.median(ratios)


def verdict(name: str, figure: str, ok: bool, goal: str) -> bool:
    print(f"{name}: {figure}  {'PASS' if ok else 'FAIL'} (goal {goal})", flush=True)
    return ok


def med(values: list[float]) -> float:
    return statistics.median(values)


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every process, every core), from
    ``/proc/stat`` (0 where there is none)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def wait_for_idle(limit: float) -> None:
    """Wait (up to ``limit`` s) until other work leaves every core free (10% slack): a
    wall-clock ratio of parallel runs means nothing while other processes hold a core."""
    cores = os.cpu_count() or 1
    begin = time.monotonic()
    said = False
    while time.monotonic() - begin < limit:
        b0, t0 = busy_seconds(), time.monotonic()
        time.sleep(2.0)
        share = (busy_seconds() - b0) / ((time.monotonic() - t0) * cores)
        if share < 0.10:
            return
        if not said:
            print(f"  (the machine is {share:.0%} busy with other work: waiting up to "
                  f"{limit:.0f} s for it to be idle)", flush=True)
            said = True


def walled(cmd: list[str], others: list[float]) -> float:
    """Wall seconds of ``cmd``; appends to ``others`` the share of the machine's cores
    that other processes used meanwhile."""
    b0 = busy_seconds()
    run = child(cmd)
    cores = os.cpu_count() or 1
    others.append(max(0.0, busy_seconds() - b0 - run.cpu) / (run.wall * cores))
    return run.wall


# -- corpora --------------------------------------------------------------------------------
def corpus_200() -> Path:
    """200 synthetic documents (seed 0), written once under ``benchmarks/out``."""
    folder = OUT / "corpus-200"
    if (folder / ".done").is_file():
        return folder / "docs"
    from tests.support.corpus import iter_documents, load_pool

    shutil.rmtree(folder, ignore_errors=True)
    docs = folder / "docs"
    docs.mkdir(parents=True)
    pool = load_pool(ROOT / "seeds")
    for i, (_, text) in enumerate(iter_documents(10**12, seed=0, pool=pool)):
        if i == 200:
            break
        (docs / f"doc_{i:03d}.txt").write_text(text, encoding="utf-8")
    (folder / ".done").write_text("200 documents, seed 0\n")
    return docs


# -- targets --------------------------------------------------------------------------------
def t_startup(runs: int) -> bool:
    helps = [child([*DISCOURSE, "--help"]).cpu for _ in range(runs)]
    parses = [child([*DISCOURSE, "parse", str(SEED), "-o", os.devnull, "-q"]).cpu
              for _ in range(runs)]
    bare = med([child([PYTHON, "-c", "pass"]).cpu for _ in range(runs)])
    ok = verdict("startup: discourse --help", f"{med(helps):.3f} CPU s (bare interpreter "
                 f"{bare:.3f} s)", med(helps) < 0.2, "< 0.2 s")
    return verdict("startup: parse one document", f"{med(parses):.3f} CPU s",
                   med(parses) < 0.2, "< 0.2 s") and ok


def t_classify_one(runs: int) -> bool:
    cpus = [child([*DISCOURSE, "classify", str(SEED), "-o", os.devnull, "-q"]).cpu
            for _ in range(runs)]
    return verdict("classify-one", f"{med(cpus):.2f} CPU s (runs: "
                   f"{', '.join(f'{c:.2f}' for c in cpus)})", med(cpus) < 1.0, "< 1 s")


_SCAN = """
import sys, time
from pathlib import Path
from discourse.read.text.lines import _MARKER
files = [p.read_bytes() for p in sorted(Path(sys.argv[1]).iterdir())]
match = _MARKER.match
start = time.process_time()
n = 0
for data in files:
    for line in data.decode("utf-8").split("\\n"):
        if match(line.lstrip()):
            n += 1
print(time.process_time() - start)
"""

_PARSE = """
import sys, time
from pathlib import Path
from discourse.read.text import parse_text
files = [(str(p), p.read_bytes()) for p in sorted(Path(sys.argv[1]).iterdir())]
start = time.process_time()
for name, data in files:
    parse_text(data.decode("utf-8"), source=name)
print(time.process_time() - start)
"""


def t_parse_text(runs: int, mb: float = 20.0) -> bool:
    from parse_text import build_corpus

    with tempfile.TemporaryDirectory(prefix="targets-text-") as tmp:
        size = build_corpus(Path(tmp), mb, ROOT.parent / "shared")
        parse, scan, ratio = paired(
            lambda: float(child([PYTHON, "-c", _PARSE, tmp]).out),
            lambda: float(child([PYTHON, "-c", _SCAN, tmp]).out), runs)
        cli = child([*DISCOURSE, "parse", tmp, "--format", "jsonl", "-o", os.devnull, "-q"])
    print(f"  {size / 1e6:.0f} MB of seeds and converter dumps: scan {med(scan):.2f} CPU s "
          f"({size / 1e6 / med(scan):.0f} MB/s), parse_text {med(parse):.2f} CPU s "
          f"({size / 1e6 / med(parse):.2f} MB/s); whole `discourse parse --format jsonl` "
          f"{cli.cpu:.2f} CPU s (ratio {med(scan) / cli.cpu:.3f})")
    return verdict("parse-text", f"parse ÷ scan {ratio:.3f}", ratio >= 0.15, "≥ 0.15")


_HTML = """
import sys, time
sys.path.insert(0, "benchmarks")
import read_html
name, rounds = sys.argv[1], int(sys.argv[2])
pages = [p for ps in read_html.page_sets(300).values() for p in ps]
run = read_html.RUNNERS[name]
print(read_html.best_time(run, pages, rounds))
"""


def t_read_html(runs: int) -> bool:
    def timed(name: str) -> Callable[[], float]:
        return lambda: float(child([PYTHON, "-c", _HTML, name, "3"]).out)

    full, lx, ratio = paired(timed("discourse"), timed("lxml"), runs)
    comments = med([float(child([PYTHON, "-c", _HTML, "comments", "3"]).out)
                    for _ in range(runs)])
    print(f"  every page set of benchmarks/read_html.py: lxml {med(lx):.3f} CPU s, "
          f"discourse (comments and article) {med(full):.3f} s, comments only {comments:.3f} s "
          f"(ratio {med(lx) / comments:.3f})")
    return verdict("read-html", f"HTML read ÷ lxml parse {ratio:.3f}", ratio >= 0.25, "≥ 0.25")


_VADER = """
import sys, time
from pathlib import Path
from discourse.read import parse_file
from discourse.sentiment import _analyzer, sentiment_profile
texts = [c.text for p in sorted(Path(sys.argv[1]).iterdir()) for c in parse_file(p).comments]
start = time.process_time()
_analyzer()
for t in texts:
    sentiment_profile(t)
print(time.process_time() - start)
"""


def t_classify_vader(runs: int) -> bool:
    docs = corpus_200()
    cmd = [*DISCOURSE, "classify", str(docs), "--format", "jsonl", "-o", os.devnull, "-q"]
    cls, vader, ratio = paired(lambda: child(cmd).cpu,
                               lambda: float(child([PYTHON, "-c", _VADER, str(docs)]).out), runs)
    print(f"  200 documents: VADER alone {med(vader):.1f} CPU s, classify {med(cls):.1f} CPU s")
    return verdict("classify-vader", f"classify ÷ VADER {ratio:.3f}", ratio >= 0.35, "≥ 0.35")


def _classify(jobs: int, engine: str = "local") -> list[str]:
    return [*DISCOURSE, "classify", str(corpus_200()), "--format", "jsonl", "-o", os.devnull,
            "-q", "-j", str(jobs), "--engine", engine]


def _idle_pairs(a: list[str], b: list[str], runs: int) -> tuple[
        list[float], list[float], float, float]:
    """Wall seconds of ``a`` and ``b`` in turn, each pair started on an idle machine; the
    median ratio ``b / a`` and the largest share of the cores other work took meanwhile."""
    others: list[float] = []
    xs, ys, ratios = [], [], []
    for _ in range(runs):
        wait_for_idle(IDLE_WAIT)
        x, y = walled(a, others), walled(b, others)
        xs.append(x)
        ys.append(y)
        ratios.append(y / x)
    return xs, ys, statistics.median(ratios), max(others)


#: Longest wait (s) for an idle machine before a wall-clock pair (``--idle-wait``).
IDLE_WAIT = 600.0


def _note(others: float) -> str:
    return (f"other work took up to {others:.0%} of the cores meanwhile"
            + ("; the ratio is pessimistic" if others > 0.10 else ""))


def t_jobs(runs: int) -> bool:
    two, one, ratio, others = _idle_pairs(_classify(2), _classify(1), runs)
    print(f"  200 documents: -j 1 {med(one):.1f} s, -j 2 {med(two):.1f} s wall "
          f"({_note(others)})")
    return verdict("jobs", f"-j 2 ÷ -j 1 {ratio:.2f}", ratio >= 1.8, "≥ 1.8")


def t_dask(runs: int) -> bool:
    dask, two, ratio, others = _idle_pairs(_classify(2, "dask"), _classify(2), runs)
    print(f"  200 documents: -j 2 {med(two):.1f} s, dask LocalCluster of 2 workers "
          f"{med(dask):.1f} s wall ({_note(others)})")
    return verdict("dask", f"dask ÷ -j 2 {ratio:.2f}", ratio >= 0.8, "≥ 0.8")


def _flat_parse(n: int) -> Run:
    from flat_threads import write

    with tempfile.TemporaryDirectory(prefix="targets-flat-") as tmp:
        path = write(Path(tmp), n, "both")
        return child([*DISCOURSE, "parse", str(path), "--format", "jsonl", "-o", os.devnull,
                      "-q"])


def t_flat(runs: int) -> bool:
    run = _flat_parse(200_000)
    return verdict("flat", f"200,000 flat comments {run.cpu:.1f} CPU s, peak RSS "
                   f"{run.peak_mb:.0f} MB", run.cpu < 30, "< 30 s")


def reddit_thread(path: Path, n: int, seed: int = 1) -> Path:
    """A Reddit NDJSON dump holding one thread of ``n`` comments (70% answer a random
    earlier comment, the rest the post; bodies of 5-80 words), as ``read_ndjson.py``'s
    dumps but for one submission."""
    import json
    import random

    from read_ndjson import WORDS

    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(1, n + 1):
            cid = f"c{i:x}"
            parent = f"t1_c{rng.randrange(1, i):x}" if i > 1 and rng.random() < 0.7 \
                else "t3_big"
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 80)))
            out.write(json.dumps({
                "author": f"user{rng.randrange(50_000)}", "body": body,
                "created_utc": 1_600_000_000 + i, "id": cid, "link_id": "t3_big",
                "parent_id": parent, "permalink": f"/r/bench/comments/big/_/{cid}/",
                "score": rng.randint(-5, 500), "subreddit": "bench"}) + "\n")
    return path


def t_big_thread(runs: int, n: int = 1_000_000) -> bool:
    from flat_threads import write

    ok = True
    with tempfile.TemporaryDirectory(prefix="targets-big-") as tmp:
        for form, path in (("a Reddit NDJSON dump", lambda: reddit_thread(
                Path(tmp) / "RC_big.ndjson", n)), ("a flat JSON comment list",
                                                   lambda: write(Path(tmp), n, "both"))):
            made = path()
            size = made.stat().st_size / 1e6
            run = child([*DISCOURSE, "parse", str(made), "--format", "jsonl", "-o", os.devnull,
                         "-q", "--max-bytes", "4GB"])
            made.unlink()
            mb = run.peak_mb
            ok = verdict(f"big-thread ({form})", f"{n:,} comments in one thread ({size:.0f} "
                         f"MB): peak RSS {mb:.0f} MB, {run.cpu:.0f} CPU s", mb < 1000,
                         "< 1000 MB") and ok
    return ok


TARGETS: dict[str, tuple[Callable[[int], bool], int]] = {
    # name: (function, default runs)
    "startup": (t_startup, 7),
    "classify-one": (t_classify_one, 3),
    "parse-text": (t_parse_text, 3),
    "read-html": (t_read_html, 3),
    "classify-vader": (t_classify_vader, 2),
    "jobs": (t_jobs, 3),
    "dask": (t_dask, 3),
    "flat": (t_flat, 1),
    "big-thread": (t_big_thread, 1),
}


def main(argv: list[str] | None = None) -> int:
    global IDLE_WAIT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="*", metavar="TARGET", help="default: all")
    ap.add_argument("--runs", type=int, default=None, help="pairs per ratio (default: per target)")
    ap.add_argument("--list", action="store_true", help="list the targets")
    ap.add_argument("--idle-wait", type=float, default=IDLE_WAIT, metavar="SECONDS",
                    help="longest wait for an idle machine before a wall-clock pair "
                         f"(default {IDLE_WAIT:.0f})")
    args = ap.parse_args(argv)
    IDLE_WAIT = args.idle_wait
    if args.list:
        print("\n".join(TARGETS))
        return 0
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        ap.error(f"unknown target {unknown[0]!r} (choose from {', '.join(TARGETS)})")
    failed = []
    for name in args.targets or list(TARGETS):
        fn, runs = TARGETS[name]
        if not fn(args.runs or runs):
            failed.append(name)
    if failed:
        print(f"missed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
