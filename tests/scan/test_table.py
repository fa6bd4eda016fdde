"""What a scan hands back beside its findings: the next steps (criteria missing or partial, with the
remediation of the probes that would evidence them), in `scan --json`, in the table and grouped by action."""

from __future__ import annotations

import json

from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.cli import main
from mlops_workbook.scan import scan
from mlops_workbook.scan.probes import PROBE_INFO
from mlops_workbook.scan.table import actions, criterion_remediation, missing_lines, next_steps
from tests.scan.test_probes import write_tree
from tests.scan.test_scan import REALISTIC

RUBRIC = load_rubric("mlops-maturity")


def steps_of(tmp_path, files):
    result = scan(write_tree(tmp_path, files), RUBRIC)
    return result, {s.criterion.id: s for s in next_steps(result, RUBRIC)}


def test_every_criterion_without_evidence_gets_the_remediation_of_its_probes(tmp_path):
    result, steps = steps_of(tmp_path, REALISTIC)
    found = {f.criterion for f in result.findings}
    with_probes = [c for c in RUBRIC.iter_criteria() if c.evidence and c.id not in found]
    assert with_probes and {cid for cid, s in steps.items() if s.status == "missing"} == {c.id for c in with_probes}
    for criterion in with_probes:
        assert steps[criterion.id].probes == criterion_remediation(criterion)
    assert not [cid for cid in steps if not RUBRIC.criteria[cid].evidence]  # no probe: nothing the scan can suggest
    assert not [cid for cid in steps if cid in found and steps[cid].status == "missing"]
    yes = {f.criterion for f in result.findings if f.answer == "yes"}
    assert yes and not yes & set(steps)  # a yes needs nothing more


def test_a_partial_answer_lists_the_probes_that_could_make_it_yes(tmp_path):
    # mlflow used in tests only: weak evidence, so tracking is partial; the experiment-tracking probe
    # (listed plainly) and the tracking store could still give a yes.
    result, steps = steps_of(tmp_path, {"tests/test_train.py": "import mlflow\nmlflow.log_metric('auc', 1.0)\n"})
    tracking = steps["model-1-experiment-tracking"]
    assert tracking.status == "partial"
    assert [p.id for p in tracking.probes] == ["experiment-tracking", "mlflow-store"]
    # model-2-versioning lists every probe capped at partial: the scan cannot raise it, it says so
    assert steps["model-2-versioning"].status == "partial" and steps["model-2-versioning"].probes == ()


def test_a_gate_run_outside_ci_asks_for_enforcement(tmp_path):
    gate = "auc = 0.7\nif auc < 0.8:\n    raise SystemExit('auc below threshold')\n"
    result, steps = steps_of(tmp_path, {"src/evaluate.py": gate})
    answer = {f.criterion: f.answer for f in result.findings}.get("deploy-2-automated-validation")
    assert answer == "partial", answer  # positive, but the rubric asks for quality-gate:enforced
    assert [p.id for p in steps["deploy-2-automated-validation"].probes] == ["quality-gate"]


def test_cli_json_carries_the_remediation(tmp_path, capsys):
    write_tree(tmp_path, REALISTIC)
    assert main(["scan", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_id = {item["criterion"]: item for item in data["remediation"]}
    assert list(by_id) == [c.id for c in RUBRIC.iter_criteria() if c.id in by_id]  # rubric order
    assert by_id["data-2-validation"] == {"criterion": "data-2-validation", "status": "missing", "probes": [
        {"probe": "data-validation", "remediation": PROBE_INFO["data-validation"].remediation,
         "effort": PROBE_INFO["data-validation"].effort}]}
    assert by_id["data-2-lineage"] == {"criterion": "data-2-lineage", "status": "partial", "probes": []}
    found = {f["criterion"] for f in data["findings"] if f["answer"] == "yes"}
    assert found and not found & set(by_id)


def test_table_lists_missing_and_raisable_partial_criteria(tmp_path):
    result, _ = steps_of(tmp_path, {"tests/test_train.py": "import mlflow\nmlflow.log_metric('auc', 1.0)\n"})
    lines = missing_lines(result, RUBRIC)
    tracking = [line for line in lines if line.startswith("model-1-experiment-tracking ")]
    assert len(tracking) == 2 and all(" partial " in line for line in tracking)
    assert PROBE_INFO["experiment-tracking"].remediation in tracking[0] and "[mlflow-store]" in tracking[1]
    assert not [line for line in lines if line.startswith("model-2-versioning ")]


def test_actions_group_the_steps_by_probe_least_effort_first(tmp_path):
    result, steps = steps_of(tmp_path, REALISTIC)
    grouped = actions(tuple(steps.values()))
    efforts = [a.probe.effort for a in grouped]
    assert efforts == sorted(efforts, key=["low", "medium", "high"].index)
    assert len({a.probe.id for a in grouped}) == len(grouped)
    validation = next(a for a in grouped if a.probe.id == "data-validation")
    assert {s.criterion.id for s in validation.steps} == {
        cid for cid, s in steps.items() if "data-validation" in [p.id for p in s.probes]}
    every = {(s.criterion.id, p.id) for s in steps.values() for p in s.probes}
    assert every == {(s.criterion.id, a.probe.id) for a in grouped for s in a.steps}


def test_readme_remediation_example_prints_what_the_readme_shows(tmp_path, capsys):
    """The README's runnable example: the same two-file repository gives the lines the README shows."""
    from tests.scan.test_scan import ROOT

    section = (ROOT / "README.md").read_text().split("`scan --json`'s `remediation`", 1)[1]
    script, shown = section.split("```bash\n", 1)[1].split("\n```\n\n```\n", 1)
    shown = shown.split("\n```", 1)[0].splitlines()
    assert "printf 'import mlflow\\nmlflow.log_metric(\"auc\", 0.9)\\n' > /tmp/demo-repo/tests/test_train.py" in script
    write_tree(tmp_path, {"tests/test_train.py": 'import mlflow\nmlflow.log_metric("auc", 0.9)\n'})
    assert main(["scan", str(tmp_path), "--json"]) == 0
    printed = [f"{step['criterion']:<28} {step['status']:<8} {p['effort']:<7} {p['probe']}: {p['remediation']}"
               for step in json.loads(capsys.readouterr().out)["remediation"]
               if step["criterion"].startswith("model-1-") for p in step["probes"]]
    assert len(shown) >= 3 and printed == shown


def test_two_probes_with_one_remediation_are_one_line(tmp_path):
    """data-1-versioning has two probes (data-versioning, committed-data) that ask for the same thing."""
    result = scan(write_tree(tmp_path, {"train.py": "print('hi')\n"}))
    rows = [line for line in missing_lines(result, load_rubric("mlops-maturity")) if line.startswith("data-1-versioning ")]
    assert len(rows) == 1, rows
    assert rows[0].endswith(("[data-versioning, committed-data]", "[committed-data, data-versioning]")), rows


def test_probes_with_one_remediation_are_one_action(tmp_path):
    result = scan(write_tree(tmp_path, {"train.py": "print('hi')\n"}))
    remediations = [a.probe.remediation for a in actions(next_steps(result, load_rubric("mlops-maturity")))]
    assert len(remediations) == len(set(remediations))
