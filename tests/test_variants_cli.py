"""`onrecord variants` and the export's reports table, on a store of the articles tests/test_variants.py writes:
the ferry statement of WIRE (altered twice, shortened, paraphrased, repeated), one only shortened, one reported
the same way twice, and one of another speaker only shortened."""

import csv
import io
import json
import sqlite3

import pyarrow.parquet as pq
import pytest
from conftest import run_cli
from test_variants import CLASSES, FERRY, WIRE, store_reports

pytestmark = pytest.mark.processes  # starts onrecord in other processes

HARBOUR = "The new harbour wall will be finished before the autumn storms and the pier will reopen in spring"
SCHOOL = "The school on Kellsay needs two more teachers and a new roof before the winter term"
LIGHTHOUSE = "The lighthouse keepers will stay on the island until the end of the decade"
OTHER_SPEAKER = "Tomas Brennan"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("variants") / "v.db"
    store_reports(db, WIRE)
    store_reports(db, [(HARBOUR, "direct", "2023-05-01", "Island Post"),
                       (HARBOUR.split(" and ")[0], "direct", "2023-05-02", "Coast Daily")])
    store_reports(db, [(SCHOOL, "direct", "2024-03-01", "Island Post"), (SCHOOL, "direct", "2024-03-02", "North Wire")])
    store_reports(db, [(LIGHTHOUSE, "direct", "2022-01-10", "Island Post"),
                       (LIGHTHOUSE.split(" until ")[0], "direct", "2022-01-11", "Harbour Herald")], speaker=OTHER_SPEAKER)
    return db


def variants(db, *args, fmt="jsonl"):
    result = run_cli("variants", *args, "--format", fmt, "--db", db)
    assert result.returncode == 0, result.stderr
    return result


def listed(db, *args) -> list[dict]:
    return [json.loads(line) for line in variants(db, *args).stdout.splitlines()]


def first_words(found: list[dict]) -> set[str]:
    """Each statement listed by the first report's wording, whichever wording is its fullest."""
    return {next(r["quote"] for r in s["reports"] if r["first"]) for s in found}


def test_only_statements_with_more_than_one_wording(store):
    found = listed(store)
    assert first_words(found) == {FERRY, HARBOUR, LIGHTHOUSE}  # not the school, reported the same way twice
    assert all(len({r["variant"] for r in s["reports"]}) > 1 for s in found)


def test_altered_keeps_only_statements_with_an_altered_report(store):
    found = listed(store, "--altered")
    assert first_words(found) == {FERRY}
    assert "altered" in {r["variant"] for r in found[0]["reports"]}


def test_speaker_since_and_until_filter(store):
    assert first_words(listed(store, "--speaker", "Brennan")) == {LIGHTHOUSE}
    assert first_words(listed(store, "--since", "2024")) == {FERRY}
    assert first_words(listed(store, "--since", "2023-05", "--until", "2023-05-31")) == {HARBOUR}
    assert first_words(listed(store, "--search", "lighthouse")) == {LIGHTHOUSE}


def test_jsonl_reports_carry_their_class_edits_first_and_repeat(store):
    ferry = listed(store, "--altered")[0]
    reports = {(r["quote"], r["published"]): r for r in ferry["reports"]}
    assert [reports[(quote, day)]["variant"] for quote, _, day, _ in WIRE] == CLASSES
    assert reports[(WIRE[1][0], "2024-03-02")]["edits"] == [{"was": "twice", "now": "three times", "change": "number"}]
    assert reports[(WIRE[2][0], "2024-03-02")]["edits"] == [{"was": "not", "now": "", "change": "negation"}]
    assert [r["first"] for r in ferry["reports"]] == [True] + [False] * (len(WIRE) - 1)
    assert [r["published"] for r in ferry["reports"] if r["repeat"]] == ["2024-07-20"]  # months after the first
    assert {"article_id", "outlet", "kind", "fullest_variant"} <= set(ferry["reports"][0])
    assert ferry["speaker"] == "Ilse Marrow" and ferry["articles"] == len(WIRE)


