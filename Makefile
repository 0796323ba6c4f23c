# Two commands for a fresh machine: `make demo` and `make test` (see README).
SHELL := /bin/bash
.PHONY: install build demo test check format down clean

install:
	@./scripts/install-deps.sh

build: install
	@npm run --silent build

demo: build
	@./scripts/demo.sh

check: install
	npx tsc --noEmit -p tsconfig.json
	npx eslint .
	npx prettier --check src test

format: install
	npx prettier --write src test

test: build
	@./scripts/test.sh

down:
	@node bin/atc rig down

clean:
	rm -rf dist .atc
