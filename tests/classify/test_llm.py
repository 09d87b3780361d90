"""``--model llm``: your own OpenAI-compatible language model, tested against a stub server
on the loopback address (a threading ``http.server``) that answers deterministically,
checks the request shape, and can answer malformed JSON, labels outside the four, HTTP
errors and slowly."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("httpx")

from discourse import cli  # noqa: E402
from discourse.classify import annotate, load_model  # noqa: E402
from discourse.classify.llm import (  # noqa: E402
    ERROR_PREFIX,
    PROMPT_VERSION,
    Estimate,
    LLMConfig,
    LLMModel,
    items_of,
    parse_answer,
    system_prompt,
)
from discourse.classify.pairs import pairs_from_texts  # noqa: E402
from discourse.errors import ModelError, UsageError  # noqa: E402
from discourse.labels import DEFINITIONS, LABELS  # noqa: E402
from discourse.model import Comment, Thread  # noqa: E402
from discourse.write import write_threads  # noqa: E402

COMMENT = re.compile(r"COMMENT (\d+)\n.*?\ncomment:\n<<<\n(.*?)\n>>>", re.DOTALL)


def stub_label(text: str) -> str:
    """The stub's deterministic decision."""
    t = text.lower()
    if "mods" in t or "civil" in t:
        return "moderation"
    if "buy" in t or "cheap" in t:
        return "off-topic"
    if "wrong" in t or "nonsense" in t:
        return "rebuttal"
    return "agreement"


def stub_item(i: int, text: str) -> dict:
    label = stub_label(text)
    proba = {name: (0.7 if name == label else 0.1) for name in LABELS}
    return {"id": i, "reason": f"stub says {label}", "label": label, "probabilities": proba}


