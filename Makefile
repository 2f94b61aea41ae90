# Zizhu: `make run` serves the demo, `make test` runs the whole suite (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8080
DEMO_PASSWORD ?= zizhu-demo-2026
DEMO_SCHOOLS ?= 12
DEMO_PUPILS ?= 3000
FLASK := $(BIN)/flask --app run.py

.PHONY: install translations extract-translations browser db run test lint bench fuzz mutation clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# compile the catalogues quietly (no "compiling …" lines) and fail with pybabel when it fails
translations: install
	@out=$$($(BIN)/pybabel compile --use-fuzzy -d translations 2>&1); status=$$?; \
	printf '%s\n' "$$out" | grep -v -e '^compiling' -e '^$$' >&2; exit $$status

extract-translations: install
	BIN=$(BIN) sh translations/extract.sh

db: translations
	$(FLASK) db upgrade
	$(FLASK) aid init
	$(FLASK) aid seed-demo --if-empty --schools $(DEMO_SCHOOLS) --pupils $(DEMO_PUPILS) --password $(DEMO_PASSWORD)

# the web process and, beside it, the background-job worker (stopped together with Ctrl+C)
run: db
	@echo "Zizhu: http://127.0.0.1:$(PORT)/  (demo accounts above, password: $(DEMO_PASSWORD))"
	@$(FLASK) aid worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT) --no-debugger

# Debian's chromium and a CJK font for the browser tests: installed when root or passwordless
# sudo may, else a stop with the one command to run; instant when both are there
browser:
	@sh scripts/install-browser.sh

test: browser translations
	env -u APP_TEST_DATABASE_URL $(BIN)/python -m pytest -q -p no:cacheprovider tests
	@if [ -n "$$APP_TEST_DATABASE_URL" ]; then \
		echo "== again on $$APP_TEST_DATABASE_URL =="; \
		$(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/e2e tests; \
	fi

lint: install
	$(BIN)/ruff check app tests bench config.py run.py

bench: translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Schemathesis against a scratch server (fresh SQLite under /tmp) as school1 and district; not part of `make test`
fuzz: translations
	$(BIN)/python bench/fuzz.py $(FUZZ_ARGS)

# mutmut over the scope, masking, workflow, working-day and scoring rules, on SQLite, one worker
# (docs/mutation.md); not part of `make test`. `mutmut results` / `mutmut show <name>` afterwards.
MUTATION_ARGS ?= --max-children 1
mutation: translations
	rm -rf mutants
	env -u APP_TEST_DATABASE_URL $(BIN)/mutmut run $(MUTATION_ARGS)
	$(BIN)/python bench/mutation_report.py

clean:
	rm -rf instance/zizhu.db bench/out
