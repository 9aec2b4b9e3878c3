"""One statement per quote: the reports of one person's quote, across articles, are one statement.

A quote is compared on its normalised words (no case, punctuation or hyphens), with rapidfuzz: two
wordings are the same quote when nearly equal, or when one, of at least six words, is found inside the
other. Wordings are candidates when they share a word 4-gram, and two quotations are the same only
when they do: a rule that held for wordings no lookup finds would group them in some orders only.

A known speaker's report also joins a statement when it rewords one of its reports dated within a
story's window of its own (``link.stories.STORY_DAYS``): a quotation with a word or two changed
(``reworded``: an altered quotation stays one statement, its changes shown by ``link.variants``), or a
reported wording (indirect, or a mixed quote) and a quotation that say the same thing
(``link.variants.paraphrase``; candidates share three content words, looked up in the weeks the
report's story window spans, so a prolific speaker's lookup reads what they said that month, not all they
ever said). An unknown speaker is not one person, so their reports are only ever joined by the first rule.

A statement is the connected group of its person's reports linked so, so it never depends on the order
reports arrive in: a report that is the same quote as two statements joins them into one.

``link_report`` is the one merging algorithm. It works on a ``StatementIndex``: the store keeps one in
SQLite, the Spark job one in memory per person (``MemoryStatements``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from difflib import SequenceMatcher

from rapidfuzz import fuzz

from .stories import STORY_DAYS, close_in_time, report_day, story_window
from .text import stable_hash, words
from .variants import PARAPHRASE_SHARED, directness, paraphrase, said_content, say_the_same

QUOTE_GRAM = 4  # words per quote gram
SAME_QUOTE_RATIO = 90
FRAGMENT_RATIO = 95
FRAGMENT_MIN_WORDS = 6  # fewer words are a stock phrase ('we are going to win'), said on many occasions
REWORDED_MIN_WORDS = 6  # words of each wording, at least, for a changed word to leave the same quote
REWORDED_CHANGES = 2  # words, at most, of either wording that the other lacks


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


def content_keys(quote: str, kind: str, day: str = "") -> list[int]:
    """What a wording reported on ``day`` ('YYYY-MM-DD' or '') is found by as a paraphrase: each content word
    (as ``paraphrase`` counts them, from the quote as written) under its directness, once for any day (what
    an undated report looks up) and once for its week (what a dated one looks up)."""
    side = directness(kind)
    content = said_content(quote)
    return sorted({content_key(side, word) for word in content} | {content_key(side, word, week_of(day)) for word in content})


def content_key(side: str, word: str, *week: str) -> int:
    """The key of a content word of a wording of ``side`` ('direct' or 'reported'), for any day or one ``week``."""
    return stable_hash("content", side, word, *week)


def week_of(day: str) -> str:
    """The week a day falls in, counted from the calendar's start ('undated' for no day): a day's story window
    spans at most its own week and the two beside it."""
    return str(date.fromisoformat(day).toordinal() // STORY_DAYS) if day else "undated"


def paraphrase_lookup(quote: str, kind: str, day: str = "") -> list[int]:
    """The content keys of the wordings this one may paraphrase or be paraphrased by (reported ones for a
    quotation, quotations for a reported one): for a dated report, those reported in the weeks its story
    window spans or undated; for an undated one, those of any day."""
    side = "reported" if directness(kind) == "direct" else "direct"
    content = said_content(quote)
    if not day:
        return sorted(content_key(side, word) for word in content)
    weeks = {week_of(edge) for edge in story_window(day)} | {week_of(day), "undated"}
    return sorted(content_key(side, word, week) for word in content for week in weeks)


def shares_gram(a: str, b: str) -> bool:
    """Two normalised quotes share a word 4-gram (or, under four words, are one text): what every candidate
    is found by, so a rule that holds only for wordings sharing one gives the same groups in any order."""
    return not set(quote_grams(a)).isdisjoint(quote_grams(b))


def same_quote(a: str, b: str) -> bool:
    """Two normalised quotes are one statement: nearly equal, one a fragment of the other, or the same
    words but a few."""
    if a == b:
        return True
    if not shares_gram(a, b):
        return False
    shorter, longer = sorted((a, b), key=lambda text: (len(text), text))
    if fuzz.ratio(shorter, longer) >= SAME_QUOTE_RATIO:
        return True
    return len(shorter.split()) >= FRAGMENT_MIN_WORDS and fuzz.partial_ratio(shorter, longer) >= FRAGMENT_RATIO


def reworded(quote: str, kind: str, other: str, other_kind: str) -> bool:
    """Two reports of one speaker, near in time, are one statement reworded: both quotations, of at least six
    words, differing in at most two words of either ('will' / 'will not', 'May' / 'June'); or a reported
    wording and a quotation that say the same thing (``link.variants.paraphrase``)."""
    if directness(kind) == directness(other_kind) == "direct":
        one, two = normalise_quote(quote), normalise_quote(other)
        return shares_gram(one, two) and words_changed(one.split(), two.split())
    return paraphrase(quote, kind, other, other_kind)


def may_reword(norm: str, other: str) -> bool:
    """``reworded`` could hold for some reports of these two normalised wordings, whatever their kinds and days:
    checked on a candidate's wordings before its reports are read."""
    return (shares_gram(norm, other) and words_changed(norm.split(), other.split())) or say_the_same(norm, other)


