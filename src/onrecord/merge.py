"""Merge stage: copies and stories across articles, one statement per quote, one person per name.

The tests of sameness are pure functions; the ``link_*`` functions apply them to a new article
against what a store holds (an sqlite3 connection inside the store's transaction), so the
corpus is never recomputed: each article joins the groups it belongs to as it arrives.

- An article's sketch is a MinHash (datasketch) of its word 5-gram shingles, cut into LSH bands,
  plus a key per long sentence. Articles that share a band key (similar as a whole) or a sentence
  key (a copied passage) are candidates; a candidate is a copy when the estimated share of the
  smaller article's shingles found in the other is high enough. Rewrites of one wire story that
  keep its quoted paragraphs but change the framing (a Jaccard of only 0.1) are caught this way.
- A quote is compared on its normalised words (no case, punctuation or hyphens), with rapidfuzz:
  nearly equal, or a fragment of at least four words found inside the other.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from . import clean
from .model import Article
from .names import loose_key, person_key, roles

NUM_PERM = 128
SHINGLE_WORDS = 5
LSH_THRESHOLD = 0.5  # Jaccard at which two articles become candidates through the bands
COPY_CONTAINMENT = 0.15  # share of the smaller article's shingles found in the other (seed rewrites: 0.2)
PASSAGE_WORDS = 10  # a sentence this long, found word for word in two articles, makes them candidates
MAX_KEY_ARTICLES = 50  # a key shared by more articles is boilerplate ("Follow us on ..."), not evidence
QUOTE_GRAM = 4  # words per quote fingerprint
QUOTE_WINDOW = 4  # winnowing window: any shared run of QUOTE_GRAM + QUOTE_WINDOW - 1 words shares a fingerprint
SAME_QUOTE_RATIO = 90
FRAGMENT_RATIO = 95
FRAGMENT_MIN_WORDS = 4
STORY_DAYS = 7  # articles reporting the same statement this close in time are about the same event


@dataclass(frozen=True)
class Sketch:
    shingles: int  # how many distinct shingles the article has
    signature: bytes  # MinHash values, NUM_PERM unsigned 32-bit integers
    keys: tuple[int, ...]  # LSH band keys and long-sentence keys


def words(text: str) -> list[str]:
    """Lower-case words, with Unicode forms, hyphens and apostrophes evened out ('Jong-un' -> 'jong', 'un')."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def stable_hash(*parts: str | bytes) -> int:
    """A signed 64-bit hash that is the same in every process and run (Python's hash() is not)."""
    data = b"\x1f".join(part.encode("utf-8") if isinstance(part, str) else part for part in parts)
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


@lru_cache(maxsize=1)
def bands() -> tuple[int, int]:
    """Bands and rows per band that datasketch chooses for the threshold."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def content_of(text: str, headline_first: bool = True) -> str:
    """The article's own paragraphs: no headline (copies retitle) and no site furniture (copies add their own)."""
    layout = clean.layout(text, headline_first)
    return "\n".join(text[p.start:p.end] for p in layout.paragraphs)


def shingle_set(content: str) -> set[str]:
    tokens = words(content)
    return {" ".join(tokens[i:i + SHINGLE_WORDS]) for i in range(max(len(tokens) - SHINGLE_WORDS + 1, 1))}


def sketch(text: str, headline_first: bool = True) -> Sketch:
    content = content_of(text, headline_first)
    shingles = shingle_set(content)
    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    values = minhash.hashvalues.astype(np.uint32)
    count, rows = bands()
    band_keys = [stable_hash("band", str(i), values[i * rows:(i + 1) * rows].tobytes()) for i in range(count)]
    return Sketch(len(shingles), values.tobytes(), tuple(band_keys + passage_keys(content)))


