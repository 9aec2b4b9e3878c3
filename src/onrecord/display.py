"""How a stored article is shown: its text cut into plain pieces and statements, a colour per speaker."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from .link.variants import CHANGES, Wording, aligned, at_edge, reference_of, tokens


@dataclass
class Segment:
    """A piece of an article's text: plain, or a statement shown in its speaker's colour."""

    text: str
    statement: dict | sqlite3.Row | None = None
    colour: int = 0


def segments(text: str, statements: list, colours: int) -> tuple[list[Segment], dict[str, int]]:
    """The article text cut into plain and statement pieces, with a colour (of ``colours``) per speaker;
    a statement inside one already shown keeps the outer colour."""
    by_speaker: dict[str, int] = {}
    pieces, at = [], 0
    for s in sorted(statements, key=lambda s: (s["start"], -s["end"])):
        start = max(s["start"], at)
        if start >= s["end"]:
            continue
        colour = by_speaker.setdefault(s["person"] or "unknown speaker", len(by_speaker) % colours)
        pieces += [Segment(text[at:start]), Segment(text[start:s["end"]], s, colour)]
        at = s["end"]
    pieces.append(Segment(text[at:]))
    return pieces, by_speaker


def sentence_around(text: str, start: int, end: int, reach: int = 300) -> dict:
    """The quote with the rest of its sentence (or paragraph) on either side."""
    left = text.rfind("\n", max(0, start - reach), start) + 1 or max(0, start - reach)
    stops = [m.end() for m in re.finditer(r"[.!?][”\"’]?\s", text[max(left, start - reach):start])]
    if stops:
        left = max(left, start - reach) + stops[-1]
    right_end = text.find("\n", end, end + reach)
    right = right_end if right_end != -1 else min(len(text), end + reach)
    stop = re.search(r"[.!?][”\"’]?(\s|$)", text[end:right])
    right = end + stop.end() if stop else right
    return {"before": text[left:start], "quote": text[start:end], "after": text[end:right]}


def word_diff(reference: str, quote: str) -> list[tuple[str, str]]:
    """A report's wording against a reference, as ``git diff --word-diff`` shows it: pieces tagged 'equal'
    (the report's words), 'delete' (the reference's words it lacks) or 'insert' (its words the reference
    lacks); a cut at either end is tagged 'cut' rather than 'delete'."""
    was, said = tokens(reference), tokens(quote)
    pieces = []
    for opcode in aligned(was, said):
        tag, i1, i2, j1, j2 = opcode
        if tag == "equal":
            pieces.append(("equal", " ".join(said[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(("cut" if at_edge(opcode, len(was), len(said)) else "delete", " ".join(was[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", " ".join(said[j1:j2])))
    return pieces


def marked_diff(reference: str, quote: str, edits: list[dict]) -> list[dict]:
    """``word_diff`` as pieces for a page, each deleted or inserted piece with the kind of change its edit is
    ('negation', 'number', ...) when the report's edits name it."""
    changes = {**{("delete", e["was"]): e["change"] for e in edits}, **{("insert", e["now"]): e["change"] for e in edits}}
    return [{"tag": tag, "text": text, "change": changes.get((tag, text))} for tag, text in word_diff(reference, quote)]


def wordings(reports: list[dict]) -> list[dict]:
    """Each distinct wording of a statement once (its reports with the same quote and kind), first reported first,
    aligned against the wording of the report the others are classed against (the one marked ``reference``)."""
    reference = next((r for r in reports if r["reference"]), None)
    grouped: dict[tuple[str, str], dict] = {}
    for report in reports:
        wording = grouped.setdefault((report["quote"], report["kind"]), {
            "quote": report["quote"], "kind": report["kind"], "variant": report["variant"], "edits": report["edits"],
            "reference": False, "reports": []})
        wording["reference"] = wording["reference"] or bool(report["reference"])
        wording["reports"].append(report)
    for wording in grouped.values():
        against = compared_with(wording["reports"][0], reference) if reference else wording["quote"]
        wording["pieces"] = marked_diff(against, wording["quote"], wording["edits"])
        changed = {e["change"] for e in wording["edits"]} if wording["variant"] == "altered" else set()
        wording["changes"] = [change for change in CHANGES if change in changed]  # the most telling first
    return list(grouped.values())


def compared_with(report, first) -> str:
    """The wording a report (a ``Store.reports`` row) was classed against, given its statement's first report."""
    return reference_of(Wording(report["quote"], report["kind"]), Wording(first["quote"], first["kind"]),
                        Wording(report["fullest"], report["fullest_kind"])).quote
