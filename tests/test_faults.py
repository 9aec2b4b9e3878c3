"""Faults during `onrecord ingest`: killed at chosen points, or out of disk. A rerun must finish the job
with every article stored once and the same statements, copy groups and stories as a run left alone."""

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from conftest import partition, run_cli
from test_ingest import (
    bbc_lines,
    children_of,
    feed,
    stored,
    wait_for_articles,
    wait_until_gone,
)

pytestmark = pytest.mark.processes  # starts onrecord in other processes: slow to repeat per mutant (docs/mutation.md)

ARTICLES = 160
STATEMENTS = "SELECT article_id, start, end, quote, kind, cue, speaker, speaker_type FROM statements"


def contents(db) -> dict:
    """What a store holds, in terms that do not depend on the order articles arrived in."""
    return {
        "articles": sorted(r[0] for r in stored(db, "SELECT id FROM articles")),
        "statements": sorted(stored(db, STATEMENTS)),
        "merged": partition(stored(db, "SELECT article_id || ':' || start, merged_id FROM statements")),
        "copies": partition(stored(db, "SELECT id, copy_group FROM articles")),
        "stories": partition(stored(db, "SELECT id, story FROM articles")),
    }


def assert_consistent(db) -> None:
    assert stored(db, "PRAGMA integrity_check") == [("ok",)]
    assert stored(db, "PRAGMA foreign_key_check") == []
    # an input is marked done only together with its article
    assert stored(db, "SELECT count(*) FROM inputs")[0][0] == stored(db, "SELECT count(*) FROM articles")[0][0]


def articles_after_kill(db) -> int:
    """Articles in a store whose writer was just killed; a store killed before its schema was
    committed holds no tables at all (the schema is created in one transaction)."""
    if not db.exists() or not stored(db, "SELECT count(*) FROM sqlite_master WHERE name = 'articles'")[0][0]:
        return 0
    assert_consistent(db)
    return stored(db, "SELECT count(*) FROM articles")[0][0]


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    path = folder / "bbc.jsonl"
    path.write_text("".join(bbc_lines(ARTICLES)), encoding="utf-8")
    clean = folder / "clean.db"
    result = run_cli("ingest", "--jobs", "2", "--db", clean, path)
    assert result.returncode == 0, result.stderr
    return {"path": path, "clean": contents(clean), "clean_db": clean}


def ingest_command(db, path) -> list[str]:
    return [sys.executable, "-m", "onrecord.cli", "ingest", "--jobs", "2", "--db", str(db), str(path)]


# The writer, killed by itself right after it has linked its Nth statement: a point inside a batch
# that the test chooses, not a moment a sleep happens to hit.
KILLED_AFTER_STATEMENT = """
import os, signal, sys
from onrecord import cli
from onrecord.store import linking
point, written, link = int(sys.argv.pop(1)), [0], linking.link_statement
def link_then_die(*args, **kwargs):
    link(*args, **kwargs)
    written[0] += 1
    if written[0] == point:
        os.kill(os.getpid(), signal.SIGKILL)
linking.link_statement = link_then_die
sys.exit(cli.main(sys.argv[1:]))
"""


def statements_of_articles(db, articles: set[str]) -> list[tuple]:
    return sorted(row for row in stored(db, STATEMENTS) if row[0] in articles)


