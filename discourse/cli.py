"""The ``discourse`` command: a thin layer over the library.

Exit status: 0 success; 1 some documents failed (the rest were processed) or a target was
missed; 2 unusable input or usage error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from discourse import __version__
from discourse.errors import DataError, DiscourseError, UsageError, one_line
from discourse.model import Thread
from discourse.numbers import count_of
from discourse.pipeline import Failure, RunSummary, run
from discourse.read.source import DEFAULT_MAX_BYTES, DEFAULT_MAX_WINDOW

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def terminal_safe(text: object) -> str:
    """``text`` without terminal control characters (ESC sequences, C0/C1 controls except
    newline and tab, bidi overrides), so document strings printed to a terminal cannot
    move the cursor, retitle the window or hide text.  See
    :func:`discourse.write.strip_controls`."""
    from discourse.write.tree import strip_controls

    return strip_controls(str(text))


class Console:
    """Messages on standard error, filtered by verbosity (-q / -v).  Every message is one
    line: control characters, newlines included, from file names and documents are
    shown as escapes (:func:`discourse.errors.one_line`), so a name cannot forge a line
    of its own or move the cursor."""

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity

    def info(self, message: str) -> None:
        if self.verbosity >= 1:
            print(one_line(message), file=sys.stderr)

    def detail(self, message: str) -> None:
        if self.verbosity >= 2:
            print(one_line(message), file=sys.stderr)

    def warn(self, message: str) -> None:
        if self.verbosity >= 1:
            print(f"warning: {one_line(message)}", file=sys.stderr)

    def error(self, message: str) -> None:
        print(f"error: {one_line(message)}", file=sys.stderr)


# -- shared options ---------------------------------------------------------------------
def _common(p: argparse.ArgumentParser, formats: tuple[str, ...] | None = None,
            default_format: str | None = None) -> None:
    if formats:
        p.add_argument("--format", choices=formats, default=default_format,
                       help=f"output format (default: {default_format})")
    folder = "; a folder for --format convokit" if formats and "convokit" in formats else ""
    p.add_argument("-o", "--output", metavar="OUT",
                   help=f"output file (default: standard output{folder})")
    _run_options(p)


class _Names(Sequence[str]):
    """Option choices listed only when asked for (a value to check, a help page): listing
    the readers or the writers imports every one of them, which ``discourse --help`` and
    the commands that do not read or write documents need not pay for."""

    def __init__(self, names: Callable[[], tuple[str, ...]]) -> None:
        self._names = names

    def __getitem__(self, index):  # type: ignore[override]
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, value: object) -> bool:
        return value in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())


def _run_options(p: argparse.ArgumentParser) -> None:
    """Options of the commands that process documents: reading, parallelism, engine."""
    from discourse.read import reader_names

    p.add_argument("-f", "--from", dest="input_format", choices=_Names(reader_names),
                   metavar="FORMAT", help="read every document with this reader instead of "
                   "detecting it from the content (%(choices)s)")
    p.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                   help="refuse documents (and fetched pages) larger than this after "
                        "decompression, e.g. 50MB, 1GiB (default 64MiB; NDJSON dumps "
                        "stream and are not limited)")
    p.add_argument("--max-window", type=_size, default=DEFAULT_MAX_WINDOW, metavar="SIZE",
                   help="refuse zstd frames that need a larger window (the memory their "
                        "decompression holds), e.g. 128MiB (default and most: 2GiB, what "
                        "Pushshift dumps made with zstd --long=31 need)")
    g = p.add_argument_group(
        "inputs", "PATH may also be an http(s):// address. Folders contribute their "
                  "documents except README, LICENSE and the like (see --include).")
    g.add_argument("-u", "--url", dest="urls", action="append", default=[], metavar="URL",
                   help="read the thread at URL (repeatable; needs the web extra)")
    g.add_argument("-i", "--input-file", dest="input_files", action="append", default=[],
                   metavar="FILE", help="read the URLs and paths listed in FILE, one a line "
                                        "(# starts a comment)")
    g.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="longest wait for a web server (default 30)")
    g.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help="in folders, read only files matching GLOB (repeatable; matches the "
                        "name, or the path below the folder when it holds a /; takes "
                        "README and the like too when it names them)")
    g.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="in folders, leave out files and subfolders matching GLOB "
                        "(repeatable)")
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
    #: Seconds to wait for a web server (``--timeout``; None: the default).
    timeout: float | None = None
    #: Largest window a zstd frame may need (``--max-window``).
    max_window: int = DEFAULT_MAX_WINDOW


def _done(path: Path | str, reading: Reading, work: Callable[[Thread], Thread],
          finish: Callable[[Thread], Any]) -> Iterator[Done]:
    """Read the threads of the document at ``path`` (a file, folder or URL), run
    ``work`` (e.g. classify) and ``finish`` (encode) on each, in the same process: the
    unit of work of ``--jobs`` and Dask, picklable through :func:`functools.partial`."""
    from discourse.read import open_document, read_document

    doc = open_document(path, reading.max_bytes, reading.timeout, reading.max_window)
    doc.explaining = reading.explaining
    shown = 0
    count = 0
    for thread in read_document(doc, reading.fmt):
        thread = work(thread)
        explain = doc.explain[shown:] if reading.explaining else []
        count += 1
        yield Done(thread.source, thread.warnings, finish(thread), explain)
        shown = len(doc.explain)
    # a document without threads says why (doc.warnings), never a silent zero; one with
    # threads, what was found after the last of them (a truncated stream, bad records)
    late = doc.warnings if count == 0 else doc.notes[doc.notes_shown:]
    if count == 0 or late or reading.explaining and shown < len(doc.explain):
        yield Done(doc.source, late, None,
                   doc.explain[shown:] if reading.explaining else [])


def _same(thread: Thread) -> Thread:
    return thread


def _reading(args: argparse.Namespace) -> Reading:
    return Reading(getattr(args, "input_format", None),
                   getattr(args, "max_bytes", None) or DEFAULT_MAX_BYTES,
                   bool(getattr(args, "explain", False)), getattr(args, "timeout", None),
                   getattr(args, "max_window", None) or DEFAULT_MAX_WINDOW)


def _selection(args: argparse.Namespace):
    """``--include``/``--exclude`` as a :class:`~discourse.read.source.Selection`."""
    from discourse.read.source import Selection

    return Selection(tuple(getattr(args, "include", None) or ()),
                     tuple(getattr(args, "exclude", None) or ()))


def _gather_inputs(args: argparse.Namespace) -> None:
    """``args.paths`` followed by ``-u`` URLs and the lines of ``-i`` files (blank lines
    and ``#`` comments skipped), in that order."""
    from discourse.errors import InputError

    paths = list(getattr(args, "paths", None) or [])
    paths += list(getattr(args, "urls", None) or [])
    for name in getattr(args, "input_files", None) or []:
        try:
            with open(name, encoding="utf-8-sig") as handle:
                lines = handle.read().splitlines()
        except OSError as exc:
            raise InputError(name, f"cannot read the input list ({exc.strerror or exc})") \
                from None
        except UnicodeDecodeError:
            raise InputError(name, "the input list is not UTF-8 text") from None
        listed = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        if not listed:
            raise InputError(name, "the input list names no URL or path")
        paths += listed
    args.paths = paths


def _processed(args: argparse.Namespace, console: Console, summary: RunSummary,
               work: Callable[[Thread], Thread] = _same, finish: Callable[[Thread], Any] = _same,
               description: str = "parsing") -> Iterator[Any]:
    """``finish(work(thread))`` for every thread of every document, in input order, with
    warnings and failures reported on the console.  Reading, ``work`` and ``finish`` run
    where the document is processed (a worker with ``--jobs``/Dask), so the main process
    only writes."""
    def failed(f: Failure) -> None:
        if getattr(args, "model", None) == "llm":  # the endpoint failed: stop, on one line
            from discourse.classify.llm import LLMError, is_endpoint_error

            if is_endpoint_error(f.message):
                raise LLMError(f.message)
        console.error(f.message)

    unit = partial(_done, reading=_reading(args), work=work, finish=finish)
    for done in run(args.paths, unit, jobs=args.jobs, progress=console.verbosity >= 1,
                    description=description, summary=summary, on_failure=failed,
                    engine=args.engine, scheduler=args.scheduler, select=_selection(args)):
        for line in done.explain:
            print(f"{one_line(done.source)}: {terminal_safe(line)}")
        for w in done.warnings:
            console.warn(f"{done.source}: {w}")
        if done.payload is not None:
            yield done.payload


def _finish(summary: RunSummary, console: Console, what: str = "document") -> int:
    if summary.failed:
        if summary.done:
            console.error(f"{summary.failed} of {count_of(summary.done + summary.failed, what)} "
                          f"failed (see messages above); the rest were processed")
        return EXIT_INPUT if summary.done == 0 else EXIT_PARTIAL
    console.detail(f"{count_of(summary.done, what)} processed")
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
                      args.format, args.output, keep_if_none=_all_failed(summary, args))
        wrote = getattr(writer, "WROTE", None)
        if wrote and summary.done:
            console.detail(wrote.format(out=Path(args.output)))
    return _finish(summary, console)


