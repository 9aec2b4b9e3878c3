"""The command line on good and bad input: one clear line per failure, the rest still processed."""

import json

import pytest
from conftest import run_cli as run

pytestmark = pytest.mark.processes  # starts onrecord in other processes: slow to repeat per mutant (docs/mutation.md)

GOOD = "Ferry Returns\n\n“The boats are ready,” said harbour master Ana Ruiz.\n"


def test_cli_extract_writes_json_lines(tmp_path):
    article = tmp_path / "good.txt"
    article.write_text(GOOD, encoding="utf-8")
    result = run("extract", article)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["speaker"] for r in records] == ["Ana Ruiz"]
    assert set(records[0]) == {"article", "quote", "start", "end", "kind", "cue", "speaker", "speaker_type", "speaker_mention", "confidence", "speaker_gender"}
    assert records[0]["article"] == str(article)
    assert GOOD[records[0]["start"]:records[0]["end"]] == records[0]["quote"]


def test_cli_extract_table_format(tmp_path):
    article = tmp_path / "good.txt"
    article.write_text(GOOD, encoding="utf-8")
    result = run("extract", "--format", "table", article)
    assert result.returncode == 0
    assert "Ana Ruiz" in result.stdout and "Ferry Returns" in result.stdout


def bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (tmp_path / "greek.txt").write_bytes("Ο υπουργός δήλωσε ότι οι συνομιλίες θα συνεχιστούν.\n".encode("cp1253") * 4)
    with open(tmp_path / "huge.txt", "wb") as huge:
        huge.truncate(50 * 1024 * 1024)
    (tmp_path / "no-text-here").mkdir()
    (tmp_path / "unclosed.txt").write_text("Title\n\n“This never closes, said Ana Ruiz.\n\nThe rest is narrative.\n", encoding="utf-8")
    return {
        "missing.txt": "no such file",
        "no-text-here": "holds no articles",
        "empty.txt": "empty",
        "binary.txt": "binary",
        "greek.txt": "not UTF-8",
        "huge.txt": "MB",
    }


def test_cli_bad_inputs_get_one_line_each_and_the_rest_is_processed(tmp_path):
    expected = bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    paths = [tmp_path / name for name in expected] + [good, tmp_path / "unclosed.txt"]
    result = run("extract", "--format", "jsonl", *paths)
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == len(expected), errors
    for name, reason in expected.items():
        line = next(e for e in errors if name in e)
        assert reason in line and "Traceback" not in line
    articles = {json.loads(line)["article"] for line in result.stdout.splitlines()}
    assert articles == {str(good), str(tmp_path / "unclosed.txt")}


def test_cli_unknown_model_is_a_clear_error(tmp_path):
    article = tmp_path / "good.txt"
    article.write_text(GOOD, encoding="utf-8")
    result = run("extract", "--model", "no_such_pipeline", article)
    assert result.returncode == 2
    assert "no_such_pipeline" in result.stderr and "Traceback" not in result.stderr


def test_cli_model_from_environment(tmp_path, monkeypatch):
    article = tmp_path / "good.txt"
    article.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("ONRECORD_MODEL", "missing_pipeline_xyz")
    result = run("extract", article)
    assert "missing_pipeline_xyz" in result.stderr
