# Set-up is part of every target: a fresh machine needs only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.onrecord-installed

.PHONY: demo test test-fast floors planted bench lock clean mutants

DEMO_DB := build/demo.db

demo: $(STAMP)
	mkdir -p build
	$(BIN)/onrecord ingest --db $(DEMO_DB) examples
	$(BIN)/onrecord speakers --db $(DEMO_DB) --format table
	$(BIN)/onrecord quotes --db $(DEMO_DB) --speaker "elena marsh" --format table
	$(BIN)/onrecord statements --db $(DEMO_DB) --min-outlets 2 --format table

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Leaves out the cases marked slow (whole corpora, repeated ingest runs): for a quick look while editing.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# The accuracy gate's floors (tests/accuracy_floors.json) raised to every figure that has improved
# (lowering one takes `python tests/test_accuracy.py --lower --reason ...`; see docs/testing.md).
floors: $(STAMP)
	$(BIN)/python tests/test_accuracy.py

# Each bug a review once slipped past the suite, planted again: the tests that guard it must fail.
planted: $(STAMP)
	$(BIN)/python tests/planted_bugs.py

# Mutation testing of the stage modules against the fast tests (docs/mutation.md): mutmut works in mutants/
# and keeps its results there, so a second run resumes where the first stopped. Then the per-module figures.
mutants: $(STAMP)
	$(BIN)/mutmut run --max-children 1
	$(BIN)/mutmut results --all true | $(BIN)/python tests/mutation_report.py

# The benchmark suite writes docs/benchmarks.md; textacy, the peer, lives in its own environment.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python benchmarks/run_all.py

$(BENCH_STAMP): requirements/lock.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps -e .
	$(BENCH_VENV)/bin/python -m pip install --quiet "textacy==0.13.0"
	touch $(BENCH_STAMP)

# Every dependency, the spaCy pipeline included, is installed from the hashed lock file.
$(STAMP): pyproject.toml requirements/lock.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --allow-unsafe --generate-hashes --extra test --strip-extras \
		-o requirements/lock.txt pyproject.toml

clean:
	rm -rf $(VENV) $(BENCH_VENV) build src/*.egg-info
