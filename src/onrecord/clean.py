"""Clean stage: find the article's paragraphs in scraped text and set site furniture aside.

Nothing is rewritten: the result is a Layout of spans into the original text, so every
offset found later still indexes the text as read from the file.
"""

from __future__ import annotations

import re
from datetime import date

from .lexicon import QUOTE_CHARS
from .limits import BULK_BYTES
from .model import Layout, Span

# Prompts and navigation that sites print around an article. Headings stand alone on their line,
# so prose that merely starts with one of these words ('Related to this, ...') stays.
FURNITURE_HEADING = re.compile(
    r"^(related( stories| articles| content| coverage| links| posts)?|most (viewed|read|popular|shared)( articles| stories)?"
    r"|recommended( for you| stories)?|trending( now)?|advertisement|sponsored( content)?|read more|see also|top stories"
    r"|more (from|on) [\w .]+|more stories|comments?( \(\d+\))?|share( this( article| story)?)?|image copyright|getty images"
    r"|photo|credit)\s*:?\s*$",
    re.IGNORECASE,
)
FURNITURE_PROMPT = re.compile(
    r"^(share (this|on)\b|sign up\b|subscribe\b|follow us\b|contact us\b|click here\b|read more\b"
    r"|please (let us know|direct|send|contact|email|note|read|share|subscribe)\b|this (post|article|story) was originally\b"
    r"|image (copyright|caption|source)\b|photo:)",
    re.IGNORECASE,
)
FURNITURE_ANYWHERE = re.compile(
    r"\b((follow|like|find|join|visit|connect with) (us|\S+( \S+)?) on (facebook|twitter|instagram|x)\b|email (us|him|her|them) at"
    r"|originally (posted|published|appeared) (at|on|in)|all rights reserved|copyright (©|\d{4}|by)"
    r"|having issues with commenting|comments or questions|sign up for|subscribe to our|newsletter)",
    re.IGNORECASE,
)
SHORT_BUTTON = re.compile(r"\b(button|log ?in)\b", re.IGNORECASE)
CAPTION_CREDIT = re.compile(
    r"\((?:[^()]*\b(?:photos?|photograph|images?|news|agency|reuters|ap|afp|epa|getty|file)\b[^()]*)\)\s*$",
    re.IGNORECASE,
)

# "WASHINGTON (AP) — ", "(LAGOS, Nigeria) — ": where and from whom, not part of the first sentence.
DATELINE_PREFIX = re.compile(
    r"\(?[A-Z][A-Z.'’ -]+(,\s*[A-Z][\w.' -]*)*\)?\s*(\((?P<agency>AP|Reuters|AFP|dpa|UPI|CNN)\)\s*)?[—–-]{1,2}\s+"
)
WIRE_SERVICES = re.compile(
    r"^(the )?(associated press|reuters|agence france-presse|afp|ap|bloomberg( news)?|upi|united press international"
    r"|yonhap( news agency)?|xinhua|kyodo( news)?|dpa|pa media|press association|cnn wire)$",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^(?:By|BY|by)\s+(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|de|van|von|da|bin))*)\s*(,|$)")
DATE_LABEL = re.compile(r"^(posted|published|updated|modified|last updated|date)( on| at)?\s*:?\s*", re.IGNORECASE)
MONTHS = "january february march april may june july august september october november december".split()
ISO_DATE = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
MONTH_FIRST = re.compile(r"\b(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b", re.IGNORECASE)
DAY_FIRST = re.compile(r"\b(\d{1,2})\s+(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?,?\s+(\d{4})\b", re.IGNORECASE)

# Where a page's payload starts: elements whose contents are never article text, and comments. An
# opening tag is looked for only so far and never across another '<', so a '<script' with no '>' cannot make the
# search quadratic; '<svg-icon>' and other custom elements are not these.
PAYLOAD_OPENER = re.compile(rb"<(script|style|svg|noscript|template)(?=[\s/>])[^<>]{0,4096}>|<!--", re.IGNORECASE)
# A run with no space or tag this long is a data: URI or a base64 blob, not prose.
SEPARATORS = b" \t\n\r\f\v<>"
SEPARATOR = re.compile(b"[" + re.escape(SEPARATORS) + b"]")


