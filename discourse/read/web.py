"""Documents from the web: ``discourse parse https://…``, ``-u URL``, ``-i urls.txt``.

A page is fetched with httpx (the ``web`` extra) — a timeout, a size limit (``--max-bytes``,
counted after decompression and checked while the body streams in), at most
:data:`MAX_REDIRECTS` redirects, and a user agent naming the tool (:data:`USER_AGENT`) —
and read like a saved file: the reader is detected from the content.  A charset the
server declares (``Content-Type: …; charset=windows-1251``) decides the decoding, as it
does in a browser (the text is handed on as UTF-8 with a byte-order mark, which every
reader honours before a ``<meta charset>``).

Thread pages of platforms with a public JSON API are fetched through it instead of as
HTML, and the responses handed to their readers (:func:`plan`):

==============================================  ==============================================
thread URL                                      fetched
==============================================  ==============================================
``reddit.com/r/<sub>/comments/<id>/…``,         ``https://www.reddit.com/comments/<id>.json``
``redd.it/<id>``                                (the reddit-json reader)
``news.ycombinator.com/item?id=<id>``           Algolia ``hn.algolia.com/api/v1/items/<id>``
                                                (the whole tree in one response; hn-json)
``<forum>/t/<slug>/<id>`` (Discourse)           ``<forum>/t/<id>.json``, then the posts the
                                                first response only lists
                                                (``/t/<id>/posts.json?post_ids[]=…``)
``<instance>/post/<id>`` (Lemmy)                ``api/v3/post?id=<id>`` and the pages of
                                                ``api/v3/comment/list?post_id=<id>``
``<instance>/@<user>/<id>`` (Mastodon)          ``api/v1/statuses/<id>`` and
                                                ``api/v1/statuses/<id>/context``
``bsky.app/profile/<actor>/post/<rkey>``        ``app.bsky.feed.getPostThread`` on the
                                                public AppView
==============================================  ==============================================

Discourse, Lemmy and Mastodon run on any host, so their URLs are recognised by their
paths; when the API does not answer with JSON there, the page itself is fetched.  Errors
are one line naming the URL: HTTP status, no answer within the timeout, too large, cannot
connect.  A page whose comments load by JavaScript (a Disqus embed, giscus, Coral, …) and
that therefore has none in its HTML gets a one-line hint saying so
(:func:`javascript_comments`).
"""

from __future__ import annotations

import codecs
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from discourse.errors import InputError
from discourse.read.source import DEFAULT_MAX_BYTES, Document, size_text

#: Seconds to wait for a server (connecting, and between bytes of its answer).
DEFAULT_TIMEOUT = 30.0
MAX_REDIRECTS = 10
#: Where the platforms' public APIs are (tests point them at a server on 127.0.0.1).
API = {
    "reddit": "https://www.reddit.com",
    "hn": "https://hn.algolia.com",
    "bluesky": "https://public.api.bsky.app",
}
#: Seconds between two requests to one host while fetching one thread (paged APIs).
PAUSE = 0.5
#: At most this many requests for one thread (Discourse and Lemmy pages).
MAX_REQUESTS = 50
_ACCEPT_PAGE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_ACCEPT_JSON = "application/json"


def user_agent() -> str:
    """``discourse-analyzer/0.1.0 (comment-thread analysis; +https://pypi.org/…)``."""
    import sys

    from discourse.install import DISTRIBUTION

    # the package is loaded whenever this module is (no import: no cycle through it)
    version = getattr(sys.modules.get("discourse"), "__version__", "0")
    return (f"{DISTRIBUTION}/{version} (comment-thread analysis; "
            f"+https://pypi.org/project/{DISTRIBUTION}/)")


USER_AGENT = user_agent()


@dataclass(slots=True)
class Fetched:
    """One HTTP answer: its body, the final URL (after redirects) and its content type."""

    body: bytes
    url: str
    content_type: str = ""

    @property
    def charset(self) -> str | None:
        m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", self.content_type, re.I)
        return m.group(1).lower() if m else None


