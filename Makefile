# Task runner. The README's Quick start uses `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export TMPDIR ?= /tmp

.PHONY: setup browser java demo test test-fast bench lint fmt clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

demo: setup  ## simulate a 90-day shop, import it, print the morning report
	$(VENV)/bin/shopops --workspace $(or $(SHOPOPS_WORKSPACE),./shopops-data) demo

# Browser tests drive Debian's chromium (Playwright's own browser download is not possible here); CJK fonts so
# Chinese renders. Installed once, as root, when missing.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null)

# Spark (the warehouse parity test, tests/parity/test_spark.py) runs on Java 17. Installed once, as root, when missing.
java:
	@command -v java >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null)

test: setup browser java  ## the whole suite, as CI runs it
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: setup browser
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow"

bench: setup  ## benchmarks print ratios against baselines measured in the same run
	$(PY) bench/import_memory.py
	$(PY) bench/morning_report.py
	$(PY) bench/decision_quality.py
	$(PY) bench/dashboard_load.py

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

fmt: setup
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) shopops-data .pytest_cache build *.egg-info
