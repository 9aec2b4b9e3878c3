"""The Spark job on local[1] and local[2] over the same articles: seconds and speed-up.

    python benchmarks/spark_scaling.py [--limit 400] [--partitions 8]
"""

import argparse
import gzip
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from common import CORPORA


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--partitions", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "bbc.jsonl"
        with gzip.open(CORPORA / "bbc-news-2225" / "bbc.jsonl.gz", "rt", encoding="utf-8") as lines:
            sample.write_text("".join(islice(lines, args.limit)), encoding="utf-8")
        seconds = {}
        for cores in (1, 2):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "onrecord.spark", str(sample), "--out", f"{folder}/out{cores}",
                            "--master", f"local[{cores}]", "--partitions", str(args.partitions)],
                           check=True, capture_output=True)
            seconds[cores] = time.perf_counter() - started
    for cores in (1, 2):
        print(f"spark master=local[{cores}] articles={args.limit} seconds={seconds[cores]:.1f} "
              f"articles_per_s={args.limit / seconds[cores]:.1f} speedup={seconds[1] / seconds[cores]:.2f}")


if __name__ == "__main__":
    main()