def _all_failed(summary: RunSummary, args: argparse.Namespace) -> Callable[[], bool]:
    """Whether every document failed and the output is a file (asked once there is
    nothing to write): then it is not written, and a file an earlier run wrote at ``-o`` is
    kept as it was.  Standard output still gets valid empty output (``[]``)."""
    def check() -> bool:
        if args.output in (None, "-") or summary.done or not summary.failed:
            return False
        if Path(args.output).exists():
            _console(args).info(f"{args.output}: left as it was (every document failed)")
        return True

    return check


def _nothing(thread: Thread) -> None:
    return None


# -- classification ---------------------------------------------------------------------
MODEL_HELP = ("fast (the bundled multilingual stance model with the linear model, default; "
              "'accurate' is an alias kept for old scripts), llm (your OpenAI-compatible "
              "language model server: --endpoint URL; needs the llm extra), or a model file "
              "(.json ensemble, .npz stance model, .skops linear model)")
_MODELS: dict[str | None, object] = {}


def _model(spec):
    """The classifier (``fast``, ``accurate``, a model file or an ``LLMConfig``), loaded
    once per process."""
    from discourse.classify import load_model

    if spec not in _MODELS:
        _MODELS[spec] = load_model(spec)
    return _MODELS[spec]


def classify_thread(thread: Thread, model=None) -> Thread:
    """Classify one thread with the model loaded once per process (a picklable unit of
    work for ``--jobs``)."""
    from discourse.classify import annotate

    return annotate(_model(model), thread)


