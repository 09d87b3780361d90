"""The notebook API (issue 22): ``discourse.read(paths) -> Corpus`` with ConvoKit-style
frames, and the report's charts as plotly figures built by the pages' own code."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

import discourse
from discourse import LABELS
from discourse.analyze import COLUMNS, metrics_frame
from discourse.corpus import UTTERANCE_COLUMNS, Corpus
from discourse.report import figures, write_report
from tests.support.paths import SEEDS

SEED_000 = SEEDS / "000_1701a6fb48e1cee7.txt"
SEED_004 = SEEDS / "004_cf98bbd6559fb7a2.txt"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus = discourse.read([SEED_000, SEED_004], model="fast")
    corpus.threads  # noqa: B018 - read once for the module
    return corpus


def test_read_is_callable_and_still_the_readers_package(tmp_path):
    import discourse.read as readers

    assert readers is discourse.read and callable(discourse.read)
    assert discourse.read.iter_threads is readers.iter_threads
    lazy = discourse.read(tmp_path / "nothing-here")  # nothing is read yet
    assert isinstance(lazy, Corpus) and "not read yet" in repr(lazy)
    with pytest.raises(discourse.InputError):
        lazy.threads_frame()


def test_reading_is_lazy_and_cached(monkeypatch):
    calls = []
    real = discourse.read.iter_threads

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(discourse.read, "iter_threads", counting)
    corpus = discourse.read(SEED_000)
    assert calls == []
    assert len(corpus.utterances_frame()) == 34 and len(calls) == 1
    corpus.threads_frame()
    corpus.speakers_frame(intervals=False)
    assert len(calls) == 1  # the threads of the first pass are kept
    streamed = discourse.read(SEED_000, cache=False)
    streamed.threads_frame()
    streamed.threads_frame()
    assert len(calls) == 3
    assert repr(corpus) == "Corpus(1 thread, 34 comments)"


def test_utterances_frame(corpus):
    frame = corpus.utterances_frame()
    threads = corpus.threads
    assert len(frame) == sum(len(t.comments) for t in threads)
    assert list(frame.columns[:len(UTTERANCE_COLUMNS)]) == list(UTTERANCE_COLUMNS)
    assert frame.index.name == "id" and frame.index.is_unique
    replies = frame["reply_to"].dropna()
    assert len(replies) and replies.isin(frame.index).all()
    first = threads[0].comments
    rows = frame[frame["conversation_id"] == frame["conversation_id"].iloc[0]]
    assert rows["comment_id"].tolist() == [c.id for c in first]
    assert [None if pd.isna(a) else a for a in rows["speaker"]] == [c.author for c in first]
    assert rows["text"].tolist() == [c.text for c in first]
    assert set(frame["label"].dropna()) <= set(LABELS) and frame["label"].notna().any()
    assert {"confidence", "probabilities", "target_id", "source", "title"} <= set(frame.columns)


def test_threads_frame_is_the_analyze_metrics(corpus):
    frame = corpus.threads_frame()
    expected = metrics_frame(corpus.threads)
    assert list(frame.columns) == list(COLUMNS) and len(frame) == len(corpus.threads)
    assert frame.index.name == "conversation_id"
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected)


def test_speakers_frame(corpus):
    speakers = corpus.speakers_frame()
    utterances = corpus.utterances_frame()
    named = utterances[utterances["speaker"].notna()]
    counts = named.groupby("speaker").size()
    assert speakers["comments"].to_dict() == counts.to_dict()
    assert speakers["comments"].is_monotonic_decreasing
    assert speakers["threads"].to_dict() == \
        named.groupby("speaker")["conversation_id"].nunique().to_dict()
    for label in LABELS:
        assert speakers[label].to_dict() == \
            named.assign(hit=named["label"] == label).groupby("speaker")["hit"].sum().to_dict()
    assert (speakers[list(LABELS)].sum(axis=1) == speakers["labelled"]).all()
    shares = speakers[[f"share_{lab.replace('-', '_')}" for lab in LABELS]]
    assert ((shares.sum(axis=1) - 1).abs() < 1e-9).all()
    for lab in LABELS:
        key = f"share_{lab.replace('-', '_')}"
        assert (speakers[key + "_low"] <= speakers[key] + 1e-12).all()
        assert (speakers[key] <= speakers[key + "_high"] + 1e-12).all()
    quick = corpus.speakers_frame(intervals=False)
    assert not [c for c in quick.columns if c.endswith("_low")]


def test_classify_labels_what_was_read():
    plain = discourse.read(SEED_004)
    assert plain.utterances_frame()["label"].isna().all()
    labelled = plain.classify("fast")
    assert labelled.utterances_frame()["label"].notna().all()


def _page_chart(page: Path, chart: str) -> dict:
    text = page.read_text(encoding="utf-8")
    block = text.split(f'data-target="{chart}">', 1)[1].split("</script>", 1)[0]
    return json.loads(block)


def test_figures_are_the_pages_charts(corpus, tmp_path):
    """Each figure is a plotly Figure equal to the chart the report page draws."""
    thread = corpus.threads[0]
    summary = write_report([thread, corpus.threads[1]], tmp_path)
    page = summary.pages[0]
    for key, _, build in figures.THREAD_FIGURES:
        try:
            figure = build(thread)
        except ValueError:
            assert f'data-target="chart-{key}"' not in page.read_text(encoding="utf-8")
            continue
        assert isinstance(figure, go.Figure)
        assert figure.to_dict() == go.Figure(_page_chart(page, f"chart-{key}")).to_dict(), key
    on_page = _page_chart(summary.compare, "chart-threads")
    mix = figures.label_mix(corpus.threads).to_dict()
    for trace in on_page["data"]:
        trace.pop("customdata", None)  # the page links each bar to its thread page
    for trace in mix["data"]:
        trace.pop("customdata", None)
    assert mix == go.Figure(on_page).to_dict()
    single = figures.label_mix(thread)
    assert isinstance(single, go.Figure) and len(single.data[0].y) == 1
    site = figures.site_label_mix(corpus)
    assert site.to_dict() == go.Figure(_page_chart(summary.compare, "chart-mix")).to_dict()
    for build in (figures.shape_panels, figures.size_vs_rebuttal):
        assert isinstance(build(corpus), go.Figure)


def test_figures_say_when_there_is_nothing_to_chart():
    empty = discourse.Thread(source="e.txt", layout=None, title="E", article="", comments=[])
    with pytest.raises(ValueError, match="no comments"):
        figures.reply_tree(empty)
    with pytest.raises(TypeError):
        figures.reply_tree([empty])
