"""Store stage: articles, statements and people in one SQLite file (no server).

- ``schema``: the tables and their migrations, and how a store file is opened;
- ``linking``: each new article linked to what the store holds, with the rules of ``onrecord.link``;
- ``queries``: the read side.

WAL mode lets readers query while one writer ingests.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from ..errors import OnRecordError
from ..link import copies as link_copies
from ..link.copies import Sketch
from ..link.outlets import OutletEntry, fold_outlets
from ..model import Article, NamedPerson, Statement
from ..names import roles as person_roles
from . import linking
from .audit import Audit
from .queries import NAMED_ARTICLES, Queries, QuoteFilter, RolesText, fts_query
from .schema import APPLICATION_ID, BUSY_SECONDS, MIGRATIONS, SCHEMA_VERSION, BACKFILLS, split_script, store_uri, use_wal

__all__ = ["Store", "QuoteFilter", "fts_query", "APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "split_script"]


class Store(Queries, Audit):
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
            self.db.create_aggregate("roles_text", 4, RolesText)
            if not readonly:
                use_wal(self.db)
                self.db.execute("PRAGMA synchronous = NORMAL")
                self.db.execute("PRAGMA cache_size = -65536")  # 64 MiB: linking reads keys and sketches all over the store
            self.check_and_migrate(readonly)
            self.db.execute(NAMED_ARTICLES)
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
            pending = [BACKFILLS[number] for number in range(version + 1, SCHEMA_VERSION + 1) if number in BACKFILLS]
            if pending:
                pending[0](self.db)  # each links again with today's rules, an earlier one at least what a later one does
            for (article_id,) in self.db.execute("SELECT DISTINCT o.article_id FROM outlet_passages o JOIN boilerplate b"
                                                 " ON b.outlet = o.outlet AND b.key = o.key").fetchall():
                self.drop_boilerplate_statements(article_id)  # linked again, a store may find boilerplate it had stored
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
            sketch: Sketch | None = None, roles: dict[str, set[str]] | None = None,
            people: list[NamedPerson] | None = None) -> bool:
        """Store one article with its statements and the people it names (``people``, see pipeline.Extracted)
        and link it to the corpus (call inside ``transaction``).

        Returns False if the article was stored before. ``sketch`` and ``roles`` are computed by the
        caller when it can do so in another process; a missing sketch is computed here. Statements in
        the outlet's boilerplate are not stored, here or in the articles where it was printed before.
        """
        new = self.db.execute(
            "INSERT OR IGNORE INTO articles (id, source, url, outlet, headline, author, published, text, ingested_at,"
            " headline_first, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, article.source, article.url, article.outlet, article.headline, article.author,
             article.published, article.text, time.time(), article.headline_first, article.source_id),
        ).rowcount == 1
        if fingerprint:
            self.db.execute("INSERT OR IGNORE INTO inputs (fingerprint, article_id) VALUES (?, ?)", (fingerprint, article.id))
        if not new:
            return False
        sketch = sketch or link_copies.sketch(article.text, article.headline_first)
        revealed = linking.link_copies(self.db, article, sketch)
        self.add_statements(article, self.outside_boilerplate(article.id, statements), roles, people)
        for other in sorted(revealed):
            self.drop_boilerplate_statements(other)
        if revealed:
            linking.unlink_boilerplate_copies(self.db, revealed | {article.id})
        return True

    def outside_boilerplate(self, article_id: str, statements: list[Statement]) -> list[Statement]:
        if not statements:
            return statements
        spans = [(p.start, p.end) for p in linking.boilerplate_of(self.db, article_id)]
        return [s for s in statements if link_copies.outside(spans, s.start, s.end)]

    def drop_boilerplate_statements(self, article_id: str) -> None:
        """Take back the statements an article had in what is now known to be its outlet's boilerplate."""
        row = self.db.execute("SELECT text, published, headline_first FROM articles WHERE id = ?", (article_id,)).fetchone()
        stored = [Statement(r["quote"], r["start"], r["end"], r["kind"], r["cue"], r["speaker"], r["speaker_type"],
                            r["speaker_mention"], r["confidence"], article_id, r["speaker_gender"])
                  for r in self.db.execute("SELECT * FROM statements WHERE article_id = ? ORDER BY start", (article_id,))]
        kept = self.outside_boilerplate(article_id, stored)
        if len(kept) < len(stored):
            article = Article(row["text"], id=article_id, published=row["published"], headline_first=bool(row["headline_first"]))
            names = {s.speaker for s in kept if s.speaker and s.speaker_type == "person"}
            self.replace_statements(article, kept, person_roles(article.text, names))

    def add_statements(self, article: Article, statements: list[Statement], roles: dict[str, set[str]] | None = None,
                       named: list[NamedPerson] | None = None) -> None:
        """``named``: the article's people (None: those stored for it), written before the genders are noted."""
        linking.note_article_people(self.db, article.id, named, statements)
        people: dict[str, int | None] = {}
        for s in statements:
            person = self.person_of(s, people)
            statement_id = self.db.execute(
                "INSERT INTO statements (article_id, start, end, quote, kind, cue, person_id, speaker, speaker_type,"
                " speaker_mention, confidence, speaker_gender) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, s.start, s.end, s.quote, s.kind, s.cue, person, s.speaker, s.speaker_type,
                 s.speaker_mention, s.confidence, s.speaker_gender)).lastrowid
            linking.link_statement(self.db, statement_id, person, s.quote, s.kind, article.published, article.id)
        linking.note_genders(self.db, {p for p in people.values() if p})
        for name, found in (roles or {}).items():
            if people.get(name):
                linking.link_roles(self.db, people[name], found, article.published)

    def replace_statements(self, article: Article, statements: list[Statement], roles: dict[str, set[str]] | None = None,
                           people: list[NamedPerson] | None = None) -> None:
        """An article's statements extracted anew (call inside ``transaction``): the old ones, the merged
        statements and people left with none, go; the new ones are linked as ingest links them. The article's
        people are replaced by ``people`` (None: those stored stay, marked quoted again by the new statements)."""
        named = self.db.execute("SELECT DISTINCT person_id, speaker, speaker_type FROM statements WHERE article_id = ?"
                                " AND person_id IS NOT NULL", (article.id,)).fetchall()
        merged = [row[0] for row in self.db.execute("SELECT DISTINCT merged_id FROM statements WHERE article_id = ?", (article.id,))]
        self.db.execute("DELETE FROM statements WHERE article_id = ?", (article.id,))
        linking.unlink_article(self.db, article.text, named, [m for m in merged if m is not None])
        self.add_statements(article, self.outside_boilerplate(article.id, statements), roles, people)
        linking.drop_people_without_statements(self.db, {person for person, _, _ in named})

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
            people[statement.speaker] = linking.person_of_name(self.db, statement.speaker, statement.speaker_type)
        return people[statement.speaker]

    def name_outlets(self, entries: list[OutletEntry] | None = None) -> None:
        """Name the outlet of every stored spelling (``entries``: a new outlets file, kept for later runs)."""
        with self.transaction():
            if entries is not None:
                self.db.execute("DELETE FROM outlet_file")
                self.db.execute("INSERT INTO outlet_file (entries) VALUES (?)", (json.dumps([asdict(e) for e in entries]),))
            stored = self.db.execute("SELECT entries FROM outlet_file").fetchone()
            known = [OutletEntry(**entry) for entry in json.loads(stored[0])] if stored else []
            spellings = dict(self.db.execute("SELECT outlet, count(*) FROM articles WHERE outlet IS NOT NULL GROUP BY outlet"))
            self.db.execute("DELETE FROM outlet_names")
            self.db.executemany("INSERT INTO outlet_names (spelling, name) VALUES (?, ?)",
                                sorted(fold_outlets(spellings, known).items()))

    def apply_aliases(self, entries: list) -> int:
        with self.transaction():
            return linking.apply_aliases(self.db, entries)



def write_failure(error: sqlite3.Error) -> str:
    if getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" or "disk is full" in str(error):
        return "the disk is full; free some space and rerun to continue"
    return f"cannot write to the store ({error})"
