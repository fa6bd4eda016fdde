"""The pre-fill panel without a browser: set the path, click, check what the callback received."""

from __future__ import annotations

import datetime
import io
import stat
import zipfile

import pytest

from mlops_workbook.scan import ScanError
from mlops_workbook.scan.archive import extract_zip
from mlops_workbook.ui.prefill import PrefillPanel

from ..conftest import ROOT


def make_repo(root):
    (root / "src").mkdir(parents=True)
    (root / "dvc.yaml").write_text("stages:\n  train:\n    cmd: python src/train.py\n")
    (root / "src" / "train.py").write_text("import mlflow\nmlflow.autolog()\n")
    return root


def zip_bytes(members: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_scan_button_fills_answers(tmp_path):
    got = []
    panel = PrefillPanel(rubric="mlops-maturity", on_findings=got.extend)
    panel.path.value = str(make_repo(tmp_path / "repo"))
    panel.button.click()
    answers = dict(got)
    assert answers["data-1-versioning"].value == "yes"
    assert answers["data-1-versioning"].origin == "scan"
    assert answers["data-1-versioning"].evidence == "found in `dvc.yaml` - confirm"
    assert answers["model-1-experiment-tracking"].evidence == "found in `src/train.py:2` - confirm"
    assert f"<b>{len(got)}</b> of 84 criteria" in panel.status


@pytest.mark.parametrize("bad", ["missing", "file", ""])
def test_bad_path_shows_message(tmp_path, bad):
    got = []
    panel = PrefillPanel(on_findings=got.extend)
    (tmp_path / "file").write_text("x")
    panel.path.value = "" if bad == "" else str(tmp_path / bad)
    panel.button.click()
    assert got == []
    assert "fdecea" in panel.status  # the error style
    assert ("no such folder" if bad == "missing" else "not a folder" if bad == "file" else "Type the path") in panel.status


def test_empty_repo_fills_nothing(tmp_path):
    got = []
    panel = PrefillPanel(on_findings=got.extend)
    panel.path.value = str(tmp_path)
    panel.button.click()
    assert got == [] and "nothing was filled in" in panel.status


def test_uploaded_zip_is_scanned(tmp_path):
    got = []
    panel = PrefillPanel(rubric=lambda: None, on_findings=got.extend)
    panel.scan_zip(zip_bytes({"repo/dvc.yaml": b"stages: {}\n"}))
    assert "choose a rubric first" in panel.status
    panel = PrefillPanel(on_findings=got.extend)
    panel.scan_zip(zip_bytes({"repo/dvc.yaml": b"stages: {}\n"}), "team.zip")
    assert dict(got)["data-1-versioning"].evidence == "found in `dvc.yaml` - confirm"  # the one top folder is the root
    assert "team.zip" in panel.status


def test_upload_through_the_widget(tmp_path):
    got = []
    panel = PrefillPanel(on_findings=got.extend)
    data = zip_bytes({"params.yaml": b"lr: 0.1\n"})
    panel.upload.value = ({"name": "r.zip", "type": "application/zip", "size": len(data), "content": memoryview(data),
                            "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},)
    assert dict(got)["model-2-versioning"].value == "partial"


@pytest.mark.parametrize("members, symlink, message", [
    ({"../evil.py": b"x"}, None, "leave the folder"),
    ({"/abs.py": b"x"}, None, "leave the folder"),
    ({"a/../../b.py": b"x"}, None, "leave the folder"),
    ({"C:/x.py": b"x"}, None, "leave the folder"),
    ({"ok.txt": b"x"}, "link", "symlink"),
    ({"bomb.txt": b"\0" * 5_000_000}, None, "zip bomb"),
])
def test_zip_refusals(tmp_path, members, symlink, message):
    with pytest.raises(ScanError, match=message):
        extract_zip(zip_bytes(members, symlink=symlink), tmp_path / "out")
    assert not (tmp_path / "evil.py").exists() and not (tmp_path.parent / "b.py").exists()


def test_zip_limits(tmp_path):
    with pytest.raises(ScanError, match="more than the limit"):
        extract_zip(zip_bytes({f"f{i}.txt": b"x" for i in range(5)}), tmp_path, max_members=4)
    with pytest.raises(ScanError, match="bytes uncompressed"):
        extract_zip(zip_bytes({"a.txt": bytes(range(256)) * 100}), tmp_path, max_total_bytes=1000)
    with pytest.raises(ScanError, match="not a zip"):
        extract_zip(b"not a zip", tmp_path)


def test_panel_in_status_on_bad_zip():
    panel = PrefillPanel(on_findings=lambda items: None)
    panel.scan_zip(b"garbage", "x.zip")
    assert "x.zip: not a zip archive" in panel.status


# --------------------------------------------------------------------------- what to add next


def _items(html: str) -> list[str]:
    return [part.split("</li>", 1)[0] for part in html.split("<li>")[1:]]


def test_after_a_scan_the_panel_says_what_to_add_next(tmp_path):
    from markupsafe import escape

    from mlops_workbook.assessment.rubric import load_rubric
    from mlops_workbook.scan.table import next_steps
    from mlops_workbook.ui.prefill import PER_EFFORT, effort_groups

    panel = PrefillPanel()
    assert panel.next_steps == ""  # nothing before a scan
    panel.path.value = str(make_repo(tmp_path / "repo"))
    panel.button.click()
    html = panel.next_steps
    assert "What to add next" in html
    found = {f.criterion: f.answer for f in panel.last_result.findings}
    shown = [a for g in effort_groups(next_steps(panel.last_result, load_rubric("mlops-maturity"))) for a in g.actions]
    items = _items(html)
    assert len(items) == len(shown) > 0
    for item, action in zip(items, shown):  # each action: its remediation, escaped, and the criteria it evidences
        plain = item.replace("<code>", "`").replace("</code>", "`")
        assert str(escape(action.probe.remediation)) in plain and f"(probe {action.probe.id})" in item
        assert str(escape(action.steps[0].criterion.text[:60])) in item
        assert all(found.get(step.criterion.id) != "yes" for step in action.steps)  # a yes needs nothing
    # data-versioning's criteria are found (yes, or partial where the rubric caps it): nothing to add
    assert found["data-1-versioning"] == "yes" and "(probe data-versioning)" not in html
    # the panel scans a folder: a tracking store's remediation is not its to give
    assert "mlflow-store" not in html
    # grouped by effort, least first, a short list in each group, the rest counted
    groups = html.split('class="mw-prefill-effort"')[1:]
    assert [g.split("(effort ", 1)[1].split(")", 1)[0] for g in groups] == ["low", "medium", "high"]
    assert all(len(_items(g)) <= PER_EFFORT for g in groups)
    assert "more of this effort" in html
    assert "found partial that the scan cannot confirm further" in html  # data-2-lineage, capped by the rubric


def test_next_steps_escape_the_rubrics_text_and_clear_on_a_failed_scan(tmp_path):
    import yaml

    from mlops_workbook.assessment.rubric import parse_rubric

    data = yaml.safe_load((ROOT / "rubrics" / "quick-check.yaml").read_text())
    for dim in data["dimensions"]:
        for block in dim["levels"]:
            for other in block["criteria"]:
                other.pop("evidence", None)
    crit = data["dimensions"][0]["levels"][0]["criteria"][0]
    crit["text"], crit["evidence"] = "Batches <script>alert(1)</script> are validated", ["data-validation"]
    panel = PrefillPanel(rubric=parse_rubric(data))
    panel.path.value = str(make_repo(tmp_path / "repo"))
    panel.button.click()
    (item,) = _items(panel.next_steps)  # the one criterion with a probe, not found
    assert "Batches &lt;script&gt;alert(1)&lt;/script&gt; are validated" in item and "<script>" not in panel.next_steps
    panel.path.value = str(tmp_path / "missing")
    panel.button.click()
    assert "no such folder" in panel.status and panel.next_steps == ""


def test_effort_groups_keep_every_action_counted(tmp_path):
    from mlops_workbook.assessment.rubric import load_rubric
    from mlops_workbook.scan import scan
    from mlops_workbook.scan.table import actions, next_steps
    from mlops_workbook.ui.prefill import effort_groups

    rubric = load_rubric("mlops-maturity")
    steps = next_steps(scan(tmp_path, rubric), rubric)  # an empty folder: every probed criterion is missing
    groups = effort_groups(steps, per_effort=2)
    in_repo = [a for a in actions(steps) if a.probe.source == "repository"]
    assert sum(len(g.actions) + g.more for g in groups) == len(in_repo) > 6
    assert all(len(g.actions) <= 2 for g in groups)
