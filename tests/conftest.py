"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import onrecord
from onrecord import extract
from onrecord.parse import load_model


def shared_folder() -> Path:
    """The read-only shared/ beside the repository. ONRECORD_SHARED names another; a copy of tests/
    deeper down (mutmut's mutants/tests) finds it by looking upward for a folder named shared."""
    if os.environ.get("ONRECORD_SHARED"):
        return Path(os.environ["ONRECORD_SHARED"])
    here = Path(__file__).resolve()
    default = here.parents[2] / "shared"
    if default.is_dir():
        return default
    return next((p / "shared" for p in here.parents if (p / "shared").is_dir()), default)


SHARED = shared_folder()
# Every onrecord process a test starts imports the package from where this session does (a copy with
# a planted bug, or mutmut's mutants/src), not from wherever the environment installed it.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(onrecord.__file__).resolve().parents[1]),
                                                          os.environ.get("PYTHONPATH")]))
SEEDS = SHARED / "seeds"
CORPORA = SHARED / "corpora"


@pytest.fixture(scope="session")
def nlp():
    return load_model()


@pytest.fixture(scope="session")
def statements_of(nlp):
    """Extract from ``text`` and check the offset contract on every statement."""

    def run(text: str):
        found = extract(text, model=nlp)
        for s in found:
            assert text[s.start:s.end] == s.quote
        return found

    return run


def by_quote(statements, fragment: str):
    matches = [s for s in statements if fragment in s.quote]
    assert len(matches) == 1, f"{fragment!r} in {[s.quote for s in statements]}"
    return matches[0]


def partition(pairs) -> set[frozenset]:
    """(member, group) pairs as a set of groups, whatever the groups are called."""
    groups: dict = {}
    for member, group in pairs:
        groups.setdefault(group, set()).add(member)
    return {frozenset(g) for g in groups.values()}


def run_cli(*args, cwd=None, stdin=None, env=None):
    """``onrecord ARGS`` in a new process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "onrecord.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, input=stdin, env=env, timeout=900)


@contextmanager
def running_server(db):
    """``onrecord serve`` on a free loopback port, for as long as the block runs; yields its base URL's port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("onrecord serve did not start")
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
