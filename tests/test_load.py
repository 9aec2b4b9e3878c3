"""`onrecord serve` under load while `onrecord ingest` writes to the same store: every request is
answered, and no 'database is locked' reaches a client."""

import http.client
import itertools
import subprocess
import sys
import threading
from urllib.parse import quote

import pytest
from conftest import SEEDS, running_server
from test_ingest import bbc_lines, stored

pytestmark = pytest.mark.processes  # starts onrecord in other processes: slow to repeat per mutant (docs/mutation.md)

PATHS = ["/", "/people", "/stories", "/search?q={word}", "/api/statements?q={word}&per_page=20",
         "/api/summary", "/api/people", "/article/{article}", "/person/{person}"]
WORDS = ["government", "said", "market", "minister", "growth", "film", "election", "sanctions"]


def client(port, paths, done, answers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for path in itertools.cycle(paths):
        if done():
            return
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            answers.append((path, response.status, response.read()))
        except (OSError, http.client.HTTPException) as error:
            answers.append((path, None, repr(error).encode()))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def test_requests_during_an_ingest_all_succeed(tmp_path):
    db = tmp_path / "live.db"
    first = subprocess.run([sys.executable, "-m", "onrecord.cli", "ingest", "--jobs", "1", "--db", str(db),
                            *map(str, sorted(SEEDS.glob("*.txt")))], capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    article = stored(db, "SELECT id FROM articles LIMIT 1")[0][0]
    person = stored(db, "SELECT id FROM people LIMIT 1")[0][0]
    paths = [p.format(word=quote(w), article=article, person=person) for w, p in zip(itertools.cycle(WORDS), PATHS * 4)]
    dump = tmp_path / "more.jsonl"
    dump.write_text("".join(bbc_lines(150)), encoding="utf-8")
    answers: list = []
    with running_server(db) as port:
        ingest = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "ingest", "--jobs", "1", "--db", str(db), str(dump)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answered_during = []  # how many answers had come when the ingest ended

        def done():  # the ingest has ended and 30 more answers have come (100 in all, at least)
            if ingest.poll() is not None and not answered_during:
                answered_during.append(len(answers))
            return bool(answered_during) and len(answers) >= max(answered_during[0] + 30, 100)

        clients = [threading.Thread(target=client, args=(port, paths[n::3], done, answers)) for n in range(3)]
        for thread in clients:
            thread.start()
        out, err = ingest.communicate(timeout=900)
        for thread in clients:
            thread.join(timeout=120)
    assert ingest.returncode == 0, err
    assert stored(db, "SELECT count(*) FROM articles")[0][0] == 153
    failed = [(path, status, body[:200]) for path, status, body in answers if status != 200]
    assert not failed, failed
    assert answered_during[0] > 0  # requests were answered while the ingest was writing
    assert not any(b"locked" in body for _, _, body in answers)
