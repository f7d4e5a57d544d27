# nnsimple-lab: `make help` lists every target.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.instalado
PYTHON ?= python3

# Grid overrides, one per option of the command line, e.g.
#   make report LR="0.01 0.1 0.5 1.0" INIT="zeros random" LOSS="bce mse" ITERATIONS=2000 SEEDS=50
# CONFIRM=1 (--si) starts work estimated to take long or more memory than is free.
# EXECUTOR=dask runs the sweep on a Dask LocalCluster here, EXECUTOR=tcp://HOST:8786 on an existing
# Dask scheduler (README: «Una rejilla grande en un clúster»); default: the project's own pool.
LR ?=
INIT ?=
LOSS ?=
DATASET ?=
N_H ?=
ITERATIONS ?=
SEED ?=
SEEDS ?=
JOBS ?=
CONFIRM ?=
EXECUTOR ?=
SWEEP_ARGS := $(if $(LR),--lr $(LR)) $(if $(INIT),--init $(INIT)) $(if $(LOSS),--loss $(LOSS)) \
	$(if $(DATASET),--dataset $(DATASET)) $(if $(N_H),--n-h $(N_H)) $(if $(ITERATIONS),--iterations $(ITERATIONS)) \
	$(if $(SEED),--seed $(SEED)) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(JOBS),--jobs $(JOBS)) \
	$(if $(filter-out 0,$(CONFIRM)),--si) $(if $(EXECUTOR),--executor $(EXECUTOR))

# The variables a user may set on make's command line; any other given there is refused before
# anything runs, with the closest valid name: a typo (lr=0.7, INITS=xavier) would otherwise
# build the default grid without a word. Checked with the system's Python (standard library only).
VARIABLES := LR INIT LOSS DATASET N_H ITERATIONS SEED SEEDS JOBS CONFIRM EXECUTOR BENCH_ARGS PYTHON VENV
GIVEN := $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v)))
ifneq ($(filter-out $(VARIABLES),$(GIVEN)),)
$(shell $(PYTHON) -m nnsimple_lab.makevars --valid "$(VARIABLES)" --given "$(GIVEN)" >&2)
$(error variables de make desconocidas; no se hizo nada)
endif
# Messages of the build then name LR=, INIT=, … (what the user typed), not --lr, --init.
AS_MAKE = NNSIMPLE_LAB_MAKE="make $@"

.PHONY: help venv axe runs report html pdf test test-fast lint bench bench-bounds lab clean

help: ## Muestra esta ayuda
	@echo "nnsimple-lab: informe reproducible del laboratorio NNsimple"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo 'Rejilla distinta: make report LR="0.01 0.1 0.5 1.0" INIT="zeros random" LOSS="bce mse" JOBS=2'
	@echo 'Variables: LR, INIT, LOSS, DATASET, N_H, ITERATIONS, SEED, SEEDS, JOBS (por defecto: lab.toml);'
	@echo '  CONFIRM=1 confirma un trabajo estimado en varios minutos o en más memoria de la libre;'
	@echo '  EXECUTOR=dask (Dask en esta máquina) o EXECUTOR=tcp://MÁQUINA:8786 (un clúster de Dask)'

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP) ## Crea el entorno .venv desde requirements.txt (solo si cambió)

# axe-core (npm, pinned in tests/axe/package-lock.json) for the accessibility test in a real browser
# (tests/test_accessibility.py), in the git-ignored tests/axe/node_modules. Without npm the test
# skips and says what to install; the browser is Debian's chromium and chromium-driver.
AXE := tests/axe/node_modules/axe-core/axe.min.js
axe: $(AXE) ## Instala axe-core (npm) para la prueba de accesibilidad en el navegador
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "aviso: falta npm (Debian: apt-get install npm); la prueba de accesibilidad se omitirá"; fi

runs: $(STAMP) ## Ejecuta la rejilla de experimentos en reports/runs (LR=, INIT=, LOSS=, JOBS= la cambian)
	@$(AS_MAKE) $(PY) -m nnsimple_lab.sweep $(SWEEP_ARGS)

# `make report`: build.py runs the sweep, the report notebook and both renderings (and the
# pages of the runs) in one process, each only if stale: a second `make report` with nothing
# changed rewrites nothing. A failed run does not stop the report (it shows "ejecución
# fallida"), but the exit code stays non-zero; bad input (exit 2) or an interruption stops it.
# make itself exits 2 whatever the build's code (1, 2 or 130: GNU make has no way to pass it
# on); the build's last message says which it was.
report: $(STAMP) ## Todo: barrido, informe y sus versiones HTML y PDF en reports/ (solo lo que cambió)
	@$(AS_MAKE) $(PY) -m nnsimple_lab.build $(SWEEP_ARGS)

html: $(STAMP) ## Solo reports/informe.html (sin conexión) y las páginas de reports/runs/, de las ejecuciones ya hechas
	@$(AS_MAKE) $(PY) -m nnsimple_lab.build --no-sweep --formato html

pdf: $(STAMP) ## Solo reports/informe.pdf (Typst; no hace falta TeX), de las ejecuciones ya hechas
	@$(AS_MAKE) $(PY) -m nnsimple_lab.build --no-sweep --formato pdf

test: $(STAMP) axe ## Ejecuta todas las pruebas (pytest) y revisa el código (ruff); lo que corre CI
	$(PY) -m pytest
	@$(MAKE) --no-print-directory lint

test-fast: $(STAMP) ## Las pruebas rápidas (sin las marcadas slow: compilaciones completas y fallos) y ruff
	$(PY) -m pytest -m "not slow"
	@$(MAKE) --no-print-directory lint

lint: $(STAMP) ## Revisa el código con ruff: reglas y formato
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# JupyterLab refuses to run as root without --allow-root: a student in a container is root.
LAB_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP) ## Abre notebooks/ en JupyterLab (la dirección con su token se imprime abajo; Ctrl-C dos veces lo detiene)
	$(PY) -m jupyter lab --notebook-dir=notebooks --no-browser $(LAB_ARGS)

# Speed of the build against a naive papermill loop, the sweep on Dask against the pool, and the
# results of big grids (54 runs on disk, the report step of 1002 runs); in temporary folders
# (reports/ untouched). BENCH_ARGS go to the first (--repeats N).
BENCH_ARGS ?=
bench: $(STAMP) ## Mide la compilación frente a un bucle ingenuo de papermill, Dask frente al propio y una rejilla de 1002 ejecuciones; unos 30 minutos
	$(PY) benchmarks/bench_build.py $(BENCH_ARGS)
	$(PY) benchmarks/bench_cluster.py
	$(PY) benchmarks/bench_scale.py

# Memory, time and sizes with ITERATIONS=1000000 (one run), and the refusal of work of hours.
bench-bounds: $(STAMP) ## Mide memoria y tamaños con ITERATIONS=1000000 (una ejecución); unos 2 minutos
	$(PY) benchmarks/bench_bounds.py $(BENCH_ARGS)

# Through the build's lock: a clean waits for a build at work instead of removing its files
# under it. Without a venv yet, the system's Python does it (standard library only).
clean: ## Borra lo generado en reports/ (conserva .venv); espera a una compilación en curso
	@$(if $(wildcard $(PY)),$(PY),$(PYTHON)) -m nnsimple_lab.clean
