"""Labelled reply pairs: every data source as one uniform "pairs" DataFrame.

Each row is one reply and what it answers, labelled with one of :data:`discourse.LABELS`
relative to that parent.  Columns (see :data:`PAIR_COLUMNS`):

``parent``
    Text replied to; for a top-level comment, the article text ("" when unknown).
``reply``
    The reply text (never empty).
``article``
    The article / submission / source text, or "" when unknown.
``label``, ``dataset``, ``split``
    Our label, a short dataset name, and "train"/"dev"/"test" or "all".
``group``
    Id of the conversation (thread, submission, topic) for grouped cross-validation.
``depth``
    0 = top-level (answers the article/root), n = nested n levels deeper, -1 = unknown.
``inline``, ``is_article_author``
    Booleans (inline moderator note; reply written by the article's author).
``thread_id``, ``comment_id``
    Source ids as strings ("" when unknown).

The public files live read-only outside the repository (``../shared/data`` relative to the
project root, or ``$DISCOURSE_DATA``); :func:`data_dir` finds them and the loaders never copy
them.  Label mappings follow ``../shared/data/README.md``; each loader's docstring records
what it keeps and drops.
"""

from __future__ import annotations

import csv
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from discourse.errors import DataError
from discourse.model import LABELS

#: Column order of every pairs frame.
PAIR_COLUMNS: tuple[str, ...] = (
    "parent",
    "reply",
    "article",
    "label",
    "dataset",
    "split",
    "group",
    "depth",
    "inline",
    "is_article_author",
    "thread_id",
    "comment_id",
)

#: Environment variable that overrides the location of the public data folder.
DATA_ENV = "DISCOURSE_DATA"

_REPO_ROOT = Path(__file__).resolve().parents[2]

#: Public file names, relative to :func:`data_dir`.
FILES: dict[str, str] = {
    "debagreement_dev": "debagreement_dev.csv",
    "debagreement_test": "debagreement_test.csv",
    "iac_awtp_abcd": "agreement_pairs_iac_awtp_abcd.csv",
    "rumoureval": "rumoureval2017_taskA.csv",
    "umod": "umod_user_moderation.tsv",
    "youtube_spam": "youtube_spam",
}

#: UMOD moderation functions that count as moderation in our sense (shared README).
UMOD_FUNCTIONS: tuple[str, ...] = ("policing", "siteIssues", "organizing", "offTopic")


# -- locating the data -------------------------------------------------------------------
def data_dir() -> Path | None:
    """The public data folder, or None when it is absent.

    ``$DISCOURSE_DATA`` wins when set (None if it is not a directory); otherwise
    ``../shared/data`` relative to the project root (found from this file), then relative
    to the current working directory.
    """
    env = os.environ.get(DATA_ENV)
    if env:
        path = Path(env).expanduser()
        return path.resolve() if path.is_dir() else None
    for base in (_REPO_ROOT, Path.cwd()):
        path = base.parent / "shared" / "data"
        if path.is_dir():
            return path.resolve()
    return None


def _root(root: str | Path | None) -> Path:
    if root is not None:
        return Path(root)
    found = data_dir()
    if found is None:
        raise DataError(
            f"public data folder not found: set {DATA_ENV} or provide ../shared/data "
            "next to the project"
        )
    return found


def _public_file(key: str, root: str | Path | None) -> Path:
    path = _root(root) / FILES[key]
    if not path.exists():
        raise DataError(f"{path}: public data file not found")
    return path


# -- building frames -----------------------------------------------------------------------
def _text(values: pd.Series | str) -> pd.Series | str:
    """Strings with NaN -> "", byte-order marks removed and outer whitespace stripped."""
    if isinstance(values, str):
        return values.replace("\ufeff", "").strip()
    return values.fillna("").astype(str).str.replace("\ufeff", "", regex=False).str.strip()


