# warranty_service: two commands, `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run test venv clean

help:
	@echo "make run   - set up the environment and serve the demo on http://localhost:8069"
	@echo "make test  - run the Odoo tests and the end-to-end tests on a throwaway database"

venv:
	@bash tools/setup.sh

run:
	@bash tools/run.sh

test:
	@bash tools/test.sh

clean:
	rm -rf .venv .pgdata
