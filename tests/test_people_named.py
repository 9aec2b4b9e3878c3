"""Each article's named people, quoted or only mentioned, with the gender the article gives them and where it
comes from ('text': the article's own words; 'names': the first-name table), in extraction and in the store."""

import sqlite3

import pytest

from onrecord import ingest
from onrecord.link.people import gender_source, with_quoted
from onrecord.model import Article, NamedPerson, Statement
from onrecord.pipeline import extract_linkable
from onrecord.store import MIGRATIONS, SCHEMA_VERSION, Store, split_script
from onrecord.store.schema import APPLICATION_ID

COUNCIL = """Harbour plan divides council

The harbour council met on Tuesday to discuss the new plan for the pier.

Mayor Nkechi Etxeberria opened the meeting. "We cannot wait another year," she said.

Councillor Daniel Okonkwo was not at the meeting, which ran late into the evening.

"The pier needs fixing," said J. Doe, a fisherman.
"""

COACH = """Coach stays after loss

The club lost its third match in a row on Saturday.

John Whitfield said she would stay. Whitfield said she had no regrets. Whitfield added that she trusted the players. Whitfield said she was proud of them.

"We played badly," Whitfield said.
"""


@pytest.fixture(scope="module")
def named(nlp):
    def people(text: str) -> dict[str, NamedPerson]:
        return {p.name: p for p in extract_linkable(Article(text, "own.txt", id="own"), model=nlp).people}
    return people


def test_a_woman_named_once_then_she_said_is_female_from_the_text(named):
    assert named(COUNCIL)["Nkechi Etxeberria"] == NamedPerson("Nkechi Etxeberria", "female", "text", quoted=True)


def test_a_name_the_table_calls_male_that_the_article_calls_she_is_female_from_the_text(named):
    assert named(COACH)["John Whitfield"] == NamedPerson("John Whitfield", "female", "text", quoted=True)


def test_an_initial_only_name_with_no_pronoun_is_unknown(named):
    assert named(COUNCIL)["J. Doe"] == NamedPerson("J. Doe", None, None, quoted=True)


def test_a_person_mentioned_not_quoted_is_named_with_the_table_s_gender(named):
    assert named(COUNCIL)["Daniel Okonkwo"] == NamedPerson("Daniel Okonkwo", "male", "names", quoted=False)


def test_descriptions_organisations_and_surnames_alone_are_no_named_people(named):
    assert set(named(COUNCIL)) == {"Nkechi Etxeberria", "Daniel Okonkwo", "J. Doe"}
    assert set(named(COACH)) == {"John Whitfield"}


def test_statements_give_the_speaker_the_gender_the_named_people_give(nlp):
    found = extract_linkable(Article(COUNCIL + COACH, "own.txt", id="own"), model=nlp)
    genders = {p.name: p.gender for p in found.people}
    assert all(genders[s.speaker] == s.speaker_gender for s in found.statements if s.speaker_type == "person")


def test_gender_source_rule():
    assert gender_source("female", "female", ()) == "aliases"
    assert gender_source(None, "male", ()) == "aliases"
    assert gender_source("female", None, ["female"]) == "text"
    assert gender_source("female", None, ["male"]) == "names"
    assert gender_source(None, None, ["male"]) is None


def test_quoted_only_by_the_statements_kept():
    said = Statement("We will", 0, 7, "direct", "said", "Ana Ruiz", "person", "Ana Ruiz", 0.9)
    people = [NamedPerson("Ana Ruiz", quoted=True), NamedPerson("Ben Ode", quoted=True)]
    assert [p.quoted for p in with_quoted(people, [said])] == [True, False]
    assert [p.quoted for p in with_quoted(people, [])] == [False, False]


@pytest.fixture(scope="module")
def store(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("named")
    (folder / "council.txt").write_text(COUNCIL, encoding="utf-8")
    (folder / "coach.txt").write_text(COACH, encoding="utf-8")
    store = Store(folder / "store.db")
    ingest.ingest([str(folder)], store, jobs=1)
    yield store
    store.close()


ROWS = "SELECT name, quoted, gender, gender_source FROM article_people ORDER BY name"


def rows(store: Store, sql: str) -> list[tuple]:
    return [tuple(row) for row in store.db.execute(sql)]


def test_the_store_holds_each_article_s_people(store):
    assert rows(store, ROWS) == [
        ("Daniel Okonkwo", 0, "male", "names"), ("J. Doe", 1, None, None), ("John Whitfield", 1, "female", "text"),
        ("Nkechi Etxeberria", 1, "female", "text")]


def test_a_person_s_gender_source_in_the_store(store):
    people = dict(store.db.execute("SELECT name, gender_source FROM people WHERE type = 'person'"))
    assert people == {"Nkechi Etxeberria": "text", "John Whitfield": "text", "J. Doe": None}


def test_reprocess_replaces_each_article_s_people(store):
    before = rows(store, ROWS)
    store.db.execute("UPDATE article_people SET gender = NULL, gender_source = NULL, quoted = 0")
    store.db.execute("INSERT INTO article_people SELECT article_id, 'nobody', 'No Body', 0, NULL, NULL FROM article_people LIMIT 1")
    store.db.execute("UPDATE people SET gender_source = NULL")
    ingest.reprocess(store, jobs=1)
    assert rows(store, ROWS) == before
    assert rows(store, "SELECT count(*) FROM people WHERE gender_source = 'text'") == [(2,)]


def test_an_older_store_gets_the_table_empty_and_the_columns(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        for script in MIGRATIONS[:5]:
            for statement in split_script(script):
                db.execute(statement)
        db.execute("PRAGMA user_version = 5")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with Store(path) as store:
        assert rows(store, "PRAGMA user_version") == [(SCHEMA_VERSION,)] and SCHEMA_VERSION >= 6
        assert rows(store, "SELECT count(*) FROM article_people") == [(0,)]
        assert rows(store, "SELECT given_gender, gender_source FROM people") == []
