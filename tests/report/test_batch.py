"""The batch's bookkeeping without a kernel: bad input before anything is written, one error line per failure."""

from __future__ import annotations

import json

import pytest

from mlops_workbook.errors import WorkbookError
from mlops_workbook.report.batch import print_progress, run_reports
from mlops_workbook.report.jobs import ReportOutcome


def _bad_answers(folder, name="bad.json"):
    path = folder / name
    path.write_text(json.dumps({"team": "Blue", "rubric": "quick-check", "answers": {"qc-build-1": "perhaps"}}))
    return path


def test_strict_batch_of_only_invalid_files_raises_before_writing(tmp_path):
    first, second = _bad_answers(tmp_path), tmp_path / "corrupt.json"
    second.write_text('{"team": ')
    out = tmp_path / "out"
    with pytest.raises(WorkbookError) as caught:
        run_reports([str(first), str(second)], out, strict=True)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{first}: answers.qc-build-1: ") and str(second) in message
    assert not out.exists()


def test_a_batch_that_is_not_strict_still_lists_the_invalid_file(tmp_path):
    result = run_reports([str(_bad_answers(tmp_path))], tmp_path / "out")
    assert not result.ok and result.index.is_file() and "qc-build-1" in result.failed[0].error


def test_progress_line_does_not_repeat_the_error_the_caller_prints(capsys):
    outcome = ReportOutcome("bad.json", "Blue", "failed", error="bad.json: answers.qc-build-1: expected yes")
    print_progress(1, 1, outcome)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "FAILED Blue" in err and "qc-build-1" not in err
