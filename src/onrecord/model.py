"""Plain data passed between the stages. No third-party imports here."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass, fields
from typing import Literal

Kind = Literal["direct", "indirect", "mixed"]
SpeakerType = Literal["person", "organization", "description", "unknown"]
Gender = Literal["female", "male"]
GenderSource = Literal["text", "names"]  # the article's own evidence, or the first-name table (the store adds 'aliases')

# A lone surrogate is valid in JSON and in a Python str (a file name's undecodable byte comes as one,
# os.fsdecode's surrogateescape), but SQLite, UTF-8 output and printing refuse it.
SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with every surrogate code point replaced by U+FFFD: one for one, so offsets still hold."""
    return SURROGATE.sub("\ufffd", text)


@dataclass(frozen=True)
class Span:
    """Character offsets into an article's text: ``text[start:end]``."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class DisjointSpans:
    """Spans that never overlap (quotations), with membership found by bisection."""

    def __init__(self, spans: list[Span]):
        self.spans = sorted(spans, key=lambda s: s.start)
        self.ends = [s.end for s in self.spans]

    def __contains__(self, at: int) -> bool:
        index = bisect_right(self.ends, at)
        return index < len(self.spans) and self.spans[index].start <= at


@dataclass(frozen=True)
class Document:
    """One article as found in an input, before its text is known: a file, a WARC record or a JSONL line.

    ``content`` is the raw bytes of a text file or HTML page, or a JSONL record's text field;
    ``fingerprint`` identifies the raw input, so re-reading it can be skipped cheaply; ``source_id`` is the
    input's own id for its record (a JSONL or Parquet record's "id", a WARC-Record-ID), when it has one.
    """

    source: str
    format: Literal["text", "html", "record"]
    content: bytes | str
    fingerprint: str
    url: str | None = None
    headline: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    source_id: str | None = None

    def __post_init__(self):
        """Every string from outside enters here: made valid Unicode once, for every stage after."""
        for field in fields(self):
            if isinstance(value := getattr(self, field.name), str):
                object.__setattr__(self, field.name, valid_unicode(value))


@dataclass(frozen=True)
class Article:
    """One article as read: ``text`` is exactly what was in the file (or extracted from its page).

    ``id`` is a hash of the normalised text; ``headline_first`` says the text's first line is
    the headline (true of text files, and of pages and records whose title is known).
    """

    text: str
    source: str = ""
    headline: str | None = None
    author: str | None = None
    published: str | None = None
    id: str = ""
    url: str | None = None
    outlet: str | None = None
    headline_first: bool = True
    source_id: str | None = None  # the input's own id for its record (see Document)


@dataclass(frozen=True)
class Layout:
    """Where the article content is, found by the clean stage."""

    headline: Span | None
    paragraphs: tuple[Span, ...]
    author: str | None = None
    published: str | None = None
    wire: str | None = None  # a news agency named in the byline or dateline


@dataclass(frozen=True)
class Statement:
    """Who said what: one quotation or reported statement in one article."""

    quote: str
    start: int
    end: int
    kind: Kind
    cue: str | None
    speaker: str | None
    speaker_type: SpeakerType
    speaker_mention: str | None
    confidence: float
    article: str = ""
    speaker_gender: Gender | None = None

    def to_dict(self) -> dict:
        record = asdict(self)
        return {"article": record.pop("article"), **record}


@dataclass(frozen=True)
class NamedPerson:
    """A person an article names in full, quoted or only mentioned (the Gender Gap Tracker's sources and people
    mentioned): ``name`` as the article gives it (as a statement names its speaker); ``gender`` as the article gives
    it by its end, and where that came from (``gender_source``); ``quoted``: the speaker of a statement of the article."""

    name: str
    gender: Gender | None = None
    gender_source: GenderSource | None = None
    quoted: bool = False
