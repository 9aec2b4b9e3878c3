"""Speakers stage: turn the phrase before a cue ('he', 'Otieno', 'the mayor', 'a ministry spokesman')
into who spoke, through the entities the article names (the entities stage)."""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass

from spacy.tokens import Token

from .entities import Entities, Entity, clean_name, pronoun_gender, whole_words
from .lexicon import (DOCUMENT_NOUNS, FEMALE_PRONOUNS, MALE_PRONOUNS, NAME_PARTICLES, ORG_NOUNS, ORG_SUFFIXES, PERSON_NOUNS,
                      ROLE_WORDS, TITLES, singular)
from .model import Gender, SpeakerType
from .names import is_given_name
from .parse import Sentence, is_pronoun, is_proper_noun

ORG_LABELS = {"ORG", "GPE", "NORP", "FAC"}
# Words before a head noun that make a description definite ('the mayor'), so it can mean one person.
DEFINITE = {"the", "this", "that"}
SIGNATURE = re.compile(r"[^\S\n]*[—―–]+[^\S\n]*((?:[A-Z][\w’'.\-]*[^\S\n]+){0,3}[A-Z][\w’'\-]*)")


@dataclass(frozen=True)
class Speaker:
    name: str | None
    type: SpeakerType
    mention: str | None
    gender: Gender | None = None


UNKNOWN = Speaker(None, "unknown", None)


def person_speaker(person: Entity, mention: str) -> Speaker:
    return Speaker(person.name, "person", mention, person.gender)


def speaker_of(text: str, subject: Token | None, sentence: Sentence, entities: Entities) -> Speaker:
    """Who the subject phrase of a cue names."""
    if subject is None:
        return UNKNOWN
    phrase = core_phrase(subject)
    mention = whole_words(text, *astuple(sentence.token_span(phrase[0], phrase[-1])))
    at = sentence.char(subject)
    if is_pronoun(subject):
        return pronoun_speaker(subject.text, at, sentence, entities)
    name_tokens = person_name_tokens(subject, entities)
    if name_tokens:
        name = whole_words(text, *astuple(sentence.token_span(name_tokens[0], name_tokens[-1])))
        if is_organization_name(name):  # 'Equatorial Communications Co', 'Harbour Holdings Ltd'
            return entities.group_speaker(at, sentence.paragraph, Speaker(without_article(name), "organization", mention))
        titles = [t.lower_ for t in phrase if t.i < name_tokens[0].i and t.lower_ in TITLES]
        person = entities.add_name(name, at, weight=0, titles=titles)
        if person is not None:
            entities.mention(at, sentence.paragraph, person, subject=True)
            return person_speaker(person, mention)
    return entities.group_speaker(at, sentence.paragraph, unnamed_speaker(text, subject, sentence, mention, entities))


def is_organization_name(name: str) -> bool:
    last = name.split()[-1].lower().rstrip(".,")
    return last in ORG_SUFFIXES or last in ORG_NOUNS


def signed(text: str, at: int, paragraph: int, entities: Entities) -> Speaker | None:
    """'“We will rebuild the bridge.” ― Ines Caldera': a quotation signed with a dash and a name."""
    match = SIGNATURE.match(text, at)
    person = entities.add_name(match.group(1), match.start(1), weight=0) if match else None
    if person is None:
        return None
    entities.mention(match.start(1), paragraph, person, subject=True)
    return person_speaker(person, match.group(1))


def introduced_between(start: int, end: int, entities: Entities) -> Speaker | None:
    """The person last named as a subject between two statements ('Sen. Ana Ruiz took the stage. “...”')."""
    mention = entities.subject_between(start, end)
    return person_speaker(mention.entity, text_of(entities, mention)) if mention else None


def text_of(entities: Entities, mention) -> str:
    return whole_words(entities.text, mention.at, mention.at + 1)


