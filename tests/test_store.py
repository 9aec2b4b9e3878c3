"""The store under hostile conditions: opened by many processes at once, on a read-only filesystem, at an odd
path; and stories of a statement reported many times, linked by the same rule as the Spark job's."""

import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord import cli
from onrecord.aliases import Alias
from onrecord.link.copies import sketch
from onrecord.link.outlets import OutletEntry
from onrecord.link.stories import close_in_time
from onrecord.model import Article, Statement
from onrecord.read import article_id
from onrecord.store import SCHEMA_VERSION, QuoteFilter, Store

OPEN_WHEN_TOLD = """
import pathlib, sys, time
from onrecord.store import Store
go = pathlib.Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
with Store(sys.argv[1]) as store:
    print(store.db.execute("PRAGMA user_version").fetchone()[0])
"""


def reported(text: str, quote: str, speaker: str, published: str | None, source: str) -> tuple[Article, list[Statement]]:
    """An article of ``text`` whose first occurrence of ``quote`` is a direct statement by ``speaker``."""
    article = Article(text, source, published=published, id=article_id(text), headline_first=False)
    start = text.index(quote)
    return article, [Statement(quote, start, start + len(quote), "direct", "said", speaker, "person", speaker, 0.9, article.id)]


@pytest.mark.processes
def test_processes_opening_a_new_store_at_once_all_get_it(tmp_path):
    """Each opener waits for the others' lock (switching to WAL, creating the tables) instead of failing."""
    for attempt in range(3):
        db, go = tmp_path / f"new{attempt}.db", tmp_path / f"go{attempt}"
        openers = [subprocess.Popen([sys.executable, "-c", OPEN_WHEN_TOLD, str(db), str(go)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(4)]
        go.touch()
        results = [opener.communicate(timeout=120) for opener in openers]
        assert [opener.returncode for opener in openers] == [0, 0, 0, 0], [err for _, err in results]
        assert [out.strip() for out, _ in results] == [str(SCHEMA_VERSION)] * 4


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder holding a store with one statement, mounted read-only (as root in a container may)."""
    source, mounted = tmp_path / "source", tmp_path / "mounted"
    source.mkdir()
    mounted.mkdir()
    with Store(source / "archive.db") as store, store.transaction():
        store.add(*reported("The mayor spoke at noon. “The bridge opens in May,” Ines Varga said.", "The bridge opens in May",
                            "Ines Varga", "2024-03-01", "archive.txt"))
    if subprocess.run(["mount", "--bind", str(source), str(mounted)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount a folder here")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mounted)], check=True, capture_output=True)
        yield mounted
    finally:
        subprocess.run(["umount", "-l", str(mounted)], check=False)


def test_a_store_on_a_read_only_filesystem_can_be_queried(read_only_folder, capsys):
    db = read_only_folder / "archive.db"
    with pytest.raises(OSError):
        (read_only_folder / "probe").touch()  # the mount is read-only indeed
    with Store(db, readonly=True) as store:
        assert store.counts()["statements"] == 1
    assert cli.main(["quotes", "--db", str(db), "--format", "jsonl"]) == 0
    assert "The bridge opens in May" in capsys.readouterr().out


@pytest.mark.parametrize("folder", ["a#b", "what?mode=ro", "per%20cent"])
def test_a_store_is_made_at_exactly_the_path_given(tmp_path, folder):
    """'#', '?' and '%' are legal in file names and special in the URI SQLite is opened with."""
    (tmp_path / folder).mkdir()
    with Store(tmp_path / folder / "s.db"):
        pass
    assert (tmp_path / folder / "s.db").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]
    with Store(tmp_path / folder / "s.db", readonly=True) as store:
        assert store.counts()["articles"] == 0


QUOTE = "Every harbour will have its own pilot boat by the spring"
FILLER = "ferry levy council quay storm tide budget ballot pier lighthouse cargo crane netting island".split()
days = st.one_of(st.none(), st.integers(0, 60).map(lambda n: (date(2024, 5, 1) + timedelta(days=n)).isoformat()),
                 st.sampled_from(["0001-01-01", "0001-01-03", "9999-12-31", "Jan 2 2020", "2024-02-30"]))
SPELLINGS = ["Tomas Rieck", "Tomás Riecke"]  # two people until an aliases file says they are one


@settings(max_examples=25, deadline=None)
@given(st.lists(days, min_size=1, max_size=12), st.randoms(use_true_random=False), st.booleans())
def test_stories_of_a_statement_are_the_components_of_the_close_in_time_rule(published, rng, aliased):
    """Articles reporting one statement are one story when a chain of reports links them, each step within
    the story window (undated reports, or dates that are not dates, are close to all): what the Spark job
    computes pairwise, the store gets from one report per day, whatever the order the articles arrive in,
    and also when the statement was two people's until an aliases file joined them."""
    articles = []
    for number, day in enumerate(published):
        words = " ".join(rng.choice(FILLER) for _ in range(50))
        speaker = SPELLINGS[number % 2] if aliased else SPELLINGS[0]
        articles.append(reported(f"Report {number}: {words}.\n\n“{QUOTE},” {speaker} said. {words[::-1]}.", QUOTE,
                                 speaker, day, f"report{number}.txt"))
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "s.db") as store:
        with store.transaction():
            for article, statements in articles:
                store.add(article, statements, sketch=sketch(article.text, False))
        if aliased:
            store.apply_aliases([Alias(SPELLINGS[0], [SPELLINGS[1]])])
        assert store.db.execute("SELECT count(*) FROM merged_statements").fetchone()[0] == 1
        story = dict(store.db.execute("SELECT id, story FROM articles").fetchall())
    expected = components([a.id for a, _ in articles],
                          [(a.id, b.id) for a, _ in articles for b, _ in articles if close_in_time(a.published, b.published)])
    assert {frozenset(i for i in story if story[i] == s) for s in story.values()} == expected


def components(ids: list[str], pairs: list[tuple[str, str]]) -> set[frozenset[str]]:
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(a)] = root(b)
    return {frozenset(i for i in ids if root(i) == root(j)) for j in ids}


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31", "Jan 2 2020", "2024-13-01"])
def test_a_report_dated_at_the_calendar_s_ends_or_not_as_a_date_is_stored(tmp_path, published):
    """The story window is clamped to the calendar; a date that is not one counts as undated."""
    with Store(tmp_path / "s.db") as store, store.transaction():
        for number, day in enumerate([published, published, "2024-05-01"]):
            words = " ".join(random.Random(number).choices(FILLER, k=50))  # different enough not to be copies
            article, statements = reported(f"Dispatch {number}: {words}. “{QUOTE},” Tomas Rieck said. {words[::-1]}.",
                                           QUOTE, "Tomas Rieck", day, f"d{number}.txt")
            assert store.add(article, statements, sketch=sketch(article.text, False))
        stories = store.db.execute("SELECT count(DISTINCT story) FROM articles").fetchone()[0]
    assert stories == (1 if published in ("Jan 2 2020", "2024-13-01") else 2)


