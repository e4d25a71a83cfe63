# stoke-opendata: two commands do all the set-up on a fresh machine.
#   make run   - the main job end to end on the embedded default (bundled datasets, local portal)
#   make test  - the test suite (unit tests and integration tests against a real local CKAN)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out
# the residents' site: served by the local portal from .portal/public (extra_public_paths) at /progress/
SITE_PATH := progress
SITE := .portal/public/$(SITE_PATH)

.PHONY: run test install portal portal-down browser bench soak docs clean fuzz

# Two stamps: `make run` installs only what the main job needs ($(RUN_STAMP): the package and its runtime
# dependencies); `make test` (and bench, soak, docs) add the dev and spark extras and Java for Spark.
RUN_STAMP := $(VENV)/.installed-run

$(RUN_STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11"; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv --upgrade-deps $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q stoke_opendata
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev,spark]'
	bash tools/ensure-java.sh
	@# byte-compile the package as installing a wheel would (an editable install does not, and where
	@# PYTHONDONTWRITEBYTECODE is set every run would compile the modules again: ~0.03 s per command)
	$(BIN)/python -m compileall -q stoke_opendata
	@touch $(STAMP)

install: $(STAMP)

# The main job on its embedded default: start the local portal, then one release (stoke-opendata release, the
# function jobs and the portal's approval share): validate and package every bundled dataset, publish the
# packages (each dataset's url pointing at its page on the site; pruning files an older build published),
# then build the residents' site from the packages, linked to the portal and served by it; print where it is.
run: $(RUN_STAMP)
	bash portal/up.sh
	source .portal/env && STOKE_OPENDATA_SITE_URL="$${STOKE_OPENDATA_SITE_URL:-$$CKAN_URL/$(SITE_PATH)}" \
	  $(BIN)/stoke-opendata release --out $(OUT) --site $(SITE) && \
	  echo "the site, served by the local portal: $$CKAN_URL/$(SITE_PATH)/index.html"
	@# demo users for the Submit figures pages (docs/stewards.md); their passwords go to .portal/env (0600)
	.portal/venv/bin/python portal/demo_users.py .portal/ckan.ini .portal/env stoke-on-trent-city-council demo-steward:editor demo-approver:admin
	@source .portal/env && echo "Submit figures: $$CKAN_URL/dataset/stoke-corporate-strategy-2024-28/submit (log in as demo-steward; demo-approver approves; passwords in .portal/env)"

test: $(STAMP)
	bash portal/up.sh
	@# the second CKAN that harvests the portal as data.gov.uk would (tests/portal/test_harvest.py)
	bash portal/harvest_up.sh
	bash tools/browser_up.sh
	$(BIN)/python -m pytest -q

# Debian's Chromium and axe-core (npm, into .a11y/) for the site's accessibility tests. Idempotent.
browser:
	bash tools/browser_up.sh

# The local CKAN 2.11 test portal (PostgreSQL, Redis, DataStore; writes .portal/env). Idempotent.
portal:
	bash portal/up.sh

portal-down:
	bash portal/down.sh

soak: $(STAMP)
	bash portal/up.sh
	$(BIN)/python bench/soak_publish.py --runs 50 --kill-runs 10

# Benchmarks: each prints the peer's figure beside ours (see README and docs/*.md for measured figures).
bench: $(STAMP)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/validate_bench.py
	$(BIN)/python bench/scale_bench.py
	$(BIN)/python bench/meaning_engines.py
	$(BIN)/python bench/site_bench.py
	bash portal/up.sh
	$(BIN)/python bench/publish_bench.py
	$(BIN)/python bench/portal_submit_bench.py

# The long fuzz run (docs/fuzzing.md): FUZZ_EXAMPLES generated inputs through every engine, niced, in
# one process; failing inputs are saved to fuzz-corpus/failures/ (copy them to tests/fuzz/seeds/).
FUZZ_EXAMPLES ?= 100000
fuzz: $(STAMP)
	nice -n 10 $(BIN)/python tests/fuzz/long_run.py --examples $(FUZZ_EXAMPLES) --corpus fuzz-corpus

docs: $(STAMP)
	$(BIN)/cog -r docs/cli.md docs/validation.md

clean:
	rm -rf $(OUT) $(SITE) build *.egg-info
