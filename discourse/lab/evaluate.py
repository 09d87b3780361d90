"""Honest evaluation of the reply classifier against baselines, per dataset and per class.

Protocols (all run in one call, every model and baseline on the same split):

* ``real threads`` — the in-domain labelled set's test split (4 threads never trained on:
  a Korean news site, Hacker News, the Italian Wikipedia help desk, a Reddit thread),
  training on the public data (without DEBAGREEMENT test), the seeds and the real threads'
  train split; four labels, with expected calibration error and the off-topic share on
  threads whose labels have no off-topic comment.
* ``real threads (leave one source out)`` — the labelled real threads of each source (a
  page, dump or dataset file; both splits) held out in turn, training on the public data
  (without DEBAGREEMENT test), the seeds and the other sources' threads: all labelled
  comments scored once, with each source's accuracy (``per_group``), so that one unusual
  source shows as such instead of deciding the number.
* ``seeds`` — leave-one-thread-out cross-validation on the hand-labelled seeds, training
  on the public data (without DEBAGREEMENT test), the real threads' train split and the
  other seed threads; four labels.
* ``in-dataset`` — each public agreement/rebuttal set's own held-out split
  (DEBAGREEMENT dev → test; IAC/AWTP/ABCD train+dev → test; RumourEval train+dev → test).
* ``cross-dataset`` — train on every *other* source (public + seeds), test on this one's
  test split: the number that predicts performance on a new site.  For the single-class
  sets (UMOD moderation, YouTube spam off-topic) only the recall of that class means
  anything, and it is reported as such.
* ``file`` — a user's labelled pair file: the given model as is, and the baselines by
  5-fold cross-validation grouped by parent.

On agreement-vs-rebuttal test sets our four-label model's decision is restricted to those
two labels (argmax over them); baselines are trained on the rows with those labels.  Every
macro-F1 comes with a 95% bootstrap interval over the test rows
(:func:`discourse.classify.scoring.macro_f1_interval`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from discourse.classify.decide import condition_on_evidence, decide, evidence_mask
from discourse.classify.features import cached_sentiment
from discourse.classify.linear import LinearModel
from discourse.classify.scoring import format_table, score
from discourse.errors import DataError
from discourse.lab.baselines import BASELINES
from discourse.labels import LABELS

OURS = "discourse"
#: The ``accurate`` ensemble's rows: the protocol's freshly trained linear model averaged
#: with the shipped transformer, on test sets the transformer never saw.
ACCURATE = "discourse-accurate"
STANCE = ["agreement", "rebuttal"]


@dataclass
class Evaluation:
    """All results of one ``discourse evaluate`` run."""

    results: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, protocol: str, dataset: str, model: str, y_true, y_pred,
            labels: list[str], train_rows: int) -> dict[str, Any]:
        result = score(list(y_true), list(y_pred), labels)
        result.update(protocol=protocol, dataset=dataset, model=model, train_rows=train_rows)
        self.results.append(result)
        return result

    def table(self) -> str:
        rows = [{"protocol": r["protocol"], "dataset": r["dataset"], "model": r["model"], **r}
                for r in self.results]
        return format_table(rows)

    def to_json(self) -> dict[str, Any]:
        return {"results": self.results, "notes": self.notes, "seconds": round(self.seconds, 1)}


def _with_synthetic(train: pd.DataFrame) -> pd.DataFrame:
    """The bundled model's recipe: add synthetic off-topic pairs drawn from ``train``."""
    from discourse.lab.train import synthetic_off_topic

    return pd.concat([train, synthetic_off_topic(train)], ignore_index=True)


def _fit(augmented: pd.DataFrame) -> LinearModel:
    """Ours, trained by the bundled model's recipe on ``augmented`` (a training set with
    its synthetic pairs, :func:`_with_synthetic`; the baselines train on the same rows)."""
    from discourse.classify.fit import fit_calibrated

    return fit_calibrated(augmented)


def _pair_model():
    """The shipped transformer pair model, or None (not installed, or unusable)."""
    from discourse.errors import ModelError

    if "pair" not in _PAIR:
        try:
            from discourse.classify.transformer import PairModel

            _PAIR["pair"] = PairModel.load()
        except (ImportError, ModelError):
            _PAIR["pair"] = None
    return _PAIR["pair"]


_PAIR: dict[str, Any] = {}


def _add_accurate(ev: Evaluation, protocol: str, dataset: str, model: LinearModel,
                  test: pd.DataFrame, labels: list[str], train_rows: int) -> None:
    """The ensemble's row, when the transformer is installed and never trained on
    ``dataset`` (its metadata lists the datasets it saw)."""
    pair = _pair_model()
    if pair is None:
        return
    if protocol == "cross-dataset" and dataset in pair.meta.get("data", {}):
        ev.notes.append(f"{ACCURATE} not scored cross-dataset on {dataset}: its transformer "
                        f"was trained on that dataset's training split")
        return
    from discourse.classify.ensemble import Ensemble

    weight = float(pair.meta["ensemble_weight"])
    ensemble = Ensemble([(model, weight), (pair, 1.0 - weight)], name="accurate")
    _add_ours(ev, protocol, dataset, ensemble, test, labels, train_rows, name=ACCURATE)


