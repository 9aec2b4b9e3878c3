"""Identity corrections from the user: which names are one person, which are not, and Wikidata ids.

CSV, one row per fact (header ``name,alias,not,wikidata``, and optionally ``gender``; leave the columns a row does
not use empty):

    name,alias,not,wikidata,gender
    Ana María Ruiz,Ana Ruiz,,Q123456,female
    Tom Baker,,Tom H. Baker,,

YAML, one entry per person:

    - name: Ana María Ruiz
      aliases: [Ana Ruiz, Mayor Ruiz]
      wikidata: Q123456
      gender: female
    - name: Tom Baker
      not: [Tom H. Baker]

The file is the user's, but it may come from anywhere, so it is bounded: no YAML anchors or aliases (an 87 kB file of
nested aliases, "billion laughs", expands to 16 million names), no deep nesting, at most MAX_ALIASES_BYTES and
MAX_ALIAS_NAMES.

``gender`` (female or male) is the person's gender across the store, whatever their articles say (link.people.person_gender).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

import yaml

from .errors import InputError
from .link.outlets import OutletEntry, outlet_key
from .limits import MAX_ALIAS_NAMES, MAX_ALIASES_BYTES, MAX_YAML_DEPTH
from .read import open_input, read_bounded


@dataclass
class Alias:
    name: str
    aliases: list[str] = field(default_factory=list)
    apart: list[str] = field(default_factory=list)
    wikidata: str | None = None
    gender: str | None = None  # female or male, as the user gave it


GENDERS = ("female", "male")


def checked_gender(where: str, entry: str, value: object) -> str | None:
    """An entry's gender, female or male (any case), or none; anything else is an error naming the entry."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if not isinstance(value, str) or value.strip().lower() not in GENDERS:
        raise InputError(where, f"{entry}: gender {str(value)[:40]!r} is not one of {', '.join(GENDERS)}")
    return value.strip().lower()


def load_aliases(path: str) -> list[Alias]:
    text = read_text(path, "aliases file")
    entries = from_yaml(path, text) if path.lower().endswith((".yaml", ".yml")) else from_csv(path, text)
    names = sum(1 + len(entry.aliases) + len(entry.apart) for entry in entries)
    if names > MAX_ALIAS_NAMES:
        raise InputError(path, f"aliases file names {names:,} people and aliases, over the {MAX_ALIAS_NAMES:,} limit")
    return merged_by_name(path, entries)


def read_text(path: str, what: str) -> str:
    """The file's text, opened only if it is a regular file (a FIFO would hang the read) and within MAX_ALIASES_BYTES."""
    try:
        with open_input(path) as file:
            return read_bounded(path, file, MAX_ALIASES_BYTES, what=what, limit_of="").decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read {what} ({error})") from None


def from_csv(path: str, text: str) -> list[Alias]:
    try:
        rows = list(csv.DictReader(text.splitlines()))
    except csv.Error as error:  # e.g. a field over the csv module's 128 kB limit
        raise InputError(path, f"not valid CSV ({error})") from None
    if rows and "name" not in rows[0]:
        raise InputError(path, "aliases CSV needs a header with the columns name,alias,not,wikidata (and optionally gender)")
    entries = []
    for number, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            raise InputError(f"{path}:{number}", "row has no name")
        gender = checked_gender(f"{path}:{number}", f"row ({name})", row.get("gender"))
        entries.append(Alias(name, listed(row.get("alias")), listed(row.get("not")), (row.get("wikidata") or "").strip() or None,
                             gender))
    return entries


