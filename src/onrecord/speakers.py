"""Speakers stage: turn the phrase before a cue ('he', 'Otieno', 'a ministry spokesman') into who spoke.

Every person the article names is gathered first, with all spellings of the name, so a surname
or a pronoun can be resolved to the fullest name the article gives.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import astuple, dataclass, field

from spacy.tokens import Token

from .lexicon import (
    FEMALE_TITLES,
    MALE_TITLES,
    ORG_NOUNS,
    PERSON_NOUNS,
    PERSON_PRONOUNS,
    TITLES,
)
from .model import DisjointSpans, SpeakerType
from .names import fold
from .parse import Sentence, is_pronoun, is_proper_noun

ORG_LABELS = {"ORG", "GPE", "NORP", "FAC"}
PRONOUN_WINDOW_PARAGRAPHS = 3


@dataclass(frozen=True)
class Speaker:
    name: str | None
    type: SpeakerType
    mention: str | None


@dataclass(eq=False)  # two persons are never the same object, whatever their fields
class Person:
    """One person named in the article, with every spelling seen."""

    spellings: Counter = field(default_factory=Counter)
    parts: tuple[str, ...] = ()
    gender: str | None = None
    first_seen: int = 0

    @property
    def name(self) -> str:
        full = [s for s in self.spellings if len(s.split()) > 1] or list(self.spellings)
        return max(full, key=lambda s: (self.spellings[s], -full.index(s)))


@dataclass(frozen=True)
class Mention:
    """A person named (or spoken of) at a position; subjects make the best antecedents."""

    at: int
    paragraph: int
    person: Person
    subject: bool


def name_parts(name: str) -> tuple[str, ...]:
    return tuple(fold(p) for p in name.split() if len(p.strip(".")) > 1)


def whole_words(text: str, start: int, end: int) -> str:
    """Widen a name to whole words, so a tokenizer's 'Ji' '-' 'hoon' is read as 'Ji-hoon'."""
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-‐" and start > 1 and text[start - 2].isalnum()):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "-‐" and end + 1 < len(text) and text[end + 1].isalnum()):
        end += 1
    return text[start:end]


def clean_name(text: str) -> tuple[str, set[str]]:
    """Drop titles, possessives and brackets: 'Chairman Park Ji Hoon’s' -> ('Park Ji Hoon', {'chairman'})."""
    text = re.sub(r"[’']s$", "", text.strip()).replace("[", " ").replace("]", " ")
    words = text.split()
    titles = set()
    while words and (words[0].lower() in TITLES or not words[0][:1].isupper()):
        titles.add(words.pop(0).lower())
    while words and (not words[-1][:1].isupper() or words[-1].endswith(".") and words[-1].lower() in TITLES):
        words.pop()  # 'nominee Gov.' is no name; 'Steve King' keeps its King
    return " ".join(words), titles


class People:
    """The persons of one article and where each is mentioned."""

    def __init__(self) -> None:
        self.persons: list[Person] = []
        self.mentions: list[Mention] = []
        self.groups: list[tuple[int, Speaker]] = []  # (paragraph, speaker) of unnamed speakers, in text order

    # --- gathering names ---

    def add_name(self, text: str, at: int, weight: float = 1.0) -> Person | None:
        name, titles = clean_name(text)
        if not name or not name[0].isupper():
            return None
        person = self.find_name(name, at)
        if person is None:
            person = Person(parts=name_parts(name), first_seen=at)
            self.persons.append(person)
        if len(name.split()) > 1 and len(name_parts(name)) > len(person.parts):
            person.parts = name_parts(name)
        person.spellings[name] += weight
        person.gender = person.gender or title_gender(titles)
        return person

    def find_name(self, name: str, at: int) -> Person | None:
        return self.find_full(name) if len(name.split()) > 1 else self.find_part(name, at)

    def find_full(self, name: str) -> Person | None:
        key, parts = fold(name), name_parts(name)
        if not parts:
            return None
        for person in self.persons:
            known = {fold(s) for s in person.spellings}
            if key in known or len(person.parts) > 1 and (person.parts[0], person.parts[-1]) == (parts[0], parts[-1]):
                return person
        single = [p for p in self.persons if len(p.parts) == 1 and p.parts[0] in (parts[0], parts[-1])]
        return single[0] if len(single) == 1 else None

    def find_part(self, name: str, at: int) -> Person | None:
        """A surname or given name alone: the person of that name mentioned last before ``at``."""
        part = fold(name)
        matching = [p for p in self.persons if part in (p.parts[:1] + p.parts[-1:])]
        if len(matching) <= 1:
            return matching[0] if matching else None
        latest = next((m for m in reversed(self.mentions[:self.count_before(at)]) if m.person in matching), None)
        if latest is not None:
            return latest.person
        return min(matching, key=lambda p: p.first_seen)

    def mention(self, at: int, paragraph: int, person: Person, subject: bool) -> None:
        insort(self.mentions, Mention(at, paragraph, person, subject), key=lambda m: m.at)

    def count_before(self, at: int) -> int:
        return bisect_left(self.mentions, at, key=lambda m: m.at)

    # --- pronouns ---

    def group_speaker(self, paragraph: int, speaker: Speaker) -> Speaker:
        self.groups.append((paragraph, speaker))
        return speaker

    def latest_group(self, pronoun: str, paragraph: int) -> Speaker | None:
        """'The ministry said ... It added ...': the last organisation (for 'it') or group that spoke nearby."""
        wanted = {"organization"} if pronoun.lower() == "it" else {"organization", "person", "unknown"}
        for where, speaker in reversed(self.groups):
            if paragraph - where > PRONOUN_WINDOW_PARAGRAPHS:
                return None
            if speaker.type in wanted:
                return speaker
        return None

    def antecedent(self, pronoun: str, at: int, paragraph: int) -> Person | None:
        """The person a pronoun means: the latest subject before it, not merely the nearest name;
        within the last few paragraphs first, then anywhere before."""
        gender = PERSON_PRONOUNS.get(pronoun.lower())
        before = [m for m in self.mentions[:self.count_before(at)] if gender is None or m.person.gender in (None, gender)]
        near = [m for m in before if paragraph - m.paragraph <= PRONOUN_WINDOW_PARAGRAPHS]
        for pick in ([m for m in near if m.subject], near, [m for m in before if m.subject]):
            if pick:
                person = pick[-1].person
                if gender and person.gender is None:
                    person.gender = gender
                return person
        return None


