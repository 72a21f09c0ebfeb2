"""The JSON API under ``/api/v1``: the same service results the pages render, as JSON.

Lists take ``limit``/``offset`` and answer ``{total, limit, offset, items}``. Errors answer
``{"detail": …}``; a 404 for a name adds ``suggestions`` (close matches).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from chainatlas.present.web import analysis as A
from chainatlas.present.web import i18n
from chainatlas.present.web import service as S
from chainatlas.present.web import tracking as TR
from chainatlas.present.web.auth import actor, require_read, require_write
from chainatlas.store import browse as Q
from chainatlas.store.tokens import TokenInfo
from chainatlas.store.tracker import HistoryEntry

Limit = Annotated[int, Query(ge=1, le=S.MAX_LIMIT, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
Id = Annotated[int, Path(ge=1, le=2**62, description="Row id")]
Date = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD")]


class Problem(BaseModel):
    detail: str


class Suggestion(BaseModel):
    """A close match: an entity (``id``), or a region of the gazetteer (``label`` says where it is,
    ``ref`` is what to ask for instead: its name, or its code when the name is ambiguous)."""

    id: int | None = None
    type: str
    name: str
    label: str | None = None
    code: str | None = None
    ref: str | None = None
    document_count: int | None = None


class NotFoundProblem(BaseModel):
    detail: str
    ambiguous: bool = False
    suggestions: list[Suggestion] = Field(default_factory=list)


class TrackerProblem(BaseModel):
    detail: str
    errors: list[dict[str, str]] = Field(default_factory=list)


class ItemEdit(BaseModel):
    """Fields to change on a tracker item; only the fields sent are changed (``null`` clears one).
    ``note`` goes to the history; ``force`` allows a status move the transition table forbids."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = Field(default=None, max_length=16)
    owner: str | None = Field(default=None, max_length=200)
    next_step: str | None = Field(default=None, max_length=2000)
    due: str | None = Field(default=None, max_length=20, description="YYYY-MM-DD")
    notes: str | None = Field(default=None, max_length=4000)
    note: str | None = Field(default=None, max_length=500, description="Why (kept in the history)")
    force: bool = False


class Correction(BaseModel):
    """The corrected fact arguments (the same fields the fact has: subject, value, status…)."""

    args: dict[str, Any] = Field(min_length=1)


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Bad parameter"},
    401: {"model": Problem, "description": "Token needed"},
    403: {"model": Problem, "description": "Token revoked or read-only"},
    404: {"model": NotFoundProblem, "description": "Not found; close matches in suggestions"},
}

router = APIRouter(dependencies=[Depends(require_read)], responses={401: ERRORS[401], 403: ERRORS[403]})


def ctx_of(request: Request) -> S.AtlasContext:
    return request.app.state.ctx


Ctx = Annotated[S.AtlasContext, Depends(ctx_of)]


@router.get("/documents", response_model=S.DocumentList, responses={400: ERRORS[400], 404: ERRORS[404]})
def list_documents(ctx: Ctx, limit: Limit = 20, offset: Offset = 0, region: str | None = None,
                   site: str | None = None, date_from: Date = None, date_to: Date = None,
                   sort: Annotated[str, Query(pattern="^(published|ingested|id)$")] = "published") -> S.DocumentList:
    """Documents, newest first; filter by region (with its counties), source site, publication date."""
    return S.documents(ctx, region=region, site=site, date_from=date_from, date_to=date_to, sort=sort,
                       limit=limit, offset=offset)


@router.get("/documents/{document_id}", response_model=S.DocumentPage, responses={404: ERRORS[404]})
def get_document(ctx: Ctx, document_id: Id) -> S.DocumentPage:
    """A document: cleaned text, paragraphs cut into highlighted segments, entities, numbers, facts,
    what the cleaner dropped, and where it was read from."""
    return S.document(ctx, document_id)


@router.post("/documents", response_model=S.UploadResult, status_code=201,
             responses={400: ERRORS[400], 413: {"model": Problem, "description": "File too large"},
                        415: {"model": Problem, "description": "Not a text, Markdown or HTML article"}})
def upload_document(request: Request, ctx: Ctx, file: Annotated[UploadFile, File(description=".txt .md .html .htm")],
                    token: Annotated[TokenInfo, Depends(require_write)]) -> Any:
    """Ingest an uploaded article exactly as `chainatlas ingest` would (cleaning, extraction, dedup)."""
    data = file.file.read(ctx.max_upload_bytes + 1)
    result = S.ingest_upload(ctx, file.filename or "upload.txt", data)
    return JSONResponse(_dump(S.UploadResult, result), status_code=201 if result.status == "new" else 200)


