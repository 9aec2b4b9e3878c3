"""Quote recall and speaker agreement on PolNeAR's hand-annotated attributions (default: the dev split),
scored by `onrecord.evaluate.score_attributions` (the rule is written there, and the accuracy gate of
`make test` uses it too).

    python benchmarks/polnear_accuracy.py [--split dev|train] [--limit N]
"""

import argparse

from common import jsonl_records

from onrecord import extract
from onrecord.evaluate import AttributionTally, score_attributions
from onrecord.parse import load_model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=10_000)
    args = parser.parse_args()
    nlp = load_model()
    tally, articles = AttributionTally(), 0
    for record in jsonl_records("polnear-attribution/polnear.jsonl.gz"):
        if record["split"] != args.split or articles >= args.limit:
            continue
        articles += 1
        score_attributions(tally, extract(record["text"], model=nlp), record["annotations"][0]["attributions"])
    scores = tally.scores()
    print(f"split={args.split} articles={articles} quoted_attributions={tally.quoted} all_attributions={tally.attributions} "
          f"statements={tally.predicted}")
    print(" ".join(f"{key}={scores[key]:.3f}" for key in ("quote_recall", "speaker_agreement", "precision", "recall_all_attributions")))


if __name__ == "__main__":
    main()