def test_an_outlet_is_found_by_any_of_its_spellings(tmp_path):
    """Real spellings of one publisher in news records: a code, a site, a name; another publisher stays apart."""
    spellings = ["nyt", "NYTimes", "nytimes.com", "The New York Times", "The Times"]
    with Store(tmp_path / "s.db") as store, store.transaction():
        for number, outlet in enumerate(spellings):
            text = f"Harbour fees\n\nThe council met on day {number}.\n\n“Fees rise on day {number},” said Ana Ruiz."
            article = Article(text, id=article_id(text), outlet=outlet)
            quote = f"Fees rise on day {number},"
            start = text.index(quote)
            assert store.add(article, [Statement(quote, start, start + len(quote), "direct", "said", "Ana Ruiz", "person",
                                                 "Ana Ruiz", 0.9, article.id)])
    with Store(tmp_path / "s.db", readonly=True) as store:
        for asked in ("New York Times", "nyt", "NYTIMES"):
            found = {row["outlet"] for row in store.quotes(QuoteFilter(outlet=asked))}
            assert found == set(spellings[:4]), asked
        assert {row["outlet"] for row in store.quotes(QuoteFilter(outlet="The Times"))} == {"The Times"}


def test_one_statement_in_three_spellings_of_one_outlet_and_an_unknown_one_counts_one_outlet(tmp_path):
    quote = "The harbour will stay open through the winter storms"
    with Store(tmp_path / "s.db") as store:
        with store.transaction():
            for number, outlet in enumerate(["nyt", "NYTimes", "nytimes.com", None]):
                text = f"Harbour news {number}\n\nThe board met on day {number}.\n\n“{quote},” said Ana Ruiz."
                article = Article(text, id=article_id(text), outlet=outlet)
                start = text.index(quote)
                store.add(article, [Statement(quote, start, start + len(quote), "direct", "said", "Ana Ruiz", "person",
                                              "Ana Ruiz", 0.9, article.id)])
        store.name_outlets()
        (merged,) = store.merged_statements()
        assert (merged["articles"], merged["outlets"], merged["outlet_names"]) == (4, 1, "NYTimes")
        assert {row["outlet"] for row in store.quotes(QuoteFilter())} == {"NYTimes", None}
        store.name_outlets([OutletEntry("The New York Times", ["nyt"])])  # the user's name wins, and is kept
        store.name_outlets()
        assert store.merged_statements()[0]["outlet_names"] == "The New York Times"
