"""What the CLI prints cannot drive a terminal, and what it writes as CSV cannot run in a spreadsheet, whatever an
article or a file name holds; JSONL stays exact."""

import csv
import io
import json
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from onrecord import cli
from onrecord.cli import main
from onrecord.terminal import json_line, terminal_safe
from onrecord.export import csv_row
from onrecord.model import Article, Statement
from onrecord.store import Store

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])
# Sequences an article could use on a terminal: clear the screen, set the title, write the clipboard (OSC 52),
# CSI as one C1 byte, bell, backspace, carriage return, bidi override and isolate, line separator; and rich markup.
HOSTILE = ["\x1b[2J", "\x1b]0;owned\x07", "\x1b]52;c;aGk=\x07", "\x9b31m", "\x9d", "\x07", "\x08", "\r", "\n", "\t",
           "\x7f", "\x00", "\u202e", "\u2066", "\u2028", "\u061c", "[bold red]", "\\", "=cmd|' /C calc'!A0", "-", "@"]
STORABLE = st.lists(st.one_of(st.sampled_from(HOSTILE), st.characters(exclude_categories=["Cs"])), max_size=12).map("".join)
# A file name on Linux: any character but "/" and NUL; an undecodable byte arrives as a lone surrogate.
FILE_NAME = st.lists(st.one_of(st.sampled_from([h for h in HOSTILE if "\x00" not in h] + ["\udce9", "\udc80"]),
                               st.characters(exclude_characters="/\x00")), min_size=1, max_size=12).map("".join)
ARTICLE_ID = "0123abcd"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours rich itself writes to a terminal


def assert_terminal_safe(output: str, layout: bool = True) -> None:
    """No ESC, no C1 control, no C0 control but newline and tab (none at all in a one-line message), no bidi
    override or isolate, no lone surrogate."""
    allowed = "\n\t" if layout else ""
    bad = [c for c in output if (ord(c) < 0x20 and c not in allowed) or 0x7f <= ord(c) <= 0x9f
           or c in "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
           or 0xD800 <= ord(c) <= 0xDFFF]
    assert not bad, (bad, output)


def store_with(db: Path, piece: str) -> None:
    """A store whose one article carries ``piece`` in its text, headline, speaker, cue, outlet, author and url."""
    text = f"{piece}\n\n“{piece} now” said Ana {piece}.\n"
    quote = Statement(f"{piece} now", text.index("“") + 1, text.index("”"), "direct", f"said {piece}", f"Ana {piece}",
                      "person", f"Ana {piece}", 0.9, ARTICLE_ID)
    with Store(db) as store, store.transaction():
        store.add(Article(text, f"source {piece}", piece, piece, "2020-01-01", ARTICLE_ID, f"https://x.org/{piece}", piece),
                  [quote])


QUERIES = [["quotes"], ["statements"], ["stories"], ["people"], ["speakers"], ["show", ARTICLE_ID]]


def run_main(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def pretend_terminal(monkeypatch) -> None:
    """stdout and stderr taken for a terminal, so rich writes colours and tables as it would on one (call it in the
    test itself: the streams capsys captures are in place only then)."""
    for stream in (cli.sys.stdout, cli.sys.stderr):
        monkeypatch.setattr(stream, "isatty", lambda: True, raising=False)


@pytest.mark.parametrize("text, shown", [
    ("\x1b[2Jcleared", "\\x1b[2Jcleared"),
    ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),
    ("\x9b31mred", "\\x9b31mred"),
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
    ("two\nlines\rover", "two\\x0alines\\x0dover"),
    ("caf\udce9.txt", "caf\\xe9.txt"),  # the byte 0xE9 of a file name that is not UTF-8
    ("café «Tomás» 東京 👍", "café «Tomás» 東京 👍"),
])
def test_terminal_safe_shows_controls_as_escapes(text, shown):
    assert terminal_safe(text) == shown


def test_terminal_safe_keeps_layout_only_when_asked():
    assert terminal_safe("a\nb\tc\rd\x1be", layout=True) == "a\nb\tc\\x0dd\\x1be"
    assert terminal_safe("a\nb\tc") == "a\\x0ab\\x09c"


@SETTINGS
@given(FILE_NAME)
def test_terminal_safe_on_any_string(text):
    assert_terminal_safe(terminal_safe(text), layout=False)
    assert_terminal_safe(terminal_safe(text, layout=True))


@SETTINGS
@given(st.dictionaries(st.sampled_from(["quote", "speaker", "url"]), FILE_NAME))
def test_json_lines_are_exact_and_safe(record):
    line = json_line(record)
    assert json.loads(line) == record
    assert "\n" not in line
    assert_terminal_safe(line, layout=False)


@settings(SETTINGS, max_examples=25)
@given(STORABLE, st.booleans())
def test_query_tables_and_show_print_no_control_sequences(capsys, monkeypatch, piece, terminal):
    if terminal:
        pretend_terminal(monkeypatch)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "s.db"
        store_with(db, piece)
        for query in QUERIES:
            code, out, err = run_main(capsys, *query, "--db", db, *(["--format", "table"] if query[0] != "show" else []))
            assert code == 0, err
            assert_terminal_safe(SGR.sub("", out))
            assert_terminal_safe(err)
    monkeypatch.undo()


