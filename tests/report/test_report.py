"""Tests of the HTML report (no browser): files, links, escaping, modes, summaries."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from discourse.analyze import COLUMNS
from discourse.analyze import sites as analyze_sites
from discourse.analyze.shares import interval_text
from discourse.model import Comment, Thread
from discourse.report import (
    ReportSummary,
    default_site,
    describe,
    site_from_folder,
    site_from_layout,
    site_from_regex,
    write_report,
)
from discourse.report import charts as report_charts
from discourse.report import render as report_render
from discourse.report.view import MAX_NEST
from tests.support.report_samples import (
    PAYLOADS,
    SEEDS,
    hostile_thread,
    labelled_seeds,
    synthetic_thread,
)

SEED_STEMS = sorted(p.stem for p in SEEDS.glob("*.txt"))


class _Page(HTMLParser):
    """Collects ids, link targets, script elements and their text from a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        if tag in ("script", "link") and (a.get("src") or a.get("href")):
            self.links.append(a.get("src") or a.get("href"))
        if tag == "script":
            self._script, self._text = a, []

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_links(out: Path) -> int:
    """Assert every internal link of every page resolves; return how many were checked."""
    parsed = {p.name: parse(p) for p in out.glob("*.html")}
    checked = 0
    for name, page in parsed.items():
        for href in page.links:
            if href.startswith(("http://", "https://", "data:")):
                continue
            assert not href.lower().startswith("javascript:"), (name, href)
            target, _, anchor = href.partition("#")
            target = target or name
            assert (out / target).is_file(), f"{name}: broken link {href!r}"
            if anchor and target.endswith(".html"):
                assert anchor in parsed[target].ids, f"{name}: missing anchor {href!r}"
            checked += 1
    return checked


def csp_of(text: str) -> str:
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)
    assert match, "page has no CSP"
    return html.unescape(match.group(1))


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> tuple[Path, ReportSummary]:
    out = tmp_path_factory.mktemp("report")
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    (out / "old_page.html").write_text("<p>from an earlier run</p>", encoding="utf-8")
    calls = []
    summary = write_report(labelled_seeds(), out, progress=lambda: calls.append(1))
    assert len(calls) == len(SEED_STEMS)
    return out, summary


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> tuple[Path, ReportSummary]:
    out = tmp_path_factory.mktemp("hostile")
    summary = write_report([hostile_thread()], out, site_of=site_from_folder)
    return out, summary


# -- files ---------------------------------------------------------------------------------


def test_pages_index_and_compare_written_for_the_seeds(seed_report):
    out, summary = seed_report
    assert [p.name for p in summary.pages] == [f"{s}.html" for s in SEED_STEMS]
    assert all(p.is_file() and p.parent == out for p in summary.pages)
    assert summary.index == out / "index.html" and summary.index.is_file()
    assert summary.compare == out / "compare.html" and summary.compare.is_file()
    assert summary.plotlyjs == out / "plotly.min.js" and summary.plotlyjs.stat().st_size > 1e6
    assert len(summary.rows) == len(SEED_STEMS)
    index = summary.index.read_text(encoding="utf-8")
    for page in summary.pages:
        assert f'href="{page.name}"' in index
    assert 'href="compare.html"' in index


def test_rows_are_thread_metrics_plus_page_and_summary(seed_report):
    _, summary = seed_report
    for row, page in zip(summary.rows, summary.pages, strict=True):
        assert set(COLUMNS) <= set(row)
        assert row["page"] == page.name
        assert row["summary"] == describe(row)
    first = summary.rows[0]
    assert first["size"] > 0 and first["share_rebuttal"] is not None
    assert first["site"] == default_site(next(iter(labelled_seeds()))) == "akarlin.com"


def test_every_link_resolves(seed_report):
    out, _ = seed_report
    assert check_links(out) > 50


def test_pages_reference_the_shared_plotlyjs(seed_report):
    out, summary = seed_report
    for page in summary.pages + [summary.compare]:
        text = page.read_text(encoding="utf-8")
        if 'class="chart"' in text:  # charts.js loads plotly.js (see the CSP test)
            assert text.count('<script data-plotly="plotly.min.js">') == 1
            assert "<script src=" not in text
        assert "cdn.plot.ly" not in text
    assert "plotly.min.js" not in summary.index.read_text(encoding="utf-8")


def test_output_folder_keeps_unrelated_files(seed_report):
    out, _ = seed_report
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert (out / "old_page.html").read_text(encoding="utf-8") == "<p>from an earlier run</p>"
    assert not list(out.glob(".*.part"))


