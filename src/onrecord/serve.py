"""Serve stage: web pages and a JSON API over a store, opened read-only.

Every page has an API twin under /api/ returning the same data. Pages are rendered on the server
(Jinja2, autoescaped); the article text and timeline are built here from escaped pieces.

The store's content is untrusted web content, so: a link built from it is an http(s) link or no link
(``http_url``); every response carries the security headers of ``security_headers``; pages never write
the request's Host (every URL is root-relative); and what a client is told about an error is built from
what it asked, never from an exception's text, which may name files.
"""

import ipaddress
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path as FilePath
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .display import segments, sentence_around
from .errors import BadRequest, NotFound, OnRecordError
from .store import QuoteFilter, Store

HERE = FilePath(__file__).parent
MAX_QUERY = 200
MAX_PER_PAGE = 100
DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # empty too: a browser sends every field of a form, filled or not
COLOURS = 8  # speaker colours in the stylesheet: .c0 ... .c7
log = logging.getLogger("onrecord.serve")

Text = Annotated[str | None, Query(max_length=MAX_QUERY)]
Day = Annotated[str | None, Query(pattern=DATE, description="YYYY, YYYY-MM or YYYY-MM-DD")]
Kind = Annotated[str | None, Query(pattern="^(direct|indirect|mixed)?$")]
PageNumber = Annotated[int, Query(ge=1, le=10_000)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]
ArticleId = Annotated[str, Path(min_length=4, max_length=64, description="an article id, or its first characters")]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1, description="a row id: SQLite's integers are signed 64-bit")]
NAMED_BY = {"person_id": "person", "merged_id": "statement", "article_id": "article", "story_id": "story"}
STORE_FAILED = "the store cannot be read just now; the server log has the details"

# What pages may load: only this origin; nothing may frame them, change their base or take their forms elsewhere.
CONTENT_SECURITY_POLICY = {"default-src": "'self'", "base-uri": "'none'", "form-action": "'self'",
                           "frame-ancestors": "'none'", "object-src": "'none'"}
# /docs is Swagger UI, whose script and stylesheet come from a CDN; the page holds no article data, and the
# UI sets inline styles. Its start-up script is static/docs.js, so no page runs an inline script.
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = {**CONTENT_SECURITY_POLICY, "script-src": f"'self' {DOCS_CDN}",
               "style-src": f"'self' {DOCS_CDN} 'unsafe-inline'", "img-src": "'self' data:"}

C0_OR_SPACE = "".join(map(chr, range(0x21)))
TAB_OR_NEWLINE = re.compile("[\t\n\r]")


