"""`scan --mlflow`: stores that MLflow itself wrote (file store, SQLite, a real `mlflow server`), read-only.

Every store here is written by the mlflow client in a subprocess (the same MLflow a team runs), never
imitated by hand; only the negative tests build things that are deliberately not MLflow's.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mlops_workbook.errors import WorkbookError
from mlops_workbook.scan import scan, scan_mlflow
from mlops_workbook.scan.findings import CriterionFinding
from mlops_workbook.scan.mlflow import MlflowStoreError, read_store
from tests.scan.test_probes import write_tree

from .._servers import free_port, stop, wait_until_up

WRITER = r"""
import json, sys, warnings
from mlflow import MlflowClient

uri, spec = sys.argv[1], json.loads(sys.argv[2])
client = MlflowClient(tracking_uri=uri, registry_uri=uri)
exp = client.create_experiment(spec.get("experiment", "churn"))
ids = []
for run in spec.get("runs", []):
    rid = client.create_run(exp, tags=run.get("tags", {})).info.run_id
    for key, value in run.get("params", {}).items():
        client.log_param(rid, key, value)
    for key, value in run.get("metrics", {}).items():
        client.log_metric(rid, key, value, step=0)
        client.log_metric(rid, key, value + 0.01, step=1)
    client.set_terminated(rid)
    ids.append(rid)
for i in spec.get("delete_runs", []):
    client.delete_run(ids[i])
for model in spec.get("models", []):
    client.create_registered_model(model["name"])
    for i in model.get("versions", []):
        client.create_model_version(model["name"], f"runs:/{ids[i]}/model", run_id=ids[i])
    for version in model.get("deleted_versions", []):
        client.delete_model_version(model["name"], str(version))
    for alias, version in model.get("aliases", {}).items():
        client.set_registered_model_alias(model["name"], alias, str(version))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stages are deprecated in MLflow 3, still written and read
        for version, stage in model.get("stages", {}).items():
            client.transition_model_version_stage(model["name"], str(version), stage)
if spec.get("deleted_experiment"):
    gone = client.create_experiment(spec["deleted_experiment"])
    rid = client.create_run(gone).info.run_id
    client.log_metric(rid, "loss", 1.0)
    client.delete_experiment(gone)
