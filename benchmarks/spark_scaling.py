"""The Spark job on local[1] and local[2] over the same articles: seconds and speed-up, end to end and
for the job alone (without the ~14 s the JVM and session take to start, which no number of cores shortens).

    python benchmarks/spark_scaling.py [--limit 2000] [--partitions 32]
"""

import argparse
import gzip
import re
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from common import CORPORA


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--partitions", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "bbc.jsonl"
        with gzip.open(CORPORA / "bbc-news-2225" / "bbc.jsonl.gz", "rt", encoding="utf-8") as lines:
            sample.write_text("".join(islice(lines, args.limit)), encoding="utf-8")
        seconds, job = {}, {}
        for cores in (1, 2):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "onrecord.spark", str(sample), "--out", f"{folder}/out{cores}",
                            "--master", f"local[{cores}]", "--partitions", str(args.partitions)],
                           check=True, capture_output=True)
            seconds[cores] = time.perf_counter() - started
            job[cores] = float(re.search(r"in ([\d.]+) s", done.stdout.decode()).group(1))
    for cores in (1, 2):
        print(f"spark master=local[{cores}] articles={args.limit} seconds={seconds[cores]:.1f} "
              f"articles_per_s={args.limit / seconds[cores]:.1f} speedup={seconds[1] / seconds[cores]:.2f} "
              f"job_seconds={job[cores]:.1f} job_speedup={job[1] / job[cores]:.2f}")


if __name__ == "__main__":
    main()
