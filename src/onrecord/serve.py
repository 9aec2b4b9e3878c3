"""Serve stage: web pages and a JSON API over a store, opened read-only.

Every page has an API twin under /api/ returning the same data. Pages are rendered on the server
(Jinja2, autoescaped); the article text and timeline are built here from escaped pieces.

The store's content is untrusted web content, so: a link built from it is an http(s) link or no link
(``http_url``); every response carries the security headers of ``security_headers``; pages never write
the request's Host (every URL is root-relative); and what a client is told about an error is built from
what it asked, never from an exception's text, which may name files.
"""

import csv
import io
import ipaddress
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from http import HTTPStatus
from pathlib import Path as FilePath
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .display import segments, wordings
from .errors import BadRequest, NotFound, OnRecordError
from .export import csv_row
from .link.stories import report_day
from .link.variants import REPEAT_DAYS, repeated, stored_edits
from .store import QuoteFilter, Store
from .errors import InvalidSearch
from .store.audit import GENDERS, GROUPINGS, audit_fields
from .store.queries import KINDS, ORDERS, checked_day, fts_query

HERE = FilePath(__file__).parent
MAX_QUERY = 200
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
PER_PAGE = 20
LIST_PAGE = 50  # people and stories per page
COLOURS = 8  # speaker colours in the stylesheet: .c0 ... .c7
log = logging.getLogger("onrecord.serve")

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


def route_path(scope: Scope) -> str:
    """The request's path within the app: without the prefix a reverse proxy serves it under (``root_path``)."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    policy = DOCS_POLICY if path == "/docs" else CONTENT_SECURITY_POLICY
    return [(b"content-security-policy", "; ".join(f"{k} {v}" for k, v in policy.items()).encode()),
            (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer")]


def with_security_headers(app: ASGIApp) -> ASGIApp:
    async def secured(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        added = security_headers(route_path(scope))
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


def served_under(prefix: str, app: ASGIApp) -> ASGIApp:
    """The app as a reverse proxy serves it under PREFIX ('/onrecord'): pages link inside it."""
    async def prefixed(scope: Scope, receive: Receive, send: Send) -> None:
        if prefix and scope["type"] == "http" and not scope.get("root_path"):
            scope = {**scope, "root_path": prefix}
        await app(scope, receive, send)

    return prefixed


class OnRecordApp(FastAPI):
    """FastAPI with HEAD and the security headers outermost, so that even a 500 passes through them."""

    prefix = ""  # the path a reverse proxy serves the app under

    def build_middleware_stack(self) -> ASGIApp:
        return served_under(self.prefix, with_security_headers(answering_head(super().build_middleware_stack())))


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


# --- what a form or an API call asked ---
# A browser sends every field of a form, filled or not: an empty parameter means "not given", everywhere.
# Each parameter is checked here, in the user's terms, so a wrong one gives the page back with the form
# and a sentence ("Since: use YYYY, YYYY-MM or YYYY-MM-DD"), never a validator's message.

LABELS = {"q": "Words", "speaker": "Person", "person": "Person", "outlet": "Outlet", "since": "Since", "until": "Until", "kind": "Kind",
          "order": "Order", "page": "Page", "per_page": "Per page", "by": "By"}


def field_problem(name: str, value: str) -> str | None:
    """What is wrong with one given parameter, for the user, or None: 'use YYYY, YYYY-MM or YYYY-MM-DD'."""
    if len(value) > MAX_QUERY:
        return f"at most {MAX_QUERY} characters"
    if name == "q":
        try:
            fts_query(value)
        except InvalidSearch:
            return 'close its quotation marks, or put a phrase in double quotes: "tax cuts"'
    if name == "person" and not (value.isascii() and value.isdigit() and 1 <= int(value) < 2**63):
        return "use a person's number, as in the links"
    if name in ("since", "until"):
        try:
            checked_day(value)
        except ValueError:
            return "use YYYY, YYYY-MM or YYYY-MM-DD"
    if name == "kind" and value not in KINDS:
        return f"use {', '.join(KINDS[:-1])} or {KINDS[-1]}"
    if name == "by" and value not in GROUPINGS:
        return f"use {', '.join(list(GROUPINGS)[:-1])} or {list(GROUPINGS)[-1]}"
    if name == "order" and value not in ORDERS:
        return f"use {' or '.join(ORDERS)}"
    if name in ("page", "per_page"):
        most = MAX_PAGE if name == "page" else MAX_PER_PAGE
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= most:
            return f"use a whole number from 1 to {most}"
    return None


@dataclass
class Form:
    """The parameters as given, stripped (an empty one is not given), and what is wrong with them."""

    values: dict[str, str]
    wrong: dict[str, str]  # parameter -> what is wrong with it

    @property
    def problems(self) -> list[str]:
        """What is wrong, in the form's words: 'Since: use YYYY, YYYY-MM or YYYY-MM-DD'."""
        return [f"{LABELS[name]}: {what}" for name, what in self.wrong.items()]

    def get(self, name: str) -> str | None:
        return self.values.get(name) or None

    def number(self, name: str, default: int) -> int:
        return int(self.get(name) or default)

    @property
    def page(self) -> int:
        return self.number("page", 1)

    def quote_filter(self, per_page: int) -> QuoteFilter:
        person = self.get("person")
        return QuoteFilter(self.get("speaker"), self.get("q"), self.get("since"), self.get("until"), self.get("outlet"),
                           self.get("kind"), per_page + 1, (self.page - 1) * per_page, order=self.get("order"),
                           person_id=int(person) if person else None)

    def audit_filter(self) -> QuoteFilter:
        """The statements an audit counts: by words, dates and outlet."""
        return QuoteFilter(search=self.get("q"), since=self.get("since"), until=self.get("until"), outlet=self.get("outlet"))

    def query(self, **changed: str | int | None) -> str:
        """This form's query string with some fields changed (None drops one), for links: pagers, facets."""
        values = {**self.values, **changed}
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def read_form(**given: str | None) -> Form:
    values = {name: (value or "").strip() for name, value in given.items()}
    return Form(values, {name: problem for name, value in values.items() if value and (problem := field_problem(name, value))})


