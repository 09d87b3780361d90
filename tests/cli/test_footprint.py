"""What keeps start-up short and a huge thread within memory (issue 23's targets; the
timings themselves are measured by ``benchmarks/targets.py``): each change is checked for
the same output as the straightforward way, and for the import or the allocation it
avoids."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from discourse.model import Comment, Thread
from discourse.read import targets
from discourse.read.structured import Grouper
from discourse.write.json import JsonText, encode_json, encode_jsonl

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout.strip()


def test_help_imports_no_reader():
    """``discourse --help`` builds every subcommand without importing the readers (their
    names, the ``--from`` choices, are listed only when a value is checked or a help page
    shows them)."""
    out = _run("import sys\nfrom discourse.cli import build_parser\nbuild_parser()\n"
               "print(sorted(m for m in sys.modules if m.startswith('discourse.read.')"
               " and m.count('.') == 2 and m.split('.')[2] in ('reddit', 'hn', 'telegram',"
               " 'github', 'platforms', 'youtube')))")
    assert out == "[]"


def test_from_choices_still_checked_and_listed(capsys):
    from discourse.cli import main
    from discourse.read import reader_names

    with pytest.raises(SystemExit) as exc:
        main(["parse", "-f", "nope", "x.txt"])
    assert exc.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["parse", "--help"])
    shown = "".join(capsys.readouterr().out.split())  # help wraps lines at hyphens too
    assert ",".join(reader_names()) in shown


def test_model_loads_without_sklearn_testing_utilities():
    """Loading the linear model does not run skops' walk over every scikit-learn module
    (which imports its testing utilities and pytest), and trusts only the allow-list."""
    out = _run("import sys\nfrom discourse.classify.linear import LinearModel\n"
               "LinearModel.load()\n"
               "print('sklearn.utils._testing' in sys.modules, 'pytest' in sys.modules)")
    assert out == "False False"


def _thread(n: int) -> Thread:
    comments = [Comment(id=str(i), parent_id=None if i % 3 == 0 else str(i - 1), depth=i % 2,
                        author=f"ü{i % 7}", text=f"line “{i}”\nsecond\tline \u2028 {i}",
                        quotes=[f"q{i}"] if i % 5 == 0 else [], score=i,
                        probabilities={"agreement": 0.25, "rebuttal": float("nan")}
                        if i % 11 == 0 else None)
                for i in range(1, n + 1)]
    return Thread(source="a.txt", layout=None, title='T "x"', article="A\nB",
                  comments=comments, noise=["n"], warnings=["w\n1"])


@pytest.mark.parametrize("n", [0, 1, 255, 256, 257, 600])
@pytest.mark.parametrize("indent", [None, 1])
def test_json_text_is_json_dumps_byte_for_byte(n, indent):
    thread = _thread(n)
    expected = json.dumps(thread.to_dict(), ensure_ascii=False, indent=indent)
    text = JsonText(thread, indent)
    assert str(text) == expected
    assert pickle.loads(pickle.dumps(text)) == expected  # sent to the main process as text


def test_only_huge_threads_are_encoded_lazily(monkeypatch):
    from discourse.write import json as writer

    assert isinstance(encode_jsonl(_thread(3)), str)
    monkeypatch.setattr(writer, "LAZY_FROM", 2)
    assert isinstance(encode_json(_thread(3)), JsonText)


@pytest.mark.parametrize("bound", [1000, 5])  # in memory, and through the disk spill
def test_streamed_groups_match_lists(bound):
    def fill(g: Grouper) -> None:
        for i in range(40):
            g.add(f"k{i % 7}", {"n": i})

    with Grouper(bound=bound) as a, Grouper(bound=bound) as b:
        fill(a)
        fill(b)
        lists = [(k, list(v)) for k, v in a.groups()]
        streamed = [(k, list(v)) for k, v in b.groups(streamed=True)]
    assert streamed == lists
    assert [r["n"] for r in dict(lists)["k6"]] == list(range(6, 40, 7))


def test_bounded_quote_cache_finds_the_same(monkeypatch):
    """The normalised texts kept for replies are bounded; a text recomputed after the cache
    was emptied gives the same quotes and targets."""
    def thread() -> Thread:
        said = "the council voted against the new bridge last night"
        comments = [Comment(id="1", parent_id=None, depth=0, author="ann", text=said)]
        for i in range(2, 40):
            comments.append(Comment(id=str(i), parent_id="1" if i % 2 else None, depth=i % 2,
                                    author=f"u{i}", text=f"> {said}\n\nI think {i}."))
        return Thread(source=None, layout=None, title="", article="", comments=comments)

    full = thread()
    targets.attach_quotes_and_targets(full)
    monkeypatch.setattr(targets, "_NORM_CACHE", 1)
    small = thread()
    targets.attach_quotes_and_targets(small)
    assert [(c.quotes, c.target_id) for c in small.comments] == \
        [(c.quotes, c.target_id) for c in full.comments]
    assert any(c.quotes for c in full.comments)


def test_ensemble_prepare_loads_the_encoder_once():
    from discourse.classify.ensemble import Ensemble
    from discourse.classify.stance import StanceModel

    class Encoder:
        loads = 0

        def load(self) -> None:
            Encoder.loads += 1

    stance = StanceModel([[0.0]] * 4, [0.0] * 4, [0.0], [1.0], ("reply",), encoder=Encoder())
    cues_only = StanceModel([[0.0]] * 4, [0.0] * 4, [0.0], [1.0], ("context",),
                            encoder=Encoder())
    Ensemble([(stance, 0.5), (cues_only, 0.5)]).prepare()
    assert Encoder.loads == 1  # the model without embedding blocks needs no encoder