def passage_keys(text: str) -> list[int]:
    sentences = re.split(r"(?<=[.!?”\"])\s+|\n+", text)
    return sorted({stable_hash("passage", " ".join(w)) for s in sentences if len(w := words(s)) >= PASSAGE_WORDS})


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity of the two articles' shingle sets."""
    first, second = np.frombuffer(a.signature, dtype=np.uint32), np.frombuffer(b.signature, dtype=np.uint32)
    return float(np.count_nonzero(first == second)) / NUM_PERM


def containment(a: Sketch, b: Sketch) -> float:
    """Estimated share of the smaller article's shingles that the other has too."""
    jaccard = similarity(a, b)
    shared = jaccard * (a.shingles + b.shingles) / (1 + jaccard)
    return shared / max(min(a.shingles, b.shingles), 1)


def are_copies(a: Sketch, b: Sketch, content_a: Callable[[], str], content_b: Callable[[], str]) -> bool:
    """Copies share at least COPY_CONTAINMENT of the smaller article's shingles. The MinHash estimate
    is too noisy near the threshold (a shared footer would chain unrelated stories into one group),
    so it only screens the candidates and the shingles of the few left are counted exactly."""
    if containment(a, b) < COPY_CONTAINMENT / 2:
        return False
    first, second = shingle_set(content_a()), shingle_set(content_b())
    return len(first & second) / max(min(len(first), len(second)), 1) >= COPY_CONTAINMENT


def normalise_quote(quote: str) -> str:
    """'“Park Ji-hoon will come,”' and '"Park Ji Hoon will come"' normalise alike."""
    return " ".join(words(quote))


def quote_fingerprints(norm: str, grams: list[int] | None = None) -> set[int]:
    """Winnowed word 4-gram hashes: what a quote is indexed by (a quote under four words: its whole text)."""
    grams = grams or all_quote_grams(norm)
    if len(grams) <= QUOTE_WINDOW:
        return {min(grams)}
    return {min(grams[i:i + QUOTE_WINDOW]) for i in range(len(grams) - QUOTE_WINDOW + 1)}


def all_quote_grams(norm: str) -> list[int]:
    """Every word 4-gram hash of a quote, in order: what a quote is looked up by."""
    tokens = norm.split()
    if len(tokens) < QUOTE_GRAM:
        return [stable_hash("quote", norm)]
    return [stable_hash("quote", *tokens[i:i + QUOTE_GRAM]) for i in range(len(tokens) - QUOTE_GRAM + 1)]


def same_quote(a: str, b: str) -> bool:
    """Two normalised quotes are one statement: nearly equal, or one is a fragment of the other."""
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if fuzz.ratio(a, b) >= SAME_QUOTE_RATIO:
        return True
    return len(shorter.split()) >= FRAGMENT_MIN_WORDS and fuzz.partial_ratio(shorter, longer) >= FRAGMENT_RATIO


# --- copies and stories ---


def link_copies(db: sqlite3.Connection, article: Article, article_sketch: Sketch) -> None:
    """Store the sketch; join the copy group (and story) of every stored article it is a copy of."""
    article_id = article.id
    db.execute("INSERT INTO article_sketches (article_id, shingles, signature) VALUES (?, ?, ?)",
               (article_id, article_sketch.shingles, article_sketch.signature))
    keys = sorted(set(article_sketch.keys))
    candidates: set[str] = set()
    for key in keys:
        rows = db.execute("SELECT article_id FROM article_keys WHERE key = ? LIMIT ?", (key, MAX_KEY_ARTICLES + 1)).fetchall()
        if len(rows) <= MAX_KEY_ARTICLES:
            candidates.update(row[0] for row in rows)
    db.executemany("INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?, ?)", [(key, article_id) for key in keys])
    content = lru_cache(maxsize=1)(lambda: content_of(article.text, article.headline_first))  # only if a candidate needs it
    copies = [c for c in sorted(candidates) if are_copies(article_sketch, stored_sketch(db, c), content, lambda c=c: stored_content(db, c))]
    db.execute("UPDATE articles SET copy_group = ?, story = ? WHERE id = ?", (article_id, article_id, article_id))
    if copies:
        join(db, "copy_group", [article_id, *copies])
        join(db, "story", [article_id, *copies])


