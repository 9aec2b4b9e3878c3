"""Hostile input: each case gets a correct result or one clear line naming the input, within bounded
memory and time, and a run over all of them stores the good articles whole and nothing else."""

import codecs
import gzip
import json
import random
import sqlite3
import subprocess
import sys

import pytest
from conftest import run_cli

from onrecord.errors import InputError
from onrecord.limits import MAX_ARTICLE_CHARS
from onrecord.pipeline import extract_document
from onrecord.read import documents

# An article written for these tests: a direct quote, a mixed one and an indirect one.
ARTICLE = (
    "Harbour levy divides the council\n\n"
    "Councillor Mira Okafor defended the new harbour levy on Tuesday.\n\n"
    "“The levy pays for the sea wall, and the sea wall keeps the café district dry,” Okafor said.\n\n"
    "Fishermen’s spokesman Tomás Reyes said the charge was “a tax on people who have no other harbour”.\n\n"
    "Reyes added that the association would challenge the levy in court.\n"
)
QUOTE = "The levy pays for the sea wall, and the sea wall keeps the café district dry,"


def statements_of(path, nlp, seconds=60.0):
    """(article, statements) of the one document in ``path``, or its InputError."""
    found = list(documents([str(path)]))
    assert len(found) == 1, found
    item = found[0]
    if isinstance(item, InputError):
        return item
    found = extract_document(item, model=nlp, seconds=seconds)
    return found if isinstance(found, InputError) else (found.article, found.statements)


def assert_well_formed(text, statements):
    """Offsets index the text, statements come in order, and no two of one kind overlap."""
    for s in statements:
        assert 0 <= s.start < s.end <= len(text) and text[s.start:s.end] == s.quote
    assert [s.start for s in statements] == sorted(s.start for s in statements)
    for kind in {s.kind for s in statements}:
        spans = [(s.start, s.end) for s in statements if s.kind == kind]
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), spans


def error_of(result) -> str:
    assert isinstance(result, InputError), result
    message = str(result)
    assert "\n" not in message and "Traceback" not in message
    return message


# --- encodings ---


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                          ("utf-8", codecs.BOM_UTF8), ("utf-32-le", codecs.BOM_UTF32_LE)])
def test_a_byte_order_mark_says_how_to_decode(tmp_path, nlp, encoding, bom):
    path = tmp_path / "article.txt"
    path.write_bytes(bom + ARTICLE.encode(encoding))
    article, statements = statements_of(path, nlp)
    assert article.text == ARTICLE
    assert any(s.quote == QUOTE and s.speaker == "Mira Okafor" for s in statements)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_windows_1252_and_latin_1_are_decoded_not_mangled(tmp_path, nlp, encoding):
    text = ARTICLE if encoding == "cp1252" else ARTICLE.replace("“", '"').replace("”", '"').replace("’", "'")
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    article, statements = statements_of(path, nlp)
    assert article.text == text  # "café" and "Tomás", not "cafÃ©"
    assert any("café district dry" in s.quote and s.speaker == "Mira Okafor" for s in statements)