def words_changed(one: list[str], other: list[str]) -> bool:
    if min(len(one), len(other)) < REWORDED_MIN_WORDS:
        return False
    kept = sum(block.size for block in SequenceMatcher(None, one, other, autojunk=False).get_matching_blocks())
    return max(len(one), len(other)) - kept <= REWORDED_CHANGES


def fullest(wordings: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """The wording (quote, kind) a statement is shown in: a quotation rather than a reported wording, the
    longest, the same whichever report came first."""
    return min(wordings, key=lambda w: (directness(w[1]) != "direct", -len(normalise_quote(w[0])), w[0], w[1]))


class StatementIndex(Protocol):
    def candidates(self, person: int, keys: list[int], least: int = 1) -> set[int]: ...  # sharing ``least`` keys
    def wordings(self, merged: int) -> Iterable[str]: ...  # normalised, the fullest first
    def reports_within(self, merged: int, day: str) -> Iterable[tuple[str, str]]: ...  # (quote, kind) in the window
    def new_statement(self, person: int) -> int: ...
    def add_wording(self, merged: int, person: int, quote: str, norm: str, kind: str, day: str) -> None: ...
    def add_report(self, merged: int, quote: str, kind: str, day: str) -> None: ...
    def absorb(self, merged: int, other: int) -> None: ...  # ``other`` becomes part of ``merged``


def wording_keys(quote: str, norm: str, kind: str, person: int, day: str) -> list[int]:
    """Every key a wording reported on ``day`` is indexed by: its grams, and for a known speaker (the only ones
    whose wordings are paraphrases) its content words under its directness and week."""
    return quote_grams(norm) + (content_keys(quote, kind, day) if person else [])


def link_report(index: StatementIndex, person: int, quote: str, kind: str = "direct", day: str = "") -> int:
    """The statement a report of ``quote`` (of ``kind``, dated ``day``: 'YYYY-MM-DD' or '') by ``person``
    (0: unknown) belongs to, joined or started."""
    day = report_day(day)  # a timestamp counts by its day
    norm = normalise_quote(quote)
    grams = quote_grams(norm)
    near = index.candidates(person, grams)
    same = {m for m in near if any(same_quote(norm, w) for w in index.wordings(m))}
    if person:
        near |= index.candidates(person, paraphrase_lookup(quote, kind, day), PARAPHRASE_SHARED)
        same |= {m for m in near - same if any(may_reword(norm, w) for w in index.wordings(m))
                 and any(reworded(quote, kind, other, other_kind) for other, other_kind in index.reports_within(m, day))}
    ordered = sorted(same)
    merged = ordered[0] if ordered else index.new_statement(person)
    for other in ordered[1:]:
        index.absorb(merged, other)
    index.add_wording(merged, person, quote, norm, kind, day)
    index.add_report(merged, quote, kind, day)
    return merged


class MemoryStatements:
    """A StatementIndex in memory, for one batch of reports (the Spark job's, per person)."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[int, int], set[int]] = {}
        self.norms: dict[int, set[str]] = {}
        self.shown: dict[int, tuple[str, str]] = {}  # the fullest wording and its kind
        self.reports: dict[int, list[tuple[str, str, str]]] = {}
        self.joined: dict[int, int] = {}

    def find(self, merged: int) -> int:
        while merged in self.joined:
            merged = self.joined[merged]
        return merged

    def candidates(self, person: int, keys: list[int], least: int = 1) -> set[int]:
        shared: dict[int, int] = {}
        for key in set(keys):
            for m in {self.find(m) for m in self.by_key.get((person, key), ())}:
                shared[m] = shared.get(m, 0) + 1
        return {m for m, count in shared.items() if count >= least}

    def wordings(self, merged: int) -> list[str]:
        return [normalise_quote(self.shown[merged][0]), *sorted(self.norms[merged])]

    def reports_within(self, merged: int, day: str) -> list[tuple[str, str]]:
        return sorted({(quote, kind) for quote, kind, other in self.reports[merged] if close_in_time(day, other)})

    def new_statement(self, person: int) -> int:
        merged = len(self.norms) + len(self.joined)
        self.norms[merged] = set()
        self.reports[merged] = []
        return merged

    def add_wording(self, merged: int, person: int, quote: str, norm: str, kind: str, day: str) -> None:
        self.norms[merged].add(norm)
        self.shown[merged] = fullest([(quote, kind), self.shown.get(merged, (quote, kind))])
        for key in wording_keys(quote, norm, kind, person, day):
            self.by_key.setdefault((person, key), set()).add(merged)

    def add_report(self, merged: int, quote: str, kind: str, day: str) -> None:
        self.reports[merged].append((quote, kind, day))

    def absorb(self, merged: int, other: int) -> None:
        self.norms[merged] |= self.norms.pop(other)
        self.reports[merged] += self.reports.pop(other)
        self.shown[merged] = fullest([self.shown[merged], self.shown.pop(other)])
        self.joined[other] = merged


def merge_reports(reports: list[tuple[str, str, str]] | list[str], person: int = 0) -> list[tuple[int, str]]:
    """For one person's reports, in report order, each a quote or (quote, kind, day): the statement each
    joins (numbered from 0 in order of first report) and its fullest wording."""
    index = MemoryStatements()
    joined = [link_report(index, person, *((report, "direct", "") if isinstance(report, str) else report))
              for report in reports]
    roots = [index.find(m) for m in joined]
    numbers = {root: n for n, root in enumerate(dict.fromkeys(roots))}
    return [(numbers[root], index.shown[root][0]) for root in roots]
