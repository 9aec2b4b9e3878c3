# Set-up is part of every target: a fresh machine needs only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.onrecord-installed

.PHONY: demo test bench lock clean

DEMO_DB := build/demo.db

demo: $(STAMP)
	mkdir -p build
	$(BIN)/onrecord ingest --db $(DEMO_DB) examples
	$(BIN)/onrecord speakers --db $(DEMO_DB) --format table
	$(BIN)/onrecord quotes --db $(DEMO_DB) --speaker "elena marsh" --format table
	$(BIN)/onrecord statements --db $(DEMO_DB) --min-outlets 2 --format table

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/extract_speed.py --corpus bbc --limit 500
	$(BIN)/python benchmarks/extract_speed.py --corpus polnear --limit 200
	$(BIN)/python benchmarks/polnear_accuracy.py --split dev
	$(BIN)/python benchmarks/ingest_speed.py --corpus reuters --limit 1000
	$(BIN)/python benchmarks/ingest_speed.py --corpus pages --limit 161
	$(BIN)/python benchmarks/grouping_scale.py --sizes 1000 10000 100000
	$(BIN)/python benchmarks/serve_load.py --seconds 20 --clients 8

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
	rm -rf $(VENV) build src/*.egg-info
