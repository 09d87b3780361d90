"""A folder mixing text, HTML, JSON and XML documents runs through `discourse report`, each
document read by its own reader, with sites named by the pages' domains (issue 11)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import discourse
from discourse.cli import main
from tests.support.paths import FIXTURES, PROJECT


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copy(PROJECT / "seeds" / "004_cf98bbd6559fb7a2.txt", folder / "seed.txt")
    shutil.copy(FIXTURES / "html" / "wordpress.html", folder / "blog.html")
    shutil.copy(FIXTURES / "exports" / "reddit_api.json", folder / "reddit.json")
    shutil.copy(FIXTURES / "exports" / "disqus.xml", folder / "export.xml")
    (folder / "notes.md").write_text("Notes\n\nNothing here is a comment.\n", encoding="utf-8")
    return folder


def test_each_document_is_read_by_its_reader(mixed):
    threads = list(discourse.iter_threads(mixed))
    by_format: dict[str, list] = {}
    for t in threads:
        by_format.setdefault(t.format, []).append(t)
    assert set(by_format) == {"text", "html", "reddit-json", "disqus-xml"}
    assert all(t.comments for f, ts in by_format.items() if f != "text" for t in ts)
    html = by_format["html"][0]
    assert html.layout == "wordpress" and html.site
    assert by_format["reddit-json"][0].site.startswith("reddit.com/r/")


def test_report_names_sites_by_domain(mixed, tmp_path):
    out = tmp_path / "reports"
    code = main(["report", str(mixed), "-o", str(out), "-q"])
    assert code == 0
    threads = list(discourse.iter_threads(mixed))
    sites = {t.site for t in threads if t.site}
    index = (out / "index.html").read_text(encoding="utf-8")
    for site in sites:
        assert site in index, site
    # the layout is a technical detail, never a site
    assert not re.search(r">\s*numbered-bullets\s*<", index)
    pages = [p for p in out.glob("*.html") if p.name not in ("index.html", "compare.html")]
    assert len(pages) == len(threads)


def test_explain_names_the_reader_of_each_file(mixed, capsys):
    assert main(["parse", str(mixed), "--explain", "-q"]) == 0
    out = capsys.readouterr().out
    for name, reader in (("seed.txt", "text"), ("blog.html", "html"),
                         ("reddit.json", "reddit-json"), ("export.xml", "disqus-xml")):
        assert re.search(rf"{re.escape(name)}: reader: {re.escape(reader)} \(", out), name


def test_json_output_reads_back(mixed, tmp_path):
    out = tmp_path / "threads.json"
    assert main(["parse", str(mixed), "-o", str(out), "-q"]) == 0
    again = discourse.read_file(out)
    original = list(discourse.iter_threads(mixed))
    assert [t.to_dict() for t in again] == json.loads(out.read_text(encoding="utf-8"))
    assert [(t.source, len(t.comments)) for t in again] == [(t.source, len(t.comments))
                                                            for t in original]


def test_classify_to_convokit_and_back_keeps_trees_and_labels(mixed, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    assert main(["classify", str(mixed), "--format", "convokit", "-o", str(corpus), "-q"]) == 0
    assert (corpus / "utterances.jsonl").is_file() and (corpus / "corpus.json").is_file()
    back = discourse.read_file(corpus)
    labelled = [t for t in back if t.comments]
    assert labelled and all(c.label for t in labelled for c in t.comments
                            if c.text and not c.status)
    original = {len(t.comments) for t in discourse.iter_threads(mixed) if t.comments}
    assert {len(t.comments) for t in labelled} == original
    assert main(["parse", str(mixed), "--format", "convokit"]) == 2
    assert "give -o DIR" in capsys.readouterr().err
