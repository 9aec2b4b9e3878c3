"""The linking rules of onrecord.link, on their own and as the store applies them: no decision depends on the
order articles arrive in; an outlet's recurring passage is boilerplate; stories are bounded in time."""

import gzip
import json
import random
from datetime import date, timedelta
from itertools import islice, permutations

import pytest
from conftest import CORPORA, partition, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.link.copies import content_of, content_spans, is_outlet_boilerplate, outside, passages
from onrecord.link.people import MemoryPeople, canonical_name, person_for, role_key, roles_text, variants_text
from onrecord.link.statements import merge_reports
from onrecord.link.stories import components, report_links
from onrecord.model import Article, Statement
from onrecord.pipeline import extract_document
from onrecord.read import article_id
from onrecord.store import Store

# --- statements ---

WORDINGS = [
    "We will reopen the northern ferry terminal before the end of the summer season",
    "twenty new staff will be hired to run the ticket office and the car deck",  # not the same quote as the first
    "We will reopen the northern ferry terminal before the end of the summer season, "
    "and twenty new staff will be hired to run the ticket office and the car deck",  # holds both
    "The budget for the harbour will not be cut this year",
    "the budget for the harbour will not be cut this year.",  # the same, other case and marks
]


def test_a_report_that_matches_two_statements_joins_them_whatever_came_first():
    for order in permutations(range(len(WORDINGS))):
        merged = merge_reports([WORDINGS[i] for i in order])
        groups = partition((order[n], number) for n, (number, _) in enumerate(merged))
        assert groups == {frozenset({0, 1, 2}), frozenset({3, 4})}, order
        shown = {order[n]: quote for n, (_, quote) in enumerate(merged)}
        assert shown[1] == WORDINGS[2]  # the fullest wording, whichever report came first
        assert shown[3] == WORDINGS[3]  # of two wordings of one length, the same one every time


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(len(WORDINGS))), st.lists(st.sampled_from(range(len(WORDINGS))), max_size=6))
def test_statements_are_the_same_groups_in_any_order(order, repeats):
    quotes = [WORDINGS[i] for i in [*order, *repeats]]
    reference = partition((quote, number) for quote, (number, _) in zip(sorted(quotes), merge_reports(sorted(quotes))))
    assert partition((quote, number) for quote, (number, _) in zip(quotes, merge_reports(quotes))) == reference


# --- people ---


def test_a_middle_initial_is_one_person_named_by_the_fullest_name_in_either_order():
    for names in (["Zora Q. Adeyemi", "Zora Adeyemi"], ["Zora Adeyemi", "Zora Q. Adeyemi"]):
        index = MemoryPeople()
        people = {person_for(index, name, "person") for name in names}
        assert len(people) == 1
        (person,) = people
        assert canonical_name((n, uses) for n, (uses, _) in index.names[person].items()) == "Zora Q. Adeyemi"


def test_the_canonical_name_is_the_most_used_then_the_fullest_unless_the_user_gave_one():
    assert canonical_name([("Zora Adeyemi", 3), ("Zora Q. Adeyemi", 1)]) == "Zora Adeyemi"
    assert canonical_name([("Zora Adeyemi", 1), ("Zora Q. Adeyemi", 1)]) == "Zora Q. Adeyemi"
    assert canonical_name([("Zora Adeyemi", 5)], given="Zora Quinn Adeyemi") == "Zora Quinn Adeyemi"
    assert variants_text([("Zora Adeyemi", 1), ("Zora Q. Adeyemi", 3), ("Z. Adeyemi", 0)]) == "Zora Q. Adeyemi | Zora Adeyemi"


def test_roles_are_written_most_frequent_first_with_their_dates():
    text = roles_text([("Mayor", "2020-01-02", "2020-05-01", 2), ("Governor", "2021-03-04", "2021-03-04", 5),
                       ("Senator", None, None, 1)])
    assert text == "Governor (2021-03-04) | Mayor (2020-01-02 to 2020-05-01) | Senator"


def test_roles_in_two_cases_are_one_role_in_the_store_written_the_same_whichever_came_first(tmp_path):
    assert role_key("Former Florida Gov.") == role_key("former Florida Gov.") != role_key("Florida Gov.")
    shown = set()
    for order in ((0, 1), (1, 0)):
        with Store(tmp_path / f"{order}.db") as store:
            with store.transaction():
                for i in order:
                    text = f"Budget news {i}\n\n{['Former', 'former'][i]} Mayor Ines Carvalho spoke on day {i}.\n\n“Taxes will fall,” said Ines Carvalho."
                    article = Article(text, id=article_id(text), published=f"2021-0{i + 1}-01")
                    start = text.index("Taxes will fall")
                    store.add(article, [Statement("Taxes will fall", start, start + 15, "direct", "said", "Ines Carvalho",
                                                  "person", "Ines Carvalho", 0.9)], roles={"Ines Carvalho": {f"{['Former', 'former'][i]} Mayor"}})
            shown.add(store.people()[0]["roles"])
    assert shown == {"Former Mayor (2021-01-01 to 2021-02-01)"}


