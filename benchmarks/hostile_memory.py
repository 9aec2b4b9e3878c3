"""Peak memory (and time) of `onrecord ingest --jobs 1` on each hostile input, as key=value lines. The unit
tests check that each is refused or read; how much memory and time that takes depends on the machine, so it
is measured here, not asserted there.

    python benchmarks/hostile_memory.py [--megabytes 200] [--only NAME ...]

Each input is made by one child process and ingested by another (its peak RSS from wait4): Linux carries
the peak of the process that starts a child into the child's, so this process stays small. A refusal should cost the model
and the store (about 200-400 MiB), not the input. `baseline` is a run on one small good article; a page
run with `--time-limit 2` shows how long past the limit it was held (elapsed minus the baseline's).
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PARAGRAPH = b"The harbour levy was debated again on Tuesday, and the council said it would vote in May.\n\n"
ARTICLE = ("Mira Okafor, the harbour minister, said on Tuesday that the ferry levy would be cut in May. "
           "\"We will not ask islanders to pay for the new pier twice,\" Okafor told reporters in Port Selden.")
MIB = 1024 * 1024
WARC_HEAD = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/bomb\r\n"


def baseline(path: Path, megabytes: int) -> None:
    path.write_text(f"Ferry levy\n\n{ARTICLE}\n", encoding="utf-8")


def text_file(path: Path, megabytes: int) -> None:
    with open(path, "wb") as out:
        for _ in range(megabytes * 1_000_000 // len(PARAGRAPH) + 1):
            out.write(PARAGRAPH)


def warc_gzip_bomb(path: Path, megabytes: int) -> None:
    """A 1 MB .warc.gz whose one record expands to 1 GiB of short lines."""
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(WARC_HEAD + f"Content-Type: application/http; msgtype=response\r\nContent-Length: {1024 * MIB}\r\n\r\n".encode())
        out.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
        block = (b"0" * 1023 + b"\n") * 1024
        for _ in range(1024):
            out.write(block)


def warc_header_line(path: Path, megabytes: int) -> None:
    """A .warc.gz of about 587 kB holding one header line of 576 MiB."""
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(WARC_HEAD + b"X-Long: ")
        block = b"a" * MIB
        for _ in range(576):
            out.write(block)
        out.write(b"\r\n\r\n")


def jsonl_gzip_bomb(path: Path, megabytes: int) -> None:
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(json.dumps({"text": ARTICLE}).encode() + b"\n")
        for _ in range(1024):
            out.write(bytes(MIB))


def page(payload: str) -> bytes:
    return (f"<!doctype html><html><head><title>Ferry levy</title></head><body><article><h1>Ferry levy</h1>"
            f"{payload}<p>{ARTICLE}</p><p>The levy was introduced in 2019 and has been debated at every council "
            f"meeting since then, the minutes show.</p></article></body></html>").encode()


def html_inline_image(path: Path, megabytes: int) -> None:
    path.write_bytes(page(f'<img src="data:image/png;base64,{"QUJD" * (10 * MIB // 4)}">'))


def html_inline_script(path: Path, megabytes: int) -> None:
    path.write_bytes(page(f"<script>var t = [{'1, ' * (12 * MIB // 3)}0];</script>"))


CELL = "<div class=\"row\"><span>levy</span> <a href=\"/x\">council vote</a></div>\n"


def html_markup(path: Path, megabytes: int) -> None:
    """19 MiB of real markup and text (under the 20 MiB page limit), nothing to cut: over the markup limit."""
    path.write_bytes(page(CELL * (19 * MIB // len(CELL))))


def html_markup_at_limit(path: Path, megabytes: int) -> None:
    """Just under the 4 MiB markup limit: the most the parser, out of the time limit's reach, is given."""
    path.write_bytes(page(CELL * (int(3.9 * MIB) // len(CELL))))


def parquet_article(folder: Path, megabytes: int) -> None:
    """Tables of a few tens of kB holding one article of 300 MB."""
    from onrecord.export import SCHEMAS
    folder.mkdir()
    text = "x " * (150 * 1_000_000)
    columns = {name: [None] for name in SCHEMAS["articles"].names} | {"id": ["huge"], "source": ["huge.txt"], "text": [text]}
    pq.write_table(pa.Table.from_pydict(columns, schema=SCHEMAS["articles"]), folder / "articles.parquet", compression="zstd")
    pq.write_table(pa.Table.from_pylist([], schema=SCHEMAS["statements"]), folder / "statements.parquet")


INPUTS = {  # name: (maker, file name, extra arguments)
    "baseline": (baseline, "small.txt", ["--time-limit", "2"]),
    "text_file": (text_file, "huge.txt", []),
    "warc_gzip_bomb_1gib": (warc_gzip_bomb, "bomb.warc.gz", []),
    "warc_header_line_576mib": (warc_header_line, "line.warc.gz", []),
    "jsonl_gzip_bomb_1gib": (jsonl_gzip_bomb, "bomb.jsonl.gz", []),
    "html_10mb_inline_image": (html_inline_image, "image.html", ["--time-limit", "2"]),
    "html_12mb_inline_script": (html_inline_script, "script.html", ["--time-limit", "2"]),
    "html_19mib_markup": (html_markup, "markup.html", ["--time-limit", "2"]),
    "html_3.9mib_markup": (html_markup_at_limit, "markup.html", ["--time-limit", "2"]),
    "parquet_300mb_article": (parquet_article, "tables", []),
}


def measured(path: Path, db: Path, extra: list[str]) -> tuple[int, float, float, str]:
    """Exit code, peak RSS (MiB) and seconds of one ingest in a child process; its stderr."""
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "ingest", "--jobs", "1", "--db", str(db), *extra, str(path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss / 1024, time.monotonic() - started, stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200, help="size of the plain text file")
    parser.add_argument("--only", nargs="*", choices=INPUTS, help="inputs to measure (default: all)")
    parser.add_argument("--make", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        INPUTS[args.make[0]][0](Path(args.make[1]), args.megabytes)
        return
    base_seconds = None
    for name in ["baseline", *[n for n in args.only or INPUTS if n != "baseline"]]:
        _, file_name, extra = INPUTS[name]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / file_name
            subprocess.run([sys.executable, __file__, "--megabytes", str(args.megabytes), "--make", name, str(path)], check=True)
            size = sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size
            code, peak, seconds, stderr = measured(path, Path(folder) / "s.db", extra)
        base_seconds = seconds if name == "baseline" else base_seconds
        lines = [line[:110] for line in stderr.strip().splitlines()]
        print(f"input={name} input_kb={size / 1024:.0f} exit={code} peak_rss_mib={peak:.0f} seconds={seconds:.1f} "
              f"over_baseline_s={seconds - base_seconds:.1f} stderr={lines!r}", flush=True)


if __name__ == "__main__":
    main()
