"""The JSON API and pages of ``onrecord serve``, through FastAPI's TestClient, over a store of real articles."""

import http.client
import json
import re
import shutil
import sqlite3
import threading

import pytest
from conftest import SEEDS, run_cli, running_server
from fastapi.testclient import TestClient
from test_ingest import bbc_lines
from test_read import sample_pages

from onrecord.serve import create_app

pytestmark = pytest.mark.processes  # starts onrecord in other processes: slow to repeat per mutant (docs/mutation.md)

HOSTILE = """Council <script>window.__pwned = 1; alert("headline")</script> vote

“We will publish every <script>window.__pwned = 2; alert("quote")</script> line of the budget,” said councillor Mara Ostrowska.

<img src=x onerror="window.__pwned = 3"> The vote is on Friday.
"""


def build_store(folder):
    """Seeds, 20 web pages, 40 BBC records and an article whose text carries HTML and script tags."""
    hostile = folder / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    db = folder / "served.db"
    result = run_cli("ingest", "--db", db, *sorted(SEEDS.glob("*.txt")), *sample_pages(20), hostile, "-",
                     stdin="".join(bbc_lines(40)))
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def client(served):
    return TestClient(create_app(str(served)), raise_server_exceptions=False)


def gold_quote(shared_by: int = 2) -> dict:
    gold = [json.loads(line) for line in open(SEEDS / "gold.jsonl", encoding="utf-8")]
    return next(g for g in gold if sum(o["quote"] == g["quote"] for o in gold) == shared_by)


def every_item(client, path: str) -> list[dict]:
    items, page = [], 1
    while True:
        found = client.get(path, params={"per_page": 100, "page": page}).json()
        items += found["items"]
        if not found["has_next"]:
            return items
        page += 1


def test_summary_counts_what_was_ingested_and_what_the_lists_hold(client, served):
    summary = client.get("/api/summary").json()
    counts = summary["counts"]
    assert counts["articles"] == 3 + 20 + 1 + 40  # seeds, pages, the hostile article, BBC records
    assert counts["statements"] == len(every_item(client, "/api/statements")) > 100
    assert counts["people"] == len(every_item(client, "/api/people")) > 20
    assert counts["stories"] == len(every_item(client, "/api/stories")) < counts["articles"]
    assert counts["merged_statements"] < counts["statements"]  # the seeds report some quotes twice
    assert len(summary["recent"]) == 10 and len(summary["people"]) == 10


def test_search_finds_a_seed_quote_by_its_words(client):
    quote = gold_quote()
    phrase = " ".join(quote["quote"].split()[:5])
    found = client.get("/api/statements", params={"q": f'"{phrase}"'}).json()
    assert len(found["items"]) == 2 and all(phrase in s["quote"] for s in found["items"])
    assert {s["speaker"] for s in found["items"]} == {quote["speaker"]}


def test_search_filters_and_pages(client):
    everything = client.get("/api/statements", params={"per_page": 100}).json()["items"]
    first = client.get("/api/statements", params={"per_page": 5, "page": 1}).json()
    second = client.get("/api/statements", params={"per_page": 5, "page": 2}).json()
    assert first["has_next"] and [s["id"] for s in first["items"] + second["items"]] == [s["id"] for s in everything[:10]]
    bbc = client.get("/api/statements", params={"outlet": "BBC News", "kind": "direct", "per_page": 100}).json()["items"]
    assert bbc and all(s["outlet"] == "BBC News" and s["kind"] == "direct" for s in bbc)
    dated = client.get("/api/statements", params={"since": "2021", "until": "2021-12-31"}).json()["items"]
    assert dated and all(s["published"].startswith("2021") for s in dated)
    speaker = gold_quote()["speaker"]
    theirs = client.get("/api/statements", params={"speaker": speaker.lower(), "per_page": 100}).json()["items"]
    assert theirs and {s["speaker"] for s in theirs} == {speaker}


@pytest.mark.parametrize("params, reason", [
    ({"q": '"unclosed'}, "q: close its quotation marks"),
    ({"q": "x" * 201}, "q: at most 200 characters"),
    ({"per_page": 1000}, "per_page: use a whole number from 1 to 100"),
    ({"page": 0}, "page: use a whole number from 1 to 10000"),
    ({"since": "yesterday"}, "since: use YYYY, YYYY-MM or YYYY-MM-DD"),
    ({"kind": "rumour"}, "kind: use direct, indirect or mixed"),
])
def test_bad_requests_get_a_400_with_a_clear_message(client, params, reason):
    response = client.get("/api/statements", params=params)
    assert response.status_code == 400
    assert reason in response.json()["detail"] and "Traceback" not in response.text


