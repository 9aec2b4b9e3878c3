"""Quote variants: how each report of a statement differs from its first report, on articles written here."""

import json
from datetime import date, timedelta

import pytest

from onrecord.link.order import report_order
from onrecord.link.statements import MemoryStatements, content_keys, merge_reports, paraphrase_lookup
from onrecord.link.stories import close_in_time
from onrecord.link.variants import PARAPHRASE_SHARED, Wording, classify, paraphrase, repeated, statement_variants
from onrecord.model import Article, Statement
from onrecord.read import article_id
from onrecord.spark import Reported, merge_person
from onrecord.store import Store

FERRY = "The ferry to Kellsay will run twice a day from the first of May, and fares will not rise this year"


def variant(quote: str, reference: str = FERRY, kind: str = "direct", reference_kind: str = "direct"):
    return classify(quote, kind, reference, reference_kind)


@pytest.mark.parametrize("quote", [
    "“The ferry to Kellsay will run twice a day from the first of May and fares will not rise this year.”",
    '"the ferry to Kellsay will run twice a day, from the first of May, and fares will not rise this year"',
    "THE FERRY TO KELLSAY  will run twice a day from the first of May; and fares will NOT rise this year...",
])
def test_same_words_in_other_marks_case_and_commas_are_the_same(quote):
    assert variant(quote).variant == "same"
    assert variant(quote).edits == ()


def test_spellings_of_one_word_are_not_an_edit():
    assert variant("Talks with the U.S. and Kim Jong-un resume", "Talks with the US and Kim Jong un resume").variant == "same"


@pytest.mark.parametrize("quote, dropped", [
    ("The ferry to Kellsay will run twice a day from the first of May", "and fares will not rise this year"),
    ("fares will not rise this year", "The ferry to Kellsay will run twice a day from the first of May, and"),
    ("will run twice a day", None),
])
def test_a_contiguous_part_is_shortened(quote, dropped):
    found = variant(quote)
    assert found.variant == "shortened"
    if dropped:
        assert [edit.was for edit in found.edits] == [dropped.replace(",", "")]
        assert all(edit.now == "" for edit in found.edits)


@pytest.mark.parametrize("quote", [
    FERRY + ", and the harbour cafe will open at six",
    "We have listened to the islanders. " + FERRY,
])
def test_the_reference_and_more_is_extended(quote):
    found = variant(quote)
    assert found.variant == "extended"
    assert all(edit.was == "" and edit.now for edit in found.edits)


def test_a_changed_number_inside_the_marks_is_altered_and_named_a_number_change():
    found = variant(FERRY.replace("twice", "three times"))
    assert found.variant == "altered"
    assert [(e.was, e.now, e.change, e.op) for e in found.edits] == [("twice", "three times", "number", "replace")]


def test_a_dropped_not_is_altered_and_named_a_negation_change():
    found = variant(FERRY.replace("will not rise", "will rise"))
    assert found.variant == "altered"
    assert [(e.was, e.now, e.change, e.op) for e in found.edits] == [("not", "", "negation", "delete")]


def test_a_changed_date_and_a_changed_name_are_altered_and_named_so():
    assert [(e.was, e.now, e.change) for e in variant(FERRY.replace("May", "June")).edits] == [("May", "June", "date")]
    assert [(e.was, e.now, e.change) for e in variant(FERRY.replace("Kellsay", "Brora")).edits] == [("Kellsay", "Brora", "name")]


def test_a_capital_starting_a_sentence_is_no_name_and_a_modal_may_no_date():
    assert [e.change for e in variant("Although the ferry is late, we will wait for it",
                                      "Though the ferry is late, we will wait for it").edits] == ["words"]
    assert [e.change for e in variant("The ferry may be late on Friday", "The ferry might be late on Friday").edits] == ["words"]


def test_a_word_changed_where_the_quote_was_cut_is_one_edit_and_the_rest_a_cut():
    found = variant("We have new ferries.", "We have new ferry. But we are not ready to sail them before the summer")
    assert found.variant == "altered"
    assert [(e.was, e.now, e.change) for e in found.edits] == [("ferry.", "ferries.", "words")]


def test_another_part_of_a_long_statement_is_classed_against_the_fullest():
    first, other = Wording("The ferry to Kellsay will run twice a day", "direct"), Wording("fares will not rise this year", "direct")
    fullest = Wording(FERRY, "direct")
    assert [v.variant for v in statement_variants([other], first, fullest)[0]] == ["shortened", "shortened"]


