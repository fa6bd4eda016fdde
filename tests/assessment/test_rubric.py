from __future__ import annotations

import copy
import re

import pytest
import yaml

from mlops_workbook.errors import RubricError
from mlops_workbook.assessment.rubric import available_rubrics, load_rubric, parse_rubric

from ..conftest import ROOT

BUNDLED = sorted((ROOT / "rubrics").glob("*.yaml"))


def test_bundled_rubrics_are_found():
    assert BUNDLED, "no rubrics found"
    assert {"mlops-maturity", "quick-check"} <= set(available_rubrics())


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_rubric_validates(path):
    rub = load_rubric(path)
    assert rub.id == path.stem
    assert [lv.level for lv in rub.levels] == [0, 1, 2, 3, 4]
    for dim in rub.dimensions:
        assert [b.level for b in dim.levels] == [1, 2, 3, 4]
    assert [p.level for p in rub.phases] == [1, 2, 3, 4]


def test_default_rubric_shape(rubric):
    names = [d.name for d in rubric.dimensions]
    assert names == ["Data Management", "Model Development", "Deployment", "Monitoring", "Governance",
                     "People & Process"]
    for dim in rubric.dimensions:
        for block in dim.levels:
            assert 3 <= len(block.criteria) <= 6, (dim.id, block.level)
    assert [lv.name for lv in rubric.levels] == [
        "No MLOps", "DevOps for ML", "Automated ML", "Mature MLOps", "AI-First Organization"]
    assert [lv.alias for lv in rubric.levels] == ["Manual", "Scripted", "Automated", "Monitored", "Optimized"]
    assert [lv.effort for lv in rubric.levels[1:]] == ["about a week", "2-4 weeks", "4-8 weeks", "2-3 months"]
    assert [p.name for p in rubric.phases] == ["Foundation", "Automation", "Scaling", "Optimization"]
    examples = {t.id: t.examples for t in rubric.tool_categories}
    assert "Feast" in examples["feature-store"] and "Evidently" in examples["monitoring"]
    assert {"version-control", "feature-store", "experiment-tracking", "model-registry", "deployment",
            "monitoring", "orchestration"} == set(examples)


def test_quick_check_is_short():
    rub = load_rubric("quick-check")
    assert len(rub.criteria) <= 15


# Every characteristic the seeds name, as a phrase that must appear in some criterion or its guidance.
SEED_TERMS = [
    "version control", "data versioning|datasets are versioned", "experiment tracking", "hyperparameter",
    "model versioning|every trained model is versioned", "lineage", "automated model validation", "ci/cd",
    "automated testing|automated tests", "feature engineering", "data validation", "feature store",
    "data quality", "automated data labeling|labeling is automated", "active learning", "architecture search",
    "self-improving|improve continuously", "a/b test", "canary", "automated rollback", "self-healing",
    "alerting|alerts", "drift detection", "prediction drift", "automated retraining|retraining run",
    "root cause analysis", "self-optimiz", "model registry", "approval workflow", "model cards",
    "compliance checks", "explainab", "bias", "documentation", "federated learning", "continuous training|ci/cd/ct",
    "logging|logs requests", "dashboards", "business metrics", "roles and responsibilities", "cross-functional",
    "executive sponsorship", "skill", "technical debt", "cost", "adversarial", "data poisoning", "model theft",
    "data locality", "autoscaling|scale with load", "reproduc", "model selection", "audit", "owner",
    "batch and real-time", "multi-cloud|clouds", "ethics", "talent",
]


@pytest.mark.parametrize("term", SEED_TERMS)
def test_every_seed_characteristic_is_covered(rubric, term):
    corpus = " ".join(f"{c.text} {c.guidance}" for c in rubric.iter_criteria()).lower()
    assert re.search(term, corpus), f"seed term {term!r} appears in no criterion"


# --------------------------------------------------------------------------- bad rubrics


@pytest.fixture
def good_doc():
    return yaml.safe_load((ROOT / "rubrics" / "mlops-maturity.yaml").read_text())


def _error(doc) -> str:
    with pytest.raises(RubricError) as info:
        parse_rubric(doc, source="rubrics/x.yaml")
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_criterion_id_names_the_path(good_doc):
    del good_doc["dimensions"][2]["levels"][3]["criteria"][0]["id"]
    assert _error(good_doc) == "rubrics/x.yaml: dimensions[2].levels[3].criteria[0]: missing 'id'"


def test_duplicate_criterion_id(good_doc):
    doc = copy.deepcopy(good_doc)
    doc["dimensions"][1]["levels"][0]["criteria"][0]["id"] = "data-1-versioning"
    assert _error(doc) == (
        "rubrics/x.yaml: dimensions[1].levels[0].criteria[0].id: duplicate id 'data-1-versioning' "
        "(also dimensions[0].levels[0].criteria[0])"
    )


def test_level_out_of_range(good_doc):
    good_doc["dimensions"][0]["levels"][1]["level"] = 7
    msg = _error(good_doc)
    assert msg.startswith("rubrics/x.yaml: dimensions[0].levels[1].level: ") and "4" in msg


def test_duplicate_level_in_dimension(good_doc):
    good_doc["dimensions"][0]["levels"][1]["level"] = 1
    assert "dimensions[0].levels[1].level: level 1 appears twice" in _error(good_doc)


def test_unknown_field_and_wrong_type(good_doc):
    doc = copy.deepcopy(good_doc)
    doc["dimensions"][4]["colour"] = "red"
    assert _error(doc) == "rubrics/x.yaml: dimensions[4]: unknown field 'colour'"
    doc = copy.deepcopy(good_doc)
    doc["pass_ratio"] = "high"
    assert _error(doc).startswith("rubrics/x.yaml: pass_ratio: ")


def test_unknown_tool_category(good_doc):
    good_doc["levels"][2]["tool_categories"].append("crystal-ball")
    assert _error(good_doc) == "rubrics/x.yaml: levels[2].tool_categories[3]: unknown tool category 'crystal-ball'"


def test_invalid_yaml_and_unknown_id(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: [unclosed\n")
    with pytest.raises(RubricError, match=r"broken.yaml: line \d+: invalid YAML"):
        load_rubric(bad)
    with pytest.raises(RubricError, match="unknown rubric 'nope' \\(known: .*mlops-maturity"):
        load_rubric("nope")


def test_to_dict_shape(rubric):
    data = rubric.to_dict()
    assert {"id", "version", "levels", "dimensions"} <= set(data)
    assert [lv["level"] for lv in data["levels"]] == [0, 1, 2, 3, 4]
    assert all(lv["name"] for lv in data["levels"])
    first = data["dimensions"][0]
    assert [b["level"] for b in first["levels"]] == [1, 2, 3, 4]
    assert {"id", "text"} <= set(first["levels"][0]["criteria"][0])
