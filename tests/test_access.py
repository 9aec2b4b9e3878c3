"""onrecord.open_store: a store read from Python, as dataclasses and DataFrames (docs/python.md)."""

import contextlib
import dataclasses
import io
import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest

import onrecord
from onrecord.access import (ArticleRecord, ArticleWithText, MergedStatementRecord, PersonRecord, Records,
                             StatementRecord)
from onrecord.errors import BadRequest, InvalidSearch, NotFound
from onrecord.store import Store

from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "python.md"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The store `make demo` builds: the three articles of examples/ (a text file, a page, a JSONL record)."""
    path = tmp_path_factory.mktemp("access") / "demo.db"
    result = run_cli("ingest", "--db", path, ROOT / "examples")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def store(db):
    with onrecord.open_store(db) as reader:
        yield reader


@pytest.fixture(scope="module")
def raw(db):
    """The same store read with plain SQL, to check the answers against."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        yield connection


def test_statements_by_speaker_are_all_that_persons_and_quote_their_article(store, raw):
    said = store.statements(speaker="elena marsh")
    marsh = raw.execute("SELECT id FROM people WHERE name = 'Elena Marsh'").fetchone()[0]
    stored = {row[0] for row in raw.execute("SELECT id FROM statements WHERE person_id = ?", (marsh,))}
    assert isinstance(said, Records) and all(type(s) is StatementRecord for s in said)
    assert {s.id for s in said} == stored and len(said) == len(stored) > 5
    assert {s.speaker for s in said} == {"Elena Marsh"} and {s.person_id for s in said} == {marsh}
    assert [s.published for s in said] == sorted((s.published for s in said), reverse=True)  # newest first
    for s in said:
        assert store.article(s.article_id).text[s.start:s.end] == s.quote
    assert store.count_statements(speaker="elena marsh") == len(said)
    assert store.statements(speaker="Marsh") == said  # a surname finds her too


def test_search_finds_the_words_best_match_first_or_newest(store):
    found = store.statements(search="ferry")
    assert found and all(re.search(r"\bferr(y|ies)\b", s.quote, re.I) for s in found)
    assert store.count_statements(search="ferry") == len(found)
    newest = store.statements(search="ferry", order="newest")
    assert {s.id for s in newest} == {s.id for s in found}
    assert [s.published for s in newest] == sorted((s.published for s in newest), reverse=True)
    by_her = store.statements(speaker="elena marsh", search="ferry")
    assert by_her and {s.id for s in by_her} < {s.id for s in found} and {s.speaker for s in by_her} == {"Elena Marsh"}
    assert store.statements(search="ferry", limit=1) == found[:1]
    assert store.statements(search="ferry", limit=1, offset=1) == found[1:2]
    assert store.statements(search="ferry", offset=1) == found[1:]
    assert store.statements(search="zeppelin") == []


def test_filters_keep_only_what_they_say(store):
    every = store.statements()
    assert len(every) == store.counts()["statements"] == store.count_statements()
    april = store.statements(since="2025-04")
    assert april and all(s.published >= "2025-04" for s in april)
    march = store.statements(until="2025-03")
    assert march and all(s.published.startswith("2025-03") for s in march)
    assert len(april) + len(march) == len(every)
    for kind in ("direct", "indirect", "mixed"):
        assert all(s.kind == kind for s in store.statements(kind=kind))
    assert sum(len(store.statements(kind=kind)) for kind in ("direct", "indirect", "mixed")) == len(every)
    by_type = {t: store.statements(speaker_type=t) for t in ("person", "organization", "description", "unknown")}
    assert all(s.speaker_type == t for t, found in by_type.items() for s in found)
    assert sum(map(len, by_type.values())) == len(every) and by_type["organization"] and by_type["description"]
    pronoun = store.statements(pronoun=True)
    assert pronoun and all(s.speaker_mention.lower() in ("he", "she") for s in pronoun)
    assert all(s.person_id is None for s in store.statements(no_speaker=True))
    assert len(store.statements(no_speaker=True)) == sum(s.person_id is None for s in every)
    sure = store.statements(min_confidence=0.9)
    assert sure and all(s.confidence >= 0.9 for s in sure) and len(sure) < len(every)
    wire = store.statements(outlet="Example Wire")
    assert wire and {s.outlet for s in wire} == {"Example Wire"}