def test_person_with_timeline_and_statements(client):
    speaker = gold_quote()["speaker"]
    person_id = client.get("/api/statements", params={"speaker": speaker}).json()["items"][0]["person_id"]
    data = client.get(f"/api/people/{person_id}").json()
    assert data["person"]["name"] == speaker
    assert sum(month["statements"] for month in data["timeline"]) <= data["person"]["statements"]
    assert any(s["articles"] == 2 for s in data["statements"]["items"])
    for someone in client.get("/api/people", params={"per_page": 20}).json()["items"]:
        dates = [s["first_seen"] for s in client.get(f"/api/people/{someone['id']}").json()["statements"]["items"]]
        assert dates == sorted(dates, key=lambda d: d or "", reverse=True)  # newest first, undated last
    assert client.get("/api/people/999999").status_code == 404


def test_a_statement_with_every_report_and_no_first_when_none_is_dated(client):
    quote = gold_quote()
    merged_id = client.get("/api/statements", params={"q": f'"{" ".join(quote["quote"].split()[:5])}"'}).json()["items"][0]["merged_id"]
    data = client.get(f"/api/merged/{merged_id}").json()
    assert len(data["reports"]) == 2 and data["statement"]["articles"] == 2
    assert data["context"]["quote"] in quote["quote"] and data["context"]["before"] + data["context"]["after"]
    page = client.get(f"/statement/{merged_id}").text
    assert data["reports"][0]["published"] is None  # the seeds are undated: which came first is not known
    assert 'class="first"' not in page and "earliest known: undated" in page
    assert re.search(r'<ol class="reports">.*?</ol>', page, re.S)[0].count("/article/") == 2  # each report listed once


def test_article_page_highlights_every_statement_with_its_speaker(client, served):
    article_id = sqlite3.connect(served).execute("SELECT id FROM articles WHERE source LIKE '%000_%'").fetchone()[0]
    data = client.get(f"/api/articles/{article_id[:8]}").json()
    page = client.get(f"/article/{article_id[:8]}").text
    assert page.count("<mark ") == len(data["statements"])
    for s in data["statements"]:
        if s["person_id"]:
            assert f'<a href="/person/{s["person_id"]}">{s["person"]}</a>' in page
    assert client.get("/api/articles/ffffffffffff").status_code == 404


def test_stories_and_pages_link_to_each_other(client):
    stories = client.get("/api/stories").json()["items"]
    pair = next(s for s in stories if s["articles"] == 2)
    story = client.get(f"/api/stories/{pair['story']}").json()
    assert len(story["articles"]) == 2
    home = client.get("/").text
    assert 'action="/search"' in home and "/person/" in home and "/article/" in home
    for path, link in (("/people", "/person/"), ("/stories", "/story/"), (f"/story/{pair['story']}", "/article/"),
                       ("/search?q=sanctions", "/article/")):
        response = client.get(path)
        assert response.status_code == 200 and f'href="{link}' in response.text, path


def pages_showing_the_hostile_article(served) -> list[str]:
    db = sqlite3.connect(served)
    article, story = db.execute("SELECT id, story FROM articles WHERE source LIKE '%hostile.txt'").fetchone()
    merged, person = db.execute("SELECT merged_id, person_id FROM statements WHERE article_id = ? AND quote LIKE '%<script>%'",
                                (article,)).fetchone()
    return [f"/article/{article}", f"/statement/{merged}", f"/person/{person}", f"/story/{story}", "/search?q=budget",
            "/search?q=publish", "/", "/people", "/stories"]


def test_article_text_is_escaped_never_run_on_every_page(client, served):
    for path in pages_showing_the_hostile_article(served):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<script>window" not in response.text and "<img src=x" not in response.text, path
    for path in pages_showing_the_hostile_article(served)[:2]:  # the quote itself is shown, as text
        assert "&lt;script&gt;window.__pwned = 2" in client.get(path).text, path


def test_a_request_never_writes_to_the_store(tmp_path, served):
    """The server opens the store read-only: even opening it read-write would switch its journal to WAL."""
    db = tmp_path / "still.db"
    shutil.copy(served, db)
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    before = db.read_bytes()
    client = TestClient(create_app(str(db)), raise_server_exceptions=False)
    for path in pages_showing_the_hostile_article(db) + ["/api/summary", "/api/statements?q=budget", "/api/people"]:
        assert client.get(path).status_code == 200, path
    assert db.read_bytes() == before
    assert not (tmp_path / "still.db-wal").exists()


def test_openapi_schema_and_docs(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/statements", "/api/people/{person_id}", "/api/merged/{merged_id}", "/api/articles/{article_id}",
            "/api/stories/{story_id}", "/api/summary"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 200


def test_serving_a_missing_store_is_a_one_line_error(tmp_path):
    result = run_cli("serve", "--db", tmp_path / "none.db")
    assert result.returncode == 2 and "no such store" in result.stderr and result.stderr.count("\n") == 1


def test_concurrent_requests_to_a_running_server(served):
    """Requests from several clients at once (each store connection crosses threads inside the server)."""
    statuses: list[int] = []

    def client(port, words):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for word in words * 5:
            connection.request("GET", f"/api/statements?q={word}")
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)

    with running_server(served) as port:
        threads = [threading.Thread(target=client, args=(port, words)) for words in
                   (["sanctions", "economy"], ["peace", "budget"], ["said", "growth"], ["north", "vote"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * 40
