"""The CLI's flags as a user gives them, against a real store: the filters of quotes and statements, --limit on every
long list, --version, help on every option, the ingest progress bar, serve on a busy port, and every command the
README shows."""

import argparse
import gzip
import json
import os
import pty
import re
import select
import shlex
import socket
import sqlite3
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest
from conftest import run_cli

from onrecord.cli import build_parser, countable_inputs
from onrecord.export import DERIVED_SCHEMAS, SCHEMAS, STORE_SCHEMAS

pytestmark = pytest.mark.processes  # starts onrecord in other processes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
README = ROOT / "README.md"

# Written for this test: a speaker the article names only by a pronoun with no one to refer to ('she', 'it': no
# person, low confidence), an organisation, a description, and a person named in full, then by a pronoun.
ARTICLES = {
    "talks.txt": "Ferry Talks\n\n“We will keep talking,” she said on Monday. The talks were long.\n\n"
                 "“It is done,” it said.\n",
    "storm.txt": "Storm Warning\n\nThe storm will arrive tonight, said the weather service. “Stay indoors,” the officials "
                 "said. “We are ready,” Mayor Ana Ruiz said. She said the shelters were open.\n",
}
PRONOUNS = {"he", "she", "they", "i", "we", "it", "you", "him", "her", "them"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of examples/ and the articles above."""
    folder = tmp_path_factory.mktemp("flags")
    articles = folder / "articles"
    articles.mkdir()
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    db = folder / "store.db"
    result = run_cli("ingest", "--db", db, "--jobs", "1", articles, EXAMPLES)
    assert result.returncode == 0, result.stderr
    return db


def cli(db, *args):
    result = run_cli(*args, "--db", db)
    assert result.returncode == 0, result.stderr
    return result


def rows(db, *args):
    return [json.loads(line) for line in cli(db, *args, "--format", "jsonl").stdout.splitlines()]


def stored(db, sql, *params):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def reports(found):
    return sorted((row["article_id"], row["quote"]) for row in found)


def test_no_speaker_lists_the_statements_without_a_person(store):
    found = rows(store, "quotes", "--no-speaker")
    expected = stored(store, "SELECT article_id, quote FROM statements WHERE person_id IS NULL ORDER BY 1, 2")
    assert reports(found) == sorted(map(tuple, expected))
    assert {"We will keep talking,", "It is done,"} <= {row["quote"] for row in found}


def test_speaker_unknown_means_no_speaker_and_says_so(store):
    result = cli(store, "quotes", "--speaker", "unknown", "--format", "jsonl")
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert found and reports(found) == reports(rows(store, "quotes", "--no-speaker"))
    assert result.stderr.count("\n") == 1 and "--no-speaker" in result.stderr
    merged = rows(store, "statements", "--speaker", "Unknown")  # as statements shows them: speaker 'unknown'
    assert merged and {row["speaker"] for row in merged} == {"unknown"}
    assert {row["quote"] for row in merged} == {row["quote"] for row in found}
    assert rows(store, "statements", "--no-speaker") == merged
    assert rows(store, "statements", "--no-speaker", "--limit", "1") == merged[:1]


@pytest.mark.parametrize("command", ["quotes", "statements", "variants"])
def test_no_speaker_with_a_name_is_one_line(store, command):
    result = run_cli(command, "--no-speaker", "--speaker", "Ana Ruiz", "--db", store)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--no-speaker" in result.stderr


def test_pronoun_lists_the_statements_whose_speaker_is_a_pronoun(store):
    found = rows(store, "quotes", "--pronoun")
    assert found and all(row["speaker_mention"].lower() in PRONOUNS for row in found)
    assert {"We will keep talking,", "the shelters were open"} <= {row["quote"] for row in found}
    everything = rows(store, "quotes")
    assert len([row for row in everything if (row["speaker_mention"] or "").lower() in PRONOUNS]) == len(found)
    combined = rows(store, "quotes", "--pronoun", "--no-speaker")
    assert {row["quote"] for row in combined} == {"We will keep talking,", "It is done,"}


def test_min_confidence(store):
    found = rows(store, "quotes", "--min-confidence", "0.8")
    expected = stored(store, "SELECT article_id, quote FROM statements WHERE confidence >= 0.8 ORDER BY 1, 2")
    assert found and reports(found) == sorted(map(tuple, expected))
    assert len(found) < len(rows(store, "quotes"))
    assert len(rows(store, "quotes", "--min-confidence", "0")) == len(rows(store, "quotes"))


@pytest.mark.parametrize("bad", ["1.5", "-0.1", "high", "nan"])
def test_min_confidence_out_of_range_is_a_usage_error(bad):
    result = run_cli("quotes", "--min-confidence", bad)
    assert result.returncode == 2 and "from 0 to 1" in result.stderr and "Traceback" not in result.stderr


def test_confidence_is_a_column_of_the_quotes_table(store):
    table = cli(store, "quotes", "--format", "table", "--speaker", "Ana Ruiz").stdout
    assert "confidence" in table and "0.9" in table


@pytest.mark.parametrize("kind", ["person", "organization", "description"])
def test_type(store, kind):
    found = rows(store, "quotes", "--type", kind)
    assert found and {row["speaker_type"] for row in found} == {kind}
    count = stored(store, "SELECT count(*) FROM statements WHERE speaker_type = ?", kind)[0][0]
    assert len(found) == count


def test_type_names_the_choices_when_wrong():
    result = run_cli("quotes", "--type", "robot")
    assert result.returncode == 2 and "person" in result.stderr and "organization" in result.stderr


def test_order_newest_and_relevance(store):
    newest = rows(store, "quotes", "--search", "ferry", "--order", "newest")
    dates = [row["published"] for row in newest]
    dated = [day for day in dates if day]
    assert len(dated) > 2 and dates == dated + [None] * (len(dates) - len(dated)) and dated == sorted(dated, reverse=True)
    relevance = rows(store, "quotes", "--search", "ferry", "--order", "relevance")
    assert reports(relevance) == reports(newest)
    assert rows(store, "quotes", "--search", "ferry") == relevance  # relevance is the default when searching


def test_order_relevance_without_a_search_is_one_line(store):
    result = run_cli("quotes", "--order", "relevance", "--db", store)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--search" in result.stderr


@pytest.mark.parametrize("command", ["quotes", "statements", "speakers", "people", "stories"])
def test_limit_on_every_list(store, command):
    everything = rows(store, command)
    assert len(everything) > 1
    assert rows(store, command, "--limit", "1") == everything[:1]
    assert rows(store, command, "--limit", str(len(everything) + 5)) == everything


def test_limit_says_how_many_were_left_out(store):
    total = len(rows(store, "quotes"))
    result = cli(store, "quotes", "--limit", "2", "--format", "table")
    assert f"2 of {total} rows" in result.stderr


@pytest.mark.parametrize("bad", ["0", "-3", "many"])
def test_limit_must_be_positive(bad):
    result = run_cli("speakers", "--limit", bad)
    assert result.returncode == 2 and "at least 1" in result.stderr


def test_statements_show_their_first_article_and_outlet(store):
    merged = rows(store, "statements", "--speaker", "Elena Marsh")
    first = next(row for row in merged if row["quote"].startswith("This is a good day"))
    assert first["outlets"] == 2 and first["first_outlet"] == "The Harbour Courier"
    assert stored(store, "SELECT outlet FROM articles WHERE id = ?", first["first_article"]) == [("The Harbour Courier",)]
    assert {"first_article", "first_outlet", "kinds", "cue"} <= set(first)
    table = cli(store, "statements", "--format", "table", "--limit", "3").stdout
    assert "first_article" in table and "first_outlet" in table and first["first_article"] in table


def test_statements_since_until(store):
    april = rows(store, "statements", "--since", "2025-04", "--until", "2025-04")
    assert april and all(row["first_seen"].startswith("2025-04") for row in april)
    assert len(april) < len(rows(store, "statements"))


def test_people_search(store):
    found = rows(store, "people", "--search", "marsh")
    assert [row["name"] for row in found] == ["Elena Marsh"]
    assert rows(store, "people", "--search", "nobody at all") == []


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"onrecord {metadata.version('onrecord')}"


def test_every_option_has_help():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [f"{name} {'/'.join(action.option_strings) or action.dest}"
               for name, command in [("onrecord", parser), *commands.choices.items()]
               for action in command._actions if not action.help]
    assert missing == []


def test_help_texts_say_what_the_commands_read_and_write():
    extract = run_cli("extract", "--help").stdout
    for words in (".html", ".jsonl", ".warc", "stdin"):
        assert words in extract
    assert "UTF-8" not in extract
    export = " ".join(run_cli("export", "--help").stdout.split())
    for table in [*SCHEMAS, *STORE_SCHEMAS, *DERIVED_SCHEMAS]:
        assert re.search(rf"\b{table}\b", export), table
    serve = " ".join(run_cli("serve", "--help").stdout.split())
    assert "--root-path" in serve and "reverse proxy" in serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_busy_port_is_one_line(store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", port, "--db", store)
    assert result.returncode == 2
    assert result.stderr == f"onrecord: port {port} is in use; choose another with --port\n"
    assert "serving" not in result.stdout + result.stderr


def test_serve_on_an_address_it_cannot_use_is_one_line(store):
    result = run_cli("serve", "--host", "no-such-host.invalid", "--db", store)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "serving" not in result.stderr
    assert "cannot listen on no-such-host.invalid" in result.stderr


def test_serve_root_path_is_in_the_serving_line(store):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "serve", "--db", str(store), "--port", str(port),
                               "--root-path", "onrecord/"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        assert f"http://127.0.0.1:{port}/onrecord/" in line, line + server.stderr.read()
        assert answers(port, "/api/summary")  # the proxy passes requests on without the prefix
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert 'href="/onrecord/' in response.read().decode()  # the links the pages give carry it
    finally:
        server.terminate()
        server.wait(timeout=30)


def answers(port: int, path: str, seconds: float = 60) -> bool:
    """True once the server on ``port`` answers ``path`` with 200."""
    import urllib.request
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                return response.status == 200
        except OSError:
            time.sleep(0.1)
    return False


def test_countable_inputs(tmp_path):
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><body><p>A page.</p></body></html>", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")  # not an input: ingest skips it too
    assert countable_inputs([str(tmp_path)]) == 3
    assert countable_inputs([str(tmp_path), str(tmp_path / "missing.txt")]) == 4  # one failure each
    assert countable_inputs([str(tmp_path), str(EXAMPLES / "wire.jsonl")]) is None  # lines: unknown until read
    assert countable_inputs(["-"]) is None
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "dump").write_text('{"text": "One article."}\n', encoding="utf-8")  # JSONL by its content
    assert countable_inputs([str(tmp_path / "sub" / "dump")]) is None


def test_ingest_progress_on_a_terminal_shows_the_total(tmp_path):
    """stderr on a pseudo-terminal, as a user sees it: a bar counting to the number of inputs."""
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "ingest", "--db", str(tmp_path / "p.db"), "--jobs",
                                "1", str(tmp_path / "talks.txt"), str(tmp_path / "storm.txt")],
                               stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    shown = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not data:
                break
            shown += data
        elif process.poll() is not None:
            break
    os.close(master)
    assert process.wait(timeout=60) == 0
    assert "2 new" in process.stdout.read()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))
    assert "0/2 articles" in text and "2/2 articles (2 new)" in text and "articles/s" in text and "left" in text


# --- every command the README shows ---------------------------------------------------------------------------------

def readme_commands() -> list[str]:
    """Every line of the README's sh code blocks that runs onrecord (continued lines joined, comments cut)."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    return [line.strip() for block in blocks for line in re.sub(r"\\\n\s*", " ", block).splitlines()
            if "onrecord" in shlex.split(line, comments=True)]  # also `cat dump.jsonl | onrecord ingest -`


