"""Across articles: copies and stories, one statement per quote, one person per name."""

import gzip
import json
import random
import re
import sqlite3
from itertools import combinations, islice

import pytest
from conftest import CORPORA, SEEDS, run_cli

from onrecord.aliases import load_aliases
from onrecord.ingest import ingest, reprocess
from onrecord.link.copies import are_copies, content_of, shingle_set, sketch
from onrecord.link.statements import normalise_quote, same_quote
from onrecord.model import Article, Statement
from onrecord.names import person_key
from onrecord.read import article_id
from onrecord.store import Store


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    result = run_cli("ingest", "--db", db, *sorted(SEEDS.glob("*.txt")))
    assert result.returncode == 0, result.stderr
    return db


def cli_jsonl(db, *args):
    result = run_cli(*args, "--db", db, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_quote_reported_by_two_seed_articles_is_one_statement(seeds_store):
    gold = [json.loads(line) for line in open(SEEDS / "gold.jsonl", encoding="utf-8")]
    shared = {}
    for g in gold:
        shared.setdefault(normalise_quote(g["quote"]), set()).add(g["article"])
    reported_twice = [quote for quote, articles in shared.items() if len(articles) == 2]
    assert reported_twice
    statements = cli_jsonl(seeds_store, "statements")
    for quote in reported_twice:
        found = [s for s in statements if normalise_quote(s["quote"]) == quote]
        assert len(found) == 1 and found[0]["articles"] == 2, quote
    for g in (g for g in gold if normalise_quote(g["quote"]) in reported_twice):
        words = " ".join(g["quote"].split()[:4])
        found = cli_jsonl(seeds_store, "statements", "--search", f'"{words}"')
        assert len(found) == 1 and found[0]["articles"] == 2 and person_key(found[0]["speaker"]) == person_key(g["speaker"])
        assert found[0]["outlets"] == 1  # one copy names its wire service, the other no outlet: not counted


def test_seed_copies_form_one_group_and_the_other_article_stays_apart(seeds_store):
    stories = cli_jsonl(seeds_store, "stories")
    assert sorted(s["articles"] for s in stories) == [1, 2]
    assert next(s for s in stories if s["articles"] == 2)["copy_groups"] == 1
    groups = dict(sqlite3.connect(seeds_store).execute("SELECT substr(source, -24, 3), copy_group FROM articles"))
    assert groups["000"] == groups["001"] != groups["003"]


def test_seed_people_once_each_and_surname_namesakes_apart(seeds_store):
    gold = [json.loads(line) for line in open(SEEDS / "gold.jsonl", encoding="utf-8")]
    people = cli_jsonl(seeds_store, "people")
    keys = [{person_key(v) for v in p["variants"].split(" | ")} for p in people]
    for speaker in {g["speaker"] for g in gold if not g.get("optional")}:
        assert sum(person_key(speaker) in k for k in keys) == 1, speaker
    for variants in keys:  # namesakes (a shared surname) are never one person: every spelling folds alike
        assert len(variants) == 1, variants
    roles = {p["name"]: p["roles"] or "" for p in people}
    assert any("Gov." in r for r in roles.values()) and any("President" in r for r in roles.values())


@pytest.mark.parametrize("first, second", [
    ("“We will not pay a ransom,”", '"We will not pay a ransom."'),
    ("We will not pay a ransom,", "we will not pay a ransom"),
    ("Park Ji-hoon will come to Busan soon", "Park Ji Hoon will come to Busan soon"),
    ("the talks with Park Ji Hoon will resume in spring and the aid will flow", "talks with Park Ji Hoon will resume in spring"),
])
def test_tolerant_quote_matching(first, second):
    assert same_quote(normalise_quote(first), normalise_quote(second))


@pytest.mark.parametrize("first, second", [
    ("We will not pay a ransom", "We will pay the ransom in full"),
    ("The port will reopen on Monday", "The airport will close on Monday"),
    ("talks", "the talks will resume in spring"),
])
def test_different_quotes_stay_apart(first, second):
    assert not same_quote(normalise_quote(first), normalise_quote(second))


def story_article(text: str, published: str | None = None, outlet: str | None = None) -> Article:
    return Article(text, source=f"test:{article_id(text)}", id=article_id(text), published=published, outlet=outlet)


def said(article: Article, quote: str, speaker: str, kind: str = "direct") -> Statement:
    start = article.text.index(quote)
    return Statement(quote, start, start + len(quote), kind, "said", speaker, "person", speaker, 0.9, article.source)


def test_fragments_and_spellings_merge_across_articles(tmp_path):
    first = story_article("Port strike ends\n\n“The strike is over and the cranes will move again tonight,” said union leader Park Ji-hoon.", "2024-05-02", "Harbour Times")
    second = story_article("Cranes move again\n\nThe union leader said “the cranes will move again tonight.”", "2024-05-03", "Coast Daily")
    third = story_article("Strike talk\n\n“We never wanted a strike,” said Park Ji Hoon, the union leader.", "2024-05-03", "Coast Daily")
    with Store(tmp_path / "m.db") as store, store.transaction():
        store.add(first, [said(first, "The strike is over and the cranes will move again tonight,", "Park Ji-hoon")])
        store.add(second, [said(second, "the cranes will move again tonight.", "Park Ji Hoon", "mixed")])
        store.add(third, [said(third, "We never wanted a strike,", "PARK JI HOON")])
    with Store(tmp_path / "m.db", readonly=True) as store:
        merged = {row["quote"]: row for row in store.merged_statements()}
        people = store.people()
    assert len(people) == 1 and people[0]["statements"] == 3
    assert set(merged) == {"The strike is over and the cranes will move again tonight,", "We never wanted a strike,"}
    crane = merged["The strike is over and the cranes will move again tonight,"]
    assert (crane["articles"], crane["outlets"], crane["first_seen"], crane["first_article"]) == (2, 2, "2024-05-02", first.id)


def test_a_surname_alone_never_joins_people_across_articles(tmp_path):
    full = story_article("Talks\n\n“We are ready,” said Park Ji-hoon.", "2024-01-01")
    namesake = story_article("Memorial\n\n“Peace needs patience,” said Park Min-jun.", "2024-01-02")
    surname = story_article("Reply\n\n“No comment,” said Park.", "2024-01-03")
    with Store(tmp_path / "k.db") as store, store.transaction():
        for article, quote, name in ((full, "We are ready,", "Park Ji-hoon"), (namesake, "Peace needs patience,", "Park Min-jun"),
                                     (surname, "No comment,", "Park")):
            store.add(article, [said(article, quote, name)])
    with Store(tmp_path / "k.db", readonly=True) as store:
        assert sorted(p["name"] for p in store.people()) == ["Park", "Park Ji-hoon", "Park Min-jun"]


def test_aliases_join_keep_apart_and_identify(tmp_path):
    one = story_article("A\n\n“The bridge opens in June,” said Tom H. Baker.", "2024-02-01")
    two = story_article("B\n\n“The bridge opens in June,” said Tom Baker.", "2024-02-02")
    three = story_article("C\n\n“Tolls will stay low,” said Thomas Baker.", "2024-02-03")
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("- name: Tom Baker\n  aliases: [Thomas Baker]\n  wikidata: Q123\n", encoding="utf-8")
    apart = tmp_path / "apart.csv"
    apart.write_text("name,alias,not,wikidata\nTom Baker,,Tom H. Baker,\n", encoding="utf-8")
    for db, files in (("joined.db", [aliases]), ("apart.db", [aliases, apart])):
        with Store(tmp_path / db) as store:
            for entries in map(str, files):
                store.apply_aliases(load_aliases(entries))
            with store.transaction():
                for article, quote, name in ((one, "The bridge opens in June,", "Tom H. Baker"),
                                             (two, "The bridge opens in June,", "Tom Baker"),
                                             (three, "Tolls will stay low,", "Thomas Baker")):
                    store.add(article, [said(article, quote, name)])
    with Store(tmp_path / "joined.db", readonly=True) as store:
        (person,) = store.people()
        assert (person["name"], person["wikidata"], person["statements"], person["distinct_statements"]) == ("Tom Baker", "Q123", 3, 2)
    with Store(tmp_path / "apart.db", readonly=True) as store:
        assert sorted(p["name"] for p in store.people()) == ["Tom Baker", "Tom H. Baker"]


def test_aliases_applied_on_demand_join_stored_people(tmp_path):
    first = story_article("A\n\n“Rates will fall,” said Ana María Ruiz.", "2024-03-01")
    second = story_article("B\n\n“Rates will fall,” said Ana Ruiz.", "2024-03-02")
    db = tmp_path / "later.db"
    with Store(db) as store, store.transaction():
        store.add(first, [said(first, "Rates will fall,", "Ana María Ruiz")])
        store.add(second, [said(second, "Rates will fall,", "Ana Ruiz")])
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("name,alias,not,wikidata\nAna María Ruiz,Ana Ruiz,,\n", encoding="utf-8")
    result = run_cli("people", "--apply-aliases", aliases, "--db", db, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    (person,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert person["name"] == "Ana María Ruiz" and person["statements"] == 2 and person["distinct_statements"] == 1


def test_a_bad_aliases_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- name: [not, a, name]\n", encoding="utf-8")
    result = run_cli("people", "--apply-aliases", bad, "--db", tmp_path / "x.db")
    assert result.returncode == 2 and "entry 1 has no name" in result.stderr and result.stderr.count("\n") == 1


# --- grouping syndicated copies, measured on BBC articles and copies made here ---

FOOTERS = ["Copyright 2005 Example News Service. All rights reserved. Distributed by the Example Syndicate.",
           "Follow our coverage on the Example Daily website and sign up for the morning newsletter today."]


def copies_of(record: dict, rng: random.Random) -> list[str]:
    paragraphs = [p for p in record["text"].split("\n\n") if p.strip()]
    trimmed = paragraphs[: max(2, len(paragraphs) * 2 // 3)]
    shuffled = paragraphs[:1] + rng.sample(paragraphs[1:], len(paragraphs) - 1)
    return [
        f"{record['title']} - latest\n\n" + "\n\n".join(paragraphs),  # new headline
        f"{record['title']}\n\n" + "\n\n".join(trimmed),  # trimmed for space
        f"{record['title']}\n\n" + "\n\n".join(shuffled),  # paragraphs reordered
        f"{record['title']}\n\n" + "\n\n".join(paragraphs + [FOOTERS[0], FOOTERS[1]]),  # another site's footer
    ]


def shingles(text: str) -> set[str]:
    tokens = re.findall(r"\w+", text.lower())
    return {" ".join(tokens[i:i + 5]) for i in range(len(tokens) - 4)}


@pytest.mark.slow
def test_grouping_of_copies_precision_and_recall(tmp_path):
    with gzip.open(CORPORA / "bbc-news-2225" / "bbc.jsonl.gz", "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, 0, 2225, 8)]  # 279 articles across all sections
    rng = random.Random(7)
    texts = {}
    for index, record in enumerate(records):
        texts[f"{index}:original"] = f"{record['title']}\n\n{record['text']}"
        if index % 3 == 0:
            for n, copy in enumerate(copies_of(record, rng)):
                texts[f"{index}:copy{n}"] = copy
    order = list(texts)
    rng.shuffle(order)
    with Store(tmp_path / "groups.db") as store, store.transaction():
        for name in order:
            article = story_article(texts[name])
            store.add(article, [], sketch=sketch(article.text))
    with Store(tmp_path / "groups.db", readonly=True) as store:
        group = dict(store.db.execute("SELECT id, copy_group FROM articles").fetchall())
    origin_shingles = {i: shingles(r["text"]) for i, r in enumerate(records)}
    true_positive = false_positive = false_negative = 0
    for a, b in combinations(order, 2):
        origin_a, origin_b = int(a.split(":")[0]), int(b.split(":")[0])
        grouped = group[article_id(texts[a])] == group[article_id(texts[b])]
        if origin_a == origin_b:
            true_positive += grouped
            false_negative += not grouped
        else:
            sa, sb = origin_shingles[origin_a], origin_shingles[origin_b]
            related = len(sa & sb) / max(min(len(sa), len(sb)), 1) >= 0.1  # the corpus's own near-duplicates
            false_positive += grouped and not related
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    print(f"grouping: {len(texts)} articles, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95


def test_groups_do_not_depend_on_ingest_order(tmp_path):
    with gzip.open(CORPORA / "bbc-news-2225" / "bbc.jsonl.gz", "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, 0, 400, 10)]
    rng = random.Random(3)
    texts = [f"{r['title']}\n\n{r['text']}" for r in records] + [c for r in records[:10] for c in copies_of(r, rng)]
    groupings = []
    for name, ordered in (("forward", texts), ("backward", texts[::-1])):
        with Store(tmp_path / f"{name}.db") as store:
            with store.transaction():
                for text in ordered:
                    store.add(story_article(text), [])
            groupings.append(sorted(map(tuple, store.db.execute("SELECT id, copy_group, story FROM articles"))))
    assert groupings[0] == groupings[1]
    assert len({g for _, g, _ in groupings[0]}) == len(records)


def test_a_store_from_before_merging_is_upgraded_and_linked(tmp_path):
    """A version-1 store (articles and statements only) is migrated and its articles linked on open."""
    from onrecord.store import APPLICATION_ID, MIGRATIONS, split_script

    first = story_article("Dock reopens\n\n“The dock is open again for every ship,” said harbour master Ana Ruiz.", "2024-06-01")
    copy = story_article("Dock open\n\n“The dock is open again for every ship,” said harbour master Ana Ruiz.\n\nMore soon.", "2024-06-02")
    db = tmp_path / "v1.db"
    connection = sqlite3.connect(db)
    for statement in split_script(MIGRATIONS[0]):
        connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 1")
    connection.execute("INSERT INTO people (key, name, type, words) VALUES ('anaruiz', 'Ana Ruiz', 'person', ' ana ruiz ')")
    for article in (first, copy):
        connection.execute("INSERT INTO articles (id, source, text, published, ingested_at) VALUES (?, ?, ?, ?, 0)",
                           (article.id, article.source, article.text, article.published))
        s = said(article, "The dock is open again for every ship,", "Ana Ruiz")
        connection.execute("INSERT INTO statements (article_id, start, end, quote, kind, person_id, speaker, speaker_type,"
                           " confidence) VALUES (?, ?, ?, ?, 'direct', 1, 'Ana Ruiz', 'person', 0.9)",
                           (article.id, s.start, s.end, s.quote))
    connection.commit()
    connection.close()
    with Store(db) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        (merged,) = store.merged_statements()
        (story,) = store.stories()
    assert merged["articles"] == 2 and story["articles"] == 2 and story["copy_groups"] == 1


def spliced(host: dict, donor: dict, low: float, high: float) -> str | None:
    """The host article with the donor's sentences added one by one until the share of the smaller
    article's shingles the two have in common (the copy test's measure) lies in [low, high)."""
    donor_shingles = shingle_set(content_of(f"{donor['title']}\n\n{donor['text']}"))
    added = ""
    for sentence in re.findall(r"[^.!?]+[.!?]+", donor["text"]):
        added += sentence
        text = f"{host['title']}\n\n{host['text']}\n\n{added.strip()}"
        host_shingles = shingle_set(content_of(text))
        share = len(host_shingles & donor_shingles) / min(len(host_shingles), len(donor_shingles))
        if low <= share < high:
            return text
        if share >= high:
            return None
    return None


@pytest.mark.parametrize("low,high,copies", [(0.12, 0.15, False), (0.15, 0.18, True)])  # the threshold: 0.15
def test_the_copy_threshold_from_both_sides(low, high, copies):
    """Real articles sharing just under, then just over, the copy threshold's share of their text."""
    with gzip.open(CORPORA / "bbc-news-2225" / "bbc.jsonl.gz", "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, 0, 2000, 50)]
    judged = 0
    for host, donor in zip(records[::2], records[1::2]):
        if (text := spliced(host, donor, low, high)) is None:
            continue
        donor_text = f"{donor['title']}\n\n{donor['text']}"
        assert are_copies(sketch(text), sketch(donor_text), lambda: content_of(text), lambda: content_of(donor_text)) is copies
        judged += 1
    assert judged >= 5


def linked(store: Store) -> dict:
    """What linking wrote, by content rather than row ids."""
    rows = lambda sql: sorted(map(tuple, store.db.execute(sql)))  # noqa: E731
    return {
        "statements": rows("SELECT article_id, start, end, quote, kind, speaker, p.name FROM statements s LEFT JOIN people p ON p.id = s.person_id"),
        "merged": rows("SELECT m.quote, p.name, count(s.id) FROM merged_statements m LEFT JOIN people p ON p.id = m.person_id"
                       " JOIN statements s ON s.merged_id = m.id GROUP BY m.id"),
        "fingerprints": rows("SELECT p.name, count(*) FROM quote_fingerprints f JOIN merged_statements m ON m.id = f.merged_id"
                             " LEFT JOIN people p ON p.id = m.person_id GROUP BY m.id"),
        "names": rows("SELECT p.name, n.name, n.uses FROM person_names n JOIN people p ON p.id = n.person_id"),
        "roles": rows("SELECT p.name, r.role, r.articles FROM person_roles r JOIN people p ON p.id = r.person_id"),
        "people": rows("SELECT name, type FROM people"),
    }


def test_reprocessing_an_unchanged_store_changes_nothing_it_linked(tmp_path, nlp):
    """Each article's statements are taken back (names used, roles, wordings, fingerprints) and linked
    again: with the same rules the store must come out as it was, not with every count doubled."""
    with Store(tmp_path / "again.db") as store:
        ingest([str(p) for p in sorted(SEEDS.glob("*.txt"))], store, jobs=1)
        before = linked(store)
        summary = reprocess(store, jobs=1)
        assert summary.new == 3 and linked(store) == before
    assert any(uses == 2 for _, _, uses in before["names"]) and any(count == 2 for *_, count in before["merged"])
    assert before["roles"] and before["fingerprints"]


def test_a_sketch_is_stored_as_128_unsigned_32_bit_values():
    """The stored format: a sketch written by one run is read back by the next (and by Spark)."""
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    first, again = sketch(text), sketch(text)
    assert len(first.signature) == 128 * 4 and first == again
    assert len(first.keys) > 16 and first.shingles > 100