@pytest.mark.parametrize("point", [1, 30, 400])  # the very first statement; inside the first batch; a later batch
def test_killed_inside_a_batch_keeps_whole_articles_then_a_rerun_finishes(tmp_path, dump, point):
    db = tmp_path / "killed.db"
    killed = subprocess.run([sys.executable, "-c", KILLED_AFTER_STATEMENT, str(point), *ingest_command(db, dump["path"])[3:]],
                            capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert articles_after_kill(db) < ARTICLES
    kept = {row[0] for row in stored(db, "SELECT id FROM articles")}
    clean = dump["clean_db"]
    assert statements_of_articles(db, kept) == statements_of_articles(clean, kept)  # no article half-written
    assert len(stored(db, STATEMENTS)) < point  # the batch being written is gone whole
    rerun = run_cli("ingest", "--jobs", "2", "--db", db, dump["path"])
    assert rerun.returncode == 0, rerun.stderr
    assert_consistent(db)
    assert contents(db) == dump["clean"]


@pytest.mark.slow
def test_killed_at_chosen_states_then_rerun(tmp_path, dump):
    """Killed while the workers start, then twice after some articles are stored (the whole group, as
    the OOM killer or a closed terminal might; the writer alone, whose workers must notice and go)."""
    db = tmp_path / "killed.db"
    counts = [0]
    fed = "".join(dump["path"].read_text(encoding="utf-8").splitlines(keepends=True)[:ARTICLES - 40]).encode("utf-8")
    for run, articles_first in enumerate([0, 20, 60]):
        # Part of the dump on stdin, which stays open: the run cannot end by itself before the kill, however loaded.
        process = subprocess.Popen(ingest_command(db, "-"), start_new_session=True, stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        threading.Thread(target=feed, args=(process.stdin, fed), daemon=True).start()
        if articles_first:
            wait_for_articles(db, articles_first, process)
        workers = wait_for_workers(process)
        assert process.poll() is None, f"ingest ended (exit {process.returncode}) with its stdin still open"
        if run == 1:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert wait_until_gone(workers)
        counts.append(articles_after_kill(db))
    assert counts == sorted(counts) and 20 <= counts[2] and 60 <= counts[3] < ARTICLES, counts
    rerun = run_cli("ingest", "--jobs", "2", "--db", db, dump["path"])
    assert rerun.returncode == 0, rerun.stderr
    assert_consistent(db)
    assert contents(db) == dump["clean"]


def wait_for_workers(process, count: int = 2, limit: float = 600) -> list[int]:
    deadline = time.monotonic() + limit
    while len(workers := children_of(process.pid)) < count:
        assert process.poll() is None and time.monotonic() < deadline, "ingest did not start its workers"
        time.sleep(0.1)
    return workers


def limited_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing

    return apply


@contextmanager
def small_disk(folder, size: str):
    """A tmpfs of ``size`` mounted on ``folder`` (needs the right to mount, as root in a container has)."""
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here; the file-size-limit case covers a failing disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def stops_cleanly(full: subprocess.CompletedProcess, db, reason: str) -> None:
    assert full.returncode == 2, full.stderr
    lines = full.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and str(db) in lines[0] and "rolled back" in lines[0], lines
    assert_consistent(db)
    assert 0 < stored(db, "SELECT count(*) FROM articles")[0][0] < ARTICLES


def test_a_full_disk_stops_ingest_with_one_line_and_a_consistent_store(tmp_path, dump):
    with small_disk(tmp_path / "disk", "1m") as disk:
        db = disk / "full.db"
        full = subprocess.run(ingest_command(db, dump["path"]), capture_output=True, text=True, timeout=600)
        stops_cleanly(full, db, "the disk is full")
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)  # space is freed
        rerun = run_cli("ingest", "--jobs", "2", "--db", db, dump["path"])
        assert rerun.returncode == 0, rerun.stderr
        assert_consistent(db)
        assert contents(db) == dump["clean"]


def test_a_failing_write_stops_ingest_with_one_line_and_a_consistent_store(tmp_path, dump):
    db = tmp_path / "limited.db"
    # Files may not grow past 1 MiB, so SQLite's writes fail part way (EFBIG), as on a failing disk
    failed = subprocess.run(ingest_command(db, dump["path"]), capture_output=True, text=True, timeout=600,
                            preexec_fn=limited_file_size(1024 * 1024))
    stops_cleanly(failed, db, "cannot write to the store")
    rerun = run_cli("ingest", "--jobs", "2", "--db", db, dump["path"])
    assert rerun.returncode == 0, rerun.stderr
    assert_consistent(db)
    assert contents(db) == dump["clean"]
