"""Read stage: paths -> Documents (files, WARC records, JSONL lines) -> Articles.

Finding documents is cheap and runs in one process; turning a Document into an Article (decoding,
main-text extraction from HTML) is the costly part and runs wherever the NLP runs.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import hashlib
import io
import json
import os
import re
import stat
import sys
import unicodedata
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from typing import BinaryIO
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .clean import find_date, without_payload
from .errors import InputError
from .limits import (
    MAX_ARTICLE_BYTES,
    MAX_ARTICLE_CHARS,
    MAX_GZIP_RATIO,
    MAX_LINE_BYTES,
    MAX_MARKUP_BYTES,
    MAX_PAGE_BYTES,
    MIN_ARTICLE_WORDS,
    MIN_GZIP_ALLOWANCE,
)
from .model import Article, Document, valid_unicode

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
KNOWN_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + WARC_SUFFIXES + JSONL_SUFFIXES
STDIN = "-"
GZIP_MAGIC = b"\x1f\x8b"
WARC_BLOCK = 256 * 1024  # warcio joins a long line from blocks of this size: few joins up to the line bound


def documents(paths: list[str]) -> Iterator[Document | InputError]:
    """Every document in the files named (or found under folders), or an error for what cannot be read."""
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield from documents_of_file(item)
        except InputError as error:  # the file cannot be read on; what it gave before stays
            yield error
        except OSError as error:
            yield InputError(shown(item), f"cannot read: {error.strerror or error}")


def shown(path: str) -> str:
    """A path as messages and the store name it; the real path (undecodable bytes and all) opens the file."""
    return valid_unicode(path)


def expand_paths(paths: list[str]) -> Iterator[str | InputError]:
    """Yield the regular files named or found under folders, or an error for each path that cannot be used.
    Every path is judged by its type before anything opens it: a FIFO or a device is never read."""
    for raw in paths:
        if raw == STDIN:
            yield raw
            continue
        try:
            mode = os.stat(raw).st_mode
        except OSError as error:
            yield InputError(shown(raw), os_reason(error))
            continue
        if stat.S_ISDIR(mode):
            yield from folder_files(raw)
        elif stat.S_ISREG(mode):
            yield raw
        else:
            yield InputError(shown(raw), f"not a regular file ({file_kind(mode)})")


def folder_files(folder: str) -> Iterator[str | InputError]:
    """The article files under ``folder`` (symbolic links followed, each folder once), sorted; a folder that
    cannot be read, a link that leads nowhere or round in a loop, and a special file with an article's name
    are each reported."""
    files: list[str] = []
    errors: list[InputError] = []
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            identity = os.stat(current)
            if (identity.st_dev, identity.st_ino) in seen:
                continue
            seen.add((identity.st_dev, identity.st_ino))
            with os.scandir(current) as found:
                entries = list(found)
        except OSError as error:
            errors.append(InputError(shown(current), f"cannot read folder: {os_reason(error)}"))
            continue
        for entry in entries:
            try:
                mode = os.stat(entry.path).st_mode
            except OSError as error:  # a link leading nowhere or round in a loop: a problem only if named as an article
                if format_by_name(entry.name):
                    errors.append(InputError(shown(entry.path), os_reason(error)))
                continue
            if stat.S_ISDIR(mode):
                pending.append(entry.path)
            elif not format_by_name(entry.name):
                continue
            elif stat.S_ISREG(mode):
                files.append(entry.path)
            else:
                errors.append(InputError(shown(entry.path), f"not a regular file ({file_kind(mode)})"))
    if not files and not errors:
        errors.append(InputError(shown(folder), f"folder holds no articles ({', '.join(KNOWN_SUFFIXES)})"))
    yield from errors
    yield from sorted(files, key=lambda path: path.split(os.sep))  # as pathlib orders paths: a folder by its name


def file_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def os_reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if error.errno == errno.ENOENT:
        return "no such file or folder"
    return (error.strerror or str(error)).lower()


def open_input(path: str) -> BinaryIO:
    """Open a file for reading only if it is a regular file. Non-blocking, so a FIFO put in its place
    since it was listed cannot hang the open; the type is checked on the file opened."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise InputError(shown(path), f"not a regular file ({file_kind(mode)})")
    return os.fdopen(descriptor, "rb")


