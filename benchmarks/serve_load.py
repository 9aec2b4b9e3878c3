"""Requests per second and latency of the search API under load, on loopback.

    python benchmarks/serve_load.py [--db STORE] [--seconds 20] [--clients 8]

Without --db the benchmark builds (once, in build/bench.db) a store from 4,000 Reuters stories and
the 2,225 BBC articles. It starts `onrecord serve` on a free port, and a load generator here keeps
--clients keep-alive connections busy with full-text searches for words drawn from the stored
quotes (a different word each request), then prints the figures.
"""

import argparse
import gzip
import http.client
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from itertools import islice
from pathlib import Path
from urllib.parse import quote

from common import CORPORA

from onrecord.ingest import ingest
from onrecord.store import Store

DEFAULT_DB = Path(__file__).resolve().parents[1] / "build" / "bench.db"


def build_store(db: Path) -> None:
    db.parent.mkdir(exist_ok=True)
    sample = db.parent / "bench-input.jsonl"
    with open(sample, "w", encoding="utf-8") as out:
        for source, count in (("reuters-21578/reuters21578.jsonl.gz", 4000), ("bbc-news-2225/bbc.jsonl.gz", 2225)):
            with gzip.open(CORPORA / source, "rt", encoding="utf-8") as lines:
                out.writelines(islice(lines, count))
    with Store(db) as store:
        summary = ingest([str(sample)], store, jobs=2)
    print(f"store built: {summary.new} new articles, {summary.statements} statements, {summary.elapsed:.0f} s")


def search_words(db: Path, count: int = 500) -> list[str]:
    with Store(db, readonly=True) as store:
        quotes = [row[0] for row in store.db.execute("SELECT quote FROM statements LIMIT 20000")]
    words = Counter(w for q in quotes for w in re.findall(r"[a-z]{5,}", q.lower()))
    return [w for w, _ in words.most_common(count)]


def start_server(db: Path) -> tuple[subprocess.Popen, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "serve", "--db", str(db), "--port", str(port)],
                              stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("onrecord serve did not start")


def client(port: int, words: list[str], until: float, latencies: list[float], errors: list[int], seed: int) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < until:
        path = f"/api/statements?q={quote(rng.choice(words))}&per_page=20"
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(response.status)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    db = args.db or DEFAULT_DB
    if args.db is None:
        build_store(db)
    words = search_words(db)
    with Store(db, readonly=True) as store:
        counts = store.counts()
    server, port = start_server(db)
    try:
        latencies: list[float] = []
        errors: list[int] = []
        until = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=client, args=(port, words, until, latencies, errors, n)) for n in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"store: {counts['articles']} articles, {counts['statements']} statements ({db.stat().st_size / 2**20:.0f} MiB)")
    print(f"search API: clients={args.clients} requests={len(latencies)} errors={len(errors)} "
          f"requests_per_s={len(latencies) / elapsed:.0f} p50_ms={statistics.median(latencies) * 1000:.1f} "
          f"p90_ms={cuts[89] * 1000:.1f} p99_ms={cuts[98] * 1000:.1f}")


if __name__ == "__main__":
    main()