def without_payload(page: bytes) -> bytes:
    """The page with its bulky payload cut out, in linear time: what the HTML parser sees is markup and text.

    libxml2 parses in C (no time limit can stop it) and drops a text node over 10 MB, and with it the
    article; a script, style, svg, noscript, template or comment with more than BULK_BYTES of contents is
    emptied, and any unbroken run of BULK_BYTES (an inline image, a blob) removed. Small scripts stay: their
    JSON-LD gives the page's metadata.
    """
    page = b"".join(page[start:end] for start, end in between(unbroken_runs(page), len(page)))
    lowered = page.lower()
    pieces, at = [], 0
    while opener := PAYLOAD_OPENER.search(page, at):
        closer = b"-->" if opener.group(1) is None else b"</" + opener.group(1).lower()
        end = lowered.find(closer, opener.end())
        end = len(page) if end < 0 else end
        pieces.append(page[at:opener.end()])
        if end - opener.end() <= BULK_BYTES:
            pieces.append(page[opener.end():end])
        at = end
    pieces.append(page[at:])
    return b"".join(pieces)


def unbroken_runs(page: bytes) -> list[tuple[int, int]]:
    """Where the page runs BULK_BYTES or more without a space or a tag. Such a run covers a whole window
    of half that length, and a window without a separator is found by bytes.translate in C, so the
    page is scanned at C speed (a regex tries every byte, a second for a 20 MiB page) and only those
    windows are measured."""
    window = BULK_BYTES // 2
    runs, at = [], 0
    while at + window <= len(page):
        if len(page[at:at + window].translate(None, SEPARATORS)) < window:
            at += window
            continue
        # the window before this one ends a run or holds a separator: the run starts within it
        low = max(0, at - window)
        start = max((page.rfind(bytes([c]), low, at) + 1 for c in SEPARATORS), default=low) if at else 0
        after = SEPARATOR.search(page, at + window)
        end = after.start() if after else len(page)
        if end - start >= BULK_BYTES:
            runs.append((start, end))
        at = end
    return runs


