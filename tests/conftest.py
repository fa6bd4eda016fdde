from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "sample_answers"


@pytest.fixture(scope="session")
def rubric():
    from mlops_workbook.assessment.rubric import load_rubric

    return load_rubric("mlops-maturity")


@pytest.fixture
def write_json(tmp_path):
    def _write(name: str, data) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data) if not isinstance(data, str) else data)
        return path

    return _write


def sample_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*.json"))
    assert files, "no sample answers found"  # guard against a silent empty glob
    return files


@pytest.fixture(scope="module")
def browser():
    """One headless Debian Chromium per test module (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from ._servers import ARGS, CHROMIUM

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
