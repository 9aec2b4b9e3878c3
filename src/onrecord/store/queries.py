"""The store's read side: the questions the CLI, the web pages and the export ask of a store."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date

from ..display import sentence_around
from ..errors import AmbiguousId, InvalidSearch, NotFound
from ..link.outlets import fold_outlets
from ..link.people import roles_text
from ..link.variants import repeated
from ..names import person_key


KINDS = ("direct", "indirect", "mixed")
ORDERS = ("relevance", "newest")
LIST_SEPARATOR = " | "  # between the outlets or names of a list in one column: a name may hold a comma ('Reuters, Inc.')
SPEAKER_TYPES = ("person", "organization", "description", "unknown")
# How an article names a speaker by a pronoun alone: 'he said', 'they said'.
PRONOUN_MENTIONS = ("he", "she", "they", "i", "we", "it", "you", "him", "her", "them")
CONTEXT_REACH = 300  # characters of the article read on either side of a quote for the sentence around it
FACETS = 10  # people and outlets listed beside search results


@dataclass(frozen=True)
class QuoteFilter:
    """Which statements a question is about; a field left None (or False) does not filter."""

    speaker: str | None = None
    search: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    kind: str | None = None
    limit: int | None = None
    offset: int = 0
    person_id: int | None = None
    no_speaker: bool = False  # only statements whose speaker is not known
    pronoun: bool = False  # only statements whose speaker the article names by a pronoun alone
    min_confidence: float | None = None
    speaker_type: str | None = None  # one of SPEAKER_TYPES
    order: str | None = None  # one of ORDERS; None: by relevance when searching, else newest first

    def __post_init__(self) -> None:
        """An empty field is not given; the speaker 'unknown' (as lists show it) is the statements without one."""
        for field in ("speaker", "search", "since", "until", "outlet", "kind", "speaker_type", "order"):
            if isinstance(value := getattr(self, field), str) and not value.strip():
                object.__setattr__(self, field, None)
        if is_unknown(self.speaker):
            object.__setattr__(self, "speaker", None)
            object.__setattr__(self, "no_speaker", True)

    @property
    def by_relevance(self) -> bool:
        return bool(self.search) and self.order != "newest"


def is_unknown(speaker: str | None) -> bool:
    """'unknown' names no one: it is how the lists show a statement whose speaker is not known."""
    return speaker is not None and speaker.strip().lower() == "unknown"


def fts_query(search: str) -> str:
    """The FTS5 query for what a user typed: as typed when FTS5 reads it (words, "a phrase", sanction*, tax OR
    tariff, NOT), else with each word that holds punctuation quoted ('covid-19', 'U.S.', "don't"); InvalidSearch
    with a sentence when neither parses (an unclosed quotation mark)."""
    if parses(search):
        return search
    words = [word if word in ("AND", "OR", "NOT") or '"' in word or re.fullmatch(r"\w+\*?", word) else f'"{word}"'
             for word in search.split()]
    if '"' not in search and parses(quoted := " ".join(words)):
        return quoted
    raise InvalidSearch(f"search {search!r} is not a valid full-text query: close its quotation marks, "
                        'or put a phrase in double quotes: "tax cuts"')


def parses(search: str) -> bool:
    """True when FTS5 reads ``search``: tried on an empty table, so a failing store is never the user's mistake."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE VIRTUAL TABLE statements_fts USING fts5(quote)")
        try:
            db.execute("SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?", (search,)).fetchall()
        except sqlite3.Error:
            return False
    return True


