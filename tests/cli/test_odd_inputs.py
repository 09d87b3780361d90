"""Inputs that are not regular files (devices, FIFOs, symlink loops, folders that vanish
or cannot be read), file names and encodings that are not UTF-8, and the input size limit
(issue 10, items 4-5; items 2-3 are in ``tests/classify/test_resource_bounds.py``).  Every
case runs through the command line (``discourse.cli.main`` in-process, or a subprocess
where a hang or another user is involved)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest

from discourse.cli import main
from tests.support.paths import PROJECT, SEEDS

SEED = SEEDS / "004_cf98bbd6559fb7a2.txt"  # 3 comments
SEED_MANY = SEEDS / "000_1701a6fb48e1cee7.txt"  # 34 comments


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# -- item 4: inputs that are not regular files ---------------------------------------------
def _folder(tmp: Path, names: dict[str, Path]) -> Path:
    for name, seed in names.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(seed, tmp / name)
    return tmp


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_on_one_line(device, capsys):
    code, out, err = _run(["parse", device], capsys)
    assert code == 2
    assert json.loads(out) == []  # valid (empty) output, no bytes of the device
    assert err == f"error: {device}: not a regular file (character device); skipped\n"


def test_device_beside_good_documents_keeps_their_output(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    code, _, err = _run(["parse", str(SEED), "/dev/zero", "--format", "jsonl", "-o",
                         str(out)], capsys)
    assert code == 1
    assert "error: /dev/zero: not a regular file (character device); skipped" in err
    assert [json.loads(x)["source"] for x in out.read_text().splitlines()] == [str(SEED)]


def test_fifo_in_a_folder_is_skipped_without_hanging(tmp_path):
    folder = _folder(tmp_path / "in", {"a.txt": SEED, "sub/b.txt": SEED})
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "sub" / "other.json")
    proc = subprocess.run([sys.executable, "-m", "discourse.cli", "parse", str(folder),
                           "--format", "jsonl", "-q"],
                          capture_output=True, text=True, timeout=120, cwd=PROJECT)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"error: {folder / 'pipe.txt'}: not a regular file (named pipe); skipped" in proc.stderr
    assert f"error: {folder / 'sub' / 'other.json'}: not a regular file (named pipe); " \
           f"skipped" in proc.stderr
    sources = [json.loads(x)["source"] for x in proc.stdout.splitlines()]
    assert sources == [str(folder / "a.txt"), str(folder / "sub" / "b.txt")]


def test_fifo_given_by_name_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    proc = subprocess.run([sys.executable, "-m", "discourse.cli", "parse",
                           str(tmp_path / "pipe.txt")],
                          capture_output=True, text=True, timeout=120, cwd=PROJECT)
    assert proc.returncode == 2
    assert proc.stderr == f"error: {tmp_path / 'pipe.txt'}: not a regular file (named " \
                          f"pipe); skipped\n"


def test_symlink_loops_are_reported_and_skipped(tmp_path, capsys):
    folder = _folder(tmp_path / "in", {"a.txt": SEED, "sub/b.txt": SEED})
    (folder / "self.txt").symlink_to("self.txt")  # ELOOP
    (folder / "ping.txt").symlink_to("pong.txt")
    (folder / "pong.txt").symlink_to("ping.txt")
    (folder / "sub" / "up").symlink_to("..")  # a folder cycle
    (folder / "sub" / "again").symlink_to(folder / "sub")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(SEED, tmp_path / "elsewhere" / "c.txt")
    (folder / "linked").symlink_to(tmp_path / "elsewhere")  # followed once
    out = tmp_path / "out.jsonl"
    code, _, err = _run(["parse", str(folder), "--format", "jsonl", "-o", str(out)], capsys)
    assert code == 1
    assert "Traceback" not in err
    for name in ("self.txt", "ping.txt", "pong.txt", "gone.txt"):
        assert f"error: {folder / name}: broken or looping symbolic link; skipped" in err
    for name in ("up", "again"):
        assert f"error: {folder / 'sub' / name}: symbolic link back into a folder being " \
               f"read; skipped" in err
    sources = [json.loads(x)["source"] for x in out.read_text().splitlines()]
    assert sources == [str(folder / "a.txt"), str(folder / "linked" / "c.txt"),
                       str(folder / "sub" / "b.txt")]


def test_symlink_loop_given_by_name(tmp_path, capsys):
    (tmp_path / "self.txt").symlink_to("self.txt")
    code, out, err = _run(["parse", str(tmp_path / "self.txt")], capsys)
    assert code == 2
    assert err.startswith(f"error: {tmp_path / 'self.txt'}: cannot read (")
    assert "\n" not in err.rstrip("\n")


@pytest.mark.parametrize("how", ["removed", "dangling-link"])
def test_folder_vanishing_mid_run_keeps_finished_output(tmp_path, capsys, monkeypatch, how):
    """A subfolder disappears (or becomes a dangling link) while the first document is
    read: it is reported, the documents before and after it are written, exit 1."""
    import discourse.read as read

    folder = _folder(tmp_path / "in", {"a/1.txt": SEED, "b/2.txt": SEED, "b/3.txt": SEED,
                                       "c/4.txt": SEED})
    real = read.read_document

    def reading(doc, fmt=None):
        victim = folder / "b"
        if doc.path.name == "1.txt" and victim.is_dir():
            shutil.rmtree(victim)
            if how == "dangling-link":
                victim.symlink_to(tmp_path / "nowhere")
        return real(doc, fmt)

    monkeypatch.setattr(read, "read_document", reading)
    out = tmp_path / "out.jsonl"
    code, _, err = _run(["parse", str(folder), "--format", "jsonl", "-o", str(out)], capsys)
    assert code == 1, err
    assert "Traceback" not in err
    assert f"error: {folder / 'b'}: cannot read folder (No such file or directory); " \
           f"skipped" in err
    sources = [json.loads(x)["source"] for x in out.read_text().splitlines()]
    assert sources == [str(folder / "a" / "1.txt"), str(folder / "c" / "4.txt")]


def _unprivileged(cmd: list[str]) -> list[str]:
    """``cmd`` run as nobody (65534) when we are root, so that mode 000 really refuses
    (root reads any folder); skips the test when that cannot be arranged here."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: chmod 000 cannot make a folder "
                    "unreadable for root")
    wrapped = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    trial = subprocess.run([*wrapped[:4], sys.executable, "-c", "import discourse"],
                           capture_output=True, text=True, cwd=PROJECT)
    if trial.returncode != 0:
        pytest.skip(f"the interpreter cannot run as nobody here: {trial.stderr.strip()[:200]}")
    return wrapped