def _add_ours(ev: Evaluation, protocol: str, dataset: str, model,
              test: pd.DataFrame, labels: list[str], train_rows: int,
              inline_rule: bool = False, name: str = OURS) -> dict[str, Any]:
    """Score ``model`` on ``test`` over ``labels`` with its throughput and, when all four
    labels are scored, its calibration (ECE, reliability bins)."""
    start = time.perf_counter()
    proba = conditioned(model, test)
    seconds = time.perf_counter() - start
    pred = _inline_rule(test, proba) if inline_rule else _restricted(proba, labels, test)
    result = ev.add(protocol, dataset, name, test["label"], pred, labels, train_rows)
    result["pairs_per_second"] = round(len(test) / seconds, 1) if seconds > 0 else None
    if len(labels) == len(LABELS):
        _add_calibration(result, _confidence(proba, pred), pred, test["label"])
    return result


def _add_calibration(result: dict[str, Any], confidence, pred, truth) -> None:
    """The result's expected calibration error and reliability-diagram bins."""
    from discourse.classify.calibration import expected_calibration_error, reliability

    correct = np.asarray(pred, dtype=object) == np.asarray(truth, dtype=object)
    result["ece"] = expected_calibration_error(confidence, correct)
    result["reliability"] = reliability(confidence, correct)


def _confidence(proba: pd.DataFrame, pred: list[str]) -> np.ndarray:
    """The probability of each decided label (what the reports show as confidence)."""
    values = proba.to_numpy()
    return values[np.arange(len(pred)), [LABELS.index(p) for p in pred]]


def conditioned(model, test: pd.DataFrame) -> pd.DataFrame:
    """``model``'s probabilities for ``test`` conditioned on the evidence rule (what a
    thread's comments would get), rows × :data:`LABELS`."""
    replies = test["reply"].astype(str).tolist()
    inline = test["inline"].fillna(False).astype(bool).to_numpy() \
        if "inline" in test.columns else None
    proba = condition_on_evidence(model.predict_proba(test), evidence_mask(replies, inline))
    return pd.DataFrame(proba, index=test.index, columns=list(LABELS))


def _restricted(proba: pd.DataFrame, labels: list[str], test: pd.DataFrame) -> list[str]:
    """Our decisions over ``labels`` (off-topic only with evidence: ``decide``)."""
    return decide(proba.to_numpy(), test["reply"].astype(str).tolist(), tuple(labels))


def _run_all(ev: Evaluation, protocol: str, dataset: str, train: pd.DataFrame,
             test: pd.DataFrame, labels: list[str], baselines: Iterable[str],
             progress: Callable[[str], None]) -> LinearModel:
    """Fit ours and every baseline on ``train``, score them on ``test`` over ``labels``;
    returns ours."""
    progress(f"{protocol} / {dataset}: training on {len(train)} pairs")
    augmented = _with_synthetic(train)
    model = _fit(augmented)
    _add_ours(ev, protocol, dataset, model, test, labels, len(train))
    if dataset in ("real_threads", "debagreement"):
        _add_accurate(ev, protocol, dataset, model, test, labels, len(train))
    train = augmented
    base_train = train[train["label"].isin(labels)] if len(labels) < len(LABELS) else train
    for name in baselines:
        baseline = BASELINES[name]()
        baseline.fit(base_train)
        ev.add(protocol, dataset, name, test["label"], baseline.predict(test), labels,
               len(base_train))
    return model


