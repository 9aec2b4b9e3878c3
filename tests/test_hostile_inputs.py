"""Inputs that must not lose good data or break the limits (issue 15): strings that are not valid Unicode,
special files, gzip and line bombs in WARC files, bulky payload in pages, oversized Parquet rows. Each bad
input is one InputError; the good inputs beside it are read (and, where a store is involved, stored)."""

import gzip
import io
import json
import os
import re
import socket
import stat
import tempfile
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_read import sample_pages, write_warc
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord import cli
from onrecord.clean import unbroken_runs, without_payload
from onrecord.errors import InputError
from onrecord.export import SCHEMAS, load
from onrecord.ingest import ingest
from onrecord.limits import BULK_BYTES, MAX_ARTICLE_CHARS, MAX_LINE_BYTES, MAX_MARKUP_BYTES
from onrecord.model import Document
from onrecord.pipeline import extract_document
from onrecord.read import RECORD_FIELDS, documents, fingerprint, to_article
from onrecord.store import Store

ARTICLE = ("Mira Okafor, the harbour minister, said on Tuesday that the ferry levy would be cut in May. "
           "\"We will not ask islanders to pay for the new pier twice,\" Okafor told reporters in Port Selden.")
GOOD_RECORDS = [{"text": f"Harbour levy {n}\n\n{ARTICLE} It was the {n} time she said so.", "title": f"Harbour levy {n}"}
                for n in ("first", "second")]
# Any code point, lone surrogates included: JSON can carry them ("\udc80") and so can a Python str.
ANY_CHARACTER = st.characters(exclude_categories=())
PROPERTY = settings(max_examples=25, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def utf8_clean(text: str) -> bool:
    text.encode("utf-8")  # raises on a surrogate
    return True


def stored_sources(db: Path) -> list[str]:
    with Store(str(db)) as store:
        return sorted(row["source"] for row in store.stored_articles())


# 1. Every string from outside is valid Unicode once it is read

@PROPERTY
@given(record=st.dictionaries(st.sampled_from(RECORD_FIELDS) | st.text(ANY_CHARACTER, max_size=8),
                              st.text(ANY_CHARACTER, max_size=40), max_size=8))
def test_any_record_of_strings_is_stored_or_one_line_and_the_others_stored(nlp, record):
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "dump.jsonl"
        lines = [GOOD_RECORDS[0], record, GOOD_RECORDS[1]]
        dump.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="ascii")  # \udc80 escapes: valid JSON
        errors: list[InputError] = []
        with Store(str(Path(folder) / "s.db")) as store:
            summary = ingest([str(dump)], store, jobs=1, on_error=errors.append)
        sources = stored_sources(Path(folder) / "s.db")
        assert f"{dump}:1" in sources and f"{dump}:3" in sources
        assert [e.source for e in errors] in ([], [f"{dump}:2"])
        assert summary.failed == len(errors) and summary.new + summary.already + summary.failed == 3
        assert all(utf8_clean(str(e)) for e in errors) and all(utf8_clean(s) for s in sources)


@pytest.mark.parametrize("field", ["text", "title", "author", "url", "outlet", "source", "date"])
def test_a_lone_surrogate_in_a_field_is_stored_as_a_replacement_character(tmp_path, nlp, field):
    record = {**GOOD_RECORDS[0], field: GOOD_RECORDS[0].get(field, "x") + "\udc80\ud800"}
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps(record) + "\n" + json.dumps(GOOD_RECORDS[1]) + "\n", encoding="ascii")
    errors: list[InputError] = []
    with Store(str(tmp_path / "s.db")) as store:
        summary = ingest([str(dump)], store, jobs=1, on_error=errors.append)
        stored = {row["source"]: dict(row) for row in store.stored_articles()}
    assert errors == [] and summary.new == 2
    first = stored[f"{dump}:1"]
    if field in ("text", "title", "author", "url", "outlet"):
        column = {"title": "headline", "source": "outlet"}.get(field, field)
        assert "\ufffd\ufffd" in first[column]


