"""Linking writes: each new article linked to what the store holds, with the rules of ``onrecord.link``.

The store fetches candidates with SQL, asks the rules, and writes the answer; the corpus is never
recomputed: each article joins the groups it belongs to as it arrives. Copy groups and stories are kept
as the connected groups of their links (named by their smallest article id), so a passage found to be
boilerplate later takes back the links it made.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from functools import cache

from ..link import people as people_rules
from ..link import statements as statement_rules
from ..link import variants as variant_rules
from ..link.copies import (MAX_KEY_ARTICLES, Passage, Sketch, are_copies, content_of, is_outlet_boilerplate,
                           sketch)
from ..link.order import report_order
from ..link.people import article_people_rows, gender_source, person_for, person_gender
from ..link.statements import link_report, normalise_quote
from ..link.stories import close_in_time, components, report_day, report_links, story_window
from ..model import Article, NamedPerson, Statement
from ..names import person_key, roles

# --- copies and stories ---


def link_copies(db: sqlite3.Connection, article: Article, article_sketch: Sketch) -> set[str]:
    """Store the sketch; link the article to every stored article it is a copy of. Returns the articles
    whose boilerplate this article revealed (a passage of their outlet now known to be furniture)."""
    article_id = article.id
    candidates: set[str] = set()
    for key in sorted(set(article_sketch.keys)):
        rows = db.execute("SELECT article_id FROM article_keys WHERE key = ? LIMIT ?", (key, MAX_KEY_ARTICLES + 1)).fetchall()
        if len(rows) <= MAX_KEY_ARTICLES:
            candidates.update(row[0] for row in rows)
    store_sketch(db, article_id, article_sketch)
    revealed = note_passages(db, article, article_sketch.passages)
    # made once, and only if a candidate gets past the MinHash screen
    content = cache(lambda: content_of(article.text, article.headline_first, boilerplate_of(db, article_id)))
    copies = [c for c in sorted(candidates)
              if are_copies(article_sketch, stored_sketch(db, c), content, cache(lambda c=c: stored_content(db, c)))]
    db.execute("UPDATE articles SET copy_group = ?, story = ? WHERE id = ?", (article_id, article_id, article_id))
    db.executemany("INSERT OR IGNORE INTO copy_pairs (article_id, other_id) VALUES (?, ?)",
                   [tuple(sorted((article_id, c))) for c in copies])
    if copies:
        join(db, "copy_group", [article_id, *copies])
        close = [c for c in copies if close_in_time(article.published, published_of(db, c))]
        join(db, "story", [article_id, *close])
    return revealed


def store_sketch(db: sqlite3.Connection, article_id: str, article_sketch: Sketch) -> None:
    """What later articles find this one by: its MinHash signature, and its band and passage keys."""
    db.execute("INSERT INTO article_sketches (article_id, shingles, signature) VALUES (?, ?, ?)",
               (article_id, article_sketch.shingles, article_sketch.signature))
    db.executemany("INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?, ?)",
                   [(key, article_id) for key in sorted(set(article_sketch.keys))])


def note_passages(db: sqlite3.Connection, article: Article, found: Iterable[Passage]) -> set[str]:
    """Record where the article's outlet printed each passage; a passage that this makes the outlet's
    boilerplate is recorded as such, and the other articles that carry it are returned."""
    if not article.outlet:
        return set()
    found = list(found)
    db.executemany("INSERT OR IGNORE INTO outlet_passages (outlet, key, article_id, start, end) VALUES (?, ?, ?, ?, ?)",
                   [(article.outlet, p.key, article.id, p.start, p.end) for p in found])
    revealed: set[str] = set()
    for key in sorted({p.key for p in found}):
        if db.execute("SELECT 1 FROM boilerplate WHERE outlet = ? AND key = ?", (article.outlet, key)).fetchone():
            continue
        carriers = db.execute("SELECT DISTINCT o.article_id, a.published FROM outlet_passages o JOIN articles a"
                              " ON a.id = o.article_id WHERE o.outlet = ? AND o.key = ?", (article.outlet, key)).fetchall()
        if is_outlet_boilerplate(published for _, published in carriers):
            db.execute("INSERT INTO boilerplate (outlet, key) VALUES (?, ?)", (article.outlet, key))
            revealed.update(a for a, _ in carriers if a != article.id)
    return revealed


def boilerplate_of(db: sqlite3.Connection, article_id: str) -> list[Passage]:
    """The passages of a stored article that are its outlet's boilerplate."""
    return [Passage(start, end, key) for key, start, end in db.execute(
        "SELECT o.key, o.start, o.end FROM outlet_passages o JOIN articles a ON a.id = o.article_id AND a.outlet = o.outlet"
        " JOIN boilerplate b ON b.outlet = o.outlet AND b.key = o.key WHERE o.article_id = ?", (article_id,))]


