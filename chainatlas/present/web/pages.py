"""Server-rendered pages (Jinja2, autoescaped). Each page calls one service function, the same one
its API endpoint returns as JSON, and renders the result."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from chainatlas.present.web import formatting, i18n
from chainatlas.present.web import service as S
from chainatlas.present.web.auth import COOKIE as TOKEN_COOKIE
from chainatlas.present.web.auth import require_read
from chainatlas.store.tokens import verify_token

TEMPLATES = Path(__file__).resolve().parent / "templates"

router = APIRouter(dependencies=[Depends(require_read)], include_in_schema=False)
public = APIRouter(include_in_schema=False)  # login must work before a token is known


def make_templates(extra_dirs: tuple[str | Path, ...] = ()) -> Jinja2Templates:
    """Templates with autoescaping on for every file: scraped text is never trusted markup."""
    env = Environment(
        loader=FileSystemLoader([*map(str, extra_dirs), str(TEMPLATES)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = formatting.number
    return Jinja2Templates(env=env)


def _query_url(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one; lists repeat)."""
    items: list[tuple[str, str]] = []
    for k, v in request.query_params.multi_items():
        if k not in changes and k != "lang":
            items.append((k, v))
    for k, v in changes.items():
        if v is None or v == "":
            continue
        if isinstance(v, list | tuple):
            items.extend((k, str(x)) for x in v)
        else:
            items.append((k, str(v)))
    qs = urlencode(items)
    return request.url.path + (f"?{qs}" if qs else "")


@functools.cache
def _segment_labels(lang: str) -> dict[str, str]:
    """Chain segment id → its name in ``lang`` (the taxonomy's labels)."""
    from chainatlas.analyse.taxonomy import load_taxonomy

    return {seg.id: seg.zh if lang == "zh" else seg.en for seg in load_taxonomy()}


def render(request: Request, template: str, status_code: int = 200, **data: Any) -> HTMLResponse:
    lang = i18n.pick(request)
    t = i18n.Translator(lang)
    ctx: S.AtlasContext = request.app.state.ctx
    context = {
        "lang": lang,
        "t": t,
        "nav": ctx.nav,
        "url_with": lambda **kw: _query_url(request, **kw),
        "lang_url": lambda code: request.url.path + "?" + urlencode(
            [*[(k, v) for k, v in request.query_params.multi_items() if k != "lang"], ("lang", code)]),
        "money": lambda v, c=None: formatting.money(v, c, lang),
        "qty": lambda q: formatting.quantity(q.kind, q.value, q.currency, q.unit, lang),
        "date": lambda v: formatting.date(v, lang),
        "fact_fields": lambda args: formatting.fact_fields(args or {}, lang),
        "seg_names": lambda ids: ("、" if lang == "zh" else ", ").join(
            _segment_labels(lang).get(i, i) for i in ids or ()) or "—",
        "read_open": ctx.read_open,
        **data,
    }
    response = request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        response.set_cookie(i18n.COOKIE, asked, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def _ctx(request: Request) -> S.AtlasContext:
    return request.app.state.ctx


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


def _int(value: str | None, default: int, lo: int = 0, hi: int = 10_000_000) -> int:
    try:
        return max(lo, min(hi, int(value))) if value not in (None, "") else default
    except ValueError:
        return default


def _level(value: str | None) -> str | None:
    return "city" if value == "prefecture" else value if value in S.REGION_LEVELS else None


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, level: str | None = None) -> Response:
    data = S.overview(_ctx(request), level=_level(level))
    chart = {"names": [r.name for r in data.regions[:15]], "docs": [r.document_count for r in data.regions[:15]],
             "refs": [r.ref for r in data.regions[:15]]}
    return render(request, "overview.html", data=data, level=data.level, chart=chart)


@router.get("/regions", response_class=HTMLResponse)
def regions_page(request: Request, level: str | None = None, q: str | None = None,
                 offset: str | None = None) -> Response:
    level = _level(level)
    data = S.regions(_ctx(request), level=level, q=q or None, limit=50, offset=_int(offset, 0))
    return render(request, "regions.html", data=data, level=level, q=q or "")


@router.get("/regions/{name}/briefing.{fmt}")
def briefing_download(request: Request, name: str, fmt: str) -> Response:
    """The region's cited briefing in the interface language (``chainatlas report``)."""
    from chainatlas.present.web.api import briefing_response

    if fmt not in ("html", "md", "pdf"):
        raise S.NotFound("page", request.url.path)
    return briefing_response(_ctx(request), name, fmt, i18n.pick(request))


@router.get("/regions/{name}", response_class=HTMLResponse)
def region_page(request: Request, name: str, offset: str | None = None) -> Response:
    from chainatlas.present.web import charts

    page = S.region(_ctx(request), name, limit=20, offset=_int(offset, 0))
    lang = i18n.pick(request)
    t = i18n.Translator(lang)
    years = page.profile.years
    data = {
        "years": {"names": [y for y, _ in years], "values": [n for _, n in years], "label": t("stat.documents")},
        "chain": charts.chain_tree(page, t, lang),
        "metrics": [charts.metric_chart(s, t, lang) for s in page.profile.metrics if s.chart],
    }
    sections = [(sec, page.extras.get(sec.key)) for sec in _ctx(request).region_sections]
    return render(request, "region.html", page=page, r=page.region, p=page.profile, g=page.gaps, charts=data,
                  sections=sections)


