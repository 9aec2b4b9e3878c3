"""Export: the store's tables as JSONL, CSV or Parquet files, for pandas, DuckDB or Spark.

Each table is written to a temporary file and renamed into place, so an interrupted export
never leaves a half-written file under its final name.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .model import Article, Statement
from .store import Store

STRING, INT, FLOAT = pa.string(), pa.int64(), pa.float64()
SCHEMAS = {
    "articles": pa.schema([("id", STRING), ("source", STRING), ("url", STRING), ("outlet", STRING), ("headline", STRING),
                           ("author", STRING), ("published", STRING), ("text", STRING), ("copy_group", STRING),
                           ("story", STRING)]),
    "statements": pa.schema([("id", INT), ("article_id", STRING), ("start", INT), ("end", INT), ("quote", STRING),
                             ("kind", STRING), ("cue", STRING), ("person_id", INT), ("speaker", STRING),
                             ("speaker_type", STRING), ("speaker_mention", STRING), ("confidence", FLOAT),
                             ("merged_id", INT), ("speaker_gender", STRING)]),
    "merged_statements": pa.schema([("id", INT), ("person_id", INT), ("quote", STRING), ("first_seen", STRING),
                                    ("articles", INT), ("outlets", INT)]),
    "people": pa.schema([("id", INT), ("name", STRING), ("type", STRING), ("wikidata", STRING), ("variants", STRING),
                         ("roles", STRING), ("gender", STRING)]),
}
FORMATS = ("jsonl", "csv", "parquet")
ROWS_PER_BATCH = 10_000


def export(store: Store, out: str | Path, fmt: str) -> dict[str, int]:
    """Write every table to ``out/<table>.<fmt>``; returns the rows written per table."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, schema in SCHEMAS.items():
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
            writer.writerow(row)
            count += 1
    return count


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


def load(store: Store, folder: str | Path) -> tuple[int, int]:
    """Add the articles and statements of Parquet tables to the store, linked as ingest links them.
    Returns (articles new, articles already stored)."""
    folder = Path(folder)
    table = lambda name: pq.read_table(folder / f"{name}.parquet" if (folder / f"{name}.parquet").exists() else folder / name)
    statements: dict[str, list[Statement]] = {}
    for row in sorted(table("statements").to_pylist(), key=lambda s: (s["article_id"], s["start"])):
        statements.setdefault(row["article_id"], []).append(Statement(
            row["quote"], row["start"], row["end"], row["kind"], row["cue"], row["speaker"], row["speaker_type"],
            row["speaker_mention"], row["confidence"], row["article_id"], row.get("speaker_gender")))
    articles = table("articles").to_pylist()
    with store.transaction():
        new = sum(store.add(Article(row["text"], row["source"], row["headline"], row["author"], row["published"], row["id"],
                                    row["url"], row["outlet"]), statements.get(row["id"], []))
                  for row in articles)
    return new, len(articles) - new
