"""One outlet per publisher, however its articles spell it: ``nyt``, ``NYTimes``, ``nytimes.com`` and
``The New York Times`` are one outlet.

Two spellings name one outlet (``same_outlet``) when, once folded to their words (``outlet_words``), they
are the same words run together, or one abbreviates the other:

* Folding: a URL or host stands for its registered domain without its public suffix (``www.nytimes.com``
  -> ``nytimes``, ``news.bbc.co.uk`` -> ``bbc``); other names are split into words at punctuation, spaces and
  capitals inside a word (``NYTimes`` -> ny times), with accents and case dropped. A leading "the" and a
  trailing "news" or "online" are dropped; in a domain, where words run together, as a prefix or suffix
  (``thehill`` -> hill, ``apnews`` -> ap), so ``AP``, ``apnews.com`` and ``hosted.ap.org`` meet.
* Abbreviation: the short spelling, run together, splits into a non-empty prefix of every word of the
  longer name, in order (``nyt`` = n-y-t, ``nytimes`` = ny-times, ``washpost`` = wash-post). Every word of
  the longer name must be abbreviated, so one word of it is never taken for the whole (``Times`` does not
  join ``The New York Times``), and a name of one word abbreviates nothing but its own prefix, which is
  not a match (``times`` does not join ``timesunion.com``). Against a name whose words run together (a
  domain), each word of the short spelling starts one of its words and the last is whole (``wash-post`` and
  ``washingtonpost.com``; not ``New York`` and ``newyorker.com``).

``fold_outlets`` joins spellings into outlets (connected components) and names each outlet; there an
abbreviation that fits two outlets that nothing else joins (``AP`` beside "Associated Press" and
"Arizona Post") joins neither. The user's outlets file (YAML) adds what the rules cannot know:

    - name: The New York Times
      spellings: [nyt, NYTimes, nytimes.com]
    - name: The Times
      not: [The New York Times]

Known limits: spellings with one folded key are one outlet and ``not`` cannot part them (``SpaceNews`` and
``space.com`` are both ``space``); a registered domain is the publisher, so ``espn.go.com`` and
``abcnews.go.com`` are both ``go``; a domain's run-together words are split only against a spelling that
has words, so ``nyt`` meets ``nytimes.com`` only through ``NY Times`` or ``The New York Times``.

The user's outlets file is read by ``onrecord.aliases.load_outlets``, bounded as the aliases file is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import tldextract


# The Public Suffix List bundled with tldextract, only: no list URLs and no cache, so it never downloads
# nor writes. Private suffixes count, so a blog on a shared host (x.blogspot.com) is its own publisher.
PUBLIC_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

LEADING_WORD = "the"
TRAILING_WORDS = ("news", "online")
APOSTROPHES = re.compile(r"['’`´]")  # Barron's is barrons, not barron + s
CAPITAL_INSIDE_WORD = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
WORD = re.compile(r"[^\W_]+")


def registered_domain(url_or_host: str) -> str | None:
    """The domain registered under a public suffix, lower case: ``https://www.nytimes.com/x`` -> ``nytimes.com``."""
    parts = host_parts(url_or_host)
    return f"{parts.domain}.{parts.suffix}" if parts else None


def host_parts(text: str | None) -> tldextract.tldextract.ExtractResult | None:
    """The parts of a URL or host with a public suffix; None for a name with spaces or no suffix."""
    text = (text or "").strip().lower()
    if not text or "." not in text or any(character.isspace() for character in text):
        return None
    parts = PUBLIC_SUFFIXES(text)
    return parts if parts.domain and parts.suffix else None


def outlet_words(name: str | None) -> tuple[str, ...]:
    """The words that name an outlet, folded; () for a spelling with no letters or digits."""
    parts = host_parts(name)
    words = domain_words(parts.domain) if parts else name_words(name or "")
    return without_filler(words)


def outlet_key(name: str | None) -> str:
    """A spelling-insensitive key: ``The New York Times`` and ``New York Times`` -> ``newyorktimes``,
    ``nytimes.com``, ``NYTimes`` and ``NY Times`` -> ``nytimes``; "" for a spelling with no letters or digits."""
    return "".join(outlet_words(name))