@dataclass(slots=True)
class Plan:
    """How a thread URL is fetched through its platform's API."""

    platform: str
    #: Fetches the responses and returns the JSON document handed to the readers.
    run: Callable[[Session], bytes]
    #: When the API does not answer (the path only looked like the platform's), fetch the
    #: page itself.
    fallback: bool = False


@dataclass
class Session:
    """An httpx client with the limits of one document (all requests of one thread)."""

    url: str
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    requests: int = 0
    _last: dict[str, float] = field(default_factory=dict)
    _client: Any = None

    def __enter__(self) -> Session:
        try:
            import httpx
        except ImportError:
            from discourse.install import pip_hint

            raise InputError(self.url, f"reading URLs needs httpx: {pip_hint('web')}") \
                from None
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.timeout), follow_redirects=True,
            max_redirects=MAX_REDIRECTS, headers={"User-Agent": USER_AGENT})
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()

    def get(self, url: str, accept: str = _ACCEPT_PAGE) -> Fetched:
        """The body of ``url`` (at most ``max_bytes`` after decompression).  Raises
        :class:`InputError` with one line naming :attr:`url` (the document's address)."""
        import httpx

        self.requests += 1
        if self.requests > MAX_REQUESTS:
            raise InputError(self.url, f"more than {MAX_REQUESTS} requests for one thread; "
                                       "stopped")
        host = urlsplit(url).netloc
        wait = self._last.get(host, 0.0) + PAUSE - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        where = self.url if url == self.url else f"{self.url} ({url})"
        try:
            with self._client.stream("GET", url, headers={"Accept": accept}) as response:
                if response.status_code >= 400:
                    raise InputError(where, f"HTTP {response.status_code} "
                                            f"{response.reason_phrase}".rstrip())
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > self.max_bytes:
                    raise self._too_large(where)
                chunks, total = [], 0
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > self.max_bytes:
                        raise self._too_large(where)
                    chunks.append(chunk)
                return Fetched(b"".join(chunks), str(response.url),
                               response.headers.get("content-type", ""))
        except httpx.TimeoutException:
            raise InputError(where, f"no answer within {self.timeout:g} s (raise --timeout)") \
                from None
        except httpx.TooManyRedirects:
            raise InputError(where, f"more than {MAX_REDIRECTS} redirects") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise InputError(where, f"not a URL that can be fetched ({_first(exc)})") from None
        except httpx.ConnectError as exc:
            raise InputError(where, f"cannot connect ({_first(exc)})") from None
        except httpx.HTTPError as exc:
            raise InputError(where, f"cannot fetch ({_first(exc)})") from None
        finally:
            self._last[host] = time.monotonic()

    def json(self, url: str) -> Any:
        """``url``'s answer as JSON; :class:`NotJson` when it is something else."""
        fetched = self.get(url, _ACCEPT_JSON)
        try:
            return json.loads(fetched.body)
        except ValueError:
            raise NotJson(url) from None

    def _too_large(self, where: str) -> InputError:
        return InputError(where, f"larger than {size_text(self.max_bytes)} "
                                 "(raise the limit with --max-bytes)")


class NotJson(Exception):
    """An API address answered with something other than JSON (an HTML page)."""


