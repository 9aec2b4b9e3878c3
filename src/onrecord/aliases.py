"""Identity corrections from the user: which names are one person, which are not, and Wikidata ids.

CSV, one row per fact (header ``name,alias,not,wikidata``; leave the columns a row does not use empty):

    name,alias,not,wikidata
    Ana María Ruiz,Ana Ruiz,,Q123456
    Tom Baker,,Tom H. Baker,

YAML, one entry per person:

    - name: Ana María Ruiz
      aliases: [Ana Ruiz, Mayor Ruiz]
      wikidata: Q123456
    - name: Tom Baker
      not: [Tom H. Baker]

The file is the user's, but it may come from anywhere, so it is bounded: no YAML anchors or aliases (an 87 kB file of
nested aliases, "billion laughs", expands to 16 million names), no deep nesting, at most MAX_ALIASES_BYTES and
MAX_ALIAS_NAMES.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

import yaml

from .errors import InputError
from .limits import MAX_ALIAS_NAMES, MAX_ALIASES_BYTES, MAX_YAML_DEPTH
from .read import open_input, read_bounded


@dataclass
class Alias:
    name: str
    aliases: list[str] = field(default_factory=list)
    apart: list[str] = field(default_factory=list)
    wikidata: str | None = None


def load_aliases(path: str) -> list[Alias]:
    text = read_text(path)
    entries = from_yaml(path, text) if path.lower().endswith((".yaml", ".yml")) else from_csv(path, text)
    names = sum(1 + len(entry.aliases) + len(entry.apart) for entry in entries)
    if names > MAX_ALIAS_NAMES:
        raise InputError(path, f"aliases file names {names:,} people and aliases, over the {MAX_ALIAS_NAMES:,} limit")
    return merged_by_name(entries)


def read_text(path: str) -> str:
    """The file's text, opened only if it is a regular file (a FIFO would hang the read) and within MAX_ALIASES_BYTES."""
    try:
        with open_input(path) as file:
            return read_bounded(path, file, MAX_ALIASES_BYTES, what="aliases file", limit_of="").decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read aliases file ({error})") from None


def from_csv(path: str, text: str) -> list[Alias]:
    try:
        rows = list(csv.DictReader(text.splitlines()))
    except csv.Error as error:  # e.g. a field over the csv module's 128 kB limit
        raise InputError(path, f"not valid CSV ({error})") from None
    if rows and "name" not in rows[0]:
        raise InputError(path, "aliases CSV needs a header with the columns name,alias,not,wikidata")
    entries = []
    for number, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            raise InputError(f"{path}:{number}", "row has no name")
        entries.append(Alias(name, listed(row.get("alias")), listed(row.get("not")), (row.get("wikidata") or "").strip() or None))
    return entries


# libyaml's parser where PyYAML was built with it: the pure-Python one takes 15 s over a 1 MiB file on a busy machine.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def from_yaml(path: str, text: str) -> list[Alias]:
    try:
        check_shape(path, text)
        data = yaml.load(text, Loader=LOADER) or []
    except yaml.YAMLError as error:
        raise InputError(path, f"not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(data, list):
        raise InputError(path, "aliases YAML must be a list of entries with a name")
    entries = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(path, f"entry {number} has no name")
        aliases, apart = item.get("aliases") or [], item.get("not") or []
        if not all(isinstance(names, list) and all(isinstance(x, str) for x in names) for names in (aliases, apart)):
            raise InputError(path, f"entry {number} ({item['name']}): aliases and not must be lists of names")
        wikidata = item.get("wikidata")
        entries.append(Alias(item["name"].strip(), aliases, apart, str(wikidata) if wikidata else None))
    return entries


def check_shape(path: str, text: str) -> None:
    """Refuse, as the file is parsed and before anything is built, the first anchor (&name) or alias (*name), and
    nesting deeper than MAX_YAML_DEPTH (libyaml builds nested lists by recursing in C: 50,000 "[" crash Python)."""
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise InputError(path, f"line {event.start_mark.line + 1}: YAML anchors and aliases (&, *) are not allowed "
                                   "in an aliases file (a few lines of them can stand for millions of names); "
                                   "write each name out")
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        if depth > MAX_YAML_DEPTH:
            raise InputError(path, f"line {event.start_mark.line + 1}: YAML nested over {MAX_YAML_DEPTH} deep; an aliases "
                                   "file is a list of entries holding lists of names")


def listed(value: str | None) -> list[str]:
    return [value.strip()] if value and value.strip() else []


def merged_by_name(entries: list[Alias]) -> list[Alias]:
    merged: dict[str, Alias] = {}
    for entry in entries:
        into = merged.setdefault(entry.name, Alias(entry.name))
        into.aliases += entry.aliases
        into.apart += entry.apart
        into.wikidata = entry.wikidata or into.wikidata
    return list(merged.values())