def test_a_cut_quote_with_a_word_changed_is_altered_and_lists_only_the_change_inside():
    found = variant("The ferry to Kellsay will run once a day from the first of May")
    assert found.variant == "altered"
    assert [(e.was, e.now) for e in found.edits] == [("twice", "once")]


@pytest.mark.parametrize("quote, kind", [
    ("the ferry to Kellsay would run twice a day from May and fares would not rise", "indirect"),
    ("the ferry would run “twice a day from the first of May”", "mixed"),
])
def test_a_reported_wording_is_paraphrased(quote, kind):
    assert variant(quote, kind=kind).variant == "paraphrased"
    assert variant(FERRY, quote, reference_kind=kind).variant == "paraphrased"  # and the quotation, against it


def test_a_reported_wording_with_the_same_words_is_the_same():
    assert variant(FERRY.lower(), kind="indirect").variant == "same"


def test_paraphrase_rule_needs_three_shared_content_words_most_of_the_shorter_and_not_many_more():
    assert paraphrase("the clinic would reopen in May", "indirect", "The clinic will reopen in May after repairs", "direct")
    assert not paraphrase("the clinic would reopen", "indirect", "The clinic will reopen in May after repairs", "direct")
    assert not paraphrase("the new clinic would hire nurses and doctors for the island school and the harbour", "indirect",
                          "The clinic will reopen in May after repairs", "direct")  # 1 of 8 shared content words
    assert not paraphrase("the former island minister", "mixed",
                          "I told the former island minister that the pier, the school, the clinic and the roads"
                          " all need money before winter", "direct")  # a fragment whose words a long quote merely holds
    assert not paraphrase("The clinic will reopen in May", "direct", "The clinic will reopen in May after repairs", "direct")
    assert not paraphrase("the clinic would reopen in May", "indirect", "the clinic is to reopen in May", "indirect")


def test_each_report_is_classed_against_the_first_and_against_the_fullest():
    first, fullest, part = Wording(FERRY, "direct"), Wording(FERRY + ", the minister said firmly", "direct"), \
        Wording("will run twice a day", "direct")
    classed = statement_variants([first, fullest, part], first, fullest)
    assert [(a.variant, b.variant) for a, b in classed] == [
        ("same", "shortened"), ("extended", "same"), ("shortened", "shortened")]


def test_a_report_months_after_the_first_is_a_repeat():
    assert repeated("2024-01-10", "2024-04-02")
    assert not repeated("2024-01-10", "2024-02-20")
    assert not repeated("", "2024-04-02")


# --- merged and classed in the store ---

SPEAKER = "Ilse Marrow"


def article(text: str, published: str | None, outlet: str) -> Article:
    return Article(text, source=f"test:{article_id(text)}", id=article_id(text), published=published, outlet=outlet)


def reports_of(quote: str, kind: str, published: str | None, outlet: str,
               speaker: str = SPEAKER) -> tuple[Article, Statement]:
    text = f"Ferry news from {outlet}\n\nIslanders met on {published}. “{quote},” {speaker} said." if kind == "direct" \
        else f"Ferry news from {outlet}\n\nIslanders met on {published}. {speaker} said {quote}."
    item = article(text, published, outlet)
    start = text.index(quote)
    return item, Statement(quote, start, start + len(quote), kind, "said", speaker, "person", speaker, 0.9, item.source)


WIRE = [  # the same statement as outlets carried it over a week, and a repeat months later
    (FERRY, "direct", "2024-03-01", "Island Post"),
    (FERRY.replace("twice", "three times"), "direct", "2024-03-02", "Harbour Herald"),
    (FERRY.replace("will not rise", "will rise"), "direct", "2024-03-02", "North Wire"),
    ("The ferry to Kellsay will run twice a day from the first of May", "direct", "2024-03-03", "Coast Daily"),
    ("“the ferry to Kellsay will run twice a day, from the first of May and fares will not rise this year”",
     "direct", "2024-03-03", "Skerry Times"),
    ("the Kellsay ferry would run twice a day from May and that fares would not rise", "indirect", "2024-03-04", "Evening Bell"),
    (FERRY, "direct", "2024-07-20", "Island Post"),
]
CLASSES = ["same", "altered", "altered", "shortened", "same", "paraphrased", "same"]


def store_reports(path, reports, speaker: str = SPEAKER) -> None:
    with Store(path) as store, store.transaction():
        for quote, kind, published, outlet in reports:
            item, statement = reports_of(quote, kind, published, outlet, speaker)
            store.add(item, [statement])


