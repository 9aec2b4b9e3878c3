"""Readers on real inputs: HTML pages, WARC archives written from them, JSONL dumps, and their damaged forms."""

import gzip
import io
import json
import re
import sys

import pytest
from conftest import CORPORA
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.errors import InputError
from onrecord.model import Document
from onrecord.read import (
    article_id,
    documents,
    iso_date,
    site_of,
    to_article,
    with_headline,
)

PAGES = CORPORA / "article-extraction-benchmark-en"
BBC = CORPORA / "bbc-news-2225" / "bbc.jsonl.gz"


def page_truth() -> dict[str, dict]:
    with open(PAGES / "ground-truth.jsonl", encoding="utf-8") as lines:
        return {record["html_file"].rsplit("/", 1)[-1]: record for record in map(json.loads, lines)}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def write_warc(path, pages, gzipped=True):
    """A web archive as crawlers write it: one HTTP response record per page, with its URL."""
    truth = page_truth()
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for page in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(truth[page.name]["url"], "response", payload=io.BytesIO(page.read_bytes()),
                                               http_headers=headers)
            writer.write_record(record)
    return path


def sample_pages(count: int, skip: int = 0):
    return sorted((PAGES / "html").glob("*.html"))[skip:skip + count]


def test_html_pages_give_the_article_text_and_metadata():
    truth = page_truth()
    pages = sample_pages(40)
    recalls, dated, canonical = [], 0, 0
    for page in pages:
        (document,) = documents([str(page)])
        article = to_article(document)
        gold = words(truth[page.name]["text"])
        found = set(words(article.text))
        recalls.append(sum(w in found for w in gold) / len(gold))
        dated += article.published is not None
        canonical += article.url == truth[page.name]["url"]
        assert article.outlet, page.name
        assert re.fullmatch(r"[0-9a-f]{16}", article.id)
        assert article.headline and article.text.startswith(article.headline.strip()[:20])
    assert sum(recalls) / len(recalls) >= 0.9
    assert dated >= 0.9 * len(pages)
    assert canonical >= 0.75 * len(pages)


def test_a_page_with_no_article_is_a_clear_error(tmp_path):
    page = tmp_path / "menu.html"
    page.write_text("<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    (document,) = documents([str(page)])
    with pytest.raises(InputError, match="menu.html: no article text"):
        to_article(document)


def test_warc_records_are_read_as_pages_with_their_urls(tmp_path):
    pages = sample_pages(4)
    truth = page_truth()
    for name, gzipped in (("pages.warc.gz", True), ("pages.warc", False)):
        found = list(documents([str(write_warc(tmp_path / name, pages, gzipped))]))
        assert [d.url for d in found] == [truth[p.name]["url"] for p in pages]
        assert all(d.format == "html" and d.content == p.read_bytes() for d, p in zip(found, pages))


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_truncated_warc_keeps_its_whole_records_and_reports_the_cut(tmp_path, gzipped):
    whole = write_warc(tmp_path / ("w.warc.gz" if gzipped else "w.warc"), sample_pages(4), gzipped)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
    cut.write_bytes(data[: int(len(data) * 0.8)])
    found = list(documents([str(cut)]))
    assert all(isinstance(d, Document) for d in found[:-1]) and len(found) >= 2
    assert isinstance(found[-1], InputError) and "truncated" in str(found[-1]) and str(cut) in str(found[-1])


def test_jsonl_records_with_bad_lines_reported_by_number(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join([
        json.dumps({"text": "Ana Ruiz said the bridge would reopen.", "title": "Bridge", "date": "2021-03-04T10:00:00Z",
                    "url": "https://www.example.com/a", "author": "Lin Ho"}),
        '{"text": "cut off',
        json.dumps({"text": ["not", "a", "string"]}),
        json.dumps(["a list"]),
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": "Second story.", "outlet": "The Daily Example"}),
    ]) + "\n", encoding="utf-8")
    found = list(documents([str(dump)]))
    errors = [str(e) for e in found if isinstance(e, InputError)]
    assert errors[0].startswith(f"{dump}:2: not a JSON object (")
    assert errors[1:] == [
        f"{dump}:3: field 'text' is a list, not a string",
        f"{dump}:4: not a JSON object but a list",
        f"{dump}:5: record has no 'text'",
    ]
    first, second = (to_article(d) for d in found if isinstance(d, Document))
    assert (first.headline, first.published, first.outlet, first.author) == ("Bridge", "2021-03-04", "example.com", "Lin Ho")
    assert first.text == "Bridge\n\nAna Ruiz said the bridge would reopen." and first.source == f"{dump}:1"
    assert second.outlet == "The Daily Example" and not second.headline_first


def test_gzipped_jsonl_and_stdin(tmp_path, monkeypatch):
    with gzip.open(BBC, "rt", encoding="utf-8") as lines:
        sample = [next(lines) for _ in range(5)]
    dump = tmp_path / "sample.jsonl.gz"
    with gzip.open(dump, "wt", encoding="utf-8") as out:
        out.writelines(sample)
    from_file = [to_article(d) for d in documents([str(dump)])]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("".join(sample).encode("utf-8"))))
    from_stdin = [to_article(d) for d in documents(["-"])]
    assert [a.id for a in from_file] == [a.id for a in from_stdin]
    assert all(a.outlet == "BBC News" and a.headline_first for a in from_file)
    assert from_stdin[0].source == "<stdin>:1"


def test_a_gzip_bomb_is_stopped(tmp_path):
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        out.write(json.dumps({"text": "A short first story."}).encode() + b"\n")
        zeros = bytes(16 * 1024 * 1024)
        for _ in range(20):  # 320 MiB of NUL bytes in a file of about 300 KB
            out.write(zeros)
    found = list(documents([str(bomb)]))
    assert isinstance(found[0], Document)
    assert isinstance(found[-1], InputError) and "expands past" in str(found[-1])


def test_a_truncated_gzip_dump_keeps_the_lines_before_the_cut(tmp_path):
    data = BBC.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 10])
    found = list(documents([str(cut)]))
    assert len([d for d in found if isinstance(d, Document)]) > 100
    assert isinstance(found[-1], InputError) and "truncated" in str(found[-1])


def test_a_file_without_a_known_extension_is_recognised_by_content(tmp_path):
    page = sample_pages(1)[0]
    copy = tmp_path / "download"
    copy.write_bytes(page.read_bytes())
    (document,) = documents([str(copy)])
    assert document.format == "html"


def test_metadata_helpers():
    assert iso_date("2019-01-10T09:00:00+09:00") == "2019-01-10"
    assert iso_date("Jan. 10, 2019") == "2019-01-10"
    assert iso_date("yesterday") is None
    assert site_of("https://www.example.co.uk/news/1") == "example.co.uk"
    assert with_headline("Ferry Returns", "Ferry returns.\nThe ferry is back.") == ("Ferry returns.\nThe ferry is back.", True)
    assert article_id("A  said\r\nB") == article_id("A said B") != article_id("A said C")
