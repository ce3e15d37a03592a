# Tutor booking platform: the commands.
#
#   make run              set up (first time only), migrate, then run app + worker on PORT
#   make run DEMO=1       ... and load the demo data into whatever database is configured
#   make run PORT=8000    ... on another port (browse http://localhost:8000)
#   make test             set up + the whole test suite (pytest is the last output)
#   make test-faketime    tests again with the clock moved (libfaketime): by default the
#                         `processes` tests, a year and a bit ahead of today. E.g. the whole
#                         suite the evening before Kyiv's DST change:
#                         make test-faketime FAKETIME_AT='2027-03-27 22:30:00' FAKETIME_TESTS=
#   make setup            .venv from requirements.txt, bun and axe-core from the npm registry
#   make screenshots      PNGs of every page, each role, 1280x800 and 390x844, in screenshots/
#   make lint | format | bench | clean | distclean
#
# Setup needs only python3.11 (with venv), node/npm. Stamp files make a second run skip
# every install step. Everything that needs thought lives in Python (booking_app/cli.py).

PYTHON      ?= $(shell command -v python3.11 || command -v python3)
VENV        := .venv
PY          := $(VENV)/bin/python
BUN_VERSION := 1.4.4
BUN_DIR     := .tools/bun
BUN_STAMP   := $(BUN_DIR)/.installed-$(BUN_VERSION)
REQ_STAMP   := $(VENV)/.requirements-installed
# axe-core: the accessibility engine the browser tests inject into every page.
AXE_VERSION := 4.11.0
AXE_DIR     := .tools/axe
AXE_STAMP   := $(AXE_DIR)/.installed-$(AXE_VERSION)
CHROMIUM    ?= /usr/bin/chromium
PYTEST_ARGS ?=
# Two pytest-xdist workers: the browser tests as one group on one worker (one app build),
# everything else spread over both (tests/e2e/conftest.py). PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),-p no:xdist,-n $(PYTEST_WORKERS) --dist loadgroup)
# Clock-moved runs: a date computed from today (never a literal one), and which tests.
FAKETIME_AT    ?= $(shell date -u -d '+400 days' '+%F %T')
FAKETIME_TESTS ?= -m processes
FAKETIME_FIX   := .tools/faketime/clockwait_fix.so

RUN_ARGS := $(if $(PORT),--port $(PORT)) $(if $(filter 1 yes true,$(DEMO)),--demo)

.DEFAULT_GOAL := run
.PHONY: run setup test test-faketime lint format bench clean distclean chromium faketime screenshots

run: setup
	@$(PY) -m booking_app.cli run $(RUN_ARGS)

setup: $(REQ_STAMP) $(BUN_STAMP) $(AXE_STAMP)

$(VENV)/bin/python:
	@echo "Creating $(VENV) with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "'$(PYTHON) -m venv' failed: on Debian install python3-venv (apt-get install python3-venv)"; \
	  exit 1; }

$(REQ_STAMP): requirements.txt | $(VENV)/bin/python
	@echo "Installing Python packages from requirements.txt"
	@$(PY) -m pip install --disable-pip-version-check --progress-bar off -q -r requirements.txt
	@touch $@

$(BUN_STAMP):
	@echo "Installing bun $(BUN_VERSION) from the npm registry into $(BUN_DIR)"
	@npm install --prefix $(BUN_DIR) --no-audit --no-fund --loglevel=error --save-exact bun@$(BUN_VERSION)
	@$(BUN_DIR)/node_modules/.bin/bun --version >/dev/null
	@rm -f $(BUN_DIR)/.installed-* && touch $@

$(AXE_STAMP):
	@echo "Installing axe-core $(AXE_VERSION) from the npm registry into $(AXE_DIR)"
	@npm install --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error --save-exact axe-core@$(AXE_VERSION)
	@test -s $(AXE_DIR)/node_modules/axe-core/axe.min.js
	@rm -f $(AXE_DIR)/.installed-* && touch $@

# Browser tests drive Debian's chromium. Installed when missing and we are root (CI);
# otherwise the e2e tests skip with a message (or fail under REQUIRE_SERVICES=1).
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing chromium (apt-get) for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "NOTE: $(CHROMIUM) is missing and we are not root: browser tests will be skipped."; \
	  echo "      Install it with: sudo apt-get install chromium"; \
	fi

test: setup chromium
	@$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# Starts the app on demo data (like the browser tests), signs in as each role and saves a
# PNG of each page at 1280x800 and 390x844 into screenshots/ (ignored by git).
screenshots: setup chromium
	@PYTHONPATH=$(CURDIR) $(PY) tests/support/screenshots.py $(SCREENSHOT_ARGS)

# Debian's libfaketime, plus a small preload that makes Python's timed lock waits work
# under it (see tests/support/faketime/clockwait_fix.c; needs a C compiler).
faketime:
	@if command -v faketime >/dev/null && command -v cc >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing faketime and gcc (apt-get) for the clock-moved tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime gcc >/dev/null; \
	else \
	  echo "faketime or a C compiler is missing: sudo apt-get install faketime gcc"; exit 1; \
	fi

$(FAKETIME_FIX): tests/support/faketime/clockwait_fix.c | faketime
	@mkdir -p $(@D)
	@cc -shared -fPIC -O2 -o $@ $< -ldl

test-faketime: setup chromium faketime $(FAKETIME_FIX)
	@echo "Tests with the clock at $(FAKETIME_AT) (UTC): $(or $(FAKETIME_TESTS),all)"
	@LD_PRELOAD=$(CURDIR)/$(FAKETIME_FIX) TZ=UTC faketime '$(FAKETIME_AT)' \
	  $(PY) -m pytest -p no:cacheprovider $(PYTEST_PARALLEL) $(FAKETIME_TESTS) $(PYTEST_ARGS)

lint: setup
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: setup
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

# Every bench/bench_*.py, even after one fails (each prints its own verdict); fails if any failed.
# Every bench/bench_*.py; BENCH_WS_SECONDS is the websocket load per N (60 s keeps `make
# bench` near 20 minutes; BENCH_WS_SECONDS=3600 is the 1-hour run; the app-starting benches
# share one build folder, BENCH_WEB_DIR), BENCH_WS_SCALE_OUT=1
# adds PostgreSQL + Redis with 2 workers and 400 users, BENCH_STRICT=1 fails on a missed
# load/HTTP target (by default those are printed as MISSED).
BENCH_WS_SECONDS ?= 60
BENCH_WEB_DIR    ?= /tmp/tutorbook-bench-web-$(shell id -u)-$(notdir $(CURDIR))
bench: setup
	@uptime; status=0; found=0; for script in bench/bench_*.py; do \
	  [ -e "$$script" ] || continue; found=1; \
	  echo "== $$script"; BENCH_WS_SECONDS=$(BENCH_WS_SECONDS) BENCH_WEB_DIR=$(BENCH_WEB_DIR) \
	    PYTHONPATH=$(CURDIR) \
	    $(PY) "$$script" || status=1; \
	done; [ $$found = 1 ] || echo "no bench/bench_*.py scripts"; uptime; exit $$status

# Build output and caches only; data/ (the embedded database) is never removed here.
clean:
	rm -rf .web .states .pytest_cache .ruff_cache .hypothesis test-results screenshots
	find . -path ./.venv -prune -o -path ./.tools -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Also the installed toolchain (.venv, bun): the next `make` reinstalls from scratch.
distclean: clean
	rm -rf $(VENV) .tools
