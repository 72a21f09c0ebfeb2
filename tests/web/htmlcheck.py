"""Parse served HTML the way a browser would, to see which tags and attributes really exist."""

from __future__ import annotations

from html.parser import HTMLParser


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    p.close()
    return p


def unsafe_markup(html: str) -> list[str]:
    """Every script that is not one of ours, every inline event handler, every javascript: URL."""
    problems = []
    for tag, attrs in parse(html).tags:
        if tag == "script" and not ((attrs.get("src") or "").startswith("/static/")
                                    or attrs.get("type") == "application/json"):
            problems.append(f"<script {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                problems.append(f"<{tag} {name}={value}>")
        if tag in ("iframe", "object", "embed", "base") or (
                tag == "img" and not (attrs.get("src") or "").startswith(("/static/", "data:"))):
            problems.append(f"<{tag} {attrs}>")
    return problems
