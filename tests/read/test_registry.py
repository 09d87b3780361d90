"""The reader and writer registries (issue 19): every reader and writer declares itself,
detection asks the readers in registry order, the CLI's choices and the "unknown shape"
messages come from the registries, and reading a text file imports no other reader's
heavy dependencies."""

from __future__ import annotations

import subprocess
import sys

import pytest

from discourse.cli import build_parser, main
from discourse.errors import UsageError
from discourse.read import READERS, find_reader, reader_names, readers
from discourse.read.detect import SUPPORTED_JSON, SUPPORTED_XML, detect, supported
from discourse.read.source import Document
from discourse.write import (
    WRITERS,
    find_writer,
    row_writer_names,
    write_threads,
    writer_names,
    writers,
)
from tests.support.paths import PROJECT, SEEDS

SEED = sorted(SEEDS.glob("*.txt"))[0]


def test_every_reader_declares_itself():
    assert len(readers()) == len(READERS)
    names = reader_names()
    assert len(set(names)) == len(names)
    for r in readers():
        assert isinstance(r.NAME, str) and r.NAME
        assert isinstance(r.DESCRIBES, str) and r.DESCRIBES
        assert r.SYNTAX in ("json", "xml", "text")
        assert callable(r.sniff) and callable(r.read)
        assert find_reader(r.NAME) is r
    # the generic readers are last of their syntax: html of markup, text of all; the
    # other readers of text (mail archives, board files, wikitext, …) claim no plain text,
    # so the text reader alone reads what is neither JSON, markup nor a named text form
    assert names[-1] == "text"
    assert names.index("html") == max(names.index(r.NAME) for r in readers()
                                      if r.SYNTAX == "xml")
    for plain in (SEED.read_bytes(), b"Title\n\nArticle.\n\n1. alice: hello\n"):
        assert [r.NAME for r in readers() if r.SYNTAX == "text" and r.sniff(plain)] == ["text"]


def test_unknown_shape_messages_list_the_readers_of_that_syntax():
    for r in readers():
        if r.SYNTAX == "json":
            assert r.DESCRIBES in SUPPORTED_JSON
        elif r.SYNTAX == "xml":
            assert r.DESCRIBES in SUPPORTED_XML
    assert supported("json") == SUPPORTED_JSON
    assert SUPPORTED_XML.startswith("a Disqus XML export, a WordPress WXR export, ")
    assert SUPPORTED_XML.endswith(", or an (X)HTML page")
    assert "a MediaWiki XML export (Special:Export, dumps), a talk-page dump " \
           "(<article>/<talkpage> wikitext)" in SUPPORTED_XML


def test_detection_asks_in_registry_order(tmp_path):
    # both discourse's own JSON and a Hacker News item match: the earlier reader wins
    path = tmp_path / "both.json"
    path.write_bytes(b'[{"article": "", "comments": [], "layout": null, "by": "x", '
                     b'"kids": [], "type": "story"}]')
    assert detect(Document.at(path)).reader == "discourse-json"
    assert reader_names().index("discourse-json") < reader_names().index("hn-json")


def test_a_reader_can_be_forced_by_its_name(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("Title\n\n1. alice: hello\n", encoding="utf-8")
    from discourse.read import read_file

    assert read_file(path, fmt="text")[0].format == "text"
    with pytest.raises(Exception, match="unknown format 'nope' \\(choose from reddit-json"):
        read_file(path, fmt="nope")


def test_reading_text_imports_no_heavy_reader_dependency():
    code = ("import sys\nfrom discourse.read import read_file\n"
            f"read_file({str(SEED)!r})\n"
            "heavy = ('lxml', 'orjson', 'sqlite3', 'trafilatura', 'pandas', 'pyarrow', "
            "'zstandard', 'email')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PROJECT)
    assert out.stdout.strip() == "[]", out.stdout


def test_every_writer_declares_itself():
    assert len(writers()) == len(WRITERS)
    assert writer_names() == ("json", "jsonl", "csv", "parquet", "convokit")
    assert row_writer_names() == ("json", "jsonl", "csv", "parquet")
    for w in writers():
        assert callable(w.encode) and callable(w.write)
        assert find_writer(w.NAME) is w
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        find_writer("xml")


def test_cli_choices_come_from_the_registries():
    parser = build_parser()
    subs = parser.get_default("subcommands")

    def choices(command: str, dest: str) -> tuple:
        action = next(a for a in subs[command]._actions if a.dest == dest)
        return tuple(action.choices)

    for command in ("parse", "classify"):
        assert choices(command, "format") == writer_names()
        assert choices(command, "input_format") == reader_names()
    assert choices("analyze", "format") == row_writer_names()
    assert choices("report", "input_format") == reader_names()


def test_output_a_writer_cannot_use_is_refused_before_reading(tmp_path, capsys):
    # Parquet needs a file, ConvoKit a folder: a usage error (exit 2), nothing read
    missing = tmp_path / "never-read.txt"
    missing.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="Parquet output needs a file"):
        write_threads(iter(()), "parquet", None)
    assert main(["parse", str(SEED), "--format", "parquet", "-q"]) == 2
    assert "Parquet output needs a file" in capsys.readouterr().err
    assert main(["parse", str(SEED), "--format", "convokit", "-q"]) == 2
    assert "writes a corpus folder" in capsys.readouterr().err
