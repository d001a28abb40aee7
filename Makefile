# bianzhi — 机构编制评估系统. `make run` to try it, `make test` to test it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?=

# `make run` is a local demo: debug on, a throwaway secret unless one is given; the links and QR codes it
# prints point at the port it serves (PORT=8080 make run), unless PUBLIC_BASE_URL says otherwise.
DEV_ENV := DEBUG=$${DEBUG:-1} SECRET_KEY=$${SECRET_KEY:-dev-only-insecure-key} \
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}

.PHONY: install run test worker bench migrate demo clean

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

install: $(BIN)/.installed

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

run: demo
	@echo "机构编制评估系统: http://127.0.0.1:$(PORT)/"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install
	$(DEV_ENV) $(BIN)/celery -A bianzhi worker -Q default,reports -l info

bench: install
	$(BIN)/python -m pytest tests/benchmarks -o addopts="" -p no:cacheprovider -q $(PYTEST_ARGS)
	@echo "figures written to bench-results.json"

clean:
	rm -rf $(VENV) db.sqlite3 var
