"""Speaker resolution: names, titles, surnames, pronouns and descriptions."""

import pytest
from conftest import by_quote

from onrecord.speakers import clean_name

HEAD = "Port Strike Enters Second Week\n\n"


@pytest.mark.parametrize("attribution,mention", [
    ("Dock Workers Union President Samuel Otieno said", "Dock Workers Union President Samuel Otieno"),
    ("said Samuel Otieno, the union president", "Samuel Otieno"),
])
def test_speakers_name_with_title_before_or_after(statements_of, attribution, mention):
    text = HEAD + f"“We will stay out until the offer improves,” {attribution}.\n"
    statement = by_quote(statements_of(text), "stay out")
    assert (statement.speaker, statement.speaker_mention, statement.speaker_type) == ("Samuel Otieno", mention, "person")


@pytest.mark.parametrize("context,fragment,speaker,mention", [
    pytest.param("Union president Samuel Otieno met the port authority on Monday.\n\n"
                 "“The talks went nowhere,” Otieno said after the meeting.",
                 "went nowhere", "Samuel Otieno", "Otieno", id="surname"),
    pytest.param("Port director Linda Farrow rejected the demands made by union negotiator Peter Quist.\n\n"
                 "“The offer on the table is final,” she said.",
                 "offer on the table", "Linda Farrow", "she", id="pronoun-not-nearest-name"),
    pytest.param("Samuel Otieno spoke after a meeting with transport secretary David Lin.\n\n"
                 "“Nobody in that room wants a long strike,” he said.",
                 "long strike", "Samuel Otieno", "he", id="pronoun-skips-prepositional-name"),
    pytest.param("Samuel Otieno addressed the crowd at the gates and said:\n\n"
                 "“Solidarity is the only tool we have left.”",
                 "Solidarity", "Samuel Otieno", "Samuel Otieno", id="colon-in-preceding-paragraph"),
    pytest.param("The advert shows old footage of Mayor Ines Caldera saying, “We will rebuild the bridge by June.”",
                 "rebuild the bridge", "Ines Caldera", "Mayor Ines Caldera", id="participle-after-name"),
])
def test_speakers_resolved_from_context(statements_of, context, fragment, speaker, mention):
    statement = by_quote(statements_of(HEAD + context + "\n"), fragment)
    assert (statement.speaker, statement.speaker_mention) == (speaker, mention)


def test_speakers_two_people_sharing_a_surname(statements_of):
    text = HEAD + (
        "Dock worker Maria Chen joined the picket line, while her cousin, port manager Victor Chen, stayed inside.\n\n"
        "“I have worked here for twenty years,” Maria Chen said.\n\n"
        "Victor Chen later addressed the press. “The port will reopen on Thursday,” Chen said.\n"
    )
    found = statements_of(text)
    assert by_quote(found, "twenty years").speaker == "Maria Chen"
    assert by_quote(found, "reopen on Thursday").speaker == "Victor Chen"


def test_speakers_spelling_variants_are_one_person(statements_of):
    text = HEAD + (
        "Harbour chief Park Ji-hoon said the cranes were idle.\n\n"
        "“We lose money every hour,” Park Ji Hoon told reporters.\n\n"
        "“Ships are waiting offshore,” Park said.\n"
    )
    names = {s.speaker for s in statements_of(text)}
    assert names == {"Park Ji-hoon"}


def test_speakers_description_without_a_name(statements_of):
    text = HEAD + "A ministry spokesman said the government would not intervene in the dispute.\n"
    statement = by_quote(statements_of(text), "would not intervene")
    assert statement.speaker == "ministry spokesman"
    assert statement.speaker_mention == "A ministry spokesman"
    assert statement.speaker_type == "description"


def test_speakers_organization(statements_of):
    text = HEAD + "The Port Authority of Gdansk said the terminal would stay closed until Monday.\n"
    statement = by_quote(statements_of(text), "stay closed")
    assert statement.speaker_type == "organization"
    assert statement.speaker.startswith("Port Authority")


def test_speakers_it_and_they_take_the_organisation_or_group_that_spoke_last(statements_of):
    text = HEAD + (
        "The Port Authority of Gdansk said the terminal would stay closed until Monday.\n\n"
        "It added that ships would be diverted to other ports.\n\n"
        "Union officials said the strike would go on. They warned that talks had broken down.\n"
    )
    found = statements_of(text)
    assert by_quote(found, "diverted").speaker == by_quote(found, "stay closed").speaker
    assert by_quote(found, "talks had broken down").speaker == "union officials"


@pytest.mark.parametrize("raw,name", [
    ("Chairman Park Ji Hoon’s", "Park Ji Hoon"),
    ("Sen. Bernie Sanders", "Bernie Sanders"),
    ("harbour master Ana Ruiz", "Ana Ruiz"),
    ("Steve King", "Steve King"),
    ("Gov. Lena Fischer", "Lena Fischer"),
])
def test_speakers_clean_name(raw, name):
    assert clean_name(raw)[0] == name


def test_a_surname_the_tagger_misreads_still_names_the_person_given_before(statements_of):
    text = ("Ferry fares to rise\n\nPort spokesman Idris Gaines said the fares would rise in May.\n\n"
            "Gaines added that the winter timetable would not change.\n")
    speakers = {s.quote: s.speaker for s in statements_of(text)}
    assert speakers == {"the fares would rise in May": "Idris Gaines",
                        "the winter timetable would not change": "Idris Gaines"}