def test_merged_statements_give_each_statement_once_with_its_outlets(store):
    merged = store.merged_statements()
    assert all(type(m) is MergedStatementRecord for m in merged) and len(merged) == store.counts()["merged_statements"]
    assert {m.id for m in merged} == {s.merged_id for s in store.statements()}
    twice = store.merged_statements(min_outlets=2)
    assert len(twice) == 1
    [m] = twice
    assert m.speaker == "Elena Marsh" and m.quote.startswith("This is a good day for every family on the east bank")
    assert (m.articles, m.outlets, m.first_seen, m.first_outlet) == (2, 2, "2025-04-11", "The Harbour Courier")
    assert sorted(m.outlet_names) == ["Example Wire", "The Harbour Courier"] and m.kinds == ("direct",)
    assert store.article(m.first_article).outlet == "The Harbour Courier" and m.cue == "said"
    assert merged[0] == m  # the most widely reported first
    reports = [s for s in store.statements() if s.merged_id == m.id]
    assert len(reports) == m.articles
    assert {x.id for x in store.merged_statements(speaker="okafor")} == \
        {s.merged_id for s in store.statements(speaker="okafor")}
    assert {x.id for x in store.merged_statements(search="ferry")} == {s.merged_id for s in store.statements(search="ferry")}
    march = store.merged_statements(until="2025-03")
    assert march and all(x.first_seen.startswith("2025-03") for x in march)
    assert m in store.merged_statements(since="2025-04-14")  # reported again on the 14th
    unknown = [x for x in merged if x.outlets == 0]
    assert unknown and all(x.outlet_names == () and x.first_outlet is None for x in unknown)  # a text file: no outlet


