"""Text on its way to a terminal: nothing from an article or a file name may drive the terminal it is shown on.

Every line the CLI and the Spark job print goes through ``terminal_safe`` (or ``json_line`` for JSONL).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

# Characters that drive a terminal instead of showing on it: C0 and C1 controls and DEL (ESC or U+009B start the
# sequences that clear the screen, move the cursor, set the title or write the clipboard; CR overwrites a line), bidi
# overrides and isolates (they reorder what is shown), line and paragraph separators, and lone surrogates (a file
# name's undecodable bytes, which cannot even be encoded for output).
UNSAFE = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
UNSAFE_IN_LINE = re.compile(f"[{UNSAFE}]")
UNSAFE_IN_TEXT = re.compile(f"(?![\n\t])[{UNSAFE}]")  # an article's line breaks and tabs are its layout


def terminal_safe(text: str, layout: bool = False) -> str:
    """``text`` as a terminal can show it: each character that would control the terminal written out visibly (ESC as
    \\x1b, U+202E as \\u202e, a file name's undecodable byte 0xE9 as \\xe9). Every line the CLI prints goes through
    here. ``layout`` keeps newlines and tabs (article text, table cells); one-line messages keep none."""
    return (UNSAFE_IN_TEXT if layout else UNSAFE_IN_LINE).sub(visible, text)


def visible(control: re.Match) -> str:
    code = ord(control[0])
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte the file name held
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_line(record: dict) -> str:
    """``record`` as one exact JSON line. json.dumps escapes C0 controls itself; the other characters a terminal would
    obey it leaves raw, so they are written as \\u escapes (they can only stand inside strings, where they mean the same)."""
    return UNSAFE_IN_LINE.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(record, ensure_ascii=False))


def error_line(message: str) -> str:
    return f"onrecord: {terminal_safe(message)}"


class Parser(argparse.ArgumentParser):
    """argparse, with its error line (which quotes the arguments, file names from a shell glob among them) made
    terminal-safe; the subcommands' parsers are of this class too."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {terminal_safe(message)}\n")
