# warranty_service: `make run`, `make test` and the other commands (README.md; docs/admin.md in detail).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run test lint bench venv clean i18n readme test-upgrade loadtest

help:
	@echo "make run   - set up the environment and serve the demo on http://localhost:8069"
	@echo "make test  - run the Odoo tests and the end-to-end tests on a throwaway database"
	@echo "make lint  - ruff and pylint-odoo (OCA's 18.0 checks) on the code; fails on any message"
	@echo "make i18n  - regenerate warranty_service/i18n/warranty_service.pot from the code and merge it into the .po files"
	@echo "make readme - regenerate warranty_service/README.rst and static/description/index.html from readme/*.rst"
	@echo "make test-upgrade - install the last release (bbe6b73) with demo data, upgrade to this code, check the data, uninstall, reinstall"
	@echo "make loadtest - a busy hour on Odoo's multi-process server with locust (QUICK=1: under 10 minutes; REPLICA=1: also with a read replica)"
	@echo "make bench - measure the addon against core Odoo on databases of its own (QUICK=1: small sizes)"

venv:
	@bash tools/setup.sh

run:
	@bash tools/run.sh

test:
	@bash tools/test.sh

lint:
	@bash tools/lint.sh

i18n:
	@bash tools/i18n.sh

readme:
	@CHECK="$(CHECK)" bash tools/gen_readme.sh

test-upgrade:
	@bash tools/test_upgrade.sh

loadtest:
	@QUICK="$(QUICK)" REPLICA="$(REPLICA)" bash tools/loadtest.sh

bench:
	@QUICK="$(QUICK)" bash bench/run.sh

clean:
	rm -rf .venv .pgdata