def unnamed_speaker(text: str, subject: Token, sentence: Sentence, mention: str, entities: Entities) -> Speaker:
    """An organisation, a document or a description: 'the Unification Ministry', 'the mayor', 'a senior official'."""
    noun = singular(subject.lower_)
    holder = possessive_holder(subject)
    if noun in DOCUMENT_NOUNS and holder is not None:
        return holder_speaker(text, holder, sentence, mention, entities)  # 'Clinton's statement', 'her letter'
    author = document_author(subject) if noun in DOCUMENT_NOUNS else None
    if author is not None:  # 'a statement from the company'
        found = speaker_of(text, author, sentence, entities)
        if found.type in ("person", "organization"):
            return Speaker(found.name, found.type, mention, found.gender)
    if subject.ent_type_ in ORG_LABELS:
        ent = next(e for e in subject.doc.ents if e.start <= subject.i < e.end)
        name = without_article(whole_words(text, *astuple(sentence.token_span(ent[0], ent[-1]))))
        organization = entities.organization(name, sentence.char(subject))
        return Speaker(organization.name if organization else name, "organization", mention)
    definite = any(t.lower_ in DEFINITE for t in subject.lefts) or holder is not None
    named = next((c for c in subject.children if c.dep_ == "appos" and c.ent_type_ in ORG_LABELS), None)
    if named is not None:  # 'the union representing the nurses, the Coastal Nurses Federation,'
        ent = next(e for e in subject.doc.ents if e.start <= named.i < e.end)
        return Speaker(without_article(whole_words(text, *astuple(sentence.token_span(ent[0], ent[-1])))), "organization", mention)
    if noun in ORG_NOUNS and noun not in DOCUMENT_NOUNS:
        organization = entities.organization(singular(subject.lower_), sentence.char(subject)) if definite and holder is None else None
        return Speaker(organization.name if organization else without_article(mention), "organization", mention)
    if definite:  # 'the mayor', 'the former chief of staff', 'her coach'
        held = {t.i for t in holder.subtree} if holder is not None else set()
        words = [t.lower_ for t in description_tokens(subject) if t.i not in held]
        person = entities.described(words, sentence.char(subject))
        if person is not None:
            return person_speaker(person, mention)
    described = description(text, subject, sentence)
    kind = "description" if noun in ROLE_WORDS or noun in DOCUMENT_NOUNS or subject.tag_ == "NNS" else "unknown"
    return Speaker(as_description(without_article(described), subject), kind, described)


def as_description(phrase: str, head: Token) -> str:
    """'Two senators from the party' is named 'two senators from the party': no capital unless it is a name's."""
    first = next(t for t in head.subtree)
    return phrase[:1].lower() + phrase[1:] if phrase and not is_proper_noun(first) and first.text != "I" else phrase


def document_author(head: Token) -> Token | None:
    """'a statement from the company', 'a letter by Ms. Okafor': who wrote the document."""
    prep = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ in ("from", "by")), None)
    return next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None


def possessive_holder(head: Token) -> Token | None:
    return next((c for c in head.children if c.dep_ == "poss"), None)


def holder_speaker(text: str, holder: Token, sentence: Sentence, mention: str, entities: Entities) -> Speaker:
    """A document's author: the person or organisation that holds it."""
    if is_pronoun(holder):
        found = pronoun_speaker(holder.text, sentence.char(holder), sentence, entities)
        return Speaker(found.name, found.type, mention, found.gender)
    tokens = [t for t in holder.subtree if t.dep_ != "case"]
    name = whole_words(text, *astuple(sentence.token_span(tokens[0], tokens[-1])))
    if holder.ent_type_ == "PERSON" or is_proper_noun(holder) and entities.find_name(clean_name(name)[0], sentence.char(holder)):
        person = entities.add_name(name, sentence.char(holder), weight=0)
        if person is not None:
            return person_speaker(person, mention)
    return Speaker(without_article(name), "organization" if holder.ent_type_ in ORG_LABELS else "description", mention)


