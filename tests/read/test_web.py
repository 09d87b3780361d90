"""Reading URLs (issue 22, item 4): ``discourse parse https://…``, ``-u URL``,
``-i urls.txt``; pages and the JSON APIs of Reddit, Hacker News, Discourse, Lemmy,
Mastodon and Bluesky.  Every request goes to a server on 127.0.0.1 started here (the
platforms' API hosts are pointed at it), never to the network."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from discourse.cli import main
from discourse.read import read_file, web
from tests.support.paths import EXPORTS, HTML, SEEDS

pytest.importorskip("httpx")

SEED = SEEDS / "000_1701a6fb48e1cee7.txt"


class Server:
    """A local HTTP server answering from ``routes``: path (with query) -> (status,
    headers, body) or a callable giving them; it records the requests' headers."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                outer.seen.append((self.path, dict(self.headers)))
                route = outer.routes.get(self.path) or outer.routes.get(
                    urlsplit(self.path).path)
                if callable(route):
                    route = route()
                status, headers, body = route or (404, {}, b"not here")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8",
             status: int = 200, **headers: str) -> str:
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body)
        return self.origin + path

    def json(self, path: str, data: object) -> str:
        return self.page(path, json.dumps(data).encode(), "application/json")

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch):
    s = Server()
    monkeypatch.setattr(web, "PAUSE", 0.0)
    for name in web.API:
        monkeypatch.setitem(web.API, name, s.origin)
    yield s
    s.close()


