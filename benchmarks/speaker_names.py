"""How speakers are named on PolNeAR (all visible articles): the share of person speakers given as one
word while the article writes a longer name ending in that word ("Trump" where the article says
"Donald Trump"), the speaker types and genders found, and the people left as a bare word.

    python benchmarks/speaker_names.py [--limit N] [--examples N]
"""

import argparse
import re
import time
from collections import Counter

from common import jsonl_records

from onrecord import extract
from spacy.lang.en.stop_words import STOP_WORDS

from onrecord.lexicon import TITLES
from onrecord.parse import load_model

NOT_NAMES = TITLES | STOP_WORDS | {"and", "but", "as", "at", "in", "on", "for", "with", "by", "to", "of", "if", "when", "while", "after",
                      "democrat", "republican", "sen", "rep", "gov", "u.s", "then", "candidate", "presidential", "democratic"}


def longer_name_ending_in(text: str, word: str) -> str | None:
    """A capitalised name of two or more words on one line of the text whose last word is ``word``,
    not counting titles and sentence openers ('President Obama' is no longer name than 'Obama')."""
    for match in re.finditer(r"\b((?:(?:[A-Z][\w'’-]*|[A-Z][a-z]?\.) +){1,3})" + re.escape(word) + r"\b", text):
        before = [w for w in match.group(1).split() if w.lower().rstrip(".") not in NOT_NAMES and w.lower() not in NOT_NAMES]
        if before:
            return match.group(0)
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=10_000)
    parser.add_argument("--examples", type=int, default=15)
    args = parser.parse_args()
    nlp = load_model()
    persons = one_word = articles = 0
    types, genders, bare = Counter(), Counter(), Counter()
    started = time.perf_counter()
    for record, _ in zip(jsonl_records("polnear-attribution/polnear.jsonl.gz"), range(args.limit)):
        articles += 1
        text = record["text"]
        for statement in extract(text, model=nlp):
            types[statement.speaker_type] += 1
            if statement.speaker_type != "person" or not statement.speaker:
                continue
            persons += 1
            genders[getattr(statement, "speaker_gender", None)] += 1
            words = statement.speaker.split()
            if len(words) == 1 and longer_name_ending_in(text, words[0]):
                one_word += 1
                bare[statement.speaker] += 1
    elapsed = time.perf_counter() - started
    print(f"articles={articles} person_statements={persons} one_word_with_longer_name={one_word} "
          f"share={one_word / max(persons, 1):.4f} articles_per_s={articles / elapsed:.1f}")
    print("speaker_types " + " ".join(f"{k}={v}" for k, v in types.most_common()))
    print("person_genders " + " ".join(f"{k}={v}" for k, v in genders.most_common()))
    print("bare_words " + ", ".join(f"{k} {v}" for k, v in bare.most_common(args.examples)))


if __name__ == "__main__":
    main()
