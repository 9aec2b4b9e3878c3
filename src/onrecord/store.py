"""Store stage: articles, statements and people in one SQLite file (no server).

The schema is versioned with ``PRAGMA user_version``; each entry of MIGRATIONS moves a store one
version on, inside a transaction. WAL mode lets readers query while one writer ingests.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import OnRecordError
from .model import Article, Statement
from .names import person_key

APPLICATION_ID = 0x6F6E7263  # 'onrc': tells an onrecord store from any other SQLite file

MIGRATIONS = [
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        headline TEXT,
        author TEXT,
        published TEXT,
        text TEXT NOT NULL,
        ingested_at REAL NOT NULL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE);

    -- Raw inputs already read (a file, a WARC record, a JSONL line), so a rerun skips them unparsed.
    CREATE TABLE inputs (
        fingerprint TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    );

    -- One row per person (or organisation) across the store, keyed by a spelling-insensitive key.
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        words TEXT NOT NULL  -- ' moon jae in ': the name's folded words, for matching part of a name
    );
    CREATE TABLE person_names (
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        uses INTEGER NOT NULL,
        PRIMARY KEY (person_id, name)
    ) WITHOUT ROWID;

    CREATE TABLE statements (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        quote TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('direct', 'indirect', 'mixed')),
        cue TEXT,
        person_id INTEGER REFERENCES people(id),
        speaker TEXT,
        speaker_type TEXT NOT NULL,
        speaker_mention TEXT,
        confidence REAL NOT NULL
    );
    CREATE INDEX statements_article ON statements(article_id, start);
    CREATE INDEX statements_person ON statements(person_id);
    CREATE INDEX statements_kind ON statements(kind);

    CREATE VIRTUAL TABLE statements_fts USING fts5(
        quote, content='statements', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
        INSERT INTO statements_fts(rowid, quote) VALUES (new.id, new.quote);
    END;
    CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
        INSERT INTO statements_fts(statements_fts, rowid, quote) VALUES ('delete', old.id, old.quote);
    END;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class QuoteFilter:
    speaker: str | None = None
    search: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    kind: str | None = None
    limit: int | None = None


class Store:
    """An onrecord SQLite store; ``Store(path)`` creates or upgrades it."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = str(path)
        if readonly and not Path(self.path).exists():
            raise OnRecordError(f"{self.path}: no such store (run `onrecord ingest` first)")
        try:
            uri = f"file:{Path(self.path).resolve()}?mode={'ro' if readonly else 'rwc'}"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self.check_and_migrate(readonly)
        except sqlite3.DatabaseError as error:
            raise OnRecordError(f"{self.path}: not a usable onrecord store ({error})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- schema ---

    def check_and_migrate(self, readonly: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        application = self.db.execute("PRAGMA application_id").fetchone()[0]
        has_tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if has_tables and application != APPLICATION_ID:
            raise OnRecordError(f"{self.path}: an SQLite file, but not an onrecord store")
        if version > SCHEMA_VERSION:
            raise OnRecordError(f"{self.path}: made by a newer onrecord (schema {version}; this one knows {SCHEMA_VERSION})")
        if version < SCHEMA_VERSION:
            if readonly:
                raise OnRecordError(f"{self.path}: store needs an upgrade; run `onrecord ingest` once to upgrade it")
            self.migrate(version)

    def migrate(self, version: int) -> None:
        with self.transaction():
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in split_script(script):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is stored whole or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- writing ---

    def has_input(self, fingerprint: str) -> bool:
        return self.db.execute("SELECT 1 FROM inputs WHERE fingerprint = ?", (fingerprint,)).fetchone() is not None

    def add(self, article: Article, statements: list[Statement], fingerprint: str | None = None) -> bool:
        """Store one article with its statements (call inside ``transaction``); False if it was stored before."""
        new = self.db.execute(
            "INSERT OR IGNORE INTO articles (id, source, url, outlet, headline, author, published, text, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, article.source, article.url, article.outlet, article.headline, article.author,
             article.published, article.text, time.time()),
        ).rowcount == 1
        if fingerprint:
            self.db.execute("INSERT OR IGNORE INTO inputs (fingerprint, article_id) VALUES (?, ?)", (fingerprint, article.id))
        if new:
            self.db.executemany(
                "INSERT INTO statements (article_id, start, end, quote, kind, cue, person_id, speaker, speaker_type,"
                " speaker_mention, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(article.id, s.start, s.end, s.quote, s.kind, s.cue, self.person_id(s), s.speaker, s.speaker_type,
                  s.speaker_mention, s.confidence) for s in statements],
            )
        return new

    def person_id(self, statement: Statement) -> int | None:
        if not statement.speaker or statement.speaker_type == "unknown":
            return None
        key = person_key(statement.speaker)
        if not key:
            return None
        row = self.db.execute("SELECT id FROM people WHERE key = ?", (key,)).fetchone()
        if row is None:
            words = " " + " ".join(person_key(word) for word in statement.speaker.split()) + " "
            person = self.db.execute("INSERT INTO people (key, name, type, words) VALUES (?, ?, ?, ?)",
                                     (key, statement.speaker, statement.speaker_type, words)).lastrowid
        else:
            person = row[0]
        self.db.execute("INSERT INTO person_names (person_id, name, uses) VALUES (?, ?, 1)"
                        " ON CONFLICT (person_id, name) DO UPDATE SET uses = uses + 1", (person, statement.speaker))
        return person

    # --- reading ---

    def counts(self) -> dict[str, int]:
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "statements", "people")}

    def people_named(self, name: str) -> list[int]:
        """People whose name is ``name`` in any spelling; failing that, whose name holds all its words."""
        key = person_key(name)
        rows = self.db.execute("SELECT id FROM people WHERE key = ?", (key,)).fetchall()
        if not rows:
            words = [person_key(word) for word in name.split() if person_key(word)]
            if words:
                rows = self.db.execute("SELECT id FROM people WHERE " + " AND ".join(["instr(words, ?) > 0"] * len(words)),
                                       [f" {word} " for word in words]).fetchall()
        return [row[0] for row in rows]

    def quotes(self, where: QuoteFilter) -> list[sqlite3.Row]:
        """Statements with their article and person, newest first."""
        clauses, params = [], []
        if where.speaker is not None:
            people = self.people_named(where.speaker)
            clauses.append(f"s.person_id IN ({','.join('?' * len(people)) or 'NULL'})")
            params += people
        conditions = [
            ("s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)", where.search),
            ("a.published >= ?", where.since),
            ("a.published <= ?", where.until and where.until + "\uffff"),  # '2019', '2019-05': the whole year, month
            ("a.outlet = ? COLLATE NOCASE", where.outlet),
            ("s.kind = ?", where.kind),
        ]
        for clause, value in conditions:
            if value:
                clauses.append(clause)
                params.append(value)
        sql = (QUOTE_COLUMNS + (" WHERE " + " AND ".join(clauses) if clauses else "")
               + " ORDER BY a.published IS NULL, a.published DESC, a.id, s.start")
        if where.limit:
            sql += " LIMIT ?"
            params.append(where.limit)
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            if where.search:  # the only part of the query a user writes
                raise OnRecordError(f"search {where.search!r} is not a valid full-text query ({error}); "
                                    'put a phrase in double quotes: --search \'"tax cuts"\'') from None
            raise

    def speakers(self) -> list[sqlite3.Row]:
        """Each person with their name variants, number of statements, first and last date, outlets."""
        return self.db.execute(SPEAKER_SUMMARY).fetchall()

    def article(self, id_prefix: str) -> sqlite3.Row:
        rows = self.db.execute("SELECT * FROM articles WHERE id >= ? AND id < ? LIMIT 2",
                               (id_prefix, id_prefix + "\uffff")).fetchall()
        if not rows:
            raise OnRecordError(f"no article with id {id_prefix!r} in {self.path}")
        if len(rows) > 1:
            raise OnRecordError(f"{id_prefix!r} names more than one article; give more of its id")
        return rows[0]

    def statements_of(self, article_id: str) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT s.*, coalesce(p.name, s.speaker) AS person FROM statements s LEFT JOIN people p ON p.id = s.person_id"
            " WHERE s.article_id = ? ORDER BY s.start", (article_id,)).fetchall()

    def table(self, name: str, columns: list[str]) -> sqlite3.Cursor:
        """Rows of one table as plain tuples, streamed."""
        cursor = self.db.cursor()
        cursor.row_factory = None
        return cursor.execute(EXPORTS[name].format(columns=", ".join(f'"{c}"' for c in columns)))


