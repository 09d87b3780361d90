"""Annotation tasks for Label Studio and doccano, and the labels people give them back.

``discourse export-tasks`` classifies documents and writes one task per labelled comment,
**least certain first** (the model's confidence, lowest first), with the model's label and
confidence pre-filled and what the comment answers shown as context:

``label-studio``
    A JSON array of Label Studio tasks (its "Basic Label Studio JSON format"): ``data``
    holds the comment (``reply``), what it answers (``parent``; empty with
    ``answers_article`` when it answers the article), the article and its title, and a
    line giving the model's guess; ``predictions`` holds the pre-annotation — a
    ``choices`` result from ``label`` to ``reply`` with ``score`` = the model's confidence,
    so Label Studio's Data Manager can sort by it too.  The labeling configuration the
    tasks need is written beside them (``NAME.label-config.xml``, :func:`label_config`):
    paste it into the project's Labeling Interface before importing.
``doccano``
    JSON Lines for a doccano *text classification* project: ``text`` is what the annotator
    reads (the title, what the comment answers, then the comment), ``label`` the model's
    label (doccano imports it as an annotation to confirm or change); every other key is
    kept by doccano as the example's metadata and comes back in its export.  Export
    *approved* examples only (doccano's "Export only approved documents"), or every
    pre-filled label counts as checked.

Every task also carries the comment's pairs row — the columns of
:data:`~discourse.classify.pairs.PAIR_COLUMNS`, made by the one pairs path
(:func:`~discourse.classify.pairs.thread_pairs`) — so ``discourse import-labels`` can write
the rows as the model saw them, with the people's labels (:func:`import_labels`): a CSV
``discourse train`` and ``discourse evaluate`` read as it is
(:mod:`discourse.write.corrections`).

Reading back: a Label Studio JSON export (the ``annotations`` of each task; cancelled ones
are ignored; predictions are not labels), its JSON_MIN export, a doccano JSONL export (one
file, or the ZIP of one file per user); a comment whose annotations disagree is left out
and counted.
"""

from __future__ import annotations

import heapq
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from discourse.atomic import atomic_output
from discourse.classify.pairs import PAIR_COLUMNS, thread_pairs
from discourse.errors import DataError
from discourse.labels import DEFINITIONS, LABELS
from discourse.model import Thread

__all__ = ["TOOLS", "Imported", "import_labels", "label_config", "read_annotations",
           "task_records", "write_tasks"]

#: The annotation tools tasks are written for (``--tool``).
TOOLS = ("label-studio", "doccano")
#: Names in the Label Studio configuration: the choices control and the text it labels.
CONTROL, OBJECT = "label", "reply"
#: Columns of ``import-labels`` output: the pairs row, the label, then where it came from.
IMPORTED_COLUMNS = (*PAIR_COLUMNS, "label", "group", "model_label", "model_confidence",
                    "source")
#: doccano's display text shows at most this many characters of what a comment answers.
CONTEXT_CHARS = 1200
_BOOLEAN = ("inline", "is_article_author", "returns", "answers_article")


# -- export ------------------------------------------------------------------------------


def task_records(thread: Thread) -> list[dict[str, Any]]:
    """One flat record per labelled comment of a classified ``thread`` (comments with a
    label and text of their own): its pairs row (:func:`thread_pairs`), the context shown
    to annotators and the model's label and confidence.  Runs where the thread is
    classified (a worker with ``--jobs``)."""
    from discourse.classify.base import is_placeholder

    if not thread.comments:
        return []
    pairs = thread_pairs(thread).to_dict("records")
    index = thread.by_id()
    out = []
    for comment, row in zip(thread.comments, pairs, strict=True):
        if comment.label is None or is_placeholder(comment):
            continue
        target = index.get(comment.answers_id) if comment.answers_id else None
        answers_article = comment.answers_id is None
        record: dict[str, Any] = {
            "reply": comment.text,
            "parent": "" if answers_article else str(row["parent"]),
            "answers_article": answers_article,
            "article": thread.article,
            "title": thread.title or "(untitled)",
            "answers": "It answers the article." if answers_article else
            f"It answers #{target.id if target else comment.answers_id} by "
            f"{(target.author if target else None) or 'someone anonymous'}:",
            "who": f"Comment #{comment.id} by {comment.author or 'someone anonymous'}",
            "model_label": comment.label,
            "model_confidence": comment.confidence,
            "model_note": _note(comment.label, comment.confidence, comment.probabilities),
            "source": thread.source or "",
            "site": thread.site or "",
            "url": thread.url or "",
        }
        for column in PAIR_COLUMNS:
            if column not in ("parent", "reply", "article"):
                value = row[column]
                record[column] = value.item() if hasattr(value, "item") else value
        out.append(record)
    return out


def _note(label: str, confidence: float | None,
          probabilities: Mapping[str, float] | None) -> str:
    sure = f", {confidence:.0%} confident" if confidence is not None else ""
    others = ""
    if probabilities:
        rest = [f"{k} {p:.0%}" for k, p in sorted(probabilities.items(), key=lambda kv: -kv[1])
                if k != label]
        others = f" (then {', '.join(rest)})" if rest else ""
    return f"The model says {label}{sure}{others}."