def test_csv_is_one_row_per_report(store):
    table = list(csv.DictReader(io.StringIO(variants(store, fmt="csv").stdout)))
    assert list(table[0]) == ["statement_id", "speaker", "article_id", "outlet", "published", "kind", "variant", "edits",
                              "fullest_variant", "first", "repeat", "quote", "compared_with"]
    assert len(table) == len(WIRE) + 2 + 2
    negation = next(row for row in table if row["quote"] == WIRE[2][0])
    assert json.loads(negation["edits"]) == [{"was": "not", "now": "", "change": "negation"}]
    assert negation["variant"] == "altered" and negation["first"] == "0"
    assert sorted(row["first"] for row in table).count("1") == 3


def test_the_table_marks_the_edits_inline(store):
    result = variants(store, "--altered", fmt="table")
    shown = " ".join(result.stdout.split())
    assert "\x1b" not in result.stdout  # not a terminal: no colour codes, the markers alone
    assert "[-twice-] {+three times+}" in shown and "will [-not-] rise" in shown
    assert "[…and fares will not rise this year…]" in shown  # a cut end, not a deletion
    assert "first" in shown and "repeat" in shown and "negation" in shown
    assert result.stderr == "1 statement\n"


def test_limit_says_how_many_were_left_out(store):
    result = variants(store, "--limit", "1", fmt="table")
    assert result.stderr == "1 of 3 statements (--limit)\n"
    assert len(listed(store, "--limit", "2")) == 2


@pytest.mark.parametrize("bad", [("--since", "2024-13"), ("--until", "soon"), ("--limit", "0")])
def test_a_wrong_value_is_a_usage_error(store, bad):
    result = run_cli("variants", *bad, "--db", store)
    assert result.returncode == 2 and "Traceback" not in result.stderr and bad[1] in result.stderr


def test_an_unclosed_quotation_mark_is_one_line(store):
    result = run_cli("variants", "--search", '"ferry', "--db", store)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


# --- the export's reports table ---

def stored_classes(db) -> dict[int, tuple]:
    with sqlite3.connect(db) as connection:
        return {row[0]: row[1:] for row in connection.execute(
            "SELECT s.id, s.merged_id, s.article_id, s.variant, s.edits, s.fullest_variant, s.id = m.first_id"
            " FROM statements s JOIN merged_statements m ON m.id = s.merged_id")}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_writes_each_report_with_its_classes(store, tmp_path, fmt):
    result = run_cli("export", "--db", store, "--format", fmt, tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"reports.{fmt}"
    rows = (pq.read_table(path).to_pylist() if fmt == "parquet" else
            [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if fmt == "jsonl" else
            [{k: int(v) if k in ("statement_id", "report_id", "first") else v or None for k, v in row.items()}
             for row in csv.DictReader(path.open(encoding="utf-8"))])
    assert list(rows[0]) == ["statement_id", "report_id", "article_id", "variant", "edits", "fullest_variant", "first"]
    assert {row["report_id"]: (row["statement_id"], row["article_id"], row["variant"], row["edits"], row["fullest_variant"],
                               row["first"]) for row in rows} == stored_classes(store)
    assert sorted(row["variant"] for row in rows if row["statement_id"] == rows[0]["statement_id"]) == sorted(CLASSES)


def test_an_export_restores_with_or_without_its_reports_table(store, tmp_path):
    assert run_cli("export", "--db", store, tmp_path / "out").returncode == 0
    restored = run_cli("ingest", "--db", tmp_path / "restored.db", tmp_path / "out")
    assert restored.returncode == 0 and "restored as exported" in restored.stderr, restored.stderr
    assert stored_classes(tmp_path / "restored.db") == stored_classes(store)
    assert run_cli("export", "--db", tmp_path / "restored.db", tmp_path / "again").returncode == 0
    assert pq.read_table(tmp_path / "again" / "reports.parquet").to_pylist() == \
        pq.read_table(tmp_path / "out" / "reports.parquet").to_pylist()
    (tmp_path / "out" / "reports.parquet").unlink()  # an export made before the table was
    older = run_cli("ingest", "--db", tmp_path / "older.db", tmp_path / "out")
    assert older.returncode == 0 and "restored as exported" in older.stderr, older.stderr
    assert stored_classes(tmp_path / "older.db") == stored_classes(store)
