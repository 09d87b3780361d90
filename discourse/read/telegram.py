"""Telegram Desktop chat exports in JSON (``result.json``, "Export chat history" with the
machine-readable JSON format): one chat (``name``, ``type``, ``id``, ``messages``), or a
whole account's export (``chats.list`` and ``left_chats.list``: one thread per chat that
holds messages).

A chat has no article: its messages are the comments, in export order.  A message answers
the message whose ``id`` is its ``reply_to_message_id`` when that message is in the
export; a reply to a message not in the export (an excerpt, or history before the export
window) answers the chat, with a warning.  Service messages (``type`` ``"service"``:
joins, pins, title changes) are events of the chat, not comments: left out and counted in
a warning.

Per message: ``id`` → ``platform_id`` (the key), ``from`` → author (``"Deleted Account"``
when the sender is gone), ``date_unixtime`` → timestamp (UTC; older exports give only
``date``, in the exporting computer's local time, kept as written), ``text`` → text.  The
text is a string or a list of strings and entities (``{"type": "bold", "text": …}``,
links, mentions, code); entities keep their text, a ``blockquote`` entity becomes ``> ``
lines.  A sticker without text reads as its emoji; other media without a caption (a
photo, a voice message) as empty text.  Reactions (``reactions``: emoji counts) sum into
``score``.

The export names no public address.  ``Thread.title`` and ``site`` are the chat's name,
``thread_id`` is ``<chat id>:<first id>-<last id>`` (excerpts of one chat stay apart).  A
``<name>.metadata.json`` beside the export with a ``title`` (as the Teknologi Umum TGIF
archive publishes excerpts: ``title``, ``short_summary``, ``tags``) gives the title and,
from its summary, the article.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from discourse.errors import InputError
from discourse.model import Thread
from discourse.read.assemble import Post, assemble
from discourse.read.companions import beside, read_with, unpacked_name
from discourse.read.detect import has_keys, key_value
from discourse.read.source import Document
from discourse.read.structured import epoch_iso, iso_utc, load_json, unknown_json
from discourse.read.targets import attach_quotes_and_targets

__all__ = ["read", "sniff", "message_text"]

NAME = "telegram-json"
DESCRIBES = "a Telegram Desktop chat export (result.json)"
SYNTAX = "json"


def sniff(head: bytes) -> str | None:
    """A chat's ``messages`` of ``"type": "message"``/``"service"`` objects with
    ``from_id``/``actor_id``/``date``, or a whole-account export (``about`` with
    ``personal_information`` or ``chats``)."""
    if has_keys(head, "messages") and key_value(head, "type", "message|service") and (
            has_keys(head, "from_id") or has_keys(head, "actor_id")
            or has_keys(head, "date_unixtime")):
        return "JSON with a Telegram chat's messages (type message/service, from_id)"
    if has_keys(head, "about") and (has_keys(head, "personal_information")
                                    or has_keys(head, "chats") and has_keys(head, "list")):
        return "JSON of a Telegram Desktop account export (about, personal_information, chats)"
    if has_keys(head, "slug", "title", "short_summary") and head.count(b"{") == 1:
        return "JSON of a chat excerpt's metadata (slug, title, short_summary; TGIF)"
    return None


def message_text(value: object) -> str:
    """The text of a message: a string, or a list of strings and entity objects
    (``{"type": …, "text": …}``); a ``blockquote`` entity's lines start with ``> ``."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    parts: list[str] = []
    for part in value:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict):
            text = part.get("text")
            if not isinstance(text, str):
                continue
            if part.get("type") == "blockquote":
                quoted = "\n".join(f"> {line}" if line.strip() else ">"
                                   for line in text.strip("\n").split("\n"))
                before = "" if not parts or "".join(parts).endswith("\n") else "\n"
                parts.append(f"{before}{quoted}\n")
            else:
                parts.append(text)
    return "".join(parts)