def param(name: str) -> object:
    """A query parameter as browsers send it: a string, maybe empty; checked by ``read_form``."""
    return Query(None, description=FIELD_HELP[name])


FIELD_HELP = {"q": 'words of the quote: words, "a phrase", sanction*, tax OR tariff', "speaker": "a person's name, or part of it",
              "person": "a person's id (as /person/{id}): that person only",
              "outlet": "an outlet, in any of its spellings", "since": "reported on or after: YYYY, YYYY-MM or YYYY-MM-DD",
              "until": "reported on or before: YYYY, YYYY-MM or YYYY-MM-DD", "kind": "direct, indirect or mixed",
              "order": "relevance (the default when searching) or newest", "page": "the page, from 1",
              "per_page": f"items per page, 1 to {MAX_PER_PAGE}", "by": f"the groups: {', '.join(GROUPINGS)}"}


def search_form(q: str | None = param("q"), speaker: str | None = param("speaker"), person: str | None = param("person"),
                outlet: str | None = param("outlet"),
                since: str | None = param("since"), until: str | None = param("until"), kind: str | None = param("kind"),
                order: str | None = param("order"), page: str | None = param("page"),
                per_page: str | None = param("per_page")) -> Form:
    return read_form(q=q, speaker=speaker, person=person, outlet=outlet, since=since, until=until, kind=kind, order=order, page=page,
                     per_page=per_page)


def person_form(q: str | None = param("q"), since: str | None = param("since"), until: str | None = param("until"),
                page: str | None = param("page"), per_page: str | None = param("per_page")) -> Form:
    return read_form(q=q, since=since, until=until, page=page, per_page=per_page)


def list_form(q: str | None = param("q"), page: str | None = param("page"), per_page: str | None = param("per_page")) -> Form:
    return read_form(q=q, page=page, per_page=per_page)


def audit_form(q: str | None = param("q"), outlet: str | None = param("outlet"), since: str | None = param("since"),
               until: str | None = param("until"), by: str | None = param("by")) -> Form:
    return read_form(q=q, outlet=outlet, since=since, until=until, by=by)


