"""The guards every stage relies on, in-process: the per-article time limit and the store's transaction."""

import signal
import sqlite3
import threading

import pytest

from onrecord.errors import InputError, OnRecordError
from onrecord.limits import time_limit
from onrecord.store import Store


def test_a_time_limit_that_is_not_reached_leaves_no_timer_behind():
    with time_limit(30, "a.txt"):
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_a_time_limit_that_is_passed_names_the_article_and_disarms():
    with pytest.raises(InputError, match="slow.txt: took over 0.01 s, the time limit for one article"):
        with time_limit(0.01, "slow.txt"):
            while True:
                pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("seconds", [None, 0])
def test_no_time_limit_sets_no_timer(seconds):
    with time_limit(seconds, "a.txt"):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_the_work_runs_unlimited():
    seen = []

    def work():
        with time_limit(0.01, "a.txt"):
            seen.append(signal.getitimer(signal.ITIMER_REAL))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [(0.0, 0.0)]


def kept(store: Store, key: str) -> bool:
    return store.db.execute("SELECT count(*) FROM people_apart WHERE key = ?", (key,)).fetchone()[0] == 1


def keep(store: Store, key: str) -> None:
    store.db.execute("INSERT INTO people_apart (key, other) VALUES (?, 'other')", (key,))


def test_a_failing_batch_is_rolled_back_whole_and_the_store_stays_usable(tmp_path):
    with Store(tmp_path / "t.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            keep(store, "first")
            raise RuntimeError("the writer stopped")
        assert not store.db.in_transaction and not kept(store, "first")
        with pytest.raises(OnRecordError, match=r"t\.db: cannot write to the store \(no such table: no_such_table\); "
                                              r"the batch being written was rolled back and everything stored before it is kept"):
            with store.transaction():
                keep(store, "second")
                store.db.execute("INSERT INTO no_such_table VALUES (1)")
        assert not store.db.in_transaction and not kept(store, "second")
        with store.transaction():
            keep(store, "third")
        assert kept(store, "third")


def test_a_read_only_store_refuses_writes(tmp_path):
    Store(tmp_path / "r.db").close()
    with Store(tmp_path / "r.db", readonly=True) as store, pytest.raises(sqlite3.OperationalError, match="readonly"):
        keep(store, "never")