def _classifier(args: argparse.Namespace) -> Callable[[Thread], Thread]:
    """The classify-one-thread work, after loading the model here (fail early, once,
    on a bad model file; forked workers inherit it)."""
    spec = _model_spec(args)
    model = _model(spec)
    if args.model == "llm":
        model.warn = _console(args).warn
        _llm_plan(args, model)
    elif args.jobs != 1 and args.engine == "local":
        prepare = getattr(model, "prepare", None)
        if prepare is not None:  # the sentence encoder, loaded once for every worker
            prepare()
    return partial(classify_thread, model=spec)


def _llm_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "language model (--model llm)",
        "Label with your own OpenAI-compatible server (llama.cpp llama-server, Ollama, vLLM, "
        "a hosted API). Answers are cached by content; the pairs, uncached pairs, tokens and "
        "an estimated time are printed before the run.")
    g.add_argument("--endpoint", metavar="URL",
                   help="the server's base URL, e.g. http://localhost:8080/v1 (llama.cpp), "
                        "http://localhost:11434/v1 (Ollama), http://localhost:8000/v1 (vLLM)")
    g.add_argument("--llm-model", metavar="NAME",
                   help="the served model's name (default: the only one the server lists)")
    g.add_argument("--api-key-env", metavar="VAR",
                   help="environment variable holding an API key (sent as a bearer token)")
    g.add_argument("--llm-cache", metavar="DIR",
                   help="answer cache (default: $XDG_CACHE_HOME/discourse/llm, else "
                        "~/.cache/discourse/llm)")
    g.add_argument("--llm-batch", type=int, default=None, metavar="N",
                   help="comments per request (default 4)")
    g.add_argument("--llm-parallel", type=int, default=None, metavar="N",
                   help="requests at a time per process (default 2)")
    g.add_argument("--llm-timeout", type=float, default=None, metavar="SECONDS",
                   help="longest wait for an answer (default 120)")


