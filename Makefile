# bianzhi — 机构编制评估系统. `make run` to try it, `make test` to test it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?=
MAKEMESSAGES_IGNORE := --ignore .venv --ignore tests --ignore var --ignore 'node_modules/*'
# pyproject's optional extras to install; CI adds `ldap` (it needs libldap2-dev and libsasl2-dev to build).
EXTRAS ?= dev

# `make run` is a local demo: debug on, a throwaway secret unless one is given; the links and QR codes it
# prints point at the port it serves (PORT=8080 make run), unless PUBLIC_BASE_URL says otherwise.
DEV_ENV := DEBUG=$${DEBUG:-1} SECRET_KEY=$${SECRET_KEY:-dev-only-insecure-key} \
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}

.PHONY: install run test lint worker beat bench migrate demo clean backup messages messages-update messages-check

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[$(EXTRAS)]'
	touch $@

install: $(BIN)/.installed messages

# The English catalogue: the .po files are in git, the compiled .mo files are built here (and gitignored).
# msgfmt --check also refuses a translation whose placeholders differ from its msgid's.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
%.mo: %.po
	msgfmt --check -o $@ $<
messages: $(MO_FILES)

# After marking new strings: refresh the catalogue from the code, then translate what it reports as missing.
messages-update: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete $(MAKEMESSAGES_IGNORE)
	$(BIN)/python manage.py makemessages -d djangojs -l en --no-obsolete $(MAKEMESSAGES_IGNORE) --ignore 'static/vendor/*'
	$(BIN)/python -m bianzhi.i18n_check

# Untranslated or fuzzy entries, and Chinese left in a translation (the test suite fails on the same).
messages-check:
	$(BIN)/python -m bianzhi.i18n_check

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

run: demo
	@echo "机构编制评估系统: http://127.0.0.1:$(PORT)/"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (pyflakes, bugbear, django, datetime-tz, simplify, imports) and the layers (.importlinter)
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

worker: install
	$(DEV_ENV) $(BIN)/celery -A bianzhi worker -Q default,reports -l info

beat: install  # exactly one: the sweep that re-dispatches background jobs (or cron `manage.py sweep_jobs`)
	mkdir -p var && $(DEV_ENV) $(BIN)/celery -A bianzhi beat -l info -s var/celerybeat-schedule

bench: install
	$(BIN)/python -m pytest tests/benchmarks -o addopts="" -p no:cacheprovider -q $(PYTEST_ARGS)
	@echo "figures written to bench-results.json"

# A dated archive of the database and the private files, with its SHA-256 (see README: Production).
# The secret signs nothing in a backup: a placeholder lets it run where SECRET_KEY is not exported.
backup: install
	SECRET_KEY=$${SECRET_KEY:-unused-by-backup} $(BIN)/python manage.py backup $(BACKUP_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 var
