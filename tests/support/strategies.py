"""Hypothesis strategies for random threads (needs the ``test`` extra: hypothesis).

A generated thread has an article that itself contains lists, and a reply tree with
random depth (up to 10) and fan-out, authors or none, multi-paragraph bodies, quoted
parent lines, emoji-only and one-word bodies, bodies that contain numbered or bulleted
lists, inline moderator notes, and top-level comments that quote an earlier comment.
Texts are drawn from a multilingual vocabulary that avoids the shapes the parser treats
as structure (author lines, "X responds:", "Reply", dates).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from discourse.model import Comment, Thread
from discourse.read.text.quotes import normalise

WORDS = ["the", "debate", "about", "history", "memory", "war", "victory", "people", "state", "policy", "economy", "reform", "argument", "evidence", "source", "claim", "facts", "question", "answer", "memory", "archive", "soldiers", "minister", "parliament", "election", "tradition", "nation", "village", "winter", "river", "factory", "война", "память", "история", "народ", "победа", "государство", "реформа", "вопрос", "ответ", "Krieg", "Geschichte", "Erinnerung", "guerre", "histoire", "mémoire", "历史", "记忆", "戦争", "ancient", "modern", "careful", "strange", "obvious", "complex", "quiet", "bitter", "honest", "naive"]
AUTHORS = ("puttypants", "Dirk Smith", "Борис Андрианович", "Alex (that one:)", "olivegreen",
           "Czech Friend", "M. Cloarec", "anon_42", "Ирина", "Jean-Luc")
MODERATORS = ("AK", "JB", "Editor")
SHORT_BODIES = ("Agreed.", "Nonsense!", "👍", "😀🔥", "Exactly", "Да.", "Bravo!", "🤔🤔", "Hm…")
HEADINGS = ("17 Comments", "Comments", "Leave a Reply", "5 thoughts on “This post”",
            "Reader comments (12)")
FOOTERS = (["Leave a Reply", "You must be logged in to post a comment."],
           ["© 2024 Example Media", "Privacy policy"], ["Related posts"])


def sentence(draw: st.DrawFn, lo: int = 5, hi: int = 14) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=lo, max_size=hi))
    words[0] = words[0].capitalize()
    return " ".join(words) + draw(st.sampled_from(".!?")) if words else "Yes."


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    """One to three lines of sentences."""
    n = draw(st.integers(1, 3))
    return "\n".join(" ".join(sentence(draw) for _ in range(draw(st.integers(1, 2))))
                     for _ in range(n))


@st.composite
def list_paragraph(draw: st.DrawFn) -> str:
    """An intro line ending with a colon, then 2-4 tight list items."""
    numbered = draw(st.booleans())
    items = [sentence(draw, 2, 6).rstrip(".!?") for _ in range(draw(st.integers(2, 4)))]
    marks = [f"{i}." for i in range(1, len(items) + 1)] if numbered else ["•"] * len(items)
    intro = sentence(draw).rstrip(".!?") + ":"
    return "\n".join([intro] + [f"{m} {item}" for m, item in zip(marks, items, strict=True)])


@st.composite
def body(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["prose", "prose", "short", "list"]))
    if kind == "short":
        return draw(st.sampled_from(SHORT_BODIES))
    paras = [draw(paragraph()) for _ in range(draw(st.integers(1, 3)))]
    if kind == "list":
        paras.insert(draw(st.integers(1, len(paras))), draw(list_paragraph()))
    return "\n\n".join(paras)


@st.composite
def article(draw: st.DrawFn) -> str:
    """Prose paragraphs with one or two lists inside; always ends with prose."""
    paras = [" ".join(sentence(draw, 8, 16) for _ in range(3))
             for _ in range(draw(st.integers(2, 4)))]
    for _ in range(draw(st.integers(1, 2))):
        paras.insert(draw(st.integers(0, len(paras) - 1)), draw(list_paragraph()))
    return "\n\n".join(paras)


def _quotable(line: str) -> bool:
    """A line worth quoting: long enough, and not itself a quote or a list item."""
    return len(line.split()) >= 4 and line[:1] not in "•“0123456789"


@dataclass
class Generated:
    """A generated thread with what its rendering should add around it."""

    thread: Thread
    heading: str | None
    footer: list[str] | None
    quotes: dict[str, str]  # comment id -> a span it quotes from what it answers


@st.composite
def threads(draw: st.DrawFn, max_comments: int = 30, max_depth: int = 10) -> Generated:
    """A random thread (see the module docstring)."""
    title = sentence(draw, 3, 9).rstrip(".!?")
    art = draw(article())
    comments: list[Comment] = []
    quotes: dict[str, str] = {}
    budget = [draw(st.integers(1, max_comments))]

    def add(parent: Comment | None, depth: int, position: int) -> None:
        cid = f"{parent.id}.{position}" if parent else str(position)
        text = draw(body())
        quoted = None
        if parent is not None and parent.text and draw(st.integers(0, 4)) == 0:
            source_line = max(parent.text.split("\n"), key=len)
            if _quotable(source_line):
                quoted = source_line
                text = f"“{quoted}”\n\n{text}"
        elif parent is None and comments and draw(st.integers(0, 5)) == 0:
            earlier = draw(st.sampled_from([c for c in comments if not c.inline]))
            line = max(earlier.text.split("\n"), key=len)
            sources = [art] + [c.text for c in comments]
            if _quotable(line) and sum(normalise(line) in normalise(t) for t in sources) == 1:
                quoted = line
                text = f"“{quoted}”\n\n{text}"
        author = draw(st.one_of(st.none(), st.sampled_from(AUTHORS)))
        c = Comment(id=cid, parent_id=parent.id if parent else None, depth=depth,
                    author=author, text=text)
        if quoted is not None:
            quotes[cid] = quoted
            if parent is None:
                c.target_id = earlier.id
        comments.append(c)
        budget[0] -= 1
        child = 1
        if draw(st.integers(0, 5)) == 0 and budget[0] > 0:
            note = Comment(id=f"{cid}.{child}", parent_id=cid, depth=depth + 1,
                           author=draw(st.sampled_from(MODERATORS)), text=draw(paragraph())
                           .replace("\n", " "), inline=True)
            comments.append(note)
            budget[0] -= 1
            child += 1
        if depth + 1 < max_depth:
            for _ in range(draw(st.integers(0, 3))):
                if budget[0] <= 0:
                    break
                add(c, depth + 1, child)
                child += 1

    position = 1
    while budget[0] > 0:
        add(None, 0, position)
        position += 1
    thread = Thread(source=None, layout=None, title=title, article=art, comments=comments)
    has_reply = any(c.parent_id and not c.inline for c in comments)
    heading = draw(st.one_of(st.none(), st.sampled_from(HEADINGS))) if has_reply \
        else draw(st.sampled_from(HEADINGS))
    footer = draw(st.one_of(st.none(), st.sampled_from(FOOTERS)))
    return Generated(thread, heading, footer, quotes)
