"""Numbers in words for people: counts with their noun in the right number, and decimals
that never read "-0.00".

The one place the project says "1 comment" and "2 comments": the command's messages, the
tree printout and every report page (the templates' ``count`` and ``plural`` filters) go
through :func:`count_of` and :func:`plural`.  Imports nothing of the project.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["count_of", "finite", "fixed", "plural", "signed"]

#: Plurals that are not the singular plus "s" (the nouns the project counts).
IRREGULAR = {"reply": "replies", "person": "people",
             "comment with conflicting labels": "comments with conflicting labels",
             "task without a label": "tasks without a label"}


def plural(n: Any, one: str, many: str | None = None) -> str:
    """``one`` when ``n`` is 1 (or -1), else ``many`` (default: :data:`IRREGULAR`, else
    ``one`` + "s")."""
    if n is not None and abs(float(n)) == 1:
        return one
    if many is not None:
        return many
    if one in IRREGULAR:
        return IRREGULAR[one]
    head, space, tail = one.rpartition(" ")
    if space and tail in IRREGULAR:
        return f"{head} {IRREGULAR[tail]}"
    return one + "s"


def count_of(n: Any, one: str, many: str | None = None) -> str:
    """``"1 comment"``, ``"2,345 comments"``: ``n`` with thousands separators and its
    noun in the right number (:func:`plural`)."""
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    shown = f"{n:,}" if isinstance(n, int) else str(n)
    return f"{shown} {plural(n, one, many)}"


def finite(value: Any) -> float | None:
    """``value`` as a finite float, or None (missing, a bool, not a number, inf, nan)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def fixed(value: Any, digits: int = 2, missing: str = "–", grouping: bool = True) -> str:
    """``value`` with ``digits`` decimals ("1,234.50"); a value that rounds to zero is
    "0.00", never "-0.00"; ``missing`` for None/NaN."""
    number = finite(value)
    if number is None:
        return missing
    text = f"{number:,.{digits}f}" if grouping else f"{number:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def signed(value: Any, digits: int = 2, missing: str = "–") -> str:
    """``value`` with its sign ("+0.12", "-0.30"); a value that rounds to zero is "0.00",
    with no sign; ``missing`` for None/NaN."""
    number = finite(value)
    if number is None:
        return missing
    text = f"{number:+.{digits}f}"
    return text[1:] if float(text) == 0 else text
