"""``python -m discourse.lab COMMAND``: the research commands (run from a clone).

=============  ==================================================================
``agreement``  merge two labelling passes, print agreement and κ (overall, per
               language, per class), write the disagreement sheet
``adjudicate`` apply the adjudicator's decisions and write the labels file
``check``      check that the readers give the trees packets were labelled on
``packets``    write labelling packets for the threads of documents
``select``     score recipes of the ``fast`` model on the dev split
``allowlist``  regenerate the model-file type allow-list from the shipped models
=============  ==================================================================

Training and evaluation: ``discourse train`` / ``discourse evaluate`` (they call this
package when run without data files).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd


def _agreement(args: argparse.Namespace) -> int:
    from discourse.lab.labelset import agreement_table, disagreement_sheet, merge_passes

    merged = merge_passes(Path(args.packets), Path(args.passes[0]), Path(args.passes[1]))
    merged.to_csv(args.output, index=False)
    table = agreement_table(merged)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.sheet:
        Path(args.sheet).write_text(disagreement_sheet(merged, Path(args.packets)),
                                    encoding="utf-8")
        print(f"{int((merged.a != merged.b).sum())} disagreements -> {args.sheet}")
    return 0


def _adjudicate(args: argparse.Namespace) -> int:
    from discourse.lab.labelset import adjudicate, write_labels

    merged = pd.read_csv(args.merged, dtype=str, keep_default_na=False)
    merged["unsure"] = merged["unsure"].astype(int)
    decisions = pd.read_csv(args.decisions, dtype=str, keep_default_na=False)
    final = adjudicate(merged, decisions)
    write_labels(final, args.output)
    print(f"{len(final)} labels -> {args.output}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from discourse.lab.labelset import read_packet
    from discourse.lab.packets import best_thread, compare
    from discourse.read import read_file

    failed = 0
    for spec in args.pairs:
        file, _, packet_path = spec.partition("=")
        packet = read_packet(packet_path)
        thread = best_thread(read_file(file, args.format), packet)
        if thread is None:
            print(f"{packet.thread}: no thread of {file} shares a key with the packet")
            failed += 1
            continue
        result = compare(thread, packet)
        failed += not result.ok
        print(result.line())
    return 1 if failed else 0


def _packets(args: argparse.Namespace) -> int:
    from discourse.lab.packets import write_packet
    from discourse.read import read_file

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    for file in args.files:
        for i, thread in enumerate(read_file(file, args.format)):
            name = f"{Path(file).name.split('.')[0]}_{thread.thread_id or i + 1}"
            (out / f"{name}.md").write_text(write_packet(thread, name, language=args.language),
                                            encoding="utf-8")
            print(f"{name}: {len(thread.comments)} comments")
    return 0


def _select(args: argparse.Namespace) -> int:
    from discourse.lab import Roots
    from discourse.lab.select import candidates, grid
    from discourse.lab.train import encoder, fit_members, member_proba, public_pairs, real_splits

    roots = Roots.find(args.shared, args.threads)
    splits = real_splits(roots, print)
    train, dev = splits["train"], splits["dev"]
    enc = encoder()
    public = public_pairs(roots)
    fitted: dict = {}

    def fit_predict(candidate):
        key = (candidate.blocks, candidate.c, candidate.public_weight)
        if key not in fitted:
            stance, linear = fit_members(train, candidate, enc, public)
            fitted[key] = member_proba(stance, linear, dev)
            enc.save()
        return fitted[key]

    blocks = [tuple(b.split("+")) for b in args.blocks]
    table = grid(fit_predict, dev["label"], candidates(blocks, args.c, args.linear_weight,
                                                       args.public_weight), print)
    table = table.sort_values("macro_f1", ascending=False)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.output:
        table.to_csv(args.output, index=False)
    return 0


def _allowlist(args: argparse.Namespace) -> int:
    from discourse.classify.modelfile import shipped_models
    from discourse.lab.allowlist import write_allow_list

    for name in write_allow_list(shipped_models()):
        print(name)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m discourse.lab",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("agreement", help="merge two passes; agreement and κ")
    p.add_argument("--packets", required=True)
    p.add_argument("passes", nargs=2, metavar="PASS_DIR")
    p.add_argument("-o", "--output", required=True, help="merged CSV")
    p.add_argument("--sheet", help="disagreement sheet (Markdown) to write")
    p.set_defaults(func=_agreement)
    p = sub.add_parser("adjudicate", help="apply decisions; write the labels file")
    p.add_argument("merged")
    p.add_argument("decisions", help="CSV thread,key,label,reason")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=_adjudicate)
    p = sub.add_parser("check", help="readers against packets")
    p.add_argument("pairs", nargs="+", metavar="FILE=PACKET")
    p.add_argument("-f", "--format", default=None)
    p.set_defaults(func=_check)
    p = sub.add_parser("packets", help="write labelling packets")
    p.add_argument("files", nargs="+")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("-f", "--format", default=None)
    p.add_argument("--language", default="")
    p.set_defaults(func=_packets)
    p = sub.add_parser("select", help="score recipes of the fast model on the dev split")
    p.add_argument("--shared", default=None)
    p.add_argument("--threads", default=None)
    p.add_argument("--blocks", nargs="+", default=["reply+interaction+context",
                                                   "reply+interaction+context+cues",
                                                   "reply+interaction+parent+context+cues"])
    p.add_argument("--c", nargs="+", type=float, default=[0.0003, 0.001, 0.003])
    p.add_argument("--linear-weight", nargs="+", type=float, default=[0.0, 0.2, 0.4, 0.6])
    p.add_argument("--public-weight", nargs="+", type=float, default=[0.0, 0.1])
    p.add_argument("-o", "--output", default=None, help="CSV of the table")
    p.set_defaults(func=_select)
    p = sub.add_parser("allowlist", help="regenerate the model-file allow-list")
    p.set_defaults(func=_allowlist)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
