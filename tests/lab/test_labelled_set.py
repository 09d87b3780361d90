"""The labelled real-thread set (``discourse/lab/labels/``): every label names a comment of
its thread as the readers read it — same first words, same parent the annotators saw — so a
reader change that moves or rewrites a labelled comment fails here; whole sources sit in one
split; the test split holds enough of every label; disagreements are adjudicated; and the
figures the README and docs/labelled-set.md state are the ones the data gives."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from discourse.lab.datasets.realthreads import (
    REALPAGES_PREFIX,
    keys,
    labels_frame,
    threads,
    threads_frame,
)
from discourse.lab.labelset import CATEGORIES, DEV_SITES, TEST_SITES, first_words, split_of
from discourse.labels import LABELS
from tests.support.paths import PROJECT

README = PROJECT / "README.md"


@pytest.fixture(scope="module")
def labels():
    return labels_frame()


@pytest.fixture(scope="module")
def table():
    return threads_frame()


@pytest.fixture(scope="module")
def read_threads(threads_dir, realpages_if_present):
    missing: list[str] = []
    found = {t.source: t for t in threads(threads_dir, missing.append, realpages_if_present)}
    return found, missing


def test_every_labelled_thread_is_read_by_the_readers(read_threads, table,
                                                      realpages_if_present):
    found, missing = read_threads
    shared = set(table.loc[table["file"].str.startswith(REALPAGES_PREFIX), "thread"])
    expected = set(table["thread"]) - (set() if realpages_if_present else shared)
    assert set(found) == expected, missing[:5]


def test_every_label_names_a_comment_with_the_parent_it_was_labelled_on(read_threads,
                                                                         labels):
    found, _ = read_threads
    checked = 0
    for name, thread in found.items():
        block = labels[labels["thread"] == name]
        by_key = dict(zip(keys(thread), thread.comments, strict=True))
        index = thread.by_id()
        key_of = {c.id: k for k, c in by_key.items()}
        for row in block.itertuples():
            comment = by_key.get(row.key)
            assert comment is not None, (name, row.key)
            if comment.text.strip():
                assert first_words(comment.text) == row.first_words, (name, row.key)
            parent = key_of.get(comment.parent_id, "ARTICLE") \
                if comment.parent_id in index else "ARTICLE"
            target = key_of.get(comment.answers_id, "ARTICLE") \
                if comment.answers_id in index else "ARTICLE"
            assert row.parent_key in (parent, target), (name, row.key, row.parent_key, parent)
            checked += 1
    assert checked == len(labels[labels["thread"].isin(set(found))]) > 0


def test_whole_sources_sit_in_one_split(table):
    assert set(table["split"]) == {"train", "dev", "test"}
    assert (table["split"] == table["site"].map(split_of)).all()
    assert table.groupby("site")["split"].nunique().max() == 1
    assert set(TEST_SITES) <= set(table["site"]) and set(DEV_SITES) <= set(table["site"])
    assert not set(TEST_SITES) & set(DEV_SITES)


def test_the_set_is_large_and_varied_and_the_test_split_holds_every_label(labels, table):
    rows = labels[labels["label"] != "skip"].merge(table, on="thread")
    assert len(rows) >= 10_000 and rows["thread"].nunique() >= 100
    assert rows["site"].nunique() >= 30
    assert (rows["language"].value_counts() >= 100).sum() >= 6
    counts = rows["label"].value_counts()
    assert counts["moderation"] >= 400 and counts["off-topic"] >= 400
    test = rows[rows["split"] == "test"]["label"].value_counts()
    assert all(test[label] >= 80 for label in LABELS)


def test_labels_are_valid_and_disagreements_adjudicated(labels):
    allowed = set(CATEGORIES)
    assert set(labels["label"]) <= allowed
    assert set(labels["pass_a"]) <= allowed and set(labels["pass_b"]) <= allowed
    disagreed = labels[labels["pass_a"] != labels["pass_b"]]
    assert len(disagreed) and (disagreed["adjudication"].str.len() > 0).all()
    agreed = labels[(labels["pass_a"] == labels["pass_b"]) & (labels["adjudication"] == "")]
    assert (agreed["label"] == agreed["pass_a"]).all()
    assert labels.duplicated(["thread", "key"]).sum() == 0


def test_readme_states_the_agreement_the_data_gives(labels, table):
    kappa = cohen_kappa_score(labels["pass_a"], labels["pass_b"])
    raw = (labels["pass_a"] == labels["pass_b"]).mean()
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert f"Cohen's κ {kappa:.3f}" in text
    assert f"agreement {100 * raw:.1f} %" in text
    assert f"{len(labels):,} comments" in text
    assert f"{table['thread'].nunique()} threads" in text
    assert f"{table['site'].nunique()} sources" in text


def test_kappa_table_in_the_docs_is_the_data(labels, table):
    """The per-language and per-class κ table of docs/labelled-set.md is what the passes
    give."""
    from discourse.lab.labelset import agreement_table

    merged = labels.merge(table[["thread", "language"]], on="thread").rename(
        columns={"pass_a": "a", "pass_b": "b"})
    expected = agreement_table(merged)
    guide = (README.parent / "docs" / "labelled-set.md").read_text(encoding="utf-8")
    for row in expected.itertuples():
        if row.n >= 100:
            assert f"| {row.part} | {row.n:,} | {100 * row.agreement:.1f} % | " \
                   f"{row.kappa:.3f} |" in guide, row.part
    rows = labels[labels["label"] != "skip"].merge(table, on="thread")
    for split, block in rows.groupby("split"):
        counts = block["label"].value_counts()
        assert (f"| {split} | {block['thread'].nunique()} | {block['site'].nunique()} | "
                + " | ".join(f"{counts.get(lab, 0):,}" for lab in LABELS)
                + f" | {len(block):,} |") in guide, split
    assert isinstance(expected, pd.DataFrame)