def _pairs(
    *,
    parent: pd.Series | str,
    reply: pd.Series,
    label: pd.Series,
    dataset: str,
    split: pd.Series | str = "all",
    group: pd.Series | str,
    article: pd.Series | str = "",
    depth: pd.Series | int = -1,
    inline: pd.Series | bool = False,
    is_article_author: pd.Series | bool = False,
    thread_id: pd.Series | str = "",
    comment_id: pd.Series | str = "",
    drop_empty: bool = True,
) -> pd.DataFrame:
    """Assemble a pairs frame (scalars are broadcast) and drop rows with an empty reply."""
    index = reply.index
    cols: dict[str, object] = {
        "parent": _text(parent),
        "reply": _text(reply),
        "article": _text(article),
        "label": label,
        "dataset": dataset,
        "split": split,
        "group": group,
        "depth": depth,
        "inline": inline,
        "is_article_author": is_article_author,
        "thread_id": thread_id,
        "comment_id": comment_id,
    }
    frame = pd.DataFrame(
        {k: (v if isinstance(v, pd.Series) else pd.Series(v, index=index)) for k, v in cols.items()},
        index=index,
    )
    for name in ("parent", "reply", "article", "label", "dataset", "split", "group",
                 "thread_id", "comment_id"):
        frame[name] = frame[name].fillna("").astype(str)
    frame["depth"] = frame["depth"].fillna(-1).astype("int64")
    frame["inline"] = frame["inline"].fillna(False).astype(bool)
    frame["is_article_author"] = frame["is_article_author"].fillna(False).astype(bool)
    if drop_empty:
        frame = frame[frame["reply"] != ""]
    return frame.reset_index(drop=True)[list(PAIR_COLUMNS)]


def _hash_group(prefix: str, texts: pd.Series) -> pd.Series:
    """A stable short group id per distinct text (rows sharing a parent share a group)."""
    digest = pd.util.hash_pandas_object(texts.fillna(""), index=False).to_numpy(np.uint64)
    return pd.Series([f"{prefix}:{d & 0xFFFFFFFFFFFF:012x}" for d in digest], index=texts.index)


def empty_pairs() -> pd.DataFrame:
    """A pairs frame with no rows and the right columns."""
    return _pairs(parent="", reply=pd.Series([], dtype=str), label=pd.Series([], dtype=str),
                  dataset="", group="")


# -- public sources --------------------------------------------------------------------------
def load_debagreement(split: str = "test", *, root: str | Path | None = None) -> pd.DataFrame:
    """DEBAGREEMENT Reddit pairs: 0 -> rebuttal, 2 -> agreement, 1 (neutral) dropped.

    ``split`` is "dev", "test" or "all" (both).  article = submission title/text,
    group = thread_id = ``submission_id``, comment_id = ``msg_id_child``, depth unknown (-1).
    """
    if split == "all":
        return pd.concat([load_debagreement(s, root=root) for s in ("dev", "test")],
                         ignore_index=True)
    if split not in ("dev", "test"):
        raise DataError(f"DEBAGREEMENT split must be dev, test or all, not {split!r}")
    path = _public_file(f"debagreement_{split}", root)
    df = pd.read_csv(path, dtype={"submission_id": str, "msg_id_child": str})
    df = df[df["label"].isin([0, 2])]
    return _pairs(
        parent=df["body_parent"],
        reply=df["body_child"],
        article=df["submission_text"],
        label=df["label"].map({0: "rebuttal", 2: "agreement"}),
        dataset="debagreement",
        split=split,
        group=df["submission_id"],
        thread_id=df["submission_id"],
        comment_id=df["msg_id_child"],
    )


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
    path = _public_file("iac_awtp_abcd", root)
    df = pd.read_csv(path)
    df = df[df["label"].isin(["agree", "disagree"])].copy()
    key = ["quote_text", "response_text", "label"]
    df = df.drop_duplicates([*key, "split"])
    df["_prio"] = df["split"].map(_SPLIT_PRIORITY).fillna(3)
    df = df.sort_values("_prio", kind="stable").drop_duplicates(key).sort_index()
    topic = df["topic"].fillna("")
    by_quote = df["dataset"] + _hash_group("", df["quote_text"])
    group = (df["dataset"] + ":" + topic).where(topic != "", by_quote)
    return _pairs(
        parent=df["quote_text"],
        reply=df["response_text"],
        label=df["label"].map({"agree": "agreement", "disagree": "rebuttal"}),
        dataset="iac_awtp_abcd",
        split=df["split"],
        group=group,
    )


def load_rumoureval(*, root: str | Path | None = None) -> pd.DataFrame:
    """RumourEval 2017 task A: direct replies to the source tweet, support/deny only.

    Keeps rows at depth 1 whose parent is the source tweet: support -> agreement,
    deny -> rebuttal (query/comment dropped: they are not stances in our sense).
    parent = article = the source tweet, depth 0 (replying to the root), group = thread_id.
    """
    path = _public_file("rumoureval", root)
    df = pd.read_csv(path, dtype={"thread_id": str, "tweet_id": str, "parent_id": str})
    keep = (
        (df["depth"] == 1)
        & (df["parent_id"] == df["thread_id"])
        & df["label"].isin(["support", "deny"])
    )
    df = df[keep]
    return _pairs(
        parent=df["source_text"],
        reply=df["text"],
        article=df["source_text"],
        label=df["label"].map({"support": "agreement", "deny": "rebuttal"}),
        dataset="rumoureval",
        split=df["split"],
        group=df["thread_id"],
        depth=0,
        thread_id=df["thread_id"],
        comment_id=df["tweet_id"],
    )


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
    path = _public_file("umod", root)
    df = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_MINIMAL, dtype={"id": str})
    flagged = df[list(UMOD_FUNCTIONS)].fillna(0).astype(int).gt(0).any(axis=1)
    df = df[flagged & (df["softlabel_mace"].fillna(0) >= min_softlabel)]
    return _pairs(
        parent=df["preceding_comment"],
        reply=df["reply"],
        label=pd.Series("moderation", index=df.index),
        dataset="umod",
        group=_hash_group("umod", df["preceding_comment"]),
        comment_id=df["id"],
    )