def _model_spec(args: argparse.Namespace):
    """``--model``, or the ``LLMConfig`` of ``--model llm`` and its options."""
    llm_given = [f"--{name.replace('_', '-')}" for name in
                 ("endpoint", "llm_model", "api_key_env", "llm_cache", "llm_batch",
                  "llm_parallel", "llm_timeout") if getattr(args, name, None) is not None]
    if getattr(args, "model", None) != "llm":
        if llm_given:
            raise UsageError(f"{llm_given[0]} is an option of --model llm")
        return getattr(args, "model", None)
    if not args.endpoint:
        raise UsageError("--model llm needs --endpoint URL (an OpenAI-compatible server, e.g. "
                         "http://localhost:8080/v1)")
    from discourse.classify.llm import DEFAULT_BATCH, DEFAULT_PARALLEL, DEFAULT_TIMEOUT, LLMConfig

    def given(value, default):
        return default if value is None else value

    return LLMConfig(args.endpoint, args.llm_model, args.api_key_env, args.llm_cache,
                     given(args.llm_batch, DEFAULT_BATCH),
                     given(args.llm_parallel, DEFAULT_PARALLEL),
                     given(args.llm_timeout, DEFAULT_TIMEOUT))


def _llm_plan(args: argparse.Namespace, model) -> None:
    """``--model llm``: read the documents once to count the pairs and cached answers,
    time a first request, and print the estimate (no confirmation asked)."""
    from discourse.classify.llm import thread_items

    console = _console(args)
    model.resolve()
    unit = partial(_done, reading=Reading(args.input_format, args.max_bytes, False,
                                          getattr(args, "timeout", None)),
                   work=_same, finish=partial(thread_items, config=model.config))
    units = (done.payload for done in run(
        args.paths, unit, jobs=args.jobs, progress=console.verbosity >= 1,
        description="counting", engine=args.engine, scheduler=args.scheduler,
        select=_selection(args))
        if done.payload is not None)
    console.info(model.plan(units).line())


def cmd_classify(args: argparse.Namespace) -> int:
    if not (getattr(args, "explain", False) or args.tree):
        from discourse.write import _checked

        _checked(args.format, args.output)  # a bad -o: one line before the model loads
    return _write_threads(args, _classifier(args), "classifying")


def cmd_export_tasks(args: argparse.Namespace) -> int:
    """``export-tasks``: classify the documents and write annotation tasks for Label
    Studio or doccano, least certain first (:mod:`discourse.write.tasks`)."""
    from discourse.write.tasks import task_records, write_tasks

    console = _console(args)
    summary: RunSummary = RunSummary()
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be a positive number of tasks")
    work = _classifier(args)
    records = (record for batch in _processed(args, console, summary, work, task_records,
                                              "classifying")
               for record in batch)
    version = f"discourse {args.model or 'fast'}"
    written = write_tasks(records, args.tool, args.output, model_version=version,
                          limit=args.limit)
    console.info(f"wrote {count_of(written.tasks, 'task')} to {args.output}, least certain "
                 f"first" + (f", and the labeling configuration they need to {written.config}"
                             if written.config else ""))
    return _finish(summary, console)


def cmd_import_labels(args: argparse.Namespace) -> int:
    """``import-labels``: the labels given to exported tasks, as a CSV that ``train`` and
    ``evaluate`` read."""
    from discourse.write.tasks import import_labels

    console = _console(args)
    imported = import_labels(args.annotations, args.output)
    left = [count_of(n, what) for n, what in ((imported.unlabelled, "task without a label"),
                                               (imported.conflicting,
                                                "comment with conflicting labels")) if n]
    console.info(f"wrote {count_of(len(imported.rows), 'labelled comment')} to {args.output}"
                 + (f" (left out: {', '.join(left)})" if left else ""))
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from discourse.analyze import COLUMNS, thread_metrics
    from discourse.write import _checked, write_rows

    _checked(args.format, args.output)  # a bad -o: one line before the model loads
    console = _console(args)
    summary: RunSummary = RunSummary()
    rows = _processed(args, console, summary, _classifier(args), thread_metrics, "analyzing")
    write_rows(rows, args.format, args.output, COLUMNS,
               keep_if_none=_all_failed(summary, args))
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
    from discourse.read.source import is_url

    for path in paths:
        if not is_url(path) and not Path(path).exists() and not Path(path).is_symlink():
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
            from discourse.errors import InputError

            raise InputError(None, "no PATH given and no seeds/ folder here; give files, "
                                   "folders or URLs")
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
        console.info(f"wrote {count_of(len(report.pages), 'thread page')}, {report.index} and "
                     f"{report.compare}")
    if report.removed:
        console.info(f"removed {count_of(len(report.removed), 'file')} the last run wrote into "
                     f"{args.output} and this one did not: "
                     f"{', '.join(p.name for p in report.removed[:5])}"
                     + (", …" if len(report.removed) > 5 else ""))
    return _finish(summary, console)


