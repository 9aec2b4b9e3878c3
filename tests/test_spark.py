"""The PySpark job in local mode against `onrecord ingest` on the same input: every column of the four
tables `onrecord export` writes is the same (ids compared by what they name), on the seeds, 200 PolNeAR
articles and an article of each linking rule; and its tables load back into a store."""

import gzip
import json
import sqlite3
from itertools import islice

import pyarrow.parquet as pq
import pytest
from conftest import CORPORA, SEEDS, partition, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.processes]  # starts a JVM and runs the job

NOTE = ("Editor's note: The Tidewater Ledger is funded in part by the port authority, which has said it will never "
        "review our stories before they are published.")
QUOTE = "The ferry timetable will be cut back to four crossings a day from next month"


def rule_cases() -> list[dict]:
    """One constructed case per rule: a middle initial met first, an alias, an outlet's boilerplate, the story window."""
    def article(title, date, outlet, *paragraphs):
        return {"title": title, "date": date, "outlet": outlet, "text": "\n\n".join(paragraphs)}

    return [
        article("Dock workers vote on pay offer", "2021-02-01", "Tidewater Ledger",
                "Dock workers at the north quay voted on Tuesday on the pay offer put to them last week.",
                "“We have waited three years for a raise that keeps up with rents,” said Marta Q. Lindqvist, who "
                "chairs the dockers' branch.", NOTE),
        article("Dockers accept the offer", "2021-03-10", "Tidewater Ledger",
                "The dockers' branch accepted the revised offer by a narrow margin on Monday evening.",
                "“It is not everything we asked for, but it is a start,” Marta Lindqvist said after the count.", NOTE),
        article("Quay lights to be replaced", "2021-04-20", "Tidewater Ledger",
                "The harbour board will replace the lights along the old quay before the summer season begins.",
                "“The old lamps cost more to repair than new ones cost to buy,” said Ted Vance, the board's engineer.", NOTE),
        article("Ferry crossings reduced", "2021-05-03", "Coastal Courier",
                "Islanders face fewer sailings after the operator announced a leaner schedule for the summer.",
                f"“{QUOTE},” said Teodor Vance, the operator's director."),
        article("Islanders protest ferry cuts", "2021-05-05", "Island Post",
                "About two hundred islanders gathered at the slipway on Wednesday to protest against the cuts.",
                f"The operator's director, Teodor Vance, had said: “{QUOTE}.”"),
        article("Ferry cuts, two months on", "2021-07-15", "Island Post",
                "Two months after the schedule changed, shopkeepers on the island report fewer visitors.",
                f"In May, Teodor Vance said: “{QUOTE}.” The operator has not changed course since."),
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark")
    with gzip.open(CORPORA / "polnear-attribution" / "polnear.jsonl.gz", "rt", encoding="utf-8") as file:
        polnear = [json.loads(line) for line in islice(file, 200)]
    dump = folder / "articles.jsonl"
    records = [{k: r[k] for k in ("id", "title", "text", "date", "source", "author")} for r in polnear] + rule_cases()
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    aliases = folder / "aliases.yaml"
    aliases.write_text("- name: Teodor Vance\n  aliases: [Ted Vance]\n  gender: female\n", encoding="utf-8")  # not as the name table has it
    inputs = [*sorted(SEEDS.glob("*.txt")), dump]
    spark = run_cli("spark", *inputs, "--out", folder / "spark", "--master", "local[2]", "--aliases", aliases)
    assert spark.returncode == 0, spark.stderr[-3000:]
    ingest = run_cli("ingest", "--db", folder / "ingest.db", "--aliases", aliases, *inputs)
    assert ingest.returncode == 0, ingest.stderr
    exported = run_cli("export", "--db", folder / "ingest.db", "--format", "parquet", folder / "ingest")
    assert exported.returncode == 0, exported.stderr
    return {"spark": folder / "spark", "ingest": folder / "ingest", "db": sqlite3.connect(folder / "ingest.db"),
            "stdout": spark.stdout, "folder": folder, "articles": len(inputs) - 1 + len(records)}


def tables(folder) -> dict[str, list[dict]]:
    found = {}
    for name in ("articles", "statements", "merged_statements", "people", "article_people"):
        path = folder / f"{name}.parquet"
        found[name] = pq.read_table(path if path.exists() else folder / name).to_pylist()
    return found


def comparable(folder) -> dict[str, set]:
    """Every column of every table, with person and statement ids replaced by what they name: a person by
    their name, a merged statement by its first report (article id and offset)."""
    t = tables(folder)
    person = {p["id"]: p["name"] for p in t["people"]}
    first_report: dict = {}
    for s in t["statements"]:
        first_report[s["merged_id"]] = min(first_report.get(s["merged_id"], (s["article_id"], s["start"])), (s["article_id"], s["start"]))

    def named(row, **ids):
        return tuple(sorted({**row, "id": None, **{k: f(row[k]) for k, f in ids.items()}}.items()))

    return {
        "articles": {tuple(sorted(a.items())) for a in t["articles"]},
        "statements": {named(s, person_id=person.get, merged_id=first_report.get) for s in t["statements"]},
        "merged_statements": {named(m, person_id=person.get) + (("first_report", first_report[m["id"]]),) for m in t["merged_statements"]},
        "people": {named(p) for p in t["people"]},
        "article_people": {tuple(sorted(r.items())) for r in t["article_people"]},
    }


def named_reports(folder) -> set:
    """The reports table with each report named by its statement's article and offset, and each merged statement
    by its first report, as ``comparable`` names them."""
    statements = tables(folder)["statements"]
    where = {s["id"]: (s["article_id"], s["start"]) for s in statements}
    first_report: dict = {}
    for s in statements:
        first_report[s["merged_id"]] = min(first_report.get(s["merged_id"], where[s["id"]]), where[s["id"]])
    path = folder / "reports.parquet"
    rows = pq.read_table(path if path.exists() else folder / "reports").to_pylist()
    return {(first_report[r["statement_id"]], where[r["report_id"]], r["article_id"], r["variant"], r["edits"],
             r["fullest_variant"], r["first"]) for r in rows}


def test_the_reports_table_equals_ingest(runs):
    sparked, ingested = named_reports(runs["spark"]), named_reports(runs["ingest"])
    assert sparked == ingested, (sorted(sparked - ingested)[:3], sorted(ingested - sparked)[:3])
    assert len(ingested) >= 2000 and sum(row[-1] for row in ingested) >= 1500  # a first report per merged statement


def test_the_job_counts_what_it_read(runs):
    assert f"read {runs['articles']}, failed 0, articles {runs['articles']}" in runs["stdout"]


@pytest.mark.parametrize("table", ["articles", "statements", "merged_statements", "people", "article_people"])
def test_every_column_equals_ingest(runs, table):
    sparked, ingested = comparable(runs["spark"])[table], comparable(runs["ingest"])[table]
    assert sparked == ingested, (sorted(sparked - ingested)[:3], sorted(ingested - sparked)[:3])
    assert len(ingested) >= {"articles": 200, "statements": 2000, "merged_statements": 1500, "people": 300,
                             "article_people": 1000}[table]


def test_each_rule_holds_in_both(runs):
    for folder in (runs["spark"], runs["ingest"]):
        t = tables(folder)
        people = {p["name"]: p for p in t["people"]}
        assert "Marta Q. Lindqvist" in people and "Marta Lindqvist" not in people  # the fuller name, met first or not
        assert "Ted Vance" not in people and people["Teodor Vance"]["variants"] == "Teodor Vance | Ted Vance"
        assert people["Teodor Vance"]["gender"] == people["Teodor Vance"]["given_gender"] == "female"  # the aliases file's
        assert not [s for s in t["statements"] if "review our stories" in s["quote"]]  # the outlet's note holds no statement
        ours = {a["headline"]: a for a in t["articles"] if a["outlet"] in ("Tidewater Ledger", "Coastal Courier", "Island Post")}
        assert len({a["copy_group"] for a in ours.values()}) == len(ours)  # the note makes no copies
        stories = {a["headline"]: a["story"] for a in ours.values()}
        assert stories["Ferry crossings reduced"] == stories["Islanders protest ferry cuts"] != stories["Ferry cuts, two months on"]
        seeds = {a["source"].rsplit("/", 1)[-1][:3]: a["copy_group"] for a in t["articles"] if "seeds" in a["source"]}
        assert seeds["000"] == seeds["001"] != seeds["003"]


def test_the_tables_load_into_a_store_for_serve(runs):
    db = runs["folder"] / "loaded.db"
    result = run_cli("ingest", "--db", db, runs["spark"])
    assert result.returncode == 0 and f"{runs['articles']} new articles" in result.stderr
    loaded = sqlite3.connect(db)
    query = "SELECT article_id, start, end, quote, kind, speaker FROM statements"
    assert set(loaded.execute(query)) == set(runs["db"].execute(query))
    named = "SELECT article_id, key, name, quoted, gender, gender_source FROM article_people"
    assert set(loaded.execute(named)) == set(runs["db"].execute(named))
    assert partition(loaded.execute("SELECT id, copy_group FROM articles")) == \
        partition(runs["db"].execute("SELECT id, copy_group FROM articles"))
    again = run_cli("ingest", "--db", db, runs["spark"])
    assert f"0 new articles, {runs['articles']} already stored" in again.stderr
