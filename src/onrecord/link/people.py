"""One person per name: the spellings of one name (any case, accents, hyphens), the same name with a
middle initial, and the aliases a user gave are one person, unless the user kept them apart.

``person_for`` is the one algorithm, on a ``PeopleIndex``: the store keeps one in SQLite, the Spark job
one in memory (``MemoryPeople``). A person is named by ``canonical_name``, from all the names used for
them, so the name never depends on which article came first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from ..model import NamedPerson, Statement
from ..names import loose_key, person_key


class PeopleIndex(Protocol):
    def person_with_key(self, key: str) -> int | None: ...
    def kept_apart(self, key: str, person: int) -> bool: ...  # the user said this name is not that person
    def new_person(self, key: str) -> int: ...
    def add_key(self, key: str, person: int, replace: bool = False) -> None: ...
    def note_name(self, person: int, name: str, kind: str, uses: int) -> None: ...


def person_for(index: PeopleIndex, name: str, kind: str, uses: int = 1) -> int | None:
    """The person this name is (any spelling, an alias, or the same name with a middle initial), or a new one."""
    key = person_key(name)
    if not key:
        return None
    person = index.person_with_key(key)
    if person is None and (loose := loose_key(name)) != key:
        person = index.person_with_key(loose)
        if person is not None and index.kept_apart(key, person):
            person = None
    if person is None:
        person = index.new_person(key)
        index.add_key(loose_key(name), person)
    index.add_key(key, person)
    index.note_name(person, name, kind, uses)
    return person


def canonical_name(names: Iterable[tuple[str, int]], given: str | None = None) -> str:
    """A person's name: the one an aliases file gave, else the one used in most articles, then the fullest
    ('Zed Q. Okafor' over 'Zed Okafor' when each is used once), then the first in alphabetical order."""
    if given:
        return given
    return min(names, key=lambda item: (-item[1], -len(item[0].split()), -len(item[0]), item[0]))[0]


def variants_text(names: Iterable[tuple[str, int]]) -> str:
    """The names a person was given in articles, most used first: 'Ana Ruiz | Ana María Ruiz'."""
    return " | ".join(name for name, uses in sorted(names, key=lambda item: (-item[1], item[0])) if uses > 0)


def majority_gender(counts: dict[str, int]) -> str | None:
    """A person's gender is the one most of their statements give (a tie or none: unknown)."""
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None


def person_gender(given: str | None, counts: dict[str, int]) -> str | None:
    """A person's gender: the one an aliases file gave, else the one most of their statements give."""
    return given or majority_gender(counts)


def gender_source(gender: str | None, given_gender: str | None, from_text: Iterable[str]) -> str | None:
    """Where a person's gender comes from: 'aliases' when an aliases file gave one, else 'text' when an article
    that quotes them gave that gender from its own words (``from_text``: the genders such articles gave), else
    'names' (the first-name table); None when the gender is unknown."""
    if given_gender:
        return "aliases"
    if gender is None:
        return None
    return "text" if gender in set(from_text) else "names"


def article_people_rows(article_id: str, people: Iterable[NamedPerson], statements: Iterable[Statement]) -> list[tuple]:
    """The article_people rows of an article (article_id, key, name, quoted, gender, gender_source), quoted by ``statements``."""
    return [(article_id, person_key(p.name), p.name, int(p.quoted), p.gender, p.gender_source) for p in with_quoted(people, statements)]


def with_quoted(people: Iterable[NamedPerson], statements: Iterable[Statement]) -> list[NamedPerson]:
    """An article's named people, each quoted when one of ``statements`` (those kept of the article) has them
    as its speaker; the store and the Spark job keep only statements outside an outlet's boilerplate."""
    speakers = {person_key(s.speaker) for s in statements if s.speaker and s.speaker_type == "person"}
    return [replace(p, quoted=person_key(p.name) in speakers) for p in people]


def role_key(role: str) -> str:
    """Roles that differ only in the case of ASCII letters are one role ('Former Gov.' = 'former Gov.'), as
    SQLite's NOCASE compares them; it is written in the spelling that sorts first (upper case first)."""
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in role)


def roles_text(roles: Iterable[tuple[str, str | None, str | None, int]]) -> str | None:
    """A person's roles (role, first seen, last seen, articles), most written first: 'Governor (2016-01-02 to 2016-03-01)'."""
    shown = []
    for role, first, last, _ in sorted(roles, key=lambda r: (-r[3], r[0].casefold(), r[0])):
        dates = f" ({first}{f' to {last}' if last != first else ''})" if first else ""
        shown.append(role + dates)
    return " | ".join(shown) or None


def apply_aliases(index: PeopleIndex, entries: Iterable, join: callable) -> int:
    """Each alias's person joins the named person (``join(person, other)``); names kept apart, Wikidata ids and
    genders are recorded by the index. Returns how many people were joined into another."""
    joined = 0
    for entry in entries:
        person = person_for(index, entry.name, "person", uses=0)
        index.name_given(person, entry.name, entry.wikidata)
        if entry.gender:
            index.gender_given(person, entry.gender)
        for other in entry.apart:
            index.keep_apart(person_key(entry.name), person_key(other))
        for alias in entry.aliases:
            found = index.person_with_key(person_key(alias))
            if found is not None and found != person:
                join(person, found)
                joined += 1
            index.add_key(person_key(alias), person, replace=True)
    return joined


class MemoryPeople:
    """A PeopleIndex in memory (the Spark job's, over every distinct speaker name)."""

    def __init__(self) -> None:
        self.keys: dict[str, int] = {}
        self.apart: dict[str, set[str]] = {}  # key -> the keys the user said are someone else
        self.names: dict[int, dict[str, list]] = {}  # person -> name -> [uses, kind]
        self.given: dict[int, tuple[str, str | None]] = {}
        self.genders: dict[int, str] = {}  # person -> the gender an aliases file gave

    def person_with_key(self, key: str) -> int | None:
        return self.keys.get(key)

    def kept_apart(self, key: str, person: int) -> bool:
        return any(self.keys.get(other) == person for other in self.apart.get(key, ()))

    def new_person(self, key: str) -> int:
        person = len(self.names) + 1
        self.names[person] = {}
        return person

    def add_key(self, key: str, person: int, replace: bool = False) -> None:
        if replace:
            self.keys[key] = person
        else:
            self.keys.setdefault(key, person)

    def note_name(self, person: int, name: str, kind: str, uses: int) -> None:
        entry = self.names[person].setdefault(name, [0, kind])
        entry[0] += uses

    def name_given(self, person: int, name: str, wikidata: str | None) -> None:
        self.given[person] = (name, wikidata or self.given.get(person, (None, None))[1])

    def gender_given(self, person: int, gender: str) -> None:
        self.genders[person] = gender

    def keep_apart(self, key: str, other: str) -> None:
        self.apart.setdefault(key, set()).add(other)
        self.apart.setdefault(other, set()).add(key)

    def join(self, person: int, other: int) -> None:
        for key, owner in self.keys.items():
            if owner == other:
                self.keys[key] = person
        for name, (uses, kind) in self.names.pop(other).items():
            self.note_name(person, name, kind, uses)
        self.given.pop(other, None)
        if other in self.genders:
            self.genders.setdefault(person, self.genders.pop(other))
