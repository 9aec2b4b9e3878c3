"""One statement per quote: the reports of one person's quote, across articles, are one statement.

A quote is compared on its normalised words (no case, punctuation or hyphens), with rapidfuzz: two
wordings are the same quote when nearly equal, or when one, of at least four words, is found inside the
other. Wordings are candidates when they share a word 4-gram. A statement is the connected group of its
person's wordings that are the same quote, so it never depends on the order reports arrive in: a report
that is the same quote as two statements joins them into one.

``link_report`` is the one merging algorithm. It works on a ``StatementIndex``: the store keeps one in
SQLite, the Spark job one in memory per person (``MemoryStatements``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from rapidfuzz import fuzz

from .text import stable_hash, words

QUOTE_GRAM = 4  # words per quote gram
SAME_QUOTE_RATIO = 90
FRAGMENT_RATIO = 95
FRAGMENT_MIN_WORDS = 4


def normalise_quote(quote: str) -> str:
    """'“Park Ji-hoon will come,”' and '"Park Ji Hoon will come"' normalise alike."""
    return " ".join(words(quote)) or quote.strip()


def quote_grams(norm: str) -> list[int]:
    """Every word 4-gram hash of a quote, in order: what wordings are indexed and looked up by (a quote
    under four words: its whole text)."""
    tokens = norm.split()
    if len(tokens) < QUOTE_GRAM:
        return [stable_hash("quote", norm)]
    return [stable_hash("quote", *tokens[i:i + QUOTE_GRAM]) for i in range(len(tokens) - QUOTE_GRAM + 1)]


def same_quote(a: str, b: str) -> bool:
    """Two normalised quotes are one statement: nearly equal, or one is a fragment of the other."""
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=lambda text: (len(text), text))
    if fuzz.ratio(shorter, longer) >= SAME_QUOTE_RATIO:
        return True
    return len(shorter.split()) >= FRAGMENT_MIN_WORDS and fuzz.partial_ratio(shorter, longer) >= FRAGMENT_RATIO


def fullest(quotes: Iterable[str]) -> str:
    """The wording a statement is shown in: the longest, the same whichever report came first."""
    return min(quotes, key=lambda quote: (-len(normalise_quote(quote)), quote))


class StatementIndex(Protocol):
    def candidates(self, person: int, grams: list[int]) -> set[int]: ...  # statements with a wording sharing a gram
    def wordings(self, merged: int) -> Iterable[str]: ...  # normalised, the fullest first
    def new_statement(self, person: int) -> int: ...
    def add_wording(self, merged: int, person: int, quote: str, norm: str, grams: list[int]) -> None: ...
    def absorb(self, merged: int, other: int) -> None: ...  # ``other`` becomes part of ``merged``


def link_report(index: StatementIndex, person: int, quote: str) -> int:
    """The statement a report of ``quote`` by ``person`` (0: unknown) belongs to, joined or started."""
    norm = normalise_quote(quote)
    grams = quote_grams(norm)
    same = sorted(m for m in index.candidates(person, grams) if any(same_quote(norm, w) for w in index.wordings(m)))
    merged = same[0] if same else index.new_statement(person)
    for other in same[1:]:
        index.absorb(merged, other)
    index.add_wording(merged, person, quote, norm, grams)
    return merged


def rejoin(index: StatementIndex, person: int, merged: int) -> int:
    """A statement that has just become ``person``'s (an alias joined two people) joins those of theirs that
    are the same quote. Returns the statement it is part of."""
    for norm in list(index.wordings(merged)):
        same = sorted(m for m in index.candidates(person, quote_grams(norm)) - {merged}
                      if any(same_quote(norm, w) for w in index.wordings(m)))
        for other in same:
            merged, gone = min(merged, other), max(merged, other)
            index.absorb(merged, gone)
    return merged


class MemoryStatements:
    """A StatementIndex in memory, for one batch of reports (the Spark job's, per person)."""

    def __init__(self) -> None:
        self.by_gram: dict[tuple[int, int], set[int]] = {}
        self.norms: dict[int, set[str]] = {}
        self.quotes: dict[int, str] = {}
        self.joined: dict[int, int] = {}

    def find(self, merged: int) -> int:
        while merged in self.joined:
            merged = self.joined[merged]
        return merged

    def candidates(self, person: int, grams: list[int]) -> set[int]:
        return {self.find(m) for g in grams for m in self.by_gram.get((person, g), ())}

    def wordings(self, merged: int) -> list[str]:
        return [normalise_quote(self.quotes[merged]), *sorted(self.norms[merged])]

    def new_statement(self, person: int) -> int:
        merged = len(self.norms) + len(self.joined)
        self.norms[merged] = set()
        return merged

    def add_wording(self, merged: int, person: int, quote: str, norm: str, grams: list[int]) -> None:
        self.norms[merged].add(norm)
        self.quotes[merged] = fullest([quote, self.quotes.get(merged, quote)])
        for g in grams:
            self.by_gram.setdefault((person, g), set()).add(merged)

    def absorb(self, merged: int, other: int) -> None:
        self.norms[merged] |= self.norms.pop(other)
        self.quotes[merged] = fullest([self.quotes[merged], self.quotes.pop(other)])
        self.joined[other] = merged


def merge_reports(quotes: list[str], person: int = 0) -> list[tuple[int, str]]:
    """For one person's quotes: the statement each joins (numbered from 0 in order of first report) and its wording."""
    index = MemoryStatements()
    joined = [link_report(index, person, quote) for quote in quotes]
    roots = [index.find(m) for m in joined]
    numbers = {root: n for n, root in enumerate(dict.fromkeys(roots))}
    return [(numbers[root], index.quotes[root]) for root in roots]
