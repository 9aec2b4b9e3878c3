"""The media audit (``onrecord audit``, ``Store.audit``, /audit and /api/audit) over articles written for it:
women, men and unknown among the people quoted, per outlet, month, year and kind, with filters."""

import csv
import io
import json
import shutil

import pytest
from audit_newsroom import build_audit_newsroom
from conftest import run_cli
from fastapi.testclient import TestClient

from onrecord.serve import audit_csv, create_app
from onrecord.store import QuoteFilter, Store
from onrecord.store.audit import GENDERS, GROUPINGS, audit_fields

EMPTY_FORM = "q=&outlet=&since=&until=&by="  # a browser sends every field of the form, filled or not


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_audit_newsroom(tmp_path_factory.mktemp("audit"))


def audit(db, by="outlet", **where):
    with Store(db, readonly=True) as store:
        return store.audit(QuoteFilter(**where), by)


def by_key(rows, key="outlet"):
    return {row[key]: row for row in rows}


def test_people_quoted_per_outlet_by_gender_with_unknown_apart(db):
    gazette = by_key(audit(db))["Valley Gazette"]
    assert (gazette["articles"], gazette["statements"], gazette["people"]) == (2, 6, 3)
    assert [gazette[f"people_{g}"] for g in GENDERS] == [1, 1, 1]  # K. Osei: an initial and no pronoun
    assert (gazette["female_share_people"], gazette["male_share_people"]) == (0.5, 0.5)  # over known genders
    assert (gazette["female_share_people_all"], gazette["male_share_people_all"]) == (0.333, 0.333)  # over all
    assert [gazette[f"statements_{g}"] for g in GENDERS] == [3, 1, 1]
    assert (gazette["statements_organization"], gazette["statements_description"]) == (1, 0)
    assert gazette["words_female"] == 7 + 5 + 8 and gazette["words_unknown"] == 10
    assert gazette["top_people"] == "Maria Lindqvist (3) | Anton Berg (1) | K. Osei (1)"


def test_shares_add_up_and_every_statement_is_counted_once(db):
    for by in GROUPINGS:
        for row in audit(db, by):
            assert sum(row[f"people_{g}"] for g in GENDERS) == row["people"]
            others = row["statements_organization"] + row["statements_description"] + row["statements_no_speaker"]
            assert sum(row[f"statements_{g}"] for g in GENDERS) + others == row["statements"]
            for what in ("people", "statements"):
                if row[f"{what}_female"] + row[f"{what}_male"]:
                    assert row[f"female_share_{what}"] + row[f"male_share_{what}"] == pytest.approx(1, abs=0.002)
                    assert row[f"female_share_{what}_all"] + row[f"male_share_{what}_all"] <= 1


def test_the_total_counts_each_person_once_across_outlets(db):
    rows = audit(db)
    assert [row["outlet"] for row in rows] == ["Northern Post", "Valley Gazette", None, "total"]  # no outlet: its own row
    total = rows[-1]
    assert (total["articles"], total["statements"], total["people"]) == (4, 10, 4)  # Anton Berg in two outlets
    assert [total[f"people_{g}"] for g in GENDERS] == [2, 1, 1]
    assert total["female_share_people"] == 0.667 and total["female_share_people_all"] == 0.5
    assert sum(row["statements"] for row in rows[:-1]) == total["statements"]


def test_per_month_per_year_per_outlet_and_month_and_per_kind(db):
    months = audit(db, "month")
    assert [(row["month"], row["statements"]) for row in months] == [("2024-03", 6), ("2024-04", 3), (None, 1), ("total", 10)]
    assert by_key(months, "month")["2024-03"]["people"] == 2  # Maria Lindqvist and Anton Berg
    assert [(row["year"], row["statements"]) for row in audit(db, "year")][0] == ("2024", 9)
    both = [(row["outlet"], row["month"], row["statements"]) for row in audit(db, "outlet,month")]
    assert both == [("Northern Post", "2024-03", 3), ("Valley Gazette", "2024-03", 3), ("Valley Gazette", "2024-04", 3),
                    (None, None, 1), ("total", None, 10)]
    assert sum(row["statements"] for row in audit(db, "kind")[:-1]) == 10


def test_filters_select_the_statements_audited(db):
    april = audit(db, since="2024-04")
    assert [row["outlet"] for row in april] == ["Valley Gazette", "total"] and april[-1]["statements"] == 3
    assert audit(db, until="2024-03")[-1]["statements"] == 6
    post = audit(db, outlet="Northern Post")
    assert [row["outlet"] for row in post] == ["Northern Post", "total"]
    assert post[-1]["people_male"] == 1 and post[-1]["female_share_people"] == 0.0
    ferry = audit(db, search="ferry OR ferries")[-1]
    assert (ferry["statements"], ferry["statements_description"]) == (2, 1)


