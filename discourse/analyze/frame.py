"""One flat row of scalar metrics per thread, and a frame of such rows."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

import pandas as pd

from discourse.analyze import metrics as m
from discourse.analyze import shares as sh
from discourse.labels import DEFINITIONS, LABELS, UNCERTAIN_BELOW
from discourse.model import Thread
from discourse.sentiment import ensure_sentiment

GOMEZ_2008 = (
    "Gómez, Kaltenbrunner & López 2008, 'Statistical analysis of the social network and "
    "discussion threads in Slashdot' (WWW)"
)
GOMEZ_2011 = (
    "Gómez, Kappen & Kaltenbrunner 2011, 'Modeling the structure and evolution of "
    "discussion cascades' (HT)"
)
BACKSTROM_2013 = (
    "Backstrom, Kleinberg, Lee & Danescu-Niculescu-Mizil 2013, 'Characterizing and "
    "curating conversation threads' (WSDM)"
)
ZHANG_2018 = (
    "Zhang, Danescu-Niculescu-Mizil, Sauper & Taylor 2018, 'Characterizing online public "
    "discussions through patterns of participant interactions' (CSCW)"
)
SAVESKI_2021 = "Saveski, Roy & Roy 2021, 'The structure of toxic conversations on Twitter' (WWW)"
GOEL_2016 = (
    "Goel, Anderson, Hofman & Watts 2016, 'The structural virality of online diffusion' "
    "(Management Science)"
)
HUTTO_2014 = "Hutto & Gilbert 2014, 'VADER' (ICWSM)"


def default_site(thread: Thread) -> str:
    """The site (publication) of a thread, the default of ``report``, ``compare`` and
    ``analyze``: :attr:`Thread.site` when the reader found one (``og:site_name``, the
    domain, the subreddit), else the name of the folder holding the source file (plain
    text has no site of its own: put each site's pages in a folder of its name), else
    ``"unknown"``."""
    if thread.site:
        return thread.site
    if thread.source:
        folder = PurePath(thread.source).parent.name
        if folder:
            return folder
    return "unknown"


#: What each label means (the one label table, :mod:`discourse.labels`).
LABEL_DEFINITIONS: dict[str, str] = DEFINITIONS

SITE_DEFINITION = (
    "The publication the thread comes from: the site the page names (og:site_name, its "
    "domain, the subreddit or forum) or, for plain text, the folder holding the file "
    "(or what --site-from chose)."
)


def _col(label: str) -> str:
    """Column-safe form of a label ("off-topic" -> "off_topic")."""
    return label.replace("-", "_")


def _transition_definitions() -> dict[str, tuple[str, str]]:
    out = {}
    for parent in (m.ARTICLE, *LABELS):
        for child in LABELS:
            what = "the article (top-level comments)" if parent == m.ARTICLE \
                else f"{'an' if parent[0] in 'aeiou' else 'a'} {parent} comment"
            out[f"trans_{_col(parent)}_{_col(child)}"] = (
                f"Number of {child} comments answering {what}.",
                "",
            )
    return out


#: How the label shares are estimated, in words (pages, README, ``METRIC_DEFINITIONS``).
SHARES_METHOD = (
    "the mean of their calibrated probabilities of the label, not a count of their most "
    "probable labels (probabilistic classify-and-count; a comment without probabilities "
    "counts as its label, see shares_from)"
)
INTERVAL_METHOD = (
    f"a percentile bootstrap over the thread's labelled comments ({sh.RESAMPLES:,} "
    f"resamples, seeded)"
)
TOO_SMALL_DEFINITION = (
    f"True when the thread has fewer than {sh.MIN_LABELLED} labelled comments or a "
    f"{sh.LEVEL:.0%} interval wider than {sh.MAX_WIDTH * 100:.0f} percentage points: too "
    f"few labelled comments to estimate the mix (the summary says so)."
)


def _share_definitions() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for label in LABELS:
        key = f"share_{_col(label)}"
        out[key] = (f"Estimated share of the thread's labelled comments that are {label}: "
                    f"{SHARES_METHOD}. Its {sh.LEVEL:.0%} interval, {key}_low to "
                    f"{key}_high, is {INTERVAL_METHOD}.",
                    f"{sh.BELLA_2010}; {sh.EFRON_1993}")
        out[key + "_low"] = (f"Lower end of the {sh.LEVEL:.0%} interval of {key}: "
                             f"{INTERVAL_METHOD}.", sh.EFRON_1993)
        out[key + "_high"] = (f"Upper end of the {sh.LEVEL:.0%} interval of {key}: "
                              f"{INTERVAL_METHOD}.", sh.EFRON_1993)
    out.update({
        "labelled": ("Number of comments counted in the label mix: those carrying one of the "
                     "four labels (inline moderator notes, labelled by rule, included).", ""),
        "not_labelled": ("Number of comments not counted in the label mix: placeholders "
                         "(deleted, removed, pingbacks, empty) and any comment without one "
                         "of the four labels.", ""),
        "shares_too_small": (TOO_SMALL_DEFINITION, ""),
        "shares_from": ("What the label shares average: 'probabilities' (every labelled "
                        "comment's calibrated probabilities), 'labels' (no comment carried "
                        "probabilities, from an older output or a model without them: each "
                        "counts as its label, so the shares are label counts), 'mixed' "
                        "(some of each); empty when nothing is labelled.", ""),
    })
    return out


#: Column name -> (one-sentence definition, source citation or "").
METRIC_DEFINITIONS: dict[str, tuple[str, str]] = {
    "source": ("File or document the thread was read from.", ""),
    "title": ("Title of the article.", ""),
    "layout": ("Comment-section layout recognised by the parser (empty if none).", ""),
    "site": (SITE_DEFINITION, ""),
    "size": ("Number of comments, inline moderator notes and placeholders (deleted, "
             "pingback) included.", ""),
    "top_level": ("Number of comments answering the article directly.", ""),
    "replies": ("Number of comments answering another comment (size minus top_level).", ""),
    "classified": ("Number of comments carrying a label.", ""),
    "uncertain": (
        f"Number of labelled comments whose confidence is below {UNCERTAIN_BELOW:.0%}.", ""),
    "max_depth": ("Deepest reply level, top-level comments being depth 0.", SAVESKI_2021),
    "mean_depth": ("Mean reply depth of the comments (top-level = 0).", SAVESKI_2021),
    "width": ("Largest number of comments at any single depth level.", SAVESKI_2021),
    "branching_factor": (
        "Mean number of direct replies over comments that received at least one reply.",
        GOMEZ_2011,
    ),
    "h_index": (
        "Largest h such that at least h comments sit at level h or deeper, "
        "top-level comments being level 1.",
        GOMEZ_2008,
    ),
    "wiener_index": (
        "Mean distance between all pairs of nodes of the reply tree, article included "
        "(the Wiener index divided by the number of pairs).",
        GOEL_2016,
    ),
    "wiener_sum": (
        "Sum of the distances between all pairs of nodes of the reply tree, article "
        "included (the classical Wiener index).",
        GOEL_2016,
    ),
    "structural_virality": (
        "Same value as wiener_index: high when the discussion spreads through long reply "
        "chains rather than as one broadcast of top-level comments.",
        GOEL_2016,
    ),
    **_share_definitions(),
    "longest_rebuttal_chain": (
        "Length of the longest reply chain in which every comment is a rebuttal.",
        "",
    ),
    "longest_back_and_forth": (
        "Length of the longest reply chain in which exactly two authors alternate.",
        "",
    ),
    "reentry_rate": (
        "Share of comments (known author) written by someone who had already commented "
        "earlier in the thread.",
        BACKSTROM_2013,
    ),
    "reciprocity": (
        "Share of who-replies-to-whom edges a->b for which b->a also exists.",
        GOMEZ_2008,
    ),
    "participation_gini": (
        "Gini coefficient of the number of comments per known author (0 = equal shares).",
        ZHANG_2018,
    ),
    "participants": ("Number of distinct known comment authors.", ZHANG_2018),
    "escalation_slope": (
        "Mean over root-to-leaf branches (3+ scored comments) of the least-squares slope of "
        "negativity (minus the sentence-averaged VADER score) on depth; positive means "
        "replies turn more negative as they nest.",
        f"{SAVESKI_2021}; {HUTTO_2014}",
    ),
    "moderation_count": ("Number of comments labelled moderation.", ""),
    **_transition_definitions(),
}

#: Column order of :func:`metrics_frame`.
COLUMNS: list[str] = list(METRIC_DEFINITIONS)


def _transitions(thread: Thread) -> dict[str, int]:
    matrix = m.transition_matrix(thread)
    return {
        f"trans_{_col(str(p))}_{_col(str(c))}": int(matrix.loc[p, c])
        for p in matrix.index
        for c in matrix.columns
    }


def thread_metrics(thread: Thread, *, fill_sentiment: bool = True) -> dict[str, Any]:
    """One flat row of scalar metrics (keys = :data:`COLUMNS`) for ``thread``.

    With ``fill_sentiment`` (default) comments without a sentiment are scored with VADER
    first (on a copy) so that ``escalation_slope`` can be computed.
    """
    if fill_sentiment:
        thread = ensure_sentiment(thread)
    with m.shared_tree(thread):
        return _metrics(thread)


def _metrics(thread: Thread) -> dict[str, Any]:
    shares = sh.thread_shares(thread).row()
    row: dict[str, Any] = {
        "source": thread.source,
        "title": thread.title,
        "layout": thread.layout,
        "site": default_site(thread),
        "size": m.size(thread),
        "top_level": m.top_level_count(thread),
        "replies": m.size(thread) - m.top_level_count(thread),
        "classified": m.classified_count(thread),
        "uncertain": m.uncertain_count(thread),
        "max_depth": m.max_depth(thread),
        "mean_depth": m.mean_depth(thread),
        "width": m.width(thread),
        "branching_factor": m.branching_factor(thread),
        "h_index": m.h_index(thread),
        "wiener_index": m.wiener_index(thread),
        "wiener_sum": m.wiener_sum(thread),
        "structural_virality": m.structural_virality(thread),
        **shares,
        "longest_rebuttal_chain": len(m.longest_rebuttal_chain(thread)),
        "longest_back_and_forth": len(m.longest_back_and_forth(thread)),
        "reentry_rate": m.reentry_rate(thread),
        "reciprocity": m.reciprocity(thread),
        "participation_gini": m.participation_gini(thread),
        "participants": m.participant_count(thread),
        "escalation_slope": m.escalation_slope(thread),
        "moderation_count": m.moderation_count(thread),
        **_transitions(thread),
    }
    return {col: row[col] for col in COLUMNS}


def metrics_frame(threads: Iterable[Thread], *, fill_sentiment: bool = True) -> pd.DataFrame:
    """One row per thread (columns :data:`COLUMNS`), consuming ``threads`` once.

    Only the rows are kept, never the threads, so a lazy iterable of parsed documents
    streams through in constant thread memory.
    """
    rows = [thread_metrics(t, fill_sentiment=fill_sentiment) for t in threads]
    return pd.DataFrame(rows, columns=COLUMNS)
