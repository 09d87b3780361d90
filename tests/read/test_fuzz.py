"""Fuzz every reader through the command line (issue 10): random bytes, random text,
random markup/JSON-ish text and mutated real documents (the seeds, and
``../shared/realpages`` when present), each forced through every reader of
:data:`discourse.read.READERS` with ``--from`` and also auto-detected.

Asserted for every input: ``discourse parse`` returns 0 (read) or 2 (refused with a
one-line error), never a traceback and never an "internal error" (an exception other than
:class:`~discourse.errors.InputError` inside a reader); the output is valid JSON Lines.
For the text reader also: nothing is lost (``parse_with_trace`` places every non-blank
line).  Example counts are bounded so the whole file runs in well under a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discourse.cli import main
from discourse.read import reader_names
from tests.conftest import find_shared
from tests.support.paths import NO_SHARED, PROJECT
from tests.support.paths import SEEDS as SEED_DIR

SEEDS = sorted(SEED_DIR.glob("*.txt"))
# the shared folder through conftest (DISCOURSE_SHARED=none: absent, these are skipped)
REALPAGES = (find_shared() or NO_SHARED) / "realpages"
#: Bytes of a real document kept before mutating (HTML readers are slow on whole pages).
CUT = 24_000


AVAILABLE = list(reader_names())


def _real_documents() -> list[bytes]:
    docs = [p.read_bytes()[:CUT] for p in SEEDS]
    if REALPAGES.is_dir():
        for folder in ("pages", "exports", "dumps"):
            docs += [p.read_bytes()[:CUT] for p in sorted((REALPAGES / folder).glob("*"))
                     if p.is_file()]
    return docs


REAL = _real_documents()

_FRAGMENTS = ["<", ">", "</", "/>", "<div>", "<li>", "<ul>", "<p>", "<html>", "<?xml?>",
              "<disqus>", "<post>", "<thread>", "<![CDATA[", "]]>", "&amp;", "&#0;", "{", "}",
              "[", "]", '"', ":", ",", '"kind": "Listing"', '"data":', '"children":',
              '"comments":', '"article":', '"parent_id":', '"link_id":', '"by":', '"kids":',
              '"reply-to":', '"conversation_id":', "null", "true", "1e999", "-0", "\\u0000",
              "\\ud800", "\n", "\r\n", "\t", "  ", "1. ", "  • ", "* ", "> ", "says:",
              "Reply", "Comments", "\x00", "\ufeff", "😀", "Ωμέγα", "\u202e", "\x1b[31m"]


def mutated(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """``data`` with edits ``(kind, position, byte)``: 0 flips a byte, 1 inserts one,
    2 deletes one, 3 truncates, 4 duplicates a slice."""
    buf = bytearray(data)
    for kind, pos, byte in edits:
        if not buf:
            buf.append(byte)
            continue
        i = pos % len(buf)
        if kind == 0:
            buf[i] ^= byte or 1
        elif kind == 1:
            buf.insert(i, byte)
        elif kind == 2:
            del buf[i]
        elif kind == 3:
            del buf[i:]
        else:
            buf[i:i] = buf[i:i + byte * 8]
    return bytes(buf)


EDITS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2**31), st.integers(0, 255)),
                 max_size=12)
RANDOM_BYTES = st.binary(max_size=3000)
RANDOM_TEXT = st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass"))
MARKUPISH = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)),
                     max_size=200).map(lambda parts: "".join(parts).encode("utf-8",
                                                                           "surrogatepass"))
MUTATED = st.builds(mutated, st.sampled_from(REAL), EDITS)
ENCODED = st.tuples(st.sampled_from(REAL), st.sampled_from(["utf-16", "utf-32", "latin-1",
                                                           "utf-8-sig"])).map(
    lambda pair: pair[0].decode("utf-8", "replace").encode(pair[1], "replace"))


def check_parse(data: bytes, reader: str | None, name: str = "doc.txt") -> None:
    """Run ``discourse parse`` on ``data`` (``--from reader`` unless None) and assert the
    contract: exit 0 or 2, one-line errors, no internal error, valid JSON Lines."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        out = Path(tmp) / "out.jsonl"
        args = ["parse", str(path), "--format", "jsonl", "-o", str(out), "-q"]
        if reader is not None:
            args += ["--from", reader]
        import contextlib
        import io

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(args)
        message = err.getvalue()
        assert code in (0, 2), (code, message)
        assert "Traceback" not in message
        assert "internal error" not in message, message
        if code == 2:
            assert message.startswith(f"error: {path}: "), message
            assert message.count("\n") == 1, message
        if out.exists():  # JSON Lines: lines end at "\n" only (U+0085, U+2028 are text)
            for line in out.read_text("utf-8").split("\n")[:-1]:
                record = json.loads(line)
                assert isinstance(record["comments"], list)


