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
    assert statement.speaker == "Samuel Otieno"
    assert statement.speaker_type == "person"


def test_speakers_surname_resolves_to_full_name(statements_of):
    text = HEAD + (
        "Union president Samuel Otieno met the port authority on Monday.\n\n"
        "“The talks went nowhere,” Otieno said after the meeting.\n"
    )
    statement = by_quote(statements_of(text), "went nowhere")
    assert statement.speaker == "Samuel Otieno"
    assert statement.speaker_mention == "Otieno"


def test_speakers_pronoun_resolves_to_subject_not_nearest_name(statements_of):
    text = HEAD + (
        "Port director Linda Farrow rejected the demands made by union negotiator Peter Quist.\n\n"
        "“The offer on the table is final,” she said.\n"
    )
    statement = by_quote(statements_of(text), "offer on the table")
    assert statement.speaker == "Linda Farrow"
    assert statement.speaker_mention == "she"


def test_speakers_pronoun_skips_a_name_in_a_prepositional_phrase(statements_of):
    text = HEAD + (
        "Samuel Otieno spoke after a meeting with transport secretary David Lin.\n\n"
        "“Nobody in that room wants a long strike,” he said.\n"
    )
    assert by_quote(statements_of(text), "long strike").speaker == "Samuel Otieno"


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
    assert statement.speaker_type == "person"


def test_speakers_organization(statements_of):
    text = HEAD + "The Port Authority of Gdansk said the terminal would stay closed until Monday.\n"
    statement = by_quote(statements_of(text), "stay closed")
    assert statement.speaker_type == "organization"
    assert statement.speaker.startswith("Port Authority")


def test_speakers_speaker_in_preceding_sentence_with_colon(statements_of):
    text = HEAD + (
        "Samuel Otieno addressed the crowd at the gates and said:\n\n"
        "“Solidarity is the only tool we have left.”\n"
    )
    assert by_quote(statements_of(text), "Solidarity").speaker == "Samuel Otieno"


def test_speakers_it_and_they_take_the_organisation_or_group_that_spoke_last(statements_of):
    text = HEAD + (
        "The Port Authority of Gdansk said the terminal would stay closed until Monday.\n\n"
        "It added that ships would be diverted to other ports.\n\n"
        "Union officials said the strike would go on. They warned that talks had broken down.\n"
    )
    found = statements_of(text)
    assert by_quote(found, "diverted").speaker == by_quote(found, "stay closed").speaker
    assert by_quote(found, "talks had broken down").speaker == "Union officials"


@pytest.mark.parametrize("raw,name", [
    ("Chairman Park Ji Hoon’s", "Park Ji Hoon"),
    ("Sen. Bernie Sanders", "Bernie Sanders"),
    ("harbour master Ana Ruiz", "Ana Ruiz"),
    ("Steve King", "Steve King"),
    ("Gov. Lena Fischer", "Lena Fischer"),
])
def test_speakers_clean_name(raw, name):
    assert clean_name(raw)[0] == name


def test_speakers_participle_after_a_name(statements_of):
    text = HEAD + "The advert shows old footage of Mayor Ines Caldera saying, “We will rebuild the bridge by June.”\n"
    assert by_quote(statements_of(text), "rebuild the bridge").speaker == "Ines Caldera"