def test_rewriting_into_the_same_folder_overwrites_only_report_files(tmp_path):
    """A second run rewrites the report's files and removes the page the first run wrote
    for the thread it no longer has (issue 22, item 10); the user's files stay."""
    threads = list(labelled_seeds())[:2]
    summary = write_report(threads, tmp_path)
    (tmp_path / "keep.csv").write_text("a,b\n", encoding="utf-8")
    first = sorted(p.name for p in tmp_path.iterdir())
    again = write_report(threads[:1], tmp_path)
    assert again.removed == [summary.pages[1]]
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        [n for n in first if n != summary.pages[1].name]
    assert (tmp_path / "keep.csv").read_text(encoding="utf-8") == "a,b\n"


def test_thread_page_shows_every_comment_with_an_anchor(seed_report):
    out, summary = seed_report
    thread = next(iter(labelled_seeds()))
    page = parse(summary.pages[0])
    text = summary.pages[0].read_text(encoding="utf-8")
    assert text.count('<article class="comment') == len(thread.comments)
    assert {f"c-{c.id}" for c in thread.comments} <= page.ids
    assert "<details class=\"replies\" open>" in text
    for chart in ("chart-tree", "chart-unfold", "chart-depth", "chart-sentiment"):
        assert chart in page.ids
    plain = html.unescape(text)
    row = summary.rows[0]
    assert row["summary"] in plain
    assert "Longest rebuttal chains" in plain and "Most contested subthreads" in plain
    assert f"{row['longest_rebuttal_chain']} rebuttals in a row" in plain


def test_pages_show_label_shares_with_their_intervals(tmp_path):
    """Thread page, index and compare show the estimated shares and their intervals."""
    threads = [synthetic_thread(80, seed=i, source=f"site{i % 2}/t{i}.txt") for i in range(4)]
    small = synthetic_thread(5, seed=9, source="site0/small.txt")
    summary = write_report([*threads, small], tmp_path, site_of=site_from_folder)
    row = summary.rows[0]
    text = html.unescape(summary.pages[0].read_text(encoding="utf-8"))
    mix = text.split('id="label-mix"', 1)[1].split("</table>", 1)[0]
    for label in ("agreement", "rebuttal", "moderation", "off-topic"):
        key = f"share_{label.replace('-', '_')}"
        low, high = row[key + "_low"], row[key + "_high"]
        interval = f"{low:.0%}–{high:.0%}".replace("%–", "–")
        assert f'data-label="{label}" data-estimate="{float(row[key])!r}"' in mix
        assert f"<b>{row[key]:.0%}</b>" in mix and interval in mix
        # the whisker spans the interval on the 0-100 % track
        assert f"left: {100 * low:.3f}%; width: {100 * (high - low):.3f}%" in mix
    assert "mean of their calibrated probabilities" in text and 'id="too-small"' not in text
    small_page = html.unescape(summary.pages[-1].read_text(encoding="utf-8"))
    assert 'id="too-small"' in small_page
    assert "Too few labelled comments to estimate the mix" in small_page
    index = html.unescape(summary.index.read_text(encoding="utf-8"))
    low, high = row["share_rebuttal_low"], row["share_rebuttal_high"]
    interval = f"{low:.0%}–{high:.0%}".replace("%–", "–")
    assert f'{row["share_rebuttal"]:.0%}<span class="ci-line">{interval}</span>' in index
    assert f"rebuttal: {row['share_rebuttal']:.0%}, 95% interval {interval}" in index
    assert 'class="n too-small"' in index  # the small thread's shares are greyed
    compare = html.unescape(summary.compare.read_text(encoding="utf-8"))
    site = analyze_sites.site_table(summary.rows)[0]
    cell = analyze_sites.format_cell("mix", "share_rebuttal", site)
    assert re.search(r"\d+% \(\d+–\d+%\)", cell) and f">{cell}</td>" in compare
    figure = json.loads(compare.split('data-target="chart-mix">', 1)[1].split("</script>")[0])
    bars = figure["data"][LABEL_INDEX["rebuttal"]]
    assert bars["error_x"]["array"][0] == pytest.approx(
        100 * (site["share_rebuttal_high"] - site["share_rebuttal"]))
    assert bars["error_x"]["arrayminus"][0] == pytest.approx(
        100 * (site["share_rebuttal"] - site["share_rebuttal_low"]))