@router.get("/entities", response_model=S.EntityList, responses={400: ERRORS[400]})
def list_entities(ctx: Ctx, limit: Limit = 20, offset: Offset = 0,
                  type: Annotated[str | None, Query(pattern="^(region|organization|park|product|person)$")] = None,
                  q: Annotated[str | None, Query(max_length=200, description="Name or alias contains")] = None,
                  ) -> S.EntityList:
    """Entities, most mentioned first; ``type`` and a name/alias substring ``q`` filter them."""
    return S.entities(ctx, type=type, q=q, limit=limit, offset=offset)


@router.get("/entities/{entity_id}", response_model=S.EntityPage, responses={404: ERRORS[404]})
def get_entity(ctx: Ctx, entity_id: Id, limit: Limit = 20, offset: Offset = 0) -> S.EntityPage:
    """An entity with aliases, a page of mentions with their sentences, documents and facts."""
    return S.entity(ctx, entity_id, limit=limit, offset=offset)


@router.get("/facts", response_model=S.FactList, responses={400: ERRORS[400], 404: ERRORS[404]})
def list_facts(ctx: Ctx, limit: Limit = 50, offset: Offset = 0,
               type: Annotated[list[str] | None, Query(description="project, investment, metric… (repeatable)")] = None,
               region: str | None = None,
               status: Annotated[str | None, Query(pattern="^(extracted|confirmed|rejected|corrected)$")] = None,
               ) -> S.FactList:
    """Facts with their evidence sentence and status; filter by type, region and status."""
    return S.facts(ctx, types=type or (), region=region, status=status, limit=limit, offset=offset)


def _decide(ctx: S.AtlasContext, fact_id: int, action: str, token: TokenInfo,
            args: dict[str, Any] | None = None) -> Q.FactRow:
    return S.curate(ctx, fact_id, action, args=args, actor=actor(token))


CURATION = {400: ERRORS[400], 404: ERRORS[404]}


@router.post("/facts/{fact_id}/confirm", response_model=Q.FactRow, responses=CURATION)
def confirm_fact(ctx: Ctx, fact_id: Id, token: Annotated[TokenInfo, Depends(require_write)]) -> Q.FactRow:
    """Mark a fact as confirmed (kept across re-extraction)."""
    return _decide(ctx, fact_id, "confirm", token)


@router.post("/facts/{fact_id}/reject", response_model=Q.FactRow, responses=CURATION)
def reject_fact(ctx: Ctx, fact_id: Id, token: Annotated[TokenInfo, Depends(require_write)]) -> Q.FactRow:
    """Mark a fact as wrong (kept across re-extraction)."""
    return _decide(ctx, fact_id, "reject", token)


@router.post("/facts/{fact_id}/correct", response_model=Q.FactRow, responses=CURATION)
def correct_fact(ctx: Ctx, fact_id: Id, body: Correction,
                 token: Annotated[TokenInfo, Depends(require_write)]) -> Q.FactRow:
    """Replace a fact's arguments with corrected ones (kept across re-extraction)."""
    return _decide(ctx, fact_id, "correct", token, body.args)


Level = Annotated[str | None, Query(pattern="^(province|city|prefecture|county)$",
                                    description="province, city (= prefecture; municipalities count as cities) or county")]


@router.get("/regions", response_model=S.RegionList, responses={400: ERRORS[400]})
def list_regions(ctx: Ctx, limit: Limit = 50, offset: Offset = 0, level: Level = None,
                 q: Annotated[str | None, Query(max_length=100, description="Name contains")] = None) -> Response:
    """Regions the documents are *about* (a passing mention does not count), cities first, most
    documents first; organisations and parks placed in each; its own headline figures, cited."""
    return _json(ctx, S.RegionList, ("regions", level, q, limit, offset),
                 lambda: S.regions(ctx, level=level, q=q, limit=limit, offset=offset))