@PROPERTY
@given(name=st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")))
def test_any_file_name_is_read_by_its_real_path_and_named_in_valid_unicode(name):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(os.fsencode(folder), name + b".txt")
        with open(path, "wb") as file:
            file.write(ARTICLE.encode())
        found = list(documents([folder]))
        assert len(found) == 1 and isinstance(found[0], Document), found
        assert found[0].content == ARTICLE.encode() and utf8_clean(found[0].source)
        assert utf8_clean(to_article(found[0]).source)


def test_a_file_name_with_a_latin_1_byte_is_stored_under_its_shown_name(tmp_path, nlp):
    bad = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    Path(os.fsdecode(bad)).write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "good.txt").write_text("Second story\n\n" + ARTICLE, encoding="utf-8")
    with Store(str(tmp_path / "s.db")) as store:
        summary = ingest([str(tmp_path), os.fsdecode(bad)], store, jobs=1)
    assert summary.new == 2 and summary.already == 1 and summary.failed == 0
    assert stored_sources(tmp_path / "s.db") == [f"{tmp_path}/caf\ufffd.txt", f"{tmp_path}/good.txt"]


# 2. Special files are refused by their type before anything opens them

def read_all_guarded(paths: list[str], seconds: float = 60) -> list:
    """documents(paths) in a thread that cannot hold the suite: a read stuck on a FIFO fails the test."""
    found: list = []
    worker = threading.Thread(target=lambda: found.extend(documents(paths)), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        for path in paths:  # let a reader blocked on a FIFO go, so the thread ends
            if os.path.exists(path) and stat.S_ISFIFO(os.stat(path).st_mode):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"reading {paths} hung")
    return found


def errors_and_documents(found: list) -> tuple[list[str], list[Document]]:
    return [str(e) for e in found if isinstance(e, InputError)], [d for d in found if isinstance(d, Document)]


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def make_socket(path: Path) -> Path:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def make_loop(path: Path) -> Path:
    os.symlink(path.name, path)
    return path


@pytest.mark.parametrize("make,reason", [
    (make_fifo, "not a regular file (a FIFO)"),
    (make_socket, "not a regular file (a socket)"),
    (make_loop, "symbolic link loop"),
])
@pytest.mark.parametrize("inside_folder", [False, True])
def test_a_special_file_is_one_line_and_the_good_file_beside_it_is_read(tmp_path, good, make, reason, inside_folder):
    special = make(tmp_path / "special.txt")
    found = read_all_guarded([str(tmp_path)] if inside_folder else [str(special), str(good)])
    errors, read = errors_and_documents(found)
    assert errors == [f"{special}: {reason}"]
    assert [d.source for d in read] == [str(good)]


def test_a_device_is_refused_by_its_type(good):
    errors, read = errors_and_documents(read_all_guarded(["/dev/zero", "/dev/null", str(good)]))
    assert errors == ["/dev/zero: not a regular file (a character device)", "/dev/null: not a regular file (a character device)"]
    assert [d.source for d in read] == [str(good)]


def test_a_file_turned_into_a_fifo_after_listing_cannot_hang_the_read(tmp_path, monkeypatch):
    """The type is checked again on the file opened (non-blocking), not only when it was listed."""
    fifo = make_fifo(tmp_path / "late.txt")
    monkeypatch.setattr("onrecord.read.expand_paths", lambda paths: iter(paths))
    errors, read = errors_and_documents(read_all_guarded([str(fifo)]))
    assert errors == [f"{fifo}: not a regular file (a FIFO)"] and read == []


