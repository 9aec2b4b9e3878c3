"""Time and memory of grouping copies as the corpus grows: 1k, 10k, 100k articles.

    python benchmarks/grouping_scale.py [--sizes 1000 10000 100000] [--statements]

The articles are built from the shared corpora (Reuters, BBC, PolNeAR, the AEB gold texts) with
controlled variation: every fourth article is a copy of an earlier one, retitled, trimmed,
reordered or given another site's footer, so the right groups are known, and the groups the store
makes are scored against them: pair precision (of the pairs of articles put in one group, the share
that are an original and its copy or two copies of one original) and pair recall (the reverse).
Originals whose texts are the same count as one; near-duplicates among the corpora's own stories
are not known, so grouping them counts against precision. Sketching (MinHash, done by the ingest
workers) and linking (the writer: LSH keys in the store, exact check of the candidates, union of
groups) are timed apart; linking is what must not grow quadratically.

With --statements each article is stored with the statements found cheaply in its own text, so linking
also merges statements across articles (one statement per quote, per person): every span of four or more
words between double quotation marks (straight or curly) is a direct statement, and every sentence with
" said " and no quotation mark an indirect one (its quote: the words after "said" or "said that"; in a new
edition of an original, "saidqb" and "thatqb"). Each
statement's speaker is one of a fixed pool of made-up names, picked by a stable hash of the quote's first
four words, so the copies of an article (which share its quotes) name the same speakers; the pick is
skewed like Zipf's law (name k about twice as likely as name 2k), so a few speakers have thousands of
statements, as prominent people do. A fifth kind of copy changes one word inside a quotation, after its
first four (a number, "not" inserted after an auxiliary verb, else "not" inserted), so altered wordings of
one quote by one speaker occur. Articles are dated over one year in stream order, as a feed is: an undated
article is close in time to all, which would join every report of a statement into one story. The copy
truth and its scoring are unchanged; link_s then includes the statement linking, which is all in store.add.
"""

import argparse
import gzip
import json
import multiprocessing
import random
import re
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from common import CORPORA

from onrecord.link.copies import sketch
from onrecord.link.text import stable_hash, words
from onrecord.model import Article, DisjointSpans, Span, Statement
from onrecord.read import article_id
from onrecord.store import Store

SOURCES = ["reuters-21578/reuters21578.jsonl.gz", "bbc-news-2225/bbc.jsonl.gz", "polnear-attribution/polnear.jsonl.gz",
           "article-extraction-benchmark-en/ground-truth.jsonl"]
FOOTER = "\n\nThis story was distributed by the Example Syndicate. All rights reserved. Follow us for more news every day."
SYLLABLES = "ba ce di fo gu ha ke li mo nu pa re si to vu wa ye zo ran tel vik dor".split()
QUOTED = re.compile(r'[“"]([^“”"\n]+)[”"]')
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
EDITION = r"(?:q[a-j]+)?"  # a word of a new edition has the edition's suffix (see new_edition)
SAID = re.compile(rf" said{EDITION} (?:that{EDITION} )?")
QUOTE_MARKS = "\"“”"
AUXILIARIES = {"is", "are", "was", "were", "will", "would", "can", "could", "should", "must", "has", "have", "had",
               "do", "does", "did", "may", "might"}
KEPT_WORDS = 4  # a quote's first words, which pick its speaker and which an alteration leaves alone
START = date(2024, 1, 1)


def made_up_names(count: int = 500) -> list[str]:
    """``count`` full names made of syllables (no real person's), first name and surname, every surname different."""
    rng = random.Random("speakers")
    surnames: dict[str, None] = {}
    while len(surnames) < count:
        surnames["".join(rng.choices(SYLLABLES, k=3)).capitalize()] = None
    return ["".join(rng.choices(SYLLABLES, k=2)).capitalize() + " " + surname for surname in surnames]


SPEAKERS = made_up_names()


def originals() -> list[str]:
    texts = []
    for source in SOURCES:
        path = CORPORA / source
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for record in map(json.loads, lines):
                if len(record["text"].split()) >= 40:
                    texts.append(f"{record.get('title') or 'Untitled'}\n\n{record['text']}")
    return texts


