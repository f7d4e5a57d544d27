# nnsimple-lab: `make help` lists every target.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.instalado
PYTHON ?= python3

# Grid overrides, e.g. make report LR="0.01 0.1 0.5 1.0" INIT="zeros random" LOSS="bce mse" ITERATIONS=2000 SEEDS=50
LR   ?=
INIT ?=
LOSS ?=
JOBS ?=
ITERATIONS ?=
SEEDS ?=
SWEEP_ARGS := $(if $(LR),--lr $(LR)) $(if $(INIT),--init $(INIT)) $(if $(LOSS),--loss $(LOSS)) $(if $(JOBS),--jobs $(JOBS)) \
	$(if $(ITERATIONS),--iterations $(ITERATIONS)) $(if $(SEEDS),--seeds $(SEEDS))

.PHONY: help venv runs report html pdf test lint lab clean

help: ## Muestra esta ayuda
	@echo "nnsimple-lab: informe reproducible del laboratorio NNsimple"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo 'Rejilla distinta: make report LR="0.01 0.1 0.5 1.0" INIT="zeros random" LOSS="bce mse" JOBS=2'

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP) ## Crea el entorno .venv desde requirements.txt (solo si cambió)

runs: $(STAMP) ## Ejecuta la rejilla de experimentos en reports/runs (LR=, INIT=, LOSS=, JOBS= la cambian)
	$(PY) sweep.py $(SWEEP_ARGS)

# `make report`: the sweep, then the report notebook and both renderings, each only if stale.
# A failed run does not stop the report (it shows "ejecución fallida"), but the exit code
# stays non-zero; bad input (exit 2) or an interruption stops here.
# Two builds at once: the second waits for the first (flock on reports/.build.lock).
report: $(STAMP) ## Todo: barrido, informe y sus versiones HTML y PDF en reports/
	@mkdir -p reports; exec 9>reports/.build.lock; \
	if ! flock -n 9; then echo "Otra compilación del informe está en curso; esperando a que termine..." >&2; flock 9; fi; \
	$(PY) sweep.py $(SWEEP_ARGS); rc=$$?; \
	if [ $$rc -ne 0 ] && [ $$rc -ne 1 ]; then exit $$rc; fi; \
	$(MAKE) --no-print-directory reports/informe.html reports/informe.pdf || exit $$?; \
	if [ $$rc -ne 0 ]; then echo "Informe generado, pero hubo ejecuciones fallidas (vea el resumen del barrido)." >&2; fi; \
	exit $$rc

REPORT_NB := reports/informe.ipynb

html: reports/informe.html ## Genera reports/informe.html (sin conexión) y las páginas de reports/runs/

pdf: reports/informe.pdf ## Genera reports/informe.pdf (Typst; no hace falta TeX)

# One process renders both files (nbconvert is imported once).
reports/informe.html reports/informe.pdf &: $(REPORT_NB) render.py outputs.py \
		$(wildcard templates/informe_html/*.j2 templates/informe_html/static/* templates/informe_typst/*.j2) | $(STAMP)
	$(PY) render.py $(REPORT_NB) --html reports/informe.html --pdf reports/informe.pdf --runs-html

test: $(STAMP) ## Ejecuta todas las pruebas (pytest) y el linter (ruff)
	$(PY) -m pytest
	$(PY) -m ruff check .

lint: $(STAMP) ## Revisa el código con ruff
	$(PY) -m ruff check .

lab: $(STAMP) ## Abre notebooks/ en JupyterLab con el kernel del proyecto
	$(PY) -m jupyter lab notebooks/

# The report notebook, executed by papermill on the sweep's results. Written atomically:
# papermill writes a temporary notebook, renamed into place only when every cell ran; a
# failed execution is kept as reports/informe.failed.ipynb for reading.
# Temporary name unique per build ($$$$: the recipe shell's PID), so two builds never share it.
INFORME_TMP := reports/.informe.tmp-$$$$.ipynb
reports/informe.ipynb: reports/runs/manifest.json $(wildcard reports/runs/*.json) notebooks/informe.ipynb report.py \
		outputs.py lab.toml nnsimple.py results.py | $(STAMP)
	@mkdir -p $(@D)
	@tmp=$(INFORME_TMP); rm -f reports/informe.failed.ipynb; \
	$(PY) -m papermill notebooks/informe.ipynb $$tmp --cwd $(CURDIR) --log-level WARNING --no-progress-bar \
		-p runs_dir $(CURDIR)/reports/runs -p lab_toml $(CURDIR)/lab.toml \
	|| { mv -f $$tmp reports/informe.failed.ipynb 2>/dev/null; \
	     echo "El informe falló: vea reports/informe.failed.ipynb" >&2; exit 1; }; \
	mv -f $$tmp $@

clean: ## Borra lo generado en reports/ (conserva .venv)
	find reports -mindepth 1 ! -name .gitkeep -delete
