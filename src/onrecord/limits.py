"""The bounds that keep one hostile input from taking all the memory or time of a run.

Each is far above what a real news article needs; an input over one is reported with a one-line
error and skipped, and the run goes on.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import InputError

MAX_ARTICLE_BYTES = 5 * 1024 * 1024  # a text file or a JSONL line
MAX_PAGE_BYTES = 20 * 1024 * 1024  # an HTML page carries scripts and markup around the article
MAX_ARTICLE_CHARS = 1_000_000  # spaCy's own default max_length; a long news article has 20,000
MIN_ARTICLE_WORDS = 20  # what is left of a page of links and menus once they are removed
# A gzip file may expand this much and no more: text compresses 3-10 times, a gzip bomb 1000 times.
MAX_GZIP_RATIO = 50
MIN_GZIP_ALLOWANCE = 256 * 1024 * 1024
# No header line of a WARC file may run longer than a page: warcio holds a header line whole (pages are
# read in blocks and bounded by MAX_PAGE_BYTES).
MAX_LINE_BYTES = MAX_PAGE_BYTES
# Inside a page, the contents of a script, style, svg, noscript, template or comment this long, or a run
# of this many bytes without a space or a tag (a data: URI, a base64 blob), are payload, never article
# text: they are cut before the HTML parser runs, which cannot be stopped while it parses them.
BULK_BYTES = 64 * 1024
# What is left of a page once its payload is cut is parsed in C, past the reach of the time limit (20 MiB
# of markup took 4 s): the largest news page seen leaves 0.4 MB, so ten times that is the bound.
MAX_MARKUP_BYTES = 4 * 1024 * 1024
# A row group of a Parquet table is read only when its text fits this: its rows at most 5 MiB each,
# and never more than the gzip allowance in all.
MAX_ROW_GROUP_BYTES = MIN_GZIP_ALLOWANCE
# A newsroom's aliases file has thousands of lines. 50,000 names (people, aliases and "not" names together)
# is ten times more and applies in about 3 s; 2 MiB holds them with long names and reads in a few seconds.
MAX_ALIASES_BYTES = 2 * 1024 * 1024
MAX_ALIAS_NAMES = 50_000
MAX_YAML_DEPTH = 10  # the aliases format needs 3: a list of entries holding lists of names
# A news article takes a tenth of a second; one that takes this long is pathological input.
ARTICLE_SECONDS = 60.0


class OutOfTime(BaseException):
    """Raised by the timer; a BaseException, so no library's `except Exception` swallows it."""


def limited_time(seconds: float | None, source: str) -> Iterator[None]:
    """Stop the work inside after ``seconds`` with an InputError naming ``source``.

    A timer signal does it, so the limit holds where signals can be used (the main thread, on Unix:
    the ingest workers, Spark's Python workers, the CLI); elsewhere the work runs unlimited.
    """
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    except OutOfTime:
        raise InputError(source, f"took over {seconds:g} s, the time limit for one article; skipped") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Wrapped, not decorated: mutmut (`make mutants`) leaves decorated functions out.
time_limit = contextmanager(limited_time)
