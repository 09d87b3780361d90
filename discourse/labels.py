"""Everything about a label, in one table: what the four labels are, how they are
defined (and where the definition comes from), the colour every chart and page uses, the
label mix the classifier's calibration assumes, which labels need evidence in the text,
and when a confidence counts as uncertain.  Every other module reads this table.

A label is always **relative to what the comment answers**: its parent comment, the
earlier comment a flat reply names or quotes (``Comment.target_id``), else the article.
The definitions are the short forms of ``docs/labelling-guide.md`` §1, which the labelled
real-thread set was annotated with.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Label:
    """One label of the reply classifier."""

    #: The label as stored in ``Comment.label`` and every output.
    name: str
    #: One sentence for pages, help and the model card.
    definition: str
    #: Colour (hex) in every chart and badge: the Okabe–Ito colour-blind-safe palette
    #: (Okabe & Ito 2008, "Color Universal Design").
    colour: str
    #: Share of the label the calibration's prior correction assumes for comments under
    #: articles (see :mod:`discourse.classify.calibration`).
    prior: float
    #: True when the classifier may only choose the label with evidence in the comment
    #: besides its probabilities (see :mod:`discourse.classify.decide`).
    needs_evidence: bool = False

    @property
    def column(self) -> str:
        """Column-safe form ("off-topic" -> "off_topic"), as in ``share_off_topic``."""
        return self.name.replace("-", "_")


#: Where the definitions come from.
DEFINITION_SOURCE = "docs/labelling-guide.md §1 (the guide the labelled real threads follow)"

#: The four labels, in the order of every probability vector and table.  The priors are
#: the label mix of the labelled real threads' training split (see the model card); they
#: are a design constant, not re-estimated per training run.
TABLE: tuple[Label, ...] = (
    Label("agreement",
          "Endorses, thanks, concedes to or builds on what it answers, in the same direction "
          "(a helpful answer or a like-minded addition included).",
          "#0072B2", 0.48),
    Label("rebuttal",
          "Disputes, corrects, challenges, mocks or argues against what it answers (pointed "
          "sceptical questions included).",
          "#D55E00", 0.36),
    Label("moderation",
          "About the conduct of the discussion rather than its subject: moderator notes and "
          "warnings, removals, rules, calls for civility, calling out spam or off-topic posts.",
          "#CC79A7", 0.06, needs_evidence=True),
    Label("off-topic",
          "Engages neither what it answers nor the article's subject: spam, promotion, "
          "unrelated chatter, pasted unrelated news.",
          "#999999", 0.10, needs_evidence=True),
)

LABELS: tuple[str, ...] = tuple(label.name for label in TABLE)
BY_NAME: dict[str, Label] = {label.name: label for label in TABLE}
#: The two stances (the labels that take a side on what a comment answers).
STANCES: tuple[str, ...] = ("agreement", "rebuttal")

#: A label whose confidence is below this is shown and counted as uncertain.
UNCERTAIN_BELOW = 0.5

#: Colours of the states that are not labels.
UNLABELLED, OTHER = "unlabelled", "other"
EXTRA_COLOURS = {UNLABELLED: "#d3d8de", OTHER: "#E69F00"}
#: Every colour by name: the labels', then the states'.
COLOURS: dict[str, str] = {label.name: label.colour for label in TABLE} | EXTRA_COLOURS
DEFINITIONS: dict[str, str] = {label.name: label.definition for label in TABLE}
PRIOR: dict[str, float] = {label.name: label.prior for label in TABLE}


def is_uncertain(confidence: float | None) -> bool:
    """True for a confidence below :data:`UNCERTAIN_BELOW` (None: not labelled)."""
    return confidence is not None and confidence < UNCERTAIN_BELOW


def css_variables() -> str:
    """The colours as CSS custom properties (``--agreement: #0072B2; …``), emitted into
    every page's style sheet so that CSS and charts cannot disagree."""
    return " ".join(f"--{name}: {colour};" for name, colour in COLOURS.items())