def varied(text: str, kind: int, rng: random.Random) -> str:
    headline, _, body = text.partition("\n\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip()] or [body]
    if kind == 0:
        return f"{headline} (updated)\n\n{body}"
    if kind == 1:
        return headline + "\n\n" + "\n\n".join(paragraphs[: max(1, len(paragraphs) * 2 // 3)])
    if kind == 2:
        return headline + "\n\n" + "\n\n".join(paragraphs[:1] + rng.sample(paragraphs[1:], len(paragraphs) - 1))
    return text + FOOTER


def altered(text: str, rng: random.Random) -> str:
    """A copy with one word of one quotation changed after its first KEPT_WORDS (so its speaker stays): a number
    made one more, or "not" inserted after an auxiliary verb, else before a word (after the last of a four-word quote).
    A text with no such quotation is retitled instead."""
    quotes = [q for q in quotation_spans(text) if len(words(text[q.start:q.end])) >= KEPT_WORDS]
    if not quotes:
        return varied(text, 0, rng)
    quote = rng.choice(quotes)
    tokens = list(re.finditer(r"\w+", text[quote.start:quote.end]))[KEPT_WORDS - 1:]
    edits = [(quote.start + t.start(), quote.start + t.end(), str(int(t.group()) + 1))
             for t in tokens[1:] if t.group().isdigit() and not t.group().startswith("0")]
    edits += [(quote.start + t.end(), quote.start + t.end(), " not") for t in tokens if re.sub(EDITION + "$", "", t.group().lower()) in AUXILIARIES]
    edits = edits or [(quote.start + t.start(), quote.start + t.start(), "not ") for t in tokens[1:]]
    start, end, new = rng.choice(edits or [(quote.start + tokens[-1].end(), quote.start + tokens[-1].end(), " not")])
    return text[:start] + new + text[end:]


def new_edition(text: str, edition: int) -> str:
    """Past the end of the pool, an original is given new words (each word gets the edition's suffix):
    a new article with the same length and word statistics, sharing no shingle with the first edition."""
    if edition == 0:
        return text
    suffix = "q" + "".join(chr(ord("a") + int(d)) for d in str(edition))
    return re.sub(r"[A-Za-z]+", lambda word: word.group() + suffix, text)


def first_of_same_text(pool: list[str]) -> list[int]:
    """For each original, the first one in the pool with the same text (the store keeps one of them)."""
    first: dict[str, int] = {}
    return [first.setdefault(article_id(text), n) for n, text in enumerate(pool)]


def corpus(size: int, pool: list[str], same: list[int], kinds: int = 4) -> Iterator[tuple[str, int]]:
    """``size`` articles, each with the number of the original it is (or copies): three of every four
    are originals (cycling through the pool), the fourth a copy, varied in one of ``kinds`` ways (the
    fifth: an altered quotation)."""
    rng = random.Random(size)
    used = 0
    for n in range(size):
        original = rng.randrange(used) if n % 4 == 3 and used else used
        index, edition = original % len(pool), original // len(pool)
        text = new_edition(pool[index], edition)
        label = edition * len(pool) + same[index]
        if original == used:
            used += 1
            yield text, label
        else:
            kind = rng.randrange(kinds)
            yield (altered(text, rng) if kind == 4 else varied(text, kind, rng)), label


def quotation_spans(text: str, min_words: int = 4) -> list[Span]:
    """What is between a pair of double quotation marks, without the spaces and commas at its ends."""
    spans = []
    for match in QUOTED.finditer(text):
        inner = match.group(1)
        start = match.start(1) + len(inner) - len(inner.lstrip())
        end = match.end(1) - (len(inner) - len(inner.rstrip(" ,")))
        if len(text[start:end].split()) >= min_words:
            spans.append(Span(start, end))
    return spans


def said_spans(text: str) -> list[Span]:
    """In each sentence with " said " and no quotation mark (nor inside a quotation), the words after "said (that)"."""
    quoted = DisjointSpans(quotation_spans(text, min_words=1))
    spans = []
    for sentence in SENTENCE.finditer(text):
        said = SAID.search(sentence.group())
        if not said or any(mark in sentence.group() for mark in QUOTE_MARKS):
            continue
        if sentence.start() in quoted or sentence.end() - 1 in quoted:
            continue
        start = sentence.start() + said.end()
        end = sentence.start() + len(sentence.group().rstrip(" .!?"))
        if start < end and words(text[start:end]):
            spans.append(Span(start, end))
    return spans


def speaker(quote: str) -> str:
    """A made-up name picked by a stable hash of the quote's first words: name k with probability about
    log((k + 2) / (k + 1)), a Zipf-like skew (the first about 11% of statements, the 100th about 0.16%)."""
    share = (stable_hash("speaker", *words(quote)[:KEPT_WORDS]) % 2**64) / 2**64
    return SPEAKERS[min(int((len(SPEAKERS) + 1) ** share) - 1, len(SPEAKERS) - 1)]


def statements_of(text: str) -> list[Statement]:
    found = [(span, "direct") for span in quotation_spans(text)] + [(span, "indirect") for span in said_spans(text)]
    statements = []
    for span, kind in sorted(found, key=lambda f: f[0].start):
        quote = text[span.start:span.end]
        name = speaker(quote)
        statements.append(Statement(quote, span.start, span.end, kind, "said", name, "person", name, 0.9, article_id(text)))
    return statements


def sketched(item: tuple[str, int], statements: bool = False):
    """A worker's part, off the writer's clock: the sketch, and the statements when asked for."""
    text, label = item
    return text, label, sketch(text), statements_of(text) if statements else []


def published(n: int, size: int) -> str:
    """Article ``n`` of ``size`` dated in stream order over one year."""
    return (START + timedelta(days=n * 365 // size)).isoformat()


def pairs(groups: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in groups.values())


def pair_scores(found: dict[str, str], truth: dict[str, int]) -> tuple[float, float]:
    """Pair precision and recall of the copy groups found, over the stored articles."""
    both = pairs(Counter((found[a], truth[a]) for a in found))
    found_pairs, true_pairs = pairs(Counter(found.values())), pairs(Counter(truth[a] for a in found))
    return both / found_pairs if found_pairs else 1.0, both / true_pairs if true_pairs else 1.0


def run(size: int, pool: list[str], same: list[int], folder: Path, statements: bool = False) -> dict:
    with multiprocessing.get_context("spawn").Pool(2) as workers:
        started = time.perf_counter()
        items = list(workers.imap(partial(sketched, statements=statements), corpus(size, pool, same, 5 if statements else 4),
                                  chunksize=64))
        sketch_seconds = time.perf_counter() - started
    db = folder / f"groups{size}.db"
    started = time.perf_counter()
    with Store(db) as store:
        for batch_start in range(0, size, 500):
            with store.transaction():
                for n, (text, _, article_sketch, found) in enumerate(items[batch_start:batch_start + 500], batch_start):
                    article = Article(text, source="bench", id=article_id(text), published=published(n, size) if statements else None)
                    store.add(article, found, sketch=article_sketch)
        link_seconds = time.perf_counter() - started
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the scoring below adds its own
        found = dict(store.db.execute("SELECT id, copy_group FROM articles"))
        stored = store.db.execute("SELECT count(*) FROM statements").fetchone()[0]
        merged = store.db.execute("SELECT count(*) FROM merged_statements").fetchone()[0]
    truth: dict[str, int] = {}
    for text, label, _, _ in items:
        truth.setdefault(article_id(text), label)  # a text met again was not stored again
    precision, recall = pair_scores(found, truth)
    return {"size": size, "articles": len(found), "groups": len(set(found.values())),
            "true_groups": len({truth[a] for a in found}), "pair_precision": precision, "pair_recall": recall,
            "sketch_s": sketch_seconds, "link_s": link_seconds, "db_mib": db.stat().st_size / 2**20, "rss_mib": rss_mib,
            "statements": stored, "merged": merged}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--statements", action="store_true",
                        help="store each article with the statements found in its text, so linking merges them too")
    args = parser.parse_args()
    pool = originals()
    same = first_of_same_text(pool)
    print(f"pool of original articles: {len(pool)}")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            r = run(size, pool, same, Path(folder), args.statements)
            merging = f" statements={r['statements']} merged={r['merged']}" if args.statements else ""
            print(f"articles={r['articles']} groups={r['groups']} true_groups={r['true_groups']} "
                  f"pair_precision={r['pair_precision']:.3f} pair_recall={r['pair_recall']:.3f} "
                  f"sketch_s={r['sketch_s']:.1f} (2 processes) "
                  f"link_s={r['link_s']:.1f} link_ms_per_article={1000 * r['link_s'] / r['articles']:.2f} "
                  f"db_mib={r['db_mib']:.0f} writer_peak_rss_mib={r['rss_mib']:.0f}{merging}", flush=True)


if __name__ == "__main__":
    main()
