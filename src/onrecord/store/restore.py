"""Restore: a store loaded back from the Parquet tables `onrecord export` wrote, as it was exported.

The export holds every row a store decides (articles with their copy groups and stories, statements with
their person and merged statement, people with their names, roles, keys and the names kept apart, the
inputs read), so nothing is linked again: the rows go in with their ids, and only the indexes that linking
reads are made from them (sketches and keys, an outlet's passages and boilerplate, the wordings of each
merged statement and their grams, the days it was reported on), so that articles ingested later link to
the restored ones as they would have to the originals. All in one transaction: a bad table leaves nothing.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from ..errors import InputError
from ..export import SCHEMAS, STORE_SCHEMAS, bounded_rows, table_files
from ..link.copies import sketch
from ..link.statements import normalise_quote
from ..link.stories import report_day
from ..model import Article
from ..read import shown
from . import Store
from .linking import (class_reports, index_stored_wordings, link_stored_articles, name_words, note_passages,
                      store_sketch, stored_reports)


def columns_of(table: str) -> list[str]:
    return {**SCHEMAS, **STORE_SCHEMAS}[table].names


def insert(table: str, columns: list[str], computed: dict[str, str] | None = None) -> str:
    """SQL inserting one exported row (named parameters), with ``computed`` columns made from it in SQL."""
    computed = computed or {}
    names = [*columns, *computed]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join([f':{c}' for c in columns] + list(computed.values()))})"


# (table, its column bounded as export.load bounds an article's text, the column naming a refused row, the SQL
# storing a row), in the order their references need: articles and people before what points at them.
TABLES = (
    ("articles", "text", "id", insert("articles", columns_of("articles"), {"ingested_at": ":ingested_at"})),
    ("inputs", "fingerprint", "fingerprint", insert("inputs", columns_of("inputs"))),
    ("copy_pairs", "article_id", "article_id", insert("copy_pairs", columns_of("copy_pairs"))),
    # The key a person was made with is never read, only kept unique: a placeholder until their keys are in.
    ("article_people", "name", "key", insert("article_people", columns_of("article_people"))),
    ("people", "name", "id", insert("people", ["id", "name", "type", "wikidata", "gender", "given_name", "given_gender",
                                               "gender_source"],
                                    {"key": "'#' || :id", "words": "name_words(:name)"})),
    ("person_names", "name", "person_id", insert("person_names", columns_of("person_names"))),
    ("person_roles", "role", "person_id", insert("person_roles", columns_of("person_roles"))),
    ("person_keys", "key", "key", insert("person_keys", columns_of("person_keys"))),
    ("people_apart", "key", "key", insert("people_apart", columns_of("people_apart"))),
    ("merged_statements", "quote", "id", insert("merged_statements", ["id", "person_id", "quote"],
                                                {"norm": "normalise_quote(:quote)"})),
    ("statements", "quote", "id", insert("statements", columns_of("statements"))),
)


# Tables an export made before schema 6 lacks: restored without them (`ingest --reprocess` fills article_people).
SINCE_SCHEMA_6 = {"article_people"}
# Columns of schema 6 (people's) and 7 (statements'), classed again on restore
ADDED_COLUMNS = {"given_gender": None, "gender_source": None, "variant": None, "edits": None, "fullest_variant": None}


def holds_store(folder: str | Path) -> bool:
    """Written by `onrecord export` with the store's own tables (a Spark run writes only the five shared ones)."""
    return any(table_files(Path(folder), table) for table in STORE_SCHEMAS)


def is_empty(store: Store) -> bool:
    return store.db.execute("SELECT NOT EXISTS (SELECT 1 FROM articles) AND NOT EXISTS (SELECT 1 FROM people)").fetchone()[0] == 1


def restore(store: Store, folder: str | Path) -> int:
    """Load an export into an empty store as it was exported; returns the articles restored. A missing or
    damaged table, or rows that do not fit together, raise an InputError naming the file; nothing is kept."""
    folder = Path(folder)
    for table, *_ in TABLES:
        if not table_files(folder, table) and table not in SINCE_SCHEMA_6:
            raise InputError(shown(str(folder / f"{table}.parquet")), "missing: the export is incomplete, nothing was loaded")
    store.db.create_function("normalise_quote", 1, normalise_quote, deterministic=True)
    store.db.create_function("name_words", 1, name_words, deterministic=True)
    with store.transaction():
        for table, column, ident, sql in TABLES:
            if table_files(folder, table):
                insert_rows(store.db, folder, table, column, ident, sql)
        store.db.execute("UPDATE people SET key = (SELECT min(key) FROM person_keys WHERE person_id = people.id)"
                         " WHERE EXISTS (SELECT 1 FROM person_keys WHERE person_id = people.id)")
        if merged_before_schema_7(store.db):  # its statements merged by older rules: linked again, as a migration would
            link_stored_articles(store.db)
        else:
            index_articles(store)
            index_wordings(store.db)
            index_report_days(store.db)
    return store.db.execute("SELECT count(*) FROM articles").fetchone()[0]


def insert_rows(db: sqlite3.Connection, folder: Path, table: str, column: str, ident: str, sql: str) -> None:
    where = shown(str(table_files(folder, table)[0]))
    now = time.time()
    try:
        for row in bounded_rows(folder, table, column, refuse, ident):
            db.execute(sql, {**ADDED_COLUMNS, **row, "ingested_at": now})  # exports before schema 6 lack them
    except InputError as error:
        raise InputError(error.source, f"{error.reason}; nothing was loaded") from None
    except sqlite3.Error as error:
        raise InputError(where, f"cannot be restored ({error}); nothing was loaded") from None


def merged_before_schema_7(db: sqlite3.Connection) -> bool:
    """An export made before quote variants: its reports carry no class."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM statements WHERE merged_id IS NOT NULL AND variant IS NULL)").fetchone()[0] == 1


def refuse(error: InputError) -> None:
    """A row over the limits, or a damaged file: what loaded would not be the store exported."""
    raise error


def index_articles(store: Store) -> None:
    """Each article's sketch and keys, as copies are found by, and its outlet's passages (the boilerplate
    among them marked as ingest marks it: a passage is judged on all the articles that carry it)."""
    for row in store.stored_articles():
        found = sketch(row["text"], bool(row["headline_first"]))
        store_sketch(store.db, row["id"], found)
        note_passages(store.db, Article(row["text"], id=row["id"], published=row["published"], outlet=row["outlet"]),
                      found.passages)


def index_wordings(db: sqlite3.Connection) -> None:
    """Each merged statement's wordings (its reports' quotes, normalised) and their keys, under its person; and
    its reports classed (an export holds the classes, but one made before schema 7 does not)."""
    index_stored_wordings(db)
    for (merged,) in db.execute("SELECT id FROM merged_statements").fetchall():
        class_reports(db, merged)


def index_report_days(db: sqlite3.Connection) -> None:
    """One report per day of each merged statement; that day's reports share a story, so any stands for them."""
    for merged, article_id, published in stored_reports(db, "s.merged_id, a.id, a.published", "s.merged_id, a.id"):
        db.execute("INSERT OR IGNORE INTO statement_days (merged_id, day, article_id) VALUES (?, ?, ?)",
                   (merged, report_day(published), article_id))
