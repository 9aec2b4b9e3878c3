"""How fast ``onrecord audit`` answers over a store of 100,000 statements (the aim: under 2 s).

    python benchmarks/audit_speed.py [--statements 100000] [--runs 3] [--keep STORE]

The store is synthetic, written with SQL into a store made by ``Store(path)`` (the extraction is not what is
timed): 20 outlets of unequal size, 36 months, 5,000 people (most persons, 30 % women, 55 % men, 15 % of unknown
gender; some organisations and descriptions), quoted with a long tail (a few people quoted very often), about
five statements an article, 8 % without a known speaker. Each grouping is timed over several runs, each in a
store opened afresh, read-only, as the CLI opens it.
"""

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from onrecord.store import QuoteFilter, Store

OUTLETS = 20
MONTHS = 36
PEOPLE = 5_000
PER_ARTICLE = 5
WORDS = "the minister said that the budget would be cut next year and that nobody would lose a job over it".split()


def person_rows(rng: random.Random) -> list[tuple]:
    rows = []
    for i in range(1, PEOPLE + 1):
        kind = rng.choices(("person", "organization", "description"), (90, 5, 5))[0]
        gender = rng.choices(("female", "male", None), (30, 55, 15))[0] if kind == "person" else None
        rows.append((i, f"person {i}", f"Person {i}", kind, f" person {i} ", gender))
    return rows


def article_rows(rng: random.Random, count: int) -> list[tuple]:
    weights = [1 / (rank + 1) for rank in range(OUTLETS)]
    return [(f"a{i:07d}", "benchmark", f"Outlet {rng.choices(range(OUTLETS), weights)[0]:02d}",
             f"{2021 + (month := rng.randrange(MONTHS)) // 12}-{month % 12 + 1:02d}-{rng.randrange(1, 29):02d}",
             "text", 0.0) for i in range(count)]


def statement_rows(rng: random.Random, count: int, articles: int, people: list[tuple]) -> list[tuple]:
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(PEOPLE)]
    speakers = rng.choices(people, popularity, k=count)
    rows = []
    for i, person in enumerate(speakers):
        known = rng.random() > 0.08
        quote = " ".join(rng.choices(WORDS, k=rng.randrange(5, 30)))
        rows.append((f"a{i // PER_ARTICLE % articles:07d}", i, i + len(quote), quote, rng.choice(("direct", "indirect", "mixed")),
                     person[0] if known else None, person[3] if known else "unknown", 0.9,
                     person[5] if known else None))
    return rows


def build(path: Path, statements: int, seed: int = 7) -> float:
    started = time.perf_counter()
    rng = random.Random(seed)
    people = person_rows(rng)
    articles = statements // PER_ARTICLE
    with Store(path) as store, store.db:
        store.db.execute("BEGIN")
        store.db.executemany("INSERT INTO people (id, key, name, type, words, gender) VALUES (?, ?, ?, ?, ?, ?)", people)
        store.db.executemany("INSERT INTO person_keys (key, person_id) VALUES (?, ?)", [(p[1], p[0]) for p in people])
        store.db.executemany("INSERT INTO articles (id, source, outlet, published, text, ingested_at) VALUES (?, ?, ?, ?, ?, ?)",
                             article_rows(rng, articles))
        store.db.executemany("INSERT INTO statements (article_id, start, end, quote, kind, person_id, speaker_type, confidence,"
                             " speaker_gender) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             statement_rows(rng, statements, articles, people))
        store.db.execute("COMMIT")
    return time.perf_counter() - started


def timed(path: Path, by: str, where: QuoteFilter, runs: int) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU seconds of each run (CPU time tells the work apart from waiting on a busy machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        with Store(path, readonly=True) as store:
            started, used = time.perf_counter(), time.process_time()
            rows = store.audit(where, by)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
    return wall, cpu, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the store here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "audit.db"
        built = build(path, args.statements)
        print(f"store: {args.statements:,} statements, {args.statements // PER_ARTICLE:,} articles, {OUTLETS} outlets, "
              f"{MONTHS} months, {PEOPLE:,} people; built in {built:.1f} s")
        cases = [("outlet", QuoteFilter()), ("outlet,month", QuoteFilter()), ("month", QuoteFilter()),
                 ("outlet", QuoteFilter(since="2022-01", until="2022-12")), ("outlet", QuoteFilter(search="budget"))]
        for by, where in cases:
            wall, cpu, rows = timed(path, by, where, args.runs)
            given = ", ".join(f"{k}={v}" for k, v in vars(where).items() if v not in (None, False, 0))
            print(f"audit --by {by:<13} {given or 'no filter':<30} {rows:>4} rows  wall best {min(wall):.3f} s, "
                  f"worst {max(wall):.3f} s; CPU best {min(cpu):.3f} s")
        print(f"load average while timed: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