@router.get("/regions/{name}", response_model=S.RegionPage, responses={404: ERRORS[404]})
def get_region(ctx: Ctx, name: Annotated[str, Path(max_length=200)], limit: Limit = 20,
               offset: Offset = 0) -> Response:
    """A city page: the profile (figures over time, each value with its sentences; chain coverage of
    every segment with its standing against peer regions; leaders, enterprises, parks, projects by
    status, facts), its gaps with the top candidates to approach, a page of the documents about it
    and the briefing links. Names: 德州市, 德州, Dezhou or 371400; unknown or ambiguous → 404 with
    candidates."""
    return _json(ctx, S.RegionPage, ("region", name, limit, offset),
                 lambda: S.region(ctx, name, limit=limit, offset=offset))


@router.get("/gaps", response_model=A.Gaps, responses={404: ERRORS[404]})
def get_gaps(ctx: Ctx, region: Annotated[str, Query(max_length=200, description="A region: name, alias or code")],
             candidates: Annotated[int, Query(ge=1, le=20, description="Candidates per gap")] = 5) -> Response:
    """Chain segments where the region is absent or weak while peer regions are strong (the gap rule of
    docs/analysis.md), each with ranked enterprises to approach and every term of their score; and the
    region's standing in every segment."""
    return _json(ctx, A.Gaps, ("gaps", region, candidates), lambda: S.gaps(ctx, region, candidates=candidates))


@router.get("/reports/{name}", response_class=Response, responses={
    200: {"description": "The briefing", "content": {"text/markdown": {}, "text/html": {}, "application/pdf": {}}},
    400: ERRORS[400], 404: ERRORS[404], 503: {"model": Problem, "description": "PDF needs WeasyPrint and Pango"}})
def get_report(request: Request, ctx: Ctx, name: Annotated[str, Path(max_length=200)],
               format: Annotated[str, Query(pattern="^(html|md|pdf)$")] = "md",
               lang: Annotated[str | None, Query(pattern="^(zh|en)$", description="Default: the interface language")] = None,
               ) -> Response:
    """A cited briefing of the region (what `chainatlas report` writes): every number carries a [n]
    citation to its sentence. Markdown, self-contained HTML or PDF."""
    return briefing_response(ctx, name, format, lang or i18n.pick(request))


def briefing_response(ctx: S.AtlasContext, name: str, fmt: str, lang: str) -> Response:
    from urllib.parse import quote

    from chainatlas.present.report.render_pdf import PdfUnavailable

    try:
        brief = S.briefing(ctx, name, fmt, lang)
    except PdfUnavailable as exc:
        return JSONResponse({"detail": str(exc)}, status_code=503)
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in brief.filename)
    return Response(brief.body, media_type=A.BRIEFING_FORMATS[fmt], headers={
        "content-disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(brief.filename)}",
        # a self-contained briefing: its own inline styles and data: images, never a script
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                   "font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        "x-citation-problems": str(brief.citation_problems),
    })


@router.get("/search", response_model=S.SearchResult, responses={400: ERRORS[400], 404: ERRORS[404]})
def search(ctx: Ctx, q: Annotated[str, Query(max_length=200, description="Words, Chinese or English")],
           limit: Limit = 20, offset: Offset = 0, region: str | None = None, site: str | None = None,
           date_from: Date = None, date_to: Date = None,
           entity_type: Annotated[str | None, Query(pattern="^(region|organization|park|product|person)$")] = None,
           facets: bool = False) -> S.SearchResult:
    """Full-text search over passages (every word must match), hits as offsets into each snippet."""
    return S.search(ctx, q, region=region, site=site, date_from=date_from, date_to=date_to,
                    entity_type=entity_type, limit=limit, offset=offset, facets=facets)


@router.get("/compare", response_model=S.CompareResult)
def compare(ctx: Ctx, r: Annotated[list[str], Query(description="Regions to compare (repeat r=)", max_length=6)]
            ) -> Response:
    """Regions side by side: each region's own latest figure per metric, normalised (money in yuan,
    shown in 亿元) with the sentence it comes from and a link to its paragraph; ``missing`` (shown
    "—") where the atlas has none; chain coverage per segment. An unknown name gets a column with
    ``region: null`` and suggestions."""
    return _json(ctx, S.CompareResult, ("compare", tuple(r)), lambda: S.compare(ctx, r))


# ---------------------------------------------------------------------------------------- tracker

