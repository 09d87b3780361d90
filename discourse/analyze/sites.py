"""Per-site aggregation of thread metrics rows: the one definition behind the table that
``discourse compare`` prints and the table and charts of ``compare.html``.

Input rows are :func:`~discourse.analyze.thread_metrics` rows (``size``, ``classified``,
``share_*``, ``moderation_count``...), grouped by their ``site`` value.  How each column is
aggregated is part of its definition (:data:`SITE_COLUMNS`):

* counts (threads, comments) are sums;
* shape figures (size, depth, width, h-index, Wiener index, participation Gini) are
  **medians over the site's threads with comments** (threads without comments have no
  shape);
* the escalation slope is the **mean** over the threads where it is defined;
* label shares **pool** the site's labelled comments (the mean of all their calibrated
  probabilities, so a large thread weighs more than a small one), with a 95 % interval
  from a cluster bootstrap that resamples the site's threads
  (:func:`discourse.analyze.shares.site_shares`);
* the uncertain share and the moderation rate pool the site's comments too (e.g.
  uncertain labels in all its threads / classified comments in all its threads).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import mean, median
from typing import Any

from discourse.analyze import shares as sh
from discourse.labels import LABELS
from discourse.numbers import fixed, signed

#: At most this many sites get their own row/box; smaller sites are pooled into
#: "other sites (N)" (their rows aggregated together, by the same rules).
MAX_SITES = 20

#: (key, heading, kind, definition) of every column of the site table, in order.  Kinds:
#: "text", "count", "median", "mean", "share" (shown as a percentage), "mix" (a label
#: share shown with its interval: the stats also hold ``<key>_low`` and ``<key>_high``),
#: "flag" (yes/no), "slope".
SITE_COLUMNS: list[tuple[str, str, str, str]] = [
    ("site", "site", "text", "The publication (see the definition of site)."),
    ("threads", "threads", "count", "Threads of the site, with or without comments."),
    ("with_comments", "with comments", "count", "Threads that have at least one comment."),
    ("comments", "comments", "count", "Comments in all the site's threads."),
    ("median_size", "median size", "median",
     "Median number of comments over the site's threads with comments."),
    ("median_max_depth", "median depth", "median",
     "Median of max_depth (deepest reply level) over the threads with comments."),
    ("median_width", "median width", "median",
     "Median of width (most comments at one depth) over the threads with comments."),
    ("median_h_index", "median h-index", "median",
     "Median of h_index over the threads with comments."),
    ("median_wiener_index", "median Wiener", "median",
     "Median of wiener_index (mean distance between nodes of the reply tree) over the "
     "threads with comments."),
    ("labelled", "labelled", "count",
     "Comments counted in the label mix (one of the four labels), in all the site's threads."),
    ("not_labelled", "not labelled", "count",
     "Comments not counted in the label mix: placeholders (deleted, pingbacks) and comments "
     "without one of the four labels."),
    *[(f"share_{label.replace('-', '_')}", label, "mix",
       f"Estimated share of {label} among all the site's labelled comments (the mean of "
       f"their calibrated probabilities of {label}: probabilistic classify-and-count, "
       f"Bella et al. 2010), with its {sh.LEVEL:.0%} interval from a cluster bootstrap "
       f"that resamples the site's threads ({sh.RESAMPLES:,} resamples; never narrower "
       f"than its threads' own intervals pooled).")
      for label in LABELS],
    ("shares_too_small", "mix too uncertain", "flag",
     f"yes when the site has fewer than {sh.MIN_LABELLED} labelled comments, fewer than "
     f"{sh.MIN_THREADS} threads with labelled comments, or a {sh.LEVEL:.0%} interval wider "
     f"than {sh.MAX_WIDTH * 100:.0f} percentage points: too little to estimate its mix."),
    ("share_uncertain", "uncertain", "share",
     "Labelled comments whose confidence is below the uncertainty threshold / all "
     "classified comments of the site."),
    ("mean_escalation_slope", "mean escalation", "slope",
     "Mean escalation_slope over the site's threads where it is defined."),
    ("median_participation_gini", "median Gini", "median",
     "Median participation_gini (0 = everyone posts equally, 1 = one person writes "
     "everything) over the threads with named participants."),
    ("moderation_rate", "moderation rate", "share",
     "Comments labelled moderation / all comments of the site's threads."),
]

_MEDIANS = {"median_size": "size", "median_max_depth": "max_depth", "median_width": "width",
            "median_h_index": "h_index", "median_wiener_index": "wiener_index",
            "median_participation_gini": "participation_gini"}


def site_groups(rows: Sequence[Mapping[str, Any]],
                max_sites: int | None = None) -> dict[str, list[Mapping[str, Any]]]:
    """Site -> rows, largest sites (most threads) first, ties by name; beyond
    ``max_sites`` (default :data:`MAX_SITES`) the smallest are pooled under
    ``"other sites (N)"``."""
    limit = MAX_SITES if max_sites is None else max_sites
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row.get("site")), []).append(row)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if len(ordered) <= limit:
        return dict(ordered)
    head = dict(ordered[: limit - 1])
    rest = [r for _, rs in ordered[limit - 1 :] for r in rs]
    head[f"other sites ({len(ordered) - limit + 1})"] = rest
    return head


def _number(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value != value else value  # NaN -> None


def label_counts(row: Mapping[str, Any]) -> dict[str, float]:
    """Label -> expected number of comments of a metrics row (estimated share × labelled
    comments)."""
    labelled = sh.labelled_of(row)
    return {label: (_number(row.get(f"share_{label.replace('-', '_')}")) or 0.0) * labelled
            for label in LABELS}


#: Keys of :func:`site_stats` beyond :data:`SITE_COLUMNS`: the interval ends of the
#: label shares.
INTERVAL_KEYS: list[str] = [f"share_{label.replace('-', '_')}{end}" for label in LABELS
                            for end in ("_low", "_high")]


def site_stats(site: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The :data:`SITE_COLUMNS` figures of one site (None where undefined), plus the
    interval ends of its label shares (:data:`INTERVAL_KEYS`)."""
    live = [r for r in rows if r.get("size")]
    comments = sum(int(r.get("size") or 0) for r in live)
    classified = sum(int(r.get("classified") or 0) for r in live)
    out: dict[str, Any] = {"site": site, "threads": len(rows), "with_comments": len(live),
                           "comments": comments}
    for key, column in _MEDIANS.items():
        values = [v for r in live if (v := _number(r.get(column))) is not None]
        out[key] = median(values) if values else None
    out.update(sh.site_shares(live).row())
    uncertain = sum(int(r.get("uncertain") or 0) for r in live)
    out["share_uncertain"] = uncertain / classified if classified else None
    slopes = [v for r in live if (v := _number(r.get("escalation_slope"))) is not None]
    out["mean_escalation_slope"] = mean(slopes) if slopes else None
    mods = sum(int(r.get("moderation_count") or 0) for r in live)
    out["moderation_rate"] = mods / comments if comments else None
    return {key: out[key] for key in [k for k, *_ in SITE_COLUMNS] + INTERVAL_KEYS}