def altered_form(q: str | None = param("q"), speaker: str | None = param("speaker"), since: str | None = param("since"),
                 until: str | None = param("until"), page: str | None = param("page"),
                 per_page: str | None = param("per_page")) -> Form:
    return read_form(q=q, speaker=speaker, since=since, until=until, page=page, per_page=per_page)


def pages_form(page: str | None = param("page"), per_page: str | None = param("per_page")) -> Form:
    return read_form(page=page, per_page=per_page)


SearchForm = Annotated[Form, Depends(search_form)]
PersonForm = Annotated[Form, Depends(person_form)]
ListForm = Annotated[Form, Depends(list_form)]
PagesForm = Annotated[Form, Depends(pages_form)]
AuditForm = Annotated[Form, Depends(audit_form)]
AlteredForm = Annotated[Form, Depends(altered_form)]


@dataclass
class Page:
    items: list[dict]
    page: int
    per_page: int
    has_next: bool
    total: int | None = None  # how many items in all, when counted
    people: list[dict] | None = None  # the people a speaker filter may mean, when it names more than one
    facets: dict[str, list[dict]] | None = None  # the people and outlets of every result, with their counts
    person: dict | None = None  # the person the results are limited to (a facet's link)


def paged(rows: list, page: int, per_page: int) -> Page:
    """Rows fetched with one extra beyond the page tell whether a next page exists."""
    return Page([dict(r) for r in rows[:per_page]], page, per_page, len(rows) > per_page)


def first_labels(dates: list[str | None]) -> list[str | None]:
    """Which reports the dates show to be first: 'first' when every report is dated and one date is the
    earliest of all; else 'earliest dated' for the earliest dated ones (an undated report may be earlier,
    or two share the day); None for the rest."""
    known = [d for d in dates if d]
    if not known:
        return [None] * len(dates)
    earliest = min(known)
    established = len(known) == len(dates) and known.count(earliest) == 1
    return [("first" if established else "earliest dated") if d == earliest else None for d in dates]


def marked_pieces(marked: str) -> list[dict]:
    """A quote whose searched words FTS5 put between \\x02 and \\x03, as plain and matched pieces for a template."""
    pieces = []
    for i, part in enumerate(re.split("[\x02\x03]", marked)):
        if part:
            pieces.append({"text": part, "match": i % 2 == 1})
    return pieces


