"""Honest evaluation of the shipped reply classifier against baselines, per class, on data
it never trained on.

Protocols (``python -m discourse.lab evaluate`` / ``discourse evaluate`` in a clone):

* ``real threads (test split)`` — the labelled real threads of the test **sources** (whole
  sites held out: :data:`discourse.lab.labelset.TEST_SITES`); the shipped model as it is
  (trained on the train and dev sources), its two members alone, and the baselines trained
  on the train and dev sources.  Four labels: per class, macro-F1 with its bootstrap
  interval, agreement-vs-rebuttal macro-F1, expected calibration error, and the **share
  error**: for each thread with at least :data:`SHARE_MIN` labelled comments, the largest
  difference over the four labels between the thread's true label share and the share the
  report shows (the mean of calibrated probabilities, :mod:`discourse.analyze.shares`),
  averaged over threads — in percentage points.
* ``real threads (sources held out)`` — every labelled comment scored once by a model that
  never saw its site: :data:`FOLDS` folds grouped by site (scikit-learn ``GroupKFold``);
  in each, the shipped recipe is run in full on the other sites (members fitted on an
  inner train part, mixture calibration and decision offsets fitted on an inner dev part
  of other sites, members refitted on both), so the calibration is nested too.
* ``public test splits`` — the shipped model as is on the public sets' test splits it
  never saw (DEBAGREEMENT, IAC/AWTP/ABCD and RumourEval agreement-vs-rebuttal: decided
  between those two; UMOD: moderation recall, all four labels), baselines trained on each
  set's own training split (an in-dataset reference the shipped model does not get).
* ``seeds`` — the five hand-labelled seed documents, never trained on.
* throughput: comments per second of the shipped model on the test split with the runtime
  encoder (not the research cache).

Every macro-F1 comes with a 95 % bootstrap interval over rows
(:func:`discourse.classify.scoring.macro_f1_interval`); rows of one thread are not
independent, so the per-thread and per-source figures are the ones to read for spread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from discourse.classify.base import choose
from discourse.classify.scoring import (
    OURS,
    Evaluation,
    add_calibration,
    decision_labels,
    evaluate_labelled,
    score_model,
)
from discourse.errors import DataError
from discourse.lab.baselines import BASELINES
from discourse.lab.select import restricted, stance_f1
from discourse.labels import LABELS

REAL_TEST = "real threads (test split)"
HELD_OUT = "real threads (sources held out)"
PUBLIC_TEST = "public test splits"
SEEDS = "seeds"
#: Folds of the sources-held-out protocol.
FOLDS = 5
#: Fewest labelled comments of a thread whose share error is counted.
SHARE_MIN = 10
#: Most test rows scored per public set (a seeded sample; the note says when it applies).
PUBLIC_CAP = 4000
#: Names of the shipped model's members alone.
MEMBER_NAMES = ("discourse: stance member", "discourse: linear member")


def share_error(truth: pd.Series, proba: np.ndarray, groups: pd.Series,
                minimum: int = SHARE_MIN) -> dict[str, Any]:
    """Mean over threads (``groups``) with at least ``minimum`` rows of the worst-label
    absolute difference between the true label share and the mean probability (``proba``,
    rows × 4) — and the same for counted argmax labels: ``{"threads", "pcc", "counted"}``,
    errors in percentage points (``None`` without such a thread)."""
    truth = np.asarray(truth, dtype=object)
    groups = np.asarray(groups, dtype=object)
    onehot = (truth[:, None] == np.array(LABELS, dtype=object)[None, :]).astype(float)
    argmax = np.zeros_like(onehot)
    argmax[np.arange(len(proba)), np.asarray(proba).argmax(1)] = 1.0
    pcc, counted = [], []
    for g in dict.fromkeys(groups):
        rows = groups == g
        if rows.sum() < minimum:
            continue
        true_share = onehot[rows].mean(0)
        pcc.append(np.abs(np.asarray(proba)[rows].mean(0) - true_share).max())
        counted.append(np.abs(argmax[rows].mean(0) - true_share).max())
    if not pcc:
        return {"threads": 0, "pcc": None, "counted": None}
    return {"threads": len(pcc), "pcc": round(100 * float(np.mean(pcc)), 1),
            "counted": round(100 * float(np.mean(counted)), 1)}


def add_scores(ev: Evaluation, protocol: str, dataset: str, model: str, test: pd.DataFrame,
               proba: np.ndarray | None, pred: list[str], train_rows: int,
               labels: list[str] | None = None) -> dict[str, Any]:
    """One result row: per class and macro-F1 over ``labels`` (all four by default), and
    with probabilities the agreement-vs-rebuttal F1, calibration and share error."""
    labels = list(LABELS) if labels is None else labels
    result = ev.add(protocol, dataset, model, test["label"], pred, labels, train_rows)
    if proba is not None:
        result["stance_f1"] = stance_f1(test["label"], proba)
        if len(labels) == len(LABELS):
            confidence = np.asarray(proba)[np.arange(len(pred)),
                                           [LABELS.index(p) for p in pred]]
            add_calibration(result, confidence, pred, test["label"])
            if "group" in test.columns:
                result["share_error"] = share_error(test["label"], proba, test["group"])
    return result


def _baselines(ev: Evaluation, protocol: str, dataset: str, train: pd.DataFrame,
               test: pd.DataFrame, names: list[str], labels: list[str] | None = None) -> None:
    for name in names:
        baseline = BASELINES[name]()
        rows = train if labels is None else train[train["label"].isin(labels)]
        baseline.fit(rows)
        add_scores(ev, protocol, dataset, name, test, None, list(baseline.predict(test)),
                   len(rows), labels)


def shipped_model(encoder: Any = None):
    """The shipped default model; with ``encoder``, its stance member encodes through it
    (the research cache: same vectors, computed once)."""
    from discourse.classify import load_model

    model = load_model(None)
    if encoder is not None:
        for member in model.members:
            if hasattr(member, "_encoder"):
                member._encoder = encoder
    return model


def evaluate_real_test(ev: Evaluation, model: Any, train: pd.DataFrame, test: pd.DataFrame,
                       baselines: list[str], progress: Callable[[str], None]) -> None:
    """The shipped model, its members alone and the baselines on the test sources."""
    progress(f"{REAL_TEST}: {len(test):,} comments, {test['site'].nunique()} sources")
    proba = model.predict_proba(test)
    add_scores(ev, REAL_TEST, "real_threads", OURS, test, proba,
               choose(proba, model.decision), len(train))
    for member, name in zip(model.members, MEMBER_NAMES, strict=False):
        p = member.predict_proba(test)
        add_scores(ev, REAL_TEST, "real_threads", name, test, p, choose(p), len(train))
    _baselines(ev, REAL_TEST, "real_threads", train, test, baselines)


def _recipe_proba(train: pd.DataFrame, test: pd.DataFrame, enc: Any, public: pd.DataFrame | None,
                  seed: int) -> tuple[np.ndarray, list[str]]:
    """The shipped recipe run in full on ``train`` (:func:`discourse.lab.train.fit_recipe`,
    with an inner split of a quarter of its sites for the calibration and decision
    offsets), applied to ``test``: (probabilities, labels)."""
    from sklearn.model_selection import GroupShuffleSplit

    from discourse.lab.train import SHIPPED, fit_recipe

    inner = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=seed)
    fit_idx, dev_idx = next(inner.split(train, groups=train["site"]))
    model, _ = fit_recipe(train.iloc[fit_idx], train.iloc[dev_idx], SHIPPED, enc, public,
                          refit=train)
    proba = model.predict_proba(test)
    return proba, choose(proba, model.decision)


def evaluate_held_out(ev: Evaluation, real: pd.DataFrame, enc: Any,
                      public: pd.DataFrame | None, baselines: list[str],
                      progress: Callable[[str], None], folds: int = FOLDS) -> None:
    """Every labelled real comment predicted by the recipe run without its site
    (:data:`FOLDS` folds grouped by site), pooled and scored once, with each site's
    accuracy in ``per_group``."""
    from sklearn.model_selection import GroupKFold

    real = real.reset_index(drop=True)
    proba = np.zeros((len(real), len(LABELS)))
    pred = np.empty(len(real), dtype=object)
    base_pred = {name: np.empty(len(real), dtype=object) for name in baselines}
    splitter = GroupKFold(n_splits=folds)
    for k, (train_idx, test_idx) in enumerate(splitter.split(real, groups=real["site"])):
        train, test = real.iloc[train_idx], real.iloc[test_idx]
        progress(f"{HELD_OUT}: fold {k + 1}/{folds}: {test['site'].nunique()} sources, "
                 f"{len(test):,} comments held out")
        p, labels = _recipe_proba(train, test, enc, public, seed=k)
        proba[test_idx] = p
        pred[test_idx] = labels
        for name in baselines:
            baseline = BASELINES[name]().fit(train)
            base_pred[name][test_idx] = baseline.predict(test)
    rows = int(len(real) * (folds - 1) / folds)
    truth = real["label"].to_numpy(dtype=object)
    for name, labels, p in [(OURS, pred, proba),
                            *((n, b, None) for n, b in base_pred.items())]:
        result = add_scores(ev, HELD_OUT, "real_threads", name, real, p, list(labels), rows)
        hits = pd.Series(labels == truth)
        result["per_group"] = {site: {"n": int(len(h)), "accuracy": round(float(h.mean()), 3)}
                               for site, h in hits.groupby(real["site"].to_numpy())}


def evaluate_public_tests(ev: Evaluation, model: Any, public: dict[str, pd.DataFrame],
                          baselines: list[str], progress: Callable[[str], None]) -> None:
    """The shipped model as is on each public set's test split (see the module docs)."""
    rng = np.random.default_rng(0)
    for name, frame in public.items():
        if name == "youtube_spam":
            ev.notes.append("youtube_spam not scored: its videos are threads of the labelled "
                            "real-thread set (scored there)")
            continue
        has_test = (frame["split"] == "test").any()
        test = frame[frame["split"] == "test"] if has_test else frame
        train = frame[frame["split"] != "test"]
        if len(test) > PUBLIC_CAP:
            test = test.iloc[np.sort(rng.choice(len(test), PUBLIC_CAP, replace=False))]
            ev.notes.append(f"{name}: a seeded sample of {PUBLIC_CAP:,} test rows scored")
        present = sorted(set(test["label"]), key=LABELS.index)
        progress(f"{PUBLIC_TEST} / {name}: {len(test):,} rows")
        proba = model.predict_proba(test)
        if len(present) == 1:
            add_scores(ev, PUBLIC_TEST, name, OURS, test, proba,
                       choose(proba, model.decision), 0)
            ev.notes.append(f"{name}: single-class set ({present[0]}); read its recall")
            continue
        add_scores(ev, PUBLIC_TEST, name, OURS, test, proba, restricted(proba, present), 0,
                   present)
        if len(train):
            _baselines(ev, PUBLIC_TEST, name, train, test, baselines, present)


