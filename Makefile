# pozytek — the two commands: `make run` and `make test`.
PY := .venv/bin/python
PIP := .venv/bin/pip
STAMP := .venv/.installed

.PHONY: run test up lint format install messages bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)
	bin/system-deps run
	$(PY) manage.py compilemessages -v0 --ignore=.venv

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo_data
	$(PY) manage.py runserver 127.0.0.1:8000

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules/.installed

test: $(STAMP)
	bin/system-deps test
	$(MAKE) node_modules/.installed
	bin/services
	$(PY) manage.py compilemessages -v0 --ignore=.venv
	$(PY) -m pytest $(PYTEST_ARGS)

up: install
	bin/up

lint: $(STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: $(STAMP)
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l pl -l en --ignore=.venv --ignore=var --ignore=bench --ignore=tests --ignore=node_modules --no-obsolete

bench: install
	bin/services
	$(PY) bench/public_pages.py
	$(PY) bench/notices.py

clean:
	rm -rf .venv var node_modules
