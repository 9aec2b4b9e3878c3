"""A spaCy pipeline component for people who already run spaCy: ``nlp.add_pipe("onrecord_statements")``.

It reads the parse and entities of the pipeline before it and sets ``doc._.statements``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import clean, parse, quotes
from .pipeline import statements


class StatementsComponent:
    def __call__(self, doc: Doc) -> Doc:
        layout = clean.layout(doc.text)
        quotations = quotes.find_quotations(doc.text, layout)
        doc._.statements = statements(doc.text, layout, parse.sentences_of_doc(doc, layout), quotations)
        return doc


@Language.factory("onrecord_statements", requires=["token.dep", "token.tag", "doc.ents"], assigns=["doc._.statements"])
def make_statements_component(nlp: Language, name: str) -> StatementsComponent:
    if not Doc.has_extension("statements"):
        Doc.set_extension("statements", default=None)
    return StatementsComponent()