def least_certain(records: Iterable[dict[str, Any]], limit: int | None = None
                  ) -> list[dict[str, Any]]:
    """``records`` ordered by the model's confidence, lowest first (records without one
    last; ties in input order), the first ``limit`` of them (all when None); with a limit
    only ``limit`` records are kept in memory."""
    order = count()
    keyed = ((r["model_confidence"] is None, r["model_confidence"] or 0.0, next(order), r)
             for r in records)
    if limit is not None:
        chosen = heapq.nsmallest(limit, keyed, key=lambda k: k[:3])
    else:
        chosen = sorted(keyed, key=lambda k: k[:3])
    return [k[3] for k in chosen]


def label_studio_task(record: Mapping[str, Any], n: int, model_version: str) -> dict[str, Any]:
    """A Label Studio task with the model's label as a prediction (pre-annotation)."""
    prediction: dict[str, Any] = {
        "model_version": model_version,
        "result": [{"id": f"pred-{n}", "from_name": CONTROL, "to_name": OBJECT,
                    "type": "choices", "value": {"choices": [record["model_label"]]}}]}
    if record["model_confidence"] is not None:
        prediction["score"] = record["model_confidence"]
    return {"data": dict(record), "predictions": [prediction]}


def doccano_example(record: Mapping[str, Any]) -> dict[str, Any]:
    """A doccano text-classification example: the display text, the model's label, and
    the record as metadata."""
    if record["answers_article"]:
        context = "It answers the article."
    else:
        parent = record["parent"]
        if len(parent) > CONTEXT_CHARS:
            parent = parent[:CONTEXT_CHARS].rstrip() + " …"
        context = f"{record['answers']}\n“{parent}”"
    text = (f"{record['title']}\n\n{context}\n\n{record['who']} (label this one):\n"
            f"{record['reply']}")
    return {"text": text, "label": [record["model_label"]],
            **{k: v for k, v in record.items() if k != "text"}}


def label_config() -> str:
    """The Label Studio labeling configuration of the tasks (XML)."""
    choices = "\n".join(
        f"    <Choice value={quoteattr(label)} hint={quoteattr(DEFINITIONS[label])}/>"
        for label in LABELS)
    return f"""<View>
  <Header value="$title"/>
  <Collapse>
    <Panel value="The article">
      <Text name="article" value="$article"/>
    </Panel>
  </Collapse>
  <Header value="$answers" size="5"/>
  <Text name="parent" value="$parent"/>
  <Header value="$who" size="5"/>
  <Text name="{OBJECT}" value="${OBJECT}"/>
  <Header value="$model_note" size="6"/>
  <Choices name="{CONTROL}" toName="{OBJECT}" choice="single" showInline="true">
{choices}
  </Choices>
</View>
"""


@dataclass
class Written:
    """What :func:`write_tasks` wrote."""

    tasks: int = 0
    config: Path | None = None


def write_tasks(records: Iterable[dict[str, Any]], tool: str, out: str | Path,
                model_version: str = "discourse", limit: int | None = None) -> Written:
    """Write the tasks of ``records`` (:func:`task_records`) for ``tool``
    (:data:`TOOLS`), least certain first, at most ``limit``; Label Studio's labeling
    configuration goes beside ``out`` (``NAME.label-config.xml``)."""
    if tool not in TOOLS:
        raise ValueError(f"tool must be one of {', '.join(TOOLS)}, not {tool!r}")
    chosen = least_certain(records, limit)
    written = Written(len(chosen))
    with atomic_output(out) as handle:
        if tool == "label-studio":
            tasks = [label_studio_task(r, n, model_version) for n, r in enumerate(chosen, 1)]
            json.dump(tasks, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        else:
            for record in chosen:
                handle.write(json.dumps(doccano_example(record), ensure_ascii=False) + "\n")
    if tool == "label-studio" and str(out) != "-":
        path = Path(out)
        written.config = path.with_name(path.name.split(".")[0] + ".label-config.xml")
        with atomic_output(written.config) as handle:
            handle.write(label_config())
    return written


# -- import ------------------------------------------------------------------------------


@dataclass
class Imported:
    """What :func:`read_annotations` found: one labelled row per comment, and what was
    left out."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    unlabelled: int = 0
    conflicting: int = 0
    tool: str = ""


def _items(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, item)`` of every task or example in an annotation export: a JSON array,
    JSON Lines, or a ZIP of JSON Lines files (doccano, one per user)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in sorted(archive.namelist()):
                    if not name.endswith("/"):
                        yield from _json_items(archive.read(name), f"{path}:{name}")
        except zipfile.BadZipFile as exc:
            raise DataError(f"{path}: not a readable ZIP file ({exc})") from None
        return
    yield from _json_items(data, str(path))


def _json_items(data: bytes, where: str) -> Iterator[tuple[str, Any]]:
    text = data.decode("utf-8-sig", errors="replace").strip()
    if not text:
        return
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise DataError(f"{where}: not valid JSON ({exc})") from None
        for i, item in enumerate(items, 1):
            yield f"{where}: item {i}", item
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield f"{where}: line {number}", json.loads(line)
            except ValueError as exc:
                raise DataError(f"{where}: line {number}: not valid JSON ({exc})") from None


def _choices(value: Any) -> list[str]:
    """Label strings of an annotation value: "x", ["x"], {"choices": ["x"]}."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Mapping):
        return _choices(value.get("choices"))
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str) and v.strip()]
    return []