def name_words(name: str) -> list[str]:
    text = CAPITAL_INSIDE_WORD.sub(" ", APOSTROPHES.sub("", without_accents(name)))
    return [word.casefold() for word in WORD.findall(text)]


def domain_words(label: str) -> list[str]:
    words = name_words(label)
    if len(words) == 1:
        words = [without_affixes(words[0])]
    return words


def without_affixes(label: str) -> str:
    """A domain label with the words run in: thehill -> hill, foxnews -> fox, but never down to a letter."""
    if label.startswith(LEADING_WORD) and len(label) - len(LEADING_WORD) >= 3:
        label = label[len(LEADING_WORD):]
    for tail in TRAILING_WORDS:
        if label.endswith(tail) and len(label) - len(tail) >= 2:
            return label[: -len(tail)]
    return label


def without_filler(words: list[str]) -> tuple[str, ...]:
    if len(words) > 1 and words[0] == LEADING_WORD:
        words = words[1:]
    if len(words) > 1 and words[-1] in TRAILING_WORDS:
        words = words[:-1]
    return tuple(words)


def without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def abbreviates(short: str, words: tuple[str, ...]) -> bool:
    """Whether ``short`` splits into a non-empty prefix of each of ``words`` in turn (nyt: new york times)."""
    if len(words) < 2 or len(short) >= sum(map(len, words)):
        return False
    reached = {0}
    for word in words:
        reached = {end for start in reached for end in prefix_ends(short, start, word)}
    return len(short) in reached


def prefix_ends(short: str, start: int, word: str) -> Iterable[int]:
    """Where prefixes of ``word`` that ``short`` holds at ``start`` end."""
    end = start
    while end < len(short) and end - start < len(word) and short[end] == word[end - start]:
        end += 1
        yield end


def shortens(words: tuple[str, ...], run_together: str) -> bool:
    """Whether ``words`` abbreviate a name whose words run together (a domain), each the start of one of its
    words and the last one whole: wash post -> washingtonpost. The last is whole because where the name's
    words part is unknown: New York is not newyorker, nor newyorkpost."""
    if len(words) < 2 or sum(map(len, words)) >= len(run_together) or not run_together.endswith(words[-1]):
        return False
    reached = {0}
    for word in words[:-1]:
        reached = {end for start in reached if run_together.startswith(word, start)
                   for end in range(start + len(word), len(run_together) + 1)}
    return len(run_together) - len(words[-1]) in reached


def same_outlet(a: str | None, b: str | None) -> bool:
    """Whether two spellings name one outlet by the folding and abbreviation rules (no file, no context)."""
    words_a, words_b = outlet_words(a), outlet_words(b)
    return bool(words_a and words_b) and (words_a == words_b or abbreviation(words_a, words_b)
                                          or abbreviation(words_b, words_a))