def test_an_unreadable_subfolder_is_reported_not_skipped(tmp_path, good):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text(ARTICLE, encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod does not deny (test_a_folder_that_cannot_be_listed covers it)")
        errors, read = errors_and_documents(read_all_guarded([str(tmp_path)]))
    finally:
        locked.chmod(0o755)
    assert errors == [f"{locked}: cannot read folder: permission denied"]
    assert [d.source for d in read] == [str(good)]


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(tmp_path, good, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text(ARTICLE, encoding="utf-8")
    listing = os.scandir

    def refusing(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", refusing)
    errors, read = errors_and_documents(read_all_guarded([str(tmp_path)]))
    assert errors == [f"{locked}: cannot read folder: permission denied"]
    assert [d.source for d in read] == [str(good)]


def test_a_folder_linked_into_itself_is_walked_once(tmp_path, good):
    (tmp_path / "again").symlink_to(tmp_path, target_is_directory=True)
    errors, read = errors_and_documents(read_all_guarded([str(tmp_path)]))
    assert errors == [] and [d.source for d in read] == [str(good)]


# 3. Every gzip goes through the bounded decompressor; no line is longer than a page

WARC_HEAD = b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://example.com/bomb\r\n"


def append_bomb(path: Path, gzipped: bool, body_megabytes: int, header_line: bool) -> None:
    """A record after the good ones: a huge body of short lines (a gzip bomb) or one endless header line."""
    opener = (lambda p: gzip.open(p, "ab", compresslevel=1)) if gzipped else (lambda p: open(p, "ab"))
    chunk = (b"0" * 1023 + b"\n") * 1024 if not header_line else b"a" * (1024 * 1024)
    with opener(path) as out:
        if header_line:
            out.write(WARC_HEAD + b"X-Long: ")
        else:
            out.write(WARC_HEAD + b"Content-Type: application/octet-stream\r\n"
                      + f"Content-Length: {body_megabytes * 1024 * 1024}\r\n\r\n".encode())
        for _ in range(body_megabytes):
            out.write(chunk)


def test_a_gzipped_warc_that_expands_past_the_limit_is_stopped(tmp_path):
    warc = write_warc(tmp_path / "bomb.warc.gz", sample_pages(2), True)
    append_bomb(warc, gzipped=True, body_megabytes=300, header_line=False)
    errors, read = errors_and_documents(list(documents([str(warc)])))
    assert len(read) == 2
    assert len(errors) == 1 and errors[0].startswith(f"{warc}#3: gzip data expands past 256 MiB (a gzip bomb?)")


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_warc_header_line_longer_than_a_page_is_stopped(tmp_path, gzipped):
    warc = write_warc(tmp_path / ("long.warc.gz" if gzipped else "long.warc"), sample_pages(2), gzipped)
    append_bomb(warc, gzipped=gzipped, body_megabytes=MAX_LINE_BYTES // 2**20 + 2, header_line=True)
    errors, read = errors_and_documents(list(documents([str(warc)])))
    assert len(read) == 2
    assert errors == [f"{warc}#3: a header line runs past 20 MiB (damaged?); the rest of the file is skipped"]


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_page_on_one_line_over_the_page_limit_loses_only_its_record(tmp_path, gzipped):
    """Minified pages and JSON responses are one line: the page limit refuses the record, the records after it are read."""
    good = sample_pages(2)
    huge = tmp_path / "huge.html"
    huge.write_bytes(b"<html><body><p>" + b"levy " * (MAX_LINE_BYTES // 5 + 1024) + b"</p></body></html>")
    warc = tmp_path / ("mixed.warc.gz" if gzipped else "mixed.warc")
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for number, page in enumerate([huge, good[0], huge, good[1]]):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://example.com/{number}", "response",
                                                          payload=io.BytesIO(page.read_bytes()), http_headers=headers))
    errors, read = errors_and_documents(list(documents([str(warc)])))
    assert [d.source.split()[0] for d in read] == [f"{warc}#2", f"{warc}#4"]
    assert errors == [f"{warc}#1: page is over the 20 MiB limit", f"{warc}#3: page is over the 20 MiB limit"]


def test_a_gzipped_file_without_a_known_name_is_bounded_too(tmp_path):
    dump = tmp_path / "dump"
    with gzip.open(dump, "wb", compresslevel=1) as out:
        out.write(json.dumps(GOOD_RECORDS[0]).encode() + b"\n")
        for _ in range(300):
            out.write(bytes(1024 * 1024))
    errors, read = errors_and_documents(list(documents([str(dump)])))
    assert len(read) == 1 and len(errors) == 1 and "expands past 256 MiB" in errors[0]


# 4. Bulky payload is cut before the HTML parser: the article is found

def page_with(payload: str) -> bytes:
    return (f"<!doctype html><html><head><title>Ferry levy to be cut</title></head><body><article>"
            f"<h1>Ferry levy to be cut</h1>{payload}<p>{ARTICLE}</p>"
            f"<p>The levy was introduced in 2019 and has been debated at every council meeting since then.</p>"
            f"</article></body></html>").encode()


TWELVE_MB = 12 * 1024 * 1024
PAYLOADS = {
    "inline image": f'<img src="data:image/png;base64,{"QUJD" * (TWELVE_MB // 4)}" alt="pier">',
    "script": f"<script>var tiles = [{'1, ' * (TWELVE_MB // 3)}0];</script>",
    "style": f"<style>{'.a{color:red} ' * (TWELVE_MB // 14)}</style>",
    "svg": f"<svg><path d=\"{'M1 1 L2 2 ' * (TWELVE_MB // 10)}\"/></svg>",
    "comment": f"<!-- {'cache ' * (TWELVE_MB // 6)} -->",
    "base64 blob in text": f"<div>{'QUJD' * (TWELVE_MB // 4)}</div>",
}


@pytest.mark.parametrize("kind", PAYLOADS)
def test_a_page_with_twelve_megabytes_of_payload_keeps_its_article(nlp, kind):
    page = page_with(PAYLOADS[kind])
    found = extract_document(Document("page.html", "html", page, fingerprint(page)), model=nlp, seconds=None)
    assert not isinstance(found, InputError), found
    article, statements = found.article, found.statements
    assert ARTICLE in article.text and article.headline == "Ferry levy to be cut"
    assert {s.speaker for s in statements} == {"Mira Okafor"} and len(statements) == 2


def test_a_page_of_more_markup_than_the_parser_may_be_given_is_one_line():
    """Markup is parsed in C, out of the time limit's reach, so its length is bounded before parsing; the
    limit is on what is left once the payload is cut, so a page under it with a large inline image is read."""
    cell = '<div class="row"><span>levy</span> <a href="/x">council vote</a></div>\n'
    page = page_with(cell * (MAX_MARKUP_BYTES // len(cell) + 1))
    with pytest.raises(InputError, match=r"^page\.html: page holds 4\.\d MB of markup .* over the 4 MiB limit$"):
        to_article(Document("page.html", "html", page, fingerprint(page)))
    under = page_with(cell * 1000 + PAYLOADS["inline image"])
    assert len(under) > MAX_MARKUP_BYTES
    assert ARTICLE in to_article(Document("page.html", "html", under, fingerprint(under))).text


# What unbroken_runs finds without trying every byte: the plain definition, a regex that does.
RUN_BY_DEFINITION = re.compile(rb"(?<![^\s<>])[^\s<>]{%d,}" % BULK_BYTES)
RUN_LENGTHS = [1, 100, BULK_BYTES // 2 - 1, BULK_BYTES // 2, BULK_BYTES - 1, BULK_BYTES, BULK_BYTES + 1, 3 * BULK_BYTES]


@PROPERTY
@given(pieces=st.lists(st.sampled_from(RUN_LENGTHS).map(lambda n: b"a" * n)
                       | st.sampled_from([b" ", b"<", b">", b"\n", b"\v", b"\t", b"\xe9"]), max_size=12))
def test_unbroken_runs_are_the_runs_of_the_definition(pieces):
    page = b"".join(pieces)
    assert unbroken_runs(page) == [m.span() for m in RUN_BY_DEFINITION.finditer(page)]


def test_small_scripts_stay_for_the_metadata_they_give():
    ld = b'<script type="application/ld+json">{"datePublished": "2021-05-04"}</script>'
    assert without_payload(ld) == ld
    big = b"<SCRIPT>" + b"x = 1; " * BULK_BYTES + b"</script>"
    assert without_payload(big + ld) == b"<SCRIPT></script>" + ld
    assert without_payload(b"<p>a</p><script>" + b"y " * BULK_BYTES) == b"<p>a</p><script>"  # never closed: to the end


# 5. Parquet tables are read in bounded batches

def write_articles(path: Path, groups: list[list[dict]]) -> None:
    schema = SCHEMAS["articles"]
    with pq.ParquetWriter(path, schema) as writer:
        for rows in groups:
            columns = {name: [row.get(name) for row in rows] for name in schema.names}
            writer.write_table(pa.Table.from_pydict(columns, schema=schema))


def article_row(ident: str, text: str) -> dict:
    return {"id": ident, "source": f"{ident}.txt", "text": text, "headline": None}


@pytest.mark.parametrize("layout", ["export", "spark"])
def test_parquet_articles_over_the_limits_are_refused_one_line_each_and_the_rest_loaded(tmp_path, layout):
    folder = tmp_path / "tables"
    folder.mkdir()
    huge = "x " * (3 * 1024 * 1024)  # 6 MiB in a row group of its own: refused from the metadata, never read
    long = "word " * (MAX_ARTICLE_CHARS // 5 + 1)  # within its group's bytes, over the characters: refused on its own
    groups = [[article_row("a1", ARTICLE)], [article_row("huge", huge)],
              [article_row("a2", "Second story. " + ARTICLE), article_row("long", long), article_row("empty", None)]]
    if layout == "export":  # one file, a row group per list
        tables = [folder / "articles.parquet"]
        write_articles(tables[0], groups)
    else:  # a folder of part files, as Spark writes them
        (folder / "articles").mkdir()
        tables = [folder / "articles" / f"part-0000{n}.snappy.parquet" for n in range(2)]
        write_articles(tables[0], groups[:1])
        write_articles(tables[1], groups[1:])
    pq.write_table(pa.Table.from_pylist([], schema=SCHEMAS["statements"]), folder / "statements.parquet")
    errors: list[InputError] = []
    with Store(str(tmp_path / "s.db")) as store:
        assert load(store, folder, on_error=errors.append) == (2, 0)
    assert [str(e) for e in errors] == [
        f"{tables[-1]}: articles huge: in a row group of 6.3 MB of text, over the limit for its 1 rows; not loaded",
        f"{tables[-1]}: articles long: text is {len(long):,} characters, over the 1,000,000 limit",
        f"{tables[-1]}: articles empty: no text",
    ]
    assert stored_sources(tmp_path / "s.db") == ["a1.txt", "a2.txt"]


# All of it through the command line

@pytest.mark.processes
def test_one_ingest_over_these_inputs_prints_one_line_each_stores_the_good_and_exits_1(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "dump.jsonl").write_text(json.dumps(GOOD_RECORDS[0]) + "\n"
                                       + json.dumps({**GOOD_RECORDS[1], "author": "\udc80"}) + "\n", encoding="ascii")
    Path(os.fsdecode(os.path.join(os.fsencode(inputs), b"caf\xe9.txt"))).write_text("Third\n\n" + ARTICLE, encoding="utf-8")
    (inputs / "page.html").write_bytes(page_with(PAYLOADS["script"]))
    make_fifo(inputs / "pipe.txt")
    done = run_cli("ingest", "--jobs", "1", "--db", tmp_path / "s.db", inputs, "/dev/zero")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert sorted(lines) == sorted([f"onrecord: {inputs}/pipe.txt: not a regular file (a FIFO)",
                                    "onrecord: /dev/zero: not a regular file (a character device)"])
    assert done.stdout.startswith("4 new, 0 already stored, 2 failed")


def test_a_page_with_surrogate_references_gives_valid_unicode_metadata():
    page = (f'<html><head><title>Levy &#xdc80; cut</title><meta name="author" content="Ana &#xD800; Ruiz">'
            f'<link rel="canonical" href="https://example.com/a&#xdc80;b"></head><body><article><h1>Levy cut</h1>'
            f'<p>{ARTICLE} &#xdc80;</p></article></body></html>').encode()
    article = to_article(Document("page.html", "html", page, fingerprint(page)))
    assert all(utf8_clean(value) for value in (article.headline, article.author, article.url, article.text))
    assert article.author == "Ana \ufffd Ruiz"


def test_ingest_of_tables_with_refused_articles_says_so_and_exits_1(tmp_path, capsys):
    folder = tmp_path / "tables"
    folder.mkdir()
    write_articles(folder / "articles.parquet", [[article_row("a1", ARTICLE)], [article_row("huge", "x " * (3 * 1024 * 1024))]])
    pq.write_table(pa.Table.from_pylist([], schema=SCHEMAS["statements"]), folder / "statements.parquet")
    assert cli.main(["ingest", "--db", str(tmp_path / "s.db"), str(folder)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "huge" in line] == [
        f"onrecord: {folder / 'articles.parquet'}: articles huge: in a row group of 6.3 MB of text, over the limit for its "
        "1 rows; not loaded"]
    assert f"{folder}: 1 new articles, 0 already stored, 1 refused" in err
    assert stored_sources(tmp_path / "s.db") == ["a1.txt"]


@pytest.mark.parametrize("damage", ["fifo", "not parquet"])
def test_a_table_file_that_is_a_fifo_or_not_parquet_is_one_line(tmp_path, damage):
    folder = tmp_path / "tables"
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist([], schema=SCHEMAS["statements"]), folder / "statements.parquet")
    if damage == "fifo":
        make_fifo(folder / "articles.parquet")
    else:
        (folder / "articles.parquet").write_bytes(b"PAR1 this is not a table")
    errors: list[InputError] = []
    with Store(str(tmp_path / "s.db")) as store:
        loading = threading.Thread(target=lambda: errors.append(load(store, folder, on_error=errors.append)), daemon=True)
        loading.start()
        loading.join(timeout=120)  # a FIFO opened for reading would block here forever
        assert not loading.is_alive(), "loading the tables hung"
    reason = "not a regular file (a FIFO)" if damage == "fifo" else "not a readable Parquet table ("
    assert len(errors) == 2 and str(errors[0]).startswith(f"{folder / 'articles.parquet'}: {reason}")
    assert errors[-1] == (0, 0)  # what load returned: nothing stored


def test_only_entries_named_as_articles_are_looked_at(tmp_path, good):
    """A dangling link named as an article is reported; one that is not (a tool's link in a project folder) is not."""
    os.symlink(tmp_path / "gone", good.parent / "tool")
    os.symlink(tmp_path / "gone.txt", good.parent / "lost.txt")
    errors, read = errors_and_documents(read_all_guarded([str(good.parent)]))
    assert [d.source for d in read] == [str(good)]
    assert len(errors) == 1 and errors[0].startswith(f"{good.parent / 'lost.txt'}: ")


def test_the_spark_job_lists_local_folders_as_ingest_does(tmp_path, good):
    """What a folder holds that cannot be read is one error line in the Spark job too, beside the good files."""
    from onrecord.spark import expand_local

    fifo = make_fifo(tmp_path / "pipe.txt")
    files, errors = expand_local(str(tmp_path))
    assert files == [str(good)] and [str(e) for e in errors] == [f"{fifo}: not a regular file (a FIFO)"]
