"""The store's schema: versioned with ``PRAGMA user_version``, each entry of MIGRATIONS moving a store one
version on, inside a transaction; and how a store file is opened (WAL, read-only filesystems)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from . import linking

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
    # 5: the linking rules of onrecord.link. Copy groups are kept as their links; an outlet's passages are
    # recorded, to find its boilerplate; a merged statement keeps each of its wordings, indexed by every
    # 4-gram; a person's name is chosen from every name used (the type of each kept), or given by an aliases file.
    """
    ALTER TABLE articles ADD COLUMN source_id TEXT;  -- the input record's own id, when it had one
    CREATE TABLE copy_pairs (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        other_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (article_id, other_id)
    ) WITHOUT ROWID;
    CREATE TABLE outlet_passages (
        outlet TEXT NOT NULL,
        key INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        PRIMARY KEY (outlet, key, article_id, start)
    ) WITHOUT ROWID;
    CREATE INDEX outlet_passages_article ON outlet_passages(article_id);
    CREATE TABLE boilerplate (outlet TEXT NOT NULL, key INTEGER NOT NULL, PRIMARY KEY (outlet, key)) WITHOUT ROWID;
    CREATE TABLE merged_wordings (
        merged_id INTEGER NOT NULL REFERENCES merged_statements(id) ON DELETE CASCADE,
        norm TEXT NOT NULL,
        PRIMARY KEY (merged_id, norm)
    ) WITHOUT ROWID;
    CREATE INDEX quote_fingerprints_merged ON quote_fingerprints(merged_id);
    ALTER TABLE person_names ADD COLUMN type TEXT;
    UPDATE person_names SET type = (SELECT type FROM people WHERE id = person_id);
    ALTER TABLE people ADD COLUMN given_name TEXT;  -- the name an aliases file gave
    -- One outlet per publisher: each spelling an article gave, named by link.outlets (made again after each
    -- ingest, from every spelling stored and the user's outlets file, kept here as JSON).
    CREATE TABLE outlet_names (spelling TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE outlet_file (entries TEXT NOT NULL);
    UPDATE people SET given_name = name WHERE wikidata IS NOT NULL;
    """,
    # 6: the people each article names, quoted (the speaker of one of its statements) or only mentioned, with the
    # gender the article gives them and where it comes from ('text': its titles, nouns and pronouns; 'names': the
    # first-name table); and where a person's gender comes from (link.people.gender_source), or the gender an
    # aliases file gives them. An older store gets the table empty: `onrecord ingest --reprocess` fills it, each
    # article's rows replaced with its statements (Store.replace_statements).
    """
    CREATE TABLE article_people (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        key TEXT NOT NULL,  -- names.person_key(name), as person_keys holds it
        name TEXT NOT NULL,
        quoted INTEGER NOT NULL,
        gender TEXT CHECK (gender IN ('female', 'male')),
        gender_source TEXT CHECK (gender_source IN ('text', 'names')),
        PRIMARY KEY (article_id, key)
    ) WITHOUT ROWID;
    CREATE INDEX article_people_key ON article_people(key);
    ALTER TABLE people ADD COLUMN given_gender TEXT;  -- the gender an aliases file gave
    ALTER TABLE people ADD COLUMN gender_source TEXT;  -- 'aliases', 'text', 'names'; NULL until its person is linked again
    """,
    # 7: quote variants (onrecord.link.variants): each report classed against its statement's first report
    # (variant, with the words changed as JSON edits) and against its fullest wording; the statement's first
    # report and the kind its fullest wording was reported as. Statements are merged again (a reported wording
    # now joins the quotation it paraphrases) and classed by the backfill.
    """
    ALTER TABLE statements ADD COLUMN variant TEXT
        CHECK (variant IN ('same', 'shortened', 'extended', 'altered', 'paraphrased'));
    ALTER TABLE statements ADD COLUMN edits TEXT;
    ALTER TABLE statements ADD COLUMN fullest_variant TEXT
        CHECK (fullest_variant IN ('same', 'shortened', 'extended', 'altered', 'paraphrased'));
    CREATE INDEX statements_variant ON statements(variant, merged_id) WHERE variant != 'same';
    ALTER TABLE merged_statements ADD COLUMN first_id INTEGER;  -- the statement that reported it first
    ALTER TABLE merged_statements ADD COLUMN fullest_kind TEXT;  -- the kind its fullest wording was reported as
    """,
    # 8: a known speaker's wordings are also found as paraphrases by their content words in the week of each
    # report (link.statements.content_keys); the backfill adds those keys. No table changes.
    "",
]
SCHEMA_VERSION = len(MIGRATIONS)
# Work a migration needs beyond SQL: versions 5 and 7 link the articles already stored again (7 for its statements,
# but the stories their old merges made go too), with today's rules, so it runs once every migration's SQL has
# made today's schema; 8 adds keys that linking again would write too.
BACKFILLS = {5: linking.link_stored_articles, 7: linking.link_stored_articles, 8: linking.index_stored_wordings}


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




def split_script(script: str) -> list[str]:
    """Statements of a migration script (triggers hold semicolons, so split where sqlite3 says one is complete)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s.strip(" \n;")]
