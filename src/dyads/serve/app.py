"""The workbench server: a JSON API over the store, the review log and the dashboard.

The process owns the DuckDB file through one read-write connection (DuckDB allows a
single writer), shared by every request under a lock; coding happens outside the
lock and only the save takes it, so the dashboard keeps answering while articles
are coded. Write endpoints need ``Authorization: Bearer TOKEN``.
"""
from __future__ import annotations

import csv
import io
import json
import secrets
import threading
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator

from dyads.errors import InputError
from dyads.export import FLAT_COLUMNS, flatten
from dyads.ingest import article_from_record
from dyads.ingest.screen import split_long
from dyads.models import Article
from dyads.pipeline import Pipeline, bounded_batches
from dyads.query import SORTABLE, EventFilter
from dyads import analysis as an
from dyads.serve import reviews as rv
from dyads.serve.guards import LOOPBACK, BodyLimit, HostCheck
from dyads.jsonvalues import finite
from dyads.serve.limits import MAX_ARTICLES, MAX_BODY, MAX_LIMIT, MAX_OFFSET, MAX_TEXT
from dyads.store import Store

STATIC = Path(__file__).parent / "static"
FACTUALITY = ("asserted", "negated", "hypothetical", "future")
_bearer = HTTPBearer(auto_error=False)


class ArticleIn(BaseModel):
    """One article, with the fields of a JSONL input record (extra fields kept)."""

    model_config = ConfigDict(extra="allow")
    id: str | None = Field(None, max_length=300)
    title: str = Field("", max_length=2000)
    dek: str = Field("", max_length=2000)
    text: str
    published: str | None = Field(None, max_length=40)
    url: str | None = Field(None, max_length=2000)
    source: str | None = Field(None, max_length=300)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["accept", "reject", "change"]
    reviewer: str = Field(..., min_length=1, max_length=100)
    type: str | None = Field(None, pattern=r"^[A-Za-z_]{2,20}$")
    mode: str | None = Field(None, max_length=40)
    actor: str | None = Field(None, pattern=r"^[A-Z]{3}([A-Z]{3})?$")
    recipient: str | None = Field(None, pattern=r"^[A-Z]{3}([A-Z]{3})?$")
    date: str | None = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        if value not in plover_types():
            raise ValueError(f"unknown PLOVER type {value!r}")
        return value


def plover_types() -> list[str]:
    from dyads.events.ontology import Ontology

    return sorted(Ontology.load().types)


class EscapedJSON(JSONResponse):
    """JSON with everything outside ASCII written as \\u escapes: a lone surrogate (which
    JSON can escape but UTF-8 cannot hold) is sent as such an escape instead of failing."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming what is wrong, like FastAPI's own answer; but that one echoes the input,
    and an input holding NaN or a lone surrogate cannot be written as JSON in UTF-8 (a 500)."""
    return EscapedJSON({"detail": finite(jsonable_encoder(exc.errors()))}, status_code=422)


class Workbench:
    """The store connection, the lock around it, and the lazily loaded pipeline."""

    def __init__(self, db_path: str | Path, token: str, pipeline_factory: Callable[[], Any] | None = None) -> None:
        self.store = Store(db_path)
        self.store.ensure_reviews()
        self.token = token
        self.lock = threading.Lock()
        self._pipeline_lock = threading.Lock()
        self.coding = threading.Lock()  # one batch through the pipeline at a time
        self._pipeline: Any = None
        self._factory = pipeline_factory or Pipeline

    @contextmanager
    def con(self) -> Iterator[Any]:
        with self.lock:
            yield self.store.con

    def pipeline(self) -> Any:
        with self._pipeline_lock:
            if self._pipeline is None:
                self._pipeline = self._factory()
            return self._pipeline

    def close(self) -> None:
        with self.lock:
            self.store.close()


