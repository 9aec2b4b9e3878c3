"""The PySpark job in local mode against `onrecord ingest` on the same input: same statements, speakers,
merged statements, copy groups and stories; and its tables loaded back into a store."""

import sqlite3

import pyarrow.parquet as pq
import pytest
from conftest import SEEDS, partition, run_cli
from test_ingest import bbc_lines

pytestmark = [pytest.mark.slow, pytest.mark.processes]  # starts a JVM and runs the job


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark")
    dump = folder / "bbc.jsonl"
    dump.write_text("".join(bbc_lines(80)), encoding="utf-8")
    inputs = [*sorted(SEEDS.glob("*.txt")), dump]
    spark = run_cli("spark", *inputs, "--out", folder / "out", "--master", "local[2]")
    assert spark.returncode == 0, spark.stderr[-3000:]
    ingest = run_cli("ingest", "--db", folder / "ingest.db", *inputs)
    assert ingest.returncode == 0, ingest.stderr
    return {"out": folder / "out", "db": sqlite3.connect(folder / "ingest.db"), "stdout": spark.stdout, "folder": folder}


def table(runs, name):
    return pq.read_table(runs["out"] / name).to_pylist()


def test_the_job_counts_what_it_read(runs):
    assert "read 83, failed 0, articles 83" in runs["stdout"]


def test_statements_and_speakers_equal_ingest(runs):
    ingested = set(runs["db"].execute("SELECT article_id, start, end, quote, kind, cue, speaker, speaker_type FROM statements"))
    sparked = {(s["article_id"], s["start"], s["end"], s["quote"], s["kind"], s["cue"], s["speaker"], s["speaker_type"])
               for s in table(runs, "statements")}
    assert sparked == ingested and len(sparked) > 300


def test_people_and_merged_statements_equal_ingest(runs):
    ingested = partition(runs["db"].execute("SELECT name, person_id FROM person_names"))
    sparked = {frozenset(p["variants"].split(" | ")) for p in table(runs, "people")}
    assert sparked == ingested
    merged_ingest = partition(runs["db"].execute("SELECT article_id || ':' || start, merged_id FROM statements"))
    merged_spark = partition((f"{s['article_id']}:{s['start']}", s["merged_id"]) for s in table(runs, "statements"))
    assert merged_spark == merged_ingest


def test_copy_groups_and_stories_equal_ingest(runs):
    articles = table(runs, "articles")
    for column in ("copy_group", "story"):
        assert partition((a["id"], a[column]) for a in articles) == \
            partition(runs["db"].execute(f"SELECT id, {column} FROM articles")), column
    seeds = {a["source"].rsplit("/", 1)[-1][:3]: a["copy_group"] for a in articles if "seeds" in a["source"]}
    assert seeds["000"] == seeds["001"] != seeds["003"]


def test_the_tables_load_into_a_store_for_serve(runs):
    db = runs["folder"] / "loaded.db"
    result = run_cli("ingest", "--db", db, runs["out"])
    assert result.returncode == 0 and "83 new articles" in result.stderr
    loaded = sqlite3.connect(db)
    query = "SELECT article_id, start, end, quote, kind, speaker FROM statements"
    assert set(loaded.execute(query)) == set(runs["db"].execute(query))
    assert partition(loaded.execute("SELECT id, copy_group FROM articles")) == \
        partition(runs["db"].execute("SELECT id, copy_group FROM articles"))
    again = run_cli("ingest", "--db", db, runs["out"])
    assert "0 new articles, 83 already stored" in again.stderr
