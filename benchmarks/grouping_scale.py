"""Time and memory of grouping copies as the corpus grows: 1k, 10k, 100k articles.

    python benchmarks/grouping_scale.py [--sizes 1000 10000 100000]

The articles are built from the shared corpora (Reuters, BBC, PolNeAR, the AEB gold texts) with
controlled variation: every fourth article is a copy of an earlier one, retitled, trimmed,
reordered or given another site's footer, so the right groups are known, and the groups the store
makes are scored against them: pair precision (of the pairs of articles put in one group, the share
that are an original and its copy or two copies of one original) and pair recall (the reverse).
Originals whose texts are the same count as one; near-duplicates among the corpora's own stories
are not known, so grouping them counts against precision. Sketching (MinHash, done by the ingest
workers) and linking (the writer: LSH keys in the store, exact check of the candidates, union of
groups) are timed apart; linking is what must not grow quadratically.
"""

import argparse
import gzip
import json
import multiprocessing
import random
import re
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from common import CORPORA

from onrecord.link.copies import sketch
from onrecord.model import Article
from onrecord.read import article_id
from onrecord.store import Store

SOURCES = ["reuters-21578/reuters21578.jsonl.gz", "bbc-news-2225/bbc.jsonl.gz", "polnear-attribution/polnear.jsonl.gz",
           "article-extraction-benchmark-en/ground-truth.jsonl"]
FOOTER = "\n\nThis story was distributed by the Example Syndicate. All rights reserved. Follow us for more news every day."


def originals() -> list[str]:
    texts = []
    for source in SOURCES:
        path = CORPORA / source
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for record in map(json.loads, lines):
                if len(record["text"].split()) >= 40:
                    texts.append(f"{record.get('title') or 'Untitled'}\n\n{record['text']}")
    return texts


def varied(text: str, kind: int, rng: random.Random) -> str:
    headline, _, body = text.partition("\n\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip()] or [body]
    if kind == 0:
        return f"{headline} (updated)\n\n{body}"
    if kind == 1:
        return headline + "\n\n" + "\n\n".join(paragraphs[: max(1, len(paragraphs) * 2 // 3)])
    if kind == 2:
        return headline + "\n\n" + "\n\n".join(paragraphs[:1] + rng.sample(paragraphs[1:], len(paragraphs) - 1))
    return text + FOOTER


def new_edition(text: str, edition: int) -> str:
    """Past the end of the pool, an original is given new words (each word gets the edition's suffix):
    a new article with the same length and word statistics, sharing no shingle with the first edition."""
    if edition == 0:
        return text
    suffix = "q" + "".join(chr(ord("a") + int(d)) for d in str(edition))
    return re.sub(r"[A-Za-z]+", lambda word: word.group() + suffix, text)


def first_of_same_text(pool: list[str]) -> list[int]:
    """For each original, the first one in the pool with the same text (the store keeps one of them)."""
    first: dict[str, int] = {}
    return [first.setdefault(article_id(text), n) for n, text in enumerate(pool)]


def corpus(size: int, pool: list[str], same: list[int]) -> Iterator[tuple[str, int]]:
    """``size`` articles, each with the number of the original it is (or copies): three of every four
    are originals (cycling through the pool), the fourth a copy."""
    rng = random.Random(size)
    used = 0
    for n in range(size):
        original = rng.randrange(used) if n % 4 == 3 and used else used
        index, edition = original % len(pool), original // len(pool)
        text = new_edition(pool[index], edition)
        label = edition * len(pool) + same[index]
        if original == used:
            used += 1
            yield text, label
        else:
            yield varied(text, rng.randrange(4), rng), label


def sketched(item: tuple[str, int]):
    text, label = item
    return text, label, sketch(text)


def pairs(groups: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in groups.values())


def pair_scores(found: dict[str, str], truth: dict[str, int]) -> tuple[float, float]:
    """Pair precision and recall of the copy groups found, over the stored articles."""
    both = pairs(Counter((found[a], truth[a]) for a in found))
    found_pairs, true_pairs = pairs(Counter(found.values())), pairs(Counter(truth[a] for a in found))
    return both / found_pairs if found_pairs else 1.0, both / true_pairs if true_pairs else 1.0


def run(size: int, pool: list[str], same: list[int], folder: Path) -> dict:
    with multiprocessing.get_context("spawn").Pool(2) as workers:
        started = time.perf_counter()
        items = list(workers.imap(sketched, corpus(size, pool, same), chunksize=64))
        sketch_seconds = time.perf_counter() - started
    db = folder / f"groups{size}.db"
    started = time.perf_counter()
    with Store(db) as store:
        for batch_start in range(0, size, 500):
            with store.transaction():
                for text, _, article_sketch in items[batch_start:batch_start + 500]:
                    store.add(Article(text, source="bench", id=article_id(text)), [], sketch=article_sketch)
        link_seconds = time.perf_counter() - started
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the scoring below adds its own
        found = dict(store.db.execute("SELECT id, copy_group FROM articles"))
    truth: dict[str, int] = {}
    for text, label, _ in items:
        truth.setdefault(article_id(text), label)  # a text met again was not stored again
    precision, recall = pair_scores(found, truth)
    return {"size": size, "articles": len(found), "groups": len(set(found.values())),
            "true_groups": len({truth[a] for a in found}), "pair_precision": precision, "pair_recall": recall,
            "sketch_s": sketch_seconds, "link_s": link_seconds, "db_mib": db.stat().st_size / 2**20, "rss_mib": rss_mib}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    pool = originals()
    same = first_of_same_text(pool)
    print(f"pool of original articles: {len(pool)}")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            r = run(size, pool, same, Path(folder))
            print(f"articles={r['articles']} groups={r['groups']} true_groups={r['true_groups']} "
                  f"pair_precision={r['pair_precision']:.3f} pair_recall={r['pair_recall']:.3f} "
                  f"sketch_s={r['sketch_s']:.1f} (2 processes) "
                  f"link_s={r['link_s']:.1f} link_ms_per_article={1000 * r['link_s'] / r['articles']:.2f} "
                  f"db_mib={r['db_mib']:.0f} writer_peak_rss_mib={r['rss_mib']:.0f}", flush=True)


if __name__ == "__main__":
    main()