@pytest.fixture
def public_tmp():
    """A temporary folder another user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="discourse-hardening-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for p in [folder, *folder.rglob("*")]:
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(folder)


def test_unreadable_folders_are_reported_and_the_rest_written(public_tmp):
    folder = _folder(public_tmp / "in", {"a/1.txt": SEED, "b/2.txt": SEED, "c/3.txt": SEED,
                                         "d/4.txt": SEED})
    for p in [public_tmp, *public_tmp.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    (folder / "b").chmod(0o000)  # cannot list, cannot enter
    (folder / "c").chmod(0o311)  # can enter, cannot list
    report = public_tmp / "report"
    report.mkdir()
    report.chmod(0o777)
    proc = subprocess.run(_unprivileged([sys.executable, "-m", "discourse.cli", "parse",
                                         str(folder), str(folder / "b"), "--format",
                                         "jsonl"]),
                          capture_output=True, text=True, timeout=120, cwd=PROJECT)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for name in ("b", "c"):
        line = f"error: {folder / name}: cannot list folder (Permission denied); skipped"
        assert proc.stderr.count(line) == (2 if name == "b" else 1), proc.stderr
    assert "folder has no documents" not in proc.stderr
    sources = [json.loads(x)["source"] for x in proc.stdout.splitlines()]
    assert sources == [str(folder / "a" / "1.txt"), str(folder / "d" / "4.txt")]
    # The report keeps its pages and writes its index although a folder failed.
    proc = subprocess.run(_unprivileged([sys.executable, "-m", "discourse.cli", "report",
                                         str(folder), "-o", str(report), "-q"]),
                          capture_output=True, text=True, timeout=300, cwd=PROJECT)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.name for p in report.glob("*.html")} >= {"1.html", "4.html", "index.html",
                                                       "compare.html"}


# -- item 5: names and encodings ----------------------------------------------------------
def test_undecodable_file_name_keeps_json_valid(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9-\xff.txt"
    with open(raw, "wb") as handle:
        handle.write(SEED.read_bytes())
    shutil.copy(SEED, folder / "plain.txt")
    out = tmp_path / "out.json"
    code, _, err = _run(["parse", str(folder), "-o", str(out)], capsys)
    assert code == 0, err
    threads = json.loads(out.read_bytes().decode("utf-8"))  # strict UTF-8, valid JSON
    assert [t["source"] for t in threads] == [f"{folder}/caf\\xe9-\\xff.txt",
                                             str(folder / "plain.txt")]
    target = tmp_path / "out.jsonl"
    assert main(["parse", str(folder), "--format", "jsonl", "-o", str(target), "-q"]) == 0
    lines = target.read_bytes().decode("utf-8").splitlines()
    assert json.loads(lines[0])["source"] == f"{folder}/caf\\xe9-\\xff.txt"
    target = tmp_path / "out.csv"
    assert main(["parse", str(folder), "--format", "csv", "-o", str(target), "-q"]) == 0
    frame = pd.read_csv(target, encoding="utf-8")
    assert frame["source"].iloc[0] == f"{folder}/caf\\xe9-\\xff.txt"
    capsys.readouterr()


def test_undecodable_file_name_in_errors_and_reports(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/bad-\xe9.txt", "wb") as handle:
        handle.write(b"\x00\x01\x02 binary")
    shutil.copy(SEED, folder / "good.txt")
    code, _, err = _run(["report", str(folder), "-o", str(tmp_path / "r"), "-q"], capsys)
    assert code == 1
    assert f"error: {folder}/bad-\\xe9.txt: binary file, not a text document" in err
    assert (tmp_path / "r" / "index.html").is_file()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                      "utf-32-be", "utf-8-sig"])
def test_unicode_files_with_a_bom_decode(tmp_path, capsys, encoding):
    import codecs

    text = SEED.read_text("utf-8")
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-be": codecs.BOM_UTF32_BE}.get(encoding, b"")
    path = tmp_path / "page.txt"
    path.write_bytes(bom + text.encode(encoding))
    reference = tmp_path / "ref.txt"
    reference.write_text(text, "utf-8")
    code, out, err = _run(["parse", str(path)], capsys)
    assert code == 0, err
    _, ref_out, _ = _run(["parse", str(reference)], capsys)
    got, want = json.loads(out)[0], json.loads(ref_out)[0]
    family = encoding[:6]
    assert got.pop("encoding") == ("utf-8" if family == "utf-8-" else family)
    want.pop("encoding")
    assert got.pop("source") == str(path)
    want.pop("source")
    said = [] if family == "utf-8-" else [f"not UTF-8; decoded as {family}"]
    assert got.pop("warnings") == said + want.pop("warnings")
    assert got == want
    assert [f"warning: {path}: {w}" for w in said] == [
        line for line in err.splitlines() if "decoded as" in line]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_html_and_json_in_utf16_are_detected_and_read(tmp_path, capsys, encoding):
    from discourse.read import read_document
    from discourse.read.detect import detect
    from discourse.read.source import Document

    page = ("<!DOCTYPE html><html><head><meta charset=\"" + encoding + "\"><title>Ünïcode "
            "page</title></head><body><article><p>Привет, мир: a page saved as Unicode."
            "</p></article></body></html>")
    (tmp_path / "page.html").write_bytes(page.encode(encoding))
    doc = Document.at(tmp_path / "page.html")
    assert detect(doc).reader == "html"
    doc = Document.at(tmp_path / "page.html")
    assert doc.read_bytes().decode("utf-8-sig") == page
    assert doc.bom == encoding
    native = [{"source": "x.txt", "layout": None, "title": "Заголовок", "article": "Текст ✓",
               "comments": [], "noise": [], "warnings": []}]
    (tmp_path / "threads.json").write_bytes(json.dumps(native, ensure_ascii=False)
                                            .encode(encoding))
    doc = Document.at(tmp_path / "threads.json")
    assert detect(doc).reader == "discourse-json"
    [thread] = list(read_document(Document.at(tmp_path / "threads.json")))
    assert (thread.title, thread.article) == ("Заголовок", "Текст ✓")
    code, out, err = _run(["parse", str(tmp_path / "threads.json")], capsys)
    assert code == 0, err
    assert json.loads(out)[0]["title"] == "Заголовок"


def test_utf16_lines_stream_as_utf8_without_bom(tmp_path):
    from discourse.read.source import Document

    lines = ['{"a": "é"}', '{"b": "✓"}', "", '{"c": "😀"}']
    (tmp_path / "dump.ndjson").write_bytes("\r\n".join(lines).encode("utf-16"))
    got = list(Document.at(tmp_path / "dump.ndjson").lines())
    assert got == [(i + 1, (line + ("\r\n" if i < 3 else "")).encode("utf-8"))
                   for i, line in enumerate(lines)]


def test_broken_utf16_is_one_line_error(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfeh\x00i\x00\x00\xd8")  # BOM, "hi", a lone high surrogate
    code, out, err = _run(["parse", str(path)], capsys)
    assert code == 2
    assert err.startswith(f"error: {path}: ")
    assert err.count("\n") == 1 and "Traceback" not in err


def _latin1_pairs(path: Path) -> None:
    rows = [("Café society is dead.", "Non, the café is très bien!", "rebuttal"),
            ("Voilà: naïve policy.", "Exactement, I agree entirely.", "agreement"),
            ("Señor, the piñata.", "Wrong, that is not what happened.", "rebuttal"),
            ("Smörgåsbord of facts.", "Yes, exactly right, well said.", "agreement")] * 3
    lines = ["parent,reply,label"] + [f'"{p}","{r}",{lab}' for p, r, lab in rows]
    path.write_bytes("\n".join(lines).encode("latin-1"))


def test_latin1_training_csv_decodes_with_a_warning(tmp_path):
    from discourse.classify.labelled import load_pairs_file

    path = tmp_path / "pairs.csv"
    _latin1_pairs(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = load_pairs_file(path, "parent", "reply", "label")
    assert [str(w.message) for w in caught] == [f"{path}: not UTF-8; decoded as cp1252"]
    assert frame["parent"].iloc[0] == "Café society is dead."
    assert frame["reply"].iloc[0] == "Non, the café is très bien!"
    assert list(frame["label"].iloc[:2]) == ["rebuttal", "agreement"]


def test_latin1_only_bytes_fall_back_to_latin1(tmp_path):
    from discourse.classify.labelled import load_pairs_file

    path = tmp_path / "pairs.tsv"
    path.write_bytes(b"parent\treply\tlabel\nA \x81 b\tno \x8d way\trebuttal\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = load_pairs_file(path, "parent", "reply", "label")
    assert [str(w.message) for w in caught] == [f"{path}: not UTF-8; decoded as latin-1"]
    assert frame["reply"].iloc[0] == "no \x8d way"


def test_train_on_a_latin1_csv(tmp_path, capsys):
    path = tmp_path / "pairs.csv"
    _latin1_pairs(path)
    model = tmp_path / "model.skops"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["train", str(path), "-o", str(model), "-q"])
    capsys.readouterr()
    assert code == 0
    assert model.is_file()
    assert f"{path}: not UTF-8; decoded as cp1252" in [str(w.message) for w in caught]


# -- the input size limit ------------------------------------------------------------------
def test_max_bytes_refuses_with_one_line(tmp_path, capsys):
    code, _, err = _run(["parse", str(SEED_MANY), "--max-bytes", "10KB"], capsys)
    assert code == 2
    assert err == (f"error: {SEED_MANY}: larger than 10000 bytes (raise the limit with "
                   f"--max-bytes)\n")


def test_sigterm_helpers_restore_the_previous_handler():
    from discourse import signals

    before = signal.getsignal(signal.SIGTERM)
    with signals.handling():
        assert signal.getsignal(signal.SIGTERM) is signals._on_sigterm
    assert signal.getsignal(signal.SIGTERM) is before