def stored_sketch(db: sqlite3.Connection, article_id: str) -> Sketch:
    shingles, signature = db.execute("SELECT shingles, signature FROM article_sketches WHERE article_id = ?", (article_id,)).fetchone()
    return Sketch(shingles, signature, ())


def stored_content(db: sqlite3.Connection, article_id: str) -> str:
    text, headline_first = db.execute("SELECT text, headline_first FROM articles WHERE id = ?", (article_id,)).fetchone()
    return content_of(text, bool(headline_first), boilerplate_of(db, article_id))


def published_of(db: sqlite3.Connection, article_id: str) -> str | None:
    return db.execute("SELECT published FROM articles WHERE id = ?", (article_id,)).fetchone()[0]


def join(db: sqlite3.Connection, column: str, article_ids: list[str]) -> None:
    """Put the articles' groups together under the smallest id, so the result never depends on ingest order."""
    marks = ",".join("?" * len(article_ids))
    groups = sorted({row[0] for row in db.execute(f"SELECT {column} FROM articles WHERE id IN ({marks})", article_ids)})
    if len(groups) > 1:
        db.execute(f"UPDATE articles SET {column} = ? WHERE {column} IN ({','.join('?' * (len(groups) - 1))})",
                   [groups[0], *groups[1:]])


def unlink_boilerplate_copies(db: sqlite3.Connection, articles: set[str]) -> None:
    """Check again, without their boilerplate, the copy links of articles whose boilerplate became known;
    then their copy groups and stories are made again from the links that hold."""
    for first, second in db.execute(
            f"SELECT article_id, other_id FROM copy_pairs WHERE article_id IN ({marks(articles)}) OR other_id IN ({marks(articles)})",
            [*sorted(articles), *sorted(articles)]).fetchall():
        if not are_copies(stored_sketch(db, first), stored_sketch(db, second), lambda: stored_content(db, first),
                          lambda: stored_content(db, second)):
            db.execute("DELETE FROM copy_pairs WHERE article_id = ? AND other_id = ?", (first, second))
    regroup(db, "copy_group", articles)
    regroup(db, "story", articles)


def marks(values) -> str:
    return ",".join("?" * len(values))


def regroup(db: sqlite3.Connection, column: str, articles: set[str]) -> None:
    """Make again the copy groups (or stories) the articles are in, from their links."""
    groups = sorted({row[0] for row in db.execute(f"SELECT {column} FROM articles WHERE id IN ({marks(articles)})", sorted(articles))})
    members = dict(db.execute(f"SELECT id, published FROM articles WHERE {column} IN ({marks(groups)})", groups).fetchall())
    links = [(a, b) for a, b in db.execute(
        f"SELECT article_id, other_id FROM copy_pairs WHERE article_id IN ({marks(members)})", sorted(members))
        if b in members and (column == "copy_group" or close_in_time(members[a], members[b]))]
    if column == "story":
        links += statement_links(db, members)
    for article, group in components(members, links).items():
        db.execute(f"UPDATE articles SET {column} = ? WHERE id = ?", (group, article))


