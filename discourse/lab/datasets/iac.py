"""Internet Argument Corpus, AWTP and ABCD quote→response pairs as split by Lei & Huang
(EMNLP 2022): agree / neutral / disagree."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from discourse.lab.datasets._base import hash_group, labelled_pairs, public_file

FILE = "agreement_pairs_iac_awtp_abcd.csv"
_SPLIT_PRIORITY = {"test": 0, "dev": 1, "train": 2}


def load_iac_awtp_abcd(*, root: str | Path | None = None) -> pd.DataFrame:
    """IAC / AWTP / ABCD quote->response pairs: agree -> agreement, disagree -> rebuttal.

    Neutral rows are dropped and the file's ``split`` is kept.  Duplicates: the file already
    holds one row per distinct pair within a split (``n_copies_in_split`` > 1 marks pairs that
    the original oversampled), so identical (quote, response, label) rows are dropped within a
    split as a safeguard, and across splits only one copy is kept, preferring test > dev >
    train.  That removes the dev copies of the five IAC topics whose dev set equals their test
    set (``dev_equals_test_topic``), so tuning on dev never sees test pairs.
    group = "<dataset>:<topic>" (IAC); AWTP and ABCD have no topic, so their group is
    "<dataset>:<hash of the quote>" (responses to the same quote stay together).
    """
    path = public_file(FILE, root)
    df = pd.read_csv(path)
    df = df[df["label"].isin(["agree", "disagree"])].copy()
    key = ["quote_text", "response_text", "label"]
    df = df.drop_duplicates([*key, "split"])
    df["_prio"] = df["split"].map(_SPLIT_PRIORITY).fillna(3)
    df = df.sort_values("_prio", kind="stable").drop_duplicates(key).sort_index()
    topic = df["topic"].fillna("")
    by_quote = df["dataset"] + hash_group("", df["quote_text"])
    group = (df["dataset"] + ":" + topic).where(topic != "", by_quote)
    return labelled_pairs(
        parent=df["quote_text"],
        reply=df["response_text"],
        label=df["label"].map({"agree": "agreement", "disagree": "rebuttal"}),
        dataset="iac_awtp_abcd",
        split=df["split"],
        group=group,
    )