def throughput(model_spec: Any, test: pd.DataFrame, rows: int = 1000) -> float:
    """Comments per second of a freshly loaded model (runtime encoder) on the first
    ``rows`` test rows, loading excluded."""
    from discourse.classify import load_model

    model = load_model(model_spec)
    sample = test.iloc[:rows]
    start = time.perf_counter()
    model.predict_proba(sample)
    seconds = time.perf_counter() - start
    return round(len(sample) / seconds, 1) if seconds > 0 else float("nan")


def evaluate_file(ev: Evaluation, pairs: pd.DataFrame, name: str, model,
                  baselines: list[str], progress: Callable[[str], None],
                  all_labels: bool = False) -> None:
    """A user's labelled pairs: the model as is (the runtime's
    :func:`~discourse.classify.scoring.evaluate_labelled`); baselines by grouped 5-fold CV
    (:func:`file_baselines`)."""
    evaluate_labelled(ev, pairs, name, model, all_labels, progress)
    file_baselines(ev, pairs, name, baselines, all_labels)


def file_baselines(ev: Evaluation, pairs: pd.DataFrame, name: str, baselines: list[str],
                   all_labels: bool = False) -> None:
    """The baselines on a user's labelled pairs, by 5-fold cross-validation grouped by
    conversation, over the labels ours is scored on (:func:`decision_labels`)."""
    from sklearn.model_selection import GroupKFold

    labels = sorted(set(pairs["label"]), key=LABELS.index)
    decision = decision_labels(pairs, all_labels)
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
        scored = decision
        if all_labels:  # as ours: over the labels the file or the predictions use
            seen = set(pairs["label"]) | set(pred)
            scored = [label for label in decision if label in seen]
        ev.add("file", name, bname, pairs["label"], pred, scored, len(pairs))


