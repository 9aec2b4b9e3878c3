"""The entities stage on its own (no store): names found anywhere, joined into people with a gender,
roles and acronyms; and the speakers resolved through them, on sentences written for these tests."""

import pytest
from conftest import by_quote

from onrecord import clean, parse, quotes
from onrecord.entities import Entities, Entity, capitalised_runs, clean_name, find_entities, surname_of
from onrecord.names import given_name_gender

HEAD = "Harbour Board Votes on Dredging Plan\n\n"


def entities_of(nlp, text: str) -> Entities:
    layout = clean.layout(text, True)
    found = quotes.find_quotations(text, layout)
    sentences = parse.sentences(nlp, text, layout, quotes.quoted_spans(found))
    return find_entities(text, sentences, quotes.quoted_spans(found), None)


def person_named(entities: Entities, name: str) -> Entity:
    matches = [p for p in entities.persons if p.name == name]
    assert len(matches) == 1, [p.name for p in entities.persons]
    return matches[0]


# --- names ---


@pytest.mark.parametrize("raw,name", [
    ("Secretary of State Ana Morales", "Ana Morales"),
    ("Manitoba Liberal MP Jordan Price", "Jordan Price"),
    ("California Rep. Tomas Brandt", "Tomas Brandt"),
    ("South Korean leader Min-seo Park", "Min-seo Park"),
    ("Democrat Helen Okafor", "Helen Okafor"),
    ("Pieter van der Berg", "Pieter van der Berg"),
    ("Ana de la Cruz", "Ana de la Cruz"),
    ("Martin Luther Ogbu Jr.", "Martin Luther Ogbu"),
])
def test_titles_roles_and_suffixes_are_not_part_of_a_name(raw, name):
    assert clean_name(raw)[0] == name


def test_capitalised_runs_keep_particles_apostrophes_and_drop_openers_and_full_stops():
    text = "But Siobhan O'Neill met Pieter van der Berg and Gov. Reyes on Monday. Then Ines D'Souza left."
    runs = {(r.name, r.titles) for r in capitalised_runs(text, 0, len(text), 0)}
    assert {("Siobhan O'Neill", ()), ("Pieter van der Berg", ()), ("Reyes", ("gov.",)), ("Ines D'Souza", ())} <= runs
    assert not any(name.endswith(".") or name.startswith(("But", "Then")) for name, _ in runs)


def test_surname_with_particles():
    assert surname_of(("pieter", "van", "der", "berg")) == ("van", "der", "berg")
    assert surname_of(("ana", "morales")) == ("morales",)


def test_given_name_table_is_bundled_and_leaves_ambiguous_names_unknown():
    assert (given_name_gender("Margaret"), given_name_gender("Thomas")) == ("female", "male")
    assert given_name_gender("Jordan") is None and given_name_gender("Okonkwo") is None


def test_a_full_name_written_once_without_a_cue_extends_the_surname_the_parser_found(nlp):
    text = HEAD + ("Ines Caldera, 54, has run the harbour board since 2019.\n\n"
                   "“The channel silts up every winter,” Caldera said.\n")
    entities = entities_of(nlp, text)
    caldera = entities.add_name("Caldera", len(text) - 10)
    assert caldera.name == "Ines Caldera"
    assert caldera.likely_gender == "female"  # the first-name table
    assert entities.find_name("Caldera", len(text)) is caldera


def test_a_full_name_given_only_in_a_title_case_headline_extends_the_surname(statements_of):
    text = ("Ines Caldera Vows To Dredge The Harbour By Spring\n\n"
            "The harbour master spoke to reporters on Monday.\n\n“The channel will be clear by March,” Caldera said.\n")
    assert by_quote(statements_of(text), "channel will be clear").speaker == "Ines Caldera"


def test_two_people_sharing_a_surname_are_kept_apart_by_title_gender(nlp):
    text = HEAD + ("Marek Kowalski and his sister, Dr. Zofia Kowalski, both sit on the board.\n\n"
                   "Ms. Kowalski said the vote was premature. Mr. Kowalski said it was overdue.\n")
    entities = entities_of(nlp, text)
    marek, zofia = person_named(entities, "Marek Kowalski"), person_named(entities, "Zofia Kowalski")
    assert (marek.gender, zofia.gender) == ("male", "female")
    assert entities.find_part(("kowalski",), len(text), "female") is zofia
    assert entities.find_part(("kowalski",), len(text), "male") is marek