def abbreviation(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    short_key, long_key = "".join(short), "".join(long)
    return short_key == long_key or abbreviates(short_key, long) or shortens(short, long_key)


@dataclass
class OutletEntry:
    name: str
    spellings: list[str] = field(default_factory=list)
    apart: list[str] = field(default_factory=list)  # the file's "not"


def fold_outlets(spellings: dict[str, int], entries: Iterable[OutletEntry] = ()) -> dict[str, str]:
    """Each spelling seen (with its article count) -> the name of its outlet. A spelling with no letters or
    digits is unknown and names itself. The result does not depend on the order of either argument."""
    outlets = Outlets(spellings, list(entries))
    for short, long in sorted(outlets.rule_links(), key=lambda link: (-len(link[0]), link)):
        outlets.join_unless_apart(short, long)
    named = outlets.names()
    return {spelling: outlets.name_of(spelling, named) for spelling in spellings}


class Outlets:
    """Spellings grouped by folded key, the keys joined into outlets (union-find), and the names kept apart."""

    def __init__(self, spellings: dict[str, int], entries: list[OutletEntry]):
        self.counts = {spelling: count for spelling, count in spellings.items() if outlet_key(spelling)}
        self.words: dict[str, set[tuple[str, ...]]] = {}
        self.spellings: dict[str, list[str]] = {}
        self.parent: dict[str, str] = {}
        self.entry_names: dict[str, set[str]] = {}
        self.enemies: dict[str, set[str]] = {}
        for spelling in self.counts:
            self.spellings.setdefault(self.add(spelling), []).append(spelling)
        for entry in entries:
            self.add_entry(entry)

    def add(self, spelling: str) -> str:
        words = outlet_words(spelling)
        key = "".join(words)
        if key:
            self.words.setdefault(key, set()).add(words)
            self.parent.setdefault(key, key)
        return key

    def add_entry(self, entry: OutletEntry) -> None:
        """The file's word: its spellings are the outlet it names, and it is apart from its "not" names."""
        name = self.add(entry.name)
        if not name:
            return
        self.entry_names.setdefault(self.find(name), set()).add(entry.name)
        for other in filter(None, map(self.add, entry.apart)):
            self.enemies.setdefault(self.find(name), set()).add(other)
            self.enemies.setdefault(self.find(other), set()).add(name)
        for spelling in filter(None, map(self.add, entry.spellings)):
            self.join(name, spelling)

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        root, other = min(root_a, root_b), max(root_a, root_b)
        self.parent[other] = root
        self.entry_names.setdefault(root, set()).update(self.entry_names.pop(other, set()))
        self.enemies.setdefault(root, set()).update(self.enemies.pop(other, set()))

    def join_unless_apart(self, a: str, b: str) -> None:
        """Join by a rule unless the file keeps the two apart, or each is an outlet the file names."""
        root_a, root_b = self.find(a), self.find(b)
        names_a, names_b = self.entry_names.get(root_a), self.entry_names.get(root_b)
        if root_a == root_b or self.are_enemies(root_a, root_b) or (names_a and names_b and names_a != names_b):
            return
        self.join(root_a, root_b)

    def are_enemies(self, root_a: str, root_b: str) -> bool:
        return any(self.find(enemy) == root_b for enemy in self.enemies.get(root_a, ()))

    def abbreviated_by(self, short: str, candidates: Iterable[str]) -> set[str]:
        return {key for key in candidates if len(key) > len(short) and (
            any(abbreviates(short, words) for words in self.words[key])
            or any(shortens(words, key) for words in self.words[short]))}

    def rule_links(self) -> list[tuple[str, str]]:
        """(short, long) for each abbreviation that fits one outlet only, after the file's joins and nots."""
        by_initial: dict[str, list[str]] = {}
        for key in self.words:
            by_initial.setdefault(key[0], []).append(key)
        targets = {short: self.abbreviated_by(short, by_initial[short[0]]) for short in self.words}
        for short, longs in targets.items():
            longs -= {long for long in longs if self.are_enemies(self.find(short), self.find(long))}
        return [(short, long) for short, longs in targets.items() if self.one_outlet(longs, targets)
                for long in longs]

    def one_outlet(self, keys: set[str], targets: dict[str, set[str]]) -> bool:
        """Whether ``keys`` are one outlet by the file's joins and the abbreviations among themselves."""
        parent = {self.find(key): self.find(key) for key in keys}

        def top(root: str) -> str:
            while parent[root] != root:
                root = parent[root]
            return root

        for key in keys:
            for long in targets[key] & keys:
                parent[top(self.find(key))] = top(self.find(long))
        return len({top(root) for root in parent}) <= 1

    def names(self) -> dict[str, str]:
        """Each outlet's name by its root: a name from the file, else its most complete spelling."""
        members: dict[str, list[str]] = {}
        for key, spellings in self.spellings.items():
            members.setdefault(self.find(key), []).extend(spellings)
        named = {root: min(names, key=lambda name: fullness(name, self.counts[name])) for root, names in members.items()}
        for root, names in self.entry_names.items():
            if names and self.find(root) == root:
                named[root] = min(names, key=lambda name: fullness(name, 0))
        return named

    def name_of(self, spelling: str, named: dict[str, str]) -> str:
        key = outlet_key(spelling)
        return named[self.find(key)] if key else spelling


def fullness(name: str, count: int) -> tuple:
    """Sorts the most complete name first: a name over a host, spaced, in mixed case, of more words, longer,
    more used; then alphabetically, so the choice never depends on order."""
    return (host_parts(name) is not None, " " not in name.strip(), not (name.lower() != name != name.upper()),
            name == name.lower(), -len(name.split()), -len(name), -count, name)
