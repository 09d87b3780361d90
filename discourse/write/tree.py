"""The reply tree for a human (``--tree``) and text made safe for a terminal."""

from __future__ import annotations

import re

from discourse.model import Thread
from discourse.numbers import count_of

__all__ = ["format_tree", "strip_controls"]

#: Terminal control sequences and characters: ANSI/VT escape sequences (CSI, OSC, other
#: ESC sequences), C0 controls except tab and newline, DEL, C1 controls, and the Unicode
#: bidirectional overrides/isolates that can make text display differently from what it is.
_CONTROLS = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"   # CSI (7- or 8-bit) ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[ -/]*[0-~]?"                  # other ESC sequences
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """``text`` without terminal control sequences (see ``_CONTROLS``); carriage returns
    are dropped too, so a line cannot overwrite itself.  Used for everything printed to a
    terminal (``--tree``, warnings, errors)."""
    return _CONTROLS.sub("", text)


def format_tree(thread: Thread, width: int = 72) -> str:
    """The reply tree indented for a human: id, depth, author, label with its confidence
    (``?`` marks an uncertain label), first words.  Safe to print to a terminal: control
    characters are removed (:func:`strip_controls`) and the title is cut to 200
    characters."""
    from discourse.analyze.metrics import is_uncertain

    title = " ".join(strip_controls(thread.title[:400]).split())
    if len(title) > 200:
        title = title[:199] + "…"
    where = thread.site or thread.layout or "no comments"
    head = f"{title}  [{strip_controls(where)[:80]}, {count_of(len(thread.comments), 'comment')}]"
    out = [head]
    for c in thread.comments:
        who = " ".join(strip_controls(c.author or "—")[:60].split()) or "—"
        tag = " (inline note)" if c.inline else ""
        target = f" → {strip_controls(c.target_id)}" if c.target_id else ""
        label = ""
        if c.label:
            conf = f" {c.confidence:.0%}" if c.confidence is not None else ""
            label = f" [{strip_controls(c.label)}{conf}{'?' if is_uncertain(c) else ''}]"
        first = " ".join(strip_controls(c.text[: 4 * width + 64]).split())
        room = max(10, width - 2 * c.depth - len(who) - len(c.id))
        if len(first) > room:
            first = first[: room - 1] + "…"
        cid = strip_controls(c.id)
        out.append(f"{'  ' * c.depth}{cid} d{c.depth} {who}{tag}{target}{label}: {first}")
    return "\n".join(out)