def stored_sketch(db: sqlite3.Connection, article_id: str) -> Sketch:
    shingles, signature = db.execute("SELECT shingles, signature FROM article_sketches WHERE article_id = ?", (article_id,)).fetchone()
    return Sketch(shingles, signature, ())


def stored_content(db: sqlite3.Connection, article_id: str) -> str:
    text, headline_first = db.execute("SELECT text, headline_first FROM articles WHERE id = ?", (article_id,)).fetchone()
    return content_of(text, bool(headline_first))


def join(db: sqlite3.Connection, column: str, article_ids: list[str]) -> None:
    """Put the articles' groups together under the smallest id, so the result never depends on ingest order."""
    marks = ",".join("?" * len(article_ids))
    groups = sorted({row[0] for row in db.execute(f"SELECT {column} FROM articles WHERE id IN ({marks})", article_ids)})
    if len(groups) > 1:
        db.execute(f"UPDATE articles SET {column} = ? WHERE {column} IN ({','.join('?' * (len(groups) - 1))})",
                   [groups[0], *groups[1:]])


def report_day(published: str | None) -> str:
    """The day an article is dated ('2024-05-01'), the unit of the story window; '' when undated or not a date."""
    try:
        return date.fromisoformat((published or "")[:10]).isoformat()
    except ValueError:
        return ""


def story_window(day: str) -> tuple[str, str]:
    """The first and last day of articles about the same event as one of ``day`` (at the calendar's ends, its ends)."""
    around = date.fromisoformat(day).toordinal()
    first, last = max(around - STORY_DAYS, 1), min(around + STORY_DAYS, date.max.toordinal())
    return date.fromordinal(first).isoformat(), date.fromordinal(last).isoformat()


def close_in_time(first: str | None, second: str | None) -> bool:
    """Undated articles are close to all."""
    first_day, second_day = report_day(first), report_day(second)
    if not first_day or not second_day:
        return True
    low, high = story_window(first_day)
    return low <= second_day <= high


def link_stored_articles(db: sqlite3.Connection) -> None:
    """Link the articles of a store made before copies and merged statements existed, in ingest order."""
    rows = db.execute("SELECT id, text, headline_first, published FROM articles ORDER BY ingested_at, id").fetchall()
    for article_id, text, headline_first, published in rows:
        article = Article(text, id=article_id, published=published, headline_first=bool(headline_first))
        link_copies(db, article, sketch(text, article.headline_first))
        for statement_id, person_id, quote in db.execute(
                "SELECT id, person_id, quote FROM statements WHERE article_id = ? ORDER BY start", (article_id,)).fetchall():
            link_statement(db, statement_id, person_id, quote, published)


# --- one statement per quote ---


def link_statement(db: sqlite3.Connection, statement_id: int, person_id: int | None, quote: str, published: str | None) -> None:
    """Join the statement to the same quote by the same person, or start a new merged statement."""
    norm = normalise_quote(quote) or quote.strip()
    person = person_id or 0
    grams = all_quote_grams(norm)
    merged = matching_statement(db, person, norm, grams)
    if merged is None:
        merged = db.execute("INSERT INTO merged_statements (person_id, quote, norm) VALUES (?, ?, ?)",
                            (person_id, quote, norm)).lastrowid
    elif len(norm) > len(db.execute("SELECT norm FROM merged_statements WHERE id = ?", (merged,)).fetchone()[0]):
        db.execute("UPDATE merged_statements SET quote = ?, norm = ? WHERE id = ?", (quote, norm, merged))
    db.executemany("INSERT OR IGNORE INTO quote_fingerprints (person, fingerprint, merged_id) VALUES (?, ?, ?)",
                   [(person, f, merged) for f in quote_fingerprints(norm, grams)])
    db.execute("UPDATE statements SET merged_id = ? WHERE id = ?", (merged, statement_id))
    join_stories_of_statement(db, merged, statement_id, published)


