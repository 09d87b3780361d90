"""The ``discourse`` command: a thin layer over the library.

Exit status: 0 success; 1 some documents failed (the rest were processed) or a target was
missed; 2 unusable input or usage error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from discourse import __version__
from discourse.errors import DiscourseError
from discourse.model import Thread
from discourse.pipeline import Failure, RunSummary, run

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class Console:
    """Messages on standard error, filtered by verbosity (-q / -v)."""

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity

    def info(self, message: str) -> None:
        if self.verbosity >= 1:
            print(message, file=sys.stderr)

    def detail(self, message: str) -> None:
        if self.verbosity >= 2:
            print(message, file=sys.stderr)

    def warn(self, message: str) -> None:
        if self.verbosity >= 1:
            print(f"warning: {message}", file=sys.stderr)

    def error(self, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)


# -- shared options ---------------------------------------------------------------------
def _common(p: argparse.ArgumentParser, formats: tuple[str, ...] | None = None,
            default_format: str | None = None) -> None:
    if formats:
        p.add_argument("--format", choices=formats, default=default_format,
                       help=f"output format (default: {default_format})")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    _verbosity(p)


def _verbosity(p: argparse.ArgumentParser) -> None:
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="documents processed in parallel (0 = one per CPU; default 1)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("-q", "--quiet", action="store_true", help="no progress bar or warnings")
    g.add_argument("-v", "--verbose", action="store_true", help="more detail on standard error")


def _console(args: argparse.Namespace) -> Console:
    return Console(0 if getattr(args, "quiet", False) else 2 if getattr(args, "verbose", False)
                   else 1)


def _threads(args: argparse.Namespace, console: Console, summary: RunSummary,
             work: Callable[[Path], Thread], description: str = "parsing") -> Iterator[Thread]:
    def failed(f: Failure) -> None:
        console.error(f.message)

    for thread in run(args.paths, work, jobs=args.jobs, progress=console.verbosity >= 1,
                      description=description, summary=summary, on_failure=failed):
        for w in thread.warnings:
            console.warn(f"{thread.source}: {w}")
        yield thread


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
    from discourse.export import format_tree, write_threads
    from discourse.parse import parse_file

    console = _console(args)
    summary: RunSummary = RunSummary()
    threads = _threads(args, console, summary, parse_file)
    if args.tree or args.explain:
        for thread in threads:
            if args.explain:
                _explain(thread)
            if args.tree:
                print(format_tree(thread))
                print()
    else:
        write_threads(threads, args.format, args.output)
    return _finish(summary, console)


def _explain(thread: Thread) -> None:
    from discourse.parse.parser import block_report
    from discourse.parse.reader import read_document

    text, _ = read_document(thread.source or "")
    print(f"{thread.source}: list blocks (comment section at score >= 2)")
    for b in block_report(text):
        ev = ", ".join(f"{k} {v:+.1f}" for k, v in b.evidence.items()) or "no evidence"
        verdict = "comments" if b.is_comments else "not comments"
        print(f"  lines {b.start + 1}-{b.end}: score {b.score:+.1f} -> {verdict} ({ev})")


def build_parser() -> argparse.ArgumentParser:
    from discourse.export import FORMATS

    parser = argparse.ArgumentParser(
        prog="discourse",
        description="Rebuild reply trees from saved comment sections, classify replies "
                    "(agreement, rebuttal, moderation, off-topic) and report how debates unfold.")
    parser.add_argument("--version", action="version", version=f"discourse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("parse", help="parse documents into threads (article + reply tree)",
                       description="Parse documents into threads. PATH is a file or a folder "
                                   "(its *.txt, *.text and *.md files, recursively).")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _common(p, FORMATS, "json")
    p.add_argument("--tree", action="store_true", help="print each reply tree for a human")
    p.add_argument("--explain", action="store_true",
                   help="print the evidence behind each list block's comments/not-comments call")
    p.set_defaults(func=cmd_parse)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``discourse`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DiscourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; no partial output files were left behind", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