def evaluate_public(ev: Evaluation, public: dict[str, pd.DataFrame], seeds: pd.DataFrame,
                    baselines: list[str], progress: Callable[[str], None],
                    max_train: int | None = None,
                    real: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> None:
    """Real threads, seeds CV, in-dataset and cross-dataset protocols (``real``: the
    real threads' train and test splits)."""
    rng = np.random.default_rng(0)

    def cap(frame: pd.DataFrame) -> pd.DataFrame:
        if max_train and len(frame) > max_train:
            return frame.iloc[rng.choice(len(frame), max_train, replace=False)]
        return frame

    everything = pd.concat(list(public.values()), ignore_index=True) if public else seeds.iloc[:0]
    not_deb_test = everything[~((everything["dataset"] == "debagreement")
                                & (everything["split"] == "test"))]
    real_train, real_test = real if real is not None else (seeds.iloc[:0], seeds.iloc[:0])
    if len(real_test):
        train = cap(pd.concat([not_deb_test, seeds, real_train], ignore_index=True))
        model = _run_all(ev, "real threads (test split)", "real_threads", train, real_test,
                         list(LABELS), baselines, progress)
        ours = [r for r in ev.results if r["dataset"] == "real_threads" and r["model"] == OURS]
        on_topic = real_test.groupby("group")["label"].apply(lambda s: "off-topic" not in set(s))
        threads = sorted(on_topic[on_topic].index)
        if ours and threads:
            rows = real_test[real_test["group"].isin(threads)]
            decided = _restricted(conditioned(model, rows), list(LABELS), rows)
            share = float(np.mean(np.asarray(decided) == "off-topic"))
            ours[-1]["off_topic_share_on_topic_threads"] = share
            ev.notes.append(f"real threads: {share:.1%} of the {len(rows)} comments of the "
                            f"test threads without any off-topic label ({', '.join(threads)}) "
                            f"were predicted off-topic")
    # Seeds: leave one thread out.
    if len(seeds):
        _leave_one_group_out(ev, "seeds (thread CV)", seeds,
                             pd.concat([not_deb_test, real_train], ignore_index=True),
                             baselines, progress, cap, calibrated=True)
    # Every source of labelled real threads held out in turn (train and test splits alike).
    from discourse.lab.datasets.realthreads import source_of

    real_all = pd.concat([real_train, real_test], ignore_index=True)
    folds = real_all["group"].astype(str).map(source_of)
    if folds.nunique() >= 2:
        _leave_one_group_out(ev, "real threads (leave one source out)", real_all,
                             pd.concat([not_deb_test, seeds], ignore_index=True),
                             baselines, progress, cap, calibrated=False, folds=folds)
    # In-dataset held-out splits.
    splits = {"debagreement": (["dev"], ["test"]), "iac_awtp_abcd": (["train", "dev"], ["test"]),
              "rumoureval": (["train", "dev"], ["test"])}
    for name, (train_splits, test_splits) in splits.items():
        if name not in public:
            continue
        d = public[name]
        _run_all(ev, "in-dataset", name, cap(d[d["split"].isin(train_splits)]),
                 d[d["split"].isin(test_splits)], STANCE, baselines, progress)
    # Cross-dataset: train on all other sources.
    for name, d in public.items():
        others = everything[everything["dataset"] != name]
        train = cap(pd.concat([others, seeds, real_train], ignore_index=True))
        test = d[d["split"] == "test"] if (d["split"] == "test").any() else d
        labels = sorted(set(test["label"]), key=LABELS.index)
        if len(labels) == 1:
            labels = list(LABELS)  # single-class set: 4-way decision, read its recall
            ev.notes.append(f"{name}: single-class test set ({test['label'].iloc[0]}); only its "
                            f"recall is meaningful")
        _run_all(ev, "cross-dataset", name, train, test, labels, baselines, progress)


def _leave_one_group_out(ev: Evaluation, protocol: str, frame: pd.DataFrame,
                         base: pd.DataFrame, baselines: Iterable[str],
                         progress: Callable[[str], None], cap: Callable[[pd.DataFrame],
                                                                      pd.DataFrame],
                         calibrated: bool, folds: pd.Series | None = None) -> None:
    """Hold out each conversation (``group``) of ``frame`` in turn, or each value of
    ``folds`` (one per row of ``frame``: e.g. the source file, whose threads are held out
    together): ours and every baseline are trained on ``base`` plus the rest and predict
    the held-out part; the pooled predictions are scored once over the four labels, with
    each part's accuracy in ``per_group``.  ``calibrated``: ours by the full recipe (two
    fits per fold: ECE is reported); otherwise one fit per fold with the design-prior
    correction only, which takes the same decisions (the temperature never changes one)
    at half the cost."""
    from discourse.classify.fit import prior_calibration

    dataset = str(frame["dataset"].iloc[0])
    preds: dict[str, list] = {}
    truth: list[str] = []
    groups: list[str] = []
    confidences: list[float] = []
    train = frame.iloc[:0]
    keys = (frame["group"] if folds is None else folds).astype(str).to_numpy()
    for doc in sorted(set(keys)):
        test = frame[keys == doc]
        train = cap(pd.concat([base, frame[keys != doc]], ignore_index=True))
        progress(f"{protocol}: held-out {doc} ({len(test)} comments)")
        train = _with_synthetic(train)
        if calibrated:
            model = _fit(train)
        else:
            model = LinearModel.fit(train)
            model.calibration = prior_calibration("design prior")
        proba = conditioned(model, test)
        decided = _inline_rule(test, proba)
        preds.setdefault(OURS, []).extend(decided)
        confidences.extend(_confidence(proba, decided))
        for name in baselines:
            b = BASELINES[name]()
            b.fit(train)
            preds.setdefault(name, []).extend(b.predict(test))
        truth.extend(test["label"])
        groups.extend([doc] * len(test))
    for name, p in preds.items():
        result = ev.add(protocol, dataset, name, truth, p, list(LABELS), len(train))
        hits = pd.Series(np.asarray(p, dtype=object) == np.asarray(truth, dtype=object))
        result["per_group"] = {g: {"n": int(len(h)), "accuracy": round(float(h.mean()), 3)}
                               for g, h in hits.groupby(np.asarray(groups))}
        if name == OURS and calibrated:
            _add_calibration(result, confidences, p, truth)


def _inline_rule(frame: pd.DataFrame, proba: pd.DataFrame) -> list[str]:
    labels = np.array(_restricted(proba, list(LABELS), frame), dtype=object)
    inline = frame["inline"].fillna(False).astype(bool).to_numpy()
    return list(np.where(inline, "moderation", labels))


def evaluate_file(ev: Evaluation, pairs: pd.DataFrame, name: str, model,
                  baselines: list[str], progress: Callable[[str], None]) -> None:
    """A user's labelled pairs: the model as is; baselines by grouped 5-fold CV."""
    from sklearn.model_selection import GroupKFold

    labels = sorted(set(pairs["label"]), key=LABELS.index)
    decision = labels if len(labels) > 1 else list(LABELS)
    progress(f"file {name}: {len(pairs)} pairs")
    ev.add("file", name, OURS, pairs["label"],
           _restricted(conditioned(model, pairs), decision, pairs), decision, 0)
    n_splits = min(5, pairs["group"].nunique())
    if n_splits < 2 or len(labels) < 2:
        ev.notes.append(f"{name}: too few groups or labels for baseline cross-validation")
        return
    for bname in baselines:
        pred = np.empty(len(pairs), dtype=object)
        for train_idx, test_idx in GroupKFold(n_splits).split(pairs, groups=pairs["group"]):
            b = BASELINES[bname]()
            b.fit(pairs.iloc[train_idx])
            pred[test_idx] = b.predict(pairs.iloc[test_idx])
        ev.add("file", name, bname, pairs["label"], pred, decision, len(pairs))


def run_evaluation(
    model_path: str | None = None,
    files: list[pd.DataFrame] | None = None,
    file_names: list[str] | None = None,
    seeds_dir: str | Path | None = None,
    public_data: bool = True,
    baselines: list[str] | None = None,
    max_train: int | None = None,
    progress: Callable[[str], None] = lambda _: None,
    *,
    data_root: str | Path | None = None,
    threads_root: str | Path | None = None,
    realpages_root: str | Path | None = None,
) -> Evaluation:
    """Run every protocol that has data; see the module docstring.  ``seeds_dir``: the
    seeds folder (with ``labels.csv``); ``data_root``: the public data folder (else
    ``$DISCOURSE_DATA``); ``threads_root``: the folder of the labelled real threads' files
    (else ``$DISCOURSE_THREADS``); ``realpages_root``: the shared real pages, a few labelled
    threads among them (else ``$DISCOURSE_REALPAGES``).  Absent data is noted and skipped."""
    from discourse.lab.datasets import data_dir, load_public, load_seeds

    start = time.perf_counter()
    ev = Evaluation()
    baselines = list(BASELINES) if baselines is None else baselines
    with cached_sentiment():
        if files:
            from discourse.classify import load_model

            model = load_model(model_path)
            for frame, name in zip(files, file_names or [], strict=True):
                evaluate_file(ev, frame, name, model, baselines, progress)
        else:
            try:
                if seeds_dir is None:
                    raise DataError("no seeds folder given")
                seeds = load_seeds(seeds_dir)
            except DataError as exc:
                ev.notes.append(f"seeds skipped: {exc}")
                seeds = pd.DataFrame()
            public = {}
            if public_data:
                if data_dir(data_root) is None:
                    ev.notes.append("public data not found (pass --data or set "
                                    "DISCOURSE_DATA): public datasets not evaluated")
                else:
                    public = load_public(root=data_root)
            from discourse.lab.datasets.realthreads import load_real_threads

            real = load_real_threads(threads_root, missing=ev.notes.append,
                                     realpages_root=realpages_root)
            splits = (real[real["split"] == "train"], real[real["split"] == "test"])
            if not len(seeds) and not public and not len(real):
                raise DataError("nothing to evaluate: no seeds labels, real threads or "
                                "public data")
            evaluate_public(ev, public, seeds, baselines, progress, max_train, splits)
    ev.seconds = time.perf_counter() - start
    return ev


def write_evaluation(ev: Evaluation, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``evaluation.json`` and ``evaluation.html`` into ``out_dir`` (normally the
    reports folder): :func:`discourse.report.evaluation.write_evaluation`."""
    from discourse.report.evaluation import write_evaluation as write

    return write(ev.to_json(), out_dir, OURS)
