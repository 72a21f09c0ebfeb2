"""The extension points analysis modules use: region panels, compare metrics, header links, routers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.testclient import TestClient

from chainatlas.present.web import create_app
from chainatlas.present.web.service import CompareMetric, NavItem, RegionSection

from .conftest import Atlas


def test_extensions_add_panels_metrics_links_and_routes(atlas: Atlas, tmp_path: Path) -> None:
    (tmp_path / "ext").mkdir()
    (tmp_path / "ext" / "coverage.html").write_text(
        '<p class="coverage">{{ value.share }} · {{ r.name }}</p>', encoding="utf-8")

    def coverage(store, region):  # type: ignore[no-untyped-def]
        return {"share": "62%"} if region.name == "德州市" else None

    def extension(app, ctx) -> None:  # type: ignore[no-untyped-def]
        ctx.region_sections.append(RegionSection("coverage", {"zh": "产业链覆盖", "en": "Chain coverage"},
                                                 "coverage.html", coverage))
        ctx.compare_metrics.append(CompareMetric("docs_x2", {"zh": "文档数×2", "en": "Docs ×2"},
                                                 lambda store, region: region.document_count * 2))
        ctx.nav.append(NavItem("/ext", {"zh": "扩展", "en": "Extension"}))
        router = APIRouter()

        @router.get("/api/v1/ext/targets")
        def targets() -> dict[str, list[str]]:
            return {"items": []}

        app.include_router(router)

    app = create_app(atlas.path, extensions=[extension], template_dirs=[tmp_path / "ext"])
    with TestClient(app) as c:
        html = c.get(f"/regions/{quote('德州市')}?lang=zh").text
        assert "产业链覆盖" in html and '<p class="coverage">62% · 德州市</p>' in html
        other = c.get(f"/regions/{quote('泰州市')}?lang=en").text
        assert "Chain coverage" in other and "No analysis results for this region yet." in other
        assert c.get(f"/api/v1/regions/{quote('德州市')}").json()["extras"] == {"coverage": {"share": "62%"}}
        compare = c.get(f"/compare?r={quote('德州市')}&lang=zh").text
        assert "文档数×2" in compare and 'data-metric="docs_x2"' in compare
        assert 'href="/ext"' in c.get("/").text
        assert c.get("/api/v1/ext/targets").json() == {"items": []}
