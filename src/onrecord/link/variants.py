"""How the reports of one statement differ: each report's wording classed against a reference wording
(the statement's earliest report, or its fullest), with the words changed.

Wordings are aligned word by word with difflib's SequenceMatcher on case-folded words, so case,
punctuation, quotation marks and spacing are never a change, and neither is a word only spelt apart or
together ("U.S." and "US", "Jong-un" and "Jong un"). Of two wordings quoted directly, the report is:

- ``same``: the same words;
- ``shortened``: a contiguous part of the reference (words dropped at its ends only);
- ``extended``: the reference and more, before or after it;
- ``altered``: words inside the quotation marks added, dropped or replaced; each edit is listed, and
  marked as a change of negation, number, date or name when it is one.

When either wording is reported (indirect, or a mixed quote around a fragment) and the words differ, the
report is ``paraphrased``. Which reports are one statement is decided in ``link.statements``; this module
only describes how its wordings differ, so the store and the Spark job class alike.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache

from ..lexicon import DATE_WORDS, FUNCTION_WORDS, MONTHS_THAT_ARE_VERBS, NEGATIONS, NUMBER_WORDS
from .text import words

VARIANTS = ("same", "shortened", "extended", "altered", "paraphrased")
CHANGES = ("negation", "number", "date", "name", "words")
REPEAT_DAYS = 60  # a report this long after the first is the speaker saying it again, not the news cycle

WORD = re.compile(r"[$€£]?\w+(?:(?:[.'’\-]|(?<=\d),(?=\d))\w+)*%?\.?")  # '$4.5', '1,000', '5%', 'U.S.', "don't"


@dataclass(frozen=True)
class Edit:
    """Words of the reference (``was``) that the report gives as ``now``: one of them is empty when words
    were only dropped or only added."""

    was: str
    now: str
    change: str  # one of CHANGES: what kind of word changed, the most telling first

    @property
    def op(self) -> str:
        return "replace" if self.was and self.now else "delete" if self.was else "insert"


@dataclass(frozen=True)
class Variant:
    variant: str  # one of VARIANTS
    edits: tuple[Edit, ...] = ()

    def edits_json(self) -> str | None:
        """The edits as stored and exported: a JSON list of {was, now, change}, or None when there are none."""
        return json.dumps([asdict(edit) for edit in self.edits], ensure_ascii=False) if self.edits else None


def stored_edits(text: str | None) -> list[dict]:
    """The edits as ``Variant.edits_json`` stored them: a list of {was, now, change}, empty when there are none."""
    return json.loads(text) if text else []


def tokens(quote: str) -> list[str]:
    """The words of a quote as written ('U.S.', "don't", 'Jong-un' each one word)."""
    return WORD.findall(quote)


def fold(token: str) -> str:
    """A word as compared: its case, Unicode form, apostrophes and inner dots and hyphens evened out."""
    folded = unicodedata.normalize("NFKC", token).casefold().replace("’", "'").rstrip(".")
    return re.sub(r"(?<=[^\W\d_])[.\-](?=[^\W\d_])", "", folded)  # between letters only: '4.5' is not '45'


def directness(kind: str) -> str:
    """'direct' for words inside quotation marks throughout, else 'reported'."""
    return "direct" if kind == "direct" else "reported"


@lru_cache(maxsize=8192)
def classify(quote: str, kind: str, reference: str, reference_kind: str) -> Variant:
    """How a report's ``quote`` (of ``kind``) differs from the ``reference`` wording."""
    said, was = tokens(quote), tokens(reference)
    opcodes = [op for op in aligned(was, said) if op[0] != "equal"]
    if not opcodes:
        return Variant("same")
    edits = tuple(edit_of(was, said, op) for op in opcodes)
    if directness(kind) == "reported" or directness(reference_kind) == "reported":
        return Variant("paraphrased", edits)
    inside = [op for op in opcodes if not at_edge(op, len(was), len(said))]
    if inside:
        return Variant("altered", tuple(edit_of(was, said, op) for op in inside))
    dropped = any(tag == "delete" for tag, *_ in opcodes)
    added = any(tag == "insert" for tag, *_ in opcodes)
    if dropped and added:  # a window shifted along the statement: shorter or longer overall
        return Variant("shortened" if len(said) < len(was) else "extended", edits)
    return Variant("shortened" if dropped else "extended", edits)