Kind = Annotated[str, Query(pattern="^(project|lead|cluster|all)$", description="project, lead, cluster or all")]
_STATUSES = tuple(TR.T.vocabulary().statuses)
Status = Annotated[str | None, Query(pattern="^(" + "|".join(_STATUSES) + ")$", description="、".join(_STATUSES))]
TrackerRegion = Annotated[str | None, Query(max_length=100, description="A region; a city includes its counties")]
ListName = Annotated[str | None, Query(alias="list", max_length=128, description="List name, e.g. 重点项目建设清单")]
Sort = Annotated[str, Query(pattern="^(id|amount|updated)$")]
TRACKER_ERRORS = {400: {"model": TrackerProblem, "description": "Bad value"},
                  404: ERRORS[404], 409: {"model": TrackerProblem, "description": "Status move not allowed"}}


def _tracker_error(exc: TR.TrackerRefused) -> JSONResponse:
    return JSONResponse({"detail": str(exc), "errors": exc.errors}, status_code=exc.status)


@router.get("/projects", response_model=TR.ItemList, responses={400: ERRORS[400]})
def list_projects(ctx: Ctx, limit: Limit = 50, offset: Offset = 0, kind: Kind = "project", status: Status = None,
                  region: TrackerRegion = None, list_name: ListName = None,
                  owner: Annotated[str | None, Query(max_length=200)] = None, sort: Sort = "id") -> TR.ItemList:
    """Tracker items (projects by default; ``kind=lead`` or ``cluster`` for the other lists), with
    status, owner, next step, provenance of each field, the moves allowed and supporting facts."""
    return TR.items(ctx, kind=None if kind == "all" else kind, status=status, region=region, list_name=list_name,
                    owner=owner, sort=sort, limit=limit, offset=offset)


@router.get("/leads", response_model=TR.ItemList, responses={400: ERRORS[400]})
def list_leads(ctx: Ctx, limit: Limit = 50, offset: Offset = 0, status: Status = None, region: TrackerRegion = None,
               list_name: ListName = None, owner: Annotated[str | None, Query(max_length=200)] = None,
               sort: Sort = "id") -> TR.ItemList:
    """Investment leads (重点招商线索推进清单): tracker items of kind ``lead``."""
    return TR.items(ctx, kind="lead", status=status, region=region, list_name=list_name, owner=owner, sort=sort,
                    limit=limit, offset=offset)


@router.get("/projects/{item_id}", response_model=TR.ItemView, responses={404: ERRORS[404]})
def get_project(ctx: Ctx, item_id: Id) -> TR.ItemView:
    """One tracker item (any kind) with the facts that support it."""
    return TR.item(ctx, item_id)


@router.post("/projects/{item_id}", response_model=TR.EditResult, responses=TRACKER_ERRORS)
def edit_project(ctx: Ctx, item_id: Id, body: ItemEdit,
                 token: Annotated[TokenInfo, Depends(require_write)]) -> Any:
    """Change status, owner, next step, due date or notes of a tracker item. The fields become
    user-curated (sync never overwrites them) and each change is in the history with the token's
    actor. A status move the transition table forbids answers 409 unless ``force`` is true."""
    changes = {k: getattr(body, k) for k in body.model_fields_set if k in TR.EDITABLE}
    try:
        return TR.edit(ctx, item_id, changes, actor=actor(token), note=body.note, force=body.force)
    except TR.TrackerRefused as exc:
        return _tracker_error(exc)


@router.get("/projects/{item_id}/history", response_model=list[HistoryEntry], responses={404: ERRORS[404]})
def project_history(ctx: Ctx, item_id: Id) -> list[HistoryEntry]:
    """Every change of the item, oldest first: field, old and new value, who (actor), when (UTC), why."""
    return TR.history(ctx, item_id)


@router.post("/tracker/sync", response_model=TR.SyncResult)
def sync_tracker(ctx: Ctx, token: Annotated[TokenInfo, Depends(require_write)]) -> TR.SyncResult:
    """Create and refresh tracker items from the project and investment facts (`chainatlas tracker
    sync`): fields people set are kept, and where extraction now says otherwise it is reported."""
    return TR.sync(ctx, actor=actor(token))


# ---------------------------------------------------------------------------------------- JSON


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def _json(ctx: S.AtlasContext, model: Any, key: tuple[Any, ...], compute: Any) -> Response:
    """A view as JSON, serialised once per atlas version (a city page is large; serialising it on
    every request would cost more than computing it once)."""
    body = ctx.cached(("json", *key), lambda: _adapter(model).dump_json(compute()))
    return Response(body, media_type="application/json")


def _dump(model: type, value: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(model).dump_python(value, mode="json")