def classes(path) -> dict[str, tuple]:
    with Store(path, readonly=True) as store:
        rows = store.db.execute("SELECT s.quote, s.kind, s.merged_id, s.variant, s.edits, s.fullest_variant, a.published"
                                " FROM statements s JOIN articles a ON a.id = s.article_id").fetchall()
    return {(quote, published): (merged, variant, json.loads(edits or "[]"), fullest)
            for quote, kind, merged, variant, edits, fullest, published in rows}


def test_the_store_keeps_altered_and_paraphrased_reports_in_one_statement_and_classes_each(tmp_path):
    store_reports(tmp_path / "v.db", WIRE)
    found = classes(tmp_path / "v.db")
    assert len({merged for merged, *_ in found.values()}) == 1
    assert [found[(quote, day)][1] for quote, _, day, _ in WIRE] == CLASSES
    assert found[(WIRE[1][0], "2024-03-02")][2] == [{"was": "twice", "now": "three times", "change": "number"}]
    assert found[(WIRE[2][0], "2024-03-02")][2] == [{"was": "not", "now": "", "change": "negation"}]


def test_classes_do_not_depend_on_the_order_reports_arrive_in(tmp_path):
    expected = None
    for n, order in enumerate([WIRE, WIRE[::-1], WIRE[3:] + WIRE[:3]]):
        store_reports(tmp_path / f"o{n}.db", order)
        found = {key: value[1:] for key, value in classes(tmp_path / f"o{n}.db").items()}
        assert expected is None or found == expected, n
        expected = found


def test_a_report_outside_the_window_or_with_other_content_is_not_a_paraphrase(tmp_path):
    store_reports(tmp_path / "w.db", [
        WIRE[0],
        ("the Kellsay ferry would run twice a day from May and that fares would not rise", "indirect", "2024-05-30", "Evening Bell"),
        ("the island school would need two more teachers before autumn", "indirect", "2024-03-02", "Evening Bell"),
    ])
    assert len({merged for merged, *_ in classes(tmp_path / "w.db").values()}) == 3


def test_different_quotes_by_one_speaker_stay_apart():
    quotes = ["We will build the new pier before the winter storms arrive",
              "The school on Kellsay needs two more teachers and a new roof",
              "they will vote for the harbour plan", "they will vote for someone else entirely"]
    assert [number for number, _ in merge_reports([(q, "direct", "2024-03-01") for q in quotes], person=1)] == [0, 1, 2, 3]


CLINIC = [("We open the clinic on Monday", "direct", "2024-03-01"),
          ("We open the clinic on Friday", "direct", "2024-03-03")]  # too unlike for the character ratio


def test_a_quotation_with_a_word_changed_joins_only_near_in_time_and_for_a_known_speaker():
    assert [n for n, _ in merge_reports(CLINIC, person=1)] == [0, 0]
    assert [n for n, _ in merge_reports([CLINIC[0], (CLINIC[1][0], "direct", "2024-05-20")], person=1)] == [0, 1]
    assert [n for n, _ in merge_reports(CLINIC, person=0)] == [0, 1]  # unknown speakers are not one person


def test_an_indirect_report_joins_the_quotation_only_for_a_known_speaker():
    reports = [("The clinic will reopen in May after the repairs", "direct", "2024-03-01"),
               ("the clinic would reopen in May", "indirect", "2024-03-02")]
    assert [n for n, _ in merge_reports(reports, person=1)] == [0, 0]
    assert [n for n, _ in merge_reports(reports, person=0)] == [0, 1]


CLINIC_SAID = "The clinic will reopen in May after the repairs"
CLINIC_REPORTED = "the clinic would reopen in May"


@pytest.mark.parametrize("days", [("2024-03-01", "2024-03-08"), ("2024-03-08", "2024-03-01"), ("2024-03-05", ""),
                                  ("2024-03-01T09:30:00Z", "2024-03-08")])
def test_a_paraphrase_a_window_apart_or_undated_joins_in_either_order(days):
    for reports in ([(CLINIC_SAID, "direct", days[0]), (CLINIC_REPORTED, "indirect", days[1])],
                    [(CLINIC_REPORTED, "indirect", days[1]), (CLINIC_SAID, "direct", days[0])]):
        assert [n for n, _ in merge_reports(reports, person=1)] == [0, 0]


