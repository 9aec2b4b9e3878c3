"""Entities stage: the people and organisations an article names, each joined into one entity with
every spelling, title, role and gender the article gives it, and where each is mentioned.

The parser's PERSON entities (in the sentences that were parsed) are the seeds. Every other sentence
is only tokenised, so the rest is string matching over the text: capitalised runs that share a word
with a name ('Donald Trump' for the 'Trump' the parser found), names after a title ('Ms. Okafor'),
the roles written around a full name ('Lena Fischer, the former chief of staff'), and acronyms
given with their expansion. A surname, a given name, a titled surname or a definite description
('the mayor') is then resolved to the entity it means, and a pronoun to the latest compatible subject.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from spacy.lang.en.stop_words import STOP_WORDS

from .lexicon import (FEMALE_NOUNS, FEMALE_PRONOUNS, FEMALE_TITLES, GENERIC_ORG_NOUNS, MALE_NOUNS, MALE_PRONOUNS, MALE_TITLES,
                      NAME_PARTICLES, NOT_SURNAMES, ORG_NOUNS, PLACE_PREFIXES, ROLE_WORDS, TITLES)
from .model import DisjointSpans, Gender, GenderSource, Span
from .names import fold, given_name_gender, is_given_name, name_pattern, role_before
from .parse import Sentence, is_proper_noun

PRONOUN_WINDOW_PARAGRAPHS = 3
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
WORD = re.compile(r"[^\W\d_](?:[\w\-]|[’'](?![sS]\b))*\.?|[A-Z]\.")  # a word, an initial ('J.') or an abbreviated title ('Gov.')
ACRONYM_AFTER = re.compile(r"((?:[A-Z][\w&’'\-]*[ \t]+(?:(?:of|for|and|on|the|de)[ \t]+)*){1,8})\(([A-Z][A-Z&]{1,7})\)")
NAMED_ORGANIZATION = re.compile(r"\b(?:(?:[A-Z][\w&’'\-]*\s+){1,4}(?:Inc\.|Ltd\.?|Corp\.|LLC|Ventures|Systems|Federation|Union|"
                                r"Association|Foundation|Institute|Directorate|Agency|Authority|Service|Council|Commission|Committee|"
                                r"Party|Bank|Company|Corporation|University|Trust|Fund|Group)|"
                                r"(?:Ministry|Department|Office|Bureau|Board|Commission) of (?:the )?(?:[A-Z][\w\-]+\s?){1,3})")
ACRONYM_BESIDE = re.compile(r"((?:[A-Z][\w&’'\-]*[ \t]+(?:(?:of|for|and|on|the|de)[ \t]+)*){1,8}?[A-Z][\w&’'\-]*),"
                            r"[ \t]+(?:or|known(?:[ \t]+\w+){0,4}?[ \t]+as)[ \t]+(?:the[ \t]+)?([A-Z][A-Z&]{1,7})\b")
JOINED_PARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|an|az|bin|ibn|abu)-[A-Z]")  # 'Nour al-Sabbagh'
AGE_AFTER = re.compile(r",\s+(\d{1,3}),")
AGED = re.compile(r"\b(\d{1,3})\s*-\s*year\s*-\s*old\b")
BESIDE_BEFORE = re.compile(r"\b([a-z][\w-]*),\s+$")  # 'The club's chairwoman, Yolanda de Vries'
APPOSITIVE_ROLE = re.compile(r",\s+(?:the|a|an|its|his|her|their|[\w.&-]+[’']s)\s+([a-z][\w\s’'\-]{2,60}?)\s*(?=[,.;]|\s+(?:who|said|says|told))")


@dataclass(eq=False)  # two entities are never the same object, whatever their fields
class Entity:
    """One person or organisation of the article, with every spelling seen."""

    type: Literal["person", "organization"] = "person"
    spellings: Counter = field(default_factory=Counter)
    parts: tuple[str, ...] = ()
    gender: Gender | None = None
    gender_source: GenderSource | None = None  # 'text': the article's titles, nouns or pronouns; 'names': the first-name table
    first_seen: int = 0
    named: tuple = field(default=(), repr=False)  # (spellings seen, name) the last time the name was chosen

    @property
    def name(self) -> str:
        seen = (len(self.spellings), sum(self.spellings.values()))
        if not self.named or self.named[0] != seen:
            full = [s for s in self.spellings if not is_partial(name_parts(s))] or list(self.spellings)
            self.named = (seen, max(full, key=lambda s: (self.spellings[s], -full.index(s))))
        return self.named[1]

    @property
    def likely_gender(self) -> Gender | None:
        """The gender the article has shown so far, else the one the first-name table gives."""
        words = self.name.split()
        return self.gender or (given_name_gender(words[0]) if not is_partial(self.parts) else None)

    def note_gender(self, gender: Gender | None, source: GenderSource = "text") -> None:
        """The first gender found for this person stays, with where it came from; the article's own words
        confirming a gender the first-name table gave ('Maria ...', then 'she said') make its source the text."""
        if self.gender is None and gender is not None:
            self.gender, self.gender_source = gender, source
        elif gender is not None and gender == self.gender and source == "text":
            self.gender_source = "text"


@dataclass(frozen=True)
class Mention:
    """An entity named (or spoken of) at a position; subjects make the best antecedents."""

    at: int
    paragraph: int
    entity: Entity
    subject: bool


@dataclass(frozen=True)
class Run:
    """A capitalised run of words in the text: the name it holds and the titles before it."""

    at: int
    name: str
    titles: tuple[str, ...]
    paragraph: int
    role: bool = False  # followed by a role in apposition: 'Lena Fischer, the former chief of staff'
    age: int | None = None  # the age written after it: 'Ines Caldera, 54,'
    heading: bool = False  # in a title-case line, where capitals say little: its runs extend people, never make them
    gender: Gender | None = None  # from a title or a noun beside it: 'Ms.', 'His sister, Dara Nguyen'
    leading: bool = False  # near the start of its sentence, where the subject usually is


# --- names and their parts ---


@lru_cache(maxsize=65536)
def name_parts(name: str) -> tuple[str, ...]:
    return tuple(fold(p) for p in name.split() if len(p.strip(".")) > 1 or p.lower() in NAME_PARTICLES)


def is_partial(parts: tuple[str, ...]) -> bool:
    """A surname or given name alone: one word, or a surname with its particles ('Ní Fhloinn', 'van der
    Berg'); a particle that is also a given name ('Al Gore', 'Ben Carson') starts a full name."""
    if len(parts) <= 1:
        return len(parts) == 1
    return parts[0] in NAME_PARTICLES and (not is_given_name(parts[0]) or len(parts) > 2 and parts[1] in NAME_PARTICLES)


def is_part_of(parts: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """'Clinton' of Hillary Clinton, 'Hillary' of her, 'van der Berg' of Pieter van der Berg, and a
    surname among two ('Acosta' of Melba Acosta Febo)."""
    return parts in (full[:1], full[-1:], surname_of(full)) or len(parts) == 1 and len(full) > 2 and parts[0] in full[1:]


def surname_of(parts: tuple[str, ...]) -> tuple[str, ...]:
    """'van der Berg' of Pieter van der Berg, 'Cruz' of Ana Cruz: from the first particle, else the last word."""
    for i in range(1, len(parts) - 1):
        if parts[i] in NAME_PARTICLES:
            return parts[i:]
    return parts[-1:]


def whole_words(text: str, start: int, end: int) -> str:
    """Widen a name to whole words, so a tokenizer's 'Ji' '-' 'hoon' is read as 'Ji-hoon'."""
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-‐" and start > 1 and text[start - 2].isalnum()):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "-‐" and end + 1 < len(text) and text[end + 1].isalnum()):
        end += 1
    return text[start:end]


def is_title(word: str) -> bool:
    return word.lower() in TITLES or word.lower().rstrip(".") in TITLES


def clean_name(text: str) -> tuple[str, set[str]]:
    """Drop titles, roles, possessives and brackets: 'Secretary of State Ana Morales’s' -> ('Ana Morales', {'secretary'})."""
    text = re.sub(r"[’']s$", "", text.strip()).replace("[", " ").replace("]", " ")
    words = text.split()
    titles = set()
    while words and (is_title(words[0]) and not is_first_name_not_title(words) or not is_capitalised(words[0])):
        titles.add(words.pop(0).lower())
    while words and (not is_capitalised(words[-1]) or words[-1].endswith(".") and is_title(words[-1]) or words[-1].lower() in SUFFIXES):
        words.pop()  # 'nominee Gov.' is no name; 'Steve King' keeps its King
    last_title = max((i for i, w in enumerate(words[:-1]) if is_title(w) or w.islower() and w not in NAME_PARTICLES), default=None)
    if last_title is not None:  # 'California Rep. Duncan Hunter', 'South Korean leader Moon Jae-in'
        titles.update(w.lower() for w in words[:last_title + 1])
        words = words[last_title + 1:]
    return " ".join(without_leading_modifiers(words)), titles


def is_capitalised(word: str) -> bool:
    return word[:1].isupper() or "-" in word[:4] and JOINED_PARTICLE.match(word) is not None


def is_first_name_not_title(words: list[str]) -> bool:
    """'Dean Baquet', 'Major Garrett': a title word that is a given name before a single surname."""
    return len(words) == 2 and is_given_name(words[0].rstrip(".")) and not words[0].endswith(".")


def without_leading_modifiers(words: list[str]) -> list[str]:
    """'Democrat Hillary Clinton', 'State Ana Morales': a run of three or more capitalised words
    whose first is no given name starts at the given name inside it."""
    if len(words) < 3 or is_given_name(words[0]) or words[1].lower() in NAME_PARTICLES:
        return words
    start = next((i for i, w in enumerate(words[1:-1], 1) if is_given_name(w)), 0)
    return words[start:]


def noun_gender(nouns) -> Gender | None:
    if nouns & MALE_NOUNS:
        return "male"
    if nouns & FEMALE_NOUNS:
        return "female"
    return None


def title_gender(titles) -> Gender | None:
    lowered = {t.lower() for t in titles}
    if lowered & MALE_TITLES:
        return "male"
    if lowered & FEMALE_TITLES:
        return "female"
    return None


def capitalised_runs(text: str, start: int, end: int, paragraph: int, heading: bool = False) -> list[Run]:
    """Runs of capitalised words (with particles and initials inside them) between ``start`` and
    ``end``: the string-matching half of name finding, for sentences the parser never sees."""
    runs, current = [], []
    for match in WORD.finditer(text, start, end):
        word = match.group()
        capital = is_capitalised(word)
        if current:
            if text[current[-1].end():match.start()].isspace() and (capital or word.lower() in NAME_PARTICLES):
                current.append(match)
            else:
                runs.append(current)
                current = [match] if capital else []
        elif capital:
            current = [match]
        if current and text[match.end():match.end() + 2] in ("'s", "’s"):
            runs.append(current)
            current = []
    runs.append(current)
    heading = heading or is_title_case(text[start:end])
    if heading:  # every word is capitalised: the names are the given names and the word after each
        runs = [words[i:i + 2] for words in runs for i in range(len(words) - 1) if is_given_name(words[i].group())]
    return [run for words in runs if len(words) > 1 and (run := to_run(text, words, paragraph, heading, start))]  # one word names no one new


def to_run(text: str, words: list, paragraph: int, heading: bool = False, sentence_start: int = 0) -> Run | None:
    while words and (words[0].group().lower() in STOP_WORDS and not is_title(words[0].group())):
        words = words[1:]  # 'But', 'When', 'The'
    while words and words[-1].group().lower() in NAME_PARTICLES:
        words = words[:-1]
    if not words:
        return None
    raw = text[words[0].start():words[-1].end()]
    if raw.endswith(".") and len(words[-1].group()) > 2 and not is_title(words[-1].group()):
        raw = raw[:-1]  # a full stop, not an initial or 'Gov.'
    name, titles = clean_name(raw)
    if not name:
        return None
    after = APPOSITIVE_ROLE.match(text, words[-1].end())
    before = BESIDE_BEFORE.search(text, max(0, words[0].start() - 40), words[0].start())
    role = bool(after or before and before.group(1).lower() in ROLE_WORDS)
    nouns = {m.group(1).lower() for m in (before,) if m} | set(after.group(1).lower().split()[-1:] if after else ())
    age = int(aged.group(1)) if (aged := AGE_AFTER.match(text, words[-1].end())) else None
    gender = title_gender(titles) or noun_gender(nouns)
    leading = words[0].start() - sentence_start < 40
    return Run(words[0].start() + raw.find(name.split()[0]), name, tuple(sorted(titles)), paragraph, role, age, heading, gender, leading)


# --- the entities of one article ---


class Entities:
    """The people and organisations of one article and where each is mentioned."""

    def __init__(self, text: str = "", runs: list[Run] | None = None) -> None:
        self.text = text
        self.persons: list[Entity] = []
        self.organizations: dict[str, Entity] = {}  # by acronym and by folded name
        self.organization_mentions: list[tuple[int, int, Entity]] = []
        self.mentions: list[Mention] = []
        self.groups: list[tuple[int, int, object]] = []  # (at, paragraph, speaker) of unnamed speakers, in text order
        self.runs = runs or []
        self.not_people: set[str] = set()  # folded names the parser called a place, an organisation, a work ...
        self.by_spelling: dict[str, Entity] = {}  # folded spelling -> person
        self.roles_seen: dict[int, tuple[int, frozenset[str]]] = {}  # id(person) -> (spellings seen, roles)
        self.full_runs: dict[tuple[str, ...], list[Run]] = {}  # surname, last word or given name -> full names written
        for run in self.runs:
            parts = name_parts(run.name)
            if parts and not is_partial(parts):
                for key in {surname_of(parts), parts[-1:], parts[:1]}:
                    self.full_runs.setdefault(key, []).append(run)

    # --- gathering names ---

    def add_name(self, text: str, at: int, weight: float = 1.0, titles=()) -> Entity | None:
        name, own_titles = clean_name(text)
        if not name or not name[0].isupper():
            return None
        titles = set(titles) | own_titles
        gender = title_gender(titles)
        person = self.find_name(name, at, gender)
        if person is None and is_partial(name_parts(name)):
            person = self.person_from_runs(name_parts(name), at, gender)
        if person is None:
            person = Entity(parts=name_parts(name), first_seen=at)
            self.persons.append(person)
        self.add_spelling(person, name, weight)
        person.note_gender(gender)
        return person

    def add_spelling(self, person: Entity, name: str, weight: float) -> None:
        if len(name.split()) > 1 and len(name_parts(name)) > len(person.parts):
            person.parts = name_parts(name)
        person.spellings[name] += weight
        self.by_spelling.setdefault(fold(name), person)

    def written_in_full(self, name: str) -> bool:
        """A surname or given name that a full name written somewhere in the article holds."""
        parts = name_parts(name)
        return is_partial(parts) and bool(self.full_runs.get(parts))

    def person_from_runs(self, parts: tuple[str, ...], at: int, gender: Gender | None) -> Entity | None:
        """A surname the parser found alone, whose full name the article writes elsewhere: the
        full name nearest before it (else the first after it), of a compatible gender."""
        fitting = [r for r in self.full_runs.get(parts, ()) if compatible(gender, r.gender)
                   and (parts in (surname_of(name_parts(r.name)), name_parts(r.name)[-1:])
                        or parts == name_parts(r.name)[:1] and is_given_name(parts[0]))]
        # the first-name table only chooses between full names: 'Ms. Epstein' is Lee Epstein, whom it calls male
        fitting = [r for r in fitting if compatible(gender, given_name_gender(r.name.split()[0]))] or fitting
        if not fitting or len({fold(r.name) for r in fitting}) > 1 and gender is None and not any(r.at < at for r in fitting):
            return None
        before = [r for r in fitting if r.at < at]
        run = before[-1] if before else fitting[0]
        person = self.find_full(run.name) or Entity(parts=name_parts(run.name), first_seen=run.at)
        if person not in self.persons:
            self.persons.append(person)
        self.add_spelling(person, run.name, 0.5)
        person.note_gender(run.gender)
        return person

    def find_name(self, name: str, at: int, gender: Gender | None = None) -> Entity | None:
        parts = name_parts(name)
        if not parts:
            return None
        if is_partial(parts):
            return self.find_part(parts, at, gender)
        return self.find_full(name)

    def find_full(self, name: str) -> Entity | None:
        key, parts = fold(name), name_parts(name)
        if not parts:
            return None
        if key in self.by_spelling:
            return self.by_spelling[key]
        for person in self.persons:
            if len(person.parts) > 1 and (person.parts[0], person.parts[-1]) == (parts[0], parts[-1]):
                return person
        given = parts[:1] if is_given_name(parts[0]) else ()  # 'Hillary' grows into 'Hillary Clinton', 'Obama' not into 'Obama Speech'
        single = [p for p in self.persons if len(p.parts) == 1 and p.parts[0] in (*given, parts[-1])]
        if len(single) == 1:
            return single[0]
        surnamed = [p for p in self.persons if len(p.parts) > len(parts) and surname_of(p.parts) == parts]  # 'Mac Suibhne'
        return surnamed[0] if len(surnamed) == 1 else None

    def find_part(self, parts: tuple[str, ...], at: int, gender: Gender | None = None) -> Entity | None:
        """A surname or given name alone: the person of that name (and of a compatible gender) mentioned
        last before ``at``, else the one the article named first."""
        matching = [p for p in self.persons if is_part_of(parts, p.parts) and compatible(gender, p.likely_gender)]
        if len(matching) <= 1:
            return matching[0] if matching else None
        return self.latest_of(matching, at) or min(matching, key=lambda p: p.first_seen)

    def latest_of(self, people: list[Entity], at: int) -> Entity | None:
        """Of several people, the one mentioned last before ``at``."""
        wanted = {id(p) for p in people}
        for i in range(self.count_before(at) - 1, -1, -1):
            if id(self.mentions[i].entity) in wanted:
                return self.mentions[i].entity
        return None

    def mention(self, at: int, paragraph: int, entity: Entity, subject: bool) -> None:
        insort(self.mentions, Mention(at, paragraph, entity, subject), key=lambda m: m.at)

    def subject_between(self, start: int, end: int) -> Mention | None:
        between = self.mentions[self.count_before(start):self.count_before(end)]
        return next((m for m in reversed(between) if m.subject), None)

    def count_before(self, at: int) -> int:
        return bisect_left(self.mentions, at, key=lambda m: m.at)

    # --- descriptions and organisations ---

    def roles_of(self, person: Entity) -> frozenset[str]:
        seen = len(person.spellings)
        if self.roles_seen.get(id(person), (None,))[0] != seen:
            self.roles_seen[id(person)] = (seen, roles_in(self.text, person.spellings))
        return self.roles_seen[id(person)][1]

    def described(self, words: list[str], at: int) -> Entity | None:
        """'the mayor', 'the former chief of staff', 'her coach': the one person the article gives that
        role (before or after), or the one of several mentioned last before ``at``."""
        wanted = {w for w in words if w not in ("the", "of")}
        fits = lambda role: wanted <= set(role.split()) and head_of(role.split()) == head_of(words)  # noqa: E731
        matching = [p for p in self.persons if any(fits(role) for role in self.roles_of(p))]
        age = AGED.search(" ".join(words))
        if age is not None and not matching:  # 'the 31-year-old said', after 'Ines Caldera, 31,'
            aged = {fold(r.name): r for r in self.runs if r.age == int(age.group(1)) and not is_partial(name_parts(r.name))}
            matching = [self.add_name(r.name, r.at, weight=0.5) for r in aged.values()]
        if len(matching) <= 1:
            return matching[0] if matching else None
        return self.latest_of(matching, at)

    def add_organization(self, name: str, at: int, acronym: str | None = None) -> Entity:
        organization = self.organizations.get(fold(name)) or Entity("organization", first_seen=at)
        organization.spellings[name] += 1
        for key in filter(None, (fold(name), acronym and fold(acronym))):
            self.organizations.setdefault(key, organization)
        insort(self.organization_mentions, (at, id(organization), organization), key=lambda m: m[0])
        return organization

    def organization(self, phrase: str, at: int) -> Entity | None:
        """An organisation by name or acronym ('the NTSB'), by a noun of its name ('the directorate'),
        or for a generic noun ('the company') the organisation named last before ``at``."""
        key = fold(re.sub(r"^(the|a|an)\s+", "", phrase, flags=re.IGNORECASE))
        if key in self.organizations:
            return self.organizations[key]
        named = next((o for o in self.organizations_before(at) if any(fold(w) == key for w in o.name.split())), None)
        return named or (next(self.organizations_before(at), None) if key in GENERIC_ORG_NOUNS else None)

    def organizations_before(self, at: int):
        """The organisations named before ``at``, latest first."""
        count = bisect_left(self.organization_mentions, at, key=lambda m: m[0])
        return (self.organization_mentions[i][2] for i in range(count - 1, -1, -1))

    # --- pronouns ---

    def group_speaker(self, at: int, paragraph: int, speaker):
        self.groups.append((at, paragraph, speaker))
        return speaker

    def latest_group(self, pronoun: str, at: int, paragraph: int) -> tuple[int, object] | None:
        """'The ministry said ... It added ...': the last organisation (for 'it') or group that spoke nearby."""
        wanted = {"organization"} if pronoun.lower() == "it" else {"organization", "description", "person", "unknown"}
        for where, in_paragraph, speaker in reversed(self.groups):
            if where > at:
                continue
            if paragraph - in_paragraph > PRONOUN_WINDOW_PARAGRAPHS:
                return None
            if speaker.type in wanted:
                return where, speaker
        return None

    def latest_organization(self, at: int) -> tuple[int, Entity] | None:
        """The organisation named last before ``at`` ('The Ministry of Health has urged ... it said')."""
        count = bisect_left(self.organization_mentions, at, key=lambda m: m[0])
        return self.organization_mentions[count - 1][::2] if count else None

    def antecedent(self, pronoun: str, at: int, paragraph: int, sentence_start: int = -1) -> Entity | None:
        """The person a pronoun means: the subject of its own sentence, else the latest subject before it
        (one of its gender first), not merely the nearest name, never one of the other known gender;
        within the last few paragraphs first, then anywhere before."""
        gender = pronoun_gender(pronoun)
        # the latest mention of each kind, in order of preference; 'Ban condemned what he called ...' first
        best: list[Entity | None] = [None] * 5
        for i in range(self.count_before(at) - 1, -1, -1):
            m = self.mentions[i]
            likely = m.entity.likely_gender
            if not compatible(gender, likely):
                continue
            near = paragraph - m.paragraph <= PRONOUN_WINDOW_PARAGRAPHS
            if not near:
                if any(best):
                    break
                if m.subject:
                    return m.entity
                continue
            known = gender is not None and likely == gender
            for tier, fits in enumerate((m.subject and m.at >= sentence_start, m.subject and known, known, m.subject, True)):
                if fits and best[tier] is None:
                    best[tier] = m.entity
            if best[0] is not None or m.at < sentence_start and best[1] is not None:
                break  # nothing earlier can outrank what is found
        return next((entity for entity in best if entity is not None), None)


def compatible(wanted: Gender | None, known: Gender | None) -> bool:
    return wanted is None or known is None or wanted == known


def pronoun_gender(word: str) -> Gender | None:
    lowered = word.lower()
    return "male" if lowered in MALE_PRONOUNS else "female" if lowered in FEMALE_PRONOUNS else None


# --- the stage ---


def find_entities(text: str, sentences: list[Sentence], quoted: DisjointSpans, headline: Span | None) -> Entities:
    """Every person the parser found, extended and joined by the names written anywhere in the article,
    the headline included ('Hillary Clinton Goes After ...' for the 'Clinton' of the body)."""
    runs = capitalised_runs(text, headline.start, headline.end, -1, heading=True) if headline else []
    entities = Entities(text, runs=runs + [run for s in sentences for run in capitalised_runs(text, s.span.start, s.span.end, s.paragraph)])
    found: list[tuple[int, int, str, bool, tuple[str, ...]]] = []
    for sentence in sentences:
        if sentence.tokens is None:
            continue
        entities.not_people.update(fold(e.text) for e in sentence.tokens.ents if e.label_ not in ("PERSON", "DATE", "CARDINAL"))
        for name in [*(e for e in sentence.tokens.ents if e.label_ == "PERSON"), *titled_names(sentence.tokens)]:
            span = sentence.token_span(name[0], name[-1])
            outside = span.start not in quoted
            found.append((span.start, sentence.paragraph, whole_words(text, span.start, span.end),
                          outside and is_main_subject(name.root), titles_before(name)))
    full = [f for f in found if not is_partial(name_parts(clean_name(f[2])[0]))]
    for at, _, name, _, titles in sorted(full):
        entities.add_name(name, at, titles=titles)
    join_runs(entities, quoted, full=True)  # surnames after every full name, the article's included: 'Mr. Nguyen' has both
    for at, _, name, _, titles in sorted(f for f in found if f not in full):
        entities.add_name(name, at, titles=titles)
    for at, paragraph, name, subject, titles in sorted(set(found)):
        person = entities.find_name(clean_name(name)[0], at, title_gender(titles))
        if person is not None and at not in quoted:
            entities.mention(at, paragraph, person, subject)
    join_runs(entities, quoted, full=False)
    note_acronyms(entities, text)
    for sentence in sentences:
        if sentence.tokens is not None:
            note_organizations(entities, text, sentence)
    if headline:
        for person in entities.persons:
            for spelling in list(person.spellings):
                if len(spelling.split()) > 1 and spelling in text[headline.start:headline.end]:
                    person.spellings[spelling] += 0.5
    note_unparsed_mentions(entities, text, sentences, quoted)
    note_genders(entities, text, sentences, quoted)
    return entities


def is_title_case(line: str) -> bool:
    """A heading ('Obama Speech Draws Praise'): its capitals say nothing of names."""
    words = [w for w in line.split() if w[:1].isalpha()]
    return len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.8 * len(words)


def join_runs(entities: Entities, quoted: DisjointSpans, full: bool) -> None:
    """Full names written anywhere join the person whose surname or given name they share
    ('Donald J. Trump' extends 'Trump') or are people of their own; a titled surname ('Ms. Okafor')
    is a mention with a gender."""
    for run in [r for r in entities.runs if is_partial(name_parts(r.name)) != full]:
        parts = name_parts(run.name)
        gender = run.gender
        if not parts:
            continue
        if full:
            person = entities.find_full(run.name)
            if person is None and not run.heading and looks_like_person(run, entities):
                person = entities.add_name(run.name, run.at, weight=0.5, titles=run.titles)
            elif person is not None:
                entities.add_spelling(person, run.name, 0.5)
        elif run.titles and gender:
            person = entities.find_part(parts, run.at, gender)
        else:
            continue
        if person is not None:
            if entities.find_part(parts, run.at) is person or len(parts) > 1:  # 'Ms. Kowalski' of two Kowalskis tells no gender
                person.note_gender(gender)
            if run.at not in quoted and run.paragraph >= 0:  # the headline names, but is no place in the story
                entities.mention(run.at, run.paragraph, person, subject=run.leading)


def looks_like_person(run: Run, entities: Entities) -> bool:
    """A run the parser never saw names a person when it has a title ('Mayor Ines Caldera'), or starts
    with a given name and is no place, thing or organisation: not one the parser named so elsewhere in
    the article, not ending in such a word ('Virginia Beach', 'Paris Agreement', 'Jordan River')."""
    words = run.name.split()
    if fold(run.name) in entities.not_people or words[0].lower() in PLACE_PREFIXES:
        return False
    if any(t in TITLES and t not in ("the", "former", "late") for t in run.titles):
        return True
    return is_given_name(words[0]) and words[-1].lower() not in ORG_NOUNS | NOT_SURNAMES and not words[-1].isupper()


def titles_before(name) -> tuple[str, ...]:
    """The title words just before a PERSON entity: 'Ms.' of 'Ms. Anna Lee', whose entity is 'Anna Lee'."""
    titles, i = [], name.start - 1
    while i >= 0 and is_title(name.doc[i].text) and len(titles) < 3:
        titles.append(name.doc[i].lower_)
        i -= 1
    return tuple(titles)


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


def is_main_subject(token) -> bool:
    return token.dep_ in ("nsubj", "nsubjpass") and (token.head.dep_ == "ROOT" or token.head.head.dep_ == "ROOT")


def note_organizations(entities: Entities, text: str, sentence: Sentence) -> None:
    """The parser's organisations, less the people it mistook for one ('Vandermeer')."""
    for ent in sentence.tokens.ents:
        if ent.label_ == "ORG":
            span = sentence.token_span(ent[0], ent[-1])
            name = re.sub(r"^(the|The)\s+", "", whole_words(text, span.start, span.end))
            if entities.find_name(clean_name(name)[0], span.start) is None:
                entities.add_organization(name, span.start)


def note_acronyms(entities: Entities, text: str) -> None:
    """'the National Transport Safety Board (NTSB)': the acronym names the organisation; and names
    of the form 'Ministry of Health' the parser may not have seen."""
    for match in ACRONYM_AFTER.finditer(text):
        words, acronym = match.group(1).split(), match.group(2)
        for start in range(len(words)):
            name = words[start:]
            initials = {"".join(w[0] for w in name if w[:1].isupper()), "".join(w[0] for w in name).upper()}
            if name[0][:1].isupper() and name[0] != "The" and acronym in initials:
                entities.add_organization(" ".join(name), match.start(), acronym)
                break
    for match in ACRONYM_BESIDE.finditer(text):
        name = re.sub(r"^(?:The|A)\s+", "", " ".join(match.group(1).split()))
        entities.add_organization(name, match.start(), match.group(2))
    for match in NAMED_ORGANIZATION.finditer(text):
        entities.add_organization(" ".join(match.group().split()), match.start())


def note_unparsed_mentions(entities: Entities, text: str, sentences: list[Sentence], quoted: DisjointSpans) -> None:
    """Known names in sentences that were not parsed still count as mentions (a leading one as subject)."""
    forms: dict[str, Entity] = {}
    for person in entities.persons:
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
            if match.start() in quoted:
                continue
            leading = match.start() - sentence.span.start < 40
            entities.mention(match.start(), sentence.paragraph, forms[match.group(1)], subject=leading)


def roles_in(text: str, spellings) -> frozenset[str]:
    """The roles written around a person's name, lower-cased, for descriptions to match: before it
    ('former chief of staff Lena Fischer', 'The club's chairwoman, Yolanda de Vries') or in
    apposition after it ('Lena Fischer, the former chief of staff,', 'Pieter Graaf, TMG's chief executive,')."""
    found = set()
    for spelling in spellings:
        for match in re.finditer(r"\b" + name_pattern(spelling) + r"\b", text):
            before = text[max(0, match.start() - 100):match.start()]
            if role := role_before(before, loose=True) or role_before_comma(before):
                found.add(" ".join(role.lower().split()))
            if after := APPOSITIVE_ROLE.match(text, match.end()):
                found.add(" ".join(after.group(1).lower().split()))
    return frozenset({without_holder(role) for role in found} - {""})


def without_holder(role: str) -> str:
    """'mayor villanueva's chief of staff' is a chief of staff: what comes before a possessive is the
    holder; and 'chief of staff to the governor' too: what follows its preposition is whose."""
    words = re.split(r"\s+(?:to|for|at|with|in|on|from)\s+", role)[0].split()
    held = max((i for i, w in enumerate(words) if re.search(r"[’']s$", w)), default=-1)
    return " ".join(words[held + 1:])


def head_of(words: list[str]) -> str:
    """The head noun of a role or description: 'chief' of 'former chief of staff', 'mayor' of 'deputy mayor'."""
    return (words[:words.index("of")] if "of" in words else words)[-1] if words else ""


def role_before_comma(before: str) -> str | None:
    """'The lead prosecutor, ' before a name: the role in the words since the last break."""
    if not before.endswith(", "):
        return None
    phrase = re.split(r"[.;:!?()\"“”\n]|, ", before[:-2])[-1].split()
    while phrase and (phrase[0].lower() in ("the", "a", "an", "his", "her", "its", "their") or re.search(r"[’']s$", phrase[0])):
        phrase.pop(0)
    if 0 < len(phrase) <= 5 and phrase[-1].lower() in ROLE_WORDS:
        return " ".join(phrase)
    return None


def note_genders(entities: Entities, text: str, sentences: list[Sentence], quoted: DisjointSpans) -> None:
    """A gender for each person: the titles the article gives (set while gathering), then the
    first-name table where it is clear, then 'he' and 'she' in sentences that name that person alone.

    The table goes before the pronouns because a pronoun beside a name often means someone else
    ('Warren asked whether he had known'); many clear pronouns still overrule it ('Andrea ... he')."""
    votes: dict[int, Counter] = {}
    starts = [m.at for m in entities.mentions]
    for sentence in sentences:
        within = entities.mentions[bisect_left(starts, sentence.span.start):bisect_left(starts, sentence.span.end)]
        named = {id(m.entity): m for m in within}
        if len(named) != 1:
            continue
        (mention,) = named.values()
        for word in re.finditer(r"\b(?:he|she|He|She)\b", text[mention.at:sentence.span.end]):
            if mention.at + word.start() not in quoted:
                votes.setdefault(id(mention.entity), Counter())[pronoun_gender(word.group())] += 1
    for person in entities.persons:
        if person.gender is not None:
            continue
        counts = votes.get(id(person), Counter())
        (top, n), *rest = counts.most_common() + [(None, 0)]
        voted = top if n >= 2 and n >= 3 * rest[0][1] else None
        table = person.likely_gender  # the first-name table's, as the person has no gender yet
        if voted and (table in (None, voted) or n >= 4 and not rest[0][1]) or table is None:
            person.note_gender(voted)  # the pronouns agree with the table, overrule it, or are all there is
        else:
            person.note_gender(table, "names")
