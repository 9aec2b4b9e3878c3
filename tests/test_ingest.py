"""``onrecord ingest`` and the queries over its store, on the seed articles and the shared corpora."""

import contextlib
import csv
import gzip
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from itertools import islice
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import CORPORA, SEEDS, run_cli
from test_read import sample_pages, write_warc

from onrecord import extract_article
from onrecord.model import Document
from onrecord.read import documents, to_article

pytestmark = pytest.mark.processes  # starts onrecord in other processes: slow to repeat per mutant (docs/mutation.md)

BBC = CORPORA / "bbc-news-2225" / "bbc.jsonl.gz"


def bbc_lines(count: int) -> list[str]:
    with gzip.open(BBC, "rt", encoding="utf-8") as lines:
        return list(islice(lines, count))


def stored(db, sql, *params):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Seeds (text), 30 pages (HTML), 10 more pages in a WARC file, 60 BBC records (JSONL on stdin)."""
    folder = tmp_path_factory.mktemp("store")
    warc = write_warc(folder / "pages.warc.gz", sample_pages(10, skip=30))
    inputs = [*sorted(SEEDS.glob("*.txt")), *sample_pages(30), warc, "-"]
    db = folder / "onrecord.db"
    result = run_cli("ingest", "--db", db, *inputs, stdin="".join(bbc_lines(60)))
    return {"db": db, "inputs": inputs, "result": result, "folder": folder}


def query(corpus, *args):
    result = run_cli(*args, "--db", corpus["db"])
    assert result.returncode == 0, result.stderr
    return result


def jsonl(corpus, *args):
    return [json.loads(line) for line in query(corpus, *args, "--format", "jsonl").stdout.splitlines()]


def test_ingest_stores_every_input_and_says_so(corpus):
    result = corpus["result"]
    assert result.returncode == 0, result.stderr
    articles, statements = stored(corpus["db"], "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM statements)")[0]
    assert articles == 3 + 30 + 10 + 60
    assert f"{articles} new, 0 already stored, 0 failed, {statements} statements found" in result.stdout
    assert "articles/s" in result.stdout
    outlets = {row[0] for row in stored(corpus["db"], "SELECT outlet FROM articles")}
    assert {"BBC News", "The Associated Press"} <= outlets
    assert stored(corpus["db"], "PRAGMA journal_mode")[0][0] == "wal"


def test_ingesting_again_adds_nothing(corpus):
    before = stored(corpus["db"], "SELECT count(*), (SELECT count(*) FROM statements), (SELECT count(*) FROM people) FROM articles")
    again = run_cli("ingest", "--db", corpus["db"], *corpus["inputs"], stdin="".join(bbc_lines(60)))
    assert again.returncode == 0, again.stderr
    assert f"0 new, {before[0][0]} already stored, 0 failed" in again.stdout
    assert stored(corpus["db"], "SELECT count(*), (SELECT count(*) FROM statements), (SELECT count(*) FROM people) FROM articles") == before


def test_seed_statements_come_back_by_speaker_in_any_spelling(corpus):
    """'Moon Jae-In' and 'moon jae-in' alike: every gold speaker under title case, lower case, capitals, no hyphens."""
    gold = [json.loads(line) for line in open(SEEDS / "gold.jsonl", encoding="utf-8")]
    for speaker in {g["speaker"] for g in gold}:
        spellings = {speaker, speaker.title(), speaker.lower(), speaker.upper(), speaker.replace("-", " ")}
        answers = [{(q["article_id"], q["quote"]) for q in jsonl(corpus, "quotes", "--speaker", name)} for name in spellings]
        assert all(answer == answers[0] for answer in answers), speaker
        quotes = [quote for _, quote in answers[0]]
        for g in (g for g in gold if g["speaker"] == speaker and not g.get("optional")):
            assert any(g["quote"][:40] in q or q[:40] in g["quote"] for q in quotes), g["quote"]


def test_quote_filters(corpus):
    stemmed = jsonl(corpus, "quotes", "--search", "sanction")
    assert stemmed and all("sanction" in q["quote"].lower() for q in stemmed)
    assert any("sanctions" in q["quote"] for q in stemmed)  # porter stemming
    phrase = jsonl(corpus, "quotes", "--search", '"North Korea"')
    assert phrase and all("north korea" in " ".join(re.findall(r"\w+", q["quote"].lower())) for q in phrase)
    in_2021 = jsonl(corpus, "quotes", "--since", "2021", "--until", "2021-12")
    assert in_2021 and all(q["published"].startswith("2021") for q in in_2021)
    bbc = jsonl(corpus, "quotes", "--outlet", "bbc news", "--kind", "direct", "--limit", "5")
    assert len(bbc) == 5 and all(q["outlet"] == "BBC News" and q["kind"] == "direct" for q in bbc)
    table = query(corpus, "quotes", "--speaker", "nobody at all", "--format", "csv").stdout
    assert list(csv.reader(io.StringIO(table))) == [["published", "speaker", "kind", "quote", "outlet", "article_id", "cue",
                                                     "speaker_mention", "speaker_type", "speaker_gender", "url"]]


@pytest.mark.parametrize("bad", ['"unclosed', "AND", '"a phrase" "unclosed'])
def test_a_malformed_search_is_a_clear_error(corpus, bad):
    result = run_cli("quotes", "--search", bad, "--db", corpus["db"])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a valid full-text query" in result.stderr


@pytest.mark.parametrize("words", ["quote:(", "a NEAR/x b", "covid-19"])
def test_words_full_text_syntax_cannot_read_are_searched_as_written(corpus, words):
    result = run_cli("quotes", "--search", words, "--db", corpus["db"], "--format", "jsonl")
    assert result.returncode == 0 and result.stderr == ""


def test_bad_dates_are_refused():
    result = run_cli("quotes", "--since", "2019-13-01")
    assert result.returncode == 2 and "not a date" in result.stderr


def test_speakers_with_variants_counts_dates_and_outlets(corpus):
    people = jsonl(corpus, "speakers")
    with_person = stored(corpus["db"], "SELECT count(*) FROM statements WHERE person_id IS NOT NULL")[0][0]
    assert sum(p["statements"] for p in people) == with_person
    assert [p["statements"] for p in people] == sorted((p["statements"] for p in people), reverse=True)
    dated = [p for p in people if p["first"]]
    assert dated and all(p["first"] <= p["last"] for p in dated)
    assert any(p["outlets"] and "BBC News" in p["outlets"] for p in people)


def test_show_highlights_each_statement_with_its_speaker(corpus):
    article_id, headline = stored(corpus["db"], "SELECT id, headline FROM articles WHERE source LIKE '%000_%.txt'")[0]
    statements = stored(corpus["db"], "SELECT s.quote, p.name, s.kind FROM statements s JOIN people p ON p.id = s.person_id"
                                      " WHERE s.article_id = ?", article_id)
    shown = query(corpus, "show", article_id[:8]).stdout
    assert headline in shown
    flat = " ".join(shown.split())
    for quote, name, kind in statements:
        assert f"{' '.join(quote.split())} [{name}, {kind}]" in flat


def test_show_names_a_missing_or_ambiguous_id(corpus):
    missing = run_cli("show", "zzzz", "--db", corpus["db"])
    assert missing.returncode == 2 and "no article with id 'zzzz'" in missing.stderr
    ambiguous = run_cli("show", "", "--db", corpus["db"])
    assert ambiguous.returncode == 2 and "more than one article" in ambiguous.stderr


def test_export_in_every_format(corpus, tmp_path):
    counts = dict(zip(("articles", "statements", "people", "merged_statements"),
                      stored(corpus["db"], "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM statements),"
                                           " (SELECT count(*) FROM people), (SELECT count(*) FROM merged_statements)")[0]))
    for fmt in ("parquet", "csv", "jsonl"):
        query(corpus, "export", "--format", fmt, tmp_path / fmt)
        for table, count in counts.items():
            path = tmp_path / fmt / f"{table}.{fmt}"
            if fmt == "parquet":
                rows = pq.read_table(path).to_pylist()
            elif fmt == "csv":
                rows = list(csv.DictReader(open(path, encoding="utf-8")))
            else:
                rows = [json.loads(line) for line in open(path, encoding="utf-8")]
            assert len(rows) == count
    statements = pq.read_table(tmp_path / "parquet" / "statements.parquet").to_pylist()
    articles = {a["id"]: a["text"] for a in pq.read_table(tmp_path / "parquet" / "articles.parquet").to_pylist()}
    assert all(articles[s["article_id"]][s["start"]:s["end"]] == s["quote"] for s in statements)
    merged = {m["id"] for m in pq.read_table(tmp_path / "parquet" / "merged_statements.parquet").to_pylist()}
    assert {s["merged_id"] for s in statements} == merged
    assert not list((tmp_path / "parquet").glob(".*"))  # no partial files left behind


def test_bad_inputs_one_line_each_and_the_rest_is_stored(tmp_path):
    good = sorted(SEEDS.glob("*.txt"))[0]
    (tmp_path / "cyrillic.txt").write_bytes('Министр заявил, что "переговоры продолжатся".\n'.encode("koi8-r") * 6)
    (tmp_path / "menu.html").write_text("<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>")
    whole = write_warc(tmp_path / "whole.warc", sample_pages(3, skip=50), gzipped=False).read_bytes()
    (tmp_path / "cut.warc").write_bytes(whole[: int(len(whole) * 0.7)])
    lines = bbc_lines(3)
    (tmp_path / "dump.jsonl").write_text(lines[0] + '{"text": 12}\n' + lines[1], encoding="utf-8")
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb") as out:
        for _ in range(20):
            out.write(bytes(16 * 1024 * 1024))
    names = ["cyrillic.txt", "menu.html", "cut.warc", "dump.jsonl", "bomb.jsonl.gz"]
    db = tmp_path / "bad.db"
    result = run_cli("ingest", "--db", db, good, *(tmp_path / name for name in names))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == len(names), errors
    reasons = {"cyrillic.txt": "not UTF-8", "menu.html": "no article text", "cut.warc": "truncated",
               "dump.jsonl:2": "field 'text' is a number", "bomb.jsonl.gz": "expands past"}
    for name, reason in reasons.items():
        assert any(name in line and reason in line for line in errors), (name, errors)
    stored_sources = {row[0] for row in stored(db, "SELECT source FROM articles")}
    assert str(good) in stored_sources
    assert {f"{tmp_path / 'dump.jsonl'}:1", f"{tmp_path / 'dump.jsonl'}:3"} <= stored_sources
    assert sum("cut.warc#" in source for source in stored_sources) >= 1
    assert stored(db, "PRAGMA integrity_check") == [("ok",)]


def expected_articles(path) -> dict[str, Document]:
    return {to_article(d).id: d for d in documents([str(path)])}


def wait_for_articles(db, count, process, limit=600):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                if stored(db, "SELECT count(*) FROM articles")[0][0] >= count:
                    return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"ingest did not store {count} articles (exit {process.poll()})")


def children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            pass
    return children


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; only its exit status waits to be collected)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_until_gone(pids: list[int], limit: float = 30) -> bool:
    deadline = time.monotonic() + limit
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


STOPPED_TOTAL = 240  # articles in the dump the stopped ingest and its rerun read
STOPPED_FED = 120  # all the stopped run is ever given: it cannot finish before it is stopped
STOPPED_AFTER = 40  # articles stored when it is stopped


def feed(pipe, data: bytes) -> None:
    """Write to an ingest's stdin and leave it open: the ingest waits for more, however fast it is.
    A reader that has gone (stopped, as the test means it to be) ends the feed."""
    try:
        pipe.write(data)
        pipe.flush()
    except BrokenPipeError:
        pass


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_a_stopped_ingest_loses_nothing_and_a_rerun_finishes_it(tmp_path, nlp, how):
    lines = bbc_lines(STOPPED_TOTAL)
    dump = tmp_path / "bbc.jsonl"
    dump.write_text("".join(lines), encoding="utf-8")
    db = tmp_path / "stopped.db"
    command = [sys.executable, "-m", "onrecord.cli", "ingest", "--jobs", "2", "--db", str(db), "-"]
    # The dump comes on stdin, part of it, and stdin stays open: the run cannot end by itself before the signal,
    # on however loaded a machine (a file would let it finish while the test waits for its turn to send it).
    # Output goes to files, so that nothing waits for the test to read a pipe while stdin is still open.
    with open(tmp_path / "out", "w+") as out, open(tmp_path / "err", "w+") as err:
        # as from a terminal: a run started in the background by a non-interactive shell inherits SIGINT ignored
        process = subprocess.Popen(command, start_new_session=True, stdin=subprocess.PIPE, stdout=out, stderr=err,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        feeder = threading.Thread(target=feed, args=(process.stdin, "".join(lines[:STOPPED_FED]).encode("utf-8")),
                                  daemon=True)
        feeder.start()
        try:
            wait_for_articles(db, STOPPED_AFTER, process)
            workers = children_of(process.pid)
            assert process.poll() is None, f"ingest ended (exit {process.returncode}) with its stdin still open"
            if how == signal.SIGINT:  # Ctrl-C on a terminal signals the whole process group
                os.killpg(process.pid, how)
            else:
                os.kill(process.pid, how)
            try:
                process.wait(timeout=120)  # stdin still open: only the signal can end the run
            except subprocess.TimeoutExpired:
                raise AssertionError(f"ingest did not stop on {signal.Signals(how).name}") from None
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        assert workers and wait_until_gone(workers)
        feeder.join(timeout=60)  # its reader is gone: the feed has ended or ends with a broken pipe
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if how == signal.SIGINT:
        assert process.returncode == 130 and stdout.startswith("interrupted: "), (process.returncode, stdout, stderr)
    else:
        assert process.returncode == -signal.SIGKILL, (process.returncode, stdout, stderr)
    stopped_at = stored(db, "SELECT count(*) FROM articles")[0][0]
    assert STOPPED_AFTER <= stopped_at <= STOPPED_FED < STOPPED_TOTAL

    rerun = run_cli("ingest", "--jobs", "2", "--db", db, "-", stdin="".join(lines))
    assert rerun.returncode == 0, rerun.stderr
    expected = expected_articles(dump)
    assert sorted(row[0] for row in stored(db, "SELECT id FROM articles")) == sorted(expected)
    assert stored(db, "PRAGMA integrity_check") == [("ok",)]
    assert stored(db, "PRAGMA foreign_key_check") == []
    assert stored(db, "SELECT count(*) FROM inputs")[0][0] == STOPPED_TOTAL
    for article_id in sorted(expected)[:6]:
        _, statements = extract_article(to_article(expected[article_id]), model=nlp)
        rows = stored(db, "SELECT start, end, quote, kind, speaker FROM statements WHERE article_id = ? ORDER BY start", article_id)
        assert rows == [(s.start, s.end, s.quote, s.kind, s.speaker) for s in statements]


def test_the_store_refuses_what_is_not_an_onrecord_store(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("just some notes, not a database\n" * 100)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE songs (title TEXT)")
    newer = tmp_path / "newer.db"
    assert run_cli("ingest", "--db", newer, sorted(SEEDS.glob("*.txt"))[0]).returncode == 0
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 999")
    for db, reason in ((text, "not a usable onrecord store"), (other, "not an onrecord store"), (newer, "newer onrecord"),
                       (tmp_path / "missing.db", "no such store")):
        result = run_cli("speakers", "--db", db)
        assert result.returncode == 2 and reason in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert text.read_text().startswith("just some notes")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_time_limit_holds_in_every_worker(tmp_path, jobs):
    """No article can be read and parsed in a millisecond: with that limit each is skipped, whoever runs it."""
    seeds = sorted(SEEDS.glob("*.txt"))
    db = tmp_path / "limited.db"
    result = run_cli("ingest", "--jobs", jobs, "--time-limit", "0.001", "--db", db, *seeds)
    errors = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(errors) == len(seeds), result.stderr
    assert all("took over 0.001 s, the time limit for one article; skipped" in line for line in errors), errors
    assert stored(db, "SELECT count(*) FROM articles") == [(0,)]
    assert run_cli("ingest", "--jobs", jobs, "--db", db, *seeds).returncode == 0
    assert stored(db, "SELECT count(*) FROM articles") == [(len(seeds),)]