def _is_llm(spec: object) -> bool:
    from discourse.classify.llm import is_llm_spec

    return is_llm_spec(spec)


def evaluate_untrained(ev: Evaluation, spec, test: pd.DataFrame,
                       progress: Callable[[str], None]) -> None:
    """A model that is not trained here (your language model, ``--model llm``): scored as
    is on the real threads' test split over the four labels, with its estimate first."""
    from discourse.classify import load_model
    from discourse.classify.llm import items_of

    if not len(test):
        raise DataError("no labelled real threads in the test split to score the language "
                        "model on (give DATA files, or --threads DIR)")
    model = load_model(spec)
    progress(model.plan([items_of(test, model.resolve())]).line())
    score_model(ev, REAL_TEST, "real_threads", model, test, list(LABELS), 0)
    ev.notes.append(f"{OURS} is the language model {model.resolve()} at "
                    f"{model.config.urls[0]} (prompt {model.meta['prompt']}); no training, "
                    "no baselines")


#: The note of a run without the public labelled data: what was evaluated and what not
#: (it used to say "only the seeds were evaluated" after scoring the real threads too).
PUBLIC_DATA_ABSENT = ("public data not found (give --shared DIR or set DISCOURSE_DATA): the "
                      "public stance datasets were not evaluated; the seeds and the labelled "
                      "real threads were")