def checked_day(value: str) -> str:
    """A date as users give it: '2019', '2019-05' or '2019-05-03', and a real one; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    try:
        if not match:
            raise ValueError
        date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD") from None
    return value.strip()


class RolesText:
    """SQL's roles_text(role, first_seen, last_seen, articles): a person's roles as ``link.people.roles_text`` writes them."""

    def __init__(self) -> None:
        self.roles: list[tuple] = []

    def step(self, *role) -> None:
        self.roles.append(role)

    def finalize(self) -> str | None:
        return roles_text(self.roles)


class Queries:
    """The reading methods of ``Store`` (``self.db`` is its connection, ``self.path`` its file)."""

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
        if not speaker:
            return [], []
        people = self.people_named(speaker)
        return [f"{column} IN ({','.join('?' * len(people)) or 'NULL'})"], list(people)

    def quotes(self, where: QuoteFilter) -> list[sqlite3.Row]:
        """Statements with their article and person: by relevance when searching (unless ``order`` says
        newest), else newest first."""
        source, clauses, params = self.quote_conditions(where)
        order = "bm25(statements_fts), " if where.by_relevance else ""
        sql = (QUOTE_COLUMNS.format(source=source) + conditions_sql(clauses)
               + f" ORDER BY {order}a.published IS NULL, a.published DESC, a.id, s.start")
        if where.limit:
            sql += " LIMIT ? OFFSET ?"
            params += [where.limit, where.offset]
        return self.rows(sql, params)

    def marked(self, ids: list[int], search: str | None) -> dict[int, str]:
        """The quotes of the statements ``ids`` with the words ``search`` matched between \\x02 and \\x03 (FTS5's
        highlight, computed for these rows only: a page of results, not every match)."""
        if not search or not ids:
            return {}
        rows = self.db.execute(f"SELECT rowid, highlight(statements_fts, 0, char(2), char(3)) FROM statements_fts"
                               f" WHERE statements_fts MATCH ? AND rowid IN ({','.join('?' * len(ids))})",
                               (fts_query(search), *ids)).fetchall()
        return dict(rows)

    def count_quotes(self, where: QuoteFilter) -> int:
        """How many statements the filter finds, whatever its limit."""
        return self.quote_summary(where)[0]

    def quote_summary(self, where: QuoteFilter) -> tuple[int, dict[str, list[dict]]]:
        """How many statements the filter finds, and the people (and organisations: not descriptions such as
        'a spokesman') and the outlets they come from, most first, with their counts: one pass over the matches."""
        source, clauses, params = self.quote_conditions(where)
        pairs = self.rows(f"SELECT s.person_id, (SELECT name FROM people WHERE id = s.person_id AND type != 'description'),"
                          f" a.outlet, count(*) FROM {source} JOIN shown_articles a ON a.id = s.article_id"
                          f"{conditions_sql(clauses)} GROUP BY s.person_id, a.outlet", params)
        people: dict[tuple, int] = {}
        outlets: dict[str, int] = {}
        for person_id, name, outlet, count in pairs:
            if name is not None:
                people[person_id, name] = people.get((person_id, name), 0) + count
            if outlet is not None:
                outlets[outlet] = outlets.get(outlet, 0) + count
        most = sorted(people.items(), key=lambda item: (-item[1], item[0][1]))[:FACETS]
        return sum(pair[3] for pair in pairs), {
            "people": [{"id": person_id, "name": name, "statements": n} for (person_id, name), n in most],
            "outlets": [{"outlet": outlet, "statements": n} for outlet, n in sorted(outlets.items(), key=lambda item: (-item[1], item[0]))[:FACETS]]}

    def quote_conditions(self, where: QuoteFilter) -> tuple[str, list[str], list]:
        """What the filter selects from: the statements (``s``), joined to the full-text index when searching,
        and the conditions on them and their article (``a``), with their parameters."""
        source = "statements s"
        clauses, params = [], []
        if where.search:
            source = "statements_fts JOIN statements s ON s.id = statements_fts.rowid"
            clauses.append("statements_fts MATCH ?")
            params.append(fts_query(where.search))
        speaker_clauses, speaker_params = self.speaker_clause("s.person_id", where.speaker)
        clauses += speaker_clauses
        params += speaker_params
        conditions = [
            ("a.published >= ?", where.since),
            ("a.published <= ?", where.until and where.until + "\uffff"),  # '2019', '2019-05': the whole year, month
            ("s.kind = ?", where.kind),
            ("s.person_id = ?", where.person_id),
            ("s.confidence >= ?", where.min_confidence),
            ("s.speaker_type = ?", where.speaker_type),
        ]
        for clause, value in conditions:
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if where.no_speaker:
            clauses.append("s.person_id IS NULL")
        if where.pronoun:
            clauses.append(f"lower(s.speaker_mention) IN ({','.join('?' * len(PRONOUN_MENTIONS))})")
            params += PRONOUN_MENTIONS
        if where.outlet:
            spellings = self.outlet_spellings(where.outlet)
            clauses.append(f"a.outlet_as_given IN ({','.join('?' * len(spellings))})")
            params += spellings
        return source, clauses, params

    def sentences_around(self, rows: list) -> list[dict]:
        """For each statement row (article_id, start, end, quote), the rest of its sentence on either side."""
        around = []
        for row in rows:
            reach = min(row["start"], CONTEXT_REACH)
            before, after = self.db.execute("SELECT substr(text, ?, ?), substr(text, ?, ?) FROM articles WHERE id = ?",
                                            (row["start"] - reach + 1, reach, row["end"] + 1, CONTEXT_REACH,
                                             row["article_id"])).fetchone()
            around.append(sentence_around(before + row["quote"] + after, len(before), len(before) + len(row["quote"])))
        return around

    def rows(self, sql: str, params: list) -> list[sqlite3.Row]:
        return self.db.execute(sql, params).fetchall()

    def outlet_spellings(self, outlet: str) -> list[str]:
        """Every stored spelling of the outlet ``outlet`` names ('nyt' -> 'The New York Times', 'NYTimes', 'nytimes.com')."""
        stored = dict(self.db.execute("SELECT outlet, count(*) FROM articles WHERE outlet IS NOT NULL GROUP BY outlet").fetchall())
        folded = fold_outlets({**stored, outlet: stored.get(outlet, 0)})
        return sorted({spelling for spelling in stored if folded[spelling] == folded[outlet]} | {outlet})

    def merged_statements(self, speaker: str | None = None, search: str | None = None, min_outlets: int = 1,
                          limit: int | None = None, offset: int = 0, person_id: int | None = None,
                          merged_id: int | None = None, newest_first: bool = False, since: str | None = None,
                          until: str | None = None, no_speaker: bool = False, varied: bool = False,
                          altered: bool = False) -> list[sqlite3.Row]:
        """One row per statement across articles: the fullest wording, first seen (and where), how many articles
        and outlets. ``since`` and ``until`` keep the statements reported at least once between them;
        ``no_speaker`` those whose speaker is not known; ``varied`` those reported in more than one wording (a
        report not the same as the first); ``altered`` those with a report that altered the first's words."""
        if is_unknown(speaker):
            speaker, no_speaker = None, True
        clauses, params = self.speaker_clause("m.person_id", speaker)
        if no_speaker:
            clauses.append("m.person_id IS NULL")
        for clause, value in (("m.person_id = ?", person_id), ("m.id = ?", merged_id)):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if varied or altered:
            clauses.append("m.id IN (SELECT merged_id FROM statements WHERE variant != 'same'{})".format(
                " AND variant = 'altered'" if altered else ""))  # != 'same': what the partial index holds
        if since or until:
            clauses.append("m.id IN (SELECT r.merged_id FROM statements r JOIN articles d ON d.id = r.article_id"
                           " WHERE d.published >= ? AND d.published <= ?)")
            params += [since or "", (until or "9999") + "\uffff"]
        if search:
            clauses.append("m.id IN (SELECT merged_id FROM statements WHERE id IN"
                           " (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?))")
            params.append(fts_query(search))
        sql = MERGED_STATEMENTS.format(where=" WHERE " + " AND ".join(clauses) if clauses else "",
                                       having=" HAVING outlets >= ?", order=NEWEST_FIRST if newest_first else BY_REACH)
        params.append(min_outlets if min_outlets > 1 else 0)  # a statement whose outlets are all unknown counts 0
        if limit:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self.rows(sql, params)

    def stories(self, min_articles: int = 1, limit: int = -1, offset: int = 0) -> list[sqlite3.Row]:
        return self.db.execute(STORIES.format(where="") + " LIMIT ? OFFSET ?", (min_articles, limit, offset)).fetchall()

    def people(self, limit: int = -1, offset: int = 0, search: str | None = None) -> list[sqlite3.Row]:
        """People, most quoted first; with ``search``, those whose name or a spelling of it holds those words."""
        if not search:
            return self.db.execute(PEOPLE.format(where="") + " LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        found = self.people_found(search)
        return self.db.execute(PEOPLE.format(where=f" WHERE p.id IN ({','.join('?' * len(found)) or 'NULL'})")
                               + " LIMIT ? OFFSET ?", (*found, limit, offset)).fetchall()

    def count_people(self, search: str | None = None) -> int:
        """How many people ``people(search=...)`` lists in all."""
        if search:
            return len(self.people_found(search))
        return self.db.execute("SELECT count(*) FROM people").fetchone()[0]

    def people_found(self, search: str) -> list[int]:
        """The people a search for a name finds: as ``people_named``, or any of their spellings containing it."""
        spelled = self.db.execute("SELECT DISTINCT person_id FROM person_names WHERE instr(lower(name), lower(?)) > 0",
                                  (search.strip(),)).fetchall()
        return sorted(set(self.people_named(search)) | {row[0] for row in spelled})

    def person_outlets(self, person_id: int, limit: int = 10) -> list[sqlite3.Row]:
        """The outlets that report a person most, with how many of their statements each reported."""
        return self.db.execute("SELECT a.outlet, count(*) AS statements FROM statements s JOIN shown_articles a"
                               " ON a.id = s.article_id WHERE s.person_id = ? AND a.outlet IS NOT NULL GROUP BY a.outlet"
                               " ORDER BY statements DESC, a.outlet LIMIT ?", (person_id, limit)).fetchall()

    def articles(self, outlet: str | None = None, since: str | None = None, until: str | None = None,
                 limit: int = -1, offset: int = 0) -> list[sqlite3.Row]:
        """Stored articles without their text, newest first, with how many statements each holds."""
        clauses, params = [], []
        for clause, value in (("a.published >= ?", since), ("a.published <= ?", until and until + "\uffff")):
            if value:
                clauses.append(clause)
                params.append(value)
        if outlet:
            spellings = self.outlet_spellings(outlet)
            clauses.append(f"a.outlet_as_given IN ({','.join('?' * len(spellings))})")
            params += spellings
        return self.db.execute(
            "SELECT a.id, a.source, a.url, a.outlet, a.outlet_as_given, a.headline, a.author, a.published, a.story,"
            " a.copy_group, (SELECT count(*) FROM statements WHERE article_id = a.id) AS statements FROM shown_articles a"
            + conditions_sql(clauses) + " ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT ? OFFSET ?",
            (*params, limit, offset)).fetchall()

    def person(self, person_id: int) -> sqlite3.Row:
        return self.found(self.db.execute(PEOPLE.format(where=" WHERE p.id = ?"), (person_id,)).fetchone(), "person", person_id)

    def timeline(self, person_id: int) -> list[sqlite3.Row]:
        """How many distinct statements a person is reported making each month (dated articles only)."""
        return self.db.execute(
            "SELECT substr(a.published, 1, 7) AS month, count(DISTINCT s.merged_id) AS statements FROM statements s JOIN articles a"
            " ON a.id = s.article_id WHERE s.person_id = ? AND a.published IS NOT NULL GROUP BY month ORDER BY month",
            (person_id,)).fetchall()

    def merged_statement(self, merged_id: int) -> sqlite3.Row:
        rows = self.merged_statements(merged_id=merged_id)
        return self.found(rows[0] if rows else None, "statement", merged_id)

    def reports(self, merged_id: int) -> list[sqlite3.Row]:
        """Every article that reported a statement, first reported first, with how its wording differs from the
        first report's (``variant``, ``edits`` as JSON) and from the fullest wording (``fullest_variant``)."""
        return self.db.execute(
            "SELECT s.id, a.id AS article_id, a.headline, a.outlet, a.published, a.url, s.quote, s.start, s.end, s.kind, s.cue,"
            " s.speaker_mention, s.variant, s.edits, s.fullest_variant, s.id = m.first_id AS first, m.quote AS fullest,"
            " m.fullest_kind"
            " FROM statements s JOIN shown_articles a ON a.id = s.article_id JOIN merged_statements m ON m.id = s.merged_id"
            " WHERE s.merged_id = ? ORDER BY a.published IS NULL, a.published, a.id, s.start", (merged_id,)).fetchall()

    def repeats(self, person_id: int) -> list[dict]:
        """A person's statements reported again REPEAT_DAYS or more after they were first (link.variants.repeated):
        the statement, its fullest wording, the first day, and the days it was reported again."""
        days: dict[int, list[str]] = {}
        quotes = {}
        for merged, quote, day in self.db.execute(
                "SELECT m.id, m.quote, d.day FROM merged_statements m JOIN statement_days d ON d.merged_id = m.id"
                " WHERE m.person_id = ? AND d.day != '' ORDER BY m.id, d.day", (person_id,)):
            days.setdefault(merged, []).append(day)
            quotes[merged] = quote
        found = []
        for merged, dated in days.items():
            again = [day for day in dated if repeated(dated[0], day)]
            if again:
                found.append({"id": merged, "quote": quotes[merged], "first": dated[0], "again": again})
        return sorted(found, key=lambda r: (r["again"][-1], r["id"]), reverse=True)

    def altered_edits(self, merged_ids: list[int]) -> dict[int, list[str | None]]:
        """Per statement, the edits (JSON, as stored) of each of its reports that altered the first report's words."""
        found: dict[int, list[str | None]] = {merged: [] for merged in merged_ids}
        if not merged_ids:
            return found
        marks = ",".join("?" * len(merged_ids))
        for merged, edits in self.db.execute(f"SELECT merged_id, edits FROM statements WHERE variant = 'altered'"
                                             f" AND merged_id IN ({marks}) ORDER BY merged_id, id", merged_ids):
            found[merged].append(edits)
        return found

    def story(self, story_id: str) -> tuple[sqlite3.Row, list[sqlite3.Row]]:
        summary = self.found(self.db.execute(STORIES.format(where=" WHERE a.story = ?"), (story_id, 1)).fetchone(),
                             "story", story_id)
        articles = self.db.execute("SELECT id, headline, outlet, published, url, copy_group FROM shown_articles WHERE story = ?"
                                   " ORDER BY published IS NULL, published, id", (story_id,)).fetchall()
        return summary, articles

    def found(self, row: sqlite3.Row | None, what: str, key: object) -> sqlite3.Row:
        if row is None:
            raise NotFound(f"no {what} {key!r} in {self.path}")
        return row

    def speakers(self, limit: int | None = None) -> list[sqlite3.Row]:
        """Each person with their name variants, number of statements, first and last date, outlets."""
        return self.db.execute(SPEAKER_SUMMARY + " LIMIT ?", (limit or -1,)).fetchall()

    def article(self, id_prefix: str) -> sqlite3.Row:
        rows = self.db.execute("SELECT * FROM shown_articles WHERE id >= ? AND id < ? LIMIT 2",
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


# Articles as the read side shows them: the outlet named by link.outlets (outlet_names), as given beside it.
NAMED_ARTICLES = """
    CREATE TEMP VIEW IF NOT EXISTS shown_articles AS
    SELECT a.id, a.source, a.url, coalesce(o.name, a.outlet) AS outlet, a.outlet AS outlet_as_given, a.headline, a.author,
           a.published, a.text, a.ingested_at, a.headline_first, a.copy_group, a.story, a.source_id
    FROM main.articles a LEFT JOIN main.outlet_names o ON o.spelling = a.outlet"""

QUOTE_COLUMNS = """
    SELECT s.id, s.quote, s.kind, s.cue, coalesce(p.name, s.speaker) AS speaker, s.speaker_type, s.speaker_mention,
           s.speaker_gender, s.confidence, a.published, a.outlet, a.headline, a.id AS article_id, a.url, s.start, s.end, s.person_id,
           s.merged_id, s.variant, s.edits, s.fullest_variant
    FROM {source} JOIN shown_articles a ON a.id = s.article_id LEFT JOIN people p ON p.id = s.person_id"""

SPEAKER_SUMMARY = """
    SELECT p.id, p.name, p.type,
           (SELECT group_concat(name, ' | ') FROM (SELECT name FROM person_names WHERE person_id = p.id ORDER BY uses DESC, name))
             AS variants,
           count(s.id) AS statements, min(a.published) AS first, max(a.published) AS last,
           (SELECT group_concat(outlet, ' | ') FROM (SELECT DISTINCT x.outlet FROM statements t JOIN shown_articles x
              ON x.id = t.article_id WHERE t.person_id = p.id AND x.outlet IS NOT NULL ORDER BY x.outlet)) AS outlets
    FROM people p JOIN statements s ON s.person_id = p.id JOIN shown_articles a ON a.id = s.article_id
    GROUP BY p.id ORDER BY statements DESC, p.name"""

# The first report of a statement: the earliest dated article (undated ones after), then its id, then the offset.
FIRST_REPORT = """(SELECT s2.id FROM statements s2 JOIN articles a2 ON a2.id = s2.article_id WHERE s2.merged_id = m.id
                   ORDER BY a2.published IS NULL, a2.published, a2.id, s2.start LIMIT 1)"""

MERGED_STATEMENTS = """
    SELECT grouped.*, f.article_id AS first_article, fa.outlet AS first_outlet, f.cue FROM (
      SELECT m.id, m.quote, m.person_id, coalesce(p.name, 'unknown') AS speaker, min(a.published) AS first_seen,
             """ + FIRST_REPORT + """ AS first_report, group_concat(DISTINCT s.kind) AS kinds,
             count(DISTINCT a.id) AS articles, count(DISTINCT a.outlet) AS outlets,
             (SELECT group_concat(outlet, ' | ') FROM (SELECT a3.outlet FROM statements s3 JOIN shown_articles a3
                ON a3.id = s3.article_id WHERE s3.merged_id = m.id AND a3.outlet IS NOT NULL GROUP BY a3.outlet
                ORDER BY min(a3.published IS NULL), min(a3.published), a3.outlet)) AS outlet_names  -- first reported first
      FROM merged_statements m JOIN statements s ON s.merged_id = m.id JOIN shown_articles a ON a.id = s.article_id
           LEFT JOIN people p ON p.id = m.person_id{where}
      GROUP BY m.id{having}) grouped
    JOIN statements f ON f.id = grouped.first_report JOIN shown_articles fa ON fa.id = f.article_id
    ORDER BY {order}"""  # outlets: the known ones; an unknown one is not counted
BY_REACH = "outlets DESC, articles DESC, first_seen IS NULL, first_seen, grouped.id"
NEWEST_FIRST = "first_seen IS NULL, first_seen DESC, grouped.id DESC"

STORIES = """
    SELECT a.story, min(a.published) AS first, max(a.published) AS last, count(*) AS articles,
           count(DISTINCT a.copy_group) AS copy_groups,
           (SELECT headline FROM articles h WHERE h.story = a.story ORDER BY h.published IS NULL, h.published, h.id LIMIT 1)
             AS headline,
           (SELECT group_concat(outlet, ' | ') FROM (SELECT DISTINCT x.outlet FROM shown_articles x
              WHERE x.story = a.story AND x.outlet IS NOT NULL ORDER BY x.outlet)) AS outlets,
           (SELECT group_concat(name, ' | ') FROM (SELECT DISTINCT p.name FROM articles x JOIN statements s ON s.article_id = x.id
              JOIN people p ON p.id = s.person_id WHERE x.story = a.story ORDER BY p.name)) AS people
    FROM shown_articles a{where} GROUP BY a.story HAVING articles >= ? ORDER BY articles DESC, first IS NULL, first, a.story"""

PEOPLE = """
    SELECT p.id, p.name, p.type, p.gender, p.wikidata,
           (SELECT group_concat(name, ' | ') FROM (SELECT name FROM person_names WHERE person_id = p.id AND uses > 0
              ORDER BY uses DESC, name)) AS variants,  -- as link.people.variants_text gives them
           (SELECT roles_text(role, first_seen, last_seen, articles) FROM person_roles WHERE person_id = p.id) AS roles,
           (SELECT count(*) FROM statements WHERE person_id = p.id) AS statements,
           (SELECT count(DISTINCT merged_id) FROM statements WHERE person_id = p.id) AS distinct_statements,
           (SELECT count(DISTINCT article_id) FROM statements WHERE person_id = p.id) AS articles
    FROM people p{where} ORDER BY statements DESC, p.name, p.id"""

EXPORTS = {  # each table's rows, in a stable order; the columns are chosen by the caller
    "articles": "SELECT {columns} FROM articles ORDER BY id",
    "merged_statements": "SELECT {columns} FROM (SELECT id, person_id, quote, first_seen, articles, outlets, first_article,"
                         " first_outlet FROM (" + MERGED_STATEMENTS.format(where="", having="", order="grouped.id") + ")) ORDER BY id",
    "statements": "SELECT {columns} FROM statements ORDER BY article_id, start, id",
    "people": "SELECT {columns} FROM (SELECT p.*, g.given_name, g.given_gender, g.gender_source FROM ("
              + PEOPLE.format(where="") + ") p JOIN people g ON g.id = p.id ORDER BY p.statements DESC, p.name, p.id)",
    "article_people": "SELECT {columns} FROM article_people ORDER BY article_id, key",
    "inputs": "SELECT {columns} FROM inputs ORDER BY fingerprint",
    "person_names": "SELECT {columns} FROM person_names ORDER BY person_id, name",
    "person_roles": "SELECT {columns} FROM person_roles ORDER BY person_id, role",
    "person_keys": "SELECT {columns} FROM person_keys ORDER BY key",
    "people_apart": "SELECT {columns} FROM people_apart ORDER BY key, other",
    "copy_pairs": "SELECT {columns} FROM copy_pairs ORDER BY article_id, other_id",
    "reports": "SELECT {columns} FROM (SELECT s.merged_id AS statement_id, s.id AS report_id, s.article_id, s.variant, s.edits,"
               " s.fullest_variant, s.id = m.first_id AS first FROM statements s JOIN merged_statements m ON m.id = s.merged_id)"
               " ORDER BY statement_id, report_id",
}




def conditions_sql(clauses: list[str]) -> str:
    return " WHERE " + " AND ".join(clauses) if clauses else ""