QUOTE_COLUMNS = """
    SELECT s.id, s.quote, s.kind, s.cue, coalesce(p.name, s.speaker) AS speaker, s.speaker_type, s.speaker_mention,
           s.confidence, a.published, a.outlet, a.headline, a.id AS article_id, a.url, s.start, s.end
    FROM statements s JOIN articles a ON a.id = s.article_id LEFT JOIN people p ON p.id = s.person_id"""

SPEAKER_SUMMARY = """
    SELECT p.id, p.name, p.type,
           (SELECT group_concat(name, ' | ') FROM (SELECT name FROM person_names WHERE person_id = p.id ORDER BY uses DESC, name))
             AS variants,
           count(s.id) AS statements, min(a.published) AS first, max(a.published) AS last,
           group_concat(DISTINCT a.outlet) AS outlets
    FROM people p JOIN statements s ON s.person_id = p.id JOIN articles a ON a.id = s.article_id
    GROUP BY p.id ORDER BY statements DESC, p.name"""

EXPORTS = {  # each table's rows, in a stable order; the columns are chosen by the caller
    "articles": "SELECT {columns} FROM articles ORDER BY id",
    "statements": "SELECT {columns} FROM statements ORDER BY article_id, start",
    "people": "SELECT {columns} FROM (SELECT p.*, (SELECT group_concat(name, ' | ') FROM person_names WHERE person_id = p.id)"
              " AS variants FROM people p) ORDER BY id",
}


def split_script(script: str) -> list[str]:
    """Statements of a migration script (triggers hold semicolons, so split where sqlite3 says one is complete)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s.strip(" \n;")]