def load_youtube_spam(*, root: str | Path | None = None) -> pd.DataFrame:
    """YouTube Spam Collection: spam (CLASS 1) -> off-topic; CLASS 0 dropped.

    Non-spam comments are not labelled for stance ("Nice song" is neither agreement nor
    rebuttal in our sense), so they are dropped.  These are top-level comments, so
    parent = article = "<artist> video" from the file name (e.g. "Psy video"; the video
    itself is not text, and an empty parent would single this dataset out), depth 0,
    group = thread_id = the file name, comment_id = ``COMMENT_ID`` (duplicates dropped).
    """
    folder = _public_file("youtube_spam", root)
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DataError(f"{folder}: no YouTube spam CSV files")
    frames = []
    for file in files:
        df = pd.read_csv(file, dtype={"COMMENT_ID": str})
        df = df[df["CLASS"] == 1].drop_duplicates("COMMENT_ID")
        artist = file.stem.split("-", 1)[-1] + " video"
        frames.append(
            _pairs(
                parent=artist,
                reply=df["CONTENT"],
                article=artist,
                label=pd.Series("off-topic", index=df.index),
                dataset="youtube_spam",
                group=file.name,
                depth=0,
                thread_id=file.name,
                comment_id=df["COMMENT_ID"],
            )
        )
    return pd.concat(frames, ignore_index=True)


def _debagreement_available(root: str | Path | None = None) -> pd.DataFrame:
    """Both DEBAGREEMENT splits, or the one present (with a warning for the other)."""
    frames = []
    for split in ("dev", "test"):
        try:
            frames.append(load_debagreement(split, root=root))
        except DataError as exc:
            if "not found" not in str(exc):
                raise
            warnings.warn(f"skipping debagreement {split}: {exc}", stacklevel=3)
    if not frames:
        raise DataError(f"{_root(root) / FILES['debagreement_test']}: public data file not found")
    return pd.concat(frames, ignore_index=True)


#: Public loaders by dataset name (each returns frames whose ``dataset`` is that name).
PUBLIC_LOADERS: dict[str, Callable[..., pd.DataFrame]] = {
    "debagreement": _debagreement_available,
    "iac_awtp_abcd": load_iac_awtp_abcd,
    "rumoureval": load_rumoureval,
    "umod": load_umod,
    "youtube_spam": load_youtube_spam,
}


def load_public(
    names: Iterable[str] | None = None, *, root: str | Path | None = None
) -> dict[str, pd.DataFrame]:
    """Load public datasets by name (all by default), skipping absent files with a warning."""
    wanted = list(PUBLIC_LOADERS) if names is None else list(names)
    unknown = [n for n in wanted if n not in PUBLIC_LOADERS]
    if unknown:
        raise DataError(
            f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(PUBLIC_LOADERS)}"
        )
    if root is None and data_dir() is None:
        warnings.warn(
            f"public data folder not found (set {DATA_ENV} or provide ../shared/data); "
            "no public datasets loaded",
            stacklevel=2,
        )
        return {}
    out: dict[str, pd.DataFrame] = {}
    for name in wanted:
        try:
            out[name] = PUBLIC_LOADERS[name](root=root)
        except DataError as exc:
            if "not found" not in str(exc) and "no YouTube" not in str(exc):
                raise
            warnings.warn(f"skipping {name}: {exc}", stacklevel=2)
    return out


# -- in-domain seeds ---------------------------------------------------------------------------
def _find_seeds(seeds_dir: str | Path) -> Path:
    path = Path(seeds_dir)
    if not path.is_absolute() and not path.exists() and (_REPO_ROOT / path).exists():
        path = _REPO_ROOT / path
    return path


