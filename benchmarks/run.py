"""Throughput and peak memory of ``discourse`` on synthetic corpora, side by side.

One command, from the repository root::

    .venv/bin/python benchmarks/run.py --sizes 10MB,100MB,1GB --jobs 1,2 --out docs/performance.md

For each size a corpus is generated under ``benchmarks/out/`` (git-ignored; reused while
the generator, the seeds and the seed number are unchanged) by
:mod:`tests.support.corpus`, and these steps run on it, each in its own fresh process:

1. ``scan``: read every file and match the parser's marker regex on every line — the
   ceiling for any Python line parser;
2. ``parse``: ``discourse parse CORPUS --format jsonl -o - -q`` (stdout to /dev/null);
3. ``vader``: VADER alone (``sentiment_profile``) over every comment text (documents are
   parsed first; only the VADER calls are timed);
4. ``classify``: ``discourse classify CORPUS --format jsonl -o - -q``;
5. ``analyze``: ``discourse analyze CORPUS -o - -q`` and ``report``:
   ``discourse report CORPUS -o TMPDIR -q``;

``parse``, ``classify`` and ``report`` run once per ``--jobs`` value.  Peak RSS comes from
``os.wait4`` (the largest single process, pool workers included) and from polling the
process tree with psutil (the sum over all processes of the command).  Before a step
runs on a bigger corpus, its time is extrapolated from the previous size; a step whose
estimate exceeds ``--max-minutes`` is skipped and reported as such.  ``--profile`` also
profiles ``parse`` and ``classify`` (jobs 1) on the smallest corpus with pyinstrument.

The Markdown output keeps hand-written text between ``<!-- notes:begin -->`` /
``<!-- notes:end -->`` and ``<!-- findings:begin -->`` / ``<!-- findings:end -->`` across runs.
Needs the ``bench`` extra (psutil, pyinstrument).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the test helpers (tests.support: the synthetic corpus) import from the repository root
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
PYTHON = sys.executable
#: The console script next to the interpreter (what users run), else ``python -m``.
_SCRIPT = Path(PYTHON).with_name("discourse")
DISCOURSE = [str(_SCRIPT)] if _SCRIPT.is_file() else [PYTHON, "-m", "discourse.cli"]
MB = 1e6
STEPS = ("scan", "parse", "vader", "classify", "analyze", "report")
JOB_STEPS = ("parse", "classify", "analyze", "report")


# -- measuring one command ------------------------------------------------------------------
@dataclass
class Measurement:
    """One step on one corpus: wall time, CPU time and peak memory of its process(es)."""

    corpus: str
    step: str
    jobs: int
    seconds: float | None = None  # the step's time (VADER: the timed calls only)
    wall: float | None = None  # the process's wall time
    cpu: float | None = None  # user + system seconds, children included
    max_rss_mb: float | None = None  # largest single process (os.wait4 ru_maxrss)
    tree_rss_mb: float | None = None  # peak of the sum over the process tree (psutil)
    returncode: int | None = None
    others: float | None = None  # share of all CPUs used by other processes meanwhile
    code: str | None = None  # code_version() when measured
    skipped: str | None = None  # why it did not run
    error: str | None = None
    extra: dict = field(default_factory=dict)


#: Runs the command as its own child and reports that child's rusage (peak RSS, CPU, exit
#: status).  The wrapper is a bare interpreter: a child inherits its parent's peak RSS
#: through fork + exec on Linux, so the benchmark driver (which has imported the package)
#: must not be the one that forks the command.
_WRAPPER = """import json, os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as f:
    json.dump([ru.ru_maxrss * 1024, ru.ru_utime + ru.ru_stime, code], f)