def test_an_encoding_that_cannot_be_told_is_reported_not_guessed(tmp_path, nlp):
    path = tmp_path / "russian.txt"
    path.write_bytes(('Министр заявил, что "переговоры продолжатся на следующей неделе", '
                      "и добавил, что делегации уже договорились о повестке встречи.\n" * 8).encode("koi8-r"))
    assert "not UTF-8" in error_of(statements_of(path, nlp))


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "file is empty"),
    ("blank.txt", b" \n\t\n  ", "file is empty"),
    ("random.txt", random.Random(7).randbytes(50_000), "binary file"),
    ("nul.txt", ARTICLE.encode() + b"\x00\x00\x00" + ARTICLE.encode(), "binary file"),
    ("utf16-without-bom.txt", ARTICLE.encode("utf-16-le"), "binary file"),
])
def test_files_that_are_not_text_are_one_line_errors(tmp_path, nlp, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    assert reason in error_of(statements_of(path, nlp))


# --- size ---


@pytest.mark.slow
@pytest.mark.processes
def test_a_200_mb_text_file_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge.txt"
    paragraph = (ARTICLE.split("\n\n", 1)[1] * 40).encode()
    with open(path, "wb") as out:
        for _ in range(200_000_000 // len(paragraph) + 1):
            out.write(paragraph)
    done = run_cli("ingest", "--jobs", "1", "--db", tmp_path / "s.db", path)
    assert done.returncode == 1 and "huge.txt: file is 200.0 MB, over the 5 MiB limit" in done.stderr


def test_a_five_million_character_line_is_refused_whole(tmp_path, nlp):
    path = tmp_path / "line.jsonl"
    words = " ".join(["the harbour levy was debated"] * (5_000_000 // 29))
    path.write_text(json.dumps({"text": words, "title": "One line"}) + "\n", encoding="utf-8")
    message = error_of(statements_of(path, nlp))
    assert f"over the {MAX_ARTICLE_CHARS:,} limit" in message


def test_a_quote_of_twenty_thousand_words_is_one_statement(tmp_path, nlp):
    rng = random.Random(3)
    vocabulary = "the harbour wall levy council tide storm boats town budget repairs winter families shops".split()
    sentences = [" ".join(rng.choice(vocabulary) for _ in range(19)).capitalize() + "." for _ in range(1000)]
    quote = " ".join(sentences)
    text = f"Long speech\n\nCouncillor Mira Okafor spoke for an hour.\n\n“{quote}” Okafor said.\n"
    path = tmp_path / "speech.txt"
    path.write_text(text, encoding="utf-8")
    article, statements = statements_of(path, nlp)
    assert_well_formed(article.text, statements)
    whole = [s for s in statements if s.kind == "direct" and len(s.quote.split()) >= 19_000]
    assert len(whole) == 1 and whole[0].speaker == "Mira Okafor"


# --- quotation marks ---


def test_ten_thousand_quotation_marks_in_a_row(tmp_path, nlp):
    for mark in ('"', "“", "”", "«", "„"):
        path = tmp_path / "marks.txt"
        path.write_text(f"Marks\n\nThe clerk said {mark * 10_000} and left.\n\n{ARTICLE}", encoding="utf-8")
        article, statements = statements_of(path, nlp)
        assert_well_formed(article.text, statements)
        assert any(s.quote == QUOTE for s in statements), mark  # the article after the marks is still read


UNBALANCED = [
    '"We will not move," Okafor said. "Not this year.',
    "“We will not move,” Okafor said. “Not this year.",
    "“We will not move,“ Okafor said.",
    "”We will not move,” Okafor said.",
    "‘We will not move,’ Okafor said, ‘not this year.",
    "«We will not move», Okafor said. «Not this year.",
    "»We will not move«, Okafor said.",
    "„We will not move“, sagte Okafor. „Nicht dieses Jahr.",
    "‚We will not move‘, Okafor said.",
    "“We will not move,\" Okafor said. \"Not “this” year,” she added.”",
    "He said \"yes\" and “no” and «maybe» and „never“ and ‘later’ and \"",
    "Okafor said: “We will not move. ” ” ” “",
]


@pytest.mark.parametrize("sentence", UNBALANCED)
def test_unbalanced_and_mismatched_marks_give_well_formed_statements(nlp, tmp_path, sentence):
    path = tmp_path / "marks.txt"
    path.write_text(f"Marks\n\nCouncillor Mira Okafor spoke on Tuesday.\n\n{sentence}\n\n{ARTICLE}", encoding="utf-8")
    article, statements = statements_of(path, nlp)
    assert_well_formed(article.text, statements)
    assert any(s.quote == QUOTE for s in statements)


def test_right_to_left_and_cjk_text_beside_english(tmp_path, nlp):
    text = (f"{ARTICLE}\n"
            "قال الوزير إن «المفاوضات ستستمر الأسبوع المقبل» وأضاف أن الوفود اتفقت على جدول الأعمال.\n\n"
            "אמר השר כי \"השיחות יימשכו בשבוע הבא\".\n\n"
            "部長は「交渉は来週も続く」と述べた。代表団は議題について合意したという。\n\n"
            "部长表示，“谈判将于下周继续”。\n")
    path = tmp_path / "mixed.txt"
    path.write_text(text, encoding="utf-8")
    article, statements = statements_of(path, nlp)
    assert_well_formed(article.text, statements)
    assert any(s.quote == QUOTE and s.speaker == "Mira Okafor" for s in statements)


# --- HTML ---


def test_deeply_nested_html_gives_the_article_or_one_line(tmp_path, nlp):
    body = "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:])
    path = tmp_path / "nested.html"
    path.write_text(f"<html><head><title>Harbour levy</title></head><body>{'<div>' * 100_000}{body}{'</div>' * 100_000}"
                    "</body></html>", encoding="utf-8")
    result = statements_of(path, nlp)
    if isinstance(result, InputError):
        assert "nested.html" in error_of(result)
    else:
        article, statements = result
        assert_well_formed(article.text, statements)


def test_a_page_of_scripts_only_has_no_article(tmp_path, nlp):
    path = tmp_path / "scripts.html"
    scripts = "".join(f"<script>var s{i} = \"{ARTICLE[:200]}\";</script>" for i in range(2000))
    path.write_text(f"<!doctype html><html><head>{scripts}</head><body>{scripts}</body></html>", encoding="utf-8")
    assert "no article text" in error_of(statements_of(path, nlp))


# --- time ---


def test_an_article_over_the_time_limit_is_skipped_with_a_clear_error(tmp_path, nlp):
    path = tmp_path / "slow.txt"
    path.write_text(ARTICLE * 200, encoding="utf-8")
    message = error_of(statements_of(path, nlp, seconds=0.05))
    assert "slow.txt: took over 0.05 s, the time limit for one article" in message
    article, statements = statements_of(path, nlp)  # the limit is per article: the next one runs in full
    assert statements


# --- all at once ---


@pytest.mark.processes
def test_one_run_over_every_hostile_input_stores_the_good_whole(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (inputs / "windows.txt").write_bytes(ARTICLE.replace("Tuesday", "Monday").encode("cp1252"))
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "random.txt").write_bytes(random.Random(1).randbytes(20_000))
    (inputs / "scripts.html").write_text("<html><body><script>1</script></body></html>", encoding="utf-8")
    (inputs / "dump.jsonl").write_text('{"text": 5}\nnot json\n' + json.dumps({"text": ARTICLE.replace("Tuesday", "Friday")}) + "\n",
                                       encoding="utf-8")
    with gzip.open(inputs / "cut.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(json.dumps({"text": ARTICLE.replace("Tuesday", "Sunday")}) + "\n")
    data = (inputs / "cut.jsonl.gz").read_bytes()
    (inputs / "cut.jsonl.gz").write_bytes(data[: len(data) - 12])
    db = tmp_path / "hostile.db"
    result = run_cli("ingest", "--db", db, inputs)
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 6, errors  # empty, random, scripts, two JSONL lines, the cut gzip
    assert all(line.startswith("onrecord: ") and str(inputs) in line for line in errors)
    with sqlite3.connect(db) as store:
        assert store.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        texts = [row[0] for row in store.execute("SELECT text FROM articles")]
        assert len(texts) == 3 and all("Okafor" in t for t in texts)
        for article_id, text in store.execute("SELECT id, text FROM articles"):
            quotes = store.execute("SELECT start, end, quote FROM statements WHERE article_id = ?", (article_id,)).fetchall()
            assert quotes and all(text[a:b] == q for a, b, q in quotes)
