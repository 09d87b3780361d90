"""UMOD (Falk et al., EACL 2024, "Moderation in the wild"): r/ChangeMyView
comment→reply pairs annotated for user moderation."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from discourse.lab.datasets._base import hash_group, labelled_pairs, public_file

FILE = "umod_user_moderation.tsv"
#: UMOD moderation functions that count as moderation in our sense (shared README).
UMOD_FUNCTIONS: tuple[str, ...] = ("policing", "siteIssues", "organizing", "offTopic")


def load_umod(*, root: str | Path | None = None, min_softlabel: float = 0.5) -> pd.DataFrame:
    """UMOD (r/ChangeMyView) user-moderation replies -> moderation; no other rows kept.

    Positives: at least one of the functions ``policing``, ``siteIssues``, ``organizing``,
    ``offTopic`` is set.  In the aggregated file these are 0/1 flags that UMOD sets when at
    least half of the 7-10 annotators chose the function (UMOD README), so that is the
    function threshold.  We also require ``softlabel_mace >= min_softlabel`` (0.5: the reply
    was judged to be moderation at all); this drops 14 of 103 flagged rows, mostly
    ``offTopic``-flagged replies that read as ordinary argument.  Even so, UMOD's notion of
    moderation is broad (``organizing``/``offTopic`` rows often look like rebuttals): treat
    these as noisy positives.  Pass ``min_softlabel=0`` for the functions alone.

    Negatives are dropped.  ``agreeYes``/``agreeNo`` count annotators who agree with the
    *opinion expressed* (an annotator-perspective question: "agreeWithOpinion"), not whether
    the reply agrees with the preceding comment — e.g. clear rebuttals have 8-9 agreeYes
    votes — so they cannot be mapped to agreement/rebuttal; and a low ``softlabel_mace``
    only says "not moderation".  group = hash of the preceding comment (14 are shared).
    """
    path = public_file(FILE, root)
    df = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_MINIMAL, dtype={"id": str})
    flagged = df[list(UMOD_FUNCTIONS)].fillna(0).astype(int).gt(0).any(axis=1)
    df = df[flagged & (df["softlabel_mace"].fillna(0) >= min_softlabel)]
    return labelled_pairs(
        parent=df["preceding_comment"],
        reply=df["reply"],
        label=pd.Series("moderation", index=df.index),
        dataset="umod",
        group=hash_group("umod", df["preceding_comment"]),
        comment_id=df["id"],
    )