def parse_json(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["parse", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else []), err


# -- pages ------------------------------------------------------------------------------------
def test_a_page_url_is_fetched_and_read_like_a_saved_page(server, capsys):
    url = server.page("/2024/bulbs.html", (HTML / "blogger.html").read_bytes())
    code, threads, err = parse_json(capsys, url)
    assert code == 0, err
    (thread,) = threads
    saved = read_file(HTML / "blogger.html")[0]
    assert thread["source"] == url
    assert len(thread["comments"]) == len(saved.comments) > 0
    assert thread["title"] == saved.title
    # the polite user agent names the tool
    agent = server.seen[-1][1].get("User-Agent", "")
    assert agent.startswith("discourse-analyzer/") and "comment-thread analysis" in agent


def test_url_argument_keeps_its_double_slash(server, capsys):
    """The issue: ``https://…`` became ``https:/…`` and "no such file or folder"."""
    url = server.page("/a.html", b"<html><head><title>A</title></head><body><p>Hi.</p>"
                                 b"</body></html>")
    code, threads, err = parse_json(capsys, url)
    assert "no such file" not in err
    assert threads[0]["source"] == url and threads[0]["url"] == url


def test_the_servers_charset_decides_the_decoding(server, capsys):
    text = "Зимние луковицы на подоконнике"
    body = (f"<html><head><title>{text}</title></head><body><h1>{text}</h1>"
            f"<p>{text}. {text}.</p></body></html>").encode("cp1251")
    url = server.page("/ru.html", body, "text/html; charset=windows-1251")
    code, threads, err = parse_json(capsys, url)
    assert threads[0]["title"] == text, err


def test_redirects_are_followed_and_the_final_address_kept(server, capsys):
    final = server.page("/new.html", (HTML / "blogger.html").read_bytes())
    server.routes["/old.html"] = (301, {"Location": "/new.html"}, b"")
    code = main(["parse", server.origin + "/old.html", "--explain"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"{server.origin}/old.html: fetched {final} (redirected)" in out
    assert "comments (3 with text)" in out


def test_redirect_final_url(server):
    final = server.page("/new.html", b"<html><head><title>T</title></head><body><p>x</p>"
                                     b"</body></html>")
    server.routes["/old.html"] = (302, {"Location": "/new.html"}, b"")
    (thread,) = read_file(server.origin + "/old.html")
    assert thread.url == final and thread.source == server.origin + "/old.html"
    assert thread.site == "127.0.0.1"


def test_a_page_over_max_bytes_is_refused_on_one_line(server, capsys):
    url = server.page("/big.html", b"<html><body>" + b"x" * (2 * 2**20) + b"</body></html>")
    code = main(["parse", url, "--max-bytes", "1MiB"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: {url}: larger than 1 MiB (raise the limit with --max-bytes)"]


def test_a_page_streamed_past_max_bytes_without_a_length_is_cut(server):
    """No Content-Length to trust: the body is counted as it arrives."""
    url = server.page("/nolength.html", b"y" * 50_000)
    server.routes["/nolength.html"] = lambda: (200, {"Content-Type": "text/html"},
                                               b"<p>" + b"y" * 50_000 + b"</p>")
    with pytest.raises(Exception, match="larger than 10000 bytes"):
        read_file(url, max_bytes=10_000)


def test_a_slow_server_times_out_on_one_line(server, capsys):
    def slow():
        time.sleep(2)
        return (200, {"Content-Type": "text/html"}, b"<p>late</p>")

    server.routes["/slow.html"] = slow
    code = main(["parse", server.origin + "/slow.html", "--timeout", "0.3"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no answer within 0.3 s (raise --timeout)" in err
    assert "Traceback" not in err


def test_http_errors_are_one_line(server, capsys):
    code = main(["parse", server.origin + "/missing.html"])
    err = capsys.readouterr().err
    assert code == 2 and "HTTP 404 Not Found" in err and len(err.strip().splitlines()) == 1


def test_url_lists_and_u_options_mix_with_paths(server, capsys, tmp_path):
    one = server.page("/one.html", (HTML / "blogger.html").read_bytes())
    two = server.page("/two.html", (HTML / "disqus.html").read_bytes())
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# pages to read\n{one}\n\n{SEED}\n", encoding="utf-8")
    code, threads, err = parse_json(capsys, "-i", str(listing), "-u", two)
    assert code == 0, err
    # PATHs first, then -u URLs, then the -i lists
    assert [t["source"] for t in threads] == [two, one, str(SEED)]


def test_a_missing_url_list_is_one_line(capsys, tmp_path):
    code = main(["parse", "-i", str(tmp_path / "nope.txt")])
    assert code == 2 and "cannot read the input list" in capsys.readouterr().err


def test_without_httpx_the_hint_names_the_web_extra(server, capsys, monkeypatch):
    url = server.page("/a.html", b"<p>x</p>")
    monkeypatch.setitem(sys.modules, "httpx", None)
    code = main(["parse", url])
    err = capsys.readouterr().err
    assert code == 2
    assert "reading URLs needs httpx: pip install 'discourse-analyzer[web]'" in err


def test_a_page_whose_comments_load_by_javascript_gets_a_hint(server, capsys):
    body = (b"<html><head><title>Post</title></head><body><article><h1>Post</h1>"
            b"<p>" + b"Some article words. " * 40 + b"</p></article>"
            b"<div id=\"disqus_thread\"></div>"
            b"<script src=\"https://example.disqus.com/embed.js\"></script></body></html>")
    url = server.page("/post.html", body)
    code, threads, err = parse_json(capsys, url)
    assert threads[0]["comments"] == []
    hint = [w for w in threads[0]["warnings"] if "JavaScript" in w]
    assert hint == ["no comments: this page loads its comments by JavaScript (Disqus), so "
                    "they are not in its HTML; save the page from a browser once they show "
                    "or read the site's Disqus XML export"]
    assert "loads its comments by JavaScript (Disqus)" in err


# -- platforms through their JSON APIs ------------------------------------------------------
def test_hacker_news_item_url_reads_the_algolia_tree(server, capsys):
    data = json.loads((EXPORTS / "hn_algolia.json").read_text("utf-8"))
    server.json(f"/api/v1/items/{data['id']}", data)
    url = f"https://news.ycombinator.com/item?id={data['id']}"
    code, threads, err = parse_json(capsys, url)
    assert code == 0, err
    want = read_file(EXPORTS / "hn_algolia.json")[0]
    assert threads[0]["format"] == "hn-json"
    assert len(threads[0]["comments"]) == len(want.comments) > 0
    assert threads[0]["source"] == url


def test_reddit_thread_url_reads_its_json(server, capsys):
    data = json.loads((EXPORTS / "reddit_api.json").read_text("utf-8"))
    server.json("/comments/abc123.json", data)
    code, threads, err = parse_json(
        capsys, "https://www.reddit.com/r/test/comments/abc123/a_title/")
    assert code == 0, err
    assert threads[0]["format"] == "reddit-json"
    assert len(threads[0]["comments"]) == len(read_file(EXPORTS / "reddit_api.json")[0].comments)
    path, headers = server.seen[-1]
    assert path.startswith("/comments/abc123.json") and "raw_json=1" in path


def test_bluesky_post_url_reads_get_post_thread(server, capsys):
    data = json.loads((EXPORTS / "bluesky_thread.json").read_text("utf-8"))
    server.json("/xrpc/app.bsky.feed.getPostThread", data)
    code, threads, err = parse_json(capsys, "https://bsky.app/profile/alice.test/post/3kb2")
    assert code == 0, err
    assert threads[0]["format"] == "bluesky-json"
    assert "at%3A%2F%2Falice.test%2Fapp.bsky.feed.post%2F3kb2" in server.seen[-1][0]


def test_discourse_topic_url_reads_every_post_of_the_topic(server, capsys):
    topic = json.loads((EXPORTS / "discourse_topic.json").read_text("utf-8"))
    stream = topic["post_stream"]
    have = {p["id"] for p in stream["posts"]}
    missing = [i for i in stream["stream"] if i not in have]
    assert missing  # the fixture holds the first posts only, as the API sends them
    extra = []
    for n, post_id in enumerate(missing):
        post = dict(stream["posts"][-1])
        post.update(id=post_id, post_number=100 + n, reply_to_post_number=None,
                    cooked=f"<p>Later post number {n}.</p>", username=f"late{n}")
        extra.append(post)
    server.json(f"/t/{topic['id']}.json", topic)
    query = "&".join(f"post_ids[]={i}" for i in missing)
    server.json(f"/t/{topic['id']}/posts.json?{query}", {"post_stream": {"posts": extra}})
    url = f"{server.origin}/t/{topic['slug']}/{topic['id']}"
    code, threads, err = parse_json(capsys, url)
    assert code == 0, err
    (thread,) = threads
    one_response = read_file(EXPORTS / "discourse_topic.json")[0]
    assert thread["format"] == "discourse-forum-json"
    assert len(thread["comments"]) == len(one_response.comments) + len(missing)
    assert {c["author"] for c in thread["comments"]} >= {f"late{n}" for n in range(len(missing))}


def test_a_discourse_like_path_that_is_no_forum_falls_back_to_the_page(server, capsys):
    url = server.page("/t/some-title/42", (HTML / "blogger.html").read_bytes())
    code, threads, err = parse_json(capsys, url)  # /t/42.json answers 404
    assert code == 0, err
    assert threads[0]["format"] == "html" and threads[0]["comments"]


def test_lemmy_post_url_reads_the_post_and_its_comment_pages(server, capsys):
    data = json.loads((EXPORTS / "lemmy_post.json").read_text("utf-8"))
    server.json("/api/v3/post", {"post_view": data["post_view"]})
    server.json("/api/v3/comment/list", {"comments": data["comments"]})
    code, threads, err = parse_json(capsys, f"{server.origin}/post/314")
    assert code == 0, err
    assert threads[0]["format"] == "lemmy-json"
    assert len(threads[0]["comments"]) == len(read_file(EXPORTS / "lemmy_post.json")[0].comments)
    assert any("post_id=314" in path for path, _ in server.seen)


def test_mastodon_status_url_reads_the_status_and_its_context(server, capsys):
    data = json.loads((EXPORTS / "mastodon_context.json").read_text("utf-8"))
    status = data["ancestors"][0] if data["ancestors"] else data["descendants"][0]
    server.json(f"/api/v1/statuses/{status['id']}", status)
    server.json(f"/api/v1/statuses/{status['id']}/context",
                {"ancestors": [], "descendants": data["descendants"]})
    code, threads, err = parse_json(capsys, f"{server.origin}/@fern/{status['id']}")
    assert code == 0, err
    assert threads[0]["format"] == "mastodon-json"
    assert len(threads[0]["comments"]) == len(data["descendants"])


def test_platform_urls_are_recognised():
    cases = {
        "https://old.reddit.com/r/nfl/comments/abc123/title/": "reddit",
        "https://redd.it/abc123": "reddit",
        "https://news.ycombinator.com/item?id=8863": "hn",
        "https://meta.discourse.org/t/a-topic/12345/7": "discourse",
        "https://lemmy.world/post/99": "lemmy",
        "https://mastodon.social/@Gargron/109": "mastodon",
        "https://bsky.app/profile/did:plc:abc/post/3kq": "bluesky",
    }
    for url, platform in cases.items():
        assert web.plan(url) is not None and web.plan(url).platform == platform, url
    assert web.plan("https://example.com/2020/05/a-post.html") is None
    assert web.plan("https://news.ycombinator.com/news") is None
