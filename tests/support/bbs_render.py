"""Random comment trees written as the flat text forms of Asian boards, for the round-trip
tests of :mod:`discourse.read.chan_dat` (2ch/5ch ``.dat``) and :mod:`discourse.read.ptt`
(PTT article files).

Both forms are flat: every node is a post under the article, in insertion (= time) order.
In a ``.dat`` a node that answers another opens with the ``>>N`` anchor of that node's
post (the reader gives it ``target_id``); a PTT push is one line, so a node's paragraphs
are joined by a space.  :func:`flat_expected` is what the readers should give back.
"""

from __future__ import annotations

import html
import random
from datetime import datetime, timedelta, timezone

from tests.support.export_render import Tree

__all__ = ["dat", "flat_expected", "ptt"]

_JST = timezone(timedelta(hours=9))
_TAIPEI = timezone(timedelta(hours=8))
_WEEKDAYS = "月火水木金土日"


def flat_expected(t: Tree, one_line: bool = False, anchors: bool = False
                  ) -> list[tuple[str, str | None, str | None, str]]:
    """``(id, parent_id, target_id, text)`` per node: ids ``1``, ``2``, … in insertion
    order, no parents; ``anchors``: a reply's target is the node it answers and its text
    opens with the ``>>N`` line; ``one_line``: paragraphs joined by a space."""
    out: list[tuple[str, str | None, str | None, str]] = []
    for i, node in enumerate(t.nodes):
        text = " ".join(node.paragraphs) if one_line else node.text
        target = None
        if anchors and node.parent is not None:
            target = str(node.parent + 1)
            text = f">>{node.parent + 2}\n{text}"
        out.append((str(i + 1), None, target, text))
    return out


def _dat_body(text: str) -> str:
    return " " + " <br> ".join(html.escape(line, quote=False) for line in text.split("\n")) + " "


def dat(t: Tree, encoding: str = "cp932", seed: int = 0) -> bytes:
    """``t`` as a 2ch/5ch ``.dat``: the article as post 1 (with the title), each node a
    post; replies open with a ``>>N`` anchor link (as 5ch serves them) or a bare
    ``&gt;&gt;N`` (as older boards do)."""
    rng = random.Random(seed)
    when = datetime(2022, 1, 27, 18, 2, 58, 412000, tzinfo=_JST)
    name = "以下、5ちゃんねるからVIPがお送りします"

    def line(body: str, poster: str, title: str = "") -> str:
        stamp = (f"{when:%Y/%m/%d}({_WEEKDAYS[when.weekday()]}) {when:%H:%M:%S}."
                 f"{when.microsecond // 1000:03d} ID:{poster}")
        return f"{name}<><>{stamp}<>{body}<>{title}"

    lines = [line(_dat_body(t.article), "Op000000", html.escape(t.title, quote=False))]
    for node in t.nodes:
        when += timedelta(seconds=rng.randint(1, 300), milliseconds=rng.randint(0, 999))
        body = _dat_body(node.text)
        if node.parent is not None:
            n = node.parent + 2
            anchor = (f'<a href="../test/read.cgi/news4vip/1643274178/{n}" '
                      f'rel="noopener noreferrer" target="_blank">&gt;&gt;{n}</a>'
                      if rng.random() < 0.5 else f"&gt;&gt;{n}")
            body = f" {anchor} <br>{body}"
        lines.append(line(body, f"{node.author[:8]:0<8}"))
    return ("\n".join(lines) + "\n").encode(encoding)


def ptt(t: Tree, encoding: str = "big5", seed: int = 0, colours: bool = True) -> bytes:
    """``t`` as a PTT article file: header lines, the article, the footer, one push line
    per node (its paragraphs joined by a space), as the BBS stores it (``colours``: with
    the terminal's colour codes)."""
    rng = random.Random(seed)
    when = datetime(2020, 12, 21, 18, 54, 24, tzinfo=_TAIPEI)
    esc = "\x1b[1;37m" if colours else ""
    end = "\x1b[m" if colours else ""
    out = ["作者: opener (開) 看板: Gossiping", f"標題: {t.title}",
           f"時間: {when:%a %b %d %H:%M:%S %Y}", "", t.article, "", "--",
           "※ 發信站: 批踢踢實業坊(ptt.cc), 來自: 1.2.3.4 (臺灣)",
           "※ 文章網址: https://www.ptt.cc/bbs/Gossiping/M.1608548066.A.6CD.html"]
    for node in t.nodes:
        when += timedelta(minutes=rng.randint(0, 400))
        tag = rng.choice("推噓→")
        ip = f" {rng.randint(1, 223)}.{rng.randint(0, 255)}.1.2" if rng.random() < 0.3 else ""
        text = " ".join(node.paragraphs)
        out.append(f"{esc}{tag} {end}{esc}{node.author}{end}: {text:<40}{ip} "
                   f"{when:%m/%d %H:%M}")
    return ("\r\n".join(out) + "\r\n").encode(encoding)