def load_seeds(seeds_dir: str | Path = "seeds") -> pd.DataFrame:
    """Pairs for every hand-labelled seed comment (``<seeds_dir>/labels.csv``).

    parent = what the comment answers (its parent, quoted target, or the article),
    article = the thread's article, group = thread_id = document name, split "all".
    A relative ``seeds_dir`` is tried against the working directory, then the project root.
    """
    from discourse.read import parse_file

    folder = _find_seeds(seeds_dir)
    labels_path = folder / "labels.csv"
    if not labels_path.is_file():
        raise DataError(f"{labels_path}: seed labels not found")
    labels = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    missing = [c for c in ("document", "comment_id", "label") if c not in labels.columns]
    if missing:
        raise DataError(
            f"{labels_path}: missing column {missing[0]!r} "
            f"(available: {', '.join(map(str, labels.columns))})"
        )
    labels["label"] = labels["label"].str.strip()
    bad = labels.loc[~labels["label"].isin(LABELS), "label"]
    if len(bad):
        raise DataError(
            f"{labels_path}: {len(bad)} rows have labels outside {', '.join(LABELS)}: "
            f"{', '.join(sorted(map(repr, bad.unique())))}"
        )
    rows: list[dict[str, object]] = []
    for document, block in labels.groupby("document", sort=False):
        doc_path = folder / str(document)
        if not doc_path.is_file():
            raise DataError(f"{labels_path}: document {document!r} not found in {folder}")
        thread = parse_file(doc_path)
        index = thread.by_id()
        for cid, label in zip(block["comment_id"].str.strip(), block["label"], strict=True):
            comment = index.get(cid)
            if comment is None:
                raise DataError(f"{labels_path}: {document} has no comment {cid!r}")
            rows.append(
                {
                    "parent": thread.answered_text(comment, index),
                    "reply": comment.text,
                    "article": thread.article,
                    "label": label,
                    "depth": comment.depth,
                    "inline": comment.inline,
                    "thread_id": str(document),
                    "comment_id": cid,
                }
            )
    if not rows:
        return empty_pairs()
    df = pd.DataFrame(rows)
    return _pairs(
        parent=df["parent"],
        reply=df["reply"],
        article=df["article"],
        label=df["label"],
        dataset="seeds",
        group=df["thread_id"],
        depth=df["depth"],
        inline=df["inline"],
        thread_id=df["thread_id"],
        comment_id=df["comment_id"],
        drop_empty=False,
    )


# -- user files ------------------------------------------------------------------------------
def parse_mapping(spec: str) -> dict[str, str]:
    """Parse ``"0=rebuttal,2=agreement"`` into ``{"0": "rebuttal", "2": "agreement"}``.

    Whitespace around items is ignored and targets are case-insensitive; empty specs,
    items without ``=``, empty sides, conflicting repeats and targets outside LABELS raise
    :class:`DataError`.
    """
    if spec is None or not str(spec).strip():
        raise DataError("empty label mapping: expected e.g. '0=rebuttal,2=agreement'")
    mapping: dict[str, str] = {}
    for item in str(spec).split(","):
        item = item.strip()
        if not item:
            continue
        source, sep, target = item.partition("=")
        source, target = source.strip(), target.strip().lower()
        if not sep or not source or not target:
            raise DataError(
                f"malformed label mapping item {item!r}: expected SOURCE=LABEL, "
                "e.g. '0=rebuttal,2=agreement'"
            )
        if target not in LABELS:
            raise DataError(
                f"label mapping {item!r}: {target!r} is not one of {', '.join(LABELS)}"
            )
        if mapping.get(source, target) != target:
            raise DataError(f"label mapping maps {source!r} to both {mapping[source]!r} "
                            f"and {target!r}")
        mapping[source] = target
    if not mapping:
        raise DataError("empty label mapping: expected e.g. '0=rebuttal,2=agreement'")
    return mapping


def _read_table(path: Path) -> pd.DataFrame:
    suffixes = [s.lower() for s in path.suffixes] or [""]
    base = suffixes[-2] if suffixes[-1] == ".gz" and len(suffixes) > 1 else suffixes[-1]
    try:
        if base in (".csv", ".tsv", ".tab"):
            return _read_delimited(path, "," if base == ".csv" else "\t")
        if base in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True, dtype=False)
        if base in (".parquet", ".pq"):
            return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read as {base.lstrip('.')} ({first})") from exc
    raise DataError(
        f"{path}: unsupported file type {path.suffix!r} "
        "(use .csv, .tsv, .jsonl, .ndjson or .parquet)"
    )