def test_a_name_kept_apart_is_not_joined_by_its_middle_initial():
    index = MemoryPeople()
    tom = person_for(index, "Tom Baker", "person")
    index.keep_apart("tomhbaker", "tombaker")
    assert person_for(index, "Tom H. Baker", "person") != tom
    assert person_for(index, "Tom J. Baker", "person") == tom


# --- copies and boilerplate ---

NOTE_WRAPPED = ("Editor's note: the Quayside Herald is funded in part\nby the harbour trust, which has no say\n"
                "over what we publish.")


def test_a_hard_wrapped_passage_has_the_key_of_the_same_sentence_on_one_line():
    wrapped = f"Headline\n\nFirst paragraph of the story, long enough to hold ten words or more.\n\n{NOTE_WRAPPED}"
    flat = f"Other headline\n\n{' '.join(NOTE_WRAPPED.split())}"
    keys = [{p.key for p in passages(text, content_spans(text))} for text in (wrapped, flat)]
    assert keys[1] and keys[1] <= keys[0]
    note = [p for p in passages(wrapped, content_spans(wrapped)) if p.key in keys[1]]
    assert content_of(wrapped, boilerplate=note) == "First paragraph of the story, long enough to hold ten words or more."


def test_an_outlet_passage_is_boilerplate_when_printed_weeks_apart_three_times():
    assert is_outlet_boilerplate(["2021-01-01", "2021-02-01", "2021-03-01"])
    assert is_outlet_boilerplate(["2021-01-01", "2021-01-09", "2021-01-17", None])
    assert not is_outlet_boilerplate(["2021-01-01", "2021-01-08", "2021-01-15"])  # each within a week of the next
    assert not is_outlet_boilerplate(["2021-01-01", "2021-01-02", "2021-01-03", "2021-01-04"])  # one story's updates
    assert not is_outlet_boilerplate(["2021-01-01", "2021-06-01", None, None])
    assert outside([(10, 20)], 0, 10) and outside([(10, 20)], 20, 30) and not outside([(10, 20)], 15, 25)


def test_story_links_chain_reports_within_the_window_and_undated_to_all():
    reports = [("a", "2021-01-01"), ("b", "2021-01-06"), ("c", "2021-01-12"), ("d", "2021-03-01")]
    assert partition(components([r for r, _ in reports], report_links(reports)).items()) == \
        {frozenset("abc"), frozenset("d")}
    undated = reports + [("e", None)]
    assert len(set(components([r for r, _ in undated], report_links(undated)).values())) == 1


# --- as the store applies them ---

NOTE = ("Editor's note: the Quayside Herald is funded in part by the harbour trust, which said it will never "
        "ask to see our stories before they are published.")


STORIES = [
    ("Pier repairs", "Ines Carvalho", "Divers inspected the pilings under the old pier and found rot in a third of them.",
     "Every rotten piling comes out before a single plank goes back"),
    ("Fish market moves", "Dara Mensah", "Traders packed their stalls into vans as the market left its hall of sixty years.",
     "Our customers will follow us because nobody else sells crab this fresh"),
    ("Lighthouse open days", "Ola Brekke", "Visitors may climb the tower on Sundays once the new railings are fitted.",
     "Children kept asking to see the lamp, so we finally found a safe way"),
    ("Tide gates tested", "Rui Tavares", "Engineers closed the gates at high water to check the seals for leaks.",
     "The seals held perfectly through the whole of the spring tide"),
]


def outlet_articles() -> list[tuple[Article, list[Statement]]]:
    """Four articles of one outlet, months apart, each with the outlet's note and a quote of its own."""
    found = []
    for month, (headline, speaker, lead, quote) in enumerate(STORIES, start=1):
        text = f"{headline}\n\n{lead}\n\n“{quote},” said {speaker}.\n\n{NOTE}"
        article = Article(text, id=article_id(text), published=f"2021-0{month}-10", outlet="Quayside Herald")
        start = text.index(quote)
        note = text.index("it will never")
        found.append((article, [Statement(quote, start, start + len(quote), "direct", "said", speaker, "person", speaker, 0.9),
                                Statement(text[note:-1], note, len(text) - 1, "indirect", "said", "harbour trust",
                                          "organisation", "the harbour trust", 0.8)]))
    return found


def stored(path, articles) -> dict:
    with Store(path) as store:
        with store.transaction():
            for article, statements in articles:
                store.add(article, statements)
        rows = lambda sql: sorted(map(tuple, store.db.execute(sql)))  # noqa: E731
        return {"articles": rows("SELECT id, copy_group, story FROM articles"),
                "statements": rows("SELECT article_id, start, quote FROM statements"),
                "merged": partition(store.db.execute("SELECT article_id || ':' || start, merged_id FROM statements")),
                "people": rows("SELECT name, type FROM people"),
                "names": rows("SELECT p.name, n.name, n.uses FROM person_names n JOIN people p ON p.id = n.person_id")}