@router.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request, type: str | None = None, q: str | None = None,
                  offset: str | None = None) -> Response:
    type = type if type in S.ENTITY_TYPES else None
    data = S.entities(_ctx(request), type=type, q=q or None, limit=50, offset=_int(offset, 0))
    return render(request, "entities.html", data=data, type=type, q=q or "")


@router.get("/entities/{ident}", response_class=HTMLResponse)
def entity_page(request: Request, ident: str, offset: str | None = None) -> Response:
    ctx = _ctx(request)
    if not _is_id(ident):
        return RedirectResponse(f"/entities/{S.entity_by_name(ctx, ident)}", status_code=303)
    page = S.entity(ctx, int(ident), limit=50, offset=_int(offset, 0))
    return render(request, "entity.html", page=page, e=page.entity)


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, region: str | None = None, site: str | None = None,
                   date_from: str | None = None, date_to: str | None = None, offset: str | None = None) -> Response:
    from chainatlas.store.browse import sites

    data = S.documents(_ctx(request), region=region or None, site=site or None, date_from=date_from or None,
                       date_to=date_to or None, limit=30, offset=_int(offset, 0))
    return render(request, "documents.html", data=data, region=region or "", site=site or "",
                  date_from=date_from or "", date_to=date_to or "", sites=sites(_ctx(request).store),
                  max_upload=_ctx(request).max_upload_bytes)


@router.get("/documents/{ident}", response_class=HTMLResponse)
def document_page(request: Request, ident: str) -> Response:
    if not _is_id(ident):
        raise S.NotFound("document", ident)
    return render(request, "document.html", doc=S.document(_ctx(request), int(ident)))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", region: str | None = None, site: str | None = None,
                date_from: str | None = None, date_to: str | None = None, type: str | None = None,
                offset: str | None = None) -> Response:
    type = type if type in S.ENTITY_TYPES else None
    result = S.search(_ctx(request), q[:200], region=region or None, site=site or None,
                      date_from=date_from or None, date_to=date_to or None, entity_type=type,
                      limit=20, offset=_int(offset, 0), facets=True)
    return render(request, "search.html", res=result, q=q, region=region or "", site=site or "",
                  date_from=date_from or "", date_to=date_to or "", type=type)


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request) -> Response:
    from chainatlas.present.web import charts

    names = [n for n in request.query_params.getlist("r") if n.strip()][:6]
    result = S.compare(_ctx(request), names) if names else None
    regions = S.regions(_ctx(request), level="city", limit=200).items
    lang = i18n.pick(request)
    heat = charts.coverage_heatmap(result, i18n.Translator(lang), lang) if result and result.segments else None
    return render(request, "compare.html", res=result, names=names, regions=regions, heat=heat)


@router.get("/tracker", response_class=HTMLResponse)
def tracker_page(request: Request, view: str | None = None, region: str | None = None, status: str | None = None,
                 type: str | None = None, kind: str | None = None, list: str | None = None,  # noqa: A002
                 sort: str | None = None, offset: str | None = None) -> Response:
    """Tracker items with filters and inline edits; ``view=facts``: project facts awaiting review."""
    from chainatlas.present.web import tracking

    ctx = _ctx(request)
    if view == "facts":
        status = status if status in S.FACT_STATUSES else None
        type = type if type in S.TRACKER_TYPES else None
        data = S.tracker(ctx, region=region or None, status=status, type=type, limit=50, offset=_int(offset, 0))
        return render(request, "tracker_facts.html", data=data, region=region or "", status=status, type=type,
                      view="facts")
    kinds = tracking.T.vocabulary().kinds
    kind = kind if kind in kinds else None
    sort = sort if sort in tracking.SORTS else "id"
    statuses = tracking.T.vocabulary().statuses
    items = tracking.items(ctx, kind=kind, status=status if status in statuses else None, region=region or None,
                           list_name=list or None, sort=sort, limit=50, offset=_int(offset, 0))
    t = i18n.Translator(i18n.pick(request))
    return render(request, "tracker.html", data=items, region=region or "", status=status or "", kind=kind,
                  list_name=list or "", sort=sort, view="items",
                  status_labels={st: t.label("pstatus", st) for st in statuses},
                  field_labels={f: t.label("tfield", f) for f in tracking.FIELDS})


@public.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return render(request, "login.html", error=None)


@public.post("/login", response_class=HTMLResponse)
def login(request: Request, token: str = Form(..., max_length=200)) -> Response:
    info = verify_token(_ctx(request).store, token)
    if info is None or info.revoked:
        return render(request, "login.html", status_code=401, error="login.bad")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", max_age=30 * 86400,
                        secure=request.url.scheme == "https")
    return response


@public.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response
