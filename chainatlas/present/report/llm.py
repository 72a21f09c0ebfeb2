"""Optional LLM backend: let a language model rewrite a briefing's prose, and trust nothing it adds.

Off by default. ``chainatlas report --llm`` (or ``CHAINATLAS_LLM=1``) sends the template briefing
and its numbered source sentences to any OpenAI-compatible endpoint::

    CHAINATLAS_LLM_URL=http://127.0.0.1:8080        # …/v1/chat/completions is added when missing
    CHAINATLAS_LLM_MODEL=qwen2.5-7b-instruct
    CHAINATLAS_LLM_KEY=…                             # optional bearer token
    CHAINATLAS_LLM_TIMEOUT=60                        # seconds

The model sees only the cited facts (the draft's bullets and the source sentences), is asked to
keep every [n] right after the number it supports, and its answer goes through the same citation
check as any briefing (``lint.py``) plus one more rule: it must use exactly the draft's
citations. An answer that invents a number, cites a sentence that lacks it, drops or adds a
citation, or does not come back in time is rejected: the template text is kept and a one-line
warning goes to standard error.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from chainatlas.present.report import lint
from chainatlas.present.report.document import Bullet, Report, Run, Section
from chainatlas.present.report.render_md import render_markdown, sources_md

SYSTEM_PROMPT = {
    "zh": ("你是产业研究分析员，为领导撰写简报。只改写给定草稿的措辞，使其简洁、专业、通顺。"
           "严格规则：1. 只使用草稿和来源中已有的事实，不得增加任何数字、年份或事实；"
           "2. 每个数字后面保留原有的引用标记[n]，不得删除、合并或新增引用标记；"
           "3. 保留 Markdown 结构：# 标题、## 小节标题、- 要点；4. 只输出简报正文，不要解释。"),
    "en": ("You are an industry analyst writing a briefing for senior officials. Rewrite the wording of the "
           "draft so it reads concisely and professionally. Strict rules: 1. use only facts in the draft and "
           "its sources; never add a number, year or fact; 2. keep every citation marker [n] right after the "
           "number it supports; never drop, merge or add a marker; 3. keep the Markdown structure: # title, "
           "## section headings, - bullets; 4. output the briefing only, no explanations."),
}


class LLMError(RuntimeError):
    """The endpoint failed, timed out or answered something unusable."""


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0

    @property
    def endpoint(self) -> str:
        u = self.url.rstrip("/")
        if u.endswith("/chat/completions"):
            return u
        if u.endswith("/v1"):
            return u + "/chat/completions"
        return u + "/v1/chat/completions"


def config_from_env(env: dict[str, str] | None = None) -> LLMConfig | None:
    """The endpoint named by CHAINATLAS_LLM_URL and CHAINATLAS_LLM_MODEL, or None."""
    env = dict(os.environ) if env is None else env
    url, model = env.get("CHAINATLAS_LLM_URL", "").strip(), env.get("CHAINATLAS_LLM_MODEL", "").strip()
    if not url or not model:
        return None
    try:
        timeout = float(env.get("CHAINATLAS_LLM_TIMEOUT", "60"))
    except ValueError:
        timeout = 60.0
    return LLMConfig(url, model, env.get("CHAINATLAS_LLM_KEY") or None, timeout)


def enabled_by_env(env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    return env.get("CHAINATLAS_LLM", "").strip().lower() in ("1", "true", "yes", "on")


def chat(cfg: LLMConfig, messages: list[dict[str, str]]) -> str:
    """One chat completion (stdlib HTTP): the first choice's message content."""
    body = json.dumps({"model": cfg.model, "messages": messages, "temperature": 0.2}).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if cfg.api_key:
        headers["Authorization"] = f"Bearer {cfg.api_key}"
    req = urllib.request.Request(cfg.endpoint, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=cfg.timeout) as resp:
            payload = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise LLMError(f"{cfg.endpoint}: HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LLMError(f"{cfg.endpoint}: {reason}") from None
    except ValueError:
        raise LLMError(f"{cfg.endpoint}: the answer is not JSON") from None
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LLMError(f"{cfg.endpoint}: no choices[0].message.content in the answer") from None
    if not isinstance(content, str) or not content.strip():
        raise LLMError(f"{cfg.endpoint}: empty answer")
    return content


def prompt(report: Report) -> list[dict[str, str]]:
    """The messages: the rules, then the draft and its sources between tags."""
    draft = render_markdown(report, body_only=True)
    sources = "\n".join(s.line(report.lang) for s in report.sources)
    user = f"<draft>\n{draft.strip()}\n</draft>\n<sources>\n{sources}\n</sources>"
    return [{"role": "system", "content": SYSTEM_PROMPT[report.lang]}, {"role": "user", "content": user}]


def _strip_fences(text: str) -> str:
    text = text.strip()
    m = re.match(r"^```[a-zA-Z]*\n(.*?)\n```$", text, re.S)
    return m.group(1) if m else text


def check_answer(report: Report, answer: str) -> list[str]:
    """Why ``answer`` cannot replace the draft (empty: it can)."""
    draft = render_markdown(report, body_only=True)
    wanted = _cited(draft)
    got = _cited(answer)
    problems: list[str] = []
    result = lint.lint_markdown(answer + "\n\n" + "\n".join(sources_md(report)))
    problems += [str(p) for p in result.problems if "never cited" not in p.message]
    if got - wanted:
        problems.append("cites " + "".join(f"[{n}]" for n in sorted(got - wanted)) + " that the draft does not")
    if wanted - got:
        problems.append("drops " + "".join(f"[{n}]" for n in sorted(wanted - got)))
    if not re.search(r"^\s*[-*] ", answer, re.M):
        problems.append("no bullets")
    return problems


def _cited(text: str) -> set[int]:
    return {int(n) for g in lint.CITE_GROUP.findall(text) for n in re.findall(r"\d+", g)}


def rewrite(report: Report, cfg: LLMConfig, warn: Callable[[str], None] | None = None) -> Report:
    """The report with the model's wording when it passes every check, else the report unchanged."""
    warn = warn or (lambda m: print(m, file=sys.stderr))
    try:
        answer = _strip_fences(chat(cfg, prompt(report)))
    except LLMError as exc:
        warn(f"warning: LLM rewrite skipped ({exc}); using the template text")
        return report
    problems = check_answer(report, answer)
    if problems:
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        warn(f"warning: LLM answer rejected: {problems[0]}{more}; using the template text")
        return report
    apply_markdown(report, answer)
    from chainatlas.present.report import templates as t

    report.footer.append(t.label(report.lang, "llm_note"))
    report.meta["llm"] = cfg.model
    return report


def _runs(text: str, by_n: dict[int, object]) -> list[Run]:
    text = re.sub(r"\\([\\*_`])", r"\1", text)
    out: list[Run] = []
    for segment, cites in lint.citation_groups(text):
        if cites:
            out.append(Run(segment, [by_n[n] for n in cites if n in by_n], tuple(cites)))  # type: ignore[misc]
        elif segment:
            out.append(Run(segment))
    return out


def apply_markdown(report: Report, answer: str) -> None:
    """Put the model's headline, Core Insights and sections in place of the template's (the table,
    key figures, charts, gaps and sources stay)."""
    by_n = {s.n: s.citation for s in report.sources}
    headline: Bullet | None = None
    insights: list[Bullet] = []
    sections: list[Section] = []
    current: Section | None = None
    group: list[Bullet] | None = None
    in_insights = False
    for line in answer.splitlines():
        s = line.strip()
        if not s or s.startswith("# ") or (s.startswith("*") and s.endswith("*") and not s.startswith("* ")
                                             and not s.startswith("**")):
            continue
        if s.startswith("## "):
            title = s[3:].strip()
            in_insights = title == report.insights_title
            group = None
            current = None if in_insights else Section(f"llm-{len(sections)}", title)
            if current is not None:
                sections.append(current)
            continue
        if s.startswith("### ") and current is not None:
            group = []
            current.groups.append((s[4:].strip(), group))
            continue
        if re.match(r"^[-*] ", s):
            b = Bullet(_runs(s[2:].strip(), by_n))
            if in_insights:
                insights.append(b)
            elif group is not None:
                group.append(b)
            elif current is not None:
                current.bullets.append(b)
            else:
                insights.append(b)
            continue
        if headline is None and current is None and not in_insights:
            headline = Bullet(_runs(s.strip("*").strip(), by_n))
    if headline is not None and any(r.refs for r in headline.runs):
        report.headline = headline
    if insights:
        report.insights = insights
    report.sections = [sec for sec in sections if not sec.empty]
