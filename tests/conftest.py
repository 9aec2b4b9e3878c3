"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

import subprocess
import sys
from pathlib import Path

import pytest

from onrecord import extract
from onrecord.parse import load_model

SHARED = Path(__file__).resolve().parents[2] / "shared"
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


def run_cli(*args, cwd=None, stdin=None, env=None):
    """``onrecord ARGS`` in a new process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "onrecord.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, input=stdin, env=env, timeout=900)