def create_app(db: str, root_path: str = "") -> FastAPI:
    """The app over the store ``db``; ``root_path`` is the path prefix a reverse proxy serves it under ('/onrecord')."""
    app = OnRecordApp(title="onrecord", description="Who said what, on the record: statements, people and stories.",
                      version="0.1.0", docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None,
                      redirect_slashes=False)  # a redirect would be an absolute URL built from the Host header
    app.prefix = root_path.rstrip("/")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    Store(db, readonly=True).close()  # fail at start, with a clear message, if the store cannot be opened

    def store() -> Iterator[Store]:
        with Store(db, readonly=True) as opened:
            yield opened

    Opened = Annotated[Store, Depends(store)]

    templates.env.filters["http_url"] = http_url
    templates.env.globals["kinds"] = list(KINDS)
    templates.env.globals["repeat_days"] = REPEAT_DAYS

    def page(request: Request, name: str, status_code: int = 200, headers: dict | None = None, **context) -> HTMLResponse:
        context = {"root": request.scope.get("root_path", "").rstrip("/"), "form": read_form(), **context}
        return templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)

    # --- errors: a clear message built from the request, never a traceback or an exception's text ---

    def wants_html(request: Request) -> bool:
        return not route_path(request.scope).startswith(("/api/", "/static/", "/openapi.json"))

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
        log.error("the store failed serving %r: %s", route_path(request.scope), exc)
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
        log.exception("error serving %r", route_path(request.scope))
        return error(request, 500, "internal error; the server log has the details")

    # --- data, shared by the API and the pages ---

    def refused(request: Request, form: Form, template: str | None = None, **context):
        """A request with wrong parameters: its page again with the form as filled and what is wrong, or a 400
        naming the parameters ('since: use YYYY, YYYY-MM or YYYY-MM-DD')."""
        if template and wants_html(request):
            return page(request, template, status_code=400, form=form, problems=form.problems, **context)
        if wants_html(request):
            return error(request, 400, "; ".join(form.problems))
        return error(request, 400, "; ".join(f"{name}: {what}" for name, what in form.wrong.items()))

    def summary(s: Store) -> dict:
        return {"counts": s.counts(), "recent": [dict(r) for r in s.quotes(QuoteFilter(limit=10))],
                "people": [dict(r) for r in s.people(limit=10)]}

    def search(s: Store, form: Form, per_page: int) -> Page:
        where = form.quote_filter(per_page)
        found = paged(s.quotes(where), form.page, per_page)
        marked = s.marked([item["id"] for item in found.items], where.search)
        for item, around in zip(found.items, s.sentences_around(found.items)):
            item["context"] = {**around, "quote": marked_pieces(marked.get(item["id"], item["quote"]))}
        found.total, found.facets = s.quote_summary(where)
        speaker = form.get("speaker")
        meant = s.people_meant(speaker) if speaker else []
        found.people = [dict(row) for row in meant] if len(meant) > 1 else None
        if where.person_id:
            found.person = dict(s.person(where.person_id))
        return found

    def person(s: Store, person_id: int, form: Form, per_page: int) -> dict:
        found = s.person(person_id)
        statements = s.merged_statements(person_id=person_id, search=form.get("q"), since=form.get("since"),
                                         until=form.get("until"), limit=per_page + 1,
                                         offset=(form.page - 1) * per_page, newest_first=True)
        return {"person": dict(found), "timeline": [dict(r) for r in s.timeline(person_id)],
                "outlets": [dict(r) for r in s.person_outlets(person_id)],
                "statements": paged(statements, form.page, per_page), "repeats": s.repeats(person_id)}

    def statement(s: Store, merged_id: int) -> dict:
        reports = [dict(r) for r in s.reports(merged_id)]
        first_day = min((day for r in reports if (day := report_day(r["published"]))), default="")
        for report, label in zip(reports, first_labels([r["published"] for r in reports])):
            report["reference"] = bool(report["first"])  # the report the others are classed against
            report["first"], report["earliest_dated"] = label == "first", label is not None
            report["label"] = label
            report["edits"] = stored_edits(report["edits"])
            report["repeat"] = repeated(first_day, report_day(report["published"]))
        context = s.sentences_around(reports[:1])[0] if reports else None
        return {"statement": dict(s.merged_statement(merged_id)), "context": context, "reports": reports,
                "first_known": any(r["first"] for r in reports), "first_day": first_day or None,
                "wordings": wordings(reports)}

    def altered(s: Store, form: Form, per_page: int) -> Page:
        """Statements with a report that altered the first report's words, newest first, each with how many
        reports altered it and the edits they made (each once)."""
        rows = s.merged_statements(speaker=form.get("speaker"), search=form.get("q"), since=form.get("since"),
                                   until=form.get("until"), altered=True, newest_first=True, limit=per_page + 1,
                                   offset=(form.page - 1) * per_page)
        found = paged(rows, form.page, per_page)
        edits = s.altered_edits([item["id"] for item in found.items])
        for item in found.items:
            item["altered"] = len(edits[item["id"]])
            item["edits"] = distinct_edits(stored_edits(text) for text in edits[item["id"]])
        return found

    def article(s: Store, article_id: str) -> dict:
        found = s.article(article_id)
        return {"article": {k: found[k] for k in found.keys() if k not in ("ingested_at",)},
                "statements": [dict(r) for r in s.statements_of(found["id"])]}

    def story(s: Store, story_id: str) -> dict:
        summary_row, articles = s.story(story_id)
        return {"story": dict(summary_row), "articles": [dict(a) for a in articles]}

    def audit(s: Store, form: Form) -> dict:
        """The audit grouped as the form asks (by outlet unless it says), with its columns."""
        by = form.get("by") or "outlet"
        return {"by": by, "fields": list(audit_fields(by)),
                "rows": s.audit(form.audit_filter(), by)}

    def people_list(s: Store, form: Form, per_page: int) -> Page:
        rows = s.people(limit=per_page + 1, offset=(form.page - 1) * per_page, search=form.get("q"))
        found = paged(rows, form.page, per_page)
        found.total = s.count_people(form.get("q"))
        return found

    # --- JSON API ---

    @app.get("/api/summary")
    def api_summary(s: Opened) -> dict:
        return summary(s)

    @app.get("/api/statements")
    def api_statements(request: Request, s: Opened, form: SearchForm) -> Page:
        if form.wrong:
            return refused(request, form)
        return search(s, form, form.number("per_page", PER_PAGE))

    @app.get("/api/people")
    def api_people(request: Request, s: Opened, form: ListForm) -> Page:
        if form.wrong:
            return refused(request, form)
        return people_list(s, form, form.number("per_page", PER_PAGE))

    @app.get("/api/people/{person_id}")
    def api_person(request: Request, s: Opened, person_id: RowId, form: PersonForm) -> dict:
        if form.wrong:
            return refused(request, form)
        return person(s, person_id, form, form.number("per_page", PER_PAGE))

    @app.get("/api/merged/{merged_id}")
    def api_statement(s: Opened, merged_id: RowId) -> dict:
        return statement(s, merged_id)

    @app.get("/api/altered")
    def api_altered(request: Request, s: Opened, form: AlteredForm) -> Page:
        """Statements with a report that altered the first report's words (a number, a 'not', a name...), newest first."""
        if form.wrong:
            return refused(request, form)
        return altered(s, form, form.number("per_page", PER_PAGE))

    @app.get("/api/articles/{article_id}")
    def api_article(s: Opened, article_id: ArticleId) -> dict:
        return article(s, article_id)

    @app.get("/api/stories")
    def api_stories(request: Request, s: Opened, form: PagesForm) -> Page:
        if form.wrong:
            return refused(request, form)
        per_page = form.number("per_page", PER_PAGE)
        return paged(s.stories(limit=per_page + 1, offset=(form.page - 1) * per_page), form.page, per_page)

    @app.get("/api/stories/{story_id}")
    def api_story(s: Opened, story_id: str) -> dict:
        return story(s, story_id)

    @app.get("/api/audit")
    def api_audit(request: Request, s: Opened, form: AuditForm) -> dict:
        """Who gets quoted: per group, people and statements by gender (female, male, unknown) and their shares."""
        if form.wrong:
            return refused(request, form)
        return audit(s, form)

    @app.get("/api/audit.csv")
    def api_audit_csv(request: Request, s: Opened, form: AuditForm):
        """The audit as CSV, the columns of ``/api/audit`` (text that starts like a formula is quoted)."""
        if form.wrong:
            return refused(request, form)
        found = audit(s, form)
        return Response(audit_csv(found["rows"], found["fields"]), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="onrecord-audit-{found["by"].replace(",", "-")}.csv"'})

    # --- pages ---

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        return page(request, "docs.html", cdn=DOCS_CDN)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, s: Opened):
        return page(request, "home.html", **summary(s))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, s: Opened, form: SearchForm):
        if form.wrong:
            return refused(request, form, "search.html", results=None)
        return page(request, "search.html", results=search(s, form, form.number("per_page", PER_PAGE)), form=form)

    @app.get("/people", response_class=HTMLResponse, include_in_schema=False)
    def people_page(request: Request, s: Opened, form: ListForm):
        if form.wrong:
            return refused(request, form, "people.html", people=None)
        return page(request, "people.html", people=people_list(s, form, form.number("per_page", LIST_PAGE)), form=form)

    @app.get("/person/{person_id}", response_class=HTMLResponse, include_in_schema=False)
    def person_page(request: Request, s: Opened, person_id: RowId, form: PersonForm):
        if form.wrong:  # the page as it is with no filter, the form as filled, and what is wrong
            data = person(s, person_id, read_form(), PER_PAGE)
            return refused(request, form, "person.html", **data, chart=timeline_chart(data["timeline"], person_id))
        data = person(s, person_id, form, PER_PAGE)
        return page(request, "person.html", **data, chart=timeline_chart(data["timeline"], person_id), form=form)

    @app.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(request: Request, s: Opened, form: AuditForm):
        if form.wrong:
            return refused(request, form, "audit.html", audit=None, groupings=list(GROUPINGS))
        found = audit(s, form)
        by_outlet = found["rows"] if found["by"] == "outlet" else s.audit(form.audit_filter(), "outlet")
        return page(request, "audit.html", audit=found, bars=outlet_bars(by_outlet),
                    lines=share_lines(s.audit(form.audit_filter(), "outlet,month"), by_outlet), groupings=list(GROUPINGS),
                    form=form)

    @app.get("/statement/{merged_id}", response_class=HTMLResponse, include_in_schema=False)
    def statement_page(request: Request, s: Opened, merged_id: RowId):
        data = statement(s, merged_id)
        return page(request, "statement.html", **data, carried=reports_timeline(data["reports"], data["first_day"]))

    @app.get("/altered", response_class=HTMLResponse, include_in_schema=False)
    def altered_page(request: Request, s: Opened, form: AlteredForm):
        if form.wrong:
            return refused(request, form, "altered.html", statements=None)
        return page(request, "altered.html", statements=altered(s, form, form.number("per_page", PER_PAGE)), form=form)

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, s: Opened, article_id: ArticleId):
        data = article(s, article_id)
        pieces, speakers = segments(data["article"]["text"], data["statements"], COLOURS)
        return page(request, "article.html", **data, segments=pieces, speakers=speakers)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, s: Opened, form: PagesForm):
        if form.wrong:
            return refused(request, form)
        per_page = form.number("per_page", LIST_PAGE)
        rows = s.stories(limit=per_page + 1, offset=(form.page - 1) * per_page)
        return page(request, "stories.html", stories=paged(rows, form.page, per_page), form=form)

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, s: Opened, story_id: str):
        return page(request, "story.html", **story(s, story_id))

    return app