def test_an_outlet_whose_name_holds_a_comma_stays_one_outlet(tmp_path):
    wire = json.loads((ROOT / "examples" / "wire.jsonl").read_text(encoding="utf-8").splitlines()[0])
    records = [{**wire, "outlet": "Reuters, Inc.", "url": "https://reuters.example/1"},
               {**wire, "outlet": "Example Wire", "url": "https://wire.example/1", "text": wire["text"] + "\n\nMore."}]
    (tmp_path / "two.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = run_cli("ingest", "--db", tmp_path / "two.db", tmp_path / "two.jsonl")
    assert result.returncode == 0, result.stderr
    with onrecord.open_store(tmp_path / "two.db") as reader:
        merged = reader.merged_statements(min_outlets=2)
        assert merged and all(sorted(m.outlet_names) == ["Example Wire", "Reuters, Inc."] for m in merged)
        assert all(m.outlets == len(m.outlet_names) for m in merged)


def test_people_search_by_surname(store):
    [okafor] = store.people(search="okafor")
    assert type(okafor) is PersonRecord
    assert (okafor.name, okafor.type, okafor.gender, okafor.variants) == ("Victor Okafor", "person", "male", ("Victor Okafor",))
    assert okafor.statements == len(store.statements(speaker="Victor Okafor")) == okafor.distinct_statements
    assert "chairman" in okafor.roles and okafor.articles == 3
    assert [p.name for p in store.people(search="Marsh")] == ["Elena Marsh"]
    everyone = store.people()
    assert len(everyone) == store.counts()["people"]
    assert [p.statements for p in everyone] == sorted((p.statements for p in everyone), reverse=True)
    assert store.people(limit=2) == everyone[:2] and store.people(offset=1) == everyone[1:]
    assert store.people(search="nobody of that name") == []


def test_articles_without_text_and_one_article_with_it(store):
    articles = store.articles()
    assert len(articles) == 3 and all(type(a) is ArticleRecord for a in articles)
    assert not hasattr(articles[0], "text")
    assert [a.published for a in articles] == ["2025-04-14", "2025-04-11", "2025-03-04"]
    assert sum(a.statements for a in articles) == store.counts()["statements"]
    assert [a.outlet for a in store.articles(outlet="Example Wire")] == ["Example Wire"]
    assert len(store.articles(since="2025-04")) == 2 and len(store.articles(until="2025-03", limit=5)) == 1
    full = store.article(articles[1].id[:6])
    assert type(full) is ArticleWithText and full.id == articles[1].id
    assert dataclasses.asdict(full) == {**dataclasses.asdict(articles[1]), "text": full.text}
    assert full.text.startswith(full.headline)
    with pytest.raises(NotFound):
        store.article("ffffffff")


def test_records_are_plain_frozen_data(store):
    s = store.statements(limit=1)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.quote = "changed"
    assert dataclasses.asdict(s)["quote"] == s.quote
    assert [f.name for f in dataclasses.fields(StatementRecord)] == [
        "id", "quote", "kind", "cue", "speaker", "speaker_type", "speaker_mention", "speaker_gender", "confidence",
        "published", "outlet", "headline", "article_id", "url", "person_id", "merged_id", "start", "end", "variant", "edits",
        "fullest_variant"]


def test_to_pandas_has_the_records_fields_as_columns_and_one_row_each(store):
    pandas = pytest.importorskip("pandas")
    for records in (store.statements(), store.merged_statements(), store.people(), store.articles(),
                    store.statements(search="zeppelin")):
        frame = records.to_pandas()
        assert isinstance(frame, pandas.DataFrame)
        assert list(frame.columns) == [f.name for f in dataclasses.fields(records.record_type)]
        assert len(frame) == len(records)
        assert [tuple(map(plain, row)) for row in frame.itertuples(index=False)] == [dataclasses.astuple(r) for r in records]
    said = store.statements().to_pandas()
    assert str(said.person_id.dtype) == "Int64" and str(said.id.dtype) == "int64" and str(said.confidence.dtype) == "float64"
    assert str(store.statements(search="zeppelin").to_pandas().start.dtype) == "int64"  # typed when empty too
    merged = store.merged_statements(min_outlets=2).to_pandas()
    assert sorted(merged.outlet_names[0]) == ["Example Wire", "The Harbour Courier"]


def plain(value):
    """A DataFrame cell as the record holds it: pandas' missing values (NaN, NA) as None."""
    import pandas
    return None if not isinstance(value, tuple) and pandas.isna(value) else value


def test_to_pandas_without_pandas_says_how_to_install_it(store, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` raises ImportError
    with pytest.raises(onrecord.OnRecordError) as error:
        store.people().to_pandas()
    assert str(error.value) == "pandas is not installed; pip install 'onrecord[pandas]'"


def test_a_missing_store_is_one_line_as_the_cli_gives_it(tmp_path):
    missing = tmp_path / "nothing.db"
    with pytest.raises(onrecord.OnRecordError) as error:
        onrecord.open_store(missing)
    with pytest.raises(onrecord.OnRecordError) as as_store:
        Store(missing, readonly=True)
    assert str(error.value) == str(as_store.value) == f"{missing}: no such store (run `onrecord ingest` first)"
    assert not missing.exists()  # reading never creates a store
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(onrecord.OnRecordError, match="not an onrecord store"):
        onrecord.open_store(other)


@pytest.mark.parametrize("call, message", [
    (lambda s: s.statements(since="2019-13"), "since: '2019-13' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    (lambda s: s.statements(until="2019-02-30"), "until: '2019-02-30' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    (lambda s: s.count_statements(since="last week"), "since: 'last week' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    (lambda s: s.merged_statements(since="2019/05"), "since: '2019/05' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    (lambda s: s.articles(until="05-2019"), "until: '05-2019' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    (lambda s: s.statements(kind="quote"), "kind: 'quote' is not one of direct, indirect, mixed"),
    (lambda s: s.statements(order="oldest"), "order: 'oldest' is not one of relevance, newest"),
    (lambda s: s.statements(speaker_type="people"), "speaker_type: 'people' is not one of person, organization, description, unknown"),
    (lambda s: s.statements(min_confidence=1.5), "min_confidence: 1.5 is not a number from 0 to 1"),
    (lambda s: s.statements(limit=0), "limit: 0 is not a whole number of at least 1 (None for no limit)"),
    (lambda s: s.people(offset=-1), "offset: -1 is not a whole number of at least 0"),
    (lambda s: s.merged_statements(min_outlets=0), "min_outlets: 0 is not a whole number of at least 1"),
])
def test_a_wrong_argument_is_a_one_line_error(store, call, message):
    with pytest.raises(BadRequest) as error:
        call(store)
    assert str(error.value) == message


def test_an_unparsable_search_is_an_invalid_search(store):
    with pytest.raises(InvalidSearch, match="not a valid full-text query"):
        store.statements(search='"tax cuts')
    with pytest.raises(InvalidSearch):
        store.merged_statements(search="AND")


def test_the_reader_does_not_write_the_store(db):
    before = db.read_bytes()
    with onrecord.open_store(db) as reader:
        reader.statements(search="ferry")
        reader.people()
    assert db.read_bytes() == before
    with onrecord.open_store(db) as reader, pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.store.db.execute("DELETE FROM statements")


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", markdown, re.S | re.M)


def printed_by(code: str, db) -> str:
    """What ``code`` prints, run as a notebook would run it, on ``db`` rather than build/demo.db."""
    assert "build/demo.db" in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.replace("build/demo.db", str(db)), "snippet", "exec"), {})
    return out.getvalue()


def test_the_documented_example_prints_what_the_docs_say(db):
    pytest.importorskip("pandas")
    docs = DOCS.read_text(encoding="utf-8")
    [example] = python_blocks(docs)
    shown = re.search(r"```python\n.*?```\n\nprints\n\n```text\n(.*?)```", docs, re.S)[1]
    assert printed_by(example, db) == shown


@pytest.mark.parametrize("snippet", [b for b in python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
                                     if "open_store" in b])
def test_the_readme_example_runs(db, snippet):
    pytest.importorskip("pandas")
    assert printed_by(snippet, db)


def test_each_report_carries_its_variant_and_edits_and_altered_statements_are_found(tmp_path):
    from test_variants import WIRE, store_reports
    store_reports(tmp_path / "variants.db", WIRE)
    with onrecord.open_store(tmp_path / "variants.db") as reader:
        reports = {(r.quote, r.published): r for r in reader.statements(speaker="ilse marrow")}
        altered = reader.merged_statements(altered=True)
        assert [m.id for m in altered] == [m.id for m in reader.merged_statements(varied=True)]
        frame = reader.statements().to_pandas()
    number = reports[(WIRE[1][0], WIRE[1][2])]
    assert (number.variant, number.fullest_variant) == ("altered", "same")  # the longest wording is the fullest
    assert [(e.was, e.now, e.change) for e in number.edits] == [("twice", "three times", "number")]
    assert reports[(WIRE[0][0], WIRE[0][2])].edits == ()
    assert len(altered) == 1 and altered[0].id == number.merged_id
    assert sorted(frame["variant"]) == sorted(r.variant for r in reports.values())