def description_tokens(head: Token) -> list[Token]:
    """The description's words with its 'of' phrase ('the former chief of staff'), no clauses."""
    tokens = set(core_phrase(head))
    for prep in (c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"):
        tokens.update(prep.subtree)
    return sorted(tokens, key=lambda t: t.i)


def description(text: str, head: Token, sentence: Sentence) -> str:
    """A description as written, with what it is of, for or from: 'a spokesman for the ministry',
    'two senators from the governor's party', 'a person familiar with the talks'."""
    tokens = set(core_phrase(head))
    for right in head.rights:
        if right.dep_ == "prep" and right.lower_ in ("of", "for", "at", "with", "from", "to", "in", "on") or \
                right.dep_ in ("amod", "acl") and right.i == max(t.i for t in tokens) + 1:
            tokens.update(right.subtree)
    ordered = sorted(tokens, key=lambda t: t.i)
    return whole_words(text, *astuple(sentence.token_span(ordered[0], ordered[-1])))


def without_article(phrase: str) -> str:
    """'the White House' is named 'White House'; the mention keeps the article."""
    return re.sub(r"^(the|a|an)\s+", "", phrase, flags=re.IGNORECASE)


def core_phrase(head: Token) -> list[Token]:
    """The head noun and what precedes it in its phrase ('a ministry spokesman'), without clauses after it."""
    left = [t for t in head.lefts if t.dep_ not in ("punct", "cc", "prep", "relcl", "acl", "advmod")]
    return sorted({t for l in left for t in l.subtree} | {head}, key=lambda t: t.i)


def person_name_tokens(head: Token, entities: Entities) -> list[Token]:
    """The name in a subject phrase: proper nouns ending at its head (unless NER calls them an
    organisation or place the article never calls a person), else a PERSON entity in its apposition
    or in the head itself. A name that only modifies a common noun ('the Clinton campaign',
    'Hunter's chief of staff') is not the speaker."""
    # A name the article has already given is a name, however the tagger read it ('Reyes' as a common noun)
    if is_proper_noun(head) or head.text[:1].isupper() and entities.find_name(clean_name(head.text)[0], 0) is not None:
        run = [head]
        while run[0].i > 0 and is_name_part(run[0].nbor(-1)):
            run.insert(0, run[0].nbor(-1))
        written = clean_name("".join(t.text_with_ws for t in run))[0]
        known = entities.find_name(written, 0) is not None or entities.written_in_full(written)
        if head.ent_type_ not in ORG_LABELS or known:
            return run
    phrases = [core_phrase(c) for c in head.children if c.dep_ == "appos"]
    if singular(head.lower_) not in ORG_NOUNS | DOCUMENT_NOUNS | PERSON_NOUNS:
        held = {t.i for c in head.children if c.dep_ == "poss" for t in c.subtree}
        phrases.append([t for t in core_phrase(head) if t.i not in held])
    for phrase in filter(None, phrases):
        ents = [e for e in head.doc.ents if e.label_ == "PERSON" and e.start <= phrase[-1].i and phrase[0].i < e.end]
        if ents:
            return list(ents[-1])
    if singular(head.lower_) in ORG_NOUNS | DOCUMENT_NOUNS or is_proper_noun(head):
        return []
    for apposition in (c for c in head.children if c.dep_ == "appos" and is_proper_noun(c)):
        # 'The club's chairwoman, Yolanda de Vries,', 'One of them, Olusegun Bakare,', 'His co-author, Dr. Pham Thu Ha,'
        name = [t for t in core_phrase(apposition) if is_name_part(t) or t.lower_ in NAME_PARTICLES]
        titled = any(t.lower_ in TITLES for t in core_phrase(apposition))
        if name and (apposition.ent_type_ not in ORG_LABELS or titled or is_given_name(name[0].text)):
            return name
    return []


def is_name_part(token: Token) -> bool:
    """Hyphens inside a name, proper nouns and the particles before a surname ('Van der Berg')."""
    joined = token.text in "-‐" and not token.whitespace_
    particle = token.lower_ in NAME_PARTICLES and token.i + 1 < len(token.doc) and token.nbor(1).text[:1].isupper()
    return joined or particle or is_proper_noun(token) and token.text[:1].isupper() and token.lower_ not in TITLES


def pronoun_speaker(pronoun: str, at: int, sentence: Sentence, entities: Entities) -> Speaker:
    """'he' and 'she' mean a person of the article; 'it' and 'they' the organisation or group that spoke last;
    'I' and 'we' outside a quotation are the writer, who is no speaker of the article's."""
    lowered = pronoun.lower()
    if lowered in ("it", "they"):
        group = entities.latest_group(pronoun, at, sentence.paragraph)
        named = entities.latest_organization(at) if lowered == "it" else None
        if named and (group is None or named[0] > group[0]):
            return Speaker(named[1].name, "organization", pronoun)
        return Speaker(group[1].name, group[1].type, pronoun, group[1].gender) if group else Speaker(None, "unknown", pronoun)
    person = entities.antecedent(pronoun, at, sentence.paragraph, sentence.span.start) if lowered in MALE_PRONOUNS | FEMALE_PRONOUNS else None
    if person is None:
        return Speaker(None, "unknown", pronoun, pronoun_gender(pronoun))
    person.note_gender(pronoun_gender(pronoun))
    entities.mention(at, sentence.paragraph, person, subject=True)
    return person_speaker(person, pronoun)
