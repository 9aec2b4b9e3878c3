"""Peak memory of `onrecord ingest` refusing inputs that are too big, as key=value lines (the unit
tests check the refusals themselves; how much memory a refusal takes depends on the machine, so it is
measured here, not asserted there).

    python benchmarks/hostile_memory.py [--megabytes 200]

A text file of that size must be refused from its size alone: the peak should be the model and the
store (about 200 MiB), not the file.
"""

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

PARAGRAPH = b"The harbour levy was debated again on Tuesday, and the council said it would vote in May.\n\n"


def refused_peak_mib(path: Path, folder: Path) -> tuple[int, float]:
    """Run the refusal in a child process; its exit code and peak RSS (all children's, this being the only one)."""
    done = subprocess.run([sys.executable, "-m", "onrecord.cli", "ingest", "--jobs", "1", "--db", str(folder / "s.db"), str(path)],
                          capture_output=True, text=True)
    return done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "huge.txt"
        with open(path, "wb") as out:
            for _ in range(args.megabytes * 1_000_000 // len(PARAGRAPH) + 1):
                out.write(PARAGRAPH)
        code, peak = refused_peak_mib(path, Path(folder))
    print(f"input=text file_mb={args.megabytes} exit={code} refusal_peak_rss_mib={peak:.0f}")


if __name__ == "__main__":
    main()