LABEL_INDEX = {"agreement": 0, "rebuttal": 1, "moderation": 2, "off-topic": 3}


def test_page_without_comments_says_so(seed_report):
    _, summary = seed_report
    empty = [(p, r) for p, r in zip(summary.pages, summary.rows, strict=True) if r["size"] == 0]
    assert empty, "the seeds include articles without comments"
    threads = {t.source: t for t in labelled_seeds()}
    for page, row in empty:
        text = page.read_text(encoding="utf-8")
        assert "This article has no comments." in text
        assert 'class="chart"' not in text and "plotly" not in text.split("<footer")[0]
        assert "<script" not in text
        article = threads[row["source"]].article
        words = " ".join(article.split()[:12])
        assert words in " ".join(html.unescape(text).split())


# -- safety --------------------------------------------------------------------------------


def test_hostile_strings_are_escaped_everywhere(hostile_report):
    out, summary = hostile_report
    pages = [summary.pages[0], summary.index, summary.compare]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "<b>Co</b>" not in text
        assert 'href="javascript:' not in text
    for page in (summary.pages[0], summary.index):  # full titles: the template stays literal
        assert "{{7*7}}" in page.read_text(encoding="utf-8")
    plain = html.unescape(summary.pages[0].read_text(encoding="utf-8"))
    for payload in PAYLOADS[:5]:
        assert payload in plain


def test_hostile_page_has_only_the_report_scripts(hostile_report):
    _, summary = hostile_report
    text = summary.pages[0].read_text(encoding="utf-8")
    page = parse(summary.pages[0])
    data_blocks = 0
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/json":
            assert attrs.get("class") == "chart-data"
            assert "<" not in body and ">" not in body and "&" not in body
            figure = json.loads(body)
            assert figure["data"]
            data_blocks += 1
        else:
            assert not attrs.get("src")
            own = report_render.Renderer().scripts
            assert body in (own["charts.js"]["text"], own["filter.js"]["text"])
    assert data_blocks == text.count('class="chart"') >= 5
    # Every document string in chart data is html-escaped for plotly.
    blob = " ".join(body for _, body in page.scripts)
    assert "<img" not in json.dumps([json.loads(b) for a, b in page.scripts
                                     if a.get("type") == "application/json"])
    assert "\\u003cimg" not in blob  # a raw "<img" would appear as \u003cimg in the JSON


def test_inline_scripts_match_the_content_security_policy(seed_report, hostile_report):
    for out in (seed_report[0], hostile_report[0]):
        for path in out.glob("*.html"):
            if path.name == "old_page.html":
                continue
            text = path.read_text(encoding="utf-8")
            csp = csp_of(text)
            assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split(";")[1]
            for attrs, body in parse(path).scripts:
                if attrs.get("src") or attrs.get("type") == "application/json":
                    continue
                digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
                assert f"'sha256-{digest}'" in csp, path.name


def test_escaping_helpers():
    assert report_charts.esc('<b a="1">\'x\'&') == "&lt;b a=&#34;1&#34;&gt;&#39;x&#39;&amp;"
    assert report_charts.script_safe('{"a": "</script><!--\u2028&"}') == (
        '{"a": "\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"}')


# -- modes -----------------------------------------------------------------------------------


def test_inline_mode_makes_standalone_pages(tmp_path):
    thread = next(iter(labelled_seeds()))
    summary = write_report([thread], tmp_path, plotlyjs="inline")
    assert summary.plotlyjs is None
    assert not (tmp_path / "plotly.min.js").exists()
    text = summary.pages[0].read_text(encoding="utf-8")
    assert "<script src=" not in text  # nothing to fetch: plotly.js is in the page
    assert "<script data-plotly" not in text
    assert len(text) > 1_000_000 and "plotly.js v" in text
    assert "</script" not in text.split("<script>", 1)[1].split("</script>", 1)[0]
    assert check_links(tmp_path) > 0


def test_cdn_mode_references_the_cdn(tmp_path):
    from plotly.offline import get_plotlyjs_version

    version = report_render.plotlyjs_version()
    assert version == get_plotlyjs_version()  # the bundle is plotly.py's plotly.js, cut down
    summary = write_report([next(iter(labelled_seeds()))], tmp_path, plotlyjs="cdn")
    text = summary.pages[0].read_text(encoding="utf-8")
    assert f'data-plotly="https://cdn.plot.ly/plotly-{version}.min.js"' in text
    assert "needs network" in text
    assert not (tmp_path / "plotly.min.js").exists()


