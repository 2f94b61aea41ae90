# Zizhu: `make run` serves the demo, `make test` runs the whole suite (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8080
DEMO_PASSWORD ?= zizhu-demo-2026
DEMO_SCHOOLS ?= 12
DEMO_PUPILS ?= 3000
FLASK := $(BIN)/flask --app run.py
ECHARTS_VERSION ?= 5.5.1

.PHONY: install translations extract-translations browser db run test lint bench fuzz mutation clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# the venv, and ECharts for the dashboard from npm (scripts/install-echarts.sh; instant when there)
install: $(BIN)/.installed
	@sh scripts/install-echarts.sh $(ECHARTS_VERSION)

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

# side by side (two cores): the suite on SQLite, the browser tests and, when APP_TEST_DATABASE_URL is
# set, the suite again on that database (which alone then uses APP_TEST_REDIS_URL); each one's
# result follows when all are done, with its whole output when it failed
test: browser translations
	@logs=$$(mktemp -d); run() { name=$$1; shift; "$$@" >$$logs/$$name 2>&1; echo $$? >$$logs/$$name.rc; }; \
	alone="-u APP_TEST_DATABASE_URL"; [ -z "$$APP_TEST_DATABASE_URL" ] || alone="$$alone -u APP_TEST_REDIS_URL"; \
	run sqlite env $$alone $(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/e2e tests & \
	run browser env -u APP_TEST_DATABASE_URL $(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e & \
	if [ -n "$$APP_TEST_DATABASE_URL" ]; then \
		run again $(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/e2e tests & \
	fi; \
	echo "running the suite on SQLite, the browser tests$${APP_TEST_DATABASE_URL:+ and the suite on $$APP_TEST_DATABASE_URL}"; \
	wait; failed=0; \
	for name in sqlite browser again; do \
		[ -f $$logs/$$name.rc ] || continue; \
		echo "== $$name: $$(tail -n 1 $$logs/$$name)"; \
		if [ "$$(cat $$logs/$$name.rc)" != 0 ]; then failed=1; cat $$logs/$$name; fi; \
	done; rm -rf $$logs; exit $$failed

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