def title_gender(titles: set[str]) -> str | None:
    if titles & MALE_TITLES:
        return "m"
    if titles & FEMALE_TITLES:
        return "f"
    return None


def gather_people(text: str, sentences: list[Sentence], quoted: DisjointSpans, headline: str | None) -> People:
    """Every PERSON the parser found, plus where known names recur in sentences left unparsed."""
    people = People()
    found: list[tuple[int, int, str, bool]] = []
    for sentence in sentences:
        if sentence.tokens is None:
            continue
        for name in [*(e for e in sentence.tokens.ents if e.label_ == "PERSON"), *titled_names(sentence.tokens)]:
            span = sentence.token_span(name[0], name[-1])
            outside = span.start not in quoted
            found.append((span.start, sentence.paragraph, whole_words(text, span.start, span.end), outside and is_main_subject(name.root)))
    for at, _, name, _ in sorted(found, key=lambda f: (len(clean_name(f[2])[0].split()) < 2, f[0])):
        people.add_name(name, at)
    for at, paragraph, name, subject in sorted(set(found)):
        person = people.find_name(clean_name(name)[0], at)
        if person is not None and at not in quoted:
            people.mention(at, paragraph, person, subject)
    if headline:
        for person in people.persons:
            for spelling in list(person.spellings):
                if len(spelling.split()) > 1 and spelling in headline:
                    person.spellings[spelling] += 0.5
    note_unparsed_mentions(people, text, sentences)
    return people


def titled_names(tokens) -> list:
    """'Mayor Ines Caldera': a capitalised title followed by proper nouns names a person, whatever NER says."""
    names = []
    for token in tokens:
        if token.is_title and token.lower_ in TITLES and token.lower_ != "the":
            end = token.i + 1
            while end < len(token.doc) and is_proper_noun(token.doc[end]) and token.doc[end].lower_ not in TITLES:
                end += 1
            if end - token.i >= 3:  # at least a given name and a surname
                names.append(token.doc[token.i + 1:end])
    return names


def is_main_subject(token: Token) -> bool:
    return token.dep_ in ("nsubj", "nsubjpass") and (token.head.dep_ == "ROOT" or token.head.head.dep_ == "ROOT")


def note_unparsed_mentions(people: People, text: str, sentences: list[Sentence]) -> None:
    """Known names in sentences that were not parsed still count as mentions (a leading one as subject)."""
    forms: dict[str, Person] = {}
    for person in people.persons:
        words = person.name.split()
        for form in (*person.spellings, words[0], words[-1]):
            forms.setdefault(form, person)
    if not forms:
        return
    pattern = re.compile(r"\b(" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")\b")
    for sentence in sentences:
        if sentence.tokens is not None:
            continue
        for match in pattern.finditer(text, sentence.span.start, sentence.span.end):
            leading = match.start() - sentence.span.start < 40
            people.mention(match.start(), sentence.paragraph, forms[match.group(1)], subject=leading)


# --- speakers of cues ---


def speaker_of(text: str, subject: Token | None, sentence: Sentence, people: People) -> Speaker:
    """Who the subject phrase of a cue names."""
    if subject is None:
        return Speaker(None, "unknown", None)
    phrase = core_phrase(subject)
    mention = whole_words(text, *astuple(sentence.token_span(phrase[0], phrase[-1])))
    at = sentence.char(subject)
    if is_pronoun(subject):
        return pronoun_speaker(subject.text, at, sentence, people)
    name_tokens = person_name_tokens(subject, people)
    if name_tokens:
        name = whole_words(text, *astuple(sentence.token_span(name_tokens[0], name_tokens[-1])))
        person = people.add_name(name, at, weight=0)
        if person is not None:
            people.mention(at, sentence.paragraph, person, subject=True)
            return Speaker(person.name, "person", mention)
    return people.group_speaker(sentence.paragraph, unnamed_speaker(text, subject, sentence, mention))


