"""Faults during `onrecord ingest`: killed at random points, or out of disk. A rerun must finish the job
with every article stored once and the same statements, copy groups and stories as a run left alone."""

import os
import random
import resource
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from conftest import partition, run_cli
from test_ingest import (
    bbc_lines,
    children_of,
    stored,
    wait_for_articles,
    wait_until_gone,
)

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
    return {"path": path, "clean": contents(clean)}


def ingest_command(db, path) -> list[str]:
    return [sys.executable, "-m", "onrecord.cli", "ingest", "--jobs", "2", "--db", str(db), str(path)]


@pytest.mark.slow
def test_killed_at_random_points_then_rerun(tmp_path, dump):
    rng = random.Random(20261123)
    db = tmp_path / "killed.db"
    counts = []
    for run in range(4):
        process = subprocess.Popen(ingest_command(db, dump["path"]), start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if run == 0:  # while the model loads, before anything is stored
            time.sleep(rng.uniform(0.5, 3.0))
        else:  # after a random number of new articles, at a random moment within the batches
            wait_for_articles(db, counts[-1] + rng.randint(5, 25), process)
            time.sleep(rng.uniform(0.0, 0.5))
        workers = children_of(process.pid)
        if run % 2:  # the whole process group, as the OOM killer or a closed terminal might
            os.killpg(process.pid, signal.SIGKILL)
        else:  # the writer alone: its workers must notice and go
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert wait_until_gone(workers)
        counts.append(articles_after_kill(db))
    assert counts and counts[-1] < ARTICLES, counts  # it was stopped before the end
    rerun = run_cli("ingest", "--jobs", "2", "--db", db, dump["path"])
    assert rerun.returncode == 0, rerun.stderr
    assert_consistent(db)
    assert contents(db) == dump["clean"]


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
