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
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError


@dataclass
class Alias:
    name: str
    aliases: list[str] = field(default_factory=list)
    apart: list[str] = field(default_factory=list)
    wikidata: str | None = None


def load_aliases(path: str) -> list[Alias]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read aliases file ({error})") from None
    entries = from_yaml(path, text) if path.lower().endswith((".yaml", ".yml")) else from_csv(path, text)
    return merged_by_name(entries)


def from_csv(path: str, text: str) -> list[Alias]:
    rows = list(csv.DictReader(text.splitlines()))
    if rows and "name" not in rows[0]:
        raise InputError(path, "aliases CSV needs a header with the columns name,alias,not,wikidata")
    entries = []
    for number, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            raise InputError(f"{path}:{number}", "row has no name")
        entries.append(Alias(name, listed(row.get("alias")), listed(row.get("not")), (row.get("wikidata") or "").strip() or None))
    return entries


def from_yaml(path: str, text: str) -> list[Alias]:
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as error:
        raise InputError(path, f"not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(data, list):
        raise InputError(path, "aliases YAML must be a list of entries with a name")
    entries = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(path, f"entry {number} has no name")
        aliases, apart = item.get("aliases") or [], item.get("not") or []
        if not all(isinstance(x, str) for x in [*aliases, *apart]):
            raise InputError(path, f"entry {number} ({item['name']}): aliases and not must be lists of names")
        wikidata = item.get("wikidata")
        entries.append(Alias(item["name"].strip(), aliases, apart, str(wikidata) if wikidata else None))
    return entries


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