def _filter(
    actor: str | None = Query(None, description="Actor code (RUS), code+sector (RUSGOV) or name."),
    recipient: str | None = Query(None, description="Recipient code, code+sector or name."),
    type: list[str] = Query([], description="PLOVER event type(s); repeatable."),
    since: date | None = Query(None, description="Events on or after YYYY-MM-DD."),
    until: date | None = Query(None, description="Events on or before YYYY-MM-DD."),
    min_confidence: float = Query(0.0, ge=0.0, le=1.0),
    factuality: list[str] = Query([], description="Factuality values (default asserted)."),
    all: bool = Query(False, description="All factuality values (negated, hypothetical, future too)."),
    search: str | None = Query(None, max_length=200, description="Words in the evidence sentence or actor names."),
    article_id: str | None = Query(None),
) -> EventFilter:
    bad = [f for f in factuality if f not in FACTUALITY]
    if bad:
        raise HTTPException(422, f"factuality must be among {', '.join(FACTUALITY)}, not {bad[0]!r}")
    fact = [] if all else (factuality or ["asserted"])
    return EventFilter(actor=actor or None, recipient=recipient or None, type=[t.upper() for t in type if t],
                       since=since, until=until, min_confidence=min_confidence, factuality=fact,
                       search=search or None, article_id=article_id or None)


def _records(store: Store, flt: EventFilter, limit: int | None = None, offset: int = 0,
             sort: str = "date_start", desc: bool = False) -> list[dict]:
    return rv.attach_reviews(store, list(store.records(flt, limit=limit, offset=offset, sort=sort, descending=desc)))


def _event(store: Store, event_id: str) -> dict:
    rec = store.event(event_id)
    if rec is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return rv.attach_reviews(store, [rec], history=True)[0]


