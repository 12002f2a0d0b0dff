# Cap Industrie — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.PHONY: run test chromium install db lint bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

db: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask refdata load
	$(BIN)/flask demo load

run: db
	$(BIN)/flask run --host 127.0.0.1 --port 5000

CHROMIUM := /usr/bin/chromium

test: $(STAMP) chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests are part of the suite: stop early with the fix rather than 5 failures later.
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Chromium est introuvable ($(CHROMIUM)) : les tests navigateur en ont besoin."; \
	  echo "Chromium is missing ($(CHROMIUM)): the browser tests need Debian's package."; \
	  echo "  sudo apt-get install -y --no-install-recommends chromium"; \
	  exit 1; }

lint: $(STAMP)
	$(BIN)/ruff check capindustrie tests bench

bench: $(STAMP)
	$(BIN)/python bench/search.py

# Production set-up under load (gunicorn + PostgreSQL + Redis, measured with wrk): needs
# BENCH_DATABASE_URL=postgresql://… (its public schema is rebuilt), wrk and redis-server.
bench-load: $(STAMP)
	$(BIN)/python bench/load.py --database-url "$(BENCH_DATABASE_URL)" $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache
