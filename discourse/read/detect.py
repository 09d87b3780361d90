"""Decide which reader takes a document, from its content (first bytes), not its name.

Each format has a sniffer over the decompressed head of the document; the first that
claims it wins and gives its reason (printed by ``discourse parse --explain``).  Readers
validate the whole document themselves and raise a one-line error for a shape they do not
know, so a sniffer only needs to be right about which reader to ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from discourse.errors import InputError
from discourse.read.source import CONVOKIT_MARKER, Document

#: Reader names, as stored in ``Thread.format``.
FORMATS = ("text", "html", "reddit-json", "reddit-ndjson", "hn-json", "disqus-xml",
           "wordpress-wxr", "convokit", "discourse-json")

SUPPORTED_JSON = ("a Reddit comments API response (/comments/<id>.json), Reddit/Pushshift "
                  "NDJSON comments, a Hacker News Firebase or Algolia item, ConvoKit "
                  "utterances, or discourse's own JSON output")
SUPPORTED_XML = "a Disqus XML export, a WordPress WXR export, or an (X)HTML page"


@dataclass(frozen=True, slots=True)
class Detection:
    """Which reader takes a document, and why."""

    reader: str
    reason: str


_HTML = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|title>|div[\s>]"
                   rb"|p>|article[\s>]|section[\s>]|table[\s>]|ul[\s>]|ol[\s>])", re.I)
_XML_DECL = re.compile(rb"^<\?xml[^>]*\?>", re.I)
_DISQUS = re.compile(rb"<disqus[\s>]", re.I)
_WXR = re.compile(rb"<rss[^>]*xmlns:wp=|wordpress\.org/export/", re.I)
_KEY = r'"%s"\s*:'


def _has(head: bytes, *keys: str) -> bool:
    return all(re.search((_KEY % re.escape(k)).encode(), head) for k in keys)


def _json_reason(head: bytes) -> Detection | None:
    """Which JSON reader a JSON/NDJSON head belongs to."""
    if re.search(rb'"kind"\s*:\s*"Listing"', head) or re.search(rb'"kind"\s*:\s*"t[13]"', head) \
            and _has(head, "data"):
        return Detection("reddit-json", "JSON with Reddit \"Listing\"/\"t1\" objects (API response)")
    if _has(head, "link_id", "parent_id") or (_has(head, "subreddit") and _has(head, "body")):
        return Detection("reddit-ndjson", "JSON objects with Reddit link_id/parent_id "
                                          "(Pushshift/Arctic-Shift comment dump)")
    if _has(head, "subreddit", "selftext") or _has(head, "subreddit", "num_comments"):
        return Detection("reddit-ndjson", "JSON objects with Reddit submissions "
                                          "(title/selftext; a submissions dump)")
    if _has(head, "comments", "article") and (_has(head, "layout") or _has(head, "noise")):
        return Detection("discourse-json", "discourse's own thread JSON (article, comments)")
    if (_has(head, "reply-to") or _has(head, "reply_to")) and _has(head, "conversation_id"):
        return Detection("convokit", "JSON objects with ConvoKit reply-to/conversation_id "
                                     "(utterances)")
    if _has(head, "children") and (_has(head, "story_id") or _has(head, "created_at_i")
                                   or _has(head, "points")):
        return Detection("hn-json", "JSON with Hacker News Algolia item fields "
                                    "(children, story_id/points)")
    if _has(head, "by") and (_has(head, "kids") or _has(head, "parent")) \
            or _has(head, "type") and re.search(rb'"type"\s*:\s*"(?:story|comment)"', head):
        return Detection("hn-json", "JSON with Hacker News Firebase item fields "
                                    "(by, kids/parent, type)")
    return None


def detect(doc: Document) -> Detection:
    """The reader for ``doc``.  Raises :class:`InputError` for a JSON or XML document of
    an unknown shape (the message lists the supported shapes)."""
    if doc.is_folder:
        return Detection("convokit", f"folder with {CONVOKIT_MARKER} (a ConvoKit corpus)")
    # UTF-16/32 text comes transcoded to UTF-8 (after a UTF-8 BOM) from Document.open.
    sample = doc.head().lstrip(b"\xef\xbb\xbf").lstrip()
    packed = f" ({doc.compression}-compressed)" if doc.compression else ""
    if sample[:1] in (b"{", b"["):
        found = _json_reason(sample)
        if found is None:
            if sample[:1] == b"[" and re.match(rb"\[\s*\]", sample):
                return Detection("discourse-json", "an empty JSON array")
            raise InputError(doc.source, f"JSON document of an unknown shape; supported: "
                                         f"{SUPPORTED_JSON}")
        return Detection(found.reader, found.reason + packed)
    if sample[:1] == b"<":
        body = _XML_DECL.sub(b"", sample, count=1).lstrip()
        if _DISQUS.search(sample[:4096]):
            return Detection("disqus-xml", "XML with a <disqus> root (Disqus export)" + packed)
        if _WXR.search(sample[:8192]):
            return Detection("wordpress-wxr", "RSS with the WordPress export namespace "
                                              "(WXR)" + packed)
        if _HTML.search(sample) or not _XML_DECL.match(sample):
            return Detection("html", "markup with HTML elements" + packed)
        raise InputError(doc.source, f"XML document of an unknown shape (root "
                                     f"{_root(body)}); supported: {SUPPORTED_XML}")
    return Detection("text", "plain text (no markup or JSON at the start)" + packed)


def _root(body: bytes) -> str:
    m = re.match(rb"<([\w:.-]+)", body)
    return f"<{m.group(1).decode('ascii', 'replace')}>" if m else "unknown"
