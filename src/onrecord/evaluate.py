"""Score extracted statements against a hand-annotated gold file (the format of seeds/gold.jsonl),
or against PolNeAR's attribution annotation (``score_attributions``).

A predicted statement matches a gold one of the same article when their spans overlap by at
least half of each span's length; matching is one-to-one. Gold lines marked ``optional`` are
neither required nor counted as false positives. A speaker is right only when it is the gold full
name (case, spaces and hyphens aside); where gold lines carry ``speaker_type`` and ``speaker_gender``
those are scored too, and a ``case`` (how the article names the speaker) gets its own scores.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .model import Statement

KINDS = ("direct", "indirect", "mixed")


def ratio(right: int, of: int) -> float:
    return round(right / of, 4) if of else 0.0


@dataclass
class Tally:
    predicted: int = 0
    gold: int = 0
    matched_predicted: int = 0
    matched_gold: int = 0
    right_speaker: int = 0
    typed: int = 0  # matched gold statements annotated with a speaker type (and so a gender)
    right_type: int = 0
    right_gender: int = 0

    def scores(self) -> dict:
        precision = self.matched_predicted / self.predicted if self.predicted else 0.0
        recall = self.matched_gold / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                "speaker_accuracy": ratio(self.right_speaker, self.matched_gold),
                "type_accuracy": ratio(self.right_type, self.typed), "gender_accuracy": ratio(self.right_gender, self.typed),
                "predicted": self.predicted, "gold": self.gold, "matched": self.matched_gold, "typed": self.typed}

    def judge(self, predicted: Statement, gold: dict) -> bool:
        """Count one matched pair: the speaker (exactly, by full name), and its type and gender where annotated."""
        right = fold_name(predicted.speaker) == fold_name(gold["speaker"])
        self.right_speaker += right
        if "speaker_type" in gold:
            self.typed += 1
            self.right_type += predicted.speaker_type == gold["speaker_type"]
            self.right_gender += predicted.speaker_gender == gold.get("speaker_gender")
        return right


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    kinds: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    cases: dict[str, Tally] = field(default_factory=dict)  # by how the gold line's speaker is named ("case")
    misses: list[dict] = field(default_factory=list)
    false_positives: list[Statement] = field(default_factory=list)
    wrong_speakers: list[tuple[Statement, dict]] = field(default_factory=list)

    def scores(self) -> dict:
        return {"overall": self.overall.scores(), **{k: t.scores() for k, t in self.kinds.items()},
                **({"cases": {c: t.scores() for c, t in sorted(self.cases.items())}} if self.cases else {})}


def load_gold(path: str) -> dict[str, list[dict]]:
    """Gold statements by article file name."""
    by_article: dict[str, list[dict]] = defaultdict(list)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read gold file: {error}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            by_article[Path(record["article"]).name].append(record)
            int(record["start"]), int(record["end"])
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(path, f"line {number} is not a gold statement ({error})") from None
    return by_article


def fold_name(name: str | None) -> str:
    return re.sub(r"[\s\-‐]+", " ", (name or "").lower()).strip()


def overlaps_enough(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    overlap = min(a_end, b_end) - max(a_start, b_start)
    return overlap > 0 and 2 * overlap >= (a_end - a_start) and 2 * overlap >= (b_end - b_start)


def match(predicted: list[Statement], gold: list[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs (predicted index, gold index), largest overlaps first."""
    candidates = sorted(
        ((min(p.end, g["end"]) - max(p.start, g["start"]), i, j)
         for i, p in enumerate(predicted) for j, g in enumerate(gold)
         if overlaps_enough(p.start, p.end, g["start"], g["end"])),
        reverse=True,
    )
    used_p, used_g, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i), used_g.add(j)
            pairs.append((i, j))
    return pairs


def score_article(report: Report, predicted: list[Statement], gold: list[dict]) -> None:
    required = [g for g in gold if not g.get("optional")]
    optional = [g for g in gold if g.get("optional")]
    pairs = match(predicted, required)
    matched_p = {i for i, _ in pairs}
    leftover = [p for i, p in enumerate(predicted) if i not in matched_p]
    excused = {i for i, _ in match(leftover, optional)}
    counted = [p for i, p in enumerate(leftover) if i not in excused]
    for statement in [predicted[i] for i in matched_p] + counted:
        report.overall.predicted += 1
        report.kinds[statement.kind].predicted += 1
    report.false_positives.extend(counted)
    for g in required:
        report.overall.gold += 1
        report.kinds[g["kind"]].gold += 1
    matched_g = {j for _, j in pairs}
    report.misses.extend(g for j, g in enumerate(required) if j not in matched_g)
    for g in required:
        if "case" in g:
            report.cases.setdefault(g["case"], Tally()).gold += 1
    for i, j in pairs:
        p, g = predicted[i], required[j]
        report.overall.matched_predicted += 1
        report.kinds[p.kind].matched_predicted += 1
        tallies = [report.overall, report.kinds[g["kind"]], *([report.cases[g["case"]]] if "case" in g else [])]
        for tally in tallies:
            tally.matched_gold += 1
        if not all([tally.judge(p, g) for tally in tallies]):
            report.wrong_speakers.append((p, g))


# --- PolNeAR: attributions (source, cue, content) rather than statements ---

QUOTE_MARK = re.compile("[\"“”]")
NOT_NAME_WORDS = {"the", "a", "an", "of", "and", "mr", "mrs", "ms", "his", "her", "their", "s"}


@dataclass
class AttributionTally:
    quoted: int = 0  # attributions whose content holds a quotation mark
    quoted_found: int = 0
    speaker_judged: int = 0
    speaker_right: int = 0
    attributions: int = 0
    attributions_found: int = 0
    predicted: int = 0
    predicted_matched: int = 0

    def scores(self) -> dict:
        return {"quote_recall": ratio(self.quoted_found, self.quoted), "speaker_agreement": ratio(self.speaker_right, self.speaker_judged),
                "precision": ratio(self.predicted_matched, self.predicted),
                "recall_all_attributions": ratio(self.attributions_found, self.attributions),
                "quoted_attributions": self.quoted, "statements": self.predicted}


def name_words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", (text or "").lower()) if w not in NOT_NAME_WORDS}


def score_attributions(tally: AttributionTally, predicted: list[Statement], attributions: list[dict]) -> None:
    """Quote recall counts attributions whose content holds a quotation mark, found when a statement
    overlaps one of the content's pieces by half of each (content split around its cue is in pieces).
    A speaker agrees when the annotated source and the speaker (name or mention) share a word.
    Precision is the share of statements matching any attribution: PolNeAR also annotates beliefs and
    other attributions that are not speech, so recall over all of them is for reference only."""
    matched = set()
    for attribution in (a for a in attributions if a["content"]):
        pieces = attribution["content"]
        hits = [i for i, p in enumerate(predicted) if any(overlaps_enough(p.start, p.end, c["start"], c["end"]) for c in pieces)]
        matched.update(hits)
        tally.attributions += 1
        tally.attributions_found += bool(hits)
        if not any(QUOTE_MARK.search(c["text"]) for c in pieces):
            continue
        tally.quoted += 1
        tally.quoted_found += bool(hits)
        if hits and attribution["source"]:
            source = name_words(" ".join(s["text"] for s in attribution["source"]))
            first = predicted[hits[0]]
            tally.speaker_judged += 1
            tally.speaker_right += bool(source & (name_words(first.speaker) | name_words(first.speaker_mention)))
    tally.predicted += len(predicted)
    tally.predicted_matched += len(matched)