def _first(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


# -- the platforms ----------------------------------------------------------------------
_REDDIT_HOST = re.compile(r"(?:^|\.)reddit\.com$", re.I)
_REDDIT_PATH = re.compile(r"^(?:/r/[^/]+)?/comments/([a-z0-9]+)", re.I)
_DISCOURSE_PATH = re.compile(r"^/t/(?:[^/]+/)?(\d+)(?:/\d+)?/?$")
_LEMMY_PATH = re.compile(r"^/post/(\d+)/?$")
_MASTODON_PATH = re.compile(r"^/(?:@[\w.@-]+|users/[\w.-]+/statuses)/(\d+)/?$")
_BLUESKY_PATH = re.compile(r"^/profile/([^/]+)/post/([\w~.:-]+)/?$")


def plan(url: str) -> Plan | None:
    """How the thread at ``url`` is fetched through its platform's JSON API, or None for
    an ordinary page."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    origin = f"{parts.scheme}://{parts.netloc}"
    m = _REDDIT_PATH.match(path)
    if _REDDIT_HOST.search(host) and m:
        return Plan("reddit", lambda s: _reddit(s, m.group(1)))
    if host == "redd.it" and re.fullmatch(r"/[a-z0-9]+/?", path, re.I):
        return Plan("reddit", lambda s: _reddit(s, path.strip("/")))
    if host == "news.ycombinator.com" and path == "/item":
        item = (parse_qs(parts.query).get("id") or [""])[0]
        if item.isdigit():
            return Plan("hn", lambda s: _get_bytes(s, f"{API['hn']}/api/v1/items/{item}"))
    m = _BLUESKY_PATH.match(path)
    if host in ("bsky.app", "www.bsky.app") and m:
        return Plan("bluesky", lambda s: _bluesky(s, m.group(1), m.group(2)))
    m = _DISCOURSE_PATH.match(path)
    if m:
        return Plan("discourse", lambda s: _discourse(s, origin, m.group(1), url), True)
    m = _LEMMY_PATH.match(path)
    if m:
        return Plan("lemmy", lambda s: _lemmy(s, origin, m.group(1)), True)
    m = _MASTODON_PATH.match(path)
    if m:
        return Plan("mastodon", lambda s: _mastodon(s, origin, m.group(1)), True)
    return None


def _get_bytes(session: Session, url: str) -> bytes:
    data = session.json(url)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _reddit(session: Session, link_id: str) -> bytes:
    return _get_bytes(session, f"{API['reddit']}/comments/{link_id}.json?raw_json=1&limit=500")


def _bluesky(session: Session, actor: str, rkey: str) -> bytes:
    uri = quote(f"at://{actor}/app.bsky.feed.post/{rkey}", safe="")
    return _get_bytes(session, f"{API['bluesky']}/xrpc/app.bsky.feed.getPostThread"
                               f"?uri={uri}&depth=1000&parentHeight=1000")


def _discourse(session: Session, origin: str, topic: str, page: str) -> bytes:
    data = session.json(f"{origin}/t/{topic}.json")
    if not isinstance(data, dict) or not isinstance(data.get("post_stream"), dict):
        raise NotJson(origin)
    stream = data["post_stream"]
    posts = stream.setdefault("posts", [])
    have = {p.get("id") for p in posts if isinstance(p, dict)}
    rest = [i for i in stream.get("stream") or [] if i not in have]
    for start in range(0, len(rest), 20):  # the API's page of posts
        ids = "&".join(f"post_ids[]={i}" for i in rest[start:start + 20])
        more = session.json(f"{origin}/t/{topic}/posts.json?{ids}")
        got = (more.get("post_stream") or {}).get("posts") if isinstance(more, dict) else None
        posts.extend(p for p in got or [] if isinstance(p, dict))
    posts.sort(key=lambda p: p.get("post_number") or 0)
    data.setdefault("url", page.split("?")[0].split("#")[0])
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _lemmy(session: Session, origin: str, post: str) -> bytes:
    view = session.json(f"{origin}/api/v3/post?id={post}")
    if not isinstance(view, dict) or "post_view" not in view:
        raise NotJson(origin)
    comments: list[Any] = []
    for page in range(1, MAX_REQUESTS):
        got = session.json(f"{origin}/api/v3/comment/list?post_id={post}&limit=50"
                           f"&page={page}&sort=Old&type_=All")
        batch = got.get("comments") if isinstance(got, dict) else None
        if not batch:
            break
        comments.extend(batch)
        if len(batch) < 50:
            break
    return json.dumps({"post_view": view["post_view"], "comments": comments},
                      ensure_ascii=False).encode("utf-8")


def _mastodon(session: Session, origin: str, status: str) -> bytes:
    own = session.json(f"{origin}/api/v1/statuses/{status}")
    context = session.json(f"{origin}/api/v1/statuses/{status}/context")
    if not isinstance(own, dict) or not isinstance(context, dict) or \
            "descendants" not in context:
        raise NotJson(origin)
    return json.dumps({"status": own, "ancestors": context.get("ancestors") or [],
                       "descendants": context["descendants"]},
                      ensure_ascii=False).encode("utf-8")


# -- documents ---------------------------------------------------------------------------
def fetch_document(url: str, max_bytes: int = DEFAULT_MAX_BYTES,
                   timeout: float = DEFAULT_TIMEOUT) -> Document:
    """The document at ``url``: a thread through its platform's API (:func:`plan`), else
    the page.  ``Document.source`` is ``url``; ``Document.url`` the page's final
    address.  Raises :class:`InputError` (one line) when it cannot be fetched."""
    url = url.strip()
    how = plan(url)
    with Session(url, max_bytes, timeout) as session:
        if how is not None:
            try:
                data = how.run(session)
            except NotJson:
                if not how.fallback:
                    raise InputError(url, f"the {how.platform} API did not answer with "
                                          "JSON") from None
            except InputError:
                if not how.fallback:
                    raise
            else:
                doc = Document.of_bytes(data, url, max_bytes, url=url)
                doc.explain.append(f"fetched through the {how.platform} API")
                return doc
        fetched = session.get(url)
    doc = Document.of_bytes(as_utf8(fetched), url, max_bytes, url=fetched.url)
    if fetched.url != url:
        doc.explain.append(f"fetched {fetched.url} (redirected)")
    return doc


def as_utf8(fetched: Fetched) -> bytes:
    """The body, re-encoded as UTF-8 with a byte-order mark when the server declares
    another charset (so the declaration wins over a ``<meta charset>``, as in browsers);
    else unchanged."""
    body, charset = fetched.body, fetched.charset
    if not charset or body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                                       codecs.BOM_UTF16_BE)):
        return body
    from discourse.read.encodings import codec_for_label

    codec = codec_for_label(charset)  # WHATWG labels only: never unicode_escape & co.
    if codec is None:
        return body
    name = codecs.lookup(codec).name
    if name == "utf-8":
        return body
    try:
        return codecs.BOM_UTF8 + body.decode(name).encode("utf-8")
    except UnicodeDecodeError:
        return body


# -- pages whose comments load by JavaScript ---------------------------------------------------
_SCRIPTED = (
    (rb"disqus_thread|disqus\.com/embed\.js|\.disqus\.com/", "Disqus"),
    (rb"giscus\.app", "giscus"),
    (rb"utteranc\.es", "utterances"),
    (rb"cdn\.commento\.io|id=[\"']commento[\"']", "Commento"),
    (rb"talk\.hyvor\.com|<hyvor-talk", "Hyvor Talk"),
    (rb"remark42", "Remark42"),
    (rb"data-isso|/js/embed\.min\.js[^>]*isso", "Isso"),
    (rb"coral-embed|CoralStreamEmbed|coralproject", "Coral"),
    (rb"data-spotim|launcher\.spot\.im|openweb\.com", "OpenWeb"),
    (rb"fb-comments", "Facebook comments"),
    (rb"vuukle", "Vuukle"),
    (rb"viafoura", "Viafoura"),
    (rb"intensedebate", "IntenseDebate"),
    (rb"cusdis", "Cusdis"),
)


def javascript_comments(page: bytes) -> str | None:
    """The comment system a page loads by JavaScript (its embed is in the HTML, its
    comments are not), or None."""
    for pattern, name in _SCRIPTED:
        if re.search(pattern, page, re.I):
            return name
    return None


def scripted_hint(system: str) -> str:
    """The one-line warning of a page whose comments load by JavaScript."""
    export = " or read the site's Disqus XML export" if system == "Disqus" else ""
    return (f"no comments: this page loads its comments by JavaScript ({system}), so they "
            f"are not in its HTML; save the page from a browser once they show{export}")