def test_unknown_plotlyjs_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match="plotlyjs must be one of .*, not 'sideways'"):
        write_report([], tmp_path / "out", plotlyjs="sideways")
    assert not (tmp_path / "out").exists()  # refused before anything was written


# -- content -----------------------------------------------------------------------------------


def test_summary_sentence_is_computed_per_thread(seed_report):
    _, summary = seed_report
    with_comments = [r for r in summary.rows if r["size"]]
    sentences = [r["summary"] for r in with_comments]
    assert len(set(sentences)) == len(sentences) >= 2
    for row in with_comments:
        assert row["summary"].startswith(f"{row['size']} comment")
    big = with_comments[0]
    rebut = interval_text(big["share_rebuttal_low"], big["share_rebuttal_high"])
    agree = interval_text(big["share_agreement_low"], big["share_agreement_high"])
    assert f"about {rebut} rebut and {agree} agree" in big["summary"]
    small = next(r for r in with_comments if r["shares_too_small"])
    assert "Too few labelled comments to estimate the mix" in small["summary"]
    assert describe({**big, "moderation_count": 7}) != big["summary"]
    assert "7 moderator interventions" in describe({**big, "moderation_count": 7})


def test_unlabelled_thread_gets_a_page(tmp_path):
    thread = next(iter(labelled_seeds()))
    bare = thread.with_comments([dataclasses.replace(c, label=None, confidence=None,
                                                     reasons=[]) for c in thread.comments])
    summary = write_report([bare], tmp_path)
    assert "not classified yet" in summary.rows[0]["summary"]
    text = html.unescape(summary.pages[0].read_text(encoding="utf-8"))
    assert "unlabelled" in text
    assert check_links(tmp_path) > 0


def test_file_names_are_slugs_made_unique(tmp_path):
    def t(source):
        return Thread(source=source, layout=None, title="t", article="a")

    sources = ["a/x.txt", "b/x.txt", "c/X.txt", "d/index.txt", "e/compare.md",
               "f/Статья ü?.txt", None, "g/../evil name<>.txt"]
    summary = write_report([t(s) for s in sources], tmp_path)
    names = [p.name for p in summary.pages]
    assert names == ["x.html", "x-2.html", "X-3.html", "thread-index.html",
                     "thread-compare.html", "u.html", "thread.html", "evil-name.html"]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+\.html", n) for n in names)


def test_site_helpers():
    thread = Thread(source="/data/site-a/2024/page.txt", layout="numbered", title="", article="")
    assert site_from_layout(thread) == "numbered"
    assert site_from_layout(dataclasses.replace(thread, layout=None)) == "no comments"
    assert site_from_folder(thread) == "2024"
    assert site_from_folder(dataclasses.replace(thread, source=None)) == "unknown"
    assert site_from_regex(r"/data/([^/]+)/")(thread) == "site-a"
    assert site_from_regex(r"page")(thread) == "page"
    assert site_from_regex(r"/nope/(\w+)")(thread) == "other"


def test_pages_are_written_while_streaming(tmp_path):
    threads = list(labelled_seeds())

    def stream():
        for i, t in enumerate(threads):
            if i:  # the previous thread's page exists before the next thread is read
                assert (tmp_path / f"{SEED_STEMS[i - 1]}.html").is_file()
                assert not (tmp_path / "index.html").exists()
            yield t

    summary = write_report(stream(), tmp_path)
    assert len(summary.pages) == len(threads)


def test_large_thread_and_deep_nesting(tmp_path):
    thread = synthetic_thread(500, seed=3)
    chain = [Comment(id=".".join(["1"] * (d + 1)), parent_id=".".join(["1"] * d) or None,
                     depth=d, author=f"p{d % 2}", text=f"level {d}", label="rebuttal")
             for d in range(MAX_NEST + 15)]
    deep = Thread(source="deep.txt", layout="numbered", title="deep", article="a",
                  comments=chain)
    summary = write_report([thread, deep], tmp_path)
    big = summary.pages[0].read_text(encoding="utf-8")
    assert big.count('<article class="comment') == 500
    text = summary.pages[1].read_text(encoding="utf-8")
    assert text.count("<details class=\"replies\"") == MAX_NEST
    assert text.count("in reply to") == len(chain) - MAX_NEST - 1
    assert summary.rows[1]["longest_rebuttal_chain"] == len(chain)
    assert check_links(tmp_path) > 500