def matching_statement(db: sqlite3.Connection, person: int, norm: str, grams: list[int] | None = None) -> int | None:
    grams = sorted(set(grams or all_quote_grams(norm)))
    candidates: set[int] = set()
    for start in range(0, len(grams), 500):
        chunk = grams[start:start + 500]
        candidates.update(row[0] for row in db.execute(
            f"SELECT merged_id FROM quote_fingerprints WHERE person = ? AND fingerprint IN ({','.join('?' * len(chunk))})",
            [person, *chunk]))
    return best_match(norm, ((m, db.execute("SELECT norm FROM merged_statements WHERE id = ?", (m,)).fetchone()[0])
                             for m in sorted(candidates)))


def best_match(norm: str, candidates: Iterable[tuple[int, str]]) -> int | None:
    """The candidate (id, normalised quote) that is the same quote and closest in wording, if any."""
    best, best_score = None, -1.0
    for merged, other in candidates:
        if same_quote(norm, other) and (score := fuzz.ratio(norm, other)) > best_score:
            best, best_score = merged, score
    return best


def join_stories_of_statement(db: sqlite3.Connection, merged: int, statement_id: int, published: str | None) -> None:
    """The article joins the story of every report of the statement within the story window of it."""
    article_id = db.execute("SELECT article_id FROM statements WHERE id = ?", (statement_id,)).fetchone()[0]
    add_report(db, merged, report_day(published), article_id)


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


def index_report_days(db: sqlite3.Connection, merged_id: int | None = None) -> None:
    """statement_days for the reports of one merged statement, or of all (schema 4, for a store made before it),
    each day's reports joined into one story (aliases applied before could have left them apart)."""
    which, params = ("s.merged_id IS NOT NULL", ()) if merged_id is None else ("s.merged_id = ?", (merged_id,))
    days: dict[tuple[int, str], list[str]] = {}
    for merged, article_id, published in db.execute(
            "SELECT s.merged_id, a.id, a.published FROM statements s JOIN articles a ON a.id = s.article_id"
            f" WHERE {which} ORDER BY a.id", params).fetchall():
        days.setdefault((merged, report_day(published)), []).append(article_id)
    for (merged, day), articles in days.items():
        join(db, "story", sorted(set(articles)))
        db.execute("INSERT OR IGNORE INTO statement_days (merged_id, day, article_id) VALUES (?, ?, ?)", (merged, day, articles[0]))


def join_days(db: sqlite3.Connection, merged: int, other: int) -> None:
    """The reports of ``other`` become reports of ``merged``, each joining the stories within its window."""
    for day, article_id in db.execute("SELECT day, article_id FROM statement_days WHERE merged_id = ?", (other,)).fetchall():
        add_report(db, merged, day, article_id)


# --- one person per name ---


def person_for(db: sqlite3.Connection, name: str, speaker_type: str, used: bool = True) -> int | None:
    """The stored person this name is (any spelling, an alias, or the same name with a middle initial), or a new one."""
    key = person_key(name)
    if not key:
        return None
    row = db.execute("SELECT person_id FROM person_keys WHERE key = ?", (key,)).fetchone()
    if row is None and (loose := loose_key(name)) != key:
        row = db.execute("SELECT person_id FROM person_keys WHERE key = ?", (loose,)).fetchone()
        if row and kept_apart(db, key, row[0]):
            row = None
    if row is not None:
        person = row[0]
    else:
        words = " " + " ".join(person_key(word) for word in name.split()) + " "
        person = db.execute("INSERT INTO people (key, name, type, words) VALUES (?, ?, ?, ?)",
                            (key, name, speaker_type, words)).lastrowid
        db.executemany("INSERT OR IGNORE INTO person_keys (key, person_id) VALUES (?, ?)",
                       [(key, person), (loose_key(name), person)])
    db.execute("INSERT OR IGNORE INTO person_keys (key, person_id) VALUES (?, ?)", (key, person))
    db.execute("INSERT INTO person_names (person_id, name, uses) VALUES (?, ?, ?)"
               " ON CONFLICT (person_id, name) DO UPDATE SET uses = uses + excluded.uses", (person, name, int(used)))
    return person


