"""Open every report page in headless Chromium: charts render, links and anchors resolve,
no console or page errors, and injected markup never runs.

Uses the system Chromium (/usr/bin/chromium) through playwright's sync API; playwright's
own browser downloads are not needed.  Run with ``pytest -m browser``.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from discourse.report import site_from_folder, write_report
from discourse.testing.report_samples import PAYLOADS, hostile_thread, labelled_seeds

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


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-report")
    write_report([*labelled_seeds(), hostile_thread()], out, site_of=site_from_folder)
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
    assert len(pages) == 8  # 5 seeds + hostile + index + compare
    anchors: dict[str, set[str]] = {}
    for path in pages:
        page.problems.clear()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)
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
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)
    text = page.evaluate("document.body.innerText")
    for payload in PAYLOADS[:5]:
        assert payload in text
    # The reply tree draws author names from the data: literal text, not markup.
    tree = page.locator("#chart-tree")
    # (plotly shows unknown tags as text anyway, but would render <b> and <a href>.)
    assert "<img src=x onerror=alert(1)>" in tree.inner_text()
    svg_text = page.evaluate("""Array.from(document.querySelectorAll('div.chart svg text'),
                                           t => t.textContent).join('\\n')""")
    assert "Mallory & <b>Co</b>" in svg_text  # tick labels of the participant charts
    assert page.locator('a[href^="https://example.invalid"]').count() == 0
    # Hovering a comment shows its hover label as text, with nothing injected.
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
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)
    assert page.url.endswith("compare.html")
    assert page.problems == []


def test_inline_page_works_alone(tmp_path, page):
    thread = next(iter(labelled_seeds()))
    summary = write_report([thread], tmp_path / "report", plotlyjs="inline")
    alone = tmp_path / "alone.html"  # moved away from the rest of the report
    alone.write_bytes(summary.pages[0].read_bytes())
    page.goto(alone.as_uri(), wait_until="load")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)
    assert page.locator("div.chart").count() >= 4
    assert page.problems == []