def format_by_name(name: str) -> str | None:
    name = name.lower()
    for fmt, suffixes in (("warc", WARC_SUFFIXES), ("jsonl", JSONL_SUFFIXES), ("html", HTML_SUFFIXES), ("text", TEXT_SUFFIXES)):
        if name.endswith(suffixes):
            return fmt
    return None


def format_by_content(path: str) -> str:
    """A file named without a known extension is recognised by its first bytes."""
    with open_input(path) as raw:
        head = plain(shown(path), raw).read(512)
    start = head.lstrip()[:64].lower()
    if start.startswith(b"warc/"):
        return "warc"
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<!--")):
        return "html"
    return "text"


def documents_of_file(path: str) -> Iterator[Document | InputError]:
    if path == STDIN:
        yield from jsonl_documents("<stdin>", plain("<stdin>", sys.stdin.buffer))
        return
    name = shown(path)
    fmt = format_by_name(path) or format_by_content(path)
    with open_input(path) as raw:
        if fmt == "warc":
            yield from warc_stream_documents(name, raw)
        elif fmt == "jsonl":
            yield from jsonl_documents(name, plain(name, raw))
        else:
            data = read_bounded(name, raw, MAX_PAGE_BYTES if fmt == "html" else MAX_ARTICLE_BYTES)
            yield Document(name, fmt, data, fingerprint(data))


def read_bounded(name: str, raw: BinaryIO, limit: int, what: str = "file", limit_of: str = " for one article") -> bytes:
    """The file's bytes, refused from its size before reading (and by what was read, if it grew since)."""
    size = os.fstat(raw.fileno()).st_size
    data = raw.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:
        size = max(size, len(data))
        raise InputError(name, f"{what} is {size / 1e6:.1f} MB, over the {limit // 2**20} MiB limit{limit_of}")
    return data