def test_roles_and_acronyms_are_collected(nlp):
    text = HEAD + ("Lena Fischer, the former chief of staff, left in May. Mayor Ines Caldera chaired the meeting.\n\n"
                   "The Regional Dredging Authority (RDA) will pay for the work, a board member said.\n")
    entities = entities_of(nlp, text)
    assert "former chief of staff" in entities.roles_of(person_named(entities, "Lena Fischer"))
    assert "mayor" in entities.roles_of(person_named(entities, "Ines Caldera"))
    assert entities.described(["the", "mayor"], len(text)).name == "Ines Caldera"
    assert entities.organization("RDA", len(text)).name == "Regional Dredging Authority"
    assert entities.organization("authority", len(text)).name == "Regional Dredging Authority"


# --- speakers resolved through the entities ---


@pytest.mark.parametrize("context,fragment,speaker,kind,gender", [
    pytest.param("Helen Okafor chairs the board. She met Tomas Brandt, the harbour master, on Monday.\n\n"
                 "“The dredgers arrive in March,” he said.",
                 "dredgers arrive", "Tomas Brandt", "person", "male", id="pronoun-skips-the-other-gender"),
    pytest.param("Harbour master Tomas Brandt's deputy, Ruth Adeyemi, said the channel was too shallow.",
                 "too shallow", "Ruth Adeyemi", "person", "female", id="possessive-holder-is-not-the-speaker"),
    pytest.param("The Brandt campaign said the vote had been rigged.",
                 "rigged", "Brandt campaign", "organization", None, id="campaign-is-an-organisation"),
    pytest.param("According to the mayor, the plan will cost $4 million.\n\nMayor Ines Caldera said the city would pay half.",
                 "cost $4 million", "Ines Caldera", "person", "female", id="description-before-the-name"),
    pytest.param("Lena Fischer, the former chief of staff, resigned in May.\n\n"
                 "The former chief of staff said the plan had been rushed.",
                 "rushed", "Lena Fischer", "person", "female", id="description-after-the-name"),
    pytest.param("A spokeswoman for the ministry said the permit would be reviewed.",
                 "permit would be reviewed", "spokeswoman for the ministry", "description", None, id="spokesperson"),
    pytest.param("The Coastal Safety Board (CSB) opened an inquiry. The CSB said the crane had failed.",
                 "crane had failed", "Coastal Safety Board", "organization", None, id="acronym"),
    pytest.param("The Ministry of Ports has urged both sides to talk. In a statement, it said a mediator was ready.",
                 "mediator was ready", "Ministry of Ports", "organization", None, id="it-after-an-organisation"),
    pytest.param("Pieter van der Berg, who owns the shipyard, opposed the plan.\n\n“It is madness,” Van der Berg said.",
                 "madness", "Pieter van der Berg", "person", "male", id="particle-surname"),
    pytest.param("Kwame Mensah, 31, joined the harbour police in May.\n\n“I grew up on these docks,” the 31-year-old officer said.",
                 "grew up", "Kwame Mensah", "person", "male", id="age-description"),
    pytest.param("Ruth Adeyemi, the board's treasurer, presented the accounts.\n\nThe treasurer said the reserves were gone.",
                 "reserves were gone", "Ruth Adeyemi", "person", "female", id="possessive-role"),
    pytest.param("Some critics said the plan would harm the wetlands.",
                 "harm the wetlands", "some critics", "description", None, id="plural-description"),
])
def test_speakers_resolved_through_entities(statements_of, context, fragment, speaker, kind, gender):
    statement = by_quote(statements_of(HEAD + context + "\n"), fragment)
    assert (statement.speaker, statement.speaker_type, statement.speaker_gender) == (speaker, kind, gender)