def http_url(value: object) -> str | None:
    """The URL as a browser would read it when it is an absolute http(s) URL, else None: never a link.

    Browsers strip leading and trailing C0 controls and spaces and drop tabs and newlines anywhere,
    so `` java\tscript:`` is ``javascript:``; the scheme is judged after the same clean-up.
    """
    if not isinstance(value, str):
        return None
    url = TAB_OR_NEWLINE.sub("", value.strip(C0_OR_SPACE))
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed IPv6 host
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    policy = DOCS_POLICY if path == "/docs" else CONTENT_SECURITY_POLICY
    return [(b"content-security-policy", "; ".join(f"{k} {v}" for k, v in policy.items()).encode()),
            (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer")]


def with_security_headers(app: ASGIApp) -> ASGIApp:
    async def secured(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        added = security_headers(scope["path"])
        names = {name for name, _ in added}

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + added}
            await send(message)

        await app(scope, receive, send_secured)

    return secured


def answering_head(app: ASGIApp) -> ASGIApp:
    """HEAD is GET without the body (RFC 9110 9.3.2): same status and headers, on every route; a 405 lists it."""
    async def answered(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        head = scope["method"] == "HEAD"

        async def send_as_head(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [(k, with_head(v) if k.lower() == b"allow" else v)
                                                   for k, v in message.get("headers", [])]}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await app({**scope, "method": "GET"} if head else scope, receive, send_as_head)

    return answered


def with_head(allow: bytes) -> bytes:
    methods = [m.strip() for m in allow.split(b",")]
    return allow + b", HEAD" if b"GET" in methods and b"HEAD" not in methods else allow


class OnRecordApp(FastAPI):
    """FastAPI with HEAD and the security headers outermost, so that even a 500 passes through them."""

    def build_middleware_stack(self) -> ASGIApp:
        return with_security_headers(answering_head(super().build_middleware_stack()))


def named_in_path(request: Request) -> str:
    """What the path asked for, in the client's words: 'person 999'."""
    return " ".join(f"{NAMED_BY.get(key, key)} {value}" for key, value in request.path_params.items()) or "page"


def reachable_from_network(host: str) -> bool:
    """True unless HOST is a loopback address: a name may resolve to any address."""
    if host.lower() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


@dataclass
class Page:
    items: list[dict]
    page: int
    per_page: int
    has_next: bool
    people: list[dict] | None = None  # the people a speaker filter may mean, when it names more than one


def paged(rows: list, page: int, per_page: int) -> Page:
    """Rows fetched with one extra beyond the page tell whether a next page exists."""
    return Page([dict(r) for r in rows[:per_page]], page, per_page, len(rows) > per_page)


def create_app(db: str) -> FastAPI:
    app = OnRecordApp(title="onrecord", description="Who said what, on the record: statements, people and stories.",
                      version="0.1.0", docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None,
                      redirect_slashes=False)  # a redirect would be an absolute URL built from the Host header
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    Store(db, readonly=True).close()  # fail at start, with a clear message, if the store cannot be opened

    def store() -> Iterator[Store]:
        with Store(db, readonly=True) as opened:
            yield opened

    Opened = Annotated[Store, Depends(store)]

    templates.env.filters["http_url"] = http_url

    def page(request: Request, name: str, status_code: int = 200, headers: dict | None = None, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)

    # --- errors: a clear message built from the request, never a traceback or an exception's text ---

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/static/", "/openapi.json"))

    def error(request: Request, status: int, message: str, headers: dict | None = None):
        if wants_html(request):
            return page(request, "error.html", status_code=status, headers=headers, message=message, status=status)
        return JSONResponse({"detail": message}, status_code=status, headers=headers)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return error(request, 404, f"no {named_in_path(request)}")

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest):
        return error(request, 400, str(exc))

    @app.exception_handler(OnRecordError)
    @app.exception_handler(sqlite3.Error)
    async def store_failed(request: Request, exc: Exception):
        log.error("the store failed serving %r: %s", request.url.path, exc)
        return error(request, 503, STORE_FAILED)

    @app.exception_handler(HTTPException)
    async def no_such_route(request: Request, exc: HTTPException):
        return error(request, exc.status_code, HTTPStatus(exc.status_code).phrase, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if any(e["loc"][0] == "path" for e in exc.errors()):  # an id out of range or malformed names nothing
            return error(request, 404, f"no {named_in_path(request)}")
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error(request, 400, f"invalid request ({problems})")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.exception("error serving %r", request.url.path)
        return error(request, 500, "internal error; the server log has the details")

    # --- data, shared by the API and the pages ---

    def summary(s: Store) -> dict:
        return {"counts": s.counts(), "recent": [dict(r) for r in s.quotes(QuoteFilter(limit=10))],
                "people": [dict(r) for r in s.people(limit=10)]}

    def search(s: Store, q, speaker, outlet, since, until, kind, page_number, per_page) -> Page:
        where = QuoteFilter(speaker or None, q or None, since or None, until or None, outlet or None, kind or None, per_page + 1,
                            (page_number - 1) * per_page)
        found = paged(s.quotes(where), page_number, per_page)
        meant = s.people_meant(speaker) if speaker else []
        found.people = [dict(row) for row in meant] if len(meant) > 1 else None
        return found

    def person(s: Store, person_id: int, page_number: int, per_page: int) -> dict:
        statements = s.merged_statements(person_id=person_id, limit=per_page + 1, offset=(page_number - 1) * per_page,
                                         newest_first=True)
        return {"person": dict(s.person(person_id)), "timeline": [dict(r) for r in s.timeline(person_id)],
                "statements": paged(statements, page_number, per_page)}

    def statement(s: Store, merged_id: int) -> dict:
        reports = [dict(r) for r in s.reports(merged_id)]
        first = reports[0] if reports else None
        context = None
        if first:
            text = s.article(first["article_id"])["text"]
            context = sentence_around(text, first["start"], first["end"])
        return {"statement": dict(s.merged_statement(merged_id)), "context": context, "reports": reports}

    def article(s: Store, article_id: str) -> dict:
        found = s.article(article_id)
        return {"article": {k: found[k] for k in found.keys() if k not in ("ingested_at",)},
                "statements": [dict(r) for r in s.statements_of(found["id"])]}

    def story(s: Store, story_id: str) -> dict:
        summary_row, articles = s.story(story_id)
        return {"story": dict(summary_row), "articles": [dict(a) for a in articles]}

    # --- JSON API ---

    @app.get("/api/summary")
    def api_summary(s: Opened) -> dict:
        return summary(s)

    @app.get("/api/statements")
    def api_statements(s: Opened, q: Text = None, speaker: Text = None, outlet: Text = None, since: Day = None,
                       until: Day = None, kind: Kind = None, page: PageNumber = 1, per_page: PerPage = 20) -> Page:
        return search(s, q, speaker, outlet, since, until, kind, page, per_page)

    @app.get("/api/people")
    def api_people(s: Opened, page: PageNumber = 1, per_page: PerPage = 20) -> Page:
        return paged(s.people(limit=per_page + 1, offset=(page - 1) * per_page), page, per_page)

    @app.get("/api/people/{person_id}")
    def api_person(s: Opened, person_id: RowId, page: PageNumber = 1, per_page: PerPage = 20) -> dict:
        return person(s, person_id, page, per_page)

    @app.get("/api/merged/{merged_id}")
    def api_statement(s: Opened, merged_id: RowId) -> dict:
        return statement(s, merged_id)

    @app.get("/api/articles/{article_id}")
    def api_article(s: Opened, article_id: ArticleId) -> dict:
        return article(s, article_id)

    @app.get("/api/stories")
    def api_stories(s: Opened, page: PageNumber = 1, per_page: PerPage = 20) -> Page:
        return paged(s.stories(limit=per_page + 1, offset=(page - 1) * per_page), page, per_page)

    @app.get("/api/stories/{story_id}")
    def api_story(s: Opened, story_id: str) -> dict:
        return story(s, story_id)

    # --- pages ---

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        return page(request, "docs.html", cdn=DOCS_CDN)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, s: Opened):
        return page(request, "home.html", **summary(s))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, s: Opened, q: Text = None, speaker: Text = None, outlet: Text = None,
                    since: Day = None, until: Day = None, kind: Kind = None, page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1):
        results = search(s, q, speaker, outlet, since, until, kind, page_number, 20)
        filters = {"q": q or "", "speaker": speaker or "", "outlet": outlet or "", "since": since or "",
                   "until": until or "", "kind": kind or ""}
        return page(request, "search.html", results=results, filters=filters)

    @app.get("/people", response_class=HTMLResponse, include_in_schema=False)
    def people_page(request: Request, s: Opened, page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1):
        return page(request, "people.html", people=paged(s.people(limit=51, offset=(page_number - 1) * 50), page_number, 50))

    @app.get("/person/{person_id}", response_class=HTMLResponse, include_in_schema=False)
    def person_page(request: Request, s: Opened, person_id: RowId,
                    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1):
        data = person(s, person_id, page_number, 20)
        return page(request, "person.html", **data, chart=timeline_chart(data["timeline"]))

    @app.get("/statement/{merged_id}", response_class=HTMLResponse, include_in_schema=False)
    def statement_page(request: Request, s: Opened, merged_id: RowId):
        return page(request, "statement.html", **statement(s, merged_id))

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, s: Opened, article_id: ArticleId):
        data = article(s, article_id)
        pieces, speakers = segments(data["article"]["text"], data["statements"], COLOURS)
        return page(request, "article.html", **data, segments=pieces, speakers=speakers)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, s: Opened, page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1):
        return page(request, "stories.html", stories=paged(s.stories(limit=51, offset=(page_number - 1) * 50), page_number, 50))

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, s: Opened, story_id: str):
        return page(request, "story.html", **story(s, story_id))

    return app


def timeline_chart(months: list[dict], width: int = 640, height: int = 120) -> dict:
    """Bars for an SVG chart of statements per month (drawn by the template; every value is a number)."""
    if not months:
        return {"bars": [], "width": width, "height": height}
    most = max(m["statements"] for m in months)
    step = width / len(months)
    bars = [{"x": round(i * step + 1, 1), "width": round(max(step - 2, 1), 1), "height": round(m["statements"] / most * (height - 20), 1),
             "y": round(height - 20 - m["statements"] / most * (height - 20), 1), "month": m["month"], "count": m["statements"]}
            for i, m in enumerate(months)]
    return {"bars": bars, "width": width, "height": height, "first": months[0]["month"], "last": months[-1]["month"]}
