# The two commands of the README: `make run` and `make test`. Each sets up a fresh Debian machine
# (apt packages, a .venv with the locked versions and the project in editable mode) and is quick
# when already set up. Versions come only from the lock files in requirements/ (hashes checked);
# `make lock` rewrites them after a change to pyproject.toml's dependencies, and
# `make lock UPGRADE=--upgrade` takes new releases (or UPGRADE="--upgrade-package ruff").
# `make deb` builds the Debian package; `make appliance-check` installs, upgrades and removes it
# in a throwaway Debian 12 root; `make wheel-check` runs `kiosk demo` from a wheel outside the checkout.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
LOCK_DEV    := requirements/dev.txt
LOCK_RUNTIME := requirements/runtime.txt
UPGRADE     ?=
UV_COMPILE  := $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
    --generate-hashes --quiet --custom-compile-command "make lock"
APT_STAMP   := $(VENV)/.apt-ok
OUT         ?= out/demo
APT_PACKAGES := python3 python3-venv libzbar0 libpulse0 libegl1 libgl1 libxkbcommon0 \
    libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 fonts-noto-core sane-utils poppler-utils \
    espeak-ng speech-dispatcher-espeak-ng systemd prometheus postgresql apt-utils gnupg \
    systemd-journal-remote speech-dispatcher dosfstools exfatprogs exfat-fuse debootstrap lintian \
    cage xwayland seatd libwayland-cursor0 libwayland-egl1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTHON311 := $(shell command -v python3.11 || echo /usr/bin/python3.11)

.PHONY: help setup apt run demo test lint typecheck boundaries bench clean lock deb wheel-check \
    appliance-check

help:
	@echo "make run   - set up, then run the kiosk on simulated devices (headless: scripted demo into $(OUT))"
	@echo "make test  - set up, then lint, type-check, check layer boundaries and run the test suite"
	@echo "make lock  - re-resolve requirements/*.txt after editing pyproject.toml (UPGRADE=--upgrade)"
	@echo "make deb   - build the Debian package into dist/ (the app and its locked venv, /opt/dvc-kiosk)"
	@echo "make appliance-check - install, upgrade and remove that package in a throwaway Debian 12 root"
	@echo "make wheel-check     - build the wheel, install it in a temporary venv, run kiosk demo"

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

$(STAMP): $(LOCK_DEV) pyproject.toml setup.py | $(APT_STAMP)
	@[ -x $(PY) ] || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes --no-deps -r $(LOCK_DEV)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	$(PY) packaging/prune_venv.py $(LOCK_DEV)
	$(PY) -m pip check
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

lock: setup
	$(UV_COMPILE) --extra dev --extra gateway-postgres $(UPGRADE) -o $(LOCK_DEV)
	$(UV_COMPILE) -c $(LOCK_DEV) -o $(LOCK_RUNTIME)

deb: setup
	packaging/build-deb.sh $(LOCK_RUNTIME) dist

wheel-check: setup
	packaging/wheel-check.sh

appliance-check: deb
	packaging/appliance-check.sh dist

clean:
	rm -rf out build dist *.egg-info
