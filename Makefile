# 异地医保助手: every command a person or CI runs goes through here.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/current.tar.gz

export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTION_PORT)/webhook
export TRACKER_DB ?= var/conversations.db
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
# same data, same model: TensorFlow picks deterministic kernels
export TF_DETERMINISTIC_OPS := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore
export PYTHONDONTWRITEBYTECODE := 1

TRAIN_INPUTS := config.yml domain.yml $(wildcard assistant/__init__.py assistant/facets.py assistant/places.py assistant/roles.py assistant/scope.py assistant/text.py assistant/vocabulary.py) $(shell find data zh_nlu policies/hospitals -type f \( -name '*.yml' -o -name '*.txt' -o -name '*.py' \) 2>/dev/null)

.PHONY: help install lock lexicon train chat serve actions test lint unit validate \
        rasa-test e2e web browser services scale bench load kb-report clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## create .venv with Python 3.10 and the locked dependencies (only when the lock changed)
	@bash scripts/bootstrap.sh

lock: ## re-resolve requirements.in with Python 3.10 and rewrite requirements.lock
	@bash scripts/lock.sh

lexicon: install ## regenerate jieba's domain dictionary from the lexicon and region data
	@$(PY) -m zh_nlu.jieba_dict

$(MODEL): $(TRAIN_INPUTS) | install
	@echo "Training the model (inputs changed or no model yet) ..."
	@mkdir -p models && touch models/.training-started
	@$(RASA) train --fixed-model-name current --out models --quiet
	@# how long it took, for `make bench` (seconds since the marker was made)
	@echo $$(( $$(date +%s) - $$(stat -c %Y models/.training-started) )) > models/training-seconds
	@# dated when training began: an input edited meanwhile makes it stale again
	@touch -r models/.training-started $(MODEL) && rm -f models/.training-started

train: install $(MODEL) ## train the model if it is missing or older than its inputs

chat: install $(MODEL) ## chat in the terminal (starts and stops the servers it needs)
	@bash scripts/chat.sh

serve: install web $(MODEL) ## run the Rasa server (REST, socket.io, HTTP API) and the action server
	@bash scripts/serve.sh

actions: install ## run only the action server
	@$(RASA) run actions --port $(ACTION_PORT)

test: install lint unit validate $(MODEL) rasa-test e2e ## run the whole test suite

lint: install
	@$(VENV)/bin/ruff check actions assistant channels stores zh_nlu tests bench scripts rasa_sdk_plugins
	@$(VENV)/bin/ruff format --check actions assistant channels stores zh_nlu tests bench scripts rasa_sdk_plugins

unit: install
	@$(PY) -m pytest -q tests --ignore=tests/e2e --ignore=tests/browser

validate: install
	@$(PY) -m scripts.validate_data
	@$(PY) -m assistant.knowledge.validate

rasa-test: install $(MODEL)
	@$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out results/core

e2e: install web browser services $(MODEL)
	@$(PY) -m pytest -q tests/e2e tests/browser

web: ## build the web chat (widget and WeChat-style window) into web/dist with npm
	@bash scripts/web.sh

services: ## make sure Debian's PostgreSQL, Redis and nginx are there for the scale-out tests (installs them as root)
	@bash scripts/services.sh

scale: install services $(MODEL) ## two Rasa replicas, two action servers, PostgreSQL, Redis and nginx on loopback, until Ctrl-C
	@$(PY) -m bench.cluster --port $(RASA_PORT)

load: install services $(MODEL) ## load test: N = 1, 10, 50, 100 simulated users on one replica, then on the scale-out setup, then other users' latency during a flood
	@$(PY) -m bench.load --start single
	@$(PY) -m bench.load --start scaled
	@$(PY) -m bench.flood

browser: ## make sure Debian's Chromium is there for the browser tests (installs it as root)
	@bash scripts/browser.sh

kb-report: install ## print the knowledge base's coverage table and the facts overdue for a re-check
	@$(PY) -m assistant.knowledge.report

bench: install $(MODEL) ## print NLU accuracy/macro-F1 and per-turn latency figures
	@$(PY) -m bench.run
	@$(PY) -m bench.long_conversation

clean:
	rm -rf models results .pytest_cache .ruff_cache web/dist web/node_modules
