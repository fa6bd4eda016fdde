"""`scan`: the one walk over hostile trees, findings mapped through the rubric, the CLI and its files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_workbook.assessment.store import load_answers, read_answers
from mlops_workbook.cli import main
from mlops_workbook.errors import RubricError
from mlops_workbook.assessment.rubric import load_rubric, parse_rubric
from mlops_workbook.scan import collect, probe_table_markdown, scan
from tests.scan.test_probes import write_tree

ROOT = Path(__file__).resolve().parents[2]

REALISTIC = {
    "dvc.yaml": "stages:\n  train:\n    cmd: python src/train.py\n    deps: [data/raw.csv]\n",
    ".dvc/config": '[core]\n    remote = storage\n[\'remote "storage"\']\n    url = s3://bucket/dvc\n',
    "data/raw.csv.dvc": "outs:\n- md5: abc\n  path: raw.csv\n",
    "src/train.py": "import mlflow\n\nmlflow.autolog()\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n",
    "src/monitor.py": "from evidently import Report\nfrom evidently.presets import DataDriftPreset\nReport([DataDriftPreset()])\n",
    ".github/workflows/ci.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
    "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n",
    "tests/test_train.py": "from src.train import main\n",
}


def test_realistic_repo(tmp_path):
    result = scan(write_tree(tmp_path, REALISTIC))
    found = {f.criterion: f for f in result.findings}
    assert found["data-1-versioning"].answer == "yes"
    assert found["data-2-lineage"].answer == "partial"
    assert found["model-1-experiment-tracking"].evidence[0].path == "src/train.py"
    assert found["model-1-experiment-tracking"].evidence[0].line == 3
    assert found["deploy-1-basic-cicd"].answer == "yes"
    assert found["model-1-reproducible-env"].probe == "pinned-environment"
    assert found["monitor-2-basic-drift"].answer == "yes"
    assert found["model-1-unit-tests"].answer == "yes"
    assert "gov-3-bias-checks" not in found  # no evidence: unanswered, not "no"
    assert result.files_scanned == len(REALISTIC)


def test_empty_repository_claims_nothing(tmp_path):
    result = scan(tmp_path)
    assert result.findings == () and result.probe_findings == {} and result.files_scanned == 0


def test_pruned_folders_are_not_read(tmp_path):
    write_tree(tmp_path, {".venv/lib/x.py": "import mlflow\nmlflow.autolog()\n",
                          "node_modules/a/dvc.yaml": "stages: {}\n", ".git/dvc.yaml": "x"})
    assert scan(tmp_path).findings == ()


def test_build_output_is_not_read_twice(tmp_path):
    train = "import mlflow\nmlflow.autolog()\n"
    write_tree(tmp_path, {"src/pkg/train.py": train, "build/lib/pkg/train.py": train,
                          "build/lib.linux-x86_64-cpython-311/pkg/train.py": train,
                          "build/bdist.linux-x86_64/pkg/train.py": train, "dist/pkg-1.0/pkg/train.py": train,
                          "src/pkg.egg-info/SOURCES.txt": "src/pkg/train.py\n", "build/Dockerfile": "FROM python:3.11\n",
                          "src/library/x.py": "x = 1\n"})
    raw = collect(tmp_path)
    assert sorted(raw.texts) == ["build/Dockerfile", "src/library/x.py", "src/pkg/train.py"]
    tracking = {f.criterion: f for f in scan(tmp_path).findings}["model-1-experiment-tracking"]
    assert [e.path for e in tracking.evidence] == ["src/pkg/train.py"]


def test_invalid_utf8_and_binaries(tmp_path):
    (tmp_path / "train.py").write_bytes(b"\xff\xfe import mlflow\nimport mlflow\nmlflow.autolog()\n")
    (tmp_path / "blob.py").write_bytes(b"\0import wandb\nwandb.init()\n")
    raw = collect(tmp_path)
    assert "blob.py" not in raw.texts and raw.skipped["binary"] == 1
    assert {f.criterion for f in scan(tmp_path).findings} >= {"model-1-experiment-tracking"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.timeout(60)  # a hang guard (opening the FIFO or following the loops would block), not a speed test
def test_hostile_tree_finishes_and_stays_inside(tmp_path):
    outside = tmp_path / "outside"
    write_tree(outside, {"dvc.yaml": "stages: {}\n", "train.py": "import mlflow\nmlflow.autolog()\n"})
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "root").symlink_to("/")
    (repo / "outside").symlink_to(outside)
    (repo / "params.yaml").symlink_to(outside / "dvc.yaml")  # a file link leaving the tree
    (repo / "loop").mkdir()
    (repo / "loop" / "back").symlink_to(repo)
    (repo / "self").symlink_to(repo / "self")
    os.mkfifo(repo / "pipe.py")
    with open(repo / "huge.py", "wb") as handle:
        handle.truncate(2 * 1024**3)
    deep = repo
    for i in range(120):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    (deep / "Dockerfile").write_text("FROM python:3.11\n")
    (repo / "inner.yaml").write_text("x: 1\n")
    (repo / "link.yaml").symlink_to(repo / "inner.yaml")  # a file link inside the tree: read

    raw = collect(repo)
    result = scan(repo)
    paths = {f.path for f in raw.files}
    assert all(not p.startswith(("root/", "outside/", "loop/back/")) for p in paths)
    assert "params.yaml" not in paths and "pipe.py" not in paths
    assert "link.yaml" in paths and "huge.py" in paths and "huge.py" not in raw.texts
    assert raw.skipped["too large"] == 1 and raw.skipped["special"] == 1 and raw.skipped["symlink"] >= 4
    assert {f.criterion for f in result.findings} == {"model-1-reproducible-env"}  # only the deep Dockerfile
    assert result.findings[0].evidence[0].path.count("/") == 120


def test_unreadable_subfolder_is_skipped(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    write_tree(tmp_path, {"ok/dvc.yaml": "stages: {}\n", "secret/params.yaml": "x: 1\n"})
    (tmp_path / "secret").chmod(0)
    try:
        raw = collect(tmp_path)
    finally:
        (tmp_path / "secret").chmod(0o755)
    assert raw.skipped["unreadable"] == 1 and [f.path for f in raw.files] == ["ok/dvc.yaml"]


def test_read_at_most_the_limit(tmp_path):
    (tmp_path / "a.py").write_text("import mlflow\n" + "#" * 5000)
    raw = collect(tmp_path, max_file_bytes=1000)
    assert "a.py" not in raw.texts and raw.skipped["too large"] == 1


# --------------------------------------------------------------------------- rubric evidence


def _rubric_with(evidence) -> dict:
    import yaml

    data = yaml.safe_load((ROOT / "rubrics" / "quick-check.yaml").read_text())
    data["dimensions"][0]["levels"][0]["criteria"][0]["evidence"] = evidence
    return data


def test_unknown_probe_is_one_line_error():
    from mlops_workbook.scan.assess import check_evidence

    with pytest.raises(RubricError) as info:  # the scan checks probe ids; the rubric keeps them as data
        check_evidence(parse_rubric(_rubric_with(["data-versioning", "dvcc"]), source="x.yaml"))
    assert str(info.value).startswith("x.yaml: dimensions[0].levels[0].criteria[0].evidence[1]: unknown probe 'dvcc'")
    assert "\n" not in str(info.value)
    with pytest.raises(RubricError, match="evidence\\[0\\]"):
        check_evidence(parse_rubric(_rubric_with(["Data Versioning"]), source="x.yaml"))


def test_cli_rubric_with_unknown_probe(tmp_path, capsys):
    import yaml

    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(_rubric_with(["nope"])))
    assert main(["scan", str(tmp_path), "--rubric", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "evidence[0]: unknown probe 'nope'" in err


def test_custom_rubric_reuses_probes(tmp_path):
    write_tree(tmp_path, {"dvc.yaml": "stages: {}\n"})
    full = parse_rubric(_rubric_with(["data-versioning"]))
    capped = parse_rubric(_rubric_with(["data-versioning:partial"]))
    assert [(f.criterion, f.answer) for f in scan(tmp_path, full).findings] == [("qc-build-1", "yes")]
    assert [(f.criterion, f.answer) for f in scan(tmp_path, capped).findings] == [("qc-build-1", "partial")]
    assert scan(tmp_path, "quick-check").findings[0].answer == "partial"


# --------------------------------------------------------------------------- CLI


def test_cli_json_shape(tmp_path, capsys):
    write_tree(tmp_path, REALISTIC)
    assert main(["scan", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"path", "rubric", "findings", "files_scanned", "seconds"} <= set(data)
    assert data["rubric"] == "mlops-maturity" and data["files_scanned"] == len(REALISTIC)
    for finding in data["findings"]:
        assert set(finding) == {"criterion", "answer", "probe", "evidence"}
        assert finding["answer"] in ("yes", "partial")
        for ev in finding["evidence"]:
            assert set(ev) == {"path", "line", "detail"} and not Path(ev["path"]).is_absolute()
            assert (tmp_path / ev["path"]).is_file()


def test_cli_table(tmp_path, capsys):
    write_tree(tmp_path, REALISTIC)
    assert main(["scan", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"data-1-versioning\s+yes\s+dvc.yaml \(DVC pipeline\)", out)
    assert "stay unanswered" in out


@pytest.mark.parametrize("kind", ["missing", "file", "unreadable"])
def test_cli_bad_paths(tmp_path, capsys, kind):
    target = tmp_path / "target"
    if kind == "file":
        target.write_text("x")
    elif kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads everything")
        target.mkdir()
        target.chmod(0)
    try:
        assert main(["scan", str(target)]) == 2
    finally:
        if target.is_dir():
            target.chmod(0o755)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {target}: ")


def test_cli_team_out_is_read_by_score(tmp_path, capsys):
    repo = write_tree(tmp_path / "repo", REALISTIC)
    out = tmp_path / "answers" / "blue.json"
    assert main(["scan", str(repo), "--team", "Blue", "--out", str(out)]) == 0
    answers, _, warnings = load_answers(out)
    assert answers.team == "Blue" and not warnings
    assert answers.answers["data-1-versioning"].origin == "scan"
    assert answers.answers["data-1-versioning"].evidence.startswith("found in dvc.yaml")
    raw = json.loads(out.read_text())["answers"]["data-1-versioning"]
    assert raw == {"answer": "yes", "evidence": answers.answers["data-1-versioning"].evidence, "origin": "scan"}
    capsys.readouterr()
    assert main(["score", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["team"] == "Blue"
    assert main(["scan", str(repo), "--team", "Blue"]) == 2


def test_origin_is_validated(write_json):
    from mlops_workbook.errors import AnswersError

    path = write_json("a.json", {"team": "t", "rubric": "mlops-maturity",
                                 "answers": {"data-1-versioning": {"answer": "yes", "origin": "guess"}}})
    with pytest.raises(AnswersError, match="answers.data-1-versioning.origin"):
        read_answers(path)


# --------------------------------------------------------------------------- README


def test_readme_probe_table_is_generated():
    readme = (ROOT / "README.md").read_text()
    assert probe_table_markdown() in readme, "regenerate: python -m mlops_workbook.scan --markdown"


def test_markdown_entry_point():
    out = subprocess.run([sys.executable, "-m", "mlops_workbook.scan", "--markdown"], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    assert out.strip() == probe_table_markdown()


def test_rubric_loads_with_evidence():
    rubric = load_rubric("mlops-maturity")
    assert rubric.criteria["data-1-versioning"].evidence == ("data-versioning", "committed-data:partial")
    assert rubric.to_dict()["dimensions"][0]["levels"][0]["criteria"][0]["evidence"] == ["data-versioning",
                                                                                         "committed-data:partial"]
