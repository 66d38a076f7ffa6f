# The two commands of the README: `make run` and `make test`. Each sets up a fresh Debian machine
# (apt packages, a .venv with the project in editable mode) and is quick when already set up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
APT_STAMP   := $(VENV)/.apt-ok
OUT         ?= out/demo
APT_PACKAGES := python3 python3-venv libzbar0 libpulse0 libegl1 libgl1 libxkbcommon0 \
    libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 fonts-noto-core sane-utils poppler-utils \
    espeak-ng speech-dispatcher-espeak-ng systemd prometheus
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTHON311 := $(shell command -v python3.11 || echo /usr/bin/python3.11)

.PHONY: help setup apt run demo test lint typecheck boundaries bench clean

help:
	@echo "make run   - set up, then run the kiosk on simulated devices (headless: scripted demo into $(OUT))"
	@echo "make test  - set up, then lint, type-check, check layer boundaries and run the test suite"

apt: $(APT_STAMP)
$(APT_STAMP):
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v python3.11 >/dev/null || { echo "Python 3.11 is required (Debian 12 ships it as python3)"; exit 1; }
	@mkdir -p $(VENV) && touch $@

$(STAMP): pyproject.toml | $(APT_STAMP)
	@[ -x $(PY) ] || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

setup: $(STAMP)

run: setup
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(VENV)/bin/kiosk run --simulate; \
	else \
	  echo "No display: playing the scripted demo session offscreen into $(OUT)"; \
	  QT_QPA_PLATFORM=offscreen $(VENV)/bin/kiosk demo --out $(OUT); \
	fi

lint: setup
	$(VENV)/bin/ruff check kiosk devices sync tests bench

typecheck: setup
	$(VENV)/bin/mypy

boundaries: setup
	$(VENV)/bin/lint-imports --config pyproject.toml

test: lint typecheck boundaries
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest

bench: setup
	taskset -c 0 $(PY) -m bench.qr.run
	taskset -c 0 $(PY) -m bench.imaging.run
	$(PY) -m bench.sync
	$(PY) -m bench.ui.run

clean:
	rm -rf out build *.egg-info
