"""Ensembles by composition: a weighted mean of member models' probabilities (each member
follows :mod:`discourse.classify.base`'s protocol), optionally calibrated as a whole and
with cost-sensitive decision offsets (:func:`discourse.classify.base.choose`).
Reasons and sentiment come from the first member that gives them (the linear model); a
member with weight 0 that ``explains`` is still asked, for its reasons only.

A shipped ensemble is a small JSON *sidecar* naming its member files (in the same folder,
each with its SHA-256), their weights and the calibration (:meth:`Ensemble.load`)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from discourse.classify.base import ModelMethods, Scored, score
from discourse.classify.calibration import Calibration
from discourse.classify.modelfile import file_sha256
from discourse.errors import ModelError
from discourse.labels import LABELS

SIDECAR_FORMAT = "discourse-ensemble-1"
MAX_SIDECAR_BYTES = 256 * 2**10
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Ensemble(ModelMethods):
    """``predict_proba(pairs) = calibration(Σ wᵢ · memberᵢ.predict_proba(pairs))`` with
    weights that sum to 1 (normalised here).  Raises :class:`ModelError` for no members,
    negative weights or weights summing to 0."""

    classes_ = LABELS

    def __init__(self, members: Sequence[tuple[Any, float]], name: str = "ensemble",
                 calibration: Calibration | None = None,
                 meta: dict[str, Any] | None = None,
                 decision: Sequence[float] | None = None) -> None:
        weights = np.array([float(w) for _, w in members])
        if not len(members) or (weights < 0).any() or weights.sum() <= 0:
            raise ModelError("an ensemble needs members with non-negative weights")
        self.members = [m for m, _ in members]
        self.weights = weights / weights.sum()
        self.name = name
        self.calibration = calibration or Calibration()
        #: Log-space offsets of the label decision (:func:`discourse.classify.base.choose`).
        self.decision = tuple(float(d) for d in decision) if decision is not None else None
        #: The evidence rule applies when every member that carries weight uses it.
        self.evidence_rule = all(getattr(m, "evidence_rule", True)
                                 for m, w in zip(self.members, self.weights, strict=True) if w > 0)
        self.meta = meta or {"members": [getattr(m, "meta", {}) for m in self.members],
                             "weights": self.weights.tolist()}

    def predict_proba(self, pairs: pd.DataFrame) -> np.ndarray:
        return self.score(pairs).proba

    def prepare(self) -> None:
        """Load what the members need for scoring now (see
        :meth:`~discourse.classify.stance.StanceModel.prepare`)."""
        for member in self.members:
            prepare = getattr(member, "prepare", None)
            if prepare is not None:
                prepare()

    def score(self, pairs: pd.DataFrame) -> Scored:
        """The (calibrated) weighted mean of the members' probabilities, with the first
        reasons and sentiment a member gives."""
        from discourse.classify.features import cached_sentiment

        out = Scored(np.zeros((len(pairs), len(LABELS))))
        # each member computes the pair features of the same texts: VADER once per text
        with cached_sentiment():
            for member, weight in zip(self.members, self.weights, strict=True):
                if weight == 0 and (out.reasons is not None
                                    or not getattr(member, "explains", False)):
                    continue
                scored = score(member, pairs)
                out.proba = out.proba + weight * scored.proba
                out.reasons = out.reasons or scored.reasons
                out.sentiment = scored.sentiment if out.sentiment is None else out.sentiment
        if len(out.proba):
            out.proba = self.calibration.apply(out.proba)
        return out

    def extend(self, pairs: pd.DataFrame, strength: float = 1.0) -> Ensemble:
        """A copy whose stance members are refitted on the user's labelled ``pairs`` with the
        shipped weights as the prior (:meth:`~discourse.classify.stance.StanceModel.extend`,
        ``discourse train DATA --extend``); the linear member, the mixture calibration and the
        decision offsets are kept.  Raises :class:`~discourse.errors.DataError` for no rows
        or unknown labels, :class:`ModelError` when no member can be extended."""
        members, extended = [], 0
        for member, weight in zip(self.members, self.weights, strict=True):
            if hasattr(member, "extend"):
                member = member.extend(pairs, strength=strength)
                extended += 1
            members.append((member, float(weight)))
        if not extended:
            raise ModelError(f"{self.name}: no member of this ensemble can be extended")
        meta = dict(self.meta) | {"extended_with": int(len(pairs)),
                                  "extend_strength": float(strength)}
        return Ensemble(members, self.name, self.calibration, meta, self.decision)

    # -- persistence ----------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str], name: str | None = None) -> Ensemble:
        """Load a sidecar: ``{"format", "name", "members": [{"file", "sha256", "kind",
        "weight"}], "calibration", "meta"}``.  Member files must sit in the sidecar's folder
        and match their SHA-256 before they are parsed; kinds are ``stance`` (an ``.npz``
        :class:`~discourse.classify.stance.StanceModel`), ``linear`` (a skops
        :class:`~discourse.classify.linear.LinearModel`).  Raises
        :class:`ModelError` (one line naming the file) for anything else."""
        path = Path(path)
        data = _read_sidecar(path)
        members = []
        for entry in data["members"]:
            file = path.parent / entry["file"]
            members.append((_load_member(file, entry), float(entry["weight"])))
        calibration = Calibration.from_meta(data.get("calibration"))
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        decision = data.get("decision")
        if decision is not None and not (isinstance(decision, list) and len(decision) == len(LABELS)
                                         and all(isinstance(d, (int, float)) and np.isfinite(d)
                                                 for d in decision)):
            raise ModelError(f"{path}: malformed decision offsets")
        return cls(members, name or str(data.get("name", "ensemble")), calibration, meta,
                   decision)

    def save(self, path: str | os.PathLike[str], files: Sequence[str]) -> Path:
        """Save every member under ``files`` (names in ``path``'s folder, in member order)
        and write the sidecar atomically; returns its path."""
        from discourse.atomic import atomic_output

        path = Path(path)
        if len(files) != len(self.members):
            raise ModelError(f"{path}: {len(self.members)} members but {len(files)} file names")
        entries = []
        for member, weight, file in zip(self.members, self.weights, files, strict=True):
            target = path.parent / file
            member.save(target)
            entries.append({"file": file, "kind": _kind(member), "weight": float(weight),
                            "sha256": file_sha256(target)})
        payload = {"format": SIDECAR_FORMAT, "name": self.name, "members": entries,
                   "calibration": self.calibration.to_meta(),
                   "decision": list(self.decision) if self.decision is not None else None,
                   "meta": self.meta}
        with atomic_output(path) as handle:
            handle.write(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
        return path


def _kind(member: Any) -> str:
    from discourse.classify.linear import LinearModel
    from discourse.classify.stance import StanceModel

    if isinstance(member, StanceModel):
        return "stance"
    if isinstance(member, LinearModel):
        return "linear"
    raise ModelError(f"cannot save a member of type {type(member).__name__}")



def _read_sidecar(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ModelError(f"{path}: cannot read model file ({exc.strerror or exc})") from None
    if not path.is_file() or size > MAX_SIDECAR_BYTES:
        raise ModelError(f"{path}: not a model sidecar of at most "
                         f"{MAX_SIDECAR_BYTES // 2**10} KiB")
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        raise ModelError(f"{path}: not a discourse model sidecar (not JSON)") from None
    if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
        raise ModelError(f"{path}: not a discourse ensemble sidecar (expects format "
                         f"{SIDECAR_FORMAT})")
    members = data.get("members")
    if not isinstance(members, list) or not members:
        raise ModelError(f"{path}: sidecar lists no members")
    for entry in members:
        ok = isinstance(entry, dict) and isinstance(entry.get("file"), str) \
            and _FILE_NAME.fullmatch(entry["file"]) and entry.get("kind") in (
                "stance", "linear") \
            and isinstance(entry.get("sha256"), str) and _HEX64.fullmatch(entry["sha256"]) \
            and isinstance(entry.get("weight"), (int, float)) \
            and np.isfinite(entry["weight"]) and entry["weight"] >= 0
        if not ok:
            raise ModelError(f"{path}: malformed member entry {str(entry)[:80]!r}")
    return data


def _load_member(file: Path, entry: dict[str, Any]) -> Any:
    if not file.is_file():
        raise ModelError(f"{file}: model member file not found")
    if file_sha256(file) != entry["sha256"]:
        raise ModelError(f"{file}: does not match the SHA-256 in its sidecar; refused")
    if entry["kind"] == "stance":
        from discourse.classify.stance import StanceModel

        return StanceModel.load(file)
    from discourse.classify.linear import LinearModel

    return LinearModel.load(file)