def test_parent_cycle_still_renders_every_comment(tmp_path):
    comments = [Comment(id="1", parent_id=None, depth=0, author="a", text="root"),
                Comment(id="2", parent_id="3", depth=1, author="b", text="loop one"),
                Comment(id="3", parent_id="2", depth=1, author="c", text="loop two")]
    thread = Thread(source="cycle.txt", layout="numbered", title="cycle", article="a",
                    comments=comments)
    summary = write_report([thread], tmp_path)
    assert summary.pages[0].read_text(encoding="utf-8").count('<article class="comment') == 3


def test_big_corpus_paginates_the_index_and_pools_sites(tmp_path, monkeypatch):
    monkeypatch.setattr(report_render, "INDEX_PAGE_SIZE", 3)
    monkeypatch.setattr(analyze_sites, "MAX_SITES", 3)
    monkeypatch.setattr(report_charts, "MAX_SITES", 3)
    threads = [synthetic_thread(4 + i, seed=i, source=f"site{i % 5}/t{i}.txt") for i in range(8)]
    summary = write_report(threads, tmp_path, site_of=site_from_folder)
    assert [p.name for p in summary.index_pages] == ["index.html", "index-2.html",
                                                     "index-3.html"]
    first = summary.index.read_text(encoding="utf-8")
    assert 'href="index-3.html"' in first and first.count('<tr data-site=') == 3
    compare = html.unescape(summary.compare.read_text(encoding="utf-8"))
    assert "other sites (3)" in compare
    assert check_links(tmp_path) > 8


def test_empty_corpus(tmp_path):
    summary = write_report([], tmp_path)
    assert summary.pages == [] and summary.index.is_file() and summary.compare.is_file()
    assert "No threads." in summary.index.read_text(encoding="utf-8")
    assert "nothing to chart" in summary.compare.read_text(encoding="utf-8")


def test_figures_are_valid_plotly_figures():
    """Figures are plain dicts for speed; check them against plotly's schema here."""
    import plotly.graph_objects as go

    from discourse.analyze import ensure_sentiment, thread_metrics
    from discourse.report.view import ThreadView

    threads = [*labelled_seeds(), hostile_thread(), synthetic_thread(60, seed=5)]
    rows = []
    for thread in threads:
        view = ThreadView(ensure_sentiment(thread))
        for _, _, build in report_render.THREAD_CHARTS:
            fig = build(view) if view.size else None
            if fig is not None:
                go.Figure(fig)  # raises on any unknown or invalid property
        row = thread_metrics(view.thread)
        rows.append(row | {"page": "x.html", "classified": view.classified,
                           "site": site_from_folder(thread)})
    groups = report_charts.site_groups([r for r in rows if r["size"]])
    for _, _, build in report_render.SITE_CHARTS:
        go.Figure(build(groups))
    go.Figure(report_charts.thread_label_mix(rows))


# -- compare: one set of numbers -------------------------------------------------------------


