"""The JSON API under ``/api/v1``: the same service results the pages render, as JSON.

Lists take ``limit``/``offset`` and answer ``{total, limit, offset, items}``. Errors answer
``{"detail": …}``; a 404 for a name adds ``suggestions`` (close matches).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from chainatlas.present.web import service as S
from chainatlas.present.web.auth import actor, require_read, require_write
from chainatlas.store import browse as Q
from chainatlas.store.tokens import TokenInfo

Limit = Annotated[int, Query(ge=1, le=S.MAX_LIMIT, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
Id = Annotated[int, Path(ge=1, le=2**62, description="Row id")]
Date = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD")]


class Problem(BaseModel):
    detail: str


class Suggestion(BaseModel):
    id: int
    type: str
    name: str


class NotFoundProblem(BaseModel):
    detail: str
    suggestions: list[Suggestion] = Field(default_factory=list)


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


@router.get("/regions", response_model=S.RegionList)
def list_regions(ctx: Ctx, limit: Limit = 50, offset: Offset = 0,
                 level: Annotated[str | None, Query(pattern="^(province|city|county|other)$")] = None,
                 q: Annotated[str | None, Query(max_length=100)] = None) -> S.RegionList:
    """Regions with document counts, co-mentioned organisations and parks, headline figures."""
    return S.regions(ctx, level=level, q=q, limit=limit, offset=offset)


@router.get("/regions/{name}", response_model=S.RegionPage, responses={404: ERRORS[404]})
def get_region(ctx: Ctx, name: str, limit: Limit = 20, offset: Offset = 0) -> S.RegionPage:
    """One region (name, alias or 6-digit code; a city includes its counties): a page of its documents,
    organisations, parks, headline figures with their sentences, and facts."""
    return S.region(ctx, name, limit=limit, offset=offset)


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
            ) -> S.CompareResult:
    """Regions side by side: document counts, organisations, parks, figures and any extension metrics."""
    return S.compare(ctx, r)


def _dump(model: type, value: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(model).dump_python(value, mode="json")
