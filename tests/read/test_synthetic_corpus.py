"""The synthetic benchmark corpus: deterministic, and every document parses back to its tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from discourse.read import find_reader, parse_file, why_empty
from discourse.read.text import parse_text
from tests.support.corpus import (
    MAX_COMMENTS,
    MAX_DEPTH,
    generate_corpus,
    iter_documents,
    load_pool,
    parse_size,
)
from tests.support.paths import SEEDS

SIZE = 200_000


@pytest.fixture(scope="module")
def pool():
    return load_pool(SEEDS)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.txt"))}


def _tree(thread) -> list[tuple]:
    return [(c.id, c.parent_id, c.depth, c.author, c.inline, c.text) for c in thread.comments]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path):
    a = generate_corpus(tmp_path / "a", SIZE, seed=7, seeds_dir=SEEDS)
    b = generate_corpus(tmp_path / "b", SIZE, seed=7, seeds_dir=SEEDS)
    generate_corpus(tmp_path / "c", SIZE, seed=8, seeds_dir=SEEDS)
    assert a == b
    assert a.bytes >= SIZE and a.documents > 1
    files_a = _files(tmp_path / "a")
    assert files_a == _files(tmp_path / "b")
    assert files_a != _files(tmp_path / "c")
    assert sum(len(v) for v in files_a.values()) == a.bytes
    assert all(name.startswith("0000/doc_") for name in files_a)


def test_written_documents_parse_back_to_the_generated_trees(tmp_path: Path, pool):
    stats = generate_corpus(tmp_path, SIZE, seed=3, seeds_dir=SEEDS)
    paths = sorted(tmp_path.rglob("*.txt"))
    generated = list(iter_documents(SIZE, seed=3, pool=pool))
    assert len(paths) == len(generated) == stats.documents
    assert sum(len(t.comments) for t, _ in generated) == stats.comments
    for path, (thread, text) in zip(paths, generated, strict=True):
        assert path.read_text("utf-8") == text
        parsed = parse_file(path)
        assert parsed.title == thread.title
        assert parsed.article == thread.article
        assert _tree(parsed) == _tree(thread), path
        # a document without comments says why, on one line (issue 21: no silent zero)
        assert parsed.warnings == ([] if thread.comments else [why_empty(find_reader("text"))])


@pytest.mark.parametrize("seed", range(4))
def test_many_documents_round_trip(seed: int, pool):
    """More trees (in memory only): shapes, layouts and inline notes all parse back."""
    layouts = set()
    for thread, text in iter_documents(600_000, seed=100 + seed, pool=pool):
        parsed = parse_text(text)
        assert _tree(parsed) == _tree(thread)
        if any(c.parent_id and not c.inline for c in thread.comments):
            assert parsed.layout == thread.layout
            layouts.add(thread.layout)
        assert len([c for c in thread.comments if not c.inline]) <= MAX_COMMENTS
        assert all(c.depth <= MAX_DEPTH for c in thread.comments)
        assert all(c.author == "AK" for c in thread.comments if c.inline)


def test_tree_ids_are_dotted_paths_in_document_order(pool):
    for thread, _ in iter_documents(300_000, seed=5, pool=pool):
        seen: dict[str | None, int] = {}
        for c in thread.comments:
            seen[c.parent_id] = seen.get(c.parent_id, 0) + 1
            prefix = "" if c.parent_id is None else c.parent_id + "."
            assert c.id == f"{prefix}{seen[c.parent_id]}"
            assert c.depth == c.id.count(".")
            if c.inline:
                assert c.id.endswith(".1")


def test_parse_size():
    assert parse_size("200KB") == 200_000
    assert parse_size("10MB") == 10_000_000
    assert parse_size("1GB") == 10**9
    assert parse_size("1.5mb") == 1_500_000
    assert parse_size("2MiB") == 2 * 2**20
    assert parse_size("1234") == 1234
    with pytest.raises(ValueError):
        parse_size("ten megabytes")


def test_cli(tmp_path: Path, capsys):
    from tests.support.corpus import main

    assert main([str(tmp_path), "--size", "50KB", "--seed", "1", "--seeds", str(SEEDS)]) == 0
    assert "documents" in capsys.readouterr().out
    assert sum(p.stat().st_size for p in tmp_path.rglob("*.txt")) >= 50_000
