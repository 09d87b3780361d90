"""The label-correction loop (issue 22, item 7): ``classify`` output with corrected labels is
training and evaluation data as it is; annotation tasks go to Label Studio and doccano
and their annotations come back as training data, round trip, in the tools' documented
export shapes."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import discourse
from discourse import LABELS
from discourse.classify.labelled import LABELLED_COLUMNS
from discourse.classify.linear import LinearModel
from discourse.classify.pairs import PAIR_COLUMNS, threads_pairs
from discourse.cli import main
from discourse.model import Comment, Thread
from discourse.write import read_output, write_threads
from discourse.write.corrections import labelled_kind, load_labelled
from discourse.write.tasks import least_certain, read_annotations
from tests.support.paths import SEEDS

SEED_000 = SEEDS / "000_1701a6fb48e1cee7.txt"


@pytest.fixture(scope="module")
def classified(tmp_path_factory) -> dict[str, Path]:
    """``classify`` output of seed 000 as CSV and Parquet."""
    folder = tmp_path_factory.mktemp("classified")
    out = {}
    for fmt in ("csv", "parquet"):
        out[fmt] = folder / f"out.{fmt}"
        assert main(["classify", str(SEED_000), "--format", fmt, "-o", str(out[fmt]),
                     "-q"]) == 0
    return out


def _edited(path: Path, folder: Path) -> tuple[Path, pd.DataFrame]:
    """The CSV with labels a person corrected: every third emptied, others changed."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[::3, "label"] = ""
    table.loc[1::5, "label"] = "Rebuttal"  # any case
    table.loc[2::7, "label"] = "off-topic"
    edited = folder / "edited.csv"
    table.to_csv(edited, index=False)
    return edited, table


def test_corrected_classify_csv_trains_and_keeps_the_pairs_path(classified, tmp_path):
    edited, table = _edited(classified["csv"], tmp_path)
    assert labelled_kind(edited) == "comments"
    pairs, all_labels = load_labelled(edited)
    assert all_labels
    # exactly the rows the one pairs path makes for the threads read back, labelled ones
    threads, _ = read_output(edited)
    expected = threads_pairs(threads)
    keep = (table["label"] != "").to_numpy()
    expected = expected[keep].reset_index(drop=True)
    pd.testing.assert_frame_equal(pairs[list(PAIR_COLUMNS)], expected[list(PAIR_COLUMNS)],
                                  check_dtype=False)
    assert list(pairs.columns) == list(LABELLED_COLUMNS)
    assert pairs["label"].tolist() == table.loc[keep, "label"].str.lower().tolist()
    assert set(pairs["group"]) == {str(SEED_000)}

    model_path = tmp_path / "mine.skops"
    assert main(["train", str(edited), "-o", str(model_path), "-q"]) == 0
    mine = LinearModel.load(model_path)
    assert mine.meta["trained_rows"] == int(keep.sum())
    assert mine.meta["label_counts"]["edited"]["off-topic"] == int(
        (table.loc[keep, "label"] == "off-topic").sum())


def test_extend_moves_the_shipped_model_towards_corrections(classified, tmp_path):
    """``train DATA --extend``: the shipped model refitted with the corrected rows as new
    evidence (a sidecar and its two members); the corrected label gains probability on the
    corrected comments, the calibration and decision offsets are the shipped ones."""
    from discourse.classify import load_model
    from discourse.classify.ensemble import Ensemble

    table = pd.read_csv(classified["csv"], dtype=str, keep_default_na=False)
    table["label"] = "rebuttal"                     # a person calls every reply a rebuttal
    edited = tmp_path / "all-rebuttal.csv"
    table.to_csv(edited, index=False)
    out = tmp_path / "mine.json"
    assert main(["train", str(edited), "--extend", "-o", str(out), "-q"]) == 0
    assert (tmp_path / "mine-stance.npz").is_file() and (tmp_path / "mine-linear.skops").is_file()
    mine, shipped = Ensemble.load(out), load_model(None)
    assert mine.meta["extended_with"] == len(table)
    assert mine.decision == shipped.decision
    pairs, _ = load_labelled(edited)
    column = list(LABELS).index("rebuttal")
    assert (mine.predict_proba(pairs)[:, column].mean()
            > shipped.predict_proba(pairs)[:, column].mean() + 0.05)


