"""What parsing costs: a sentence met again (a wire story's update, a copy in another outlet) is not parsed
again, NER reads only the words around names, and what is extracted is what a full parse gives."""

import pytest
from spacy.tokens import Doc

from onrecord import extract, parse
from onrecord.parse import ParseCache, may_name, name_windows, parse_cache, parsed_docs, sentence_key

FIRST = """Harbour council backs new ferry timetable

The harbour council voted on Tuesday to keep the winter ferry running. “We will not leave the islanders without a boat in January,” said Mara Quillan, the council's transport chair.

Fares will stay at four pounds, the council said in a statement. Quillan said the timetable would be reviewed in March.

Opposition councillor Dev Ashworth told reporters the vote was “a promise made in a hurry.”"""

UPDATE = FIRST.replace("Harbour council backs new ferry timetable", "UPDATE 1-Harbour council backs ferry timetable") + """

Ashworth later said he would ask for a second vote. “The numbers do not add up,” he said."""


@pytest.fixture()
def fresh(nlp):
    """The session's pipeline with an empty cache, given back its own afterwards."""
    kept = parse.CACHES.pop(nlp, None)
    yield nlp
    parse.CACHES.pop(nlp, None)
    if kept is not None:
        parse.CACHES[nlp] = kept


def parsed_sentences(nlp, monkeypatch) -> list[str]:
    """The texts the pipeline is asked to parse from now on."""
    seen: list[str] = []
    pipe = nlp.pipe

    def counting(docs, *args, **kwargs):
        docs = list(docs)
        seen.extend(doc.text for doc in docs)
        return pipe(docs, *args, **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting)
    return seen


def test_an_update_parses_only_its_new_sentences_and_extracts_what_a_fresh_parse_does(fresh, monkeypatch):
    first = extract(FIRST, model=fresh)
    seen = parsed_sentences(fresh, monkeypatch)
    update = extract(UPDATE, model=fresh)
    assert seen and all(sentence not in FIRST for sentence in seen)
    assert any("second vote" in sentence for sentence in seen)
    assert parse_cache(fresh).hits >= 4
    parse.CACHES[fresh] = ParseCache()
    assert extract(UPDATE, model=fresh) == update
    assert [(s.quote, s.speaker) for s in update[:len(first)]] == [(s.quote, s.speaker) for s in first]
    assert ("The numbers do not add up,", "Dev Ashworth") in [(s.quote, s.speaker) for s in update]


def test_a_sentence_twice_in_one_article_is_parsed_once(fresh, monkeypatch):
    seen = parsed_sentences(fresh, monkeypatch)
    line = "“The pier is safe,” Mara Quillan said."
    found = extract(f"Pier news\n\n{line}\n\nThe storm passed at noon.\n\n{line}", model=fresh)
    assert seen.count(line) == 1
    assert [(s.quote, s.speaker) for s in found] == [("The pier is safe,", "Mara Quillan")] * 2
    assert found[0].start != found[1].start


def test_the_key_is_the_tokens_and_the_spaces_between_them(nlp):
    def key(words, spaces):
        return sentence_key(Doc(nlp.vocab, words=words, spaces=spaces)[:])

    assert key(["New", "York", "."], [True, False, False]) == key(["New", "York", "."], [True, False, False])
    assert key(["New", "York", "."], [True, False, False]) != key(["New", "York", "."], [False, False, False])
    assert key(["NewYork", "."], [False, False]) != key(["New", "York", "."], [False, False, False])


def test_the_cache_keeps_the_most_recently_used_within_its_token_limit(nlp):
    cache = ParseCache(tokens=10)
    docs = {name: nlp(text) for name, text in
            [("a", "one two three four"), ("b", "five six seven"), ("c", "eight nine ten"), ("long", "w " * 11)]}
    for name in ("a", "b"):
        cache.put(name.encode(), docs[name])
    assert cache.get(b"a") is not None  # now the most recently used
    cache.put(b"c", docs["c"])  # 4 + 3 + 3 tokens: all kept
    cache.put(b"long", docs["long"])  # longer than the whole cache: not kept
    assert cache.held == 10 and cache.get(b"long") is None
    cache.put(b"d", nlp("eleven twelve"))  # over the limit: the least recently used (b) goes
    assert cache.get(b"b") is None and cache.get(b"a") is not None and cache.get(b"c") is not None
    assert cache.held == 9


def test_a_parse_from_the_cache_is_the_parse_itself(nlp):
    sentence = "In a statement on Friday, Mara Quillan, who chairs the Kellsay Ferry Company, said fares would rise."
    cache, parsed = ParseCache(), nlp(sentence)
    cache.put(b"s", parsed)
    again = nlp.make_doc(sentence).from_array(parse.PARSE_ATTRS, cache.get(b"s"))
    assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in again] == \
        [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in parsed]
    assert [(e.text, e.label_) for e in again.ents] == [(e.text, e.label_) for e in parsed.ents]


NAMED = [
    "The complaint, filed in August by Peter Lund and two neighbours, said the city had cut the budget.",
    "ICEG said it would begin a pilot project next spring with the Harbour Trust.",
    "In a statement on Friday, Mara Quillan, who chairs the Kellsay Ferry Company, said fares would rise by 5 percent.",
    "the board of the Northern Salmon Growers Association told the BBC it had not been consulted.",
]


@pytest.mark.parametrize("sentence", NAMED)
def test_names_found_in_windows_are_the_names_the_whole_sentence_gives(nlp, sentence):
    windowed = parsed_docs(nlp, [nlp.make_doc(sentence)])[0]
    whole = nlp(sentence)
    def names(doc):
        return [(e.start, e.end, e.label_) for e in doc.ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP")]
    assert names(windowed) == names(whole) and names(whole)
    assert [t.ent_type_ for t in windowed if t.ent_type_ in ("PERSON", "ORG")] == \
        [t.ent_type_ for t in whole if t.ent_type_ in ("PERSON", "ORG")]
    assert [(t.tag_, t.dep_, t.head.i) for t in windowed] == [(t.tag_, t.dep_, t.head.i) for t in whole]


def test_ner_reads_a_few_words_around_each_name_and_not_the_rest(nlp):
    doc = parsed_docs(nlp, [nlp.make_doc("The council met for six hours and then, late at night, voted to keep "
                                         "the winter ferry running until the end of March, as Mara Quillan had asked.")])[0]
    windows = name_windows([t.i for t in doc if may_name(t)], len(doc))
    covered = sum(end - start for start, end in windows)
    assert 0 < covered < len(doc) // 2
    assert all(any(t.text in ("March", "Mara", "Quillan") for t in doc[start:end]) for start, end in windows)


def test_a_name_or_nationality_that_starts_the_sentence_is_read_by_ner(nlp):
    for sentence in ("Venezuelan authorities have said the border will stay closed until March.",
                     "Chinese wine sales are growing fast, the trade board said on Monday."):
        windowed = parsed_docs(nlp, [nlp.make_doc(sentence)])[0]
        assert [(e.text, e.label_) for e in windowed.ents if e.start == 0] == \
            [(e.text, e.label_) for e in nlp(sentence).ents if e.start == 0] != []
