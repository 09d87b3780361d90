"""Open every report page in headless Chromium: charts render, links and anchors resolve,
no console or page errors, injected markup never runs; the comment and thread filters
work offline, labels and metrics are defined on the pages, the palette is the
colour-blind-safe one, uncertain labels show, the toolbar never covers a legend.

Charts are drawn lazily (when scrolled near), so tests scroll each chart into view
(:func:`draw_all`) before checking it.

Uses the system Chromium (/usr/bin/chromium) through playwright's sync API; playwright's
own browser downloads are not needed.  Run with ``pytest -m browser``.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from discourse.analyze import LABEL_DEFINITIONS, UNCERTAIN_BELOW
from discourse.report import charts as report_charts
from discourse.report import site_from_folder, write_report
from discourse.report import view as report_view
from tests.support.report_samples import (
    PAYLOADS,
    hostile_thread,
    labelled_seeds,
    synthetic_thread,
)

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="the playwright Python package is not installed"),
]

#: Everything the test needs from a loaded page, in one round trip.
PAGE_FACTS = """() => ({
  links: Array.from(document.querySelectorAll("a[href]"), a => a.getAttribute("href")),
  scripts: Array.from(document.querySelectorAll("script[src]"), s => s.getAttribute("src")),
  ids: Array.from(document.querySelectorAll("[id]"), e => e.id),
  charts: document.querySelectorAll("div.chart").length,
  drawn: Array.from(document.querySelectorAll("div.chart"))
    .filter(d => d.querySelector("svg.main-svg")).length,
  missing: document.querySelectorAll(".chart-missing").length,
  images: document.querySelectorAll("img").length,
  xImages: document.querySelectorAll('img[src="x"], image[href="x"]').length,
  text: document.body.innerText,
})"""

ALL_CHARTS_DRAWN = """() => Array.from(document.querySelectorAll("div.chart"))
  .every(d => d.querySelector("svg.main-svg"))"""


def draw_all(page) -> None:
    """Scroll every chart into view (they are drawn lazily) and wait until all are drawn."""
    for i in range(page.locator("div.chart").count()):
        page.locator("div.chart").nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            f"() => document.querySelectorAll('div.chart')[{i}].querySelector('svg.main-svg')",
            timeout=20_000)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-report")
    write_report([*labelled_seeds(), hostile_thread(), synthetic_thread(60, seed=5)], out,
                 site_of=site_from_folder)
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    page.problems = []  # console errors, page errors, dialogs, network requests
    page.on("console", lambda m: m.type == "error" and page.problems.append(
        f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))

    def dialog(d):
        page.problems.append(f"dialog: {d.type} {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.on("request", lambda r: r.url.startswith(("http:", "https:")) and page.problems.append(
        f"network request: {r.url}"))
    yield page
    context.close()


def _check_links(path: Path, facts: dict, anchors: dict[str, set[str]]) -> None:
    ids = set(facts["ids"])
    for href in facts["links"] + facts["scripts"]:
        assert not href.lower().startswith("javascript:"), (path.name, href)
        if href.startswith(("http://", "https://", "data:")):
            continue
        target, _, anchor = href.partition("#")
        target_path = path.parent / unquote(urlsplit(target).path) if target else path
        assert target_path.is_file(), f"{path.name}: broken link {href!r}"
        if anchor:
            wanted = ids if not target else anchors.get(target_path.name)
            if wanted is not None:
                assert unquote(anchor) in wanted, f"{path.name}: no anchor for {href!r}"
            else:  # remember to check once the target page has been opened
                anchors.setdefault(f"pending:{target_path.name}", set()).add(unquote(anchor))


def test_every_page_renders_cleanly(report, page):
    started = time.monotonic()
    pages = sorted(report.glob("*.html"))
    assert len(pages) == 9  # 5 seeds + hostile + synthetic + index + compare
    anchors: dict[str, set[str]] = {}
    for path in pages:
        page.problems.clear()
        page.goto(path.as_uri(), wait_until="load")
        draw_all(page)
        facts = page.evaluate(PAGE_FACTS)
        anchors[path.name] = set(facts["ids"])
        assert facts["drawn"] == facts["charts"], path.name
        assert facts["missing"] == 0, path.name
        assert facts["images"] == 0 and facts["xImages"] == 0, path.name
        _check_links(path, facts, anchors)
        assert page.problems == [], f"{path.name}: {page.problems}"
    for key, wanted in anchors.items():
        if key.startswith("pending:"):
            assert wanted <= anchors[key.removeprefix("pending:")], key
    assert time.monotonic() - started < 60


def test_hostile_page_shows_payloads_as_text(report, page):
    hostile = next(p for p in report.glob("*.html") if "script" in p.name)
    page.goto(hostile.as_uri(), wait_until="load")
    draw_all(page)
    text = page.evaluate("document.body.innerText")
    for payload in PAYLOADS[:5]:
        assert payload in text
    # The reply tree draws author names from the data: literal text, not markup.
    tree = page.locator("#chart-tree")
    # (plotly shows unknown tags as text anyway, but would render <b> and <a href>.)
    # cells are labelled with authors (cells too small for 12 px text show none)
    assert "Mallory & <b>Co</b>" in tree.inner_text()
    svg_text = page.evaluate("""Array.from(document.querySelectorAll('div.chart svg text'),
                                           t => t.textContent).join('\\n')""")
    assert "Mallory & <b>Co</b>" in svg_text  # tick labels of the participant charts
    assert page.locator('a[href^="https://example.invalid"]').count() == 0
    # Hovering a comment shows its hover label as text, with nothing injected.
    tree.scroll_into_view_if_needed()
    cell = tree.locator("g.slice").nth(1)
    box = cell.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#chart-tree g.hovertext", timeout=5_000)
    hover = page.locator("#chart-tree g.hovertext").first.text_content()
    assert "<script>alert(1)</script>" in hover or "<img src=x" in hover
    assert page.evaluate("document.querySelectorAll('img, #chart-tree script').length") == 0
    assert page.problems == []


def test_index_sorts_and_links(report, page):
    page.goto((report / "index.html").as_uri(), wait_until="load")
    sizes = "Array.from(document.querySelectorAll('#threads tbody tr td:nth-child(4)'), td => +td.dataset.v)"
    page.get_by_role("button", name="Comments").click()
    desc = page.evaluate(sizes)
    assert desc == sorted(desc, reverse=True)
    page.get_by_role("button", name="Comments").click()
    assert page.evaluate(sizes) == sorted(desc)
    page.get_by_role("link", name="Compare sites").first.click()
    draw_all(page)
    assert page.url.endswith("compare.html")
    assert page.problems == []


def test_inline_page_works_alone(tmp_path, page):
    thread = next(iter(labelled_seeds()))
    summary = write_report([thread], tmp_path / "report", plotlyjs="inline")
    alone = tmp_path / "alone.html"  # moved away from the rest of the report
    alone.write_bytes(summary.pages[0].read_bytes())
    page.goto(alone.as_uri(), wait_until="load")
    draw_all(page)
    assert page.locator("div.chart").count() >= 4
    assert page.problems == []


SYNTHETIC = "synthetic_60_5.html"
VISIBLE_MATCHES = """() => Array.from(document.querySelectorAll('article.comment'))
  .filter(a => a.offsetParent !== null && !a.classList.contains('context'))
  .map(a => ({label: a.dataset.label, author: a.dataset.author, conf: a.dataset.conf,
              text: a.querySelector(':scope > .text').textContent}))"""


def test_comment_list_filters(report, page):
    page.goto((report / SYNTHETIC).as_uri(), wait_until="load")
    total = page.locator("article.comment").count()
    assert total == 60
    form = page.locator("#comment-filters")
    form.locator("input[name=q]").fill("nonsense")
    shown = page.evaluate(VISIBLE_MATCHES)
    assert 0 < len(shown) < total and all("nonsense" in c["text"].lower() for c in shown)
    assert page.locator("#filter-count").text_content() == f"{len(shown)} of {total} comments match"
    # context: replies that match keep the comments they answer visible, shortened
    for i in range(page.locator("article.comment.context").count()):
        assert page.locator("article.comment.context").nth(i).locator(".text").first.is_hidden()
    form.locator("button[type=reset]").click()
    page.wait_for_function("() => document.querySelector('#filter-count').textContent === ''")
    assert len(page.evaluate(VISIBLE_MATCHES)) == total
    for label in ("agreement", "moderation", "off-topic", "unlabelled"):
        form.locator(f"input[name=label][value={label}]").uncheck()
    shown = page.evaluate(VISIBLE_MATCHES)
    assert shown and {c["label"] for c in shown} == {"rebuttal"}
    form.locator("button[type=reset]").click()
    form.locator("input[name=author]").fill("user3")
    shown = page.evaluate(VISIBLE_MATCHES)
    assert shown and all("user3" in c["author"] for c in shown)
    form.locator("button[type=reset]").click()
    form.locator("select[name=confidence]").select_option("uncertain")
    shown = page.evaluate(VISIBLE_MATCHES)
    assert shown and all(float(c["conf"]) < UNCERTAIN_BELOW for c in shown)
    assert page.problems == []


def test_uncertain_labels_are_marked(report, page):
    page.goto((report / SYNTHETIC).as_uri(), wait_until="load")
    marks = page.evaluate("""() => Array.from(document.querySelectorAll('article.comment'))
      .map(a => [parseFloat(a.dataset.conf),
                 a.querySelector(':scope > header .badge').textContent,
                 getComputedStyle(a.querySelector(':scope > header .badge')).borderStyle])""")
    uncertain = [m for m in marks if m[0] < UNCERTAIN_BELOW]
    assert uncertain and all(m[1].endswith("?") and m[2] == "dashed" for m in uncertain)
    assert all(not m[1].endswith("?") and m[2] == "solid" for m in marks
               if m[0] >= UNCERTAIN_BELOW)
    assert f"{len(uncertain)} of 60 labels are uncertain" in page.locator("#labels").inner_text()


def test_index_filters(report, page):
    page.goto((report / "index.html").as_uri(), wait_until="load")
    rows = "Array.from(document.querySelectorAll('#threads tbody tr')).filter(r => !r.hidden)"
    assert page.evaluate(f"{rows}.length") == 7
    page.select_option("select[name=site]", "hostile")
    assert page.evaluate(f"{rows}.map(r => r.dataset.site)") == ["hostile"]
    page.select_option("select[name=site]", "")
    page.fill("input[name=min_size]", "10")
    sizes = page.evaluate(f"{rows}.map(r => +r.dataset.size)")
    assert sizes and all(s >= 10 for s in sizes) and len(sizes) < 7
    page.fill("input[name=min_size]", "")
    page.select_option("select[name=share_label]", "rebuttal")
    page.fill("input[name=min_share]", "30")
    shares = page.evaluate(f"{rows}.map(r => +r.dataset.rebuttal)")
    assert shares and all(x >= 0.3 for x in shares)
    page.fill("input[name=q]", "synthetic")
    assert page.evaluate(f"{rows}.length") <= 1
    assert page.problems == []


def test_labels_and_metrics_are_defined_where_shown(report, page):
    for name in (SYNTHETIC, "index.html", "compare.html"):
        page.goto((report / name).as_uri(), wait_until="load")
        text = page.evaluate("document.body.innerText")
        for definition in LABEL_DEFINITIONS.values():
            assert definition in text, (name, definition)
        assert "below 50%" in text
    page.goto((report / SYNTHETIC).as_uri(), wait_until="load")
    ids = set(page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)"))
    for href in page.evaluate("Array.from(document.querySelectorAll('a.stat'), a => a.hash)"):
        assert href[1:] in ids  # every headline figure links to its definition
    assert "Gómez, Kaltenbrunner & López 2008" in page.locator("#definitions").inner_text()
    page.goto((report / "compare.html").as_uri(), wait_until="load")
    heads = page.evaluate("Array.from(document.querySelectorAll('#site-table th a'), a => a.hash)")
    ids = set(page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)"))
    assert heads and all(h[1:] in ids for h in heads)


def test_colour_blind_safe_palette(report, page):
    page.goto((report / SYNTHETIC).as_uri(), wait_until="load")
    draw_all(page)
    for label in ("agreement", "rebuttal", "moderation", "off-topic"):
        hex_colour = report_charts.LABEL_COLORS[label]
        rgb = "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))
        css = page.evaluate(f"getComputedStyle(document.querySelector('.sharebar .lab-{label}'))"
                            ".backgroundColor")
        assert css == rgb, label
        fills = page.evaluate("""c => Array.from(document.querySelectorAll('#chart-depth path'))
            .some(p => (p.style.fill || '').replace(/ /g, '') === c)""",
                              rgb.replace(" ", ""))
        assert fills, label
    assert report_charts.LABEL_COLORS["agreement"] == "#0072B2"  # Okabe-Ito blue
    assert report_charts.LABEL_COLORS["rebuttal"] == "#D55E00"  # Okabe-Ito vermillion


def test_label_shares_show_their_intervals(report, page):
    """The thread page draws each label's interval as whiskers on a 0-100 % track, with
    the numbers as text; the index shows the interval under each share and in its
    tooltip; the compare page's label-mix chart draws error bars."""
    page.goto((report / SYNTHETIC).as_uri(), wait_until="load")
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('#label-mix tbody tr'))
      .map(tr => {
        const track = tr.querySelector('.ci').getBoundingClientRect();
        const bar = tr.querySelector('.ci-bar').getBoundingClientRect();
        const w = tr.querySelector('.ci-whisker').getBoundingClientRect();
        return {label: tr.dataset.label, est: +tr.dataset.estimate, low: +tr.dataset.low,
                high: +tr.dataset.high, text: tr.innerText, left: track.left,
                width: track.width, bar: bar.width, wl: w.left, wr: w.right,
                colour: getComputedStyle(tr.querySelector('.ci-bar')).backgroundColor};
      })""")
    assert [r["label"] for r in rows] == list(LABEL_DEFINITIONS)
    assert abs(sum(r["est"] for r in rows) - 1) < 1e-9
    for r in rows:
        assert 0 <= r["low"] <= r["est"] <= r["high"] <= 1
        assert f"{r['est']:.0%}" in r["text"]
        assert f"{r['low']:.0%}–{r['high']:.0%}".replace("%–", "–") in r["text"]
        assert abs(r["bar"] - r["est"] * r["width"]) <= 1.5
        # whiskers from low to high (caps included), inside the track
        assert abs(r["wl"] - (r["left"] + r["low"] * r["width"])) <= 2.5
        assert abs(r["wr"] - (r["left"] + r["high"] * r["width"])) <= 2.5
        hex_colour = report_charts.LABEL_COLORS[r["label"]]
        rgb = "({}, {}, {}".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))
        assert rgb in r["colour"], r["label"]
    assert "mean of their calibrated probabilities" in page.locator("#labels").inner_text()
    page.goto((report / "index.html").as_uri(), wait_until="load")
    cell = page.locator("#threads tbody tr", has_text="Synthetic thread").locator("td").nth(7)
    low, high = next((r["low"], r["high"]) for r in rows if r["label"] == "rebuttal")
    interval = f"{low:.0%}–{high:.0%}".replace("%–", "–")
    assert cell.locator(".ci-line").inner_text() == interval
    assert cell.locator(".ci-line").is_visible()
    assert interval in cell.get_attribute("title")
    page.goto((report / "compare.html").as_uri(), wait_until="load")
    draw_all(page)
    assert page.locator("#chart-mix g.errorbar").count() >= 4
    assert page.problems == []


def test_toolbar_never_covers_a_legend(report, page):
    page.goto((report / SYNTHETIC).as_uri(), wait_until="load")
    draw_all(page)
    for chart in ("#chart-depth", "#chart-unfold", "#chart-sentiment"):
        page.locator(chart).scroll_into_view_if_needed()
        page.locator(chart).hover()
        page.wait_for_selector(f"{chart} .modebar", state="visible")
        bar = page.locator(f"{chart} .modebar").bounding_box()
        legend = page.locator(f"{chart} g.legend").bounding_box()
        overlap_x = min(bar["x"] + bar["width"], legend["x"] + legend["width"]) - max(
            bar["x"], legend["x"])
        overlap_y = min(bar["y"] + bar["height"], legend["y"] + legend["height"]) - max(
            bar["y"], legend["y"])
        assert overlap_x <= 0 or overlap_y <= 0, chart


def test_reply_tree_text_is_readable(report, page):
    page.goto((report / "000_1701a6fb48e1cee7.html").as_uri(), wait_until="load")
    draw_all(page)
    sizes = page.evaluate("""Array.from(document.querySelectorAll('#chart-tree text.slicetext'))
        .filter(t => t.textContent).map(t => parseFloat(getComputedStyle(t).fontSize))""")
    assert sizes and min(sizes) >= report_charts.TREE_TEXT_PX


def test_heatmap_is_replaced_by_a_sentence_when_empty(report, page):
    shown = hidden = 0
    for path in sorted(report.glob("0*.html")):
        page.goto(path.as_uri(), wait_until="load")
        if page.locator("#no-heatmap").count():
            hidden += 1
            assert page.locator("#chart-heatmap").count() == 0
            assert page.locator("#no-heatmap").inner_text().startswith("Nothing to chart")
        elif page.locator("#chart-heatmap").count():
            shown += 1
    assert hidden >= 1


def test_long_thread_parts_link_to_each_other(tmp_path, page, monkeypatch):
    monkeypatch.setattr(report_view, "LIST_LIMIT", 25)
    summary = write_report([synthetic_thread(60, seed=2, source="long/long.txt")], tmp_path)
    page.goto(summary.pages[0].as_uri(), wait_until="load")
    assert page.locator("article.comment").count() == 25
    page.locator("#comments nav.pager a", has_text="3").first.click()
    page.wait_for_url("**/long~3.html")
    assert page.locator("article.comment").count() == 10
    links = page.evaluate("""Array.from(document.querySelectorAll('article.comment header span a'))
        .map(a => a.getAttribute('href')).filter(h => h.includes('.html#'))""")
    assert links  # replies to comments listed on earlier pages
    page.goto((tmp_path / links[0].split("#")[0]).as_uri() + "#" + links[0].split("#")[1])
    assert page.locator(f"[id='{links[0].split('#')[1]}']").count() == 1
    assert page.problems == []


#: The table's width, the width it has to fit in (its scrolling box), and whether the hint
#: above it ("scroll sideways") shows.
TABLE_FIT = """sel => { const t = document.querySelector(sel); const box = t.closest('.tablewrap');
  const hint = box.previousElementSibling;
  return {table: t.scrollWidth, box: box.clientWidth, scrolls: box.scrollWidth > box.clientWidth,
          hint: !!(hint && hint.classList.contains('scroll-hint') && hint.offsetParent)}; }"""


@pytest.mark.parametrize("width", [1280, 1024, 800])
def test_tables_fit_their_column(report, browser, width):
    """The index and compare tables fit the page's column (1,120 px at 1,280 px) without a
    horizontal scroll: headings wrap, site names break, shares put their interval on a
    second line.  Where a table cannot fit (narrow screens) it scrolls, and says so."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for name, table, fits_from in (("index.html", "#threads", 1024),
                                       ("compare.html", "#site-table", 1200)):
            page.goto((report / name).as_uri(), wait_until="load")
            fit = page.evaluate(TABLE_FIT, table)
            if width >= fits_from:
                assert fit["table"] <= fit["box"] and not fit["scrolls"], (name, width, fit)
                assert not fit["hint"], (name, width)
            elif fit["scrolls"]:
                assert fit["hint"], (name, width, fit)  # the last resort, announced
        page.goto((report / "compare.html").as_uri(), wait_until="load")
        groups = page.evaluate("Array.from(document.querySelectorAll('#site-table tr.groups "
                               "th'), th => th.colSpan).reduce((a, b) => a + b, 0)")
        columns = page.evaluate("document.querySelectorAll('#site-table tbody tr:first-child "
                                "td').length")
        assert groups == columns  # the group headings cover every column once
    finally:
        context.close()


