"""The ``discourse`` command: a thin layer over the library.

Exit status: 0 success; 1 some documents failed (the rest were processed) or a target was
missed; 2 unusable input or usage error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from discourse import __version__
from discourse.errors import DiscourseError, UsageError
from discourse.model import Thread
from discourse.pipeline import Failure, RunSummary, run
from discourse.read.source import DEFAULT_MAX_BYTES

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def terminal_safe(text: object) -> str:
    """``text`` without terminal control characters (ESC sequences, C0/C1 controls except
    newline and tab, bidi overrides), so document strings printed to a terminal cannot
    move the cursor, retitle the window or hide text.  See
    :func:`discourse.write.strip_controls`."""
    from discourse.write.tree import strip_controls

    return strip_controls(str(text))


class Console:
    """Messages on standard error, filtered by verbosity (-q / -v); control characters
    from documents are removed (:func:`terminal_safe`)."""

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity

    def info(self, message: str) -> None:
        if self.verbosity >= 1:
            print(terminal_safe(message), file=sys.stderr)

    def detail(self, message: str) -> None:
        if self.verbosity >= 2:
            print(terminal_safe(message), file=sys.stderr)

    def warn(self, message: str) -> None:
        if self.verbosity >= 1:
            print(f"warning: {terminal_safe(message)}", file=sys.stderr)

    def error(self, message: str) -> None:
        print(f"error: {terminal_safe(message)}", file=sys.stderr)


# -- shared options ---------------------------------------------------------------------
def _common(p: argparse.ArgumentParser, formats: tuple[str, ...] | None = None,
            default_format: str | None = None) -> None:
    if formats:
        p.add_argument("--format", choices=formats, default=default_format,
                       help=f"output format (default: {default_format})")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output; a folder for --format convokit)")
    _run_options(p)


def _run_options(p: argparse.ArgumentParser) -> None:
    """Options of the commands that process documents: reading, parallelism, engine."""
    from discourse.read import reader_names

    p.add_argument("-f", "--from", dest="input_format", choices=reader_names(),
                   metavar="FORMAT", help="read every document with this reader instead of "
                   f"detecting it from the content ({', '.join(reader_names())})")
    p.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                   help="refuse documents larger than this after decompression, e.g. 50MB, "
                        "1GiB (default 64MiB; NDJSON dumps stream and are not limited)")
    p.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                   help="documents processed in parallel (0 = one per CPU; default 1)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="run documents locally (default) or on a dask.distributed cluster "
                        "(needs the dask extra)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: start a "
                        "local cluster of --jobs workers)")
    _verbosity(p)


def _jobs(text: str) -> int:
    """``--jobs`` value (argparse type: a bad value is a usage error, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (all CPUs) or a positive number, not {value}")
    return value


def _size(text: str) -> int:
    """'50MB', '1GiB', '1000' -> bytes (argparse type)."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*", text, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 50MB, 1GiB)")
    power = "kmgt".find(m.group(2).lower()) + 1 if m.group(2) else 0
    base = 1024 if m.group(3) or not m.group(2) else 1000
    value = int(float(m.group(1)) * base**power)
    if value <= 0:
        raise argparse.ArgumentTypeError("the size must be positive")
    return value


def _verbosity(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("-q", "--quiet", action="store_true", help="no progress bar or warnings")
    g.add_argument("-v", "--verbose", action="store_true", help="more detail on standard error")


def _console(args: argparse.Namespace) -> Console:
    return Console(0 if getattr(args, "quiet", False) else 2 if getattr(args, "verbose", False)
                   else 1)


@dataclass(slots=True)
class Done:
    """A processed thread as the main process needs it: its source and warnings, the
    reading evidence (``--explain``; first thread of a document only), and ``payload``
    (the encoded thread, metrics row or rendered page) made in the worker."""

    source: str | None
    warnings: list[str]
    payload: Any
    explain: list[str]


@dataclass(frozen=True, slots=True)
class Reading:
    """How documents are read (picklable, for ``--jobs`` and Dask)."""

    fmt: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    explaining: bool = False


def _done(path: Path, reading: Reading, work: Callable[[Thread], Thread],
          finish: Callable[[Thread], Any]) -> Iterator[Done]:
    """Read the threads of the document at ``path``, run ``work`` (e.g. classify) and
    ``finish`` (encode) on each, in the same process: the unit of work of ``--jobs`` and
    Dask, picklable through :func:`functools.partial`."""
    from discourse.read import read_document
    from discourse.read.source import Document

    doc = Document.at(path, reading.max_bytes)
    doc.explaining = reading.explaining
    shown = 0
    for thread in read_document(doc, reading.fmt):
        thread = work(thread)
        explain = doc.explain[shown:] if reading.explaining else []
        yield Done(thread.source, thread.warnings, finish(thread), explain)
        shown = len(doc.explain)
    if reading.explaining and shown < len(doc.explain):
        yield Done(doc.source, [], None, doc.explain[shown:])


def _same(thread: Thread) -> Thread:
    return thread


def _reading(args: argparse.Namespace) -> Reading:
    return Reading(getattr(args, "input_format", None),
                   getattr(args, "max_bytes", None) or DEFAULT_MAX_BYTES,
                   bool(getattr(args, "explain", False)))


def _processed(args: argparse.Namespace, console: Console, summary: RunSummary,
               work: Callable[[Thread], Thread] = _same, finish: Callable[[Thread], Any] = _same,
               description: str = "parsing") -> Iterator[Any]:
    """``finish(work(thread))`` for every thread of every document, in input order, with
    warnings and failures reported on the console.  Reading, ``work`` and ``finish`` run
    where the document is processed (a worker with ``--jobs``/Dask), so the main process
    only writes."""
    def failed(f: Failure) -> None:
        console.error(f.message)

    unit = partial(_done, reading=_reading(args), work=work, finish=finish)
    for done in run(args.paths, unit, jobs=args.jobs, progress=console.verbosity >= 1,
                    description=description, summary=summary, on_failure=failed,
                    engine=args.engine, scheduler=args.scheduler):
        for line in done.explain:
            print(terminal_safe(f"{done.source}: {line}"))
        for w in done.warnings:
            console.warn(f"{done.source}: {w}")
        if done.payload is not None:
            yield done.payload


def _finish(summary: RunSummary, console: Console, what: str = "documents") -> int:
    if summary.failed:
        if summary.done:
            console.error(f"{summary.failed} of {summary.done + summary.failed} {what} failed "
                          f"(see messages above); the rest were processed")
        return EXIT_INPUT if summary.done == 0 else EXIT_PARTIAL
    console.detail(f"{summary.done} {what} processed")
    return EXIT_OK


# -- commands ---------------------------------------------------------------------------
def cmd_parse(args: argparse.Namespace) -> int:
    return _write_threads(args, _same, "parsing")


def _write_threads(args: argparse.Namespace, work: Callable[[Thread], Thread],
                   description: str) -> int:
    """Parse or classify (``work``) and write the threads: ``--tree``, ``--explain`` or
    the ``--format`` output."""
    from discourse.write import encode_thread, find_writer, format_tree, write_encoded

    console = _console(args)
    summary: RunSummary = RunSummary()
    if getattr(args, "explain", False) or args.tree:
        finish = format_tree if args.tree else _nothing
        for text in _processed(args, console, summary, work, finish, description):
            print(text)
            print()
    else:
        writer = find_writer(args.format)
        finish = partial(encode_thread, fmt=args.format)
        write_encoded(_processed(args, console, summary, work, finish, description),
                      args.format, args.output)
        wrote = getattr(writer, "WROTE", None)
        if wrote:
            console.detail(wrote.format(out=Path(args.output)))
    return _finish(summary, console)


def _nothing(thread: Thread) -> None:
    return None


# -- classification ---------------------------------------------------------------------
MODEL_HELP = ("fast (the bundled linear model, default), accurate (linear + transformer "
              "ensemble; needs the accurate extra), or a model file")
_MODELS: dict[str | None, object] = {}


def _model(spec: str | None):
    """The classifier (``fast``, ``accurate`` or a model file), loaded once per process."""
    from discourse.classify import load_model

    if spec not in _MODELS:
        _MODELS[spec] = load_model(spec)
    return _MODELS[spec]


def classify_thread(thread: Thread, model: str | None = None) -> Thread:
    """Classify one thread with the model loaded once per process (a picklable unit of
    work for ``--jobs``)."""
    from discourse.classify import annotate

    return annotate(_model(model), thread)


def _classifier(args: argparse.Namespace) -> Callable[[Thread], Thread]:
    """The classify-one-thread work, after loading the model here (fail early, once,
    on a bad model file; forked workers inherit it)."""
    _model(args.model)
    return partial(classify_thread, model=args.model)


def cmd_classify(args: argparse.Namespace) -> int:
    return _write_threads(args, _classifier(args), "classifying")


def cmd_analyze(args: argparse.Namespace) -> int:
    from discourse.analyze import COLUMNS, thread_metrics
    from discourse.write import write_rows

    console = _console(args)
    summary: RunSummary = RunSummary()
    rows = _processed(args, console, summary, _classifier(args), thread_metrics, "analyzing")
    write_rows(rows, args.format, args.output, COLUMNS)
    return _finish(summary, console)


#: ``--site-from`` default of both ``report`` and ``compare``.
SITE_DEFAULT = "auto"


def _site_rule(rule: str):
    """``--site-from`` value -> site function (an argparse type: a bad pattern is a usage
    error).  ``auto``: the page's own site, else the folder (:func:`default_site`)."""
    from discourse.report import default_site, site_from_folder, site_from_layout, site_from_regex

    if rule == "auto":
        return default_site
    if rule == "layout":
        return site_from_layout
    if rule == "folder":
        return site_from_folder
    try:
        return site_from_regex(rule)
    except Exception as exc:  # re.error
        raise argparse.ArgumentTypeError(
            f"not auto/folder/layout or a valid pattern ({exc})") from None


def _missing_paths(paths: list[str]) -> None:
    """Refuse PATHs that do not exist before anything is written (exit 2)."""
    from discourse.errors import InputError

    for path in paths:
        if not Path(path).exists() and not Path(path).is_symlink():
            raise InputError(path, "no such file or folder")


def cmd_report(args: argparse.Namespace) -> int:
    """``report``: thread pages, index and comparison page.  ``compare``: only
    ``compare.html`` (and plotly.js), with the site table printed — the same numbers."""
    from discourse.report import render_thread, renderer_for, summary_row, write_rendered
    from discourse.report.render import format_site_table

    console = _console(args)
    summary: RunSummary = RunSummary()
    if not args.paths:
        args.paths = ["seeds"]
        if not Path("seeds").is_dir():
            raise DiscourseError("no PATH given and no seeds/ folder here; give files or folders")
    _missing_paths(args.paths)
    work = _classifier(args)
    site_of = args.site_from if callable(args.site_from) else _site_rule(args.site_from)
    compare = args.command == "compare"
    if compare:
        render = partial(summary_row, site_of=site_of)
    else:
        render = partial(render_thread, plotlyjs=args.plotlyjs, site_of=site_of)
        renderer_for(args.plotlyjs)  # loaded once here, before workers fork
    pages = _processed(args, console, summary, work, render, "reporting")
    report = write_rendered(pages, args.output, plotlyjs=args.plotlyjs, force=args.force,
                            compare_only=compare)
    if compare:
        if report.rows:
            print(format_site_table(report.rows))
        console.info(f"wrote {report.compare}"
                     + (f" and {report.plotlyjs}" if report.plotlyjs else ""))
    else:
        console.info(f"wrote {len(report.pages)} thread pages, {report.index} and "
                     f"{report.compare}")
    return _finish(summary, console)


def _pair_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--parent-col", default="parent", help="column with the parent text")
    p.add_argument("--reply-col", default="reply", help="column with the reply text")
    p.add_argument("--label-col", default="label", help="column with the label")
    p.add_argument("--article-col", default=None, help="column with the article text")
    p.add_argument("--map", dest="mapping", metavar="SPEC",
                   help="label mapping, e.g. 0=rebuttal,2=agreement")


def _load_files(args: argparse.Namespace) -> list:
    from discourse.classify.labelled import load_pairs_file, parse_mapping

    mapping = parse_mapping(args.mapping) if args.mapping else None
    return [load_pairs_file(path, args.parent_col, args.reply_col, args.label_col, mapping,
                            args.article_col) for path in args.data]


def _lab(what: str):
    """The research package (``discourse.lab``), which runs from a clone of the
    repository; a one-line :class:`UsageError` when it is not installed."""
    try:
        import discourse.lab as lab
    except ImportError:
        raise UsageError(f"{what} needs the research code in discourse/lab, which is not "
                         "installed with the package: run it from a clone of the "
                         "repository") from None
    return lab


def _roots(args: argparse.Namespace):
    """The research data folders: ``--shared``, ``--threads``, ``--seeds`` or the clone's
    layout (see :meth:`discourse.lab.Roots.find`)."""
    return _lab("the research data").Roots.find(args.shared, args.threads, args.seeds)


def cmd_train(args: argparse.Namespace) -> int:
    import pandas as pd

    from discourse.classify.fit import train

    console = _console(args)
    frames = _load_files(args) if args.data else []
    if not args.data or args.with_default:
        _lab("training on the default data")
        from discourse.lab.train import default_training_pairs

        roots = _roots(args)
        frames.append(default_training_pairs(roots.seeds, progress=console.info,
                                             data_root=roots.data,
                                             threads_root=roots.threads,
                                             realpages_root=roots.realpages))
    pairs = pd.concat(frames, ignore_index=True)
    command = "discourse train " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["train"] else ""
    model = train(pairs, command=command, progress=console.info)
    path = model.save(args.output)
    console.info(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(pairs)} pairs)")
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    _lab("the evaluation")
    from discourse.lab.evaluate import run_evaluation, write_evaluation

    console = _console(args)
    files = _load_files(args) if args.data else None
    roots = _roots(args)
    ev = run_evaluation(model_path=args.model, files=files,
                        file_names=[Path(p).name for p in args.data] if args.data else None,
                        seeds_dir=roots.seeds, public_data=not args.seeds_only,
                        max_train=args.max_train, progress=console.info,
                        data_root=roots.data, threads_root=roots.threads,
                        realpages_root=roots.realpages)
    print(ev.table())
    for note in ev.notes:
        print(f"note: {note}")
    json_path, html_path = write_evaluation(ev, args.output)
    console.info(f"wrote {json_path} and {html_path}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from discourse.write import row_writer_names, writer_names

    parser = argparse.ArgumentParser(
        prog="discourse",
        description="Rebuild reply trees from saved comment sections, classify replies "
                    "(agreement, rebuttal, moderation, off-topic) and report how debates unfold.")
    parser.add_argument("--version", action="version", version=f"discourse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    parser.set_defaults(subcommands=sub.choices)

    p = sub.add_parser("parse", help="parse documents into threads (article + reply tree)",
                       description="Parse documents into threads. PATH is a file or a folder "
                                   "(its .txt .md .html .json .jsonl .ndjson .xml files, "
                                   "optionally .gz/.zst, and ConvoKit corpus folders, "
                                   "recursively); the reader is detected from the content.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _common(p, writer_names(), "json")
    p.add_argument("--tree", action="store_true", help="print each reply tree for a human")
    p.add_argument("--explain", action="store_true",
                   help="print which reader took each file and its evidence (the text parser's "
                        "list-block scores, the comment system an HTML page uses, …)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("classify", help="parse and label every reply",
                       description="Parse documents and label every comment relative to what "
                                   "it answers: agreement, rebuttal, moderation, off-topic.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _common(p, writer_names(), "json")
    p.add_argument("--model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("--tree", action="store_true", help="print each labelled tree for a human")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("analyze", help="debate metrics, one row per thread")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _common(p, row_writer_names(), "csv")
    p.add_argument("--model", metavar="MODEL", help=MODEL_HELP)
    p.set_defaults(func=cmd_analyze)

    for name, help_text, default_site in (
            ("report", "HTML report: a page per article, index and comparison", SITE_DEFAULT),
            ("compare", "compare threads across sites: writes compare.html (and plotly.min.js) "
                        "into DIR and prints its site table", SITE_DEFAULT)):
        p = sub.add_parser(name, help=help_text, description=help_text + ".")
        p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: seeds)")
        p.add_argument("-o", "--output", default="reports", metavar="DIR",
                       help="output folder (default: reports)")
        p.add_argument("--model", metavar="MODEL", help=MODEL_HELP)
        p.add_argument("--plotlyjs", choices=("directory", "inline", "cdn"), default="directory",
                       help="plotly.js written once beside the pages (default), inlined into "
                            "every page, or loaded from the CDN (needs network)")
        p.add_argument("--site-from", default=default_site, type=_site_rule, metavar="RULE",
                       help="site of a thread: auto (the site the page names, else the "
                            "folder holding the file), folder, layout, or a regex whose first "
                            f"group is taken from the source path (default: {default_site})")
        p.add_argument("--force", action="store_true",
                       help="overwrite files in DIR that the report did not write")
        _run_options(p)
        p.set_defaults(func=cmd_report)

    p = sub.add_parser("train", help="train a model on labelled pairs",
                       description="Train a classifier. Without DATA: the seeds' labels plus "
                                   "the public data (../shared/data or $DISCOURSE_DATA).")
    p.add_argument("data", nargs="*", metavar="DATA",
                   help="labelled pair files (csv/tsv/jsonl/parquet)")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="model file to write")
    p.add_argument("--with-default", action="store_true",
                   help="add the default training data to DATA")
    p.add_argument("--seeds", default=None, help="seeds folder with labels.csv (default: seeds)")
    p.add_argument("--shared", default=None, metavar="DIR",
                   help="the shared folder with data/ and realpages/ (default: "
                        "$DISCOURSE_SHARED, else ../shared; 'none' for no shared data)")
    p.add_argument("--threads", default=None, metavar="DIR",
                   help="the labelled real threads' files (default: $DISCOURSE_THREADS, else "
                        "tests/fixtures/realthreads)")
    _pair_args(p)
    _verbosity(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="per-class scores against baselines",
                       description="Evaluate against baselines. Without DATA: seeds thread-CV, "
                                   "each public set's held-out split and cross-dataset. With "
                                   "DATA: the model on the user's labelled pairs.")
    p.add_argument("data", nargs="*", metavar="DATA")
    p.add_argument("--model", metavar="MODEL", help="model for DATA: " + MODEL_HELP)
    p.add_argument("-o", "--output", default="reports", metavar="DIR",
                   help="folder for evaluation.json and evaluation.html (default: reports)")
    p.add_argument("--seeds", default=None, help="seeds folder with labels.csv (default: seeds)")
    p.add_argument("--shared", default=None, metavar="DIR",
                   help="the shared folder with data/ and realpages/ (default: "
                        "$DISCOURSE_SHARED, else ../shared; 'none' for no shared data)")
    p.add_argument("--threads", default=None, metavar="DIR",
                   help="the labelled real threads' files (default: $DISCOURSE_THREADS, else "
                        "tests/fixtures/realthreads)")
    p.add_argument("--seeds-only", action="store_true", help="skip the public data")
    p.add_argument("--max-train", type=int, default=None, metavar="N",
                   help="subsample training sets to N pairs (quick runs)")
    _pair_args(p)
    _verbosity(p)
    p.set_defaults(func=cmd_evaluate)
    return parser


#: Native thread pools: discourse parallelises by documents (``--jobs``), and OpenBLAS/
#: OpenMP threads in forked workers made them wait on each other (classify, 2 jobs: 2.6 s
#: of CPU in 4.6 s of wall time per worker).  Set before numpy loads; the user's own
#: settings win.
NATIVE_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``discourse`` console script."""
    import os

    for name in NATIVE_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # the subcommand's own usage, not the top-level one (exit status 2)
        args.subcommands[args.command].error(
            f"unrecognized arguments: {terminal_safe(' '.join(extra))}")
    from discourse import signals

    try:
        with signals.handling():  # SIGTERM unwinds like Ctrl-C (discourse/signals.py)
            return args.func(args)
    except DiscourseError as exc:
        print(f"error: {terminal_safe(exc)}", file=sys.stderr)
        return exc.exit_code
    except (KeyboardInterrupt, signals.Terminated) as exc:
        what = "terminated" if isinstance(exc, signals.Terminated) else "interrupted"
        print(signals.interrupted_message(args.command, getattr(args, "output", None), what),
              file=sys.stderr)
        return signals.EXIT_TERMINATED if what == "terminated" else EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
