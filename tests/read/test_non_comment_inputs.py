"""What is not a comment document is refused on one line (issue 22, item 5): PDF,
images, archives, RSS/Atom feeds, a README; folders take ``--include``/``--exclude``
globs and leave README*, LICENSE* and the like out by default."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from discourse.cli import main
from discourse.errors import InputError
from discourse.read import iter_threads, read_file
from discourse.read.source import Selection, iter_document_paths
from tests.support.paths import EXPORTS, SEEDS

SEED = SEEDS / "000_1701a6fb48e1cee7.txt"
WXR = EXPORTS / "wordpress.xml"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("page.txt", "Title\n\nArticle.\n")
    return buffer.getvalue()


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as t:
        data = b"Title\n\nArticle.\n"
        info = tarfile.TarInfo("page.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


RSS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Blog'
       b'</title><item><title>A post</title><link>https://blog.example/a</link>'
       b'<description>Text.</description></item></channel></rss>\n')
ATOM = (b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        b'<title>Blog</title><entry><title>A post</title></entry></feed>\n')
CASES = {
    "report.pdf": (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20, "a PDF document"),
    "photo.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a PNG image"),
    "photo.jpg": (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "a JPEG image"),
    "pages.zip": (_zip(), "a ZIP archive"),
    "pages.tar": (_tar(), "a tar archive"),
    "feed.xml": (RSS, "an RSS feed"),
    "atom.xml": (ATOM, "an Atom feed"),
    "README.md": (b"# My project\n\nInstall it with pip.\n\n- one\n- two\n", "README file"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_not_comment_documents_are_refused_on_one_line(name, tmp_path, capsys):
    data, what = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    code = main(["parse", str(path), str(SEED)])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 1  # that file failed, the seed was processed
    assert lines[0].startswith(f"error: {path}: {what}") and "not a comment" in lines[0]
    assert lines[1] == "error: 1 of 2 documents failed (see messages above); the rest " \
                       "were processed"
    assert [t["source"] for t in json.loads(out)] == [str(SEED)]
    with pytest.raises(InputError, match=what):
        read_file(path)


def test_a_compressed_pdf_is_refused_too(tmp_path):
    path = tmp_path / "report.pdf.gz"
    path.write_bytes(gzip.compress(CASES["report.pdf"][0]))
    with pytest.raises(InputError, match="a PDF document"):
        read_file(path)


def test_a_forced_reader_reads_what_it_is_given(tmp_path):
    path = tmp_path / "README.md"
    path.write_text("Notes\n\nSome text.\n", encoding="utf-8")
    (thread,) = read_file(path, fmt="text")
    assert thread.title == "Notes"


def test_a_wordpress_export_is_rss_and_still_read():
    threads = read_file(WXR)
    assert threads and threads[0].format == "wordpress-wxr"


def test_folders_leave_readme_and_license_out(tmp_path, capsys):
    (tmp_path / "README.md").write_text("# About these pages\n\nSaved in May.\n")
    (tmp_path / "LICENSE.txt").write_text("MIT License\n\nPermission is hereby granted.\n")
    (tmp_path / "page.txt").write_bytes(SEED.read_bytes())
    assert [p.name for p in iter_document_paths(tmp_path)] == ["page.txt"]
    code = main(["parse", str(tmp_path)])
    assert code == 0
    assert [Path(t["source"]).name for t in json.loads(capsys.readouterr().out)] == ["page.txt"]


def test_a_folder_of_only_readmes_says_what_it_left_out(tmp_path, capsys):
    (tmp_path / "README.md").write_text("# About\n")
    code = main(["parse", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "folder has no documents" in err and "left out: README.md" in err
    assert "--include GLOB" in err


def test_include_and_exclude_globs(tmp_path):
    (tmp_path / "keep").mkdir()
    (tmp_path / "drafts").mkdir()
    for name in ("keep/a.txt", "keep/b.html", "drafts/c.txt", "notes.csv", "README.md"):
        (tmp_path / name).write_bytes(SEED.read_bytes())

    def names(**kw) -> list[str]:
        select = Selection(tuple(kw.get("include", ())), tuple(kw.get("exclude", ())))
        return [p.relative_to(tmp_path).as_posix()
                for p in iter_document_paths(tmp_path, select=select)]

    assert names() == ["drafts/c.txt", "keep/a.txt", "keep/b.html"]
    assert names(exclude=["drafts"]) == ["keep/a.txt", "keep/b.html"]
    assert names(exclude=["*.html"]) == ["drafts/c.txt", "keep/a.txt"]
    assert names(include=["*.txt"]) == ["drafts/c.txt", "keep/a.txt"]
    assert names(include=["keep/*"]) == ["keep/a.txt", "keep/b.html"]
    assert names(include=["README*"]) == ["README.md"]  # named, so taken
    assert names(include=["*.TXT"], exclude=["drafts/*"]) == ["keep/a.txt"]


def test_cli_include_exclude_and_the_api(tmp_path, capsys):
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    code = main(["parse", str(tmp_path), "--exclude", "b.*", "--tree"])
    assert code == 0 and capsys.readouterr().out.count("Reconciling Stalin") == 1
    assert len(list(iter_threads(tmp_path, include=["b.txt"]))) == 1


def test_only_project_file_names_are_left_out_by_default():
    taken = Selection().takes
    for name in ("README", "README.md", "readme.txt", "README_fr.md", "LICENSE", "LICENSE.txt",
                 "CHANGES.txt", "CODE_OF_CONDUCT.md"):
        assert not taken(name, name), name
    for name in ("changes_to_the_policy.txt", "licensed-music-comments.json", "notices.html",
                 "authors-reply.txt", "page.md"):
        assert taken(name, name), name