def as_run(line: str, folder: Path) -> tuple[list[str], Path | None]:
    """How the test runs a README line, in ``folder`` (where the store is ./onrecord.db, the default):
    the words after `onrecord` as they stand, every file and folder they name made beforehand by ``make_inputs``;
    a shell glob expanded as the shell would; `cat FILE | onrecord ...` gives FILE on stdin. Returns the arguments
    and the file for stdin."""
    words = shlex.split(line, comments=True)
    stdin = None
    if words[0] == "cat":
        stdin = folder / words[1]
    words = words[words.index("onrecord") + 1:]
    expanded = []
    for word in words:
        matches = sorted(str(p.relative_to(folder)) for p in folder.glob(word)) if "*" in word else []
        expanded += matches or [word]
    return expanded, stdin


def make_inputs(words: list[str], folder: Path) -> None:
    """The files and folders a README line names, made in ``folder`` from examples/ when missing: a folder (or a
    glob's folder) holding summit.txt, a .txt, JSONL (gzipped for .gz), a WARC of the example page, an aliases
    and an outlets file, a gold file. Output folders (export OUT, --out) and stores (--db) are left to the command."""
    for previous, word in zip(["", *words], words):
        if previous in ("--db", "--out") or words[0] == "export" and not word.startswith("-") and word != "export" \
                and previous != "--format" or "://" in word:
            continue
        path = folder / word.split("*")[0]
        if path.exists() or word.startswith("-") or previous.startswith("--") and previous != "--gold" \
                and previous != "--apply-aliases" and previous != "--aliases" and previous != "--outlets":
            continue
        if previous == "--gold":
            path.write_text(json.dumps({"article": "summit.txt", "quote": "x", "start": 0, "end": 1, "speaker": "Nobody",
                                        "kind": "direct"}) + "\n", encoding="utf-8")
        elif word.endswith("/") or "*" in word:
            path.mkdir(parents=True)
            (path / "summit.txt").write_bytes((EXAMPLES / "summit.txt").read_bytes())
        elif word.endswith(".txt"):
            path.write_bytes((EXAMPLES / "summit.txt").read_bytes())
        elif word.endswith((".jsonl", ".jsonl.gz")):
            wire = (EXAMPLES / "wire.jsonl").read_bytes()
            path.write_bytes(gzip.compress(wire) if word.endswith(".gz") else wire)
        elif word.endswith((".warc", ".warc.gz")):
            path.write_bytes(gzip.compress(warc_of((EXAMPLES / "ferry-inspection.html").read_bytes())))
        elif word.endswith((".yaml", ".yml")) and "outlet" in word:
            path.write_text("- name: Example Wire\n  spellings: [wire.example]\n", encoding="utf-8")
        elif word.endswith((".yaml", ".yml")):
            path.write_text("- name: Elena Marsh\n  aliases: [E. Marsh]\n", encoding="utf-8")


