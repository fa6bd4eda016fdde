from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.evidence import evidence_summary


def test_counts_per_dimension(rubric):
    answers = Answers(team="t", rubric=rubric.id, answers={
        "data-1-versioning": Answer("yes", "found in dvc.yaml:3", origin="scan"),
        "data-2-validation": Answer("partial", "GE for one table"),
        "data-1-scripted-prep": Answer("no"),
        "model-1-unit-tests": Answer("yes", "found in tests/test_x.py:1", origin="scan"),
    })
    rows = {r.dimension: r for r in evidence_summary(rubric, answers)}
    assert [r.dimension for r in evidence_summary(rubric, answers)] == [d.id for d in rubric.dimensions]
    data = rows["data"]
    assert (data.evidence, data.opinion) == (1, 2)
    assert data.unanswered == len(rubric.dimension("data").criteria) - 3
    assert rows["model"].evidence == 1 and rows["model"].opinion == 0
    assert rows["governance"].evidence_share == 0.0
    assert data.to_dict()["evidence_share"] == round(1 / 3, 3)


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_every_criterion_counted_once(rubric, data):
    ids = sorted(rubric.criteria)
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True))
    origins = data.draw(st.lists(st.sampled_from(["", "scan"]), min_size=len(chosen), max_size=len(chosen)))
    answers = Answers(team="t", rubric=rubric.id,
                      answers={cid: Answer("yes", origin=o) for cid, o in zip(chosen, origins)})
    rows = evidence_summary(rubric, answers)
    assert sum(r.total for r in rows) == len(ids)
    assert sum(r.evidence for r in rows) == origins.count("scan")
    assert sum(r.opinion for r in rows) == origins.count("")
