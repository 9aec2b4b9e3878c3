"""Run every benchmark once and write docs/benchmarks.md and docs/benchmarks.jsonl (a JSON line per figure).

    python benchmarks/run_all.py [--quick]

The peers run one per process (so each peak memory is its own); textacy runs from the benchmark's
own environment (.venv-bench, made by `make bench`), the rest from the project's. Every JSON line
carries the run's id (UTC start time and short git commit, "-dirty" if tracked files were changed),
its date and whether it was --quick; docs/benchmarks.md names the run id. So each figure traces to one run.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BENCH_PYTHON = str(ROOT / ".venv-bench" / "bin" / "python")
RUN_FIELDS = ("run_id", "date", "quick")  # on every JSON line; said once at the top of the report, not in the table


def runs(quick: bool) -> list[tuple[str, list[str]]]:
    limit = "100" if quick else "300"
    peers = [(f"speed {system}", [BENCH_PYTHON if system == "textacy" else PYTHON, "peers.py", "--system", system,
                                  "--corpus", "bbc", "--limit", limit]) for system in ("regex", "onrecord", "spacy", "textacy")]
    accuracy = [(f"accuracy {system}", [BENCH_PYTHON if system == "textacy" else PYTHON, "peers.py", "--system", system,
                                        "--accuracy"]) for system in ("onrecord", "textacy")]
    sizes = ["1000", "10000"] if quick else ["1000", "10000", "100000"]
    return peers + accuracy + [
        ("speaker names", [PYTHON, "speaker_names.py", "--limit", "200" if quick else "10000"]),
        ("extract speed polnear dev", [PYTHON, "extract_speed.py", "--corpus", "polnear-dev"]),
        ("extract speed reuters", [PYTHON, "extract_speed.py", "--corpus", "reuters", "--limit", "500" if quick else "2000"]),
        ("ingest 1k", [PYTHON, "ingest_speed.py", "--corpus", "reuters", "--limit", "1000"]),
        ("ingest 10k", [PYTHON, "ingest_speed.py", "--corpus", "reuters", "--limit", "10000"]),
        ("grouping", [PYTHON, "grouping_scale.py", "--sizes", *sizes]),
        ("popular statement", [PYTHON, "popular_statement.py", "--reports", *sizes[:2], "50000"]),
        ("popular statement control", [PYTHON, "popular_statement.py", "--distinct", "--reports", *sizes[:2], "50000"]),
        ("spark", [PYTHON, "spark_scaling.py", "--limit", "200" if quick else "2000"]),
        ("serve", [PYTHON, "serve_load.py", "--seconds", "10" if quick else "20"]),
        ("hostile memory", [PYTHON, "hostile_memory.py", "--megabytes", "200"]),
    ]


def figures(name: str, output: str) -> list[dict]:
    """JSON lines as they are; 'key=value ...' lines as one figure each."""
    found = []
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("{"):
            found.append({"benchmark": name, **json.loads(line)})
        elif "=" in line:
            pairs = dict(re.findall(r"([\w.]+)=(\S+)", line))
            if pairs:
                found.append({"benchmark": name, **{k: number(v) for k, v in pairs.items()}})
    return found


def number(value: str):
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


def versions() -> str:
    probe = "import spacy, onrecord, sqlite3; print(spacy.__version__, sqlite3.sqlite_version)"
    spacy_version, sqlite_version = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True).stdout.split()
    textacy = ""
    if Path(BENCH_PYTHON).exists():
        textacy = subprocess.run([BENCH_PYTHON, "-c", "import textacy; print(textacy.__version__)"],
                                 capture_output=True, text=True).stdout.strip()
    return (f"Python {platform.python_version()}, spaCy {spacy_version} with en_core_web_sm 3.8.0, SQLite {sqlite_version}, "
            f"textacy {textacy or 'not installed'}")


def run_id(started: datetime) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = "-dirty" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"{started:%Y%m%dT%H%M%SZ}-{commit}{dirty}"


def table(rows: list[dict]) -> str:
    speed = {r["system"]: r for r in rows if r.get("figure") == "speed"}
    accuracy = {r["system"]: r for r in rows if r.get("figure") == "accuracy"}
    lines = ["| system | articles/s (BBC) | peak RSS MiB | × textacy | quote recall (PolNeAR dev) | speaker agreement |",
             "| --- | --- | --- | --- | --- | --- |"]
    base = speed.get("textacy", {}).get("articles_per_s")
    for system in ("regex", "onrecord", "spacy", "textacy"):
        if system in speed:
            s, a = speed[system], accuracy.get(system, {})
            ratio = f"{s['articles_per_s'] / base:.1f}×" if base else "—"
            lines.append(f"| {system} | {s['articles_per_s']} | {s['peak_rss_mib']} | {ratio} | "
                         f"{a.get('quote_recall', '—')} | {a.get('speaker_agreement', '—')} |")
    others = [r for r in rows if r.get("figure") not in ("speed", "accuracy")]
    lines += ["", "| benchmark | figures |", "| --- | --- |"]
    lines += [f"| {r['benchmark']} | " + ", ".join(f"{k} {v}" for k, v in r.items() if k != "benchmark" and k not in RUN_FIELDS)
              + " |" for r in others]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller samples, for a first look")
    args = parser.parse_args()
    rows, started = [], time.monotonic()
    began_utc = datetime.now(timezone.utc)
    run = {"run_id": run_id(began_utc), "date": began_utc.date().isoformat(), "quick": args.quick}
    for name, command in runs(args.quick):
        if command[0] == BENCH_PYTHON and not Path(BENCH_PYTHON).exists():
            print(f"skipped {name}: {BENCH_PYTHON} is missing (make bench creates it)", file=sys.stderr)
            continue
        began = time.monotonic()
        done = subprocess.run(command, cwd=ROOT / "benchmarks", capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{name} failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
            continue
        found = [{**run, **figure} for figure in figures(name, done.stdout)]
        rows += found
        print(f"{name}: {len(found)} figures in {time.monotonic() - began:.0f} s", file=sys.stderr)
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB"
    report = (f"# Benchmarks\n\nRun `{run['run_id']}`, by `make bench` on {run['date']}{' (--quick)' if args.quick else ''}, "
              f"{time.monotonic() - started:.0f} s in all.\n\nMachine: {machine}. {versions()}.\n\n{table(rows)}\n\n"
              "Every figure is also a JSON line in `docs/benchmarks.jsonl`, each with this run id.\n")
    (ROOT / "docs" / "benchmarks.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
