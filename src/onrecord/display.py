"""How a stored article is shown: its text cut into plain pieces and statements, a colour per speaker."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


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