def statement_links(db: sqlite3.Connection, members: dict[str, str | None]) -> list[tuple[str, str]]:
    """The story links between the articles that report each statement one of ``members`` reports."""
    reports: dict[int, set[tuple[str, str | None]]] = {}
    for merged, article, published in db.execute(
            "SELECT s.merged_id, a.id, a.published FROM statements s JOIN articles a ON a.id = s.article_id"
            f" WHERE s.merged_id IN (SELECT merged_id FROM statements WHERE article_id IN ({marks(members)}))", sorted(members)):
        reports.setdefault(merged, set()).add((article, published))
    return [link for found in reports.values() for link in report_links(found)]


def link_stored_articles(db: sqlite3.Connection) -> None:
    """Link every stored article again with today's rules (a store made before them), in the one report order."""
    for table in ("article_sketches", "article_keys", "copy_pairs", "outlet_passages", "boilerplate"):
        db.execute(f"DELETE FROM {table}")
    unmerge_statements(db)
    rows = db.execute("SELECT id, text, headline_first, published, outlet FROM articles ORDER BY id").fetchall()
    for article_id, text, headline_first, published, outlet in rows:
        article = Article(text, id=article_id, published=published, headline_first=bool(headline_first), outlet=outlet)
        revealed = link_copies(db, article, sketch(text, article.headline_first))
        if revealed:
            unlink_boilerplate_copies(db, revealed | {article_id})
    merge_stored_statements(db)
    for (person,) in db.execute("SELECT id FROM people").fetchall():
        SqlPeople(db).rename(person)


def unmerge_statements(db: sqlite3.Connection) -> None:
    for table in ("statement_days", "quote_fingerprints", "merged_wordings"):
        db.execute(f"DELETE FROM {table}")
    db.execute("UPDATE statements SET merged_id = NULL")
    db.execute("DELETE FROM merged_statements")


def merge_stored_statements(db: sqlite3.Connection) -> None:
    """Merge and class every stored statement, in the one report order."""
    statements = db.execute("SELECT s.id, s.person_id, s.quote, s.kind, a.published, a.id, s.start FROM statements s"
                            " JOIN articles a ON a.id = s.article_id").fetchall()
    for statement_id, person_id, quote, kind, published, article_id, _ in sorted(
            statements, key=lambda r: report_order(r[4], r[5], r[6])):
        link_statement(db, statement_id, person_id, quote, kind, published, article_id)


# --- one statement per quote ---