# libyaml's parser where PyYAML was built with it: the pure-Python one takes 15 s over a 1 MiB file on a busy machine.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_entries(path: str, text: str, what: str) -> list:
    """The list of entries a YAML corrections file holds, its shape checked before anything is built."""
    try:
        check_shape(path, text, what)
        data = yaml.load(text, Loader=LOADER) or []
    except yaml.YAMLError as error:
        raise InputError(path, f"not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(data, list):
        raise InputError(path, f"{what.split()[0]} YAML must be a list of entries with a name")
    return data


def from_yaml(path: str, text: str) -> list[Alias]:
    data = yaml_entries(path, text, "aliases file")
    entries = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(path, f"entry {number} has no name")
        aliases, apart = item.get("aliases") or [], item.get("not") or []
        if not all(isinstance(names, list) and all(isinstance(x, str) for x in names) for names in (aliases, apart)):
            raise InputError(path, f"entry {number} ({item['name']}): aliases and not must be lists of names")
        wikidata = item.get("wikidata")
        gender = checked_gender(path, f"entry {number} ({item['name']})", item.get("gender"))
        entries.append(Alias(item["name"].strip(), aliases, apart, str(wikidata) if wikidata else None, gender))
    return entries


def check_shape(path: str, text: str, what: str) -> None:
    """Refuse, as the file is parsed and before anything is built, the first anchor (&name) or alias (*name), and
    nesting deeper than MAX_YAML_DEPTH (libyaml builds nested lists by recursing in C: 50,000 "[" crash Python)."""
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise InputError(path, f"line {event.start_mark.line + 1}: YAML anchors and aliases (&, *) are not allowed "
                                   f"in an {what} (a few lines of them can stand for millions of names); "
                                   "write each name out")
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        if depth > MAX_YAML_DEPTH:
            raise InputError(path, f"line {event.start_mark.line + 1}: YAML nested over {MAX_YAML_DEPTH} deep; an {what}"
                                   " is a list of entries holding lists of names")


def listed(value: str | None) -> list[str]:
    return [value.strip()] if value and value.strip() else []


def merged_by_name(path: str, entries: list[Alias]) -> list[Alias]:
    merged: dict[str, Alias] = {}
    for entry in entries:
        into = merged.setdefault(entry.name, Alias(entry.name))
        into.aliases += entry.aliases
        into.apart += entry.apart
        into.wikidata = entry.wikidata or into.wikidata
        if entry.gender and into.gender and entry.gender != into.gender:
            raise InputError(path, f"{entry.name}: given two genders, {into.gender} and {entry.gender}")
        into.gender = entry.gender or into.gender
    return list(merged.values())


# --- the outlets file: which spellings are one outlet (link.outlets folds them) ---


def load_outlets(path: str) -> list[OutletEntry]:
    """The user's outlets file (YAML): entries of a name, its spellings, and the outlets it is not."""
    text = read_text(path, "outlets file")
    entries = [entry_of(path, number, item) for number, item in enumerate(yaml_entries(path, text, "outlets file"), start=1)]
    names = sum(1 + len(entry.spellings) + len(entry.apart) for entry in entries)
    if names > MAX_ALIAS_NAMES:
        raise InputError(path, f"outlets file names {names:,} outlets and spellings, over the {MAX_ALIAS_NAMES:,} limit")
    entries = outlets_merged_by_name(entries)
    check_each_spelling_once(path, entries)
    return entries


ENTRY_FIELDS = ("name", "spellings", "not")


def entry_of(path: str, number: int, item: object) -> OutletEntry:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not outlet_key(item["name"]):
        raise InputError(path, f"entry {number} has no name")
    name = item["name"].strip()
    unknown = sorted(map(str, set(item) - set(ENTRY_FIELDS)))
    if unknown:
        raise InputError(path, f"entry {number} ({name}): unknown field {unknown[0]!r} (an entry has name, spellings, not)")
    spellings, apart = item.get("spellings") or [], item.get("not") or []
    if not all(isinstance(names, list) and all(isinstance(x, str) for x in names) for names in (spellings, apart)):
        raise InputError(path, f"entry {number} ({name}): spellings and not must be lists of names")
    blank = next((s for s in spellings + apart if not outlet_key(s)), None)
    if blank is not None:
        raise InputError(path, f"entry {number} ({name}): {blank!r} has no letters or digits")
    if outlet_key(name) in map(outlet_key, apart):
        raise InputError(path, f"entry {number} ({name}): not names the outlet itself")
    return OutletEntry(name, [s.strip() for s in spellings], [s.strip() for s in apart])


def outlets_merged_by_name(entries: list[OutletEntry]) -> list[OutletEntry]:
    merged: dict[str, OutletEntry] = {}
    for entry in entries:
        into = merged.setdefault(entry.name, OutletEntry(entry.name))
        into.spellings += entry.spellings
        into.apart += entry.apart
    return list(merged.values())


def check_each_spelling_once(path: str, entries: list[OutletEntry]) -> None:
    """A spelling listed under two outlets would join them: say so rather than pick one."""
    owner: dict[str, str] = {}
    for entry in entries:
        for spelling in [entry.name, *entry.spellings]:
            first = owner.setdefault(outlet_key(spelling), entry.name)
            if first != entry.name:
                raise InputError(path, f"{spelling!r} is listed under two outlets, {first!r} and {entry.name!r}")
