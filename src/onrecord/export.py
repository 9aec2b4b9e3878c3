"""Export: the store's tables as JSONL, CSV or Parquet files, for pandas, DuckDB or Spark.

Each table is written to a temporary file and renamed into place, so an interrupted export
never leaves a half-written file under its final name.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import InputError
from .limits import MAX_ARTICLE_BYTES, MAX_ARTICLE_CHARS, MAX_ROW_GROUP_BYTES
from .model import Article, NamedPerson, Statement
from .read import iso_date, open_input, shown
from .store import Store

STRING, INT, FLOAT = pa.string(), pa.int64(), pa.float64()
SCHEMAS = {
    "articles": pa.schema([("id", STRING), ("source", STRING), ("url", STRING), ("outlet", STRING), ("headline", STRING),
                           ("author", STRING), ("published", STRING), ("text", STRING), ("copy_group", STRING),
                           ("story", STRING), ("source_id", STRING), ("headline_first", INT)]),
    "statements": pa.schema([("id", INT), ("article_id", STRING), ("start", INT), ("end", INT), ("quote", STRING),
                             ("kind", STRING), ("cue", STRING), ("person_id", INT), ("speaker", STRING),
                             ("speaker_type", STRING), ("speaker_mention", STRING), ("confidence", FLOAT),
                             ("merged_id", INT), ("speaker_gender", STRING), ("variant", STRING), ("edits", STRING),
                             ("fullest_variant", STRING)]),
    "merged_statements": pa.schema([("id", INT), ("person_id", INT), ("quote", STRING), ("first_seen", STRING),
                                    ("articles", INT), ("outlets", INT), ("first_article", STRING), ("first_outlet", STRING)]),
    "people": pa.schema([("id", INT), ("name", STRING), ("type", STRING), ("wikidata", STRING), ("variants", STRING),
                         ("roles", STRING), ("gender", STRING), ("given_name", STRING), ("given_gender", STRING),
                         ("gender_source", STRING)]),
    "article_people": pa.schema([("article_id", STRING), ("key", STRING), ("name", STRING), ("quoted", INT),
                                 ("gender", STRING), ("gender_source", STRING)]),
}
# What a store holds beyond the five tables above, so that an export loads back as it was, unlinked again
# (`store.restore`); `onrecord spark` writes none of these.
STORE_SCHEMAS = {
    "inputs": pa.schema([("fingerprint", STRING), ("article_id", STRING)]),
    "person_names": pa.schema([("person_id", INT), ("name", STRING), ("uses", INT), ("type", STRING)]),
    "person_roles": pa.schema([("person_id", INT), ("role", STRING), ("first_seen", STRING), ("last_seen", STRING),
                               ("articles", INT)]),
    "person_keys": pa.schema([("key", STRING), ("person_id", INT)]),
    "people_apart": pa.schema([("key", STRING), ("other", STRING)]),
    "copy_pairs": pa.schema([("article_id", STRING), ("other_id", STRING)]),
}
# Tables made from the ones above for readers (pandas, DuckDB, Spark) and never loaded back: `store.restore` and
# `ingest` of an export read the statements table instead, so an export that lacks these restores the same.
# reports: each report (a statements row) of a merged statement, classed against its first report.
DERIVED_SCHEMAS = {
    "reports": pa.schema([("statement_id", INT), ("report_id", INT), ("article_id", STRING), ("variant", STRING),
                          ("edits", STRING), ("fullest_variant", STRING), ("first", INT)]),
}
FORMATS = ("jsonl", "csv", "parquet")
ROWS_PER_BATCH = 10_000


def export(store: Store, out: str | Path, fmt: str) -> dict[str, int]:
    """Write every table to ``out/<table>.<fmt>``; returns the rows written per table."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, schema in {**SCHEMAS, **STORE_SCHEMAS, **DERIVED_SCHEMAS}.items():
        final = out / f"{name}.{fmt}"
        partial = out / f".{name}.{fmt}.partial"
        rows = store.table(name, schema.names)
        written[name] = WRITERS[fmt](partial, schema, rows)
        os.replace(partial, final)
    return written


def write_jsonl(path: Path, schema: pa.Schema, rows: Iterable[tuple]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps(dict(zip(schema.names, row)), ensure_ascii=False) + "\n")
            count += 1
    return count


def write_csv(path: Path, schema: pa.Schema, rows: Iterable[tuple]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(schema.names)
        for row in rows:
            writer.writerow(csv_row(row))
            count += 1
    return count


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), =cmd|' /C calc'!A0): OWASP's
# list for CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_row(values: Iterable) -> list:
    """A row as written to CSV, here and by the CLI's --format csv: text from articles can never be a formula: text that
    starts like one gets a leading single quote (OWASP's rule; a spreadsheet shows it as text). Numbers are
    columns the store computes (ids, offsets, counts, confidence), never article text, so they stay numbers: -1 is -1."""
    return [f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value for value in values]


def write_parquet(path: Path, schema: pa.Schema, rows: Iterable[tuple]) -> int:
    count = 0
    rows = iter(rows)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while batch := list(islice(rows, ROWS_PER_BATCH)):
            columns = list(zip(*batch))
            writer.write_table(pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema))
            count += len(batch)
    return count


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}