@SETTINGS
@given(STORABLE)
def test_query_jsonl_gives_back_exactly_what_was_stored(capsys, piece):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "s.db"
        store_with(db, piece)
        code, out, _ = run_main(capsys, "quotes", "--db", db, "--format", "jsonl")
        assert code == 0
        [record] = [json.loads(line) for line in out.splitlines()]
        assert (record["quote"], record["outlet"], record["url"]) == (f"{piece} now", piece, f"https://x.org/{piece}")


@SETTINGS
@given(FILE_NAME)
def test_an_error_naming_any_file_is_one_safe_line(capsys, name):
    code, out, err = run_main(capsys, "quotes", f"--db={name}")
    assert code == 2 and out == ""
    assert err.startswith("onrecord: ") and err.endswith(": no such store (run `onrecord ingest` first)\n")
    assert_terminal_safe(err.removesuffix("\n"), layout=False)


def test_a_mistyped_argument_is_shown_safely(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["quotes", "\x1b]52;c;aGk=\x07", "x\u202ey"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: \\x1b]52;c;aGk=\\x07 x\\u202ey" in err
    assert_terminal_safe(err)


@SETTINGS
@given(STORABLE)
def test_extract_table_prints_no_control_sequences(piece):
    """What `extract --format table` prints for one article (the model is not needed to draw the table)."""
    text = f"{piece}\n\n“{piece} now” said Ana {piece}.\n"
    article = Article(text, f"file {piece}.txt", piece, piece, piece, outlet=piece)
    quote = Statement(f"{piece} now", text.index("“") + 1, text.index("”"), "direct", f"said {piece}", f"Ana {piece}",
                      "person", f"the {piece}", 0.9, article.source)
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    console.print(cli.statement_table(article, [quote]))
    assert_terminal_safe(SGR.sub("", console.file.getvalue()))


def test_show_keeps_the_article_layout(tmp_path, capsys):
    db = tmp_path / "s.db"
    store_with(db, "\x1b[2J")
    code, out, _ = run_main(capsys, "show", ARTICLE_ID, "--db", db)
    assert code == 0
    assert "\\x1b[2J\n\n“\\x1b[2J now [Ana \\x1b[2J, direct]” said Ana \\x1b[2J.\n" in out


@pytest.mark.processes
def test_ingest_error_lines_naming_hostile_files_are_one_safe_line_each(tmp_path):
    names = ["clear\x1b[2J.txt", "new\nline.txt", "carriage\rreturn.txt", "bell\x07.txt", "csi\x9b31m.txt",
             "osc\x1b]52;c;aGk=\x07.txt", "rtl\u202etxt.exe.txt"]
    for name in names:
        (tmp_path / name).write_text("  \n", encoding="utf-8")  # an empty article: one error line each
    good = tmp_path / "good.txt"
    good.write_text("Ferry Returns\n\n“The boats are ready,” said harbour master Ana Ruiz.\n", encoding="utf-8")
    result = run_cli("ingest", "--db", tmp_path / "s.db", "--jobs", "1", *(tmp_path / n for n in names), good)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == len(names), lines
    assert all(line.startswith("onrecord: ") and "empty" in line for line in lines)
    assert_terminal_safe(result.stderr)
    assert {terminal_safe(str(tmp_path / n)) for n in names} == {line.split(": ")[1] for line in lines}
    with sqlite3.connect(tmp_path / "s.db") as db:
        assert db.execute("SELECT source FROM articles").fetchall() == [(str(good),)]


# CSV: formula injection


@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain words", "plain words"), ("a = b", "a = b"), ("", ""),
    (-3, -3), (0.25, 0.25), (None, None),  # numbers and missing values are the store's, not article text
])
def test_csv_cells_never_start_a_formula(cell, written):
    assert csv_row([cell]) == [written]


@SETTINGS
@given(STORABLE)
def test_csv_cell_of_any_string_is_text_and_loses_nothing(text):
    [cell] = csv_row([text])
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell == text or cell == "'" + text


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("formula", ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(1+1)*cmd|' /C calc'!A0", "-1+2"])
def test_export_and_query_csv_neutralise_formulas(tmp_path, capsys, formula):
    db = tmp_path / "s.db"
    store_with(db, formula)
    code, out, _ = run_main(capsys, "quotes", "--db", db, "--format", "csv")
    assert code == 0
    [row] = read_csv(out)
    assert (row["outlet"], row["speaker"], row["quote"]) == (f"'{formula}", f"Ana {formula}", f"'{formula} now")
    code, _, _ = run_main(capsys, "export", "--db", db, "--format", "csv", tmp_path / "out")
    assert code == 0
    [article] = read_csv((tmp_path / "out" / "articles.csv").read_text(encoding="utf-8"))
    assert (article["headline"], article["outlet"], article["published"]) == (f"'{formula}", f"'{formula}", "2020-01-01")
    [statement] = read_csv((tmp_path / "out" / "statements.csv").read_text(encoding="utf-8"))
    assert (statement["quote"], statement["start"], statement["confidence"]) == (f"'{formula} now", str(len(formula) + 3), "0.9")


def test_csv_on_a_terminal_shows_controls(tmp_path, capsys, monkeypatch):
    pretend_terminal(monkeypatch)
    db = tmp_path / "s.db"
    store_with(db, "\x1b[2J")
    code, out, _ = run_main(capsys, "quotes", "--db", db, "--format", "csv")
    assert code == 0 and "\\x1b[2J now" in out
    assert_terminal_safe(out)
    monkeypatch.undo()
    _, out, _ = run_main(capsys, "quotes", "--db", db, "--format", "csv")
    assert "\x1b[2J now" in out  # to a file or a pipe, exact