def test_a_paraphrase_is_looked_up_among_the_speakers_wordings_of_its_window_only():
    """A prolific speaker says the same words every week: a dated report's lookup reads the statements of the
    weeks its window spans (and undated ones), not a year's; an undated report's reads them all."""
    index = MemoryStatements()
    days = [(date(2024, 1, 1) + timedelta(days=7 * week + week % 5)).isoformat() for week in range(52)] + [""]
    for n, day in enumerate(days):
        index.add_wording(index.new_statement(1), 1, f"{CLINIC_SAID} number {n}", "", "direct", day)
    found = {days[m] for m in index.candidates(1, paraphrase_lookup(CLINIC_REPORTED, "indirect", "2024-06-12"),
                                               PARAPHRASE_SHARED)}
    assert {day for day in days if close_in_time("2024-06-12", day)} <= found  # the undated one too
    assert len(found) <= 4 and all(abs(date.fromisoformat(day) - date(2024, 6, 12)).days <= 21 for day in found if day)
    assert len(index.candidates(1, paraphrase_lookup(CLINIC_REPORTED, "indirect", ""), PARAPHRASE_SHARED)) == len(days)


def test_a_store_made_before_weekly_keys_finds_its_quotations_as_paraphrases_once_upgraded(tmp_path):
    store_reports(tmp_path / "u.db", [(CLINIC_SAID, "direct", "2024-03-01", "Island Post")])
    with Store(tmp_path / "u.db") as store, store.transaction():  # as schema 7 indexed it: content keys of any day
        weekly = set(content_keys(CLINIC_SAID, "direct", "2024-03-01")) - set(content_keys(CLINIC_SAID, "direct"))
        store.db.executemany("DELETE FROM quote_fingerprints WHERE fingerprint = ?", [(key,) for key in weekly])
        store.db.execute("PRAGMA user_version = 7")
    store_reports(tmp_path / "u.db", [(CLINIC_REPORTED, "indirect", "2024-03-02", "Evening Bell")])
    assert len({merged for merged, *_ in classes(tmp_path / "u.db").values()}) == 1


def test_the_spark_merge_classes_as_the_store_does(tmp_path):
    store_reports(tmp_path / "s.db", WIRE)
    stored = {key: (variant, edits, fullest) for key, (_, variant, edits, fullest) in classes(tmp_path / "s.db").items()}
    members = []
    for quote, kind, published, outlet in WIRE:
        item, statement = reports_of(quote, kind, published, outlet)
        members.append(Reported(report_order(published, item.id, statement.start), item.id, published, outlet, statement))
    for order in (members, members[::-1]):
        merge = merge_person(1, order)
        assert len(merge.merged) == 1
        spark = {(r.statement.quote, r.published): (first.variant, json.loads(first.edits_json() or "[]"), fullest.variant)
                 for r, _, first, fullest in merge.statements}
        assert spark == stored


def test_a_number_written_otherwise_is_a_change_of_number():
    for said, was in (("rates rose by 4.5 percent", "rates rose by 45 percent"), ("rates rose by 5%", "rates rose by $5"),
                      ("the score was 2-1 at half time", "the score was 21 at half time")):
        assert [e.change for e in variant(said, was).edits] == ["number"], said


def test_two_quotations_that_share_no_four_words_in_a_row_are_never_one_statement_in_any_order():
    from itertools import permutations
    quotes = [("we will open the new clinic tomorrow", "direct", "2024-03-01"),
              ("we shall open the old clinic tomorrow", "direct", "2024-03-02"),
              ("we will open the new clinic tomorrow and we shall open the school", "direct", "2024-03-03")]
    groups = set()
    for order in permutations(quotes):
        numbers = dict(zip(order, (n for n, _ in merge_reports(list(order), person=1))))
        groups.add(frozenset(frozenset(q[0] for q in quotes if numbers[q] == n) for n in set(numbers.values())))
    assert len(groups) == 1


def test_an_alias_joining_two_speakers_merges_and_classes_their_reports_as_one_persons(tmp_path):
    from onrecord.aliases import Alias
    store_reports(tmp_path / "one.db", WIRE)
    store_reports(tmp_path / "two.db", WIRE[:3])
    store_reports(tmp_path / "two.db", WIRE[3:], speaker="Ilse M. Marrow-Dunn")
    assert len({merged for merged, *_ in classes(tmp_path / "two.db").values()}) > 1
    with Store(tmp_path / "two.db") as store:
        store.apply_aliases([Alias(SPEAKER, ["Ilse M. Marrow-Dunn"])])
    assert {k: v[1:] for k, v in classes(tmp_path / "two.db").items()} == {k: v[1:] for k, v in classes(tmp_path / "one.db").items()}
    assert len({merged for merged, *_ in classes(tmp_path / "two.db").values()}) == 1