sys.exit(code if code >= 0 else 1)
"""


def run_measured(cmd: list[str], stdout_path: Path | None = None, poll: float = 0.05) -> dict:
    """Run ``cmd`` in a fresh process and return wall/CPU time, peak RSS and its stderr."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(suffix=".json") as ru:
        wrapped = [PYTHON, "-I", "-S", "-c", _WRAPPER, ru.name, *cmd]
        if stdout_path:
            with open(stdout_path, "wb") as out:
                result = _run_polled(wrapped, out, err, poll)
        else:
            result = _run_polled(wrapped, subprocess.DEVNULL, err, poll)
        err.seek(0)
        result["stderr"] = err.read().decode("utf-8", "replace")
        try:
            maxrss, cpu, code = json.loads(Path(ru.name).read_text() or "null")
        except (TypeError, ValueError):
            return result
    result["returncode"] = code
    result["cpu"] = max(result["cpu"], cpu)
    result["max_rss_mb"] = max(result["max_rss_mb"], maxrss / MB)
    return result


def _run_polled(cmd: list[str], out, err, poll: float) -> dict:
    """Run ``cmd``, polling the RSS and CPU time of its descendants (not of ``cmd`` itself)."""
    import psutil

    busy0 = _busy_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
    peak = [0]
    rss: dict[int, int] = {}  # pid -> peak RSS seen
    cpu: dict[int, float] = {}  # pid -> last user + system seconds seen
    done = threading.Event()

    def watch() -> None:
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0
            try:
                procs = root.children(recursive=True)
            except psutil.Error:
                break
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    with p.oneshot():
                        mem, times = p.memory_info().rss, p.cpu_times()
                    total += mem
                    rss[p.pid] = max(rss.get(p.pid, 0), mem)
                    cpu[p.pid] = times.user + times.system
            peak[0] = max(peak[0], total)
            done.wait(poll)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    proc.wait()
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    # The wrapper's rusage counts only descendants that were waited for (pool workers may
    # not be): the polled sum over the tree is taken when it is larger.
    own = sum(cpu.values())
    others = max(0.0, _busy_seconds() - busy0 - own) / (wall * (os.cpu_count() or 1))
    return {"wall": wall, "cpu": own, "others": others,
            "max_rss_mb": max([0, *rss.values()]) / MB, "tree_rss_mb": peak[0] / MB,
            "returncode": proc.returncode}


def _busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all processes, all cores)."""
    import psutil

    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0)


def wait_for_idle(limit: float, cores: int = 1) -> float:
    """Wait (up to ``limit`` s) until ``cores`` CPUs are free of other work (10% slack);
    return the last reading of the machine's busy percentage."""
    import psutil

    ncpu = os.cpu_count() or 1
    threshold = 100.0 * max(0, ncpu - cores) / ncpu + 10.0
    begin = time.monotonic()
    said = -60.0
    while True:
        busy = psutil.cpu_percent(interval=2.0)
        now = time.monotonic()
        if busy < threshold or now - begin >= limit:
            return busy
        if now - said >= 60:
            print(f"    (machine {busy:.0f}% busy with other work; waiting up to "
                  f"{limit - (now - begin):.0f} s)", flush=True)
            said = now


# -- corpora -------------------------------------------------------------------------------
@dataclass
class Corpus:
    """A generated corpus and its manifest."""

    label: str
    path: Path
    target_bytes: int
    seed: int
    documents: int = 0
    comments: int = 0
    bytes: int = 0
    generate_seconds: float = 0.0
    fingerprint: str = ""
    reused: bool = False