def test_an_empty_store_answers_a_total_of_nothing(tmp_path):
    Store(tmp_path / "empty.db").close()
    rows = audit(tmp_path / "empty.db", "outlet,month")
    assert len(rows) == 1 and rows[0]["outlet"] == "total" and rows[0]["statements"] == 0
    assert rows[0]["female_share_people"] is None and rows[0]["top_people"] is None
    done = run_cli("audit", "--db", tmp_path / "empty.db", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("total,0,0,0,0,0,0,,")


def test_cli_csv_jsonl_and_table(db):
    done = run_cli("audit", "--db", db, "--format", "csv", "--by", "outlet,month")
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    assert tuple(table[0]) == audit_fields("outlet,month")
    assert (table[-1]["outlet"], table[-1]["people_unknown"], table[-1]["female_share_people"]) == ("total", "1", "0.667")
    lines = run_cli("audit", "--db", db, "--format", "jsonl", "--since", "2024-04").stdout.splitlines()
    assert [json.loads(line)["outlet"] for line in lines] == ["Valley Gazette", "total"]
    shown = run_cli("audit", "--db", db, "--format", "table", "--by", "month")
    assert "2024-04" in shown.stdout and "people_female" in shown.stdout and "4 rows" in shown.stderr
    wrong = run_cli("audit", "--db", db, "--by", "speaker")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr


def test_csv_text_that_starts_like_a_formula_is_text():
    rows = [{"outlet": "=HYPERLINK(\"http://x\")", "statements": -1}]
    assert audit_csv(rows, ["outlet", "statements"]).splitlines()[1] == "\"'=HYPERLINK(\"\"http://x\"\")\",-1"


def test_people_mentioned_count_those_named_but_not_quoted(db):
    rows = by_key(audit(db))
    gazette, total = rows["Valley Gazette"], rows["total"]
    # the architect is named, not quoted: among the people mentioned, not among the people quoted
    assert gazette["people_mentioned"] == gazette["people"] + 1 and gazette["people_mentioned_female"] == gazette["people_female"] + 1
    assert total["people_mentioned"] == total["people"] + 1  # each person once, though Anton Berg is in both outlets


def test_the_audit_says_where_each_gender_came_from(db, tmp_path):
    total = by_key(audit(db))["total"]
    sources = [total[c] for c in ("genders_from_aliases", "genders_from_text", "genders_from_names", "genders_unknown")]
    assert sum(sources) == total["people"] and sources[0] == 0 and total["genders_from_text"] >= 3  # 'she said', 'he said'
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("- name: Helga Moor\n  gender: male\n", encoding="utf-8")
    copy = shutil.copy(db, tmp_path / "corrected.db")
    assert run_cli("people", "--db", copy, "--apply-aliases", aliases).returncode == 0
    corrected = by_key(audit(copy))["total"]
    assert corrected["genders_from_aliases"] == 1 and corrected["people_male"] == total["people_male"] + 1
    assert corrected["people_mentioned_male"] == total["people_mentioned_male"] + 1  # the store-wide gender, corrected
    header = run_cli("audit", "--db", copy, "--format", "csv").stdout.splitlines()[0]
    assert header.endswith("people_mentioned_unknown,genders_from_aliases,genders_from_text,genders_from_names,genders_unknown")


@pytest.fixture(scope="module")
def client(db):
    return TestClient(create_app(str(db)), raise_server_exceptions=False)


def test_api_audit_with_empty_fields_is_the_store_audit(db, client):
    answer = client.get(f"/api/audit?{EMPTY_FORM}")
    assert answer.status_code == 200
    assert answer.json() == {"by": "outlet", "fields": list(audit_fields("outlet")), "rows": audit(db)}
    months = client.get("/api/audit?q=&outlet=Valley+Gazette&since=&until=&by=month").json()
    assert [row["month"] for row in months["rows"]] == ["2024-03", "2024-04", "total"]
    wrong = client.get("/api/audit?by=speaker&since=2024-13")
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == ("since: use YYYY, YYYY-MM or YYYY-MM-DD; "
                                      "by: use outlet, month, year, outlet,month or kind")


def test_api_audit_csv_is_a_download_of_every_column(client):
    answer = client.get(f"/api/audit.csv?{EMPTY_FORM}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert tuple(table[0]) == audit_fields("outlet") and table[-1]["outlet"] == "total"


def test_the_audit_page_draws_bars_lines_and_the_table(client):
    answer = client.get(f"/audit?{EMPTY_FORM}")
    assert answer.status_code == 200
    html = answer.text
    assert html.count('<g class="bar"') == 3  # Northern Post, Valley Gazette, unknown outlet
    assert 'class="unknown"' in html and "<polyline" in html and 'data-outlet="Valley Gazette"' in html
    assert "Maria Lindqvist (3)" in html and 'href="/api/audit.csv?' in html
    assert '<a href="/audit">Audit</a>' in client.get("/").text
    refused = client.get("/audit?q=&outlet=&since=2024-13&until=&by=")
    assert refused.status_code == 400 and "Since: use YYYY, YYYY-MM or YYYY-MM-DD" in refused.text
    assert 'value="2024-13"' in refused.text
