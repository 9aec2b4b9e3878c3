"""Python access to a store: ``onrecord.open_store(path)`` for scripts and notebooks.

    import onrecord
    with onrecord.open_store("onrecord.db") as store:
        said = store.statements(speaker="elena marsh", search="ferry")
        said[0].quote, said[0].published, said[0].outlet
        frame = said.to_pandas()                      # with pandas installed: pip install 'onrecord[pandas]'

Every list is a ``Records`` list of frozen dataclasses, plain data named as the store's columns; nothing here
writes to the store. A wrong argument (a date that is not one, an unparsable search, an unknown kind) raises
an ``OnRecordError`` subclass whose message is one line for the user, as the CLI prints it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Generic, TypeVar

from .errors import BadRequest, OnRecordError
from .link.variants import Edit, stored_edits
from .store import QuoteFilter, Store
from .store.queries import KINDS, LIST_SEPARATOR, ORDERS, SPEAKER_TYPES, checked_day

__all__ = ["open_store", "StoreReader", "Records", "StatementRecord", "MergedStatementRecord", "PersonRecord",
           "ArticleRecord", "ArticleWithText"]

PANDAS_MISSING = "pandas is not installed; pip install 'onrecord[pandas]'"
# The columns pandas would not type by itself: an empty list's, and integers with None (float64 with NaN otherwise).
DTYPES = {"int": "int64", "int | None": "Int64", "float": "float64"}


@dataclass(frozen=True)
class StatementRecord:
    """One statement as one article reports it.

    ``quote`` is ``article text[start:end]``; ``kind`` is direct, indirect or mixed; ``cue`` the reporting verb
    ('said', 'told', 'according to'; None when the quote stands alone). ``speaker`` is the person's name across
    the store (or the speaker as the article gives it when not linked to a person), ``speaker_type`` person,
    organization, description or unknown, ``speaker_mention`` the words the article uses ('Ms. Marsh', 'she'),
    ``speaker_gender`` female, male or None as this article gives it; ``confidence`` 0..1 of the attribution.
    ``published`` ('YYYY-MM-DD' or None), ``outlet``, ``headline``, ``article_id`` and ``url`` are the article's;
    ``person_id`` joins ``people()``, ``merged_id`` joins ``merged_statements()`` (the same words in other articles).
    ``variant`` is how this report's wording differs from the merged statement's first report (same, shortened,
    extended, altered, paraphrased; docs/variants.md), ``edits`` the words changed (``Edit(was, now, change)``),
    ``fullest_variant`` how it differs from the statement's fullest wording.
    """

    id: int
    quote: str
    kind: str
    cue: str | None
    speaker: str | None
    speaker_type: str
    speaker_mention: str | None
    speaker_gender: str | None
    confidence: float
    published: str | None
    outlet: str | None
    headline: str | None
    article_id: str
    url: str | None
    person_id: int | None
    merged_id: int | None
    start: int
    end: int
    variant: str | None
    edits: tuple[Edit, ...]
    fullest_variant: str | None


@dataclass(frozen=True)
class MergedStatementRecord:
    """One statement across every article that reports it (a wire quote printed by many outlets, once).

    ``quote`` is the fullest wording reported; ``first_seen`` the earliest date of a report (None when no report
    is dated), ``first_article`` and ``first_outlet`` that report's; ``articles`` and ``outlets`` how many report it
    (unknown outlets are not counted), ``outlet_names`` which, first reported first; ``kinds`` the kinds it is reported as; ``cue`` the
    first report's reporting verb. ``person_id`` joins ``people()``; ``id`` is ``StatementRecord.merged_id``.
    """

    id: int
    quote: str
    person_id: int | None
    speaker: str
    first_seen: str | None
    first_article: str | None
    first_outlet: str | None
    articles: int
    outlets: int
    outlet_names: tuple[str, ...]
    kinds: tuple[str, ...]
    cue: str | None


@dataclass(frozen=True)
class PersonRecord:
    """One person (or organisation, or description such as 'officials') across the store.

    ``type`` is person, organization or description; ``gender`` as most of their statements give it;
    ``wikidata`` an id given by an aliases file; ``variants`` the spellings articles use, most used first;
    ``roles`` their roles with dates ('Mayor (2025-04-11 to 2025-04-14) | ...'); ``statements`` how many
    statements (reports), ``distinct_statements`` how many different ones, ``articles`` in how many articles.
    """

    id: int
    name: str
    type: str
    gender: str | None
    wikidata: str | None
    variants: tuple[str, ...]
    roles: str | None
    statements: int
    distinct_statements: int
    articles: int


@dataclass(frozen=True)
class ArticleRecord:
    """One stored article, without its text (``StoreReader.article(id)`` gives it).

    ``source`` is where it was read from (a file, 'dump.jsonl:12'); ``outlet`` the outlet's name across
    spellings, ``outlet_as_given`` as the article gives it; ``published`` 'YYYY-MM-DD' or None; ``copy_group``
    the smallest id among it and its copies, ``story`` among the articles about the same event;
    ``statements`` how many statements it holds.
    """

    id: str
    source: str
    url: str | None
    outlet: str | None
    outlet_as_given: str | None
    headline: str | None
    author: str | None
    published: str | None
    story: str | None
    copy_group: str | None
    statements: int


@dataclass(frozen=True)
class ArticleWithText(ArticleRecord):
    """An article with its text: the headline, a blank line, the body (``text[start:end]`` is each statement's quote)."""

    text: str


R = TypeVar("R")


class Records(list, Generic[R]):
    """A list of records of one kind; ``to_pandas()`` gives them as a DataFrame, one column per field."""

    def __init__(self, record_type: type[R], items=()):
        super().__init__(items)
        self.record_type = record_type

    @property
    def columns(self) -> list[str]:
        return [f.name for f in fields(self.record_type)]

    def to_pandas(self):
        """A ``pandas.DataFrame``: one row per record, the record's fields as columns (in their order), ids and
        counts as integers (those that may be None as pandas' nullable Int64), tuples such as ``outlet_names`` as tuples."""
        try:
            import pandas
        except ImportError:
            raise OnRecordError(PANDAS_MISSING) from None
        columns = self.columns
        frame = pandas.DataFrame.from_records([tuple(getattr(r, c) for c in columns) for r in self], columns=columns)
        return frame.astype({f.name: DTYPES[f.type] for f in fields(self.record_type) if f.type in DTYPES})

    def __repr__(self) -> str:
        return f"Records[{self.record_type.__name__}]({list.__repr__(self)})"


def open_store(path: str | Path) -> StoreReader:
    """A store to read from Python (read-only). Use it in a ``with`` block or call ``close()``."""
    return StoreReader(path)


class StoreReader:
    """Reads statements, merged statements, people and articles from a store, as lists of dataclasses."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.store = Store(self.path, readonly=True)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<onrecord store {self.path!r}>"

    def counts(self) -> dict[str, int]:
        """How many articles, statements, people, merged statements and stories the store holds."""
        return self.read(self.store.counts)

    def statements(self, speaker: str | None = None, search: str | None = None, since: str | None = None,
                   until: str | None = None, outlet: str | None = None, kind: str | None = None,
                   no_speaker: bool = False, pronoun: bool = False, min_confidence: float | None = None,
                   speaker_type: str | None = None, order: str | None = None, limit: int | None = None,
                   offset: int = 0) -> Records[StatementRecord]:
        """Statements as each article reports them.

        ``speaker``: a name in any spelling ('elena marsh'; a surname alone finds everyone of that name);
        ``search``: SQLite full-text words ('ferry', 'ferr*', '"tax cuts" NOT tariff'); ``since``/``until``:
        'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', inclusive (``until='2019'`` keeps all of 2019); ``outlet``: any
        spelling of an outlet; ``kind``: direct, indirect or mixed; ``no_speaker``: only statements whose
        speaker is not known; ``pronoun``: only those whose speaker the article names by a pronoun alone;
        ``min_confidence``: 0..1; ``speaker_type``: person, organization, description or unknown.
        ``order``: 'relevance' (the default when searching) or 'newest' (the default otherwise).
        """
        where = self.quote_filter(speaker, search, since, until, outlet, kind, no_speaker, pronoun, min_confidence,
                                  speaker_type, order, limit, offset)
        return self.records(StatementRecord, self.read(self.store.quotes, where),
                            edits=lambda v: tuple(Edit(**edit) for edit in stored_edits(v)))

    def count_statements(self, speaker: str | None = None, search: str | None = None, since: str | None = None,
                         until: str | None = None, outlet: str | None = None, kind: str | None = None,
                         no_speaker: bool = False, pronoun: bool = False, min_confidence: float | None = None,
                         speaker_type: str | None = None) -> int:
        """How many statements ``statements()`` finds with the same filters, without reading them."""
        where = self.quote_filter(speaker, search, since, until, outlet, kind, no_speaker, pronoun, min_confidence,
                                  speaker_type, None, None, 0)
        return self.read(self.store.count_quotes, where)

    def merged_statements(self, speaker: str | None = None, search: str | None = None, min_outlets: int = 1,
                          since: str | None = None, until: str | None = None, limit: int | None = None,
                          offset: int = 0, varied: bool = False, altered: bool = False) -> Records[MergedStatementRecord]:
        """Each statement once across the articles that report it, the most widely reported first.

        ``min_outlets``: only statements reported by at least that many (known) outlets; ``since``/``until``:
        only statements reported at least once between those dates; ``speaker``, ``search`` as in ``statements``;
        ``varied``: only those reported in more than one wording; ``altered``: only those a report quoted with
        words changed (their reports: ``statements`` rows with that ``merged_id``, each with its ``variant``).
        """
        if not isinstance(min_outlets, int) or isinstance(min_outlets, bool) or min_outlets < 1:
            raise BadRequest(f"min_outlets: {min_outlets!r} is not a whole number of at least 1")
        rows = self.read(self.store.merged_statements, speaker=speaker, search=search, min_outlets=min_outlets,
                         since=date_or_none("since", since), until=date_or_none("until", until),
                         limit=checked_limit(limit, offset), offset=checked_offset(offset), varied=bool(varied),
                         altered=bool(altered))
        return self.records(MergedStatementRecord, rows, outlet_names=lambda v: split(v, LIST_SEPARATOR),
                            kinds=lambda v: tuple(sorted(split(v, ","))))

    def people(self, search: str | None = None, limit: int | None = None,
               offset: int = 0) -> Records[PersonRecord]:
        """People, organisations and descriptions that made statements, most quoted first; ``search``: a name or
        part of one ('marsh' finds Elena Marsh and every other Marsh), in any of its spellings."""
        rows = self.read(self.store.people, limit=checked_limit(limit) or -1, offset=checked_offset(offset),
                         search=search)
        return self.records(PersonRecord, rows, variants=lambda v: split(v, LIST_SEPARATOR))

    def articles(self, outlet: str | None = None, since: str | None = None, until: str | None = None,
                 limit: int | None = None, offset: int = 0) -> Records[ArticleRecord]:
        """Stored articles without their text, newest first (undated ones last); filters as in ``statements``."""
        rows = self.read(self.store.articles, outlet=outlet, since=date_or_none("since", since),
                         until=date_or_none("until", until), limit=checked_limit(limit) or -1,
                         offset=checked_offset(offset))
        return self.records(ArticleRecord, rows)

    def article(self, article_id: str) -> ArticleWithText:
        """One article with its text; ``article_id`` may be the start of an id, as long as one article has it."""
        row = self.read(self.store.article, article_id)
        statements = len(self.read(self.store.statements_of, row["id"]))
        return ArticleWithText(**{f.name: row[f.name] for f in fields(ArticleRecord) if f.name != "statements"},
                               statements=statements, text=row["text"])

    # --- helpers ---

    def quote_filter(self, speaker, search, since, until, outlet, kind, no_speaker, pronoun, min_confidence,
                     speaker_type, order, limit, offset) -> QuoteFilter:
        if kind is not None and kind not in KINDS:
            raise BadRequest(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
        if speaker_type is not None and speaker_type not in SPEAKER_TYPES:
            raise BadRequest(f"speaker_type: {speaker_type!r} is not one of {', '.join(SPEAKER_TYPES)}")
        if order is not None and order not in ORDERS:
            raise BadRequest(f"order: {order!r} is not one of {', '.join(ORDERS)}")
        if min_confidence is not None and (isinstance(min_confidence, bool) or not isinstance(min_confidence, (int, float))
                                           or not 0 <= min_confidence <= 1):
            raise BadRequest(f"min_confidence: {min_confidence!r} is not a number from 0 to 1")
        return QuoteFilter(speaker=speaker, search=search, since=date_or_none("since", since),
                           until=date_or_none("until", until), outlet=outlet, kind=kind, limit=checked_limit(limit, offset),
                           offset=checked_offset(offset), no_speaker=bool(no_speaker), pronoun=bool(pronoun),
                           min_confidence=min_confidence, speaker_type=speaker_type, order=order)

    def read(self, query, *args, **kwargs):
        """Run one of the store's queries; an SQLite failure (a store deleted or damaged meanwhile) is one line."""
        try:
            return query(*args, **kwargs)
        except sqlite3.Error as error:
            raise OnRecordError(f"{self.path}: cannot read the store ({error})") from None

    @staticmethod
    def records(record_type: type[R], rows, **convert) -> Records[R]:
        names = [f.name for f in fields(record_type)]
        return Records(record_type, (record_type(**{name: convert[name](row[name]) if name in convert else row[name]
                                                    for name in names}) for row in rows))


def date_or_none(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return checked_day(str(value))
    except ValueError as error:
        raise BadRequest(f"{name}: {error}") from None


def checked_limit(limit: int | None, offset: int = 0) -> int | None:
    """The store's limit: None (or -1, SQLite's "no limit", when an offset is given) for no limit."""
    if limit is None:
        return -1 if offset else None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise BadRequest(f"limit: {limit!r} is not a whole number of at least 1 (None for no limit)")
    return limit


def checked_offset(offset: int) -> int:
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise BadRequest(f"offset: {offset!r} is not a whole number of at least 0")
    return offset


def split(value: str | None, separator: str) -> tuple[str, ...]:
    return tuple(value.split(separator)) if value else ()