@pytest.mark.parametrize("context,fragment,speaker", [
    pytest.param("“The river is rising faster than the models said.”\u00a0― Ines Caldera\n“We were not warned.” ― Tomas Brandt",
                 "not warned", "Tomas Brandt", id="signed-quotation"),
    pytest.param("Mayor Ines Caldera gave the council a blunt message: “There is no money left for dredging.”",
                 "no money left", "Ines Caldera", id="colon-after-a-named-subject"),
    pytest.param("“We will fight this,” Tomas Brandt said.\n\nCouncillor Helen Okafor, who backs the plan, took the floor next. "
                 "“This harbour cannot wait another decade.”", "another decade", "Helen Okafor", id="floating-after-a-new-subject"),
    pytest.param("“We will fight this,” Tomas Brandt said.\n\n“The harbour board has ignored us for years.”",
                 "ignored us", "Tomas Brandt", id="floating-continues-the-speaker"),
    pytest.param("“The dredging plan is a disgrace,” Tomas Brandt, a shipyard owner, told the meeting on Friday.",
                 "disgrace", "Tomas Brandt", id="name-between-quotation-and-cue"),
])
def test_speakers_of_quotations_without_a_subject_of_their_own(statements_of, context, fragment, speaker):
    assert by_quote(statements_of(HEAD + context + "\n"), fragment).speaker == speaker


def test_a_forecast_is_no_promise(statements_of):
    text = HEAD + "Port fees promise to climb next year, and retirements threaten to empty the pilots' roster.\n"
    assert statements_of(text) == []


def test_a_quote_about_a_woman_said_by_a_man_goes_to_the_man(statements_of):
    text = HEAD + ("Helen Okafor and her husband Samuel Okafor run the ferry company.\n\n"
                   "“Helen should decide for herself,” he said.\n")
    statement = by_quote(statements_of(text), "decide for herself")
    assert (statement.speaker, statement.speaker_gender) == ("Samuel Okafor", "male")


def test_the_writers_own_questions_are_no_statements(statements_of):
    text = HEAD + "When I asked him how the dredging would be paid for, he paused.\n"
    assert statements_of(text) == []


@pytest.mark.parametrize("opening", [
    "Ms. Robin Lee and Mr. Robin Hale met the harbour board on Monday.",  # names of either gender: the titles tell
    "Mr. Robin Hale and Ms. Robin Lee met the harbour board on Monday.",
    "Robin Hale came to the harbour board on Monday with his sister, Robin Lee.",  # a noun beside the name tells
])
def test_a_pronoun_means_the_person_of_its_gender(statements_of, opening):
    text = HEAD + opening + "\n\n“We cannot wait another winter,” he said.\n\n“The dredging is overdue,” she said.\n\n" \
        "Mr. Hale thanked the board, but she said the vote had come too late.\n"  # not the subject beside her: his gender is known
    found = statements_of(text)
    assert [(s.speaker, s.speaker_gender) for s in found] == [("Robin Hale", "male"), ("Robin Lee", "female"), ("Robin Lee", "female")]


@pytest.mark.parametrize("body,expected", [
    ("China vowed to retaliate against the new tariffs on steel.",  # a place can speak, and a vow is no forecast
     [("China", "organization", "China")]),
    ("The Health Ministry said the hospitals were ready for the winter.\n\n“We have the staff and the beds,” it added.",
     [("Health Ministry", "organization", "The Health Ministry"), ("Health Ministry", "organization", "it")]),
    ("Ana Ruiz resigned as harbour master on Friday.\n\n“I leave with pride and with no regrets,” her statement said.",
     [("Ana Ruiz", "person", "her statement")]),
    ("Maria Lopez met John Smith at the harbour on Monday.\n\nSmith left the meeting early.\n\n“We will appeal the ruling,” she said.",
     [("Maria Lopez", "person", "she")]),  # the latest subject is of the other gender
    ("“We will rebuild the bridge before the winter.” ― Ines Caldera\n\n“It will take a year,” she added.",
     [("Ines Caldera", "person", "Ines Caldera"), ("Ines Caldera", "person", "she")]),  # a signature is a subject
])
def test_speakers_reached_through_organisations_documents_and_signatures(statements_of, body, expected):
    assert [(s.speaker, s.speaker_type, s.speaker_mention) for s in statements_of(HEAD + body + "\n")] == expected
