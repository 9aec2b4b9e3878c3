"""Copies: articles that carry the same text (a wire story republished, rewritten around its quoted
paragraphs, or updated).

An article's sketch is a MinHash (datasketch) of its word 5-gram shingles, cut into LSH bands, plus a
key per long sentence (a passage). Articles that share a band key (similar as a whole) or a passage key
(a copied passage) are candidates; a candidate is a copy when the share of the smaller article's
shingles found in the other is high enough, counted exactly. Rewrites of one wire story that keep its
quoted paragraphs but change the framing (a Jaccard of only 0.1) are caught this way.

Boilerplate is text that says nothing about the article it is in, and is never evidence of copying:
- a key held by more than MAX_KEY_ARTICLES articles ("Follow us on ...") finds no candidates;
- a passage an outlet prints under articles published weeks apart (an editor's note, a newsletter
  prompt, a disclaimer: see ``is_outlet_boilerplate``) is cut from the text compared, and holds no statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from .. import clean
from .stories import STORY_DAYS, report_day
from .text import stable_hash, words

NUM_PERM = 128
SHINGLE_WORDS = 5
LSH_THRESHOLD = 0.5  # Jaccard at which two articles become candidates through the bands
COPY_CONTAINMENT = 0.15  # share of the smaller article's shingles found in the other (seed rewrites: 0.2)
PASSAGE_WORDS = 10  # a sentence this long, found word for word in two articles, makes them candidates
MAX_KEY_ARTICLES = 50  # a key shared by more articles is boilerplate ("Follow us on ..."), not evidence
BOILERPLATE_ISSUES = 3  # an outlet's passage printed in this many articles, each STORY_DAYS from the others
SENTENCE_ENDS = (".", "!", "?", "”", '"')
SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+")  # within a paragraph, where a line break is a hard wrap


@dataclass(frozen=True, slots=True)  # slots: an article has dozens, and sketches are held by the thousand
class Passage:
    start: int
    end: int
    key: int


@dataclass(frozen=True, slots=True)
class Sketch:
    shingles: int  # how many distinct shingles the article has
    signature: bytes  # MinHash values, NUM_PERM unsigned 32-bit integers
    keys: tuple[int, ...]  # LSH band keys and passage keys
    passages: tuple[Passage, ...] = ()  # the article's long sentences, where they are


@lru_cache(maxsize=1)
def bands() -> tuple[int, int]:
    """Bands and rows per band that datasketch chooses for the threshold."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


Spans = list[tuple[int, int]]


def content_spans(text: str, headline_first: bool = True) -> Spans:
    """The article's own paragraphs: no headline (copies retitle) and no site furniture (copies add their own)."""
    return [(p.start, p.end) for p in clean.layout(text, headline_first).paragraphs]


def content_of(text: str, headline_first: bool = True, boilerplate: Iterable[Passage] = (), spans: Spans | None = None) -> str:
    """The text compared for copies: the article's paragraphs (``spans``, when the caller has its layout)
    without its boilerplate passages."""
    cut = sorted((p.start, p.end) for p in boilerplate)
    pieces = []
    for start, end in spans or content_spans(text, headline_first):
        for cut_start, cut_end in cut:
            if cut_start < end and cut_end > start:
                pieces.append(text[start:max(cut_start, start)])
                start = min(max(cut_end, start), end)
        pieces.append(text[start:end])
    return "\n".join(piece for piece in pieces if piece.strip())


def passages(text: str, spans: Spans) -> list[Passage]:
    """Each sentence of PASSAGE_WORDS words or more in the article's paragraphs (``spans``), with its key.
    A paragraph that ends without a full stop goes on in the next (a hard-wrapped line cut into paragraphs)."""
    found, at = [], None
    for start, end in spans:
        at = start if at is None else at
        for separator in SENTENCE_END.finditer(text, start, end):
            found += passage(text, at, separator.start())
            at = separator.end()
        if text[start:end].rstrip().endswith(SENTENCE_ENDS):
            found += passage(text, at, end)
            at = None
    if at is not None and spans:
        found += passage(text, at, spans[-1][1])
    return found


def passage(text: str, start: int, end: int) -> list[Passage]:
    sentence = words(text[start:end])
    return [Passage(start, end, stable_hash("passage", " ".join(sentence)))] if len(sentence) >= PASSAGE_WORDS else []


def shingle_set(content: str) -> set[str]:
    tokens = words(content)
    return {" ".join(tokens[i:i + SHINGLE_WORDS]) for i in range(max(len(tokens) - SHINGLE_WORDS + 1, 1))}


def sketch(text: str, headline_first: bool = True, spans: Spans | None = None) -> Sketch:
    """What copies are found by, from the article's paragraphs (``spans``, when the caller has its layout)."""
    spans = spans or content_spans(text, headline_first)
    shingles = shingle_set(content_of(text, spans=spans))
    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    values = minhash.hashvalues.astype(np.uint32)
    count, rows = bands()
    band_keys = [stable_hash("band", str(i), values[i * rows:(i + 1) * rows].tobytes()) for i in range(count)]
    found = tuple(passages(text, spans))
    return Sketch(len(shingles), values.tobytes(), tuple(band_keys + sorted({p.key for p in found})), found)


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity of the two articles' shingle sets."""
    first, second = np.frombuffer(a.signature, dtype=np.uint32), np.frombuffer(b.signature, dtype=np.uint32)
    return float(np.count_nonzero(first == second)) / NUM_PERM


def containment(a: Sketch, b: Sketch) -> float:
    """Estimated share of the smaller article's shingles that the other has too."""
    jaccard = similarity(a, b)
    shared = jaccard * (a.shingles + b.shingles) / (1 + jaccard)
    return shared / max(min(a.shingles, b.shingles), 1)


def are_copies(a: Sketch, b: Sketch, content_a: Callable[[], str], content_b: Callable[[], str]) -> bool:
    """Copies share at least COPY_CONTAINMENT of the smaller article's shingles (their contents without
    boilerplate, made only if needed). The MinHash estimate is too noisy near the threshold (a shared footer would chain
    unrelated stories into one group), so it only screens the candidates and the rest are counted exactly."""
    if containment(a, b) < COPY_CONTAINMENT / 2:
        return False
    first, second = shingle_set(content_a()), shingle_set(content_b())
    return len(first & second) / max(min(len(first), len(second)), 1) >= COPY_CONTAINMENT


def is_outlet_boilerplate(dates: Iterable[str | None]) -> bool:
    """A passage one outlet printed in BOILERPLATE_ISSUES articles, each more than STORY_DAYS from the others
    (the dates of the outlet's articles that carry it): no single story runs on it, so it is the outlet's
    own furniture. A passage repeated within one story (the updates of a report) is the story's text."""
    spaced, last = 0, None
    for day in sorted(filter(None, map(report_day, dates))):
        ordinal = date.fromisoformat(day).toordinal()
        if last is None or ordinal - last > STORY_DAYS:
            spaced, last = spaced + 1, ordinal
    return spaced >= BOILERPLATE_ISSUES


def outside(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    """The stretch start..end overlaps none of the spans."""
    return all(end <= low or start >= high for low, high in spans)
