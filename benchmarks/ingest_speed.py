"""Ingest throughput with 1 and 2 processes, and the store's size per 1,000 articles.

    python benchmarks/ingest_speed.py [--corpus reuters|bbc|polnear|pages] [--limit N] [--jobs 2]

Each run of this script measures one process first, on the same input, and gives every other
number of processes its speed-up over that measurement.

`reuters` (19,779 stories) is the largest corpus in ../shared/corpora; `pages` is the 161 raw
HTML pages, where main-text extraction (trafilatura) is part of the work.
"""

import argparse
import gzip
import os
import resource
import tempfile
from itertools import islice
from pathlib import Path

from common import CORPORA

from onrecord.ingest import ingest
from onrecord.store import Store

DUMPS = {
    "bbc": "bbc-news-2225/bbc.jsonl.gz",
    "polnear": "polnear-attribution/polnear.jsonl.gz",
    "reuters": "reuters-21578/reuters21578.jsonl.gz",
}


def inputs(corpus: str, limit: int, folder: Path) -> list[str]:
    if corpus == "pages":
        return [str(p) for p in sorted((CORPORA / "article-extraction-benchmark-en" / "html").glob("*.html"))[:limit]]
    sample = folder / f"{corpus}.jsonl"
    with gzip.open(CORPORA / DUMPS[corpus], "rt", encoding="utf-8") as lines, open(sample, "w", encoding="utf-8") as out:
        out.writelines(islice(lines, limit))
    return [str(sample)]


def run(paths: list[str], db: Path, jobs: int) -> dict:
    with Store(db) as store:
        summary = ingest(paths, store, jobs=jobs, on_error=lambda error: print(f"  error: {error}"))
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = store.counts()
    size = db.stat().st_size
    return {"jobs": jobs, "articles": summary.new, "statements": summary.statements, "seconds": summary.elapsed,
            "rate": summary.new / summary.elapsed, "kib_per_1000": size / 1024 / max(counts["articles"], 1) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=[*DUMPS, "pages"], default="reuters")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2], help="process counts besides 1, which is always run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = inputs(args.corpus, args.limit, Path(folder))
        results = [run(paths, Path(folder) / f"jobs{jobs}.db", jobs) for jobs in sorted({1, *args.jobs})]
    baseline = results[0]
    print(f"corpus={args.corpus} articles={baseline['articles']} statements={baseline['statements']} cores={os.cpu_count()}")
    for r in results:
        # the speed-up is this run's rate over the one-process rate measured just before, on the same input
        speedup = f" speedup_over_jobs1={r['rate'] / baseline['rate']:.2f}" if r is not baseline else ""
        print(f"jobs={r['jobs']} articles={r['articles']} elapsed_s={r['seconds']:.1f} articles_per_s={r['rate']:.1f}"
              f"{speedup} db_kib_per_1000_articles={r['kib_per_1000']:.0f}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"writer_and_jobs1_peak_rss_mib={own:.0f} largest_worker_peak_rss_mib={workers:.0f}")


if __name__ == "__main__":
    main()
