"""The optional LLM backend against a local OpenAI-compatible server: a good answer is used; one that
invents a number, drops a citation or times out is rejected with a warning and the template text stays."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from chainatlas.present.cli import app
from chainatlas.present.report import AtlasData, ReportOptions, build_report
from chainatlas.present.report.lint import lint_html, lint_markdown
from chainatlas.present.report.llm import LLMConfig, check_answer, config_from_env, rewrite
from chainatlas.present.report.render_html import render_html
from chainatlas.present.report.render_md import render_markdown
from chainatlas.store import Store
from tests.present.report_atlas import atlas_path

GOOD_LINE = "- The city pairs manufacturing scale with a growing services base."


def _draft(body: dict) -> str:
    user = body["messages"][-1]["content"]
    return re.search(r"<draft>\n(.*)\n</draft>", user, re.S).group(1)


def _answer(model: str, draft: str) -> str:
    lines = draft.splitlines()
    if model == "good":  # reworded headings kept, one number-free bullet added, every [n] kept
        i = next(k for k, line in enumerate(lines) if line.startswith("## "))
        return "\n".join(lines[: i + 2] + [GOOD_LINE] + lines[i + 2 :])
    if model == "invent":
        return draft + "\n- Output will reach 999 billion yuan[1] by next year.\n"
    if model == "drop":  # the first bullet loses its citations
        k = next(k for k, line in enumerate(lines) if line.startswith("- "))
        lines[k] = re.sub(r"\[\d+\]", "", lines[k])
        return "\n".join(lines)
    if model == "fenced":
        return "```markdown\n" + draft + "\n```"
    raise AssertionError(model)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        assert self.path == "/v1/chat/completions"
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body["model"] == "slow":
            time.sleep(2.0)
            content = _draft(body)
        else:
            content = _answer(body["model"], _draft(body))
        payload = {"id": "x", "object": "chat.completion", "model": body["model"],
                   "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content}}]}
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def atlas() -> AtlasData:
    return AtlasData(Store(atlas_path()))


def fresh(atlas: AtlasData, lang: str = "en"):
    return build_report(atlas, ["德州市"], ReportOptions(lang=lang, charts=False, today="2025-01-01"))


def run(atlas, server, model, lang="en", timeout=10.0):
    warnings: list[str] = []
    template = render_markdown(fresh(atlas, lang))
    report = rewrite(fresh(atlas, lang), LLMConfig(server, model, timeout=timeout), warn=warnings.append)
    return template, report, warnings


def test_a_good_answer_is_used(atlas, server):
    template, report, warnings = run(atlas, server, "good")
    text = render_markdown(report)
    assert not warnings
    assert GOOD_LINE in text and text != template
    assert report.meta["llm"] == "good"
    assert lint_markdown(text).ok and lint_html(render_html(report)).ok
    assert "language model" in text.split("---")[-1]


def test_a_fenced_answer_is_unwrapped(atlas, server):
    _, report, warnings = run(atlas, server, "fenced", lang="zh")
    assert not warnings and report.meta.get("llm") == "fenced"


@pytest.mark.parametrize("model, why", [("invent", "999 billion yuan"), ("drop", "has no citation")])
def test_an_answer_that_invents_or_drops_is_rejected(atlas, server, model, why):
    template, report, warnings = run(atlas, server, model)
    assert render_markdown(report) == template
    assert len(warnings) == 1 and "rejected" in warnings[0] and why in warnings[0]
    assert "llm" not in report.meta


def test_a_slow_endpoint_times_out_and_the_template_stays(atlas, server):
    template, report, warnings = run(atlas, server, "slow", timeout=0.5)
    assert render_markdown(report) == template
    assert len(warnings) == 1 and "skipped" in warnings[0]


def test_unreachable_endpoint_falls_back(atlas):
    warnings: list[str] = []
    report = rewrite(fresh(atlas), LLMConfig("http://127.0.0.1:9", "x", timeout=2), warn=warnings.append)
    assert warnings and "template" in warnings[0]
    assert lint_markdown(render_markdown(report)).ok


def test_check_answer_requires_the_same_citations(atlas):
    report = fresh(atlas)
    draft = render_markdown(report, body_only=True)
    assert check_answer(report, draft) == []
    extra = draft + "\n- Another view[" + str(len(report.sources) + 5) + "].\n"
    assert any("Sources list" in p or "does not" in p for p in check_answer(report, extra))


def test_config_from_env_and_endpoint():
    assert config_from_env({}) is None
    cfg = config_from_env({"CHAINATLAS_LLM_URL": "http://h:1/v1", "CHAINATLAS_LLM_MODEL": "m",
                           "CHAINATLAS_LLM_TIMEOUT": "5"})
    assert cfg.endpoint == "http://h:1/v1/chat/completions" and cfg.timeout == 5.0
    assert LLMConfig("http://h:1", "m").endpoint == "http://h:1/v1/chat/completions"
    assert LLMConfig("http://h:1/v1/chat/completions", "m").endpoint == "http://h:1/v1/chat/completions"


def test_cli_llm_flag(server, monkeypatch):
    runner = CliRunner()
    monkeypatch.setenv("CHAINATLAS_LLM_URL", server)
    monkeypatch.setenv("CHAINATLAS_LLM_MODEL", "good")
    result = runner.invoke(app, ["--db", str(atlas_path()), "report", "德州市", "--lang", "en", "--llm", "--no-charts"])
    assert result.exit_code == 0, result.output
    assert GOOD_LINE in result.stdout
    monkeypatch.setenv("CHAINATLAS_LLM_MODEL", "invent")
    result = runner.invoke(app, ["--db", str(atlas_path()), "report", "德州市", "--lang", "en", "--llm", "--no-charts"])
    assert result.exit_code == 0, result.output
    assert "999" not in result.stdout and "rejected" in result.stderr


def test_cli_llm_without_endpoint_is_an_error(monkeypatch):
    monkeypatch.delenv("CHAINATLAS_LLM_URL", raising=False)
    monkeypatch.delenv("CHAINATLAS_LLM_MODEL", raising=False)
    result = CliRunner().invoke(app, ["--db", str(atlas_path()), "report", "德州市", "--llm"])
    assert result.exit_code == 2 and "CHAINATLAS_LLM_URL" in result.output
