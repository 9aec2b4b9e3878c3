"""Where the shared corpora are, and how to read them."""

import gzip
import json
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def jsonl_records(relative: str):
    with gzip.open(CORPORA / relative, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)