@pytest.mark.parametrize(("args", "message"), [
    (["--extend", "-o", "m.json"], "--extend needs DATA"),
    (["DATA", "--extend", "-o", "m.skops"], "give -o NAME.json"),
    (["DATA", "--extend", "--strength", "0", "-o", "m.json"], "--strength must be"),
])
def test_extend_usage_errors(classified, tmp_path, capsys, args, message):
    args = [str(classified["csv"]) if a == "DATA" else str(tmp_path / a) if a.startswith("m.")
            else a for a in args]
    assert main(["train", *args, "-q"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_corrected_parquet_output_trains(classified, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(classified["parquet"])
    labels = table.column("label").to_pylist()
    labels[:4] = [None, "", None, ""]
    table = table.set_column(table.schema.get_field_index("label"), "label",
                             pa.array(labels, pa.string()))
    path = tmp_path / "edited.parquet"
    pq.write_table(table, path)
    assert labelled_kind(path) == "comments"
    pairs, _ = load_labelled(path)
    assert len(pairs) == table.num_rows - 4
    assert main(["train", str(path), "-o", str(tmp_path / "m.skops"), "-q"]) == 0


def test_placeholders_and_empty_labels_are_not_training_rows(tmp_path):
    comments = [
        Comment(id="1", parent_id=None, depth=0, author="a", text="The article is right.",
                label="agreement"),
        Comment(id="1.1", parent_id="1", depth=1, author=None, text="", status="deleted",
                label="agreement"),  # a placeholder someone labelled anyway
        Comment(id="1.1.1", parent_id="1.1", depth=2, author="b", text="No, that is wrong.",
                label="rebuttal"),
        Comment(id="2", parent_id=None, depth=0, author="c", text="Nice weather today.",
                label=None),
    ]
    thread = Thread(source="t.txt", layout=None, title="T", article="An article.",
                    comments=comments, thread_id="t1")
    out = tmp_path / "t.csv"
    write_threads([thread], "csv", str(out))
    pairs, _ = load_labelled(out)
    assert pairs["comment_id"].tolist() == ["1", "1.1.1"]
    assert pairs["label"].tolist() == ["agreement", "rebuttal"]
    # the reply under the placeholder still answers it (the tree is kept whole)
    assert pairs["depth"].tolist() == [0, 2]


def test_labels_outside_the_four_and_changed_ids_are_one_line_errors(classified, tmp_path,
                                                                     capsys):
    table = pd.read_csv(classified["csv"], dtype=str, keep_default_na=False)
    table.loc[0, "label"] = "rebutal"
    bad = tmp_path / "typo.csv"
    table.to_csv(bad, index=False)
    assert main(["train", str(bad), "-o", str(tmp_path / "m.skops"), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'rebutal'" in err
    table = pd.read_csv(classified["csv"], dtype=str, keep_default_na=False)
    child = table.index[table["parent_id"] == "2"][0]
    table.loc[child, "parent_id"] = "2.0"  # what a spreadsheet does to an id
    broken = tmp_path / "ids.csv"
    table.to_csv(broken, index=False)
    assert main(["evaluate", str(broken), "-o", str(tmp_path / "ev"), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'2.0'" in err and "as text" in err


def test_evaluate_scores_corrected_labels_without_the_research_code(classified, tmp_path,
                                                                    monkeypatch, capsys):
    """``discourse evaluate out.csv`` in an installed package: discourse/lab is not
    importable, and the model is still scored per class, with macro-F1 and confusion."""
    edited, table = _edited(classified["csv"], tmp_path)
    for name in [m for m in sys.modules if m == "discourse.lab" or m.startswith("discourse.lab.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "discourse.lab", None)  # import discourse.lab fails
    out = tmp_path / "ev"
    assert main(["evaluate", str(edited), "-o", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "baselines need the research code" in printed
    result = json.loads((out / "evaluation.json").read_text())
    [ours] = result["results"]
    assert ours["model"] == "discourse" and ours["n"] == int((table["label"] != "").sum())
    truth = set(table.loc[table["label"] != "", "label"].str.lower())
    assert truth <= set(ours["labels"]) <= set(LABELS)
    assert set(ours["per_class"]) == set(ours["labels"])
    assert len(ours["confusion"]) == len(ours["labels"])
    assert 0 <= ours["macro_f1"] <= 1 and "ece" in ours
    assert "Classifier evaluation" in (out / "evaluation.html").read_text()


def test_evaluate_with_the_research_code_adds_baselines(tmp_path, capsys):
    both = tmp_path / "two.csv"
    assert main(["classify", str(SEED_000), str(SEEDS / "004_cf98bbd6559fb7a2.txt"),
                 "--format", "csv", "-o", str(both), "-q"]) == 0
    edited, _ = _edited(both, tmp_path)
    assert main(["evaluate", str(edited), "-o", str(tmp_path / "ev"), "-q"]) == 0
    result = json.loads((tmp_path / "ev" / "evaluation.json").read_text())
    assert {r["model"] for r in result["results"]} >= {"discourse", "majority"}
    labels = {tuple(r["labels"]) for r in result["results"]}
    assert all(set(lab) <= set(LABELS) for lab in labels)


# -- annotation tools ----------------------------------------------------------------------
def _export(tool: str, folder: Path, limit: int | None = None) -> Path:
    out = folder / ("tasks.json" if tool == "label-studio" else "tasks.jsonl")
    args = ["export-tasks", str(SEED_000), "--tool", tool, "-o", str(out), "-q"]
    assert main(args + (["--limit", str(limit)] if limit else [])) == 0
    return out


def _pairs_rows() -> dict[str, dict]:
    """The pairs row of each comment of seed 000 as classify sees it."""
    thread = discourse.parse_file(SEED_000)
    frame = threads_pairs([thread])
    return {row["comment_id"]: row for row in frame.to_dict("records")}


def test_label_studio_round_trip(tmp_path):
    tasks_path = _export("label-studio", tmp_path, limit=12)
    tasks = json.loads(tasks_path.read_text())
    assert len(tasks) == 12
    config = (tmp_path / "tasks.label-config.xml").read_text()
    assert '<Choices name="label" toName="reply"' in config and "$article" in config
    # pre-annotations as Label Studio documents them, least certain first
    scores = [t["predictions"][0]["score"] for t in tasks]
    assert scores == sorted(scores)
    everything = least_certain(
        [{"model_confidence": c.confidence} for c in
         discourse.load_model("fast").annotate(discourse.parse_file(SEED_000)).comments])
    assert scores == [r["model_confidence"] for r in everything[:12]]
    for task in tasks:
        [result] = task["predictions"][0]["result"]
        assert result["from_name"] == "label" and result["to_name"] == "reply"
        assert result["type"] == "choices"
        assert result["value"]["choices"] == [task["data"]["model_label"]]
        assert task["data"]["reply"] and task["data"]["article"]
        assert "$" + "answers" in config and task["data"]["answers"]
    # what Label Studio exports ("JSON"): tasks with ids, annotations and predictions
    exported = []
    wanted = {}
    for n, task in enumerate(tasks, 1):
        label = LABELS[n % 4]
        annotation = {
            "id": 1000 + n, "completed_by": 1, "was_cancelled": False, "ground_truth": False,
            "created_at": "2024-05-01T10:00:00.000000Z", "lead_time": 3.2, "task": n,
            "result": [{"id": f"r{n}", "from_name": "label", "to_name": "reply",
                        "type": "choices", "origin": "manual",
                        "value": {"choices": [label.capitalize()]}}]}
        annotations = [annotation]
        cid = task["data"]["comment_id"]
        if n == 1:
            annotation["was_cancelled"] = True  # skipped: no label
        elif n == 2:  # two annotators disagree: left out
            annotations.append(annotation | {"id": 2000, "result": [
                annotation["result"][0] | {"value": {"choices": [LABELS[(n + 1) % 4]]}}]})
        else:
            wanted[cid] = label
        exported.append({"id": n, "data": task["data"], "annotations": annotations,
                         "predictions": [task["predictions"][0] | {"id": n, "created_ago":
                                                                   "2 hours"}],
                         "created_at": "2024-05-01T09:00:00.000000Z", "project": 7})
    export = tmp_path / "project-7-at-2024-05-01.json"
    export.write_text(json.dumps(exported, ensure_ascii=False))
    labels_csv = tmp_path / "labels.csv"
    assert main(["import-labels", str(export), "-o", str(labels_csv), "-q"]) == 0
    imported = read_annotations(export)
    assert (imported.unlabelled, imported.conflicting) == (1, 1)
    assert labelled_kind(labels_csv) == "pairs"
    pairs, all_labels = load_labelled(labels_csv)
    assert all_labels
    assert dict(zip(pairs["comment_id"], pairs["label"], strict=True)) == wanted
    # each row is the pairs path's row for that comment, unchanged by the round trip
    rows = _pairs_rows()
    for row in pairs.to_dict("records"):
        for column in PAIR_COLUMNS:
            assert row[column] == rows[row["comment_id"]][column], (row["comment_id"], column)
    assert main(["train", str(labels_csv), "-o", str(tmp_path / "m.skops"), "-q"]) == 0
    assert main(["evaluate", str(labels_csv), "-o", str(tmp_path / "ev"), "-q"]) == 0
    result = json.loads((tmp_path / "ev" / "evaluation.json").read_text())
    assert result["results"][0]["n"] == len(wanted)


def test_label_studio_json_min_export_reads_too(tmp_path):
    tasks = json.loads(_export("label-studio", tmp_path, limit=3).read_text())
    flat = [task["data"] | {"id": n, "label": "agreement", "annotator": 1,
                            "annotation_id": n, "lead_time": 2.0}
            for n, task in enumerate(tasks, 1)]
    export = tmp_path / "min.json"
    export.write_text(json.dumps(flat))
    imported = read_annotations(export)
    assert [r["label"] for r in imported.rows] == ["agreement"] * 3


def test_doccano_round_trip(tmp_path):
    tasks_path = _export("doccano", tmp_path)
    examples = [json.loads(line) for line in tasks_path.read_text().splitlines()]
    thread = discourse.load_model("fast").annotate(discourse.parse_file(SEED_000))
    assert len(examples) == len(thread.comments)
    confidences = [e["model_confidence"] for e in examples]
    assert confidences == sorted(confidences)
    for e in examples:  # doccano's text-classification import: text and a label list
        assert isinstance(e["text"], str) and e["reply"] in e["text"]
        assert e["label"] == [e["model_label"]]
    # what doccano exports (JSONL, a ZIP of one file per user): the example's id, its text,
    # its metadata (the other imported keys) and the user's labels
    admin, annotator, wanted = [], [], {}
    for n, e in enumerate(examples, 1):
        meta = {k: v for k, v in e.items() if k not in ("text", "label")}
        base = {"id": n, "text": e["text"], **meta, "Comments": []}
        label = LABELS[n % 4]
        admin.append(base | {"label": [label]})
        if n % 10 == 0:  # the second annotator disagrees here
            annotator.append(base | {"label": [LABELS[(n + 1) % 4]]})
        else:
            annotator.append(base | {"label": [label] if n % 7 else []})
            wanted[e["comment_id"]] = label
    export = tmp_path / "doccano.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for user, rows in (("admin", admin), ("annotator", annotator)):
            archive.writestr(f"{user}.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                      for r in rows))
    labels_csv = tmp_path / "labels.csv"
    assert main(["import-labels", str(export), "-o", str(labels_csv), "-q"]) == 0
    pairs, _ = load_labelled(labels_csv)
    assert dict(zip(pairs["comment_id"], pairs["label"], strict=True)) == wanted
    rows = _pairs_rows()
    for row in pairs.to_dict("records"):
        assert all(row[c] == rows[row["comment_id"]][c] for c in PAIR_COLUMNS)
    # one user's plain JSONL export reads the same way
    single = tmp_path / "admin.jsonl"
    single.write_text("".join(json.dumps(r) + "\n" for r in admin))
    assert len(read_annotations(single).rows) == len(admin)


def test_import_refuses_what_is_not_an_export_of_our_tasks(tmp_path, capsys):
    other = tmp_path / "other.jsonl"
    other.write_text('{"text": "hello", "label": ["positive"]}\n')
    assert main(["import-labels", str(other), "-o", str(tmp_path / "l.csv"), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "export-tasks" in err
    assert not (tmp_path / "l.csv").exists()
