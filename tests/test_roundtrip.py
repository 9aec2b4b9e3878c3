"""Round trip: `onrecord export` holds a whole store, and `ingest` of that export into a new store restores it
as it was (no linking again), so export -> ingest -> export gives the same tables, row for row."""

import gzip
import json
import shutil
import sqlite3
from itertools import islice

import pyarrow.parquet as pq
import pytest
from conftest import CORPORA, SEEDS, run_cli

from onrecord.read import documents
from test_read import sample_pages, write_warc

RECORDS = 20
TABLES = {"articles", "statements", "merged_statements", "people", "article_people", "inputs", "person_names",
          "person_roles", "person_keys", "people_apart", "copy_pairs", "reports"}
ALIASES = """\
- name: British Airways
  aliases: [BA]
  wikidata: Q8766
- name: Moon Jae-in
  wikidata: Q21001
  not: [Moon Jae-hoon]
"""


def bbc_records(count: int, skip: int = 0) -> list[dict]:
    with gzip.open(CORPORA / "bbc-news-2225" / "bbc.jsonl.gz", "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in islice(lines, skip, skip + count)]


def write_jsonl(path, records: list[dict]):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def succeeds(*args) -> str:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def tables(folder) -> dict[str, list[dict]]:
    return {path.stem: pq.read_table(path).to_pylist() for path in sorted(folder.glob("*.parquet"))}


def copy_store(source, target) -> None:
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory):
    """A store of the seeds and BBC records (one given a number for its id), people joined, kept apart and
    identified by an aliases file; exported, ingested into a new store, and exported again."""
    folder = tmp_path_factory.mktemp("roundtrip")
    records = bbc_records(RECORDS)
    records[0]["id"] = 601
    inputs = write_jsonl(folder / "bbc.jsonl", records)
    (folder / "aliases.yaml").write_text(ALIASES, encoding="utf-8")
    succeeds("ingest", "--db", folder / "original.db", inputs, *sorted(SEEDS.glob("*.txt")))
    succeeds("people", "--db", folder / "original.db", "--apply-aliases", folder / "aliases.yaml", "--format", "jsonl")
    succeeds("export", "--db", folder / "original.db", folder / "first")
    said = succeeds("ingest", "--db", folder / "restored.db", folder / "first")
    succeeds("export", "--db", folder / "restored.db", folder / "second")
    return folder, records, said


@pytest.mark.slow
def test_roundtrip_export_ingest_export_gives_the_same_tables(roundtrip):
    folder, _, said = roundtrip
    first, second = tables(folder / "first"), tables(folder / "second")
    assert set(first) == TABLES
    assert "restored as exported" in said
    for table in sorted(TABLES):
        assert second[table] == first[table], table


@pytest.mark.slow
def test_roundtrip_export_holds_what_linking_and_aliases_decided(roundtrip):
    """The round trip is only worth comparing if the store has copies, aliases and roles to lose."""
    exported = tables(roundtrip[0] / "first")
    assert exported["copy_pairs"] and exported["people_apart"] and exported["person_roles"]
    named = {row["name"]: row for row in exported["people"]}
    assert named["British Airways"]["given_name"] == "British Airways" and named["British Airways"]["wikidata"] == "Q8766"
    assert "BA" not in named  # joined into British Airways
    assert {row["key"] for row in exported["person_keys"] if row["person_id"] == named["British Airways"]["id"]} >= {"ba"}
    assert {row["headline_first"] for row in exported["articles"]} <= {0, 1}
    assert {row["quoted"] for row in exported["article_people"]} == {0, 1}
    assert {row["gender_source"] for row in exported["people"] if row["gender"]} <= {"text", "names"}


@pytest.mark.slow
def test_roundtrip_source_id_is_the_records_own_id(roundtrip):
    folder, records, _ = roundtrip
    by_source = {row["source"]: row["source_id"] for row in tables(folder / "second")["articles"]}
    inputs = folder / "bbc.jsonl"
    assert {source: by_source[source] for source in by_source if source.startswith(str(inputs))} == {
        f"{inputs}:{number}": str(record["id"]) for number, record in enumerate(records, 1)}
    assert by_source[f"{inputs}:1"] == "601"
    assert all(by_source[str(seed)] is None for seed in SEEDS.glob("*.txt"))