def _page_site_table(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8")
    table = text.split('id="site-table"', 1)[1].split("</table>", 1)[0]
    rows = []
    for body in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        rows.append([html.unescape(c) for c in re.findall(r'data-key="[^"]+">([^<]*)</td>',
                                                          body)])
    return rows


def test_compare_prints_the_pages_table_and_writes_only_compare(tmp_path, capsys):
    from discourse.analyze import SITE_COLUMNS
    from discourse.cli import main

    out = tmp_path / "cmp"
    code = main(["compare", str(SEEDS), "-o", str(out), "--site-from", r"/(00[01])_", "-q"])
    assert code == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert re.split(r"\s{2,}", printed[0]) == [h for _, h, _, _ in SITE_COLUMNS]
    rows = [re.split(r"\s{2,}", line.strip()) for line in printed[1:]]
    page = _page_site_table(out / "compare.html")
    assert rows == page
    assert {r[0] for r in rows} == {"000", "001", "other"}
    assert sorted(p.name for p in out.iterdir()) == [".discourse-report.json",
                                                     ".discourse-report.lock", "compare.html",
                                                     "plotly.min.js"]
    text = (out / "compare.html").read_text(encoding="utf-8")
    assert 'href="index.html"' not in text  # no report pages beside it: no links to them
    assert "\"customdata\"" not in text


def test_site_table_aggregates_as_defined():
    from discourse.analyze import site_table

    rows = [
        {"site": "a", "size": 10, "classified": 10, "share_agreement": 0.5, "share_rebuttal": 0.5,
         "share_moderation": 0.0, "share_off_topic": 0.0, "uncertain": 2, "max_depth": 3,
         "moderation_count": 0, "escalation_slope": 0.2, "participation_gini": 0.1},
        {"site": "a", "size": 30, "classified": 20, "share_agreement": 0.0, "share_rebuttal": 0.5,
         "share_moderation": 0.5, "share_off_topic": 0.0, "uncertain": 4, "max_depth": 5,
         "moderation_count": 10, "escalation_slope": None, "participation_gini": 0.5},
        {"site": "a", "size": 0, "classified": 0, "max_depth": 0, "moderation_count": 0},
        {"site": "b", "size": 0, "classified": 0, "max_depth": 0, "moderation_count": 0},
    ]
    a, b = site_table(rows)
    assert a["threads"] == 3 and a["with_comments"] == 2 and a["comments"] == 40
    assert a["median_size"] == 20 and a["median_max_depth"] == 4  # threads with comments
    assert a["share_agreement"] == pytest.approx(5 / 30)  # pooled: 5 of 30 classified
    assert a["share_rebuttal"] == pytest.approx(15 / 30)
    assert a["share_agreement_low"] <= a["share_agreement"] <= a["share_agreement_high"]
    # two threads that disagree (agreement 50 % and 0 %): resampling threads, a wide interval
    assert a["share_agreement_high"] - a["share_agreement_low"] > 0.4
    assert a["labelled"] == 30 and a["shares_too_small"] is True
    assert a["share_uncertain"] == pytest.approx(6 / 30)
    assert a["mean_escalation_slope"] == pytest.approx(0.2)
    assert a["moderation_rate"] == pytest.approx(10 / 40)
    assert b["threads"] == 1 and b["comments"] == 0 and b["share_agreement"] is None


BUNDLED_TRACES = {"scatter", "bar", "box", "heatmap", "icicle"}


def test_figures_use_only_bundled_traces():
    """Every trace type a page draws is registered in the partial plotly.js bundle."""
    from discourse.analyze import ensure_sentiment, thread_metrics
    from discourse.report.evaluation import confusion_figure
    from discourse.report.view import ThreadView

    bundle = (Path(report_render.__file__).parent / "templates"
              / report_render.PLOTLY_BUNDLE).read_text(encoding="utf-8")
    registered = set(re.findall(r'moduleType:"trace",name:"([a-z0-9]+)"', bundle))
    assert registered == BUNDLED_TRACES
    used: set[str] = set()
    rows = []
    big = synthetic_thread(2500, seed=1)  # aggregated charts too
    for thread in [*labelled_seeds(), hostile_thread(), big]:
        view = ThreadView(ensure_sentiment(thread))
        for _, _, build in report_render.THREAD_CHARTS:
            fig = build(view) if view.size else None
            if fig is not None:
                used |= {t["type"] for t in fig["data"]}
        rows.append(thread_metrics(view.thread) | {"page": "x.html",
                                                   "site": site_from_folder(thread)})
    groups = report_charts.site_groups([r for r in rows if r["size"]])
    for _, _, build in report_render.SITE_CHARTS:
        used |= {t["type"] for t in build(groups)["data"]}
    score = {"labels": ["a", "b"], "confusion": [[1, 0], [0, 1]]}
    used |= {t.type for t in confusion_figure(score).data}  # the evaluation page
    assert used <= registered, used - registered
    assert "plotly.js v" + report_render.plotlyjs_version() in bundle[:200]


def test_evaluation_page_links_only_to_what_exists(tmp_path):
    """``discourse evaluate -o DIR`` writes evaluation.html alone: no menu links to report
    pages that may not exist there; the page is fed a plain dict."""
    cls = {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    result = {"protocol": "in-dataset", "dataset": "d", "labels": ["agreement", "rebuttal"],
              "model": "discourse", "n": 10, "macro_f1": 0.5, "balanced_accuracy": 0.5,
              "accuracy": 0.5, "per_class": {"agreement": cls, "rebuttal": cls}}
    evaluation = {"results": [result], "notes": ["a note"], "seconds": 3.0}
    page = tmp_path / "evaluation.html"
    page.write_text(report_render.Renderer().evaluation_page(evaluation, {}, "discourse"),
                    encoding="utf-8")
    text = page.read_text(encoding="utf-8")
    assert "index.html" not in text and "compare.html" not in text
    assert check_links(tmp_path) == 0 and "a note" in text
