"""The seed articles against their hand annotation, and the offset contract on real news."""

import gzip
import json
import subprocess
import sys

import pytest
from conftest import CORPORA
from test_accuracy import GOLD_SETS, measure

from onrecord import extract


def test_evaluate_command_prints_the_scores_the_gate_measures(nlp):
    """`onrecord evaluate` as users run it gives the figures the accuracy gate holds to its floors."""
    folder = "speakers"
    articles = sorted(GOLD_SETS[folder].glob("*.txt"))
    result = subprocess.run([sys.executable, "-m", "onrecord.cli", "evaluate", "--json", "--gold", str(GOLD_SETS[folder] / "gold.jsonl"),
                             *map(str, articles)], capture_output=True, text=True, check=True)
    scores = json.loads(result.stdout)
    assert set(scores) == {"overall", "direct", "indirect", "mixed", "cases"}
    printed = {f"{group}.{figure}": value for group, figures in scores.items() if group != "cases" for figure, value in figures.items()}
    measured = measure(folder, nlp)
    assert {key: printed[key] for key in measured if not key.startswith("case.")} == \
        {key: value for key, value in measured.items() if not key.startswith("case.")}
    assert scores["cases"]["pronoun"]["speaker_accuracy"] == measured["case.pronoun.speaker_accuracy"] > 0.5


def polnear_sample(count: int):
    with gzip.open(CORPORA / "polnear-attribution" / "polnear.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line, _ in zip(lines, range(count)):
            yield json.loads(line)["text"]


@pytest.mark.parametrize("text", list(polnear_sample(40)))
def test_seeds_real_articles_keep_the_offset_contract(nlp, text):
    found = extract(text, model=nlp)
    for s in found:
        assert text[s.start:s.end] == s.quote
        assert s.kind in ("direct", "indirect", "mixed")
        assert 0 < s.confidence <= 1
    direct = [s for s in found if s.kind == "direct"]
    assert all(not a.quote or a.end <= b.start for a, b in zip(direct, direct[1:]))