@pytest.mark.slow
def test_roundtrip_restored_store_links_later_articles_as_the_original(roundtrip, tmp_path):
    """A rewrite of a seed (a copy, quoting the same statements) and a new record, ingested into the original
    and into the restored store: the indexes restore rebuilt link them the same."""
    folder, _, _ = roundtrip
    seed = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    rewrite = tmp_path / "rewrite.txt"
    rewrite.write_text("Moon presses for sanctions relief\n\n" + seed.split("\n", 1)[1].rsplit("\n\n", 1)[0], encoding="utf-8")
    later = write_jsonl(tmp_path / "later.jsonl", bbc_records(1, skip=RECORDS))
    for name in ("original", "restored"):
        copy_store(folder / f"{name}.db", tmp_path / f"{name}.db")
        succeeds("ingest", "--db", tmp_path / f"{name}.db", rewrite, later)
        succeeds("export", "--db", tmp_path / f"{name}.db", tmp_path / name)
    original, restored = tables(tmp_path / "original"), tables(tmp_path / "restored")
    assert len(original["copy_pairs"]) > len(tables(folder / "first")["copy_pairs"])  # the rewrite is a copy
    for table in sorted(TABLES):
        assert restored[table] == original[table], table


@pytest.mark.slow
def test_roundtrip_into_a_store_with_articles_links_the_export_instead(roundtrip):
    folder, _, _ = roundtrip
    said = succeeds("ingest", "--db", folder / "restored.db", folder / "first")
    assert "not empty" in said and f"0 new articles, {len(tables(folder / 'first')['articles'])} already stored" in said


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_roundtrip_a_bad_table_is_one_line_and_leaves_the_store_empty(roundtrip, tmp_path, damage):
    export = tmp_path / "export"
    shutil.copytree(roundtrip[0] / "first", export)
    table = export / ("person_keys.parquet" if damage == "missing" else "statements.parquet")
    if damage == "missing":
        table.unlink()
    else:
        table.write_bytes(table.read_bytes()[:200])
    result = run_cli("ingest", "--db", tmp_path / "new.db", export)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and str(table) in result.stderr
    with sqlite3.connect(tmp_path / "new.db") as store:
        assert store.execute("SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM people)").fetchone() == (0,)


@pytest.mark.slow
def test_roundtrip_spark_tables_alone_are_linked_as_today(roundtrip, tmp_path):
    """A folder with only the five tables Spark writes has no store to restore: its articles are linked, with
    the people each names."""
    spark_like = tmp_path / "spark"
    spark_like.mkdir()
    for table in ("articles", "statements", "merged_statements", "people", "article_people"):
        shutil.copy(roundtrip[0] / "first" / f"{table}.parquet", spark_like)
    said = succeeds("ingest", "--db", tmp_path / "new.db", spark_like)
    assert "restored" not in said and f"{len(tables(spark_like)['articles'])} new articles" in said
    succeeds("export", "--db", tmp_path / "new.db", tmp_path / "linked")
    assert tables(tmp_path / "linked")["article_people"] == tables(spark_like)["article_people"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_roundtrip_every_format_writes_every_table(roundtrip, tmp_path, fmt):
    succeeds("export", "--db", roundtrip[0] / "restored.db", tmp_path, "--format", fmt)
    assert {path.name.split(".")[0] for path in tmp_path.glob(f"*.{fmt}")} == TABLES


@pytest.mark.parametrize("given, kept", [("bbc-business-001", "bbc-business-001"), (601, "601"), (6.5, "6.5"),
                                         ("", None), ("  ", None), (True, None), (None, None), ([1], None)])
def test_roundtrip_a_records_id_is_kept_when_a_string_or_number(tmp_path, given, kept):
    record = {"id": given, "title": "Rates held", "text": "Rates held\n\nThe bank held rates, it said."}
    (document,) = documents([str(write_jsonl(tmp_path / "one.jsonl", [record]))])
    assert document.source_id == kept


def test_roundtrip_a_warc_record_keeps_its_record_id(tmp_path):
    warc = write_warc(tmp_path / "one.warc.gz", sample_pages(1))
    (document,) = documents([str(warc)])
    assert document.source_id and document.source_id.startswith("<urn:uuid:")


@pytest.mark.slow
def test_an_export_from_before_schema_6_is_restored_without_its_new_tables(roundtrip, tmp_path):
    """An export made before the store kept each article's named people: no article_people, and people without
    given_gender and gender_source. It is restored as it was, the new table empty until `ingest --reprocess`."""
    folder = roundtrip[0]
    old = shutil.copytree(folder / "first", tmp_path / "old")
    (old / "article_people.parquet").unlink()
    people = pq.read_table(old / "people.parquet")
    pq.write_table(people.drop_columns(["given_gender", "gender_source"]), old / "people.parquet")
    said = succeeds("ingest", "--db", tmp_path / "restored.db", old)
    assert "restored as exported" in said
    with sqlite3.connect(tmp_path / "restored.db") as restored:
        assert restored.execute("SELECT count(*) FROM article_people").fetchone()[0] == 0
        assert restored.execute("SELECT count(*) FROM people").fetchone()[0] == people.num_rows