def _labels_of(item: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[list[str]], str]:
    """``(fields, one list of labels per annotation, tool)`` of one exported task."""
    if "annotations" in item and isinstance(item.get("data"), Mapping):  # Label Studio JSON
        given = []
        for annotation in item.get("annotations") or []:
            if not isinstance(annotation, Mapping) or annotation.get("was_cancelled"):
                continue
            # the choices of our control ("label"; any choices result if it was renamed)
            results = [r for r in annotation.get("result") or [] if isinstance(r, Mapping)]
            ours = [r for r in results if r.get("from_name") == CONTROL] or \
                [r for r in results if r.get("type") == "choices"]
            labels = [label for result in ours for label in _choices(result.get("value"))]
            if labels:
                given.append(labels)
        return item["data"], given, "label-studio"
    if isinstance(item.get("data"), Mapping):  # a task without annotations
        return item["data"], [], "label-studio"
    # doccano JSONL/JSON, Label Studio JSON_MIN: the fields and the label side by side
    labels = _choices(item.get(CONTROL))
    tool = "doccano" if isinstance(item.get(CONTROL), list) else "label-studio"
    return item, [labels] if labels else [], tool


def read_annotations(path: str | Path) -> Imported:
    """The labels people gave the tasks of ``discourse export-tasks``, read from the
    tool's export (see the module docs): one row (:data:`IMPORTED_COLUMNS`) per comment
    with a label everyone agrees on.  Raises :class:`DataError` (one line) for a file that
    is not such an export or a label outside :data:`LABELS`."""
    path = Path(path)
    result = Imported()
    by_key: dict[tuple[str, str, str], tuple[Mapping[str, Any], list[str]]] = {}
    bad: dict[str, int] = {}
    for where, item in _items(path):
        if not isinstance(item, Mapping):
            raise DataError(f"{where}: not a task object")
        fields, given, result.tool = _labels_of(item)
        if "reply" not in fields or "comment_id" not in fields:
            raise DataError(f"{where}: not a task of discourse export-tasks (no 'reply' and "
                            f"'comment_id' fields)")
        key = (str(fields.get("source", "")), str(fields.get("thread_id", "")),
               str(fields["comment_id"]))
        _, labels = by_key.setdefault(key, (fields, []))
        for annotation in given:
            if len(annotation) != 1:  # several choices in one annotation
                labels.append("\0several")
                continue
            label = annotation[0].strip().lower()
            if label not in LABELS:
                bad[annotation[0]] = bad.get(annotation[0], 0) + 1
            labels.append(label)
    if bad:
        shown = ", ".join(f"{k!r} ({n})" for k, n in sorted(bad.items())[:8])
        raise DataError(f"{path}: labels outside {', '.join(LABELS)}: {shown}")
    for fields, labels in by_key.values():
        if not labels:
            result.unlabelled += 1
        elif len(set(labels)) > 1:
            result.conflicting += 1
        else:
            result.rows.append(_row(fields, labels[0]))
    return result


def _row(fields: Mapping[str, Any], label: str) -> dict[str, Any]:
    """The pairs row of an exported task with its label (:data:`IMPORTED_COLUMNS`)."""
    row = {column: fields.get(column) for column in PAIR_COLUMNS}
    for column in _BOOLEAN:
        value = fields.get(column)
        flag = value.strip().lower() in ("true", "1", "yes") if isinstance(value, str) \
            else bool(value)
        if column in row:
            row[column] = flag
        elif column == "answers_article" and flag:
            row["parent"] = fields.get("article") or ""
    for column in ("depth", "author_posts"):
        row[column] = int(row[column] or 0)
    for column in ("parent", "reply", "article", "role", "thread_id", "comment_id"):
        row[column] = "" if row[column] is None else str(row[column])
    row.update(label=label, group=row["thread_id"], model_label=fields.get("model_label"),
               model_confidence=fields.get("model_confidence"), source=fields.get("source"))
    return row


def import_labels(path: str | Path, out: str | Path) -> Imported:
    """Read an annotation export (:func:`read_annotations`) and write its labelled rows
    as CSV to ``out`` (a file ``discourse train`` and ``evaluate`` read).  Raises
    :class:`DataError` when no task has a label."""
    import csv

    imported = read_annotations(path)
    if not imported.rows:
        raise DataError(f"{path}: no labelled task ({imported.unlabelled} without a label, "
                        f"{imported.conflicting} with conflicting labels)")
    from discourse.cells import neutralise_cell

    with atomic_output(out) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(IMPORTED_COLUMNS))
        writer.writeheader()
        # texts that start a formula are neutralised, as in every CSV discourse writes
        writer.writerows({k: neutralise_cell(v) if isinstance(v, str) else v
                          for k, v in row.items()} for row in imported.rows)
    return imported
