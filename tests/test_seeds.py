"""The seed articles against their hand annotation, and the offset contract on real news."""

import gzip
import json
import subprocess
import sys

import pytest
from conftest import CORPORA, SEEDS

from onrecord import evaluate as scoring
from onrecord import extract


def test_seeds_meet_the_accuracy_floor(nlp):
    gold = scoring.load_gold(str(SEEDS / "gold.jsonl"))
    report = scoring.Report()
    for path in sorted(SEEDS.glob("*.txt")):
        scoring.score_article(report, extract(path.read_text(encoding="utf-8"), model=nlp), gold[path.name])
    overall = report.overall.scores()
    assert overall["recall"] >= 0.95, report.misses
    assert overall["precision"] >= 0.90, report.false_positives
    assert overall["speaker_accuracy"] == 1.0, report.wrong_speakers


def test_seeds_evaluate_command_prints_scores():
    args = [sys.executable, "-m", "onrecord.cli", "evaluate", "--json", "--gold", str(SEEDS / "gold.jsonl"),
            *map(str, sorted(SEEDS.glob("*.txt")))]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    scores = json.loads(result.stdout)
    assert set(scores) == {"overall", "direct", "indirect", "mixed"}
    assert scores["overall"]["gold"] == 30


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
