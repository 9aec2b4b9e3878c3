"""Requests per second and latency of the search API under load, on loopback, alone and while an
ingest writes to the same store.

    python benchmarks/serve_load.py [--db STORE] [--seconds 20] [--clients 8]

Without --db the benchmark builds (once, in build/bench.db) a store from 4,000 Reuters stories and
the 2,225 BBC articles. It starts `onrecord serve` on a free port, and a load generator here keeps
--clients keep-alive connections busy with full-text searches for words drawn from the stored
quotes (a different word each request), then prints the figures. Then it does the same on a copy
of the store while `onrecord ingest --jobs 1` adds 2,000 more Reuters stories to that copy.

Every request sent is counted; one that fails (a status other than 2xx, or an exception such as a
timeout, a reset or a refused connection) is an error, printed by kind. Requests per second and the
latencies are those of the requests that succeeded.
"""

import argparse
import gzip
import http.client
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
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


def client(port: int, words: list[str], until: float, latencies: list[float], errors: list[str], seed: int) -> None:
    """Send requests until ``until``: the latency of each success, the status or exception name of each failure."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < until:
        path = f"/api/statements?q={quote(rng.choice(words))}&per_page=20"
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
        except Exception as error:  # a timeout, reset or refused connection is a failed request too
            errors.append(type(error).__name__)
            connection.close()  # the next request opens a new connection
            continue
        if 200 <= response.status < 300:
            latencies.append(time.perf_counter() - started)
        else:
            errors.append(str(response.status))


def load(port: int, words: list[str], seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=client, args=(port, words, until, latencies, errors, n)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    kinds = ",".join(f"{kind}:{count}" for kind, count in Counter(errors).most_common()) or "none"
    figures = {"clients": clients, "requests": len(latencies) + len(errors), "errors": len(errors), "error_kinds": kinds,
               "requests_per_s": round(len(latencies) / elapsed)}
    if len(latencies) >= 2:
        cuts = statistics.quantiles(latencies, n=100)
        figures.update(p50_ms=round(statistics.median(latencies) * 1000, 1), p90_ms=round(cuts[89] * 1000, 1),
                       p99_ms=round(cuts[98] * 1000, 1))
    return figures


def new_stories(folder: Path, count: int = 2000) -> Path:
    """Reuters stories the bench store does not hold (it took the first 4,000)."""
    path = folder / "new.jsonl"
    with gzip.open(CORPORA / "reuters-21578/reuters21578.jsonl.gz", "rt", encoding="utf-8") as lines:
        path.write_text("".join(islice(lines, 4000, 4000 + count)), encoding="utf-8")
    return path


def load_during_ingest(db: Path, words: list[str], seconds: float, clients: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "live.db"
        with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        stories = new_stories(Path(folder))
        server, port = start_server(copy)
        ingest = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "ingest", "--jobs", "1", "--db", str(copy), str(stories)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(5)  # the ingest has loaded its model and is writing
            figures = load(port, words, seconds, clients)
            still_writing = ingest.poll() is None
        finally:
            ingest.terminate()
            ingest.communicate(timeout=60)
            server.terminate()
            server.wait(timeout=30)
        with sqlite3.connect(copy) as store:
            added = store.execute("SELECT count(*) FROM articles").fetchone()[0]
    return {**figures, "ingest_running_throughout": still_writing, "store_articles_after": added}


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
        alone = load(port, words, args.seconds, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"store: {counts['articles']} articles, {counts['statements']} statements ({db.stat().st_size / 2**20:.0f} MiB)")
    print("search API: during_ingest=no " + " ".join(f"{k}={v}" for k, v in alone.items()))
    during = load_during_ingest(db, words, args.seconds, args.clients)
    print("search API: during_ingest=yes " + " ".join(f"{k}={v}" for k, v in during.items()))


if __name__ == "__main__":
    main()