def _id(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        return None
    return str(value)


def _chats(data: Any) -> list[dict[str, Any]] | None:
    """The chats of an export: the document itself (one chat) or ``chats.list`` +
    ``left_chats.list`` (an account export); None for another shape."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("messages"), list):
        return [data]
    out: list[dict[str, Any]] = []
    found = False
    for key in ("chats", "left_chats"):
        group = data.get(key)
        chats = group.get("list") if isinstance(group, dict) else None
        if isinstance(chats, list):
            found = True
            out += [c for c in chats if isinstance(c, dict)
                    and isinstance(c.get("messages"), list)]
    return out if found else None


def _metadata(path: Path) -> dict[str, Any]:
    """A ``<name>.metadata.json`` beside the export (TGIF excerpts), or {}."""
    stem = unpacked_name(path.name)
    if stem.lower().endswith(".json"):
        stem = stem[:-5]
    found = beside(path, [f"{stem}.metadata.json"])
    if found is None:
        return {}
    try:
        data = load_json(Document.at(found, 1 << 20))
    except InputError:
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("title"), str) else {}


def read(doc: Document) -> Iterator[Thread]:
    """One thread per chat with messages (see the module docs).  Raises
    :class:`InputError` for malformed JSON or another shape."""
    data = load_json(doc)
    chats = _chats(data)
    if chats is None and isinstance(data, dict) and "short_summary" in data and \
            not doc.is_folder and unpacked_name(doc.path.name).endswith(".metadata.json"):
        export = beside(doc.path, [unpacked_name(doc.path.name)[:-len(".metadata.json")]
                                   + ".json"])
        if export is not None:
            read_with(doc, "telegram", "the metadata", export)
            return
    if chats is None:
        keys = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise unknown_json(doc, f"no Telegram messages list; top-level keys {keys}")
    if not chats:
        raise InputError(doc.source, "a Telegram account export without chat messages "
                                     "(export the chats with their messages)")
    meta = _metadata(doc.path) if len(chats) == 1 and not doc.is_folder else {}
    for chat in chats:
        thread = _thread(chat, meta)
        if doc.explaining:
            doc.explain.append(f"telegram: chat {thread.title!r}: {len(thread.comments)} "
                               f"message(s)" + (" (title and article from the metadata "
                                                "file beside it)" if meta else ""))
        yield thread


def _thread(chat: dict[str, Any], meta: dict[str, Any]) -> Thread:
    name = chat.get("name") if isinstance(chat.get("name"), str) else ""
    messages = [m for m in chat["messages"] if isinstance(m, dict)]
    service = [m for m in messages if m.get("type") == "service"]
    posts: list[Post] = []
    skipped = 0
    for i, m in enumerate(messages):
        if m.get("type") == "service":
            continue
        mid = _id(m.get("id"))
        if mid is None:
            skipped += 1
            continue
        text = message_text(m.get("text"))
        if not text.strip():
            sticker = m.get("sticker_emoji")
            text = sticker if isinstance(sticker, str) and m.get("media_type") == "sticker" \
                else ""
            poll = m.get("poll")
            if isinstance(poll, dict) and isinstance(poll.get("question"), str):
                options = [a.get("text") for a in poll.get("answers") or []
                           if isinstance(a, dict) and isinstance(a.get("text"), str)]
                text = "\n".join([poll["question"], *options])
        author = m.get("from")
        if not isinstance(author, str) or not author:
            author = "Deleted Account" if "from" in m else None
        stamp = epoch_iso(m.get("date_unixtime")) if m.get("date_unixtime") else None
        if stamp is None and isinstance(m.get("date"), str):
            stamp = iso_utc(m["date"])
        posts.append(Post(key=mid, parent=_id(m.get("reply_to_message_id")), text=text,
                          author=author, timestamp=stamp, score=_reactions(m),
                          platform_id=mid, order=i))
    ids = [p.key for p in posts]
    chat_id = _id(chat.get("id"))
    thread_id = f"{chat_id}:{ids[0]}-{ids[-1]}" if chat_id and ids else chat_id
    title = meta.get("title") if meta else name
    article = ""
    if meta:
        summary = meta.get("short_summary") or meta.get("summary") or ""
        tags = [t for t in meta.get("tags") or [] if isinstance(t, str)]
        article = "\n\n".join(p for p in (str(summary).strip(),
                                          f"Tags: {', '.join(tags)}" if tags else "") if p)
    thread = Thread(source=None, layout=None, title=(title or "").strip(), article=article,
                    site=name or None, format=NAME, thread_id=thread_id,
                    published=posts[0].timestamp if posts else None)
    present = set(ids)
    outside = sum(1 for p in posts if p.parent is not None and p.parent not in present)
    for p in posts:
        if p.parent is not None and p.parent not in present:
            p.parent = None
    thread.comments = assemble(posts, thread.warnings)
    if outside:
        thread.warnings.append(f"{outside} message(s) reply to a message not in this export; "
                               f"shown as answering the chat")
    if service:
        thread.warnings.append(f"{len(service)} service message(s) (joins, pins, …) left out")
    if skipped:
        thread.warnings.append(f"{skipped} message(s) without an id skipped")
    if not posts:
        thread.warnings.append("no comments: no messages in this chat (only service "
                               "messages or none)")
    attach_quotes_and_targets(thread)
    return thread


def _reactions(m: dict[str, Any]) -> int | None:
    reactions = m.get("reactions")
    if not isinstance(reactions, list):
        return None
    total = 0
    for r in reactions:
        count = r.get("count") if isinstance(r, dict) else None
        if isinstance(count, int) and not isinstance(count, bool):
            total += count
    return total