def fingerprint(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def plain(name: str, raw: BinaryIO) -> BinaryIO:
    """The bytes of an input as written: gunzipped through the one bounded decompressor when they are gzip."""
    if not starts_with_gzip(raw):
        return raw
    limit = max(MIN_GZIP_ALLOWANCE, MAX_GZIP_RATIO * remaining_size(raw))
    return io.BufferedReader(BoundedGunzip(name, raw, limit), buffer_size=256 * 1024)


def starts_with_gzip(raw: BinaryIO) -> bool:
    if hasattr(raw, "peek"):
        return raw.peek(2)[:2] == GZIP_MAGIC
    head = raw.read(2)
    raw.seek(-len(head), io.SEEK_CUR)
    return head == GZIP_MAGIC


def remaining_size(raw: BinaryIO) -> int:
    """Bytes left in a seekable stream; 0 for a pipe (the allowance's floor applies)."""
    if not raw.seekable():
        return 0
    here = raw.tell()
    end = raw.seek(0, io.SEEK_END)
    raw.seek(here)
    return end - here


class BoundedGunzip(io.RawIOBase):
    """A gzip stream that stops with a clear error when it expands past its limit or is damaged."""

    def __init__(self, source: str, raw: BinaryIO, limit: int):
        self.source, self.limit, self.total = source, limit, 0
        self.inner = gzip.GzipFile(fileobj=raw, mode="rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            size = self.inner.readinto(buffer)
        except (OSError, EOFError, zlib.error) as error:
            reason = "gzip file is truncated" if isinstance(error, EOFError) else f"corrupt gzip data ({error})"
            raise InputError(self.source, reason) from None
        self.total += size
        if self.total > self.limit:
            raise InputError(self.source, f"gzip data expands past {self.limit // 2**20} MiB (a gzip bomb?); stopped there")
        return size


def jsonl_stream_documents(path: str, data: bytes) -> Iterator[Document | InputError]:
    """A JSONL dump given as bytes (a remote file), gzipped or not."""
    yield from jsonl_documents(path, plain(path, io.BytesIO(data)))


def jsonl_documents(path: str, stream: BinaryIO) -> Iterator[Document | InputError]:
    """One document per line: ``text`` and, when present, title, date, url, source/outlet, author."""
    for number, line in numbered_lines(stream):
        where = f"{path}:{number}"
        if line is None:
            yield InputError(where, f"line is over the {MAX_ARTICLE_BYTES // 2**20} MiB limit for one article")
        elif line.strip():
            try:
                yield record_document(where, json.loads(line), fingerprint(line))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                yield InputError(where, f"not a JSON object ({error})")


def numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """Lines with their numbers; a line over the limit is skipped and given as None."""
    number = 0
    while line := stream.readline(MAX_ARTICLE_BYTES + 1):
        number += 1
        if len(line) > MAX_ARTICLE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(1024 * 1024)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


RECORD_FIELDS = ("text", "title", "date", "url", "outlet", "source", "author")


def record_document(where: str, record: object, print_: str) -> Document | InputError:
    if not isinstance(record, dict):
        return InputError(where, f"not a JSON object but {json_type(record)}")
    for field in RECORD_FIELDS:
        if record.get(field) is not None and not isinstance(record[field], str):
            return InputError(where, f"field '{field}' is {json_type(record[field])}, not a string")
    text = record.get("text")
    if not text or not text.strip():
        return InputError(where, "record has no 'text'")
    if len(text) > MAX_ARTICLE_BYTES:
        return InputError(where, f"text is over the {MAX_ARTICLE_BYTES // 2**20} MiB limit for one article")
    return Document(where, "record", text, print_, url=record.get("url"), headline=record.get("title"),
                    published=record.get("date"), outlet=record.get("outlet") or record.get("source"),
                    author=record.get("author"), source_id=record_id(record.get("id")))


def record_id(value: object) -> str | None:
    """A record's own "id" as text: a non-empty string or a number (a boolean is neither)."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def with_bounded_header_lines(path: str, records: ArchiveIterator) -> ArchiveIterator:
    """warcio reads each header line (WARC's and HTTP's) whole, however long: stop at MAX_LINE_BYTES. A page
    is read in blocks, not lines, so a page on one long line is refused by the page limit, record by record."""
    unbounded = records.reader.readline

    def readline(length: int | None = None) -> bytes:
        wanted = min(length or MAX_LINE_BYTES + 1, MAX_LINE_BYTES + 1)
        pieces, size = [], 0  # warcio's readline(length) may stop short of a newline and of length: ask again
        while size < wanted and not (pieces and pieces[-1].endswith(b"\n")):
            if not (piece := unbounded(wanted - size)):
                break
            pieces.append(piece)
            size += len(piece)
        if size > MAX_LINE_BYTES:
            raise InputError(path, f"a header line runs past {MAX_LINE_BYTES // 2**20} MiB (damaged?)")
        return b"".join(pieces)

    records.reader.readline = readline
    return records


def warc_stream_documents(path: str, raw: BinaryIO) -> Iterator[Document | InputError]:
    """One document per HTML response record, as web archives (Common Crawl's news crawl) hold them.
    warcio is given the plain bytes (gzip goes through the bounded decompressor)."""
    records = with_bounded_header_lines(path, ArchiveIterator(plain(path, raw), block_size=WARC_BLOCK))
    number = 1  # the record being read: a failure names it
    try:
        for record in records:
            if record.rec_type == "response" and is_html(record):
                yield warc_document(f"{path}#{number}", record)
            records.read_to_end(record)  # the rest of the record read here, so its failure is not the next one's
            number += 1
    except InputError as error:
        yield InputError(f"{path}#{number}", f"{error.reason}; the rest of the file is skipped")
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as error:
        yield InputError(f"{path}#{number}", f"WARC record is damaged or truncated ({error}); the rest of the file is skipped")


def is_html(record) -> bool:
    content_type = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
    return "html" in content_type.lower()


def warc_document(where: str, record) -> Document | InputError:
    url = record.rec_headers.get_header("WARC-Target-URI")
    data = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        return InputError(where, f"page is over the {MAX_PAGE_BYTES // 2**20} MiB limit")
    declared = record.length
    if declared is not None and record.raw_stream.limit not in (None, 0):
        raise EOFError(f"it ends {record.raw_stream.limit} of its {declared} bytes early")
    return Document(f"{where} {url}", "html", data, fingerprint(data), url=url,
                    source_id=record.rec_headers.get_header("WARC-Record-ID"))


def to_article(document: Document) -> Article:
    """Decode a text file, extract a page's article text, or take a record's text; set id, outlet and date."""
    if document.format == "html":
        return checked_length(html_article(document))
    if document.format == "text":
        text, headline_first = decode_text(document.source, document.content), True
    else:
        text, headline_first = with_headline(document.headline, document.content)
    return checked_length(Article(text, document.source, headline=document.headline, author=document.author,
                   published=iso_date(document.published), id=article_id(text), url=document.url,
                   outlet=document.outlet or site_of(document.url), headline_first=headline_first,
                   source_id=document.source_id))


def checked_length(article: Article) -> Article:
    if len(article.text) > MAX_ARTICLE_CHARS:
        raise InputError(article.source, f"article text is {len(article.text):,} characters, "
                                         f"over the {MAX_ARTICLE_CHARS:,} limit for one article")
    return article


def html_article(document: Document) -> Article:
    markup = without_payload(document.content)
    if len(markup) > MAX_MARKUP_BYTES:
        raise InputError(document.source, f"page holds {len(markup) / 1e6:.1f} MB of markup once scripts and inline data "
                                          f"are cut, over the {MAX_MARKUP_BYTES // 2**20} MiB limit")
    tree = trafilatura.load_html(markup)
    found = None
    if tree is not None:
        found = trafilatura.bare_extraction(
            tree, url=document.url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"original_date": True, "extensive_search": True, "url": document.url},
        )
    if found is None or len((found.text or "").split()) < MIN_ARTICLE_WORDS:
        raise InputError(document.source, "no article text found in the page")
    text, headline_first = with_headline(found.title, found.text)
    url = found.url or document.url
    return Article(text, document.source, headline=found.title, author=found.author, published=iso_date(found.date),
                   id=article_id(text), url=url, outlet=found.sitename or site_of(url), headline_first=headline_first,
                   source_id=document.source_id)


def with_headline(headline: str | None, body: str) -> tuple[str, bool]:
    """The article as a reader sees it, headline first: the body alone when it starts with the headline."""
    if not headline or not headline.strip():
        return body, False
    first_line = body.lstrip().split("\n", 1)[0]
    if squeeze(first_line).rstrip(".").casefold() == squeeze(headline).rstrip(".").casefold():
        return body, True
    return f"{headline.strip()}\n\n{body}", True


def squeeze(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def article_id(text: str) -> str:
    """Stable id: a hash of the text with Unicode forms and whitespace normalised."""
    return hashlib.sha256(squeeze(text).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def site_of(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return re.sub(r"^(www\d?|m|amp|mobile)\.", "", host) if host else None


def iso_date(value: str | None) -> str | None:
    """'2019-01-10', '2019-01-10T09:00:00+09:00' or 'Jan 10, 2019' -> '2019-01-10'; None if no date is found."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip()).date().isoformat()
    except ValueError:
        pass
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return find_date(value)


BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
                    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Legacy encodings of Western news text. Windows-1252 decodes all of them as intended: it is Latin-1
# with curly quotes and dashes where Latin-1 has unused control codes.
WESTERN_ENCODINGS = {"cp1252", "latin_1", "iso8859_15"}
CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c") + b"\x7f"


def decode_text(source: str, data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), UTF-16/32 with a byte-order mark, or Windows-1252/Latin-1
    when the bytes say so; anything else is reported, never stored as mojibake. No newline translation,
    so offsets match the decoded file."""
    if not data.strip():
        raise InputError(source, "file is empty")
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(source, f"starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()} ({error.reason})") from None
    head = data[:8192]
    if b"\x00" in head or sum(head.count(b) for b in CONTROL_BYTES) > len(head) // 100:
        raise InputError(source, "binary file (control bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        invalid = f"invalid UTF-8 byte 0x{data[error.start]:02x} at offset {error.start}"
    guess = charset_normalizer.from_bytes(data[:262144]).best()
    if guess is not None and WESTERN_ENCODINGS & {guess.encoding, *guess.could_be_from_charset}:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined: Latin-1 it is
            return data.decode("latin-1")
    looks = f"; it looks like {guess.encoding}" if guess is not None else ""
    raise InputError(source, f"not UTF-8 ({invalid}){looks}: convert it to UTF-8 first (iconv -t utf-8)")

