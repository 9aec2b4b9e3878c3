"""Store stage: articles, statements and people in one SQLite file (no server).

The schema is versioned with ``PRAGMA user_version``; each entry of MIGRATIONS moves a store one
version on, inside a transaction. WAL mode lets readers query while one writer ingests.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from . import merge
from .errors import AmbiguousId, InvalidSearch, NotFound, OnRecordError
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
        words TEXT NOT NULL  -- ' ana maria ruiz ': the name's folded words, for matching part of a name
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
    # 2: copies and stories, statements merged across articles, people joined across articles.
    """
    ALTER TABLE articles ADD COLUMN headline_first INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE articles ADD COLUMN copy_group TEXT;  -- smallest id among the article and its copies
    ALTER TABLE articles ADD COLUMN story TEXT;  -- smallest id among the articles about the same event
    CREATE INDEX articles_copy_group ON articles(copy_group);
    CREATE INDEX articles_story ON articles(story);

    -- The LSH state: each article's MinHash signature, and its band and passage keys.
    CREATE TABLE article_sketches (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        shingles INTEGER NOT NULL,
        signature BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE article_keys (
        key INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (key, article_id)
    ) WITHOUT ROWID;

    CREATE TABLE merged_statements (
        id INTEGER PRIMARY KEY,
        person_id INTEGER REFERENCES people(id),
        quote TEXT NOT NULL,  -- the fullest wording reported
        norm TEXT NOT NULL
    );
    CREATE INDEX merged_person ON merged_statements(person_id);
    ALTER TABLE statements ADD COLUMN merged_id INTEGER REFERENCES merged_statements(id);
    CREATE INDEX statements_merged ON statements(merged_id);
    CREATE TABLE quote_fingerprints (
        person INTEGER NOT NULL,  -- person id, 0 for an unknown speaker
        fingerprint INTEGER NOT NULL,
        merged_id INTEGER NOT NULL REFERENCES merged_statements(id) ON DELETE CASCADE,
        PRIMARY KEY (person, fingerprint, merged_id)
    ) WITHOUT ROWID;

    ALTER TABLE people ADD COLUMN wikidata TEXT;
    CREATE TABLE person_keys (  -- every spelling key (and alias) that names a person
        key TEXT PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    INSERT INTO person_keys (key, person_id) SELECT key, id FROM people;
    CREATE TABLE people_apart (key TEXT NOT NULL, other TEXT NOT NULL, PRIMARY KEY (key, other)) WITHOUT ROWID;
    CREATE TABLE person_roles (
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        role TEXT NOT NULL COLLATE NOCASE,
        first_seen TEXT,
        last_seen TEXT,
        articles INTEGER NOT NULL,
        PRIMARY KEY (person_id, role)
    ) WITHOUT ROWID;
    """,
    # 3: the speaker's gender as the article gives it (statements) and as most of their statements give it (people).
    """
    ALTER TABLE statements ADD COLUMN speaker_gender TEXT CHECK (speaker_gender IN ('female', 'male'));
    ALTER TABLE people ADD COLUMN gender TEXT;
    """,
    # 4: one report per day of each merged statement. All of a day's reports are in one story, so a new report
    # joins the stories of the days near its own rather than of every earlier report (a statement quoted by
    # 50,000 articles costs each of them as little as one quoted twice).
    """
    CREATE TABLE statement_days (
        merged_id INTEGER NOT NULL REFERENCES merged_statements(id) ON DELETE CASCADE,
        day TEXT NOT NULL,  -- the article's date, '' when undated
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (merged_id, day)
    ) WITHOUT ROWID;

    -- How many statements give each person as a woman or a man, kept by triggers, so the person's gender
    -- (the majority) is read, not counted again over all their statements, at every new article.
    ALTER TABLE people ADD COLUMN female INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE people ADD COLUMN male INTEGER NOT NULL DEFAULT 0;
    UPDATE people SET
        female = (SELECT count(*) FROM statements WHERE person_id = people.id AND speaker_gender = 'female'),
        male = (SELECT count(*) FROM statements WHERE person_id = people.id AND speaker_gender = 'male');
    CREATE TRIGGER statements_gender_insert AFTER INSERT ON statements BEGIN
        UPDATE people SET female = female + (ifnull(new.speaker_gender, '') = 'female'),
                          male = male + (ifnull(new.speaker_gender, '') = 'male') WHERE id = new.person_id;
    END;
    CREATE TRIGGER statements_gender_delete AFTER DELETE ON statements BEGIN
        UPDATE people SET female = female - (ifnull(old.speaker_gender, '') = 'female'),
                          male = male - (ifnull(old.speaker_gender, '') = 'male') WHERE id = old.person_id;
    END;
    CREATE TRIGGER statements_gender_update AFTER UPDATE OF person_id, speaker_gender ON statements BEGIN
        UPDATE people SET female = female - (ifnull(old.speaker_gender, '') = 'female'),
                          male = male - (ifnull(old.speaker_gender, '') = 'male') WHERE id = old.person_id;
        UPDATE people SET female = female + (ifnull(new.speaker_gender, '') = 'female'),
                          male = male + (ifnull(new.speaker_gender, '') = 'male') WHERE id = new.person_id;
    END;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
# Work a migration needs beyond SQL: version 2 links the articles already stored. It runs today's linking
# code, so it runs once every migration's SQL has made today's schema.
BACKFILLS = {2: merge.link_stored_articles, 4: merge.index_report_days}


BUSY_SECONDS = 30  # how long a connection waits for another process's lock before giving up


def use_wal(db: sqlite3.Connection) -> None:
    """Switch a store to WAL. The switch needs a lock SQLite's busy timeout does not wait for, so processes
    opening a new store at once retry here rather than fail with "database is locked"."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def store_uri(path: str, readonly: bool) -> str:
    """The SQLite URI of a store, its path quoted ('#' and '?' are legal in file names). Readers of a WAL store
    need its shared-memory file beside it; on a read-only filesystem that file cannot be made, so the store is
    opened as immutable, which it is there, unless a log holds unmerged writes."""
    resolved = Path(path).resolve()
    mode = "rwc"
    if readonly:
        log = resolved.with_name(resolved.name + "-wal")
        unmerged = log.exists() and log.stat().st_size > 0
        mode = "ro&immutable=1" if on_read_only_filesystem(resolved.parent) and not unmerged else "ro"
    return f"file:{quote(os.fsencode(resolved))}?mode={mode}"


def on_read_only_filesystem(folder: Path) -> bool:
    """Nobody can change a file there (a folder merely closed to this user may still be written by another)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


@dataclass(frozen=True)
class QuoteFilter:
    speaker: str | None = None
    search: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    kind: str | None = None
    limit: int | None = None
    offset: int = 0
    person_id: int | None = None


class Store:
    """An onrecord SQLite store; ``Store(path)`` creates or upgrades it."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = str(path)
        if readonly and not Path(self.path).exists():
            raise OnRecordError(f"{self.path}: no such store (run `onrecord ingest` first)")
        try:
            uri = store_uri(self.path, readonly)
            # A web request opens its store in one worker thread and uses it in another, one after the other.
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_SECONDS, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                use_wal(self.db)
                self.db.execute("PRAGMA synchronous = NORMAL")
                self.db.execute("PRAGMA cache_size = -65536")  # 64 MiB: linking reads keys and sketches all over the store
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
            raise self.made_by_newer(version)
        if version < SCHEMA_VERSION:
            if readonly:
                raise OnRecordError(f"{self.path}: store needs an upgrade; run `onrecord ingest` once to upgrade it")
            self.migrate(version)

    def made_by_newer(self, version: int) -> OnRecordError:
        return OnRecordError(f"{self.path}: made by a newer onrecord (schema {version}; this one knows {SCHEMA_VERSION})")

    def migrate(self, version: int) -> None:
        """Upgrade from ``version``, read again under the write lock: of two processes opening a new store at
        once, the second waits for the first and then finds nothing left to do."""
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:  # a newer onrecord made it meanwhile
                raise self.made_by_newer(version)
            for script in MIGRATIONS[version:]:
                for statement in split_script(script):
                    self.db.execute(statement)
            for number in range(version + 1, SCHEMA_VERSION + 1):
                if number in BACKFILLS:
                    BACKFILLS[number](self.db)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def whole_or_nothing(self) -> Iterator[None]:
        """Everything inside is stored whole or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException as error:
            if self.db.in_transaction:  # SQLite has rolled back by itself after some errors (a full disk)
                self.db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise OnRecordError(f"{self.path}: {write_failure(error)}; the batch being written was rolled back "
                                    "and everything stored before it is kept") from None
            raise

    transaction = contextmanager(whole_or_nothing)  # wrapped, not decorated: mutmut leaves decorated functions out

    # --- writing ---

    def has_input(self, fingerprint: str) -> bool:
        return self.db.execute("SELECT 1 FROM inputs WHERE fingerprint = ?", (fingerprint,)).fetchone() is not None

    def add(self, article: Article, statements: list[Statement], fingerprint: str | None = None,
            sketch: merge.Sketch | None = None, roles: dict[str, set[str]] | None = None) -> bool:
        """Store one article with its statements and link it to the corpus (call inside ``transaction``).

        Returns False if the article was stored before. ``sketch`` and ``roles`` are computed by the
        caller when it can do so in another process; a missing sketch is computed here.
        """
        new = self.db.execute(
            "INSERT OR IGNORE INTO articles (id, source, url, outlet, headline, author, published, text, ingested_at,"
            " headline_first) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, article.source, article.url, article.outlet, article.headline, article.author,
             article.published, article.text, time.time(), article.headline_first),
        ).rowcount == 1
        if fingerprint:
            self.db.execute("INSERT OR IGNORE INTO inputs (fingerprint, article_id) VALUES (?, ?)", (fingerprint, article.id))
        if not new:
            return False
        merge.link_copies(self.db, article, sketch or merge.sketch(article.text, article.headline_first))
        self.add_statements(article, statements, roles)
        return True

    def add_statements(self, article: Article, statements: list[Statement], roles: dict[str, set[str]] | None = None) -> None:
        people: dict[str, int | None] = {}
        for s in statements:
            person = self.person_of(s, people)
            statement_id = self.db.execute(
                "INSERT INTO statements (article_id, start, end, quote, kind, cue, person_id, speaker, speaker_type,"
                " speaker_mention, confidence, speaker_gender) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, s.start, s.end, s.quote, s.kind, s.cue, person, s.speaker, s.speaker_type,
                 s.speaker_mention, s.confidence, s.speaker_gender)).lastrowid
            merge.link_statement(self.db, statement_id, person, s.quote, article.published)
        merge.note_genders(self.db, {p for p in people.values() if p})
        for name, found in (roles or {}).items():
            if people.get(name):
                merge.link_roles(self.db, people[name], found, article.published)

    def replace_statements(self, article: Article, statements: list[Statement], roles: dict[str, set[str]] | None = None) -> None:
        """An article's statements extracted anew (call inside ``transaction``): the old ones, the merged
        statements and people left with none, go; the new ones are linked as ingest links them."""
        named = self.db.execute("SELECT DISTINCT person_id, speaker, speaker_type FROM statements WHERE article_id = ?"
                                " AND person_id IS NOT NULL", (article.id,)).fetchall()
        merged = [row[0] for row in self.db.execute("SELECT DISTINCT merged_id FROM statements WHERE article_id = ?", (article.id,))]
        self.db.execute("DELETE FROM statements WHERE article_id = ?", (article.id,))
        merge.unlink_article(self.db, article.id, article.text, article.published, named, [m for m in merged if m is not None])
        self.add_statements(article, statements, roles)
        merge.drop_people_without_statements(self.db, {person for person, _, _ in named})

    def stored_articles(self, page: int = 64) -> Iterator[sqlite3.Row]:
        """Every stored article, read a page at a time (by id), so writes may go on between pages."""
        last = ""
        while rows := self.db.execute("SELECT id, source, url, outlet, headline, author, published, text, headline_first"
                                      " FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, page)).fetchall():
            yield from rows
            last = rows[-1]["id"]

    def person_of(self, statement: Statement, people: dict[str, int | None]) -> int | None:
        if not statement.speaker or statement.speaker_type == "unknown":
            return None
        if statement.speaker not in people:
            people[statement.speaker] = merge.person_for(self.db, statement.speaker, statement.speaker_type)
        return people[statement.speaker]

    # --- reading ---

    def counts(self) -> dict[str, int]:
        counts = {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("articles", "statements", "people", "merged_statements")}
        counts["stories"] = self.db.execute("SELECT count(DISTINCT story) FROM articles").fetchone()[0]
        return counts

    def people_named(self, name: str) -> list[int]:
        """People whose name is ``name`` in any spelling; failing that (or for a single word, which may
        be the surname or given name of several people: 'Clinton'), whose name holds all its words."""
        key = person_key(name)
        rows = self.db.execute("SELECT DISTINCT person_id FROM person_keys WHERE key = ?", (key,)).fetchall()
        words = [person_key(word) for word in name.split() if person_key(word)]
        if words and (not rows or len(words) == 1):
            rows += self.db.execute("SELECT id FROM people WHERE type = 'person' AND "
                                    + " AND ".join(["instr(words, ?) > 0"] * len(words)),
                                    [f" {word} " for word in words]).fetchall()
        return sorted({row[0] for row in rows})

    def people_meant(self, name: str) -> list[sqlite3.Row]:
        """The people a name given by a user may mean, most quoted first: 'Clinton' -> Hillary Clinton, Bill Clinton, Clinton."""
        people = self.people_named(name)
        return self.db.execute(f"SELECT p.id, p.name, (SELECT count(*) FROM statements WHERE person_id = p.id) AS statements"
                               f" FROM people p WHERE p.id IN ({','.join('?' * len(people))}) ORDER BY statements DESC, p.name",
                               people).fetchall()

    def speaker_clause(self, column: str, speaker: str | None) -> tuple[list[str], list]:
        """The SQL condition (and its parameters) for statements by anyone ``speaker`` names."""
        if speaker is None:
            return [], []
        people = self.people_named(speaker)
        return [f"{column} IN ({','.join('?' * len(people)) or 'NULL'})"], list(people)

    def quotes(self, where: QuoteFilter) -> list[sqlite3.Row]:
        """Statements with their article and person, newest first."""
        clauses, params = self.speaker_clause("s.person_id", where.speaker)
        conditions = [
            ("s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)", where.search),
            ("a.published >= ?", where.since),
            ("a.published <= ?", where.until and where.until + "\uffff"),  # '2019', '2019-05': the whole year, month
            ("a.outlet = ? COLLATE NOCASE", where.outlet),
            ("s.kind = ?", where.kind),
            ("s.person_id = ?", where.person_id),
        ]
        for clause, value in conditions:
            if value:
                clauses.append(clause)
                params.append(value)
        sql = (QUOTE_COLUMNS + (" WHERE " + " AND ".join(clauses) if clauses else "")
               + " ORDER BY a.published IS NULL, a.published DESC, a.id, s.start")
        if where.limit:
            sql += " LIMIT ? OFFSET ?"
            params += [where.limit, where.offset]
        return self.searched(sql, params, where.search)

    def searched(self, sql: str, params: list, search: str | None) -> list[sqlite3.Row]:
        check_search(search)
        return self.db.execute(sql, params).fetchall()

    def apply_aliases(self, entries: list) -> int:
        with self.transaction():
            return merge.apply_aliases(self.db, entries)

    def merged_statements(self, speaker: str | None = None, search: str | None = None, min_outlets: int = 1,
                          limit: int | None = None, offset: int = 0, person_id: int | None = None,
                          merged_id: int | None = None, newest_first: bool = False) -> list[sqlite3.Row]:
        """One row per statement across articles: the fullest wording, first seen, how many articles and outlets."""
        clauses, params = self.speaker_clause("m.person_id", speaker)
        for clause, value in (("m.person_id = ?", person_id), ("m.id = ?", merged_id)):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if search:
            clauses.append("m.id IN (SELECT merged_id FROM statements WHERE id IN"
                           " (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?))")
            params.append(search)
        sql = MERGED_STATEMENTS.format(where=" WHERE " + " AND ".join(clauses) if clauses else "",
                                       order=NEWEST_FIRST if newest_first else BY_REACH)
        params.append(min_outlets)
        if limit:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self.searched(sql, params, search)

    def stories(self, min_articles: int = 1, limit: int = -1, offset: int = 0) -> list[sqlite3.Row]:
        return self.db.execute(STORIES.format(where="") + " LIMIT ? OFFSET ?", (min_articles, limit, offset)).fetchall()

    def people(self, limit: int = -1, offset: int = 0) -> list[sqlite3.Row]:
        return self.db.execute(PEOPLE.format(where="") + " LIMIT ? OFFSET ?", (limit, offset)).fetchall()

    def person(self, person_id: int) -> sqlite3.Row:
        return self.found(self.db.execute(PEOPLE.format(where=" WHERE p.id = ?"), (person_id,)).fetchone(), "person", person_id)

    def timeline(self, person_id: int) -> list[sqlite3.Row]:
        """Statements per month (dated articles only)."""
        return self.db.execute(
            "SELECT substr(a.published, 1, 7) AS month, count(*) AS statements FROM statements s JOIN articles a"
            " ON a.id = s.article_id WHERE s.person_id = ? AND a.published IS NOT NULL GROUP BY month ORDER BY month",
            (person_id,)).fetchall()

    def merged_statement(self, merged_id: int) -> sqlite3.Row:
        rows = self.merged_statements(merged_id=merged_id)
        return self.found(rows[0] if rows else None, "statement", merged_id)

    def reports(self, merged_id: int) -> list[sqlite3.Row]:
        """Every article that reported a statement, first reported first."""
        return self.db.execute(
            "SELECT a.id AS article_id, a.headline, a.outlet, a.published, a.url, s.quote, s.start, s.end, s.kind, s.cue,"
            " s.speaker_mention FROM statements s JOIN articles a ON a.id = s.article_id WHERE s.merged_id = ?"
            " ORDER BY a.published IS NULL, a.published, a.id, s.start", (merged_id,)).fetchall()

    def story(self, story_id: str) -> tuple[sqlite3.Row, list[sqlite3.Row]]:
        summary = self.found(self.db.execute(STORIES.format(where=" WHERE a.story = ?"), (story_id, 1)).fetchone(),
                             "story", story_id)
        articles = self.db.execute("SELECT id, headline, outlet, published, url, copy_group FROM articles WHERE story = ?"
                                   " ORDER BY published IS NULL, published, id", (story_id,)).fetchall()
        return summary, articles

    def found(self, row: sqlite3.Row | None, what: str, key: object) -> sqlite3.Row:
        if row is None:
            raise NotFound(f"no {what} {key!r} in {self.path}")
        return row

    def speakers(self) -> list[sqlite3.Row]:
        """Each person with their name variants, number of statements, first and last date, outlets."""
        return self.db.execute(SPEAKER_SUMMARY).fetchall()

    def article(self, id_prefix: str) -> sqlite3.Row:
        rows = self.db.execute("SELECT * FROM articles WHERE id >= ? AND id < ? LIMIT 2",
                               (id_prefix, id_prefix + "\uffff")).fetchall()
        if not rows:
            raise NotFound(f"no article with id {id_prefix!r} in {self.path}")
        if len(rows) > 1:
            raise AmbiguousId(f"{id_prefix!r} names more than one article; give more of its id")
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
           s.speaker_gender, s.confidence, a.published, a.outlet, a.headline, a.id AS article_id, a.url, s.start, s.end, s.person_id,
           s.merged_id
    FROM statements s JOIN articles a ON a.id = s.article_id LEFT JOIN people p ON p.id = s.person_id"""

SPEAKER_SUMMARY = """
    SELECT p.id, p.name, p.type,
           (SELECT group_concat(name, ' | ') FROM (SELECT name FROM person_names WHERE person_id = p.id ORDER BY uses DESC, name))
             AS variants,
           count(s.id) AS statements, min(a.published) AS first, max(a.published) AS last,
           group_concat(DISTINCT a.outlet) AS outlets
    FROM people p JOIN statements s ON s.person_id = p.id JOIN articles a ON a.id = s.article_id
    GROUP BY p.id ORDER BY statements DESC, p.name"""

MERGED_STATEMENTS = """
    SELECT m.id, m.quote, m.person_id, coalesce(p.name, 'unknown') AS speaker, min(a.published) AS first_seen,
           (SELECT s2.article_id FROM statements s2 JOIN articles a2 ON a2.id = s2.article_id WHERE s2.merged_id = m.id
            ORDER BY a2.published IS NULL, a2.published, a2.id LIMIT 1) AS first_article,
           count(DISTINCT a.id) AS articles, count(DISTINCT coalesce(a.outlet, a.id)) AS outlets,
           group_concat(DISTINCT a.outlet) AS outlet_names
    FROM merged_statements m JOIN statements s ON s.merged_id = m.id JOIN articles a ON a.id = s.article_id
         LEFT JOIN people p ON p.id = m.person_id{where}
    GROUP BY m.id HAVING outlets >= ? ORDER BY {order}"""
BY_REACH = "outlets DESC, articles DESC, first_seen IS NULL, first_seen, m.id"
NEWEST_FIRST = "first_seen IS NULL, first_seen DESC, m.id DESC"

STORIES = """
    SELECT a.story, min(a.published) AS first, max(a.published) AS last, count(*) AS articles,
           count(DISTINCT a.copy_group) AS copy_groups,
           (SELECT headline FROM articles h WHERE h.story = a.story ORDER BY h.published IS NULL, h.published, h.id LIMIT 1)
             AS headline,
           group_concat(DISTINCT a.outlet) AS outlets,
           (SELECT group_concat(name, ' | ') FROM (SELECT DISTINCT p.name FROM articles x JOIN statements s ON s.article_id = x.id
              JOIN people p ON p.id = s.person_id WHERE x.story = a.story ORDER BY p.name)) AS people
    FROM articles a{where} GROUP BY a.story HAVING articles >= ? ORDER BY articles DESC, first IS NULL, first, a.story"""

PEOPLE = """
    SELECT p.id, p.name, p.type, p.gender, p.wikidata,
           (SELECT group_concat(name, ' | ') FROM (SELECT name FROM person_names WHERE person_id = p.id AND uses > 0
              ORDER BY uses DESC, name)) AS variants,
           (SELECT group_concat(role || coalesce(' (' || first_seen || (CASE WHEN last_seen != first_seen
              THEN ' to ' || last_seen ELSE '' END) || ')', ''), ' | ')
            FROM (SELECT * FROM person_roles WHERE person_id = p.id ORDER BY articles DESC, role)) AS roles,
           (SELECT count(*) FROM statements WHERE person_id = p.id) AS statements,
           (SELECT count(DISTINCT merged_id) FROM statements WHERE person_id = p.id) AS distinct_statements,
           (SELECT count(DISTINCT article_id) FROM statements WHERE person_id = p.id) AS articles
    FROM people p{where} ORDER BY statements DESC, p.name"""

EXPORTS = {  # each table's rows, in a stable order; the columns are chosen by the caller
    "articles": "SELECT {columns} FROM articles ORDER BY id",
    "merged_statements": "SELECT {columns} FROM (SELECT m.id, m.person_id, m.quote, min(a.published) AS first_seen,"
                         " count(DISTINCT a.id) AS articles, count(DISTINCT coalesce(a.outlet, a.id)) AS outlets"
                         " FROM merged_statements m JOIN statements s ON s.merged_id = m.id"
                         " JOIN articles a ON a.id = s.article_id GROUP BY m.id) ORDER BY id",
    "statements": "SELECT {columns} FROM statements ORDER BY article_id, start",
    "people": "SELECT {columns} FROM (" + PEOPLE.format(where="") + ")",
}


@dataclass
class Segment:
    """A piece of an article's text: plain, or a statement shown in its speaker's colour."""

    text: str
    statement: dict | sqlite3.Row | None = None
    colour: int = 0


def write_failure(error: sqlite3.Error) -> str:
    if getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" or "disk is full" in str(error):
        return "the disk is full; free some space and rerun to continue"
    return f"cannot write to the store ({error})"


def segments(text: str, statements: list, colours: int) -> tuple[list[Segment], dict[str, int]]:
    """The article text cut into plain and statement pieces, with a colour (of ``colours``) per speaker;
    a statement inside one already shown keeps the outer colour."""
    by_speaker: dict[str, int] = {}
    pieces, at = [], 0
    for s in sorted(statements, key=lambda s: (s["start"], -s["end"])):
        start = max(s["start"], at)
        if start >= s["end"]:
            continue
        colour = by_speaker.setdefault(s["person"] or "unknown speaker", len(by_speaker) % colours)
        pieces += [Segment(text[at:start]), Segment(text[start:s["end"]], s, colour)]
        at = s["end"]
    pieces.append(Segment(text[at:]))
    return pieces, by_speaker


def check_search(search: str | None) -> None:
    """Refuse a full-text query SQLite cannot parse. It is tried on an empty table of the store's columns, so
    a failing store (a disk error, a locked file) is never reported as the user's mistake."""
    if not search:
        return
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE VIRTUAL TABLE statements_fts USING fts5(quote)")
        try:
            db.execute("SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?", (search,)).fetchall()
        except sqlite3.Error as error:
            raise InvalidSearch(f"search {search!r} is not a valid full-text query ({error}); "
                                'put a phrase in double quotes: "tax cuts"') from None


def split_script(script: str) -> list[str]:
    """Statements of a migration script (triggers hold semicolons, so split where sqlite3 says one is complete)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s.strip(" \n;")]