#: The note of a run without the public labelled data: what was evaluated and what not.
PUBLIC_DATA_ABSENT = ("public data not found (give --shared DIR or set DISCOURSE_DATA): the "
                      "public stance datasets were not evaluated; the seeds and the labelled "
                      "real threads were")


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
    held_out: bool = True,
) -> Evaluation:
    """Run every protocol that has data (see the module docstring).  ``seeds_dir``: the
    seeds folder (with ``labels.csv``); ``data_root``: the public data folder (else
    ``$DISCOURSE_DATA``); ``threads_root``: the labelled real threads' files (else
    ``$DISCOURSE_THREADS``, else the clone's fixtures); ``realpages_root``: the shared real
    pages; ``max_train``: subsample each held-out fold's training rows (quick runs);
    ``held_out``: run the sources-held-out protocol (ten model fits).  Absent data is noted
    and skipped; raises :class:`DataError` when there is nothing to evaluate."""
    from discourse.classify.features import cached_sentiment
    from discourse.lab.datasets import data_dir, load_public
    from discourse.lab.datasets.realthreads import load_real_threads
    from discourse.lab.datasets.seeds import load_seeds
    from discourse.lab.train import PUBLIC, encoder

    start = time.perf_counter()
    ev = Evaluation()
    baselines = list(BASELINES) if baselines is None else baselines
    with cached_sentiment():
        if files:
            from discourse.classify import load_model

            model = load_model(model_path)
            for frame, name in zip(files, file_names or [], strict=True):
                evaluate_file(ev, frame, name, model, baselines, progress)
            ev.seconds = time.perf_counter() - start
            return ev
        skipped: list[str] = []
        real = load_real_threads(threads_root, missing=skipped.append,
                                 realpages_root=realpages_root)
        if skipped:
            ev.notes.append(f"{len(skipped)} labelled threads skipped (their files are not "
                            f"present or unreadable), e.g. {skipped[0]}")
        test = real[real["split"] == "test"].reset_index(drop=True)
        if _is_llm(model_path):
            evaluate_untrained(ev, model_path, test, progress)
            ev.seconds = time.perf_counter() - start
            return ev
        if model_path not in (None, "fast", "accurate"):
            ev.notes.append(f"the protocols score the shipped model; --model {model_path} "
                            "is used for user files (DATA) only")
        try:
            seeds = load_seeds(seeds_dir) if seeds_dir is not None else pd.DataFrame()
        except DataError as exc:
            ev.notes.append(f"seeds skipped: {exc}")
            seeds = pd.DataFrame()
        public: dict[str, pd.DataFrame] = {}
        if public_data:
            if data_dir(data_root) is None:
                ev.notes.append(PUBLIC_DATA_ABSENT)
            else:
                public = load_public(root=data_root)
        if not len(real) and not len(seeds) and not public:
            raise DataError("nothing to evaluate: no labelled real threads, seed labels or "
                            "public data")
        enc = encoder()
        model = shipped_model(enc)
        seen = real[real["split"] != "test"]
        if len(test):
            evaluate_real_test(ev, model, seen, test, baselines, progress)
            progress("throughput on the test split (runtime encoder)")
            speed = throughput(model_path if model_path else None, test)
            for result in ev.results:
                if result["protocol"] == REAL_TEST and result["model"] == OURS:
                    result["pairs_per_second"] = speed
        if len(seeds):
            progress(f"{SEEDS}: {len(seeds):,} labelled comments")
            proba = model.predict_proba(seeds)
            add_scores(ev, SEEDS, "seeds", OURS, seeds, proba, choose(proba, model.decision),
                       len(seen))
            _baselines(ev, SEEDS, "seeds", seen, seeds, baselines)
        if public:
            evaluate_public_tests(ev, model, public, baselines, progress)
        if held_out and real["site"].nunique() >= FOLDS:
            frames = [f[f["split"] != "test"] for n, f in public.items() if n in PUBLIC]
            extra = pd.concat(frames, ignore_index=True) if frames else None
            rows = real
            if max_train and len(rows) > max_train:
                rows = rows.sample(max_train, random_state=0)
                ev.notes.append(f"{HELD_OUT}: a seeded sample of {max_train:,} comments")
            evaluate_held_out(ev, rows, enc, extra, baselines, progress)
        enc.save()
    ev.seconds = time.perf_counter() - start
    return ev


def write_evaluation(ev: Evaluation, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``evaluation.json`` and ``evaluation.html`` into ``out_dir`` (normally the
    reports folder): :func:`discourse.report.evaluation.write_evaluation`."""
    from discourse.report.evaluation import write_evaluation as write

    return write(ev.to_json(), out_dir, OURS)
