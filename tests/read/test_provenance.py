"""Sites, titles and dates from the document itself before the folder (issue 22, item
6): the seeds come out with their real sites, so the demo compares several; Markdown
dumps get their ``#`` headline; a page's own address in plain text names its site; a
``sources.csv`` beside documents says where they came from; byline dates fill
``published``."""

from __future__ import annotations

import shutil

from discourse.analyze import default_site
from discourse.cli import main
from discourse.read import iter_threads, parse_file, read_file
from discourse.read.text import parse_text
from tests.support.paths import SEEDS


def test_the_seeds_come_out_with_their_real_sites():
    sites = {t.source.rsplit("/", 1)[-1][:3]: default_site(t) for t in iter_threads(SEEDS)}
    assert sites == {"000": "akarlin.com", "001": "euromaidanpress.com",
                     "002": "russiancouncil.ru", "003": "globalaffairs.ru",
                     "004": "windowoneurasia2.blogspot.com"}


def test_seed_002_has_a_real_title():
    thread = parse_file(SEEDS / "002_836bfa67c2701070.txt")
    assert thread.title == "Russians Don’t Back Down"
    assert "Print" not in thread.title


def test_the_demo_compares_several_sites(tmp_path, capsys):
    code = main(["compare", str(SEEDS), "-o", str(tmp_path / "cmp"), "-q"])
    out = capsys.readouterr().out
    assert code == 0
    for site in ("akarlin.com", "euromaidanpress.com", "russiancouncil.ru",
                 "globalaffairs.ru", "windowoneurasia2.blogspot.com"):
        assert site in out
    assert "seeds" not in out.split("\n", 2)[-1]  # no "site" named after the folder


def test_one_blog_in_two_folders_is_one_site(tmp_path):
    page = ("Harbour Notes\nhttps://harbour-notes.example/2020/05/ferry/\n\nThe ferry\n\n"
            "The council wants to close the river ferry next spring.\n\n2 Comments\n\n"
            "  1. ann says:\n\n     Keep it running.\n\n  2. bob says:\n\n     Agreed.\n")
    for folder in ("pages", "dumps"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "ferry.txt").write_text(page, encoding="utf-8")
    sites = {default_site(t) for t in iter_threads(tmp_path)}
    assert sites == {"harbour-notes.example"}


def test_comment_permalinks_name_the_site_but_article_links_do_not(tmp_path):
    linked = ("A post\n\nRead https://github.com/someone/tool for the code.\n\n2 Comments\n\n"
              "  1. ann says:\n\n     Nice. https://blog.example/a-post/#comment-12\n\n"
              "  2. bob says:\n\n     Thanks.\n")
    path = tmp_path / "p.txt"
    path.write_text(linked, encoding="utf-8")
    assert parse_file(path).site == "blog.example"
    path.write_text(linked.replace("https://blog.example/a-post/#comment-12", ""),
                    encoding="utf-8")
    assert parse_file(path).site is None  # github.com is a link, not the page


def test_markdown_dumps_get_their_headline_as_title(tmp_path):
    dump = ("**teg** design web work by tegan snyder \n\n"
            "[Home](/) [About](/about) [Blog](/blog) [Contact](/contact)\n\n"
            "# Offline HTML5 web database techniques\n\n"
            "Posted on November 16, 2011 at 6:09 pm\n\n"
            "I recently came across a helper module for HTML5 web databases and tried it.\n\n"
            "## 3 Responses\n\n"
            "  1. ann says:\n\n     Very useful, thanks for writing it up.\n\n"
            "  2. bob says:\n\n     Does it work offline on phones too?\n")
    path = tmp_path / "tegdesign.html2text.txt"
    path.write_text(dump, encoding="utf-8")
    thread = parse_file(path)
    assert thread.title == "Offline HTML5 web database techniques"
    assert thread.noise[:2] == ["**teg** design web work by tegan snyder",
                                "[Home](/) [About](/about) [Blog](/blog) [Contact](/contact)"]
    assert thread.article.startswith("Posted on November 16, 2011")
    assert "# Offline" not in thread.article
    assert thread.published == "2011-11-16"
    assert len(thread.comments) == 2


def test_a_first_line_headline_is_kept():
    text = "The real headline\n\nSome article text here.\n\n# A section\n\nMore text.\n"
    assert parse_text(text).title == "The real headline"


def test_sources_csv_says_where_documents_came_from(tmp_path):
    shutil.copy(SEEDS / "000_1701a6fb48e1cee7.txt", tmp_path / "a.txt")
    (tmp_path / "sources.csv").write_text(
        "document,url,site,title,published\n"
        "a.txt,https://www.example.org/2010/05/post/,,A better title,2010-05-09\n",
        encoding="utf-8")
    thread = parse_file(tmp_path / "a.txt")
    assert (thread.site, thread.url, thread.title, thread.published) == (
        "example.org", "https://www.example.org/2010/05/post/", "A better title", "2010-05-09")


def test_html_published_from_the_address_when_the_markup_has_none(tmp_path):
    page = ("<html><head><title>Ferry</title>"
            "<link rel='canonical' href='https://harbour.example/2019/03/04/ferry/'></head>"
            "<body><article><h1>Ferry</h1><p>" + "The ferry runs again. " * 30 +
            "</p></article></body></html>")
    path = tmp_path / "ferry.html"
    path.write_text(page, encoding="utf-8")
    (thread,) = read_file(path)
    assert thread.published == "2019-03-04"
    assert thread.site == "harbour.example"