def unnamed_speaker(text: str, subject: Token, sentence: Sentence, mention: str) -> Speaker:
    """An organisation or a description: 'the Unification Ministry', 'a senior official'."""
    noun = singular(subject.lower_)
    if subject.ent_type_ in ORG_LABELS:
        ent = next(e for e in subject.doc.ents if e.start <= subject.i < e.end)
        return Speaker(without_article(whole_words(text, *astuple(sentence.token_span(ent[0], ent[-1])))), "organization", mention)
    if noun in ORG_NOUNS:
        return Speaker(without_article(mention), "organization", mention)
    if noun in PERSON_NOUNS:
        return Speaker(without_article(mention), "person", mention)
    return Speaker(without_article(mention), "unknown", mention)


def without_article(phrase: str) -> str:
    """'the White House' is named 'White House'; the mention keeps the article."""
    return re.sub(r"^(the|a|an)\s+", "", phrase, flags=re.IGNORECASE)


def core_phrase(head: Token) -> list[Token]:
    """The head noun and what precedes it in its phrase ('a ministry spokesman'), without clauses after it."""
    left = [t for t in head.lefts if t.dep_ not in ("punct", "cc", "prep", "relcl", "acl", "advmod")]
    return sorted({t for l in left for t in l.subtree} | {head}, key=lambda t: t.i)


def person_name_tokens(head: Token, people: People) -> list[Token]:
    """The name in a subject phrase: proper nouns ending at its head (unless NER calls them an
    organisation or place the article never calls a person), else a PERSON entity in it or its apposition."""
    # A name the article has already given is a name, however the tagger read it ('Reyes' as a common noun)
    if is_proper_noun(head) or head.text[:1].isupper() and people.find_name(clean_name(head.text)[0], 0) is not None:
        run = [head]
        while run[0].i > 0 and is_name_part(run[0].nbor(-1)):
            run.insert(0, run[0].nbor(-1))
        known = people.find_name(clean_name(" ".join(t.text for t in run))[0], 0) is not None
        if head.ent_type_ not in ORG_LABELS or known:
            return run
    appositions = [c for c in head.children if c.dep_ == "appos"]
    for phrase in [core_phrase(head), *map(core_phrase, appositions)]:
        ents = [e for e in head.doc.ents if e.label_ == "PERSON" and e.start <= phrase[-1].i and phrase[0].i < e.end]
        if ents:
            return list(ents[-1])
    return []


def is_name_part(token: Token) -> bool:
    joined = token.text in "-‐" and not token.whitespace_
    return joined or is_proper_noun(token) and token.text[:1].isupper() and token.lower_ not in TITLES


def singular(noun: str) -> str:
    """Enough for the speaker nouns: 'officials' -> 'official', 'authorities' -> 'authority'."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def pronoun_speaker(pronoun: str, at: int, sentence: Sentence, people: People) -> Speaker:
    """'he' and 'she' mean a person of the article; 'it' and 'they' the organisation or group that spoke last."""
    if pronoun.lower() in ("it", "they"):
        group = people.latest_group(pronoun, sentence.paragraph)
        return Speaker(group.name, group.type, pronoun) if group else Speaker(None, "unknown", pronoun)
    person = people.antecedent(pronoun, at, sentence.paragraph) if pronoun.lower() in PERSON_PRONOUNS else None
    if person is None:
        return Speaker(None, "unknown", pronoun)
    people.mention(at, sentence.paragraph, person, subject=True)
    return Speaker(person.name, "person", pronoun)


HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "the", "former", "late", "sir", "dame"}


def roles(text: str, names: set[str]) -> dict[str, set[str]]:
    """The titles and roles the article writes before each full name: 'South Korean President', 'Gyeonggi Gov.'."""
    found: dict[str, set[str]] = {}
    for name in names:
        if len(name.split()) < 2:
            continue
        pattern = r"\s+".join(re.escape(part) for part in name.split())
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if role := role_before(text[max(0, match.start() - 100):match.start()]):
                found.setdefault(name, set()).add(role)
    return found


def role_before(before: str) -> str | None:
    """The run of title words and capitalised words just before a name, if it holds a title."""
    if not before.endswith(" "):
        return None
    words = before.rsplit("\n", 1)[-1].split()[-6:]
    role: list[str] = []
    for word in reversed(words):
        if word[-1] in ",;:()\"“”" or (word.endswith(".") and word.lower() not in TITLES):
            break
        if word.lower() in TITLES or word[:1].isupper():
            role.insert(0, word)
        else:
            break
    while role and role[0].lower() in ("the", "a", "an"):
        role.pop(0)
    if any(w.lower() in TITLES and w.lower() not in HONORIFICS for w in role):
        return " ".join(role)
    return None
