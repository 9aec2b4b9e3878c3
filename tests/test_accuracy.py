"""The accuracy gate: extraction scored on every annotated set we have, each figure held to the floor
pinned in accuracy_floors.json beside this file (with a digest of the data it was measured on).

A figure below its floor fails `make test`. Floors only go up on their own: `make floors` raises
each floor a figure has passed. Lowering one, or re-pinning after the data changed, takes
`python tests/test_accuracy.py --lower --reason "..."`, and the reason goes in the commit too.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from conftest import CORPORA, SEEDS  # noqa: E402

from onrecord import evaluate as scoring  # noqa: E402
from onrecord import extract  # noqa: E402

FLOORS = HERE / "accuracy_floors.json"
POLNEAR = CORPORA / "polnear-attribution" / "polnear.jsonl.gz"
GOLD_SETS = {"seeds": SEEDS, "speakers": HERE / "data" / "speakers", "speakers-heldout": HERE / "data" / "speakers-heldout"}
SETS = ["polnear-dev", *GOLD_SETS]


def data_files(name: str) -> list[Path]:
    if name == "polnear-dev":
        return [POLNEAR]
    return sorted(GOLD_SETS[name].glob("*.txt")) + [GOLD_SETS[name] / "gold.jsonl"]


def digest(name: str) -> str:
    hashed = hashlib.sha256()
    for path in data_files(name):
        hashed.update(path.name.encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()[:16]


def measure(name: str, nlp) -> dict[str, float]:
    """Every figure of one set, flat: 'direct.recall', 'case.surname.speaker_accuracy', ..."""
    if name == "polnear-dev":
        tally = scoring.AttributionTally()
        with gzip.open(POLNEAR, "rt", encoding="utf-8") as lines:
            for record in map(json.loads, lines):
                if record["split"] == "dev":
                    predicted = extract(record["text"], model=nlp)
                    scoring.score_attributions(tally, predicted, record["annotations"][0]["attributions"])
        scores = tally.scores()
        return {key: scores[key] for key in ("quote_recall", "speaker_agreement", "precision", "recall_all_attributions")}
    folder = GOLD_SETS[name]
    gold = scoring.load_gold(str(folder / "gold.jsonl"))
    report = scoring.Report()
    for path in sorted(folder.glob("*.txt")):
        scoring.score_article(report, extract(path.read_text(encoding="utf-8"), model=nlp), gold[path.name])
    scores = report.scores()
    groups = {kind: scores[kind] for kind in ("overall", *scoring.KINDS)}
    groups.update({f"case.{case}": figures for case, figures in scores.get("cases", {}).items()})
    return {f"{group}.{figure}": value for group, figures in groups.items() for figure, value in figures.items()
            if counted(group, figure, figures)}


def counted(group: str, figure: str, figures: dict) -> bool:
    """The ratios that have something to count (a kind with no gold lines has no recall)."""
    has = {"recall": figures["gold"], "speaker_accuracy": figures["matched"],
           "precision": figures["predicted"] if not group.startswith("case.") else 0,  # cases are of gold lines only
           "type_accuracy": figures["typed"] if group == "overall" else 0, "gender_accuracy": figures["typed"] if group == "overall" else 0}
    return bool(has.get(figure))


def below_floor(figures: dict[str, float], floors: dict[str, float]) -> list[str]:
    return [f"{key} {figures.get(key, 0.0):.4f} < floor {floor:.4f}" for key, floor in sorted(floors.items())
            if figures.get(key, 0.0) < floor]


@pytest.fixture(scope="module")
def pinned() -> dict:
    return json.loads(FLOORS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SETS)
def test_accuracy_holds_its_floors(name, nlp, pinned):
    entry = pinned["sets"][name]
    assert entry["digest"] == digest(name), f"{name}: the data changed since its floors were pinned; re-pin with --lower --reason"
    failures = below_floor(measure(name, nlp), entry["floors"])
    assert not failures, f"{name}: " + "; ".join(failures)


def test_every_set_has_floors_on_what_users_judge(pinned):
    assert set(pinned["sets"]) == set(SETS)
    for name in GOLD_SETS:
        floors = pinned["sets"][name]["floors"]
        assert {"overall.recall", "overall.precision", "overall.speaker_accuracy", "direct.recall"} <= set(floors), name
    assert {"overall.gender_accuracy", "case.pronoun.speaker_accuracy", "case.surname.speaker_accuracy"} <= set(pinned["sets"]["speakers"]["floors"])
    assert {"quote_recall", "speaker_agreement", "precision"} <= set(pinned["sets"]["polnear-dev"]["floors"])


def test_a_figure_below_its_floor_is_reported():
    assert below_floor({"overall.recall": 0.9, "overall.precision": 0.95}, {"overall.recall": 0.91, "overall.precision": 0.95}) == \
        ["overall.recall 0.9000 < floor 0.9100"]
    assert below_floor({}, {"quote_recall": 0.5}) == ["quote_recall 0.0000 < floor 0.5000"]  # a figure gone is a drop


def repin(lower: bool, reason: str | None) -> None:
    """Raise every floor a figure has passed; with ``lower``, set every floor to today's figure."""
    from onrecord.parse import load_model

    nlp = load_model()
    pinned = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {"sets": {}, "lowered": []}
    for name in SETS:
        figures = measure(name, nlp)
        entry = pinned["sets"].setdefault(name, {"digest": None, "floors": {}})
        old = entry["floors"]
        if not lower and entry["digest"] not in (None, digest(name)):
            sys.exit(f"{name}: the data changed since its floors were pinned; re-pin with --lower --reason")
        entry["floors"] = {key: value if lower else max(value, old.get(key, 0.0)) for key, value in sorted(figures.items())}
        entry["digest"] = digest(name)
        for key, value in sorted(figures.items()):
            if value != old.get(key):
                print(f"{name} {key}: {old.get(key, '-')} -> {entry['floors'][key]}")
    if lower:
        pinned["lowered"].append({"date": date.today().isoformat(), "reason": reason})
    FLOORS.write_text(json.dumps(pinned, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Raise the accuracy floors to today's figures (or lower them, with a reason).")
    parser.add_argument("--lower", action="store_true", help="also lower floors (and re-pin data digests) to today's figures")
    parser.add_argument("--reason", help="why floors go down (required with --lower)")
    args = parser.parse_args()
    if args.lower and not args.reason:
        parser.error("--lower needs --reason")
    repin(args.lower, args.reason)