def _frame_records(frame) -> list[dict]:
    """A DataFrame as JSON-ready records (NaN -> null, dates -> ISO strings)."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def create_app(db_path: str | Path, token: str, pipeline_factory: Callable[[], Any] | None = None,
               allowed_hosts: Iterable[str] = LOOPBACK) -> FastAPI:
    """The workbench app over the store at ``db_path``; write endpoints need ``token``;
    requests whose Host header is not among ``allowed_hosts`` are refused (400)."""
    if not token:
        raise ValueError("the workbench needs a non-empty token")
    bench = Workbench(db_path, token, pipeline_factory)
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        bench.close()

    app = FastAPI(title="dyads workbench", version="1", description="Coded political events: browse, code, review.",
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.bench = bench
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    app.add_middleware(HostCheck, allowed=list(allowed_hosts))  # added last: runs first, before any body is read

    def require_token(creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
        if creds is None or creds.scheme.lower() != "bearer":
            raise HTTPException(401, "this endpoint needs Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"})
        if not secrets.compare_digest(creds.credentials.encode(), bench.token.encode()):
            raise HTTPException(403, "wrong token")

    _register_reads(app, bench)
    _register_writes(app, bench, require_token)
    register_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app


def _register_reads(app: FastAPI, bench: Workbench) -> None:
    @app.get("/api/events", summary="Events matching the filters, paged")
    def list_events(request: Request, flt: EventFilter = Depends(_filter), limit: int = Query(50, ge=1, le=MAX_LIMIT),
                    offset: int = Query(0, ge=0, le=MAX_OFFSET), sort: str = Query("date_start"), desc: bool = False,
                    format: str | None = Query(None, description="csv or jsonl: every matching event (or `limit` of "
                                               "them), streamed as a download; also chosen by `Accept: text/csv`")) -> Any:
        if sort not in SORTABLE:
            raise HTTPException(422, f"sort must be one of {', '.join(SORTABLE)}")
        if fmt := download_format(format, request.headers.get("accept", "")):
            return stream_events(bench, flt, fmt, limit if "limit" in request.query_params else None, offset, sort, desc)
        with bench.con():
            return {"total": bench.store.count_events(flt), "limit": limit, "offset": offset,
                    "items": _records(bench.store, flt, limit, offset, sort, desc)}

    @app.get("/api/events/{event_id}", summary="One event with its evidence and reviews")
    def get_event(event_id: str) -> dict:
        with bench.con():
            return _event(bench.store, event_id)

    @app.get("/api/articles", summary="Articles, newest first, paged")
    def list_articles(limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET),
                      search: str | None = Query(None, max_length=200)) -> dict:
        with bench.con():
            total = bench.store.count_articles(search)
            items = bench.store.articles(search, limit, offset, as_dicts=True)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/articles/{article_id}", summary="One article: body, annotations and its events")
    def get_article(article_id: str) -> dict:
        with bench.con():
            article = bench.store.article(article_id)
            if article is None:
                raise HTTPException(404, f"no article {article_id!r}")
            article["events"] = _records(bench.store, EventFilter(article_id=article_id, factuality=[]), sort="article_id")
        article["events"].sort(key=lambda e: (e["evidence"][0]["trigger"][0] if e["evidence"] else 0))
        return article

    @app.get("/api/actors", summary="Distinct actors (country/IGO codes) with event counts")
    def actors(flt: EventFilter = Depends(_filter)) -> dict:
        with bench.con():
            items = bench.store.actors(flt, as_dicts=True)
        return {"items": items}

    @app.get("/api/dyad", summary="Timeline of events between two actors, either direction")
    def dyad(a: str = Query(..., min_length=1), b: str = Query(..., min_length=1), all: bool = False) -> dict:
        flt = EventFilter(dyad=(a, b), factuality=[] if all else ["asserted"])
        with bench.con():
            records = _records(bench.store, flt, limit=MAX_LIMIT)
        points = [_point(r, a) for r in records if r["date"]]
        return {"a": a, "b": b, "total": len(records), "points": points}

    @app.get("/api/contacts", summary="Every CONSULT contact of an actor, with the gap since the last one with that partner")
    def contacts(actor: str = Query(..., min_length=1), flt: EventFilter = Depends(_filter)) -> dict:
        with bench.con():
            return {"actor": actor, "items": _frame_records(bench.store.contacts(actor, flt))}

    @app.get("/api/stats", summary="Counts of (clustered) events grouped by month/year/day/type/quad/actor/recipient")
    def stats(flt: EventFilter = Depends(_filter), by: list[str] = Query(["month"])) -> dict:
        try:
            with bench.con():
                return {"by": by, "items": _frame_records(bench.store.stats(by, flt))}
        except an.AnalysisError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.get("/api/network", summary="Actor network: nodes and directed edges weighted by (clustered) events")
    def network(flt: EventFilter = Depends(_filter), min_weight: int = Query(1, ge=1, le=MAX_OFFSET)) -> dict:
        with bench.con():
            graph = bench.store.network_graph(flt)
        edges = [{"source": u, "target": v, **d} for u, v, d in graph.edges(data=True) if d["weight"] >= min_weight]
        degree: dict[str, int] = {}
        for e in edges:
            for k in ("source", "target"):
                degree[e[k]] = degree.get(e[k], 0) + int(e["weight"])
        nodes = [{"id": k, "events": v} for k, v in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))]
        return {"nodes": nodes, "edges": sorted(edges, key=lambda e: (-e["weight"], e["source"], e["target"]))}

    @app.get("/api/reviews/export", summary="Reviewed events as dyads gold JSONL (what `dyads review export` writes)",
             response_class=PlainTextResponse)
    def export_reviews() -> PlainTextResponse:
        with bench.con():
            docs = rv.gold_documents(bench.store)
        text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
        return PlainTextResponse(text, media_type="application/x-ndjson",
                                 headers={"Content-Disposition": 'attachment; filename="gold.jsonl"'})

    @app.get("/api/types", summary="PLOVER event types (for the review form)")
    def types() -> dict:
        return {"items": plover_types()}


def _point(rec: dict, a: str) -> dict:
    actor = (rec["actor"] or {})
    forward = a.upper() in (actor.get("code"), f"{actor.get('code')}{actor.get('sector') or ''}") or \
        a.lower() in (actor.get("name") or "").lower()
    return {"id": rec["id"], "date": rec["date"], "event": rec["event"], "quad_code": rec["quad_code"],
            "goldstein": rec["goldstein"], "direction": "a->b" if forward else "b->a", "text": rec["text"],
            "article_id": rec["article_id"], "reviewed": rec["reviewed"]}


def _register_writes(app: FastAPI, bench: Workbench, require_token: Callable) -> None:
    @app.post("/api/articles", summary="Code article(s) and store them; returns their events",
              dependencies=[Depends(require_token)])
    def post_articles(body: ArticleIn | list[ArticleIn]) -> dict:
        items = body if isinstance(body, list) else [body]
        if not items:
            raise HTTPException(422, "no articles in the body")
        if len(items) > MAX_ARTICLES:
            raise HTTPException(413, f"at most {MAX_ARTICLES} articles per request, not {len(items)}")
        # longer texts in parts, as `dyads code` codes them (--max-chars)
        articles = [part for n, item in enumerate(items) for part in split_long(_article(item, n), MAX_TEXT)]
        _code_and_save(bench, articles)
        with bench.con():
            bench.store.update_clusters([a.id for a in articles])
            results = [{"id": a.id, "events": _records(bench.store, EventFilter(article_id=a.id, factuality=[]))}
                       for a in articles]
        return {"articles": len(results), "events": sum(len(r["events"]) for r in results), "items": results}

    @app.post("/api/events/{event_id}/review", summary="Accept, reject or correct an event",
              dependencies=[Depends(require_token)])
    def review(event_id: str, body: ReviewIn) -> dict:
        changes = {f: getattr(body, f) for f in rv.FIELDS if getattr(body, f) is not None}
        if body.action == "change" and not changes:
            raise HTTPException(422, "a change needs at least one of: " + ", ".join(rv.FIELDS))
        if body.action != "change" and changes:
            raise HTTPException(422, f"{body.action} takes no field values; use action 'change'")
        with bench.con():
            _event(bench.store, event_id)  # 404 when unknown
            rv.add_review(bench.store, rv.Review(event_id=event_id, action=body.action, reviewer=body.reviewer, **changes))
            return _event(bench.store, event_id)


def _article(item: ArticleIn, n: int) -> Article:
    """The Article of a posted record; NaN and Infinity (which Python's JSON reader lets
    through) become null, as strict JSON must write them."""
    try:
        return article_from_record(finite(item.model_dump()), f"request item {n}", f"api-{secrets.token_hex(6)}")
    except InputError as exc:
        raise HTTPException(422, str(exc)) from None


def _code_and_save(bench: Workbench, articles: list[Article]) -> None:
    pipeline = bench.pipeline()
    for group in bounded_batches(articles, MAX_ARTICLES, MAX_TEXT):
        with bench.coding:  # outside the store lock: reads and reviews go on meanwhile
            coded = list(pipeline.code(group))
        with bench.con():
            for c in coded:
                bench.store.save(c, model=getattr(pipeline, "model_name", ""))


# ---------- downloads of the events view (CSV / JSONL), streamed ----------
DOWNLOADS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
REVIEW_COLUMNS = ["reviewed_status", "reviewed_type"]


def download_format(fmt: str | None, accept: str) -> str | None:
    """``csv`` / ``jsonl`` when asked for by ``format=`` or the Accept header; None for JSON."""
    if fmt is not None:
        if fmt == "json":
            return None
        if fmt not in DOWNLOADS:
            raise HTTPException(422, f"format must be json, csv or jsonl, not {fmt!r}")
        return fmt
    wanted = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return "csv" if "text/csv" in wanted else "jsonl" if "application/x-ndjson" in wanted else None


def stream_events(bench: Workbench, flt: EventFilter, fmt: str, limit: int | None, offset: int,
                  sort: str, desc: bool) -> StreamingResponse:
    """Every matching event (or ``limit`` of them) as CSV or JSONL, read page by page: the
    store lock is held for one page at a time, so a big download never stalls the dashboard."""
    def pages() -> Iterator[bytes]:
        if fmt == "csv":
            yield _csv_lines([FLAT_COLUMNS + REVIEW_COLUMNS])
        at, end = offset, None if limit is None else offset + limit
        while end is None or at < end:
            size = MAX_LIMIT if end is None else min(MAX_LIMIT, end - at)
            with bench.con():
                records = _records(bench.store, flt, size, at, sort, desc)
            yield _csv_lines(map(_csv_row, records)) if fmt == "csv" else _jsonl_lines(records)
            if len(records) < size:
                break
            at += size

    headers = {"Content-Disposition": f'attachment; filename="events.{fmt}"'}
    return StreamingResponse(pages(), media_type=DOWNLOADS[fmt], headers=headers)


def _csv_row(rec: dict) -> list:
    flat = flatten(rec)
    reviewed = rec.get("reviewed") or {}
    return [flat[c] for c in FLAT_COLUMNS] + [reviewed.get("status"), reviewed.get("type")]


def _csv_lines(rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    # a lone surrogate (possible in stored text) has no UTF-8 form: written as "?"
    return out.getvalue().encode("utf-8", "replace")


def _jsonl_lines(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=True, default=str) + "\n" for r in records).encode("ascii")


# ---------- /docs: Swagger UI from the package's own files (no CDN) ----------
def register_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css", swagger_favicon_url="/static/favicon.svg",
            # the default validator badge would call validator.swagger.io
            swagger_ui_parameters={"validatorUrl": None})