def _pair_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--parent-col", default="parent", help="column with the parent text")
    p.add_argument("--reply-col", default="reply", help="column with the reply text")
    p.add_argument("--label-col", default="label", help="column with the label")
    p.add_argument("--article-col", default=None, help="column with the article text")
    p.add_argument("--map", dest="mapping", metavar="SPEC",
                   help="label mapping, e.g. 0=rebuttal,2=agreement")


def _load_files(args: argparse.Namespace) -> list:
    """``(labelled pairs, all_labels)`` of each DATA file: a pairs table, discourse's own
    ``classify`` output with corrected labels, or ``import-labels`` output
    (:func:`discourse.write.corrections.load_labelled`)."""
    from discourse.classify.labelled import parse_mapping
    from discourse.write.corrections import load_labelled

    mapping = parse_mapping(args.mapping) if args.mapping else None
    return [load_labelled(path, args.parent_col, args.reply_col, args.label_col, mapping,
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
    """``discourse train``: DATA alone trains a linear model (``.skops``); DATA with
    ``--extend`` refits the shipped model's stance member with DATA as new evidence and the
    shipped weights as the prior (an ensemble sidecar ``.json``, no research code needed);
    no DATA retrains the shipped model from the labelled real threads (a clone)."""
    import pandas as pd

    from discourse.atomic import check_writable

    console = _console(args)
    extend = args.extend or args.with_default
    ensemble = extend or not args.data
    output = Path(args.output)
    if ensemble and output.suffix.lower() != ".json":
        raise UsageError(f"{output}: this writes an ensemble (a .json sidecar beside its "
                         "member files); give -o NAME.json")
    check_writable(args.output, example="model.json" if ensemble else "model.skops")
    frames = [frame for frame, _ in _load_files(args)] if args.data else []
    if args.data and not sum(len(f) for f in frames):
        raise DataError(f"no labelled rows in {', '.join(args.data)}: every label is empty")
    if not (0 < args.strength < float("inf")):
        raise UsageError(f"--strength must be a positive number, not {args.strength}")
    if extend and not args.data:
        raise UsageError("--extend needs DATA: the labelled files to extend the model with")
    command = "discourse train " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["train"] else ""
    if ensemble:
        if extend:
            from discourse.classify import load_model

            pairs = pd.concat(frames, ignore_index=True)
            console.info(f"extending the shipped model with {count_of(len(pairs), 'pair')}")
            model = load_model(None).extend(pairs, strength=args.strength)
            model.meta["command"] = command
        else:
            _lab("training the shipped model")
            from discourse.lab.train import train_fast

            model = train_fast(_roots(args), progress=console.info, command=command)
        stem = output.stem
        path = model.save(output, [f"{stem}-stance.npz", f"{stem}-linear.skops"])
        console.info(f"wrote {path} and its members {stem}-stance.npz, {stem}-linear.skops")
        return EXIT_OK
    from discourse.classify.fit import train

    pairs = pd.concat(frames, ignore_index=True)
    model = train(pairs, command=command, progress=console.info)
    path = model.save(args.output)
    console.info(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, "
                 f"{count_of(len(pairs), 'pair')})")
    return EXIT_OK


def _log_lines(console: Console) -> Callable[[str], None]:
    """Progress of a long step as log lines on standard error, each with the time since
    the start (``[ 2:05] seeds (thread CV): training on 7707 pairs``): they read the same
    in a terminal, a log file or CI (``-q`` silences them)."""
    import time

    start = time.monotonic()

    def log(message: str) -> None:
        minutes, seconds = divmod(int(time.monotonic() - start), 60)
        console.info(f"[{minutes:2d}:{seconds:02d}] {message}")

    return log


def cmd_evaluate(args: argparse.Namespace) -> int:
    from discourse.atomic import check_writable

    console = _console(args)
    check_writable(args.output, folder=True)  # before minutes of evaluation
    spec = _model_spec(args)
    if args.data:
        return _evaluate_files(args, console, spec)
    _lab("the evaluation")
    from discourse.lab.evaluate import run_evaluation, write_evaluation

    roots = _roots(args)
    ev = run_evaluation(model_path=spec, files=None, file_names=None,
                        seeds_dir=roots.seeds, public_data=not args.seeds_only,
                        max_train=args.max_train, progress=_log_lines(console),
                        data_root=roots.data, threads_root=roots.threads,
                        realpages_root=roots.realpages)
    print(ev.table())
    for note in ev.notes:
        print(f"note: {note}")
    json_path, html_path = write_evaluation(ev, args.output)
    console.info(f"wrote {json_path} and {html_path}")
    return EXIT_OK


def _evaluate_files(args: argparse.Namespace, console: Console, spec) -> int:
    """``discourse evaluate DATA…``: the model as it is on the user's labelled files
    (per class, macro-F1, confusion; :func:`discourse.classify.scoring.evaluate_labelled`),
    in the installed package; with the research code of a clone (``discourse.lab``) also
    the baselines, by cross-validation on the same files."""
    import time

    from discourse.classify.features import cached_sentiment
    from discourse.classify.scoring import OURS, Evaluation, evaluate_labelled
    from discourse.report.evaluation import write_evaluation

    files = _load_files(args)
    for (frame, _), path in zip(files, args.data, strict=True):
        if not len(frame):
            raise DataError(f"{path}: no labelled rows to evaluate on (every label is empty)")
    model = _model(spec)
    if args.model == "llm":  # the estimate, before the run
        model.warn = console.warn
        console.info(model.plan(_llm_units(model, [f for f, _ in files])).line())
    try:
        from discourse.lab.baselines import BASELINES
        from discourse.lab.evaluate import file_baselines
    except ImportError:
        BASELINES, file_baselines = {}, None  # noqa: N806 - the research code's table
    start = time.perf_counter()
    ev = Evaluation()
    with cached_sentiment():
        for (frame, all_labels), path in zip(files, args.data, strict=True):
            name = Path(path).name
            evaluate_labelled(ev, frame, name, model, all_labels, console.info)
            if file_baselines is not None:
                file_baselines(ev, frame, name, list(BASELINES), all_labels)
    if file_baselines is None:
        ev.notes.append("the model alone: the baselines need the research code in "
                        "discourse/lab (run from a clone of the repository)")
    ev.seconds = time.perf_counter() - start
    print(ev.table())
    for note in ev.notes:
        print(f"note: {note}")
    json_path, html_path = write_evaluation(ev.to_json(), args.output, OURS)
    console.info(f"wrote {json_path} and {html_path}")
    return EXIT_OK


def _llm_units(model, frames: list) -> list:
    """The items of each labelled pairs frame (one ``predict_proba`` call each)."""
    from discourse.classify.llm import items_of

    return [items_of(frame, model.resolve()) for frame in frames]


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
                       description="Parse documents into threads. PATH is a file, a folder "
                                   "(its .txt .md .html .json .jsonl .ndjson .xml files, "
                                   "optionally .gz/.zst, and ConvoKit corpus folders, "
                                   "recursively) or an http(s):// address; the reader is "
                                   "detected from the content.")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.set_defaults(needs_inputs=True)
    _common(p, writer_names(), "json")
    p.add_argument("--tree", action="store_true", help="print each reply tree for a human")
    p.add_argument("--explain", action="store_true",
                   help="print which reader took each file and its evidence (the text parser's "
                        "list-block scores, the comment system an HTML page uses, …)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("classify", help="parse and label every reply",
                       description="Parse documents and label every comment relative to what "
                                   "it answers: agreement, rebuttal, moderation, off-topic.")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.set_defaults(needs_inputs=True)
    _common(p, writer_names(), "json")
    p.add_argument("--model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("--tree", action="store_true", help="print each labelled tree for a human")
    _llm_options(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("analyze", help="debate metrics, one row per thread",
                       description="Parse and classify documents and write debate metrics, "
                                   "one row per thread (size, depth, label shares with "
                                   "intervals, agreement and rebuttal chains, participants; "
                                   "README 'Debate metrics' defines each column).")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.set_defaults(needs_inputs=True)
    _common(p, row_writer_names(), "csv")
    p.add_argument("--model", metavar="MODEL", help=MODEL_HELP)
    _llm_options(p)
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
        _llm_options(p)
        p.set_defaults(func=cmd_report)

    p = sub.add_parser("train", help="train a model on labelled pairs",
                       description="Train a classifier. DATA alone: a linear model on your "
                                   "labels (.skops). DATA with --extend: the shipped model "
                                   "refitted towards your labels (.json). No DATA: retrain the "
                                   "shipped model from the labelled real threads (a clone).")
    p.add_argument("data", nargs="*", metavar="DATA",
                   help="labelled pair files (csv/tsv/jsonl/parquet), classify output whose "
                        "label column you corrected, or import-labels output")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="model file to write")
    p.add_argument("--extend", action="store_true",
                   help="refit the shipped model with DATA as new evidence, its weights as "
                        "the prior (writes NAME.json and its member files)")
    p.add_argument("--with-default", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--strength", type=float, default=1.0, metavar="S",
                   help="with --extend: how strongly the shipped weights hold (default 1; "
                        "larger keeps the model closer to the shipped one)")
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

    p = sub.add_parser(
        "export-tasks", help="annotation tasks for Label Studio or doccano, least certain first",
        description="Classify documents and write one annotation task per labelled comment, "
                    "least certain first, with the model's label and confidence pre-filled "
                    "and what the comment answers as context: Label Studio JSON tasks (and "
                    "the labeling configuration beside them) or doccano JSONL. Read the "
                    "annotations back with import-labels.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--tool", choices=("label-studio", "doccano"), required=True,
                   help="the annotation tool")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="tasks file to write")
    p.add_argument("--model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="only the N least certain comments")
    _run_options(p)
    _llm_options(p)
    p.set_defaults(func=cmd_export_tasks)

    p = sub.add_parser(
        "import-labels", help="labels from Label Studio or doccano back as training data",
        description="Read the annotations of tasks written by export-tasks (a Label Studio "
                    "JSON or JSON_MIN export; a doccano JSONL export or its ZIP) and write "
                    "one row per labelled comment as CSV, a file train and evaluate read.")
    p.add_argument("annotations", metavar="ANNOTATIONS")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="CSV file to write")
    _verbosity(p)
    p.set_defaults(func=cmd_import_labels)

    p = sub.add_parser("evaluate", help="per-class scores against baselines",
                       description="Evaluate against baselines. Without DATA (a clone): the "
                                   "shipped model on the labelled real threads' test sites, "
                                   "the recipe with whole sites held out, the public test "
                                   "splits and the seeds. With DATA: the model on your "
                                   "labelled pairs.")
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
                   help="subsample the sources-held-out protocol to N comments (quick runs)")
    _pair_args(p)
    _llm_options(p)
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
    try:
        if hasattr(args, "urls"):  # -u URL and -i FILE join the PATHs
            _gather_inputs(args)
    except DiscourseError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    if getattr(args, "needs_inputs", False) and not args.paths:
        args.subcommands[args.command].error("give at least one PATH, -u URL or -i FILE")
    from discourse import signals

    try:
        with signals.handling():  # SIGTERM unwinds like Ctrl-C (discourse/signals.py)
            code = args.func(args)
            _flush_stdout()  # a full device shows now, as one line, not at exit
            return code
    except DiscourseError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except (KeyboardInterrupt, signals.Terminated) as exc:
        what = "terminated" if isinstance(exc, signals.Terminated) else "interrupted"
        print(signals.interrupted_message(args.command, getattr(args, "output", None), what),
              file=sys.stderr)
        return signals.EXIT_TERMINATED if what == "terminated" else EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # printing (--tree, a site table) to a full device
        from discourse.atomic import WRITE_ERRORS, _drop_stdout
        from discourse.errors import describe_os_error

        if exc.errno not in WRITE_ERRORS:
            raise
        if not exc.filename:
            _drop_stdout()
        print(f"error: {describe_os_error(exc.filename, exc)}", file=sys.stderr)
        return EXIT_INPUT


def _flush_stdout() -> None:
    """Flush standard output; a write error (``/dev/full``, a full disk behind a
    redirection) becomes :class:`~discourse.errors.OutputError`."""
    from discourse.atomic import WRITE_ERRORS, _drop_stdout
    from discourse.errors import OutputError, describe_os_error

    try:
        sys.stdout.flush()
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        _drop_stdout()
        raise OutputError(describe_os_error(None, exc)) from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
