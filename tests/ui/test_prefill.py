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