def test_an_outlets_note_is_neither_copy_evidence_nor_a_statement_in_any_order(tmp_path):
    articles = outlet_articles()
    results = [stored(tmp_path / f"{n}.db", [articles[i] for i in order])
               for n, order in enumerate([(0, 1, 2, 3), (3, 2, 1, 0), (1, 3, 0, 2)])]
    assert results[0] == results[1] == results[2]
    assert len({group for _, group, _ in results[0]["articles"]}) == 4  # the note made no copies
    assert len({story for _, _, story in results[0]["articles"]}) == 4
    assert all("never" not in quote for _, _, quote in results[0]["statements"])
    assert len(results[0]["statements"]) == 4 and ("harbour trust", "organisation") not in results[0]["people"]


@pytest.fixture(scope="module")
def polnear_extracted(nlp):
    """60 PolNeAR articles, extracted once."""
    with gzip.open(CORPORA / "polnear-attribution" / "polnear.jsonl.gz", "rt", encoding="utf-8") as file:
        records = [json.loads(line) for line in islice(file, 300, 900, 10)]
    found = []
    for record in records:
        text = f"{record['title']}\n\n{record['text']}"
        result = extract_document(Article(text, id=article_id(text), published=record["date"], outlet=record["source"]), model=nlp)
        found.append((result.article, result.statements))
    return found


def test_merged_statements_people_copies_and_stories_do_not_depend_on_arrival_order(tmp_path, polnear_extracted):
    shuffled = polnear_extracted[:]
    random.Random(5).shuffle(shuffled)
    forward = stored(tmp_path / "forward.db", polnear_extracted)
    for name, order in (("backward", polnear_extracted[::-1]), ("shuffled", shuffled)):
        assert stored(tmp_path / f"{name}.db", order) == forward, name
    assert len(forward["statements"]) > 600 and len(forward["merged"]) < len(forward["statements"])


def test_a_story_ends_when_its_reports_are_weeks_apart(tmp_path):
    quote = "The new ferry will carry two hundred cars on every crossing"
    day = date(2021, 5, 3)
    articles = []
    for offset, outlet in ((0, "Coastal Courier"), (2, "Island Post"), (40, "Island Post")):
        text = f"Ferry news\n\nThe operator set out its plans on day {offset}.\n\n“{quote},” said Teodor Vance."
        article = Article(text, id=article_id(text), published=(day + timedelta(days=offset)).isoformat(), outlet=outlet)
        start = text.index(quote)
        articles.append((article, [Statement(quote, start, start + len(quote), "direct", "said", "Teodor Vance", "person",
                                             "Teodor Vance", 0.9)]))
    result = stored(tmp_path / "s.db", articles)
    story = {article.published: next(s for a, _, s in result["articles"] if a == article.id) for article, _ in articles}
    assert story["2021-05-03"] == story["2021-05-05"] != story["2021-06-12"]
    assert len(result["merged"]) == 1  # one statement, in two stories


@pytest.mark.slow
def test_an_outlets_recurring_note_joins_no_unrelated_articles_on_real_news(tmp_path):
    """PolNeAR's 132 HuffPost articles: an editor's note under 16 of them once made them one copy group and a
    six-month story. No copy group or story of unrelated articles may be left, and no statement in the note."""
    with gzip.open(CORPORA / "polnear-attribution" / "polnear.jsonl.gz", "rt", encoding="utf-8") as file:
        records = [r for r in map(json.loads, file) if r["source"] == "huff-post"]
    dump = tmp_path / "huffpost.jsonl"
    dump.write_text("".join(json.dumps({k: r[k] for k in ("id", "title", "text", "date", "source")}) + "\n" for r in records))
    result = run_cli("ingest", "--db", tmp_path / "h.db", dump)
    assert result.returncode == 0, result.stderr
    with Store(tmp_path / "h.db", readonly=True) as store:
        db = store.db
        assert db.execute("SELECT count(*) FROM boilerplate WHERE outlet = 'huff-post'").fetchone()[0] >= 1
        copies = db.execute("SELECT count(*) c FROM articles GROUP BY copy_group ORDER BY c DESC LIMIT 1").fetchone()[0]
        stories = db.execute("SELECT count(*) c, julianday(max(published)) - julianday(min(published)) FROM articles"
                             " GROUP BY story ORDER BY c DESC").fetchall()
        in_notes = db.execute("SELECT count(*) FROM statements s JOIN outlet_passages o ON o.article_id = s.article_id"
                              " AND s.start < o.end AND s.end > o.start JOIN boilerplate b ON b.key = o.key").fetchone()[0]
    print(f"HuffPost: largest copy group {copies}, largest story {stories[0][0]} articles")
    assert copies <= 2 and stories[0][0] <= 3 and in_notes == 0
    assert all(days <= 31 for count, days in stories if count > 1)
