"""Reports written again into the same folder, a comparison into a report's folder, and
numbers in words (issue 22, item 10): a new run removes the pages its folder's last run
wrote and it did not — nothing else —; ``compare -o`` refuses a folder holding a full
report; "1 comment", never "1 comments"; "0.00", never "-0.00"."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from discourse.analyze.sites import format_value
from discourse.cli import main
from discourse.model import Comment, Thread
from discourse.numbers import count_of, fixed, plural, signed
from discourse.report import OutputError, render, write_report
from discourse.report import view as report_view
from discourse.report.output import MANIFEST_NAME
from discourse.report.render import _num, _signed
from tests.support.paths import SEEDS
from tests.support.report_samples import labelled_seeds, synthetic_thread

SEED = str(SEEDS / "001_75f1c0490d33f9ff.txt")


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


# -- stale pages ----------------------------------------------------------------------------
def test_a_new_run_removes_what_the_last_run_wrote_and_it_did_not(tmp_path, monkeypatch):
    monkeypatch.setattr(report_view, "LIST_LIMIT", 25)  # the long thread gets part pages
    monkeypatch.setattr(render, "INDEX_PAGE_SIZE", 2)  # and the index three pages
    threads = [synthetic_thread(60, seed=1, source="a/long.txt"),
               *(synthetic_thread(8, seed=i, source=f"b/t{i}.txt") for i in range(4))]
    first = write_report(threads, tmp_path)
    written = _names(tmp_path)
    assert {"long~2.html", "long~3.html", "index-2.html", "index-3.html"} <= written
    (tmp_path / "notes.html").write_text("<p>mine</p>", encoding="utf-8")
    # a page of the last run that the user has since replaced with their own file
    (tmp_path / "t3.html").write_text("<p>my rewrite</p>", encoding="utf-8")

    second = write_report([synthetic_thread(8, seed=0, source="b/t0.txt")], tmp_path,
                          force=True)
    removed = {p.name for p in second.removed}
    assert removed == {"long.html", "long~2.html", "long~3.html", "t1.html", "t2.html",
                       "index-2.html", "index-3.html"}
    assert _names(tmp_path) == {"t0.html", "index.html", "compare.html", "plotly.min.js",
                                "notes.html", "t3.html"}
    assert (tmp_path / "t3.html").read_text(encoding="utf-8") == "<p>my rewrite</p>"
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["runs"]["report"] == sorted(
        {"t0.html", "index.html", "compare.html", "plotly.min.js"})
    assert not removed & set(manifest["files"])
    assert first.pages[0].name == "long.html"


def test_only_a_complete_run_removes_anything(tmp_path):
    threads = list(labelled_seeds())[:3]
    write_report(threads, tmp_path)
    before = _names(tmp_path)

    def failing():
        yield threads[0]
        raise RuntimeError("the reader broke")

    with pytest.raises(RuntimeError):
        write_report(failing(), tmp_path)
    assert _names(tmp_path) == before  # nothing removed by the broken run
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(manifest["runs"]["report"]) == before  # still candidates next time
    summary = write_report(threads[:1], tmp_path)
    assert {p.name for p in summary.removed} == {Path(t.source).stem + ".html"
                                                 for t in threads[1:]}


def test_the_manifest_never_leads_outside_the_folder(tmp_path):
    folder = tmp_path / "out"
    write_report(list(labelled_seeds())[:1], folder)
    outside = tmp_path / "victim.html"
    outside.write_text('<meta name="generator" content="discourse report">', encoding="utf-8")
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["runs"]["report"] += ["../victim.html", str(outside), ".discourse-report.lock"]
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    write_report(list(labelled_seeds())[:1], folder)
    assert outside.is_file()


def test_an_older_manifest_removes_nothing(tmp_path):
    threads = list(labelled_seeds())[:2]
    write_report(threads, tmp_path)
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    del manifest["runs"]
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    before = _names(tmp_path)
    assert write_report(threads[:1], tmp_path).removed == []
    assert _names(tmp_path) == before


def test_the_command_says_what_it_removed(tmp_path, capsys):
    assert main(["report", str(SEEDS / "000_1701a6fb48e1cee7.txt"), SEED, "-o", str(tmp_path),
                 "-q"]) == 0
    assert main(["report", SEED, "-o", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "wrote 1 thread page, " in err and "1 thread pages" not in err
    assert "removed 1 file the last run wrote" in err and "000_1701a6fb48e1cee7.html" in err
    assert not (tmp_path / "000_1701a6fb48e1cee7.html").exists()


# -- compare into a report's folder ---------------------------------------------------------
def test_compare_refuses_a_folder_holding_a_report(tmp_path, capsys):
    assert main(["report", SEED, "-o", str(tmp_path), "-q"]) == 0
    compare = (tmp_path / "compare.html").read_bytes()
    assert main(["compare", str(SEEDS), "-o", str(tmp_path), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds a report" in err and "discourse report" in err
    assert (tmp_path / "compare.html").read_bytes() == compare  # index and compare agree
    with pytest.raises(OutputError, match="holds a report"):
        from discourse.report import summary_row, write_rendered

        write_rendered([summary_row(next(iter(labelled_seeds())))], tmp_path,
                       compare_only=True)


def test_compare_alone_then_a_report_in_the_same_folder(tmp_path):
    assert main(["compare", SEED, "-o", str(tmp_path), "-q"]) == 0
    assert main(["compare", SEED, "-o", str(tmp_path), "-q"]) == 0  # its own folder: fine
    assert main(["report", SEED, "-o", str(tmp_path), "-q"]) == 0
    assert "index.html" in (tmp_path / "compare.html").read_text(encoding="utf-8")


# -- numbers in words -----------------------------------------------------------------------
def test_one_pluralisation_helper_and_no_negative_zero():
    assert count_of(1, "comment") == "1 comment" and count_of(2, "comment") == "2 comments"
    assert count_of(1, "reply") == "1 reply" and count_of(3, "reply") == "3 replies"
    assert count_of(1234, "thread page") == "1,234 thread pages"
    assert count_of(1.0, "site") == "1 site" and plural(0, "named participant") == \
        "named participants"
    assert fixed(-0.001) == "0.00" and fixed(-0.3) == "-0.30" and fixed(None) == "–"
    assert signed(-0.004) == "0.00" and signed(0.004) == "0.00" and signed(0.3) == "+0.30"
    assert _num(-0.0001) == "0.00" and _signed(-0.0049) == "0.00"
    assert format_value("slope", -0.001) == "0.00" and format_value("median", -0.001) == "0.00"


def test_a_one_comment_thread_reads_in_the_singular(tmp_path, capsys):
    comment = Comment(id="1", parent_id=None, depth=0, author="alice",
                      text="I agree, well said.", label="agreement", confidence=0.9,
                      sentiment=-0.001, probabilities={"agreement": 0.9, "rebuttal": 0.05,
                                                       "moderation": 0.03, "off-topic": 0.02})
    reply = Comment(id="1.1", parent_id="1", depth=1, author="bob", text="No, wrong.",
                    label="rebuttal", confidence=0.8, sentiment=-0.0004)
    one = Thread(source="site/one.txt", layout=None, title="One", article="An article.",
                 comments=[comment], thread_id="t1", site="site")
    two = Thread(source="site/two.txt", layout=None, title="Two", article="An article.",
                 comments=[comment, reply], thread_id="t2", site="site")
    summary = write_report([one, two], tmp_path)
    plural_after_one = re.compile(
        r"(?<![\d.,])1 (comments|replies|threads|sites|labels|rebuttals|thread pages|"
        r"named participants|labelled comments|participants)\b")
    for page in [*summary.pages, summary.index, summary.compare]:
        text = page.read_text(encoding="utf-8")
        assert not plural_after_one.findall(text), (page.name, plural_after_one.findall(text))
        assert not re.search(r"-0\.00(?!\d)", text), page.name  # shown, not data (-0.001)
    index = summary.index.read_text(encoding="utf-8")
    assert '<div class="k">site</div>' in index
    assert main(["parse", str(SEEDS / "000_1701a6fb48e1cee7.txt"), "--tree", "-q"]) == 0
    assert "34 comments]" in capsys.readouterr().out
