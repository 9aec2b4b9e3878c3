"""Articles per second and peak memory of `extract`, one process, on real news, beside the
full spaCy pipeline run over the same articles (what a parser-based extractor pays at least).

    python benchmarks/extract_speed.py [--corpus bbc|polnear|reuters] [--limit N] [--no-baseline]
"""

import argparse
import resource
import time

import spacy
from common import jsonl_records

from onrecord import extract
from onrecord.parse import load_model, model_name

CORPORA = {
    "bbc": "bbc-news-2225/bbc.jsonl.gz",
    "polnear": "polnear-attribution/polnear.jsonl.gz",
    "reuters": "reuters-21578/reuters21578.jsonl.gz",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=CORPORA, default="bbc")
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--no-baseline", action="store_true", help="skip timing the full spaCy pipeline")
    args = parser.parse_args()
    texts = [f"{r.get('title') or ''}\n\n{r['text']}" for r, _ in zip(jsonl_records(CORPORA[args.corpus]), range(args.limit))]
    nlp = load_model()
    extract(texts[0], model=nlp)  # warm-up: first call pays one-off allocations
    started = time.perf_counter()
    statements = sum(len(extract(text, model=nlp)) for text in texts)
    elapsed = time.perf_counter() - started
    words = sum(len(t.split()) for t in texts)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus={args.corpus} articles={len(texts)} words={words} statements={statements}")
    print(f"elapsed_s={elapsed:.1f} articles_per_s={len(texts) / elapsed:.1f} words_per_s={words / elapsed:.0f} peak_rss_mib={peak_mib:.0f}")
    if not args.no_baseline:
        full = spacy.load(model_name())
        started = time.perf_counter()
        for _ in full.pipe(texts):
            pass
        baseline = len(texts) / (time.perf_counter() - started)
        print(f"spacy_full_pipeline_articles_per_s={baseline:.1f} onrecord_vs_full_pipeline={len(texts) / elapsed / baseline:.2f}x")


if __name__ == "__main__":
    main()