class SqlStatements:
    """The store's StatementIndex: merged_statements, their wordings, and the keys of each wording (its
    4-grams, and for a reported wording its content words). ``reshaped`` tells whether a statement was
    joined to another or given a new fullest wording, so its reports are classed again."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.reshaped = False
        self.new: set[int] = set()  # statements started here and joined with none

    def candidates(self, person: int, keys: list[int], least: int = 1) -> set[int]:
        shared: dict[int, int] = {}
        keys = sorted(set(keys))
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            for merged, count in self.db.execute(
                    f"SELECT merged_id, count(*) FROM quote_fingerprints WHERE person = ? AND fingerprint IN ({marks(chunk)})"
                    " GROUP BY merged_id", [person, *chunk]):
                shared[merged] = shared.get(merged, 0) + count
        return {merged for merged, count in shared.items() if count >= least}

    def wordings(self, merged: int) -> Iterator[str]:
        yield self.db.execute("SELECT norm FROM merged_statements WHERE id = ?", (merged,)).fetchone()[0]
        for (norm,) in self.db.execute("SELECT norm FROM merged_wordings WHERE merged_id = ?", (merged,)).fetchall():
            yield norm

    def reports_within(self, merged: int, day: str) -> list[tuple[str, str]]:
        sql = ("SELECT DISTINCT s.quote, s.kind, a.published FROM statements s JOIN articles a ON a.id = s.article_id"
               " WHERE s.merged_id = ?")
        params: list = [merged]
        if day:  # SQL narrows to the window (and what has no day); close_in_time decides, as everywhere
            sql += (" AND (a.published IS NULL OR substr(a.published, 1, 10) BETWEEN ? AND ?"
                    " OR a.published NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*')")
            params += story_window(day)
        rows = self.db.execute(sql, params).fetchall()
        return sorted({(quote, kind) for quote, kind, published in rows if close_in_time(day, published)})

    def new_statement(self, person: int) -> int:
        merged = self.db.execute("INSERT INTO merged_statements (person_id, quote, norm) VALUES (?, '', '')",
                                 (person or None,)).lastrowid
        self.new.add(merged)
        return merged

    def add_wording(self, merged: int, person: int, quote: str, norm: str, kind: str, day: str) -> None:
        if self.db.execute("INSERT OR IGNORE INTO merged_wordings (merged_id, norm) VALUES (?, ?)", (merged, norm)).rowcount:
            keys = statement_rules.wording_keys(quote, norm, kind, person, day)
        else:  # a wording met before: only its content keys may be new (reported now, directly before, or another week)
            keys = statement_rules.content_keys(quote, kind, day) if person else []
        self.db.executemany("INSERT OR IGNORE INTO quote_fingerprints (person, fingerprint, merged_id) VALUES (?, ?, ?)",
                            [(person, key, merged) for key in set(keys)])
        self.show_fullest(merged, [(quote, kind)])

    def add_report(self, merged: int, quote: str, kind: str, day: str) -> None:
        pass  # the report is the statement row itself, given its merged_id by link_statement

    def show_fullest(self, merged: int, wordings: list[tuple[str, str]]) -> None:
        current = tuple(self.db.execute("SELECT quote, fullest_kind FROM merged_statements WHERE id = ?", (merged,)).fetchone())
        best = statement_rules.fullest(w for w in [current, *wordings] if w[0] and w[1])
        if best != current:
            self.db.execute("UPDATE merged_statements SET quote = ?, norm = ?, fullest_kind = ? WHERE id = ?",
                            (best[0], normalise_quote(best[0]), best[1], merged))
            self.reshaped = True

    def absorb(self, merged: int, other: int) -> None:
        self.db.execute("UPDATE statements SET merged_id = ? WHERE merged_id = ?", (merged, other))
        self.db.execute("INSERT OR IGNORE INTO merged_wordings (merged_id, norm) SELECT ?, norm FROM merged_wordings"
                        " WHERE merged_id = ?", (merged, other))
        self.db.execute("INSERT OR IGNORE INTO quote_fingerprints (person, fingerprint, merged_id) SELECT person, fingerprint, ?"
                        " FROM quote_fingerprints WHERE merged_id = ?", (merged, other))
        self.show_fullest(merged, [tuple(self.db.execute("SELECT quote, fullest_kind FROM merged_statements WHERE id = ?",
                                                         (other,)).fetchone())])
        join_days(self.db, merged, other)
        self.db.execute("DELETE FROM merged_statements WHERE id = ?", (other,))
        self.reshaped = True
        self.new.clear()


def index_stored_wordings(db: sqlite3.Connection) -> None:
    """Each merged statement's wordings (its reports' quotes, normalised) and their keys, under its person, as
    linking the reports writes them: for a restored store, and for one made before schema 8 (which has the
    content keys of any day, not of each report's week)."""
    index = SqlStatements(db)
    for merged, person, quote, kind, published in stored_reports(db, "s.merged_id, s.person_id, s.quote, s.kind, a.published"):
        index.add_wording(merged, person or 0, quote, normalise_quote(quote), kind, report_day(published))


def stored_reports(db: sqlite3.Connection, columns: str, order: str = "s.id") -> Iterator[tuple]:
    """The statements that report a merged statement, with their articles, read in pages."""
    cursor = db.execute(f"SELECT {columns} FROM statements s JOIN articles a ON a.id = s.article_id"
                        f" WHERE s.merged_id IS NOT NULL ORDER BY {order}")
    while rows := cursor.fetchmany(1000):
        yield from rows


def link_statement(db: sqlite3.Connection, statement_id: int, person_id: int | None, quote: str, kind: str,
                   published: str | None, article_id: str) -> None:
    """Join the statement to the same quote by the same person, or start a new merged statement, and class
    its report (and, when the statement changed shape, all of its reports)."""
    index = SqlStatements(db)
    merged = link_report(index, person_id or 0, quote, kind, report_day(published))
    db.execute("UPDATE statements SET merged_id = ? WHERE id = ?", (merged, statement_id))
    add_report(db, merged, report_day(published), article_id)
    if merged in index.new:  # its one report: its first, its fullest wording, the same as both
        db.execute("UPDATE merged_statements SET first_id = ? WHERE id = ?", (statement_id, merged))
        write_variants(db, [(statement_id, variant_rules.Variant("same"), variant_rules.Variant("same"))])
    else:
        note_variant(db, merged, statement_id, index.reshaped)


def note_variant(db: sqlite3.Connection, merged: int, statement_id: int, reshaped: bool) -> None:
    """Class a new report against its statement's first report and fullest wording. When the statement
    changed shape, or the new report comes first and is worded otherwise than the old first, every report is
    classed again; a statement reported many times the same way costs each new report one classing."""
    if reshaped:
        class_reports(db, merged)
        return
    row = db.execute(REPORT_AND_FIRST, (merged, statement_id)).fetchone()
    if row["first_id"] is None:
        class_reports(db, merged)
        return
    report = variant_rules.Wording(row["quote"], row["kind"])
    first = variant_rules.Wording(row["first_quote"], row["first_kind"])
    if report_order(row["published"], row["article_id"], row["start"]) < report_order(
            row["first_published"], row["first_article"], row["first_start"]):
        db.execute("UPDATE merged_statements SET first_id = ? WHERE id = ?", (statement_id, merged))
        if report != first:  # the others are classed against the new first
            class_reports(db, merged)
            return
        first = report
    classed = variant_rules.report_variants(report, first, variant_rules.Wording(row["fullest"], row["fullest_kind"]))
    write_variants(db, [(statement_id, *classed)])


# A new report of a statement and the statement's first report, with what orders and classes them.
REPORT_AND_FIRST = """
    SELECT s.quote, s.kind, a.published, a.id AS article_id, s.start, m.first_id, m.quote AS fullest, m.fullest_kind,
           f.quote AS first_quote, f.kind AS first_kind, fa.published AS first_published, fa.id AS first_article,
           f.start AS first_start
    FROM statements s JOIN articles a ON a.id = s.article_id JOIN merged_statements m ON m.id = ?
         LEFT JOIN statements f ON f.id = m.first_id LEFT JOIN articles fa ON fa.id = f.article_id
    WHERE s.id = ?"""


def class_reports(db: sqlite3.Connection, merged: int) -> None:
    """Class every report of a statement against its first report and its fullest wording."""
    rows = db.execute("SELECT s.id, s.quote, s.kind, a.published, a.id, s.start FROM statements s JOIN articles a"
                      " ON a.id = s.article_id WHERE s.merged_id = ?", (merged,)).fetchall()
    if not rows:
        return
    first = min(rows, key=lambda r: report_order(r[3], r[4], r[5]))
    fullest, fullest_kind = db.execute("SELECT quote, fullest_kind FROM merged_statements WHERE id = ?", (merged,)).fetchone()
    reports = [variant_rules.Wording(quote, kind) for _, quote, kind, *_ in rows]
    classed = variant_rules.statement_variants(reports, variant_rules.Wording(first[1], first[2]),
                                               variant_rules.Wording(fullest, fullest_kind))
    db.execute("UPDATE merged_statements SET first_id = ? WHERE id = ?", (first[0], merged))
    write_variants(db, [(row[0], *pair) for row, pair in zip(rows, classed)])


def write_variants(db: sqlite3.Connection, classed: list[tuple[int, variant_rules.Variant, variant_rules.Variant]]) -> None:
    db.executemany("UPDATE statements SET variant = ?, edits = ?, fullest_variant = ? WHERE id = ?",
                   [(first.variant, first.edits_json(), fullest.variant, statement_id) for statement_id, first, fullest in classed])


def add_report(db: sqlite3.Connection, merged: int, day: str, article_id: str) -> None:
    """One report stands for each day a statement was reported on: that day's reports are in one story
    already, so joining the days around ``day`` costs the same however many reports there are."""
    related = [other for other in reports_near(db, merged, day) if other != article_id]
    if related:
        join(db, "story", [article_id, *related])
    db.execute("INSERT OR IGNORE INTO statement_days (merged_id, day, article_id) VALUES (?, ?, ?)", (merged, day, article_id))


def reports_near(db: sqlite3.Connection, merged: int, day: str) -> list[str]:
    """An article for each day within the story window of ``day`` the statement was reported on (undated: all)."""
    if not day:
        return [row[0] for row in db.execute("SELECT article_id FROM statement_days WHERE merged_id = ?", (merged,))]
    return [row[0] for row in db.execute("SELECT article_id FROM statement_days WHERE merged_id = ? AND"
                                         " (day = '' OR day BETWEEN ? AND ?)", (merged, *story_window(day)))]


def join_days(db: sqlite3.Connection, merged: int, other: int) -> None:
    """The reports of ``other`` become reports of ``merged``, each joining the stories within its window."""
    for day, article_id in db.execute("SELECT day, article_id FROM statement_days WHERE merged_id = ?", (other,)).fetchall():
        add_report(db, merged, day, article_id)


def relink_statements(db: sqlite3.Connection, merged_ids: Iterable[int]) -> None:
    """Merge again the remaining reports of statements (an article took its reports from them, or an alias
    made them one person's): a report that joined two wordings may have gone, and what is left is linked, all
    together in the one report order, as if it had never been."""
    merged_ids = sorted(set(merged_ids))
    remaining = []
    for start in range(0, len(merged_ids), 500):
        chunk = merged_ids[start:start + 500]
        remaining += db.execute("SELECT s.id, s.person_id, s.quote, s.kind, a.published, a.id, s.start FROM statements s"
                                f" JOIN articles a ON a.id = s.article_id WHERE s.merged_id IN ({marks(chunk)})", chunk).fetchall()
        db.execute(f"UPDATE statements SET merged_id = NULL WHERE merged_id IN ({marks(chunk)})", chunk)
        db.execute(f"DELETE FROM merged_statements WHERE id IN ({marks(chunk)})", chunk)
    for statement_id, person_id, quote, kind, published, article_id, _ in sorted(
            remaining, key=lambda r: report_order(r[4], r[5], r[6])):
        link_statement(db, statement_id, person_id, quote, kind, published, article_id)


# --- one person per name ---


class SqlPeople:
    """The store's PeopleIndex: people, the keys that name them, the names used, the names kept apart."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def person_with_key(self, key: str) -> int | None:
        row = self.db.execute("SELECT person_id FROM person_keys WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def kept_apart(self, key: str, person: int) -> bool:
        return self.db.execute("SELECT 1 FROM people_apart a JOIN person_keys k ON k.key = a.other"
                               " WHERE a.key = ? AND k.person_id = ?", (key, person)).fetchone() is not None

    def new_person(self, key: str) -> int:
        return self.db.execute("INSERT INTO people (key, name, type, words) VALUES (?, '', 'person', '')", (key,)).lastrowid

    def add_key(self, key: str, person: int, replace: bool = False) -> None:
        self.db.execute(f"INSERT OR {'REPLACE' if replace else 'IGNORE'} INTO person_keys (key, person_id) VALUES (?, ?)",
                        (key, person))

    def note_name(self, person: int, name: str, kind: str, uses: int) -> None:
        self.db.execute("INSERT INTO person_names (person_id, name, uses, type) VALUES (?, ?, ?, ?) ON CONFLICT (person_id, name)"
                        " DO UPDATE SET uses = uses + excluded.uses, type = min(coalesce(type, excluded.type), excluded.type)",
                        (person, name, uses, kind))
        self.rename(person)

    def name_given(self, person: int, name: str, wikidata: str | None) -> None:
        self.db.execute("UPDATE people SET given_name = ?, wikidata = coalesce(?, wikidata) WHERE id = ?", (name, wikidata, person))
        self.rename(person)

    def gender_given(self, person: int, gender: str) -> None:
        self.db.execute("UPDATE people SET given_gender = ? WHERE id = ?", (gender, person))

    def keep_apart(self, key: str, other: str) -> None:
        self.db.executemany("INSERT OR IGNORE INTO people_apart (key, other) VALUES (?, ?)", [(key, other), (other, key)])

    def rename(self, person: int) -> None:
        """The person's name, type and words, by the canonical-name rule over every name used for them."""
        names = {name: (uses, kind) for name, uses, kind in
                 self.db.execute("SELECT name, uses, type FROM person_names WHERE person_id = ?", (person,))}
        given = self.db.execute("SELECT given_name FROM people WHERE id = ?", (person,)).fetchone()[0]
        if not names:
            return
        name = people_rules.canonical_name(((n, uses) for n, (uses, _) in names.items()), given)
        kind = names[name][1] if name in names else "person"
        self.db.execute("UPDATE people SET name = ?, type = coalesce(?, type), words = ? WHERE id = ?",
                        (name, kind, name_words(name), person))


def name_words(name: str) -> str:
    """' ana maria ruiz ': a name's folded words, as people.words holds them, for matching part of a name."""
    return " " + " ".join(person_key(word) for word in name.split()) + " "


def note_genders(db: sqlite3.Connection, people: Iterable[int]) -> None:
    """Each person's gender by link.people.person_gender (the one an aliases file gave, which no article overrides,
    else the majority of their statements') and where it comes from (link.people.gender_source)."""
    for person in people:
        female, male, given = db.execute("SELECT female, male, given_gender FROM people WHERE id = ?", (person,)).fetchone()
        counts = {gender: count for gender, count in (("female", female), ("male", male)) if count}
        gender = person_gender(given, counts)
        db.execute("UPDATE people SET gender = ?, gender_source = ? WHERE id = ?",
                   (gender, gender_source(gender, given, genders_from_text(db, person)), person))


def genders_from_text(db: sqlite3.Connection, person: int) -> list[str]:
    """The genders the articles quoting a person gave them from their own words (titles, nouns, pronouns)."""
    return [row[0] for row in db.execute(
        "SELECT DISTINCT a.gender FROM person_keys k JOIN article_people a ON a.key = k.key"
        " WHERE k.person_id = ? AND a.quoted AND a.gender_source = 'text'", (person,))]


def note_article_people(db: sqlite3.Connection, article_id: str, people: list[NamedPerson] | None,
                        statements: list[Statement]) -> None:
    """An article's named people, each quoted when one of its stored ``statements`` has them as speaker
    (``people`` None: the ones already stored, marked again, as when statements are found to be boilerplate)."""
    if people is None:
        people = [NamedPerson(name, gender, source) for name, gender, source in db.execute(
            "SELECT name, gender, gender_source FROM article_people WHERE article_id = ?", (article_id,))]
    db.execute("DELETE FROM article_people WHERE article_id = ?", (article_id,))
    db.executemany("INSERT OR IGNORE INTO article_people (article_id, key, name, quoted, gender, gender_source)"
                   " VALUES (?, ?, ?, ?, ?, ?)", article_people_rows(article_id, people, statements))


def unlink_article(db: sqlite3.Connection, text: str, named: list, merged: list[int]) -> None:
    """Take back what an article's statements, already deleted, added: one use of each name it gave a
    person, one article of each role written before those names, and its reports of merged statements
    (the rest of each is merged again)."""
    db.executemany("UPDATE person_names SET uses = max(uses - 1, 0) WHERE person_id = ? AND name = ?",
                   [(person, name) for person, name, _ in named])
    people = {name: person for person, name, kind in named if kind == "person"}
    for name, found in roles(text, set(people)).items():
        db.executemany("UPDATE person_roles SET articles = articles - 1 WHERE person_id = ? AND role = ?",
                       [(people[name], role) for role in found])
    db.execute("DELETE FROM person_roles WHERE articles <= 0")
    for person in {person for person, _, _ in named}:
        SqlPeople(db).rename(person)
    relink_statements(db, merged)


def drop_people_without_statements(db: sqlite3.Connection, people: set[int]) -> None:
    """People left with no statement after a reprocess go, unless an aliases file named them."""
    for person in people:
        db.execute("DELETE FROM people WHERE id = ? AND wikidata IS NULL AND given_name IS NULL"
                   " AND NOT EXISTS (SELECT 1 FROM statements WHERE person_id = ?)"
                   " AND NOT EXISTS (SELECT 1 FROM merged_statements WHERE person_id = ?)"
                   " AND NOT EXISTS (SELECT 1 FROM people_apart a JOIN person_keys k ON k.key = a.key WHERE k.person_id = ?)",
                   (person, person, person, person))
    note_genders(db, {p for p in people if db.execute("SELECT 1 FROM people WHERE id = ?", (p,)).fetchone()})


def link_roles(db: sqlite3.Connection, person: int, found: Iterable[str], published: str | None) -> None:
    db.executemany(
        "INSERT INTO person_roles (person_id, role, first_seen, last_seen, articles) VALUES (?, ?, ?, ?, 1)"
        " ON CONFLICT (person_id, role) DO UPDATE SET articles = articles + 1,"
        " role = CASE WHEN excluded.role < role COLLATE BINARY THEN excluded.role ELSE role END,"  # link.people.role_key
        " first_seen = min(coalesce(first_seen, excluded.first_seen), coalesce(excluded.first_seen, first_seen)),"
        " last_seen = max(coalesce(last_seen, excluded.last_seen), coalesce(excluded.last_seen, last_seen))",
        [(person, role, published, published) for role in sorted(set(found))])


def person_of_name(db: sqlite3.Connection, name: str, kind: str) -> int | None:
    return person_for(SqlPeople(db), name, kind)


def apply_aliases(db: sqlite3.Connection, entries: list) -> int:
    """Join each alias's person into the named person, record names kept apart, Wikidata ids and genders
    (each person's gender then follows the rule again). Returns how many people were joined into another."""
    joined = people_rules.apply_aliases(SqlPeople(db), entries, lambda person, other: join_people(db, person, other))
    note_genders(db, [row[0] for row in db.execute("SELECT id FROM people WHERE given_gender IS NOT NULL").fetchall()])
    return joined


def join_people(db: sqlite3.Connection, person: int, other: int) -> None:
    """Move everything of ``other`` to ``person``; their statements of the same quote become one."""
    db.execute("UPDATE person_keys SET person_id = ? WHERE person_id = ?", (person, other))
    db.execute("INSERT INTO person_names (person_id, name, uses, type) SELECT ?, name, uses, type FROM person_names WHERE person_id = ?"
               " ON CONFLICT (person_id, name) DO UPDATE SET uses = uses + excluded.uses", (person, other))
    db.execute("INSERT INTO person_roles (person_id, role, first_seen, last_seen, articles)"
               " SELECT ?, role, first_seen, last_seen, articles FROM person_roles WHERE person_id = ?"
               " ON CONFLICT (person_id, role) DO UPDATE SET articles = articles + excluded.articles,"
               " role = CASE WHEN excluded.role < role COLLATE BINARY THEN excluded.role ELSE role END,"
               " first_seen = min(coalesce(first_seen, excluded.first_seen), coalesce(excluded.first_seen, first_seen)),"
               " last_seen = max(coalesce(last_seen, excluded.last_seen), coalesce(excluded.last_seen, last_seen))", (person, other))
    db.execute("UPDATE people SET given_gender = coalesce(given_gender, (SELECT given_gender FROM people WHERE id = ?))"
               " WHERE id = ?", (other, person))  # as link.people.MemoryPeople.join
    db.execute("UPDATE statements SET person_id = ? WHERE person_id = ?", (person, other))
    db.execute("UPDATE merged_statements SET person_id = ? WHERE person_id = ?", (person, other))
    db.execute("UPDATE OR REPLACE quote_fingerprints SET person = ? WHERE person = ?", (person, other))
    # Both people's statements merged again as one person's, as if one name had been used throughout
    relink_statements(db, [row[0] for row in db.execute("SELECT id FROM merged_statements WHERE person_id = ?", (person,))])
    db.execute("DELETE FROM person_names WHERE person_id = ?", (other,))
    db.execute("DELETE FROM person_roles WHERE person_id = ?", (other,))
    db.execute("DELETE FROM people WHERE id = ?", (other,))
    SqlPeople(db).rename(person)
    note_genders(db, [person])