def check_nothing_lost(data: bytes) -> None:
    """For the text reader: every non-blank line of the decoded text is placed once."""
    from discourse.errors import InputError
    from discourse.read.source import decode
    from discourse.read.text.lines import split_lines
    from discourse.read.text.parser import parse_with_trace

    try:
        text, _ = decode(data)
        _, places = parse_with_trace(text)
    except InputError:
        return
    nonblank = [ln.number for ln in split_lines(text) if not ln.blank]
    assert sorted(p.line for p in places) == nonblank


#: Examples per reader and strategy; raise it for a longer hunt, e.g.
#: ``DISCOURSE_FUZZ_EXAMPLES=500 pytest tests/read/test_fuzz.py``.
EXAMPLES = int(os.environ.get("DISCOURSE_FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("reader", AVAILABLE)
@FUZZ
@given(data=st.one_of(RANDOM_BYTES, RANDOM_TEXT, MARKUPISH))
def test_random_input_through_every_reader(reader, data):
    check_parse(data, reader)


@pytest.mark.parametrize("reader", AVAILABLE)
@FUZZ
@given(data=st.one_of(MUTATED, ENCODED))
def test_mutated_real_documents_through_every_reader(reader, data):
    check_parse(data, reader)


@settings(max_examples=EXAMPLES * 3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.one_of(RANDOM_BYTES, RANDOM_TEXT, MARKUPISH, MUTATED, ENCODED),
       name=st.sampled_from(["doc.txt", "doc.html", "doc.json", "doc.xml", "doc.jsonl",
                             "doc.txt.gz"]))
def test_detected_reader_on_random_and_mutated_input(data, name):
    check_parse(data, None, name)


@settings(max_examples=EXAMPLES * 5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.one_of(RANDOM_TEXT, MARKUPISH, MUTATED))
def test_text_reader_loses_nothing(data):
    check_nothing_lost(data)


@pytest.mark.parametrize("reader, data", [
    ("disqus-xml", b"<_><![CDATA[!  "),  # libxml2 put its snippet on a second line
    ("wordpress-wxr", b"<!--\r \n"),
    ("text", b"\xc2\x85"),  # U+0085 (NEL) in a title: JSON Lines split on "\n" only
])
def test_cases_found_by_fuzzing(reader, data):
    if reader not in AVAILABLE:
        pytest.skip(f"reader {reader} not importable")
    check_parse(data, reader)


def test_subprocess_over_a_folder_of_hostile_files(tmp_path):
    """The installed entry point over a folder of fuzzed files (fixed examples): exit 1
    (some refused), no traceback, every refused file named on its own line."""
    import random

    rnd = random.Random(10)
    folder = tmp_path / "in"
    folder.mkdir()
    names = []
    for i, doc in enumerate(REAL[:12]):
        edits = [(rnd.randint(0, 4), rnd.randint(0, 2**31), rnd.randint(0, 255))
                 for _ in range(8)]
        for suffix in (".txt", ".html", ".json"):
            name = f"{i:02d}{suffix}"
            (folder / name).write_bytes(mutated(doc, edits))
            names.append(name)
    (folder / "zz-random.txt").write_bytes(bytes(rnd.randrange(256) for _ in range(4000)))
    (folder / "zz-empty.json").write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "discourse.cli", "parse", str(folder),
                           "--format", "jsonl", "-j", "2"],
                          capture_output=True, text=True, timeout=300, cwd=PROJECT)
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    for line in proc.stdout.split("\n")[:-1]:
        json.loads(line)
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")
              and " documents failed" not in ln]
    assert f"error: {folder / 'zz-random.txt'}: binary file, not a text document" in errors
    assert all(ln.startswith(f"error: {folder}/") for ln in errors), errors