def site_table(rows: Sequence[Mapping[str, Any]],
               max_sites: int | None = None) -> list[dict[str, Any]]:
    """One :func:`site_stats` dict per site of :func:`site_groups` (same order)."""
    return [site_stats(s, rs) for s, rs in site_groups(rows, max_sites).items()]


def format_value(kind: str, value: Any) -> str:
    """A site-table value as both the printed table and ``compare.html`` show it:
    counts with thousands separators, medians/means with up to 2 decimals, shares as
    whole percentages, slopes signed, flags yes/no; "–" when undefined.  Label shares
    with their interval: :func:`format_cell`."""
    if kind == "text":
        return str(value)
    if kind == "flag":
        return "–" if value is None else ("yes" if value else "no")
    number = _number(value)
    if number is None:
        return "–"
    if kind in ("share", "mix"):
        return f"{number:.0%}"
    if kind == "slope":
        return signed(number)
    if number.is_integer():
        return f"{int(number):,}"
    return fixed(number)


def format_share(value: Any, low: Any, high: Any) -> str:
    """A label share with its interval, "45% (38–52%)"; "–" when undefined."""
    number, lo, hi = _number(value), _number(low), _number(high)
    if number is None:
        return "–"
    if lo is None or hi is None:
        return f"{number:.0%}"
    return f"{number:.0%} ({lo:.0%}–{hi:.0%})".replace("%–", "–")


def format_cell(kind: str, key: str, stats: Mapping[str, Any]) -> str:
    """The text of column ``key`` (of ``kind``) of one :func:`site_stats` dict, as both
    ``discourse compare`` and ``compare.html`` show it."""
    if kind == "mix":
        return format_share(stats.get(key), stats.get(key + "_low"), stats.get(key + "_high"))
    return format_value(kind, stats.get(key))
