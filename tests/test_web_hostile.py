"""``onrecord serve`` against hostile data and hostile requests: links, Host, headers, paths in errors, HEAD, ids."""

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
from html.parser import HTMLParser

import pytest
import uvicorn
from conftest import run_cli
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onrecord import cli
from onrecord.model import Article
from onrecord.serve import create_app, http_url, reachable_from_network
from onrecord.store import Store

pytestmark = pytest.mark.processes  # builds its store with `onrecord ingest` in another process

EXAMPLES = 2000 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 60
SETTINGS = settings(max_examples=EXAMPLES, derandomize=EXAMPLES < 2000, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
QUOTE = "The ferry will run every hour from June, and it will be free for children"
RECORDS = [
    {"title": "Ferry to run hourly", "date": "2024-03-04", "outlet": "Harbour Times", "url": "https://example.org/ferry",
     "text": f"Ferry to run hourly\n\nMayor Elena Marsh said on Monday: “{QUOTE}.” The council agreed to the plan."},
    {"title": "Hourly ferry from June", "date": "2024-03-05", "outlet": "Coast News", "url": "https://example.net/f",
     "text": f"Hourly ferry from June\n\n“{QUOTE},” Mayor Elena Marsh told reporters. Fares rise next year."},
]
HOSTILE_URLS = ["javascript:alert(document.domain)//", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                "\x01\x1fjavascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "jav\rascript:x",
                "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x",
                "https:\\\\evil.example", "file:///etc/passwd", "&#106;avascript:alert(1)"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "web.db"
    result = run_cli("ingest", "--db", path, "-", stdin="".join(json.dumps(r) + "\n" for r in RECORDS))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def app(db):
    return create_app(str(db))


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, raise_server_exceptions=False)


def one(db, sql):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def ids(db) -> dict:
    return {"person_id": one(db, "SELECT person_id FROM statements WHERE person_id IS NOT NULL"),
            "merged_id": one(db, "SELECT merged_id FROM statements WHERE merged_id IS NOT NULL"),
            "article_id": one(db, "SELECT min(id) FROM articles"), "story_id": one(db, "SELECT min(story) FROM articles")}


def every_get_path(app, ids) -> list[str]:
    """Every GET route of the app with real ids filled in, the static files and the schema."""
    paths = [route.path.format(**ids) for route in app.routes if isinstance(route, APIRoute) and "GET" in route.methods]
    return paths + ["/openapi.json", "/static/style.css", "/static/app.js", "/static/docs.js"]


class Links(HTMLParser):
    """Every href and src of a page, as a browser reads them (entities decoded)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src", "action") and value is not None]


def links_in(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return parser.urls


def is_ours_or_http(url: str) -> bool:
    """Stricter than a browser: every control and space removed before the scheme is judged."""
    squeezed = re.sub(r"[\x00-\x20]", "", url).lower()
    return (url.startswith("/") and not squeezed.startswith(("//", "/\\"))) or squeezed.startswith(("http://", "https://"))


def set_urls(db, url: str) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE articles SET url = ?", (url,))


def pages_with_article_urls(client, ids) -> list[str]:
    return [client.get(path).text for path in (f"/article/{ids['article_id']}", f"/statement/{ids['merged_id']}")]


# --- 1. links from article data ---

@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_web_hostile_url_is_never_a_link(client, db, ids, url):
    set_urls(db, url)
    article = client.get(f"/article/{ids['article_id']}")
    assert article.status_code == 200
    assert "original</a>" not in article.text
    assert all(is_ours_or_http(link) for link in links_in(article.text)), links_in(article.text)


def test_web_http_url_is_a_link(client, db, ids):
    set_urls(db, " https://example.org/a?b=1&c=2\n")
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">original</a>' in \
        client.get(f"/article/{ids['article_id']}").text


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/x", "https://example.org/x"), ("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG"),
    ("\x00 http://example.org/\t\n ", "http://example.org/"), ("ht\ttp://example.org/", "http://example.org/"),
    ("http:example.org", None), ("http://", None), ("http://[::1", None), ("/article/1", None), (None, None), (42, None),
    *((url, None) for url in HOSTILE_URLS)])
def test_web_http_url_reads_a_url_as_a_browser_does(url, expected):
    assert http_url(url) == expected


SCHEMES = st.sampled_from(["javascript", "data", "vbscript", "file", "http", "https", "blob", "about", "ftp"])
BROWSER_NOISE = st.text(alphabet="\x00\x01\x09\x0a\x0d\x1f \x7f", max_size=3)
MIXED_CASE = SCHEMES.flatmap(lambda s: st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in s)).map("".join))
NO_SURROGATES = st.characters(blacklist_categories=("Cs",))
SCHEMED = st.builds(lambda noise, scheme, inside, rest: noise + scheme[:1] + inside + scheme[1:] + rest,
                    BROWSER_NOISE, MIXED_CASE, BROWSER_NOISE, st.sampled_from([":", "://", ":\\\\", ":/"])
                    .flatmap(lambda sep: st.text(NO_SURROGATES, max_size=20).map(lambda t: sep + t)))


@SETTINGS
@given(url=st.one_of(st.text(NO_SURROGATES, max_size=40), SCHEMED))
def test_web_any_url_gives_only_http_or_own_links(client, db, ids, url):
    set_urls(db, url)
    for page in pages_with_article_urls(client, ids):
        assert all(is_ours_or_http(link) for link in links_in(page)), (url, links_in(page))


# --- 2. the Host header ---

def test_web_foreign_host_is_never_written(app, ids):
    foreign = TestClient(app, base_url="http://evil.example", raise_server_exceptions=False)
    for path in every_get_path(app, ids) + ["/people/", "/nowhere", "/person/abc", "/api/people/0"]:
        response = foreign.get(path, follow_redirects=False)
        assert "evil.example" not in response.text and "evil.example" not in str(response.headers), path
        assert response.status_code in (200, 404), path


# --- 3. security headers ---

def assert_secured(response, path):
    policy = response.headers["content-security-policy"]
    for rule in ("default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
                 "object-src 'none'"):
        assert rule in policy, (path, rule)
    assert "unsafe-inline" not in policy or path == "/docs", path
    assert response.headers["x-content-type-options"] == "nosniff", path
    assert response.headers["x-frame-options"] == "DENY", path
    assert response.headers["referrer-policy"] == "no-referrer", path


def test_web_security_headers_on_pages_api_static_and_errors(client, app, ids):
    for path in every_get_path(app, ids) + ["/nowhere", "/api/people/99999", "/person/99999", "/search?kind=x"]:
        response = client.get(path)
        assert_secured(response, path)
    assert_secured(client.post("/api/summary"), "POST /api/summary")


def test_a_server_fault_is_a_500_with_no_traceback_and_the_security_headers(db, monkeypatch):
    def broken(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "counts", broken)
    client = TestClient(create_app(str(db)), raise_server_exceptions=False)
    for path in ("/", "/api/summary"):
        response = client.get(path)
        assert response.status_code == 500 and "disk on fire" not in response.text and "Traceback" not in response.text
        assert_secured(response, path)


def test_web_pages_run_no_inline_script_or_style(client, app, ids):
    for path in every_get_path(app, ids):
        response = client.get(path)
        if response.headers["content-type"].startswith("text/html"):
            assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son\w+=", response.text), path


# --- 4. no path in any page or error ---

def test_web_not_found_says_what_was_asked_not_where_the_store_is(client, db):
    for path, message in (("/api/people/999999", "no person 999999"), ("/api/merged/77777", "no statement 77777"),
                          ("/api/articles/ffffffffffff", "no article ffffffffffff"), ("/api/stories/zz", "no story zz")):
        response = client.get(path)
        assert response.status_code == 404 and response.json() == {"detail": message}, path
        page = client.get(path.replace("/api/people/", "/person/").replace("/api/merged/", "/statement/")
                          .replace("/api/articles/", "/article/").replace("/api/stories/", "/story/"))
        assert page.status_code == 404 and message in page.text and str(db.parent) not in page.text


def garbage(db):
    db.write_bytes(b"this is not an SQLite file at all " * 100)


def deleted(db):
    db.unlink()


def replaced_by_a_folder(db):
    db.unlink()
    db.mkdir()


def unreadable(db):
    if os.geteuid() == 0:
        pytest.skip("root reads a file whatever its mode")
    db.chmod(0)


@pytest.mark.parametrize("break_store", [garbage, deleted, replaced_by_a_folder, unreadable])
def test_web_a_store_that_breaks_while_served_is_a_503_naming_no_path(tmp_path, db, ids, break_store, caplog):
    copy = tmp_path / "secret-folder" / "served.db"
    copy.parent.mkdir()
    shutil.copy(db, copy)
    app = create_app(str(copy))
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/api/summary").status_code == 200
    break_store(copy)
    for path in every_get_path(app, ids):
        if path.startswith(("/static/", "/openapi.json", "/docs")):
            continue
        response = client.get(path)
        assert response.status_code == 503, path
        assert "secret-folder" not in response.text and "served.db" not in response.text, path
        assert "store cannot be read" in response.text and not re.search(r"/(tmp|home|root|work)/", response.text), path
    assert any("secret-folder" in record.getMessage() for record in caplog.records)  # the details, for the operator


def test_web_a_bad_search_is_a_400_that_names_the_field_and_says_what_to_do(client):
    response = client.get("/api/statements", params={"q": '"unclosed'})
    assert response.status_code == 400 and response.json()["detail"].startswith("q: close its quotation marks")


# --- 5. HEAD ---

def test_web_head_answers_every_route_like_get_without_a_body(client, app, ids):
    paths = every_get_path(app, ids) + ["/nowhere", "/api/people/999999"]
    assert {f"/api/people/{ids['person_id']}", f"/article/{ids['article_id']}", "/docs"} <= set(paths)
    for path in paths:
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code and head.content == b"", path
        assert {k: v for k, v in head.headers.items() if k != "date"} == \
            {k: v for k, v in got.headers.items() if k != "date"}, path
    refused = client.post("/api/summary")
    assert refused.status_code == 405 and {m.strip() for m in refused.headers["allow"].split(",")} == {"GET", "HEAD"}


# --- 6. ids out of range ---

@pytest.mark.parametrize("path", ["/api/people/9223372036854775808", "/person/99999999999999999999", "/api/people/-1",
                                  "/person/-5", "/api/merged/9223372036854775808", "/statement/-1", "/api/people/0",
                                  "/person/1e3", "/api/merged/abc"])
def test_web_an_id_out_of_range_is_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404, path
    assert "Traceback" not in response.text and "no " in response.text


# --- 7. serving beyond this machine ---

@pytest.mark.parametrize("host, exposed", [("127.0.0.1", False), ("127.8.0.1", False), ("::1", False),
                                           ("localhost", False), ("LOCALHOST", False), ("0.0.0.0", True), ("::", True),
                                           ("192.168.1.5", True), ("news.example", True)])
def test_web_serve_warns_when_the_store_is_reachable_from_the_network(db, monkeypatch, capsys, host, exposed):
    assert reachable_from_network(host) is exposed
    started = []
    monkeypatch.setattr(cli, "listening_socket", lambda host, port: socket.socket())  # any address, bound or not
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets: started.append((server.config.host, server.config.port)))
    assert cli.run_serve(argparse.Namespace(db=str(db), host=host, port=8765, root_path="")) == 0
    assert started == [(host, 8765)]
    lines = capsys.readouterr().err.splitlines()
    warnings = [line for line in lines if "exposes the store to the network" in line]
    assert len(warnings) == (1 if exposed else 0) and all(line.startswith("onrecord: ") for line in lines)


def test_web_an_id_prefix_of_several_articles_is_a_400_quoting_it(tmp_path):
    db = tmp_path / "two.db"
    with Store(db) as store, store.transaction():
        for number in (1, 2):
            text = f"Report {number} on the harbour levy, long enough to stand as an article of its own."
            store.add(Article(text, f"r{number}.txt", id=f"abcd000{number}", headline_first=False), [])
    client = TestClient(create_app(str(db)))
    for path in ("/article/abcd", "/api/articles/abcd"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "abcd" in response.text and "names more than one article" in response.text and str(tmp_path) not in response.text
        assert_secured(response, path)