def is_table_folder(path: str | Path) -> bool:
    """A folder written by `onrecord export --format parquet` or `onrecord spark`."""
    path = Path(path)
    return path.is_dir() and all((path / f"{t}.parquet").exists() or (path / t).is_dir() for t in ("articles", "statements"))


def load(store: Store, folder: str | Path, on_error: Callable[[InputError], None] = lambda error: None) -> tuple[int, int]:
    """Add the articles and statements of Parquet tables to the store, linked as ingest links them, a
    batch at a time; an article or statement over the limits goes to ``on_error``, unread.
    Returns (articles new, articles already stored)."""
    folder = Path(folder)
    statements: dict[str, list[Statement]] = {}
    for row in bounded_rows(folder, "statements", "quote", on_error):
        statements.setdefault(row["article_id"], []).append(Statement(
            row["quote"], row["start"], row["end"], row["kind"], row["cue"], row["speaker"], row["speaker_type"],
            row["speaker_mention"], row["confidence"], row["article_id"], row.get("speaker_gender")))
    for found in statements.values():
        found.sort(key=lambda s: s.start)
    people: dict[str, list[NamedPerson]] = {}  # an older export or Spark run has none: `ingest --reprocess` finds them
    for row in bounded_rows(folder, "article_people", "name", on_error, ident="key"):
        people.setdefault(row["article_id"], []).append(
            NamedPerson(row["name"], row["gender"], row["gender_source"], bool(row["quoted"])))
    new = already = 0
    rows = bounded_rows(folder, "articles", "text", on_error)
    while batch := list(islice(rows, LOAD_BATCH)):
        with store.transaction():
            added = sum(store.add(article_of_row(row), statements.get(row["id"], []), people=people.get(row["id"], []))
                        for row in batch)
        new, already = new + added, already + len(batch) - added
    return new, already


LOAD_BATCH = 64  # rows of a table in memory at once, and articles per transaction


def article_of_row(row: dict) -> Article:
    """An article of an articles table; the columns an older export or Spark run lacks take their defaults."""
    headline_first = row.get("headline_first")
    return Article(row["text"], row["source"], row["headline"], row["author"], iso_date(row["published"]), row["id"],
                   row["url"], row["outlet"], True if headline_first is None else bool(headline_first), row.get("source_id"))


def table_files(folder: Path, name: str) -> list[Path]:
    """A table is one file (`export`) or a folder of part files (Spark)."""
    single = folder / f"{name}.parquet"
    return [single] if single.exists() else sorted((folder / name).glob("*.parquet"))


def bounded_rows(folder: Path, table: str, column: str, on_error: Callable[[InputError], None],
                 ident: str = "id") -> Iterator[dict]:
    """The rows of a table whose ``column`` (the text) is within the per-article limits, read in small
    batches; a refused row is named by its ``ident`` column. Each file is opened only if it is a regular file;
    one that is not Parquet, or is damaged, is one error and the rows it gave before are kept."""
    for path in table_files(folder, table):
        source = shown(str(path))
        try:
            with open_input(str(path)) as file:
                yield from bounded_rows_of_file(pq.ParquetFile(file), source, table, column, on_error, ident)
        except InputError as error:
            on_error(error)
        except (pa.ArrowException, UnicodeDecodeError, OSError) as error:
            on_error(InputError(source, f"not a readable Parquet table ({error})"))


def bounded_rows_of_file(tables: pq.ParquetFile, source: str, table: str, column: str,
                         on_error: Callable[[InputError], None], ident: str = "id") -> Iterator[dict]:
    """A row group whose text is larger than its rows may hold is refused from its metadata, before it is
    read (32 kB of Parquet can expand to gigabytes); a longer text is refused before it becomes a str."""
    leaf = next((i for i in range(tables.metadata.num_columns) if tables.schema.column(i).path == column), None)
    if leaf is None:
        raise InputError(source, f"{table} table has no column '{column}'")
    for group in range(tables.num_row_groups):
        meta = tables.metadata.row_group(group)
        size = meta.column(leaf).total_uncompressed_size
        if size > min(MAX_ROW_GROUP_BYTES, meta.num_rows * MAX_ARTICLE_BYTES):
            reason = f"in a row group of {size / 1e6:,.1f} MB of text, over the limit for its {meta.num_rows} rows; not loaded"
            for name in tables.read_row_group(group, columns=[ident]).column(ident).to_pylist():
                on_error(InputError(f"{source}: {table} {name}", reason))
            continue
        for batch in tables.iter_batches(batch_size=LOAD_BATCH, row_groups=[group]):
            length = pc.fill_null(pc.utf8_length(batch.column(column)), 0)
            fits = pc.and_(pc.greater(length, 0), pc.less_equal(length, MAX_ARTICLE_CHARS))
            for name, chars in zip(pc.filter(batch.column(ident), pc.invert(fits)).to_pylist(),
                                   pc.filter(length, pc.invert(fits)).to_pylist()):
                reason = f"no {column}" if not chars else f"{column} is {chars:,} characters, over the {MAX_ARTICLE_CHARS:,} limit"
                on_error(InputError(f"{source}: {table} {name}", reason))
            yield from batch.filter(fits).to_pylist()
