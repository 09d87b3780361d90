"""Text parser throughput against a bare line scan, on real-looking pages.

usage (from the repository root)::

    .venv/bin/python benchmarks/parse_text.py [--mb 20] [--shared ../shared]

Builds a temporary corpus of about ``--mb`` MB by copying the seeds and the converter dumps
of ``../shared/realpages/dumps`` (when present) over and over under new names, then times,
each in a fresh process:

* ``scan``: read every file, split it into lines and match the parser's marker regex on
  every left-stripped line (the ceiling for any Python line parser);
* ``parse``: ``discourse parse CORPUS --format jsonl -o /dev/null -q`` (the CLI, JSON
  output included);
* ``parse-only``: :func:`discourse.read.text.parse_text` on every file in one process,
  no output.

Prints MB/s, the ratio to ``scan`` and the peak RSS (``ru_maxrss`` of the child) of each.
The corpus is deleted afterwards; nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
_SCRIPT = Path(PYTHON).with_name("discourse")
DISCOURSE = [str(_SCRIPT)] if _SCRIPT.is_file() else [PYTHON, "-m", "discourse.cli"]

_SCAN = """
import sys, time
from pathlib import Path
from discourse.read.text.lines import _MARKER
match = _MARKER.match
start = time.perf_counter()
n = m = 0
for path in sorted(Path(sys.argv[1]).iterdir()):
    for line in path.read_bytes().decode("utf-8").split("\\n"):
        n += 1
        if match(line.lstrip()):
            m += 1
print(time.perf_counter() - start)
"""

_PARSE_ONLY = """
import sys, time
from pathlib import Path
from discourse.read.text import parse_text
start = time.perf_counter()
failed = 0
for path in sorted(Path(sys.argv[1]).iterdir()):
    try:
        parse_text(path.read_bytes().decode("utf-8"), source=str(path))
    except Exception:  # the "before" code crashed on some dumps; count, go on
        failed += 1
print(time.perf_counter() - start)
print(failed, file=sys.stderr)
"""


def build_corpus(folder: Path, megabytes: float, shared: Path) -> int:
    """Copy seeds (and shared dumps) into ``folder`` until it holds ``megabytes`` MB;
    return the byte count."""
    sources = sorted((ROOT / "seeds").glob("*.txt"))
    dumps = shared / "realpages" / "dumps"
    if dumps.is_dir():
        sources += sorted(dumps.glob("*.txt"))
    texts = [p.read_bytes() for p in sources]
    size = n = 0
    while size < megabytes * 1e6:
        data = texts[n % len(texts)]
        (folder / f"{n:06d}.txt").write_bytes(data)
        size += len(data)
        n += 1
    return size


def _child(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB of the child, its stdout)."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, text=True)
        _, _, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = 0
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="discourse-bench-"))
    try:
        size = build_corpus(folder, args.mb, args.shared)
        rows = {}
        for name, cmd in (
            ("scan", [PYTHON, "-c", _SCAN, str(folder)]),
            ("parse-only", [PYTHON, "-c", _PARSE_ONLY, str(folder)]),
            ("parse", [*DISCOURSE, "parse", str(folder), "--format", "jsonl", "-o", os.devnull,
                       "-q"]),
        ):
            wall, rss, out = _child(cmd)
            inner = float(out.strip()) if name != "parse" and out.strip() else wall
            rows[name] = (inner, rss)
        print(f"corpus: {size / 1e6:.1f} MB in {len(list(folder.iterdir()))} files")
        base = rows["scan"][0]
        result = {}
        for name, (secs, rss) in rows.items():
            mbs = size / 1e6 / secs
            print(f"{name:11s} {secs:7.2f} s  {mbs:7.2f} MB/s  ratio to scan {base / secs:.3f}  "
                  f"peak RSS {rss:.0f} MB")
            result[name] = {"seconds": round(secs, 3), "mb_per_s": round(mbs, 2),
                            "ratio": round(base / secs, 4), "peak_rss_mb": round(rss)}
        print(json.dumps(result))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
