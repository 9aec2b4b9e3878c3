"""Write time per report of one statement quoted by many articles: must stay flat as the reports grow.

    python benchmarks/popular_statement.py [--reports 1000 10000 50000]

A president's line is reported by tens of thousands of articles. Each article here is different
(random made-up words, so no two are copies), dated over one year, and reports the same quotation by the
same person. Sketches are made before the clock starts, as the ingest workers make them; what is
timed is the writer: storing the article and linking its statement (merged statement, story). For
each size the figure is the time per report of the last 1,000 reports written before the store
held that many, so a cost that grows with earlier reports shows as a rising figure. `--distinct`
is the control: the same articles, each quoting a statement of its own, so only the store grows.
"""

import argparse
import json
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from onrecord.link.copies import sketch
from onrecord.model import Article, Statement
from onrecord.read import article_id
from onrecord.store import Store

WINDOW = 1000
SPEAKER = "Marta Ollendorf"
QUOTE = "We will not raise the levy on small harbours this year or the next"
SYLLABLES = "ba ce di fo gu ha ke li mo nu pa re si to vu wa ye zo".split()
# Made-up words, so that no two articles share enough wording to be copies or LSH candidates of each other.
WORDS = sorted({"".join(random.Random(n).choices(SYLLABLES, k=4)) for n in range(40000)})


def article(number: int, rng: random.Random, distinct: bool = False) -> tuple[Article, list[Statement]]:
    quote = " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() if distinct else QUOTE
    lead = " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "."
    text = f"{lead}\n\n“{quote},” {SPEAKER} said on the quay. {' '.join(rng.choice(WORDS) for _ in range(40))}."
    start = text.index(quote)
    published = (date(2024, 1, 1) + timedelta(days=rng.randrange(365))).isoformat()
    found = Article(text, f"report-{number}", headline=None, published=published, id=article_id(text), headline_first=False)
    statement = Statement(quote, start, start + len(quote), "direct", "said", SPEAKER, "person", SPEAKER, 0.9, found.id)
    return found, [statement]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--distinct", action="store_true",
                        help="the control: every article quotes a statement of its own, so only the store's size grows")
    args = parser.parse_args()
    rng = random.Random(7)
    sizes = sorted(args.reports)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "popular.db") as store:
        written, figures = 0, []
        for size in sizes:
            while written < size:
                batch = [article(written + i, rng, args.distinct) for i in range(min(WINDOW, size - written))]
                sketches = [sketch(a.text, a.headline_first) for a, _ in batch]
                started = time.perf_counter()
                with store.transaction():
                    for (found, statements), found_sketch in zip(batch, sketches):
                        store.add(found, statements, sketch=found_sketch)
                seconds = time.perf_counter() - started
                written += len(batch)
            merged = store.db.execute("SELECT count(*) FROM merged_statements").fetchone()[0]
            figures.append({"benchmark": "popular_statement", "distinct": args.distinct, "reports": written, "merged_statements": merged,
                            "ms_per_report": round(1000 * seconds / len(batch), 3)})
            print(json.dumps(figures[-1]))
    flat = figures[-1]["ms_per_report"] / figures[0]["ms_per_report"]
    print(json.dumps({"benchmark": "popular_statement", "growth_last_over_first": round(flat, 2)}))


if __name__ == "__main__":
    main()
