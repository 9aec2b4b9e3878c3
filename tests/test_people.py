"""Speakers in the store: gender and type kept per statement and person, a surname that may mean
several people, and an old store re-resolved with `ingest --reprocess` (articles written for these tests)."""

import json
import sqlite3

import pytest
from conftest import run_cli
from fastapi.testclient import TestClient

from onrecord.serve import create_app

pytestmark = pytest.mark.processes  # starts onrecord in other processes: slow to repeat per mutant (docs/mutation.md)

HILL_FARM = """Two Hallorans Split Over Wind Farm

Councillor Margaret Halloran backed the wind farm on Tuesday. Her brother, Desmond Halloran, a sheep farmer, opposes it.

“The turbines will pay for the new school,” Ms. Halloran said.

“They will ruin the hill for ever,” Mr. Halloran said.

A spokeswoman for the energy company said construction would begin in the spring.
"""

RIVER_PARK = """River Park Plan Approved

Margaret Halloran, who chairs the planning committee, said the river park would open next summer.

“It is the best news this town has had in years,” Halloran said.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("people")
    (folder / "hill-farm.txt").write_text(HILL_FARM, encoding="utf-8")
    (folder / "river-park.txt").write_text(RIVER_PARK, encoding="utf-8")
    db = folder / "people.db"
    result = run_cli("ingest", "--db", db, "--jobs", "1", folder)
    assert result.returncode == 0, result.stderr
    return db


def rows(db, sql, *params):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def test_statements_keep_speaker_type_and_gender(store):
    found = set(rows(store, "SELECT speaker, speaker_type, speaker_gender FROM statements"))
    assert {("Margaret Halloran", "person", "female"), ("Desmond Halloran", "person", "male"),
            ("spokeswoman for the energy company", "description", None)} <= found
    people = dict(rows(store, "SELECT name, gender FROM people WHERE type = 'person'"))
    assert people == {"Margaret Halloran": "female", "Desmond Halloran": "male"}


def test_a_surname_lists_the_people_it_may_mean(store):
    result = run_cli("quotes", "--db", store, "--speaker", "Halloran", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert {json.loads(line)["speaker"] for line in result.stdout.splitlines()} == {"Margaret Halloran", "Desmond Halloran"}
    assert "'Halloran' may mean 2 people: Margaret Halloran (3), Desmond Halloran (1)" in result.stderr
    one = run_cli("quotes", "--db", store, "--speaker", "Desmond Halloran", "--format", "jsonl")
    assert len(one.stdout.splitlines()) == 1 and "may mean" not in one.stderr


def test_the_api_and_the_search_page_name_the_people_a_surname_may_mean(store):
    client = TestClient(create_app(str(store)))
    answer = client.get("/api/statements", params={"speaker": "Halloran", "q": "", "outlet": "", "since": "", "kind": ""})
    assert answer.status_code == 200
    assert [p["name"] for p in answer.json()["people"]] == ["Margaret Halloran", "Desmond Halloran"]
    page = client.get("/search", params={"speaker": "Halloran", "q": "", "outlet": "", "since": "", "until": "", "kind": ""})
    assert page.status_code == 200 and "may mean 2 people" in page.text and ">Desmond Halloran</a>" in page.text


def test_reprocess_re_resolves_an_old_store_and_drops_people_left_without_statements(store, tmp_path):
    old = tmp_path / "old.db"
    with sqlite3.connect(store) as source, sqlite3.connect(old) as copy:
        source.backup(copy)
        # what an earlier version stored: the surname alone, no gender
        copy.execute("UPDATE statements SET speaker = 'Halloran', speaker_gender = NULL WHERE speaker = 'Margaret Halloran'")
        surname = copy.execute("INSERT INTO people (key, name, type, words) VALUES ('halloran', 'Halloran', 'person',"
                               " ' halloran ')").lastrowid
        copy.execute("UPDATE statements SET person_id = ? WHERE speaker = 'Halloran'", (surname,))
    before = rows(old, "SELECT count(*) FROM statements")[0][0]
    result = run_cli("ingest", "--db", old, "--reprocess", "--jobs", "1")
    assert result.returncode == 0 and "2 articles reprocessed, 0 failed" in result.stderr, result.stderr
    assert rows(old, "SELECT count(*) FROM statements")[0][0] == before
    assert rows(old, "SELECT count(*) FROM statements WHERE speaker = 'Halloran' OR speaker_gender IS NULL"
                     " AND speaker_type = 'person'") == [(0,)]
    assert rows(old, "SELECT count(*) FROM people WHERE name = 'Halloran'") == [(0,)]
    assert rows(old, "SELECT count(*) FROM merged_statements WHERE id NOT IN (SELECT merged_id FROM statements)") == [(0,)]


def test_reprocess_twice_changes_nothing_that_was_right(store, tmp_path):
    copy = tmp_path / "again.db"
    with sqlite3.connect(store) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    tables = {"names": "SELECT person_id, name, uses FROM person_names ORDER BY 1, 2",
              "roles": "SELECT person_id, role, articles FROM person_roles ORDER BY 1, 2",
              "merged": "SELECT quote, norm FROM merged_statements ORDER BY 1",
              "fingerprints": "SELECT count(*) FROM quote_fingerprints",
              "statements": "SELECT article_id, start, speaker, speaker_gender FROM statements ORDER BY 1, 2"}
    before = {name: rows(copy, sql) for name, sql in tables.items()}
    assert before["roles"], "the articles give roles ('Councillor')"
    for _ in range(2):
        assert run_cli("ingest", "--db", copy, "--reprocess", "--jobs", "1").returncode == 0
    assert {name: rows(copy, sql) for name, sql in tables.items()} == before


def test_ingest_without_paths_or_reprocess_is_a_one_line_error(tmp_path):
    result = run_cli("ingest", "--db", tmp_path / "x.db")
    assert result.returncode != 0 and "at least one PATH" in result.stderr and "Traceback" not in result.stderr
