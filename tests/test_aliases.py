"""The aliases file is the user's, but it must not be able to stall the store: YAML anchors and aliases (the
"billion laughs" shape) are refused before anything expands, the file and its names are bounded, and every
malformed file is one line naming it."""

import json
import os
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord import aliases
from onrecord.aliases import Alias, load_aliases
from onrecord.cli import main
from onrecord.errors import InputError
from onrecord.link.people import person_gender
from onrecord.model import Article, Statement
from onrecord.store import Store


def laughs(path, width: int = 4000) -> None:
    """115 kB: one list of ``width`` names under an anchor, and ``width`` people kept apart from that list:
    16 million names once expanded (without the anchor it would be a valid aliases file)."""
    names = ",".join(f"n{i:x}" for i in range(width))
    people = "".join(f"- {{name: p{i:x}, not: *n}}\n" for i in range(1, width))
    path.write_text(f"- name: p0\n  not: &n [{names}]\n{people}", encoding="utf-8")


def test_aliases_billion_laughs_is_refused_before_it_expands(tmp_path):
    path = tmp_path / "laughs.yaml"
    laughs(path)
    assert path.stat().st_size < 120_000
    with pytest.raises(InputError) as refused:
        load_aliases(str(path))
    assert str(refused.value).startswith(f"{path}: line 2: YAML anchors and aliases (&, *) are not allowed")


def test_aliases_laughs_file_leaves_the_store_untouched(tmp_path, capsys):
    db = tmp_path / "s.db"
    store_of_bakers(db)
    before = people_of(db)
    path = tmp_path / "laughs.yaml"
    laughs(path)
    assert main(["people", "--db", str(db), "--apply-aliases", str(path), "--format", "jsonl"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"onrecord: {path}: line 2: YAML anchors") and "Traceback" not in err
    assert people_of(db) == before


@pytest.mark.parametrize("text", [
    "- &tom {name: Tom Baker}\n",  # an anchor with no alias is refused too: the rule is simple
    "- name: Tom Baker\n  aliases: &a [Thomas Baker]\n- name: T. Baker\n  not: *a\n",
])
def test_aliases_any_anchor_is_refused(tmp_path, text):
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="anchors and aliases"):
        load_aliases(str(path))


def test_aliases_normal_files_load(tmp_path):
    yaml_file, csv_file = tmp_path / "a.yaml", tmp_path / "a.csv"
    yaml_file.write_text("- name: Tom Baker  # canonical\n  aliases: [Thomas Baker, T. Baker]\n  wikidata: Q123\n"
                         "  not: [Tom H. Baker]\n- name: Ana Ruiz\n", encoding="utf-8")
    csv_file.write_text("name,alias,not,wikidata\nTom Baker,Thomas Baker,,Q123\nTom Baker,T. Baker,,\n"
                        "Tom Baker,,Tom H. Baker,\nAna Ruiz,,,\n", encoding="utf-8")
    expected = [Alias("Tom Baker", ["Thomas Baker", "T. Baker"], ["Tom H. Baker"], "Q123"), Alias("Ana Ruiz")]
    assert load_aliases(str(yaml_file)) == expected
    assert load_aliases(str(csv_file)) == expected


def test_aliases_gender_loads_from_yaml_and_csv(tmp_path):
    yaml_file, csv_file = tmp_path / "a.yaml", tmp_path / "a.csv"
    yaml_file.write_text("- name: Tom Baker\n  aliases: [T. Baker]\n  gender: Male\n- name: Ana Ruiz\n  gender: female\n"
                         "- name: Lee Park\n", encoding="utf-8")
    csv_file.write_text("name,alias,not,wikidata,gender\nTom Baker,T. Baker,,,\nTom Baker,,,,male\nAna Ruiz,,,,female\n"
                        "Lee Park,,,,\n", encoding="utf-8")
    expected = [Alias("Tom Baker", ["T. Baker"], gender="male"), Alias("Ana Ruiz", gender="female"), Alias("Lee Park")]
    assert load_aliases(str(yaml_file)) == expected
    assert load_aliases(str(csv_file)) == expected


HARBOUR = ("Harbour board backs the new pier\n\nThe harbour board approved the plan for a new pier on Monday.\n\n"
           "“We will have it built by the spring,” said Dara Kimble, the board's chair.\n\n"
           "Kimble spoke to reporters after the vote. “It is long overdue,” he said.\n")
FERRY = ("Ferry fares to rise\n\nThe ferry operator will raise fares in March, the harbour board said on Friday.\n\n"
         "“Nobody likes paying more, but the boats are old,” said Dara Kimble, who chairs the board.\n\n"
         "Kimble said he had asked the operator to keep a cheaper fare for islanders. “They have agreed,” he said.\n")


