"""Page-load times of report pages in headless Chromium (the browser tests' harness).

    python benchmarks/page_load.py REPORT_DIR [REPORT_DIR ...] [--runs 5] [--pages a.html,b.html]

For every page (default: index.html, compare.html and each thread page), opened from
``file://`` in a fresh browser context (nothing cached between runs), with the browser
tests' Chromium flags, it reports the median over ``--runs`` of:

* ``load``: navigation start to the ``load`` event;
* ``ready``: navigation start until every chart in the first screen (1280 × 900) is drawn
  — what a reader waits for before the page is usable;
* ``all``: navigation start until every chart of the page is drawn, scrolling each into
  view (charts below the fold are drawn lazily since issue 14).

Timing comes from ``performance.now()`` in the page (0 = navigation start), so it does not
include playwright's round trips.  No network: everything is loaded from the folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]

FIRST_SCREEN_DRAWN = """() => Array.from(document.querySelectorAll('div.chart'))
  .filter(d => d.getBoundingClientRect().top < window.innerHeight)
  .every(d => d.querySelector('svg.main-svg'))"""


def measure(browser, path: Path) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    page.wait_for_function(FIRST_SCREEN_DRAWN, timeout=60_000)
    ready = page.evaluate("performance.now()")
    charts = page.locator("div.chart")
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            f"() => document.querySelectorAll('div.chart')[{i}].querySelector('svg.main-svg')",
            timeout=60_000)
    done = page.evaluate("performance.now()")
    context.close()
    return {"load": load / 1000, "ready": max(load, ready) / 1000, "all": done / 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        print("| report | page | size (KB) | load (s) | first screen ready (s) | all charts (s) |")
        print("|---|---|---:|---:|---:|---:|")
        for report in args.reports:
            names = args.pages.split(",") if args.pages else sorted(
                p.name for p in report.glob("*.html"))
            for name in names:
                path = report / name
                runs = [measure(browser, path) for _ in range(args.runs)]
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                size = path.stat().st_size / 1024
                print(f"| {report.name} | {name} | {size:,.0f} | {med['load']:.2f} | "
                      f"{med['ready']:.2f} | {med['all']:.2f} |", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