def majority_gender(counts: dict[str, int]) -> str | None:
    """A person's gender is the one most of their statements give (a tie or none: unknown)."""
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None


def note_genders(db: sqlite3.Connection, people: set[int]) -> None:
    for person in people:
        female, male = db.execute("SELECT female, male FROM people WHERE id = ?", (person,)).fetchone()
        counts = {gender: count for gender, count in (("female", female), ("male", male)) if count}
        db.execute("UPDATE people SET gender = ? WHERE id = ?", (majority_gender(counts), person))


def unlink_article(db: sqlite3.Connection, article_id: str, text: str, published: str | None, named: list,
                   merged: list[int]) -> None:
    """Take back what an article's statements, already deleted, added: one use of each name it gave a
    person, one article of each role written before those names, and its wording of merged statements
    (those left with no statement go; the others keep their fullest remaining wording)."""
    db.executemany("UPDATE person_names SET uses = max(uses - 1, 0) WHERE person_id = ? AND name = ?",
                   [(person, name) for person, name, _ in named])
    people = {name: person for person, name, kind in named if kind == "person"}
    for name, found in roles(text, set(people)).items():
        db.executemany("UPDATE person_roles SET articles = articles - 1 WHERE person_id = ? AND role = ?",
                       [(people[name], role) for role in found])
    db.execute("DELETE FROM person_roles WHERE articles <= 0")
    for merged_id in merged:
        remaining = [row[0] for row in db.execute("SELECT quote FROM statements WHERE merged_id = ?", (merged_id,))]
        if not remaining:
            db.execute("DELETE FROM merged_statements WHERE id = ?", (merged_id,))
            continue
        db.execute("DELETE FROM statement_days WHERE merged_id = ? AND article_id = ?", (merged_id, article_id))
        index_report_days(db, merged_id)
        person = db.execute("SELECT coalesce(person_id, 0) FROM merged_statements WHERE id = ?", (merged_id,)).fetchone()[0]
        quote = max(remaining, key=lambda q: len(normalise_quote(q) or q.strip()))
        db.execute("UPDATE merged_statements SET quote = ?, norm = ? WHERE id = ?", (quote, normalise_quote(quote) or quote.strip(), merged_id))
        db.execute("DELETE FROM quote_fingerprints WHERE merged_id = ?", (merged_id,))
        db.executemany("INSERT OR IGNORE INTO quote_fingerprints (person, fingerprint, merged_id) VALUES (?, ?, ?)",
                       [(person, f, merged_id) for q in remaining for f in quote_fingerprints(normalise_quote(q) or q.strip())])


def drop_people_without_statements(db: sqlite3.Connection, people: set[int]) -> None:
    """People left with no statement after a reprocess go, unless an aliases file named them."""
    for person in people:
        db.execute("DELETE FROM people WHERE id = ? AND wikidata IS NULL"
                   " AND NOT EXISTS (SELECT 1 FROM statements WHERE person_id = ?)"
                   " AND NOT EXISTS (SELECT 1 FROM merged_statements WHERE person_id = ?)"
                   " AND NOT EXISTS (SELECT 1 FROM people_apart a JOIN person_keys k ON k.key = a.key WHERE k.person_id = ?)",
                   (person, person, person, person))
    note_genders(db, {p for p in people if db.execute("SELECT 1 FROM people WHERE id = ?", (p,)).fetchone()})