def warc_of(page: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://courier.example/ferry\r\n"
            b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\nWARC-Date: 2025-04-11T00:00:00Z\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % len(http)
            + http + b"\r\n\r\n")


def test_readme_lines_are_run_as_written(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x", encoding="utf-8")
    (tmp_path / "dump.jsonl").write_text("{}\n", encoding="utf-8")
    assert as_run("onrecord evaluate --gold gold.jsonl a/*.txt   # scores", tmp_path) == \
        (["evaluate", "--gold", "gold.jsonl", "a/one.txt"], None)
    assert as_run("cat dump.jsonl | onrecord ingest -", tmp_path) == (["ingest", "-"], tmp_path / "dump.jsonl")
    assert as_run("onrecord quotes --speaker 'elena marsh' --since 2019", tmp_path)[0] == \
        ["quotes", "--speaker", "elena marsh", "--since", "2019"]


@pytest.mark.slow
def test_every_readme_command_runs(tmp_path):
    """Each onrecord line of the README's sh blocks, in order, in a folder whose ./onrecord.db holds examples/
    (the default store; ONRECORD_DB unset), its files made by ``make_inputs`` and run as ``as_run`` says, exits 0
    without a usage error. Adapted: `show` is given an article id of this store (the README's is of its author's);
    `ingest` runs with --jobs 1; `serve` runs on a free port (the README's --port dropped) until its home page
    answers; `spark` lines are skipped (PySpark and a JVM: tests/test_spark.py runs the job)."""
    env = {key: value for key, value in os.environ.items() if key != "ONRECORD_DB"}
    assert run_cli("ingest", "--jobs", "1", EXAMPLES, cwd=tmp_path, env=env).returncode == 0
    article = stored(tmp_path / "onrecord.db", "SELECT id FROM articles ORDER BY id LIMIT 1")[0][0]
    commands = readme_commands()
    assert len(commands) > 15 and any(" serve" in line for line in commands)
    for line in commands:
        words, stdin = as_run(line, tmp_path)
        if words[0] == "spark":
            continue
        make_inputs(words + ([stdin.name] if stdin else []), tmp_path)
        words, stdin = as_run(line, tmp_path)  # globs expanded over the files just made
        if words[0] == "show":
            words[1] = article[:8]
        if words[0] == "ingest":
            words += ["--jobs", "1"]
        if words[0] == "serve":
            assert serves(words, tmp_path, env), line
            continue
        result = run_cli(*words, cwd=tmp_path, stdin=stdin and stdin.read_text(encoding="utf-8"), env=env)
        assert result.returncode == 0 and "usage:" not in result.stderr, f"{line}\n-> {words}\n{result.stderr}"


def serves(words: list[str], folder: Path, env: dict) -> bool:
    """``onrecord serve ...`` on a free port, stopped once its home page answers."""
    if "--port" in words:
        index = words.index("--port")
        del words[index:index + 2]
    server = subprocess.Popen([sys.executable, "-m", "onrecord.cli", *words, "--port", str(port := free_port())],
                              cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        return answers(port, "/")
    finally:
        server.terminate()
        server.wait(timeout=30)
