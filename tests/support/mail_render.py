"""Random comment trees written as mail archives (mbox, Mailman pipermail text archives), for
the round-trip tests of :mod:`discourse.read.mail`.

Each :class:`~tests.support.export_render.Tree` is a conversation: its title the
Subject, its article the first message, every node a reply whose ``In-Reply-To`` (and
``References`` chain) names the message it answers.  Bodies are written in a random
transfer encoding (8bit, quoted-printable, base64; some as multipart/alternative with an
HTML copy), names sometimes as encoded words; conversations are interleaved as a list's
archive interleaves them (each message after the one it answers), and some messages are
stored twice (as pipermail archives do).  What the reader should give back is
:func:`tests.support.export_render.expected` of each tree, the text with its quote
marks normalised (:func:`discourse.read.mail.quote_marks`).
"""

from __future__ import annotations

import base64
import quopri
import random
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime

from tests.support.export_render import Tree

__all__ = ["archive", "message_id"]

_START = datetime(2014, 11, 29, 14, 26, 48, tzinfo=UTC)


def message_id(t: Tree, i: int | None) -> str:
    """The Message-ID (without brackets) of node ``i`` of ``t`` (None: the first message)."""
    return f"{t.key}.{'root' if i is None else i}@lists.example.org"


def _chain(t: Tree, i: int | None) -> list[str]:
    """Message-IDs from the conversation's first message down to node ``i``."""
    out: list[str] = []
    while i is not None:
        out.append(message_id(t, i))
        i = t.nodes[i].parent
    out.append(message_id(t, None))
    return out[::-1]


def _name(name: str, rng: random.Random) -> str:
    return Header(name, "utf-8").encode() if rng.random() < 0.3 else name


def _message(t: Tree, i: int | None, when: datetime, rng: random.Random,
             pipermail: bool) -> bytes:
    author = t.nodes[i].author if i is not None else "Opener"
    body = t.nodes[i].text if i is not None else t.article
    address = f"{author.lower()}@example.org"
    sender = address.replace("@", " at ") if pipermail else address
    head = [f"From {sender}  {when:%a %b} {when.day:2d} {when:%H:%M:%S %Y}"]
    if pipermail:
        head.append(f"From: {address.replace('@', ' at ')} ({_name(author, rng)})")
    else:
        head.append(f"From: {_name(author, rng)} <{address}>")
    head.append(f"Date: {format_datetime(when)}")
    subject = t.title if i is None else f"Re: {t.title}"
    head.append(f"Subject: {Header(subject, 'utf-8').encode()}")
    if i is not None:
        chain = _chain(t, t.nodes[i].parent)
        head.append(f"In-Reply-To: <{chain[-1]}>")
        head.append("References: " + " ".join(f"<{m}>" for m in chain))
    head.append(f"Message-ID: <{message_id(t, i)}>")
    if not pipermail:
        head.append("List-Id: Example discussion <talk.lists.example.org>")
    payload = body.encode("utf-8")
    kind = rng.choice(["8bit", "quoted-printable", "base64", "alternative"])
    if kind == "alternative":
        html = "<p>" + body.replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;").replace("\n\n", "</p><p>") + "</p>"
        head += ["MIME-Version: 1.0",
                 'Content-Type: multipart/alternative; boundary="=_b"', ""]
        parts = [b"--=_b",
                 b'Content-Type: text/plain; charset="utf-8"',
                 b"Content-Transfer-Encoding: quoted-printable", b"",
                 quopri.encodestring(payload).rstrip(b"\n"),
                 b"--=_b", b'Content-Type: text/html; charset="utf-8"',
                 b"Content-Transfer-Encoding: base64", b"",
                 base64.encodebytes(html.encode("utf-8")).rstrip(b"\n"), b"--=_b--"]
        text = b"\n".join(parts)
    else:
        head += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"',
                 f"Content-Transfer-Encoding: {kind}", ""]
        if kind == "quoted-printable":
            text = quopri.encodestring(payload).rstrip(b"\n")
        elif kind == "base64":
            text = base64.encodebytes(payload).rstrip(b"\n")
        else:
            text = payload
    return "\n".join(head).encode("utf-8") + b"\n" + text + b"\n\n"


def archive(ts: list[Tree], seed: int, pipermail: bool = False) -> bytes:
    """The trees' conversations as one mbox (``pipermail``: Mailman's text archive, the
    addresses written ``user at host``), interleaved at random (seeded), each message
    after the one it answers, some messages repeated."""
    rng = random.Random(seed)
    queues = [[None, *range(len(t.nodes))] for t in ts]
    out: list[bytes] = []
    when = _START
    while any(queues):
        k = rng.choice([n for n, q in enumerate(queues) if q])
        i = queues[k].pop(0)
        when += timedelta(minutes=rng.randint(1, 90))
        message = _message(ts[k], i, when, rng, pipermail)
        out.append(message)
        if rng.random() < 0.1:
            out.append(message)  # stored twice
    return b"".join(out)