print(json.dumps({"experiment_id": exp, "run_ids": ids}))
"""


def _run(i: int, *, commit: bool = True, user: str | None = "ana") -> dict:
    tags = {"mlflow.runName": f"run-{i}"}
    if commit:
        tags["mlflow.source.git.commit"] = f"{i:02d}c0ffee{i:02d}deadbeef"
    if user:
        tags["mlflow.user"] = user
    return {"params": {"lr": str(0.1 * (i + 1)), "depth": str(3 + i)}, "metrics": {"auc": 0.8 + i / 100},
            "tags": tags}


# Three complete runs and one deleted; 'churn' v1 (Staging), v2 (alias champion), v3 deleted; a deleted experiment.
FULL = {"runs": [_run(0), _run(1), _run(2), _run(3)], "delete_runs": [3],
        "models": [{"name": "churn", "versions": [0, 1, 2], "deleted_versions": [3], "aliases": {"champion": 2},
                    "stages": {"1": "Staging"}}],
        "deleted_experiment": "scratch"}


def write_store(uri: str, spec: dict, cwd: Path) -> dict:
    """Let MLflow write `spec` to `uri` (a subprocess: its own env, no global MLflow state in the tests)."""
    env = {**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true", "MLFLOW_DISABLE_TELEMETRY": "true",
           "DO_NOT_TRACK": "true"}
    proc = subprocess.run([sys.executable, "-c", WRITER, uri, json.dumps(spec)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def file_state(root: Path) -> dict[str, int]:
    """Every path under root with its mtime (ns): a write anywhere changes it."""
    state = {str(root): root.stat().st_mtime_ns}
    for path in root.rglob("*"):
        state[str(path)] = path.lstat().st_mtime_ns
    assert len(state) > 5  # guard: the store is really there
    return state


def by_criterion(findings) -> dict[str, CriterionFinding]:
    return {f.criterion: f for f in findings}


@pytest.fixture(scope="module")
def file_store(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("filestore")
    ids = write_store((base / "mlruns").as_uri(), FULL, base)
    return base / "mlruns", ids


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("sqlite")
    ids = write_store(f"sqlite:///{base / 'mlflow.db'}", FULL, base)
    return base / "mlflow.db", ids


def check_full(result, ids: dict) -> dict[str, CriterionFinding]:
    """The answers FULL supports, whichever kind of store holds it."""
    found = by_criterion(result.findings)
    read = result.mlflow
    assert read.runs == 3 and read.models == 1  # the deleted run is not counted
    assert read.versions == 2  # nor the deleted version
    assert read.experiments == 2  # churn and Default; the deleted experiment is not counted
    assert {c: f.answer for c, f in found.items()} == {
        "model-1-experiment-tracking": "yes", "model-2-versioning": "partial", "model-3-advanced-tracking": "partial",
        "deploy-1-known-version": "partial", "gov-2-model-registry": "yes", "gov-2-approval-workflow": "partial",
        "gov-2-audit-trail": "yes"}
    assert all(f.probe == "mlflow-store" for f in found.values())
    tracking = found["model-1-experiment-tracking"]
    assert len(tracking.evidence) == 3 and ids["run_ids"][3] not in tracking.note(limit=10)
    assert all("rule: yes when >= 3 runs" in loc.detail for loc in tracking.evidence)
    assert "who approved" in found["gov-2-approval-workflow"].evidence[0].detail
    return found


def test_file_store_written_by_mlflow(file_store):
    root, ids = file_store
    before = file_state(root)
    result = scan_mlflow(str(root))
    assert file_state(root) == before  # read-only: no file or folder touched, none added
    found = check_full(result, ids)
    exp, run0 = ids["experiment_id"], ids["run_ids"][0]
    paths = [loc.path for loc in found["model-1-experiment-tracking"].evidence]
    assert f"mlruns/{exp}/{run0}/tags/mlflow.source.git.commit" in paths
    approval = [loc.path for loc in found["gov-2-approval-workflow"].evidence]
    assert "mlruns/models/churn/aliases/champion" in approval
    assert "mlruns/models/churn/version-1/meta.yaml" in approval  # the Staging transition
    assert result.mlflow.kind == "file" and "3 runs" in result.mlflow.summary()


def test_file_store_with_a_fifo_does_not_hang(file_store, tmp_path):
    copy = tmp_path / "mlruns"
    shutil.copytree(file_store[0], copy)
    exp, run0 = file_store[1]["experiment_id"], file_store[1]["run_ids"][0]
    tag = copy / exp / run0 / "tags" / "mlflow.source.git.commit"
    tag.unlink()
    os.mkfifo(tag)  # a read() on it would block forever
    store = read_store(str(copy))
    assert {r.run_id: r.git_commit for r in store.runs}[run0] == ""  # that run lost its commit, nothing else
    assert sum(1 for r in store.runs if r.git_commit) == 2


def test_file_uri_and_truncation(file_store):
    root, _ = file_store
    assert scan_mlflow(root.as_uri()).mlflow.runs == 3
    capped = read_store(str(root), max_runs=2)
    assert capped.truncated and len(capped.runs) == 2


def test_sqlite_store_written_by_mlflow(sqlite_store):
    db, ids = sqlite_store
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    listing = sorted(p.name for p in db.parent.iterdir())
    for uri in (f"sqlite:///{db}", str(db)):
        result = scan_mlflow(uri)
        found = check_full(result, ids)
        assert result.mlflow.kind == "sqlite"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest  # not one byte written
    assert sorted(p.name for p in db.parent.iterdir()) == listing  # no journal or WAL file left behind
    approval = [loc.path for loc in found["gov-2-approval-workflow"].evidence]
    assert "mlflow.db: registered_models 'churn' v2 alias champion" in approval
    assert f"mlflow.db: tags run {ids['run_ids'][0]} mlflow.source.git.commit" in [
        loc.path for loc in found["gov-2-audit-trail"].evidence]


@pytest.mark.slow
def test_tracking_server_over_rest(sqlite_store, tmp_path):
    db, ids = sqlite_store
    served = tmp_path / "served.db"
    served.write_bytes(db.read_bytes())  # the server may migrate its database; ours stays untouched
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
    mlflow_cli = Path(sys.executable).with_name("mlflow")
    with open(log, "w") as out:
        proc = subprocess.Popen([str(mlflow_cli), "server", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", "1", "--backend-store-uri", f"sqlite:///{served}",
                                 "--default-artifact-root", str(tmp_path / "artifacts")],
                                cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", proc, log, what="mlflow server")
        base = f"http://127.0.0.1:{port}"
        result = scan_mlflow(base + "/")
        found = check_full(result, ids)
        assert result.mlflow.kind == "rest" and result.mlflow.uri == base
        assert f"{base} registered model 'churn' v2 alias champion" in [
            loc.path for loc in found["deploy-1-known-version"].evidence]
        assert f"{base} registered model 'churn' v1" in [loc.path for loc in found["gov-2-model-registry"].evidence]
        with pytest.raises(MlflowStoreError, match=r"not an MLflow tracking server \(HTTP 404"):
            read_store(base + "/not-mlflow")  # a path prefix where no MLflow answers
    finally:
        stop(proc)
    assert proc.poll() is not None


# --------------------------------------------------------------------------- levels of evidence


def test_one_run_one_metric_is_partial_tracking_only(tmp_path):
    spec = {"runs": [{"metrics": {"auc": 0.7}}]}
    write_store((tmp_path / "mlruns").as_uri(), spec, tmp_path)
    found = by_criterion(scan_mlflow(str(tmp_path / "mlruns")).findings)
    assert list(found) == ["model-1-experiment-tracking"]
    assert found["model-1-experiment-tracking"].answer == "partial"
    assert "no git commit" in found["model-1-experiment-tracking"].evidence[0].detail
    assert "/metrics/auc" in found["model-1-experiment-tracking"].evidence[0].path


def test_missing_commits_and_users_weaken_tracking_and_audit(tmp_path):
    spec = {"runs": [_run(0), _run(1, user=None), _run(2, commit=False)],
            "models": [{"name": "churn", "versions": [0, 1, 2]}, {"name": "empty"}]}
    write_store((tmp_path / "mlruns").as_uri(), spec, tmp_path)
    found = by_criterion(scan_mlflow(str(tmp_path / "mlruns")).findings)
    assert found["model-1-experiment-tracking"].answer == "partial"  # 2 complete runs, 3 needed
    assert found["gov-2-model-registry"].answer == "yes"
    audit = found["gov-2-audit-trail"]
    assert audit.answer == "partial" and len(audit.evidence) == 2  # v3's run has no commit
    assert "2 of 3 versions trace to a commit, 1 with a user" in audit.evidence[0].detail
    for cid in ("gov-2-approval-workflow", "deploy-1-known-version", "model-3-advanced-tracking"):
        assert cid not in found  # nothing promoted: no alias, no stage


def test_registered_model_without_versions_is_partial_registry(tmp_path):
    write_store((tmp_path / "mlruns").as_uri(), {"models": [{"name": "churn"}]}, tmp_path)
    found = by_criterion(scan_mlflow(str(tmp_path / "mlruns")).findings)
    assert {c: f.answer for c, f in found.items()} == {"gov-2-model-registry": "partial"}
    assert found["gov-2-model-registry"].evidence[0].path == "mlruns/models/churn/meta.yaml"


def test_empty_store_claims_nothing(tmp_path):
    write_store((tmp_path / "mlruns").as_uri(), {}, tmp_path)
    result = scan_mlflow(str(tmp_path / "mlruns"))
    assert result.findings == () and result.mlflow.experiments == 2


def test_other_rubric_through_its_evidence_lists(file_store):
    """A rubric of its own lists `mlflow-store` in `evidence:` like any probe, capped as it says."""
    found = by_criterion(scan_mlflow(str(file_store[0]), "quick-check").findings)
    assert {c: f.answer for c, f in found.items()} == {"qc-build-2": "partial", "qc-ship-1": "partial",
                                                        "qc-ship-2b": "partial"}
    assert all(f.probe == "mlflow-store" and f.evidence[0].path.startswith("mlruns/") for f in found.values())


def test_the_store_is_a_probe_of_the_registry():
    """Discovered like the others (no list names it), with its metadata shown to the user, and its
    CRITERIA the criteria its rules judge."""
    from mlops_workbook.scan import PROBES, RawResults, probe_table_markdown
    from mlops_workbook.scan.mlflow import RULES
    from mlops_workbook.scan.probes import PROBE_INFO

    info = PROBE_INFO["mlflow-store"]
    assert PROBES["mlflow-store"].__name__.endswith(".probes.mlflow_store") and info.source == "mlflow"
    assert set(info.criteria) == set(RULES)
    assert "| `mlflow-store` | With `scan --mlflow URI`" in probe_table_markdown()
    assert PROBES["mlflow-store"].run(RawResults(root="")) == []  # a repository alone: no store, no finding


# --------------------------------------------------------------------------- with the repository scan


def test_store_and_repository_in_one_scan(file_store, tmp_path):
    from mlops_workbook.assessment.rubric import load_rubric

    repo = write_tree(tmp_path / "repo", {
        "tests/test_train.py": "import mlflow\nmlflow.log_metric('auc', 1.0)\n",  # tried in tests only: partial
        "src/train.py": "import mlflow\nmlflow.register_model('runs:/x/model', 'churn')\n",
    })
    repo_result = scan(repo)
    repo_found = by_criterion(repo_result.findings)
    assert repo_found["model-1-experiment-tracking"].answer == "partial"
    assert repo_found["gov-2-model-registry"].answer == "yes"
    assert "gov-2-audit-trail" not in repo_found and repo_result.mlflow is None
    result = scan(repo, mlflow=str(file_store[0]))
    found = by_criterion(result.findings)
    tracking = found["model-1-experiment-tracking"]
    assert tracking.answer == "yes" and tracking.probe == "mlflow-store"  # the stronger answer wins
    assert tracking.evidence and all(loc.path.startswith("mlruns/") for loc in tracking.evidence)
    registry = found["gov-2-model-registry"]
    assert registry.answer == "yes" and registry.probe == "model-registry"  # a tie keeps the repository's
    assert registry.evidence[0].path == "src/train.py"
    assert found["gov-2-audit-trail"].answer == "yes" and found["gov-2-audit-trail"].probe == "mlflow-store"
    order = list(load_rubric("mlops-maturity").criteria)
    assert [f.criterion for f in result.findings] == [c for c in order if c in found]
    assert result.files_scanned == repo_result.files_scanned and result.mlflow.runs == 3
    store_findings = result.probe_findings["mlflow-store"]
    assert {f.criterion for f in store_findings} == {  # each store finding names the criterion its rule judged
        "model-1-experiment-tracking", "model-2-versioning", "model-3-advanced-tracking", "gov-2-model-registry",
        "deploy-1-known-version", "gov-2-approval-workflow", "gov-2-audit-trail"}


def test_a_store_finding_counts_for_its_own_criterion_only(tmp_path):
    """Three complete runs and no registered model: a yes for tracking, and no registry, audit or
    approval claim although the probe found positive evidence."""
    write_store((tmp_path / "mlruns").as_uri(), {"runs": [_run(0), _run(1), _run(2)]}, tmp_path)
    repo = write_tree(tmp_path / "repo", {"a.py": "x = 1\n"})
    found = by_criterion(scan(repo, mlflow=str(tmp_path / "mlruns")).findings)
    assert {c: f.answer for c, f in found.items()} == {"model-1-experiment-tracking": "yes"}


# --------------------------------------------------------------------------- stores that cannot be read


def _one_line_naming(exc: pytest.ExceptionInfo, uri: str) -> str:
    text = str(exc.value)
    assert isinstance(exc.value, WorkbookError) and "\n" not in text and text.startswith(uri), text
    return text


@pytest.mark.parametrize("make, expected", [
    (lambda p: p / "missing", "no such file or folder"),
    (lambda p: (p / "plain").mkdir() or p / "plain", "not an MLflow file store"),
    (lambda p: (p / "notes.txt").write_text("hello") and p / "notes.txt", "a file that is not an SQLite database"),
])
def test_unreadable_local_paths(tmp_path, make, expected):
    path = make(tmp_path)
    with pytest.raises(MlflowStoreError) as exc:
        read_store(str(path))
    assert expected in _one_line_naming(exc, str(path))


def test_folder_holding_a_store_gets_a_hint(file_store):
    root = file_store[0].parent
    with pytest.raises(MlflowStoreError) as exc:
        read_store(str(root))
    assert f"did you mean {root / 'mlruns'}?" in _one_line_naming(exc, str(root))


def test_sqlite_without_mlflow_tables(tmp_path):
    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE orders (id INTEGER)")
    con.commit()
    con.close()
    for uri in (str(db), f"sqlite:///{db}"):
        with pytest.raises(MlflowStoreError) as exc:
            read_store(uri)
        assert "without MLflow's tables (no experiments, runs table)" in _one_line_naming(exc, uri)
    with pytest.raises(MlflowStoreError) as exc:
        read_store(f"sqlite:///{tmp_path / 'missing.db'}")
    assert "no such file" in _one_line_naming(exc, "sqlite:///")


def test_unsupported_scheme():
    with pytest.raises(MlflowStoreError) as exc:
        read_store("postgresql://db/mlflow")
    assert "unsupported tracking URI scheme 'postgresql'" in _one_line_naming(exc, "postgresql://db/mlflow")


def test_server_that_does_not_answer():
    uri = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(MlflowStoreError) as exc:
        read_store(uri)
    assert "the server does not answer" in _one_line_naming(exc, uri)


class _Foreign(http.server.BaseHTTPRequestHandler):
    """A server that is not MLflow: JSON of another shape on /json/, 401 on /locked/, HTML elsewhere."""

    seen_auth: list[str] = []

    def _answer(self) -> None:
        if self.path.startswith("/locked/"):
            self.seen_auth.append(self.headers.get("Authorization", ""))
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        json_kind = self.path.startswith("/json/")
        body = json.dumps({"status": "ok", "items": []}).encode() if json_kind else b"<html>hello</html>"
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if json_kind else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def foreign_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Foreign)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_server_answering_foreign_json_or_html(foreign_server):
    with pytest.raises(MlflowStoreError) as exc:
        read_store(foreign_server + "/json")
    text = _one_line_naming(exc, foreign_server + "/json")
    assert "not an MLflow tracking server" in text and "'items'" in text
    with pytest.raises(MlflowStoreError) as exc:
        read_store(foreign_server)
    assert "something that is not JSON" in _one_line_naming(exc, foreign_server)


def test_credentials_from_mlflow_variables(foreign_server, monkeypatch):
    from mlops_workbook.scan.mlflow.rest import auth_headers

    assert auth_headers({}) == {}
    assert auth_headers({"MLFLOW_TRACKING_USERNAME": "ana", "MLFLOW_TRACKING_PASSWORD": "pw"}) == {
        "Authorization": "Basic YW5hOnB3"}
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "t0k")
    _Foreign.seen_auth.clear()
    with pytest.raises(MlflowStoreError) as exc:
        read_store(foreign_server + "/locked")
    assert "HTTP 401" in _one_line_naming(exc, foreign_server + "/locked")
    assert _Foreign.seen_auth == ["Bearer t0k"]


def test_reading_never_imports_mlflow():
    code = ("import sys; from mlops_workbook.scan import mlflow as m; import mlops_workbook.scan.mlflow.rest; "
            "print('mlflow' in sys.modules, m.__all__ == sorted(m.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.split() == ["False", "True"]


# --------------------------------------------------------------------------- the CLI


def test_cli_scan_with_mlflow_merges_the_store_and_reports_it(sqlite_store, tmp_path, capsys):
    from mlops_workbook.cli import main

    repo = write_tree(tmp_path / "repo", {"src/train.py": "print('no tracking here')\n"})
    assert main(["scan", str(repo), "--mlflow", str(sqlite_store[0]), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    answers = {f["criterion"]: f for f in out["findings"]}
    assert answers["model-1-experiment-tracking"]["probe"] == "mlflow-store"
    assert out["mlflow"]["kind"] == "sqlite" and out["mlflow"]["runs"] > 0 and out["mlflow"]["uri"] == str(sqlite_store[0])
    steps = {s["criterion"]: s for s in out["remediation"]}
    assert "model-1-experiment-tracking" not in steps  # a yes needs nothing more
    approval = steps["gov-2-approval-workflow"]  # partial from the store: the approval probe could make it yes
    assert approval["status"] == "partial" and [p["probe"] for p in approval["probes"]] == ["model-approval"]
    assert main(["scan", str(repo), "--mlflow", str(sqlite_store[0])]) == 0
    text = capsys.readouterr().out
    assert "Read MLflow store" in text and "[mlflow-store]" in text and "what to add next" in text


def test_cli_scan_with_an_unreadable_store_is_one_line_and_exit_2(tmp_path, capsys):
    from mlops_workbook.cli import main

    repo = write_tree(tmp_path / "repo", {"a.py": "x = 1\n"})
    (tmp_path / "notes.txt").write_text("not a store\n")
    for uri in (str(tmp_path / "missing"), str(tmp_path / "notes.txt"), f"http://127.0.0.1:{free_port()}"):
        assert main(["scan", str(repo), "--mlflow", uri]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and uri in err[0] and "Traceback" not in err[0]
