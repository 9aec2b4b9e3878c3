"""Plant each bug a review once slipped past the suite into a copy of the source, run the tests that
must catch it, and say whether they did (`make planted`; exit 1 if any bug goes unnoticed).

    python tests/planted_bugs.py [NAME ...]

A bug is one text replacement in one module; the copy is put first on PYTHONPATH, so the tests and
every `onrecord` process they start run the planted code. Each bug names the tests of `make test`
that guard it, so a run takes minutes, not the whole suite per bug.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Bug:
    name: str
    module: str
    old: str
    new: str
    tests: tuple[str, ...]


BUGS = [
    Bug("pronoun gender ignored", "entities.py", "            if not compatible(gender, likely):\n                continue",
        "            if False:\n                continue",
        ("tests/test_entities.py::test_a_pronoun_means_the_person_of_its_gender",)),
    Bug("title gender not recorded", "entities.py", "def title_gender(titles) -> Gender | None:\n",
        "def title_gender(titles) -> Gender | None:\n    return None\n",
        ("tests/test_entities.py::test_a_pronoun_means_the_person_of_its_gender",)),
    Bug("straight mark closes any curly quotation", "quotes.py", "and straight_may_close_curly(curly_marks, i))", "and True)",
        ("tests/test_quotes.py::test_quotes_mixed_straight_and_curly_marks_pair_up",)),
    Bug("no straight-quoted phrase inside a curly one", "quotes.py", "(nested or opens_quotation(chunk, i, singles_allowed))",
        "False", ("tests/test_quotes.py::test_quotes_mixed_straight_and_curly_marks_pair_up",)),
    Bug("copy threshold 0.05", "link/copies.py", "COPY_CONTAINMENT = 0.15", "COPY_CONTAINMENT = 0.05",
        ("tests/test_merge.py::test_the_copy_threshold_from_both_sides",)),
    Bug("copy threshold 0.0", "link/copies.py", "COPY_CONTAINMENT = 0.15", "COPY_CONTAINMENT = 0.0",
        ("tests/test_merge.py::test_the_copy_threshold_from_both_sides",)),
    Bug("copy threshold 0.25", "link/copies.py", "COPY_CONTAINMENT = 0.15", "COPY_CONTAINMENT = 0.25",
        ("tests/test_merge.py::test_the_copy_threshold_from_both_sides",)),
    Bug("store opened read-write per request", "serve.py", "        with Store(db, readonly=True) as opened:",
        "        with Store(db) as opened:", ("tests/test_serve.py::test_a_request_never_writes_to_the_store",)),
    Bug("statement page quote unescaped", "templates/statement.html", "{{ statement.quote }}", "{{ statement.quote|safe }}",
        ("tests/test_serve.py::test_article_text_is_escaped_never_run_on_every_page",)),
    Bug("statement page context unescaped", "templates/statement.html", "<mark>{{ context.quote }}</mark>",
        "<mark>{{ context.quote|safe }}</mark>", ("tests/test_serve.py::test_article_text_is_escaped_never_run_on_every_page",)),
    Bug("time limit not passed to the workers", "ingest.py", "pool.submit(extract_batch, batch, model, seconds)",
        "pool.submit(extract_batch, batch, model)", ("tests/test_ingest.py::test_the_time_limit_holds_in_every_worker",)),
    Bug("each statement committed alone", "store/__init__.py",
        "            linking.link_statement(self.db, statement_id, person, s.quote, s.kind, article.published, article.id)\n",
        "            linking.link_statement(self.db, statement_id, person, s.quote, s.kind, article.published, article.id)\n"
        "            self.db.execute(\"COMMIT\")\n            self.db.execute(\"BEGIN IMMEDIATE\")\n",
        ("tests/test_faults.py::test_killed_inside_a_batch_keeps_whole_articles_then_a_rerun_finishes",)),
    Bug("reprocess takes back no name uses", "store/linking.py", "SET uses = max(uses - 1, 0)", "SET uses = max(uses - 0, 0)",
        ("tests/test_merge.py::test_reprocessing_an_unchanged_store_changes_nothing_it_linked",)),
    Bug("an outlet's note never boilerplate", "link/copies.py", "BOILERPLATE_ISSUES = 3", "BOILERPLATE_ISSUES = 99",
        ("tests/test_link.py::test_an_outlets_note_is_neither_copy_evidence_nor_a_statement_in_any_order",)),
    Bug("a report joins only the first statement it matches", "link/statements.py",
        "    for other in ordered[1:]:\n        index.absorb(merged, other)\n", "",
        ("tests/test_link.py::test_a_report_that_matches_two_statements_joins_them_whatever_came_first",)),
    Bug("a person named by the name met first", "link/people.py",
        "    return min(names, key=lambda item: (-item[1], -len(item[0].split()), -len(item[0]), item[0]))[0]",
        "    return next(iter(names))[0]",
        ("tests/test_link.py::test_a_middle_initial_is_one_person_named_by_the_fullest_name_in_either_order",)),
    Bug("a story window of ten weeks", "link/stories.py", "STORY_DAYS = 7", "STORY_DAYS = 70",
        ("tests/test_link.py::test_a_story_ends_when_its_reports_are_weeks_apart",)),
    Bug("reprocess takes back no roles", "store/linking.py", "SET articles = articles - 1 WHERE", "SET articles = articles WHERE",
        ("tests/test_merge.py::test_reprocessing_an_unchanged_store_changes_nothing_it_linked",)),
    Bug("an empty form field is checked as given", "serve.py", "if value and (problem := field_problem(name, value))",
        "if (problem := field_problem(name, value))",
        ("tests/test_newsroom_web.py::test_every_empty_field_means_not_given",)),
    Bug("the first report is first even when undated", "serve.py",
        "established = len(known) == len(dates) and known.count(earliest) == 1", "established = known.count(earliest) == 1",
        ("tests/test_newsroom_web.py::test_first_only_when_the_dates_establish_it",)),
    Bug("search ignores relevance", "store/queries.py", 'order = "bm25(statements_fts), " if where.by_relevance else ""',
        'order = ""', ("tests/test_newsroom_web.py::test_relevance_puts_the_statement_that_matches_more_words_first",)),
    Bug("an unknown outlet counted as a facet", "store/queries.py", "            if outlet is not None:\n",
        "            if outlet is not None or count:\n", ("tests/test_newsroom_web.py::test_facets_count_people_and_outlets_and_a_facet_link_filters",)),
    Bug("unknown gender counted as male", "store/audit.py", "coalesce(p.gender, 'unknown')", "coalesce(p.gender, 'male')",
        ("tests/test_audit.py::test_people_quoted_per_outlet_by_gender_with_unknown_apart",)),
    Bug("an aliases file's gender overruled by the articles", "link/people.py", "return given or majority_gender(counts)",
        "return majority_gender(counts) or given", ("tests/test_aliases.py::test_aliases_gender_is_the_persons_across_the_store_and_later_ingests",)),
    Bug("every gender credited to the name table", "link/people.py", 'return "text" if gender in set(from_text) else "names"',
        'return "names"', ("tests/test_audit.py::test_the_audit_says_where_each_gender_came_from",)),
    Bug("a dropped 'not' not named a negation", "link/variants.py", 'if any(w in NEGATIONS or w.endswith("n\'t") for w in folded):',
        "if False:", ("tests/test_variants.py::test_a_dropped_not_is_altered_and_named_a_negation_change",)),
    Bug("a cut quote counted as altered", "link/variants.py", 'return tag != "replace" and (', "return False and (",
        ("tests/test_variants.py::test_a_contiguous_part_is_shortened",)),
    Bug("a quotation with a word changed split off", "link/statements.py",
        "    return max(len(one), len(other)) - kept <= REWORDED_CHANGES", "    return False",
        ("tests/test_variants.py::test_a_quotation_with_a_word_changed_joins_only_near_in_time_and_for_a_known_speaker",)),
    Bug("an unknown speaker's reports reworded into one statement", "link/statements.py", "    if person:\n", "    if True:\n",
        ("tests/test_variants.py::test_an_indirect_report_joins_the_quotation_only_for_a_known_speaker",)),
    Bug("a paraphrase linked at any distance in time", "store/linking.py", "if close_in_time(day, published)}", "if True}",
        ("tests/test_variants.py::test_a_report_outside_the_window_or_with_other_content_is_not_a_paraphrase",)),
    Bug("reports not classed again under a new first report", "store/linking.py",
        "        if report != first:  # the others are classed against the new first", "        if False:",
        ("tests/test_variants.py::test_classes_do_not_depend_on_the_order_reports_arrive_in",)),
    Bug("variants --altered lists every varied statement", "store/queries.py", """" AND variant = 'altered'" if altered else""",
        """"" if altered else""",
        ("tests/test_variants_cli.py::test_altered_keeps_only_statements_with_an_altered_report",)),
    Bug("a paraphrase looked up in its own week only", "link/statements.py",
        "{week_of(edge) for edge in story_window(day)} | {week_of(day), \"undated\"}", "{week_of(day), \"undated\"}",
        ("tests/test_variants.py::test_a_paraphrase_a_window_apart_or_undated_joins_in_either_order",)),
    Bug("a parsed sentence keyed without its spaces", "parse.py", "{'1' if t.whitespace_ else '0'}", "",
        ("tests/test_parse.py::test_the_key_is_the_tokens_and_the_spaces_between_them",)),
    Bug("a cached parse given to the wrong sentence", "parse.py", "tokens=parsed.get(key, docs[i]), offset", "tokens=docs[min(docs)], offset",
        ("tests/test_parse.py::test_an_update_parses_only_its_new_sentences_and_extracts_what_a_fresh_parse_does",)),
    Bug("the cache never drops a sentence", "parse.py", "        while self.held > self.limit:", "        while False:",
        ("tests/test_parse.py::test_the_cache_keeps_the_most_recently_used_within_its_token_limit",)),
    Bug("a window's first word kept as a name", "parse.py", "                              if not names.isdisjoint(range(start + e.start, start + e.end)))",
        "                              )", ("tests/test_parse.py::test_names_found_in_windows_are_the_names_the_whole_sentence_gives",)),
    Bug("a sentence-initial noun read as no name", "parse.py", '(token.i > 0 or token.tag_ in ("JJ", "NN", "NNS"))', "token.i > 0",
        ("tests/test_parse.py::test_names_found_in_windows_are_the_names_the_whole_sentence_gives",)),
]


def planted_copy(bug: Bug, folder: Path) -> Path:
    source = shutil.copytree(ROOT / "src", folder / "src")
    module = source / "onrecord" / bug.module
    text = module.read_text(encoding="utf-8")
    if text.count(bug.old) != 1:
        sys.exit(f"{bug.name}: the code to plant into is not found once in {bug.module}; update tests/planted_bugs.py")
    module.write_text(text.replace(bug.old, bug.new), encoding="utf-8")
    return source


def caught(bug: Bug) -> tuple[bool, float]:
    with tempfile.TemporaryDirectory() as folder:
        source = planted_copy(bug, Path(folder))
        env = {**os.environ, "PYTHONPATH": str(source)}
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *bug.tests],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        if run.returncode not in (0, 1):
            sys.exit(f"{bug.name}: the tests did not run (pytest exit {run.returncode}):\n{run.stdout[-2000:]}")
        return run.returncode == 1, time.monotonic() - started


def main(names: list[str]) -> int:
    chosen = [bug for bug in BUGS if not names or bug.name in names]
    missed = 0
    for bug in chosen:
        found, seconds = caught(bug)
        missed += not found
        print(f"{'caught' if found else 'MISSED'}  {bug.name}  ({seconds:.0f} s)", flush=True)
    print(f"{len(chosen) - missed} of {len(chosen)} planted bugs caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
