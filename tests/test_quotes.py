"""Each construction news uses for statements, on sentences written for these tests."""

import pytest
from conftest import by_quote

HEAD = "Council Debates New Budget\n\n"


def test_quotes_split_around_attribution_give_two_statements_by_one_speaker(statements_of):
    text = HEAD + "“The budget is balanced,” Finance Minister Ruth Adeyemi said. “We will not borrow a single extra pound.”\n"
    found = statements_of(text)
    first, second = by_quote(found, "budget is balanced"), by_quote(found, "single extra pound")
    assert first.kind == second.kind == "direct"
    assert first.speaker == second.speaker == "Ruth Adeyemi"
    assert first.quote == "The budget is balanced,"
    assert first.cue == "said"


@pytest.mark.parametrize("mark_open,mark_close", [("“", "”"), ('"', '"')])
def test_quotes_straight_and_curly_marks(statements_of, mark_open, mark_close):
    text = HEAD + f"{mark_open}Our schools need more teachers, not more forms,{mark_close} said Paul Brennan, a union leader.\n"
    statement = by_quote(statements_of(text), "more teachers")
    assert statement.kind == "direct"
    assert statement.speaker == "Paul Brennan"


def test_quotes_run_over_paragraphs(statements_of):
    text = HEAD + (
        "Mayor Ines Caldera spoke for an hour. “We promised a cleaner river and we delivered it.\n\n"
        "“Next year we will open the new parks along the bank,” she said.\n\n"
        "The council adjourned at noon.\n"
    )
    found = statements_of(text)
    assert by_quote(found, "cleaner river").speaker == "Ines Caldera"
    assert by_quote(found, "new parks").speaker == "Ines Caldera"


def test_quotes_nested_inside_quote_stay_one_statement(statements_of):
    text = HEAD + "“The minister told us ‘the money is coming’ and then nothing arrived,” said Omar Haddad, the school principal.\n"
    found = statements_of(text)
    assert len(found) == 1
    assert "‘the money is coming’" in found[0].quote
    assert found[0].speaker == "Omar Haddad"


def test_quotes_standalone_paragraph_takes_speaker_of_surrounding_quotes(statements_of):
    text = HEAD + (
        "“This plan protects the poorest families,” council leader Maria Santos said on Monday.\n\n"
        "“Every penny has been checked twice and every promise is costed.”\n\n"
        "The opposition will vote on Friday.\n"
    )
    assert by_quote(statements_of(text), "checked twice").speaker == "Maria Santos"


def test_quotes_mixed_quote_is_one_statement_of_the_reported_clause(statements_of):
    text = HEAD + "Alderman Jorge Vidal said he would “fight every cut to the library service” at the next meeting.\n"
    found = statements_of(text)
    assert len(found) == 1
    statement = found[0]
    assert statement.kind == "mixed"
    assert statement.quote.startswith("he would “fight every cut")
    assert statement.speaker == "Jorge Vidal"


@pytest.mark.parametrize("cue", ["said", "told reporters", "told lawmakers on Monday", "added", "argued", "announced", "warned", "insisted", "explained"])
def test_quotes_indirect_speech_with_reporting_verb(statements_of, cue):
    text = HEAD + f"Treasurer Anna Kowalski {cue} that the city would run a small surplus next year.\n"
    statement = by_quote(statements_of(text), "small surplus")
    assert statement.kind == "indirect"
    assert statement.quote == "the city would run a small surplus next year"
    assert statement.speaker == "Anna Kowalski"


@pytest.mark.parametrize("sentence", [
    "The reserves will last three more years, according to city treasurer Anna Kowalski.\n",
    "According to Anna Kowalski, the reserves will last three more years.\n",
])
def test_quotes_according_to(statements_of, sentence):
    statement = by_quote(statements_of(HEAD + sentence), "reserves will last")
    assert statement.cue == "according to"
    assert statement.quote == "the reserves will last three more years" or statement.quote == "The reserves will last three more years"
    assert statement.speaker == "Anna Kowalski"


@pytest.mark.parametrize("sentence", [
    "Critics call the scheme a “giveaway” to developers.\n",
    "The council watched the film “Rivers” before the vote.\n",
])
def test_quotes_scare_quotes_and_titles_are_not_statements(statements_of, sentence):
    assert statements_of(HEAD + sentence) == []


def test_quotes_unclosed_mark_does_not_swallow_the_article(statements_of):
    text = HEAD + (
        "“We will fight this decision, said Hannah Moor, a tenant.\n\n"
        "The landlord declined to comment on the rent rise.\n\n"
        "“It is a fair increase,” said Karl Brandt, who owns the building.\n"
    )
    found = statements_of(text)
    first = by_quote(found, "fight this decision")
    assert "landlord" not in first.quote
    assert by_quote(found, "fair increase").speaker == "Karl Brandt"


def test_quotes_every_statement_indexes_the_text(statements_of):
    text = HEAD + "“A,” he said.\n\n\"Unfinished\n\n“”\n\n“ ”\n\nSaid.\n\n“Nested ‘inner “deep” ’ end,” she said.\n"
    found = statements_of(text)
    assert [s.quote.split()[0] for s in found] == ["A,", "Nested"]  # empty and unfinished marks give nothing
    assert all(s.start < s.end and s.kind == "direct" for s in found)