def aligned(was: list[str], said: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes over the folded words, with a replacement that only spells the same letters
    apart or together ('U.S.' / 'US', 'Jong-un' / 'Jong un') counted as equal, and a replacement at either
    end that is much longer on one side split into the words replaced and a cut."""
    matcher = SequenceMatcher(None, [fold(w) for w in was], [fold(w) for w in said], autojunk=False)
    opcodes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and letters(was[i1:i2]) == letters(said[j1:j2]) and not any_digit(was[i1:i2] + said[j1:j2]):
            tag = "equal"
        opcodes += cut_apart((tag, i1, i2, j1, j2), len(was), len(said))
    return opcodes


CUT_AFTER = 3  # words more on one side of a replacement at an end that make the rest a cut, not an edit


def cut_apart(opcode: tuple[str, int, int, int, int], was_length: int, said_length: int) -> list[tuple[str, int, int, int, int]]:
    """'laws. But we are not ready' / 'law.' at the end: 'laws' replaced by 'law', the rest cut."""
    tag, i1, i2, j1, j2 = opcode
    extra_was, extra_said = (i2 - i1) - (j2 - j1), (j2 - j1) - (i2 - i1)
    if tag != "replace" or max(extra_was, extra_said) < CUT_AFTER:
        return [opcode]
    if i2 == was_length and j2 == said_length:  # at the end: replace the first words, cut the rest
        if extra_was > 0:
            return [("replace", i1, i2 - extra_was, j1, j2), ("delete", i2 - extra_was, i2, j2, j2)]
        return [("replace", i1, i2, j1, j2 - extra_said), ("insert", i2, i2, j2 - extra_said, j2)]
    if i1 == j1 == 0:  # at the start: cut the first words, replace the rest
        if extra_was > 0:
            return [("delete", 0, extra_was, 0, 0), ("replace", extra_was, i2, 0, j2)]
        return [("insert", 0, 0, 0, extra_said), ("replace", 0, i2, extra_said, j2)]
    return [opcode]


def at_edge(opcode: tuple[str, int, int, int, int], was_length: int, said_length: int) -> bool:
    """Words only dropped or only added before the first shared word or after the last: a cut, not an edit."""
    tag, i1, i2, j1, j2 = opcode
    return tag != "replace" and (i1 == j1 == 0 or (i2 == was_length and j2 == said_length))


def any_digit(words: list[str]) -> bool:
    return any(c.isdigit() for word in words for c in word)


def letters(words: list[str]) -> str:
    return re.sub(r"\W|_", "", "".join(fold(w) for w in words))


def edit_of(was: list[str], said: list[str], opcode: tuple[str, int, int, int, int]) -> Edit:
    _, i1, i2, j1, j2 = opcode
    changed = [(w, starts_sentence(was, i)) for i, w in enumerate(was) if i1 <= i < i2]
    changed += [(w, starts_sentence(said, j)) for j, w in enumerate(said) if j1 <= j < j2]
    return Edit(" ".join(was[i1:i2]), " ".join(said[j1:j2]), change_of(changed))


def starts_sentence(words: list[str], at: int) -> bool:
    return at == 0 or words[at - 1].endswith(".")


def change_of(words: list[tuple[str, bool]]) -> str:
    """The most telling kind of word among those changed (each with whether it starts a sentence): a
    negation, a number, a date, a name (a capitalised word inside a sentence), else words."""
    folded = [fold(w) for w, _ in words]
    if any(w in NEGATIONS or w.endswith("n't") for w in folded):
        return "negation"
    if any(any(c.isdigit() for c in w) or w in NUMBER_WORDS for w in folded):
        return "number"
    if any(fold(w) in DATE_WORDS and (fold(w) not in MONTHS_THAT_ARE_VERBS or w[:1].isupper()) for w, _ in words):
        return "date"
    if any(w[:1].isupper() and not initial and is_content(w) and fold(w).split("'")[0] != "i" for w, initial in words):
        return "name"
    return "words"


def content_words(quote: str) -> set[str]:
    """The words that carry a statement's content: no function words; a plural 's' dropped, so that
    'clinics' and 'clinic' or 'reports' and 'report' meet."""
    found = set()
    for word in (fold(w) for w in tokens(quote)):
        word = word.replace("'", "")
        if word in FUNCTION_WORDS or len(word) < 2 and not word.isdigit():
            continue
        found.add(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return found


PARAPHRASE_SHARED = 3  # content words two wordings share, at least;
PARAPHRASE_SHARE = 0.6  # the share of the content words of the one with fewer they are, at least;
PARAPHRASE_DICE = 0.5  # and of both: 2 * shared / (one's + other's), at least


def paraphrase(quote: str, kind: str, other: str, other_kind: str) -> bool:
    """A reported wording (indirect, or a mixed quote) and a quotation say the same thing: they share at least
    three content words, which are at least 60 % of the content words of the one with fewer, and the two
    have not many more besides (Dice 0.5: a three-word fragment never matches a long quotation that merely
    holds its words). Two reported wordings are never linked to each other directly: each is linked to the
    quotation it reports, which keeps paraphrases from chaining."""
    return directness(kind) != directness(other_kind) and say_the_same(quote, other)


def say_the_same(quote: str, other: str) -> bool:
    """The content-word test of ``paraphrase``, whatever the kinds (on the words as ``link.text.words`` reads
    them, so a quote and its normalised form give the same answer)."""
    mine, theirs = said_content(quote), said_content(other)
    shared = len(mine & theirs)
    return (shared >= PARAPHRASE_SHARED and shared >= PARAPHRASE_SHARE * min(len(mine), len(theirs))
            and 2 * shared >= PARAPHRASE_DICE * (len(mine) + len(theirs)))


@lru_cache(maxsize=65536)
def said_content(quote: str) -> frozenset[str]:
    """The content words of a quote's normalised words (``link.text.words``): what paraphrases are compared
    and found by."""
    return frozenset(content_words(" ".join(words(quote))))


@dataclass(frozen=True)
class Wording:
    """A report's quote and kind, what classing looks at."""

    quote: str
    kind: str


def fullest_wording(reports: list[Wording], fullest_quote: str) -> Wording:
    """The fullest wording (``link.statements.fullest``) as a Wording: its kind is the first of the kinds
    it was reported with ('direct' first), as the fullest wording is chosen."""
    return Wording(fullest_quote, min((r.kind for r in reports if r.quote == fullest_quote), default="direct"))


def report_variants(report: Wording, first: Wording, fullest: Wording) -> tuple[Variant, Variant]:
    """A report classed against its statement's first report (or what ``reference_of`` puts in its place)
    and against its fullest wording."""
    reference = reference_of(report, first, fullest)
    return (classify(report.quote, report.kind, reference.quote, reference.kind),
            classify(report.quote, report.kind, fullest.quote, fullest.kind))


def reference_of(report: Wording, first: Wording, fullest: Wording) -> Wording:
    """What a report is classed against: its statement's first report; but a quotation that shares less than
    half its content words with the first (another part of a long statement) is no alteration of it, and is
    classed against the fullest wording."""
    if classify(report.quote, report.kind, first.quote, first.kind).variant == "altered" and not overlapping(
            report.quote, first.quote):
        return fullest
    return first


def overlapping(quote: str, reference: str) -> bool:
    """Half the content words of the shorter of two wordings, at least, are aligned with the other's."""
    said, was = tokens(quote), tokens(reference)
    kept = sum(is_content(w) for tag, i1, i2, _, _ in aligned(was, said) if tag == "equal" for w in was[i1:i2])
    return 2 * kept >= min(sum(map(is_content, said)), sum(map(is_content, was)))


def is_content(token: str) -> bool:
    return fold(token).replace("'", "") not in FUNCTION_WORDS


def statement_variants(reports: list[Wording], first: Wording, fullest: Wording) -> list[tuple[Variant, Variant]]:
    """Each report of one statement classed against its first report and against its fullest wording."""
    return [report_variants(report, first, fullest) for report in reports]


def repeated(first_day: str, day: str) -> bool:
    """A report dated REPEAT_DAYS or more after the statement's first: said again (both days 'YYYY-MM-DD')."""
    if not first_day or not day:
        return False
    return (date.fromisoformat(day) - date.fromisoformat(first_day)).days >= REPEAT_DAYS
