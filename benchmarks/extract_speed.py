"""Articles per second of `extract` beside textacy's, in one run: the same articles, each system in a
process of its own (one core), its model load included; and onrecord's parse cache hit rate and memory.

    python benchmarks/extract_speed.py [--corpus polnear-dev|reuters|bbc] [--limit N]

The targets (issue 20): at least 3x textacy on the 60 PolNeAR dev articles (each text once), at least 5x on
the first 2,000 Reuters-21578 stories (a wire's updates repeat their sentences). textacy runs from the
benchmark environment (`make bench` installs it in .venv-bench); without it only onrecord is measured.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH_PYTHON = HERE.parent / ".venv-bench" / "bin" / "python"
TARGETS = {"polnear-dev": 3.0, "reuters": 5.0}


def measured(python: Path | str, system: str, corpus: str, limit: int) -> dict:
    out = subprocess.run([str(python), str(HERE / "peers.py"), "--system", system, "--corpus", corpus, "--limit", str(limit)],
                         check=True, capture_output=True, text=True, cwd=HERE)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=("polnear-dev", "reuters", "bbc"), default="polnear-dev")
    parser.add_argument("--limit", type=int, default=None, help="articles (default: 60 of PolNeAR dev, else 2,000)")
    args = parser.parse_args()
    limit = args.limit or (60 if args.corpus == "polnear-dev" else 2000)
    ours = measured(sys.executable, "onrecord", args.corpus, limit)
    print(f"onrecord corpus={args.corpus} articles={ours['articles']} found={ours['found']} seconds={ours['seconds']} "
          f"articles_per_s={ours['articles_per_s']} (after load: {ours['loaded_articles_per_s']}) "
          f"peak_rss_mib={ours['peak_rss_mib']} cache_hit_rate={ours.get('cache_hit_rate')} "
          f"cache_sentences={ours.get('cache_sentences')} cache_tokens={ours.get('cache_tokens')}")
    if not BENCH_PYTHON.exists():
        print("textacy: not installed (make bench installs it in .venv-bench)")
        return
    peer = measured(BENCH_PYTHON, "textacy", args.corpus, limit)
    ratio = ours["articles_per_s"] / peer["articles_per_s"]
    target = TARGETS.get(args.corpus)
    print(f"textacy  corpus={args.corpus} articles={peer['articles']} found={peer['found']} seconds={peer['seconds']} "
          f"articles_per_s={peer['articles_per_s']} (after load: {peer['loaded_articles_per_s']}) peak_rss_mib={peer['peak_rss_mib']}")
    after_load = ours["loaded_articles_per_s"] / peer["loaded_articles_per_s"]
    print(f"onrecord_vs_textacy={ratio:.2f}x" + (f" target={target}x {'met' if ratio >= target else 'NOT met'}" if target else "")
          + f" onrecord_vs_textacy_after_load={after_load:.2f}x")


if __name__ == "__main__":
    main()
