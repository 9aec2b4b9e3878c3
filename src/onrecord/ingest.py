"""Ingest: documents -> articles and statements in the store.

The NLP work runs in worker processes; this process reads the inputs, skips what is stored
already, and is the only writer. Each batch of articles is committed in one transaction, so a
killed run loses only the batches in flight, and rerunning it finishes the job.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice

from .errors import InputError, OnRecordError
from .limits import ARTICLE_SECONDS
from .model import Article, Document
from .parse import load_model
from .pipeline import Extracted, extract_document
from .read import documents
from .store import Store

BATCH = 8  # documents sent to a worker at once: fewer round trips, little waiting at the end


Result = Extracted | InputError


@dataclass
class Summary:
    new: int = 0
    already: int = 0
    failed: int = 0
    statements: int = 0
    started: float = field(default_factory=time.monotonic)
    interrupted: bool = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        return (self.new + self.already) / self.elapsed if self.elapsed else 0.0


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def ingest(paths: list[str], store: Store, *, jobs: int | None = None, model: str | None = None,
           seconds: float | None = ARTICLE_SECONDS,
           on_error: Callable[[InputError], None] = lambda error: None,
           on_progress: Callable[[Summary], None] = lambda summary: None) -> Summary:
    """Store every article found under ``paths``; reading and extraction errors go to ``on_error``."""
    summary = Summary()
    work = batches(paths, store, summary, on_error)

    def write(results: list[Result]) -> None:
        store_results(store, results, summary, on_error)
        on_progress(summary)

    return run(work, summary, write, jobs, model, seconds)


def reprocess(store: Store, *, jobs: int | None = None, model: str | None = None,
              seconds: float | None = ARTICLE_SECONDS,
              on_error: Callable[[InputError], None] = lambda error: None,
              on_progress: Callable[[Summary], None] = lambda summary: None) -> Summary:
    """Extract every stored article again with this version's rules and replace its statements, so a
    store made by an earlier version need not be rebuilt from its inputs."""
    summary = Summary()

    def write(results: list[Result]) -> None:
        with store.transaction():
            for result in results:
                if isinstance(result, Extracted):
                    store.replace_statements(result.article, result.statements, result.roles, result.people)
                    summary.new += 1
                    summary.statements += len(result.statements)
        for result in results:
            if isinstance(result, InputError):
                summary.failed += 1
                on_error(result)
        on_progress(summary)

    stored = (Article(row["text"], row["source"], row["headline"], row["author"], row["published"], row["id"], row["url"],
                      row["outlet"], bool(row["headline_first"])) for row in store.stored_articles())
    return run(iter(lambda: list(islice(stored, BATCH)), []), summary, write, jobs, model, seconds)


def run(work: Iterator[list], summary: Summary, write: Callable[[list[Result]], None], jobs: int | None,
        model: str | None, seconds: float | None) -> Summary:
    jobs = jobs or default_jobs()
    try:
        if jobs <= 1:
            load_model(model)
            for batch in work:
                write(extract_batch(batch, model, seconds))
        else:
            run_in_workers(work, jobs, model, seconds, write)
    except KeyboardInterrupt:
        summary.interrupted = True
    return summary


def batches(paths: list[str], store: Store, summary: Summary, on_error: Callable[[InputError], None]) -> Iterator[list[Document]]:
    """Documents not stored before, in batches; unreadable inputs are reported on the way."""
    batch: list[Document] = []
    for item in documents(paths):
        if isinstance(item, InputError):
            summary.failed += 1
            on_error(item)
        elif store.has_input(item.fingerprint):
            summary.already += 1
        else:
            batch.append(item)
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def run_in_workers(work: Iterator[list[Document]], jobs: int, model: str | None, seconds: float | None, write: Callable[[list[Result]], None]) -> None:
    """Keep every worker busy with a bounded number of batches in flight, writing results as they come."""
    context = multiprocessing.get_context("spawn")  # workers start clean: no copied locks, threads or database handles
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=start_worker, initargs=(model, os.getpid()))
    in_flight: set[Future] = set()
    try:
        for batch in work:
            in_flight.add(pool.submit(extract_batch, batch, model, seconds))
            if len(in_flight) >= 2 * jobs:
                in_flight = write_finished(in_flight, write)
        while in_flight:
            in_flight = write_finished(in_flight, write)
    except BrokenProcessPool:
        raise OnRecordError("a worker process died (out of memory?); what was stored is kept, rerun to continue") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def write_finished(in_flight: set[Future], write: Callable[[list[Result]], None]) -> set[Future]:
    """Wait for at least one batch, write every finished one, return those still running."""
    done, running = wait(in_flight, return_when=FIRST_COMPLETED)
    for future in done:
        write(future.result())
    return running


def start_worker(model: str | None, writer: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    # The writer's pid comes from the writer: if it died while this worker was starting, getppid()
    # would already name the process that adopted the orphan.
    threading.Thread(target=exit_with_parent, args=(writer,), daemon=True).start()
    load_model(model)


def exit_with_parent(parent: int) -> None:
    """A worker whose writer was killed (SIGKILL leaves no time to stop it) ends too, instead of idling forever."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def extract_batch(batch: list[Document] | list[Article], model: str | None, seconds: float | None = ARTICLE_SECONDS) -> list[Result]:
    return [extract_document(document, model=model, seconds=seconds) for document in batch]


def store_results(store: Store, results: list[Result], summary: Summary, on_error: Callable[[InputError], None]) -> None:
    with store.transaction():
        for result in results:
            if isinstance(result, InputError):
                continue
            if store.add(result.article, result.statements, result.fingerprint, result.sketch, result.roles, result.people):
                summary.new += 1
                summary.statements += len(result.statements)
            else:
                summary.already += 1
    for result in results:
        if isinstance(result, InputError):
            summary.failed += 1
            on_error(result)