#: Every tick label of a chart that the toolbar's box covers, with the toolbar's box.
TOOLBAR_OVER_TICKS = """id => { const div = document.getElementById(id);
  const bar = div.querySelector('.modebar');
  if (!bar || !bar.offsetParent) return {bar: null, covered: []};
  const b = bar.getBoundingClientRect();
  const covered = Array.from(div.querySelectorAll('g[class*="tick"] text'))
    .filter(t => t.textContent.trim())
    .filter(t => { const r = t.getBoundingClientRect();
      return Math.min(b.right, r.right) - Math.max(b.left, r.left) > 0 &&
             Math.min(b.bottom, r.bottom) - Math.max(b.top, r.top) > 0; })
    .map(t => t.textContent);
  return {bar: [b.left, b.top, b.width, b.height], covered}; }"""


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory) -> Path:
    """The labelled seeds, each on its own site: long titles on the per-thread chart."""
    out = tmp_path_factory.mktemp("seeds-report")
    write_report(labelled_seeds(), out)
    return out


@pytest.mark.parametrize("width", [1280, 800, 390, 360])
def test_toolbar_never_covers_a_tick_label(report, seeds_report, browser, width):
    """The chart toolbar ("100" at the end of the percentage axes included) covers no tick
    label at any width; charts too narrow for it have none."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        shown = 0
        for path in (seeds_report / "compare.html", report / "compare.html", report / SYNTHETIC):
            name = path.name
            page.goto(path.as_uri(), wait_until="load")
            draw_all(page)
            for cid in page.evaluate("Array.from(document.querySelectorAll('div.chart'), "
                                     "d => d.id)"):
                chart = page.locator(f"#{cid}")
                chart.scroll_into_view_if_needed()
                chart.hover()
                if page.locator(f"#{cid} .modebar").count():
                    page.wait_for_selector(f"#{cid} .modebar", state="visible")
                facts = page.evaluate(TOOLBAR_OVER_TICKS, cid)
                shown += facts["bar"] is not None
                assert facts["covered"] == [], (name, cid, width, facts)
        if width >= 800:
            assert shown  # the toolbar is there where there is room for it
    finally:
        context.close()