def between(runs: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The spans of a sequence of ``length`` outside the sorted, disjoint ``runs``."""
    starts = [0] + [end for _, end in runs]
    ends = [start for start, _ in runs] + [length]
    return list(zip(starts, ends))


def layout(text: str, headline_first: bool = True) -> Layout:
    """Split ``text`` into headline, content paragraphs and metadata (author, published date, agency).

    ``headline_first``: the first line is the headline (false for a page or record whose title
    is not known, where the first line may already be a sentence of the article).
    """
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        return Layout(headline=None, paragraphs=())
    headline, body = (paragraphs[0], paragraphs[1:]) if headline_first else (None, paragraphs)
    author = published = None
    content: list[Span] = []
    repeated = repeated_paragraphs(text, body)
    for span in body:
        line = text[span.start:span.end].strip()
        if (name := byline(line)) is not None:
            author = author or name
        elif (day := dateline(line)) is not None:
            published = published or day
        elif span in repeated or is_furniture(line):
            continue
        else:
            content.append(span)
    wire = author if author and WIRE_SERVICES.match(author) else None
    if content:
        if match := DATELINE_PREFIX.match(text, content[0].start, content[0].end):
            wire = wire or match.group("agency")
        content[0] = after_dateline(text, content[0])
    return Layout(headline=headline, paragraphs=tuple(content), author=author, published=published, wire=wire)


def after_dateline(text: str, paragraph: Span) -> Span:
    match = DATELINE_PREFIX.match(text, paragraph.start, paragraph.end)
    return Span(match.end(), paragraph.end) if match and match.end() < paragraph.end else paragraph


def split_paragraphs(text: str) -> list[Span]:
    """Paragraphs: blocks between blank lines, cut into lines unless the block is hard-wrapped wire copy."""
    spans: list[Span] = []
    for block in re.finditer(r"\S(?:.|\n(?![ \t\r]*\n))*", text):
        lines = [Span(block.start() + m.start(), block.start() + m.end()) for m in re.finditer(r"[^\n]+", block.group())]
        if is_hard_wrapped([text[s.start:s.end] for s in lines]):
            spans.extend(indented_paragraphs(text, lines))
        else:
            spans.extend(strip_span(text, s) for s in lines if text[s.start:s.end].strip())
    return spans


def is_hard_wrapped(lines: list[str]) -> bool:
    """Wire copy is wrapped at a fixed width: lines that run on into the next (not indented) one end
    near the longest line; the last line of each indented paragraph may be short."""
    if len(lines) < 3:
        return False
    widest = max(len(line.rstrip()) for line in lines)
    running_on = [len(line.rstrip()) for line, following in zip(lines, lines[1:]) if not following[:1].isspace()]
    return widest <= 100 and len(running_on) >= 2 and sum(w >= 0.7 * widest for w in running_on) >= 0.8 * len(running_on)


def indented_paragraphs(text: str, lines: list[Span]) -> list[Span]:
    """In wrapped copy a new paragraph starts on an indented line."""
    paragraphs: list[Span] = []
    start = lines[0].start
    for previous, line in zip(lines, lines[1:]):
        if text[line.start] in " \t":
            paragraphs.append(strip_span(text, Span(start, previous.end)))
            start = line.start
    paragraphs.append(strip_span(text, Span(start, lines[-1].end)))
    return paragraphs


def strip_span(text: str, span: Span) -> Span:
    chunk = text[span.start:span.end]
    start = span.start + len(chunk) - len(chunk.lstrip())
    return Span(start, span.start + len(chunk.rstrip()))


def repeated_paragraphs(text: str, spans: list[Span]) -> set[Span]:
    """A paragraph printed twice in a row is a photo caption (or similar), not article content."""
    repeated: set[Span] = set()
    for first, second in zip(spans, spans[1:]):
        if text[first.start:first.end].strip() == text[second.start:second.end].strip():
            repeated.update((first, second))
    return repeated


def is_furniture(line: str) -> bool:
    words = len(line.split())
    if any(mark in line for mark in QUOTE_CHARS):
        return False
    return bool(
        FURNITURE_HEADING.match(line)
        or (words <= 25 and FURNITURE_PROMPT.match(line))
        or (words <= 30 and FURNITURE_ANYWHERE.search(line))
        or (words <= 12 and SHORT_BUTTON.search(line) and not line.rstrip().endswith("."))
        or (words <= 60 and CAPTION_CREDIT.search(line))
    )


def byline(line: str) -> str | None:
    """The author's name from a byline line, or None."""
    if len(line.split()) > 12 or line.endswith((".", "!", "?", "”", '"')):
        return None
    if WIRE_SERVICES.match(line.rstrip(".")):
        return line.rstrip(".")
    match = BYLINE.match(line)
    return match.group("name").strip() if match else None


def dateline(line: str) -> str | None:
    """The ISO date of a 'Posted on : ...' line or a line holding only a date, or None."""
    label = DATE_LABEL.match(line)
    rest = line[label.end():] if label else line
    if not label and len(line.split()) > 6:
        return None
    return find_date(rest)


def find_date(text: str) -> str | None:
    if match := ISO_DATE.search(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := MONTH_FIRST.search(text):
        month, day, year = month_number(match.group(1)), int(match.group(2)), int(match.group(3))
    elif match := DAY_FIRST.search(text):
        day, month, year = int(match.group(1)), month_number(match.group(2)), int(match.group(3))
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def month_number(name: str) -> int:
    return [m[:3] for m in MONTHS].index(name[:3].lower()) + 1