def genders_in(db) -> tuple[set, set]:
    """The people's (name, gender, given gender, source), and the genders the statements themselves give."""
    with sqlite3.connect(db) as connection:
        people = set(connection.execute("SELECT name, gender, given_gender, gender_source FROM people WHERE type = 'person'"))
        said = {row[0] for row in connection.execute("SELECT speaker_gender FROM statements WHERE speaker = 'Dara Kimble'"
                                                          " AND speaker_gender IS NOT NULL")}
    return people, said


def people_listed(db, capsys) -> dict:
    capsys.readouterr()
    assert main(["people", "--db", str(db), "--format", "jsonl"]) == 0
    return {p["name"]: p["gender"] for p in map(json.loads, capsys.readouterr().out.splitlines())}


@pytest.mark.parametrize("suffix, text", [
    ("yaml", "- name: Dara Kimble\n  gender: female\n"),
    ("csv", "name,alias,not,wikidata,gender\nDara Kimble,,,,female\n"),
])
def test_aliases_gender_is_the_persons_across_the_store_and_later_ingests(tmp_path, capsys, suffix, text):
    corrections = tmp_path / f"aliases.{suffix}"
    corrections.write_text(text, encoding="utf-8")
    (tmp_path / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (tmp_path / "ferry.txt").write_text(FERRY, encoding="utf-8")
    plain, given = tmp_path / "plain.db", tmp_path / "given.db"
    assert main(["ingest", "--jobs", "1", "--db", str(plain), str(tmp_path / "harbour.txt")]) == 0
    assert genders_in(plain) == ({("Dara Kimble", "male", None, "text")}, {"male"})  # the article says he
    # given at ingest: the person is female store-wide, though the statements keep what the article says
    assert main(["ingest", "--jobs", "1", "--db", str(given), "--aliases", str(corrections), str(tmp_path / "harbour.txt")]) == 0
    assert genders_in(given) == ({("Dara Kimble", "female", "female", "aliases")}, {"male"})
    # given to a store already made: the same
    assert main(["people", "--db", str(plain), "--apply-aliases", str(corrections), "--format", "jsonl"]) == 0
    assert genders_in(plain) == genders_in(given)
    capsys.readouterr()
    for db in (plain, given):
        assert people_listed(db, capsys)["Dara Kimble"] == "female"
        # a later article that says he again, ingested without the file, does not undo it
        assert main(["ingest", "--jobs", "1", "--db", str(db), str(tmp_path / "ferry.txt")]) == 0
        assert genders_in(db) == ({("Dara Kimble", "female", "female", "aliases")}, {"male"})
        assert people_listed(db, capsys)["Dara Kimble"] == "female"


def test_aliases_gender_rule():
    assert person_gender("female", {"male": 3}) == "female"
    assert person_gender(None, {"male": 3, "female": 1}) == "male"
    assert person_gender(None, {"male": 1, "female": 1}) is None
    assert person_gender(None, {}) is None


def store_of_bakers(db) -> None:
    text = "Harbour Plan\n\n“We are ready,” said Tom Baker. “So are we,” said Thomas Baker.\n"
    quotes = [Statement(q, text.index(q), text.index(q) + len(q), "direct", "said", who, "person", who, 0.9, "ab12")
              for q, who in (("We are ready,", "Tom Baker"), ("So are we,", "Thomas Baker"))]
    with Store(db) as store, store.transaction():
        store.add(Article(text, "plan.txt", "Harbour Plan", None, "2020-01-01", "ab12"), quotes)


def people_of(db) -> list:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT id, name, wikidata FROM people ORDER BY id").fetchall()


def test_aliases_normal_file_joins_people_in_the_store(tmp_path, capsys):
    db = tmp_path / "s.db"
    store_of_bakers(db)
    assert [name for _, name, _ in people_of(db)] == ["Tom Baker", "Thomas Baker"]
    path = tmp_path / "a.yaml"
    path.write_text("- name: Tom Baker\n  aliases: [Thomas Baker]\n  wikidata: Q123\n", encoding="utf-8")
    assert main(["people", "--db", str(db), "--apply-aliases", str(path), "--format", "jsonl"]) == 0
    assert "1 alias entries applied, 1 people joined into another" in capsys.readouterr().err
    assert [(name, wikidata) for _, name, wikidata in people_of(db)] == [("Tom Baker", "Q123")]


def names_csv(path, count: int) -> None:
    path.write_text("name,alias,not,wikidata\n" + "".join(f"Person {i},,,\n" for i in range(count)), encoding="utf-8")


def test_aliases_names_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(aliases, "MAX_ALIAS_NAMES", 5)
    at_limit, over = tmp_path / "five.csv", tmp_path / "six.csv"
    names_csv(at_limit, 5)
    names_csv(over, 6)
    assert len(load_aliases(str(at_limit))) == 5
    with pytest.raises(InputError, match="names 6 people and aliases, over the 5 limit"):
        load_aliases(str(over))


def test_aliases_file_size_is_bounded_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as huge:
        huge.truncate(aliases.MAX_ALIASES_BYTES + 1)  # sparse: nothing to read if the size check were missed
    with pytest.raises(InputError, match=r"aliases file is 2\.1 MB, over the 2 MiB limit"):
        load_aliases(str(path))


def test_aliases_fifo_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "aliases.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        load_aliases(str(fifo))


@pytest.mark.parametrize("name, text, reason", [
    ("string.yaml", "- name: Tom Baker\n  aliases: Thomas Baker\n", "aliases and not must be lists of names"),
    ("number.yaml", "- name: Tom Baker\n  not: 5\n", "aliases and not must be lists of names"),
    ("nested.yaml", "- name: Tom Baker\n  aliases: [[Thomas Baker]]\n", "aliases and not must be lists of names"),
    ("deep.yaml", "[" * 50_000 + "]" * 50_000, "line 1: YAML nested over 10 deep"),  # crashed libyaml: a segfault
    ("deep-mapping.yaml", "".join(f"{'  ' * i}k:\n" for i in range(12)), "line 11: YAML nested over 10 deep"),
    ("broken.yaml", "- name: [unclosed\n", "not valid YAML"),
    ("mapping.yaml", "name: Tom Baker\n", "must be a list"),
    ("field.csv", "name,alias,not,wikidata\n\"" + "x" * 200_000 + "\",,,\n", "not valid CSV"),
    ("latin1.csv", "name\nTom\xe1s\n", "cannot read aliases file"),
    ("gender.yaml", "- name: Tom Baker\n  gender: woman\n", "entry 1 (Tom Baker): gender 'woman' is not one of female, male"),
    ("gender-list.yaml", "- name: Tom Baker\n  gender: [female]\n", "gender \"['female']\" is not one of female, male"),
    ("gender.csv", "name,alias,not,wikidata,gender\nTom Baker,,,,f\n", "row (Tom Baker): gender 'f' is not one of female, male"),
    ("genders.yaml", "- {name: Tom Baker, gender: male}\n- {name: Tom Baker, gender: female}\n",
     "Tom Baker: given two genders, male and female"),
])
def test_aliases_malformed_files_are_one_line_naming_them(tmp_path, capsys, name, text, reason):
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1" if name == "latin1.csv" else "utf-8"))
    assert main(["people", "--db", str(tmp_path / "s.db"), "--apply-aliases", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"onrecord: {path}") and reason in err, err


YAML_PIECES = ["- ", "name: ", "aliases: ", "not: ", "wikidata: ", "Tom Baker", "[", "]", "{", "}", ", ", "\n", "  ",
               "&a ", "*a", "!!python/object ", "? ", ": ", "'", '"', "#", "---\n", "|\n", "~", "5", "\x00", "\t"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join))
def test_aliases_any_yaml_loads_or_is_one_input_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("any") / "a.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        entries = load_aliases(str(path))
    except InputError as error:
        assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
    else:
        assert all(isinstance(e.name, str) and all(isinstance(n, str) for n in e.aliases + e.apart) for e in entries)


def test_aliases_gender_survives_export_and_restore(tmp_path, capsys):
    db, restored = tmp_path / "s.db", tmp_path / "restored.db"
    store_of_bakers(db)
    path = tmp_path / "a.csv"
    path.write_text("name,alias,not,wikidata,gender\nThomas Baker,,,,female\n", encoding="utf-8")
    assert main(["people", "--db", str(db), "--apply-aliases", str(path)]) == 0
    assert main(["export", "--db", str(db), "--format", "parquet", str(tmp_path / "out")]) == 0
    assert main(["ingest", "--db", str(restored), str(tmp_path / "out")]) == 0
    for store in (db, restored):
        with sqlite3.connect(store) as connection:
            assert connection.execute("SELECT name, gender, given_gender, gender_source FROM people ORDER BY name").fetchall() == [
                ("Thomas Baker", "female", "female", "aliases"), ("Tom Baker", None, None, None)]