def fingerprint(seeds_dir: Path) -> str:
    """Hash of what the corpus depends on: the generator, the renderer and the seeds."""
    h = hashlib.sha256()
    for p in [ROOT / "tests/support/corpus.py", ROOT / "tests/support/render.py",
              *sorted(seeds_dir.glob("*.txt"))]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def code_fingerprint() -> str:
    """Hash of the package's code and bundled model: measurements of other code are stale."""
    h = hashlib.sha256()
    pkg = ROOT / "discourse"
    for p in sorted([*pkg.rglob("*.py"), *pkg.glob("classify/models/*")]):
        h.update(str(p.relative_to(pkg)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def code_version() -> str:
    """``commit abc1234`` (plus a note on uncommitted package changes), read-only git calls."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = [ln for ln in git("status", "--porcelain", "--", "discourse").splitlines() if ln]
    note = f", {len(dirty)} uncommitted change(s) under discourse/" if dirty else ""
    return f"commit {head}{note}; code fingerprint {code_fingerprint()}"


def ensure_corpus(label: str, size: int, seed: int, seeds_dir: Path) -> Corpus:
    """Generate the corpus for ``size`` bytes, or reuse it if its manifest still matches."""
    from tests.support.corpus import generate_corpus

    path = OUT / f"corpus-{label}-seed{seed}"
    manifest = path / "manifest.json"
    fp = fingerprint(seeds_dir)
    if manifest.is_file():
        data = json.loads(manifest.read_text())
        if data.get("fingerprint") == fp and data.get("target_bytes") == size:
            data["path"] = path
            return Corpus(**{**data, "reused": True})
    if path.exists():
        shutil.rmtree(path)
    print(f"generating {label} corpus in {path.relative_to(ROOT)} ...", flush=True)
    start = time.perf_counter()
    stats = generate_corpus(path / "docs", size, seed=seed, seeds_dir=seeds_dir)
    corpus = Corpus(label, path, size, seed, stats.documents, stats.comments, stats.bytes,
                    time.perf_counter() - start, fp)
    data = dataclasses.asdict(corpus)
    data["path"] = str(path)
    data.pop("reused")
    manifest.write_text(json.dumps(data, indent=1))
    return corpus


# -- steps ---------------------------------------------------------------------------------
def cli_args(step: str, corpus: Corpus, jobs: int, model: str | None,
             report_dir: Path) -> list[str]:
    """Arguments of the ``discourse`` command for ``step``."""
    docs = str(corpus.path / "docs")
    model_args = ["--model", model] if model else []
    jobs_args = ["--jobs", str(jobs)]
    if step == "parse":
        return ["parse", docs, "--format", "jsonl", "-o", "-", "-q", *jobs_args]
    if step == "classify":
        return ["classify", docs, "--format", "jsonl", "-o", "-", "-q", *jobs_args, *model_args]
    if step == "analyze":
        return ["analyze", docs, "-o", "-", "-q", *jobs_args, *model_args]
    if step == "report":
        return ["report", docs, "-o", str(report_dir), "-q", *jobs_args, *model_args]
    raise ValueError(step)


def step_command(step: str, corpus: Corpus, jobs: int, model: str | None,
                 report_dir: Path) -> list[str]:
    """The full command line of ``step`` (internal workers for scan and vader)."""
    if step in ("scan", "vader"):
        return [PYTHON, str(Path(__file__).resolve()), f"_{step}", str(corpus.path / "docs")]
    return [*DISCOURSE, *cli_args(step, corpus, jobs, model, report_dir)]


def measure(step: str, corpus: Corpus, jobs: int, model: str | None) -> Measurement:
    m = Measurement(corpus.label, step, jobs, code=code_version())
    report_dir = Path(tempfile.mkdtemp(prefix="report-", dir=OUT))
    result_file = OUT / f".result-{os.getpid()}.json"
    try:
        cmd = step_command(step, corpus, jobs, model, report_dir)
        internal = step in ("scan", "vader")
        r = run_measured(cmd, result_file if internal else None)
        m.wall, m.cpu, m.returncode = r["wall"], r["cpu"], r["returncode"]
        m.others = r["others"]
        m.max_rss_mb, m.tree_rss_mb = r["max_rss_mb"], r["tree_rss_mb"]
        m.seconds = m.wall
        if r["returncode"] != 0:
            last = (r["stderr"].strip().splitlines() or [""])[-1]
            m.error = f"failed (exit {r['returncode']}): {last[:300]}"
        elif internal:
            m.extra = json.loads(result_file.read_text())
            if step == "vader":
                m.seconds = m.extra["vader_seconds"]
        if step == "report" and m.returncode == 0:
            m.extra["report_mb"] = sum(p.stat().st_size for p in report_dir.rglob("*")
                                       if p.is_file()) / MB
            # What a browser must open at once: the index pages and the comparison page.
            index = sorted(report_dir.glob("index*.html"))
            m.extra["index_pages"] = len(index)
            m.extra["index_kb"] = max((p.stat().st_size for p in index), default=0) / 1e3
            compare = report_dir / "compare.html"
            m.extra["compare_kb"] = compare.stat().st_size / 1e3 if compare.is_file() else 0
    finally:
        shutil.rmtree(report_dir, ignore_errors=True)
        result_file.unlink(missing_ok=True)
    return m


def _scan_worker(folder: str) -> None:
    """Step 1: read every document and match the marker regex on every (left-stripped) line."""
    from discourse.read.source import iter_document_paths
    from discourse.read.text.lines import _MARKER

    start = time.perf_counter()
    match = _MARKER.match
    files = lines = markers = size = 0
    for path in iter_document_paths([folder]):
        data = path.read_bytes()
        size += len(data)
        files += 1
        for line in data.decode("utf-8").split("\n"):
            lines += 1
            if match(line.lstrip()):
                markers += 1
    print(json.dumps({"files": files, "lines": lines, "markers": markers, "bytes": size,
                      "seconds": time.perf_counter() - start}))


def _vader_worker(folder: str) -> None:
    """Step 3: VADER alone over every comment text; parsing is done but not timed."""
    from discourse.read import parse_file
    from discourse.read.source import iter_document_paths
    from discourse.sentiment import _analyzer, sentiment_profile, split_sentences

    start = time.perf_counter()
    _analyzer()
    load = time.perf_counter() - start
    vader = parse_time = 0.0
    comments = sentences = 0
    for path in iter_document_paths([folder]):
        t0 = time.perf_counter()
        thread = parse_file(path)
        t1 = time.perf_counter()
        for c in thread.comments:
            sentiment_profile(c.text)
        vader += time.perf_counter() - t1
        parse_time += t1 - t0
        comments += len(thread.comments)
        sentences += sum(min(len(split_sentences(c.text)), 40) for c in thread.comments)
    print(json.dumps({"vader_seconds": vader + load, "lexicon_seconds": load,
                      "parse_seconds": parse_time, "comments": comments,
                      "sentences": sentences}))


# -- profiling -----------------------------------------------------------------------------
def profile(step: str, corpus: Corpus, model: str | None, wait: float = 0.0) -> dict:
    """Profile one CLI command (jobs 1) with pyinstrument; return where the time went."""
    base = OUT / f"profile-{step}-{corpus.label}"
    session = base.with_suffix(".pyisession")
    args = cli_args(step, corpus, 1, model, OUT / "profile-report")
    prof = [PYTHON, "-m", "pyinstrument", "-r", "pyisession", "-o", str(session), "-m",
            "discourse.cli", *args]
    wait_for_idle(wait)
    print(f"profiling {step} on {corpus.label} ...", flush=True)
    r = run_measured(prof)
    if r["returncode"] != 0:
        return {"error": r["stderr"].strip().splitlines()[-1][:300]}
    subprocess.run([PYTHON, "-m", "pyinstrument", "--load", str(session), "-r", "text",
                    "-o", str(base.with_suffix(".txt"))], check=True, cwd=ROOT)
    return {**summarize_session(session), "text": str(base.with_suffix(".txt").relative_to(ROOT))}


def summarize_session(path: Path) -> dict:
    """Self time per function and per module (built-ins charged to the calling module), and
    cumulative time per function (a recursive function counted once per call tree)."""
    from collections import defaultdict

    from pyinstrument.session import Session

    root = Session.load(str(path)).root_frame()
    total = max(root.time, 1e-9) if root else 1e-9
    selfs: dict[tuple, float] = defaultdict(float)
    cums: dict[tuple, float] = defaultdict(float)
    modules: dict[str, float] = defaultdict(float)
    stack = [(root, frozenset(), "", None)] if root else []
    while stack:
        frame, above, caller_module, parent_key = stack.pop()
        if frame.is_synthetic_leaf or frame.function == "[self]":  # self time of its parent
            selfs[parent_key] += frame.time
            modules[caller_module] += frame.time
            continue
        key = (frame.function, _short(frame.file_path or ""), frame.line_no)
        own = frame.time - sum(c.time for c in frame.children)
        module = _module(frame.file_path or "") or caller_module
        selfs[key] += own
        modules[module] += own
        if key not in above:
            cums[key] += frame.time
        stack.extend((c, above | {key}, module, key) for c in frame.children)

    def row(key: tuple) -> dict:
        return {"function": key[0], "where": f"{key[1]}:{key[2]}", "self": selfs[key] / total,
                "cumulative": cums[key] / total}

    top_self = sorted(selfs, key=selfs.get, reverse=True)[:12]  # type: ignore[arg-type]
    trunk = ("discourse/cli.py", "discourse/pipeline.py")
    own = [k for k in cums if k[1].startswith("discourse/") and not k[1].startswith(trunk)
           and cums[k] < 0.9 * total]
    own.sort(key=cums.get, reverse=True)  # type: ignore[arg-type]
    return {"total_seconds": total, "self": [row(k) for k in top_self],
            "own": [row(k) for k in own[:12]],
            "modules": sorted(([m or "?", t / total] for m, t in modules.items()),
                              key=lambda mt: mt[1], reverse=True)[:10]}


def _module(file: str) -> str | None:
    """``discourse.read.text.quotes``, a third-party package name, ``stdlib:copy``; None for
    built-ins (no file)."""
    if not file or file.startswith("<"):
        return None
    short = _short(file)
    if short.startswith("discourse/"):
        return short.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    if "site-packages/" in file:
        return short.split("/", 1)[0]
    p = Path(file)
    return "stdlib:" + (p.parent.name if p.stem == "__init__" else p.stem)


def _short(file: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in file:
            return file.split(marker, 1)[1]
    if "/lib/python3" in file:
        return file.split("/lib/python3", 1)[1].split("/", 1)[-1]
    return file


# -- report --------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    from importlib.metadata import version

    libs = ", ".join(f"{n} {version(n)}" for n in ("vaderSentiment", "scikit-learn", "pandas"))
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": ram,
            "Python": platform.python_version(), "OS": platform.platform(), "libraries": libs}


def _f(x: float | None, fmt: str = "{:.2f}") -> str:
    return "–" if x is None else fmt.format(x)


def _rate(m: Measurement, corpus: Corpus) -> tuple[float | None, float | None]:
    if m.seconds is None or m.error or m.skipped:
        return None, None
    return corpus.bytes / MB / m.seconds, corpus.comments / m.seconds


def _get(results: list[Measurement], label: str, step: str, jobs: int) -> Measurement | None:
    for m in results:
        if (m.corpus, m.step, m.jobs) == (label, step, jobs) and not m.skipped and not m.error:
            return m
    return None


def _keep(old: str, name: str, default: str) -> str:
    m = re.search(rf"<!-- {name}:begin -->\n(.*?)<!-- {name}:end -->", old, re.DOTALL)
    body = m.group(1) if m else default
    return f"<!-- {name}:begin -->\n{body}<!-- {name}:end -->"


def markdown(command: str, corpora: list[Corpus], results: list[Measurement],
             jobs_list: list[int], profiles: dict[str, dict], old: str) -> str:
    out = ["# Performance", "",
           "Generated by `benchmarks/run.py` (see its docstring); hand-written sections are kept "
           "between the `targets`, `notes` and `findings` markers.", "",
           _keep(old, "targets", ""), "",
           "```", command, "```", "", "## Machine", ""]
    out += [f"- **{k}**: {v}" for k, v in machine().items()]
    out += [f"- **code measured**: {', '.join(sorted({m.code for m in results if m.code}))}"]
    out += ["", "## Corpora", "",
            "Synthetic documents from `tests.support.corpus` (the seeds' articles and "
            "comments recombined into new trees; all three layouts).", "",
            "| corpus | documents | comments | MB | generated in s | |",
            "|---|---:|---:|---:|---:|---|"]
    for c in corpora:
        out.append(f"| {c.label} | {c.documents} | {c.comments} | {c.bytes / MB:.1f} | "
                   f"{c.generate_seconds:.1f} | {'reused' if c.reused else 'new'} |")
    out += ["", "## Results", "",
            "MB/s and comments/s are corpus size / step time. VADER: only the VADER calls are "
            "timed (its CPU and RSS include parsing the documents). RSS (largest) is the peak of "
            "the largest single process (`os.wait4`, pool workers included); RSS (all) is the "
            "peak of the sum over the command's process tree (psutil, sampled every 50 ms). "
            "Times include interpreter start-up and imports.", "",
            "\"Other load\" is the share of all cores that other processes used meanwhile "
            "(the machine is shared; a high value makes the row pessimistic).", "",
            "| corpus | step | jobs | time s | MB/s | comments/s | CPU s | RSS largest MB | "
            "RSS all MB | other load | note |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    by_label = {c.label: c for c in corpora}
    for m in results:
        c = by_label[m.corpus]
        mbs, cps = _rate(m, c)
        note = m.skipped or m.error or ""
        if m.step == "report" and "report_mb" in m.extra:
            note = f"{m.extra['report_mb']:.0f} MB of HTML"
            if "index_pages" in m.extra:
                note += (f"; {m.extra['index_pages']} index pages of ≤ "
                         f"{m.extra['index_kb']:.0f} KB, compare.html "
                         f"{m.extra['compare_kb']:.0f} KB")
        out.append(f"| {m.corpus} | {m.step} | {m.jobs} | {_f(m.seconds, '{:.1f}')} | "
                   f"{_f(mbs)} | {_f(cps, '{:,.0f}')} | {_f(m.cpu, '{:.1f}')} | "
                   f"{_f(m.max_rss_mb, '{:.0f}')} | {_f(m.tree_rss_mb, '{:.0f}')} | "
                   f"{_f(m.others, '{:.0%}')} | {note.replace('|', '/')[:160]} |")
    out += ["", "## Ratios and targets", ""]
    j1, j2 = min(jobs_list), max(jobs_list)
    # the goals of issue 23 (benchmarks/targets.py measures each of them on its own)
    head = ["corpus", "parse / scan (≥ 0.15)", "classify / VADER (≥ 0.35)"]
    if j2 != j1:
        head += [f"{s} jobs {j2} / jobs {j1} (≥ 1.8)" for s in JOB_STEPS]
    out += ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]

    def ratio(a: Measurement | None, b: Measurement | None) -> str:
        if a is None or b is None or not a.seconds or not b.seconds:
            return "–"
        return f"{b.seconds / a.seconds:.2f}"

    def verdict(text: str, target: float) -> str:
        return text if text == "–" else f"{text} {'✅' if float(text) >= target else '❌'}"

    for c in corpora:
        def g(s: str, j: int = j1, label: str = c.label) -> Measurement | None:
            return _get(results, label, s, j)

        row = [c.label, verdict(ratio(g("parse"), g("scan")), 0.15),
               verdict(ratio(g("classify"), g("vader")), 0.35)]
        if j2 != j1:
            row += [verdict(ratio(g(s, j2), g(s, j1)), 1.8) for s in JOB_STEPS]
        out.append("| " + " | ".join(row) + " |")
    measured = [c for c in corpora if any(m.corpus == c.label and not m.skipped for m in results)]
    if len(measured) >= 2:
        out += ["", "Peak RSS in MB (largest single process; jobs 1, or jobs 2 where jobs 1 "
                "was not run on every size) on the largest corpus against the next smaller "
                "one (target: within 20%):", "", "| step | jobs | " +
                " | ".join(c.label for c in measured) + " | largest / next smaller |",
                "|---|---:" + "|---:" * (len(measured) + 1) + "|"]
        for s in ("parse", "classify", "analyze"):
            for j in (j1, j2):
                ms = [_get(results, c.label, s, j) for c in measured]
                if all(m and m.max_rss_mb for m in ms) or j == j2:
                    break
            cells = [_f(m.max_rss_mb, "{:.0f}") if m else "–" for m in ms]
            got = [m for m in ms if m and m.max_rss_mb]
            rel = "–"
            if len(got) >= 2:
                r = got[-1].max_rss_mb / got[-2].max_rss_mb  # type: ignore[operator]
                rel = f"{r:.2f} ({got[-1].corpus} / {got[-2].corpus}) {'✅' if r <= 1.2 else '❌'}"
            out.append(f"| {s} | {j} | " + " | ".join(cells) + f" | {rel} |")
    out += ["", "## Notes: what was and was not run", "",
            _keep(old, "notes", "(to be written)\n"), ""]
    out += ["## Profile", ""]
    for step, p in profiles.items():
        if "error" in p:
            out += [f"`{step}`: profiling failed: {p['error']}", ""]
            continue
        out += [f"### `discourse {step}` on {p.get('corpus', '?')} (jobs 1, pyinstrument, "
                f"{p['total_seconds']:.1f} s sampled; full tree: `{p['text']}`)", "",
                f"Code: {p.get('code', '?')}.", "",
                "Top functions by self time:", "", "| function | where | self | cumulative |",
                "|---|---|---:|---:|"]
        out += [f"| `{r['function']}` | {r['where']} | {r['self']:.1%} | {r['cumulative']:.1%} |"
                for r in p["self"][:10]]
        out += ["", "Self time by module (built-ins such as regex matching charged to the "
                "module that calls them):", "", "| module | self |", "|---|---:|"]
        out += [f"| {m} | {t:.1%} |" for m, t in p.get("modules", [])]
        out += ["", "The package's functions by cumulative time (the CLI, pipeline and "
                "output trunk left out):", "",
                "| function | where | cumulative | self |", "|---|---|---:|---:|"]
        out += [f"| `{r['function']}` | {r['where']} | {r['cumulative']:.1%} | {r['self']:.1%} |"
                for r in p["own"][:10]]
        out.append("")
    out += ["### Findings", "", _keep(old, "findings", "(to be written)\n"), ""]
    return "\n".join(out)


# -- driver --------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    from tests.support.corpus import parse_size

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10MB", help="corpus sizes, e.g. 10MB,100MB,1GB")
    p.add_argument("--jobs", default="1,2", help="--jobs values for parse/classify/report")
    p.add_argument("--out", default="docs/performance.md", help="Markdown file to write")
    p.add_argument("--steps", default=",".join(STEPS), help=f"subset of {','.join(STEPS)}")
    p.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    p.add_argument("--seeds", default="seeds", help="seed documents folder")
    p.add_argument("--model", help="classifier model (default: the bundled one)")
    p.add_argument("--max-minutes", type=float, default=25.0,
                   help="skip a step whose extrapolated time exceeds this (default 25)")
    p.add_argument("--wait-idle", type=float, default=600, metavar="S",
                   help="before each step, wait up to S seconds for other work on the machine "
                        "to stop (default 600)")
    p.add_argument("--profile", action="store_true",
                   help="profile parse and classify on the smallest corpus with pyinstrument")
    p.add_argument("--reuse", action="store_true",
                   help="reuse measurements in benchmarks/out/results.json for unchanged corpora")
    p.add_argument("--no-run", action="store_true",
                   help="with --reuse: only assemble the table from stored measurements; "
                        "steps without one are listed as not run, with their estimate")
    args = p.parse_args(argv)
    sizes = [(s.strip().upper(), parse_size(s)) for s in args.sizes.split(",") if s.strip()]
    sizes.sort(key=lambda s: s[1])
    jobs_list = sorted({int(j) for j in args.jobs.split(",")})
    steps = [s for s in STEPS if s in args.steps.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    seeds_dir = (ROOT / args.seeds).resolve()
    model = args.model
    if model is None and any(s in steps for s in ("classify", "analyze", "report")):
        spec = importlib.util.find_spec("discourse.classify")
        DEFAULT_MODEL = Path(spec.origin).parent / "models" / "default.skops"  # type: ignore[union-attr,arg-type]  # noqa: N806
        if not DEFAULT_MODEL.is_file():
            print(f"error: no bundled model at {DEFAULT_MODEL}; pass --model", file=sys.stderr)
            return 2
    cache_file = OUT / "results.json"
    cache: dict[str, dict] = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])

    corpora: list[Corpus] = []
    results: list[Measurement] = []
    profiles_file = OUT / "profiles.json"
    profiles: dict[str, dict] = {}
    if not args.profile and profiles_file.is_file():  # the last profile run, shown again
        profiles = json.loads(profiles_file.read_text())
    out = ROOT / args.out

    def write() -> None:
        old = out.read_text("utf-8") if out.is_file() else ""
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown(command, corpora, results, jobs_list, profiles, old), "utf-8")

    per_mb: dict[tuple[str, int], tuple[float, float]] = {}  # (step, jobs) -> (s/MB, fixed s)
    for label, size in sizes:
        c = ensure_corpus(label, size, args.seed, seeds_dir)
        corpora.append(c)
        print(f"{label}: {c.documents} documents, {c.comments} comments, {c.bytes / MB:.1f} MB"
              f"{' (reused)' if c.reused else f' generated in {c.generate_seconds:.0f} s'}",
              flush=True)
        for step in steps:
            for jobs in (jobs_list if step in JOB_STEPS else [1]):
                key = f"{c.label}|{c.fingerprint}|{code_fingerprint()}|{step}|{jobs}|{model}"
                if args.reuse and key in cache and not cache[key].get("error"):
                    m = Measurement(**cache[key])
                    results.append(m)
                else:
                    est = None
                    if (step, jobs) in per_mb:
                        rate, fixed = per_mb[(step, jobs)]
                        est = fixed + rate * c.bytes / MB
                    if args.no_run or (est is not None and est > args.max_minutes * 60):
                        why = "in this session" if args.no_run else (
                            f"(limit {args.max_minutes:.0f} min)")
                        guess = (f"estimated {est / 60:.0f} min from the smaller corpus"
                                 if est is not None else "no estimate")
                        m = Measurement(c.label, step, jobs, skipped=f"not run {why}: {guess}")
                        results.append(m)
                        print(f"  {step:9} jobs {jobs}: {m.skipped}", flush=True)
                        continue
                    wait_for_idle(args.wait_idle, jobs)
                    print(f"  {step:9} jobs {jobs}: running"
                          f"{f' (estimate {est / 60:.1f} min)' if est else ''} ...", end="",
                          flush=True)
                    m = measure(step, c, jobs, model)
                    results.append(m)
                    cache[key] = dataclasses.asdict(m)
                    cache_file.write_text(json.dumps(cache, indent=1))
                    print(" done" if not m.error else f" FAILED: {m.error}", flush=True)
                if m.wall and not m.error:  # the whole run (VADER: with its parsing)
                    per_mb[(step, jobs)] = (m.wall / (c.bytes / MB), 0.0)
                mbs, cps = _rate(m, c)
                print(f"  {step:9} jobs {jobs}: {_f(m.seconds, '{:.1f}')} s, {_f(mbs)} MB/s, "
                      f"{_f(cps, '{:,.0f}')} comments/s, RSS {_f(m.max_rss_mb, '{:.0f}')} MB "
                      f"(all {_f(m.tree_rss_mb, '{:.0f}')} MB), other load "
                      f"{_f(m.others, '{:.0%}')}", flush=True)
        if args.profile and len(corpora) == 1:  # the smallest corpus
            for step in ("parse", "classify"):
                profiles[step] = {**profile(step, c, model, args.wait_idle), "corpus": c.label,
                                  "code": code_version()}
            profiles_file.write_text(json.dumps(profiles, indent=1))
        write()  # after each corpus, so a long run shows what it has
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_scan":
        _scan_worker(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "_vader":
        _vader_worker(sys.argv[2])
    else:
        sys.exit(main())