@pytest.mark.parametrize("sentence,content", [
    ("In both years, auditor Lena Fischer said, the accounts were kept in order.", "the accounts were kept in order"),
    ("The shortfall, as auditor Lena Fischer explained, was caused by late grants.",
     "The shortfall, as auditor Lena Fischer explained, was caused by late grants"),
    ("Auditor Lena Fischer called for a full review of the housing contracts.", "a full review of the housing contracts"),
    ("Auditor Lena Fischer vowed to publish every contract before the election.", "to publish every contract before the election"),
])
def test_quotes_asides_calls_and_vows_report_their_clause(statements_of, sentence, content):
    statement = by_quote(statements_of(HEAD + sentence + "\n"), "")
    assert statement.quote == content
    assert statement.speaker == "Lena Fischer"


def test_quotes_question_with_inverted_attribution(statements_of):
    text = HEAD + "“Who approved these payments?” asked Lena Fischer, the city auditor.\n"
    statement = by_quote(statements_of(text), "Who approved")
    assert statement.cue == "asked"
    assert statement.speaker == "Lena Fischer"


def test_quotes_second_quote_after_adding(statements_of):
    text = HEAD + "“The books are clean,” Treasurer Anna Kowalski said before adding: “We have nothing to hide.”\n"
    found = statements_of(text)
    assert [s.speaker for s in found] == ["Anna Kowalski", "Anna Kowalski"]


def test_quotes_subject_inside_the_quotation_is_not_the_speaker(statements_of):
    text = HEAD + "“If they cut the grant, nothing we do will save the library,” Anna Kowalski said.\n"
    assert by_quote(statements_of(text), "save the library").speaker == "Anna Kowalski"


def test_quotes_two_speakers_in_one_paragraph(statements_of):
    text = HEAD + "“The vote is lost,” said Anna Kowalski. “It is not over yet,” replied Jorge Vidal.\n"
    found = statements_of(text)
    assert [(s.speaker, s.cue) for s in found] == [("Anna Kowalski", "said"), ("Jorge Vidal", "replied")]


@pytest.mark.parametrize("body,quotations", [
    ("“" * 10_000, 0),
    ("\"" * 10_001, 0),
    ("“never closed " * 2_000, 1),  # one quotation, open to the end of its paragraph and no further
    ("x" * 1_200_000, 0),  # one paragraph over spaCy's max_length
    ("”’»“‘« " * 500, 0),
])
def test_quotes_pathological_text_gives_a_result(statements_of, body, quotations):
    found = statements_of(HEAD + body + "\n\nA closing line.\n")
    assert len(found) == quotations
    assert all(s.start > len(HEAD) and s.end == len(HEAD) + len(body.rstrip()) and s.kind == "direct" for s in found)


@pytest.mark.parametrize("sentence,content", [
    ("Opposition leader Tom Arendse called the budget “a fantasy written in red ink.”", "the budget “a fantasy written in red ink.”"),
    ("Opposition leader Tom Arendse described the budget as “reckless and cruel.”", "the budget as “reckless and cruel.”"),
])
def test_quotes_quoted_verdict_is_a_mixed_statement(statements_of, sentence, content):
    statement = by_quote(statements_of(HEAD + sentence + "\n"), "")
    assert (statement.kind, statement.quote, statement.speaker) == ("mixed", content, "Tom Arendse")


@pytest.mark.parametrize("sentence", [
    "As the results came in from the last wards, Mayor Ines Caldera boasted, “That makes three wins in a row.”",
    "“That makes three wins in a row,\" Mayor Ines Caldera told the crowd.",  # curly opened, straight closed
])
def test_quotes_quotation_right_after_its_cue_is_direct(statements_of, sentence):
    statement = by_quote(statements_of(HEAD + sentence + "\n"), "three wins")
    assert statement.kind == "direct"
    assert statement.quote.startswith("That makes three wins in a row")
    assert statement.speaker == "Ines Caldera"


def test_quotes_quotation_set_apart_by_a_dash_is_direct(statements_of):
    text = HEAD + "Treasurer Anna Kowalski has changed her account once — “I now remember the meeting,” she said.\n"
    statement = by_quote(statements_of(text), "remember the meeting")
    assert (statement.kind, statement.quote, statement.speaker) == ("direct", "I now remember the meeting,", "Anna Kowalski")


def test_quotes_relative_clause_report_leaves_out_the_relative_pronoun(statements_of):
    text = HEAD + "The council approved the levy, which Treasurer Anna Kowalski says is needed to repair the roads.\n"
    statement = by_quote(statements_of(text), "repair the roads")
    assert statement.quote == "is needed to repair the roads"
    assert statement.speaker == "Anna Kowalski"


@pytest.mark.parametrize("sentence,quote", [
    # a straight-quoted phrase inside a curly quotation does not end it
    ("“The council told us \"wait,\" and we waited all winter,” Anna Lee said.", 'The council told us "wait," and we waited all winter,'),
    # curly opened, straight closed, with a curly quotation later in the paragraph
    ("“We said \"no\" twice,\" Anna Lee said, and later added: “The answer is still no.”", 'We said "no" twice,'),
    ("“Wait,\" Anna Lee said. “The answer is still no.”", "Wait,"),
    # a lone straight mark (inches) inside a curly quotation
    ("“The old pipe is 6\" across and far too small,” Anna Lee said.", 'The old pipe is 6" across and far too small,'),
])
def test_quotes_mixed_straight_and_curly_marks_pair_up(statements_of, sentence, quote):
    found = statements_of(HEAD + sentence + "\n")
    assert found[0].quote == quote and found[0].speaker == "Anna Lee"

