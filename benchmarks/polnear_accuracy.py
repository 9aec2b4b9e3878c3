"""Quote recall and speaker agreement on PolNeAR's hand-annotated attributions (default: the dev split).

Quote recall counts attributions whose content holds a quotation mark, matched when spans overlap
by at least half of each (the rule of `onrecord evaluate`); content annotated in pieces (a quotation
split around its attribution) is found when one of its pieces is. A speaker agrees when the annotated source and onrecord's speaker (name or mention) share a
word, or are both the same pronoun. Precision is the share of onrecord's statements that match any
annotated attribution's content; PolNeAR also annotates beliefs and other non-speech attributions,
so recall over all attributions is printed for reference only.

    python benchmarks/polnear_accuracy.py [--split dev|train] [--limit N]
"""

import argparse
import re

from common import jsonl_records

from onrecord import extract
from onrecord.evaluate import overlaps_enough
from onrecord.parse import load_model

QUOTE_MARKS = re.compile("[\"“”]")
STOP = {"the", "a", "an", "of", "and", "mr", "mrs", "ms", "his", "her", "their", "s"}


def words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", (text or "").lower()) if w not in STOP}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=10_000)
    args = parser.parse_args()
    nlp = load_model()
    totals = dict(quoted=0, quoted_found=0, speaker_judged=0, speaker_right=0, all=0, all_found=0, predicted=0, predicted_matched=0)
    articles = 0
    for record in jsonl_records("polnear-attribution/polnear.jsonl.gz"):
        if record["split"] != args.split or articles >= args.limit:
            continue
        articles += 1
        text = record["text"]
        predicted = extract(text, model=nlp)
        gold = [a for a in record["annotations"][0]["attributions"] if a["content"]]
        matched_predictions = set()
        for attribution in gold:
            pieces = attribution["content"]
            hits = [i for i, p in enumerate(predicted) if any(overlaps_enough(p.start, p.end, c["start"], c["end"]) for c in pieces)]
            matched_predictions.update(hits)
            totals["all"] += 1
            totals["all_found"] += bool(hits)
            if not any(QUOTE_MARKS.search(c["text"]) for c in pieces):
                continue
            totals["quoted"] += 1
            totals["quoted_found"] += bool(hits)
            if hits and attribution["source"]:
                source = words(" ".join(s["text"] for s in attribution["source"]))
                p = predicted[hits[0]]
                totals["speaker_judged"] += 1
                totals["speaker_right"] += bool(source & (words(p.speaker) | words(p.speaker_mention)))
        totals["predicted"] += len(predicted)
        totals["predicted_matched"] += len(matched_predictions)
    ratio = lambda a, b: totals[a] / totals[b] if totals[b] else 0.0
    print(f"split={args.split} articles={articles} quoted_attributions={totals['quoted']} all_attributions={totals['all']} statements={totals['predicted']}")
    print(f"quote_recall={ratio('quoted_found', 'quoted'):.3f} speaker_agreement={ratio('speaker_right', 'speaker_judged'):.3f} "
          f"precision={ratio('predicted_matched', 'predicted'):.3f} recall_all_attributions={ratio('all_found', 'all'):.3f}")


if __name__ == "__main__":
    main()