def kept_apart(db: sqlite3.Connection, key: str, person: int) -> bool:
    """An aliases file said this name is not that person."""
    return db.execute("SELECT 1 FROM people_apart a JOIN person_keys k ON k.key = a.other"
                      " WHERE a.key = ? AND k.person_id = ?", (key, person)).fetchone() is not None


def link_roles(db: sqlite3.Connection, person: int, roles: Iterable[str], published: str | None) -> None:
    db.executemany(
        "INSERT INTO person_roles (person_id, role, first_seen, last_seen, articles) VALUES (?, ?, ?, ?, 1)"
        " ON CONFLICT (person_id, role) DO UPDATE SET articles = articles + 1,"
        " first_seen = min(coalesce(first_seen, excluded.first_seen), coalesce(excluded.first_seen, first_seen)),"
        " last_seen = max(coalesce(last_seen, excluded.last_seen), coalesce(excluded.last_seen, last_seen))",
        [(person, role, published, published) for role in sorted(set(roles))])


def apply_aliases(db: sqlite3.Connection, entries: list) -> int:
    """Join each alias's person into the named person, record names kept apart and Wikidata ids.
    Returns how many people were joined into another."""
    joined = 0
    for entry in entries:
        person = person_for(db, entry.name, "person", used=False)
        db.execute("UPDATE people SET name = ?, wikidata = coalesce(?, wikidata) WHERE id = ?", (entry.name, entry.wikidata, person))
        for other_name in entry.apart:
            key, other = person_key(entry.name), person_key(other_name)
            db.executemany("INSERT OR IGNORE INTO people_apart (key, other) VALUES (?, ?)", [(key, other), (other, key)])
        for alias in entry.aliases:
            row = db.execute("SELECT person_id FROM person_keys WHERE key = ?", (person_key(alias),)).fetchone()
            if row and row[0] != person:
                join_people(db, person, row[0])
                joined += 1
            db.execute("INSERT OR REPLACE INTO person_keys (key, person_id) VALUES (?, ?)", (person_key(alias), person))
    return joined


def join_people(db: sqlite3.Connection, person: int, other: int) -> None:
    """Move everything of ``other`` to ``person``; their statements of the same quote become one."""
    db.execute("UPDATE person_keys SET person_id = ? WHERE person_id = ?", (person, other))
    db.execute("INSERT INTO person_names (person_id, name, uses) SELECT ?, name, uses FROM person_names WHERE person_id = ?"
               " ON CONFLICT (person_id, name) DO UPDATE SET uses = uses + excluded.uses", (person, other))
    db.execute("INSERT INTO person_roles (person_id, role, first_seen, last_seen, articles)"
               " SELECT ?, role, first_seen, last_seen, articles FROM person_roles WHERE person_id = ?"
               " ON CONFLICT (person_id, role) DO UPDATE SET articles = articles + excluded.articles", (person, other))
    db.execute("UPDATE statements SET person_id = ? WHERE person_id = ?", (person, other))
    for merged, norm in db.execute("SELECT id, norm FROM merged_statements WHERE person_id = ?", (other,)).fetchall():
        same = matching_statement(db, person, norm)
        db.execute("DELETE FROM quote_fingerprints WHERE merged_id = ?", (merged,))
        if same is None:
            db.execute("UPDATE merged_statements SET person_id = ? WHERE id = ?", (person, merged))
            db.executemany("INSERT OR IGNORE INTO quote_fingerprints (person, fingerprint, merged_id) VALUES (?, ?, ?)",
                           [(person, f, merged) for f in quote_fingerprints(norm)])
        else:
            db.execute("UPDATE statements SET merged_id = ? WHERE merged_id = ?", (same, merged))
            join_days(db, same, merged)
            db.execute("DELETE FROM merged_statements WHERE id = ?", (merged,))
    db.execute("DELETE FROM person_names WHERE person_id = ?", (other,))
    db.execute("DELETE FROM person_roles WHERE person_id = ?", (other,))
    db.execute("DELETE FROM people WHERE id = ?", (other,))