class Stub:
    """What the stub server answers and what it was asked."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 0.0
        self.models = ["stub-model"]
        self.chat: list[dict] = []  # chat request bodies
        self.headers: list[dict] = []
        self.paths: list[str] = []
        self.inflight = self.max_inflight = 0
        self.fail_after: int | None = None
        self.lock = threading.Lock()
        self.url = ""

    def answer(self, body: dict) -> tuple[int, dict]:
        n = len(self.chat)
        user = body["messages"][-1]["content"]
        items = [stub_item(int(i), text) for i, text in COMMENT.findall(user)]
        mode = self.mode
        if self.fail_after is not None and n > self.fail_after:
            return 500, {"error": {"message": "model crashed"}}
        if mode == "error500":
            return 500, {"error": {"message": "out of memory"}}
        if mode == "reject_schema" and body.get("response_format", {}).get("type") == \
                "json_schema":
            return 400, {"error": {"message": "response_format json_schema not supported"}}
        content = json.dumps({"items": items})
        if mode == "malformed_once" and n == 1:
            content = "Sure! Here are the labels: {items: [oops"
        elif mode == "bad_label":
            content = json.dumps({"items": [dict(it, label="neutral") for it in items]})
        elif mode == "no_probs_once" and n == 1:
            content = json.dumps({"items": [{k: v for k, v in it.items()
                                             if k != "probabilities"} for it in items]})
        elif mode == "fenced":
            content = "```json\n" + content + "\n```"
        return 200, {"id": f"c{n}", "object": "chat.completion", "model": body["model"],
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": content}}]}


def _handler(stub: Stub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, data: dict) -> None:
            raw = json.dumps(data).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except OSError:  # the client gave up (timeout tests)
                pass

        def do_GET(self) -> None:
            stub.paths.append(self.path)
            if self.path == "/v1/models":
                self._send(200, {"object": "list", "data": [{"id": m, "object": "model"}
                                                            for m in stub.models]})
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            stub.paths.append(self.path)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with stub.lock:
                stub.chat.append(body)
                stub.headers.append(dict(self.headers))
                stub.inflight += 1
                stub.max_inflight = max(stub.max_inflight, stub.inflight)
            try:
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                if stub.delay:
                    time.sleep(stub.delay)
                self._send(*stub.answer(body))
            finally:
                with stub.lock:
                    stub.inflight -= 1

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # quiet
        pass


@pytest.fixture
def stub():
    s = Stub()
    server = _Server(("127.0.0.1", 0), _handler(s))
    s.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ARTICLE = "Cycling to work is good for you and for the city."
TEXTS = ["Great post, thanks!", "That is wrong, cars are faster.", "Buy cheap jerseys here.",
         "Mods, please keep it civil.", "I ride every day, same experience.", "[deleted]"]


def make_thread(n: int = 6, source: str = "t.json") -> Thread:
    comments = [Comment(id="1", parent_id=None, depth=0, author="a", text=TEXTS[0])]
    for i in range(1, n):
        text = TEXTS[i % len(TEXTS)]
        comments.append(Comment(id=f"1.{i}", parent_id="1", depth=1, author=f"u{i}",
                                text=text + ("" if i < len(TEXTS) else f" (#{i})"),
                                status="deleted" if text == "[deleted]" else None))
    return Thread(source=source, layout=None, title="Bikes", article=ARTICLE,
                  comments=comments, format="discourse-json")


def model_for(stub: Stub, tmp_path: Path, **kw) -> LLMModel:
    kw.setdefault("cache_dir", str(tmp_path / "cache"))
    kw.setdefault("timeout", 5.0)
    return load_model(LLMConfig(stub.url, **kw))


# -- the model --------------------------------------------------------------------------
def test_request_shape_and_labels(stub, tmp_path, monkeypatch):
    monkeypatch.setenv("STUB_KEY", "sekrit")
    model = model_for(stub, tmp_path, api_key_env="STUB_KEY", batch=8)
    labelled = annotate(model, make_thread())
    assert model.classes_ == LABELS and model.evidence_rule is False
    assert stub.paths == ["/v1/models", "/v1/chat/completions"]  # name asked once
    body = stub.chat[0]
    assert body["model"] == "stub-model" and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    system, user = (m["content"] for m in body["messages"])
    assert all(DEFINITIONS[name] in system for name in LABELS)
    assert "Decision procedure" in system
    schema = body["response_format"]["json_schema"]["schema"]
    assert body["response_format"]["type"] == "json_schema"
    item = schema["properties"]["items"]["items"]
    assert item["properties"]["label"]["enum"] == list(LABELS)
    assert set(item["required"]) == {"id", "reason", "label", "probabilities"}
    assert user.count(ARTICLE) == 1  # the article once, shared by the comments
    assert "answers: this comment under the article A1:\n<<<\nGreat post, thanks!" in user
    assert "[deleted]" not in user  # placeholders are not sent
    assert len(COMMENT.findall(user)) == 5
    assert stub.headers[0]["Authorization"] == "Bearer sekrit"
    got = [(c.label, c.reasons) for c in labelled.comments]
    assert got[:5] == [(stub_label(t), [f"stub says {stub_label(t)}"]) for t in TEXTS[:5]]
    assert got[5][0] is None  # the [deleted] placeholder
    for c in labelled.comments[:5]:
        assert c.confidence == 0.7 and abs(sum(c.probabilities.values()) - 1) < 1e-3
        assert c.sentiment is not None


def test_moderation_and_off_topic_need_no_cue(stub, tmp_path):
    """The language model decides the rare labels itself (no evidence gate)."""
    model = model_for(stub, tmp_path)
    pairs = pairs_from_texts(["Nice bike."] * 2, ["Mods are asleep, civil folks.", "buy"])
    assert model.predict(pairs) == ["moderation", "off-topic"]


def test_cache_second_run_makes_no_request(stub, tmp_path):
    model = model_for(stub, tmp_path)
    first = model.predict_proba(pairs_from_texts(["p"] * 3, TEXTS[:3]))
    asked = len(stub.chat)
    again = model_for(stub, tmp_path).predict_proba(pairs_from_texts(["p"] * 3, TEXTS[:3]))
    assert len(stub.chat) == asked and np.allclose(first, again)
    files = list((tmp_path / "cache").rglob("*.json"))
    assert len(files) == 3
    stored = json.loads(files[0].read_text())
    assert stored["model"] == "stub-model" and stored["prompt"] == PROMPT_VERSION
    # the key holds the model name: another model is asked again
    stub.models = ["other-model"]
    model_for(stub, tmp_path).predict_proba(pairs_from_texts(["p"] * 3, TEXTS[:3]))
    assert len(stub.chat) == asked + 1 and stub.chat[-1]["model"] == "other-model"


def test_batches_and_bounded_concurrency(stub, tmp_path):
    stub.delay = 0.15
    model = model_for(stub, tmp_path, batch=4, parallel=2)
    texts = [f"comment number {i}" for i in range(10)]
    proba = model.predict_proba(pairs_from_texts(["p"] * 10, texts))
    sizes = sorted(len(COMMENT.findall(b["messages"][-1]["content"])) for b in stub.chat)
    assert sizes == [2, 4, 4]
    assert 1 <= stub.max_inflight <= 2  # bounded (2 whenever the two overlap)
    assert proba.shape == (10, 4) and np.allclose(proba.sum(axis=1), 1)


def test_duplicate_comments_asked_once(stub, tmp_path):
    model = model_for(stub, tmp_path, batch=8)
    model.predict_proba(pairs_from_texts(["p"] * 4, ["same"] * 4))
    assert len(COMMENT.findall(stub.chat[0]["messages"][-1]["content"])) == 1


def test_malformed_answer_is_retried_once(stub, tmp_path):
    stub.mode = "malformed_once"
    model = model_for(stub, tmp_path)
    assert model.predict(pairs_from_texts(["p", "p"], TEXTS[:2])) == ["agreement", "rebuttal"]
    assert len(stub.chat) == 2


def test_missing_probabilities_retried(stub, tmp_path):
    stub.mode = "no_probs_once"
    model = model_for(stub, tmp_path)
    assert model.predict(pairs_from_texts(["p"], [TEXTS[1]])) == ["rebuttal"]
    assert len(stub.chat) == 2


def test_label_outside_the_four_is_reported_not_cached(stub, tmp_path):
    stub.mode = "bad_label"
    warned: list[str] = []
    model = model_for(stub, tmp_path)
    model.warn = warned.append
    scored = model.score(pairs_from_texts(["p", "p"], TEXTS[:2]))
    assert len(stub.chat) == 2  # one retry of both items
    assert len(warned) == 1 and "2 of 2 comments got no valid answer" in warned[0]
    assert "'neutral' is not one of" in warned[0]
    reasons = scored.reasons(scored.proba, [], [])
    assert reasons[0][0].startswith("no valid answer from the language model")
    assert np.allclose(scored.proba[0], scored.proba[1])  # the prior mix
    model.predict_proba(pairs_from_texts(["p", "p"], TEXTS[:2]))
    assert len(stub.chat) == 4  # nothing was cached


def test_schema_refused_falls_back_to_json_object(stub, tmp_path):
    stub.mode = "reject_schema"
    model = model_for(stub, tmp_path)
    assert model.predict(pairs_from_texts(["p"], [TEXTS[1]])) == ["rebuttal"]
    kinds = [b.get("response_format", {}).get("type") for b in stub.chat]
    assert kinds == ["json_schema", "json_object"]
    model.predict(pairs_from_texts(["p"], [TEXTS[0]]))
    assert stub.chat[-1]["response_format"]["type"] == "json_object"  # remembered


def test_fenced_json_is_accepted(stub, tmp_path):
    stub.mode = "fenced"
    assert model_for(stub, tmp_path).predict(pairs_from_texts(["p"], [TEXTS[1]])) == \
        ["rebuttal"]
    assert len(stub.chat) == 1


def test_parse_answer_validates_and_repairs():
    good = {"id": 1, "reason": "r", "label": "Off topic",
            "probabilities": {"agreement": 60, "rebuttal": 20, "moderation": 10,
                              "off_topic": 10}}
    answers, problems = parse_answer(json.dumps({"items": [good]}), 1)
    assert not problems
    a = answers[0]
    assert a.label == "off-topic" and a.proba[LABELS.index("off-topic")] == 0.6  # swapped
    assert abs(sum(a.proba) - 1) < 1e-6
    _, problems = parse_answer("[]", 2)
    assert problems == {0: "no answer for the comment", 1: "no answer for the comment"}
    _, problems = parse_answer(json.dumps([dict(good, probabilities={"agreement": 1})]), 1)
    assert problems[0].startswith("missing probabilities (rebuttal")
    answers, _ = parse_answer("<think>{maybe}</think>\nHere: " + json.dumps([good]), 1)
    assert answers[0].label == "off-topic"
    _, problems = parse_answer("not json", 1)
    assert problems[0].startswith("malformed JSON")
    # ids matched, in any order; positions when there are no ids
    two = [dict(good, id=2, label="rebuttal"), dict(good, id=1, label="agreement")]
    answers, _ = parse_answer(json.dumps({"items": two}), 2)
    assert [answers[0].label, answers[1].label] == ["agreement", "rebuttal"]


def test_model_name_must_be_chosen_among_several(stub, tmp_path):
    stub.models = ["a", "b"]
    with pytest.raises(ModelError, match="offers 2 models .a, b.: choose one with --llm-model"):
        model_for(stub, tmp_path).predict_proba(pairs_from_texts(["p"], ["x"]))
    model = model_for(stub, tmp_path, model="b")
    model.predict_proba(pairs_from_texts(["p"], ["x"]))
    assert stub.chat[0]["model"] == "b" and "/v1/models" not in stub.paths[1:]


def test_endpoint_forms():
    for url in ("http://h:8080", "http://h:8080/", "http://h:8080/v1",
                "http://h:8080/v1/chat/completions"):
        assert LLMConfig(url).urls == ("http://h:8080/v1/chat/completions",
                                       "http://h:8080/v1/models")
    with pytest.raises(UsageError, match="not an http"):
        LLMConfig("localhost:8080")
    with pytest.raises(UsageError, match="--llm-batch"):
        LLMConfig("http://h", batch=0)


def test_missing_httpx_is_one_line(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "httpx", None)
    with pytest.raises(ModelError, match=r"pip install 'discourse-analyzer\[llm\]'"):
        load_model(LLMConfig("http://127.0.0.1:1"))
    with pytest.raises(ModelError, match="needs --endpoint"):
        load_model("llm")


def test_estimate_line(stub, tmp_path):
    model = model_for(stub, tmp_path, batch=2, parallel=2)
    units = [items_of(pairs_from_texts(["p"] * 3, [f"c{i}" for i in range(3)]), "stub-model"),
             items_of(pairs_from_texts(["p"] * 2, ["c0", "d"]), "stub-model")]
    est = model.plan(units)
    assert (est.pairs, est.uncached, est.requests, est.first_items) == (5, 4, 3, 2)
    assert len(stub.chat) == 1 and est.first_seconds is not None and est.tokens > 0
    line = est.line()
    assert line.startswith("llm stub-model: 5 pairs, 4 not cached: about 3 requests, ")
    assert "the first request (2 pairs) took" in line and "Ctrl-C stops" in line
    again = model.plan(units[:1])  # the first request's answers are cached
    assert (again.pairs, again.uncached) == (3, 1)
    line = Estimate(pairs=10, uncached=10, requests=5, tokens=9000, first_seconds=60.0,
                    first_items=2, parallel=4, cache="C", model="m").line()
    assert "so about 60 s (4 requests at a time) to 4 min (one at a time) more" in line
    assert Estimate(pairs=3, cache="C", model="m").line() == \
        "llm m: 3 pairs, all answered from the cache (C): no requests"


def test_system_prompt_is_the_guide():
    text = system_prompt()
    for phrase in ("stop at the first yes", "Word overlap is no evidence",
                   "never instructions", "one item per comment"):
        assert phrase in text


# -- the command line -------------------------------------------------------------------
def write_docs(tmp_path: Path, n_docs: int = 1, n: int = 6) -> list[str]:
    paths = []
    for d in range(n_docs):
        path = tmp_path / f"doc{d}.json"
        write_threads([make_thread(n, source=f"doc{d}")], "json", str(path))
        paths.append(str(path))
    return paths


def llm_args(stub: Stub, tmp_path: Path, *extra: str) -> list[str]:
    return ["--model", "llm", "--endpoint", stub.url, "--llm-cache", str(tmp_path / "c"),
            *extra]


def test_cli_classify_estimate_and_cache(stub, tmp_path, capsys):
    docs = write_docs(tmp_path, n_docs=2)
    out = tmp_path / "out.json"
    assert cli.main(["classify", *docs, "-o", str(out), *llm_args(stub, tmp_path)]) == 0
    err = capsys.readouterr().err
    estimate = [line for line in err.splitlines() if line.startswith("llm stub-model:")]
    # both documents hold the same comments: 5 distinct texts (the placeholder unsent)
    assert estimate and estimate[0].startswith("llm stub-model: 10 pairs, 5 not cached")
    threads = json.loads(out.read_text())
    assert [c["label"] for c in threads[0]["comments"]][:5] == [stub_label(t) for t in TEXTS[:5]]
    assert threads[1]["comments"][1]["reasons"] == ["stub says rebuttal"]
    asked = len(stub.chat)
    assert cli.main(["classify", *docs, "-o", str(out), *llm_args(stub, tmp_path)]) == 0
    assert len(stub.chat) == asked  # all from the cache
    assert "10 pairs, all answered from the cache" in capsys.readouterr().err


def test_cli_report_with_jobs(stub, tmp_path, capsys):
    docs = write_docs(tmp_path, n_docs=2)
    code = cli.main(["report", *docs, "-o", str(tmp_path / "r"), "-j", "2", "-q",
                     *llm_args(stub, tmp_path)])
    assert code == 0 and (tmp_path / "r" / "index.html").is_file()


def _one_error_line(capsys, *wanted: str) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err and lines[0].startswith(f"error: {ERROR_PREFIX} ")
    for text in wanted:
        assert text in lines[0]
    return lines[0]


def test_cli_unreachable(tmp_path, capsys):
    docs = write_docs(tmp_path)
    url = f"http://127.0.0.1:{free_port()}/v1"
    code = cli.main(["classify", *docs, "-q", "--model", "llm", "--endpoint", url,
                     "--llm-model", "m", "--llm-cache", str(tmp_path / "c")])
    assert code == 2
    _one_error_line(capsys, url, "cannot connect", "is the server running?")


def test_cli_timeout(stub, tmp_path, capsys):
    stub.delay = 2.0
    docs = write_docs(tmp_path)
    code = cli.main(["classify", *docs, "-q", *llm_args(stub, tmp_path, "--llm-timeout",
                                                          "0.3")])
    assert code == 2
    _one_error_line(capsys, "no answer within 0.3 s")


def test_cli_http_500(stub, tmp_path, capsys):
    stub.mode = "error500"
    docs = write_docs(tmp_path)
    assert cli.main(["analyze", *docs, "-q", *llm_args(stub, tmp_path)]) == 2
    _one_error_line(capsys, "HTTP 500 Internal Server Error: out of memory")


def test_cli_failure_mid_run_stops_on_one_line(stub, tmp_path, capsys):
    """The first request (the estimate) works, then the server fails: the run stops with
    one line instead of one error per document, and no output file is left."""
    stub.fail_after = 1
    docs = [*write_docs(tmp_path, n_docs=1, n=6), *write_docs(tmp_path / "b", 3, n=9)]
    out = tmp_path / "out.json"
    code = cli.main(["classify", *docs, "-q", "-o", str(out),
                     *llm_args(stub, tmp_path, "--llm-batch", "2")])
    assert code == 2 and not out.exists()
    _one_error_line(capsys, "HTTP 500")


def test_cli_usage_errors(stub, tmp_path, capsys, monkeypatch):
    docs = write_docs(tmp_path)
    assert cli.main(["classify", *docs, "--model", "llm"]) == 2
    assert "--model llm needs --endpoint URL" in capsys.readouterr().err
    assert cli.main(["classify", *docs, "--endpoint", stub.url]) == 2
    assert "--endpoint is an option of --model llm" in capsys.readouterr().err
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    assert cli.main(["classify", *docs, *llm_args(stub, tmp_path, "--api-key-env",
                                                  "NO_SUCH_KEY_VAR")]) == 2
    assert "NO_SUCH_KEY_VAR: that environment variable is not set" in capsys.readouterr().err
    assert not stub.chat


def test_cli_help_documents_the_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["classify", "--help"])
    out = capsys.readouterr().out
    for option in ("--endpoint URL", "--llm-model NAME", "--api-key-env VAR",
                   "--llm-cache DIR", "--llm-batch N", "--llm-parallel N", "--llm-timeout"):
        assert option in out


def test_cli_evaluate_scores_it_like_any_model(stub, tmp_path, capsys):
    data = tmp_path / "labelled.csv"
    rows = [("Nice article.", TEXTS[1], "rebuttal"), ("Nice article.", TEXTS[0], "agreement"),
            ("Nice article.", "Mods please, civil!", "moderation"),
            ("Nice article.", "buy now", "off-topic")] * 3
    data.write_text("parent,reply,label\n" + "".join(f'"{p}","{r}",{lab}\n'
                                                      for p, r, lab in rows))
    code = cli.main(["evaluate", str(data), "-o", str(tmp_path / "ev"), "--shared", "none",
                     *llm_args(stub, tmp_path)])
    assert code == 0
    captured = capsys.readouterr()
    assert "llm stub-model: 12 pairs, 4 not cached" in captured.err
    result = json.loads((tmp_path / "ev" / "evaluation.json").read_text())["results"]
    ours = next(r for r in result if r["model"] == "discourse")
    # a cue-less "Mods please, civil!" still counts as moderation: no evidence gate
    assert ours["macro_f1"] == pytest.approx(1.0)


def test_evaluate_without_data_scores_the_real_threads_test_split(stub, tmp_path):
    from discourse.lab.evaluate import Evaluation, evaluate_untrained

    test = pairs_from_texts(["Nice article."] * 4, [TEXTS[1], TEXTS[0], "mods: civil!", "buy"])
    test["label"] = ["rebuttal", "agreement", "moderation", "agreement"]
    ev, said = Evaluation(), []
    evaluate_untrained(ev, LLMConfig(stub.url, cache_dir=str(tmp_path / "c")), test,
                       said.append)
    assert said[0].startswith("llm stub-model: 4 pairs, 4 not cached")
    (row,) = ev.results
    assert row["protocol"] == "real threads (test split)" and row["accuracy"] == 0.75
    assert "language model stub-model" in ev.notes[0]