#: Encodings tried in turn for CSV/TSV files: UTF-8 (BOM allowed), then the usual
#: spreadsheet exports (cp1252, latin-1; latin-1 decodes any bytes).
TABLE_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def _read_delimited(path: Path, sep: str) -> pd.DataFrame:
    """A CSV/TSV file as strings, decoded with the first of :data:`TABLE_ENCODINGS`
    that works; any encoding but UTF-8 is announced with a warning."""
    for encoding in TABLE_ENCODINGS:
        try:
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                                encoding=encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8-sig":
            warnings.warn(f"{path}: not UTF-8; decoded as {encoding}", stacklevel=4)
        return frame
    raise UnicodeDecodeError("latin-1", b"", 0, 0, "cannot decode")  # pragma: no cover


def _label_strings(values: pd.Series) -> pd.Series:
    """Labels as stripped strings; integral floats (2.0 from JSON/Parquet) become "2"."""
    if pd.api.types.is_float_dtype(values):
        integral = values.notna() & (values == np.floor(values))
        values = values.astype(object).where(~integral, values.fillna(0).astype("int64"))
    return values.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                      else str(v).strip())


def _counts(values: pd.Series, limit: int = 8) -> str:
    counts = values.value_counts()
    shown = [f"{v!r} ({n})" for v, n in counts.head(limit).items()]
    if len(counts) > limit:
        shown.append(f"... {len(counts) - limit} more")
    return ", ".join(shown)


def load_pairs_file(
    path: str | Path,
    parent_col: str | None,
    reply_col: str,
    label_col: str,
    mapping: Mapping[str, str] | None = None,
    article_col: str | None = None,
    *,
    group_col: str | None = None,
    drop_empty: bool = False,
    drop_unmapped: bool = False,
    dataset: str | None = None,
) -> pd.DataFrame:
    """Load a user's labelled pairs from CSV/TSV/JSONL/Parquet (chosen by suffix).

    With ``mapping`` (e.g. from :func:`parse_mapping`) every label value must be a key
    (``drop_unmapped=True`` drops the others instead); without it labels must already be
    among LABELS (case-insensitive).  Empty replies raise unless ``drop_empty=True`` (then
    they are dropped with a warning).  ``parent_col=None`` means "answers the article".
    Every problem is a one-line :class:`DataError` naming the file.  dataset defaults to
    the file's stem; group = ``group_col`` or a hash of the parent text.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    df = _read_table(path)
    needed = [c for c in (parent_col, reply_col, label_col, article_col, group_col) if c]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(
            f"{path}: missing column {', '.join(map(repr, missing))} "
            f"(available: {', '.join(map(str, df.columns)) or 'none'})"
        )
    raw = _label_strings(df[label_col])
    if mapping is not None:
        mapping = {str(k).strip(): str(v).strip().lower() for k, v in mapping.items()}
        bad_targets = sorted({v for v in mapping.values() if v not in LABELS})
        if bad_targets:
            raise DataError(
                f"{path}: mapping targets {', '.join(map(repr, bad_targets))} are not "
                f"among {', '.join(LABELS)}"
            )
        labels = raw.map(mapping)
        unmapped = labels.isna()
        if unmapped.any() and not drop_unmapped:
            raise DataError(
                f"{path}: {int(unmapped.sum())} rows have labels not in the mapping: "
                f"{_counts(raw[unmapped])}"
            )
    else:
        labels = raw.str.lower().where(raw.str.lower().isin(LABELS))
        unmapped = labels.isna()
        if unmapped.any():
            raise DataError(
                f"{path}: {int(unmapped.sum())} rows have labels outside "
                f"{', '.join(LABELS)}: {_counts(raw[unmapped])}; give a mapping "
                "such as '0=rebuttal,2=agreement'"
            )
    reply = _text(df[reply_col].astype(object))
    empty = reply == ""
    if empty.any():
        if not drop_empty:
            raise DataError(
                f"{path}: {int(empty.sum())} rows have an empty {reply_col!r} text "
                "(remove them or drop them explicitly)"
            )
        warnings.warn(f"{path}: dropped {int(empty.sum())} rows with an empty reply",
                      stacklevel=2)
    keep = ~unmapped & ~empty
    df, labels, reply = df[keep], labels[keep], reply[keep]
    article = _text(df[article_col].astype(object)) if article_col else ""
    parent = _text(df[parent_col].astype(object)) if parent_col else article
    name = dataset or path.name.split(".")[0]
    if group_col:
        group: pd.Series = df[group_col].astype(str)
    elif isinstance(parent, pd.Series):
        group = _hash_group(name, parent)
    else:
        group = pd.Series([f"{name}:{i}" for i in range(len(df))], index=df.index)
    return _pairs(
        parent=parent,
        reply=reply,
        article=article,
        label=labels,
        dataset=name,
        group=group,
        drop_empty=False,
    )