def every_month(months: list[dict]) -> list[dict]:
    """Statements per month from the first month to the last, a month with none included (as 0), so the bars
    keep the spacing of time; months that are not YYYY-MM (a year alone) are kept as they are."""
    counts = {m["month"]: m["statements"] for m in months}
    dated = sorted(m for m in counts if re.fullmatch(r"\d{4}-\d{2}", m))
    if not dated:
        return months
    (year, month), (last_year, last_month) = map(int, dated[0].split("-")), map(int, dated[-1].split("-"))
    filled = []
    while (year, month) <= (last_year, last_month):
        key = f"{year:04d}-{month:02d}"
        filled.append({"month": key, "statements": counts.pop(key, 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [{"month": m, "statements": n} for m, n in counts.items()] + filled


def timeline_chart(months: list[dict], person_id: int, width: int = 640, height: int = 120) -> dict:
    """Bars for an SVG chart of statements per month (drawn by the template; every value is a number), each
    a link to the person's statements of that month."""
    months = every_month(months)
    if not months:
        return {"bars": [], "width": width, "height": height}
    most = max(m["statements"] for m in months) or 1
    step = width / len(months)
    bars = [{"x": round(i * step + 1, 1), "width": round(max(step - 2, 1), 1), "height": round(m["statements"] / most * (height - 20), 1),
             "y": round(height - 20 - m["statements"] / most * (height - 20), 1), "month": m["month"], "count": m["statements"],
             "link": f"/person/{person_id}?" + urlencode({"since": m["month"], "until": m["month"]})}
            for i, m in enumerate(months)]
    return {"bars": bars, "width": width, "height": height, "first": months[0]["month"], "last": months[-1]["month"]}


def distinct_edits(edit_lists) -> list[dict]:
    """The edits of several reports, each once, in the order first made."""
    seen: dict[tuple, dict] = {}
    for edits in edit_lists:
        for edit in edits:
            seen.setdefault((edit["was"], edit["now"], edit["change"]), edit)
    return list(seen.values())


def reports_timeline(reports: list[dict], first_day: str | None, width: int = 640, row: int = 24, label: int = 150,
                     pad: int = 16) -> dict:
    """Marks for an SVG chart of when each outlet carried a statement: a row per outlet (first to carry it first),
    a mark per dated report placed by its day, the first report's and each repeat's marked (drawn by the template;
    every value a number or text escaped there). Undated reports cannot be placed: they are counted."""
    dated = [(r, day) for r in reports if (day := report_day(r["published"]))]
    if not dated:
        return {"marks": [], "outlets": [], "undated": len(reports), "width": width, "height": row}
    outlets = list(dict.fromkeys(outlet_shown(r) for r, _ in dated))
    days = [date.fromisoformat(day).toordinal() for _, day in dated]
    earliest, span, room = min(days), max(max(days) - min(days), 1), width - label - 2 * pad
    marks = []
    for (report, day), ordinal in zip(dated, days):
        x = round(label + pad + (ordinal - earliest) / span * room, 1)
        marks.append({"x": x, "y": outlets.index(outlet_shown(report)) * row + row / 2, "day": day, "outlet": outlet_shown(report),
                      "article_id": report["article_id"], "reference": report["reference"], "repeat": report["repeat"],
                      "anchor": "end" if x > label + pad + room / 2 else "start"})  # its label kept inside the chart
    return {"marks": marks, "outlets": [{"name": name, "y": i * row + row / 2} for i, name in enumerate(outlets)],
            "undated": len(reports) - len(dated), "width": width, "height": len(outlets) * row + 20, "label": label,
            "first": min(day for _, day in dated), "last": max(day for _, day in dated), "first_day": first_day}


def outlet_shown(report: dict) -> str:
    return report["outlet"] or "unknown outlet"


def audit_csv(rows: list[dict], fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    writer.writerows(csv_row(row[f] for f in fields) for row in rows)
    return out.getvalue()


LINES = 8  # outlets drawn in the monthly chart, the most quoted: one colour each (.line0 ... .line7)


def outlet_bars(rows: list[dict], width: int = 640, bar: int = 22, label: int = 200) -> dict:
    """Bars for an SVG chart: per outlet, women, men and unknown among the people quoted, as parts of the bar
    (drawn by the template; every value a number or the outlet's name, escaped there). The last row is the total."""
    room = width - label
    bars = []
    for i, row in enumerate(rows[:-1]):
        x, parts = float(label), []
        for gender in GENDERS:
            count = row[f"people_{gender}"]
            part = room * count / row["people"] if row["people"] else 0
            parts.append({"gender": gender, "count": count, "x": round(x, 1), "width": round(part, 1)})
            x += part
        bars.append({"outlet": row["outlet"] or "unknown outlet", "y": i * (bar + 6), "height": bar, "people": row["people"],
                     "parts": parts})
    return {"bars": bars, "width": width, "label": label, "height": max(len(bars) * (bar + 6), 1)}


def share_lines(rows: list[dict], by_outlet: list[dict], width: int = 640, height: int = 200, pad: int = 20,
                left: int = 44) -> dict:
    """Lines for an SVG chart of the female share of people quoted (over known genders) per month, one per outlet
    (the LINES most quoted); a month with no one of known gender is left out of its line. The last rows are totals."""
    months = sorted({row["month"] for row in rows[:-1] if row["month"] and re.fullmatch(r"\d{4}-\d{2}", row["month"])})
    drawn = [row["outlet"] for row in sorted(by_outlet[:-1], key=lambda row: -row["statements"]) if row["outlet"]][:LINES]
    step = (width - left - pad) / max(len(months) - 1, 1)  # the percentages are written left of ``left``
    lines = []
    for colour, outlet in enumerate(drawn):
        points = [{"x": round(left + months.index(row["month"]) * step, 1), "month": row["month"],
                   "y": round(height - pad - row["female_share_people"] * (height - 2 * pad), 1),
                   "share": row["female_share_people"], "people": row["people_female"] + row["people_male"]}
                  for row in rows[:-1] if row["outlet"] == outlet and row["month"] in months
                  and row["female_share_people"] is not None]
        if points:
            lines.append({"outlet": outlet, "colour": colour, "points": points,
                          "polyline": " ".join(f"{p['x']},{p['y']}" for p in points)})
    return {"lines": lines, "width": width, "height": height, "pad": pad, "left": left,
            "first": months[0] if months else None, "last": months[-1] if months else None}
